/* SPDX-License-Identifier: MIT */
/*
 * mif-whoami: a TCP and UDP "who answered" server for the test worlds
 * (tests/world). Run one per simulated network, each with its own NAME, and
 * a client learns which network its traffic went through and with which
 * source address. Not installed.
 *
 *   mif-whoami -n NAME [-p PORT] [-4 | -6]
 *
 * On the wildcard address of PORT (default 8080), for IPv4 (-4), IPv6 (-6)
 * or both (the default, or both flags):
 *   TCP  every connection gets "NAME <peer address>\n" and is closed;
 *   UDP  every datagram is answered with the same line followed by the
 *        datagram itself, so an echo client (mif-udp-probe) can match the
 *        answer to its probe.
 * The IPv6 sockets are IPV6_V6ONLY: IPv4 peers always arrive on the IPv4
 * ones, never as mapped addresses. Runs until SIGTERM or SIGINT (exit 0).
 * Each wakeup does bounded work: at most WHOAMI_BATCH accepts or datagrams
 * per socket.
 *
 * Exit status: 0 on SIGTERM/SIGINT, 1 socket error, 2 bad arguments.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define WHOAMI_NAME_MAX 63
#define WHOAMI_BATCH 64          /* accepts or datagrams per socket per wakeup */
#define WHOAMI_DGRAM_MAX 2048    /* echoed payload; larger is cut */
#define WHOAMI_LINE_MAX (WHOAMI_NAME_MAX + INET6_ADDRSTRLEN + 3)
#define WHOAMI_SOCKS 4

struct whoami {
	const char *name;
	unsigned port;
	bool v4, v6;
	struct pollfd pfd[WHOAMI_SOCKS];
	bool is_tcp[WHOAMI_SOCKS];
	int n;
};

static volatile sig_atomic_t whoami_stop;

static void whoami_usage(FILE *f)
{
	fputs("usage: mif-whoami -n NAME [-p PORT] [-4 | -6]\n"
	      "  -n NAME   name put first in every answer (1-63 printable characters, no space)\n"
	      "  -p PORT   TCP and UDP port (1-65535, default 8080)\n"
	      "  -4, -6    only IPv4 or only IPv6 (default both)\n",
	      f);
}

static void whoami_usage_error(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

static void whoami_usage_error(const char *what, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mif-whoami: %s: ", what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n(try mif-whoami -h)\n", stderr);
	exit(2);
}

static void whoami_fatal(const char *what) __attribute__((noreturn));

static void whoami_fatal(const char *what)
{
	fprintf(stderr, "mif-whoami: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void whoami_args(struct whoami *w, int argc, char **argv)
{
	char *end;
	long v;
	int opt;

	opterr = 0;
	while ((opt = getopt(argc, argv, ":hn:p:46")) != -1) {
		switch (opt) {
		case 'h':
			whoami_usage(stdout);
			exit(0);
		case 'n':
			w->name = optarg;
			break;
		case 'p':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || v < 1 || v > 65535)
				whoami_usage_error("-p", "'%s' is not a port (1-65535)", optarg);
			w->port = (unsigned)v;
			break;
		case '4':
			w->v4 = true;
			break;
		case '6':
			w->v6 = true;
			break;
		case ':':
			whoami_usage_error(argv[optind - 1], "missing value");
		default:
			whoami_usage_error(argv[optind - 1], "unknown option");
		}
	}
	if (optind < argc)
		whoami_usage_error(argv[optind], "unexpected argument");
	if (!w->name)
		whoami_usage_error("-n", "a name is required");
	if (!*w->name || strlen(w->name) > WHOAMI_NAME_MAX)
		whoami_usage_error("-n", "'%s' is not 1 to %d characters", w->name, WHOAMI_NAME_MAX);
	for (const char *c = w->name; *c; c++)
		if (*c <= ' ' || *c > '~' || *c == '"' || *c == '\\')
			whoami_usage_error("-n", "'%s' has a space, quote, backslash or "
					   "non-printable character", w->name);
	if (!w->v4 && !w->v6)
		w->v4 = w->v6 = true;
}

static void whoami_open(struct whoami *w, int family, int type)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int one = 1;
	int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		whoami_fatal("socket");
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)w->port);
		len = sizeof(*s6);
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)
			whoami_fatal("IPV6_V6ONLY");
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)w->port);
		len = sizeof(*s4);
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		whoami_fatal("SO_REUSEADDR");
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		whoami_fatal("bind");
	if (type == SOCK_STREAM && listen(fd, 128) < 0)
		whoami_fatal("listen");
	w->pfd[w->n] = (struct pollfd){ .fd = fd, .events = POLLIN };
	w->is_tcp[w->n++] = type == SOCK_STREAM;
}

/* "NAME <address>\n"; returns its length. */
static size_t whoami_line(const struct whoami *w, const struct sockaddr_storage *peer,
			  char *line, size_t cap)
{
	char addr[INET6_ADDRSTRLEN] = "?";
	int n;

	if (peer->ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)peer)->sin6_addr, addr,
			  sizeof(addr));
	else if (peer->ss_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)peer)->sin_addr, addr,
			  sizeof(addr));
	n = snprintf(line, cap, "%s %s\n", w->name, addr);
	return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

static void whoami_tcp(const struct whoami *w, int lfd)
{
	for (int i = 0; i < WHOAMI_BATCH; i++) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);
		char line[WHOAMI_LINE_MAX], junk[512];
		size_t len;
		int fd = accept4(lfd, (struct sockaddr *)&peer, &plen, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0)
			return;
		len = whoami_line(w, &peer, line, sizeof(line));
		/* A few dozen bytes always fit a fresh socket's buffer. */
		if (send(fd, line, len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
			perror("mif-whoami: send");
		shutdown(fd, SHUT_WR);
		/* Unread input would turn the close into a reset that can
		 * discard the answer at the client. */
		while (recv(fd, junk, sizeof(junk), MSG_DONTWAIT) > 0)
			;
		close(fd);
	}
}

static void whoami_udp(const struct whoami *w, int fd)
{
	for (int i = 0; i < WHOAMI_BATCH; i++) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);
		char out[WHOAMI_LINE_MAX + WHOAMI_DGRAM_MAX];
		size_t len;
		ssize_t n;

		/* Receive behind room for the line, then slide it up. */
		n = recvfrom(fd, out + WHOAMI_LINE_MAX, WHOAMI_DGRAM_MAX, 0,
			     (struct sockaddr *)&peer, &plen);
		if (n < 0)
			return;
		len = whoami_line(w, &peer, out, WHOAMI_LINE_MAX);
		memmove(out + len, out + WHOAMI_LINE_MAX, (size_t)n);
		if (sendto(fd, out, len + (size_t)n, MSG_DONTWAIT, (struct sockaddr *)&peer,
			   plen) < 0)
			perror("mif-whoami: sendto");
	}
}

static void whoami_on_signal(int sig)
{
	(void)sig;
	whoami_stop = 1;
}

/* Signals are blocked except inside ppoll(), so a SIGTERM between two
 * wakeups is never lost. */
static void whoami_signals(sigset_t *unblocked)
{
	struct sigaction sa = { .sa_handler = whoami_on_signal };
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	if (sigprocmask(SIG_BLOCK, &block, unblocked) < 0)
		whoami_fatal("sigprocmask");
	sigdelset(unblocked, SIGTERM);
	sigdelset(unblocked, SIGINT);
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0)
		whoami_fatal("sigaction");
	signal(SIGPIPE, SIG_IGN);
}

int main(int argc, char **argv)
{
	struct whoami w = { .port = 8080 };
	sigset_t unblocked;

	whoami_args(&w, argc, argv);
	whoami_signals(&unblocked);
	if (w.v4) {
		whoami_open(&w, AF_INET, SOCK_STREAM);
		whoami_open(&w, AF_INET, SOCK_DGRAM);
	}
	if (w.v6) {
		whoami_open(&w, AF_INET6, SOCK_STREAM);
		whoami_open(&w, AF_INET6, SOCK_DGRAM);
	}
	fprintf(stderr, "mif-whoami: %s ready on port %u (%s)\n", w.name, w.port,
		w.v4 && w.v6 ? "IPv4, IPv6" : w.v4 ? "IPv4" : "IPv6");
	while (!whoami_stop) {
		if (ppoll(w.pfd, (nfds_t)w.n, NULL, &unblocked) < 0) {
			if (errno == EINTR)
				continue;
			whoami_fatal("ppoll");
		}
		for (int i = 0; i < w.n; i++) {
			if (!(w.pfd[i].revents & POLLIN))
				continue;
			if (w.is_tcp[i])
				whoami_tcp(&w, w.pfd[i].fd);
			else
				whoami_udp(&w, w.pfd[i].fd);
		}
	}
	for (int i = 0; i < w.n; i++)
		close(w.pfd[i].fd);
	return 0;
}
