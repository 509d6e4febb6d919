/* SPDX-License-Identifier: MIT */
/*
 * The tunnel's kernel fast path (doc/mobility.md, "Kernel fast path"): tc
 * programs that carry the data packets of a binding without the copies
 * into and out of user space. The wire format is the one the user-space
 * ends speak (proto/mhtun.h: RFC 5555 section 4.1 "vanilla" UDP
 * encapsulation, the UDP payload is the inner packet); anything the maps
 * do not name, and every signalling packet, goes the user-space way.
 *
 *  - mhfast_encap_dst / mhfast_encap_src, at the egress of the TUN
 *    device: a packet whose inner destination (home agent) or source
 *    (mobile node) has an entry in mhfast_out gets the outer IPv6 and UDP
 *    header and is sent out of the path's interface, its next hop resolved
 *    by the kernel (bpf_redirect_neigh). Super-packets (GSO) stay whole:
 *    the outer header is a UDP tunnel header the segmentation repeats
 *    (SKB_GSO_UDP_TUNNEL), so the UDP checksum is 0, which RFC 6935
 *    section 5 allows for tunnels over IPv6 (the ends accept it:
 *    UDP_NO_CHECK6_RX, and the inner packets keep their own checksums).
 *  - mhfast_decap, at the ingress of each path's interface: an IPv6/UDP
 *    packet from a path named in mhfast_in whose inner source (home agent)
 *    or destination (mobile node) is the home address loses its outer
 *    header and enters the TUN device as if read from it. A Mobility
 *    Header (signalling, heartbeats) and an inner address that does not
 *    match go to the socket as before, where they are checked and counted.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "netlink/tunfast_abi.h"

/* Linux 6.3: set skb->protocol to the inner family on decapsulation. */
#ifndef BPF_F_ADJ_ROOM_DECAP_L3_IPV4
#define BPF_F_ADJ_ROOM_DECAP_L3_IPV4 (1ULL << 7)
#define BPF_F_ADJ_ROOM_DECAP_L3_IPV6 (1ULL << 8)
#endif

#define MHF_AF_INET6 10
#define MHF_IPPROTO_MH 135
#define MHF_OUTER (sizeof(struct ipv6hdr) + sizeof(struct udphdr))

/* Entries are allocated as they come (BPF_F_NO_PREALLOC): a home agent
 * sized for 100,000 nodes of 8 paths holds memory for the bindings it
 * has, not for all it could have. Updates are the control plane's, rare. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, TUNFAST_MAX_OUT);
	__type(key, struct tunfast_addr);
	__type(value, struct tunfast_out);
} mhfast_out SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, TUNFAST_MAX_IN);
	__type(key, struct tunfast_in_key);
	__type(value, struct tunfast_in);
} mhfast_in SEC(".maps");

static __always_inline int mhf_differ(const __u8 *a, const __u8 *b, int n)
{
	int d = 0;

#pragma unroll
	for (int i = 0; i < 16; i++)
		if (i < n)
			d |= a[i] ^ b[i];
	return d;
}

/* The key of an inner packet at offset 0 (a TUN device has no link
 * header): its destination (by_src 0) or source, IPv4 v4-mapped. */
static __always_inline int mhf_inner_key(struct __sk_buff *skb, int by_src, struct tunfast_addr *k)
{
	__u8 v;

	if (bpf_skb_load_bytes(skb, 0, &v, 1) < 0)
		return -1;
	if (v >> 4 == 6)
		return bpf_skb_load_bytes(skb, by_src ? 8 : 24, k->a, 16);
	if (v >> 4 != 4)
		return -1;
	k->a[10] = 0xff;
	k->a[11] = 0xff;
	return bpf_skb_load_bytes(skb, by_src ? 12 : 16, &k->a[12], 4);
}

static __always_inline int mhf_encap(struct __sk_buff *skb, int by_src)
{
	struct tunfast_addr k = {};
	struct tunfast_out *o;
	struct bpf_fib_lookup fib = {};
	struct bpf_redir_neigh nh = { .nh_family = MHF_AF_INET6 };
	struct {
		struct ipv6hdr ip;
		struct udphdr udp;
	} h = {};
	__u32 len = skb->len, oif;
	/* Counted in packets on the wire: a super-packet as its segments. */
	__u32 segs = skb->gso_segs ? skb->gso_segs : 1;

	if (mhf_inner_key(skb, by_src, &k) < 0 || !(o = bpf_map_lookup_elem(&mhfast_out, &k)))
		return TC_ACT_OK;
	oif = o->ifindex;
	if (!oif) {
		/* The home agent's socket is not bound to an interface: the
		 * route to the care-of address picks it, as for its sends. */
		long rc;

		fib.family = MHF_AF_INET6;
		fib.l4_protocol = IPPROTO_UDP;
		fib.ifindex = skb->ifindex;
		__builtin_memcpy(fib.ipv6_src, o->src, 16);
		__builtin_memcpy(fib.ipv6_dst, o->dst, 16);
		rc = bpf_fib_lookup(skb, &fib, sizeof(fib), BPF_FIB_LOOKUP_OUTPUT);
		if (rc != BPF_FIB_LKUP_RET_SUCCESS && rc != BPF_FIB_LKUP_RET_NO_NEIGH)
			return TC_ACT_OK;
		oif = fib.ifindex;
		__builtin_memcpy(nh.ipv6_nh, fib.ipv6_dst, 16);
	}
	if (len > 0xffff - sizeof(struct udphdr))
		return TC_ACT_OK;
	/* The TUN device's MTU leaves room for the outer header: the
	 * segments keep their size (FIXED_GSO). */
	if (bpf_skb_adjust_room(skb, MHF_OUTER, BPF_ADJ_ROOM_MAC,
				BPF_F_ADJ_ROOM_FIXED_GSO | BPF_F_ADJ_ROOM_ENCAP_L3_IPV6 |
				BPF_F_ADJ_ROOM_ENCAP_L4_UDP) < 0)
		return TC_ACT_OK;
	h.ip.version = 6;
	h.ip.payload_len = bpf_htons(len + sizeof(struct udphdr));
	h.ip.nexthdr = IPPROTO_UDP;
	h.ip.hop_limit = 64;
	__builtin_memcpy(&h.ip.saddr, o->src, 16);
	__builtin_memcpy(&h.ip.daddr, o->dst, 16);
	h.udp.source = o->sport;
	h.udp.dest = o->dport;
	h.udp.len = h.ip.payload_len;
	if (bpf_skb_store_bytes(skb, 0, &h, sizeof(h), 0) < 0)
		return TC_ACT_SHOT;
	/* bpf_redirect_neigh() takes a packet with a link header to replace:
	 * room for one, filled from the neighbour entry. */
	if (bpf_skb_change_head(skb, ETH_HLEN, 0) < 0)
		return TC_ACT_SHOT;
	__sync_fetch_and_add(&o->packets, segs);
	__sync_fetch_and_add(&o->bytes, len);
	if (o->ifindex)
		return bpf_redirect_neigh(oif, NULL, 0, 0);
	return bpf_redirect_neigh(oif, &nh, sizeof(nh), 0);
}

SEC("tc")
int mhfast_encap_dst(struct __sk_buff *skb)
{
	return mhf_encap(skb, 0);
}

SEC("tc")
int mhfast_encap_src(struct __sk_buff *skb)
{
	return mhf_encap(skb, 1);
}

SEC("tc")
int mhfast_decap(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct ipv6hdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);
	__u8 *in = (void *)(udp + 1);
	struct tunfast_in_key k;
	struct tunfast_in *f;
	__u64 flags;
	__u32 len, segs = skb->gso_segs ? skb->gso_segs : 1;

	if ((void *)(in + 1) > end || eth->h_proto != bpf_htons(ETH_P_IPV6) ||
	    ip->nexthdr != IPPROTO_UDP)
		return TC_ACT_OK;
	__builtin_memcpy(k.src, &ip->saddr, 16);
	__builtin_memcpy(k.dst, &ip->daddr, 16);
	k.sport = udp->source;
	k.dport = udp->dest;
	if (!(f = bpf_map_lookup_elem(&mhfast_in, &k)))
		return TC_ACT_OK;
	if ((void *)(in + sizeof(struct ipv6hdr)) > end) {
		/* The inner header is not in the linear part yet. */
		if (bpf_skb_pull_data(skb, ETH_HLEN + MHF_OUTER + sizeof(struct ipv6hdr)) < 0)
			return TC_ACT_OK;
		data = (void *)(long)skb->data;
		end = (void *)(long)skb->data_end;
		in = data + ETH_HLEN + MHF_OUTER;
	}
	if ((void *)(in + 20) > end)
		return TC_ACT_OK;
	/* One inner packet (or the fast path's super-packet, one outer header
	 * for a whole TSO packet) fills the datagram. A UDP GSO train from
	 * a user-space end (several inner packets after one header, USO) does
	 * not: it goes to the socket, which reads it whole (UDP_GRO). */
	len = skb->len - ETH_HLEN - MHF_OUTER;
	if (in[0] >> 4 == 6) {
		if ((void *)(in + sizeof(struct ipv6hdr)) > end || in[6] == MHF_IPPROTO_MH ||
		    (__u32)(in[4] << 8 | in[5]) + sizeof(struct ipv6hdr) != len ||
		    mhf_differ(in + (f->check == TUNFAST_CHECK_SRC ? 8 : 24), f->hoa6, 16))
			return TC_ACT_OK;
		flags = BPF_F_ADJ_ROOM_DECAP_L3_IPV6;
	} else if (in[0] >> 4 == 4) {
		if ((__u32)(in[2] << 8 | in[3]) != len)
			return TC_ACT_OK;
		/* No inner IPv4 on this path unless a home address is set. */
		if (!(f->hoa4[0] | f->hoa4[1] | f->hoa4[2] | f->hoa4[3]) || mhf_differ(in + (f->check == TUNFAST_CHECK_SRC ? 12 : 16), f->hoa4, 4))
			return TC_ACT_OK;
		flags = BPF_F_ADJ_ROOM_DECAP_L3_IPV4;
	} else {
		return TC_ACT_OK;
	}
	/* The segments keep their size (FIXED_GSO): a UDP GSO train inside
	 * (a nested tunnel's, read whole by a socket with UDP_GRO) must
	 * keep its segment size, a TCP one its MSS. */
	if (bpf_skb_adjust_room(skb, -(__s32)MHF_OUTER, BPF_ADJ_ROOM_MAC,
				flags | BPF_F_ADJ_ROOM_FIXED_GSO) < 0)
		return TC_ACT_OK;
	__sync_fetch_and_add(&f->packets, segs);
	__sync_fetch_and_add(&f->bytes, len);
	return bpf_redirect(f->tun_ifindex, BPF_F_INGRESS);
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
