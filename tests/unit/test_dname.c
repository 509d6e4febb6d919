/* SPDX-License-Identifier: MIT */
/* Unit tests for proto/dname.c: uncompressed wire names (RFC 1035 3.1). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "proto/dname.h"

/* Parse n bytes; returns the dname_from_wire() result and the bytes left. */
static int from_wire(const void *data, size_t n, char *out, size_t *left)
{
	struct buf b;
	int r;

	buf_init(&b, data, n);
	r = dname_from_wire(&b, out, DNAME_MAX_TEXT + 1);
	*left = buf_remaining(&b);
	return r;
}

/* Wire form of `labels` labels of `len` 'a's each plus the root. */
static size_t make_name(uint8_t *w, size_t labels, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < labels; i++) {
		w[n++] = (uint8_t)len;
		memset(w + n, 'a', len);
		n += len;
	}
	w[n++] = 0;
	return n;
}

static void test_simple_name(void **state)
{
	static const uint8_t w[] = "\x04" "corp" "\x07" "example" "\x03" "com" "\x00" "XY";
	char out[DNAME_MAX_TEXT + 1];
	size_t left;

	(void)state;
	assert_int_equal(from_wire(w, sizeof(w) - 1, out, &left), 0);
	assert_string_equal(out, "corp.example.com");
	assert_int_equal(left, 2);   /* cursor stops right after the root */
}

static void test_root_only(void **state)
{
	static const uint8_t w[] = { 0 };
	char out[DNAME_MAX_TEXT + 1] = "junk";
	size_t left;

	(void)state;
	assert_int_equal(from_wire(w, sizeof(w), out, &left), 0);
	assert_string_equal(out, "");
	assert_int_equal(left, 0);
}

static void test_allowed_chars(void **state)
{
	static const uint8_t w[] = "\x08" "Ab-9_x-Z" "\x00";
	char out[DNAME_MAX_TEXT + 1];
	size_t left;

	(void)state;
	assert_int_equal(from_wire(w, sizeof(w) - 1, out, &left), 0);
	assert_string_equal(out, "Ab-9_x-Z");   /* case preserved */
}

static void test_bad_chars(void **state)
{
	static const uint8_t dot[] = { 3, 'a', '.', 'b', 0 };
	static const uint8_t space[] = { 3, 'a', ' ', 'b', 0 };
	static const uint8_t nul[] = { 3, 'a', 0, 'b', 0 };
	static const uint8_t high[] = { 3, 'a', 0xc3, 'b', 0 };
	static const uint8_t slash[] = { 1, '/', 0 };
	char out[DNAME_MAX_TEXT + 1];
	size_t left;

	(void)state;
	assert_int_equal(from_wire(dot, sizeof(dot), out, &left), -EBADMSG);
	assert_int_equal(left, sizeof(dot));   /* cursor untouched */
	assert_int_equal(from_wire(space, sizeof(space), out, &left), -EBADMSG);
	assert_int_equal(from_wire(nul, sizeof(nul), out, &left), -EBADMSG);
	assert_int_equal(from_wire(high, sizeof(high), out, &left), -EBADMSG);
	assert_int_equal(from_wire(slash, sizeof(slash), out, &left), -EBADMSG);
}

static void test_compression_and_label_types(void **state)
{
	static const uint8_t ptr[] = { 1, 'a', 0xc0, 0x0c };
	static const uint8_t ptr_first[] = { 0xc0, 0x00 };
	static const uint8_t t01[] = { 0x41, 'a', 0 };
	static const uint8_t t10[] = { 0x81, 'a', 0 };
	char out[DNAME_MAX_TEXT + 1];
	size_t left;

	(void)state;
	assert_int_equal(from_wire(ptr, sizeof(ptr), out, &left), -EBADMSG);
	assert_int_equal(left, sizeof(ptr));
	assert_int_equal(from_wire(ptr_first, sizeof(ptr_first), out, &left), -EBADMSG);
	assert_int_equal(from_wire(t01, sizeof(t01), out, &left), -EBADMSG);
	assert_int_equal(from_wire(t10, sizeof(t10), out, &left), -EBADMSG);
}

static void test_label_lengths(void **state)
{
	uint8_t w[300];
	char out[DNAME_MAX_TEXT + 1];
	size_t n, left;

	(void)state;
	n = make_name(w, 1, 63);
	assert_int_equal(from_wire(w, n, out, &left), 0);
	assert_int_equal(strlen(out), 63);
	/* 64 has the 0x40 bit set: label type 01, also over 63. */
	n = make_name(w, 1, 64);
	assert_int_equal(from_wire(w, n, out, &left), -EBADMSG);
}

static void test_name_lengths(void **state)
{
	uint8_t w[300];
	char out[DNAME_MAX_TEXT + 1];
	size_t n, left;

	(void)state;
	/* 3 x (1 + 63) + (1 + 61) + 1 = 255 wire octets: the maximum. */
	n = make_name(w, 3, 63);
	n--;
	w[n++] = 61;
	memset(w + n, 'b', 61);
	n += 61;
	w[n++] = 0;
	assert_int_equal(n, 255);
	assert_int_equal(from_wire(w, n, out, &left), 0);
	assert_int_equal(strlen(out), 253);
	/* One more octet of label: 256. */
	w[192] = 62;
	memset(w + 193, 'b', 62);
	w[255] = 0;
	assert_int_equal(from_wire(w, 256, out, &left), -EBADMSG);
	/* 4 x 63: 257. */
	n = make_name(w, 4, 63);
	assert_int_equal(from_wire(w, n, out, &left), -EBADMSG);
}

static void test_runs_past_cursor(void **state)
{
	static const uint8_t cut_label[] = { 4, 'c', 'o', 'r' };
	static const uint8_t no_root[] = { 4, 'c', 'o', 'r', 'p' };
	char out[DNAME_MAX_TEXT + 1];
	size_t left;

	(void)state;
	assert_int_equal(from_wire(cut_label, sizeof(cut_label), out, &left), -EBADMSG);
	assert_int_equal(from_wire(no_root, sizeof(no_root), out, &left), -EBADMSG);
	assert_int_equal(from_wire(no_root, 0, out, &left), -EBADMSG);
}

static void test_small_outsz(void **state)
{
	static const uint8_t w[] = { 1, 'a', 0 };
	char out[DNAME_MAX_TEXT];
	struct buf b;

	(void)state;
	buf_init(&b, w, sizeof(w));
	assert_int_equal(dname_from_wire(&b, out, sizeof(out)), -EINVAL);
	assert_int_equal(buf_remaining(&b), sizeof(w));
}

static void test_to_wire(void **state)
{
	static const uint8_t want[] = "\x03" "pvd" "\x07" "example" "\x03" "com";
	uint8_t w[64];
	struct wbuf wb;

	(void)state;
	wbuf_init(&wb, w, sizeof(w));
	assert_int_equal(dname_to_wire("pvd.example.com", &wb), 0);
	assert_int_equal(wb.len, sizeof(want));   /* includes the root */
	assert_memory_equal(w, want, sizeof(want));
	wbuf_init(&wb, w, sizeof(w));
	assert_int_equal(dname_to_wire("pvd.example.com.", &wb), 0);
	assert_int_equal(wb.len, sizeof(want));
	assert_memory_equal(w, want, sizeof(want));
}

static void test_to_wire_root(void **state)
{
	uint8_t w[4] = { 0xff, 0xff };
	struct wbuf wb;

	(void)state;
	wbuf_init(&wb, w, sizeof(w));
	assert_int_equal(dname_to_wire("", &wb), 0);
	assert_int_equal(dname_to_wire(".", &wb), 0);
	assert_int_equal(wb.len, 2);
	assert_int_equal(w[0], 0);
	assert_int_equal(w[1], 0);
}

static void test_to_wire_bad(void **state)
{
	char name[300];
	uint8_t w[512];
	struct wbuf wb;

	(void)state;
	wbuf_init(&wb, w, sizeof(w));
	assert_int_equal(dname_to_wire("a..b", &wb), -EINVAL);
	assert_int_equal(dname_to_wire(".a", &wb), -EINVAL);
	assert_int_equal(dname_to_wire("a..", &wb), -EINVAL);
	memset(name, 'a', 64);
	name[64] = '\0';
	assert_int_equal(dname_to_wire(name, &wb), -EINVAL);
	name[63] = '\0';
	assert_int_equal(wb.len, 0);   /* nothing written by the failures */
	assert_int_equal(dname_to_wire(name, &wb), 0);
	assert_int_equal(wb.len, 65);
	/* 253 text octets encode to 255; 254 would be 256. */
	memset(name, 'a', 254);
	for (size_t i = 63; i < 254; i += 64)
		name[i] = '.';
	name[253] = '\0';
	wbuf_init(&wb, w, sizeof(w));
	assert_int_equal(dname_to_wire(name, &wb), 0);
	assert_int_equal(wb.len, 255);
	name[253] = 'a';
	name[254] = '\0';
	assert_int_equal(dname_to_wire(name, &wb), -EINVAL);
}

/* Domain names as text (PvD search domains, ADNs): the characters of
 * dname_from_wire() and RFC 1035's lengths. */
/* What a lookup may not ask, and why (mifctl resolve, dns which). */
static void test_lookup_problem(void **state)
{
	char longname[300], label[70];

	(void)state;
	assert_null(dname_lookup_problem("example.com"));
	assert_null(dname_lookup_problem("*.example.com."));
	assert_null(dname_lookup_problem("_sip._tcp.example"));
	assert_string_equal(dname_lookup_problem(""), "a domain name is required");
	assert_string_equal(dname_lookup_problem(NULL), "a domain name is required");
	assert_non_null(strstr(dname_lookup_problem("a..b"), "empty label"));
	memset(label, 'a', 64);
	label[64] = '\0';
	assert_string_equal(dname_lookup_problem(label), "a label longer than 63 characters");
	label[63] = '\0';
	assert_null(dname_lookup_problem(label));
	memset(longname, 'a', sizeof(longname));
	for (size_t i = 63; i < sizeof(longname); i += 64)
		longname[i] = '.';
	longname[254] = '\0';      /* 254 characters */
	assert_string_equal(dname_lookup_problem(longname), "longer than 253 characters");
	longname[253] = '\0';
	assert_null(dname_lookup_problem(longname));
}

static void test_text_ok(void **state)
{
	char name[300];

	(void)state;
	assert_true(dname_text_ok("example"));
	assert_true(dname_text_ok("corp.example."));
	assert_true(dname_text_ok("_dns.Resolver-1.example"));
	assert_true(dname_text_ok("10.in-addr.arpa"));
	assert_false(dname_text_ok(NULL));
	assert_false(dname_text_ok(""));
	assert_false(dname_text_ok("."));
	assert_false(dname_text_ok("a..b"));
	assert_false(dname_text_ok(".a"));
	assert_false(dname_text_ok("a.."));
	assert_false(dname_text_ok("a b.example"));
	assert_false(dname_text_ok("evil\x1b[31mred.example"));
	assert_false(dname_text_ok("tab\there"));
	assert_false(dname_text_ok("caf\xc3\xa9.example"));
	assert_false(dname_text_ok("a/b"));
	assert_false(dname_text_ok("a*.example"));
	memset(name, 'a', 64);
	name[64] = '\0';
	assert_false(dname_text_ok(name));
	name[63] = '\0';
	assert_true(dname_text_ok(name));
	/* 253 characters without the final dot, not 254. */
	memset(name, 'a', 254);
	for (size_t i = 63; i < 254; i += 64)
		name[i] = '.';
	name[253] = '\0';
	assert_true(dname_text_ok(name));
	name[253] = '.';
	name[254] = '\0';
	assert_true(dname_text_ok(name));
	name[253] = 'a';
	assert_false(dname_text_ok(name));
}

static void test_to_wire_overflow(void **state)
{
	uint8_t w[5];
	struct wbuf wb;

	(void)state;
	wbuf_init(&wb, w, sizeof(w));
	assert_int_equal(dname_to_wire("abcd.ef", &wb), 0);
	assert_true(wb.overflow);
}

static void test_round_trip(void **state)
{
	static const char *const names[] = {
		"a", "x-y_z.Example.ORG", "0.1.2.3.4.5.6.7.8.9", "",
	};
	char out[DNAME_MAX_TEXT + 1];
	uint8_t w[DNAME_MAX_WIRE];
	struct wbuf wb;
	struct buf b;

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		wbuf_init(&wb, w, sizeof(w));
		assert_int_equal(dname_to_wire(names[i], &wb), 0);
		buf_init(&b, w, wb.len);
		assert_int_equal(dname_from_wire(&b, out, sizeof(out)), 0);
		assert_string_equal(out, names[i]);
		assert_int_equal(buf_remaining(&b), 0);
	}
}

static void test_equal(void **state)
{
	(void)state;
	assert_true(dname_equal("pvd.example.com.", "PvD.Example.coM."));
	assert_true(dname_equal("pvd.example.com", "PVD.EXAMPLE.COM."));
	assert_true(dname_equal("", "."));
	assert_true(dname_equal("a_b-c", "A_B-C"));
	assert_false(dname_equal("pvd.example.com", "pvd.example.co"));
	assert_false(dname_equal("a", "a.."));   /* only one dot is ignored */
	assert_false(dname_equal("a", "b"));
	assert_false(dname_equal("a", NULL));
	/* ASCII folding only: '@' and '`' are not letters. */
	assert_false(dname_equal("@", "`"));
	assert_false(dname_equal("[", "{"));
}

/* ---- dname_from_msg(): compressed names (RFC 1035 section 4.1.4) ---- */

static int from_msg(const uint8_t *m, size_t len, size_t *off, char *out)
{
	return dname_from_msg(m, len, off, out, DNAME_MAX_TEXT + 1);
}

static void test_msg_compression(void **state)
{
	/* "apple.com" at 0, "eng" + pointer to 0 at 11, "x" + pointer to
	 * the pointer at 15 (a pointer may point at an earlier pointer),
	 * and a bare pointer to "com" at 21. */
	static const uint8_t m[] = {
		5, 'a', 'p', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
		3, 'e', 'n', 'g', 0xc0, 0x00,
		1, 'x', 0xc0, 0x0f,
		0xc0, 0x06,
	};
	char out[DNAME_MAX_TEXT + 1];
	size_t off = 0;

	(void)state;
	assert_int_equal(from_msg(m, sizeof(m), &off, out), 0);
	assert_string_equal(out, "apple.com");
	assert_int_equal(off, 11);
	assert_int_equal(from_msg(m, sizeof(m), &off, out), 0);
	assert_string_equal(out, "eng.apple.com");
	assert_int_equal(off, 17);   /* past the pointer, not the target */
	assert_int_equal(from_msg(m, sizeof(m), &off, out), 0);
	assert_string_equal(out, "x.apple.com");
	assert_int_equal(off, 21);
	assert_int_equal(from_msg(m, sizeof(m), &off, out), 0);
	assert_string_equal(out, "com");
	assert_int_equal(off, 23);
}

static void test_msg_root_and_uncompressed(void **state)
{
	static const uint8_t m[] = { 0, 2, 'a', 'b', 0 };
	char out[DNAME_MAX_TEXT + 1] = "junk";
	size_t off = 0;

	(void)state;
	assert_int_equal(from_msg(m, sizeof(m), &off, out), 0);
	assert_string_equal(out, "");
	assert_int_equal(off, 1);
	assert_int_equal(from_msg(m, sizeof(m), &off, out), 0);
	assert_string_equal(out, "ab");
	assert_int_equal(off, 5);
	/* At the end: nothing left to read. */
	assert_int_equal(from_msg(m, sizeof(m), &off, out), -EBADMSG);
	assert_int_equal(off, 5);
}

static void test_msg_pointer_forward(void **state)
{
	static const uint8_t m[] = { 1, 'a', 0xc0, 0x04, 1, 'b', 0 };
	char out[DNAME_MAX_TEXT + 1];
	size_t off = 0;

	(void)state;
	assert_int_equal(from_msg(m, sizeof(m), &off, out), -EBADMSG);
	assert_int_equal(off, 0);   /* unchanged on error */
}

static void test_msg_pointer_to_itself(void **state)
{
	static const uint8_t m[] = { 1, 'a', 0xc0, 0x02 };
	static const uint8_t first[] = { 0xc0, 0x00 };
	char out[DNAME_MAX_TEXT + 1];
	size_t off = 0;

	(void)state;
	assert_int_equal(from_msg(m, sizeof(m), &off, out), -EBADMSG);
	assert_int_equal(from_msg(first, sizeof(first), &off, out), -EBADMSG);
}

static void test_msg_no_loop(void **state)
{
	/* A at 0 points back to nothing before it; B at 2 points to A. A
	 * loop A -> B -> A would need A to point forward to B, which is the
	 * forward-pointer error: both names fail, whichever is read. */
	static const uint8_t m[] = { 0xc0, 0x02, 0xc0, 0x00 };
	/* The same with labels in between: "a" at 0 then a pointer at 2 to
	 * 4, and at 4 a pointer back to 0. */
	static const uint8_t m2[] = { 1, 'a', 0xc0, 0x04, 0xc0, 0x00 };
	char out[DNAME_MAX_TEXT + 1];
	size_t off;

	(void)state;
	off = 0;
	assert_int_equal(from_msg(m, sizeof(m), &off, out), -EBADMSG);
	off = 2;
	assert_int_equal(from_msg(m, sizeof(m), &off, out), -EBADMSG);
	off = 0;
	assert_int_equal(from_msg(m2, sizeof(m2), &off, out), -EBADMSG);
	off = 4;
	assert_int_equal(from_msg(m2, sizeof(m2), &off, out), -EBADMSG);
}

/* "a" at 0, then n pointers, each to the one before it (the first to 0).
 * Reading the last one follows n pointers. Returns the last one's offset. */
static size_t make_chain(uint8_t *m, size_t n)
{
	size_t pos = 3, prev = 0;

	m[0] = 1;
	m[1] = 'a';
	m[2] = 0;
	for (size_t i = 0; i < n; i++) {
		m[pos] = (uint8_t)(0xc0 | (prev >> 8));
		m[pos + 1] = (uint8_t)prev;
		prev = pos;
		pos += 2;
	}
	return prev;
}

static void test_msg_jump_cap(void **state)
{
	uint8_t m[3 + 2 * (DNAME_MAX_JUMPS + 1)];
	char out[DNAME_MAX_TEXT + 1];
	size_t off;

	(void)state;
	off = make_chain(m, DNAME_MAX_JUMPS);
	assert_int_equal(from_msg(m, 3 + 2 * DNAME_MAX_JUMPS, &off, out), 0);
	assert_string_equal(out, "a");
	assert_int_equal(off, 3 + 2 * DNAME_MAX_JUMPS);
	off = make_chain(m, DNAME_MAX_JUMPS + 1);
	assert_int_equal(from_msg(m, sizeof(m), &off, out), -EBADMSG);
	/* Backwards but re-entered: "a" then a pointer back to the "a", so
	 * the walk meets the same pointer again; the cap ends it. */
	off = 2;
	assert_int_equal(from_msg((const uint8_t *)"\x01" "a" "\xc0\x00", 4, &off, out),
			 -EBADMSG);
}

/* Append one label of len copies of c, then a pointer to ptr (or the root
 * if ptr is SIZE_MAX). Returns the new length. */
static size_t put_label_ptr(uint8_t *m, size_t at, size_t len, char c, size_t ptr)
{
	m[at++] = (uint8_t)len;
	memset(m + at, c, len);
	at += len;
	if (ptr == SIZE_MAX) {
		m[at++] = 0;
	} else {
		m[at++] = (uint8_t)(0xc0 | (ptr >> 8));
		m[at++] = (uint8_t)ptr;
	}
	return at;
}

static void test_msg_name_too_long(void **state)
{
	uint8_t m[400];
	char out[DNAME_MAX_TEXT + 1];
	size_t n, b1, b2, b3, off;

	(void)state;
	/* 63 a's at 0, then 63 b's -> 0, 63 c's -> b's: 3 x 64 + 1 = 193. */
	n = put_label_ptr(m, 0, 63, 'a', SIZE_MAX);
	b1 = n;
	n = put_label_ptr(m, n, 63, 'b', 0);
	b2 = n;
	n = put_label_ptr(m, n, 63, 'c', b1);
	/* 61 d's -> c's: 193 + 62 = 255, the maximum. */
	b3 = n;
	n = put_label_ptr(m, n, 61, 'd', b2);
	off = b3;
	assert_int_equal(from_msg(m, n, &off, out), 0);
	assert_int_equal(strlen(out), 253);
	assert_int_equal(off, n);
	/* 62 e's -> c's: 256 once expanded, though only 65 octets here. */
	b3 = n;
	n = put_label_ptr(m, n, 62, 'e', b2);
	off = b3;
	assert_int_equal(from_msg(m, n, &off, out), -EBADMSG);
	assert_int_equal(off, b3);
}

static void test_msg_label_too_long(void **state)
{
	uint8_t m[80];
	char out[DNAME_MAX_TEXT + 1];
	size_t off = 0;

	(void)state;
	/* 64 is 0x40: label type 01, and over 63 either way. */
	m[0] = 64;
	memset(m + 1, 'a', 64);
	m[65] = 0;
	assert_int_equal(from_msg(m, 66, &off, out), -EBADMSG);
	/* Type 10 (0x80) likewise. */
	m[0] = 0x81;
	assert_int_equal(from_msg(m, 66, &off, out), -EBADMSG);
}

static void test_msg_truncated(void **state)
{
	static const uint8_t half_ptr[] = { 1, 'a', 0xc0 };
	static const uint8_t cut_label[] = { 3, 'a', 'b' };
	static const uint8_t no_root[] = { 1, 'a' };
	char out[DNAME_MAX_TEXT + 1];
	size_t off = 0;

	(void)state;
	assert_int_equal(from_msg(half_ptr, sizeof(half_ptr), &off, out), -EBADMSG);
	assert_int_equal(from_msg(cut_label, sizeof(cut_label), &off, out), -EBADMSG);
	assert_int_equal(from_msg(no_root, sizeof(no_root), &off, out), -EBADMSG);
	/* The target is inside the buffer but its label runs off the end. */
	off = 2;
	assert_int_equal(from_msg((const uint8_t *)"\x05" "a" "\xc0\x00", 4, &off, out),
			 -EBADMSG);
	assert_int_equal(off, 2);
}

static void test_msg_bad_chars_and_args(void **state)
{
	static const uint8_t m[] = { 1, 'a', 0, 3, 'a', '.', 'b', 0xc0, 0x00 };
	char out[DNAME_MAX_TEXT + 1];
	char small[DNAME_MAX_TEXT];
	size_t off = 3;

	(void)state;
	assert_int_equal(from_msg(m, sizeof(m), &off, out), -EBADMSG);
	off = 0;
	assert_int_equal(dname_from_msg(m, sizeof(m), &off, small, sizeof(small)), -EINVAL);
	assert_int_equal(dname_from_msg(NULL, 0, &off, out, sizeof(out)), -EINVAL);
	assert_int_equal(dname_from_msg(m, sizeof(m), NULL, out, sizeof(out)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_name),
		cmocka_unit_test(test_root_only),
		cmocka_unit_test(test_allowed_chars),
		cmocka_unit_test(test_bad_chars),
		cmocka_unit_test(test_compression_and_label_types),
		cmocka_unit_test(test_label_lengths),
		cmocka_unit_test(test_name_lengths),
		cmocka_unit_test(test_runs_past_cursor),
		cmocka_unit_test(test_small_outsz),
		cmocka_unit_test(test_to_wire),
		cmocka_unit_test(test_to_wire_root),
		cmocka_unit_test(test_to_wire_bad),
		cmocka_unit_test(test_text_ok),
		cmocka_unit_test(test_to_wire_overflow),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_msg_compression),
		cmocka_unit_test(test_msg_root_and_uncompressed),
		cmocka_unit_test(test_msg_pointer_forward),
		cmocka_unit_test(test_msg_pointer_to_itself),
		cmocka_unit_test(test_msg_no_loop),
		cmocka_unit_test(test_msg_jump_cap),
		cmocka_unit_test(test_msg_name_too_long),
		cmocka_unit_test(test_msg_label_too_long),
		cmocka_unit_test(test_msg_truncated),
		cmocka_unit_test(test_msg_bad_chars_and_args),
		cmocka_unit_test(test_lookup_problem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
