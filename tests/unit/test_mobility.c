/* SPDX-License-Identifier: MIT */
/* The mobile node's logic (mobility/mn.c) against the home agent's binding
 * cache (ha/ha_cache.c), message by message in memory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "daemon/mobility/mn.h"
#include "ha/ha_cache.h"
#include "ha/ha_store.h"
#include "proto/mhtun.h"

static const uint8_t hoa[16] = { 0x20, 0x01, 0x0d, 0xb8, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10 };
static const uint8_t ha[16] = { 0x20, 0x01, 0x0d, 0xb8, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t coa1[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10 };
static const uint8_t coa2[4] = { 192, 0, 2, 10 };
#define NOW_NTP (3000000000ull << 32)

static void mn_setup(struct mn_state *mn)
{
	memset(mn, 0, sizeof(*mn));
	memcpy(&mn->hoa, hoa, 16);
	memcpy(&mn->ha, ha, 16);
	mn->spi = 256;
	memset(mn->key, 0x42, 32);
	mn->key_len = 32;
	mn->hb_misses = 3;
	mn->replay_window_s = 7;
	mn->lifetime = 150;
	mn->uplink = -1;
	mn->n_paths = 2;
	mn->paths[0] = (struct mn_path){ .bid = 1, .pri = 0, .coa_family = 6, .link_up = true };
	memcpy(mn->paths[0].coa, coa1, 16);
	mn->paths[1] = (struct mn_path){ .bid = 2, .pri = 1, .coa_family = 4, .link_up = true };
	memcpy(mn->paths[1].coa, coa2, 4);
	mn->paths[0].live.alive = mn->paths[1].live.alive = true;
	assert_true(mn_pick(mn));
}

static void ha_setup(struct ha_mn *h)
{
	memset(h, 0, sizeof(*h));
	memcpy(&h->hoa, hoa, 16);
	h->spi = 256;
	memset(h->key, 0x42, 32);
	h->key_len = 32;
	h->active = -1;
}

/* What mif-had does with a tunnel packet carrying a BU. */
static uint8_t ha_take_bu(struct ha_mn *h, const uint8_t *pkt, size_t len,
			  struct mh_msg *ba, long long now)
{
	struct sockaddr_in6 from = { .sin6_family = AF_INET6, .sin6_port = htons(4191) };
	struct mhtun_pkt t;
	struct mh_msg m;

	memcpy(&from.sin6_addr, coa1, 16);
	assert_int_equal(mhtun_parse(pkt, len, &t), 0);
	assert_int_equal(t.kind, MHTUN_SIGNAL);
	assert_int_equal(mh_parse(t.mh, t.mh_len, &m), 0);
	assert_int_equal(mhtun_verify(h->key, h->key_len, t.src, t.dst, t.mh, t.mh_len, m.auth,
				      m.auth_covered, m.has_auth), 0);
	return ha_cache_apply_bu(h, &m, &from, now, ba);
}

static size_t seal(const struct ha_mn *h, struct mh_msg *m, uint64_t ts, uint8_t *out)
{
	uint8_t mh[512];
	size_t len, off, plen;

	m->has_ts = true;
	m->ts = ts;
	m->has_auth = true;
	m->spi = 256;
	assert_int_equal(mh_build(m, mh, sizeof(mh), &len, &off), 0);
	assert_int_equal(mhtun_sign(h->key, h->key_len, ha, hoa, mh, off), 0);
	assert_int_equal(mhtun_build_signal(ha, hoa, mh, len, out, 600, &plen), 0);
	return plen;
}

static void test_bulk_registration(void **state)
{
	struct mn_state mn;
	struct ha_mn h;
	struct mh_msg ba;
	uint8_t pkt[1024], out[600];
	size_t len, olen;

	(void)state;
	mn_setup(&mn);
	ha_setup(&h);
	assert_int_equal(mn_build_bu(&mn, NOW_NTP, 1000, pkt, sizeof(pkt), &len), 0);
	assert_int_equal(ha_take_bu(&h, pkt, len, &ba, 1000), MH_ST_ACCEPTED);
	assert_int_equal(h.n_paths, 2);
	assert_int_equal(h.paths[h.active].bid, 1);
	/* BID 2's CoA is IPv4: reached as v4-mapped at the BU's port. */
	assert_int_equal(ha_cache_path(&h, 2)->peer.sin6_addr.s6_addr[10], 0xff);
	assert_memory_equal(&ha_cache_path(&h, 2)->peer.sin6_addr.s6_addr[12], coa2, 4);
	assert_int_equal(ba.n_bids, 2);
	assert_int_equal(ba.bids[0].status, 0);

	len = seal(&h, &ba, NOW_NTP + 1, pkt);
	assert_int_equal(mn_input(&mn, 0, pkt, len, NOW_NTP + 2, 1010, out, sizeof(out), &olen),
			 MN_NONE);
	assert_int_equal(mn.ba_ok, 1);
	assert_true(mn.registered_ms == 1010);
	/* The same BA again is a replay. */
	assert_int_equal(mn_input(&mn, 0, pkt, len, NOW_NTP + 2, 1011, out, sizeof(out), &olen),
			 MN_NONE);
	assert_int_equal(mn.drop_replay, 1);
	assert_int_equal(mn.ba_ok, 1);
	/* The same BU again: sequence number not newer, nothing changes. */
	assert_int_equal(mn_build_bu(&mn, NOW_NTP + 3, 1020, pkt, sizeof(pkt), &len), 0);
	mn.bu_seq--;
	assert_int_equal(mn_build_bu(&mn, NOW_NTP + 4, 1020, pkt, sizeof(pkt), &len), 0);
	assert_int_equal(ha_take_bu(&h, pkt, len, &ba, 1020), MH_ST_ACCEPTED);
	assert_int_equal(ha_take_bu(&h, pkt, len, &ba, 1020), MH_ST_SEQ_OUT_OF_WINDOW);
}

/* A mobile node that starts again (a new network-facing process) begins
 * below the home agent's last sequence number: status 135 tells it where
 * to go on from, and its next BU is accepted. */
static void test_seq_out_of_window(void **state)
{
	struct mn_state mn;
	struct ha_mn h;
	struct mh_msg ba;
	uint8_t pkt[1024], out[600];
	size_t len, olen;

	(void)state;
	mn_setup(&mn);
	ha_setup(&h);
	h.has_seq = true;
	h.last_seq = 500;
	assert_int_equal(mn_build_bu(&mn, NOW_NTP, 1000, pkt, sizeof(pkt), &len), 0);
	assert_int_equal(ha_take_bu(&h, pkt, len, &ba, 1000), MH_ST_SEQ_OUT_OF_WINDOW);
	assert_int_equal(ba.seq, 500);
	len = seal(&h, &ba, NOW_NTP + 1, pkt);
	assert_int_equal(mn_input(&mn, 0, pkt, len, NOW_NTP + 2, 1010, out, sizeof(out), &olen),
			 MN_REREGISTER);
	assert_int_equal(mn.bu_seq, 500);
	assert_int_equal(mn.ba_refused, 1);
	assert_int_equal(mn_build_bu(&mn, NOW_NTP + 3, 1020, pkt, sizeof(pkt), &len), 0);
	assert_int_equal(ha_take_bu(&h, pkt, len, &ba, 1020), MH_ST_ACCEPTED);
	assert_int_equal(ba.seq, 501);
	/* A forged 135 (wrong key) moves nothing. */
	memset(h.key, 0x43, 32);
	ba.status = MH_ST_SEQ_OUT_OF_WINDOW;
	ba.seq = 9000;
	len = seal(&h, &ba, NOW_NTP + 4, pkt);
	assert_int_equal(mn_input(&mn, 0, pkt, len, NOW_NTP + 5, 1030, out, sizeof(out), &olen),
			 MN_NONE);
	assert_int_equal(mn.bu_seq, 501);
}

static void test_heartbeat_failover(void **state)
{
	struct mn_state mn;
	struct ha_mn h;
	struct mh_msg ba, hb;
	uint8_t pkt[1024], out[600];
	size_t len, olen;

	(void)state;
	mn_setup(&mn);
	ha_setup(&h);
	assert_int_equal(mn_build_bu(&mn, NOW_NTP, 0, pkt, sizeof(pkt), &len), 0);
	ha_take_bu(&h, pkt, len, &ba, 0);
	/* The HA's heartbeats on BID 1 go unanswered: three misses. */
	for (int i = 1; i <= 4; i++)
		mhtun_live_sent(&ha_cache_path(&h, 1)->live, (uint32_t)i, i * 100, 3);
	assert_false(ha_cache_path(&h, 1)->live.alive);
	assert_true(ha_cache_pick(&h));
	assert_int_equal(h.paths[h.active].bid, 2);
	/* The MN's side: three unanswered requests on path 0. */
	for (int i = 0; i < 4; i++)
		assert_int_equal(mn_build_hb(&mn, 0, NOW_NTP + (uint64_t)i, (i + 1) * 100, pkt,
					     sizeof(pkt), &len), 0);
	assert_false(mn.paths[0].live.alive);
	assert_true(mn_pick(&mn));
	assert_int_equal(mn.uplink, 1);
	/* The confirming BU sends the dead BID with BID-PRI 127. */
	assert_int_equal(mn_build_bu(&mn, NOW_NTP + 10, 500, pkt, sizeof(pkt), &len), 0);
	ha_take_bu(&h, pkt, len, &ba, 500);
	assert_int_equal(ha_cache_path(&h, 1)->pri, MN_PRI_DEAD);
	/* An answer to the latest request re-validates path 0: re-register. */
	memset(&hb, 0, sizeof(hb));
	hb.type = MH_TYPE_HB;
	hb.flags = MH_HB_R;
	hb.hb_seq = mn.paths[0].live.seq;
	hb.n_bids = 1;
	hb.bids[0].bid = 1;
	len = seal(&h, &hb, NOW_NTP + 20, pkt);
	assert_int_equal(mn_input(&mn, 0, pkt, len, NOW_NTP + 20, 600, out, sizeof(out), &olen),
			 MN_REREGISTER);
	assert_int_equal(mn.uplink, 0);
	/* A heartbeat request from the HA is answered on the same path. */
	hb.flags = 0;
	hb.hb_seq = 77;
	len = seal(&h, &hb, NOW_NTP + 21, pkt);
	assert_int_equal(mn_input(&mn, 0, pkt, len, NOW_NTP + 21, 610, out, sizeof(out), &olen),
			 MN_REPLY);
	assert_true(olen > 40);
}

/* Path exploration: an overdue heartbeat is followed up at once, so a path
 * that went silent is dead three timeouts (50 ms each on a LAN) after its
 * first unanswered request, not three intervals. */
static void test_heartbeat_due(void **state)
{
	struct mhtun_live l;
	long long t = 0;

	(void)state;
	memset(&l, 0, sizeof(l));
	l.alive = true;
	assert_int_equal(mhtun_live_due_ms(&l, 100), 0);
	mhtun_live_sent(&l, 1, 1000, 3);
	assert_true(mhtun_live_answer(&l, 1, 1001));    /* 1 ms round trip */
	assert_int_equal(mhtun_live_due_ms(&l, 100), 1100);
	mhtun_live_sent(&l, 2, 1100, 3);                /* then silence */
	for (uint32_t seq = 3; l.alive; seq++) {
		t = mhtun_live_due_ms(&l, 100);
		assert_true(t > 1100 && t <= 1400);
		mhtun_live_sent(&l, seq, t, 3);
	}
	assert_int_equal(t, 1250);
	/* A long path: four round trips, at most the interval. */
	memset(&l, 0, sizeof(l));
	mhtun_live_sent(&l, 1, 1000, 3);
	assert_true(mhtun_live_answer(&l, 1, 1020));
	mhtun_live_sent(&l, 2, 1100, 3);
	assert_int_equal(mhtun_live_due_ms(&l, 100), 1180);
	l.rtt_us = 40000;
	assert_int_equal(mhtun_live_due_ms(&l, 100), 1200);
}

/* An answer on path i to the MN's latest request there, from the HA. */
static enum mn_action answer(struct mn_state *mn, const struct ha_mn *h, size_t i,
			     uint64_t ts, long long now)
{
	uint8_t pkt[600], out[600];
	struct mh_msg hb;
	size_t len, olen;

	memset(&hb, 0, sizeof(hb));
	hb.type = MH_TYPE_HB;
	hb.flags = MH_HB_R;
	hb.hb_seq = mn->paths[i].live.seq;
	hb.n_bids = 1;
	hb.bids[0].bid = mn->paths[i].bid;
	len = seal(h, &hb, ts, pkt);
	return mn_input(mn, i, pkt, len, ts, now, out, sizeof(out), &olen);
}

/*
 * Home agent redundancy (issue 16): agent A dies; agent B took over its
 * address and loaded its record from the store. The mobile node finds every
 * path dead by its heartbeats, then each path answered again (by B):
 * every return re-registers, so B learns the real BID-PRIs, with a
 * sequence number B accepts (it has A's last one from the store).
 */
static void test_ha_switch(void **state)
{
	struct mn_state mn;
	struct ha_mn a, b;
	struct mh_msg ba;
	uint8_t pkt[1024];
	long long ttl;
	char *rec;
	size_t len;

	(void)state;
	mn_setup(&mn);
	ha_setup(&a);
	assert_int_equal(mn_build_bu(&mn, NOW_NTP, 0, pkt, sizeof(pkt), &len), 0);
	assert_int_equal(ha_take_bu(&a, pkt, len, &ba, 0), MH_ST_ACCEPTED);
	assert_int_equal(ha_store_encode(&a, 0, 1796470000000LL, &rec, &ttl), 0);
	ha_setup(&b);
	assert_int_equal(ha_store_decode(rec, strlen(rec), 0, 1796470000000LL, &b), 0);
	free(rec);
	assert_int_equal(b.n_paths, 2);
	assert_true(b.has_seq);
	assert_int_equal(b.last_seq, a.last_seq);
	/* A is gone: four unanswered requests on both paths. */
	for (int k = 0; k < 4; k++)
		for (size_t i = 0; i < 2; i++)
			assert_int_equal(mn_build_hb(&mn, i, NOW_NTP + (uint64_t)k, (k + 1) * 100,
						     pkt, sizeof(pkt), &len), 0);
	assert_false(mn.paths[0].live.alive);
	assert_false(mn.paths[1].live.alive);
	assert_true(mn_pick(&mn));
	assert_int_equal(mn.uplink, -1);
	assert_int_equal(mn_build_bu(&mn, NOW_NTP + 10, 450, pkt, sizeof(pkt), &len), 0);
	/* B answers on path 1 first (the uplink: re-register), then path 0
	 * (the uplink moves back: re-register). */
	for (size_t i = 0; i < 2; i++)
		assert_int_equal(mn_build_hb(&mn, i, NOW_NTP + 20, 500, pkt, sizeof(pkt), &len), 0);
	assert_int_equal(answer(&mn, &b, 1, NOW_NTP + 21, 510), MN_REREGISTER);
	assert_int_equal(mn.uplink, 1);
	assert_int_equal(answer(&mn, &b, 0, NOW_NTP + 22, 520), MN_REREGISTER);
	assert_int_equal(mn.uplink, 0);
	assert_int_equal(mn_build_bu(&mn, NOW_NTP + 30, 530, pkt, sizeof(pkt), &len), 0);
	assert_int_equal(ha_take_bu(&b, pkt, len, &ba, 530), MH_ST_ACCEPTED);
	assert_int_equal(ha_cache_path(&b, 1)->pri, 0);
	assert_int_equal(ha_cache_path(&b, 2)->pri, 1);
	assert_int_equal(b.paths[b.active].bid, 1);
	/* The uplink stays on path 0 when path 1 comes back alone: still a
	 * re-registration, or B would keep BID 2 at BID-PRI 127. */
	for (int k = 0; k < 4; k++)
		assert_int_equal(mn_build_hb(&mn, 1, NOW_NTP + 40 + (uint64_t)k, 600 + k * 100,
					     pkt, sizeof(pkt), &len), 0);
	assert_false(mn_pick(&mn));
	assert_int_equal(answer(&mn, &b, 1, NOW_NTP + 50, 1000), MN_REREGISTER);
	assert_int_equal(mn.uplink, 0);
}

static void test_forged(void **state)
{
	struct mn_state mn;
	struct ha_mn h;
	struct mh_msg ba;
	uint8_t pkt[1024], out[600];
	size_t len, olen;

	(void)state;
	mn_setup(&mn);
	ha_setup(&h);
	memset(&ba, 0, sizeof(ba));
	ba.type = MH_TYPE_BA;
	ba.seq = 1;
	h.key[0] ^= 1;          /* signed with another key */
	len = seal(&h, &ba, NOW_NTP, pkt);
	assert_int_equal(mn_input(&mn, 0, pkt, len, NOW_NTP, 0, out, sizeof(out), &olen), MN_NONE);
	assert_int_equal(mn.drop_auth, 1);
	assert_int_equal(mn.ba_ok, 0);
	/* Data for another address is not written to the TUN device. */
	pkt[0] = 0x60;
	memset(pkt + 1, 0, 39);
	pkt[24] = 0x20;
	assert_int_equal(mn_input(&mn, 0, pkt, 40, NOW_NTP, 0, out, sizeof(out), &olen), MN_NONE);
	memcpy(pkt + 24, hoa, 16);
	assert_int_equal(mn_input(&mn, 0, pkt, 40, NOW_NTP, 0, out, sizeof(out), &olen), MN_DATA);
}

/* Where a datagram came from: the path's home agent endpoint only; on a
 * home path the agent's own address (mn.ha) too. */
static void test_from_ha(void **state)
{
	struct sockaddr_storage ep, from;
	struct in6_addr a;
	struct mn_state mn;
	unsigned el, fl;

	(void)state;
	mn_setup(&mn);
	assert_int_equal(addr_parse("2001:db8:f::1", &a), AF_INET6);
	addr_sockaddr(&a, 4191, 0, &ep, &el);
	addr_sockaddr(&a, 4191, 0, &from, &fl);
	assert_true(mn_from_ha(&mn, 0, &from, fl, &ep, el));
	addr_sockaddr(&a, 4192, 0, &from, &fl);                 /* another port */
	assert_false(mn_from_ha(&mn, 0, &from, fl, &ep, el));
	assert_int_equal(addr_parse("2001:db8:a::2", &a), AF_INET6);
	addr_sockaddr(&a, 4191, 0, &from, &fl);                 /* another host */
	assert_false(mn_from_ha(&mn, 0, &from, fl, &ep, el));
	assert_int_equal(mn.drop_source, 2);
	/* The agent's address on the home link: only on a home path. */
	addr_sockaddr(&mn.ha, 4191, 0, &from, &fl);
	assert_false(mn_from_ha(&mn, 0, &from, fl, &ep, el));
	mn.paths[0].home = true;
	assert_true(mn_from_ha(&mn, 0, &from, fl, &ep, el));
	assert_false(mn_from_ha(&mn, 7, &from, fl, &ep, el)); /* no such path */
	assert_int_equal(mn.drop_source, 4);
	/* IPv4: the NAT path's endpoint. */
	assert_int_equal(addr_parse("203.0.113.1", &a), AF_INET);
	addr_sockaddr(&a, 4191, 0, &ep, &el);
	addr_sockaddr(&a, 4191, 0, &from, &fl);
	assert_true(mn_from_ha(&mn, 1, &from, fl, &ep, el));
	assert_int_equal(addr_parse("198.51.100.7", &a), AF_INET);
	addr_sockaddr(&a, 4191, 0, &from, &fl);
	assert_false(mn_from_ha(&mn, 1, &from, fl, &ep, el));
	assert_int_equal(mn.drop_source, 5);
}

static void test_bu_timers(void **state)
{
	struct mn_state mn;
	uint8_t pkt[1024];
	size_t len;

	(void)state;
	mn_setup(&mn);
	assert_false(mn_hb_wanted(&mn, 0));     /* not registered yet */
	assert_int_equal(mn_build_bu(&mn, NOW_NTP, 10000, pkt, sizeof(pkt), &len), 0);
	assert_false(mn_bu_due(&mn, 11499));
	assert_true(mn_bu_due(&mn, 11500));     /* first registration: 1.5 s */
	assert_int_equal(mn_build_bu(&mn, NOW_NTP + 1, 11500, pkt, sizeof(pkt), &len), 0);
	assert_false(mn_bu_due(&mn, 14499));
	assert_true(mn_bu_due(&mn, 14500));     /* doubled: 3 s */
	for (int i = 0; i < 10; i++)
		assert_int_equal(mn_build_bu(&mn, NOW_NTP + 2 + (uint64_t)i, 100000 + i * 40000,
					     pkt, sizeof(pkt), &len), 0);
	assert_int_equal(mn.bu_rtx_ms, 32000);  /* capped */
	mn.bu_pending = false;                  /* a BA came */
	mn.registered_ms = 500000;
	assert_true(mn_hb_wanted(&mn, 0));
	mn.paths[0].link_up = false;
	assert_false(mn_hb_wanted(&mn, 0));
	/* Refreshed at half the lifetime (150 x 4 s / 2 = 300 s). */
	assert_false(mn_bu_due(&mn, mn.bu_sent_ms + 299999));
	assert_true(mn_bu_due(&mn, mn.bu_sent_ms + 300000));
}

static void test_mn_dereg(void **state)
{
	struct mn_state mn;
	struct ha_mn h;
	struct mh_msg ba;
	uint8_t pkt[1024];
	size_t len;

	(void)state;
	mn_setup(&mn);
	ha_setup(&h);
	assert_int_equal(mn_build_bu(&mn, NOW_NTP, 1000, pkt, sizeof(pkt), &len), 0);
	ha_take_bu(&h, pkt, len, &ba, 1000);
	assert_int_equal(h.n_paths, 2);
	mn.registered_ms = 1000;
	assert_int_equal(mn_build_dereg(&mn, NOW_NTP + 1, 2000, pkt, sizeof(pkt), &len), 0);
	assert_int_equal(mn.lifetime, 150);     /* kept for the next registration */
	assert_int_equal(mn.registered_ms, 0);
	assert_int_equal(ha_take_bu(&h, pkt, len, &ba, 2000), MH_ST_ACCEPTED);
	assert_int_equal(ba.bids[0].status, 0);
	assert_int_equal(ba.bids[1].status, 0);
	assert_int_equal(h.n_paths, 0);
	assert_int_equal(h.active, -1);
}

static void test_deregister(void **state)
{
	struct sockaddr_in6 from = { .sin6_family = AF_INET6 };
	struct mh_msg bu, ba;
	struct ha_mn h;

	(void)state;
	ha_setup(&h);
	memset(&bu, 0, sizeof(bu));
	bu.type = MH_TYPE_BU;
	bu.seq = 1;
	bu.lifetime = 10;
	bu.n_bids = 2;
	bu.bids[0].bid = 1;
	bu.bids[1].bid = 2;
	assert_int_equal(ha_cache_apply_bu(&h, &bu, &from, 0, &ba), 0);
	assert_int_equal(h.n_paths, 2);
	/* Lifetime 0 removes the BIDs named; an unknown BID gets 133. */
	bu.seq = 2;
	bu.lifetime = 0;
	bu.n_bids = 2;
	bu.bids[0].bid = 2;
	bu.bids[1].bid = 9;
	ha_cache_apply_bu(&h, &bu, &from, 0, &ba);
	assert_int_equal(ba.bids[0].status, 0);
	assert_int_equal(ba.bids[1].status, MH_ST_NOT_HA_FOR_MN);
	assert_int_equal(h.n_paths, 1);
	assert_int_equal(h.paths[h.active].bid, 1);
	/* Lifetimes end. */
	ha_cache_expire(&h, 40000);
	assert_int_equal(h.n_paths, 0);
	ha_cache_pick(&h);
	assert_int_equal(h.active, -1);
}

/* A refresh that names the same care-of address and travelled by another
 * path keeps the NAT endpoint the heartbeats learned; one that came by the
 * path itself, or names a new care-of address, replaces it. */
static void test_refresh_keeps_nat_peer(void **state)
{
	struct sockaddr_in6 from = { .sin6_family = AF_INET6, .sin6_port = htons(4191) };
	static const uint8_t priv[4] = { 192, 168, 3, 10 }, other[4] = { 192, 168, 3, 11 };
	struct mh_msg bu, ba;
	struct ha_mn h;
	struct ha_path *p3;

	(void)state;
	ha_setup(&h);
	memcpy(&from.sin6_addr, coa1, 16);
	memset(&bu, 0, sizeof(bu));
	bu.type = MH_TYPE_BU;
	bu.seq = 1;
	bu.lifetime = 10;
	bu.n_bids = 2;
	bu.bids[0].bid = 1;
	bu.bids[0].coa_family = 6;
	memcpy(bu.bids[0].coa, coa1, 16);
	bu.bids[1].bid = 3;
	bu.bids[1].coa_family = 4;
	memcpy(bu.bids[1].coa, priv, 4);
	assert_int_equal(ha_cache_apply_bu(&h, &bu, &from, 0, &ba), 0);
	p3 = ha_cache_path(&h, 3);
	assert_non_null(p3);
	assert_int_equal(p3->peer.sin6_addr.s6_addr[15], 10);
	/* What an authenticated heartbeat through the NAT sets. */
	p3->peer.sin6_addr.s6_addr[12] = 198;
	p3->peer.sin6_addr.s6_addr[13] = 51;
	p3->peer.sin6_addr.s6_addr[14] = 100;
	p3->peer.sin6_addr.s6_addr[15] = 3;
	p3->peer.sin6_port = htons(40000);
	/* A bulk refresh by BID 1's path: BID 3 keeps the NAT endpoint. */
	bu.seq = 2;
	assert_int_equal(ha_cache_apply_bu(&h, &bu, &from, 0, &ba), 0);
	assert_int_equal(p3->peer.sin6_addr.s6_addr[12], 198);
	assert_int_equal(ntohs(p3->peer.sin6_port), 40000);
	/* The same refresh by BID 3's own path from a new endpoint (a NAT
	 * rebinding): that endpoint's port is taken. */
	bu.seq = 3;
	from = p3->peer;
	from.sin6_port = htons(40001);
	assert_int_equal(ha_cache_apply_bu(&h, &bu, &from, 0, &ba), 0);
	assert_int_equal(ntohs(p3->peer.sin6_port), 40001);
	/* The node moved to another address: the learned endpoint is stale. */
	memcpy(&from.sin6_addr, coa1, 16);
	from.sin6_port = htons(4191);
	bu.seq = 4;
	memcpy(bu.bids[1].coa, other, 4);
	assert_int_equal(ha_cache_apply_bu(&h, &bu, &from, 0, &ba), 0);
	assert_int_equal(p3->peer.sin6_addr.s6_addr[12], 192);
	assert_int_equal(p3->peer.sin6_addr.s6_addr[15], 11);
}

/* RFC 6275 10.3.2: a deregistration without BID options of a node with
 * bindings is accepted (133 only when it had none). */
static void test_dereg_without_bid(void **state)
{
	struct sockaddr_in6 from = { .sin6_family = AF_INET6 };
	struct mh_msg bu, ba;
	struct ha_mn h;

	(void)state;
	ha_setup(&h);
	memset(&bu, 0, sizeof(bu));
	bu.type = MH_TYPE_BU;
	bu.seq = 1;
	bu.lifetime = 10;
	bu.n_bids = 1;
	bu.bids[0].bid = 1;
	assert_int_equal(ha_cache_apply_bu(&h, &bu, &from, 0, &ba), 0);
	bu.seq = 2;
	bu.lifetime = 0;
	bu.n_bids = 0;
	assert_int_equal(ha_cache_apply_bu(&h, &bu, &from, 0, &ba), MH_ST_ACCEPTED);
	assert_int_equal(h.n_paths, 0);
	bu.seq = 3;
	assert_int_equal(ha_cache_apply_bu(&h, &bu, &from, 0, &ba), MH_ST_NOT_HA_FOR_MN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bulk_registration),
		cmocka_unit_test(test_seq_out_of_window),
		cmocka_unit_test(test_heartbeat_failover),
		cmocka_unit_test(test_heartbeat_due),
		cmocka_unit_test(test_ha_switch),
		cmocka_unit_test(test_forged),
		cmocka_unit_test(test_from_ha),
		cmocka_unit_test(test_bu_timers),
		cmocka_unit_test(test_mn_dereg),
		cmocka_unit_test(test_deregister),
		cmocka_unit_test(test_refresh_keeps_nat_peer),
		cmocka_unit_test(test_dereg_without_bid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
