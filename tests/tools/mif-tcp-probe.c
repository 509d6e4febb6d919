/* SPDX-License-Identifier: MIT */
/*
 * mif-tcp-probe: how long a TCP (or MPTCP) connection stalls when the
 * network under it changes, for bench/mobility.sh. Not installed.
 *
 *   mif-tcp-probe -l PORT [-b ADDR] [-M]        echo server (up to 8 at once)
 *   mif-tcp-probe -d ADDR -p PORT [-s SRC] [-i INTERVAL_US] [-n COUNT]
 *                 [-w WAIT_MS] [-M]
 *
 * -M opens the socket with IPPROTO_MPTCP (RFC 8684; an MPTCP listener
 * also accepts plain TCP). The client connects (from SRC when given),
 * writes COUNT (default 3000) 8-octet messages, one every INTERVAL_US
 * (default 1000), and reads the echoes. It stops once every echo is back
 * or WAIT_MS (default 2000) after the last write, and prints one line:
 *
 *   {"sent":N,"received":N,"longest_gap_ms":X,"gap_start_ms":Y,"recovered":B}
 *
 * longest_gap_ms is the longest time between two echoes arriving (from
 * the first write for the first echo; to the end of the run when the
 * echoes stopped for good, then recovered is false); gap_start_ms is when
 * it began, from the first write. Exit status: 0 done, 1 socket error, 2
 * bad arguments.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#define PROBE_MSG 8
#define PROBE_CLIENTS 8

static double probe_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int probe_socket(bool mptcp)
{
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, mptcp ? IPPROTO_MPTCP : 0);

	if (fd < 0) {
		perror("mif-tcp-probe: socket");
		exit(1);
	}
	return fd;
}

static int probe_addr(const char *s, uint16_t port, struct sockaddr_in6 *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin6_family = AF_INET6;
	sa->sin6_port = htons(port);
	return s && inet_pton(AF_INET6, s, &sa->sin6_addr) != 1 ? -1 : 0;
}

/* Echo whatever arrives, on up to PROBE_CLIENTS connections at once (a
 * stalled one must not hold up the next probe). */
static int probe_serve(const char *bind_addr, uint16_t port, bool mptcp)
{
	struct pollfd p[1 + PROBE_CLIENTS];
	struct sockaddr_in6 sa;
	int fd = probe_socket(mptcp), on = 1;

	if (probe_addr(bind_addr, port, &sa) < 0)
		return 2;
	/* A client that gave up must not take the server with it. */
	signal(SIGPIPE, SIG_IGN);
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 8) < 0) {
		perror("mif-tcp-probe: listen");
		return 1;
	}
	p[0] = (struct pollfd){ fd, POLLIN, 0 };
	for (int i = 1; i <= PROBE_CLIENTS; i++)
		p[i] = (struct pollfd){ -1, POLLIN, 0 };
	for (;;) {
		if (poll(p, 1 + PROBE_CLIENTS, -1) < 0 && errno != EINTR)
			return 1;
		for (int i = 1; i <= PROBE_CLIENTS; i++) {
			char buf[4096];
			ssize_t n;

			if (p[i].fd < 0 || !p[i].revents)
				continue;
			n = read(p[i].fd, buf, sizeof(buf));
			if (n <= 0 || send(p[i].fd, buf, (size_t)n, MSG_NOSIGNAL) != n) {
				close(p[i].fd);
				p[i].fd = -1;
			}
		}
		if (p[0].revents & POLLIN) {
			int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

			for (int i = 1; c >= 0 && i <= PROBE_CLIENTS; i++)
				if (p[i].fd < 0) {
					(void)setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
					p[i].fd = c;
					c = -1;
				}
			if (c >= 0)
				close(c);       /* full */
		}
	}
}

struct probe_run {
	unsigned long sent, received;
	double t0, last, gap, gap_start;
	uint8_t out[PROBE_MSG * 4096];
	size_t out_len;
};

static void probe_echoes(struct probe_run *r, size_t octets)
{
	static size_t partial;

	partial += octets;
	while (partial >= PROBE_MSG) {
		double t = probe_now_ms();

		partial -= PROBE_MSG;
		r->received++;
		if (t - r->last > r->gap) {
			r->gap = t - r->last;
			r->gap_start = r->last - r->t0;
		}
		r->last = t;
	}
}

static int probe_client(const char *dst, const char *src, uint16_t port, bool mptcp,
			long interval_us, unsigned long count, long wait_ms)
{
	static struct probe_run r;
	struct sockaddr_in6 sa, sb;
	int fd = probe_socket(mptcp), on = 1;
	double next, end = 0;

	if (probe_addr(dst, port, &sa) < 0 || probe_addr(src, 0, &sb) < 0)
		return 2;
	if ((src && bind(fd, (struct sockaddr *)&sb, sizeof(sb)) < 0) ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("mif-tcp-probe: connect");
		return 1;
	}
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	r.t0 = r.last = next = probe_now_ms();
	while (r.received < count) {
		double now = probe_now_ms();
		struct pollfd p = { fd, POLLIN, 0 };
		uint8_t buf[4096];
		ssize_t n;

		if (r.sent < count && now >= next && r.out_len + PROBE_MSG <= sizeof(r.out)) {
			uint64_t seq = r.sent++;

			memcpy(r.out + r.out_len, &seq, PROBE_MSG);
			r.out_len += PROBE_MSG;
			next += (double)interval_us / 1e3;
			if (r.sent == count)
				end = now + (double)wait_ms;
		}
		if (r.out_len) {
			n = send(fd, r.out, r.out_len, MSG_DONTWAIT | MSG_NOSIGNAL);
			if (n > 0) {
				memmove(r.out, r.out + n, r.out_len - (size_t)n);
				r.out_len -= (size_t)n;
			}
		}
		if (end && now >= end)
			break;
		if (poll(&p, 1, 1) > 0 && (n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
			probe_echoes(&r, (size_t)n);
		else if (p.revents & (POLLHUP | POLLERR))
			break;
	}
	{
		bool rec = r.received == count;
		double t = probe_now_ms();

		if (!rec && t - r.last > r.gap) {
			r.gap = t - r.last;
			r.gap_start = r.last - r.t0;
		}
		printf("{\"sent\":%lu,\"received\":%lu,\"longest_gap_ms\":%.3f,\"gap_start_ms\":%.3f,"
		       "\"recovered\":%s}\n", r.sent, r.received, r.gap, r.gap_start,
		       rec ? "true" : "false");
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *dst = NULL, *src = NULL, *bind_addr = NULL;
	unsigned long count = 3000;
	long interval = 1000, wait_ms = 2000;
	int port = 0, listen_port = 0, c;
	bool mptcp = false;

	while ((c = getopt(argc, argv, "l:b:d:p:s:i:n:w:M")) != -1) {
		switch (c) {
		case 'l': listen_port = atoi(optarg); break;
		case 'b': bind_addr = optarg; break;
		case 'd': dst = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 's': src = optarg; break;
		case 'i': interval = atol(optarg); break;
		case 'n': count = strtoul(optarg, NULL, 10); break;
		case 'w': wait_ms = atol(optarg); break;
		case 'M': mptcp = true; break;
		default: return 2;
		}
	}
	if (listen_port > 0 && listen_port < 65536)
		return probe_serve(bind_addr, (uint16_t)listen_port, mptcp);
	if (!dst || port <= 0 || port > 65535 || interval < 100 || count == 0 || count > 1000000)
		return 2;
	return probe_client(dst, src, (uint16_t)port, mptcp, interval, count, wait_ms);
}
