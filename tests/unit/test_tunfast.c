/* SPDX-License-Identifier: MIT */
/*
 * The tunnel's kernel fast path (netlink/tunfast.h, bpf/mhfast.bpf.c) in
 * the running kernel, as root inside a network namespace of the test's
 * own: loading and attaching to a TUN device and a path's interface, the
 * maps' entries and their counters; and the decapsulation program run on
 * crafted packets (BPF_PROG_TEST_RUN): which it takes out of the tunnel
 * (the output is the inner packet) and which it leaves to the socket.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/pkt_cls.h>
#include <net/if.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "netlink/netlink.h"
#include "netlink/tunfast.h"

extern const unsigned char tunfast_obj[];
extern const unsigned long tunfast_obj_len;

static bool in_private_netns;

#define SKIP_WITHOUT_NETNS() do { if (!in_private_netns) skip(); } while (0)

static const uint8_t ha[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x0f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t coa[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10 };
static const uint8_t hoa[16] = { 0x20, 0x01, 0x0d, 0xb8, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10 };
static const uint8_t cn[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };

static int make_tun(int *ret_ifindex)
{
	char name[16];
	int fd;

	assert_int_equal(tun_open("tft0", 0, &fd, name), 0);
	assert_int_equal(tun_set_up(name, 1400), 0);
	*ret_ifindex = (int)if_nametoindex(name);
	assert_true(*ret_ifindex > 0);
	return fd;
}

static void test_open_and_maps(void **state)
{
	struct tunfast *f;
	struct tunfast_out o = { 0 }, got;
	struct tunfast_in_key k = { 0 };
	struct tunfast_in v = { 0 }, gv;
	int tun, ifindex;

	(void)state;
	SKIP_WITHOUT_NETNS();
	tun = make_tun(&ifindex);
	assert_int_equal(tunfast_open(TUNFAST_HA, ifindex, 4, 8, &f), 0);
	assert_int_equal(tunfast_uplink(f, 1), 0);         /* lo */
	assert_int_equal(tunfast_uplink(f, 1), 0);         /* again: nothing */
	assert_int_equal(tunfast_out_get(f, hoa, &got), -ENOENT);
	memcpy(o.src, ha, 16);
	memcpy(o.dst, coa, 16);
	o.packets = 99;                                     /* not the caller's to set */
	assert_int_equal(tunfast_out_set(f, hoa, &o), 0);
	assert_int_equal(tunfast_out_get(f, hoa, &got), 0);
	assert_memory_equal(got.dst, coa, 16);
	assert_int_equal(got.packets, 0);
	assert_int_equal(tunfast_out_set(f, hoa, NULL), 0);
	assert_int_equal(tunfast_out_set(f, hoa, NULL), -ENOENT);
	memcpy(k.src, coa, 16);
	memcpy(v.hoa6, hoa, 16);
	v.check = TUNFAST_CHECK_SRC;
	assert_int_equal(tunfast_in_set(f, &k, &v), 0);
	assert_int_equal(tunfast_in_get(f, &k, &gv), 0);
	assert_int_equal(gv.check, TUNFAST_CHECK_SRC);
	assert_int_equal(tunfast_in_set(f, &k, NULL), 0);
	tunfast_close(f);
	/* Closed: the links are gone, a second instance attaches again. */
	assert_int_equal(tunfast_open(TUNFAST_MN, ifindex, 1, 8, &f), 0);
	tunfast_close(f);
	/* Sized for the caller: more than 4 home addresses do not fit. */
	assert_int_equal(tunfast_open(TUNFAST_HA, ifindex, 4, 1, &f), 0);
	for (uint8_t i = 0; i < 5; i++) {
		uint8_t key[16] = { 0x20, 0x01, [15] = i };

		assert_int_equal(tunfast_out_set(f, key, &o), i < 4 ? 0 : -E2BIG);
	}
	tunfast_close(f);
	assert_int_equal(tunfast_open(TUNFAST_HA, ifindex, TUNFAST_MAX_ENTRIES, 2, &f), -E2BIG);
	close(tun);
}

/* Ethernet + outer IPv6/UDP (HA:4191 -> CoA:40000) + an inner IPv6/UDP
 * packet src -> dst with next header nh and 8 octets of payload; extra
 * octets after it (a second inner packet, as in a UDP GSO train). */
static size_t tunnel_pkt(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint8_t nh,
			 size_t extra)
{
	size_t inner = 40 + 8 + 8, n = 14 + 48 + inner + extra;

	memset(p, 0, n);
	p[12] = 0x86;
	p[13] = 0xdd;
	p[14] = 0x60;
	p[18] = (uint8_t)((8 + inner + extra) >> 8);
	p[19] = (uint8_t)(8 + inner + extra);
	p[20] = 17;
	p[21] = 64;
	memcpy(p + 22, ha, 16);
	memcpy(p + 38, coa, 16);
	p[54] = 4191 >> 8;
	p[55] = 4191 & 0xff;
	p[56] = 40000 >> 8;
	p[57] = 40000 & 0xff;
	p[58] = (uint8_t)((8 + inner + extra) >> 8);
	p[59] = (uint8_t)(8 + inner + extra);
	p[62] = 0x60;
	p[66] = 0;
	p[67] = 16;
	p[68] = nh;
	p[69] = 64;
	memcpy(p + 70, src, 16);
	memcpy(p + 86, dst, 16);
	memcpy(p + 110, "payload!", 8);
	return n;
}

struct decap {
	struct bpf_object *obj;
	int prog, in_map;
};

static void decap_load(struct decap *d, uint8_t check)
{
	struct tunfast_in_key k = { 0 };
	struct tunfast_in v = { 0 };

	d->obj = bpf_object__open_mem(tunfast_obj, tunfast_obj_len, NULL);
	assert_non_null(d->obj);
	assert_int_equal(bpf_object__load(d->obj), 0);
	d->prog = bpf_program__fd(bpf_object__find_program_by_name(d->obj, "mhfast_decap"));
	d->in_map = bpf_object__find_map_fd_by_name(d->obj, "mhfast_in");
	memcpy(k.src, ha, 16);
	memcpy(k.dst, coa, 16);
	k.sport = __builtin_bswap16(4191);
	k.dport = __builtin_bswap16(40000);
	memcpy(v.hoa6, hoa, 16);
	v.tun_ifindex = 1;
	v.check = check;
	assert_int_equal(bpf_map_update_elem(d->in_map, &k, &v, BPF_ANY), 0);
}

/* Run the program on p[0..n): its verdict, the packet after it in out. */
static int decap_run(const struct decap *d, const uint8_t *p, size_t n, uint8_t *out,
		     uint32_t *ret_len)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = p, .data_size_in = (uint32_t)n,
		    .data_out = out, .data_size_out = 2048, .repeat = 1);

	assert_int_equal(bpf_prog_test_run_opts(d->prog, &o), 0);
	*ret_len = o.data_size_out;
	return (int)o.retval;
}

static void test_decap(void **state)
{
	struct decap d;
	uint8_t p[512], out[2048];
	uint32_t len;
	size_t n;
	struct tunfast_in_key k = { 0 };
	struct tunfast_in v;

	(void)state;
	SKIP_WITHOUT_NETNS();
	decap_load(&d, TUNFAST_CHECK_DST);
	/* To the home address: out of the tunnel, the inner packet after the
	 * link header, counted. */
	n = tunnel_pkt(p, cn, hoa, 17, 0);
	assert_int_equal(decap_run(&d, p, n, out, &len), TC_ACT_REDIRECT);
	assert_int_equal(len, n - 48);
	assert_memory_equal(out + 14, p + 62, n - 62);
	memcpy(k.src, ha, 16);
	memcpy(k.dst, coa, 16);
	k.sport = __builtin_bswap16(4191);
	k.dport = __builtin_bswap16(40000);
	assert_int_equal(bpf_map_lookup_elem(d.in_map, &k, &v), 0);
	assert_int_equal(v.packets, 1);
	assert_int_equal(v.bytes, n - 62);
	/* Signalling (a Mobility Header inside) stays for the socket. */
	n = tunnel_pkt(p, ha, hoa, 135, 0);
	assert_int_equal(decap_run(&d, p, n, out, &len), TC_ACT_OK);
	assert_int_equal(len, n);
	assert_memory_equal(out, p, n);
	/* Another inner destination: the socket judges it. */
	n = tunnel_pkt(p, cn, cn, 17, 0);
	assert_int_equal(decap_run(&d, p, n, out, &len), TC_ACT_OK);
	/* Two inner packets after one header (a user-space end's UDP GSO
	 * train): the socket reads it whole. */
	n = tunnel_pkt(p, cn, hoa, 17, 56);
	assert_int_equal(decap_run(&d, p, n, out, &len), TC_ACT_OK);
	/* Another path (outer source): not ours. */
	n = tunnel_pkt(p, cn, hoa, 17, 0);
	p[37] = 2;
	assert_int_equal(decap_run(&d, p, n, out, &len), TC_ACT_OK);
	/* Inner IPv4 without an IPv4 home address on the path. */
	n = tunnel_pkt(p, cn, hoa, 17, 0);
	p[62] = 0x45;
	p[64] = 0;
	p[65] = 56;
	assert_int_equal(decap_run(&d, p, n, out, &len), TC_ACT_OK);
	/* Too short for an inner header: left alone, no fault. */
	assert_int_equal(decap_run(&d, p, 70, out, &len), TC_ACT_OK);
	bpf_object__close(d.obj);

	/* At the home agent the inner source must be the home address. */
	decap_load(&d, TUNFAST_CHECK_SRC);
	n = tunnel_pkt(p, hoa, cn, 6, 0);
	assert_int_equal(decap_run(&d, p, n, out, &len), TC_ACT_REDIRECT);
	n = tunnel_pkt(p, cn, hoa, 6, 0);
	assert_int_equal(decap_run(&d, p, n, out, &len), TC_ACT_OK);
	bpf_object__close(d.obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_and_maps),
		cmocka_unit_test(test_decap),
	};

	/* Root gets a network namespace of its own (the TUN device and the
	 * attached programs never touch the machine's interfaces). Without
	 * root the tests skip, and say so; in CI they must run. */
	in_private_netns = geteuid() == 0 && unshare(CLONE_NEWNET) == 0;
	if (!in_private_netns && getenv("CI")) {
		fprintf(stderr, "test_tunfast: CI=true but no private network namespace (%s)\n",
			strerror(errno));
		return 1;
	}
	if (!in_private_netns)
		fprintf(stderr, "test_tunfast: not root or no unshare(CLONE_NEWNET): skipped\n");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
