/* SPDX-License-Identifier: MIT */
/* Flow Identification / Flow Summary options and binary traffic selectors
 * (mh_flow.h) against byte vectors written from RFC 6089 4.2 and RFC 6088
 * 3.1 / 3.2 (flags A.. from the top bit of a 32-bit word, then only the
 * fields whose flags are set, in the RFC's order). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "proto/mh.h"
#include "proto/mh_flow.h"

/* FID 1, FID-PRI 10, status 0; BID Reference {2}; IPv6 selector with the
 * source port (I) 5201 and the next header (O) 6: flags 0x00820000. */
static const uint8_t flow6[] = {
	45, 21, 0x00, 0x01, 0x00, 0x0a, 0x00, 0x00,
	2, 2, 0x00, 0x02,
	3, 9, 2, 0, 0x00, 0x82, 0x00, 0x00, 0x14, 0x51, 6,
};

/* IPv4 selector: destination start (C) 192.0.2.1, source port start (G)
 * and end (H) 1000-2000, protocol start (M) 17: flags 0x23080000. */
static const uint8_t ts4[] = {
	1, 0, 0x23, 0x08, 0x00, 0x00, 192, 0, 2, 1, 0x03, 0xe8, 0x07, 0xd0, 17,
};

static void bu_with(const uint8_t *opts, size_t n, uint8_t *out, size_t *len)
{
	struct mh_msg m;

	memset(&m, 0, sizeof(m));
	m.type = MH_TYPE_BU;
	m.seq = 7;
	m.lifetime = 10;
	m.extra = opts;
	m.extra_len = n;
	assert_int_equal(mh_build(&m, out, 512, len, NULL), 0);
}

static void test_build_flow6(void **state)
{
	struct mh_flows fl, back;
	uint8_t out[256], bu[512];
	size_t len, blen;
	struct mh_msg m;

	(void)state;
	memset(&fl, 0, sizeof(fl));
	fl.n = 1;
	fl.f[0].fid = 1;
	fl.f[0].fid_pri = 10;
	fl.f[0].n_bids = 1;
	fl.f[0].bids[0] = 2;
	fl.f[0].has_ts = true;
	fl.f[0].ts.format = MH_TS_IPV6;
	fl.f[0].ts.fields = MH_TS_SPORT | MH_TS_PROTO;
	fl.f[0].ts.sport[0] = 5201;
	fl.f[0].ts.proto[0] = 6;
	assert_int_equal(mh_flow_build(&fl, out, sizeof(out), &len), 0);
	assert_int_equal(len, sizeof(flow6));
	assert_memory_equal(out, flow6, sizeof(flow6));
	/* In a BU: mh_parse() skips it, mh_flow_parse() finds it. */
	bu_with(out, len, bu, &blen);
	assert_int_equal(mh_parse(bu, blen, &m), 0);
	assert_int_equal(mh_flow_parse(bu, blen, &back), 0);
	assert_int_equal(back.n, 1);
	assert_int_equal(back.f[0].bad, 0);
	assert_int_equal(back.f[0].fid, 1);
	assert_int_equal(back.f[0].fid_pri, 10);
	assert_int_equal(back.f[0].n_bids, 1);
	assert_int_equal(back.f[0].bids[0], 2);
	assert_true(back.f[0].has_ts);
	assert_int_equal(back.f[0].ts.fields, MH_TS_SPORT | MH_TS_PROTO);
	assert_int_equal(back.f[0].ts.sport[0], 5201);
}

static void test_parse_ts4(void **state)
{
	struct mh_ts ts;
	struct mh_flows fl;
	uint8_t out[64];
	size_t len;

	(void)state;
	assert_int_equal(mh_ts_parse(ts4, sizeof(ts4), &ts), MH_FLOW_OK);
	assert_int_equal(ts.format, MH_TS_IPV4);
	assert_int_equal(ts.fields, MH_TS_DST | MH_TS_SPORT | MH_TS_SPORT_END | MH_TS_PROTO);
	assert_memory_equal(ts.dst[0], ((const uint8_t[]){ 192, 0, 2, 1 }), 4);
	assert_int_equal(ts.sport[0], 1000);
	assert_int_equal(ts.sport[1], 2000);
	assert_int_equal(ts.proto[0], 17);
	/* And back to the same octets. */
	memset(&fl, 0, sizeof(fl));
	fl.n = 1;
	fl.f[0].fid = 3;
	fl.f[0].has_ts = true;
	fl.f[0].ts = ts;
	assert_int_equal(mh_flow_build(&fl, out, sizeof(out), &len), 0);
	assert_int_equal(len, 8 + 2 + sizeof(ts4));
	assert_memory_equal(out + 10, ts4, sizeof(ts4));
}

static uint8_t ts_status(const uint8_t *p, size_t n)
{
	struct mh_ts ts;

	return mh_ts_parse(p, n, &ts);
}

static void test_bad_ts(void **state)
{
	uint8_t v[sizeof(ts4)];

	(void)state;
	memcpy(v, ts4, sizeof(v));
	v[0] = 3;               /* no such format */
	assert_int_equal(ts_status(v, sizeof(v)), MH_FLOW_TS_UNSUPPORTED);
	memcpy(v, ts4, sizeof(v));
	v[10] = 0x09;           /* source port start 2536 > end 2000 */
	assert_int_equal(ts_status(v, sizeof(v)), MH_FLOW_MALFORMED);
	assert_int_equal(ts_status(ts4, sizeof(ts4) - 1), MH_FLOW_MALFORMED);
	assert_int_equal(ts_status(ts4, 5), MH_FLOW_MALFORMED);
	memcpy(v, ts4, sizeof(v));
	v[2] = 0x01;            /* H without G: an end without its start */
	v[3] = 0x00;
	assert_int_equal(ts_status(v, 2 + 4 + 2), MH_FLOW_MALFORMED);
	v[2] = 0;               /* no field at all */
	assert_int_equal(ts_status(v, 6), MH_FLOW_MALFORMED);
}

static uint8_t flow_bad(const uint8_t *opt, size_t n)
{
	uint8_t bu[512];
	struct mh_flows fl;
	size_t blen;

	bu_with(opt, n, bu, &blen);
	assert_int_equal(mh_flow_parse(bu, blen, &fl), 0);
	assert_int_equal(fl.n, 1);
	return fl.f[0].bad;
}

static void test_bad_flow(void **state)
{
	static const uint8_t odd_ref[] = { 45, 9, 0, 1, 0, 1, 0, 0, 2, 1, 0 };
	static const uint8_t bid0[] = { 45, 10, 0, 1, 0, 1, 0, 0, 2, 2, 0, 0 };
	static const uint8_t twice[] = { 45, 12, 0, 1, 0, 1, 0, 0, 2, 4, 0, 1, 0, 1 };
	static const uint8_t weights[] = { 45, 15, 0, 1, 0, 1, 0, 0, 2, 4, 0, 1, 0, 2,
					   255, 1, 3 };
	static const uint8_t weight0[] = { 45, 16, 0, 1, 0, 1, 0, 0, 2, 4, 0, 1, 0, 2,
					   255, 2, 3, 0 };
	static const uint8_t overrun[] = { 45, 10, 0, 1, 0, 1, 0, 0, 2, 9, 0, 1 };
	static const uint8_t good[] = { 45, 16, 0, 1, 0, 1, 0, 0, 2, 4, 0, 1, 0, 2,
					255, 2, 3, 1 };
	static const uint8_t short_opt[] = { 45, 4, 0, 1, 0, 1 };
	static const uint8_t odd_sum[] = { 44, 3, 0, 1, 0 };
	uint8_t bu[512];
	struct mh_flows fl;
	size_t blen;

	(void)state;
	assert_int_equal(flow_bad(odd_ref, sizeof(odd_ref)), MH_FLOW_MALFORMED);
	assert_int_equal(flow_bad(bid0, sizeof(bid0)), MH_FLOW_MALFORMED);
	assert_int_equal(flow_bad(twice, sizeof(twice)), MH_FLOW_MALFORMED);
	assert_int_equal(flow_bad(weights, sizeof(weights)), MH_FLOW_MALFORMED);
	assert_int_equal(flow_bad(weight0, sizeof(weight0)), MH_FLOW_MALFORMED);
	assert_int_equal(flow_bad(overrun, sizeof(overrun)), MH_FLOW_MALFORMED);
	assert_int_equal(flow_bad(good, sizeof(good)), MH_FLOW_OK);
	bu_with(good, sizeof(good), bu, &blen);
	assert_int_equal(mh_flow_parse(bu, blen, &fl), 0);
	assert_true(fl.f[0].has_weights);
	assert_int_equal(fl.f[0].weights[0], 3);
	assert_int_equal(fl.f[0].weights[1], 1);
	bu_with(short_opt, sizeof(short_opt), bu, &blen);
	assert_int_equal(mh_flow_parse(bu, blen, &fl), -EBADMSG);
	bu_with(odd_sum, sizeof(odd_sum), bu, &blen);
	assert_int_equal(mh_flow_parse(bu, blen, &fl), -EBADMSG);
}

/* An IPv6 TCP packet header src:sport -> dst:dport (40 + 4 octets). */
static void pkt6(uint8_t *p, uint8_t s, uint16_t sport, uint8_t d, uint16_t dport)
{
	memset(p, 0, 44);
	p[0] = 0x60;
	p[5] = 4;
	p[6] = 6;
	p[8] = 0x20;
	p[23] = s;
	p[24] = 0x20;
	p[39] = d;
	p[40] = (uint8_t)(sport >> 8);
	p[41] = (uint8_t)sport;
	p[42] = (uint8_t)(dport >> 8);
	p[43] = (uint8_t)dport;
}

static void test_match_and_hash(void **state)
{
	struct mh_pkt_key in, out, other;
	struct mh_ts ts;
	uint8_t p[44];
	struct mh_flow f;
	bool usable[2] = { true, true };
	unsigned n0 = 0;

	(void)state;
	assert_int_equal(mh_ts_parse(flow6 + 14, 9, &ts), MH_FLOW_OK);
	pkt6(p, 1, 5201, 2, 40000);     /* correspondent -> home */
	assert_int_equal(mh_pkt_key(p, sizeof(p), &in), 0);
	pkt6(p, 2, 40000, 1, 5201);     /* home -> correspondent */
	assert_int_equal(mh_pkt_key(p, sizeof(p), &out), 0);
	pkt6(p, 1, 5202, 2, 40000);
	assert_int_equal(mh_pkt_key(p, sizeof(p), &other), 0);
	assert_true(mh_ts_match(&ts, &in, true));
	assert_false(mh_ts_match(&ts, &in, false));
	assert_true(mh_ts_match(&ts, &out, false));
	assert_false(mh_ts_match(&ts, &other, true));
	assert_int_equal(mh_pkt_flow_hash(&in), mh_pkt_flow_hash(&out));
	assert_int_not_equal(mh_pkt_flow_hash(&in), mh_pkt_flow_hash(&other));
	/* Weights 3:1 over 4000 flows: about 3000 on the first BID. */
	memset(&f, 0, sizeof(f));
	f.n_bids = 2;
	f.has_weights = true;
	f.weights[0] = 3;
	f.weights[1] = 1;
	for (unsigned i = 0; i < 4000; i++) {
		pkt6(p, (uint8_t)(i % 200), (uint16_t)(30000 + i), 1, 5201);
		assert_int_equal(mh_pkt_key(p, sizeof(p), &in), 0);
		n0 += mh_flow_weighted(&f, mh_pkt_flow_hash(&in), usable) == 0;
	}
	assert_in_range(n0, 2800, 3200);
	usable[0] = false;
	assert_int_equal(mh_flow_weighted(&f, 12345, usable), 1);
	usable[1] = false;
	assert_int_equal(mh_flow_weighted(&f, 12345, usable), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_flow6),
		cmocka_unit_test(test_parse_ts4),
		cmocka_unit_test(test_bad_ts),
		cmocka_unit_test(test_bad_flow),
		cmocka_unit_test(test_match_and_hash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
