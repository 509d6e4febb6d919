/* SPDX-License-Identifier: MIT */
/*
 * mif-udp-probe: measure how a flow of UDP datagrams survives a change of
 * network, for the test worlds (tests/world). Not installed.
 *
 *   mif-udp-probe -d ADDR -p PORT [-i INTERVAL_US] [-n COUNT] [-s SRC_ADDR]
 *                 [-m MARK]
 *
 * Sends COUNT (default 5000) datagrams "mif-udp-probe SEQ\n" to ADDR:PORT,
 * one every INTERVAL_US microseconds (default 1000), from SRC_ADDR when
 * given and with SO_MARK = MARK when given (needs CAP_NET_ADMIN). The
 * responder is mif-whoami or anything that echoes the datagram back,
 * optionally after a first line "NAME ...\n". It stops 500 ms after the
 * last probe and prints one line of JSON:
 *
 *   {"sent":N,"received":N,"lost":N,"longest_gap_ms":X,"gap_start_ms":Y,
 *    "replies_by_name":{"NAME":count,...}}
 *
 * received counts probes answered at least once, lost the others (a send
 * that fails counts as lost). The longest gap is the longest run of
 * consecutive lost probes, in milliseconds of send time: from the first
 * lost probe's send to the next answered probe's send (or one interval
 * after the last probe); gap_start_ms is when that run began, from the
 * first probe. Both are 0 without loss. replies_by_name counts every reply
 * (duplicates included) by its first word; a bare echo counts as "-", an
 * unusable name as "?", names beyond the first PROBE_NAMES as "(other)".
 *
 * Exit status: 0 done (whatever the loss), 1 socket error, 2 bad arguments.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PROBE_MAX_COUNT 1000000ul
#define PROBE_MAX_INTERVAL_US 10000000ul  /* 10 s */
#define PROBE_LINGER_NS 500000000ll       /* late replies after the last probe */
#define PROBE_BATCH 256                   /* sends or receives per wakeup */
#define PROBE_NAMES 32
#define PROBE_NAME_MAX 63
#define PROBE_TAG "mif-udp-probe "

struct probe_name {
	char name[PROBE_NAME_MAX + 1];
	unsigned long count;
};

struct probe {
	struct sockaddr_storage dst, src;
	socklen_t dst_len, src_len;
	bool has_src, has_mark;
	uint32_t mark;
	unsigned long interval_us, count;
	int fd;
	int64_t *sent_ns;            /* send time of each probe */
	uint8_t *answered;
	unsigned long n_sent, n_received, send_errors;
	int first_error;
	struct probe_name names[PROBE_NAMES + 1]; /* the last is "(other)" */
	int n_names;
};

static void probe_usage(FILE *f)
{
	fputs("usage: mif-udp-probe -d ADDR -p PORT [-i INTERVAL_US] [-n COUNT] [-s SRC_ADDR]"
	      " [-m MARK]\n"
	      "  -d ADDR         responder address (IPv4 or IPv6, numeric)\n"
	      "  -p PORT         responder UDP port (1-65535)\n"
	      "  -i INTERVAL_US  microseconds between probes (0-10000000, default 1000)\n"
	      "  -n COUNT        probes to send (1-1000000, default 5000)\n"
	      "  -s SRC_ADDR     source address to bind (same family as ADDR)\n"
	      "  -m MARK         SO_MARK for every probe (decimal or 0x hex)\n",
	      f);
}

static void probe_usage_error(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

static void probe_usage_error(const char *what, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mif-udp-probe: %s: ", what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n(try mif-udp-probe -h)\n", stderr);
	exit(2);
}

static void probe_fatal(const char *what) __attribute__((noreturn));

static void probe_fatal(const char *what)
{
	fprintf(stderr, "mif-udp-probe: %s: %s\n", what, strerror(errno));
	exit(1);
}

static unsigned long probe_number(const char *s, unsigned long min, unsigned long max,
				  const char *what)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		probe_usage_error(what, "'%s' is not a number", s);
	errno = 0;
	/* Decimal, or hex after 0x; never octal. */
	v = strtoull(s, &end, s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 16 : 10);
	if (errno || *end)
		probe_usage_error(what, "'%s' is not a number", s);
	if (v < min || v > max)
		probe_usage_error(what, "%s is not in %lu-%lu", s, min, max);
	return (unsigned long)v;
}

static socklen_t probe_addr(const char *s, struct sockaddr_storage *ss, const char *what)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST, .ai_socktype = SOCK_DGRAM };
	struct addrinfo *ai;
	socklen_t len;

	if (getaddrinfo(s, NULL, &hints, &ai) != 0)
		probe_usage_error(what, "'%s' is not an IPv4 or IPv6 address", s);
	len = ai->ai_addrlen;
	memcpy(ss, ai->ai_addr, len);
	freeaddrinfo(ai);
	return len;
}

static void probe_args(struct probe *p, int argc, char **argv)
{
	unsigned long port = 0;
	int opt;

	opterr = 0;
	while ((opt = getopt(argc, argv, ":hd:p:i:n:s:m:")) != -1) {
		switch (opt) {
		case 'h':
			probe_usage(stdout);
			exit(0);
		case 'd':
			p->dst_len = probe_addr(optarg, &p->dst, "-d");
			break;
		case 'p':
			port = probe_number(optarg, 1, 65535, "-p");
			break;
		case 'i':
			p->interval_us = probe_number(optarg, 0, PROBE_MAX_INTERVAL_US, "-i");
			break;
		case 'n':
			p->count = probe_number(optarg, 1, PROBE_MAX_COUNT, "-n");
			break;
		case 's':
			p->src_len = probe_addr(optarg, &p->src, "-s");
			p->has_src = true;
			break;
		case 'm':
			p->mark = (uint32_t)probe_number(optarg, 0, UINT32_MAX, "-m");
			p->has_mark = true;
			break;
		case ':':
			probe_usage_error(argv[optind - 1], "missing value");
		default:
			probe_usage_error(argv[optind - 1], "unknown option");
		}
	}
	if (optind < argc)
		probe_usage_error(argv[optind], "unexpected argument");
	if (!p->dst_len)
		probe_usage_error("-d", "a responder address is required");
	if (!port)
		probe_usage_error("-p", "a responder port is required");
	if (p->has_src && p->src.ss_family != p->dst.ss_family)
		probe_usage_error("-s", "not the same address family as -d");
	/* sin_port and sin6_port are at the same offset. */
	((struct sockaddr_in *)&p->dst)->sin_port = htons((uint16_t)port);
}

static void probe_open(struct probe *p)
{
	p->fd = socket(p->dst.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (p->fd < 0)
		probe_fatal("socket");
	if (p->has_mark && setsockopt(p->fd, SOL_SOCKET, SO_MARK, &p->mark, sizeof(p->mark)) < 0)
		probe_fatal("SO_MARK");
	if (p->has_src && bind(p->fd, (struct sockaddr *)&p->src, p->src_len) < 0)
		probe_fatal("bind");
	/* Count first, then allocate. */
	p->sent_ns = calloc(p->count, sizeof(*p->sent_ns));
	p->answered = calloc(p->count, 1);
	if (!p->sent_ns || !p->answered)
		probe_fatal("calloc");
}

static int64_t probe_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void probe_send(struct probe *p)
{
	char msg[64];
	int len = snprintf(msg, sizeof(msg), PROBE_TAG "%lu\n", p->n_sent);

	p->sent_ns[p->n_sent++] = probe_now();
	/* A failed send (no route during a switch, full buffer) is a loss. */
	if (sendto(p->fd, msg, (size_t)len, 0, (struct sockaddr *)&p->dst, p->dst_len) < 0 &&
	    p->send_errors++ == 0)
		p->first_error = errno;
}

/* The first word of a reply, or "-" for a bare echo, "?" if unusable. */
static void probe_name(const char *buf, const char *tag, char name[PROBE_NAME_MAX + 1])
{
	size_t n = 0;

	if (tag == buf) {
		strcpy(name, "-");
		return;
	}
	while (buf + n < tag && buf[n] != ' ' && buf[n] != '\n' && n <= PROBE_NAME_MAX) {
		if (buf[n] <= ' ' || buf[n] > '~' || buf[n] == '"' || buf[n] == '\\')
			break;
		n++;
	}
	if (n == 0 || n > PROBE_NAME_MAX || (buf[n] != ' ' && buf[n] != '\n')) {
		strcpy(name, "?");
		return;
	}
	memcpy(name, buf, n);
	name[n] = '\0';
}

static void probe_count_name(struct probe *p, const char *name)
{
	int i;

	for (i = 0; i < p->n_names; i++)
		if (!strcmp(p->names[i].name, name))
			break;
	if (i == p->n_names) {
		if (p->n_names == PROBE_NAMES) {
			p->names[PROBE_NAMES].count++;
			return;
		}
		snprintf(p->names[i].name, sizeof(p->names[i].name), "%s", name);
		p->n_names++;
	}
	p->names[i].count++;
}

static void probe_reply(struct probe *p, const char *buf, size_t len)
{
	const char *tag = memmem(buf, len, PROBE_TAG, strlen(PROBE_TAG));
	char name[PROBE_NAME_MAX + 1];
	unsigned long seq = 0;
	const char *d;

	if (!tag)
		return;
	d = tag + strlen(PROBE_TAG);
	if (d >= buf + len || *d < '0' || *d > '9')
		return;
	for (; d < buf + len && *d >= '0' && *d <= '9'; d++) {
		seq = seq * 10 + (unsigned long)(*d - '0');
		if (seq >= p->n_sent)
			return;
	}
	if (!p->answered[seq]) {
		p->answered[seq] = 1;
		p->n_received++;
	}
	probe_name(buf, tag, name);
	probe_count_name(p, name);
}

static void probe_receive(struct probe *p)
{
	char buf[4096];

	for (int i = 0; i < PROBE_BATCH; i++) {
		ssize_t n = recv(p->fd, buf, sizeof(buf) - 1, 0);

		if (n < 0)
			return;
		buf[n] = '\0';
		probe_reply(p, buf, (size_t)n);
	}
}

static void probe_run(struct probe *p)
{
	int64_t interval = (int64_t)p->interval_us * 1000, start = probe_now(), end = 0;
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };

	for (;;) {
		int64_t now = probe_now(), wake;
		struct timespec ts;

		for (int k = 0; k < PROBE_BATCH && p->n_sent < p->count &&
				now >= start + (int64_t)p->n_sent * interval; k++)
			probe_send(p);
		if (p->n_sent == p->count && !end)
			end = probe_now() + PROBE_LINGER_NS;
		if (end && now >= end)
			return;
		wake = end ? end : start + (int64_t)p->n_sent * interval;
		now = probe_now();
		wake = wake > now ? wake - now : 0;
		ts.tv_sec = (time_t)(wake / 1000000000);
		ts.tv_nsec = (long)(wake % 1000000000);
		if (ppoll(&pfd, 1, &ts, NULL) < 0 && errno != EINTR)
			probe_fatal("ppoll");
		if (pfd.revents & POLLIN)
			probe_receive(p);
	}
}

static void probe_report(const struct probe *p)
{
	int64_t longest = 0, gap_start = 0;
	unsigned long i = 0, j;

	while (i < p->count) {
		int64_t len;

		if (p->answered[i]) {
			i++;
			continue;
		}
		for (j = i; j < p->count && !p->answered[j]; j++)
			;
		len = (j < p->count ? p->sent_ns[j]
				    : p->sent_ns[j - 1] + (int64_t)p->interval_us * 1000) -
		      p->sent_ns[i];
		if (len > longest) {
			longest = len;
			gap_start = p->sent_ns[i] - p->sent_ns[0];
		}
		i = j;
	}
	printf("{\"sent\":%lu,\"received\":%lu,\"lost\":%lu,\"longest_gap_ms\":%.3f,"
	       "\"gap_start_ms\":%.3f,\"replies_by_name\":{",
	       p->n_sent, p->n_received, p->n_sent - p->n_received, (double)longest / 1e6,
	       (double)gap_start / 1e6);
	for (int k = 0; k < p->n_names; k++)
		printf("%s\"%s\":%lu", k ? "," : "", p->names[k].name, p->names[k].count);
	if (p->names[PROBE_NAMES].count)
		printf("%s\"(other)\":%lu", p->n_names ? "," : "", p->names[PROBE_NAMES].count);
	printf("}}\n");
}

int main(int argc, char **argv)
{
	struct probe p = { .interval_us = 1000, .count = 5000 };

	probe_args(&p, argc, argv);
	probe_open(&p);
	probe_run(&p);
	probe_report(&p);
	if (p.send_errors)
		fprintf(stderr, "mif-udp-probe: %lu sends failed (first: %s)\n", p.send_errors,
			strerror(p.first_error));
	close(p.fd);
	free(p.sent_ns);
	free(p.answered);
	return fflush(stdout) == 0 ? 0 : 1;
}
