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
		cmocka_unit_test(test_to_wire_overflow),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_equal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
