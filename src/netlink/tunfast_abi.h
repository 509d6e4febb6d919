/* SPDX-License-Identifier: MIT */
/*
 * The maps shared by the tunnel's kernel fast path (bpf/mhfast.bpf.c) and
 * the user-space ends that fill them (tunfast.c): plain fixed-size
 * records, the same layout on both sides. Addresses and ports are in
 * network order; IPv4 addresses are v4-mapped (::ffff:a.b.c.d).
 */
#ifndef MIF_NETLINK_TUNFAST_ABI_H
#define MIF_NETLINK_TUNFAST_ABI_H

#include <linux/types.h>

/* The maps' sizes in the object; tunfast_open() sets them for the
 * caller's number of home addresses (hash maps are allocated whole when
 * made: a mobile node's take a few KiB, not what a home agent needs). */
#define TUNFAST_MAX_OUT 1024
#define TUNFAST_MAX_IN 8192

/* Key of the out map: the inner address that names the tunnel, the
 * destination at the home agent, the source at the mobile node. */
struct tunfast_addr {
	__u8 a[16];
};

/* Where the packets of one home address leave: the outer IPv6 and UDP
 * header, and the interface (0: the home agent's route lookup). */
struct tunfast_out {
	__u8 src[16];
	__u8 dst[16];
	__be16 sport;
	__be16 dport;
	__u32 ifindex;
	__u64 packets;          /* counted by the kernel: packets on the wire
				 * (a super-packet as its segments) */
	__u64 bytes;
};

/* Key of the in map: one path, as its packets arrive (outer source and
 * destination address and port). */
struct tunfast_in_key {
	__u8 src[16];
	__u8 dst[16];
	__be16 sport;
	__be16 dport;
};

#define TUNFAST_CHECK_SRC 1     /* home agent: the inner source must be a home address */
#define TUNFAST_CHECK_DST 2     /* mobile node: the inner destination must be */

/* What may arrive on a path: the home addresses the inner packets must
 * name (hoa4 all zero: no inner IPv4), and the TUN device they enter. */
struct tunfast_in {
	__u8 hoa6[16];
	__u8 hoa4[4];
	__u32 tun_ifindex;
	__u32 check;            /* TUNFAST_CHECK_* */
	__u32 pad;
	__u64 packets;          /* counted by the kernel */
	__u64 bytes;
};

#endif
