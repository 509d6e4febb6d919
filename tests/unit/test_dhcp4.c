/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for proto/dhcp4.c. Malformed inputs are hand-written option
 * bytes behind a fixed part written by raw_msg(), so they do not depend on
 * the builder; the round trips use the builder.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "proto/dhcp4.h"

#define XID 0x01020304u
#define TYPE(t) 53, 1, (t)
#define END 255

static struct dhcp4_msg g_msg;   /* large: keep it off the test stack */
static uint8_t g_buf[16384];

/* Fixed part (op, xid, yiaddr 192.0.2.10), sname and file as given, the
 * cookie and the option bytes. Returns the message length. */
static size_t raw_areas(uint8_t op, const void *sname, size_t sn, const void *file,
			size_t fn, const uint8_t *opts, size_t n)
{
	static const uint8_t yiaddr[] = { 192, 0, 2, 10 };

	memset(g_buf, 0, sizeof(g_buf));
	g_buf[0] = op;
	g_buf[1] = 1;
	g_buf[2] = 6;
	g_buf[4] = 0x01;
	g_buf[5] = 0x02;
	g_buf[6] = 0x03;
	g_buf[7] = 0x04;
	memcpy(g_buf + 16, yiaddr, 4);
	memcpy(g_buf + 44, sname, sn);
	memcpy(g_buf + 108, file, fn);
	g_buf[236] = 0x63;
	g_buf[237] = 0x82;
	g_buf[238] = 0x53;
	g_buf[239] = 0x63;
	memcpy(g_buf + 240, opts, n);
	return 240 + n;
}

static size_t raw_msg(uint8_t op, const uint8_t *opts, size_t n)
{
	return raw_areas(op, "", 0, "", 0, opts, n);
}

static void expect_ok(size_t len)
{
	enum dhcp4_error why = DHCP4_ERR__MAX;

	assert_int_equal(dhcp4_parse_reply(g_buf, len, &g_msg, &why), 0);
	assert_int_equal(why, DHCP4_OK);
}

static void expect_err(size_t len, enum dhcp4_error want)
{
	enum dhcp4_error why = DHCP4_OK;

	assert_int_equal(dhcp4_parse_reply(g_buf, len, &g_msg, &why), -EBADMSG);
	assert_int_equal(why, want);
}

#define OK_OPTS(...) do { \
		static const uint8_t o_[] = { __VA_ARGS__ }; \
		expect_ok(raw_msg(2, o_, sizeof(o_))); \
	} while (0)
#define ERR_OPTS(want, ...) do { \
		static const uint8_t o_[] = { __VA_ARGS__ }; \
		expect_err(raw_msg(2, o_, sizeof(o_)), (want)); \
	} while (0)

static struct in_addr ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static void assert_ip(struct in_addr a, const char *s)
{
	char text[INET_ADDRSTRLEN];

	assert_non_null(inet_ntop(AF_INET, &a, text, sizeof(text)));
	assert_string_equal(text, s);
}

/* Count the instances of code in the options field of a built message and
 * return the Len of the first and last one. */
static size_t count_instances(const uint8_t *m, size_t len, uint8_t code,
			      uint8_t *first, uint8_t *last)
{
	size_t n = 0, i = 240;

	while (i < len && m[i] != END) {
		if (m[i] == 0) {
			i++;
			continue;
		}
		if (m[i] == code) {
			if (n == 0)
				*first = m[i + 1];
			*last = m[i + 1];
			n++;
		}
		i += 2 + m[i + 1];
	}
	return n;
}

/* ---- Round trips through the builder ---- */

static void build_everything(struct dhcp4_builder *b)
{
	static const uint8_t mac[] = { 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30 };
	static const char *const search[] = { "corp.example.com", "example.com" };
	static const char domain[] = "corp.example.com";
	static const char msg[] = "hello, world";
	static const char uri[] = "https://portal.example/api";
	static const uint8_t mtu[] = { 0x05, 0x78 };
	struct in_addr routers[] = { ip("192.0.2.1"), ip("192.0.2.2") };
	struct in_addr dns[] = { ip("192.0.2.53"), ip("198.51.100.53"), ip("203.0.113.53") };
	struct in_addr ntp = ip("192.0.2.123"), id = ip("192.0.2.1"), req = ip("192.0.2.10");
	struct in_addr mask = ip("255.255.255.0");
	struct dhcp4_route routes[] = {
		{ ip("10.0.0.0"), 8, ip("192.0.2.1") },
		{ ip("0.0.0.0"), 0, ip("192.0.2.254") },
		{ ip("192.168.1.128"), 25, ip("192.0.2.3") },
		{ ip("10.1.2.3"), 32, ip("192.0.2.4") },
	};
	static struct dhcp4_dnssel sel = {
		.pref = 1, .n_domains = 3,
		.domains = { "corp.example.com", "10.in-addr.arpa", "." },
	};

	sel.primary = ip("192.0.2.53");
	sel.secondary = ip("0.0.0.0");
	dhcp4_build_init(b, g_buf, sizeof(g_buf), 2, 0xdeadbeef, mac, sizeof(mac));
	dhcp4_build_header(b, 3, 0x8000, ip("0.0.0.0"), ip("192.0.2.10"), ip("192.0.2.1"));
	dhcp4_build_u8(b, DHCP4_OPT_TYPE, DHCP4_ACK);
	dhcp4_build_addrs(b, DHCP4_OPT_SERVER_ID, &id, 1);
	dhcp4_build_addrs(b, DHCP4_OPT_SUBNET, &mask, 1);
	dhcp4_build_addrs(b, DHCP4_OPT_ROUTER, routers, 2);
	dhcp4_build_addrs(b, DHCP4_OPT_DNS, dns, 3);
	dhcp4_build_addrs(b, DHCP4_OPT_NTP, &ntp, 1);
	dhcp4_build_addrs(b, DHCP4_OPT_REQUESTED_ADDR, &req, 1);
	dhcp4_build_option(b, DHCP4_OPT_DOMAIN, domain, strlen(domain));
	dhcp4_build_option(b, DHCP4_OPT_MTU, mtu, sizeof(mtu));
	dhcp4_build_u32(b, DHCP4_OPT_LEASE, 3600);
	dhcp4_build_u32(b, DHCP4_OPT_T1, 1800);
	dhcp4_build_u32(b, DHCP4_OPT_T2, DHCP4_INFINITY);
	dhcp4_build_option(b, DHCP4_OPT_MESSAGE, msg, strlen(msg));
	dhcp4_build_option(b, DHCP4_OPT_CAPTIVE_PORTAL, uri, strlen(uri));
	assert_int_equal(dhcp4_build_search(b, search, 2), 0);
	dhcp4_build_routes(b, routes, 4);
	assert_int_equal(dhcp4_build_dnssel(b, &sel), 0);
}

static void check_everything(const struct dhcp4_msg *m)
{
	static const uint8_t mac[16] = { 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30 };

	assert_int_equal(m->op, 2);
	assert_int_equal(m->xid, 0xdeadbeef);
	assert_int_equal(m->secs, 3);
	assert_int_equal(m->flags, 0x8000);
	assert_ip(m->ciaddr, "0.0.0.0");
	assert_ip(m->yiaddr, "192.0.2.10");
	assert_ip(m->siaddr, "192.0.2.1");
	assert_ip(m->giaddr, "0.0.0.0");
	assert_memory_equal(m->chaddr, mac, 16);
	assert_int_equal(m->type, DHCP4_ACK);
	assert_true(m->has_server_id);
	assert_ip(m->server_id, "192.0.2.1");
	assert_true(m->has_subnet);
	assert_ip(m->subnet, "255.255.255.0");
	assert_int_equal(m->n_routers, 2);
	assert_ip(m->routers[0], "192.0.2.1");
	assert_ip(m->routers[1], "192.0.2.2");
	assert_int_equal(m->n_dns, 3);
	assert_ip(m->dns[0], "192.0.2.53");
	assert_ip(m->dns[1], "198.51.100.53");
	assert_ip(m->dns[2], "203.0.113.53");
	assert_int_equal(m->n_ntp, 1);
	assert_ip(m->ntp[0], "192.0.2.123");
	assert_true(m->has_domain);
	assert_string_equal(m->domain, "corp.example.com");
	assert_true(m->has_mtu);
	assert_int_equal(m->mtu, 1400);
	assert_true(m->has_lease && m->has_t1 && m->has_t2);
	assert_int_equal(m->lease, 3600);
	assert_int_equal(m->t1, 1800);
	assert_int_equal(m->t2, DHCP4_INFINITY);
	assert_string_equal(m->message, "hello, world");
	assert_true(m->has_captive_portal);
	assert_string_equal(m->captive_portal, "https://portal.example/api");
	assert_int_equal(m->n_search, 2);
	assert_string_equal(m->search[0], "corp.example.com");
	assert_string_equal(m->search[1], "example.com");
}

static void check_routes_and_dnssel(const struct dhcp4_msg *m)
{
	assert_true(m->has_routes);
	assert_int_equal(m->n_routes, 4);
	assert_ip(m->routes[0].dst, "10.0.0.0");
	assert_int_equal(m->routes[0].plen, 8);
	assert_ip(m->routes[0].gw, "192.0.2.1");
	assert_ip(m->routes[1].dst, "0.0.0.0");
	assert_int_equal(m->routes[1].plen, 0);
	assert_ip(m->routes[1].gw, "192.0.2.254");
	assert_ip(m->routes[2].dst, "192.168.1.128");
	assert_int_equal(m->routes[2].plen, 25);
	assert_ip(m->routes[2].gw, "192.0.2.3");
	assert_ip(m->routes[3].dst, "10.1.2.3");
	assert_int_equal(m->routes[3].plen, 32);
	assert_ip(m->routes[3].gw, "192.0.2.4");
	assert_int_equal(m->n_dnssel, 1);
	assert_int_equal(m->dnssel[0].pref, 1);
	assert_ip(m->dnssel[0].primary, "192.0.2.53");
	assert_ip(m->dnssel[0].secondary, "0.0.0.0");
	assert_int_equal(m->dnssel[0].n_domains, 3);
	assert_string_equal(m->dnssel[0].domains[0], "corp.example.com");
	assert_string_equal(m->dnssel[0].domains[1], "10.in-addr.arpa");
	assert_string_equal(m->dnssel[0].domains[2], ".");
	assert_int_equal(m->ignored, 0);
}

static void test_round_trip_all(void **state)
{
	struct dhcp4_builder b;
	enum dhcp4_error why = DHCP4_ERR__MAX;
	int len;

	(void)state;
	build_everything(&b);
	len = dhcp4_build_finish(&b);
	assert_true(len > 300);
	assert_int_equal(g_buf[len - 1], END);   /* nothing after End: no pad */
	assert_int_equal(dhcp4_parse_reply(g_buf, (size_t)len, &g_msg, &why), 0);
	assert_int_equal(why, DHCP4_OK);
	check_everything(&g_msg);
	check_routes_and_dnssel(&g_msg);
}

static void test_round_trip_client(void **state)
{
	static const uint8_t mac[] = { 1, 2, 3, 4, 5, 6 };
	struct dhcp4_builder b;
	struct in_addr req = ip("192.0.2.10");
	int len;

	(void)state;
	dhcp4_build_init(&b, g_buf, sizeof(g_buf), 1, 42, mac, sizeof(mac));
	dhcp4_build_u8(&b, DHCP4_OPT_TYPE, DHCP4_REQUEST);
	dhcp4_build_addrs(&b, DHCP4_OPT_REQUESTED_ADDR, &req, 1);
	len = dhcp4_build_finish(&b);
	/* Type (3) + 50 (6) + End: 250, padded to the BOOTP minimum. */
	assert_int_equal(len, 300);
	assert_int_equal(g_buf[249], END);
	assert_int_equal(g_buf[1], 1);   /* htype Ethernet */
	assert_int_equal(g_buf[2], 6);   /* hlen */
	assert_int_equal(dhcp4_parse(g_buf, (size_t)len, &g_msg, NULL), 0);
	assert_int_equal(g_msg.op, 1);
	assert_int_equal(g_msg.xid, 42);
	assert_int_equal(g_msg.type, DHCP4_REQUEST);
	/* A client message is no reply. */
	expect_err((size_t)len, DHCP4_ERR_BAD_OP);
}

static void test_build_long_split(void **state)
{
	static const char *const names[] = {
		"aaaaaaaaaaaaaaaa.example.com", "bbbbbbbbbbbbbbbb.example.com",
		"cccccccccccccccc.example.com", "dddddddddddddddd.example.com",
		"eeeeeeeeeeeeeeee.example.com", "ffffffffffffffff.example.com",
		"gggggggggggggggg.example.com", "hhhhhhhhhhhhhhhh.example.com",
		"iiiiiiiiiiiiiiii.example.com", "jjjjjjjjjjjjjjjj.example.com",
	};
	struct dhcp4_route r[DHCP4_MAX_ROUTES];
	struct dhcp4_builder b;
	uint8_t first = 0, last = 0;
	char want[16];
	int len;

	(void)state;
	for (size_t i = 0; i < DHCP4_MAX_ROUTES; i++) {
		r[i].dst.s_addr = htonl(0x0a000000u | (uint32_t)i);
		r[i].plen = 32;
		r[i].gw = ip("192.0.2.1");
	}
	dhcp4_build_init(&b, g_buf, sizeof(g_buf), 2, XID, NULL, 0);
	dhcp4_build_u8(&b, DHCP4_OPT_TYPE, DHCP4_OFFER);
	dhcp4_build_routes(&b, r, DHCP4_MAX_ROUTES);
	assert_int_equal(dhcp4_build_search(&b, names, 10), 0);
	len = dhcp4_build_finish(&b);
	assert_true(len > 0);
	/* 32 x 9 = 288 octets: 255 + 33. 10 x 30 = 300: 255 + 45. */
	assert_int_equal(count_instances(g_buf, (size_t)len, 121, &first, &last), 2);
	assert_int_equal(first, 255);
	assert_int_equal(last, 33);
	assert_int_equal(count_instances(g_buf, (size_t)len, 119, &first, &last), 2);
	assert_int_equal(first, 255);
	assert_int_equal(last, 45);
	expect_ok((size_t)len);
	assert_int_equal(g_msg.n_routes, DHCP4_MAX_ROUTES);
	for (size_t i = 0; i < DHCP4_MAX_ROUTES; i++) {
		snprintf(want, sizeof(want), "10.0.0.%zu", i);
		assert_ip(g_msg.routes[i].dst, want);
		assert_int_equal(g_msg.routes[i].plen, 32);
	}
	assert_int_equal(g_msg.n_search, 10);
	for (size_t i = 0; i < 10; i++)
		assert_string_equal(g_msg.search[i], names[i]);
	assert_int_equal(g_msg.ignored, 0);
}

static void test_build_errors(void **state)
{
	static const char *const bad[] = { "ok.example", "a..b" };
	static const char *const root[] = { "." };
	static struct dhcp4_dnssel sel = { .n_domains = DHCP4_MAX_DNSSEL_DOMAINS + 1 };
	struct dhcp4_route r = { .plen = 33 };
	struct dhcp4_builder b;
	uint8_t small[299];
	size_t before;

	(void)state;
	/* Too small for the 300-octet minimum. */
	dhcp4_build_init(&b, small, sizeof(small), 1, XID, NULL, 0);
	dhcp4_build_u8(&b, DHCP4_OPT_TYPE, DHCP4_DISCOVER);
	assert_int_equal(dhcp4_build_finish(&b), -EMSGSIZE);
	/* Too small even for the fixed part. */
	dhcp4_build_init(&b, small, 100, 1, XID, NULL, 0);
	assert_int_equal(dhcp4_build_finish(&b), -EMSGSIZE);
	/* Bad names write nothing and report -EINVAL. */
	dhcp4_build_init(&b, g_buf, sizeof(g_buf), 1, XID, NULL, 0);
	before = b.w.len;
	assert_int_equal(dhcp4_build_search(&b, bad, 2), -EINVAL);
	assert_int_equal(dhcp4_build_search(&b, root, 1), -EINVAL);
	assert_int_equal(dhcp4_build_dnssel(&b, &sel), -EINVAL);
	assert_int_equal(b.w.len, before);
	dhcp4_build_u8(&b, DHCP4_OPT_TYPE, DHCP4_DISCOVER);
	assert_int_equal(dhcp4_build_finish(&b), 300);
	/* Pad and End are not options; a width over 32 cannot be encoded. */
	dhcp4_build_init(&b, g_buf, sizeof(g_buf), 1, XID, NULL, 0);
	dhcp4_build_option(&b, DHCP4_OPT_END, "x", 1);
	assert_int_equal(dhcp4_build_finish(&b), -EMSGSIZE);
	dhcp4_build_init(&b, g_buf, sizeof(g_buf), 1, XID, NULL, 0);
	dhcp4_build_routes(&b, &r, 1);
	assert_int_equal(dhcp4_build_finish(&b), -EMSGSIZE);
}

static void test_build_empty_option(void **state)
{
	struct dhcp4_builder b;
	int len;

	(void)state;
	dhcp4_build_init(&b, g_buf, sizeof(g_buf), 2, XID, NULL, 0);
	dhcp4_build_u8(&b, DHCP4_OPT_TYPE, DHCP4_OFFER);
	dhcp4_build_option(&b, 80, NULL, 0);   /* rapid commit: empty */
	len = dhcp4_build_finish(&b);
	assert_int_equal(g_buf[243], 80);
	assert_int_equal(g_buf[244], 0);
	assert_int_equal(g_buf[245], END);
	expect_ok((size_t)len);
	assert_int_equal(g_msg.ignored, 0);   /* unknown options are not counted */
}

/* ---- Framing errors ---- */

static void test_truncated(void **state)
{
	static const uint8_t opts[] = { TYPE(DHCP4_OFFER), END };
	enum dhcp4_error why = DHCP4_OK;
	size_t len = raw_msg(2, opts, sizeof(opts));

	(void)state;
	expect_err(DHCP4_MIN_LEN - 1, DHCP4_ERR_TRUNCATED);
	expect_err(DHCP4_FIXED_LEN, DHCP4_ERR_TRUNCATED);
	expect_err(0, DHCP4_ERR_TRUNCATED);
	assert_int_equal(dhcp4_parse_reply(NULL, 300, &g_msg, &why), -EBADMSG);
	assert_int_equal(why, DHCP4_ERR_TRUNCATED);
	/* The cookie and nothing else: no type. */
	expect_err(DHCP4_MIN_LEN, DHCP4_ERR_NO_TYPE);
	expect_ok(len);
	assert_int_equal(dhcp4_parse(g_buf, len, NULL, &why), -EINVAL);
}

static void test_bad_magic(void **state)
{
	static const uint8_t opts[] = { TYPE(DHCP4_OFFER), END };
	size_t len = raw_msg(2, opts, sizeof(opts));

	(void)state;
	g_buf[239] = 0x64;
	expect_err(len, DHCP4_ERR_BAD_MAGIC);
}

static void test_option_overrun(void **state)
{
	(void)state;
	/* Router option claims 8 octets, 4 are left. */
	ERR_OPTS(DHCP4_ERR_OPTION_OVERRUN, TYPE(DHCP4_OFFER), 3, 8, 192, 0, 2, 1);
	/* A code with no Len octet. */
	ERR_OPTS(DHCP4_ERR_OPTION_OVERRUN, TYPE(DHCP4_OFFER), 3);
	/* An unknown option overrunning counts too. */
	ERR_OPTS(DHCP4_ERR_OPTION_OVERRUN, TYPE(DHCP4_OFFER), 200, 1);
	/* After End nothing is read: junk there is fine. */
	OK_OPTS(TYPE(DHCP4_OFFER), END, 3, 200);
	/* No End at all is accepted. */
	OK_OPTS(TYPE(DHCP4_OFFER), 0, 0);
}

static void test_zero_and_bad_length(void **state)
{
	(void)state;
	ERR_OPTS(DHCP4_ERR_BAD_OPTION_LENGTH, TYPE(DHCP4_OFFER), 51, 0, END);
	ERR_OPTS(DHCP4_ERR_BAD_OPTION_LENGTH, 53, 0, END);
	ERR_OPTS(DHCP4_ERR_BAD_OPTION_LENGTH, TYPE(DHCP4_OFFER), 54, 3, 192, 0, 2, END);
	ERR_OPTS(DHCP4_ERR_BAD_OPTION_LENGTH, TYPE(DHCP4_OFFER), 26, 4, 0, 0, 5, 220, END);
	ERR_OPTS(DHCP4_ERR_BAD_OPTION_LENGTH, 53, 2, DHCP4_OFFER, 0, END);
	/* Two type options concatenate to Len 2 (RFC 3396). */
	ERR_OPTS(DHCP4_ERR_BAD_OPTION_LENGTH, TYPE(DHCP4_OFFER), TYPE(DHCP4_ACK), END);
	/* An empty variable-length option drops only that option. */
	OK_OPTS(TYPE(DHCP4_OFFER), 15, 0, 119, 0, 121, 0, END);
	assert_int_equal(g_msg.ignored, 3);
	assert_false(g_msg.has_domain);
	assert_false(g_msg.has_routes);
}

static void test_addr_list_length(void **state)
{
	(void)state;
	ERR_OPTS(DHCP4_ERR_BAD_OPTION_LENGTH, TYPE(DHCP4_OFFER), 3, 6, 192, 0, 2, 1, 192, 0, END);
	ERR_OPTS(DHCP4_ERR_BAD_OPTION_LENGTH, TYPE(DHCP4_OFFER), 6, 0, END);
	ERR_OPTS(DHCP4_ERR_BAD_OPTION_LENGTH, TYPE(DHCP4_OFFER), 42, 3, 1, 2, 3, END);
	/* Split as 2 + 2 octets it concatenates to one address. */
	OK_OPTS(TYPE(DHCP4_OFFER), 6, 2, 192, 0, 6, 2, 2, 53, END);
	assert_int_equal(g_msg.n_dns, 1);
	assert_ip(g_msg.dns[0], "192.0.2.53");
}

/* ---- Option overload (RFC 2131 4.1, RFC 2132 9.3) ---- */

static void test_overload_file_and_sname(void **state)
{
	static const uint8_t opts[] = {
		TYPE(DHCP4_ACK), 52, 1, 3, 6, 4, 192, 0, 2, 1, END,
	};
	static const uint8_t file[] = {
		6, 4, 192, 0, 2, 2, 3, 4, 192, 0, 2, 254, 0, 0, END,
	};
	static const uint8_t sname[] = { 6, 4, 192, 0, 2, 3, END };

	(void)state;
	expect_ok(raw_areas(2, sname, sizeof(sname), file, sizeof(file), opts, sizeof(opts)));
	assert_int_equal(g_msg.type, DHCP4_ACK);
	/* Concatenated in the order options, file, sname. */
	assert_int_equal(g_msg.n_dns, 3);
	assert_ip(g_msg.dns[0], "192.0.2.1");
	assert_ip(g_msg.dns[1], "192.0.2.2");
	assert_ip(g_msg.dns[2], "192.0.2.3");
	assert_int_equal(g_msg.n_routers, 1);
	assert_ip(g_msg.routers[0], "192.0.2.254");
}

static void test_overload_one_field(void **state)
{
	static const uint8_t opts[] = { TYPE(DHCP4_ACK), 52, 1, 1, END };
	static const uint8_t opts2[] = { TYPE(DHCP4_ACK), 52, 1, 2, END };
	static const uint8_t opts0[] = { TYPE(DHCP4_ACK), END };
	static const uint8_t file[] = { 3, 4, 192, 0, 2, 254, END };
	/* A real server name: garbage as options, never read as such. */
	static const char sname[] = "dhcp.example.com";

	(void)state;
	expect_ok(raw_areas(2, sname, sizeof(sname), file, sizeof(file), opts, sizeof(opts)));
	assert_int_equal(g_msg.n_routers, 1);
	/* Without overload, options-looking bytes in file are not options. */
	expect_ok(raw_areas(2, sname, sizeof(sname), file, sizeof(file), opts0, sizeof(opts0)));
	assert_int_equal(g_msg.n_routers, 0);
	/* Overload 2 reads sname: "dhcp.exa..." is code 100 with Len 104. */
	expect_err(raw_areas(2, sname, sizeof(sname), file, sizeof(file), opts2, sizeof(opts2)),
		   DHCP4_ERR_OPTION_OVERRUN);
}

static void test_overload_bad(void **state)
{
	static const uint8_t in_file[] = { 52, 1, 2, END };
	static const uint8_t opts[] = { TYPE(DHCP4_ACK), 52, 1, 1, END };
	static const uint8_t file_overrun[] = { 3, 200 };

	(void)state;
	ERR_OPTS(DHCP4_ERR_BAD_OVERLOAD, TYPE(DHCP4_ACK), 52, 1, 1, 52, 1, 2, END);
	ERR_OPTS(DHCP4_ERR_BAD_OVERLOAD, TYPE(DHCP4_ACK), 52, 1, 0, END);
	ERR_OPTS(DHCP4_ERR_BAD_OVERLOAD, TYPE(DHCP4_ACK), 52, 1, 4, END);
	ERR_OPTS(DHCP4_ERR_BAD_OVERLOAD, TYPE(DHCP4_ACK), 52, 2, 1, 2, END);
	ERR_OPTS(DHCP4_ERR_BAD_OVERLOAD, TYPE(DHCP4_ACK), 52, 0, END);
	expect_err(raw_areas(2, "", 0, in_file, sizeof(in_file), opts, sizeof(opts)),
		   DHCP4_ERR_BAD_OVERLOAD);
	expect_err(raw_areas(2, "", 0, file_overrun, sizeof(file_overrun), opts, sizeof(opts)),
		   DHCP4_ERR_OPTION_OVERRUN);
}

/* ---- Concatenation (RFC 3396) and names (RFC 3397) ---- */

static void test_concatenation(void **state)
{
	(void)state;
	OK_OPTS(TYPE(DHCP4_OFFER),
		/* 121: 10.0.0.0/8 via 192.0.2.1 cut inside its router... */
		121, 4, 8, 10, 192, 0,
		/* ...119 cut inside "corp", an unrelated option between... */
		119, 3, 4, 'c', 'o',
		1, 4, 255, 255, 255, 0,
		/* ...then the rest of both: 192.168.1.0/24 via 192.0.2.2, and
		 * "dev" + a pointer to "example.com" in the first instance. */
		121, 10, 2, 1, 24, 192, 168, 1, 192, 0, 2, 2,
		119, 20, 'r', 'p', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
		3, 'd', 'e', 'v', 0xc0,
		119, 1, 0x05,
		END);
	assert_true(g_msg.has_routes);
	assert_int_equal(g_msg.n_routes, 2);
	assert_ip(g_msg.routes[0].dst, "10.0.0.0");
	assert_int_equal(g_msg.routes[0].plen, 8);
	assert_ip(g_msg.routes[0].gw, "192.0.2.1");
	assert_ip(g_msg.routes[1].dst, "192.168.1.0");
	assert_int_equal(g_msg.routes[1].plen, 24);
	assert_ip(g_msg.routes[1].gw, "192.0.2.2");
	assert_int_equal(g_msg.n_search, 2);
	assert_string_equal(g_msg.search[0], "corp.example.com");
	assert_string_equal(g_msg.search[1], "dev.example.com");
	assert_ip(g_msg.subnet, "255.255.255.0");
	assert_int_equal(g_msg.ignored, 0);
}

/* RFC 3397 section 3's example, byte for byte: three instances of 9. */
static void test_search_rfc3397_example(void **state)
{
	(void)state;
	OK_OPTS(TYPE(DHCP4_ACK),
		119, 9, 3, 'e', 'n', 'g', 5, 'a', 'p', 'p', 'l',
		119, 9, 'e', 3, 'c', 'o', 'm', 0, 9, 'm', 'a',
		119, 9, 'r', 'k', 'e', 't', 'i', 'n', 'g', 0xc0, 0x04,
		END);
	assert_int_equal(g_msg.n_search, 2);
	assert_string_equal(g_msg.search[0], "eng.apple.com");
	assert_string_equal(g_msg.search[1], "marketing.apple.com");
}

static void test_search_bad(void **state)
{
	(void)state;
	/* A good name, then a forward pointer: the whole option goes. */
	OK_OPTS(TYPE(DHCP4_ACK), 3, 4, 192, 0, 2, 1,
		119, 9, 1, 'a', 0, 1, 'b', 0xc0, 0x08, 1, 'c',
		END);
	assert_int_equal(g_msg.n_search, 0);
	assert_int_equal(g_msg.ignored, 1);
	assert_int_equal(g_msg.n_routers, 1);   /* the message stands */
	/* A compression loop: "a" then a pointer back to "a". */
	OK_OPTS(TYPE(DHCP4_ACK), 119, 4, 1, 'a', 0xc0, 0x00, END);
	assert_int_equal(g_msg.n_search, 0);
	assert_int_equal(g_msg.ignored, 1);
	/* A pointer to itself. */
	OK_OPTS(TYPE(DHCP4_ACK), 119, 2, 0xc0, 0x00, END);
	assert_int_equal(g_msg.ignored, 1);
	/* A name running off the option, a bad character. */
	OK_OPTS(TYPE(DHCP4_ACK), 119, 3, 4, 'c', 'o', END);
	assert_int_equal(g_msg.ignored, 1);
	OK_OPTS(TYPE(DHCP4_ACK), 119, 4, 2, 'a', ' ', 0, END);
	assert_int_equal(g_msg.ignored, 1);
	/* The root name is skipped, the rest kept. */
	OK_OPTS(TYPE(DHCP4_ACK), 119, 7, 0, 4, 'c', 'o', 'r', 'p', 0, END);
	assert_int_equal(g_msg.n_search, 1);
	assert_string_equal(g_msg.search[0], "corp");
	assert_int_equal(g_msg.ignored, 1);
}

/* ---- Routes (RFC 3442) ---- */

static void test_routes_bad(void **state)
{
	(void)state;
	/* Width 33. */
	OK_OPTS(TYPE(DHCP4_ACK), 3, 4, 192, 0, 2, 1,
		121, 14, 8, 10, 192, 0, 2, 1, 33, 10, 0, 0, 0, 0, 192, 0,
		END);
	assert_false(g_msg.has_routes);
	assert_int_equal(g_msg.n_routes, 0);
	assert_int_equal(g_msg.ignored, 1);
	assert_int_equal(g_msg.n_routers, 1);
	/* The last route is one router octet short. */
	OK_OPTS(TYPE(DHCP4_ACK), 121, 13, 8, 10, 192, 0, 2, 1, 24, 192, 168, 1, 192, 0, 2, END);
	assert_false(g_msg.has_routes);
	assert_int_equal(g_msg.n_routes, 0);
	assert_int_equal(g_msg.ignored, 1);
	/* Shorter than one route. */
	OK_OPTS(TYPE(DHCP4_ACK), 121, 4, 0, 192, 0, 2, END);
	assert_false(g_msg.has_routes);
	assert_int_equal(g_msg.ignored, 1);
}

static void test_routes_masked(void **state)
{
	(void)state;
	/* 192.168.255.0/23 is 192.168.254.0/23; 10.1.2.3/0 is the default. */
	OK_OPTS(TYPE(DHCP4_ACK), 121, 13, 23, 192, 168, 255, 192, 0, 2, 1,
		0, 192, 0, 2, 2, END);
	assert_int_equal(g_msg.n_routes, 2);
	assert_ip(g_msg.routes[0].dst, "192.168.254.0");
	assert_int_equal(g_msg.routes[0].plen, 23);
	assert_ip(g_msg.routes[1].dst, "0.0.0.0");
	assert_int_equal(g_msg.routes[1].plen, 0);
	assert_ip(g_msg.routes[1].gw, "192.0.2.2");
}

/* ---- Types and text ---- */

static void test_nak_message(void **state)
{
	(void)state;
	OK_OPTS(TYPE(DHCP4_NAK), 54, 4, 192, 0, 2, 1,
		56, 14, 'l', 'e', 'a', 's', 'e', ' ', 'e', 'x', 'p', 'i', 'r', 'e', 'd', 0,
		END);
	assert_int_equal(g_msg.type, DHCP4_NAK);
	assert_string_equal(g_msg.message, "lease expired");
	assert_ip(g_msg.server_id, "192.0.2.1");
	assert_int_equal(g_msg.ignored, 0);
	/* A control character drops the message text. */
	OK_OPTS(TYPE(DHCP4_NAK), 56, 3, 'n', '\n', 'o', END);
	assert_string_equal(g_msg.message, "");
	assert_int_equal(g_msg.ignored, 1);
}

static void test_type_errors(void **state)
{
	static const uint8_t discover[] = { TYPE(DHCP4_DISCOVER), END };
	enum dhcp4_error why;

	(void)state;
	ERR_OPTS(DHCP4_ERR_NO_TYPE, 3, 4, 192, 0, 2, 1, END);
	ERR_OPTS(DHCP4_ERR_NO_TYPE, TYPE(0), END);
	ERR_OPTS(DHCP4_ERR_NO_TYPE, TYPE(9), END);
	/* A server does not send a REQUEST or a DISCOVER. */
	ERR_OPTS(DHCP4_ERR_NO_TYPE, TYPE(DHCP4_REQUEST), END);
	/* op 1 is no reply; dhcp4_parse() takes it. */
	expect_err(raw_msg(1, discover, sizeof(discover)), DHCP4_ERR_BAD_OP);
	assert_int_equal(dhcp4_parse(g_buf, 240 + sizeof(discover), &g_msg, &why), 0);
	assert_int_equal(g_msg.type, DHCP4_DISCOVER);
	assert_int_equal(g_msg.op, 1);
	assert_int_equal(g_msg.xid, XID);
	assert_ip(g_msg.yiaddr, "192.0.2.10");
}

static void test_values_dropped(void **state)
{
	(void)state;
	OK_OPTS(TYPE(DHCP4_ACK), 26, 2, 0, 67, END);
	assert_false(g_msg.has_mtu);
	assert_int_equal(g_msg.ignored, 1);
	OK_OPTS(TYPE(DHCP4_ACK), 26, 2, 0, 68, END);
	assert_true(g_msg.has_mtu);
	assert_int_equal(g_msg.mtu, 68);
	/* Domain: a trailing NUL and a trailing dot are fine. */
	OK_OPTS(TYPE(DHCP4_ACK), 15, 13, 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'c', 'o', 'm', '.', 0, END);
	assert_true(g_msg.has_domain);
	assert_string_equal(g_msg.domain, "example.com");
	OK_OPTS(TYPE(DHCP4_ACK), 15, 5, 'a', ' ', 'b', '.', 'c', END);
	assert_false(g_msg.has_domain);
	assert_string_equal(g_msg.domain, "");
	assert_int_equal(g_msg.ignored, 1);
	OK_OPTS(TYPE(DHCP4_ACK), 15, 4, 'a', '.', '.', 'b', END);
	assert_false(g_msg.has_domain);
	OK_OPTS(TYPE(DHCP4_ACK), 15, 1, '.', END);
	assert_false(g_msg.has_domain);
	OK_OPTS(TYPE(DHCP4_ACK), 15, 3, 'a', 0, 'b', END);
	assert_false(g_msg.has_domain);
	/* Captive portal: no spaces. */
	OK_OPTS(TYPE(DHCP4_ACK), 114, 5, 'h', 't', ' ', 'p', 's', END);
	assert_false(g_msg.has_captive_portal);
	assert_int_equal(g_msg.ignored, 1);
}

static void test_uri_too_long(void **state)
{
	uint8_t opts[3 + 2 * 257 + 1];
	size_t n = 0;

	(void)state;
	/* 256 octets of URI in two instances: one over the limit. */
	opts[n++] = 53;
	opts[n++] = 1;
	opts[n++] = DHCP4_ACK;
	opts[n++] = 114;
	opts[n++] = 200;
	memset(opts + n, 'a', 200);
	n += 200;
	opts[n++] = 114;
	opts[n++] = 56;
	memset(opts + n, 'b', 56);
	n += 56;
	opts[n++] = END;
	expect_ok(raw_msg(2, opts, n));
	assert_false(g_msg.has_captive_portal);
	assert_int_equal(g_msg.ignored, 1);
	/* 255 fits. */
	opts[3 + 2 + 200 + 1] = 55;
	opts[3 + 2 + 200 + 2 + 55] = END;
	expect_ok(raw_msg(2, opts, 3 + 2 + 200 + 2 + 55 + 1));
	assert_true(g_msg.has_captive_portal);
	assert_int_equal(strlen(g_msg.captive_portal), 255);
}

static void test_oversized(void **state)
{
	static uint8_t opts[3 + 2 * 17 * 254 + 1];
	size_t n = 0;

	(void)state;
	/* 17 x 252 octets of DNS servers and 17 x 250 of domain name: both
	 * well framed but past the 4 KiB a code may take. Dropped, counted. */
	opts[n++] = 53;
	opts[n++] = 1;
	opts[n++] = DHCP4_ACK;
	for (int i = 0; i < 17; i++) {
		opts[n++] = 6;
		opts[n++] = 252;
		memset(opts + n, 1, 252);
		n += 252;
		opts[n++] = 15;
		opts[n++] = 250;
		memset(opts + n, 'a', 250);
		n += 250;
	}
	opts[n++] = END;
	assert_true(240 + n <= sizeof(g_buf));
	expect_ok(raw_msg(2, opts, n));
	assert_int_equal(g_msg.n_dns, 0);
	assert_false(g_msg.has_domain);
	assert_int_equal(g_msg.ignored, 2);
}

/* Option 43: the metered hint anywhere in the octets (Android's
 * hasMeteredHint(), NetworkManager), bare or in an encapsulated
 * sub-option, split over two instances (RFC 3396); other vendor data and
 * a near miss are not a hint, and never spoil the message. */
static void test_vendor_metered(void **state)
{
	(void)state;
	OK_OPTS(TYPE(DHCP4_ACK), 43, 15, 'A', 'N', 'D', 'R', 'O', 'I', 'D', '_', 'M', 'E', 'T',
		'E', 'R', 'E', 'D', END);
	assert_true(g_msg.metered_hint);
	assert_int_equal(g_msg.ignored, 0);
	/* Sub-option 1, length 15 (the encapsulated form, RFC 2132 8.4). */
	OK_OPTS(TYPE(DHCP4_ACK), 43, 19, 1, 15, 'A', 'N', 'D', 'R', 'O', 'I', 'D', '_', 'M', 'E',
		'T', 'E', 'R', 'E', 'D', 2, 0, END);
	assert_true(g_msg.metered_hint);
	/* Split across two instances: concatenated first. */
	OK_OPTS(TYPE(DHCP4_ACK), 43, 8, 'A', 'N', 'D', 'R', 'O', 'I', 'D', '_',
		43, 7, 'M', 'E', 'T', 'E', 'R', 'E', 'D', END);
	assert_true(g_msg.metered_hint);
	/* Other vendor data, a near miss, case matters (Android: contains()). */
	OK_OPTS(TYPE(DHCP4_ACK), 43, 4, 1, 2, 0xde, 0xad, END);
	assert_false(g_msg.metered_hint);
	OK_OPTS(TYPE(DHCP4_ACK), 43, 14, 'A', 'N', 'D', 'R', 'O', 'I', 'D', '_', 'M', 'E', 'T',
		'E', 'R', 'E', END);
	assert_false(g_msg.metered_hint);
	OK_OPTS(TYPE(DHCP4_ACK), 43, 15, 'a', 'n', 'd', 'r', 'o', 'i', 'd', '_', 'm', 'e', 't',
		'e', 'r', 'e', 'd', END);
	assert_false(g_msg.metered_hint);
	/* Absent: no hint; an empty option is dropped (counted). */
	OK_OPTS(TYPE(DHCP4_ACK), END);
	assert_false(g_msg.metered_hint);
	OK_OPTS(TYPE(DHCP4_ACK), 43, 0, END);
	assert_false(g_msg.metered_hint);
	assert_int_equal(g_msg.ignored, 1);
}

static void test_caps(void **state)
{
	uint8_t opts[512];
	size_t n = 0;

	(void)state;
	opts[n++] = 53;
	opts[n++] = 1;
	opts[n++] = DHCP4_ACK;
	opts[n++] = 3;
	opts[n++] = 40;
	for (uint8_t i = 0; i < 10; i++) {
		opts[n++] = 192;
		opts[n++] = 0;
		opts[n++] = 2;
		opts[n++] = (uint8_t)(i + 1);
	}
	/* 20 one-letter names. */
	opts[n++] = 119;
	opts[n++] = 60;
	for (uint8_t i = 0; i < 20; i++) {
		opts[n++] = 1;
		opts[n++] = (uint8_t)('a' + i);
		opts[n++] = 0;
	}
	opts[n++] = END;
	expect_ok(raw_msg(2, opts, n));
	assert_int_equal(g_msg.n_routers, DHCP4_MAX_ADDRS);
	assert_ip(g_msg.routers[7], "192.0.2.8");
	assert_int_equal(g_msg.n_search, DHCP4_MAX_SEARCH);
	assert_string_equal(g_msg.search[15], "p");
	assert_int_equal(g_msg.ignored, 2 + 4);
}

/* ---- Option 162 (RFC 9463 section 5.2) ---- */

#define ADN4 17, 3, 'd', 'n', 's', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'n', 'e', 't', 0
static void test_dnr(void **state)
{
	(void)state;
	/* Two instances, split over two option 162s (RFC 3396): one with an
	 * address and alpn dot, one ADN-only. */
	OK_OPTS(TYPE(DHCP4_ACK), 162, 22, 0, 33, 0, 1, ADN4,
		162, 35, 4, 192, 0, 2, 53, 0, 1, 0, 4, 3, 'd', 'o', 't',
		0, 20, 0, 2, ADN4, END);
	assert_int_equal(g_msg.n_dnr, 2);
	assert_string_equal(g_msg.dnr[0].adn, "dns.example.net");
	assert_int_equal(g_msg.dnr[0].n_addrs, 1);
	assert_int_equal(g_msg.dnr[0].alpn, DNR_ALPN_DOT);
	assert_true(g_msg.dnr[1].adn_only);
	assert_int_equal(g_msg.dnr[1].priority, 2);
	/* An address length of 3: the option dropped, the ACK kept. */
	OK_OPTS(TYPE(DHCP4_ACK), 162, 29, 0, 27, 0, 1, ADN4, 3, 192, 0, 2, 53, 1, 2, END);
	assert_int_equal(g_msg.n_dnr, 0);
	assert_int_equal(g_msg.ignored, 1);
}

/* ---- Option 146 (RFC 6731 section 4.3) ---- */

static void test_dnssel(void **state)
{
	(void)state;
	/* prf 11 low, reserved bits ignored; the root name is ".". */
	OK_OPTS(TYPE(DHCP4_ACK), 146, 16, 0xff, 192, 0, 2, 53, 192, 0, 2, 54,
		4, 'c', 'o', 'r', 'p', 0, 0, END);
	assert_int_equal(g_msg.n_dnssel, 1);
	assert_int_equal(g_msg.dnssel[0].pref, -1);
	assert_ip(g_msg.dnssel[0].primary, "192.0.2.53");
	assert_ip(g_msg.dnssel[0].secondary, "192.0.2.54");
	assert_int_equal(g_msg.dnssel[0].n_domains, 2);
	assert_string_equal(g_msg.dnssel[0].domains[0], "corp");
	assert_string_equal(g_msg.dnssel[0].domains[1], ".");
	/* prf 10 is reserved and reads as medium; 01 is high. */
	OK_OPTS(TYPE(DHCP4_ACK), 146, 10, 0x02, 192, 0, 2, 53, 0, 0, 0, 0, 0, END);
	assert_int_equal(g_msg.dnssel[0].pref, 0);
	OK_OPTS(TYPE(DHCP4_ACK), 146, 10, 0x01, 192, 0, 2, 53, 0, 0, 0, 0, 0, END);
	assert_int_equal(g_msg.dnssel[0].pref, 1);
}

static void test_dnssel_bad(void **state)
{
	uint8_t opts[64];
	size_t n = 0;

	(void)state;
	/* No domain at all. */
	OK_OPTS(TYPE(DHCP4_ACK), 146, 9, 0x01, 192, 0, 2, 53, 0, 0, 0, 0, END);
	assert_int_equal(g_msg.n_dnssel, 0);
	assert_int_equal(g_msg.ignored, 1);
	/* Compression is not allowed here (RFC 3315 section 8 encoding). */
	OK_OPTS(TYPE(DHCP4_ACK), 146, 14, 0x01, 192, 0, 2, 53, 0, 0, 0, 0,
		1, 'a', 0, 0xc0, 9, END);
	assert_int_equal(g_msg.n_dnssel, 0);
	assert_int_equal(g_msg.ignored, 1);
	/* Nine domains: eight kept. */
	opts[n++] = 53;
	opts[n++] = 1;
	opts[n++] = DHCP4_ACK;
	opts[n++] = 146;
	opts[n++] = 9 + 9 * 3;
	opts[n++] = 0;
	memset(opts + n, 0, 8);
	n += 8;
	for (uint8_t i = 0; i < 9; i++) {
		opts[n++] = 1;
		opts[n++] = (uint8_t)('a' + i);
		opts[n++] = 0;
	}
	opts[n++] = END;
	expect_ok(raw_msg(2, opts, n));
	assert_int_equal(g_msg.n_dnssel, 1);
	assert_int_equal(g_msg.dnssel[0].n_domains, DHCP4_MAX_DNSSEL_DOMAINS);
	assert_string_equal(g_msg.dnssel[0].domains[7], "h");
	assert_int_equal(g_msg.ignored, 1);
}

static void test_error_names(void **state)
{
	(void)state;
	assert_string_equal(dhcp4_error_name(DHCP4_OK), "ok");
	assert_string_equal(dhcp4_error_name(DHCP4_ERR_BAD_OVERLOAD), "bad-overload");
	assert_string_equal(dhcp4_error_name(DHCP4_ERR_NO_TYPE), "no-type");
	assert_string_equal(dhcp4_error_name(DHCP4_ERR__MAX), "unknown");
	for (int e = 0; e < DHCP4_ERR__MAX; e++)
		assert_non_null(dhcp4_error_name((enum dhcp4_error)e));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_all),
		cmocka_unit_test(test_round_trip_client),
		cmocka_unit_test(test_build_long_split),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_build_empty_option),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_option_overrun),
		cmocka_unit_test(test_zero_and_bad_length),
		cmocka_unit_test(test_addr_list_length),
		cmocka_unit_test(test_overload_file_and_sname),
		cmocka_unit_test(test_overload_one_field),
		cmocka_unit_test(test_overload_bad),
		cmocka_unit_test(test_concatenation),
		cmocka_unit_test(test_search_rfc3397_example),
		cmocka_unit_test(test_search_bad),
		cmocka_unit_test(test_routes_bad),
		cmocka_unit_test(test_routes_masked),
		cmocka_unit_test(test_nak_message),
		cmocka_unit_test(test_type_errors),
		cmocka_unit_test(test_values_dropped),
		cmocka_unit_test(test_uri_too_long),
		cmocka_unit_test(test_oversized),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_vendor_metered),
		cmocka_unit_test(test_dnssel),
		cmocka_unit_test(test_dnr),
		cmocka_unit_test(test_dnssel_bad),
		cmocka_unit_test(test_error_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
