/* SPDX-License-Identifier: MIT */
/*
 * mif-dns-spoof: a hostile little DNS server (and DNS junk sender) for the
 * test worlds (tests/world), to check that a stub resolver accepts only the
 * genuine answer (RFC 5452 section 9.1) and survives garbage. Not installed.
 *
 * Server mode:
 *
 *   mif-dns-spoof -l ADDR -a ANSWER [-6 ANSWER6] [-p PORT] [--forged ADDR]
 *                 [--wrong-id] [--wrong-question] [--from ADDR2] [--from-port P]
 *                 [--truncate] [--drop] [--ad] [--count FILE] [--log FILE]
 *                 [--ttl N] [--max-seconds N]
 *
 * Listens on ADDR:PORT (default 53), UDP and TCP. Every A query is answered
 * with ANSWER, every AAAA query with ANSWER6 (NODATA without -6), anything
 * else with NODATA. Before the genuine UDP answer it sends forged ones, each
 * carrying the FORGED address (default 192.0.2.66 / 2001:db8::66) so a
 * client that took one shows it:
 *   --wrong-id        same question, ID + 1;
 *   --wrong-question  right ID, the question "spoofed.invalid.";
 *   --from ADDR2      right ID and question, sent from ADDR2:PORT (a second
 *                     socket; ADDR2 must be an address of this host);
 *   --from-port P     right ID and question, sent from ADDR:P.
 * The genuine answer follows 20 ms later (so the forgeries arrive first).
 *   --truncate        UDP answers have TC set and no answer records; TCP
 *                     (same port) gets the full answer;
 *   --drop            never answer (queries are still counted and logged);
 *   --ad              set AD in answers to queries that set AD or DO, as a
 *                     validating resolver that found the data authentic
 *                     does (RFC 6840 section 5.7);
 *   --delay MS        answer each UDP query MS milliseconds late (a
 *                     satellite or congested network), one at a time;
 *   --count FILE      FILE always holds the number of well-formed queries
 *                     received so far (UDP and TCP);
 *   --log FILE        one line per query appended: "udp|tcp QNAME TYPE PEER";
 *   --max-seconds N   exit 0 after N seconds (default 300, at most 86400).
 *
 * Junk modes (the client side of a robustness test; nothing else runs):
 *
 *   mif-dns-spoof --flood ADDR:PORT N [--seed S]
 *       sends N (1-1000000) malformed UDP datagrams of varied shapes: empty,
 *       shorter than a header, responses (QR=1), qdcount 0 or 2, labels over
 *       63, names over 255, compression loops and pointers past the end,
 *       names without an end, counts larger than the message, other
 *       opcodes, a bad OPT record, random bytes of random length. Prints
 *       one line of JSON: {"sent":N,"errors":N,"replies":N}.
 *   mif-dns-spoof --tcp-junk ADDR:PORT
 *   mif-dns-spoof --tcp-pipeline ADDR:PORT N SUFFIX
 *       opens TCP connections that misbehave: a length prefix and nothing
 *       more, half a length prefix, a 0-length message, a length longer than
 *       what follows, a huge length, nothing at all; each is closed after at
 *       most 1 s. Prints {"connections":N,"failed":N,"closed_by_peer":N}
 *       (failed: could not connect or send; closed_by_peer: the server
 *       closed it first).
 *   ADDR:PORT is 127.0.0.153:53 or [::1]:53.
 *
 * Query parsing is bounds-checked; malformed queries are reported on
 * stderr (at most MAX_COMPLAINTS lines) and not answered.
 * Exit status: 0 done (or SIGTERM/SIGINT), 1 socket or file error,
 * 2 bad arguments.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define DNS_HDR 12
#define MSG_MAX 4096             /* largest query read or junk sent */
#define NAME_MAX_WIRE 255
#define TCP_MSGS_MAX 16          /* queries served per TCP connection */
#define TCP_CONN_MS 3000         /* a TCP connection lives at most this long */
#define UDP_BATCH 64             /* datagrams per wakeup */
#define FORGE_DELAY_MS 20        /* between the forgeries and the genuine answer */
#define MAX_COMPLAINTS 50
#define FLOOD_MAX 1000000ul
#define QTYPE_A 1
#define QTYPE_AAAA 28

enum { SOCK_UDP, SOCK_TCP, SOCK_FROM, SOCK_FROM_PORT, SOCK_N };

struct spoof {
	struct sockaddr_storage listen;
	socklen_t listen_len;
	int family;
	unsigned port;
	struct in_addr answer4, forged4;
	struct in6_addr answer6, forged6;
	bool has_answer4, has_answer6;
	bool wrong_id, wrong_question, truncate, drop, ad;
	long delay_ms;
	const char *from;
	unsigned from_port;
	const char *count_file, *log_file;
	uint32_t ttl;
	long max_seconds;
	int fd[SOCK_N];
	unsigned long queries;
	unsigned complaints;
};

/* A parsed query: the question's bytes in the message, and its fields. */
struct query {
	uint16_t id, flags, qtype, qclass;
	size_t qend;                 /* offset just past the question */
	bool ad_or_do;               /* AD set, or DO in an OPT right after the question */
	char name[NAME_MAX_WIRE + 2];
};

static volatile sig_atomic_t spoof_stop;

static void spoof_usage(FILE *f)
{
	fputs("usage: mif-dns-spoof -l ADDR -a ANSWER [-6 ANSWER6] [-p PORT] [--forged ADDR]\n"
	      "                     [--wrong-id] [--wrong-question] [--from ADDR2] [--from-port P]\n"
	      "                     [--truncate] [--drop] [--ad] [--count FILE] [--log FILE]\n"
	      "                     [--ttl N]\n"
	      "                     [--max-seconds N]\n"
	      "       mif-dns-spoof --flood ADDR:PORT N [--seed S]\n"
	      "       mif-dns-spoof --tcp-junk ADDR:PORT\n"
	      "       mif-dns-spoof --tcp-pipeline ADDR:PORT N SUFFIX\n"
	      "  -l ADDR            address to serve on (IPv4 or IPv6, numeric)\n"
	      "  -p PORT            UDP and TCP port (default 53)\n"
	      "  -a ANSWER          IPv4 address answered to A queries\n"
	      "  -6 ANSWER6         IPv6 address answered to AAAA queries (else NODATA)\n"
	      "  --forged ADDR      address the forged answers carry (IPv4 or IPv6; default\n"
	      "                     192.0.2.66 and 2001:db8::66)\n"
	      "  --wrong-id         first send an answer with ID + 1\n"
	      "  --wrong-question   first send an answer to \"spoofed.invalid.\"\n"
	      "  --from ADDR2       first send an answer from ADDR2:PORT\n"
	      "  --from-port P      first send an answer from ADDR:P\n"
	      "  --truncate         UDP answers carry TC and no records; TCP gets them all\n"
	      "  --drop             never answer\n"
	      "  --ad               set AD when the query sets AD or DO (RFC 6840 5.7)\n"
	      "  --delay MS         answer UDP queries MS milliseconds late\n"
	      "  --count FILE       keep the number of queries received in FILE\n"
	      "  --log FILE         append \"udp|tcp QNAME TYPE PEER\" per query\n"
	      "  --ttl N            TTL of the answers (default 60)\n"
	      "  --max-seconds N    exit after N seconds (1-86400, default 300)\n"
	      "  --flood ADDR:PORT N  send N malformed datagrams to ADDR:PORT and exit\n"
	      "  --seed S           seed of --flood's generator (default: time and pid)\n"
	      "  --tcp-junk ADDR:PORT  open misbehaving TCP connections to ADDR:PORT and exit\n"
	      "  --tcp-pipeline ADDR:PORT N SUFFIX  send N queries (qI.SUFFIX) on one TCP\n"
	      "                        connection at once, half-close, expect N answers\n",
	      f);
}

static void spoof_usage_error(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

static void spoof_usage_error(const char *what, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mif-dns-spoof: %s: ", what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n(try mif-dns-spoof -h)\n", stderr);
	exit(2);
}

static void spoof_fatal(const char *what) __attribute__((noreturn));

static void spoof_fatal(const char *what)
{
	fprintf(stderr, "mif-dns-spoof: %s: %s\n", what, strerror(errno));
	exit(1);
}

static long spoof_number(const char *opt, const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		spoof_usage_error(opt, "'%s' is not a number from %ld to %ld", s, lo, hi);
	return v;
}

/* Numeric IPv4 or IPv6 address and port into ss; returns its length, 0 if bad. */
static socklen_t spoof_sockaddr(const char *addr, unsigned port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		return sizeof(*s4);
	}
	if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		return sizeof(*s6);
	}
	return 0;
}

/* "A.B.C.D:PORT" or "[V6]:PORT" into ss; returns its length, or exits. */
static socklen_t spoof_hostport(const char *opt, const char *arg, struct sockaddr_storage *ss)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon, *h = arg;
	size_t hlen;
	socklen_t len;

	colon = strrchr(arg, ':');
	if (!colon)
		spoof_usage_error(opt, "'%s' is not ADDR:PORT", arg);
	hlen = (size_t)(colon - arg);
	if (hlen >= 2 && arg[0] == '[' && arg[hlen - 1] == ']') {
		h = arg + 1;
		hlen -= 2;
	}
	if (hlen == 0 || hlen >= sizeof(host))
		spoof_usage_error(opt, "'%s' is not ADDR:PORT", arg);
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	len = spoof_sockaddr(host, (unsigned)spoof_number(opt, colon + 1, 1, 65535), ss);
	if (!len)
		spoof_usage_error(opt, "'%s' is not a numeric address", host);
	return len;
}

/* ---- wire helpers ---- */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * Parse a query: header, exactly one question with an uncompressed name,
 * nothing checked after it. Returns NULL, or a reason it is malformed.
 */
static const char *spoof_parse(const uint8_t *m, size_t len, struct query *q)
{
	size_t off = DNS_HDR, wire = 0, out = 0;

	if (len < DNS_HDR)
		return "shorter than a header";
	q->id = get16(m);
	q->flags = get16(m + 2);
	if (q->flags & 0x8000)
		return "QR set (a response)";
	if ((q->flags >> 11 & 0xf) != 0)
		return "opcode is not QUERY";
	if (get16(m + 4) != 1)
		return "qdcount is not 1";
	for (;;) {
		uint8_t l;

		if (off >= len)
			return "name runs past the end";
		l = m[off];
		if (l == 0)
			break;
		if (l & 0xc0)
			return "compressed or extended label in a question";
		if (off + 1 + l > len)
			return "label runs past the end";
		wire += 1u + l;
		if (wire + 1 > NAME_MAX_WIRE)
			return "name longer than 255 octets";
		for (size_t i = 0; i < l; i++) {
			uint8_t c = m[off + 1 + i];

			/* Keep the log line one printable word. */
			q->name[out++] = (c > ' ' && c < 0x7f) ? (char)c : '?';
		}
		q->name[out++] = '.';
		off += 1u + l;
	}
	off++;
	if (out == 0)
		q->name[out++] = '.';
	q->name[out] = '\0';
	if (off + 4 > len)
		return "question type and class run past the end";
	q->qtype = get16(m + off);
	q->qclass = get16(m + off + 2);
	q->qend = off + 4;
	/* RFC 6840 section 5.7: AD in the query, or DO (RFC 3225) in an OPT
	 * RR (root owner, type 41) that follows the question directly. */
	q->ad_or_do = (q->flags & 0x0020) ||
		      (get16(m + 10) >= 1 && q->qend + 11 <= len && m[q->qend] == 0 &&
		       get16(m + q->qend + 1) == 41 && (m[q->qend + 7] & 0x80));
	return NULL;
}

/*
 * Build an answer to the query in m (its question copied, or replaced by
 * "spoofed.invalid." when other_question) into out (cap >= 512). data is
 * the address to answer (NULL: no record); tc sets TC. Returns its length.
 */
static size_t spoof_answer(const struct spoof *s, const uint8_t *m, const struct query *q,
			   uint16_t id, bool other_question, const void *data, bool tc,
			   uint8_t *out, size_t cap)
{
	static const uint8_t other[] = "\7spoofed\7invalid";   /* + its final 0 */
	size_t off = DNS_HDR, qlen;
	uint16_t flags = 0x8000 | 0x0400 | (q->flags & 0x0100) | 0x0080;   /* QR AA RD RA */
	size_t rdlen = q->qtype == QTYPE_AAAA ? 16 : 4;

	if (tc)
		flags |= 0x0200;
	if (s->ad && q->ad_or_do)
		flags |= 0x0020;
	memset(out, 0, DNS_HDR);
	put16(out, id);
	put16(out + 2, flags);
	put16(out + 4, 1);
	if (other_question) {
		qlen = sizeof(other);
		memcpy(out + off, other, qlen);
		put16(out + off + qlen, q->qtype);
		put16(out + off + qlen + 2, q->qclass);
		qlen += 4;
	} else {
		qlen = q->qend - DNS_HDR;
		memcpy(out + off, m + DNS_HDR, qlen);
	}
	off += qlen;
	if (data && !tc && off + 12 + rdlen <= cap) {
		put16(out + 6, 1);
		put16(out + off, 0xc00c);
		put16(out + off + 2, q->qtype);
		put16(out + off + 4, 1);
		put16(out + off + 6, (uint16_t)(s->ttl >> 16));
		put16(out + off + 8, (uint16_t)s->ttl);
		put16(out + off + 10, (uint16_t)rdlen);
		memcpy(out + off + 12, data, rdlen);
		off += 12 + rdlen;
	}
	return off;
}

/* The genuine record for q (NULL: NODATA), or the forged one. */
static const void *spoof_data(const struct spoof *s, const struct query *q, bool forged)
{
	if (q->qclass != 1)
		return NULL;
	if (q->qtype == QTYPE_A)
		return forged ? (const void *)&s->forged4 :
		       s->has_answer4 ? (const void *)&s->answer4 : NULL;
	if (q->qtype == QTYPE_AAAA)
		return forged ? (const void *)&s->forged6 :
		       s->has_answer6 ? (const void *)&s->answer6 : NULL;
	return NULL;
}

/* ---- server ---- */

static void spoof_sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !spoof_stop)
		;
}

static int64_t spoof_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void spoof_peer_text(const struct sockaddr_storage *peer, char *buf, size_t cap)
{
	char a[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (peer->ss_family == AF_INET) {
		const struct sockaddr_in *p = (const struct sockaddr_in *)peer;

		inet_ntop(AF_INET, &p->sin_addr, a, sizeof(a));
		port = ntohs(p->sin_port);
	} else if (peer->ss_family == AF_INET6) {
		const struct sockaddr_in6 *p = (const struct sockaddr_in6 *)peer;

		inet_ntop(AF_INET6, &p->sin6_addr, a, sizeof(a));
		port = ntohs(p->sin6_port);
	}
	snprintf(buf, cap, peer->ss_family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, port);
}

static void spoof_complain(struct spoof *s, const char *proto,
			   const struct sockaddr_storage *peer, const char *why)
{
	char p[INET6_ADDRSTRLEN + 10];

	if (s->complaints >= MAX_COMPLAINTS)
		return;
	if (++s->complaints == MAX_COMPLAINTS)
		why = "(and more; no more complaints)";
	spoof_peer_text(peer, p, sizeof(p));
	fprintf(stderr, "mif-dns-spoof: malformed %s query from %s: %s\n", proto, p, why);
}

/* Count and log a well-formed query. */
static void spoof_record(struct spoof *s, const char *proto, const struct query *q,
			 const struct sockaddr_storage *peer)
{
	char p[INET6_ADDRSTRLEN + 10];

	s->queries++;
	if (s->count_file) {
		char tmp[4096];
		FILE *f;

		if (snprintf(tmp, sizeof(tmp), "%s.tmp", s->count_file) >= (int)sizeof(tmp)) {
			errno = ENAMETOOLONG;
			spoof_fatal(s->count_file);
		}
		f = fopen(tmp, "w");
		if (!f || fprintf(f, "%lu\n", s->queries) < 0 || fclose(f) != 0)
			spoof_fatal(tmp);
		if (rename(tmp, s->count_file) < 0)
			spoof_fatal(s->count_file);
	}
	if (s->log_file) {
		FILE *f = fopen(s->log_file, "a");

		if (!f)
			spoof_fatal(s->log_file);
		spoof_peer_text(peer, p, sizeof(p));
		fprintf(f, "%s %s %u %s\n", proto, q->name, q->qtype, p);
		if (fclose(f) != 0)
			spoof_fatal(s->log_file);
	}
}

static void spoof_send(int fd, const uint8_t *m, size_t len, const struct sockaddr_storage *to,
		       socklen_t tolen, const char *what)
{
	if (sendto(fd, m, len, MSG_DONTWAIT, (const struct sockaddr *)to, tolen) < 0)
		fprintf(stderr, "mif-dns-spoof: sending the %s answer: %s\n", what, strerror(errno));
}

static void spoof_udp(struct spoof *s)
{
	for (int i = 0; i < UDP_BATCH && !spoof_stop; i++) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);
		uint8_t m[MSG_MAX], out[600];
		struct query q;
		const char *why;
		size_t n;
		ssize_t got;
		bool forged = false;

		got = recvfrom(s->fd[SOCK_UDP], m, sizeof(m), MSG_DONTWAIT,
			       (struct sockaddr *)&peer, &plen);
		if (got < 0)
			return;
		why = spoof_parse(m, (size_t)got, &q);
		if (why) {
			spoof_complain(s, "UDP", &peer, why);
			continue;
		}
		spoof_record(s, "udp", &q, &peer);
		if (s->drop)
			continue;
		if (s->wrong_id) {
			n = spoof_answer(s, m, &q, (uint16_t)(q.id + 1), false,
					 spoof_data(s, &q, true), false, out, sizeof(out));
			spoof_send(s->fd[SOCK_UDP], out, n, &peer, plen, "wrong-id");
			forged = true;
		}
		if (s->wrong_question) {
			n = spoof_answer(s, m, &q, q.id, true, spoof_data(s, &q, true), false, out,
					 sizeof(out));
			spoof_send(s->fd[SOCK_UDP], out, n, &peer, plen, "wrong-question");
			forged = true;
		}
		n = spoof_answer(s, m, &q, q.id, false, spoof_data(s, &q, true), false, out,
				 sizeof(out));
		if (s->fd[SOCK_FROM] >= 0) {
			spoof_send(s->fd[SOCK_FROM], out, n, &peer, plen, "wrong-address");
			forged = true;
		}
		if (s->fd[SOCK_FROM_PORT] >= 0) {
			spoof_send(s->fd[SOCK_FROM_PORT], out, n, &peer, plen, "wrong-port");
			forged = true;
		}
		if (forged)
			spoof_sleep_ms(FORGE_DELAY_MS);
		if (s->delay_ms)
			spoof_sleep_ms(s->delay_ms);
		n = spoof_answer(s, m, &q, q.id, false, spoof_data(s, &q, false), s->truncate, out,
				 sizeof(out));
		spoof_send(s->fd[SOCK_UDP], out, n, &peer, plen, "genuine");
	}
}

/* Read exactly len bytes before the deadline; 1 done, 0 EOF/timeout/error. */
static int spoof_read_full(int fd, uint8_t *buf, size_t len, int64_t deadline)
{
	size_t have = 0;

	while (have < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int64_t left = deadline - spoof_now_ms();
		ssize_t n;

		if (left <= 0 || spoof_stop)
			return 0;
		if (poll(&p, 1, (int)left) <= 0)
			return 0;
		n = recv(fd, buf + have, len - have, MSG_DONTWAIT);
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return 0;
		}
		have += (size_t)n;
	}
	return 1;
}

/* Serve one TCP connection: up to TCP_MSGS_MAX queries within TCP_CONN_MS. */
static void spoof_tcp_conn(struct spoof *s, int fd, const struct sockaddr_storage *peer)
{
	int64_t deadline = spoof_now_ms() + TCP_CONN_MS;

	for (int i = 0; i < TCP_MSGS_MAX; i++) {
		uint8_t m[MSG_MAX], out[2 + 600], lenb[2];
		struct query q;
		const char *why;
		size_t len, n;

		if (!spoof_read_full(fd, lenb, 2, deadline))
			return;
		len = get16(lenb);
		if (len == 0 || len > sizeof(m)) {
			spoof_complain(s, "TCP", peer, len ? "longer than we read" : "length 0");
			return;
		}
		if (!spoof_read_full(fd, m, len, deadline))
			return;
		why = spoof_parse(m, len, &q);
		if (why) {
			spoof_complain(s, "TCP", peer, why);
			return;
		}
		spoof_record(s, "tcp", &q, peer);
		if (s->drop)
			continue;
		n = spoof_answer(s, m, &q, q.id, false, spoof_data(s, &q, false), false, out + 2,
				 sizeof(out) - 2);
		put16(out, (uint16_t)n);
		/* A few hundred bytes always fit a fresh socket's buffer. */
		if (send(fd, out, n + 2, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
			fprintf(stderr, "mif-dns-spoof: TCP send: %s\n", strerror(errno));
			return;
		}
	}
}

static void spoof_tcp(struct spoof *s)
{
	for (int i = 0; i < UDP_BATCH && !spoof_stop; i++) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);
		int fd = accept4(s->fd[SOCK_TCP], (struct sockaddr *)&peer, &plen,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0)
			return;
		spoof_tcp_conn(s, fd, &peer);
		close(fd);
	}
}

static int spoof_socket(const struct sockaddr_storage *ss, socklen_t len, int type,
			const char *what)
{
	int one = 1;
	int fd = socket(ss->ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		spoof_fatal("socket");
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		spoof_fatal("SO_REUSEADDR");
	if (ss->ss_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)
		spoof_fatal("IPV6_V6ONLY");
	if (bind(fd, (const struct sockaddr *)ss, len) < 0) {
		fprintf(stderr, "mif-dns-spoof: bind %s: %s\n", what, strerror(errno));
		exit(1);
	}
	if (type == SOCK_STREAM && listen(fd, 64) < 0)
		spoof_fatal("listen");
	return fd;
}

static void spoof_on_signal(int sig)
{
	(void)sig;
	spoof_stop = 1;
}

static void spoof_signals(sigset_t *unblocked)
{
	struct sigaction sa = { .sa_handler = spoof_on_signal };
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	if (sigprocmask(SIG_BLOCK, &block, unblocked) < 0)
		spoof_fatal("sigprocmask");
	sigdelset(unblocked, SIGTERM);
	sigdelset(unblocked, SIGINT);
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0)
		spoof_fatal("sigaction");
	signal(SIGPIPE, SIG_IGN);
}

static int spoof_serve(struct spoof *s)
{
	struct sockaddr_storage ss;
	struct pollfd pfd[2];
	sigset_t unblocked;
	socklen_t len;
	int64_t end = spoof_now_ms() + s->max_seconds * 1000;
	char a[INET6_ADDRSTRLEN + 10];

	spoof_signals(&unblocked);
	for (int i = 0; i < SOCK_N; i++)
		s->fd[i] = -1;
	s->fd[SOCK_UDP] = spoof_socket(&s->listen, s->listen_len, SOCK_DGRAM, "UDP");
	s->fd[SOCK_TCP] = spoof_socket(&s->listen, s->listen_len, SOCK_STREAM, "TCP");
	if (s->from) {
		len = spoof_sockaddr(s->from, s->port, &ss);
		if (!len || ss.ss_family != s->family)
			spoof_usage_error("--from", "'%s' is not an address of the family of -l",
					  s->from);
		s->fd[SOCK_FROM] = spoof_socket(&ss, len, SOCK_DGRAM, "--from");
	}
	if (s->from_port) {
		ss = s->listen;
		if (ss.ss_family == AF_INET)
			((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)s->from_port);
		else
			((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)s->from_port);
		s->fd[SOCK_FROM_PORT] = spoof_socket(&ss, s->listen_len, SOCK_DGRAM, "--from-port");
	}
	if (s->count_file) {
		/* 0 until the first query: the file exists once we listen. */
		FILE *f = fopen(s->count_file, "w");

		if (!f || fputs("0\n", f) < 0 || fclose(f) != 0)
			spoof_fatal(s->count_file);
	}
	pfd[0] = (struct pollfd){ .fd = s->fd[SOCK_UDP], .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = s->fd[SOCK_TCP], .events = POLLIN };
	spoof_peer_text(&s->listen, a, sizeof(a));
	fprintf(stderr, "mif-dns-spoof: ready on %s (UDP, TCP)%s%s%s%s%s%s\n", a,
		s->wrong_id ? " wrong-id" : "", s->wrong_question ? " wrong-question" : "",
		s->from ? " from" : "", s->from_port ? " from-port" : "",
		s->truncate ? " truncate" : "", s->drop ? " drop" : "");
	while (!spoof_stop) {
		int64_t left = end - spoof_now_ms();
		struct timespec ts;

		if (left <= 0) {
			fprintf(stderr, "mif-dns-spoof: --max-seconds reached, %lu queries\n",
				s->queries);
			break;
		}
		ts.tv_sec = left / 1000;
		ts.tv_nsec = left % 1000 * 1000000L;
		if (ppoll(pfd, 2, &ts, &unblocked) < 0) {
			if (errno == EINTR)
				continue;
			spoof_fatal("ppoll");
		}
		if (pfd[0].revents & POLLIN)
			spoof_udp(s);
		if (pfd[1].revents & POLLIN)
			spoof_tcp(s);
	}
	for (int i = 0; i < SOCK_N; i++)
		if (s->fd[i] >= 0)
			close(s->fd[i]);
	return 0;
}

/* ---- junk modes ---- */

static uint64_t rng_state;

static uint32_t rng(void)
{
	/* xorshift64*: plenty for junk. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

static void rng_fill(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rng();
}

/* A header with a random ID, RD, and the given counts. */
static size_t junk_header(uint8_t *m, uint16_t flags, uint16_t qd, uint16_t an, uint16_t ns,
			  uint16_t ar)
{
	put16(m, (uint16_t)rng());
	put16(m + 2, flags);
	put16(m + 4, qd);
	put16(m + 6, an);
	put16(m + 8, ns);
	put16(m + 10, ar);
	return DNS_HDR;
}

/* "\4junkNNNN\4test\0" + type A class IN. */
static size_t junk_question(uint8_t *m, size_t off)
{
	static const uint8_t name[] = "\10junk0000\4test";

	memcpy(m + off, name, sizeof(name));
	for (int i = 0; i < 4; i++)
		m[off + 5 + i] = (uint8_t)('0' + rng() % 10);
	off += sizeof(name);
	put16(m + off, QTYPE_A);
	put16(m + off + 2, 1);
	return off + 4;
}

#define JUNK_SHAPES 16

/* Junk datagram number `shape` into m (cap MSG_MAX); returns its length. */
static size_t junk_make(unsigned shape, uint8_t *m)
{
	size_t off, n;

	switch (shape) {
	case 0:    /* empty */
		return 0;
	case 1:    /* shorter than a header */
		n = 1 + rng() % (DNS_HDR - 1);
		rng_fill(m, n);
		return n;
	case 2:    /* header only, qdcount 0 */
		return junk_header(m, 0x0100, 0, 0, 0, 0);
	case 3:    /* a response (QR=1) */
		off = junk_header(m, 0x8180, 1, 0, 0, 0);
		return junk_question(m, off);
	case 4:    /* qdcount 2, one question */
		off = junk_header(m, 0x0100, 2, 0, 0, 0);
		return junk_question(m, off);
	case 5:    /* a label longer than 63 (0x40 is an extended label type) */
		off = junk_header(m, 0x0100, 1, 0, 0, 0);
		m[off++] = 64;
		memset(m + off, 'a', 64);
		off += 64;
		m[off++] = 0;
		put16(m + off, QTYPE_A);
		put16(m + off + 2, 1);
		return off + 4;
	case 6:    /* a compression pointer to itself */
		off = junk_header(m, 0x0100, 1, 0, 0, 0);
		put16(m + off, 0xc000 | (uint16_t)off);
		put16(m + off + 2, QTYPE_A);
		put16(m + off + 4, 1);
		return off + 6;
	case 7:    /* counts far larger than the message */
		off = junk_header(m, 0x0100, 1, 0xffff, 0xffff, 0xffff);
		return junk_question(m, off);
	case 8:    /* a name without its end */
		off = junk_header(m, 0x0100, 1, 0, 0, 0);
		m[off++] = 20;
		memcpy(m + off, "cut", 3);
		return off + 3;
	case 9:    /* random bytes, random length */
		n = DNS_HDR + rng() % 600;
		rng_fill(m, n);
		return n;
	case 10:   /* opcode UPDATE (5) */
		off = junk_header(m, 5 << 11, 1, 0, 0, 0);
		return junk_question(m, off);
	case 11:   /* a name longer than 255 octets (5 labels of 63) */
		off = junk_header(m, 0x0100, 1, 0, 0, 0);
		for (int i = 0; i < 5; i++) {
			m[off++] = 63;
			memset(m + off, 'b', 63);
			off += 63;
		}
		m[off++] = 0;
		put16(m + off, QTYPE_A);
		put16(m + off + 2, 1);
		return off + 4;
	case 12:   /* an OPT record cut short */
		off = junk_header(m, 0x0100, 1, 0, 0, 1);
		off = junk_question(m, off);
		m[off++] = 0;
		put16(m + off, 41);
		put16(m + off + 2, 4096);
		return off + 4 + rng() % 4;
	case 13:   /* an OPT record whose rdlength runs past the end */
		off = junk_header(m, 0x0100, 1, 0, 0, 1);
		off = junk_question(m, off);
		m[off++] = 0;
		put16(m + off, 41);
		put16(m + off + 2, 4096);
		memset(m + off + 4, 0, 4);
		put16(m + off + 8, 500);
		return off + 10;
	case 14:   /* a compression pointer past the end */
		off = junk_header(m, 0x0100, 1, 0, 0, 0);
		put16(m + off, 0xffff);
		put16(m + off + 2, QTYPE_A);
		put16(m + off + 4, 1);
		return off + 6;
	default:   /* type and class cut off */
		off = junk_header(m, 0x0100, 1, 0, 0, 0);
		return junk_question(m, off) - 1 - rng() % 4;
	}
}

static int spoof_flood(const struct sockaddr_storage *to, socklen_t tolen, unsigned long count)
{
	unsigned long sent = 0, errors = 0, replies = 0;
	int fd = socket(to->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	uint8_t m[MSG_MAX];

	if (fd < 0)
		spoof_fatal("socket");
	for (unsigned long i = 0; i < count; i++) {
		size_t n;
		struct pollfd p = { .fd = fd, .events = POLLIN };

		memset(m, 0, 1024);
		n = junk_make((unsigned)(i % JUNK_SHAPES), m);
		if (sendto(fd, m, n, 0, (const struct sockaddr *)to, tolen) < 0)
			errors++;
		else
			sent++;
		/* Drain replies (FORMERR is allowed) and pace a little, so the
		 * receiver's buffer sees the flood rather than our own drops. */
		while (poll(&p, 1, 0) > 0 && recv(fd, m, sizeof(m), MSG_DONTWAIT) >= 0)
			replies++;
		if (i % 16 == 15)
			spoof_sleep_ms(1);
	}
	spoof_sleep_ms(200);
	for (int i = 0; i < 100000; i++) {
		if (recv(fd, m, sizeof(m), MSG_DONTWAIT) < 0)
			break;
		replies++;
	}
	close(fd);
	printf("{\"sent\":%lu,\"errors\":%lu,\"replies\":%lu}\n", sent, errors, replies);
	return 0;
}

/* One misbehaving TCP connection: send bytes, then wait up to 1 s for the
 * peer to close or answer. Returns 1 if the peer closed, 0 if we did, -1
 * if the connection failed. */
static int junk_tcp_one(const struct sockaddr_storage *to, socklen_t tolen, const uint8_t *b,
			size_t n)
{
	int64_t deadline;
	uint8_t buf[512];
	int closed = 0;
	int fd = socket(to->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		spoof_fatal("socket");
	if (connect(fd, (const struct sockaddr *)to, tolen) < 0 ||
	    (n && send(fd, b, n, MSG_NOSIGNAL) != (ssize_t)n)) {
		fprintf(stderr, "mif-dns-spoof: tcp-junk: %s\n", strerror(errno));
		close(fd);
		return -1;
	}
	deadline = spoof_now_ms() + 1000;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int64_t left = deadline - spoof_now_ms();

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			break;
		if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) <= 0) {
			closed = 1;
			break;
		}
	}
	close(fd);
	return closed;
}

static int spoof_tcp_junk(const struct sockaddr_storage *to, socklen_t tolen)
{
	uint8_t m[8][64];
	size_t len[8], off;
	int n = 0, failed = 0, closed = 0;

	memset(m, 0, sizeof(m));
	/* A length prefix and nothing more. */
	put16(m[n], 0x0100);
	len[n++] = 2;
	/* Half a length prefix. */
	m[n][0] = 0;
	len[n++] = 1;
	/* A message of length 0. */
	len[n++] = 2;
	/* A 0-length message followed by a good query. */
	off = junk_header(m[n] + 4, 0x0100, 1, 0, 0, 0);
	off = junk_question(m[n] + 4, off);
	put16(m[n] + 2, (uint16_t)off);
	len[n++] = off + 4;
	/* A length longer than what follows. */
	off = junk_header(m[n] + 2, 0x0100, 1, 0, 0, 0);
	off = junk_question(m[n] + 2, off);
	put16(m[n], (uint16_t)(off + 20));
	len[n++] = off + 2;
	/* A huge length. */
	put16(m[n], 0xffff);
	rng_fill(m[n] + 2, 30);
	len[n++] = 32;
	/* Connect and send nothing. */
	len[n++] = 0;
	for (int i = 0; i < n; i++) {
		int r = junk_tcp_one(to, tolen, m[i], len[i]);

		failed += r < 0;
		closed += r > 0;
	}
	printf("{\"connections\":%d,\"failed\":%d,\"closed_by_peer\":%d}\n", n, failed,
	       closed);
	return 0;
}

/* Encode "q<i>.<suffix>" in wire form; 0 if it does not fit. */
static size_t pipe_name(uint8_t *w, size_t cap, unsigned long i, const char *suffix)
{
	char text[300];
	size_t off = 0, start = 0, n;

	n = (size_t)snprintf(text, sizeof(text), "q%lu.%s", i, suffix);
	if (n >= sizeof(text) || n + 2 > cap)
		return 0;
	for (size_t k = 0; k <= n; k++) {
		if (k < n && text[k] != '.')
			continue;
		if (k - start == 0 || k - start > 63)
			return 0;
		w[off++] = (uint8_t)(k - start);
		memcpy(w + off, text + start, k - start);
		off += k - start;
		start = k + 1;
	}
	w[off++] = 0;
	return off;
}

/*
 * RFC 7766 section 6.2.1.1: many queries on one connection, sent at once,
 * then a half-close; every one must be answered (mifd's stub has a limit
 * of queries in flight per connection, and must pick up the rest).
 */
static int spoof_tcp_pipeline(const struct sockaddr_storage *to, socklen_t tolen,
			      unsigned long n, const char *suffix)
{
	static uint8_t out[256 * 1024];
	uint8_t msg[512], *seen = calloc(n, 1);
	size_t off = 0;
	unsigned long answers = 0;
	int64_t deadline = spoof_now_ms() + 10000;
	int fd = socket(to->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || !seen)
		spoof_fatal("socket");
	for (unsigned long i = 0; i < n; i++) {
		size_t q = junk_header(out + off + 2, 0x0100, 1, 0, 0, 0);
		size_t nl = pipe_name(out + off + 2 + q, sizeof(out) - off - 8 - q, i, suffix);

		if (!nl || off + 2 + q + nl + 4 > sizeof(out))
			spoof_usage_error("--tcp-pipeline", "too many queries or a bad suffix");
		put16(out + off + 2 + q + nl, 1);          /* A */
		put16(out + off + 2 + q + nl + 2, 1);      /* IN */
		put16(out + off, (uint16_t)(q + nl + 4));
		put16(out + off + 2, (uint16_t)i);         /* the ID names the query */
		off += 2 + q + nl + 4;
	}
	if (connect(fd, (const struct sockaddr *)to, tolen) < 0 ||
	    send(fd, out, off, MSG_NOSIGNAL) != (ssize_t)off || shutdown(fd, SHUT_WR) < 0)
		spoof_fatal("tcp-pipeline");
	while (answers < n) {
		uint8_t l[2];
		size_t len;

		if (spoof_read_full(fd, l, 2, deadline) < 0)
			break;
		len = (size_t)l[0] << 8 | l[1];
		if (len < 12 || len > sizeof(msg) || spoof_read_full(fd, msg, len, deadline) < 0)
			break;
		if ((msg[2] & 0x80) && ((size_t)msg[0] << 8 | msg[1]) < n &&
		    !seen[msg[0] << 8 | msg[1]]) {
			seen[msg[0] << 8 | msg[1]] = 1;
			answers++;
		}
	}
	close(fd);
	free(seen);
	printf("{\"sent\":%lu,\"answers\":%lu}\n", n, answers);
	return answers == n ? 0 : 1;
}

int main(int argc, char **argv)
{
	enum { OPT_WRONG_ID = 256, OPT_WRONG_Q, OPT_FROM, OPT_FROM_PORT, OPT_TRUNC, OPT_DROP, OPT_COUNT,
	       OPT_LOG, OPT_TTL, OPT_MAX, OPT_FORGED, OPT_FLOOD, OPT_SEED, OPT_TCP_JUNK, OPT_DELAY,
	       OPT_TCP_PIPE, OPT_AD };
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "listen", required_argument, NULL, 'l' },
		{ "port", required_argument, NULL, 'p' },
		{ "answer", required_argument, NULL, 'a' },
		{ "answer6", required_argument, NULL, '6' },
		{ "forged", required_argument, NULL, OPT_FORGED },
		{ "wrong-id", no_argument, NULL, OPT_WRONG_ID },
		{ "wrong-question", no_argument, NULL, OPT_WRONG_Q },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "from-port", required_argument, NULL, OPT_FROM_PORT },
		{ "truncate", no_argument, NULL, OPT_TRUNC },
		{ "drop", no_argument, NULL, OPT_DROP },
		{ "ad", no_argument, NULL, OPT_AD },
		{ "delay", required_argument, NULL, OPT_DELAY },
		{ "count", required_argument, NULL, OPT_COUNT },
		{ "log", required_argument, NULL, OPT_LOG },
		{ "ttl", required_argument, NULL, OPT_TTL },
		{ "max-seconds", required_argument, NULL, OPT_MAX },
		{ "flood", required_argument, NULL, OPT_FLOOD },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "tcp-junk", required_argument, NULL, OPT_TCP_JUNK },
		{ "tcp-pipeline", required_argument, NULL, OPT_TCP_PIPE },
		{ NULL, 0, NULL, 0 },
	};
	struct spoof s = { .port = 53, .ttl = 60, .max_seconds = 300 };
	struct sockaddr_storage junk_to;
	socklen_t junk_len = 0;
	const char *listen_addr = NULL, *flood = NULL, *tcp_junk = NULL, *tcp_pipe = NULL;
	bool has_seed = false;
	int opt;

	inet_pton(AF_INET, "192.0.2.66", &s.forged4);
	inet_pton(AF_INET6, "2001:db8::66", &s.forged6);
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":hl:p:a:6:", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			spoof_usage(stdout);
			return 0;
		case 'l':
			listen_addr = optarg;
			break;
		case 'p':
			s.port = (unsigned)spoof_number("-p", optarg, 1, 65535);
			break;
		case 'a':
			if (inet_pton(AF_INET, optarg, &s.answer4) != 1)
				spoof_usage_error("-a", "'%s' is not an IPv4 address", optarg);
			s.has_answer4 = true;
			break;
		case '6':
			if (inet_pton(AF_INET6, optarg, &s.answer6) != 1)
				spoof_usage_error("-6", "'%s' is not an IPv6 address", optarg);
			s.has_answer6 = true;
			break;
		case OPT_FORGED:
			if (inet_pton(AF_INET, optarg, &s.forged4) != 1 &&
			    inet_pton(AF_INET6, optarg, &s.forged6) != 1)
				spoof_usage_error("--forged", "'%s' is not an address", optarg);
			break;
		case OPT_WRONG_ID:
			s.wrong_id = true;
			break;
		case OPT_WRONG_Q:
			s.wrong_question = true;
			break;
		case OPT_FROM:
			s.from = optarg;
			break;
		case OPT_FROM_PORT:
			s.from_port = (unsigned)spoof_number("--from-port", optarg, 1, 65535);
			break;
		case OPT_TRUNC:
			s.truncate = true;
			break;
		case OPT_DROP:
			s.drop = true;
			break;
		case OPT_AD:
			s.ad = true;
			break;
		case OPT_DELAY:
			s.delay_ms = spoof_number("--delay", optarg, 1, 30000);
			break;
		case OPT_COUNT:
			s.count_file = optarg;
			break;
		case OPT_LOG:
			s.log_file = optarg;
			break;
		case OPT_TTL:
			s.ttl = (uint32_t)spoof_number("--ttl", optarg, 0, 86400);
			break;
		case OPT_MAX:
			s.max_seconds = spoof_number("--max-seconds", optarg, 1, 86400);
			break;
		case OPT_FLOOD:
			flood = optarg;
			junk_len = spoof_hostport("--flood", optarg, &junk_to);
			break;
		case OPT_SEED:
			rng_state = (uint64_t)spoof_number("--seed", optarg, 0, 0x7fffffffL);
			has_seed = true;
			break;
		case OPT_TCP_JUNK:
			tcp_junk = optarg;
			junk_len = spoof_hostport("--tcp-junk", optarg, &junk_to);
			break;
		case OPT_TCP_PIPE:
			tcp_pipe = optarg;
			junk_len = spoof_hostport("--tcp-pipeline", optarg, &junk_to);
			break;
		case ':':
			spoof_usage_error(argv[optind - 1], "missing value");
		default:
			spoof_usage_error(argv[optind - 1], "unknown option");
		}
	}
	if (!has_seed)
		rng_state = (uint64_t)time(NULL) << 20 ^ (uint64_t)getpid();
	rng_state = rng_state * 2654435761u + 0x9e3779b97f4a7c15ull;   /* never 0 */
	if (flood && tcp_junk)
		spoof_usage_error("--flood", "not with --tcp-junk");
	if (flood) {
		if (optind != argc - 1)
			spoof_usage_error("--flood", "give ADDR:PORT and a count");
		return spoof_flood(&junk_to, junk_len,
				   (unsigned long)spoof_number("--flood", argv[optind], 1,
							       (long)FLOOD_MAX));
	}
	if (tcp_pipe) {
		if (optind != argc - 2)
			spoof_usage_error("--tcp-pipeline", "give ADDR:PORT, a count and a suffix");
		return spoof_tcp_pipeline(&junk_to, junk_len,
					  (unsigned long)spoof_number("--tcp-pipeline", argv[optind],
								      1, 1000), argv[optind + 1]);
	}
	if (tcp_junk) {
		if (optind < argc)
			spoof_usage_error(argv[optind], "unexpected argument");
		return spoof_tcp_junk(&junk_to, junk_len);
	}
	if (optind < argc)
		spoof_usage_error(argv[optind], "unexpected argument");
	if (!listen_addr)
		spoof_usage_error("-l", "an address to listen on is required");
	s.listen_len = spoof_sockaddr(listen_addr, s.port, &s.listen);
	if (!s.listen_len)
		spoof_usage_error("-l", "'%s' is not a numeric address", listen_addr);
	s.family = s.listen.ss_family;
	if (!s.has_answer4 && !s.has_answer6)
		spoof_usage_error("-a", "an answer address is required (-a or -6)");
	if (s.from_port == s.port)
		spoof_usage_error("--from-port", "must differ from the listening port");
	return spoof_serve(&s);
}
