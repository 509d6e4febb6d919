/* SPDX-License-Identifier: MIT */
/* RFC 8801 section 4.3 PvD Additional Information (src/proto/pvdinfo.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "proto/pvdinfo.h"

static int tp(const char *s, struct pvdinfo *c, enum pvdinfo_error *why)
{
	return pvdinfo_parse(s, strlen(s), c, why);
}

static void test_example(void **state)
{
	struct pvdinfo c;
	enum pvdinfo_error why = PVDINFO_OK;
	struct in6_addr a;

	(void)state;
	/* The example of RFC 8801 section 4.3, with a date of ours. */
	assert_int_equal(tp("{\"identifier\": \"cafe.example.com\", \"expires\": "
		"\"2020-05-23T06:00:00Z\", \"prefixes\": [\"2001:db8:1::/48\", "
		"\"2001:db8:4::/48\"], \"dnsZones\": [\"cafe.example.com\"], \"noInternet\": true, "
		"\"vendor-foo\": {\"x\": 1}}", &c, &why), 0);
	assert_string_equal(c.identifier, "cafe.example.com");
	assert_int_equal(c.expires, 1590213600);
	assert_int_equal(c.n_prefixes, 2);
	assert_int_equal(c.plens[1], 48);
	assert_int_equal(c.n_zones, 1);
	assert_string_equal(c.zones[0], "cafe.example.com");
	assert_true(c.no_internet);
	inet_pton(AF_INET6, "2001:db8:1:5::", &a);
	assert_true(pvdinfo_covers(&c, &a, 64));
	assert_false(pvdinfo_covers(&c, &a, 40));      /* wider than the entry */
	inet_pton(AF_INET6, "2001:db8:2::", &a);
	assert_false(pvdinfo_covers(&c, &a, 64));
}

static void test_time(void **state)
{
	int64_t t;

	(void)state;
	assert_int_equal(pvdinfo_time("1970-01-01T00:00:00Z", &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(pvdinfo_time("2000-03-01T00:00:00Z", &t), 0);
	assert_int_equal(t, 951868800);
	assert_int_equal(pvdinfo_time("2026-12-05T10:00:00.123+01:00", &t), 0);
	assert_int_equal(t, 1796464800 - 3600);
	assert_int_equal(pvdinfo_time("2026-12-05t10:00:00-00:30", &t), 0);
	assert_int_equal(t, 1796464800 + 1800);
	assert_int_equal(pvdinfo_time("2026-12-05T10:00:00", &t), -EINVAL);   /* no zone */
	assert_int_equal(pvdinfo_time("2026-13-05T10:00:00Z", &t), -EINVAL);
	assert_int_equal(pvdinfo_time("2026-12-05T10:00:00Zjunk", &t), -EINVAL);
	assert_int_equal(pvdinfo_time("2026-12-05T10:00:00.Z", &t), -EINVAL);
	assert_int_equal(pvdinfo_time("26-12-05T10:00:00Z", &t), -EINVAL);
}

static void test_bad(void **state)
{
	struct pvdinfo c;
	enum pvdinfo_error why;
	static const struct {
		const char *json;
		enum pvdinfo_error why;
	} cases[] = {
		{ "[1]", PVDINFO_ERR_JSON },
		{ "{\"identifier\": \"a.example\", \"identifier\": \"b.example\"}", PVDINFO_ERR_JSON },
		{ "{\"expires\": \"2026-12-05T10:00:00Z\", \"prefixes\": [\"2001:db8::/32\"]}",
		  PVDINFO_ERR_IDENTIFIER },
		{ "{\"identifier\": \"a..example\"}", PVDINFO_ERR_IDENTIFIER },
		/* A network's name reaches terminals: no control characters. */
		{ "{\"identifier\": \"evil\\u001b[31m.example\"}", PVDINFO_ERR_IDENTIFIER },
		{ "{\"identifier\": \"a b.example\"}", PVDINFO_ERR_IDENTIFIER },
		{ "{\"identifier\": \"a.example\", \"expires\": \"2026-12-05T10:00:00Z\", "
		  "\"prefixes\": [\"2001:db8::/32\"], \"dnsZones\": [\"z\\u0007.example\"]}",
		  PVDINFO_ERR_ZONES },
		{ "{\"identifier\": \"a.example\", \"expires\": 5}", PVDINFO_ERR_EXPIRES },
		{ "{\"identifier\": \"a.example\", \"expires\": \"2026-12-05T10:00:00Z\"}",
		  PVDINFO_ERR_PREFIXES },
		{ "{\"identifier\": \"a.example\", \"expires\": \"2026-12-05T10:00:00Z\", "
		  "\"prefixes\": []}", PVDINFO_ERR_PREFIXES },
		{ "{\"identifier\": \"a.example\", \"expires\": \"2026-12-05T10:00:00Z\", "
		  "\"prefixes\": [\"10.0.0.0/8\"]}", PVDINFO_ERR_PREFIXES },
		{ "{\"identifier\": \"a.example\", \"expires\": \"2026-12-05T10:00:00Z\", "
		  "\"prefixes\": [\"2001:db8::/32\"], \"dnsZones\": \"a.example\"}", PVDINFO_ERR_ZONES },
		{ "{\"identifier\": \"a.example\", \"expires\": \"2026-12-05T10:00:00Z\", "
		  "\"prefixes\": [\"2001:db8::/32\"], \"noInternet\": \"no\"}",
		  PVDINFO_ERR_NO_INTERNET },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		why = PVDINFO_OK;
		assert_int_equal(tp(cases[i].json, &c, &why), -EBADMSG);
		assert_int_equal(why, cases[i].why);
		assert_non_null(pvdinfo_error_name(why));
	}
	assert_int_equal(pvdinfo_parse("{}", 0, &c, &why), -EBADMSG);
	assert_int_equal(why, PVDINFO_ERR_SIZE);
	assert_int_equal(pvdinfo_parse("{}", PVDINFO_MAX_BODY + 1, &c, &why), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
