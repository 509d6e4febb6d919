/* SPDX-License-Identifier: MIT */
/*
 * Connectivity checks, the pure parts: what a probe's result means
 * (conn_classify), probe URLs (conn_url_host), the ranking the routing
 * default uses (conn_tier), and RFC 8908 API answers (captive_parse).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "daemon/connectivity/conn.h"
#include "proto/captive.h"

static struct conn_result tc_ok(void)
{
	struct conn_result r;

	memset(&r, 0, sizeof(r));
	r.http_code = r.https_code = 204;
	r.api_err = -ENOENT;
	r.api_captive = -1;
	return r;
}

static void test_classify(void **state)
{
	struct conn_result r = tc_ok();
	const char *why = NULL;

	(void)state;
	assert_int_equal(conn_classify(&r, &why), CONN_VALID);
	assert_non_null(why);
	r.https_err = -EPROTO;           /* TLS intercepted */
	assert_int_equal(conn_classify(&r, &why), CONN_PARTIAL);
	r = tc_ok();
	r.http_code = 302;               /* redirected to a login page */
	assert_int_equal(conn_classify(&r, &why), CONN_PORTAL);
	r.http_code = 200;               /* a page instead of 204 */
	assert_int_equal(conn_classify(&r, &why), CONN_PORTAL);
	r.http_code = 503;
	assert_int_equal(conn_classify(&r, &why), CONN_NO_INTERNET);
	r = tc_ok();
	r.dns_hijack = 1;                /* every name resolves */
	assert_int_equal(conn_classify(&r, &why), CONN_PORTAL);
	r = tc_ok();
	r.api_err = 0;
	r.api_captive = 1;               /* RFC 8908 says captive, whatever HTTP says */
	assert_int_equal(conn_classify(&r, &why), CONN_PORTAL);
	r.api_captive = 0;
	assert_int_equal(conn_classify(&r, &why), CONN_VALID);
	r = tc_ok();
	r.dns_err = r.http_err = r.https_err = -ETIMEDOUT;
	assert_int_equal(conn_classify(&r, &why), CONN_NO_INTERNET);
	assert_non_null(strstr(why, "DNS"));
	r.dns_err = 0;
	assert_int_equal(conn_classify(&r, &why), CONN_NO_INTERNET);
}

static void test_tier(void **state)
{
	(void)state;
	assert_true(conn_tier(CONN_VALID) < conn_tier(CONN_UNKNOWN));
	assert_int_equal(conn_tier(CONN_UNKNOWN), conn_tier(CONN_VALIDATING));
	assert_true(conn_tier(CONN_UNKNOWN) < conn_tier(CONN_PARTIAL));
	assert_true(conn_tier(CONN_PARTIAL) < conn_tier(CONN_PORTAL));
	assert_int_equal(conn_tier(CONN_PORTAL), conn_tier(CONN_NO_INTERNET));
	assert_int_equal(conn_tier(CONN_PORTAL), conn_tier(CONN_FAILED));
	assert_string_equal(conn_state_name(CONN_NO_INTERNET), "no-internet");
	assert_string_equal(conn_state_name((enum conn_state)99), "unknown");
}

static void test_url_host(void **state)
{
	char h[64];
	uint16_t port;
	bool tls;

	(void)state;
	assert_int_equal(conn_url_host("http://a.example/generate_204", h, sizeof(h), &port,
				       &tls), 0);
	assert_string_equal(h, "a.example");
	assert_int_equal(port, 80);
	assert_false(tls);
	assert_int_equal(conn_url_host("https://b.example:8443", h, sizeof(h), &port, &tls), 0);
	assert_string_equal(h, "b.example");
	assert_int_equal(port, 8443);
	assert_true(tls);
	assert_int_equal(conn_url_host("http://[2001:db8::1]:81/x", h, sizeof(h), &port, &tls), 0);
	assert_string_equal(h, "2001:db8::1");
	assert_int_equal(port, 81);
	assert_int_equal(conn_url_host("https://[2001:db8::1]/", h, sizeof(h), &port, &tls), 0);
	assert_int_equal(port, 443);
	assert_int_equal(conn_url_host("ftp://a/", h, sizeof(h), &port, &tls), -EINVAL);
	assert_int_equal(conn_url_host("http://", h, sizeof(h), &port, &tls), -EINVAL);
	assert_int_equal(conn_url_host("http://u:p@a/", h, sizeof(h), &port, &tls), -EINVAL);
	assert_int_equal(conn_url_host("http://a:0/", h, sizeof(h), &port, &tls), -EINVAL);
	assert_int_equal(conn_url_host("http://a:99999/", h, sizeof(h), &port, &tls), -EINVAL);
	assert_int_equal(conn_url_host("http://[::1/", h, sizeof(h), &port, &tls), -EINVAL);
	assert_int_equal(conn_url_host("http://[::1]x/", h, sizeof(h), &port, &tls), -EINVAL);
	assert_int_equal(conn_url_host("http://a.very.long.name.example.that.does.not.fit.in.the"
				       ".buffer/", h, 16, &port, &tls), -EINVAL);
}

static int tc_parse(const char *s, struct captive_info *c, enum captive_error *why)
{
	return captive_parse(s, strlen(s), c, why);
}

static void test_captive(void **state)
{
	struct captive_info c;
	enum captive_error why = CAPTIVE_OK;

	(void)state;
	/* RFC 8908 section 5.2's example. */
	assert_int_equal(tc_parse("{\"captive\": false, \"user-portal-url\": "
		"\"https://example.org/portal.html\", \"venue-info-url\": "
		"\"https://flight.example.com/entertainment\", \"seconds-remaining\": 326, "
		"\"can-extend-session\": true}", &c, &why), 0);
	assert_false(c.captive);
	assert_string_equal(c.user_portal_url, "https://example.org/portal.html");
	assert_true(c.has_seconds);
	assert_int_equal(c.seconds_remaining, 326);
	assert_true(c.can_extend_session);
	assert_int_equal(tc_parse("{\"captive\": true, \"future-key\": [1]}", &c, &why), 0);
	assert_true(c.captive);
	assert_string_equal(c.user_portal_url, "");
	assert_false(c.has_seconds);
	/* Errors, each named; out stays as it was. */
	assert_int_equal(tc_parse("{\"captive\": \"yes\"}", &c, &why), -EBADMSG);
	assert_int_equal(why, CAPTIVE_ERR_CAPTIVE);
	assert_true(c.captive);
	assert_int_equal(tc_parse("{}", &c, &why), -EBADMSG);
	assert_int_equal(why, CAPTIVE_ERR_CAPTIVE);
	assert_int_equal(tc_parse("[true]", &c, &why), -EBADMSG);
	assert_int_equal(why, CAPTIVE_ERR_JSON);
	assert_int_equal(tc_parse("{\"captive\": true", &c, &why), -EBADMSG);
	assert_int_equal(why, CAPTIVE_ERR_JSON);
	assert_int_equal(tc_parse("{\"captive\": true, \"captive\": false}", &c, &why), -EBADMSG);
	assert_int_equal(why, CAPTIVE_ERR_JSON);
	assert_int_equal(tc_parse("{\"captive\": true, \"user-portal-url\": \"http://x/\"}", &c,
				  &why), -EBADMSG);
	assert_int_equal(why, CAPTIVE_ERR_URL);
	assert_int_equal(tc_parse("{\"captive\": true, \"seconds-remaining\": -5}", &c, &why),
			 -EBADMSG);
	assert_int_equal(why, CAPTIVE_ERR_NUMBER);
	assert_int_equal(tc_parse("{\"captive\": true, \"seconds-remaining\": \"5\"}", &c, &why),
			 -EBADMSG);
	assert_int_equal(captive_parse("", 0, &c, &why), -EBADMSG);
	assert_int_equal(why, CAPTIVE_ERR_SIZE);
	assert_int_equal(captive_parse("{}", CAPTIVE_MAX_BODY + 1, &c, &why), -EBADMSG);
	assert_int_equal(why, CAPTIVE_ERR_SIZE);
	/* A huge count is clamped, not wrapped. */
	assert_int_equal(tc_parse("{\"captive\": false, \"seconds-remaining\": 1e30}", &c, &why), 0);
	assert_int_equal(c.seconds_remaining, UINT32_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_tier),
		cmocka_unit_test(test_url_host),
		cmocka_unit_test(test_captive),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
