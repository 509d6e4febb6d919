/* SPDX-License-Identifier: MIT */
/*
 * TUN offloads, the pure part: the virtio-net header a TUN device opened
 * with IFF_VNET_HDR puts before each packet (virtio 1.x spec 5.1.6, legacy
 * layout of 10 octets in the host's byte order), splitting a TCP or UDP
 * super-packet the kernel hands over (TSO/USO) into MTU-sized packets, and
 * coalescing consecutive TCP segments of one flow back into one
 * super-packet for writing (GRO in user space). The same approach as
 * wireguard-go's tun/offload_linux.go, written from the specifications.
 * No system calls; the I/O around it is tunio.h.
 *
 * Partial TCP checksums in the tunnel: a TCP packet cut from a
 * super-packet (or read whole with NEEDS_CSUM) leaves with the
 * pseudo-header sum in its checksum field, as the kernel hands it over
 * (virtio 5.1.6.2), not the full sum: the outer UDP checksum covers those
 * octets end to end between the tunnel's two kernels, and the receiving
 * end writes such a packet to its TUN device with NEEDS_CSUM, so a
 * locally delivered packet is never summed and a forwarded one is summed
 * once, by the kernel or the NIC that sends it on. A receiver knows one
 * by its field equal to that sum; a full checksum equal to it by chance
 * (1 in 65,536) is completed to the value it already had, so nothing
 * valid is lost. Without the virtio-net header the receiver completes it
 * (vnet_csum_complete) before writing.
 */
#ifndef MIF_NETLINK_VNET_H
#define MIF_NETLINK_VNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VNET_HDR_LEN 10
#define VNET_SEG_HDR_MAX 120    /* IPv4 with options (60) + TCP with options (60) */
#define VNET_MAX_SEGS 64        /* per super-packet; a 64 KiB one at MSS 1024 */

enum {
	VNET_F_NEEDS_CSUM = 1,  /* checksum from csum_start, stored at +csum_offset */
	VNET_F_DATA_VALID = 2,
};
enum {
	VNET_GSO_NONE = 0,
	VNET_GSO_TCPV4 = 1,
	VNET_GSO_UDP = 3,       /* UFO, fragments: refused */
	VNET_GSO_TCPV6 = 4,
	VNET_GSO_UDP_L4 = 5,    /* USO: UDP segments (Linux 6.2+) */
	VNET_GSO_ECN = 0x80,
};

struct vnet_hdr {
	uint8_t flags, gso_type;
	uint16_t hdr_len, gso_size, csum_start, csum_offset;
};

/* The header at p (len octets available): -EBADMSG if shorter. */
int vnet_hdr_parse(const uint8_t *p, size_t len, struct vnet_hdr *ret);
void vnet_hdr_build(const struct vnet_hdr *h, uint8_t out[VNET_HDR_LEN]);

/* One packet of a split: its rewritten headers, then data_len octets of
 * payload that point into the super-packet. */
struct vnet_seg {
	uint8_t hdr[VNET_SEG_HDR_MAX];
	uint16_t hdr_len;
	uint8_t *data;
	size_t data_len;
};

/*
 * The packets that the packet pkt (len octets after the virtio-net header
 * h) stands for, in segs[0..*ret_n). Without GSO: one, whose partial
 * checksum (VNET_F_NEEDS_CSUM) is completed in pkt. With TCPV4/TCPV6:
 * gso_size octets of payload each, with IP total length, IPv4 id (+1 a
 * segment) and header checksum, TCP sequence number (+ payload before it),
 * FIN/PSH only on the last and CWR only on the first (RFC 3168 6.1.2), and
 * the partial TCP checksum (above). UDP_L4: UDP length and full checksum
 * per datagram. A single TCP packet with NEEDS_CSUM at its TCP checksum
 * stays partial; any other partial checksum is completed.
 * -EPROTONOSUPPORT for UFO or IPv6 extension headers, -E2BIG beyond max
 * segments, -EBADMSG for anything inconsistent.
 */
int vnet_split(const struct vnet_hdr *h, uint8_t *pkt, size_t len, struct vnet_seg *segs,
	       size_t max, size_t *ret_n);

/* An inner packet read from the tunnel, and the groups coalescing makes. */
struct vnet_pkt {
	uint8_t *p;
	size_t len;
};
struct vnet_train {
	size_t first, n;        /* pkts[first .. first + n) */
	size_t hdr_len;         /* IP + TCP header of the head (n > 1) */
	uint8_t vhdr[VNET_HDR_LEN];
};

/*
 * Group pkts[0..n) in order into trains to write to a TUN device: runs of
 * TCP segments of one flow with contiguous sequence numbers, equal IP and
 * TCP header fields and options, plain ACK (PSH allowed on the last), all
 * of one payload size but the last, each with a valid or a partial TCP
 * checksum, up to 64 KiB and VNET_MAX_SEGS. A train of one is written as
 * it is (virtio-net header of zeros, or NEEDS_CSUM for a partial TCP
 * checksum); for a longer one the head's IP length and TCP
 * checksum (the pseudo-header sum, VNET_F_NEEDS_CSUM) are rewritten in
 * place and the kernel gets head + the payloads of the others with a
 * TCPV4/TCPV6 header. Returns the number of trains (at most max; the
 * packets beyond stay for the next call: check first + n).
 */
size_t vnet_coalesce(struct vnet_pkt *pkts, size_t n, struct vnet_train *out, size_t max);

/* Whether a train ending with p could go on with the next segment of its
 * flow (a TCP segment with payload, ACK without PSH): a receiver that
 * just emptied its socket looks once more before writing (tunio.h). */
bool vnet_train_open(const uint8_t *p, size_t len);

/* Complete the partial TCP checksums of segs[0..n) from vnet_split(), for
 * a peer that does not take them (`partial_checksums = no`). */
void vnet_segs_complete(struct vnet_seg *segs, size_t n);

/* Whether p is a TCP packet whose checksum field holds the pseudo-header
 * sum (partial, above). */
bool vnet_csum_partial(const uint8_t *p, size_t len);

/* Complete a partial TCP checksum in place (for a write without the
 * virtio-net header); false, p untouched, for anything else. */
bool vnet_csum_complete(uint8_t *p, size_t len);

/* Whether the TCP or UDP checksum of one IPv4/IPv6 packet is valid (for
 * tests and the coalescer; false for anything else). */
bool vnet_l4_csum_ok(const uint8_t *p, size_t len);

#endif
