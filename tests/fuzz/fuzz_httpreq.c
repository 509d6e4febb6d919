/* SPDX-License-Identifier: MIT */
/*
 * mifctl metrics --listen's readers (src/ctl/metrics_req.c) as any local
 * process may feed them: the request head, and the listen address. The
 * first octet picks which. The head parser never reads past its length,
 * answers the same for every prefix until the blank line (as the server
 * calls it after each read), and a scrape is only "GET /metrics" then ' '
 * or '?'; an address that parses is a loopback one.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/metrics_req.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fh_head(const char *buf, size_t len)
{
	enum metrics_req_route route, r2;
	size_t head = 0, h2;
	int r = metrics_req_parse(buf, len, &route, &head);

	if (r != 0 && r != -EAGAIN)
		__builtin_trap();
	if (r == -EAGAIN)
		return;
	if (head < 2 || head > len || buf[head - 1] != '\n' ||
	    (route == METRICS_REQ_SCRAPE &&
	     (head < 13 || memcmp(buf, "GET /metrics", 12) || (buf[12] != ' ' && buf[12] != '?'))))
		__builtin_trap();
	/* The head alone gives the same answer; one octet less is not whole. */
	if (metrics_req_parse(buf, head, &r2, &h2) != 0 || r2 != route || h2 != head ||
	    metrics_req_parse(buf, head - 1, &r2, &h2) != -EAGAIN)
		__builtin_trap();
}

static void fh_listen(const uint8_t *data, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	char *s = malloc(size + 1);

	if (!s)
		return;
	memcpy(s, data, size);
	s[size] = '\0';
	if (metrics_listen_parse(s, &ss, &len) == 0) {
		if (ss.ss_family == AF_INET) {
			const struct sockaddr_in *a = (const struct sockaddr_in *)&ss;

			if (len != sizeof(*a) || (ntohl(a->sin_addr.s_addr) >> 24) != 127 || !a->sin_port)
				__builtin_trap();
		} else {
			const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&ss;

			if (ss.ss_family != AF_INET6 || len != sizeof(*a) ||
			    !IN6_IS_ADDR_LOOPBACK(&a->sin6_addr) || !a->sin6_port)
				__builtin_trap();
		}
	}
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf;

	if (size < 1)
		return 0;
	if (data[0] == 'L') {
		fh_listen(data + 1, size - 1);
		return 0;
	}
	/* An exact-size copy, so ASan sees any read past the length. */
	buf = malloc(size - 1 ? size - 1 : 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	fh_head(buf, size - 1);
	free(buf);
	return 0;
}
