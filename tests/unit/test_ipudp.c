/* SPDX-License-Identifier: MIT */
/* IPv4/UDP unwrapping for DHCPv4 replies read from a packet socket. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "proto/ipudp.h"

/* A UDP datagram 10.1.0.1:67 -> 255.255.255.255:68 carrying "hello". */
static size_t test_packet(uint8_t *p, bool udp_csum)
{
	static const uint8_t hdr[28] = {
		0x45, 0, 0, 33, 0x12, 0x34, 0x40, 0, 64, 17, 0, 0,   /* DF, TTL 64, UDP */
		10, 1, 0, 1, 255, 255, 255, 255,
		0, 67, 0, 68, 0, 13, 0, 0,
	};
	uint16_t s;

	memcpy(p, hdr, sizeof(hdr));
	memcpy(p + 28, "hello", 5);
	s = (uint16_t)~ipudp_sum(p, 20, 0);
	p[10] = (uint8_t)(s >> 8);
	p[11] = (uint8_t)s;
	if (udp_csum) {
		uint32_t acc = ipudp_sum(p + 12, 8, 0) + 17 + 13;

		s = (uint16_t)~ipudp_sum(p + 20, 13, acc);
		p[26] = (uint8_t)(s >> 8);
		p[27] = (uint8_t)s;
	}
	return 33;
}

static int parse(const uint8_t *p, size_t n, bool csum)
{
	const uint8_t *pl;
	struct in_addr src;
	uint16_t sport;
	size_t plen;

	return csum ? ipudp4_parse(p, n, 68, &src, &sport, &pl, &plen) :
		      ipudp4_parse_nocsum(p, n, 68, &src, &sport, &pl, &plen);
}

static void test_good(void **state)
{
	uint8_t p[64];
	size_t n = test_packet(p, true);
	const uint8_t *pl;
	struct in_addr src;
	uint16_t sport;
	size_t plen;

	assert_int_equal(ipudp4_parse(p, n, 68, &src, &sport, &pl, &plen), 0);
	assert_int_equal(sport, 67);
	assert_int_equal(plen, 5);
	assert_memory_equal(pl, "hello", 5);
	assert_memory_equal(&src, "\x0a\x01\x00\x01", 4);
	/* Trailing link padding after the IP total length is ignored. */
	assert_int_equal(ipudp4_parse(p, n + 10, 68, &src, &sport, &pl, &plen), 0);
	assert_int_equal(plen, 5);
	/* A zero UDP checksum means "not computed" for IPv4 (RFC 768). */
	n = test_packet(p, false);
	assert_int_equal(parse(p, n, true), 0);
}

static void test_bad(void **state)
{
	uint8_t p[64];
	size_t n = test_packet(p, true);

	for (size_t cut = 0; cut < n; cut++)
		assert_int_not_equal(parse(p, cut, true), 0);
	p[0] = 0x65;                                   /* version 6 */
	assert_int_equal(parse(p, n, true), -EBADMSG);
	test_packet(p, true);
	p[0] = 0x44;                                   /* header length 16 */
	assert_int_equal(parse(p, n, true), -EBADMSG);
	test_packet(p, true);
	p[11] ^= 1;                                    /* header checksum */
	assert_int_equal(parse(p, n, true), -EBADMSG);
	test_packet(p, true);
	p[27] ^= 1;                                    /* UDP checksum */
	assert_int_equal(parse(p, n, true), -EBADMSG);
	assert_int_equal(parse(p, n, false), 0);       /* offloaded: not checked */
	test_packet(p, true);
	p[25] = 200;                                   /* UDP length past the IP payload */
	assert_int_equal(parse(p, n, false), -EBADMSG);
	test_packet(p, true);
	p[25] = 7;                                     /* UDP length below its header */
	assert_int_equal(parse(p, n, false), -EBADMSG);
}

static void test_fragments_and_others(void **state)
{
	uint8_t p[64];
	size_t n = test_packet(p, true);
	uint16_t s;

	p[6] = 0x20;                                   /* more fragments */
	p[10] = p[11] = 0;
	s = (uint16_t)~ipudp_sum(p, 20, 0);
	p[10] = (uint8_t)(s >> 8);
	p[11] = (uint8_t)s;
	assert_int_equal(parse(p, n, false), -EBADMSG);
	test_packet(p, true);
	p[9] = 6;                                      /* TCP */
	p[10] = p[11] = 0;
	s = (uint16_t)~ipudp_sum(p, 20, 0);
	p[10] = (uint8_t)(s >> 8);
	p[11] = (uint8_t)s;
	assert_int_equal(parse(p, n, false), -ENOENT);
	test_packet(p, true);
	p[23] = 69;                                    /* to another port */
	assert_int_equal(parse(p, n, false), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_fragments_and_others),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
