/* SPDX-License-Identifier: MIT */
/* The mobile node's fast path entries (daemon/mobility/mn_fast.c) against
 * a fake kernel: tunfast_* here keep the entries in arrays and count the
 * calls, so each decision is seen without BPF. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/mobility/mn_fast.h"

struct tunfast {
	bool out_on;
	uint8_t out_key[16];
	struct tunfast_out out;
	size_t n_in;
	struct tunfast_in_key in_k[16];
	struct tunfast_in in_v[16];
	unsigned calls;
};

int tunfast_out_set(struct tunfast *f, const uint8_t key[16], const struct tunfast_out *o)
{
	f->calls++;
	if (!o) {
		if (!f->out_on)
			return -ENOENT;
		f->out_on = false;
		return 0;
	}
	f->out_on = true;
	memcpy(f->out_key, key, 16);
	f->out = *o;
	return 0;
}

int tunfast_in_set(struct tunfast *f, const struct tunfast_in_key *k, const struct tunfast_in *v)
{
	f->calls++;
	for (size_t i = 0; i < f->n_in; i++) {
		if (memcmp(&f->in_k[i], k, sizeof(*k)))
			continue;
		if (v) {
			f->in_v[i] = *v;
		} else {
			f->in_k[i] = f->in_k[f->n_in - 1];
			f->in_v[i] = f->in_v[--f->n_in];
		}
		return 0;
	}
	if (!v)
		return -ENOENT;
	f->in_k[f->n_in] = *k;
	f->in_v[f->n_in++] = *v;
	return 0;
}

int tunfast_out_get(const struct tunfast *f, const uint8_t key[16], struct tunfast_out *ret)
{
	if (!f->out_on || memcmp(key, f->out_key, 16))
		return -ENOENT;
	*ret = f->out;
	return 0;
}

int tunfast_in_get(const struct tunfast *f, const struct tunfast_in_key *k, struct tunfast_in *ret)
{
	for (size_t i = 0; i < f->n_in; i++)
		if (!memcmp(&f->in_k[i], k, sizeof(*k))) {
			*ret = f->in_v[i];
			return 0;
		}
	return -ENOENT;
}

static const uint8_t hoa[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10 };
static const uint8_t ha[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x0f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };

/* Three paths: eth1 and eth2 over IPv6, eth3 over IPv4; the agent offers. */
static void setup3(struct mn_state *mn, struct mn_fast_path *fp)
{
	memset(mn, 0, sizeof(*mn));
	memcpy(&mn->hoa, hoa, 16);
	mn->n_paths = 3;
	mn->ha_fast = true;
	mn->uplink = 0;
	for (size_t i = 0; i < 3; i++) {
		mn->paths[i].bid = (uint16_t)(i + 1);
		mn->paths[i].coa_family = i < 2 ? 6 : 4;
		mn->paths[i].coa[0] = 0x20;
		mn->paths[i].coa[15] = (uint8_t)(0x10 + i);
		memset(&fp[i], 0, sizeof(fp[i]));
		fp[i].v6 = i < 2;
		fp[i].ifindex = (int)(2 + i);
		fp[i].local_port = (uint16_t)(40000 + i);
		fp[i].ha_port = 4191;
		memcpy(fp[i].ha, ha, 16);
	}
}

static void test_follow_uplink(void **state)
{
	struct tunfast f = { 0 };
	struct mn_state mn;
	struct mn_fast_path fp[3];
	struct mn_fast_home s = { 0 };
	unsigned c;

	(void)state;
	setup3(&mn, fp);
	mn_fast_sync(&f, 9, &mn, fp, false, &s);
	assert_true(f.out_on && s.out_on);
	assert_memory_equal(f.out_key, hoa, 16);
	assert_memory_equal(f.out.src, mn.paths[0].coa, 16);
	assert_memory_equal(f.out.dst, ha, 16);
	assert_int_equal(f.out.sport, __builtin_bswap16(40000));
	assert_int_equal(f.out.dport, __builtin_bswap16(4191));
	assert_int_equal(f.out.ifindex, 2);
	/* The downlink on both IPv6 paths, none on the IPv4 one. */
	assert_int_equal(f.n_in, 2);
	assert_int_equal(s.n_in, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_memory_equal(f.in_k[i].src, ha, 16);
		assert_memory_equal(f.in_v[i].hoa6, hoa, 16);
		assert_int_equal(f.in_v[i].tun_ifindex, 9);
		assert_int_equal(f.in_v[i].check, TUNFAST_CHECK_DST);
	}
	/* Nothing changed: no call. */
	c = f.calls;
	mn_fast_sync(&f, 9, &mn, fp, false, &s);
	assert_int_equal(f.calls, c);
	/* The uplink moves to eth2: one replacement. */
	mn.uplink = 1;
	mn_fast_sync(&f, 9, &mn, fp, false, &s);
	assert_int_equal(f.calls, c + 1);
	assert_int_equal(f.out.ifindex, 3);
	assert_memory_equal(f.out.src, mn.paths[1].coa, 16);
	/* To the IPv4 path: the user-space path, the entry goes. */
	mn.uplink = 2;
	mn_fast_sync(&f, 9, &mn, fp, false, &s);
	assert_false(f.out_on || s.out_on);
	assert_int_equal(f.n_in, 2);
	/* No uplink at all: still none. */
	mn.uplink = -1;
	mn_fast_sync(&f, 9, &mn, fp, false, &s);
	assert_false(f.out_on);
}

static void test_conditions(void **state)
{
	struct tunfast f = { 0 };
	struct mn_state mn;
	struct mn_fast_path fp[3];
	struct mn_fast_home s = { 0 };
	struct mob_flows *flows = (struct mob_flows *)&f;      /* only compared to NULL */

	(void)state;
	setup3(&mn, fp);
	/* The agent did not offer it: nothing. */
	mn.ha_fast = false;
	mn_fast_sync(&f, 9, &mn, fp, false, &s);
	assert_false(f.out_on);
	assert_int_equal(f.n_in, 0);
	mn.ha_fast = true;
	mn_fast_sync(&f, 9, &mn, fp, false, &s);
	assert_true(f.out_on);
	/* Flow bindings choose per packet: everything back to user space. */
	mn.flows = flows;
	mn_fast_sync(&f, 9, &mn, fp, false, &s);
	assert_false(f.out_on);
	assert_int_equal(f.n_in, 0);
	assert_int_equal(s.n_in, 0);
	mn.flows = NULL;
	/* The home link (H flag): never encapsulated. */
	mn.paths[0].home = true;
	mn_fast_sync(&f, 9, &mn, fp, false, &s);
	assert_false(f.out_on);
	assert_int_equal(f.n_in, 1);
	mn.paths[0].home = false;
	/* The IPv4 home address, once acknowledged, rides along. */
	mn.has_hoa4 = true;
	mn.hoa4_acked = true;
	memcpy(mn.hoa4, (const uint8_t[]){ 10, 0, 0, 7 }, 4);
	mn_fast_sync(&f, 9, &mn, fp, false, &s);
	assert_int_equal(f.n_in, 2);
	assert_memory_equal(f.in_v[0].hoa4, ((const uint8_t[]){ 10, 0, 0, 7 }), 4);
	assert_memory_equal(f.in_v[1].hoa4, ((const uint8_t[]){ 10, 0, 0, 7 }), 4);
	/* Off (a nested home address, a stop): all removed. */
	mn_fast_sync(&f, 9, &mn, fp, true, &s);
	assert_false(f.out_on);
	assert_int_equal(f.n_in, 0);
	assert_int_equal(s.err, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_follow_uplink),
		cmocka_unit_test(test_conditions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
