/* SPDX-License-Identifier: MIT */
/* Unit tests for proto/dns.c: DNS messages (RFC 1035 section 4), negative
 * caching TTLs (RFC 2308), EDNS(0) (RFC 6891) and answer matching (RFC
 * 5452 section 9.1). Messages are written out byte by byte as a resolver
 * would send them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "proto/dname.h"
#include "proto/dns.h"

#define WWW_EXAMPLE_COM 3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', \
	3, 'c', 'o', 'm', 0
#define HDR(id, f1, f2, qd, an, ns, ar) \
	(uint8_t)((id) >> 8), (uint8_t)(id), f1, f2, 0, qd, 0, an, 0, ns, 0, ar

/* www.example.com A: 93.184.216.34, TTL 3600, the answer name a pointer
 * to the question (offset 12). */
static const uint8_t msg_a[] = {
	HDR(0x1234, 0x81, 0x80, 1, 1, 0, 0),
	WWW_EXAMPLE_COM, 0, 1, 0, 1,
	0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 93, 184, 216, 34,
};

/* www.example.com AAAA 2606:2800:220:1:248:1893:25c8:1946, TTL 300. */
static const uint8_t msg_aaaa[] = {
	HDR(0xbeef, 0x81, 0x80, 1, 1, 0, 0),
	WWW_EXAMPLE_COM, 0, 28, 0, 1,
	0xc0, 0x0c, 0, 28, 0, 1, 0, 0, 0x01, 0x2c, 0, 16,
	0x26, 0x06, 0x28, 0x00, 0x02, 0x20, 0x00, 0x01,
	0x02, 0x48, 0x18, 0x93, 0x25, 0xc8, 0x19, 0x46,
};

/* www.example.com CNAME cdn.example.com (TTL 600; the target compressed
 * into the question's "example.com" at 16), then cdn.example.com A
 * 192.0.2.1 (TTL 60; its owner a pointer into the CNAME RDATA at 45). */
static const uint8_t msg_cname[] = {
	HDR(0x0102, 0x81, 0x80, 1, 2, 0, 0),
	WWW_EXAMPLE_COM, 0, 1, 0, 1,
	0xc0, 0x0c, 0, 5, 0, 1, 0, 0, 0x02, 0x58, 0, 6, 3, 'c', 'd', 'n', 0xc0, 0x10,
	0xc0, 0x2d, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1,
};

/* SOA RDATA: ns.example.com hostmaster.example.com 2023100101 7200 3600
 * 1209600 300, names compressed to offset `at` (example.com). */
#define SOA_RDATA(at) \
	2, 'n', 's', 0xc0, at, \
	10, 'h', 'o', 's', 't', 'm', 'a', 's', 't', 'e', 'r', 0xc0, at, \
	0x78, 0x8f, 0x9c, 0x65, 0, 0, 0x1c, 0x20, 0, 0, 0x0e, 0x10, \
	0, 0x12, 0x75, 0, 0, 0, 0x01, 0x2c

/* nx.example.com A: NXDOMAIN, SOA example.com TTL 3600 MINIMUM 300. */
static const uint8_t msg_nx[] = {
	HDR(0x5555, 0x81, 0x83, 1, 0, 1, 0),
	2, 'n', 'x', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1,
	0xc0, 0x0f, 0, 6, 0, 1, 0, 0, 0x0e, 0x10, 0, 38, SOA_RDATA(0x0f),
};
#define NX_SOA_TTL_AT 38
#define NX_SOA_MIN_AT 78

/* www.example.com AAAA: NOERROR, no answer, SOA TTL 3600 MINIMUM 300. */
static const uint8_t msg_nodata[] = {
	HDR(0x6666, 0x81, 0x80, 1, 0, 1, 0),
	WWW_EXAMPLE_COM, 0, 28, 0, 1,
	0xc0, 0x10, 0, 6, 0, 1, 0, 0, 0x0e, 0x10, 0, 38, SOA_RDATA(0x10),
};

/* www.example.com AAAA: a CNAME (TTL 600) to cdn.example.com, which has
 * no AAAA: NODATA after a CNAME (RFC 2308 section 2.2), SOA as above. */
static const uint8_t msg_cname_nodata[] = {
	HDR(0x6767, 0x81, 0x80, 1, 1, 1, 0),
	WWW_EXAMPLE_COM, 0, 28, 0, 1,
	0xc0, 0x0c, 0, 5, 0, 1, 0, 0, 0x02, 0x58, 0, 6, 3, 'c', 'd', 'n', 0xc0, 0x10,
	0xc0, 0x10, 0, 6, 0, 1, 0, 0, 0x0e, 0x10, 0, 38, SOA_RDATA(0x10),
};
#define CN_CNAME_TTL_AT 39

/* A truncated UDP answer: TC=1 and nothing but the question. */
static const uint8_t msg_tc[] = {
	HDR(0x7777, 0x83, 0x80, 1, 0, 0, 0),
	WWW_EXAMPLE_COM, 0, 1, 0, 1,
};

/* msg_a plus an OPT RR: payload 1232, extended RCODE 0, version 0, DO. */
static const uint8_t msg_opt[] = {
	HDR(0x1234, 0x81, 0x80, 1, 1, 0, 1),
	WWW_EXAMPLE_COM, 0, 1, 0, 1,
	0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 93, 184, 216, 34,
	0, 0, 41, 0x04, 0xd0, 0, 0, 0x80, 0, 0, 0,
};
#define OPT_AT 49

/* The query a client sends, with 0x20 case randomisation. */
static const uint8_t query_0x20[] = {
	HDR(0xabcd, 0x01, 0x00, 1, 0, 0, 0),
	3, 'w', 'W', 'w', 7, 'E', 'x', 'A', 'm', 'p', 'L', 'e', 3, 'c', 'O', 'm', 0,
	0, 1, 0, 1,
};

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* A query with one question whose name is `labels` labels of `len`
 * octets `c` each. Returns the message length. */
static size_t make_query(uint8_t *m, size_t labels, size_t len, uint8_t c)
{
	static const uint8_t h[] = { HDR(0x4242, 0x01, 0x00, 1, 0, 0, 0) };
	size_t n = sizeof(h);

	memcpy(m, h, n);
	for (size_t i = 0; i < labels; i++) {
		m[n++] = (uint8_t)len;
		memset(m + n, c, len);
		n += len;
	}
	m[n++] = 0;
	m[n++] = 0;
	m[n++] = DNS_TYPE_A;
	m[n++] = 0;
	m[n++] = DNS_CLASS_IN;
	return n;
}

static void test_header(void **state)
{
	struct dns_header h;

	(void)state;
	assert_int_equal(dns_parse_header(msg_nx, sizeof(msg_nx), &h), 0);
	assert_int_equal(h.id, 0x5555);
	assert_int_equal(h.flags, 0x8183);
	assert_true(h.qr);
	assert_int_equal(h.opcode, 0);
	assert_false(h.aa);
	assert_false(h.tc);
	assert_true(h.rd);
	assert_true(h.ra);
	assert_false(h.ad);
	assert_false(h.cd);
	assert_int_equal(h.rcode, DNS_RCODE_NXDOMAIN);
	assert_int_equal(h.qdcount, 1);
	assert_int_equal(h.ancount, 0);
	assert_int_equal(h.nscount, 1);
	assert_int_equal(h.arcount, 0);
}

static void test_header_all_flags(void **state)
{
	/* QR, opcode 5 (UPDATE), AA TC RD RA, Z, AD CD, rcode 15. */
	static const uint8_t m[] = { HDR(1, 0xaf, 0xff, 0, 0, 0, 0) };
	struct dns_header h;

	(void)state;
	assert_int_equal(dns_parse_header(m, sizeof(m), &h), 0);
	assert_true(h.qr && h.aa && h.tc && h.rd && h.ra && h.ad && h.cd);
	assert_int_equal(h.opcode, 5);
	assert_int_equal(h.rcode, 15);
}

static void test_header_truncated(void **state)
{
	struct dns_header h = { .id = 7 };
	struct dns_question q;
	uint32_t ttl = 9;
	size_t off;

	(void)state;
	assert_int_equal(dns_parse_header(msg_a, DNS_HEADER_LEN - 1, &h), -EBADMSG);
	assert_int_equal(h.id, 7);   /* untouched on failure */
	assert_int_equal(dns_parse_header(msg_a, 0, &h), -EBADMSG);
	assert_int_equal(dns_parse_question(msg_a, 11, &q, NULL), -EBADMSG);
	assert_int_equal(dns_first_rr(msg_a, 11, &off), -EBADMSG);
	assert_int_equal(dns_min_ttl(msg_a, 11, &ttl), -EBADMSG);
	assert_int_equal(ttl, 9);
	assert_int_equal(dns_find_opt(msg_a, 11, NULL, NULL, NULL), -EBADMSG);
	assert_int_equal(dns_answer_matches(msg_a, 11, 0x1234, &q), 0);
}

static void test_question(void **state)
{
	struct dns_question q;
	size_t end = 0;
	static const uint8_t wire[] = { WWW_EXAMPLE_COM };

	(void)state;
	assert_int_equal(dns_parse_question(msg_aaaa, sizeof(msg_aaaa), &q, &end), 0);
	assert_string_equal(q.name, "www.example.com");
	assert_int_equal(q.wire_len, 17);
	assert_memory_equal(q.wire, wire, sizeof(wire));
	assert_int_equal(q.qtype, DNS_TYPE_AAAA);
	assert_int_equal(q.qclass, DNS_CLASS_IN);
	assert_int_equal(end, 33);
}

static void test_question_0x20_lowercased(void **state)
{
	struct dns_question q;
	static const uint8_t wire[] = { WWW_EXAMPLE_COM };

	(void)state;
	assert_int_equal(dns_parse_question(query_0x20, sizeof(query_0x20), &q, NULL), 0);
	/* Text keeps the case as sent; the key is lowercase. */
	assert_string_equal(q.name, "wWw.ExAmpLe.cOm");
	assert_int_equal(q.wire_len, sizeof(wire));
	assert_memory_equal(q.wire, wire, sizeof(wire));
}

static void test_question_root(void **state)
{
	static const uint8_t m[] = { HDR(1, 0, 0, 1, 0, 0, 0), 0, 0, 2, 0, 1 };
	struct dns_question q;
	size_t end;

	(void)state;
	assert_int_equal(dns_parse_question(m, sizeof(m), &q, &end), 0);
	assert_string_equal(q.name, ".");
	assert_int_equal(q.wire_len, 1);
	assert_int_equal(q.wire[0], 0);
	assert_int_equal(q.qtype, DNS_TYPE_NS);
	assert_int_equal(end, sizeof(m));
}

static void test_question_odd_octets(void **state)
{
	/* Labels "a.b", "x y" and "\xff": legal on the wire (RFC 2181 11). */
	static const uint8_t m[] = {
		HDR(1, 0, 0, 1, 0, 0, 0),
		3, 'a', '.', 'b', 3, 'X', ' ', 'y', 2, 0xff, '\\', 0, 0, 16, 0, 1,
	};
	static const uint8_t wire[] = { 3, 'a', '.', 'b', 3, 'x', ' ', 'y', 2, 0xff, '\\', 0 };
	struct dns_question q;

	(void)state;
	assert_int_equal(dns_parse_question(m, sizeof(m), &q, NULL), 0);
	assert_string_equal(q.name, "a\\.b.X\\032y.\\255\\\\");
	assert_int_equal(q.wire_len, sizeof(wire));
	assert_memory_equal(q.wire, wire, sizeof(wire));
	assert_int_equal(q.qtype, DNS_TYPE_TXT);
}

/* Issue 19: the wire form's 255 octets are the limit, not the text's. */
static void test_question_text_escaped(void **state)
{
	uint8_t m[512], w[DNAME_MAX_WIRE];
	struct dns_question q;
	size_t n = make_query(m, 3, 63, 0x01);
	char text[DNS_NAME_TEXT_MAX];

	(void)state;
	/* 193 wire octets, 3 * 63 * 4 + 2 = 758 characters escaped. */
	assert_int_equal(dns_parse_question(m, n, &q, NULL), 0);
	assert_int_equal(strlen(q.name), 758);
	assert_memory_equal(q.name, "\\001\\001", 8);
	/* 255 octets, labels of 63, 63, 63 and 61 binary octets: 4 * 250
	 * characters and 3 dots; one octet short of room is -ENAMETOOLONG. */
	n = 0;
	for (int l = 0; l < 4; l++) {
		size_t ll = l < 3 ? 63 : 61;

		w[n++] = (uint8_t)ll;
		memset(w + n, 0xff, ll);
		n += ll;
	}
	w[n++] = 0;
	assert_int_equal(n, DNAME_MAX_WIRE);
	assert_int_equal(dns_name_text(w, n, text, sizeof(text)), 0);
	assert_int_equal(strlen(text), 4 * 250 + 3);
	assert_int_equal(dns_name_text(w, n, text, 1003), -ENAMETOOLONG);
}

static void test_question_counts(void **state)
{
	uint8_t m[sizeof(msg_a)];
	struct dns_question q;
	size_t off = 0;

	(void)state;
	memcpy(m, msg_a, sizeof(m));
	m[5] = 0;
	assert_int_equal(dns_parse_question(m, sizeof(m), &q, NULL), -EBADMSG);
	assert_int_equal(dns_first_rr(m, sizeof(m), &off), 0);
	assert_int_equal(off, DNS_HEADER_LEN);
	m[5] = 2;
	assert_int_equal(dns_parse_question(m, sizeof(m), &q, NULL), -EBADMSG);
	assert_int_equal(dns_first_rr(m, sizeof(m), &off), -EBADMSG);
	m[4] = 1;
	m[5] = 1;   /* qdcount 257 */
	assert_int_equal(dns_parse_question(m, sizeof(m), &q, NULL), -EBADMSG);
}

static void test_question_truncated(void **state)
{
	struct dns_question q;

	(void)state;
	/* Name complete, QCLASS cut short; name cut inside a label. */
	assert_int_equal(dns_parse_question(msg_a, 32, &q, NULL), -EBADMSG);
	assert_int_equal(dns_parse_question(msg_a, 20, &q, NULL), -EBADMSG);
	assert_int_equal(dns_parse_question(msg_a, 33, &q, NULL), 0);
}

static void test_name_max_255(void **state)
{
	uint8_t m[512];
	struct dns_question q;
	size_t n;

	(void)state;
	/* 63 + 63 + 63 + 61 with their length octets and the root: 255. */
	n = make_query(m, 4, 63, 'a');
	m[DNS_HEADER_LEN + 3 * 64] = 61;
	memmove(m + DNS_HEADER_LEN + 3 * 64 + 62, m + DNS_HEADER_LEN + 3 * 64 + 64, 5);
	n -= 2;
	assert_int_equal(dns_parse_question(m, n, &q, NULL), 0);
	assert_int_equal(q.wire_len, 255);
	assert_int_equal(strlen(q.name), 253);
	/* One more octet: 256. */
	n = make_query(m, 4, 63, 'a');
	m[DNS_HEADER_LEN + 3 * 64] = 62;
	memmove(m + DNS_HEADER_LEN + 3 * 64 + 63, m + DNS_HEADER_LEN + 3 * 64 + 64, 5);
	n -= 1;
	assert_int_equal(dns_parse_question(m, n, &q, NULL), -EBADMSG);
	/* Five labels of 63: 321. */
	n = make_query(m, 5, 63, 'a');
	assert_int_equal(dns_parse_question(m, n, &q, NULL), -EBADMSG);
}

static void test_name_over_255_by_compression(void **state)
{
	/* The 255 limit applies to the expanded name: a label in front of
	 * a pointer to a 193-octet name. */
	uint8_t m[600];
	size_t n = make_query(m, 3, 63, 'a');   /* 193-octet name at 12 */
	size_t off;
	struct dns_rr rr;

	(void)state;
	m[7] = 1;
	/* Owner: 63 'b's then a pointer to the question name: 64 + 193. */
	off = n;
	m[n++] = 63;
	memset(m + n, 'b', 63);
	n += 63;
	m[n++] = 0xc0;
	m[n++] = 0x0c;
	memcpy(m + n, (const uint8_t[]){ 0, 1, 0, 1, 0, 0, 0, 1, 0, 0 }, 10);
	n += 10;
	assert_int_equal(dns_next_rr(m, n, &off, &rr), -EBADMSG);
	/* A 61-octet label instead: 62 + 193 = 255 is the limit. */
	n = make_query(m, 3, 63, 'a');
	off = n;
	m[n++] = 61;
	memset(m + n, 'b', 61);
	n += 61;
	m[n++] = 0xc0;
	m[n++] = 0x0c;
	memcpy(m + n, (const uint8_t[]){ 0, 1, 0, 1, 0, 0, 0, 1, 0, 0 }, 10);
	n += 10;
	assert_int_equal(dns_next_rr(m, n, &off, &rr), 0);
	assert_int_equal(rr.owner_len, 255);
	assert_int_equal(off, n);
}

static void test_label_over_63(void **state)
{
	uint8_t m[512];
	struct dns_question q;
	size_t n = make_query(m, 1, 64, 'a');   /* length octet 0x40: type 01 */

	(void)state;
	assert_int_equal(dns_parse_question(m, n, &q, NULL), -EBADMSG);
	n = make_query(m, 1, 0x80, 'a');        /* type 10 */
	assert_int_equal(dns_parse_question(m, n, &q, NULL), -EBADMSG);
	n = make_query(m, 1, 63, 'a');
	assert_int_equal(dns_parse_question(m, n, &q, NULL), 0);
}

static void test_pointer_to_itself(void **state)
{
	static const uint8_t m[] = { HDR(1, 0, 0, 1, 0, 0, 0), 0xc0, 0x0c, 0, 1, 0, 1 };
	struct dns_question q;

	(void)state;
	assert_int_equal(dns_parse_question(m, sizeof(m), &q, NULL), -EBADMSG);
}

static void test_pointer_forward(void **state)
{
	/* The question points forward to a well-formed name at 14. */
	static const uint8_t m[] = {
		HDR(1, 0, 0, 1, 0, 0, 0), 0xc0, 0x0e, 1, 'a', 0, 0, 1, 0, 1,
	};
	struct dns_question q;

	(void)state;
	assert_int_equal(dns_parse_question(m, sizeof(m), &q, NULL), -EBADMSG);
}

static void test_compression_loop(void **state)
{
	/* "a" then a pointer back to the "a": each pass is backwards, so
	 * only the jump cap (and the 255 limit) end it. */
	static const uint8_t m[] = {
		HDR(1, 0, 0, 1, 0, 0, 0), 1, 'a', 0xc0, 0x0c, 0, 1, 0, 1,
	};
	struct dns_question q;

	(void)state;
	assert_int_equal(dns_parse_question(m, sizeof(m), &q, NULL), -EBADMSG);
}

static void test_jump_cap(void **state)
{
	/* The root at 0, then a pointer at 2k to 2(k-1) for k = 1..17: a
	 * chain of backward pointers, each one legal on its own. */
	uint8_t m[36] = { 0 };
	uint8_t w[DNAME_MAX_WIRE];
	size_t off, wl;

	(void)state;
	for (size_t k = 1; k <= 17; k++) {
		m[2 * k] = 0xc0;
		m[2 * k + 1] = (uint8_t)(2 * (k - 1));
	}
	off = 2 * DNAME_MAX_JUMPS;        /* 16 jumps: the cap */
	assert_int_equal(dname_from_msg_raw(m, sizeof(m), &off, w, &wl), 0);
	assert_int_equal(wl, 1);
	assert_int_equal(off, 2 * DNAME_MAX_JUMPS + 2);
	off = 2 * (DNAME_MAX_JUMPS + 1);  /* 17: one too many */
	assert_int_equal(dname_from_msg_raw(m, sizeof(m), &off, w, &wl), -EBADMSG);
	assert_int_equal(off, 2 * (DNAME_MAX_JUMPS + 1));
}

static void test_pointer_past_end(void **state)
{
	static const uint8_t m[] = { HDR(1, 0, 0, 1, 0, 0, 0), 1, 'a', 0xc0 };
	struct dns_question q;

	(void)state;
	assert_int_equal(dns_parse_question(m, sizeof(m), &q, NULL), -EBADMSG);
}

static void test_rr_walk_a(void **state)
{
	static const uint8_t owner[] = { WWW_EXAMPLE_COM };
	struct dns_rr rr;
	size_t off;

	(void)state;
	assert_int_equal(dns_first_rr(msg_a, sizeof(msg_a), &off), 0);
	assert_int_equal(off, 33);
	assert_int_equal(dns_next_rr(msg_a, sizeof(msg_a), &off, &rr), 0);
	assert_int_equal(rr.owner_len, sizeof(owner));
	assert_memory_equal(rr.owner_wire, owner, sizeof(owner));
	assert_int_equal(rr.type, DNS_TYPE_A);
	assert_int_equal(rr.class, DNS_CLASS_IN);
	assert_int_equal(rr.ttl, 3600);
	assert_int_equal(rr.rdata_off, 45);
	assert_int_equal(rr.rdlength, 4);
	assert_memory_equal(msg_a + rr.rdata_off, ((const uint8_t[]){ 93, 184, 216, 34 }), 4);
	assert_int_equal(off, sizeof(msg_a));
	/* Nothing left: a further read fails and leaves off alone. */
	assert_int_equal(dns_next_rr(msg_a, sizeof(msg_a), &off, &rr), -EBADMSG);
	assert_int_equal(off, sizeof(msg_a));
}

static void test_rr_walk_aaaa(void **state)
{
	static const uint8_t addr[] = {
		0x26, 0x06, 0x28, 0x00, 0x02, 0x20, 0x00, 0x01,
		0x02, 0x48, 0x18, 0x93, 0x25, 0xc8, 0x19, 0x46,
	};
	struct dns_rr rr;
	size_t off;

	(void)state;
	assert_int_equal(dns_first_rr(msg_aaaa, sizeof(msg_aaaa), &off), 0);
	assert_int_equal(dns_next_rr(msg_aaaa, sizeof(msg_aaaa), &off, &rr), 0);
	assert_int_equal(rr.type, DNS_TYPE_AAAA);
	assert_int_equal(rr.ttl, 300);
	assert_int_equal(rr.rdlength, 16);
	assert_memory_equal(msg_aaaa + rr.rdata_off, addr, 16);
	assert_int_equal(off, sizeof(msg_aaaa));
}

static void test_rr_walk_cname_chain(void **state)
{
	static const uint8_t cdn[] = {
		3, 'c', 'd', 'n', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
	};
	uint8_t target[DNAME_MAX_WIRE];
	size_t off, p, tlen;
	struct dns_rr rr;

	(void)state;
	assert_int_equal(dns_first_rr(msg_cname, sizeof(msg_cname), &off), 0);
	assert_int_equal(dns_next_rr(msg_cname, sizeof(msg_cname), &off, &rr), 0);
	assert_int_equal(rr.type, DNS_TYPE_CNAME);
	assert_int_equal(rr.ttl, 600);
	assert_int_equal(rr.rdata_off, 45);
	assert_int_equal(rr.rdlength, 6);
	/* The compressed target expands to cdn.example.com. */
	p = rr.rdata_off;
	assert_int_equal(dname_from_msg_raw(msg_cname, rr.rdata_off + rr.rdlength, &p,
					    target, &tlen), 0);
	assert_int_equal(tlen, sizeof(cdn));
	assert_memory_equal(target, cdn, sizeof(cdn));
	assert_int_equal(p, rr.rdata_off + rr.rdlength);
	/* The next owner is that same name, via a pointer into RDATA. */
	assert_int_equal(dns_next_rr(msg_cname, sizeof(msg_cname), &off, &rr), 0);
	assert_int_equal(rr.type, DNS_TYPE_A);
	assert_int_equal(rr.ttl, 60);
	assert_int_equal(rr.owner_len, sizeof(cdn));
	assert_memory_equal(rr.owner_wire, cdn, sizeof(cdn));
	assert_int_equal(off, sizeof(msg_cname));
}

static void test_rr_owner_lowercased(void **state)
{
	uint8_t m[sizeof(msg_a) + 15];
	struct dns_rr rr;
	size_t off = 33;
	static const uint8_t owner[] = { WWW_EXAMPLE_COM };

	(void)state;
	/* The answer owner written out in upper case instead of a pointer. */
	memcpy(m, msg_a, 33);
	memcpy(m + 33, (const uint8_t[]){ 3, 'W', 'W', 'W', 7, 'E', 'X', 'A', 'M', 'P', 'L', 'E',
					  3, 'C', 'O', 'M', 0 }, 17);
	memcpy(m + 50, msg_a + 35, sizeof(msg_a) - 35);
	assert_int_equal(dns_next_rr(m, sizeof(m), &off, &rr), 0);
	assert_memory_equal(rr.owner_wire, owner, sizeof(owner));
	assert_int_equal(off, sizeof(m));
}

static void test_rr_truncated(void **state)
{
	uint8_t m[sizeof(msg_a)];
	struct dns_rr rr = { .type = 99 };
	size_t off = 33;
	uint32_t ttl = 5;

	(void)state;
	/* RDLENGTH 5 with only 4 octets left. */
	memcpy(m, msg_a, sizeof(m));
	m[44] = 5;
	assert_int_equal(dns_next_rr(m, sizeof(m), &off, &rr), -EBADMSG);
	assert_int_equal(off, 33);
	assert_int_equal(rr.type, 99);
	assert_int_equal(dns_min_ttl(m, sizeof(m), &ttl), -EBADMSG);
	assert_int_equal(ttl, 5);
	/* RDLENGTH 0xffff. */
	m[43] = 0xff;
	m[44] = 0xff;
	assert_int_equal(dns_next_rr(m, sizeof(m), &off, &rr), -EBADMSG);
	/* Cut inside the fixed fields. */
	for (size_t cut = 33; cut < sizeof(msg_a); cut++) {
		off = 33;
		assert_int_equal(dns_next_rr(msg_a, cut, &off, &rr), -EBADMSG);
	}
}

static void test_counts_beyond_message(void **state)
{
	uint8_t m[sizeof(msg_a)];
	uint32_t ttl = 5;

	(void)state;
	memcpy(m, msg_a, sizeof(m));
	m[7] = 5;        /* ancount 5, one RR present */
	assert_int_equal(dns_min_ttl(m, sizeof(m), &ttl), -EBADMSG);
	assert_int_equal(dns_find_opt(m, sizeof(m), NULL, NULL, NULL), -EBADMSG);
	m[7] = 1;
	m[9] = 3;        /* nscount 3, none present */
	assert_int_equal(dns_min_ttl(m, sizeof(m), &ttl), -EBADMSG);
	m[9] = 0;
	m[11] = 2;       /* arcount 2, none present */
	assert_int_equal(dns_find_opt(m, sizeof(m), NULL, NULL, NULL), -EBADMSG);
	m[11] = 0;
	m[6] = 0xff;     /* ancount 65281: over the cap, refused unwalked */
	assert_int_equal(dns_min_ttl(m, sizeof(m), &ttl), -E2BIG);
	assert_int_equal(dns_find_opt(m, sizeof(m), NULL, NULL, NULL), -E2BIG);
	assert_int_equal(ttl, 5);
}

static void test_min_ttl_positive(void **state)
{
	uint32_t ttl = 0;

	(void)state;
	assert_int_equal(dns_min_ttl(msg_a, sizeof(msg_a), &ttl), 0);
	assert_int_equal(ttl, 3600);
	assert_int_equal(dns_min_ttl(msg_aaaa, sizeof(msg_aaaa), &ttl), 0);
	assert_int_equal(ttl, 300);
	assert_int_equal(dns_min_ttl(msg_cname, sizeof(msg_cname), &ttl), 0);
	assert_int_equal(ttl, 60);
	/* The OPT RR's "TTL" holds flags and is not a TTL. */
	assert_int_equal(dns_min_ttl(msg_opt, sizeof(msg_opt), &ttl), 0);
	assert_int_equal(ttl, 3600);
}

static void test_min_ttl_top_bit(void **state)
{
	uint8_t m[sizeof(msg_a)];
	uint32_t ttl = 1;

	(void)state;
	/* RFC 2181 section 8: 0x80000000 and above read as 0. */
	memcpy(m, msg_a, sizeof(m));
	put32(m + 39, 0x80000e10);
	assert_int_equal(dns_min_ttl(m, sizeof(m), &ttl), 0);
	assert_int_equal(ttl, 0);
	put32(m + 39, 0x7fffffff);
	assert_int_equal(dns_min_ttl(m, sizeof(m), &ttl), 0);
	assert_int_equal(ttl, 0x7fffffff);
}

static void test_min_ttl_nxdomain(void **state)
{
	uint8_t m[sizeof(msg_nx)];
	uint32_t ttl = 0;

	(void)state;
	/* SOA MINIMUM 300 below the SOA TTL 3600. */
	assert_int_equal(dns_min_ttl(msg_nx, sizeof(msg_nx), &ttl), 0);
	assert_int_equal(ttl, 300);
	/* The other way round: SOA TTL 900, MINIMUM 86400. */
	memcpy(m, msg_nx, sizeof(m));
	put32(m + NX_SOA_TTL_AT, 900);
	put32(m + NX_SOA_MIN_AT, 86400);
	assert_int_equal(dns_min_ttl(m, sizeof(m), &ttl), 0);
	assert_int_equal(ttl, 900);
	/* Equal. */
	put32(m + NX_SOA_MIN_AT, 900);
	assert_int_equal(dns_min_ttl(m, sizeof(m), &ttl), 0);
	assert_int_equal(ttl, 900);
}

static void test_min_ttl_nodata(void **state)
{
	uint8_t m[sizeof(msg_cname_nodata)];
	uint32_t ttl = 0;

	(void)state;
	assert_int_equal(dns_min_ttl(msg_nodata, sizeof(msg_nodata), &ttl), 0);
	assert_int_equal(ttl, 300);
	/* CNAME then NODATA: the SOA MINIMUM still applies... */
	assert_int_equal(dns_min_ttl(msg_cname_nodata, sizeof(msg_cname_nodata), &ttl), 0);
	assert_int_equal(ttl, 300);
	/* ...and so does a CNAME TTL below it. */
	memcpy(m, msg_cname_nodata, sizeof(m));
	put32(m + CN_CNAME_TTL_AT, 100);
	assert_int_equal(dns_min_ttl(m, sizeof(m), &ttl), 0);
	assert_int_equal(ttl, 100);
}

static void test_min_ttl_negative_without_soa(void **state)
{
	uint8_t m[32];
	uint32_t ttl = 7;

	(void)state;
	/* RFC 2308 section 5: SHOULD NOT be cached. */
	memcpy(m, msg_nx, 32);
	m[9] = 0;
	assert_int_equal(dns_min_ttl(m, sizeof(m), &ttl), 0);
	assert_int_equal(ttl, 0);
	ttl = 7;
	assert_int_equal(dns_min_ttl(msg_tc, sizeof(msg_tc), &ttl), 0);
	assert_int_equal(ttl, 0);
}

static void test_min_ttl_bad_soa(void **state)
{
	uint8_t m[sizeof(msg_nx) + 1];
	uint32_t ttl = 7;

	(void)state;
	/* RDLENGTH one past the fixed part: the SOA must fill it exactly. */
	memcpy(m, msg_nx, sizeof(msg_nx));
	m[sizeof(msg_nx)] = 0;
	m[43] = 39;
	assert_int_equal(dns_min_ttl(m, sizeof(m), &ttl), -EBADMSG);
	/* RDLENGTH too short for the fixed part. */
	m[43] = 37;
	assert_int_equal(dns_min_ttl(m, sizeof(msg_nx), &ttl), -EBADMSG);
	assert_int_equal(ttl, 7);
}

static void test_truncated_tc(void **state)
{
	struct dns_header h;
	struct dns_question q;

	(void)state;
	assert_int_equal(dns_parse_header(msg_tc, sizeof(msg_tc), &h), 0);
	assert_true(h.tc);
	assert_int_equal(h.ancount, 0);
	assert_int_equal(dns_parse_question(msg_a, sizeof(msg_a), &q, NULL), 0);
	assert_int_equal(dns_answer_matches(msg_tc, sizeof(msg_tc), 0x7777, &q), 1);
	assert_int_equal(dns_find_opt(msg_tc, sizeof(msg_tc), NULL, NULL, NULL), -ENOENT);
}

static void test_find_opt(void **state)
{
	uint8_t m[sizeof(msg_opt)];
	uint16_t size = 0;
	uint8_t ext = 9;
	bool dob = false;

	(void)state;
	assert_int_equal(dns_find_opt(msg_opt, sizeof(msg_opt), &size, &ext, &dob), 0);
	assert_int_equal(size, 1232);
	assert_int_equal(ext, 0);
	assert_true(dob);
	/* Payload 256 reads as 512 (section 6.2.5); ext RCODE 1 (BADVERS
	 * with rcode 0); DO clear. */
	memcpy(m, msg_opt, sizeof(m));
	m[OPT_AT + 3] = 1;
	m[OPT_AT + 4] = 0;
	m[OPT_AT + 5] = 1;
	m[OPT_AT + 7] = 0;
	assert_int_equal(dns_find_opt(m, sizeof(m), &size, &ext, &dob), 0);
	assert_int_equal(size, 512);
	assert_int_equal(ext, 1);
	assert_false(dob);
	assert_int_equal(dns_find_opt(m, sizeof(m), NULL, NULL, NULL), 0);
	assert_int_equal(dns_find_opt(msg_a, sizeof(msg_a), &size, &ext, &dob), -ENOENT);
	assert_int_equal(size, 512);
}

static void test_find_opt_bad(void **state)
{
	uint8_t m[sizeof(msg_opt) + 11];
	uint16_t size = 1;

	(void)state;
	/* Two OPT RRs (section 6.1.1). */
	memcpy(m, msg_opt, sizeof(msg_opt));
	memcpy(m + sizeof(msg_opt), msg_opt + OPT_AT, 11);
	m[11] = 2;
	assert_int_equal(dns_find_opt(m, sizeof(m), &size, NULL, NULL), -EBADMSG);
	assert_int_equal(size, 1);
	/* An OPT whose owner is not the root: a pointer to www.example.com. */
	memcpy(m, msg_opt, OPT_AT);
	memcpy(m + OPT_AT, (const uint8_t[]){ 0xc0, 0x0c }, 2);
	memcpy(m + OPT_AT + 2, msg_opt + OPT_AT + 1, 10);
	m[11] = 1;
	assert_int_equal(dns_find_opt(m, OPT_AT + 12, &size, NULL, NULL), -EBADMSG);
	/* An OPT cut short. */
	assert_int_equal(dns_find_opt(msg_opt, sizeof(msg_opt) - 1, &size, NULL, NULL),
			 -EBADMSG);
}

static void test_answer_matches(void **state)
{
	struct dns_question q;

	(void)state;
	assert_int_equal(dns_parse_question(query_0x20, sizeof(query_0x20), &q, NULL), 0);
	/* msg_a answers www.example.com A IN in plain lowercase. */
	assert_int_equal(dns_answer_matches(msg_a, sizeof(msg_a), 0x1234, &q), 1);
	assert_int_equal(dns_answer_matches(msg_a, sizeof(msg_a), 0x1235, &q), 0);
	assert_int_equal(dns_answer_matches(msg_a, sizeof(msg_a), 0x3412, &q), 0);
	assert_int_equal(dns_answer_matches(msg_aaaa, sizeof(msg_aaaa), 0xbeef, &q), 0);
	assert_int_equal(dns_answer_matches(msg_nx, sizeof(msg_nx), 0x5555, &q), 0);
	assert_int_equal(dns_answer_matches(msg_a, 32, 0x1234, &q), 0);
	assert_int_equal(dns_answer_matches(msg_a, sizeof(msg_a), 0x1234, NULL), 0);
}

static void test_answer_matches_rejects(void **state)
{
	uint8_t m[sizeof(msg_a)];
	struct dns_question q;

	(void)state;
	assert_int_equal(dns_parse_question(msg_a, sizeof(msg_a), &q, NULL), 0);
	memcpy(m, msg_a, sizeof(m));
	m[2] &= 0x7f;                     /* QR unset: a query, not an answer */
	assert_int_equal(dns_answer_matches(m, sizeof(m), 0x1234, &q), 0);
	memcpy(m, msg_a, sizeof(m));
	m[30] = 2;                        /* QTYPE NS */
	assert_int_equal(dns_answer_matches(m, sizeof(m), 0x1234, &q), 0);
	memcpy(m, msg_a, sizeof(m));
	m[32] = 3;                        /* QCLASS CH */
	assert_int_equal(dns_answer_matches(m, sizeof(m), 0x1234, &q), 0);
	memcpy(m, msg_a, sizeof(m));
	m[14] = 'x';                      /* wxw.example.com */
	assert_int_equal(dns_answer_matches(m, sizeof(m), 0x1234, &q), 0);
	memcpy(m, msg_a, sizeof(m));
	m[5] = 0;                         /* no question at all */
	assert_int_equal(dns_answer_matches(m, sizeof(m), 0x1234, &q), 0);
	memcpy(m, msg_a, sizeof(m));
	m[5] = 2;                         /* two questions */
	assert_int_equal(dns_answer_matches(m, sizeof(m), 0x1234, &q), 0);
}

static void test_answer_matches_case(void **state)
{
	uint8_t m[sizeof(msg_a)];
	struct dns_question q;

	(void)state;
	assert_int_equal(dns_parse_question(msg_a, sizeof(msg_a), &q, NULL), 0);
	/* The upstream echoes a 0x20-randomised name: same question. */
	memcpy(m, msg_a, sizeof(m));
	m[13] = 'W';
	m[17] = 'E';
	m[26] = 'O';
	assert_int_equal(dns_answer_matches(m, sizeof(m), 0x1234, &q), 1);
	/* Folding is ASCII only: 0xc5 is not 'e'. */
	m[17] = 0xc5;
	assert_int_equal(dns_answer_matches(m, sizeof(m), 0x1234, &q), 0);
}

static void test_build_query(void **state)
{
	static const uint8_t want[] = {
		HDR(0x2a2a, 0x01, 0x00, 1, 0, 0, 1),
		WWW_EXAMPLE_COM, 0, 28, 0, 1,
		0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0,
	};
	uint8_t buf[DNS_QUERY_MAX];
	struct dns_question q;
	struct dns_header h;
	uint16_t size;
	int n;

	(void)state;
	n = dns_build_query(buf, sizeof(buf), 0x2a2a, "www.example.com.", DNS_TYPE_AAAA,
			    true, 1232);
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	assert_int_equal(dns_parse_header(buf, (size_t)n, &h), 0);
	assert_false(h.qr);
	assert_true(h.rd);
	assert_int_equal(dns_parse_question(buf, (size_t)n, &q, NULL), 0);
	assert_string_equal(q.name, "www.example.com");
	assert_int_equal(q.qtype, DNS_TYPE_AAAA);
	assert_int_equal(q.qclass, DNS_CLASS_IN);
	assert_int_equal(dns_find_opt(buf, (size_t)n, &size, NULL, NULL), 0);
	assert_int_equal(size, 1232);
	/* Without EDNS or RD. */
	n = dns_build_query(buf, sizeof(buf), 1, "Example.ORG", DNS_TYPE_A, false, 0);
	assert_int_equal(n, 12 + 13 + 4);
	assert_int_equal(dns_parse_header(buf, (size_t)n, &h), 0);
	assert_false(h.rd);
	assert_int_equal(h.arcount, 0);
	assert_int_equal(dns_find_opt(buf, (size_t)n, NULL, NULL, NULL), -ENOENT);
	assert_int_equal(dns_parse_question(buf, (size_t)n, &q, NULL), 0);
	assert_string_equal(q.name, "Example.ORG");
	/* The root. */
	n = dns_build_query(buf, sizeof(buf), 1, ".", DNS_TYPE_NS, true, 0);
	assert_int_equal(n, 12 + 1 + 4);
	assert_int_equal(dns_parse_question(buf, (size_t)n, &q, NULL), 0);
	assert_string_equal(q.name, ".");
}

static void test_build_query_errors(void **state)
{
	char longlabel[80];
	uint8_t buf[DNS_QUERY_MAX];

	(void)state;
	memset(longlabel, 'a', 64);
	longlabel[64] = '\0';
	assert_int_equal(dns_build_query(buf, sizeof(buf), 1, longlabel, 1, true, 0), -EINVAL);
	assert_int_equal(dns_build_query(buf, sizeof(buf), 1, "a..b", 1, true, 0), -EINVAL);
	assert_int_equal(dns_build_query(buf, sizeof(buf), 1, "a.b", 1, true, 511), -EINVAL);
	assert_int_equal(dns_build_query(buf, 12 + 5 + 3, 1, "a.b", 1, true, 0), -ENOBUFS);
	assert_int_equal(dns_build_query(buf, 12 + 5 + 4, 1, "a.b", 1, true, 0), 21);
	assert_int_equal(dns_build_query(buf, 21 + 10, 1, "a.b", 1, true, 512), -ENOBUFS);
	assert_int_equal(dns_build_query(buf, 21 + 11, 1, "a.b", 1, true, 512), 32);
}

static void test_build_error(void **state)
{
	uint8_t buf[512];
	struct dns_question q;
	struct dns_header h;
	int n;

	(void)state;
	n = dns_build_error(buf, sizeof(buf), query_0x20, sizeof(query_0x20),
			    DNS_RCODE_SERVFAIL);
	assert_int_equal(n, sizeof(query_0x20));
	assert_int_equal(dns_parse_header(buf, (size_t)n, &h), 0);
	assert_int_equal(h.id, 0xabcd);
	assert_true(h.qr);
	assert_true(h.rd);
	assert_false(h.ra);
	assert_int_equal(h.opcode, 0);
	assert_int_equal(h.rcode, DNS_RCODE_SERVFAIL);
	assert_int_equal(h.qdcount, 1);
	assert_int_equal(h.ancount + h.nscount + h.arcount, 0);
	/* The question is copied octet for octet, 0x20 case included. */
	assert_memory_equal(buf + 12, query_0x20 + 12, sizeof(query_0x20) - 12);
	assert_int_equal(dns_parse_question(query_0x20, sizeof(query_0x20), &q, NULL), 0);
	assert_int_equal(dns_answer_matches(buf, (size_t)n, 0xabcd, &q), 1);
	assert_false(dns_hdr_cd(buf));
}

/* RFC 4035 section 3.1.6: CD is copied from the query into the response
 * (found by the differential test against unbound: it was dropped). */
static void test_build_error_copies_cd(void **state)
{
	uint8_t q[sizeof(query_0x20)], buf[512];
	int n;

	(void)state;
	memcpy(q, query_0x20, sizeof(q));
	q[3] |= 0x10;                                  /* CD */
	n = dns_build_error(buf, sizeof(buf), q, sizeof(q), DNS_RCODE_REFUSED);
	assert_int_equal(n, sizeof(q));
	assert_true(dns_hdr_cd(buf));
	assert_false(dns_hdr_ad(buf));
	assert_int_equal(dns_hdr_rcode(buf), DNS_RCODE_REFUSED);
	n = dns_build_error_opt(buf, sizeof(buf), q, sizeof(q), DNS_RCODE_SERVFAIL, 1232, false);
	assert_true(n > (int)sizeof(q));
	assert_true(dns_hdr_cd(buf));
}

/* RFC 6891 section 6.1.3: the version is read, so a stub can answer a
 * version it does not implement with BADVERS. */
static void test_get_opt_version(void **state)
{
	uint8_t m[sizeof(msg_opt)];
	struct dns_opt o = { .version = 9 };

	(void)state;
	assert_int_equal(dns_get_opt(msg_opt, sizeof(msg_opt), &o), 0);
	assert_int_equal(o.version, 0);
	assert_int_equal(o.udp_size, 1232);
	assert_true(o.do_bit);
	memcpy(m, msg_opt, sizeof(m));
	m[OPT_AT + 6] = 1;                     /* TTL: ext rcode, VERSION, DO|Z */
	assert_int_equal(dns_get_opt(m, sizeof(m), &o), 0);
	assert_int_equal(o.version, 1);
	assert_int_equal(o.ext_rcode, 0);
	o.version = 7;
	assert_int_equal(dns_get_opt(msg_a, sizeof(msg_a), &o), -ENOENT);
	assert_int_equal(o.version, 7);
}

/* RFC 6891 sections 6.1.3 and 7: an error reply to a query with OPT has an
 * OPT RR of version 0; BADVERS (16) is 1 in the OPT TTL's top octet and 0
 * in the header; DO is copied (RFC 3225 section 3). */
static void test_build_error_opt(void **state)
{
	uint8_t buf[512];
	struct dns_header h;
	struct dns_opt o;
	int n;

	(void)state;
	n = dns_build_error_opt(buf, sizeof(buf), query_0x20, sizeof(query_0x20),
				DNS_RCODE_BADVERS, 1232, true);
	assert_int_equal(n, sizeof(query_0x20) + 11);
	assert_int_equal(dns_parse_header(buf, (size_t)n, &h), 0);
	assert_true(h.qr);
	assert_int_equal(h.rcode, 0);
	assert_int_equal(h.arcount, 1);
	assert_int_equal(dns_get_opt(buf, (size_t)n, &o), 0);
	assert_int_equal(o.ext_rcode, 1);
	assert_int_equal(o.version, 0);
	assert_int_equal(o.udp_size, 1232);
	assert_true(o.do_bit);
	n = dns_build_error_opt(buf, sizeof(buf), query_0x20, sizeof(query_0x20),
				DNS_RCODE_REFUSED, 1232, false);
	assert_int_equal(dns_parse_header(buf, (size_t)n, &h), 0);
	assert_int_equal(h.rcode, DNS_RCODE_REFUSED);
	assert_int_equal(dns_get_opt(buf, (size_t)n, &o), 0);
	assert_int_equal(o.ext_rcode, 0);
	assert_false(o.do_bit);
	/* No room for the OPT, and a 13-bit rcode. */
	assert_int_equal(dns_build_error_opt(buf, sizeof(query_0x20) + 10, query_0x20,
					     sizeof(query_0x20), 2, 1232, false), -ENOBUFS);
	assert_int_equal(dns_build_error_opt(buf, sizeof(buf), query_0x20, sizeof(query_0x20),
					     4096, 1232, false), -EINVAL);
}

static void test_append_opt(void **state)
{
	uint8_t m[sizeof(msg_a) + 11];
	struct dns_opt o;

	(void)state;
	memcpy(m, msg_a, sizeof(msg_a));
	assert_int_equal(dns_append_opt(m, sizeof(msg_a), sizeof(m) - 1, 1232, 0, false),
			 -ENOBUFS);
	assert_int_equal(dns_hdr_arcount(m), 0);
	assert_int_equal(dns_append_opt(m, sizeof(msg_a), sizeof(m), 1232, 0, true),
			 (int)sizeof(m));
	assert_int_equal(dns_hdr_arcount(m), 1);
	assert_int_equal(dns_get_opt(m, sizeof(m), &o), 0);
	assert_true(o.do_bit);
	assert_int_equal(o.udp_size, 1232);
	assert_int_equal(dns_append_opt(m, 11, sizeof(m), 1232, 0, true), -EINVAL);
}

static void test_build_error_compressed_question(void **state)
{
	/* "a" then a pointer to offset 6, where ANCOUNT 0x0162 and the 0
	 * after it read as the label "b" and the root: legal, if odd. */
	static const uint8_t qry[] = {
		0x00, 0x07, 0x00, 0x00, 0, 1, 1, 'b', 0, 0, 0, 0,
		1, 'a', 0xc0, 0x06, 0, 1, 0, 1,
	};
	static const uint8_t want_q[] = { 1, 'a', 1, 'b', 0, 0, 1, 0, 1 };
	uint8_t buf[64];
	int n;

	(void)state;
	/* The reply carries a.b uncompressed. */
	n = dns_build_error(buf, sizeof(buf), qry, sizeof(qry), DNS_RCODE_REFUSED);
	assert_int_equal(n, 12 + (int)sizeof(want_q));
	assert_memory_equal(buf + 12, want_q, sizeof(want_q));
	assert_int_equal(buf[3], DNS_RCODE_REFUSED);
	assert_int_equal(buf[2], 0x80);
}

static void test_build_error_no_question(void **state)
{
	uint8_t q[sizeof(query_0x20)];
	uint8_t buf[64];
	struct dns_header h;
	int n;

	(void)state;
	memcpy(q, query_0x20, sizeof(q));
	q[5] = 2;   /* qdcount 2: FORMERR with no question */
	q[2] = 0x29;   /* opcode 5 (UPDATE), RD */
	n = dns_build_error(buf, sizeof(buf), q, sizeof(q), DNS_RCODE_FORMERR);
	assert_int_equal(n, DNS_HEADER_LEN);
	assert_int_equal(dns_parse_header(buf, (size_t)n, &h), 0);
	assert_int_equal(h.id, 0xabcd);
	assert_true(h.qr);
	assert_true(h.rd);
	assert_int_equal(h.opcode, 5);
	assert_int_equal(h.rcode, DNS_RCODE_FORMERR);
	assert_int_equal(h.qdcount, 0);
	/* A question cut short. */
	n = dns_build_error(buf, sizeof(buf), query_0x20, sizeof(query_0x20) - 1,
			    DNS_RCODE_FORMERR);
	assert_int_equal(n, DNS_HEADER_LEN);
}

static void test_build_error_refuses(void **state)
{
	uint8_t buf[64];

	(void)state;
	assert_int_equal(dns_build_error(buf, sizeof(buf), msg_a, sizeof(msg_a), 2), -EBADMSG);
	assert_int_equal(dns_build_error(buf, sizeof(buf), query_0x20, 11, 2), -EBADMSG);
	assert_int_equal(dns_build_error(buf, sizeof(buf), query_0x20, sizeof(query_0x20), 16),
			 -EINVAL);
	assert_int_equal(dns_build_error(buf, sizeof(query_0x20) - 1, query_0x20,
					 sizeof(query_0x20), 2), -ENOBUFS);
}

static void test_set_id(void **state)
{
	uint8_t m[sizeof(query_0x20)];
	struct dns_header h;

	(void)state;
	memcpy(m, query_0x20, sizeof(m));
	dns_hdr_set_id(m, 0x0102);
	assert_int_equal(m[0], 1);
	assert_int_equal(m[1], 2);
	assert_int_equal(dns_parse_header(m, sizeof(m), &h), 0);
	assert_int_equal(h.id, 0x0102);
	assert_memory_equal(m + 2, query_0x20 + 2, sizeof(m) - 2);
}

/* The header accessors of dns.h (RFC 1035 section 4.1.1, RFC 6895
 * section 2) against dns_parse_header(), for every flags word. */
static void test_hdr_accessors(void **state)
{
	uint8_t m[DNS_HEADER_LEN] = { 0xbe, 0xef, 0, 0, 0x00, 0x01, 0x02, 0x03,
				      0x04, 0x05, 0xff, 0xfe };
	struct dns_header h;

	(void)state;
	for (unsigned f = 0; f <= 0xffff; f++) {
		m[2] = (uint8_t)(f >> 8);
		m[3] = (uint8_t)f;
		assert_int_equal(dns_parse_header(m, sizeof(m), &h), 0);
		assert_int_equal(dns_hdr_id(m), h.id);
		assert_int_equal(dns_hdr_flags(m), h.flags);
		assert_int_equal(dns_hdr_qr(m), h.qr);
		assert_int_equal(dns_hdr_opcode(m), h.opcode);
		assert_int_equal(dns_hdr_aa(m), h.aa);
		assert_int_equal(dns_hdr_tc(m), h.tc);
		assert_int_equal(dns_hdr_rd(m), h.rd);
		assert_int_equal(dns_hdr_ra(m), h.ra);
		assert_int_equal(dns_hdr_ad(m), h.ad);
		assert_int_equal(dns_hdr_cd(m), h.cd);
		assert_int_equal(dns_hdr_rcode(m), h.rcode);
	}
	assert_int_equal(dns_hdr_id(m), 0xbeef);
	assert_int_equal(dns_hdr_qdcount(m), 0x0001);
	assert_int_equal(dns_hdr_ancount(m), 0x0203);
	assert_int_equal(dns_hdr_nscount(m), 0x0405);
	assert_int_equal(dns_hdr_arcount(m), 0xfffe);

	/* A typical answer, 0x8180: QR, RD, RA, NOERROR; and 0x8583 from an
	 * authority: QR, AA, RD, NXDOMAIN. Opcode 2 is STATUS (RFC 1035). */
	m[2] = 0x81, m[3] = 0x80;
	assert_true(dns_hdr_qr(m) && dns_hdr_rd(m) && dns_hdr_ra(m));
	assert_false(dns_hdr_aa(m) || dns_hdr_tc(m) || dns_hdr_ad(m) || dns_hdr_cd(m));
	assert_int_equal(dns_hdr_opcode(m), DNS_OPCODE_QUERY);
	assert_int_equal(dns_hdr_rcode(m), DNS_RCODE_NOERROR);
	m[2] = 0x85, m[3] = 0x83;
	assert_true(dns_hdr_qr(m) && dns_hdr_aa(m) && dns_hdr_rd(m));
	assert_int_equal(dns_hdr_rcode(m), DNS_RCODE_NXDOMAIN);
	m[2] = 0x10, m[3] = 0x30;
	assert_int_equal(dns_hdr_opcode(m), 2);
	assert_true(dns_hdr_ad(m) && dns_hdr_cd(m));
	assert_false(dns_hdr_qr(m) || dns_hdr_ra(m));
}

/* Each setter changes its own bits and nothing else in the header. */
static void test_hdr_setters(void **state)
{
	static const uint8_t base[DNS_HEADER_LEN] = { 0x12, 0x34, 0, 0, 0x00, 0x01, 0x00, 0x02,
						      0x00, 0x03, 0x00, 0x04 };
	struct {
		void (*set)(uint8_t *, bool);
		uint16_t bit;
	} one[] = {
		{ dns_hdr_set_qr, DNS_F_QR },
		{ dns_hdr_set_tc, DNS_F_TC },
		{ dns_hdr_set_rd, DNS_F_RD },
		{ dns_hdr_set_ad, DNS_F_AD },
	};
	uint8_t m[DNS_HEADER_LEN];

	(void)state;
	for (unsigned f = 0; f <= 0xffff; f++) {
		for (size_t k = 0; k < sizeof(one) / sizeof(one[0]); k++) {
			for (int on = 0; on <= 1; on++) {
				memcpy(m, base, sizeof(m));
				m[2] = (uint8_t)(f >> 8);
				m[3] = (uint8_t)f;
				one[k].set(m, on);
				assert_int_equal(dns_hdr_flags(m),
						 (f & ~one[k].bit) | (on ? one[k].bit : 0));
				assert_memory_equal(m, base, 2);
				assert_memory_equal(m + 4, base + 4, sizeof(m) - 4);
			}
		}
		memcpy(m, base, sizeof(m));
		m[2] = (uint8_t)(f >> 8);
		m[3] = (uint8_t)f;
		dns_hdr_set_rcode(m, (uint8_t)(f * 7));  /* only the low 4 bits count */
		assert_int_equal(dns_hdr_flags(m), (f & ~0x0fu) | ((f * 7) & 0x0f));
		assert_memory_equal(m + 4, base + 4, sizeof(m) - 4);
	}

	memcpy(m, base, sizeof(m));
	m[2] = 0xff, m[3] = 0xff;
	dns_hdr_set_id(m, 0xa55a);
	dns_hdr_set_qdcount(m, 0x0102);
	dns_hdr_set_ancount(m, 0x0304);
	dns_hdr_set_nscount(m, 0x0506);
	dns_hdr_set_arcount(m, 0xfffe);
	{
		static const uint8_t want[DNS_HEADER_LEN] = { 0xa5, 0x5a, 0xff, 0xff, 0x01, 0x02,
							      0x03, 0x04, 0x05, 0x06, 0xff, 0xfe };

		assert_memory_equal(m, want, sizeof(want));
	}
}

/* RFC 6891 6.1.1: OPT is per hop; a cache drops it, and only when it is
 * the last record (removing another would move pointer targets). */
static void test_strip_opt(void **state)
{
	uint8_t with[DNS_QUERY_MAX], without[DNS_QUERY_MAX];
	int a = dns_build_query(with, sizeof(with), 7, "www.example.com", DNS_TYPE_A, true, 1232);
	int b = dns_build_query(without, sizeof(without), 7, "www.example.com", DNS_TYPE_A, true, 0);

	(void)state;
	assert_true(a > b && b > 0);
	assert_int_equal(dns_strip_opt(with, (size_t)a), b);
	assert_memory_equal(with, without, (size_t)b);
	/* Nothing to strip: the length back, unchanged. */
	assert_int_equal(dns_strip_opt(without, (size_t)b), b);
	/* Trailing garbage, or a header alone cut short: not a message. */
	assert_int_equal(dns_strip_opt(without, (size_t)b - 1), -EBADMSG);
	assert_int_equal(dns_strip_opt(without, 5), -EBADMSG);
}

static void test_strip_opt_not_last(void **state)
{
	/* Question example.com A; additional: OPT, then an A record. */
	static const uint8_t m[] = {
		0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 2,
		7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1,
		0, 0, 41, 4, 0xd0, 0, 0, 0, 0, 0, 0,
		0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1,
	};
	uint8_t c[sizeof(m)];

	(void)state;
	memcpy(c, m, sizeof(m));
	assert_int_equal(dns_strip_opt(c, sizeof(c)), -EINVAL);
	assert_memory_equal(c, m, sizeof(m));
}

/* Found by fuzz_dns: an answer's owner points at offset 1, whose "label"
 * runs on to the end of the message, OPT included. Without the OPT the
 * message no longer parses, so it is left alone. */
static void test_strip_opt_needed_by_a_name(void **state)
{
	static const uint8_t m[] = {
		0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 1,
		3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
		0, 1, 0, 1,
		0xc0, 0x01, 0, 0x0c, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 0x5d, 0xb8, 0xd8, 0x22,
		0, 0, 0x29, 4, 0xd0, 0, 0, 0x80, 0, 0, 0,
	};
	uint8_t c[sizeof(m)];

	(void)state;
	memcpy(c, m, sizeof(m));
	assert_int_equal(dns_find_opt(c, sizeof(c), NULL, NULL, NULL), 0);
	assert_int_equal(dns_strip_opt(c, sizeof(c)), -EINVAL);
	assert_memory_equal(c, m, sizeof(m));
}

static void test_read_name_text(void **state)
{
	/* An answer whose CNAME target is "www" + a pointer to the question. */
	static const uint8_t m[] = {
		0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0,
		7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 5, 0, 1,
		0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 6, 3, 'w', 'W', 'w', 0xc0, 12,
		0xc0, 50,               /* points forward: refused */
	};
	char t[DNAME_MAX_TEXT + 1];
	size_t off = 41;

	(void)state;
	assert_int_equal(dns_read_name_text(m, sizeof(m), &off, t, sizeof(t)), 0);
	assert_string_equal(t, "wWw.example.com");
	assert_int_equal(off, 47);
	off = 45;
	assert_int_equal(dns_read_name_text(m, sizeof(m), &off, t, sizeof(t)), 0);
	assert_string_equal(t, "example.com");
	assert_int_equal(off, 47);
	assert_int_equal(dns_read_name_text(m, sizeof(m), &off, t, sizeof(t)), -EBADMSG);
	assert_int_equal(off, 47);
	off = 41;
	assert_int_equal(dns_read_name_text(m, sizeof(m), &off, t, 8), -ENAMETOOLONG);
}

/* The stub's hot-path parse: the same wire, type and class as the full
 * parse, no text, and the same refusals. */
static void test_parse_question_wire(void **state)
{
	uint8_t m[DNS_QUERY_MAX];
	struct dns_question a, b;
	size_t ea, eb;
	int n = dns_build_query(m, sizeof(m), 9, "WWW.Example.COM", DNS_TYPE_AAAA, true, 1232);

	(void)state;
	assert_true(n > 0);
	assert_int_equal(dns_parse_question(m, (size_t)n, &a, &ea), 0);
	assert_int_equal(dns_parse_question_wire(m, (size_t)n, &b, &eb), 0);
	assert_int_equal(ea, eb);
	assert_int_equal(b.wire_len, a.wire_len);
	assert_memory_equal(b.wire, a.wire, a.wire_len);
	assert_memory_equal(b.wire, "\3www\7example\3com", 17);
	assert_int_equal(b.qtype, DNS_TYPE_AAAA);
	assert_string_equal(b.name, "");
	m[5] = 2;                                  /* QDCOUNT 2 */
	assert_int_equal(dns_parse_question_wire(m, (size_t)n, &b, NULL), -EBADMSG);
	m[5] = 1;
	assert_int_equal(dns_parse_question_wire(m, 20, &b, NULL), -EBADMSG);
	assert_int_equal(dns_parse_question_wire(m, 11, &b, NULL), -EBADMSG);
	/* The one-pass reader's hash is the cache's, and the full parse's. */
	assert_true(b.hash == a.hash);
	assert_true(a.hash == dns_question_hash(a.wire, a.wire_len, a.qtype, a.qclass));
	assert_false(a.label_dot || b.label_dot);
}

/* Names the one-pass reader hands to the general walk, and a '.' inside
 * a label: the same question either way. */
static void test_parse_question_paths(void **state)
{
	static const uint8_t dotted[] = { 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,
					  3, 'a', '.', 'B', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1 };
	/* "X" then a pointer to offset 4, QDCOUNT's high octet: 0, the
	 * root. Legal compression (RFC 1035 section 4.1.4), if odd. */
	static const uint8_t packed[] = { 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,
					  1, 'X', 0xc0, 4, 0, 28, 0, 1 };
	static const uint8_t upper[] = { 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,
					 1, 'x', 1, 'X', 0, 0, 28, 0, 1 };
	static const uint8_t root[] = { 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 1 };
	struct dns_question a, b;
	size_t ea, eb;

	(void)state;
	assert_int_equal(dns_parse_question_wire(dotted, sizeof(dotted), &b, &eb), 0);
	assert_int_equal(dns_parse_question(dotted, sizeof(dotted), &a, &ea), 0);
	assert_true(b.label_dot && a.label_dot);
	assert_string_equal(a.name, "a\\.B.com");
	assert_memory_equal(b.wire, "\3a.b\3com", 9);
	assert_true(a.hash == b.hash);
	assert_int_equal(ea, eb);
	assert_int_equal(dns_parse_question_wire(packed, sizeof(packed), &b, &eb), 0);
	assert_int_equal(dns_parse_question(packed, sizeof(packed), &a, &ea), 0);
	assert_memory_equal(b.wire, "\1x", 3);
	assert_int_equal(b.wire_len, 3);
	assert_true(a.hash == b.hash && b.qtype == DNS_TYPE_AAAA);
	assert_int_equal(eb, sizeof(packed));
	assert_int_equal(ea, eb);
	assert_int_equal(dns_parse_question_wire(upper, sizeof(upper), &b, &eb), 0);
	assert_int_equal(dns_parse_question(upper, sizeof(upper), &a, &ea), 0);
	assert_memory_equal(b.wire, "\1x\1x", 5);
	assert_true(a.hash == b.hash && !b.label_dot);
	assert_int_equal(dns_parse_question_wire(root, sizeof(root), &b, &eb), 0);
	assert_int_equal(b.wire_len, 1);
	assert_true(b.hash == dns_question_hash((const uint8_t *)"", 1, 2, 1));
	assert_int_equal(eb, sizeof(root));
}

/* One RR of TYPE with RDATA rd[0..n) after a header and the question
 * "ex.com" (at offset 12, for compression pointers), in m; its dns_rr. */
static size_t rr_msg(uint8_t *m, uint16_t type, const uint8_t *rd, size_t n, struct dns_rr *rr)
{
	static const uint8_t head[] = { 0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0,
					2, 'e', 'x', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1,
					0xc0, 12 };
	size_t len = sizeof(head), off = 24;

	memcpy(m, head, sizeof(head));
	m[len++] = (uint8_t)(type >> 8);
	m[len++] = (uint8_t)type;
	memcpy(m + len, "\0\1\0\0\0\x3c", 6);
	len += 6;
	m[len++] = (uint8_t)(n >> 8);
	m[len++] = (uint8_t)n;
	memcpy(m + len, rd, n);
	len += n;
	assert_int_equal(dns_next_rr(m, len, &off, rr), 0);
	assert_int_equal(off, len);
	return len;
}

static void expect_rdata(uint16_t type, const uint8_t *rd, size_t n, const char *want)
{
	uint8_t m[600];
	char out[600];
	struct dns_rr rr;
	size_t len = rr_msg(m, type, rd, n, &rr);

	assert_int_equal(dns_rdata_text(m, len, &rr, out, sizeof(out)), 0);
	assert_string_equal(out, want);
}

/* RDATA as text: each common type, compression inside RDATA, and the
 * RFC 3597 form for unknown or malformed RDATA. */
static void test_rdata_text(void **state)
{
	static const uint8_t a[] = { 192, 0, 2, 7 }, mx[] = { 0, 10, 4, 'm', 'a', 'i', 'l', 0xc0, 12 },
		srv[] = { 0, 1, 0, 2, 0x01, 0xbb, 1, 's', 0xc0, 12 },
		soa[] = { 2, 'n', 's', 0xc0, 12, 1, 'h', 0xc0, 12, 0, 0, 0, 1, 0, 0, 0, 2,
			  0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5 },
		txt[] = { 5, 'h', 'i', ' ', '"', 1, 0 },
		cname[] = { 3, 'w', 'w', 'w', 0xc0, 12 },
		cname_long[] = { 3, 'w', 'w', 'w', 0xc0, 12, 0xff },   /* a stray octet */
		mx_out[] = { 0, 10, 4, 'm', 'a', 'i', 'l' },           /* name runs out */
		txt_bad[] = { 9, 'x' }, unknown[] = { 0xde, 0xad };
	uint8_t aaaa[16] = { 0x20, 0x01, 0x0d, 0xb8 };

	(void)state;
	aaaa[15] = 1;
	expect_rdata(DNS_TYPE_A, a, sizeof(a), "192.0.2.7");
	expect_rdata(DNS_TYPE_AAAA, aaaa, sizeof(aaaa), "2001:db8::1");
	expect_rdata(DNS_TYPE_CNAME, cname, sizeof(cname), "www.ex.com");
	expect_rdata(DNS_TYPE_MX, mx, sizeof(mx), "10 mail.ex.com");
	expect_rdata(DNS_TYPE_SRV, srv, sizeof(srv), "1 2 443 s.ex.com");
	expect_rdata(DNS_TYPE_SOA, soa, sizeof(soa), "ns.ex.com h.ex.com 1 2 3 4 5");
	expect_rdata(DNS_TYPE_TXT, txt, sizeof(txt), "\"hi \\034\\001\" \"\"");
	expect_rdata(DNS_TYPE_CNAME, cname_long, sizeof(cname_long), "\\# 7 03777777c00cff");
	expect_rdata(DNS_TYPE_MX, mx_out, sizeof(mx_out), "\\# 7 000a046d61696c");
	expect_rdata(DNS_TYPE_TXT, txt_bad, sizeof(txt_bad), "\\# 2 0978");
	expect_rdata(DNS_TYPE_A, unknown, sizeof(unknown), "\\# 2 dead");
	expect_rdata(99, unknown, sizeof(unknown), "\\# 2 dead");
	expect_rdata(99, unknown, 0, "\\# 0");
	expect_rdata(DNS_TYPE_TXT, unknown, 0, "\\# 0");
}

/* A short buffer cuts the text, always NUL-terminated; bad arguments. */
static void test_rdata_text_short(void **state)
{
	static const uint8_t txt[] = { 6, 'a', 'b', 'c', 'd', 'e', 'f', 3, 'x', 0x7f, 'z' },
		soa[] = { 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5 };
	uint8_t m[200];
	char out[64];
	struct dns_rr rr;
	size_t len = rr_msg(m, DNS_TYPE_TXT, txt, sizeof(txt), &rr);

	(void)state;
	for (size_t cap = 1; cap < 24; cap++) {
		memset(out, 'Z', sizeof(out));
		assert_int_equal(dns_rdata_text(m, len, &rr, out, cap), 0);
		assert_non_null(memchr(out, '\0', cap));
		assert_int_equal(out[cap], 'Z');                   /* nothing past cap */
	}
	assert_int_equal(dns_rdata_text(m, len, &rr, out, sizeof(out)), 0);
	assert_string_equal(out, "\"abcdef\" \"x\\127z\"");
	len = rr_msg(m, DNS_TYPE_SOA, soa, sizeof(soa), &rr);
	assert_int_equal(dns_rdata_text(m, len, &rr, out, sizeof(out)), 0);
	assert_string_equal(out, ". . 1 2 3 4 5");
	assert_int_equal(dns_rdata_text(m, len, &rr, out, 0), -EINVAL);
	/* The root as a CNAME target fits only from 2 octets on. */
	len = rr_msg(m, DNS_TYPE_CNAME, (const uint8_t *)"", 1, &rr);
	for (size_t cap = 1; cap < 6; cap++) {
		memset(out, 'Z', sizeof(out));
		assert_int_equal(dns_rdata_text(m, len, &rr, out, cap), 0);
		assert_non_null(memchr(out, '\0', cap));
		assert_int_equal(out[cap], 'Z');
	}
	assert_string_equal(out, ".");
	/* A TXT string that does not fit ends the text; a malformed one is
	 * malformed whatever the room. */
	len = rr_msg(m, DNS_TYPE_TXT, (const uint8_t *)"\5abcd\1\1z", 8, &rr);
	assert_int_equal(dns_rdata_text(m, len, &rr, out, 10), 0);
	assert_string_equal(out, "...");
	assert_int_equal(dns_rdata_text(m, len, &rr, out, sizeof(out)), 0);
	assert_string_equal(out, "\"abcd\\001\" \"z\"");
	len = rr_msg(m, DNS_TYPE_TXT, (const uint8_t *)"\1a\1b\11x", 6, &rr);
	assert_int_equal(dns_rdata_text(m, len, &rr, out, 6), 0);
	assert_string_equal(out, "\\# 6 ");
	len = rr_msg(m, DNS_TYPE_SOA, soa, sizeof(soa), &rr);
	assert_int_equal(dns_rdata_text(NULL, len, &rr, out, 8), -EINVAL);
	rr.rdlength = len;                                        /* past the message */
	assert_int_equal(dns_rdata_text(m, len, &rr, out, sizeof(out)), -EBADMSG);
}

static void test_type_names(void **state)
{
	char b[16];

	(void)state;
	assert_string_equal(dns_type_name(DNS_TYPE_AAAA, b, sizeof(b)), "AAAA");
	assert_string_equal(dns_type_name(65280, b, sizeof(b)), "TYPE65280");
	assert_int_equal(dns_type_from_name("aaaa"), DNS_TYPE_AAAA);
	assert_int_equal(dns_type_from_name("PTR"), DNS_TYPE_PTR);
	assert_int_equal(dns_type_from_name("TYPE99"), 99);
	assert_int_equal(dns_type_from_name("99"), 99);
	assert_int_equal(dns_type_from_name("0"), -EINVAL);
	assert_int_equal(dns_type_from_name("65536"), -EINVAL);
	/* OPT is a pseudo-type (RFC 6891 6.1.1): never asked for. */
	assert_int_equal(dns_type_from_name("OPT"), -EINVAL);
	assert_int_equal(dns_type_from_name("41"), -EINVAL);
	assert_int_equal(dns_type_from_name("bogus"), -EINVAL);
	assert_int_equal(dns_type_from_name(""), -EINVAL);
	assert_string_equal(dns_rcode_name(3), "NXDOMAIN");
	assert_string_equal(dns_rcode_name(15), "RCODE?");
}

static void test_dname_raw_untouched_on_error(void **state)
{
	static const uint8_t m[] = { 1, 'a', 0xc0, 0x00 };
	uint8_t w[DNAME_MAX_WIRE] = { 0x55 };
	size_t off = 0, wl = 77;

	(void)state;
	assert_int_equal(dname_from_msg_raw(m, sizeof(m), &off, w, &wl), -EBADMSG);
	assert_int_equal(off, 0);
	assert_int_equal(wl, 77);
	assert_int_equal(w[0], 0x55);
	assert_int_equal(dname_from_msg_raw(NULL, 1, &off, w, &wl), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_header_all_flags),
		cmocka_unit_test(test_header_truncated),
		cmocka_unit_test(test_question),
		cmocka_unit_test(test_question_0x20_lowercased),
		cmocka_unit_test(test_question_root),
		cmocka_unit_test(test_question_odd_octets),
		cmocka_unit_test(test_question_text_escaped),
		cmocka_unit_test(test_question_counts),
		cmocka_unit_test(test_question_truncated),
		cmocka_unit_test(test_name_max_255),
		cmocka_unit_test(test_name_over_255_by_compression),
		cmocka_unit_test(test_label_over_63),
		cmocka_unit_test(test_pointer_to_itself),
		cmocka_unit_test(test_pointer_forward),
		cmocka_unit_test(test_compression_loop),
		cmocka_unit_test(test_jump_cap),
		cmocka_unit_test(test_pointer_past_end),
		cmocka_unit_test(test_rr_walk_a),
		cmocka_unit_test(test_rr_walk_aaaa),
		cmocka_unit_test(test_rr_walk_cname_chain),
		cmocka_unit_test(test_rr_owner_lowercased),
		cmocka_unit_test(test_rr_truncated),
		cmocka_unit_test(test_counts_beyond_message),
		cmocka_unit_test(test_min_ttl_positive),
		cmocka_unit_test(test_min_ttl_top_bit),
		cmocka_unit_test(test_min_ttl_nxdomain),
		cmocka_unit_test(test_min_ttl_nodata),
		cmocka_unit_test(test_min_ttl_negative_without_soa),
		cmocka_unit_test(test_min_ttl_bad_soa),
		cmocka_unit_test(test_truncated_tc),
		cmocka_unit_test(test_find_opt),
		cmocka_unit_test(test_find_opt_bad),
		cmocka_unit_test(test_answer_matches),
		cmocka_unit_test(test_answer_matches_rejects),
		cmocka_unit_test(test_answer_matches_case),
		cmocka_unit_test(test_build_query),
		cmocka_unit_test(test_build_query_errors),
		cmocka_unit_test(test_build_error),
		cmocka_unit_test(test_build_error_copies_cd),
		cmocka_unit_test(test_get_opt_version),
		cmocka_unit_test(test_build_error_opt),
		cmocka_unit_test(test_append_opt),
		cmocka_unit_test(test_build_error_compressed_question),
		cmocka_unit_test(test_build_error_no_question),
		cmocka_unit_test(test_build_error_refuses),
		cmocka_unit_test(test_set_id),
		cmocka_unit_test(test_hdr_accessors),
		cmocka_unit_test(test_hdr_setters),
		cmocka_unit_test(test_dname_raw_untouched_on_error),
		cmocka_unit_test(test_strip_opt),
		cmocka_unit_test(test_strip_opt_not_last),
		cmocka_unit_test(test_strip_opt_needed_by_a_name),
		cmocka_unit_test(test_read_name_text),
		cmocka_unit_test(test_type_names),
		cmocka_unit_test(test_parse_question_wire),
		cmocka_unit_test(test_parse_question_paths),
		cmocka_unit_test(test_rdata_text),
		cmocka_unit_test(test_rdata_text_short),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
