/* SPDX-License-Identifier: MIT */
/*
 * DNR options (RFC 9463, src/proto/dnr.c) from byte vectors: the RA option
 * (section 6.1), DHCPv6 option 144 (5.1), DHCPv4 option 162 (5.2) with two
 * instances and ADN-only mode; SvcParams (RFC 9460 2.2) alpn, port,
 * dohpath; and malformed ones, each refused with the output untouched.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "proto/dnr.h"

/* "dns.example.net" in wire form: 17 octets. */
#define ADN 3, 'd', 'n', 's', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'n', 'e', 't', 0
/* alpn=dot (key 1, len 4: "\x03dot"), port=853 (key 3), 14 octets. */
#define SVC_DOT 0, 1, 0, 4, 3, 'd', 'o', 't', 0, 3, 0, 2, 0x03, 0x55

static const uint8_t ra_ok[] = {
	144, 8,                        /* type, length 8 * 8 = 64 */
	0, 1,                          /* priority 1 */
	0, 0, 0x0e, 0x10,              /* lifetime 3600 */
	0, 17, ADN,
	0, 16, 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x53,
	0, 14, SVC_DOT,
	0, 0, 0,                       /* 61 octets of fields, 3 of padding */
};

static void test_ra(void **state)
{
	uint8_t opt[64];
	struct dnr d;
	char a[INET6_ADDRSTRLEN], t[32];

	(void)state;
	assert_int_equal(sizeof(ra_ok), 64);
	memcpy(opt, ra_ok, 64);
	assert_int_equal(dnr_parse_ra(opt, 64, &d), 0);
	assert_int_equal(d.priority, 1);
	assert_int_equal(d.lifetime, 3600);
	assert_string_equal(d.adn, "dns.example.net");
	assert_false(d.adn_only);
	assert_int_equal(d.n_addrs, 1);
	assert_string_equal(inet_ntop(AF_INET6, &d.addrs[0], a, sizeof(a)), "2001:db8:1::853");
	assert_int_equal(d.alpn, DNR_ALPN_DOT);
	assert_int_equal(d.port, 853);
	assert_string_equal(dnr_alpn_text(d.alpn, t, sizeof(t)), "dot");
	/* The length octet must cover exactly what is given. */
	memset(&d, 0xaa, sizeof(d));
	assert_int_equal(dnr_parse_ra(opt, 56, &d), -EBADMSG);
	assert_int_equal(d.priority, 0xaaaa);              /* untouched */
	opt[1] = 7;
	assert_int_equal(dnr_parse_ra(opt, 56, &d), -EBADMSG);   /* cut inside SvcParams */
	opt[1] = 8;
	/* Addr Length not a multiple of 16. */
	opt[28] = 15;
	assert_int_equal(dnr_parse_ra(opt, 64, &d), -EBADMSG);
	opt[28] = 16;
	/* A multicast resolver address. */
	opt[29] = 0xff;
	assert_int_equal(dnr_parse_ra(opt, 64, &d), -EBADMSG);
	opt[29] = 0x20;
	/* ADN Length past the option. */
	opt[9] = 200;
	assert_int_equal(dnr_parse_ra(opt, 64, &d), -EBADMSG);
	opt[9] = 17;
	/* ADN Length one short: the name does not end where it says. */
	opt[9] = 16;
	assert_int_equal(dnr_parse_ra(opt, 64, &d), -EBADMSG);
	opt[9] = 17;
	/* Another type. */
	opt[0] = 25;
	assert_int_equal(dnr_parse_ra(opt, 64, &d), -EBADMSG);
	opt[0] = 144;
	assert_int_equal(dnr_parse_ra(opt, 64, &d), 0);
	/* Padding of 8 or more: the option claims more than its fields. */
	uint8_t big[72];
	memset(big, 0, sizeof(big));
	memcpy(big, opt, 64);
	big[1] = 9;
	assert_int_equal(dnr_parse_ra(big, 72, &d), -EBADMSG);
}

static void test_svcparams(void **state)
{
	struct dnr d;
	const uint8_t many[] = {
		0, 0, 0, 2, 0, 1,                        /* mandatory=alpn */
		0, 1, 0, 10, 3, 'd', 'o', 't', 2, 'h', '2', 2, 'x', 'y',
		0, 3, 0, 2, 0x01, 0xbb,                  /* port 443 */
		0, 6, 0, 16, 0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
		0, 7, 0, 16, '/', 'd', 'n', 's', '-', 'q', 'u', 'e', 'r', 'y', '{', '?', 'd', 'n',
		's', '}',
	};
	uint8_t bad[sizeof(many)];
	char t[32];

	(void)state;
	memset(&d, 0, sizeof(d));
	assert_int_equal(dnr_parse_svcparams(many, sizeof(many), &d), 0);
	assert_int_equal(d.alpn, DNR_ALPN_DOT | DNR_ALPN_H2 | DNR_ALPN_OTHER);
	assert_string_equal(dnr_alpn_text(d.alpn, t, sizeof(t)), "dot,h2,other");
	assert_int_equal(d.port, 443);
	assert_string_equal(d.dohpath, "/dns-query{?dns}");
	/* Empty SvcParams: nothing offered. */
	assert_int_equal(dnr_parse_svcparams(many, 0, &d), 0);
	assert_int_equal(d.alpn, 0);
	assert_int_equal(d.port, 0);
	/* Keys out of order (port before alpn). */
	const uint8_t order[] = { 0, 3, 0, 2, 0, 53, 0, 1, 0, 4, 3, 'd', 'o', 't' };
	assert_int_equal(dnr_parse_svcparams(order, sizeof(order), &d), -EBADMSG);
	/* A port of 3 octets; an empty alpn id; a value past the end. */
	memcpy(bad, many, sizeof(many));
	bad[23] = 3;
	assert_int_equal(dnr_parse_svcparams(bad, sizeof(bad), &d), -EBADMSG);
	memcpy(bad, many, sizeof(many));
	bad[14] = 0;
	assert_int_equal(dnr_parse_svcparams(bad, sizeof(bad), &d), -EBADMSG);
	assert_int_equal(dnr_parse_svcparams(many, sizeof(many) - 1, &d), -EBADMSG);
	/* A control octet in dohpath. */
	memcpy(bad, many, sizeof(many));
	bad[sizeof(bad) - 3] = '\n';
	assert_int_equal(dnr_parse_svcparams(bad, sizeof(bad), &d), -EBADMSG);
}

static void test_dhcp6(void **state)
{
	const uint8_t ok[] = {
		0, 2, 0, 17, ADN,
		0, 32, 0x20, 1, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53,
		       0x20, 1, 0x0d, 0xb8, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53,
		SVC_DOT,
	};
	const uint8_t adn_only[] = { 0, 0, 0, 17, ADN };
	struct dnr d;

	(void)state;
	assert_int_equal(dnr_parse_dhcp6(ok, sizeof(ok), &d), 0);
	assert_int_equal(d.priority, 2);
	assert_int_equal(d.lifetime, DNR_LIFETIME_INFINITE);
	assert_int_equal(d.n_addrs, 2);
	assert_int_equal(d.alpn, DNR_ALPN_DOT);
	assert_int_equal(dnr_parse_dhcp6(adn_only, sizeof(adn_only), &d), 0);
	assert_true(d.adn_only);
	assert_int_equal(d.n_addrs, 0);
	assert_string_equal(d.adn, "dns.example.net");
	/* Cut inside the addresses; an Addr Length of 0; a root ADN. */
	assert_int_equal(dnr_parse_dhcp6(ok, 30, &d), -EBADMSG);
	uint8_t z[sizeof(ok)];
	memcpy(z, ok, sizeof(ok));
	z[22] = 0;
	assert_int_equal(dnr_parse_dhcp6(z, sizeof(z), &d), -EBADMSG);
	const uint8_t root[] = { 0, 1, 0, 1, 0 };
	assert_int_equal(dnr_parse_dhcp6(root, sizeof(root), &d), -EBADMSG);
	assert_int_equal(dnr_parse_dhcp6(ok, 3, &d), -EBADMSG);
}

static void test_dhcp4(void **state)
{
	/* Two instances: one with two addresses and alpn=dot, port 853; one
	 * in ADN-only mode. Instance 1: 2+1+17+1+8+14 = 43 octets. */
	const uint8_t ok[] = {
		0, 43, 0, 1, 17, ADN, 8, 192, 0, 2, 53, 198, 51, 100, 53, SVC_DOT,
		0, 20, 0, 5, 17, ADN,
	};
	struct dnr d[4];
	size_t n = 9;
	char a[INET6_ADDRSTRLEN];

	(void)state;
	assert_int_equal(dnr_parse_dhcp4(ok, sizeof(ok), d, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(d[0].priority, 1);
	assert_int_equal(d[0].n_addrs, 2);
	assert_string_equal(inet_ntop(AF_INET6, &d[0].addrs[1], a, sizeof(a)),
			    "::ffff:198.51.100.53");
	assert_int_equal(d[0].port, 853);
	assert_true(d[1].adn_only);
	assert_int_equal(d[1].priority, 5);
	/* Only cap kept. */
	assert_int_equal(dnr_parse_dhcp4(ok, sizeof(ok), d, 1, &n), 0);
	assert_int_equal(n, 1);
	/* An instance length past the option; an address length not a
	 * multiple of 4; a loopback address; nothing at all. */
	uint8_t bad[sizeof(ok)];
	memcpy(bad, ok, sizeof(ok));
	bad[46] = 30;
	assert_int_equal(dnr_parse_dhcp4(bad, sizeof(bad), d, 4, &n), -EBADMSG);
	assert_int_equal(n, 0);
	memcpy(bad, ok, sizeof(ok));
	bad[22] = 7;
	assert_int_equal(dnr_parse_dhcp4(bad, sizeof(bad), d, 4, &n), -EBADMSG);
	memcpy(bad, ok, sizeof(ok));
	bad[23] = 127;
	assert_int_equal(dnr_parse_dhcp4(bad, sizeof(bad), d, 4, &n), -EBADMSG);
	assert_int_equal(dnr_parse_dhcp4(ok, 0, d, 4, &n), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ra),
		cmocka_unit_test(test_svcparams),
		cmocka_unit_test(test_dhcp6),
		cmocka_unit_test(test_dhcp4),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
