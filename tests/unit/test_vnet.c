/* SPDX-License-Identifier: MIT */
/* TUN offloads: virtio-net header, TSO/USO split and TCP coalescing
 * (src/netlink/vnet.c). Expected checksums computed independently in
 * Python (RFC 1071 over pseudo header + segment). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "netlink/vnet.h"
#include "proto/ipudp.h"

static const uint8_t src6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t dst6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* IPv6 or IPv4 + TCP 1234 -> 80, seq 1000, ack 5, window 512, flags fl,
 * payload 1, 2, 3 ... of plen octets; checksum field left as garbage. */
static size_t tcp_pkt(uint8_t *p, int ver, uint8_t fl, size_t plen)
{
	size_t ipl = ver == 6 ? 40 : 20;
	uint8_t *t = p + ipl;

	memset(p, 0, ipl + 20);
	if (ver == 6) {
		p[0] = 0x60;
		p[4] = (uint8_t)((20 + plen) >> 8);
		p[5] = (uint8_t)(20 + plen);
		p[6] = 6;
		p[7] = 64;
		memcpy(p + 8, src6, 16);
		memcpy(p + 24, dst6, 16);
	} else {
		static const uint8_t h4[20] = { 0x45, 0, 0, 0, 0x10, 0x00, 0, 0, 64, 6, 0, 0,
						192, 0, 2, 1, 192, 0, 2, 2 };
		memcpy(p, h4, 20);
		p[2] = (uint8_t)((40 + plen) >> 8);
		p[3] = (uint8_t)(40 + plen);
	}
	t[0] = 1234 >> 8; t[1] = 1234 & 0xff; t[3] = 80;
	t[4] = 0; t[5] = 0; t[6] = 1000 >> 8; t[7] = 1000 & 0xff;
	t[11] = 5;
	t[12] = 0x50;
	t[13] = fl;
	t[14] = 2;
	t[16] = 0xde;
	t[17] = 0xad;
	for (size_t i = 0; i < plen; i++)
		t[20 + i] = (uint8_t)(i + 1);
	return ipl + 20 + plen;
}

/* The kernel's partial checksum in an IPv6 TCP packet of len octets:
 * the folded pseudo-header sum (RFC 8200 8.1), independently of vnet.c. */
static void put_partial6(uint8_t *p, size_t len)
{
	uint32_t acc = 6 + (uint32_t)(len - 40);

	for (int i = 8; i < 40; i += 2)
		acc += get16(p + i);
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	p[56] = (uint8_t)(acc >> 8);
	p[57] = (uint8_t)acc;
}

/* A segment as it would go on the wire: its headers, then its data. */
static size_t flat(const struct vnet_seg *s, uint8_t *out)
{
	memcpy(out, s->hdr, s->hdr_len);
	memcpy(out + s->hdr_len, s->data, s->data_len);
	return s->hdr_len + s->data_len;
}

/* RFC 1071 16-bit words, the plain way: what ipudp_sum's 64-bit loop
 * must equal at every length and alignment. */
static uint16_t ref_sum(const uint8_t *p, size_t len, uint32_t acc)
{
	uint64_t s = acc;

	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static void test_sum(void **state)
{
	static uint8_t b[3000];
	uint32_t x = 12345;

	(void)state;
	for (size_t i = 0; i < sizeof(b); i++) {
		x = x * 1103515245u + 12345u;
		b[i] = (uint8_t)(x >> 16);
	}
	memset(b + 100, 0xff, 200);     /* long carries */
	for (size_t off = 0; off < 9; off++)
		for (size_t len = 0; len < 2900; len += len < 40 ? 1 : 97)
			assert_int_equal(ipudp_sum(b + off, len, 0x1fffe), ref_sum(b + off, len, 0x1fffe));
	assert_int_equal(ipudp_sum(b + 100, 200, 0), 0xffff);
}

static void test_hdr(void **state)
{
	const uint8_t b[VNET_HDR_LEN] = { 1, 4, 60, 0, 0x3c, 0x05, 40, 0, 16, 0 };
	struct vnet_hdr h;
	uint8_t out[VNET_HDR_LEN];

	(void)state;
	assert_int_equal(vnet_hdr_parse(b, 9, &h), -EBADMSG);
	assert_int_equal(vnet_hdr_parse(b, sizeof(b), &h), 0);
	assert_int_equal(h.flags, VNET_F_NEEDS_CSUM);
	assert_int_equal(h.gso_type, VNET_GSO_TCPV6);
	/* The host's byte order (little-endian on the machines this runs on). */
	uint16_t one = 1;
	if (*(uint8_t *)&one == 1) {
		assert_int_equal(h.hdr_len, 60);
		assert_int_equal(h.gso_size, 1340);
		assert_int_equal(h.csum_start, 40);
		assert_int_equal(h.csum_offset, 16);
	}
	vnet_hdr_build(&h, out);
	assert_memory_equal(out, b, sizeof(b));
}

static void test_split_tcp6(void **state)
{
	static const uint16_t sums[3] = { 0x4547, 0x3d3b, 0x4035 };
	struct vnet_hdr h = { VNET_F_NEEDS_CSUM, VNET_GSO_TCPV6, 60, 4, 40, 16 };
	uint8_t p[128], w[128];
	struct vnet_seg s[8];
	size_t n = 0, len = tcp_pkt(p, 6, 0x18, 10);

	(void)state;
	assert_int_equal(vnet_split(&h, p, len, s, 8, &n), 0);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < 3; i++) {
		size_t wl = flat(&s[i], w);

		assert_int_equal(wl, 60 + (i < 2 ? 4 : 2));
		assert_int_equal(get16(w + 4), wl - 40);              /* payload length */
		assert_int_equal(get32(w + 44), 1000 + 4 * i);        /* sequence */
		assert_int_equal(w[53], i < 2 ? 0x10 : 0x18);         /* PSH on the last */
		/* Partial in the tunnel (vnet.h); completed, the full sum. */
		assert_true(vnet_csum_partial(w, wl));
		assert_false(vnet_l4_csum_ok(w, wl));
		assert_true(vnet_csum_complete(w, wl));
		assert_int_equal(get16(w + 56), sums[i]);
		assert_true(vnet_l4_csum_ok(w, wl));
		assert_false(vnet_csum_complete(w, wl));              /* once only */
		assert_int_equal(w[60], 4 * i + 1);
	}
	/* For a peer that takes no partial sums: completed after the split. */
	len = tcp_pkt(p, 6, 0x18, 10);
	assert_int_equal(vnet_split(&h, p, len, s, 8, &n), 0);
	vnet_segs_complete(s, n);
	for (size_t i = 0; i < 3; i++) {
		size_t wl = flat(&s[i], w);

		assert_int_equal(get16(w + 56), sums[i]);
		assert_true(vnet_l4_csum_ok(w, wl));
	}
	/* Room for two only. */
	len = tcp_pkt(p, 6, 0x18, 10);
	assert_int_equal(vnet_split(&h, p, len, s, 2, &n), -E2BIG);
}

static void test_split_tcp4(void **state)
{
	static const uint16_t sums[3] = { 0x1cb8, 0x14ac, 0x17a6 }, ipsums[3] = { 0xe6c8, 0xe6c7, 0xe6c8 };
	struct vnet_hdr h = { VNET_F_NEEDS_CSUM, VNET_GSO_TCPV4, 40, 4, 20, 16 };
	uint8_t p[128], w[128];
	struct vnet_seg s[8];
	size_t n = 0, len = tcp_pkt(p, 4, 0x18, 10);

	(void)state;
	assert_int_equal(vnet_split(&h, p, len, s, 8, &n), 0);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < 3; i++) {
		size_t wl = flat(&s[i], w);

		assert_int_equal(get16(w + 2), wl);                   /* total length */
		assert_int_equal(get16(w + 4), 0x1000 + i);           /* id + 1 a segment */
		assert_int_equal(get16(w + 10), ipsums[i]);
		assert_int_equal(get32(w + 24), 1000 + 4 * i);
		assert_true(vnet_csum_partial(w, wl));
		assert_true(vnet_csum_complete(w, wl));
		assert_int_equal(get16(w + 36), sums[i]);
		assert_true(vnet_l4_csum_ok(w, wl));
	}
}

static void test_split_udp(void **state)
{
	struct vnet_hdr h = { VNET_F_NEEDS_CSUM, VNET_GSO_UDP_L4, 48, 100, 40, 6 };
	uint8_t p[512], w[512];
	struct vnet_seg s[8];
	size_t n = 0, len = 48 + 250;

	(void)state;
	memset(p, 0, sizeof(p));
	p[0] = 0x60; p[6] = 17; p[7] = 64;
	memcpy(p + 8, src6, 16);
	memcpy(p + 24, dst6, 16);
	p[41] = 53; p[43] = 53;
	for (size_t i = 48; i < len; i++)
		p[i] = (uint8_t)i;
	assert_int_equal(vnet_split(&h, p, len, s, 8, &n), 0);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < 3; i++) {
		size_t wl = flat(&s[i], w);

		assert_int_equal(wl, 48 + (i < 2 ? 100 : 50));
		assert_int_equal(get16(w + 44), wl - 40);             /* UDP length */
		assert_true(vnet_l4_csum_ok(w, wl));                  /* UDP: full sums */
		assert_false(vnet_csum_partial(w, wl));
	}
	/* UFO (IP fragments) is refused. */
	h.gso_type = VNET_GSO_UDP;
	assert_int_equal(vnet_split(&h, p, len, s, 8, &n), -EPROTONOSUPPORT);
}

static void test_single(void **state)
{
	/* A bare ACK the kernel left with only the pseudo-header sum in its
	 * checksum (CHECKSUM_PARTIAL): it travels partial (vnet.h), and
	 * vnet_csum_complete() completes it in place. */
	struct vnet_hdr h = { VNET_F_NEEDS_CSUM, VNET_GSO_NONE, 0, 0, 40, 16 };
	uint8_t p[128];
	struct vnet_seg s[1];
	size_t n = 0, len = tcp_pkt(p, 6, 0x10, 0);

	(void)state;
	put_partial6(p, len);   /* the kernel's partial sum */
	assert_false(vnet_l4_csum_ok(p, len));
	assert_int_equal(vnet_split(&h, p, len, s, 1, &n), 0);
	assert_int_equal(n, 1);
	assert_ptr_equal(s[0].data, p);
	assert_true(vnet_csum_partial(p, len));
	assert_true(vnet_csum_complete(p, len));
	assert_true(vnet_l4_csum_ok(p, len));
	/* A partial TCP sum, but the header names another place (offset 6
	 * from the TCP header): not left partial; completed where the header
	 * says, as any checksum other than TCP's, the TCP field untouched. */
	put_partial6(p, len);
	h.csum_offset = 6;
	{
		uint16_t want = (uint16_t)~ref_sum(p + 40, len - 40, 0);

		assert_int_equal(vnet_split(&h, p, len, s, 1, &n), 0);
		assert_int_equal(get16(p + 46), want ? want : 0xffff);
	}
	assert_true(vnet_csum_partial(p, len));
	h.csum_offset = 16;
	/* A checksum position outside the packet. */
	h.csum_start = 70;
	assert_int_equal(vnet_split(&h, p, len, s, 1, &n), -EBADMSG);
}

static void test_bad(void **state)
{
	struct vnet_hdr h = { VNET_F_NEEDS_CSUM, VNET_GSO_TCPV6, 60, 0, 40, 16 };
	uint8_t p[128];
	struct vnet_seg s[8];
	size_t n = 0, len = tcp_pkt(p, 6, 0x10, 10);

	(void)state;
	assert_int_equal(vnet_split(&h, p, len, s, 8, &n), -EBADMSG);  /* gso_size 0 */
	h.gso_size = 4;
	h.gso_type = VNET_GSO_TCPV4;    /* says IPv4, is IPv6 */
	assert_int_equal(vnet_split(&h, p, len, s, 8, &n), -EBADMSG);
	h.gso_type = VNET_GSO_TCPV6;
	assert_int_equal(vnet_split(&h, p, 50, s, 8, &n), -EBADMSG);   /* cut TCP header */
	p[6] = 0;                       /* hop-by-hop header: not handled */
	assert_int_equal(vnet_split(&h, p, len, s, 8, &n), -EPROTONOSUPPORT);
	assert_int_equal(n, 0);
}

/* Split a TSO packet, then coalesce the segments: one train that gives
 * back the same payload behind one header. */
static void test_coalesce(void **state)
{
	struct vnet_hdr h = { VNET_F_NEEDS_CSUM, VNET_GSO_TCPV6, 60, 1000, 40, 16 }, vh;
	static uint8_t p[4096], w[4][1200];
	struct vnet_pkt pk[4];
	struct vnet_train t[4];
	struct vnet_seg s[8];
	size_t n = 0, len = tcp_pkt(p, 6, 0x18, 3500), nt;
	uint8_t orig[3500];

	(void)state;
	memcpy(orig, p + 60, sizeof(orig));
	assert_int_equal(vnet_split(&h, p, len, s, 8, &n), 0);
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++)
		pk[i] = (struct vnet_pkt){ w[i], flat(&s[i], w[i]) };
	nt = vnet_coalesce(pk, n, t, 4);
	assert_int_equal(nt, 1);
	assert_int_equal(t[0].first, 0);
	assert_int_equal(t[0].n, 4);
	assert_int_equal(t[0].hdr_len, 60);
	assert_int_equal(vnet_hdr_parse(t[0].vhdr, VNET_HDR_LEN, &vh), 0);
	assert_int_equal(vh.flags, VNET_F_NEEDS_CSUM);
	assert_int_equal(vh.gso_type, VNET_GSO_TCPV6);
	assert_int_equal(vh.gso_size, 1000);
	assert_int_equal(vh.hdr_len, 60);
	assert_int_equal(vh.csum_start, 40);
	assert_int_equal(vh.csum_offset, 16);
	assert_int_equal(get16(w[0] + 4), 20 + 3500);
	assert_int_equal(w[0][53], 0x18);       /* the last one's PSH */
	assert_int_equal(get32(w[0] + 44), 1000);
	/* What the kernel would see, split again: the original segments. */
	{
		static uint8_t sp[4096];
		size_t off = 0, m = 0;
		struct vnet_seg s2[8];

		memcpy(sp, w[0], pk[0].len);
		off = pk[0].len;
		for (size_t i = 1; i < 4; i++) {
			memcpy(sp + off, w[i] + 60, pk[i].len - 60);
			off += pk[i].len - 60;
		}
		assert_memory_equal(sp + 60, orig, sizeof(orig));
		assert_int_equal(vnet_split(&vh, sp, off, s2, 8, &m), 0);
		assert_int_equal(m, 4);
		assert_int_equal(s2[3].data_len, 500);
	}
}

static void test_coalesce_breaks(void **state)
{
	static uint8_t w[6][200];
	struct vnet_pkt pk[6];
	struct vnet_train t[6];
	struct vnet_hdr h = { VNET_F_NEEDS_CSUM, VNET_GSO_TCPV6, 60, 10, 40, 16 };
	uint8_t p[256];
	struct vnet_seg s[8];
	size_t n = 0, len = tcp_pkt(p, 6, 0x10, 60), nt;

	(void)state;
	assert_int_equal(vnet_split(&h, p, len, s, 8, &n), 0);
	assert_int_equal(n, 6);
	/* Full checksums, as packets from another host carry: damage shows. */
	for (size_t i = 0; i < n; i++) {
		pk[i] = (struct vnet_pkt){ w[i], flat(&s[i], w[i]) };
		assert_true(vnet_csum_complete(pk[i].p, pk[i].len));
	}
	/* Segment 2 lost (a gap): 0-1 and 3-5. Segment 4 damaged: 3, 4, 5. */
	pk[2] = pk[3]; pk[3] = pk[4]; pk[4] = pk[5];
	pk[3].p[65] ^= 0xff;
	nt = vnet_coalesce(pk, 5, t, 6);
	assert_int_equal(nt, 4);
	assert_int_equal(t[0].n, 2);
	assert_int_equal(t[1].first, 2);
	assert_int_equal(t[1].n, 1);
	assert_int_equal(t[2].n, 1);
	assert_int_equal(t[3].n, 1);
	/* A train of one keeps its packet as it was: header of zeros. */
	for (size_t i = 0; i < VNET_HDR_LEN; i++)
		assert_int_equal(t[1].vhdr[i], 0);
	assert_true(vnet_l4_csum_ok(pk[2].p, pk[2].len));
	/* Room for one train: the rest waits. */
	assert_int_equal(vnet_coalesce(pk, 5, t, 1), 1);
}

/* Partial checksums (vnet.h): a run of them coalesces, mixed with full
 * ones; a lone one is written with NEEDS_CSUM for the kernel. */
static void test_coalesce_partial(void **state)
{
	static uint8_t w[4][200];
	struct vnet_pkt pk[4];
	struct vnet_train t[4];
	struct vnet_hdr h = { VNET_F_NEEDS_CSUM, VNET_GSO_TCPV6, 60, 10, 40, 16 }, vh;
	uint8_t p[256], ack[128];
	struct vnet_seg s[8];
	size_t n = 0, len = tcp_pkt(p, 6, 0x10, 30), nt;

	(void)state;
	assert_int_equal(vnet_split(&h, p, len, s, 8, &n), 0);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++)
		pk[i] = (struct vnet_pkt){ w[i], flat(&s[i], w[i]) };
	assert_true(vnet_csum_complete(pk[1].p, pk[1].len));  /* one full among them */
	/* A pure ACK (no payload: never joins a train), partial. */
	pk[3] = (struct vnet_pkt){ ack, tcp_pkt(ack, 6, 0x10, 0) };
	put_partial6(ack, pk[3].len);
	nt = vnet_coalesce(pk, 4, t, 4);
	assert_int_equal(nt, 2);
	assert_int_equal(t[0].n, 3);
	assert_int_equal(vnet_hdr_parse(t[0].vhdr, VNET_HDR_LEN, &vh), 0);
	assert_int_equal(vh.gso_type, VNET_GSO_TCPV6);
	assert_int_equal(vh.gso_size, 10);
	/* The head: the train's length, and the pseudo-header sum over it
	 * (what the kernel completes), computed apart from vnet.c. */
	assert_int_equal(get16(w[0] + 4), 20 + 30);
	{
		uint8_t hd[60];

		memcpy(hd, w[0], sizeof(hd));
		put_partial6(hd, 60 + 30);
		assert_int_equal(get16(w[0] + 56), get16(hd + 56));
	}
	assert_int_equal(t[1].first, 3);
	assert_int_equal(t[1].n, 1);
	assert_int_equal(vnet_hdr_parse(t[1].vhdr, VNET_HDR_LEN, &vh), 0);
	assert_int_equal(vh.flags, VNET_F_NEEDS_CSUM);
	assert_int_equal(vh.gso_type, VNET_GSO_NONE);
	assert_int_equal(vh.csum_start, 40);
	assert_int_equal(vh.csum_offset, 16);
	/* Completed, the same ACK is a train of one as it is. */
	assert_true(vnet_csum_complete(ack, pk[3].len));
	assert_int_equal(vnet_coalesce(pk + 3, 1, t, 4), 1);
	for (size_t i = 0; i < VNET_HDR_LEN; i++)
		assert_int_equal(t[0].vhdr[i], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sum),
		cmocka_unit_test(test_hdr),
		cmocka_unit_test(test_split_tcp6),
		cmocka_unit_test(test_split_tcp4),
		cmocka_unit_test(test_split_udp),
		cmocka_unit_test(test_single),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_coalesce),
		cmocka_unit_test(test_coalesce_breaks),
		cmocka_unit_test(test_coalesce_partial),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
