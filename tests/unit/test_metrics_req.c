/* SPDX-License-Identifier: MIT */
/*
 * mifctl metrics --listen (src/ctl/metrics_req.c): the request head as
 * byte vectors, whole, in pieces, malformed and hostile (no blank line, a
 * NUL inside, other paths and methods), and the listen address.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "ctl/metrics_req.h"

/* Parse a literal (its length without the NUL the literal adds). */
#define PARSE(lit, route, head) metrics_req_parse(lit, sizeof(lit) - 1, route, head)

static void test_scrape(void **state)
{
	static const char prom[] = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:9153\r\n"
				   "User-Agent: Prometheus/2.45.3\r\nAccept: text/plain\r\n\r\n";
	enum metrics_req_route route = METRICS_REQ_NOT_FOUND;
	size_t head = 0;

	(void)state;
	assert_int_equal(PARSE(prom, &route, &head), 0);
	assert_int_equal(route, METRICS_REQ_SCRAPE);
	assert_int_equal(head, sizeof(prom) - 1);
	/* A query, bare LF line ends (curl-like clients, netcat). */
	assert_int_equal(PARSE("GET /metrics?name[]=up HTTP/1.0\n\n", &route, &head), 0);
	assert_int_equal(route, METRICS_REQ_SCRAPE);
	assert_int_equal(head, 33);
	/* A body after the head does not count in the head's length. */
	assert_int_equal(PARSE("GET /metrics HTTP/1.0\r\n\r\nxyz", &route, &head), 0);
	assert_int_equal(route, METRICS_REQ_SCRAPE);
	assert_int_equal(head, 25);
}

static void test_not_found(void **state)
{
	static const char *const other[] = {
		"GET /metricsfoo HTTP/1.0\r\n\r\n", "GET /metrics/x HTTP/1.0\r\n\r\n",
		"GET / HTTP/1.0\r\n\r\n", "HEAD /metrics HTTP/1.0\r\n\r\n",
		"POST /metrics HTTP/1.0\r\n\r\n", "get /metrics HTTP/1.0\r\n\r\n",
		"GET  /metrics HTTP/1.0\r\n\r\n", " GET /metrics HTTP/1.0\r\n\r\n",
		"GET /metrics\r\n\r\n",      /* HTTP/0.9: no version */
		"\r\n\r\n", "\n\n", "GET /metr\n\nics HTTP/1.0\n\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
		enum metrics_req_route route = METRICS_REQ_SCRAPE;
		size_t head = 0;

		assert_int_equal(metrics_req_parse(other[i], strlen(other[i]), &route, &head), 0);
		assert_int_equal(route, METRICS_REQ_NOT_FOUND);
		assert_true(head >= 2 && head <= strlen(other[i]));
	}
}

/* Incomplete heads, and a head that arrives one octet at a time: -EAGAIN
 * with the outputs untouched until the blank line is in. */
static void test_incomplete(void **state)
{
	static const char req[] = "GET /metrics HTTP/1.0\r\nHost: x\r\n\r\n";
	static const char *const part[] = {
		"", "GET /metrics HTTP/1.0", "GET /metrics HTTP/1.0\r\n",
		"GET /metrics HTTP/1.0\r\n\r", "GET /metrics HTTP/1.0\n\r\n",
		"GET /metrics HTTP/1.0\r\r\r\r", "\n\r\n\r",
	};
	enum metrics_req_route route = (enum metrics_req_route)77;
	size_t head = 77;

	(void)state;
	for (size_t i = 0; i < sizeof(part) / sizeof(part[0]); i++)
		assert_int_equal(metrics_req_parse(part[i], strlen(part[i]), &route, &head), -EAGAIN);
	for (size_t n = 0; n < sizeof(req) - 1; n++)
		assert_int_equal(metrics_req_parse(req, n, &route, &head), -EAGAIN);
	assert_int_equal((int)route, 77);
	assert_int_equal(head, 77);
	assert_int_equal(metrics_req_parse(req, sizeof(req) - 1, &route, &head), 0);
	assert_int_equal(head, sizeof(req) - 1);
	assert_int_equal(metrics_req_parse(NULL, 0, &route, &head), -EAGAIN);
	assert_int_equal(metrics_req_parse(NULL, 1, &route, &head), -EINVAL);
}

/* A NUL in the head does not hide the blank line after it (the length is
 * what counts), and one inside the path is not /metrics. */
static void test_nul(void **state)
{
	static const char nul_hdr[] = "GET /metrics HTTP/1.0\r\nX: a\0b\r\n\r\n";
	static const char nul_path[] = "GET /metr\0cs HTTP/1.0\r\n\r\n";
	enum metrics_req_route route;
	size_t head;

	(void)state;
	assert_int_equal(PARSE(nul_hdr, &route, &head), 0);
	assert_int_equal(route, METRICS_REQ_SCRAPE);
	assert_int_equal(head, sizeof(nul_hdr) - 1);
	assert_int_equal(PARSE(nul_path, &route, &head), 0);
	assert_int_equal(route, METRICS_REQ_NOT_FOUND);
}

static void test_listen(void **state)
{
	static const char *const bad[] = {
		"", "9153", ":9153", "127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536",
		"127.0.0.1:-1", "127.0.0.1:+80", "127.0.0.1: 80", "127.0.0.1:80x",
		"10.0.0.1:9153", "0.0.0.0:9153", "[::]:9153", "[2001:db8::1]:9153", "::1:9153",
		"[::1:9153", "[]:9153", "[:9153", "localhost:9153", "127.1:9153",
		"[::ffff:127.0.0.1]:9153",
		"[0000:0000:0000:0000:0000:0000:0000:0000:0000:0001]:80", /* over the host buffer */
	};
	struct sockaddr_storage ss;
	socklen_t len = 0;
	const struct sockaddr_in *a4 = (const struct sockaddr_in *)&ss;
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)&ss;

	(void)state;
	assert_int_equal(metrics_listen_parse("127.0.0.1:9153", &ss, &len), 0);
	assert_int_equal(len, sizeof(struct sockaddr_in));
	assert_int_equal(a4->sin_family, AF_INET);
	assert_int_equal(ntohs(a4->sin_port), 9153);
	assert_int_equal(ntohl(a4->sin_addr.s_addr), 0x7f000001);
	assert_int_equal(metrics_listen_parse("127.8.9.10:1", &ss, &len), 0);
	assert_int_equal(ntohl(a4->sin_addr.s_addr), 0x7f08090a);
	assert_int_equal(metrics_listen_parse("[::1]:65535", &ss, &len), 0);
	assert_int_equal(len, sizeof(struct sockaddr_in6));
	assert_int_equal(a6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(a6->sin6_port), 65535);
	assert_true(IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&ss, 0xa5, sizeof(ss));
		len = 99;
		assert_int_equal(metrics_listen_parse(bad[i], &ss, &len), -EINVAL);
		/* Untouched on failure. */
		assert_int_equal(len, 99);
		assert_int_equal(((unsigned char *)&ss)[0], 0xa5);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scrape),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_incomplete),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_listen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
