/* SPDX-License-Identifier: MIT */
/*
 * The tunnel's data plane I/O with offloads, for both ends (mif-had, the
 * mobile node): a TUN device opened with TUN_VNET_HDR hands over TCP/UDP
 * super-packets that vnet_split() cuts into inner packets, sent as one UDP
 * GSO datagram train (UDP_SEGMENT, Linux 4.18) per run of equal sizes; on
 * the way back a UDP_GRO socket (Linux 5.0) returns such trains whole,
 * and vnet_coalesce() makes them one TCP super-packet again for one write.
 * Errors are negative errno.
 */
#ifndef MIF_NETLINK_TUNIO_H
#define MIF_NETLINK_TUNIO_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "netlink/vnet.h"

/* Largest read from a TUN device with a virtio-net header, and largest
 * UDP GRO datagram: a 64 KiB super-packet and its header. */
#define TUNIO_BUF (65535 + VNET_HDR_LEN + 1)
/* Room for the control messages of one receive: UDP_GRO and a packet
 * info (IPV6_PKTINFO or IP_PKTINFO). */
#define TUNIO_CMSG_SPACE 96

/*
 * The receive side of both tunnel ends: up to TUNIO_RX_MAX UDP messages
 * (GRO trains) per recvmmsg, kept across a second look. When a receive
 * empties the socket with slots left and the last data packet could go on
 * (vnet_train_open), the caller receives once more before it writes: the
 * second train of a 64 KiB super-packet, queued a moment after the first,
 * then joins it (written apart, it costs a second TUN write and a second
 * pass through TCP). The inner packets point into buf, so the messages of
 * the first look stay where they are.
 */
#define TUNIO_RX_MAX 8
struct tunio_rx {
	uint8_t buf[TUNIO_RX_MAX][TUNIO_BUF];
	struct sockaddr_storage from[TUNIO_RX_MAX];
	struct mmsghdr mm[TUNIO_RX_MAX];
	struct iovec iov[TUNIO_RX_MAX];
	struct {
		_Alignas(struct cmsghdr) char b[TUNIO_CMSG_SPACE];
	} cm[TUNIO_RX_MAX];
	size_t cap;     /* messages per receive, 1..TUNIO_RX_MAX */
	size_t slot;    /* messages held from the first look */
};

/* Receive into the free slots of r, each message up to len octets (at
 * most TUNIO_BUF), without waiting: the count n, messages
 * [r->slot, r->slot + n), or -errno (-EAGAIN: nothing queued). */
int tunio_rx_recv(struct tunio_rx *r, int fd, size_t len);
/* After a receive of n messages: true to look once more (the socket was
 * emptied with slots left and open says the last data packet may go on;
 * the messages are kept); false to write now (all slots free again).
 * *ret_drained says whether the socket was emptied. A caller that leaves
 * its loop with messages kept sets slot to 0 itself. */
bool tunio_rx_again(struct tunio_rx *r, size_t n, bool open, bool *ret_drained);

/* Ask the TUN device for checksum offload, TSO4/6 and, when the kernel
 * has it, USO4/6; *ret_offloads gets the TUN_OFF_* set granted. */
int tunio_offload_enable(int tun_fd, unsigned *ret_offloads);
/* Let the kernel hand over UDP datagram trains whole (UDP_GRO). */
int tunio_udp_gro(int sock);
/* The UDP_GRO segment size of a received message, or 0 if the kernel
 * delivered a single datagram. */
size_t tunio_gro_size(struct msghdr *m);
/* The inner packets of a UDP payload of len octets: seg octets each (0:
 * one); at most max, in pkts; returns the count. */
size_t tunio_gro_split(uint8_t *p, size_t len, size_t seg, struct vnet_pkt *pkts, size_t max);

/*
 * Send segs[0..n) (one split) to dst: with gso, each run of equal-sized
 * packets (the last one of a run may be shorter; at most 64 and under 64
 * KiB) is one sendmmsg entry with UDP_SEGMENT; without, one entry each.
 * *ret_sent gets the packets the kernel took. Returns 0 or -errno of the
 * first refusal.
 */
int tunio_send(int sock, void *dst, socklen_t dst_len, struct vnet_seg *segs,
	       size_t n, bool gso, size_t *ret_sent);
/* The same from source address src (IPV6_PKTINFO; IPv4 as v4-mapped on a
 * dual-stack socket), NULL for the kernel's choice. */
int tunio_send_from(int sock, void *dst, socklen_t dst_len, const struct in6_addr *src,
		    struct vnet_seg *segs, size_t n, bool gso, size_t *ret_sent);
/* Fill c, of CMSG_SPACE(sizeof(struct in6_pktinfo)), as IPV6_PKTINFO:
 * source src (NULL: the kernel's choice), out of ifindex (0: any). */
void tunio_cmsg_pktinfo(struct cmsghdr *c, const struct in6_addr *src, int ifindex);
/* The local address a received message was sent to (IPV6_PKTINFO, or
 * IP_PKTINFO as v4-mapped), when the socket asked for it. 0 or -ENOENT;
 * *ret untouched then. */
int tunio_msg_local(struct msghdr *m, struct in6_addr *ret);
/* Write pkts[0..n) one by one to a TUN device without a virtio-net
 * header, partial TCP checksums completed first (vnet.h); returns how
 * many the kernel took. */
size_t tunio_write_plain(int tun_fd, struct vnet_pkt *pkts, size_t n);
/* Write the trains of vnet_coalesce() to a TUN device with a virtio-net
 * header (writev); returns how many trains the kernel took. */
size_t tunio_write_trains(int tun_fd, const struct vnet_pkt *pkts, struct vnet_train *t,
			  size_t nt);

#endif
