/* SPDX-License-Identifier: MIT */
/*
 * mifctl metrics --listen ADDR:PORT: a minimal HTTP/1.0 server for
 * Prometheus scrapes. Loopback only (mifd's state is for this host; a
 * remote scraper goes through its own agent), one request at a time, a
 * 5 s deadline per client, GET /metrics answered with a fresh read of
 * mifd, anything else 404. Off unless asked for.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/addr.h"
#include "ctl/metrics.h"
#include "ctl/metrics_req.h"

#define MH_REQ_MAX 4096

/* Read the request head (up to the blank line) within the deadline; what
 * it asks for is metrics_req_parse()'s answer. */
static int mh_read(int fd, char *buf, size_t cap, enum metrics_req_route *route)
{
	size_t n = 0, head;

	while (n < cap) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (poll(&p, 1, 5000) <= 0)
			return -ETIMEDOUT;
		r = read(fd, buf + n, cap - n);
		if (r <= 0)
			return -EPIPE;
		n += (size_t)r;
		if (metrics_req_parse(buf, n, route, &head) == 0)
			return 0;
	}
	return -E2BIG;
}

static void mh_send(int fd, const char *status, const char *type, const char *body, size_t len)
{
	char head[256];
	int h = snprintf(head, sizeof(head), "HTTP/1.0 %s\r\nContent-Type: %s\r\n"
			 "Content-Length: %zu\r\nConnection: close\r\n\r\n", status, type, len);

	if (write(fd, head, (size_t)h) == h)
		for (size_t off = 0; off < len;) {
			ssize_t w = write(fd, body + off, len - off);

			if (w <= 0)
				break;
			off += (size_t)w;
		}
}

static void mh_client(struct ctl *c, int fd)
{
	char req[MH_REQ_MAX], *body = NULL;
	enum metrics_req_route route;
	size_t len = 0;
	FILE *f;

	if (mh_read(fd, req, sizeof(req), &route) < 0)
		return;
	if (route != METRICS_REQ_SCRAPE) {
		mh_send(fd, "404 Not Found", "text/plain", "try /metrics\n", 13);
		return;
	}
	f = open_memstream(&body, &len);
	if (!f) {
		mh_send(fd, "500 Internal Server Error", "text/plain", "no memory\n", 10);
		return;
	}
	if (metrics_write(c, f) != CTL_OK) {
		fclose(f);
		/* mifd may have restarted: the next scrape connects again. */
		mif_ctl_close(c->conn);
		c->conn = NULL;
		mh_send(fd, "503 Service Unavailable", "text/plain", "mifd did not answer\n", 20);
	} else {
		fclose(f);
		mh_send(fd, "200 OK", "text/plain; version=0.0.4; charset=utf-8", body, len);
	}
	free(body);
}

int metrics_http_serve(struct ctl *c, const char *addr)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1, fd;

	if (metrics_listen_parse(addr, &ss, &len) < 0) {
		fprintf(stderr, "mifctl: metrics --listen: \"%s\" is not a loopback ADDR:PORT\n", addr);
		return CTL_USAGE;
	}
	signal(SIGPIPE, SIG_IGN);
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 16) < 0) {
		fprintf(stderr, "mifctl: metrics: cannot listen on %s: %s\n", addr, strerror(errno));
		if (fd >= 0)
			close(fd);
		return CTL_FAIL;
	}
	fprintf(stderr, "mifctl: metrics on http://%s/metrics\n", addr);
	for (;;) {
		int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

		if (cfd < 0) {
			if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE)
				continue;
			fprintf(stderr, "mifctl: metrics: accept: %s\n", strerror(errno));
			close(fd);
			return CTL_FAIL;
		}
		mh_client(c, cfd);
		close(cfd);
	}
}
