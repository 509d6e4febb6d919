/* SPDX-License-Identifier: MIT */
/*
 * The mobile node's packets between the TUN device and the care-of
 * sockets, in batches (mob_batch.h), as mif-had and tests/tools/mif-mn do:
 *
 * - With offloads (`offload = yes`, the TUN device opened with a
 *   virtio-net header and TSO/USO by the parent): one read is a packet or
 *   a TCP/UDP super-packet of up to 64 KiB, cut by vnet_split() into
 *   inner packets that leave as UDP GSO trains with one sendmmsg
 *   (tunio_send). The care-of sockets have UDP_GRO: recvmmsg returns
 *   trains whole; their data packets, once mn_input() accepted each, are
 *   coalesced (vnet_coalesce) into TCP super-packets, one writev each.
 * - Without: TUN reads of one packet each, sent with one sendmmsg per
 *   batch; recvmmsg of single datagrams, one TUN write per packet.
 *
 * Everything from the network is checked before it reaches the TUN
 * device, whatever the batch: each datagram's source against the path's
 * home agent endpoint (mn_from_ha), then each inner packet by mn_input().
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/log.h"
#include "daemon/mobility/mob_batch.h"
#include "daemon/mobility/mob_dp.h"
#include "daemon/mobility/mob_fast_dp.h"
#include "netlink/tunio.h"

#define MOB_BATCH_RX 8           /* messages per recvmmsg */
_Static_assert(MOB_BATCH_RX <= TUNIO_RX_MAX, "MOB_BATCH_RX: at most TUNIO_RX_MAX");
#define MOB_BATCH_TX 32          /* packets per sendmmsg without offloads */
#define MOB_BATCH_ROUNDS 16      /* batches per wake-up, per descriptor */

/* The path that owns fd: the events carry the mob_net, paths move in the
 * array only when the parent changes them. */
static int mob_batch_path_of(const struct mob_net *m, int fd)
{
	for (size_t i = 0; i < m->mn.n_paths; i++)
		if (m->io[i].fd == fd)
			return (int)i;
	return -1;
}

/* The inner packets pk[0..n) that mn_input() let through, to the TUN
 * device: coalesced TCP runs with one writev each with the virtio-net
 * header, else one write a packet. */
static void mob_batch_write(struct mob_net *m, struct vnet_pkt *pk, size_t n)
{
	static struct vnet_train tr[MOB_BATCH_RX * VNET_MAX_SEGS];
	size_t nt;

	if (!m->vnet) {
		size_t ok = tunio_write_plain(m->tun, pk, n);

		m->tun_tx += ok;
		m->tun_err += n - ok;
		return;
	}
	/* tr has room for one train per packet: all fit in one call. */
	nt = vnet_coalesce(pk, n, tr, sizeof(tr) / sizeof(tr[0]));
	for (size_t t = 0; t < nt; t++) {
		if (tunio_write_trains(m->tun, pk, &tr[t], 1) != 1) {
			m->tun_err++;
			continue;
		}
		m->tun_tx += tr[t].n;
		if (tr[t].n > 1) {
			m->tun_coalesced++;
			m->tun_coalesced_pkts += tr[t].n;
		}
	}
}

/* One inner packet from path i: data is kept in pk (in order), the rest
 * acted on at once. */
static void mob_batch_input(struct mob_net *m, size_t i, struct vnet_pkt *in,
			    struct vnet_pkt *pk, size_t *nf, uint64_t ntp, long long now)
{
	uint8_t out[512];
	size_t olen = 0;
	int was = m->mn.uplink;
	enum mn_action a = mn_input(&m->mn, i, in->p, in->len, ntp, now, out, sizeof(out),
				    &olen);

	if (a == MN_DATA) {
		pk[(*nf)++] = *in;
	} else if (a == MN_REPLY) {
		(void)mob_dp_send(m, i, out, olen);
	} else if (a == MN_REREGISTER) {
		/* A path a heartbeat re-validated took the uplink, or the home
		 * agent told us its last sequence number: register now. */
		if (m->mn.uplink != was) {
			char why[96];

			snprintf(why, sizeof(why), "BID %u re-validated by a heartbeat answer",
				 m->mn.paths[i].bid);
			mob_dp_record(m, why);
		}
		mob_dp_send_bu(m);
	} else if (a == MN_SWITCH) {
		/* RFC 5142: the IPv6 paths go to the named agent (mob_net.c
		 * keeps it for paths that come later). */
		for (size_t k = 0; k < MOB_MAX_PATHS; k++)
			if (m->io[k].m.family == 6 && m->io[k].ha.ss_family == AF_INET6)
				((struct sockaddr_in6 *)&m->io[k].ha)->sin6_addr = m->mn.ha_next;
		mob_dp_record(m, "RFC 5142 HA Switch from the home agent");
		mob_dp_send_bu(m);
	}
}

void mob_batch_on_udp(evutil_socket_t fd, short what, void *arg)
{
	static struct tunio_rx rx = { .cap = MOB_BATCH_RX };
	static struct vnet_pkt in[MOB_BATCH_RX * VNET_MAX_SEGS];
	struct mob_net *m = arg;
	size_t nf = 0;                  /* data packets held */

	(void)what;
	for (int k = 0; k < MOB_BATCH_ROUNDS; k++) {
		int i = mob_batch_path_of(m, (int)fd), n;
		size_t ni = nf, first = rx.slot;
		bool drained;
		uint64_t ntp;
		long long now;

		if (i < 0 || (n = tunio_rx_recv(&rx, (int)fd, TUNIO_BUF)) <= 0)
			break;
		m->udp_rx_calls++;
		for (size_t j = first; j < first + (size_t)n; j++) {
			struct msghdr *h = &rx.mm[j].msg_hdr;
			/* Each datagram of a GRO train is one inner packet. */
			size_t seg = m->vnet ? tunio_gro_size(h) : 0;

			if (h->msg_flags & MSG_TRUNC)
				continue;       /* over 64 KiB: not a tunnel packet */
			if (!mn_from_ha(&m->mn, (size_t)i, &rx.from[j], h->msg_namelen,
					&m->io[i].ha, m->io[i].ha_len))
				continue;       /* mn.h: not from the home agent */
			if (seg && seg < rx.mm[j].msg_len)
				m->udp_gro_rx++;
			ni += tunio_gro_split(rx.buf[j], rx.mm[j].msg_len, seg, in + ni, VNET_MAX_SEGS);
		}
		m->udp_rx_pkts += ni - nf;
		ntp = clock_ntp_now();
		now = clock_mono_ms();
		for (size_t j = nf; j < ni; j++)
			mob_batch_input(m, (size_t)i, &in[j], in, &nf, ntp, now);  /* nf <= j */
		/* A train that may go on: look once more (tunio.h). */
		if (tunio_rx_again(&rx, (size_t)n, m->vnet && nf > 0 &&
				   vnet_train_open(in[nf - 1].p, in[nf - 1].len), &drained)) {
			m->udp_rx_again++;
			continue;
		}
		mob_batch_write(m, in, nf);
		nf = 0;
		if (drained)
			return;
	}
	rx.slot = 0;
	mob_batch_write(m, in, nf);
}

/* Send segs[0..n) on path (a flow binding's, mob_flow.h) or, for -1, the
 * uplink: UDP GSO trains with gso (one by one when the kernel or the
 * device refuses UDP_SEGMENT), one sendmmsg. A network that went away
 * moves the uplink, and what it did not take goes again on the new one; a
 * full socket buffer drops the rest (TCP sends again). */
static void mob_batch_send(struct mob_net *m, int path, struct vnet_seg *segs, size_t n,
			   bool gso)
{
	for (int tries = 0; tries < 2 && n > 0; tries++, path = -1) {
		size_t i, sent = 0;
		struct mob_io *io;
		int r = -ENETDOWN;

		if (path < 0 && m->mn.uplink < 0) {
			m->no_uplink += n;
			return;
		}
		i = (size_t)(path >= 0 ? path : m->mn.uplink);
		io = &m->io[i];
		if (io->fd >= 0)
			r = tunio_send(io->fd, &io->ha, io->ha_len, segs, n, gso, &sent);
		if ((r == -EIO || r == -EINVAL) && gso && sent < n) {
			size_t more = 0;

			r = tunio_send(io->fd, &io->ha, io->ha_len, segs + sent, n - sent, false,
				       &more);
			sent += more;
		}
		m->mn.paths[i].tx_packets += sent;
		segs += sent;
		n -= sent;
		if (r == 0)
			return;
		if (!mob_dp_send_failed(m, i, -r) || (path < 0 && !mob_dp_failover(m, NULL)))
			return;
	}
}

/* One packet (p, len: its first octets) cut into segs: on its flow
 * binding's path, with an n-cast copy, or on the uplink. */
static void mob_batch_flow_send(struct mob_net *m, const uint8_t *p, size_t len,
				struct vnet_seg *segs, size_t n, bool gso)
{
	int dup, path = mob_flow_uplink(&m->flows, &m->mn, p, len, &dup);

	mob_batch_send(m, path, segs, n, gso);
	if (dup >= 0)
		mob_batch_send(m, dup, segs, n, gso);
}

/* With the virtio-net header: one packet or super-packet per read, all
 * of one source, so of one home address's registration. */
static void mob_batch_tun_vnet(struct mob_node *node, int fd)
{
	static uint8_t buf[TUNIO_BUF];
	static struct vnet_seg segs[VNET_MAX_SEGS];

	for (int k = 0; k < MOB_BATCH_ROUNDS * 4; k++) {
		ssize_t n = read(fd, buf, sizeof(buf));
		struct vnet_hdr vh;
		struct mob_net *m;
		size_t ns = 0;

		if (n <= 0)
			return;
		m = mob_net_reg_of(node, buf + VNET_HDR_LEN,
				   (size_t)n > VNET_HDR_LEN ? (size_t)n - VNET_HDR_LEN : 0);
		if (!m) {
			node->no_home++;
			continue;
		}
		if (vnet_hdr_parse(buf, (size_t)n, &vh) < 0 ||
		    vnet_split(&vh, buf + VNET_HDR_LEN, (size_t)n - VNET_HDR_LEN, segs,
			       VNET_MAX_SEGS, &ns) < 0) {
			m->tun_bad++;
			continue;
		}
		/* The agent's kernel takes it off the tunnel when both have
		 * the fast path: no user space there to finish the sums. */
		if (m->wc.full_csum || mob_fast_full_csum(m))
			vnet_segs_complete(segs, ns);
		m->tun_rx += ns;
		if (ns > 1) {
			m->tun_super_rx++;
			m->tun_split_pkts += ns;
		}
		mob_batch_flow_send(m, buf + VNET_HDR_LEN, (size_t)n - VNET_HDR_LEN, segs, ns, true);
	}
}

/* Without: packets read one by one into an arena (each read has room for
 * the largest), then one sendmmsg for each run of packets of one home
 * address (with flow bindings, each packet on its own path). */
static void mob_batch_tun_plain(struct mob_node *node, int fd)
{
	static uint8_t arena[2 * TUNIO_BUF];
	static struct vnet_seg segs[MOB_BATCH_TX];
	static struct mob_net *reg[MOB_BATCH_TX];

	for (int k = 0; k < MOB_BATCH_ROUNDS / 4; k++) {
		size_t off = 0, ns = 0;
		ssize_t n = 0;

		while (ns < MOB_BATCH_TX && sizeof(arena) - off >= TUNIO_BUF &&
		       (n = read(fd, arena + off, TUNIO_BUF)) > 0) {
			if (!(reg[ns] = mob_net_reg_of(node, arena + off, (size_t)n))) {
				node->no_home++;
				continue;
			}
			reg[ns]->tun_rx++;
			segs[ns].hdr_len = 0;
			segs[ns].data = arena + off;
			segs[ns++].data_len = (size_t)n;
			off += (size_t)n;
		}
		for (size_t j = 0, run; j < ns; j += run) {
			struct mob_net *m = reg[j];

			if (m->flows.n) {
				run = 1;
				mob_batch_flow_send(m, segs[j].data, segs[j].data_len, &segs[j], 1,
						    false);
				continue;
			}
			for (run = 1; j + run < ns && reg[j + run] == m; run++)
				;
			mob_batch_send(m, -1, &segs[j], run, false);
		}
		if (n <= 0)
			return;
	}
}

void mob_batch_on_tun(evutil_socket_t fd, short what, void *arg)
{
	struct mob_node *node = arg;

	(void)what;
	if (node->vnet)
		mob_batch_tun_vnet(node, (int)fd);
	else
		mob_batch_tun_plain(node, (int)fd);
}
