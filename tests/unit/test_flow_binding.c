/* SPDX-License-Identifier: MIT */
/* Flow bindings between the mobile node (mobility/mob_flow.c through mn.c)
 * and the home agent (ha/ha_flow.c), message by message in memory: the
 * RFC 6089 statuses of refused bindings, the Flow Summary that leaves the
 * other flows untouched when one moves, the per-packet choice at both
 * ends, and n-cast duplicate suppression. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/mobility/mn.h"
#include "daemon/mobility/mob_flow.h"
#include "ha/ha_cache.h"
#include "ha/ha_flow.h"
#include "proto/mhtun.h"

static const uint8_t hoa[16] = { 0x20, 0x01, 0x0d, 0xb8, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10 };
static const uint8_t ha[16] = { 0x20, 0x01, 0x0d, 0xb8, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t cn[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xc, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };
#define NOW_NTP (3000000000ull << 32)

static struct mn_state mn;
static struct mob_flows mflows;
static struct ha_mn h;

static void setup_both(void)
{
	memset(&mn, 0, sizeof(mn));
	memset(&mflows, 0, sizeof(mflows));
	memcpy(&mn.hoa, hoa, 16);
	memcpy(&mn.ha, ha, 16);
	mn.spi = 256;
	memset(mn.key, 0x42, 32);
	mn.key_len = 32;
	mn.hb_misses = 3;
	mn.replay_window_s = 7;
	mn.lifetime = 150;
	mn.uplink = -1;
	mn.n_paths = 2;
	for (size_t i = 0; i < 2; i++) {
		mn.paths[i] = (struct mn_path){ .bid = (uint16_t)(i + 1), .pri = (uint8_t)i,
						.coa_family = 6, .link_up = true };
		mn.paths[i].coa[15] = (uint8_t)(i + 1);
		mn.paths[i].live.alive = true;
	}
	mn.flows = &mflows;
	assert_true(mn_pick(&mn));
	ha_flow_free(&h);
	memset(&h, 0, sizeof(h));
	memcpy(&h.hoa, hoa, 16);
	h.spi = 256;
	memset(h.key, 0x42, 32);
	h.key_len = 32;
	h.active = -1;
}

static void set_flows(const char *const *specs, size_t n)
{
	struct mob_flow next[MOB_FLOW_MAX];
	char err[128];

	for (size_t i = 0; i < n; i++)
		assert_int_equal(mob_flow_parse(specs[i], &next[i], err, sizeof(err)), 0);
	(void)mob_flow_set(&mflows, next, n);
}

/* One round: the MN's BU to the HA (as mif-had's ha_bu does), the BA back
 * to the MN. Returns the MN's action on the BA. */
static enum mn_action round_trip(uint64_t *ntp, long long now)
{
	struct sockaddr_in6 from = { .sin6_family = AF_INET6, .sin6_port = htons(4191) };
	uint8_t pkt[2200], mh[2048], out[2200], fx[256];
	size_t len, mlen, off, olen;
	struct mhtun_pkt t;
	struct mh_msg m, ba;

	assert_int_equal(mn_build_bu(&mn, (*ntp)++, now, pkt, sizeof(pkt), &len), 0);
	assert_int_equal(mhtun_parse(pkt, len, &t), 0);
	assert_int_equal(mh_parse(t.mh, t.mh_len, &m), 0);
	assert_int_equal(ha_cache_apply_bu(&h, &m, &from, now, &ba), MH_ST_ACCEPTED);
	assert_int_equal(ha_flow_apply(&h, t.mh, t.mh_len, m.seq, m.lifetime, fx, sizeof(fx),
				       &ba.extra_len), 0);
	ba.extra = fx;
	ba.has_ts = true;
	ba.ts = (*ntp)++;
	ba.has_auth = true;
	ba.spi = 256;
	assert_int_equal(mh_build(&ba, mh, sizeof(mh), &mlen, &off), 0);
	assert_int_equal(mhtun_sign(h.key, h.key_len, ha, hoa, mh, off), 0);
	assert_int_equal(mhtun_build_signal(ha, hoa, mh, mlen, pkt, sizeof(pkt), &len), 0);
	return mn_input(&mn, 0, pkt, len, *ntp, now, out, sizeof(out), &olen);
}

/* An IPv6 UDP packet; inbound: correspondent:cport -> home:hport. */
static size_t udp6(uint8_t *p, bool inbound, uint16_t cport, uint16_t hport, uint8_t tag)
{
	memset(p, 0, 49);
	p[0] = 0x60;
	p[5] = 9;
	p[6] = 17;
	p[7] = 64;
	memcpy(p + 8, inbound ? cn : hoa, 16);
	memcpy(p + 24, inbound ? hoa : cn, 16);
	p[40] = (uint8_t)((inbound ? cport : hport) >> 8);
	p[41] = (uint8_t)(inbound ? cport : hport);
	p[42] = (uint8_t)((inbound ? hport : cport) >> 8);
	p[43] = (uint8_t)(inbound ? hport : cport);
	p[45] = 9;
	p[48] = tag;
	return 49;
}

/* An IPv4 UDP packet, 32 octets; inbound: 192.0.2.2:cport -> 10.0.0.10:hport. */
static size_t udp4(uint8_t *p, bool inbound, uint16_t cport, uint16_t hport, uint8_t tag)
{
	static const uint8_t c4[4] = { 192, 0, 2, 2 }, h4[4] = { 10, 0, 0, 10 };

	memset(p, 0, 32);
	p[0] = 0x45;
	p[3] = 32;
	p[8] = 64;
	p[9] = 17;
	memcpy(p + 12, inbound ? c4 : h4, 4);
	memcpy(p + 16, inbound ? h4 : c4, 4);
	p[20] = (uint8_t)((inbound ? cport : hport) >> 8);
	p[21] = (uint8_t)(inbound ? cport : hport);
	p[22] = (uint8_t)((inbound ? hport : cport) >> 8);
	p[23] = (uint8_t)(inbound ? hport : cport);
	p[25] = 12;
	p[31] = tag;
	return 32;
}

static struct ha_flow *ha_fid(uint16_t fid)
{
	for (size_t i = 0; h.flows && i < h.flows->n; i++)
		if (h.flows->e[i].f.fid == fid)
			return &h.flows->e[i];
	return NULL;
}

static void test_register_and_move_one(void **state)
{
	static const char *const v1[] = {
		"a fid=1 pri=10 bid=1 proto=udp rport=7001",
		"b fid=2 pri=20 bid=2 proto=udp rport=7002",
	};
	static const char *const v2[] = {
		"a fid=1 pri=10 bid=1 proto=udp rport=7001",
		"b fid=2 pri=20 bid=1 proto=udp rport=7002",
	};
	uint64_t ntp = NOW_NTP;
	uint8_t p[64];
	struct ha_path *dup = NULL;
	int d;
	uint16_t seq_a;

	(void)state;
	setup_both();
	set_flows(v1, 2);
	assert_int_equal(round_trip(&ntp, 1000), MN_NONE);
	assert_non_null(h.flows);
	assert_int_equal(h.flows->n, 2);
	assert_int_equal(h.flows->c.accepted, 2);
	assert_false(mflows.e[0].dirty);
	assert_int_equal(mflows.e[1].ha_status, MH_FLOW_OK);
	/* Downlink of flow b on BID 2 at the HA; its uplink on path 2. */
	assert_ptr_equal(ha_flow_route(&h, p, udp6(p, true, 7002, 40000, 1), &dup),
			 ha_cache_path(&h, 2));
	assert_null(dup);
	assert_int_equal(mob_flow_uplink(&mflows, &mn, p, udp6(p, false, 7002, 40000, 1), &d), 1);
	/* No flow: the default path at both ends. */
	assert_null(ha_flow_route(&h, p, udp6(p, true, 9999, 40000, 1), &dup));
	assert_int_equal(mob_flow_uplink(&mflows, &mn, p, udp6(p, false, 9999, 40000, 1), &d), -1);
	/* Move b alone: a rides in the Flow Summary and keeps its BU. */
	seq_a = ha_fid(1)->since_seq;
	set_flows(v2, 2);
	assert_false(mflows.e[0].dirty);
	assert_true(mflows.e[1].dirty);
	assert_int_equal(round_trip(&ntp, 2000), MN_NONE);
	assert_int_equal(ha_fid(1)->since_seq, seq_a);
	assert_int_not_equal(ha_fid(2)->since_seq, seq_a);
	assert_int_equal(ha_fid(2)->f.bids[0], 1);
	assert_ptr_equal(ha_flow_route(&h, p, udp6(p, true, 7002, 40000, 1), &dup),
			 ha_cache_path(&h, 1));
	/* A flow left out of the configuration is removed at the HA. */
	set_flows(v2, 1);
	assert_int_equal(round_trip(&ntp, 3000), MN_NONE);
	assert_int_equal(h.flows->n, 1);
	assert_int_equal(h.flows->c.removed, 1);
	/* A deregistration of BID 2 alone leaves flow a (on BID 1) bound;
	 * with a flow on BID 2 that one goes (RFC 6089 5.2). */
	set_flows(v1, 2);
	assert_int_equal(round_trip(&ntp, 4000), MN_NONE);
	assert_int_equal(h.flows->n, 2);
	{
		struct sockaddr_in6 from = { .sin6_family = AF_INET6 };
		uint8_t bu[256], fx[64];
		size_t blen, flen = 0;
		struct mh_msg m, ba;

		memset(&m, 0, sizeof(m));
		m.type = MH_TYPE_BU;
		m.seq = 200;
		m.lifetime = 0;
		m.n_bids = 1;
		m.bids[0].bid = 2;
		assert_int_equal(mh_build(&m, bu, sizeof(bu), &blen, NULL), 0);
		assert_int_equal(ha_cache_apply_bu(&h, &m, &from, 5000, &ba), MH_ST_ACCEPTED);
		assert_int_equal(ha_flow_apply(&h, bu, blen, 200, 0, fx, sizeof(fx), &flen), 0);
		assert_int_equal(h.n_paths, 1);
		assert_int_equal(h.flows->n, 1);
		assert_int_equal(h.flows->e[0].f.fid, 1);
	}
}

static void test_refused(void **state)
{
	static const char *const v[] = {
		"a fid=1 pri=10 bid=1 proto=udp rport=7001",
		"d fid=4 pri=40 bid=7 proto=udp rport=7004",     /* no BID 7: 131 */
		"e fid=5 pri=10 bid=2 proto=udp rport=7005",     /* FID-PRI of a: 129 */
	};
	uint64_t ntp = NOW_NTP;

	(void)state;
	setup_both();
	set_flows(v, 3);
	assert_int_equal(round_trip(&ntp, 1000), MN_NONE);
	assert_int_equal(h.flows->n, 1);
	assert_int_equal(h.flows->c.refused[MH_FLOW_BID_NOT_FOUND - 128], 1);
	assert_int_equal(h.flows->c.refused[MH_FLOW_REJECTED - 128], 1);
	assert_int_equal(mflows.e[1].ha_status, MH_FLOW_BID_NOT_FOUND);
	assert_int_equal(mflows.e[2].ha_status, MH_FLOW_REJECTED);
	/* 131 stays pending (sent again with the BU that registers BID 7);
	 * 129 does not loop. */
	assert_true(mflows.e[1].dirty);
	assert_false(mflows.e[2].dirty);
}

/* A home agent that lost its flows (restart, takeover) answers 132 to the
 * summary; the mobile node sends them in full again at once. */
static void test_summary_unknown(void **state)
{
	static const char *const v[] = { "a fid=1 pri=10 bid=1 proto=udp rport=7001" };
	uint64_t ntp = NOW_NTP;

	(void)state;
	setup_both();
	set_flows(v, 1);
	assert_int_equal(round_trip(&ntp, 1000), MN_NONE);
	ha_flow_clear(&h);
	assert_int_equal(round_trip(&ntp, 2000), MN_REREGISTER);
	assert_int_equal(h.flows->c.refused[MH_FLOW_FID_NOT_FOUND - 128], 1);
	assert_true(mflows.e[0].dirty);
	assert_int_equal(round_trip(&ntp, 3000), MN_NONE);
	assert_int_equal(h.flows->n, 1);
}

static void test_ncast_and_share(void **state)
{
	static const char *const v[] = {
		"n fid=6 pri=5 bid=1,2 proto=udp rport=7006",
		"l fid=7 pri=6 bid=1:3,2:1 proto=udp rport=5201",
	};
	uint64_t ntp = NOW_NTP;
	uint8_t p[64];
	struct ha_path *dup = NULL;
	unsigned on1 = 0;
	size_t n;
	int d;

	(void)state;
	setup_both();
	set_flows(v, 2);
	assert_int_equal(round_trip(&ntp, 1000), MN_NONE);
	n = udp6(p, true, 7006, 40000, 1);
	assert_ptr_equal(ha_flow_route(&h, p, n, &dup), ha_cache_path(&h, 1));
	assert_ptr_equal(dup, ha_cache_path(&h, 2));
	/* The MN receives both copies: the second is dropped. */
	assert_false(mob_flow_dup_in(&mflows, p, n, 2000));
	assert_true(mob_flow_dup_in(&mflows, p, n, 2001));
	assert_false(mob_flow_dup_in(&mflows, p, udp6(p, true, 7006, 40000, 2), 2002));
	/* Out of the window, the same octets are a new packet. */
	n = udp6(p, true, 7006, 40000, 1);
	assert_false(mob_flow_dup_in(&mflows, p, n, 2001 + MH_DEDUP_WINDOW_MS + 1));
	assert_int_equal(mflows.dup_dropped, 1);
	/* Uplink: the MN sends on both; the HA drops the second. */
	n = udp6(p, false, 7006, 40000, 3);
	assert_int_equal(mob_flow_uplink(&mflows, &mn, p, n, &d), 0);
	assert_int_equal(d, 1);
	assert_false(ha_flow_dup_in(&h, p, n, 3000));
	assert_true(ha_flow_dup_in(&h, p, n, 3001));
	/* With path 2 dead at the HA, one copy on BID 1 only. */
	ha_cache_path(&h, 2)->live.alive = false;
	dup = NULL;
	assert_ptr_equal(ha_flow_route(&h, p, udp6(p, true, 7006, 40000, 4), &dup),
			 ha_cache_path(&h, 1));
	assert_null(dup);
	ha_cache_path(&h, 2)->live.alive = true;
	/* Load sharing: 400 transport flows, about 3/4 on BID 1, each flow
	 * on one path for every packet, the same choice at both ends. */
	for (uint16_t port = 30000; port < 30400; port++) {
		struct ha_path *x = ha_flow_route(&h, p, udp6(p, true, 5201, port, 1), &dup);
		int up = mob_flow_uplink(&mflows, &mn, p, udp6(p, false, 5201, port, 2), &d);

		assert_non_null(x);
		assert_ptr_equal(ha_flow_route(&h, p, udp6(p, true, 5201, port, 9), &dup), x);
		assert_int_equal(mn.paths[up].bid, x->bid);
		on1 += x->bid == 1;
	}
	assert_in_range(on1, 260, 340);
}

/* IPv4 selectors (format 1) for the IPv4 home address (RFC 5555): the
 * same binding, n-cast and dedupe as IPv6. */
static void test_ipv4_flow(void **state)
{
	static const char *const v[] = {
		"v4 fid=1 pri=1 bid=2 remote=192.0.2.0-192.0.2.255 proto=udp rport=7001",
		"n4 fid=2 pri=2 bid=1,2 family=4 proto=udp rport=7006",
	};
	uint64_t ntp = NOW_NTP;
	struct ha_path *dup = NULL;
	uint8_t p[64];
	size_t n;
	int d;

	(void)state;
	setup_both();
	set_flows(v, 2);
	assert_int_equal(mflows.e[0].f.ts.format, MH_TS_IPV4);
	assert_int_equal(round_trip(&ntp, 1000), MN_NONE);
	assert_int_equal(h.flows->n, 2);
	assert_ptr_equal(ha_flow_route(&h, p, udp4(p, true, 7001, 5000, 1), &dup),
			 ha_cache_path(&h, 2));
	assert_int_equal(mob_flow_uplink(&mflows, &mn, p, udp4(p, false, 7001, 5000, 1), &d), 1);
	/* An IPv6 packet with the same ports is not an IPv4 flow's. */
	assert_null(ha_flow_route(&h, p, udp6(p, true, 7001, 5000, 1), &dup));
	n = udp4(p, true, 7006, 5000, 3);
	assert_ptr_equal(ha_flow_route(&h, p, n, &dup), ha_cache_path(&h, 1));
	assert_ptr_equal(dup, ha_cache_path(&h, 2));
	assert_false(mob_flow_dup_in(&mflows, p, n, 2000));
	assert_true(mob_flow_dup_in(&mflows, p, n, 2001));
}

static void test_config_errors(void **state)
{
	static const char *const bad[] = {
		"x pri=1 bid=1 rport=1",                /* no fid */
		"x fid=1 bid=1",                        /* no selector */
		"x fid=1 rport=1",                      /* no bid */
		"x fid=1 bid=1:3,2 rport=1",            /* weights on some BIDs only */
		"x fid=1 bid=1 rport=9-2",              /* reversed range */
		"x fid=1 bid=1 proto=icmpx",
		"x fid=1 bid=1 dscp=64",
		"x fid=1 bid=1 remote=not-an-address",
		"x fid=1 bid=0 rport=1",
	};
	struct mob_flow f;
	char err[128];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(mob_flow_parse(bad[i], &f, err, sizeof(err)), -EINVAL);
	assert_int_equal(mob_flow_parse("v fid=9 pri=1 bid=2 remote=2001:db8:c::2 dscp=46",
					&f, err, sizeof(err)), 0);
	assert_int_equal(f.f.ts.fields, MH_TS_SRC | MH_TS_DS | MH_TS_DS_END);
	assert_int_equal(f.f.ts.ds[0], 46 << 2);
	assert_int_equal(f.f.ts.ds[1], 46 << 2 | 3);
}

/* A BU that drops a flow and adds one with its FID-PRI: accepted (the
 * dropped flow goes before the new one is checked). */
static void test_replace_priority(void **state)
{
	static const char *const v1[] = { "a fid=1 pri=10 bid=1 proto=udp rport=7001" };
	static const char *const v2[] = { "b fid=2 pri=10 bid=2 proto=udp rport=7002" };
	uint64_t ntp = NOW_NTP;

	(void)state;
	setup_both();
	set_flows(v1, 1);
	assert_int_equal(round_trip(&ntp, 1000), MN_NONE);
	set_flows(v2, 1);
	assert_int_equal(round_trip(&ntp, 2000), MN_NONE);
	assert_int_equal(h.flows->n, 1);
	assert_int_equal(h.flows->e[0].f.fid, 2);
	assert_int_equal(mflows.e[0].ha_status, MH_FLOW_OK);
}

/* Changed flows that do not fit the room a BU leaves wait for the next
 * BU, which the BA asks for at once (16 flows from configuration always
 * fit MOB_FLOW_OPTS_MAX: here the room is made small). */
static void test_bu_room(void **state)
{
	static char specs[MOB_FLOW_MAX][200];
	const char *v[MOB_FLOW_MAX];
	struct mh_flows ans;
	uint8_t out[512], bu[1024];
	size_t len, blen, sent = 0;
	struct mh_msg m;

	(void)state;
	setup_both();
	for (int i = 0; i < MOB_FLOW_MAX; i++) {
		snprintf(specs[i], sizeof(specs[i]), "f%d fid=%d pri=%d bid=1 proto=tcp rport=%d",
			 i, i + 1, i + 1, 1000 + i);
		v[i] = specs[i];
	}
	set_flows(v, MOB_FLOW_MAX);
	assert_int_equal(mob_flow_bu_opts(&mflows, out, 200, &len), 0);
	assert_true(len <= 200);
	for (int i = 0; i < MOB_FLOW_MAX; i++)
		sent += mflows.e[i].in_bu;
	assert_in_range(sent, 1, MOB_FLOW_MAX - 1);
	/* The home agent accepts those: the BA asks for another BU. */
	memset(&ans, 0, sizeof(ans));
	for (int i = 0; i < MOB_FLOW_MAX; i++)
		if (mflows.e[i].in_bu)
			ans.f[ans.n++] = (struct mh_flow){ .fid = mflows.e[i].f.fid };
	assert_int_equal(mh_flow_build(&ans, out, sizeof(out), &len), 0);
	memset(&m, 0, sizeof(m));
	m.type = MH_TYPE_BA;
	m.extra = out;
	m.extra_len = len;
	assert_int_equal(mh_build(&m, bu, sizeof(bu), &blen, NULL), 0);
	assert_true(mob_flow_ba(&mflows, bu, blen));
	assert_false(mflows.e[0].dirty);
	assert_true(mflows.e[MOB_FLOW_MAX - 1].dirty);
}

/* Contradictions the codec cannot see, refused by the home agent: the
 * same FID twice in one BU (130), BIDs for a FID it does not have (132),
 * a new FID with a selector and no BIDs (130), and a selector whose
 * format it does not know (133, from the codec). */
static void test_ha_statuses(void **state)
{
	static const uint8_t ts[] = { 3, 8, 2, 0, 0x00, 0x80, 0, 0, 0x1b, 0x59 };
	uint8_t opts[256], bu[512], fx[256];
	struct mh_flows in, out;
	size_t len, blen, flen;
	struct mh_msg m;

	(void)state;
	setup_both();
	h.n_paths = 1;
	h.paths[0] = (struct ha_path){ .bid = 1, .pri = 0 };
	h.paths[0].live.alive = true;
	memset(&in, 0, sizeof(in));
	in.n = 4;
	in.f[0] = (struct mh_flow){ .fid = 1, .fid_pri = 1, .n_bids = 1, .bids = { 1 } };
	in.f[1] = in.f[0];
	in.f[0].has_ts = in.f[1].has_ts = true;
	assert_int_equal(mh_ts_parse(ts + 2, sizeof(ts) - 2, &in.f[0].ts), MH_FLOW_OK);
	in.f[1].ts = in.f[0].ts;
	in.f[1].fid_pri = 2;
	in.f[2] = (struct mh_flow){ .fid = 9, .fid_pri = 9, .n_bids = 1, .bids = { 1 } };
	in.f[3] = (struct mh_flow){ .fid = 8, .fid_pri = 8, .has_ts = true, .ts = in.f[0].ts };
	assert_int_equal(mh_flow_build(&in, opts, sizeof(opts), &len), 0);
	/* And a Flow Identification option with selector format 7. */
	memcpy(opts + len, (const uint8_t[]){ 45, 14, 0, 7, 0, 7, 0, 0, 3, 6, 7, 0, 0, 0, 0, 0 },
	       16);
	len += 16;
	memset(&m, 0, sizeof(m));
	m.type = MH_TYPE_BU;
	m.seq = 1;
	m.lifetime = 10;
	m.extra = opts;
	m.extra_len = len;
	assert_int_equal(mh_build(&m, bu, sizeof(bu), &blen, NULL), 0);
	assert_int_equal(ha_flow_apply(&h, bu, blen, 1, 10, fx, sizeof(fx), &flen), 0);
	assert_int_equal(h.flows->n, 1);                /* the first FID 1 */
	assert_int_equal(h.flows->e[0].f.fid_pri, 1);
	memset(&m, 0, sizeof(m));
	m.type = MH_TYPE_BA;
	m.extra = fx;
	m.extra_len = flen;
	assert_int_equal(mh_build(&m, bu, sizeof(bu), &blen, NULL), 0);
	assert_int_equal(mh_flow_parse(bu, blen, &out), 0);
	assert_int_equal(out.n, 5);
	assert_int_equal(out.f[0].status, MH_FLOW_OK);
	assert_int_equal(out.f[1].status, MH_FLOW_MALFORMED);
	assert_int_equal(out.f[2].status, MH_FLOW_FID_NOT_FOUND);
	assert_int_equal(out.f[3].status, MH_FLOW_MALFORMED);
	assert_int_equal(out.f[4].status, MH_FLOW_TS_UNSUPPORTED);
	assert_int_equal(h.flows->c.refused[MH_FLOW_MALFORMED - 128], 2);
	assert_int_equal(h.flows->c.refused[MH_FLOW_TS_UNSUPPORTED - 128], 1);
}

static int teardown(void **state)
{
	(void)state;
	ha_flow_free(&h);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register_and_move_one),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_summary_unknown),
		cmocka_unit_test(test_ncast_and_share),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_ipv4_flow),
		cmocka_unit_test(test_replace_priority),
		cmocka_unit_test(test_bu_room),
		cmocka_unit_test(test_ha_statuses),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
