/* SPDX-License-Identifier: MIT */
/*
 * mif-dhcp4-send: build one DHCPv4 server reply (OFFER, ACK or NAK) with
 * the dhcp4 builder and send it over UDP from port 67 to port 68. Run in
 * the network namespace that plays the DHCP server in the test worlds
 * (tests/world). Not installed.
 *
 *   mif-dhcp4-send -i IFACE [-d DEST_IP] [-c COUNT] [--xid HEX]
 *                  [--chaddr MAC] [--type offer|ack|nak] [--yiaddr A]
 *                  [--server-id A] [--lease S] [--router A[,A...]]
 *                  [--dns A[,A...]] [--raw HEX] [--truncate N]
 *                  [--bad-magic] [--dump]
 *
 * Options are written in this order: 53 type, 54 server identifier, 51
 * lease, 3 routers, 6 DNS, then every --raw in command-line order, then
 * End and padding to 300 octets. --raw appends bytes to the option area
 * as they are, so a test can add a malformed option.
 *
 * Exit status: 0 sent, 1 socket error, 2 bad arguments.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tool_hex.h"
#include "proto/dhcp4.h"

#define SEND_BUF_MAX 8192        /* well under a UDP datagram */
#define SEND_RAW_MAX 4096
#define SEND_MAX_COUNT 100000
#define SEND_MAX_LIST 64         /* addresses in --router or --dns */
#define SEND_BAD_MAGIC 0xdeadbeefu

struct send_cfg {
	const char *ifname;
	const char *dest;
	unsigned long count;
	uint32_t xid;
	uint8_t chaddr[16];
	size_t chaddr_len;
	uint8_t type;
	struct in_addr yiaddr;
	bool has_server_id;
	struct in_addr server_id;
	bool has_lease;
	uint32_t lease;
	struct in_addr routers[SEND_MAX_LIST], dns[SEND_MAX_LIST];
	size_t n_routers, n_dns;
	uint8_t raw[SEND_RAW_MAX];
	size_t raw_len;
	long truncate;           /* -1: none */
	bool bad_magic;
	bool dump;
};

enum {
	OPT_XID = 256, OPT_CHADDR, OPT_TYPE, OPT_YIADDR, OPT_SERVER_ID,
	OPT_LEASE, OPT_ROUTER, OPT_DNS, OPT_RAW, OPT_TRUNCATE, OPT_BAD_MAGIC,
	OPT_DUMP,
};

static const struct option send_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "interface", required_argument, NULL, 'i' },
	{ "dest", required_argument, NULL, 'd' },
	{ "count", required_argument, NULL, 'c' },
	{ "xid", required_argument, NULL, OPT_XID },
	{ "chaddr", required_argument, NULL, OPT_CHADDR },
	{ "type", required_argument, NULL, OPT_TYPE },
	{ "yiaddr", required_argument, NULL, OPT_YIADDR },
	{ "server-id", required_argument, NULL, OPT_SERVER_ID },
	{ "lease", required_argument, NULL, OPT_LEASE },
	{ "router", required_argument, NULL, OPT_ROUTER },
	{ "dns", required_argument, NULL, OPT_DNS },
	{ "raw", required_argument, NULL, OPT_RAW },
	{ "truncate", required_argument, NULL, OPT_TRUNCATE },
	{ "bad-magic", no_argument, NULL, OPT_BAD_MAGIC },
	{ "dump", no_argument, NULL, OPT_DUMP },
	{ NULL, 0, NULL, 0 },
};

static void send_help(FILE *f)
{
	fputs(
"usage: mif-dhcp4-send -i IFACE [-d DEST_IP] [-c COUNT] [--xid HEX] [--chaddr MAC]\n"
"                      [--type offer|ack|nak] [--yiaddr A] [--server-id A]\n"
"                      [--lease S] [--router A,...] [--dns A,...] [--raw HEX]\n"
"                      [--truncate N] [--bad-magic] [--dump]\n"
"  -i, --interface IFACE  send on IFACE (required unless --dump)\n"
"  -d, --dest ADDR        destination (default 255.255.255.255), port 68\n"
"  -c, --count N          send N times (1..100000, default 1)\n"
"  --xid HEX              transaction ID (default 0)\n"
"  --chaddr MAC           client hardware address (default 00:00:00:00:00:00)\n"
"  --type T               offer, ack or nak (default offer)\n"
"  --yiaddr A             'your' address (default 0.0.0.0)\n"
"  --server-id A          option 54\n"
"  --lease S              option 51, seconds or 'infinity'\n"
"  --router A,...         option 3\n"
"  --dns A,...            option 6\n"
"  --raw HEX              append bytes to the option area (repeatable)\n"
"  --truncate N           cut the message to N bytes\n"
"  --bad-magic            replace the magic cookie\n"
"  --dump                 print the message in hex on stdout, send nothing\n",
	      f);
}

static void send_usage_error(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

static void send_usage_error(const char *what, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mif-dhcp4-send: %s: ", what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n(try mif-dhcp4-send --help)\n", stderr);
	exit(2);
}

static void send_fatal(const char *what, int err) __attribute__((noreturn));

static void send_fatal(const char *what, int err)
{
	fprintf(stderr, "mif-dhcp4-send: %s: %s\n", what, strerror(err));
	exit(1);
}

/* ---- Value parsers: each exits with status 2 naming what on error. ---- */

static unsigned long opt_ulong(const char *s, unsigned long max, const char *what)
{
	unsigned long v = 0;
	int r = tool_ulong(s, max, &v);

	if (r == -1)
		send_usage_error(what, "'%s' is not a number", s);
	if (r == -2)
		send_usage_error(what, "%s is over the maximum %lu", s, max);
	return v;
}

static uint32_t opt_xid(const char *s, const char *what)
{
	unsigned long long v;
	char *end;

	if (strncmp(s, "0x", 2) == 0 || strncmp(s, "0X", 2) == 0)
		s += 2;
	if (*s == '\0' || strspn(s, "0123456789abcdefABCDEF") != strlen(s) || strlen(s) > 8)
		send_usage_error(what, "'%s' is not 1 to 8 hex digits", s);
	errno = 0;
	v = strtoull(s, &end, 16);
	if (errno || *end != '\0')
		send_usage_error(what, "'%s' is not a hex number", s);
	return (uint32_t)v;
}

static void opt_addr(const char *s, struct in_addr *a, const char *what)
{
	if (inet_pton(AF_INET, s, a) != 1)
		send_usage_error(what, "'%s' is not an IPv4 address", s);
}

/* Comma-separated addresses; returns how many. */
static size_t opt_addr_list(const char *s, struct in_addr *a, const char *what)
{
	char *copy = strdup(s), *save = NULL, *tok;
	size_t n = 0;

	if (!copy)
		send_fatal("strdup", ENOMEM);
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (n == SEND_MAX_LIST)
			send_usage_error(what, "more than %d addresses", SEND_MAX_LIST);
		opt_addr(tok, &a[n++], what);
	}
	free(copy);
	if (n == 0)
		send_usage_error(what, "no address given");
	return n;
}

/* Hex bytes on the command line (tests/tools/tool_hex.h). */
static size_t opt_hex(const char *s, uint8_t *out, size_t cap, const char *what)
{
	const char *bad = s;
	long n = tool_hex(s, out, cap, &bad);

	if (n == -1)
		send_usage_error(what, "bad hex near '%s'", bad);
	if (n == -2)
		send_usage_error(what, "more than %zu bytes", cap);
	return (size_t)n;
}

static uint8_t opt_type(const char *s, const char *what)
{
	if (strcmp(s, "offer") == 0)
		return DHCP4_OFFER;
	if (strcmp(s, "ack") == 0)
		return DHCP4_ACK;
	if (strcmp(s, "nak") == 0)
		return DHCP4_NAK;
	send_usage_error(what, "'%s' is not offer, ack or nak", s);
}

static uint32_t opt_lease(const char *s, const char *what)
{
	if (strcmp(s, "infinity") == 0 || strcmp(s, "inf") == 0)
		return DHCP4_INFINITY;
	return (uint32_t)opt_ulong(s, UINT32_MAX, what);
}

/* ---- Command line ---- */

/* The option's name for messages: "--name" for long-only ones. */
static const char *opt_text(int val)
{
	static char buf[40];

	for (size_t i = 0; val >= 256 && send_options[i].name; i++)
		if (send_options[i].val == val) {
			snprintf(buf, sizeof(buf), "--%s", send_options[i].name);
			return buf;
		}
	snprintf(buf, sizeof(buf), "-%c", val);
	return buf;
}

static void opt_one(struct send_cfg *c, int opt, const char *arg, const char *what)
{
	switch (opt) {
	case 'i': c->ifname = arg; break;
	case 'd': c->dest = arg; break;
	case 'c':
		c->count = opt_ulong(arg, SEND_MAX_COUNT, what);
		if (c->count == 0)
			send_usage_error(what, "must be at least 1");
		break;
	case OPT_XID: c->xid = opt_xid(arg, what); break;
	case OPT_CHADDR:
		c->chaddr_len = opt_hex(arg, c->chaddr, sizeof(c->chaddr), what);
		if (c->chaddr_len == 0)
			send_usage_error(what, "empty address");
		break;
	case OPT_TYPE: c->type = opt_type(arg, what); break;
	case OPT_YIADDR: opt_addr(arg, &c->yiaddr, what); break;
	case OPT_SERVER_ID:
		opt_addr(arg, &c->server_id, what);
		c->has_server_id = true;
		break;
	case OPT_LEASE:
		c->lease = opt_lease(arg, what);
		c->has_lease = true;
		break;
	case OPT_ROUTER: c->n_routers = opt_addr_list(arg, c->routers, what); break;
	case OPT_DNS: c->n_dns = opt_addr_list(arg, c->dns, what); break;
	case OPT_RAW:
		c->raw_len += opt_hex(arg, c->raw + c->raw_len, sizeof(c->raw) - c->raw_len, what);
		break;
	case OPT_TRUNCATE: c->truncate = (long)opt_ulong(arg, SEND_BUF_MAX, what); break;
	case OPT_BAD_MAGIC: c->bad_magic = true; break;
	case OPT_DUMP: c->dump = true; break;
	default: break;
	}
}

static void opt_parse(struct send_cfg *c, int argc, char **argv)
{
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":hi:d:c:", send_options, NULL)) != -1) {
		if (opt == 'h') {
			send_help(stdout);
			exit(0);
		}
		/* getopt leaves optopt 0 for an unknown long option, which is
		 * then argv[optind - 1]. */
		if (opt == ':')
			send_usage_error(optopt ? opt_text(optopt) : argv[optind - 1],
					 "missing value");
		if (opt == '?')
			send_usage_error(optopt ? opt_text(optopt) : argv[optind - 1],
					 "unknown option");
		opt_one(c, opt, optarg, opt_text(opt));
	}
	if (optind < argc)
		send_usage_error(argv[optind], "unexpected argument (options start with - or --)");
	if (!c->ifname && !c->dump)
		send_usage_error("-i", "an interface is required");
}

/* ---- Building ---- */

static size_t send_build(const struct send_cfg *c, uint8_t *buf, size_t cap)
{
	struct in_addr zero = { 0 };
	struct dhcp4_builder b;
	int len;

	dhcp4_build_init(&b, buf, cap, 2, c->xid, c->chaddr, c->chaddr_len);
	dhcp4_build_header(&b, 0, 0, zero, c->yiaddr, zero);
	dhcp4_build_u8(&b, DHCP4_OPT_TYPE, c->type);
	if (c->has_server_id)
		dhcp4_build_addrs(&b, DHCP4_OPT_SERVER_ID, &c->server_id, 1);
	if (c->has_lease)
		dhcp4_build_u32(&b, DHCP4_OPT_LEASE, c->lease);
	if (c->n_routers)
		dhcp4_build_addrs(&b, DHCP4_OPT_ROUTER, c->routers, c->n_routers);
	if (c->n_dns)
		dhcp4_build_addrs(&b, DHCP4_OPT_DNS, c->dns, c->n_dns);
	wbuf_put(&b.w, c->raw, c->raw_len);
	len = dhcp4_build_finish(&b);
	if (len < 0)
		send_usage_error("message", "does not fit in %zu bytes", cap);
	if (c->bad_magic) {
		buf[DHCP4_FIXED_LEN] = (uint8_t)(SEND_BAD_MAGIC >> 24);
		buf[DHCP4_FIXED_LEN + 1] = (uint8_t)(SEND_BAD_MAGIC >> 16);
		buf[DHCP4_FIXED_LEN + 2] = (uint8_t)(SEND_BAD_MAGIC >> 8);
		buf[DHCP4_FIXED_LEN + 3] = (uint8_t)SEND_BAD_MAGIC;
	}
	if (c->truncate >= 0 && c->truncate < len)
		return (size_t)c->truncate;
	if (c->truncate > len)
		fprintf(stderr, "mif-dhcp4-send: --truncate %ld: message is only %d bytes, sent whole\n",
			c->truncate, len);
	return (size_t)len;
}

/* ---- Sending ---- */

static void send_setopt(int fd, int name, const char *what)
{
	int one = 1;

	if (setsockopt(fd, SOL_SOCKET, name, &one, sizeof(one)) < 0)
		send_fatal(what, errno);
}

/* From port 67 as a server does; SO_BINDTODEVICE so a limited broadcast
 * leaves by IFACE whatever the routing table says. */
static int send_open(const char *ifname)
{
	struct sockaddr_in src = { .sin_family = AF_INET,
				   .sin_port = htons(DHCP4_SERVER_PORT) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		send_fatal("socket(AF_INET, SOCK_DGRAM)", errno);
	send_setopt(fd, SO_REUSEADDR, "SO_REUSEADDR");
	send_setopt(fd, SO_BROADCAST, "SO_BROADCAST");
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) < 0)
		send_fatal("SO_BINDTODEVICE", errno);
	if (bind(fd, (struct sockaddr *)&src, sizeof(src)) < 0)
		send_fatal("bind to port 67", errno);
	return fd;
}

static void send_all(const struct send_cfg *c, const uint8_t *msg, size_t len)
{
	struct sockaddr_in dst = { .sin_family = AF_INET,
				   .sin_port = htons(DHCP4_CLIENT_PORT) };
	int fd;

	if (if_nametoindex(c->ifname) == 0)
		send_usage_error("-i", "no interface '%s'", c->ifname);
	opt_addr(c->dest, &dst.sin_addr, "-d");
	fd = send_open(c->ifname);
	for (unsigned long n = 0; n < c->count; n++)
		if (sendto(fd, msg, len, 0, (struct sockaddr *)&dst, sizeof(dst)) != (ssize_t)len)
			send_fatal("sendto", errno ? errno : EIO);
	close(fd);
}

static void send_dump(const uint8_t *msg, size_t len)
{
	for (size_t i = 0; i < len; i++)
		printf("%02x", msg[i]);
	putchar('\n');
}

int main(int argc, char **argv)
{
	static uint8_t msg[SEND_BUF_MAX];
	static struct send_cfg c = {
		.dest = "255.255.255.255",
		.count = 1,
		.chaddr_len = 6,         /* an all-zero Ethernet address */
		.type = DHCP4_OFFER,
		.truncate = -1,
	};
	size_t len;

	if (argc < 2) {
		send_help(stderr);
		return 2;
	}
	opt_parse(&c, argc, argv);
	len = send_build(&c, msg, sizeof(msg));
	if (c.dump)
		send_dump(msg, len);
	else
		send_all(&c, msg, len);
	return 0;
}
