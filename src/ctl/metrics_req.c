/* SPDX-License-Identifier: MIT */
/*
 * mifctl metrics --listen: the request head and the listen address, parsed
 * without I/O. The server answers HTTP/1.0 (RFC 1945) to one client at a
 * time; all it needs of a request is its request line (section 5.1:
 * Method SP Request-URI SP HTTP-Version CRLF), and the head ends at the
 * first empty line. Bare LF line ends are accepted (RFC 9112 section 2.2
 * lets a recipient do so). Header fields are read past, never used.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/metrics_req.h"

/* The offset just past the first empty line ("\r\n\r\n" or "\n\n"), or 0. */
static size_t metrics_req_head_end(const char *buf, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (buf[i + 1] == '\n')
			return i + 2;
		if (i >= 1 && buf[i - 1] == '\r' && i + 2 < len && buf[i + 1] == '\r' &&
		    buf[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

int metrics_req_parse(const char *buf, size_t len, enum metrics_req_route *ret_route,
		      size_t *ret_head_len)
{
	static const char path[] = "GET /metrics";
	const size_t plen = sizeof(path) - 1;
	size_t end;

	if (!buf && len)
		return -EINVAL;
	end = buf ? metrics_req_head_end(buf, len) : 0;
	if (!end)
		return -EAGAIN;
	/* The request line's method and path, then a space before the
	 * version or a '?' before a query: "/metrics" exactly, so
	 * "/metricsfoo" and "/metrics/x" are someone else's (404). */
	if (end > plen && !memcmp(buf, path, plen) && (buf[plen] == ' ' || buf[plen] == '?'))
		*ret_route = METRICS_REQ_SCRAPE;
	else
		*ret_route = METRICS_REQ_NOT_FOUND;
	*ret_head_len = end;
	return 0;
}

static int metrics_listen6(const char *host, long port, struct sockaddr_storage *ss,
			   socklen_t *len)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port) };

	if (inet_pton(AF_INET6, host, &a.sin6_addr) != 1 || !IN6_IS_ADDR_LOOPBACK(&a.sin6_addr))
		return -EINVAL;
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, &a, sizeof(a));
	*len = sizeof(a);
	return 0;
}

int metrics_listen_parse(const char *s, struct sockaddr_storage *ret_ss, socklen_t *ret_len)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(s, ':');
	size_t hl;
	char *end;
	long port;

	if (!colon || (size_t)(colon - s) >= sizeof(host))
		return -EINVAL;
	hl = (size_t)(colon - s);
	memcpy(host, s, hl);
	host[hl] = '\0';
	/* strtol takes leading blanks and a sign: a port is digits only. */
	if (colon[1] < '0' || colon[1] > '9')
		return -EINVAL;
	port = strtol(colon + 1, &end, 10);
	if (*end || port < 1 || port > 65535)
		return -EINVAL;
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		return metrics_listen6(host + 1, port, ret_ss, ret_len);
	}
	/* 127.0.0.0/8 is loopback (RFC 1122 section 3.2.1.3). */
	if (inet_pton(AF_INET, host, &a.sin_addr) != 1 || (ntohl(a.sin_addr.s_addr) >> 24) != 127)
		return -EINVAL;
	a.sin_port = htons((uint16_t)port);
	memset(ret_ss, 0, sizeof(*ret_ss));
	memcpy(ret_ss, &a, sizeof(a));
	*ret_len = sizeof(a);
	return 0;
}
