/* SPDX-License-Identifier: MIT */
/* mifctl metrics --listen: what the HTTP side reads, as pure functions (no
 * socket, no global), so they have unit tests and a fuzz target. */
#ifndef MIF_CTL_METRICS_REQ_H
#define MIF_CTL_METRICS_REQ_H

#include <stddef.h>
#include <sys/socket.h>

/* What a request head asks for. */
enum metrics_req_route {
	METRICS_REQ_SCRAPE,      /* GET /metrics (with or without a query) */
	METRICS_REQ_NOT_FOUND,   /* anything else: 404 */
};

/* The request head in buf[0..len): 0 with *ret_route and *ret_head_len
 * (up to and including the blank line) once the head is whole, -EAGAIN
 * while it is not (read more), -EINVAL for len 0 with buf NULL. */
int metrics_req_parse(const char *buf, size_t len, enum metrics_req_route *ret_route,
		      size_t *ret_head_len);

/* "127.0.0.1:9153" or "[::1]:9153" into a loopback socket address;
 * -EINVAL for anything else (not loopback, no port, port out of range). */
int metrics_listen_parse(const char *s, struct sockaddr_storage *ret_ss, socklen_t *ret_len);

#endif
