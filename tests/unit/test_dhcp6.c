/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for proto/dhcp6.c. The full Reply and the Information-request
 * go through the builder; every malformed case is a hand-written byte
 * array, so the parser is not only checked against its own builder.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "proto/dhcp6.h"

/* Reply, transaction-id 0x123456. */
#define HDR(type) (type), 0x12, 0x34, 0x56
#define REPLY_HDR HDR(DHCP6_REPLY)
/* Server Identifier: DUID-LL of 02:00:00:00:00:01 (10 octets). */
#define SRVID 0, 2, 0, 10, 0, 3, 0, 1, 2, 0, 0, 0, 0, 1
/* 2001:db8::1 and 2001:db8::2 */
#define A1 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
#define A2 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2
#define MC 0xff, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x01
/* "corp.example" in wire form, 14 octets. */
#define CORP 4, 'c', 'o', 'r', 'p', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0

static struct dhcp6_msg g_m;   /* large: keep it off the test stack */

static void expect_ok(const uint8_t *d, size_t n)
{
	enum dhcp6_error why = DHCP6_ERR__MAX;

	assert_int_equal(dhcp6_parse_reply(d, n, &g_m, &why), 0);
	assert_int_equal(why, DHCP6_OK);
}

static void expect_err(const uint8_t *d, size_t n, enum dhcp6_error want)
{
	enum dhcp6_error why = DHCP6_OK;

	assert_int_equal(dhcp6_parse_reply(d, n, &g_m, &why), -EBADMSG);
	assert_int_equal(why, want);
}

static struct in6_addr addr(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static void assert_addr(const struct in6_addr *a, const char *s)
{
	struct in6_addr want = addr(s);

	assert_memory_equal(a, &want, sizeof(want));
}

/* ---- full Reply through the builder ---- */

static const uint8_t k_mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01 };

static void build_ntp(struct dhcp6_builder *b)
{
	uint8_t v[20 + 20 + 4 + 14];
	struct in6_addr s = addr("2001:db8::123"), mc = addr("ff02::101");
	static const uint8_t fqdn[] = { CORP };

	memcpy(v, ((const uint8_t[]){ 0, 1, 0, 16 }), 4);
	memcpy(v + 4, &s, 16);
	memcpy(v + 20, ((const uint8_t[]){ 0, 2, 0, 16 }), 4);
	memcpy(v + 24, &mc, 16);
	memcpy(v + 40, ((const uint8_t[]){ 0, 3, 0, 14 }), 4);
	memcpy(v + 44, fqdn, 14);
	dhcp6_build_option(b, DHCP6_OPT_NTP_SERVER, v, sizeof(v));
}

static void build_dnssel(struct dhcp6_builder *b)
{
	/* server, prf 01 (high), "corp.example", "8.b.d.0.1.0.0.2.ip6.arpa". */
	static const uint8_t names[] = { CORP,
		1, '8', 1, 'b', 1, 'd', 1, '0', 1, '1', 1, '0', 1, '0', 1, '2',
		3, 'i', 'p', '6', 4, 'a', 'r', 'p', 'a', 0 };
	uint8_t v[17 + sizeof(names)];
	struct in6_addr s = addr("2001:db8::53");

	memcpy(v, &s, 16);
	v[16] = 0xfd;   /* reserved bits set must not matter: prf = 01 */
	memcpy(v + 17, names, sizeof(names));
	dhcp6_build_option(b, DHCP6_OPT_RDNSS_SELECTION, v, sizeof(v));
}

static void build_addrsel(struct dhcp6_builder *b)
{
	static const uint8_t v[] = {
		DHCP6_ADDRSEL_F_A | DHCP6_ADDRSEL_F_P,
		/* ::1/128, label 0, precedence 50 */
		0, 85, 0, 19, 0, 50, 128, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
		/* 2001:db8:0:f::/60 → 8 prefix octets; the low nibble is masked */
		0, 85, 0, 11, 7, 30, 60, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0x1f,
		/* ::/0, no prefix octets */
		0, 85, 0, 3, 1, 1, 0,
	};

	dhcp6_build_option(b, DHCP6_OPT_ADDRSEL, v, sizeof(v));
}

static size_t build_full_reply(uint8_t *out, size_t cap)
{
	static const char *const domains[] = { "corp.example", "example.net." };
	static const char uri[] = "https://portal.example/api";
	static const uint8_t status[] = { 0, 0, 'o', 'k' };
	static const uint8_t refresh[] = { 0, 0, 0x0e, 0x10 };
	struct in6_addr dns[2] = { addr("2001:db8::1"), addr("2001:db8::2") };
	struct in6_addr sntp = addr("2001:db8::7b");
	struct dhcp6_builder b;
	uint8_t duid[DHCP6_MAX_DUID];
	size_t dl = dhcp6_duid_ll(duid, sizeof(duid), k_mac, sizeof(k_mac));
	int n;

	dhcp6_build_init(&b, out, cap, DHCP6_REPLY, 0xabcdef);
	dhcp6_build_option(&b, DHCP6_OPT_CLIENTID, duid, dl);
	dhcp6_build_option(&b, DHCP6_OPT_SERVERID, (const uint8_t[]){ 0, 1, 0, 1, 9, 9, 9, 9, 1, 2, 3, 4, 5, 6 }, 14);
	dhcp6_build_option(&b, DHCP6_OPT_STATUS_CODE, status, sizeof(status));
	dhcp6_build_addrs(&b, DHCP6_OPT_DNS_SERVERS, dns, 2);
	assert_int_equal(dhcp6_build_domains(&b, DHCP6_OPT_DOMAIN_LIST, domains, 2), 0);
	dhcp6_build_addrs(&b, DHCP6_OPT_SNTP_SERVERS, &sntp, 1);
	build_ntp(&b);
	dhcp6_build_option(&b, DHCP6_OPT_INFO_REFRESH_TIME, refresh, sizeof(refresh));
	build_dnssel(&b);
	build_addrsel(&b);
	dhcp6_build_option(&b, DHCP6_OPT_CAPTIVE_PORTAL, uri, strlen(uri));
	dhcp6_build_option(&b, 7, (const uint8_t[]){ 255 }, 1);   /* Preference (21.8) */
	n = dhcp6_build_finish(&b);
	assert_true(n > 0);
	return (size_t)n;
}

static void test_reply_roundtrip(void **state)
{
	uint8_t buf[1024];
	size_t n = build_full_reply(buf, sizeof(buf));
	static const uint8_t duid[] = { 0, 3, 0, 1, 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01 };

	(void)state;
	expect_ok(buf, n);
	assert_int_equal(g_m.type, DHCP6_REPLY);
	assert_int_equal(g_m.xid, 0xabcdef);
	assert_int_equal(g_m.client_id_len, sizeof(duid));
	assert_memory_equal(g_m.client_id, duid, sizeof(duid));
	assert_int_equal(g_m.server_id_len, 14);
	assert_int_equal(g_m.server_id[13], 6);
	assert_true(g_m.has_status);
	assert_int_equal(g_m.status, 0);
	assert_int_equal(g_m.n_dns, 2);
	assert_addr(&g_m.dns[0], "2001:db8::1");
	assert_addr(&g_m.dns[1], "2001:db8::2");
	assert_int_equal(g_m.n_domains, 2);
	assert_string_equal(g_m.domains[0], "corp.example");
	assert_string_equal(g_m.domains[1], "example.net");
	assert_int_equal(g_m.n_sntp, 1);
	assert_addr(&g_m.sntp[0], "2001:db8::7b");
	assert_int_equal(g_m.n_ntp, 2);
	assert_addr(&g_m.ntp[0], "2001:db8::123");
	assert_addr(&g_m.ntp[1], "ff02::101");
	assert_true(g_m.has_refresh);
	assert_int_equal(g_m.refresh, 3600);
	assert_int_equal(g_m.n_dnssel, 1);
	assert_addr(&g_m.dnssel[0].server, "2001:db8::53");
	assert_int_equal(g_m.dnssel[0].pref, 1);
	assert_int_equal(g_m.dnssel[0].n_domains, 2);
	assert_string_equal(g_m.dnssel[0].domains[0], "corp.example");
	assert_string_equal(g_m.dnssel[0].domains[1], "8.b.d.0.1.0.0.2.ip6.arpa");
	assert_true(g_m.has_policy);
	assert_true(g_m.policy_automatic);
	assert_true(g_m.policy_privacy);
	assert_int_equal(g_m.n_policy, 3);
	assert_int_equal(g_m.policy[0].label, 0);
	assert_int_equal(g_m.policy[0].precedence, 50);
	assert_int_equal(g_m.policy[0].plen, 128);
	assert_addr(&g_m.policy[0].prefix, "::1");
	assert_int_equal(g_m.policy[1].label, 7);
	assert_int_equal(g_m.policy[1].precedence, 30);
	assert_int_equal(g_m.policy[1].plen, 60);
	assert_addr(&g_m.policy[1].prefix, "2001:db8:0:10::");
	assert_int_equal(g_m.policy[2].plen, 0);
	assert_addr(&g_m.policy[2].prefix, "::");
	assert_true(g_m.has_captive_portal);
	assert_string_equal(g_m.captive_portal, "https://portal.example/api");
	/* The NTP FQDN suboption; Preference (21.8) is kept. */
	assert_int_equal(g_m.ignored, 1);
	assert_true(g_m.has_preference);
	assert_true(dhcp6_reply_matches(&g_m, 0xabcdef, duid, sizeof(duid)));
	assert_false(dhcp6_reply_matches(&g_m, 0xabcdee, duid, sizeof(duid)));
	assert_false(dhcp6_reply_matches(&g_m, 0xabcdef, duid, sizeof(duid) - 1));
	assert_int_equal(dhcp6_refresh_seconds(&g_m), 3600);
}

/* A capture (tcpdump tests/dhcpv6-ntp-server.pcap): one option 56 holding
 * an address, a multicast address and an FQDN suboption. */
static void test_ntp_capture(void **state)
{
	static const uint8_t m[] = {
		0x07, 0xf6, 0x9b, 0x57,
		0x00, 0x01, 0x00, 0x0e, 0x00, 0x01, 0x00, 0x01, 0x18, 0xf0, 0x0b, 0x3f,
		0x00, 0x0c, 0x29, 0x38, 0xf3, 0x68,
		0x00, 0x02, 0x00, 0x0e, 0x00, 0x01, 0x00, 0x01, 0x18, 0xef, 0x95, 0x1b,
		0x00, 0x0c, 0x29, 0x9b, 0xa1, 0x53,
		0x00, 0x38, 0x00, 0x3d,
		0x00, 0x01, 0x00, 0x10, 0x2a, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
		0x00, 0x02, 0x00, 0x10, 0xff, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x01,
		0x00, 0x03, 0x00, 0x11, 0x03, 'n', 't', 'p', 0x07, 'e', 'x', 'a', 'm', 'p',
		'l', 'e', 0x03, 'c', 'o', 'm', 0x00,
	};

	(void)state;
	expect_ok(m, sizeof(m));
	assert_int_equal(g_m.xid, 0xf69b57);
	assert_int_equal(g_m.client_id_len, 14);
	assert_int_equal(g_m.server_id_len, 14);
	assert_int_equal(g_m.n_ntp, 2);
	assert_addr(&g_m.ntp[0], "2a01::1");
	assert_addr(&g_m.ntp[1], "ff05::101");
	assert_int_equal(g_m.ignored, 1);
	assert_false(g_m.has_refresh);
	assert_int_equal(dhcp6_refresh_seconds(&g_m), DHCP6_IRT_DEFAULT);
}

/* ---- Information-request ---- */

static void test_information_request(void **state)
{
	static const uint16_t oro[] = { 23, 24, 56, 31, 74, 84, 103, 32 };
	static const uint8_t want[] = {
		11, 0x0a, 0xbc, 0xde,
		0, 1, 0, 10, 0, 3, 0, 1, 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01,
		0, 6, 0, 16, 0, 23, 0, 24, 0, 56, 0, 31, 0, 74, 0, 84, 0, 103, 0, 32,
		0, 8, 0, 2, 0, 0,
	};
	uint8_t buf[128], duid[DHCP6_MAX_DUID];
	struct dhcp6_builder b;
	enum dhcp6_error why = DHCP6_ERR__MAX;
	size_t dl;
	int n;

	(void)state;
	dl = dhcp6_duid_ll(duid, sizeof(duid), k_mac, sizeof(k_mac));
	assert_int_equal(dl, 10);
	/* Only the low 24 bits of the xid go on the wire. */
	dhcp6_build_init(&b, buf, sizeof(buf), DHCP6_INFORMATION_REQUEST, 0xff0abcde);
	dhcp6_build_option(&b, DHCP6_OPT_CLIENTID, duid, dl);
	dhcp6_build_oro(&b, oro, sizeof(oro) / sizeof(oro[0]));
	dhcp6_build_elapsed(&b, 0);
	n = dhcp6_build_finish(&b);
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));

	assert_int_equal(dhcp6_parse(buf, (size_t)n, &g_m, &why), 0);
	assert_int_equal(why, DHCP6_OK);
	assert_int_equal(g_m.type, DHCP6_INFORMATION_REQUEST);
	assert_int_equal(g_m.xid, 0x0abcde);
	assert_int_equal(g_m.client_id_len, 10);
	assert_memory_equal(g_m.client_id, duid, 10);
	assert_int_equal(g_m.server_id_len, 0);
	assert_int_equal(g_m.ignored, 0);
	/* Not a Reply. */
	assert_int_equal(dhcp6_parse_reply(buf, (size_t)n, &g_m, &why), -EBADMSG);
	assert_int_equal(why, DHCP6_ERR_BAD_TYPE);
}

/* ---- framing errors ---- */

static void test_truncated_header(void **state)
{
	static const uint8_t m[] = { 7, 0x12, 0x34 };
	enum dhcp6_error why = DHCP6_OK;

	(void)state;
	expect_err(m, sizeof(m), DHCP6_ERR_TRUNCATED);
	expect_err(m, 0, DHCP6_ERR_TRUNCATED);
	assert_int_equal(dhcp6_parse(NULL, 0, &g_m, &why), -EBADMSG);
	assert_int_equal(why, DHCP6_ERR_TRUNCATED);
	assert_int_equal(dhcp6_parse(m, sizeof(m), NULL, &why), -EINVAL);
	/* why may be NULL. */
	assert_int_equal(dhcp6_parse(m, sizeof(m), &g_m, NULL), -EBADMSG);
}

static void test_header_only(void **state)
{
	static const uint8_t m[] = { HDR(DHCP6_REPLY) };
	enum dhcp6_error why = DHCP6_ERR__MAX;

	(void)state;
	assert_int_equal(dhcp6_parse(m, sizeof(m), &g_m, &why), 0);
	assert_int_equal(g_m.xid, 0x123456);
	expect_err(m, sizeof(m), DHCP6_ERR_NO_SERVER_ID);
}

static void test_option_past_end(void **state)
{
	/* DNS servers claiming 32 octets with 16 present. */
	static const uint8_t m[] = { REPLY_HDR, SRVID, 0, 23, 0, 32, A1 };
	/* Two octets of a third option header. */
	static const uint8_t partial[] = { REPLY_HDR, SRVID, 0, 23 };
	/* An option length of 0xffff. */
	static const uint8_t huge[] = { REPLY_HDR, 0, 24, 0xff, 0xff, CORP, SRVID };

	(void)state;
	expect_err(m, sizeof(m), DHCP6_ERR_OPTION_OVERRUN);
	expect_err(partial, sizeof(partial), DHCP6_ERR_OPTION_OVERRUN);
	expect_err(huge, sizeof(huge), DHCP6_ERR_OPTION_OVERRUN);
}

/* Issue 17: a suboption running past its option (a row of option 84, a
 * time source of option 56) costs that option only; the Reply stands,
 * with the DNS server that follows the bad option. */
#define DNS_OPT 0, 23, 0, 16, A2
static void test_suboption_past_option(void **state)
{
	/* Option 56 of 20 octets whose address suboption claims 17. */
	static const uint8_t ntp[] = { REPLY_HDR, SRVID,
		0, 56, 0, 20, 0, 1, 0, 17, A1, DNS_OPT };
	/* Option 84 whose second row claims 4 octets with 3 left. */
	static const uint8_t sel[] = { REPLY_HDR, SRVID,
		0, 84, 0, 15, DHCP6_ADDRSEL_F_A, 0, 85, 0, 3, 1, 1, 0, 0, 85, 0, 4, 1, 1, 0,
		DNS_OPT };
	/* A suboption header cut by its option's end. */
	static const uint8_t cut[] = { REPLY_HDR, SRVID,
		0, 56, 0, 2, 0, 1, DNS_OPT };
	const uint8_t *const all[] = { ntp, sel, cut };
	const size_t len[] = { sizeof(ntp), sizeof(sel), sizeof(cut) };

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		expect_ok(all[i], len[i]);
		assert_int_equal(g_m.n_ntp, 0);
		assert_false(g_m.has_policy);
		assert_int_equal(g_m.n_policy, 0);
		assert_int_equal(g_m.ignored, 1);
		assert_int_equal(g_m.n_dns, 1);
		assert_addr(&g_m.dns[0], "2001:db8::2");
	}
}

static void test_bad_address_list_lengths(void **state)
{
	static const uint8_t zero[] = { REPLY_HDR, SRVID, 0, 23, 0, 0 };
	static const uint8_t odd[] = { REPLY_HDR, SRVID, 0, 23, 0, 17, A1, 0 };
	static const uint8_t sntp[] = { REPLY_HDR, SRVID, 0, 31, 0, 15,
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };

	(void)state;
	expect_err(zero, sizeof(zero), DHCP6_ERR_BAD_OPTION_LENGTH);
	expect_err(odd, sizeof(odd), DHCP6_ERR_BAD_OPTION_LENGTH);
	expect_err(sntp, sizeof(sntp), DHCP6_ERR_BAD_OPTION_LENGTH);
}

static void test_fixed_lengths(void **state)
{
	static const uint8_t status1[] = { REPLY_HDR, SRVID, 0, 13, 0, 1, 0 };
	static const uint8_t refresh3[] = { REPLY_HDR, SRVID, 0, 32, 0, 3, 0, 0, 1 };
	static const uint8_t refresh5[] = { REPLY_HDR, SRVID, 0, 32, 0, 5, 0, 0, 0, 1, 0 };
	static const uint8_t elapsed3[] = { REPLY_HDR, SRVID, 0, 8, 0, 3, 0, 0, 0 };
	static const uint8_t oro3[] = { REPLY_HDR, SRVID, 0, 6, 0, 3, 0, 23, 0 };
	static const uint8_t duid1[] = { REPLY_HDR, SRVID, 0, 1, 0, 1, 3 };

	(void)state;
	expect_err(status1, sizeof(status1), DHCP6_ERR_BAD_OPTION_LENGTH);
	expect_err(refresh3, sizeof(refresh3), DHCP6_ERR_BAD_OPTION_LENGTH);
	expect_err(refresh5, sizeof(refresh5), DHCP6_ERR_BAD_OPTION_LENGTH);
	expect_err(elapsed3, sizeof(elapsed3), DHCP6_ERR_BAD_OPTION_LENGTH);
	expect_err(oro3, sizeof(oro3), DHCP6_ERR_BAD_OPTION_LENGTH);
	expect_err(duid1, sizeof(duid1), DHCP6_ERR_BAD_OPTION_LENGTH);
}

static void test_duid_too_long(void **state)
{
	uint8_t m[4 + 14 + 4 + DHCP6_MAX_DUID + 1] = { REPLY_HDR, SRVID, 0, 1 };
	size_t off = 4 + 14 + 2;

	(void)state;
	m[off] = 0;
	m[off + 1] = DHCP6_MAX_DUID + 1;
	m[off + 3] = 2;   /* DUID-EN, contents irrelevant */
	expect_err(m, sizeof(m), DHCP6_ERR_BAD_OPTION_LENGTH);
	/* Exactly DHCP6_MAX_DUID is fine. */
	m[off + 1] = DHCP6_MAX_DUID;
	expect_ok(m, sizeof(m) - 1);
	assert_int_equal(g_m.client_id_len, DHCP6_MAX_DUID);
	assert_int_equal(g_m.client_id[1], 2);
}

/* ---- Reply rules ---- */

static void test_reply_without_server_id(void **state)
{
	static const uint8_t m[] = { REPLY_HDR, 0, 23, 0, 16, A1 };
	enum dhcp6_error why = DHCP6_ERR__MAX;

	(void)state;
	expect_err(m, sizeof(m), DHCP6_ERR_NO_SERVER_ID);
	assert_int_equal(dhcp6_parse(m, sizeof(m), &g_m, &why), 0);
	assert_int_equal(why, DHCP6_OK);
	assert_int_equal(g_m.n_dns, 1);
	assert_addr(&g_m.dns[0], "2001:db8::1");
}

static void test_wrong_types(void **state)
{
	static const uint8_t adv[] = { HDR(DHCP6_ADVERTISE), SRVID };
	/* Relay-forw: hop-count and two addresses, not a transaction-id. */
	static const uint8_t relay[] = { 12, 0, A1, A2, 0, 9, 0, 0 };
	enum dhcp6_error why = DHCP6_OK;

	(void)state;
	expect_err(adv, sizeof(adv), DHCP6_ERR_BAD_TYPE);
	assert_int_equal(dhcp6_parse(adv, sizeof(adv), &g_m, &why), 0);
	assert_int_equal(g_m.type, DHCP6_ADVERTISE);
	assert_int_equal(dhcp6_parse(relay, sizeof(relay), &g_m, &why), -EBADMSG);
	assert_int_equal(why, DHCP6_ERR_BAD_TYPE);
}

static void test_status_code(void **state)
{
	/* NoAddrsAvail (2) with a message, then a second status ignored. */
	static const uint8_t m[] = { REPLY_HDR, SRVID,
		0, 13, 0, 6, 0, 2, 'n', 'o', 'p', 'e',
		0, 13, 0, 2, 0, 5 };
	static const uint8_t bare[] = { REPLY_HDR, 0, 13, 0, 2, 0, 1, SRVID };

	(void)state;
	expect_ok(m, sizeof(m));
	assert_true(g_m.has_status);
	assert_int_equal(g_m.status, 2);
	assert_int_equal(g_m.ignored, 1);
	expect_ok(bare, sizeof(bare));
	assert_int_equal(g_m.status, 1);
	assert_int_equal(g_m.ignored, 0);
}

/* ---- contents dropped, message kept ---- */

static void test_bad_domain_name(void **state)
{
	/* A compression pointer, a bad character, and a name running past
	 * the option; each drops its whole option, the good one stays. */
	static const uint8_t m[] = { REPLY_HDR, SRVID,
		0, 24, 0, 16, CORP, 0xc0, 0x0c,
		0, 24, 0, 14, 4, 'c', 'o', 'r', 'p', 7, 'e', 'x', ' ', 'm', 'p', 'l', 'e', 0,
		0, 24, 0, 5, 5, 'a', 'b', 'c', 'd',
		0, 24, 0, 14, CORP,
		0, 23, 0, 16, A1 };

	(void)state;
	expect_ok(m, sizeof(m));
	assert_int_equal(g_m.n_domains, 1);
	assert_string_equal(g_m.domains[0], "corp.example");
	assert_int_equal(g_m.ignored, 3);
	assert_int_equal(g_m.n_dns, 1);
}

static void test_domain_root_and_empty(void **state)
{
	static const uint8_t m[] = { REPLY_HDR, SRVID,
		0, 24, 0, 0,
		0, 24, 0, 15, 0, CORP };

	(void)state;
	expect_ok(m, sizeof(m));
	assert_int_equal(g_m.n_domains, 1);
	assert_string_equal(g_m.domains[0], "corp.example");
	assert_int_equal(g_m.ignored, 1);
}

static void test_policy_plen_129(void **state)
{
	/* RFC 7078 section 2: a row with prefix-len > 128 voids the whole
	 * Address Selection option; the Reply stands. */
	static const uint8_t m[] = { REPLY_HDR, SRVID,
		0, 84, 0, 33, DHCP6_ADDRSEL_F_P,
		0, 85, 0, 4, 1, 1, 8, 0x20,
		0, 85, 0, 20, 2, 2, 129, A1, 0 };
	/* A row whose prefix field does not match prefix-len. */
	static const uint8_t len[] = { REPLY_HDR, SRVID,
		0, 84, 0, 9, 0, 0, 85, 0, 4, 1, 1, 16, 0x20 };
	/* A second option 84 is ignored; the first one's flags stay. */
	static const uint8_t two[] = { REPLY_HDR, SRVID,
		0, 84, 0, 1, DHCP6_ADDRSEL_F_A,
		0, 84, 0, 1, DHCP6_ADDRSEL_F_P };

	(void)state;
	expect_ok(m, sizeof(m));
	assert_false(g_m.has_policy);
	assert_false(g_m.policy_privacy);
	assert_int_equal(g_m.n_policy, 0);
	assert_int_equal(g_m.ignored, 1);
	expect_ok(len, sizeof(len));
	assert_false(g_m.has_policy);
	assert_int_equal(g_m.ignored, 1);
	expect_ok(two, sizeof(two));
	assert_true(g_m.has_policy);
	assert_true(g_m.policy_automatic);
	assert_false(g_m.policy_privacy);
	assert_int_equal(g_m.n_policy, 0);
	assert_int_equal(g_m.ignored, 1);
}

static void test_policy_cap(void **state)
{
	uint8_t m[4 + 14 + 5 + (DHCP6_MAX_POLICY + 2) * 7] = { REPLY_HDR, SRVID, 0, 84 };
	size_t off = 4 + 14 + 4, body = 1 + (DHCP6_MAX_POLICY + 2) * 7;

	(void)state;
	m[off - 2] = (uint8_t)(body >> 8);
	m[off - 1] = (uint8_t)body;
	m[off++] = 0;
	for (unsigned i = 0; i < DHCP6_MAX_POLICY + 2; i++, off += 7)
		memcpy(m + off, ((const uint8_t[]){ 0, 85, 0, 3, (uint8_t)i, 1, 0 }), 7);
	expect_ok(m, sizeof(m));
	assert_true(g_m.has_policy);
	assert_int_equal(g_m.n_policy, DHCP6_MAX_POLICY);
	assert_int_equal(g_m.policy[DHCP6_MAX_POLICY - 1].label, DHCP6_MAX_POLICY - 1);
	assert_int_equal(g_m.ignored, 2);
}

static void test_ntp_bad_suboption(void **state)
{
	/* A good option 56, then one whose second suboption is a 15-octet
	 * address: that whole option goes, the first one stays. Then a
	 * unicast address in the multicast suboption, and an empty 56. */
	static const uint8_t m[] = { REPLY_HDR, SRVID,
		0, 56, 0, 20, 0, 1, 0, 16, A1,
		0, 56, 0, 39, 0, 1, 0, 16, A2, 0, 1, 0, 15,
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3,
		0, 56, 0, 20, 0, 2, 0, 16, A2,
		0, 56, 0, 0 };

	(void)state;
	expect_ok(m, sizeof(m));
	assert_int_equal(g_m.n_ntp, 1);
	assert_addr(&g_m.ntp[0], "2001:db8::1");
	assert_int_equal(g_m.ignored, 3);
}

static void test_addr_cap(void **state)
{
	static const uint8_t m[] = { REPLY_HDR, SRVID,
		0, 23, 0, 144, A1, A1, A1, A1, A1, A1, A1, A1, A2,
		0, 31, 0, 16, MC };

	(void)state;
	expect_ok(m, sizeof(m));
	assert_int_equal(g_m.n_dns, DHCP6_MAX_ADDRS);
	assert_addr(&g_m.dns[7], "2001:db8::1");
	assert_int_equal(g_m.ignored, 1);
	assert_int_equal(g_m.n_sntp, 1);
	assert_addr(&g_m.sntp[0], "ff05::101");
}

static void test_dnssel(void **state)
{
	/* prf 11 (low) with the root name; prf 10 (reserved → medium); one
	 * with no names; one with a bad name; one shorter than 17. */
	static const uint8_t m[] = { REPLY_HDR, SRVID,
		0, 74, 0, 18, A1, 0x03, 0,
		0, 74, 0, 31, A2, 0x02, CORP,
		0, 74, 0, 17, A1, 0x01,
		0, 74, 0, 20, A1, 0x01, 1, '!', 0,
		0, 74, 0, 16, A1 };

	(void)state;
	expect_ok(m, sizeof(m));
	assert_int_equal(g_m.n_dnssel, 2);
	assert_addr(&g_m.dnssel[0].server, "2001:db8::1");
	assert_int_equal(g_m.dnssel[0].pref, -1);
	assert_int_equal(g_m.dnssel[0].n_domains, 1);
	assert_string_equal(g_m.dnssel[0].domains[0], ".");
	assert_addr(&g_m.dnssel[1].server, "2001:db8::2");
	assert_int_equal(g_m.dnssel[1].pref, 0);
	assert_string_equal(g_m.dnssel[1].domains[0], "corp.example");
	assert_int_equal(g_m.ignored, 3);
}

static void test_captive_portal(void **state)
{
	/* A space is refused; then a good URI; a second good one ignored. */
	static const uint8_t m[] = { REPLY_HDR, SRVID,
		0, 103, 0, 3, 'a', ' ', 'b',
		0, 103, 0, 0,
		0, 103, 0, 5, 'h', 't', 't', 'p', ':',
		0, 103, 0, 2, 'x', 'y' };

	(void)state;
	expect_ok(m, sizeof(m));
	assert_true(g_m.has_captive_portal);
	assert_string_equal(g_m.captive_portal, "http:");
	assert_int_equal(g_m.ignored, 3);
}

/* RFC 9463 section 5.1: option 144 kept (and ADN-only mode); a malformed
 * one (Addr Length 15) dropped and counted, the Reply kept. */
static void test_dnr(void **state)
{
	static const uint8_t m[] = { REPLY_HDR, SRVID,
		0, 144, 0, 47, 0, 1, 0, 17,
		3, 'd', 'n', 's', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'n', 'e', 't', 0,
		0, 16, 0x20, 1, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x53,
		0, 1, 0, 4, 3, 'd', 'o', 't',
		0, 144, 0, 21, 0, 2, 0, 17,
		3, 'd', 'n', 's', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'o', 'r', 'g', 0,
		0, 144, 0, 39, 0, 1, 0, 17,
		3, 'd', 'n', 's', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'n', 'e', 't', 0,
		0, 15, 0x20, 1, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x53 };

	(void)state;
	expect_ok(m, sizeof(m));
	assert_int_equal(g_m.n_dnr, 2);
	assert_string_equal(g_m.dnr[0].adn, "dns.example.net");
	assert_int_equal(g_m.dnr[0].alpn, DNR_ALPN_DOT);
	assert_addr(&g_m.dnr[0].addrs[0], "2001:db8:1::853");
	assert_string_equal(g_m.dnr[1].adn, "dns.example.org");
	assert_true(g_m.dnr[1].adn_only);
	assert_int_equal(g_m.ignored, 1);
}

static void test_refresh(void **state)
{
	static const uint8_t low[] = { REPLY_HDR, SRVID, 0, 32, 0, 4, 0, 0, 0, 10 };
	static const uint8_t inf[] = { REPLY_HDR, SRVID, 0, 32, 0, 4, 0xff, 0xff, 0xff, 0xff };

	(void)state;
	expect_ok(low, sizeof(low));
	assert_int_equal(g_m.refresh, 10);
	assert_int_equal(dhcp6_refresh_seconds(&g_m), DHCP6_IRT_MINIMUM);
	expect_ok(inf, sizeof(inf));
	assert_int_equal(dhcp6_refresh_seconds(&g_m), DHCP6_INFINITY);
}

/* RFC 8415 21.25: option 83 is four octets, 60 to 86400 seconds; anything
 * else is ignored (the option only, the Reply stands), as is a second copy. */
static void test_inf_max_rt(void **state)
{
	static const uint8_t ok[] = { REPLY_HDR, SRVID, 0, 83, 0, 4, 0, 0, 0x0e, 0x10,
				      0, 83, 0, 4, 0, 0, 0, 60 };
	static const uint8_t low[] = { REPLY_HDR, SRVID, 0, 83, 0, 4, 0, 0, 0, 59 };
	static const uint8_t high[] = { REPLY_HDR, SRVID, 0, 83, 0, 4, 0, 1, 0x51, 0x81 };
	static const uint8_t max[] = { REPLY_HDR, SRVID, 0, 83, 0, 4, 0, 1, 0x51, 0x80 };
	static const uint8_t len3[] = { REPLY_HDR, SRVID, 0, 83, 0, 3, 0, 0, 60, 0, 23, 0, 16, A1 };

	(void)state;
	expect_ok(ok, sizeof(ok));
	assert_true(g_m.has_inf_max_rt);
	assert_int_equal(g_m.inf_max_rt, 3600);
	assert_int_equal(g_m.ignored, 1);
	expect_ok(low, sizeof(low));
	assert_false(g_m.has_inf_max_rt);
	assert_int_equal(g_m.ignored, 1);
	expect_ok(high, sizeof(high));
	assert_false(g_m.has_inf_max_rt);
	expect_ok(max, sizeof(max));
	assert_int_equal(g_m.inf_max_rt, DHCP6_INF_MAX_RT_MAX);
	expect_ok(len3, sizeof(len3));
	assert_false(g_m.has_inf_max_rt);
	assert_int_equal(g_m.n_dns, 1);
}

/* RFC 8415 section 15: IRT +-10 % first, then doubling +-10 %, and past
 * MRT, MRT +-10 %; RAND out of [-0.1, 0.1] is held at its bounds. */
static void test_next_rt(void **state)
{
	(void)state;
	assert_int_equal(dhcp6_next_rt(0, 1000, 3600000, 0), 1000);
	assert_int_equal(dhcp6_next_rt(0, 1000, 3600000, -100), 900);
	assert_int_equal(dhcp6_next_rt(0, 1000, 3600000, 100), 1100);
	assert_int_equal(dhcp6_next_rt(1000, 1000, 3600000, 0), 2000);
	assert_int_equal(dhcp6_next_rt(1000, 1000, 3600000, 50), 2050);
	assert_int_equal(dhcp6_next_rt(1000, 1000, 3600000, 500), 2100);
	assert_int_equal(dhcp6_next_rt(1000, 1000, 3600000, -500), 1900);
	/* An INF_MAX_RT of 120 s caps a timeout that would be 128 s. */
	assert_int_equal(dhcp6_next_rt(64000, 1000, 120000, 0), 120000);
	assert_int_equal(dhcp6_next_rt(64000, 1000, 120000, -100), 108000);
	assert_int_equal(dhcp6_next_rt(64000, 1000, 120000, 100), 132000);
	assert_int_equal(dhcp6_next_rt(64000, 1000, 0, 0), 128000);   /* no cap */
	/* Huge inputs are held, never wrapped. */
	assert_true(dhcp6_next_rt(UINT64_MAX, 1000, 0, 100) > (1ull << 52));
	assert_int_equal(dhcp6_next_rt(UINT64_MAX, 1000, 5000, 0), 5000);
}

/* ---- builder ---- */

static void test_builder_errors(void **state)
{
	static const char *const bad[] = { "ok.example", "a..b" };
	static const char *const good[] = { "x" };
	uint8_t buf[24], duid[8];
	struct dhcp6_builder b;

	(void)state;
	dhcp6_build_init(&b, buf, sizeof(buf), DHCP6_INFORMATION_REQUEST, 1);
	assert_int_equal(dhcp6_build_domains(&b, DHCP6_OPT_DOMAIN_LIST, bad, 2), -EINVAL);
	assert_int_equal(dhcp6_build_finish(&b), 4);
	assert_int_equal(dhcp6_build_domains(&b, DHCP6_OPT_DOMAIN_LIST, good, 1), 0);
	assert_int_equal(dhcp6_build_finish(&b), 11);
	assert_memory_equal(buf + 4, ((const uint8_t[]){ 0, 24, 0, 3, 1, 'x', 0 }), 7);
	dhcp6_build_elapsed(&b, 0xffff);
	assert_int_equal(dhcp6_build_finish(&b), 17);
	dhcp6_build_option(&b, 99, NULL, 16);
	assert_int_equal(dhcp6_build_finish(&b), -EMSGSIZE);

	assert_int_equal(dhcp6_duid_ll(duid, sizeof(duid), k_mac, sizeof(k_mac)), 0);
	assert_int_equal(dhcp6_duid_ll(duid, sizeof(duid), k_mac, 0), 0);
	assert_int_equal(dhcp6_duid_ll(duid, sizeof(duid), k_mac, 4), 8);
	assert_memory_equal(duid, ((const uint8_t[]){ 0, 3, 0, 1, 0x02, 0x00, 0x5e, 0x10 }), 8);
}

static void test_error_names(void **state)
{
	(void)state;
	assert_string_equal(dhcp6_error_name(DHCP6_OK), "ok");
	assert_string_equal(dhcp6_error_name(DHCP6_ERR_TRUNCATED), "truncated");
	assert_string_equal(dhcp6_error_name(DHCP6_ERR_BAD_TYPE), "bad-type");
	assert_string_equal(dhcp6_error_name(DHCP6_ERR_OPTION_OVERRUN), "option-overrun");
	assert_string_equal(dhcp6_error_name(DHCP6_ERR_BAD_OPTION_LENGTH), "bad-option-length");
	assert_string_equal(dhcp6_error_name(DHCP6_ERR_NO_SERVER_ID), "no-server-id");
	assert_string_equal(dhcp6_error_name(DHCP6_ERR__MAX), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reply_roundtrip),
		cmocka_unit_test(test_ntp_capture),
		cmocka_unit_test(test_inf_max_rt),
		cmocka_unit_test(test_next_rt),
		cmocka_unit_test(test_information_request),
		cmocka_unit_test(test_truncated_header),
		cmocka_unit_test(test_header_only),
		cmocka_unit_test(test_option_past_end),
		cmocka_unit_test(test_suboption_past_option),
		cmocka_unit_test(test_bad_address_list_lengths),
		cmocka_unit_test(test_fixed_lengths),
		cmocka_unit_test(test_duid_too_long),
		cmocka_unit_test(test_reply_without_server_id),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_status_code),
		cmocka_unit_test(test_bad_domain_name),
		cmocka_unit_test(test_domain_root_and_empty),
		cmocka_unit_test(test_policy_plen_129),
		cmocka_unit_test(test_policy_cap),
		cmocka_unit_test(test_ntp_bad_suboption),
		cmocka_unit_test(test_addr_cap),
		cmocka_unit_test(test_dnssel),
		cmocka_unit_test(test_captive_portal),
		cmocka_unit_test(test_dnr),
		cmocka_unit_test(test_refresh),
		cmocka_unit_test(test_builder_errors),
		cmocka_unit_test(test_error_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
