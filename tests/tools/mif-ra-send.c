/* SPDX-License-Identifier: MIT */
/*
 * mif-ra-send: build one Router Advertisement with the RA builder and send
 * it on a raw ICMPv6 socket. Run inside a network namespace that plays a
 * router in the test worlds (tests/world). Not installed.
 *
 *   mif-ra-send -i IFACE [-d DEST] [-s SRC_LLA] [-c COUNT] [-w INTERVAL_MS]
 *               [--print-time] OPTIONS...
 *
 * The arguments are read in two passes: the first takes the sending
 * parameters and the outer RA header fields (wherever they appear), the
 * second builds the options in command-line order. --pvd opens a PvD option
 * (RFC 8801 section 3.1); every option after it up to --end-pvd (or the end
 * of the arguments) is nested in it.
 *
 * --dump prints the message in hex instead of sending it (for corpora).
 * --replay FILE sends, in turn and round and round, the messages of FILE
 * (one in hex per line, as --dump writes them), COUNT sends in all, at
 * --rate a second (an absolute schedule, so the rate holds under load):
 * the fast PvD churn of issue 17 from one process.
 *
 * Exit status: 0 sent, 1 socket error, 2 bad arguments.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tool_hex.h"
#include "proto/ra.h"
#include "proto/ra_build.h"

#define SEND_BUF_MAX 65000           /* ICMPv6 payload; larger is fragmented */
#define SEND_MAX_COUNT 100000
#define SEND_MAX_RATE 100000         /* --rate, sends a second */
#define SEND_REPLAY_MAX 4096         /* --replay: messages in the file */
#define SEND_MAX_INTERVAL_MS 3600000 /* one hour */
#define SEND_MAX_LIST 64             /* addresses or names in one option */
#define SEND_DEFAULT_LIFETIME 1800   /* router, RDNSS, DNSSL, RIO, PREF64 */
#define SEND_PRF_RESERVED 0x10       /* Prf = 10 (RFC 4191 section 2.2) */
#define SEND_PRF_MASK 0x18

enum opt_id {
	/* pass 1: sending parameters */
	OPT_HELP, OPT_IFACE, OPT_DEST, OPT_SRC, OPT_COUNT, OPT_INTERVAL,
	OPT_PRINT_TIME, OPT_TRUNCATE, OPT_DUMP, OPT_REPLAY, OPT_RATE,
	/* pass 1: outer header; same order as the OPT_PVD_ ones below */
	OPT_LIFETIME, OPT_PREF, OPT_MANAGED, OPT_OTHER, OPT_HOP_LIMIT,
	OPT_REACHABLE, OPT_RETRANS,
	/* pass 2: nested header values, in order */
	OPT_PVD_LIFETIME, OPT_PVD_PREF, OPT_PVD_MANAGED, OPT_PVD_OTHER,
	OPT_PVD_HOP_LIMIT, OPT_PVD_REACHABLE, OPT_PVD_RETRANS,
	/* pass 2: options, in order */
	OPT_PREFIX, OPT_ROUTE, OPT_RDNSS, OPT_DNSSL, OPT_MTU, OPT_CAPTIVE,
	OPT_PREF64, OPT_SLLA, OPT_PVD, OPT_END_PVD, OPT_RAW,
};

#define OPT_FIRST_BODY OPT_PVD_LIFETIME
#define OPT_PVD_SHIFT (OPT_PVD_LIFETIME - OPT_LIFETIME)

struct opt_def {
	const char *name;        /* long name without "--" */
	char short_name;         /* 0 if none */
	bool has_arg;
	enum opt_id id;
};

static const struct opt_def opt_table[] = {
	{ "help", 'h', false, OPT_HELP },
	{ "interface", 'i', true, OPT_IFACE },
	{ "dest", 'd', true, OPT_DEST },
	{ "source", 's', true, OPT_SRC },
	{ "count", 'c', true, OPT_COUNT },
	{ "interval", 'w', true, OPT_INTERVAL },
	{ "print-time", 0, false, OPT_PRINT_TIME },
	{ "truncate", 0, true, OPT_TRUNCATE },
	{ "dump", 0, false, OPT_DUMP },
	{ "replay", 0, true, OPT_REPLAY },
	{ "rate", 0, true, OPT_RATE },
	{ "lifetime", 0, true, OPT_LIFETIME },
	{ "pref", 0, true, OPT_PREF },
	{ "managed", 0, false, OPT_MANAGED },
	{ "other", 0, false, OPT_OTHER },
	{ "hop-limit", 0, true, OPT_HOP_LIMIT },
	{ "reachable", 0, true, OPT_REACHABLE },
	{ "retrans", 0, true, OPT_RETRANS },
	{ "pvd-lifetime", 0, true, OPT_PVD_LIFETIME },
	{ "pvd-pref", 0, true, OPT_PVD_PREF },
	{ "pvd-managed", 0, false, OPT_PVD_MANAGED },
	{ "pvd-other", 0, false, OPT_PVD_OTHER },
	{ "pvd-hop-limit", 0, true, OPT_PVD_HOP_LIMIT },
	{ "pvd-reachable", 0, true, OPT_PVD_REACHABLE },
	{ "pvd-retrans", 0, true, OPT_PVD_RETRANS },
	{ "prefix", 0, true, OPT_PREFIX },
	{ "route", 0, true, OPT_ROUTE },
	{ "rdnss", 0, true, OPT_RDNSS },
	{ "dnssl", 0, true, OPT_DNSSL },
	{ "mtu", 0, true, OPT_MTU },
	{ "captive", 0, true, OPT_CAPTIVE },
	{ "pref64", 0, true, OPT_PREF64 },
	{ "slla", 0, true, OPT_SLLA },
	{ "pvd", 0, true, OPT_PVD },
	{ "end-pvd", 0, false, OPT_END_PVD },
	{ "raw", 0, true, OPT_RAW },
};

/* One RA header as given on the command line; Prf 10 is not an ra_pref. */
struct send_hdr {
	struct ra_header h;
	bool pref_reserved;
	unsigned set;            /* bit (id - OPT_LIFETIME) per field given */
};

struct send_cfg {
	const char *ifname;
	const char *dest;
	const char *src;
	unsigned long count;
	unsigned long interval_ms;
	bool print_time;
	bool dump;               /* print the message in hex, do not send */
	const char *replay;      /* file of messages in hex, one a line */
	unsigned long rate;      /* sends a second with --replay, 0: -w */
	long truncate;           /* -1: none */
	struct send_hdr outer;
	struct send_hdr pvd;     /* --pvd-* values given so far (pass 2) */
};

/* One parsed command-line item. */
struct opt_item {
	const struct opt_def *def;
	const char *arg;         /* NULL if the option takes none */
	const char *text;        /* the option as written, for messages */
};

static void send_help(FILE *f)
{
	fputs(
"usage: mif-ra-send -i IFACE [-d DEST] [-s SRC_LLA] [-c COUNT] [-w INTERVAL_MS]\n"
"                   [--print-time] [--truncate N] OPTIONS...\n"
"  -i, --interface IFACE   send on IFACE (required)\n"
"  -d, --dest ADDR         destination (default ff02::1)\n"
"  -s, --source LLA        source address (must be on IFACE; default: kernel's choice)\n"
"  -c, --count N           send N times (1..100000, default 1)\n"
"  -w, --interval MS       pause between sends (default 0)\n"
"  --print-time            print 'sent <CLOCK_MONOTONIC s>' per packet\n"
"  --truncate N            cut the message to N bytes\n"
"  --dump                  print the message in hex on stdout, send nothing\n"
"                          (-i not needed)\n"
"  --replay FILE           send FILE's messages (hex, one a line, as --dump\n"
"                          prints them) in turn, COUNT sends in all\n"
"  --rate N                with --replay: N sends a second (else -w)\n"
"RA header (anywhere on the line):\n"
"  --lifetime S (default 1800)  --pref high|medium|low|reserved\n"
"  --managed  --other  --hop-limit N  --reachable MS  --retrans MS\n"
"Options, written in order:\n"
"  --prefix P/LEN[,valid=S][,preferred=S][,flags=LA|L|A|LAR|none]\n"
"  --route P/LEN[,lifetime=S][,pref=high|medium|low|reserved]\n"
"  --rdnss ADDR[,ADDR...][,lifetime=S]   --dnssl NAME[,NAME...][,lifetime=S]\n"
"  --mtu N  --captive URI  --pref64 P/LEN[,lifetime=S]  --slla MAC\n"
"  --pvd FQDN[,seq=N][,h][,l][,delay=N][,hdr] ... [--end-pvd]\n"
"      hdr: nested RA header from --pvd-lifetime, --pvd-pref, --pvd-managed,\n"
"      --pvd-other, --pvd-hop-limit, --pvd-reachable, --pvd-retrans given\n"
"      before --pvd; other fields copy the outer header\n"
"  --raw HEX               append bytes as they are (e.g. 0300)\n"
"Lifetimes (S) accept 'infinity'.\n", f);
}

__attribute__((format(printf, 2, 3), noreturn))
static void send_usage_error(const char *what, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mif-ra-send: %s: ", what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n(try mif-ra-send --help)\n", stderr);
	exit(2);
}

static void send_fatal(const char *what, int err)
{
	fprintf(stderr, "mif-ra-send: %s: %s\n", what, strerror(err));
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

static uint32_t opt_lifetime(const char *s, const char *what)
{
	if (strcmp(s, "infinity") == 0 || strcmp(s, "inf") == 0)
		return RA_INFINITY;
	return (uint32_t)opt_ulong(s, UINT32_MAX, what);
}

static void opt_pref(const char *s, enum ra_pref *p, bool *reserved, const char *what)
{
	*reserved = false;
	if (strcmp(s, "high") == 0)
		*p = RA_PREF_HIGH;
	else if (strcmp(s, "medium") == 0)
		*p = RA_PREF_MEDIUM;
	else if (strcmp(s, "low") == 0)
		*p = RA_PREF_LOW;
	else if (strcmp(s, "reserved") == 0) {
		*p = RA_PREF_MEDIUM;
		*reserved = true;
	} else
		send_usage_error(what, "'%s' is not high, medium, low or reserved", s);
}

static void opt_addr(const char *s, struct in6_addr *a, const char *what)
{
	if (inet_pton(AF_INET6, s, a) != 1)
		send_usage_error(what, "'%s' is not an IPv6 address", s);
}

static void opt_prefix_len(const char *s, struct in6_addr *a, uint8_t *plen, const char *what)
{
	char tmp[INET6_ADDRSTRLEN + 8];
	char *slash;

	if (strlen(s) >= sizeof(tmp))
		send_usage_error(what, "'%s' is not an IPv6 prefix", s);
	strcpy(tmp, s);
	slash = strchr(tmp, '/');
	if (!slash)
		send_usage_error(what, "'%s' has no /LEN", s);
	*slash = '\0';
	opt_addr(tmp, a, what);
	*plen = (uint8_t)opt_ulong(slash + 1, 128, what);
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

/* Split "key=value": returns value (or NULL) and cuts tok at '='. */
static char *opt_kv(char *tok)
{
	char *eq = strchr(tok, '=');

	if (!eq)
		return NULL;
	*eq = '\0';
	return eq + 1;
}

static char *opt_dup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		send_fatal("strdup", ENOMEM);
	return d;
}

/* ---- Command-line walking ---- */

static const struct opt_def *opt_find_long(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(opt_table) / sizeof(opt_table[0]); i++)
		if (strlen(opt_table[i].name) == len &&
		    strncmp(opt_table[i].name, name, len) == 0)
			return &opt_table[i];
	return NULL;
}

static const struct opt_def *opt_find_short(char c)
{
	size_t i;

	for (i = 0; i < sizeof(opt_table) / sizeof(opt_table[0]); i++)
		if (opt_table[i].short_name == c)
			return &opt_table[i];
	return NULL;
}

/* Read the item at argv[*i] ("--name", "--name=value", "-x", "-xVALUE"). */
static void opt_next(int argc, char **argv, int *i, struct opt_item *it)
{
	const char *a = argv[*i];
	const char *inline_arg = NULL;

	it->text = a;
	if (a[0] == '-' && a[1] == '-' && a[2]) {
		const char *eq = strchr(a + 2, '=');
		size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);

		it->def = opt_find_long(a + 2, len);
		inline_arg = eq ? eq + 1 : NULL;
	} else if (a[0] == '-' && a[1] && a[1] != '-') {
		it->def = opt_find_short(a[1]);
		inline_arg = a[2] ? a + 2 : NULL;
	} else {
		send_usage_error(a, "unexpected argument (options start with - or --)");
	}
	if (!it->def)
		send_usage_error(a, "unknown option");
	(*i)++;
	it->arg = NULL;
	if (!it->def->has_arg) {
		if (inline_arg)
			send_usage_error(a, "takes no value");
		return;
	}
	if (inline_arg)
		it->arg = inline_arg;
	else if (*i < argc)
		it->arg = argv[(*i)++];
	else
		send_usage_error(a, "missing value");
}

/* ---- Header fields (outer and nested share the code) ---- */

static void opt_header_field(struct send_hdr *sh, enum opt_id id, const char *arg,
			     const char *what)
{
	struct ra_header *h = &sh->h;

	switch (id) {
	case OPT_LIFETIME:
		h->router_lifetime = (uint16_t)opt_ulong(arg, UINT16_MAX, what);
		break;
	case OPT_PREF:
		opt_pref(arg, &h->pref, &sh->pref_reserved, what);
		break;
	case OPT_MANAGED:
		h->managed = true;
		break;
	case OPT_OTHER:
		h->other = true;
		break;
	case OPT_HOP_LIMIT:
		h->cur_hop_limit = (uint8_t)opt_ulong(arg, UINT8_MAX, what);
		break;
	case OPT_REACHABLE:
		h->reachable_ms = (uint32_t)opt_ulong(arg, UINT32_MAX, what);
		break;
	case OPT_RETRANS:
		h->retrans_ms = (uint32_t)opt_ulong(arg, UINT32_MAX, what);
		break;
	default:
		return;
	}
	sh->set |= 1u << (id - OPT_LIFETIME);
}

/* Nested header: the outer one with the --pvd-* fields given replacing it. */
static void opt_pvd_header(const struct send_cfg *c, struct send_hdr *out)
{
	const struct send_hdr *o = &c->outer, *p = &c->pvd;

	*out = *o;
	if (p->set & (1u << (OPT_LIFETIME - OPT_LIFETIME)))
		out->h.router_lifetime = p->h.router_lifetime;
	if (p->set & (1u << (OPT_PREF - OPT_LIFETIME))) {
		out->h.pref = p->h.pref;
		out->pref_reserved = p->pref_reserved;
	}
	if (p->set & (1u << (OPT_MANAGED - OPT_LIFETIME)))
		out->h.managed = true;
	if (p->set & (1u << (OPT_OTHER - OPT_LIFETIME)))
		out->h.other = true;
	if (p->set & (1u << (OPT_HOP_LIMIT - OPT_LIFETIME)))
		out->h.cur_hop_limit = p->h.cur_hop_limit;
	if (p->set & (1u << (OPT_REACHABLE - OPT_LIFETIME)))
		out->h.reachable_ms = p->h.reachable_ms;
	if (p->set & (1u << (OPT_RETRANS - OPT_LIFETIME)))
		out->h.retrans_ms = p->h.retrans_ms;
}

/* Prf 10 cannot go through enum ra_pref: patch the flags octet in place. */
static void opt_patch_prf(struct ra_builder *b, size_t at)
{
	if (b->w.overflow || at >= b->w.len)
		return;
	b->w.base[at] = (uint8_t)((b->w.base[at] & ~SEND_PRF_MASK) | SEND_PRF_RESERVED);
}

/* ---- Pass 1 ---- */

static void opt_pass1_item(struct send_cfg *c, const struct opt_item *it)
{
	switch (it->def->id) {
	case OPT_HELP:
		send_help(stdout);
		exit(0);
	case OPT_IFACE:
		c->ifname = it->arg;
		break;
	case OPT_DEST:
		c->dest = it->arg;
		break;
	case OPT_SRC:
		c->src = it->arg;
		break;
	case OPT_COUNT:
		c->count = opt_ulong(it->arg, SEND_MAX_COUNT, it->text);
		if (c->count == 0)
			send_usage_error(it->text, "must be at least 1");
		break;
	case OPT_INTERVAL:
		c->interval_ms = opt_ulong(it->arg, SEND_MAX_INTERVAL_MS, it->text);
		break;
	case OPT_PRINT_TIME:
		c->print_time = true;
		break;
	case OPT_DUMP:
		c->dump = true;
		break;
	case OPT_REPLAY:
		c->replay = it->arg;
		break;
	case OPT_RATE:
		c->rate = opt_ulong(it->arg, SEND_MAX_RATE, it->text);
		break;
	case OPT_TRUNCATE:
		c->truncate = (long)opt_ulong(it->arg, SEND_BUF_MAX, it->text);
		break;
	default:
		opt_header_field(&c->outer, it->def->id, it->arg, it->text);
		break;
	}
}

static void opt_pass1(struct send_cfg *c, int argc, char **argv)
{
	struct opt_item it;
	int i = 1;

	while (i < argc) {
		opt_next(argc, argv, &i, &it);
		if (it.def->id < OPT_FIRST_BODY)
			opt_pass1_item(c, &it);
	}
	if (!c->ifname && !c->dump)
		send_usage_error("-i", "an interface is required");
}

/* ---- Pass 2: one function per option ---- */

static void opt_do_prefix(struct ra_builder *b, const struct opt_item *it)
{
	struct ra_prefix p = { .onlink = true, .autonomous = true,
			       .valid = 86400, .preferred = 14400 };
	char *s = opt_dup(it->arg), *save = NULL, *tok, *val;

	tok = strtok_r(s, ",", &save);
	opt_prefix_len(tok ? tok : "", &p.prefix, &p.plen, it->text);
	while ((tok = strtok_r(NULL, ",", &save))) {
		val = opt_kv(tok);
		if (val && strcmp(tok, "valid") == 0)
			p.valid = opt_lifetime(val, it->text);
		else if (val && strcmp(tok, "preferred") == 0)
			p.preferred = opt_lifetime(val, it->text);
		else if (val && strcmp(tok, "flags") == 0) {
			if (strcmp(val, "none") != 0 && val[strspn(val, "LAR")])
				send_usage_error(it->text, "flags '%s': use letters L, A, R or none", val);
			p.onlink = strchr(val, 'L') != NULL;
			p.autonomous = strchr(val, 'A') != NULL;
			p.router_addr = strchr(val, 'R') != NULL;
		} else
			send_usage_error(it->text, "unknown setting '%s'", tok);
	}
	free(s);
	ra_build_prefix(b, &p);
}

static void opt_do_route(struct ra_builder *b, const struct opt_item *it)
{
	struct ra_route r = { .lifetime = SEND_DEFAULT_LIFETIME, .pref = RA_PREF_MEDIUM };
	char *s = opt_dup(it->arg), *save = NULL, *tok, *val;
	bool reserved = false;
	size_t start;

	tok = strtok_r(s, ",", &save);
	opt_prefix_len(tok ? tok : "", &r.prefix, &r.plen, it->text);
	while ((tok = strtok_r(NULL, ",", &save))) {
		val = opt_kv(tok);
		if (val && strcmp(tok, "lifetime") == 0)
			r.lifetime = opt_lifetime(val, it->text);
		else if (val && strcmp(tok, "pref") == 0)
			opt_pref(val, &r.pref, &reserved, it->text);
		else
			send_usage_error(it->text, "unknown setting '%s'", tok);
	}
	free(s);
	start = b->w.len;
	ra_build_route(b, &r);
	if (reserved)
		opt_patch_prf(b, start + 3);
}

static void opt_do_rdnss(struct ra_builder *b, const struct opt_item *it)
{
	struct in6_addr addrs[SEND_MAX_LIST];
	uint32_t lifetime = SEND_DEFAULT_LIFETIME;
	char *s = opt_dup(it->arg), *save = NULL, *tok, *val;
	size_t n = 0;

	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		val = opt_kv(tok);
		if (val && strcmp(tok, "lifetime") == 0)
			lifetime = opt_lifetime(val, it->text);
		else if (val)
			send_usage_error(it->text, "unknown setting '%s'", tok);
		else if (n == SEND_MAX_LIST)
			send_usage_error(it->text, "more than %d addresses", SEND_MAX_LIST);
		else
			opt_addr(tok, &addrs[n++], it->text);
	}
	free(s);
	if (n == 0)
		send_usage_error(it->text, "no address given");
	ra_build_rdnss(b, addrs, n, lifetime);
}

static void opt_do_dnssl(struct ra_builder *b, const struct opt_item *it)
{
	const char *names[SEND_MAX_LIST];
	uint32_t lifetime = SEND_DEFAULT_LIFETIME;
	char *s = opt_dup(it->arg), *save = NULL, *tok, *val;
	size_t n = 0;

	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		val = opt_kv(tok);
		if (val && strcmp(tok, "lifetime") == 0)
			lifetime = opt_lifetime(val, it->text);
		else if (val)
			send_usage_error(it->text, "unknown setting '%s'", tok);
		else if (n == SEND_MAX_LIST)
			send_usage_error(it->text, "more than %d names", SEND_MAX_LIST);
		else
			names[n++] = tok;
	}
	if (n == 0)
		send_usage_error(it->text, "no name given");
	if (ra_build_dnssl(b, names, n, lifetime) < 0)
		send_usage_error(it->text, "invalid domain name in '%s'", it->arg);
	free(s);
}

static void opt_do_pref64(struct ra_builder *b, const struct opt_item *it)
{
	uint32_t lifetime = SEND_DEFAULT_LIFETIME;
	char *s = opt_dup(it->arg), *save = NULL, *tok, *val;
	struct in6_addr prefix;
	uint8_t plen;

	tok = strtok_r(s, ",", &save);
	opt_prefix_len(tok ? tok : "", &prefix, &plen, it->text);
	while ((tok = strtok_r(NULL, ",", &save))) {
		val = opt_kv(tok);
		if (val && strcmp(tok, "lifetime") == 0)
			lifetime = opt_lifetime(val, it->text);
		else
			send_usage_error(it->text, "unknown setting '%s'", tok);
	}
	free(s);
	if (ra_build_pref64(b, &prefix, plen, lifetime) < 0)
		send_usage_error(it->text, "length must be 96, 64, 56, 48, 40 or 32");
}

static void opt_do_slla(struct ra_builder *b, const struct opt_item *it)
{
	uint8_t mac[14];
	size_t n = opt_hex(it->arg, mac, sizeof(mac), it->text);

	if (n == 0)
		send_usage_error(it->text, "empty address");
	ra_build_slla(b, mac, n);
}

static void opt_do_raw(struct ra_builder *b, const struct opt_item *it)
{
	static uint8_t bytes[SEND_BUF_MAX];
	size_t n = opt_hex(it->arg, bytes, sizeof(bytes), it->text);

	ra_build_raw(b, bytes, n);
}

static void opt_pvd_setting(struct ra_pvd *p, bool *hdr, char *tok, const char *what)
{
	char *val = opt_kv(tok);

	if (!val && strcmp(tok, "h") == 0)
		p->h_flag = true;
	else if (!val && strcmp(tok, "l") == 0)
		p->l_flag = true;
	else if (!val && strcmp(tok, "hdr") == 0)
		*hdr = true;
	else if (val && strcmp(tok, "seq") == 0)
		p->seq = (uint16_t)opt_ulong(val, UINT16_MAX, what);
	else if (val && strcmp(tok, "delay") == 0)
		p->delay = (uint8_t)opt_ulong(val, 15, what);
	else
		send_usage_error(what, "unknown setting '%s'%s", tok,
				 val ? "" : " (use h, l, hdr, seq=N, delay=N)");
}

static void opt_do_pvd(struct ra_builder *b, const struct send_cfg *c,
		       const struct opt_item *it)
{
	struct ra_pvd p = { 0 };
	struct send_hdr nh;
	char *s = opt_dup(it->arg), *save = NULL, *tok;
	bool hdr = false;
	int r;

	tok = strtok_r(s, ",", &save);
	if (!tok || strlen(tok) >= sizeof(p.id))
		send_usage_error(it->text, "a PvD ID (FQDN) is required");
	strcpy(p.id, tok);
	while ((tok = strtok_r(NULL, ",", &save)))
		opt_pvd_setting(&p, &hdr, tok, it->text);
	free(s);
	p.r_flag = hdr;
	opt_pvd_header(c, &nh);
	p.hdr = nh.h;
	r = ra_build_pvd_begin(b, &p, hdr ? &nh.h : NULL);
	if (r == -EBUSY)
		send_usage_error(it->text, "a PvD option is already open (close it with --end-pvd; use --raw for a nested one)");
	if (r < 0)
		send_usage_error(it->text, "invalid PvD ID '%s'", p.id);
	if (hdr && nh.pref_reserved && b->w.len >= RA_HDR_LEN)
		opt_patch_prf(b, b->w.len - RA_HDR_LEN + 5);
}

static void opt_pass2_item(struct ra_builder *b, struct send_cfg *c,
			   const struct opt_item *it)
{
	enum opt_id id = it->def->id;

	if (id >= OPT_PVD_LIFETIME && id <= OPT_PVD_RETRANS) {
		opt_header_field(&c->pvd, (enum opt_id)(id - OPT_PVD_SHIFT), it->arg, it->text);
		return;
	}
	switch (id) {
	case OPT_PREFIX: opt_do_prefix(b, it); break;
	case OPT_ROUTE: opt_do_route(b, it); break;
	case OPT_RDNSS: opt_do_rdnss(b, it); break;
	case OPT_DNSSL: opt_do_dnssl(b, it); break;
	case OPT_MTU: ra_build_mtu(b, (uint32_t)opt_ulong(it->arg, UINT32_MAX, it->text)); break;
	case OPT_CAPTIVE: ra_build_captive_portal(b, it->arg); break;
	case OPT_PREF64: opt_do_pref64(b, it); break;
	case OPT_SLLA: opt_do_slla(b, it); break;
	case OPT_PVD: opt_do_pvd(b, c, it); break;
	case OPT_RAW: opt_do_raw(b, it); break;
	case OPT_END_PVD:
		if (ra_build_pvd_end(b) < 0)
			send_usage_error(it->text, "no PvD option is open");
		break;
	default:
		break;
	}
}

/* Build the whole message into buf; returns its length (after --truncate). */
static size_t opt_build(struct send_cfg *c, int argc, char **argv, uint8_t *buf, size_t cap)
{
	struct ra_builder b;
	struct opt_item it;
	int i = 1, len;

	ra_build_init(&b, buf, cap);
	ra_build_header(&b, &c->outer.h);
	if (c->outer.pref_reserved)
		opt_patch_prf(&b, 5);
	while (i < argc) {
		opt_next(argc, argv, &i, &it);
		if (it.def->id >= OPT_FIRST_BODY)
			opt_pass2_item(&b, c, &it);
	}
	if (b.pvd_start != SIZE_MAX)
		ra_build_pvd_end(&b);
	len = ra_build_finish(&b);
	if (len < 0)
		send_usage_error("RA", "does not fit in %zu bytes", cap);
	if (c->truncate >= 0 && c->truncate < len)
		return (size_t)c->truncate;
	if (c->truncate > len)
		fprintf(stderr, "mif-ra-send: --truncate %ld: message is only %d bytes, sent whole\n",
			c->truncate, len);
	return (size_t)len;
}

/* ---- Sending ---- */

static void send_setopt(int fd, int level, int name, int val, const char *what)
{
	if (setsockopt(fd, level, name, &val, sizeof(val)) < 0)
		send_fatal(what, errno);
}

static int send_open(const char *ifname, unsigned ifindex)
{
	int fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);

	if (fd < 0)
		send_fatal("socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6)", errno);
	/* The kernel computes the ICMPv6 checksum on raw ICMPv6 sockets. */
	send_setopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 255, "IPV6_MULTICAST_HOPS");
	send_setopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 255, "IPV6_UNICAST_HOPS");
	send_setopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, (int)ifindex, "IPV6_MULTICAST_IF");
	send_setopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0, "IPV6_MULTICAST_LOOP");
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) < 0)
		send_fatal("SO_BINDTODEVICE", errno);
	return fd;
}

static void send_dest(const char *dest, unsigned ifindex, struct sockaddr_in6 *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin6_family = AF_INET6;
	opt_addr(dest, &sa->sin6_addr, "-d");
	if (IN6_IS_ADDR_LINKLOCAL(&sa->sin6_addr) || IN6_IS_ADDR_MC_LINKLOCAL(&sa->sin6_addr))
		sa->sin6_scope_id = ifindex;
}

/* The time is read before sendmsg(): the receiver may process the RA
 * before this process runs again, so a stamp taken after could be late. */
static void send_print_time(const struct timespec *t)
{
	const struct timespec ts = *t;

	printf("sent %lld.%09ld\n", (long long)ts.tv_sec, ts.tv_nsec);
	fflush(stdout);
}

static void send_one(int fd, uint8_t *msg, size_t len, struct sockaddr_in6 *dst,
		     const struct in6_pktinfo *src)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = msg, .iov_len = len };
	struct msghdr mh = { .msg_name = dst, .msg_namelen = sizeof(*dst),
			     .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;

	if (src) {
		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(*src));
		memcpy(CMSG_DATA(cm), src, sizeof(*src));
	}
	if (sendmsg(fd, &mh, 0) != (ssize_t)len)
		send_fatal(src ? "sendmsg (is -s an address of -i?)" : "sendmsg",
			   errno ? errno : EIO);
}

static void send_sleep_ms(unsigned long ms)
{
	struct timespec ts = { .tv_sec = (time_t)(ms / 1000),
			       .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void send_all(const struct send_cfg *c, uint8_t *msg, size_t len)
{
	unsigned ifindex = if_nametoindex(c->ifname);
	struct in6_pktinfo pi = { 0 };
	struct sockaddr_in6 dst;
	unsigned long n;
	int fd;

	if (ifindex == 0)
		send_usage_error("-i", "no interface '%s'", c->ifname);
	send_dest(c->dest, ifindex, &dst);
	if (c->src) {
		opt_addr(c->src, &pi.ipi6_addr, "-s");
		pi.ipi6_ifindex = ifindex;
	}
	fd = send_open(c->ifname, ifindex);
	for (n = 0; n < c->count; n++) {
		if (n > 0 && c->interval_ms)
			send_sleep_ms(c->interval_ms);
		struct timespec t;

		clock_gettime(CLOCK_MONOTONIC, &t);
		send_one(fd, msg, len, &dst, c->src ? &pi : NULL);
		if (c->print_time)
			send_print_time(&t);
	}
	close(fd);
}

struct replay_msg {
	uint8_t *b;
	size_t len;
};

/* Read FILE: one message in hex a line; blank lines are skipped. */
static size_t replay_load(const char *path, struct replay_msg *m, size_t cap)
{
	static uint8_t tmp[SEND_BUF_MAX];
	static char line[2 * SEND_BUF_MAX + 2];
	FILE *f = fopen(path, "r");
	const char *bad;
	size_t n = 0;
	long len;

	if (!f)
		send_fatal(path, errno);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0])
			continue;
		len = tool_hex(line, tmp, sizeof(tmp), &bad);
		if (len <= 0 || n == cap)
			send_usage_error("--replay", "%s: bad line %zu", path, n + 1);
		m[n].b = malloc((size_t)len);
		if (!m[n].b)
			send_fatal("malloc", ENOMEM);
		memcpy(m[n].b, tmp, (size_t)len);
		m[n++].len = (size_t)len;
	}
	fclose(f);
	if (n == 0)
		send_usage_error("--replay", "%s: no message", path);
	return n;
}

static void replay_wait(const struct timespec *t0, unsigned long n, unsigned long rate)
{
	struct timespec t = *t0;
	unsigned long long ns = (unsigned long long)n * 1000000000ull / rate;

	t.tv_sec += (time_t)(ns / 1000000000ull);
	t.tv_nsec += (long)(ns % 1000000000ull);
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) == EINTR)
		;
}

static void send_replay(const struct send_cfg *c)
{
	static struct replay_msg m[SEND_REPLAY_MAX];
	size_t nm = replay_load(c->replay, m, SEND_REPLAY_MAX);
	unsigned ifindex = if_nametoindex(c->ifname);
	struct in6_pktinfo pi = { 0 };
	struct sockaddr_in6 dst;
	struct timespec t0;
	unsigned long n;
	int fd;

	if (ifindex == 0)
		send_usage_error("-i", "no interface '%s'", c->ifname);
	send_dest(c->dest, ifindex, &dst);
	if (c->src) {
		opt_addr(c->src, &pi.ipi6_addr, "-s");
		pi.ipi6_ifindex = ifindex;
	}
	fd = send_open(c->ifname, ifindex);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (n = 0; n < c->count; n++) {
		if (n > 0 && c->rate)
			replay_wait(&t0, n, c->rate);
		else if (n > 0 && c->interval_ms)
			send_sleep_ms(c->interval_ms);
		send_one(fd, m[n % nm].b, m[n % nm].len, &dst, c->src ? &pi : NULL);
	}
	close(fd);
	for (n = 0; n < nm; n++)
		free(m[n].b);
}

static void send_dump(const uint8_t *msg, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		printf("%02x", msg[i]);
	putchar('\n');
}

int main(int argc, char **argv)
{
	static uint8_t msg[SEND_BUF_MAX];
	struct send_cfg c = {
		.dest = "ff02::1",
		.count = 1,
		.truncate = -1,
		.outer.h = { .router_lifetime = SEND_DEFAULT_LIFETIME, .pref = RA_PREF_MEDIUM },
	};
	size_t len;

	if (argc < 2) {
		send_help(stderr);
		return 2;
	}
	opt_pass1(&c, argc, argv);
	if (c.replay) {
		send_replay(&c);
		return 0;
	}
	len = opt_build(&c, argc, argv, msg, sizeof(msg));
	if (c.dump)
		send_dump(msg, len);
	else
		send_all(&c, msg, len);
	return 0;
}
