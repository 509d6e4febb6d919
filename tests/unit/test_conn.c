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
#include "daemon/connectivity/quality.h"
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
	/* Made again over IPv4 after IPv6 got no answer: IPv4 alone is
	 * partial; a portal or a failure over IPv4 is what it is. */
	r = tc_ok();
	r.v6_tried = 1;                  /* IPv6 answered: no AAAA record */
	r.v6_dns_err = -ENODATA;
	assert_int_equal(conn_classify(&r, &why), CONN_VALID);
	r = tc_ok();
	r.v6_tried = r.v6_failed = 1;
	r.v6_http_err = -ETIMEDOUT;
	assert_int_equal(conn_classify(&r, &why), CONN_PARTIAL);
	assert_non_null(strstr(why, "IPv6"));
	r.http_code = 302;
	assert_int_equal(conn_classify(&r, &why), CONN_PORTAL);
	r = tc_ok();
	r.v6_tried = r.v6_failed = 1;
	r.dns_err = -ETIMEDOUT;
	r.http_err = -ETIMEDOUT;
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

/* Path quality (issue 13 item 4): RFC 6298 estimators, the loss window,
 * the floor with hysteresis, passive reports. */
static void test_quality_rtt(void **state)
{
	struct quality q = { 0 };

	(void)state;
	quality_sample(&q, false, 10000);
	assert_int_equal(q.srtt_us, 10000);        /* RFC 6298 2.2: first sample */
	assert_int_equal(q.rttvar_us, 5000);
	quality_sample(&q, false, 18000);
	/* 2.3: rttvar = 3/4 * 5000 + 1/4 * |10000 - 18000| = 5750;
	 * srtt = 7/8 * 10000 + 1/8 * 18000 = 11000. */
	assert_int_equal(q.rttvar_us, 5750);
	assert_int_equal(q.srtt_us, 11000);
	quality_sample(&q, true, 0);               /* a loss leaves the RTT alone */
	assert_int_equal(q.srtt_us, 11000);
	assert_int_equal(q.samples, 3);
	assert_int_equal(q.lost, 1);
	assert_int_equal(quality_loss_pm(&q), 333);
}

static void test_quality_window(void **state)
{
	struct quality q = { 0 };

	(void)state;
	assert_int_equal(quality_loss_pm(&q), 0);
	for (int i = 0; i < 10; i++)
		quality_sample(&q, true, 0);
	for (int i = 0; i < QUALITY_WINDOW; i++)
		quality_sample(&q, false, 1000);
	/* Losses older than the window no longer count. */
	assert_int_equal(q.n_window, QUALITY_WINDOW);
	assert_int_equal(quality_loss_pm(&q), 0);
	assert_int_equal(q.lost, 10);
	quality_sample(&q, true, 0);
	assert_int_equal(quality_loss_pm(&q), 1000 / QUALITY_WINDOW);
}

static void test_quality_floor(void **state)
{
	struct quality_floor f = { .max_loss_pct = 20, .max_rtt_ms = 0 };
	struct quality q = { 0 };
	const char *why;

	(void)state;
	/* Too few samples: no verdict, whatever they say. */
	for (int i = 0; i < QUALITY_MIN_SAMPLES - 1; i++)
		quality_sample(&q, true, 0);
	assert_false(quality_judge(&q, &f, &why));
	assert_string_equal(why, "too few samples yet");
	/* 10 samples, 5 lost: 50 % > 20 %. */
	q = (struct quality){ 0 };
	for (int i = 0; i < 10; i++)
		quality_sample(&q, i % 2, 1000);
	assert_true(quality_judge(&q, &f, &why));
	assert_string_equal(why, "its loss rate is over the configured floor");
	/* Exactly at the floor is not over it: 4 of 20 = 20 %. */
	q = (struct quality){ 0 };
	for (int i = 0; i < 20; i++)
		quality_sample(&q, i < 4, 1000);
	assert_false(quality_judge(&q, &f, &why));
	/* Hysteresis: once poor, 4 of 20 (20 %) is still over 3/4 of the
	 * floor (15 %), so still poor; 3 of 20 (15 %) is not. */
	q.poor = true;
	assert_true(quality_judge(&q, &f, &why));
	quality_sample(&q, false, 1000);      /* shifts one loss out: 3 of 20 */
	for (int i = 0; i < 3; i++)
		quality_sample(&q, false, 1000);
	assert_int_equal(quality_loss_pm(&q), 0);
	assert_false(quality_judge(&q, &f, &why));
	/* RTT floor. */
	f = (struct quality_floor){ .max_loss_pct = 0, .max_rtt_ms = 100 };
	q = (struct quality){ 0 };
	for (int i = 0; i < 10; i++)
		quality_sample(&q, true, 0);
	assert_false(quality_judge(&q, &f, &why));     /* loss ignored: floor 0 */
	for (int i = 0; i < 10; i++)
		quality_sample(&q, false, 250000);
	assert_true(quality_judge(&q, &f, &why));
	assert_string_equal(why, "its round-trip time is over the configured floor");
}

static bool qp(struct quality *q, uint32_t sockets, uint32_t rtt_us, uint32_t segs,
	       uint32_t retrans, uint32_t backoff, uint64_t now)
{
	return quality_passive(q, &(struct quality_report){ .sockets = sockets,
			.rtt_us = rtt_us, .segs = segs, .retrans = retrans, .backoff = backoff }, now);
}

static void test_quality_passive(void **state)
{
	struct quality_floor f = { .max_loss_pct = 20 };
	struct quality q = { 0 };
	uint64_t s = 1000000000ull;

	(void)state;
	qp(&q, 1, 30000, 5, 5, 0, 1 * s);      /* too few segments: held */
	assert_int_equal(q.p_at_ns, 0);
	assert_false(quality_passive_alarm(&q, &f, 1 * s));
	qp(&q, 2, 30000, 95, 35, 0, 2 * s);    /* with them: 40 of 100 */
	assert_int_equal(q.p_loss_pm, 400);
	assert_int_equal(q.p_rtt_us, 30000);
	assert_true(quality_passive_alarm(&q, &f, 3 * s));
	/* Smoothed by 1/4: (3 * 400 + 0) / 4 = 300. */
	qp(&q, 2, 10000, 100, 0, 0, 3 * s);
	assert_int_equal(q.p_loss_pm, 300);
	assert_int_equal(q.p_rtt_us, 25000);
	/* Retransmissions above segments are clamped. */
	qp(&q, 1, 0, 50, 500, 0, 4 * s);
	assert_true(q.p_loss_pm <= 1000);
	/* Stale: no alarm; and a stale figure is replaced, not smoothed. */
	assert_false(quality_passive_alarm(&q, &f, 4 * s + QUALITY_PASSIVE_FRESH_NS));
	qp(&q, 1, 1000, 100, 0, 0, 4 * s + QUALITY_PASSIVE_FRESH_NS);
	assert_int_equal(q.p_loss_pm, 0);
	/* A slow transfer: 5 segments every 8 s add up to a figure within
	 * the minute; a sum that takes longer is dropped. */
	uint64_t t = 20 * s;

	for (int i = 0; i < 3; i++, t += 8 * s)
		qp(&q, 1, 2000000, 5, 2, 0, t);
	assert_int_equal(q.p_at_ns, 4 * s + QUALITY_PASSIVE_FRESH_NS);
	qp(&q, 1, 2000000, 5, 2, 0, t);
	assert_int_equal(q.p_at_ns, t);
	assert_int_equal(q.p_loss_pm, 400);
	t += 1 * s;
	qp(&q, 1, 2000000, 5, 0, 0, t);
	qp(&q, 1, 2000000, 5, 0, 0, t + QUALITY_PASSIVE_SUM_NS);
	qp(&q, 1, 2000000, 10, 0, 0, t + QUALITY_PASSIVE_SUM_NS + s);
	assert_int_equal(q.p_at_ns, t - s);
	qp(&q, 1, 2000000, 5, 5, 0, t + QUALITY_PASSIVE_SUM_NS + 2 * s);
	assert_int_equal(q.p_loss_pm, 250);   /* 5 of 20, the first 5 dropped */
	/* The verdict never rests on passive figures. */
	for (int i = 0; i < 10; i++)
		quality_sample(&q, false, 1000);
	qp(&q, 1, 1000, 100, 100, 0, t + QUALITY_PASSIVE_SUM_NS + 3 * s);
	const char *why;
	assert_false(quality_judge(&q, &f, &why));
}

/* A connection in retransmission back-off: one segment per timeout, each
 * a retransmission. Its few segments count at once, and the figure stays
 * current while the kernel says it is still in back-off. */
static void test_quality_passive_backoff(void **state)
{
	struct quality_floor f = { .max_loss_pct = 25 };
	struct quality q = { 0 };
	uint64_t s = 1000000000ull;

	(void)state;
	assert_false(qp(&q, 1, 400000, 0, 0, 1, 1 * s));   /* nothing measured yet */
	assert_int_equal(q.p_at_ns, 0);
	assert_false(qp(&q, 1, 400000, 3, 1, 0, 2 * s));   /* not in back-off: held */
	assert_int_equal(q.p_at_ns, 0);
	assert_true(qp(&q, 1, 900000, 1, 1, 1, 3 * s));    /* its timer fired: 2 of 4 */
	assert_int_equal(q.p_loss_pm, 500);
	assert_int_equal(q.p_backoff, 1);
	assert_int_equal(q.p_at_ns, 3 * s);
	assert_true(quality_passive_alarm(&q, &f, 3 * s));
	/* A minute of silence in back-off: still current (made at 3 s,
	 * confirmed since), unchanged, and no new figure (no round asked
	 * each second). */
	for (uint64_t t = 4; t < 64; t++)
		assert_false(qp(&q, 1, 900000, 0, 0, 1, t * s));
	assert_int_equal(q.p_at_ns, 3 * s);
	assert_int_equal(q.p_seen_ns, 63 * s);
	assert_int_equal(q.p_loss_pm, 500);
	assert_true(quality_passive_fresh(&q, 63 * s));
	assert_true(quality_passive_alarm(&q, &f, 63 * s));
	/* The next timeout's segment: smoothed in, (3 * 500 + 1000) / 4. */
	assert_true(qp(&q, 1, 900000, 1, 1, 1, 64 * s));
	assert_int_equal(q.p_loss_pm, 625);
	assert_int_equal(q.p_at_ns, 64 * s);
	/* Out of back-off, little sent: held; the figure says so and ages. */
	assert_false(qp(&q, 1, 5000, 4, 0, 0, 65 * s));
	assert_int_equal(q.p_backoff, 0);
	assert_int_equal(q.p_seen_ns, 64 * s);
	/* In back-off again: the 4 segments held count at once. */
	assert_true(qp(&q, 1, 5000, 0, 0, 1, 66 * s));
	assert_int_equal(q.p_loss_pm, 468);               /* (3 * 625 + 0) / 4 */
	assert_false(quality_passive_alarm(&q, &f, 66 * s + QUALITY_PASSIVE_FRESH_NS));
}

/* Back-off never brings an old figure back, nor keeps one made without
 * it: a connection to a peer that died says nothing of old traffic. */
static void test_quality_passive_backoff_stale(void **state)
{
	struct quality q = { 0 };
	uint64_t s = 1000000000ull;

	(void)state;
	assert_true(qp(&q, 2, 1000, 40, 0, 0, 1 * s));
	assert_false(qp(&q, 2, 1000, 0, 0, 1, 2 * s));     /* made without back-off */
	assert_int_equal(q.p_seen_ns, 1 * s);
	assert_int_equal(q.p_backoff, 1);                   /* but it is now */
	assert_false(qp(&q, 2, 1000, 0, 0, 1, 3 * s));
	assert_int_equal(q.p_seen_ns, 1 * s);
	assert_false(qp(&q, 1, 1000, 0, 0, 1, 30 * s));    /* stale: left stale */
	assert_int_equal(q.p_seen_ns, 1 * s);
	assert_false(quality_passive_fresh(&q, 30 * s));
	assert_int_equal(q.p_loss_pm, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_tier),
		cmocka_unit_test(test_url_host),
		cmocka_unit_test(test_captive),
		cmocka_unit_test(test_quality_rtt),
		cmocka_unit_test(test_quality_window),
		cmocka_unit_test(test_quality_floor),
		cmocka_unit_test(test_quality_passive),
		cmocka_unit_test(test_quality_passive_backoff),
		cmocka_unit_test(test_quality_passive_backoff_stale),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
