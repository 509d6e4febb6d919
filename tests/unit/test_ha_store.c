/* SPDX-License-Identifier: MIT */
/* The binding record of mif-had's replicated store (ha_store_rec.c): a
 * binding cache entry written and read back on another clock, and records
 * that must be refused without touching the entry. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ha/ha.h"
#include "ha/ha_flow.h"
#include "ha/ha_store.h"

#define WALL 1796470000000LL    /* 2026-12-05, Unix ms */

static void mn_init(struct ha_mn *mn)
{
	memset(mn, 0, sizeof(*mn));
	strcpy(mn->name, "phone");
	inet_pton(AF_INET6, "2001:db8:100::10", &mn->hoa);
	mn->spi = 256;
	mn->key_len = 16;
	memset(mn->key, 0xab, 16);
	mn->active = -1;
}

/* Two paths: BID 1 an IPv6 CoA, BID 3 an IPv4 CoA behind NAT (the peer is
 * the NAT's v4-mapped address and port). */
static void mn_fill(struct ha_mn *mn, long long now)
{
	struct ha_path *p = &mn->paths[0];

	mn->last_ts = 0xe8f0a1b2c3d4e5f6ULL;
	mn->last_seq = 65535;
	mn->has_seq = true;
	mn->n_paths = 2;
	p->bid = 1;
	p->pri = 2;
	p->coa_family = 6;
	inet_pton(AF_INET6, "2001:db8:1::10", p->coa);
	p->peer.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8:1::10", &p->peer.sin6_addr);
	p->peer.sin6_port = htons(4191);
	p->expires_ms = now + 40000;
	p = &mn->paths[1];
	p->bid = 3;
	p->pri = 7;
	p->coa_family = 4;
	inet_pton(AF_INET, "192.168.3.10", p->coa);
	p->peer.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "::ffff:198.51.100.3", &p->peer.sin6_addr);
	p->peer.sin6_port = htons(40000);
	p->expires_ms = now + 20000;
	mn->active = 0;
}

static void test_key(void **state)
{
	struct in6_addr a;
	char buf[64];

	(void)state;
	inet_pton(AF_INET6, "2001:db8:100::10", &a);
	assert_int_equal(ha_store_key("mif:ha:", &a, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "mif:ha:binding:2001:db8:100::10");
	assert_int_equal(ha_store_key("mif:ha:", &a, buf, 10), -ENOSPC);
}

static void test_round_trip(void **state)
{
	struct ha_mn a, b;
	long long ttl = -1;
	char *s = NULL;

	(void)state;
	mn_init(&a);
	mn_fill(&a, 5000);
	assert_int_equal(ha_store_encode(&a, 5000, WALL, &s, &ttl), 0);
	assert_int_equal(ttl, 40000);
	assert_non_null(strstr(s, "\"ts\":\"e8f0a1b2c3d4e5f6\""));
	assert_non_null(strstr(s, "\"expires\":1796470040000"));
	assert_non_null(strstr(s, "\"coa\":\"192.168.3.10\""));
	assert_non_null(strstr(s, "\"peer\":\"198.51.100.3\""));
	/* Read back by another agent whose monotonic clock is at 90000 ms,
	 * 10 s later on the wall clock: 30 s and 10 s left. */
	mn_init(&b);
	b.switches = 4;
	assert_int_equal(ha_store_decode(s, strlen(s), 90000, WALL + 10000, &b), 0);
	assert_string_equal(b.name, "phone");   /* configuration untouched */
	assert_int_equal(b.spi, 256);
	assert_int_equal(b.key[0], 0xab);
	assert_true(b.has_seq);
	assert_int_equal(b.last_seq, 65535);
	assert_true(b.last_ts == 0xe8f0a1b2c3d4e5f6ULL);
	assert_int_equal(b.n_paths, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(b.paths[i].bid, a.paths[i].bid);
		assert_int_equal(b.paths[i].pri, a.paths[i].pri);
		assert_int_equal(b.paths[i].coa_family, a.paths[i].coa_family);
		assert_memory_equal(b.paths[i].coa, a.paths[i].coa, 16);
		assert_memory_equal(&b.paths[i].peer.sin6_addr, &a.paths[i].peer.sin6_addr, 16);
		assert_int_equal(b.paths[i].peer.sin6_port, a.paths[i].peer.sin6_port);
		assert_int_equal(b.paths[i].peer.sin6_family, AF_INET6);
		assert_true(b.paths[i].live.alive);
		/* Heartbeats older than the last BU are replays. */
		assert_true(b.paths[i].live.last_ts == 0xe8f0a1b2c3d4e5f6ULL);
	}
	assert_int_equal(b.paths[0].expires_ms, 90000 + 30000);
	assert_int_equal(b.paths[1].expires_ms, 90000 + 10000);
	assert_int_equal(b.active, 0);          /* downlink chosen: lowest BID-PRI */
	assert_int_equal(b.switches, 4);
	/* 25 s later the IPv4 binding has expired: left out. */
	mn_init(&b);
	assert_int_equal(ha_store_decode(s, strlen(s), 0, WALL + 25000, &b), 0);
	assert_int_equal(b.n_paths, 1);
	assert_int_equal(b.paths[0].bid, 1);
	assert_false(b.paths[0].home);
	free(s);
	/* A home BID (H flag, RFC 5648 5.6) keeps its flag on the next agent;
	 * a path without it has no "home" member. */
	a.paths[0].home = true;
	assert_int_equal(ha_store_encode(&a, 5000, WALL, &s, &ttl), 0);
	assert_non_null(strstr(s, "\"home\":true"));
	mn_init(&b);
	assert_int_equal(ha_store_decode(s, strlen(s), 90000, WALL + 10000, &b), 0);
	assert_true(b.paths[0].home);
	assert_false(b.paths[1].home);
	free(s);
	/* The replay floor never moves back to an older record's. */
	mn_init(&b);
	b.last_ts = 0xf000000000000000ULL;
	assert_int_equal(ha_store_encode(&a, 5000, WALL, &s, &ttl), 0);
	assert_int_equal(ha_store_decode(s, strlen(s), 90000, WALL + 10000, &b), 0);
	assert_true(b.last_ts == 0xf000000000000000ULL);
	free(s);
}

static void test_empty(void **state)
{
	struct ha_mn a, b;
	long long ttl = -1;
	char *s = NULL;

	(void)state;
	mn_init(&a);
	assert_int_equal(ha_store_encode(&a, 0, WALL, &s, &ttl), 0);
	assert_int_equal(ttl, 0);               /* nothing bound: delete */
	assert_null(strstr(s, "\"seq\""));      /* no BU accepted yet */
	mn_init(&b);
	b.has_seq = true;
	assert_int_equal(ha_store_decode(s, strlen(s), 0, WALL, &b), 0);
	assert_false(b.has_seq);
	assert_int_equal(b.n_paths, 0);
	assert_int_equal(b.active, -1);
	free(s);
}

/* Flow 2, FID-PRI 10, on BID 3, for UDP/TCP to port 7002 (RFC 6089 4.2
 * option 45: FID, FID-PRI, reserved, status; sub-option 2 the BID
 * Reference; sub-option 3 an RFC 6088 3.2 IPv6 selector, format 2, flag K
 * (destination port start), 16 reserved bits, the port). */
#define FLOW2 "2d140002000a00000202000303080200002000001b5a"
#define V2 "{\"v\":2,\"hoa\":\"2001:db8:100::10\",\"ts\":\"0000000000000001\",\"paths\":[],\"flows\":"

static void test_v2_vector(void **state)
{
	static const char rec[] =
		"{\"v\":2,\"hoa\":\"2001:db8:100::10\",\"ts\":\"00000000000000ff\",\"seq\":9,"
		"\"paths\":[{\"bid\":3,\"pri\":0,\"coa\":\"\",\"peer\":\"2001:db8:2::10\","
		"\"port\":4191,\"expires\":1796470030000}],"
		"\"flows\":[{\"seq\":8,\"opt\":\"" FLOW2 "\"}],\"hoa4\":\"192.0.2.10\"}";
	struct ha_mn b;

	(void)state;
	mn_init(&b);
	b.has_hoa4 = true;
	inet_pton(AF_INET, "192.0.2.10", &b.hoa4);
	assert_int_equal(ha_store_decode(rec, strlen(rec), 0, WALL, &b), 0);
	assert_int_equal(b.n_paths, 1);
	assert_true(b.hoa4_bound);
	assert_non_null(b.flows);
	assert_int_equal(b.flows->n, 1);
	assert_int_equal(b.flows->e[0].f.fid, 2);
	assert_int_equal(b.flows->e[0].f.fid_pri, 10);
	assert_int_equal(b.flows->e[0].f.n_bids, 1);
	assert_int_equal(b.flows->e[0].f.bids[0], 3);
	assert_true(b.flows->e[0].f.has_ts);
	assert_int_equal(b.flows->e[0].f.ts.format, MH_TS_IPV6);
	assert_int_equal(b.flows->e[0].f.ts.fields, MH_TS_DPORT);
	assert_int_equal(b.flows->e[0].f.ts.dport[0], 7002);
	assert_int_equal(b.flows->e[0].since_seq, 8);
	assert_int_equal(b.flows->e[0].packets, 0);
	/* Another agent configured with another IPv4 home address for this
	 * node: bindings and flows loaded, the IPv4 address not bound. */
	free(b.flows);
	mn_init(&b);
	b.has_hoa4 = true;
	inet_pton(AF_INET, "192.0.2.11", &b.hoa4);
	assert_int_equal(ha_store_decode(rec, strlen(rec), 0, WALL, &b), 0);
	assert_false(b.hoa4_bound);
	assert_int_equal(b.flows->n, 1);
	free(b.flows);
	/* A version 1 record (before flows and IPv4) is read; it leaves no
	 * flow and no IPv4 binding from before. */
	mn_init(&b);
	b.has_hoa4 = b.hoa4_bound = true;
	b.flows = calloc(1, sizeof(*b.flows));
	assert_non_null(b.flows);
	b.flows->n = 1;
	{
		static const char v1[] =
			"{\"v\":1,\"hoa\":\"2001:db8:100::10\",\"ts\":\"00000000000000ff\","
			"\"paths\":[{\"bid\":3,\"pri\":0,\"coa\":\"\",\"peer\":\"::1\","
			"\"port\":1,\"expires\":1796470030000}]}";

		assert_int_equal(ha_store_decode(v1, strlen(v1), 0, WALL, &b), 0);
	}
	assert_int_equal(b.n_paths, 1);
	assert_false(b.hoa4_bound);
	assert_int_equal(b.flows->n, 0);
	free(b.flows);
}

/* A table of two flows (one load-shared by weight) and a bound IPv4 home
 * address, written and read back: the same flows in the same order. */
static void test_v2_round_trip(void **state)
{
	struct ha_flows *t = calloc(1, sizeof(*t));
	struct ha_mn a, b;
	long long ttl;
	char *s = NULL;

	(void)state;
	assert_non_null(t);
	mn_init(&a);
	mn_fill(&a, 0);
	a.has_hoa4 = a.hoa4_bound = true;
	inet_pton(AF_INET, "192.0.2.10", &a.hoa4);
	a.flows = t;
	t->n = 2;
	t->e[0].f = (struct mh_flow){ .fid = 2, .fid_pri = 10, .has_ts = true, .n_bids = 1,
				      .bids = { 3 } };
	t->e[0].f.ts.format = MH_TS_IPV6;
	t->e[0].f.ts.fields = MH_TS_DPORT;
	t->e[0].f.ts.dport[0] = 7002;
	t->e[0].since_seq = 65535;
	t->e[0].packets = 99;
	t->e[1].f = (struct mh_flow){ .fid = 7, .fid_pri = 20, .has_ts = true, .n_bids = 2,
				      .bids = { 1, 3 }, .has_weights = true,
				      .weights = { 3, 1 } };
	t->e[1].f.ts.format = MH_TS_IPV4;
	t->e[1].f.ts.fields = MH_TS_SRC | MH_TS_PROTO;
	inet_pton(AF_INET, "198.51.100.7", t->e[1].f.ts.src[0]);
	t->e[1].f.ts.proto[0] = 6;
	t->e[1].since_seq = 4;
	assert_int_equal(ha_store_encode(&a, 0, WALL, &s, &ttl), 0);
	assert_non_null(strstr(s, "\"v\":2"));
	assert_non_null(strstr(s, "\"hoa4\":\"192.0.2.10\""));
	assert_non_null(strstr(s, "{\"seq\":65535,\"opt\":\"" FLOW2 "\"}"));
	mn_init(&b);
	b.has_hoa4 = true;
	b.hoa4 = a.hoa4;
	assert_int_equal(ha_store_decode(s, strlen(s), 0, WALL, &b), 0);
	assert_true(b.hoa4_bound);
	assert_non_null(b.flows);
	assert_int_equal(b.flows->n, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_memory_equal(&b.flows->e[i].f, &t->e[i].f, sizeof(t->e[i].f));
		assert_int_equal(b.flows->e[i].since_seq, t->e[i].since_seq);
	}
	assert_int_equal(b.flows->e[0].packets, 0);     /* counters are not kept */
	/* The paths gone (expired): the IPv4 address is not bound. */
	free(b.flows);
	mn_init(&b);
	b.has_hoa4 = true;
	b.hoa4 = a.hoa4;
	assert_int_equal(ha_store_decode(s, strlen(s), 0, WALL + 60000, &b), 0);
	assert_false(b.hoa4_bound);
	free(b.flows);
	free(t);
	free(s);
}

static const char *const bad[] = {
	"",
	"{",
	"[]",
	"{\"v\":3,\"hoa\":\"2001:db8:100::10\",\"ts\":\"0000000000000001\",\"paths\":[]}",
	"{\"v\":0,\"hoa\":\"2001:db8:100::10\",\"ts\":\"0000000000000001\",\"paths\":[]}",
	/* version 2 members in a version 1 record */
	"{\"v\":1,\"hoa\":\"2001:db8:100::10\",\"ts\":\"0000000000000001\",\"paths\":[],"
	"\"hoa4\":\"192.0.2.10\"}",
	"{\"v\":1,\"hoa\":\"2001:db8:100::10\",\"ts\":\"0000000000000001\",\"paths\":[],"
	"\"flows\":[]}",
	/* version 2: a bad IPv4 home address, flows not an array */
	"{\"v\":2,\"hoa\":\"2001:db8:100::10\",\"ts\":\"0000000000000001\",\"paths\":[],"
	"\"hoa4\":\"192.0.2\"}",
	"{\"v\":2,\"hoa\":\"2001:db8:100::10\",\"ts\":\"0000000000000001\",\"paths\":[],"
	"\"flows\":{}}",
	/* flows: odd or upper-case hex, seq above 65535, an unknown member */
	V2 "[{\"seq\":1,\"opt\":\"2d140002000a00000202000303080200002000001b5\"}]}",
	V2 "[{\"seq\":1,\"opt\":\"2D140002000A00000202000303080200002000001B5A\"}]}",
	V2 "[{\"seq\":65536,\"opt\":\"" FLOW2 "\"}]}",
	V2 "[{\"seq\":1,\"opt\":\"" FLOW2 "\",\"x\":1}]}",
	/* an option cut short (-EBADMSG), one without a selector, one without
	 * BIDs, BID 0 (the codec's status 130), a Flow Summary */
	V2 "[{\"seq\":1,\"opt\":\"2d140002000a0000020200030308\"}]}",
	V2 "[{\"seq\":1,\"opt\":\"2d0a0002000a000002020003\"}]}",
	V2 "[{\"seq\":1,\"opt\":\"2d100002000a0000030802000020000" "01b5a\"}]}",
	V2 "[{\"seq\":1,\"opt\":\"2d140002000a00000202000003080200002000001b5a\"}]}",
	V2 "[{\"seq\":1,\"opt\":\"2c020002\"}]}",
	/* two options in one element */
	V2 "[{\"seq\":1,\"opt\":\"" FLOW2 FLOW2 "\"}]}",
	/* the same FID twice; FID-PRI not increasing */
	V2 "[{\"seq\":1,\"opt\":\"" FLOW2 "\"},{\"seq\":1,\"opt\":\""
	"2d140002000b00000202000303080200002000001b5a\"}]}",
	V2 "[{\"seq\":1,\"opt\":\"" FLOW2 "\"},{\"seq\":1,\"opt\":\""
	"2d140003000a00000202000303080200002000001b5a\"}]}",
	/* another home address */
	"{\"v\":1,\"hoa\":\"2001:db8:100::11\",\"ts\":\"0000000000000001\",\"paths\":[]}",
	"{\"v\":1,\"hoa\":\"2001:db8:100::10\",\"ts\":\"1\",\"paths\":[]}",
	"{\"v\":1,\"hoa\":\"2001:db8:100::10\",\"ts\":\"000000000000000g\",\"paths\":[]}",
	"{\"v\":1,\"hoa\":\"2001:db8:100::10\",\"ts\":\"0000000000000001\",\"paths\":{}}",
	"{\"v\":1,\"hoa\":\"2001:db8:100::10\",\"ts\":\"0000000000000001\",\"paths\":[],"
	"\"seq\":65536}",
	/* an unknown member */
	"{\"v\":1,\"hoa\":\"2001:db8:100::10\",\"ts\":\"0000000000000001\",\"paths\":[],\"x\":1}",
	/* duplicate member */
	"{\"v\":1,\"v\":1,\"hoa\":\"2001:db8:100::10\",\"ts\":\"0000000000000001\",\"paths\":[]}",
	/* path fields: BID-PRI above 127, port 0, bad CoA, bad peer, negative expiry */
	"{\"v\":1,\"hoa\":\"2001:db8:100::10\",\"ts\":\"0000000000000001\",\"paths\":[{\"bid\":1,"
	"\"pri\":128,\"coa\":\"\",\"peer\":\"2001:db8:1::10\",\"port\":4191,\"expires\":1}]}",
	"{\"v\":1,\"hoa\":\"2001:db8:100::10\",\"ts\":\"0000000000000001\",\"paths\":[{\"bid\":1,"
	"\"pri\":1,\"coa\":\"\",\"peer\":\"2001:db8:1::10\",\"port\":0,\"expires\":1}]}",
	"{\"v\":1,\"hoa\":\"2001:db8:100::10\",\"ts\":\"0000000000000001\",\"paths\":[{\"bid\":1,"
	"\"pri\":1,\"coa\":\"x\",\"peer\":\"2001:db8:1::10\",\"port\":1,\"expires\":1}]}",
	"{\"v\":1,\"hoa\":\"2001:db8:100::10\",\"ts\":\"0000000000000001\",\"paths\":[{\"bid\":1,"
	"\"pri\":1,\"coa\":\"\",\"peer\":\"nowhere\",\"port\":1,\"expires\":1}]}",
	"{\"v\":1,\"hoa\":\"2001:db8:100::10\",\"ts\":\"0000000000000001\",\"paths\":[{\"bid\":1,"
	"\"pri\":1,\"coa\":\"\",\"peer\":\"::1\",\"port\":1,\"expires\":-1}]}",
	/* the same BID twice */
	"{\"v\":1,\"hoa\":\"2001:db8:100::10\",\"ts\":\"0000000000000001\",\"paths\":["
	"{\"bid\":1,\"pri\":1,\"coa\":\"\",\"peer\":\"::1\",\"port\":1,\"expires\":1},"
	"{\"bid\":1,\"pri\":1,\"coa\":\"\",\"peer\":\"::1\",\"port\":1,\"expires\":1}]}",
	NULL,
};

static void test_refused(void **state)
{
	struct ha_mn a, b;

	(void)state;
	mn_init(&a);
	mn_fill(&a, 0);
	for (const char *const *s = bad; *s; s++) {
		b = a;
		if (ha_store_decode(*s, strlen(*s), 0, WALL, &b) != -EINVAL)
			fail_msg("accepted: %s", *s);
		assert_memory_equal(&a, &b, sizeof(a));
	}
}

/* The source of what goes to a node (ha_src_for): the address it reached,
 * per family; before it reached any (bindings loaded from the store at a
 * takeover) the shared active_address in that family, else the kernel's
 * choice (NULL). */
static void test_src_for(void **state)
{
	struct ha_config cfg = { 0 };
	struct ha_ctx h = { .cfg = &cfg };
	struct sockaddr_in6 p6 = { .sin6_family = AF_INET6 }, p4 = { .sin6_family = AF_INET6 };
	struct ha_mn mn;

	(void)state;
	mn_init(&mn);
	inet_pton(AF_INET6, "2001:db8:1::10", &p6.sin6_addr);
	inet_pton(AF_INET6, "::ffff:198.51.100.3", &p4.sin6_addr);
	assert_null(ha_src_for(&h, &mn, &p6));
	cfg.store.has_active = true;
	inet_pton(AF_INET6, "2001:db8:f::1", &cfg.store.active);
	assert_ptr_equal(ha_src_for(&h, &mn, &p6), &cfg.store.active);
	assert_null(ha_src_for(&h, &mn, &p4));          /* no IPv4 shared address */
	mn.has_local6 = true;
	inet_pton(AF_INET6, "2001:db8:f::12", &mn.local6);
	assert_ptr_equal(ha_src_for(&h, &mn, &p6), &mn.local6);
	mn.has_local4 = true;
	inet_pton(AF_INET6, "::ffff:203.0.113.1", &mn.local4);
	assert_ptr_equal(ha_src_for(&h, &mn, &p4), &mn.local4);
	/* An IPv4 shared address (v4-mapped) serves IPv4 peers only. */
	mn.has_local4 = mn.has_local6 = false;
	inet_pton(AF_INET6, "::ffff:203.0.113.9", &cfg.store.active);
	assert_ptr_equal(ha_src_for(&h, &mn, &p4), &cfg.store.active);
	assert_null(ha_src_for(&h, &mn, &p6));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_v2_vector),
		cmocka_unit_test(test_v2_round_trip),
		cmocka_unit_test(test_src_for),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
