/* SPDX-License-Identifier: MIT */
/* Unit tests for proto/lease6.c: the DHCPv6 lease file's text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "proto/lease6.h"

static const char good[] =
	"mif-dhcp6-lease 1\n"
	"duid 00030001020000000001\n"
	"server-id 0001000129e3f2a1020000000002\n"
	"server fe80::1\n"
	"bound 1767225600\n"
	"t1 100\n"
	"t2 160\n"
	"na 2001:db8::100 200 300\n"
	"pd 2001:db8:1::/56 70 90\n"
	"key 000102030405060708090a0b0c0d0e0f 7\n"
	"end\n";

static void test_parse_format(void **state)
{
	struct lease6 l, again;
	char buf[LEASE6_TEXT_MAX];
	struct in6_addr a;
	int line = -1, n;

	(void)state;
	assert_int_equal(lease6_parse(good, strlen(good), &l, &line), 0);
	assert_int_equal(l.duid_len, 10);
	assert_int_equal(l.server_id_len, 14);
	assert_int_equal(l.bound, 1767225600);
	assert_int_equal(l.t1, 100);
	assert_int_equal(l.t2, 160);
	assert_int_equal(l.n_na, 1);
	inet_pton(AF_INET6, "2001:db8::100", &a);
	assert_memory_equal(&l.na[0].addr, &a, 16);
	assert_int_equal(l.na[0].plen, 128);
	assert_int_equal(l.na[0].valid, 300);
	assert_int_equal(l.n_pd, 1);
	assert_int_equal(l.pd[0].plen, 56);
	assert_int_equal(l.pd[0].preferred, 70);
	assert_true(l.has_key);
	assert_int_equal(l.key[15], 15);
	assert_int_equal(l.replay, 7);
	n = lease6_format(&l, buf, sizeof(buf));
	assert_int_equal(n, strlen(good));
	assert_string_equal(buf, good);
	assert_int_equal(lease6_parse(buf, (size_t)n, &again, &line), 0);
	assert_memory_equal(&l, &again, sizeof(l));
	assert_int_equal(lease6_format(&l, buf, 40), -EMSGSIZE);
}

/* Each corruption is refused whole, with the line that was wrong. */
static void test_corrupt(void **state)
{
	static const struct {
		const char *text;
		int line;
	} bad[] = {
		{ "mif-dhcp6-lease 2\nend\n", 1 },
		{ "mif-dhcp6-lease 1\nduid 0003zz\nend\n", 2 },
		{ "mif-dhcp6-lease 1\nduid 0003\nna 2001:db8::1 300 200\nend\n", 3 },
		{ "mif-dhcp6-lease 1\nduid 0003\npd 2001:db8::/129 1 2\nend\n", 3 },
		{ "mif-dhcp6-lease 1\nduid 0003\nbound -5\nend\n", 3 },
		{ "mif-dhcp6-lease 1\nduid 0003\nserver-id 0001\nna 2001:db8::1 1 2\n", 0 },
		{ "mif-dhcp6-lease 1\nduid 0003\nserver-id 0001\nna 2001:db8::1 1 2\nend", 5 },
		{ "mif-dhcp6-lease 1\nduid 0003\nserver-id 0001\nend\n", 4 },
		{ "mif-dhcp6-lease 1\nduid 0003\nwhat 1\nend\n", 3 },
		{ "mif-dhcp6-lease 1\nduid 0003\nt1 99999999999\nend\n", 3 },
		{ "\x01\x02garbage", 1 },
		/* found by fuzz_lease6: a key given twice */
		{ "mif-dhcp6-lease 1\nduid 01\nduid 0003\nend\n", 3 },
		/* found by fuzz_lease6 in make check: "pd" or "na" alone */
		{ "mif-dhcp6-lease 1\npd\n", 2 },
		{ "mif-dhcp6-lease 1\nna\n", 2 },
	};
	struct lease6 l;
	int line;

	(void)state;
	memset(&l, 0x5a, sizeof(l));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		line = -1;
		assert_int_equal(lease6_parse(bad[i].text, strlen(bad[i].text), &l, &line), -EBADMSG);
		assert_int_equal(line, bad[i].line);
		assert_int_equal(((unsigned char *)&l)[0], 0x5a);   /* untouched */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_format),
		cmocka_unit_test(test_corrupt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
