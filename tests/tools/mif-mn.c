/* SPDX-License-Identifier: MIT */
/*
 * mif-mn: drives the mobile-node logic (src/daemon/mobility/mn.c) with
 * real sockets for the world tests, until mifd hosts the role. It attaches
 * to a TUN device that holds the home address (the test makes it), opens
 * one UDP socket per care-of address bound to that address and to its
 * interface (SO_BINDTODEVICE: each outer packet leaves through the network
 * that owns its source), registers every path in one bulk Binding Update,
 * sends heartbeats on every path, moves the uplink at once on loss of
 * carrier (rtnetlink) or when heartbeats fail, and re-registers so the
 * home agent's downlink follows. Status as JSON in --status FILE.
 *
 *   mif-mn --hoa A [--hoa4 A] --ha A --ha6 A [--ha4 A] --spi N --key-file F --tun NAME
 *          --path IFNAME,COA,PRI[,home] [--path ...] [--port P] [--interval MS]
 *          [--misses N] [--offload on|off] [--fast-path on|off] --status FILE
 *          [--home NAME --hoa A ... --status FILE [--via NAME ...]] ...
 *          [--flow-file F] (per home address)
 *
 * --flow-file: flow bindings (RFC 6089), one per line in mob_flow.h's
 * syntax, BID = the --path's rank (1, 2, ...); read again on SIGHUP, when
 * only the flows that changed are registered again.
 *
 * Several home addresses (issue 16): each --home starts the options of one
 * more home address (its home agent, key, paths, status file; --tun,
 * --port, --interval, --misses and --offload are shared; the first is
 * named "h1" unless --name). All share the TUN device: a packet read from
 * it goes out through the home address its source names. Each offered
 * --path and each --via home address is judged by the rule of
 * src/daemon/mobility/mob_hoa.h: only ingress-safe pairs are opened (the
 * care-of address must be one of its interface's own addresses), a --via
 * naming another home address nests this one over it (a path on the TUN
 * device bound to that home address), loops are refused at start. The
 * status file lists every pair with its verdict and why.
 *
 * With offloads (the default) the TUN device carries a virtio-net header
 * with TSO/USO and the care-of sockets UDP GSO/GRO (src/netlink/tunio.h).
 * With the fast path (the default; daemon/mobility/mn_fast.h) the kernel
 * carries the data packets of simple bindings itself; "off", or a kernel
 * that cannot load it, leaves them all to this process.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <ifaddrs.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/keyfile.h"
#include "daemon/mobility/mn.h"
#include "daemon/mobility/mn_fast.h"
#include "daemon/mobility/mob_flow.h"
#include "daemon/mobility/mob_hoa.h"
#include "common/carrier.h"
#include "netlink/netlink.h"
#include "netlink/tunio.h"
#include "proto/nl.h"

#define MN_RBATCH 4     /* UDP GRO trains per recvmmsg */
_Static_assert(MN_RBATCH <= TUNIO_RX_MAX, "MN_RBATCH: at most TUNIO_RX_MAX");

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000 /* linux/if.h: carrier (RFC 2863 lower layer up) */
#endif

struct mnt {
	struct mn_state mn;
	int fd[MH_MAX_BIDS];
	int ifindex[MH_MAX_BIDS];
	int carrier_fd[MH_MAX_BIDS];    /* sysfs carrier (common/carrier.h) */
	char ifname[MH_MAX_BIDS][IFNAMSIZ];
	struct sockaddr_storage ha_ep[MH_MAX_BIDS];
	socklen_t ha_len[MH_MAX_BIDS];
	int tun;
	struct mnl_socket *nl;
	const char *status;
	const char *dump_bu;    /* each BU sent, for the replay test */
	unsigned interval;
	long long status_ms;    /* last status file written */
	uint64_t tun_rx, tun_tx, send_err;
	bool offload;
	uint64_t tun_gso_rx, tun_gro_tx, udp_gro_rx;
	/* This home address's options and the pairing rule's verdicts. */
	const char *spec[MH_MAX_BIDS], *key;
	size_t n_spec;
	struct in6_addr ha6;
	struct in_addr ha4;
	bool has4;
	struct mob_hoa h;
	struct mob_pair pairs[MH_MAX_BIDS + MOB_HOA_MAX];
	size_t n_pairs;
	char pair_coa[MH_MAX_BIDS + MOB_HOA_MAX][64];
	const char *flow_file;
	struct mob_flows flows;
	uint16_t lport[MH_MAX_BIDS];    /* each path's own port */
	struct mn_fast_home fast;       /* its kernel fast path entries */
};

/* The kernel fast path (mn_fast.h), shared by every home address: NULL
 * when off or not loaded (fast_why says which). */
static struct tunfast *fast;
static int fast_tun_ifindex;
static char fast_why[96] = "off (--fast-path off)";

static struct mnt homes[MOB_HOA_MAX];
static size_t n_homes = 1;

static volatile sig_atomic_t stop, reload;

static void on_sig(int s)
{
	(void)s;
	stop = 1;
}

static void on_hup(int s)
{
	(void)s;
	reload = 1;
}

static int send_path(struct mnt *t, size_t i, const uint8_t *p, size_t len)
{
	if (sendto(t->fd[i], p, len, MSG_DONTWAIT, (struct sockaddr *)&t->ha_ep[i],
		   t->ha_len[i]) == (ssize_t)len) {
		t->mn.paths[i].tx_packets++;
		return 0;
	}
	t->send_err++;
	fprintf(stderr, "mif-mn: send on %s: %s\n", t->ifname[i], strerror(errno));
	if (errno == ENETDOWN || errno == ENETUNREACH || errno == EADDRNOTAVAIL)
		t->mn.paths[i].link_up = false;
	return -errno;
}

static void send_bu(struct mnt *t)
{
	uint8_t pkt[2200];      /* a BU with flow options: up to 2048 + 40 */
	size_t len;
	int via = t->mn.uplink;

	/* Without an uplink, try every path with a link. */
	if (mn_build_bu(&t->mn, clock_ntp_now(), clock_mono_ms(), pkt, sizeof(pkt), &len) < 0)
		return;
	if (t->dump_bu) {
		FILE *f = fopen(t->dump_bu, "w");

		if (f) {
			fwrite(pkt, 1, len, f);
			fclose(f);
		}
	}
	for (size_t i = 0; i < t->mn.n_paths; i++)
		if ((via >= 0 && (size_t)via == i) || (via < 0 && t->mn.paths[i].link_up))
			(void)send_path(t, i, pkt, len);
}

static void failover(struct mnt *t)
{
	if (mn_pick(&t->mn)) {
		fprintf(stderr, "mif-mn: %lld uplink now %s;", clock_mono_ms(),
			t->mn.uplink >= 0 ? t->ifname[t->mn.uplink] : "none");
		for (size_t i = 0; i < t->mn.n_paths; i++)
			fprintf(stderr, " %s link %d alive %d misses %u", t->ifname[i],
				t->mn.paths[i].link_up, t->mn.paths[i].live.alive,
				t->mn.paths[i].live.misses);
		fprintf(stderr, " (send errors %llu)\n", (unsigned long long)t->send_err);
		send_bu(t);
	}
}

static const char *const verdict_name[] = { "bound", "nested", "at-home", "refused" };
/* RFC 5142 HA Switch (mn.h MN_SWITCH): every IPv6 path sends to the
 * named agent from now on; register there at once. */
static void switch_ha(struct mnt *t)
{
	char a[INET6_ADDRSTRLEN];

	for (size_t i = 0; i < t->mn.n_paths; i++)
		if (t->ha_ep[i].ss_family == AF_INET6)
			((struct sockaddr_in6 *)&t->ha_ep[i])->sin6_addr = t->mn.ha_next;
	inet_ntop(AF_INET6, &t->mn.ha_next, a, sizeof(a));
	fprintf(stderr, "mif-mn: %lld HA Switch: registering with %s\n", clock_mono_ms(), a);
	send_bu(t);
}

static void write_status(struct mnt *t)
{
	char tmp[512];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", t->status);
	f = fopen(tmp, "w");
	if (!f)
		return;
	{
		char a[INET6_ADDRSTRLEN] = "";

		for (size_t i = 0; i < t->mn.n_paths && !a[0]; i++)
			if (t->ha_ep[i].ss_family == AF_INET6)
				inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&t->ha_ep[i])->sin6_addr,
					  a, sizeof(a));
		fprintf(f, "{\"home_agent\":\"%s\",\"ha_switches\":%llu,", a,
			(unsigned long long)t->mn.ha_switches);
	}
	fprintf(f, "\"uplink\":\"%s\",\"registered\":%s,\"bu_sent\":%llu,\"ba_ok\":%llu,"
		   "\"switches\":%llu,\"drop_auth\":%llu,\"drop_replay\":%llu,\"drop_source\":%llu,"
		   "\"tun_rx\":%llu,"
		   "\"tun_tx\":%llu,\"offload\":{\"on\":%s,\"tun_gso_rx\":%llu,\"tun_gro_tx\":%llu,"
		   "\"udp_gro_rx\":%llu},\"paths\":[",
		t->mn.uplink >= 0 ? t->ifname[t->mn.uplink] : "",
		t->mn.registered_ms ? "true" : "false",
		(unsigned long long)t->mn.bu_sent, (unsigned long long)t->mn.ba_ok,
		(unsigned long long)t->mn.switches, (unsigned long long)t->mn.drop_auth,
		(unsigned long long)t->mn.drop_replay, (unsigned long long)t->mn.drop_source,
		(unsigned long long)t->tun_rx,
		(unsigned long long)t->tun_tx, t->offload ? "true" : "false",
		(unsigned long long)t->tun_gso_rx, (unsigned long long)t->tun_gro_tx,
		(unsigned long long)t->udp_gro_rx);
	for (size_t i = 0; i < t->mn.n_paths; i++) {
		const struct mn_path *p = &t->mn.paths[i];
		uint64_t ftx, frx;

		/* With the kernel fast path's packets on this path. */
		mn_fast_path_counts(fast, &t->mn, &t->fast, i, t->lport[i], &ftx, &frx);
		fprintf(f, "%s{\"bid\":%u,\"if\":\"%s\",\"link\":%s,\"alive\":%s,\"misses\":%u,"
			   "\"rtt_us\":%u,\"tx\":%llu,\"rx\":%llu,\"home\":%s}", i ? "," : "", p->bid,
			t->ifname[i], p->link_up ? "true" : "false",
			p->live.alive ? "true" : "false", p->live.misses, p->live.rtt_us,
			(unsigned long long)(p->tx_packets + ftx), (unsigned long long)(p->rx_packets + frx),
			p->home ? "true" : "false");
	}
	{
		uint64_t c[4];

		mn_fast_counts(fast, &t->mn, &t->fast, c);
		fprintf(f, "],\"fast_path\":{\"on\":%s,\"agent_offers\":%s,\"state\":\"%s\",\"uplink\":%s,"
			   "\"downlink_paths\":%zu,\"tx_packets\":%llu,\"tx_bytes\":%llu,"
			   "\"rx_packets\":%llu,\"rx_bytes\":%llu,\"error\":\"%s\"",
			fast ? "true" : "false", t->mn.ha_fast ? "true" : "false", fast_why, t->fast.out_on ? "true" : "false",
			t->fast.n_in, (unsigned long long)c[0], (unsigned long long)c[1],
			(unsigned long long)c[2], (unsigned long long)c[3],
			t->fast.err ? strerror(-t->fast.err) : "");
	}
	fprintf(f, "},\"hoa4_acked\":%s,\"hoa4_status\":%u,\"name\":\"%s\",\"pairs\":[",
		t->mn.hoa4_acked ? "true" : "false", t->mn.hoa4_status, t->h.name);
	for (size_t i = 0; i < t->n_pairs; i++)
		fprintf(f, "%s{\"coa\":\"%s\",\"verdict\":\"%s\",\"why\":\"%s\"}", i ? "," : "",
			t->pair_coa[i], verdict_name[t->pairs[i].verdict], t->pairs[i].why);
	fprintf(f, "],\"ncast_dup_dropped\":%llu,\"flows\":[",
		(unsigned long long)t->flows.dup_dropped);
	for (size_t i = 0; i < t->flows.n; i++) {
		const struct mob_flow *e = &t->flows.e[i];

		fprintf(f, "%s{\"name\":\"%s\",\"fid\":%u,\"bids\":[", i ? "," : "", e->name,
			e->f.fid);
		for (size_t b = 0; b < e->f.n_bids; b++)
			fprintf(f, "%s%u", b ? "," : "", e->f.bids[b]);
		fprintf(f, "],\"last_bid\":%u,\"why\":\"%s\",\"packets\":%llu,\"copies\":%llu,"
			   "\"ha_status\":%d,\"pending\":%s}", e->last_bid,
			e->why ? e->why : "no packet yet", (unsigned long long)e->packets,
			(unsigned long long)e->copies, e->ha_status == 255 ? -1 : e->ha_status,
			e->dirty ? "true" : "false");
	}
	fprintf(f, "]}\n");
	fclose(f);
	rename(tmp, t->status);
}

/* Loss of carrier read from sysfs at every tick: the rtnetlink event may
 * come up to a second late (common/carrier.h). Its return is left to
 * the event (nothing is urgent about that) and the heartbeats. */
static void carrier_poll(struct mnt *t)
{
	for (size_t i = 0; i < t->mn.n_paths; i++) {
		if (t->carrier_fd[i] < 0 || !t->mn.paths[i].link_up ||
		    carrier_read(t->carrier_fd[i]) != 0)
			continue;
		t->mn.paths[i].link_up = false;
		fprintf(stderr, "mif-mn: %s carrier down (sysfs)\n", t->ifname[i]);
	}
}

static void tick(struct mnt *t, long long now)
{
	uint8_t pkt[512];
	size_t len;

	carrier_poll(t);
	for (size_t i = 0; i < t->mn.n_paths; i++)
		if (mn_hb_due(&t->mn, i, now, t->interval) &&
		    mn_build_hb(&t->mn, i, clock_ntp_now(), now, pkt, sizeof(pkt), &len) == 0)
			(void)send_path(t, i, pkt, len);
	failover(t);
	if (mn_bu_due(&t->mn, now))
		send_bu(t);
	if (now - t->status_ms >= t->interval) {
		t->status_ms = now;
		write_status(t);
	}
}

/* The data packets of one receive: coalesced into TCP super-packets with
 * offloads, else one write each. */
static void tun_write(struct mnt *t, struct vnet_pkt *pk, size_t n)
{
	static struct vnet_train tr[MN_RBATCH * VNET_MAX_SEGS];
	size_t nt;

	if (!t->offload) {
		t->tun_tx += tunio_write_plain(t->tun, pk, n);
		return;
	}
	nt = vnet_coalesce(pk, n, tr, sizeof(tr) / sizeof(tr[0]));
	for (size_t i = 0; i < nt; i++)
		if (tr[i].n > 1)
			t->tun_gro_tx++;
	if (tunio_write_trains(t->tun, pk, tr, nt) == nt)
		t->tun_tx += n;
}

/* Up to MN_RBATCH messages per recvmmsg, each a UDP GRO train when the
 * kernel kept one together; the data of all of them is coalesced at once,
 * so the two trains one 64 KiB super-packet needs (UDP's 64 KiB limit)
 * become one write again. */
static void on_udp(struct mnt *t, size_t i)
{
	static struct tunio_rx rx = { .cap = MN_RBATCH };
	static struct vnet_pkt in[MN_RBATCH * VNET_MAX_SEGS];
	uint8_t out[512];
	size_t nf = 0;                  /* data packets held */

	for (int k = 0; k < 16; k++) {
		size_t ni = nf, first = rx.slot;
		uint64_t ntp;
		long long now;
		bool drained;
		int n = tunio_rx_recv(&rx, t->fd[i], TUNIO_BUF);

		if (n <= 0)
			break;
		ntp = clock_ntp_now();
		now = clock_mono_ms();
		for (size_t m = first; m < first + (size_t)n; m++) {
			struct msghdr *h = &rx.mm[m].msg_hdr;
			size_t seg = tunio_gro_size(h);

			if (!mn_from_ha(&t->mn, i, &rx.from[m], h->msg_namelen, &t->ha_ep[i],
					t->ha_len[i]))
				continue;       /* not from the home agent (mn.h) */
			if (seg && seg < rx.mm[m].msg_len)
				t->udp_gro_rx++;
			/* Each datagram of a GRO train is one inner packet. */
			ni += tunio_gro_split(rx.buf[m], rx.mm[m].msg_len, seg, in + ni, VNET_MAX_SEGS);
		}
		for (size_t j = nf; j < ni; j++) {
			size_t olen = 0;
			enum mn_action a = mn_input(&t->mn, i, in[j].p, in[j].len, ntp, now, out,
						    sizeof(out), &olen);

			if (a == MN_DATA)
				in[nf++] = in[j];       /* j >= nf: kept in order */
			else if (a == MN_REPLY)
				(void)send_path(t, i, out, olen);
			else if (a == MN_REREGISTER) {
				fprintf(stderr, "mif-mn: %s re-validated, uplink now %s\n",
					t->ifname[i], t->ifname[t->mn.uplink]);
				send_bu(t);
			} else if (a == MN_SWITCH) {
				switch_ha(t);
			}
		}
		/* A train that may go on: look once more (tunio.h). */
		if (tunio_rx_again(&rx, (size_t)n, t->offload && nf &&
				   vnet_train_open(in[nf - 1].p, in[nf - 1].len), &drained))
			continue;
		tun_write(t, in, nf);
		nf = 0;
		if (drained)
			return;
	}
	rx.slot = 0;
	tun_write(t, in, nf);
}

/* Send one split on path i (UDP GSO trains); 0 or -errno. */
static int send_segs_on(struct mnt *t, size_t i, struct vnet_seg *segs, size_t n)
{
	size_t sent = 0;
	int r = tunio_send(t->fd[i], &t->ha_ep[i], t->ha_len[i], segs, n, true, &sent);

	if ((r == -EIO || r == -EINVAL) && sent < n) {
		size_t more = 0;

		r = tunio_send(t->fd[i], &t->ha_ep[i], t->ha_len[i], segs + sent, n - sent,
			       false, &more);
		sent += more;
	}
	t->mn.paths[i].tx_packets += sent;
	if (r < 0 && r != -EAGAIN) {
		t->send_err++;
		if (r == -ENETDOWN || r == -ENETUNREACH || r == -EADDRNOTAVAIL)
			t->mn.paths[i].link_up = false;
	}
	return r;
}

static int send_segs(struct mnt *t, struct vnet_seg *segs, size_t n)
{
	return send_segs_on(t, (size_t)t->mn.uplink, segs, n);
}

/* A flow binding's path for this packet (mob_flow.h): the packet goes on
 * it (and its n-cast copy on the second path); false for the default
 * uplink. */
static bool flow_send(struct mnt *t, const uint8_t *p, size_t len, struct vnet_seg *segs,
		      size_t n)
{
	int dup, i = mob_flow_uplink(&t->flows, &t->mn, p, len, &dup);

	if (i < 0)
		return false;
	if (segs)
		(void)send_segs_on(t, (size_t)i, segs, n);
	else
		(void)send_path(t, (size_t)i, p, len);
	if (dup >= 0 && segs)
		(void)send_segs_on(t, (size_t)dup, segs, n);
	else if (dup >= 0)
		(void)send_path(t, (size_t)dup, p, len);
	return true;
}

/* The home address a packet read from the TUN device leaves through: the
 * one its source names (IPv6 or the IPv4 home address), else the first
 * (the device's own link-local packets). */
static struct mnt *mnt_by_src(const uint8_t *p, size_t len)
{
	for (size_t g = 0; g < n_homes; g++) {
		const struct mn_state *m = &homes[g].mn;

		if (len >= 40 && p[0] >> 4 == 6 && !memcmp(p + 8, &m->hoa, 16))
			return &homes[g];
		if (len >= 20 && p[0] >> 4 == 4 && m->has_hoa4 && !memcmp(p + 12, m->hoa4, 4))
			return &homes[g];
	}
	return &homes[0];
}

static void on_tun_gso(struct mnt *t0)
{
	static uint8_t buf[TUNIO_BUF];
	static struct vnet_seg segs[VNET_MAX_SEGS];

	for (int k = 0; k < 64; k++) {
		ssize_t n = read(t0->tun, buf, sizeof(buf));
		struct vnet_hdr vh;
		struct mnt *t;
		size_t ns = 0;

		if (n <= 0)
			return;
		t = mnt_by_src(buf + VNET_HDR_LEN, (size_t)n > VNET_HDR_LEN ? (size_t)n - VNET_HDR_LEN : 0);
		if (vnet_hdr_parse(buf, (size_t)n, &vh) < 0 ||
		    vnet_split(&vh, buf + VNET_HDR_LEN, (size_t)n - VNET_HDR_LEN, segs,
			       VNET_MAX_SEGS, &ns) < 0)
			continue;
		t->tun_rx += ns;
		if (ns > 1)
			t->tun_gso_rx++;
		/* The agent's kernel decapsulates (the fast path, both ends):
		 * no user space there to finish the partial inner sums. */
		if (t->mn.ha_fast && fast)
			vnet_segs_complete(segs, ns);
		if (flow_send(t, buf + VNET_HDR_LEN, (size_t)n - VNET_HDR_LEN, segs, ns))
			continue;
		if (t->mn.uplink >= 0 && send_segs(t, segs, ns) < 0 &&
		    !t->mn.paths[t->mn.uplink].link_up) {
			/* The network went away under us: move now, resend. */
			failover(t);
			if (t->mn.uplink >= 0)
				(void)send_segs(t, segs, ns);
		}
	}
}

static void on_tun(struct mnt *t0)
{
	uint8_t buf[65536];

	if (t0->offload) {
		on_tun_gso(t0);
		return;
	}
	for (int k = 0; k < 64; k++) {
		ssize_t n = read(t0->tun, buf, sizeof(buf));
		struct mnt *t;

		if (n <= 0)
			return;
		t = mnt_by_src(buf, (size_t)n);
		t->tun_rx++;
		if (flow_send(t, buf, (size_t)n, NULL, 0))
			continue;
		if (t->mn.uplink >= 0 && send_path(t, (size_t)t->mn.uplink, buf, (size_t)n) < 0) {
			/* The network went away under us: move now, resend. */
			failover(t);
			if (t->mn.uplink >= 0)
				(void)send_path(t, (size_t)t->mn.uplink, buf, (size_t)n);
		}
	}
}

static int nl_cb(const struct nlmsghdr *nlh, void *data)
{
	struct mnt *t = data;
	struct nl_link l;

	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return MNL_CB_OK;
	if (nl_parse_link(nlh, &l) < 0)
		return MNL_CB_OK;
	for (size_t i = 0; i < t->mn.n_paths; i++) {
		bool up = nlh->nlmsg_type == RTM_NEWLINK && (l.flags & IFF_UP) &&
			  (l.flags & IFF_LOWER_UP);

		if (l.ifindex != t->ifindex[i] || up == t->mn.paths[i].link_up)
			continue;
		t->mn.paths[i].link_up = up;
		/* A path that comes back is used only after a heartbeat
		 * answer re-validates it. */
		if (up)
			t->mn.paths[i].live.alive = false;
		fprintf(stderr, "mif-mn: %s carrier %s\n", t->ifname[i], up ? "up" : "down");
	}
	return MNL_CB_OK;
}

static void on_nl(struct mnt *t0)
{
	uint8_t buf[16384];
	ssize_t n;

	while ((n = mnl_socket_recvfrom(t0->nl, buf, sizeof(buf))) > 0)
		for (size_t g = 0; g < n_homes; g++)
			mnl_cb_run(buf, (size_t)n, 0, 0, nl_cb, &homes[g]);
	for (size_t g = 0; g < n_homes; g++)
		failover(&homes[g]);
}

static int open_path(struct mnt *t, size_t i, const char *spec, const struct in6_addr *ha6,
		     const struct in_addr *ha4, bool has4, uint16_t port, uint16_t bport,
		     uint8_t *pri)
{
	char buf[128], *coa, *p;
	struct mn_path *mp = &t->mn.paths[i];
	int fd, one = 1;

	snprintf(buf, sizeof(buf), "%s", spec);
	coa = strchr(buf, ',');
	if (!coa)
		return -EINVAL;
	*coa++ = '\0';
	p = strchr(coa, ',');
	*pri = 0;
	if (p) {
		char *h;

		*p++ = '\0';
		*pri = (uint8_t)atoi(p);
		/* IFNAME,HOA,PRI,home: attached at home (H flag, ha_home.h). */
		h = strchr(p, ',');
		if (h && strcmp(h + 1, "home") != 0)
			return -EINVAL;
		mp->home = h != NULL;
	}
	if (strlen(buf) >= IFNAMSIZ)
		return -EINVAL;
	memcpy(t->ifname[i], buf, strlen(buf) + 1);
	t->ifindex[i] = (int)if_nametoindex(buf);
	if (t->ifindex[i] <= 0)
		return -ENODEV;
	mp->bid = (uint16_t)(i + 1);
	mp->pri = *pri;
	mp->link_up = true;
	t->carrier_fd[i] = carrier_open(buf);     /* -errno: netlink events only */
	mp->live.alive = true;  /* until heartbeats say otherwise */
	if (inet_pton(AF_INET6, coa, mp->coa) == 1) {
		struct sockaddr_in6 *sa = (struct sockaddr_in6 *)&t->ha_ep[i], b = { 0 };

		mp->coa_family = 6;
		sa->sin6_family = AF_INET6;
		sa->sin6_addr = *ha6;
		sa->sin6_port = htons(port);
		t->ha_len[i] = sizeof(*sa);
		b.sin6_family = AF_INET6;
		memcpy(&b.sin6_addr, mp->coa, 16);
		b.sin6_port = htons(bport);
		fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0)
			return -errno;
		(void)setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, buf, (socklen_t)strlen(buf));
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&b, sizeof(b)) < 0)
			return -errno;
	} else if (has4 && inet_pton(AF_INET, coa, mp->coa) == 1) {
		struct sockaddr_in *sa = (struct sockaddr_in *)&t->ha_ep[i], b = { 0 };

		mp->coa_family = 4;
		sa->sin_family = AF_INET;
		sa->sin_addr = *ha4;
		sa->sin_port = htons(port);
		t->ha_len[i] = sizeof(*sa);
		b.sin_family = AF_INET;
		memcpy(&b.sin_addr, mp->coa, 4);
		b.sin_port = htons(bport);
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0)
			return -errno;
		(void)setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, buf, (socklen_t)strlen(buf));
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&b, sizeof(b)) < 0)
			return -errno;
	} else {
		return -EINVAL;
	}
	t->fd[i] = fd;
	/* The port the kernel chose for bport 0: the fast path's entries
	 * name the socket's endpoint. */
	{
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);

		t->lport[i] = bport;
		if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
			t->lport[i] = ntohs(ss.ss_family == AF_INET6 ?
					    ((struct sockaddr_in6 *)&ss)->sin6_port :
					    ((struct sockaddr_in *)&ss)->sin_port);
	}
	/* The other end's fast path sends UDP checksum 0 (tunfast.h). */
	if (mp->coa_family == 6)
		(void)tunfast_sock_zero_csum_ok(fd);
	if (t->offload) {
		int sz = 4 << 20;

		/* Room for bursts of 64 KiB trains; UDP_GRO hands them whole. */
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz));
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
		if (tunio_udp_gro(fd) < 0)
			fprintf(stderr, "mif-mn: %s: no UDP_GRO\n", t->ifname[i]);
	}
	return 0;
}

/* A home address's flow file: every line a flow; a bad line keeps the
 * old set. The number of flows that changed, or -errno. */
static int load_flows(struct mnt *t)
{
	static struct mob_flow next[MOB_FLOW_MAX];
	char line[512], err[128];
	size_t n = 0, changed;
	FILE *f = fopen(t->flow_file, "r");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (!line[strspn(line, " \t")] || line[strspn(line, " \t")] == '#')
			continue;
		if (n == MOB_FLOW_MAX || mob_flow_parse(line, &next[n], err, sizeof(err)) < 0) {
			fprintf(stderr, "mif-mn: %s: '%s': %s\n", t->flow_file, line,
				n == MOB_FLOW_MAX ? "too many flows" : err);
			fclose(f);
			return -EINVAL;
		}
		n++;
	}
	fclose(f);
	t->mn.flows = &t->flows;
	changed = mob_flow_set(&t->flows, next, n);
	fprintf(stderr, "mif-mn: %zu flow(s), %zu changed\n", n, changed);
	return (int)changed;
}

static bool home_nested(const struct mnt *t);

/* The kernel's entries follow the uplink and the paths (mn_fast.h); a
 * nested home address rides in another's tunnel: never in the kernel. */
static void fast_sync(struct mnt *t, bool off)
{
	struct mn_fast_path fp[MH_MAX_BIDS];

	for (size_t i = 0; i < t->mn.n_paths; i++) {
		const struct sockaddr_in6 *ha = (const struct sockaddr_in6 *)&t->ha_ep[i];

		memset(&fp[i], 0, sizeof(fp[i]));
		fp[i].v6 = t->mn.paths[i].coa_family == 6 && ha->sin6_family == AF_INET6;
		fp[i].ifindex = t->ifindex[i];
		fp[i].local_port = t->lport[i];
		if (fp[i].v6) {
			memcpy(fp[i].ha, &ha->sin6_addr, 16);
			fp[i].ha_port = ntohs(ha->sin6_port);
		}
	}
	mn_fast_sync(fast, fast_tun_ifindex, &t->mn, fp, off || home_nested(t), &t->fast);
}

static void fast_open(int tun, const char *name)
{
	int r, ifindex = (int)if_nametoindex(name);

	(void)tun;
	if ((r = ifindex > 0 ? tunfast_open(TUNFAST_MN, ifindex, MOB_HOA_MAX, MH_MAX_BIDS, &fast) :
		 -ENODEV) < 0) {
		snprintf(fast_why, sizeof(fast_why), "not loaded: %s", strerror(-r));
		fprintf(stderr, "mif-mn: fast path %s\n", fast_why);
		return;
	}
	fast_tun_ifindex = ifindex;
	for (size_t g = 0; g < n_homes; g++)
		for (size_t i = 0; i < homes[g].mn.n_paths; i++)
			if (homes[g].mn.paths[i].coa_family == 6 && homes[g].ifindex[i] > 0 &&
			    homes[g].ifindex[i] != ifindex &&
			    (r = tunfast_uplink(fast, homes[g].ifindex[i])) < 0)
				fprintf(stderr, "mif-mn: fast path: not on %s: %s\n",
					homes[g].ifname[i], strerror(-r));
	/* A nested home address's tunnel arrives inside another's, at a
	 * socket on the TUN device: no kernel takes it off, no offer. */
	for (size_t g = 0; g < n_homes; g++)
		homes[g].mn.fast_offer = !home_nested(&homes[g]);
	snprintf(fast_why, sizeof(fast_why), "on");
	fprintf(stderr, "mif-mn: fast path on\n");
}

static void run(void)
{
	long long next = clock_mono_ms();
	struct mnt *t0 = &homes[0];

	for (size_t g = 0; g < n_homes; g++)
		send_bu(&homes[g]);
	while (!stop) {
		struct pollfd p[MOB_HOA_MAX * MH_MAX_BIDS + 2];
		struct mnt *of[MOB_HOA_MAX * MH_MAX_BIDS];
		size_t ix[MOB_HOA_MAX * MH_MAX_BIDS], n = 0;
		long long now = clock_mono_ms();

		for (size_t g = 0; reload && g < n_homes; g++)
			if (homes[g].flow_file && load_flows(&homes[g]) > 0)
				send_bu(&homes[g]);     /* the changed flows alone, in full */
		reload = 0;
		if (now >= next) {
			for (size_t g = 0; g < n_homes; g++)
				tick(&homes[g], now);
			/* A quarter interval: an overdue heartbeat is followed
			 * up within 25 ms of its timeout (mn_hb_due). */
			next = now + (t0->interval / 4 > 10 ? t0->interval / 4 : 10);
		}
		for (size_t g = 0; g < n_homes; g++)
			for (size_t i = 0; i < homes[g].mn.n_paths; i++, n++) {
				p[n] = (struct pollfd){ homes[g].fd[i], POLLIN, 0 };
				of[n] = &homes[g];
				ix[n] = i;
			}
		p[n] = (struct pollfd){ t0->tun, POLLIN, 0 };
		p[n + 1] = (struct pollfd){ mnl_socket_get_fd(t0->nl), POLLIN, 0 };
		if (poll(p, n + 2, (int)(next > now ? next - now : 0)) < 0 && errno != EINTR)
			return;
		for (size_t k = 0; k < n; k++)
			if (p[k].revents & POLLIN)
				on_udp(of[k], ix[k]);
		if (p[n].revents & POLLIN)
			on_tun(t0);
		if (p[n + 1].revents & POLLIN)
			on_nl(t0);
		for (size_t g = 0; fast && g < n_homes; g++)
			fast_sync(&homes[g], false);
	}
}


/* Whether a (4 or 16 octets, family f) is one of ifname's own addresses. */
static bool addr_on_if(const char *ifname, uint8_t f, const uint8_t *a)
{
	struct ifaddrs *ifa, *i;
	bool on = false;

	if (getifaddrs(&ifa) < 0)
		return false;
	for (i = ifa; i && !on; i = i->ifa_next) {
		if (!i->ifa_addr || strcmp(i->ifa_name, ifname))
			continue;
		if (f == 6 && i->ifa_addr->sa_family == AF_INET6)
			on = !memcmp(&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, a, 16);
		else if (f == 4 && i->ifa_addr->sa_family == AF_INET)
			on = !memcmp(&((struct sockaddr_in *)i->ifa_addr)->sin_addr, a, 4);
	}
	freeifaddrs(ifa);
	return on;
}

/* "IF,COA[,PRI]" into a candidate; -EINVAL when it is not one. */
static int spec_coa(const char *spec, struct mob_coa *c)
{
	char buf[128], *coa, *p;

	memset(c, 0, sizeof(*c));
	snprintf(buf, sizeof(buf), "%s", spec);
	if (!(coa = strchr(buf, ',')))
		return -EINVAL;
	*coa++ = '\0';
	if ((p = strchr(coa, ','))) {
		*p++ = '\0';
		c->pri = (uint8_t)atoi(p);
		c->home = strstr(p, ",home") != NULL;
	}
	if (strlen(buf) >= IFNAMSIZ)
		return -EINVAL;
	snprintf(c->ifname, sizeof(c->ifname), "%s", buf);
	if (inet_pton(AF_INET6, coa, c->addr) == 1)
		c->family = 6;
	else if (inet_pton(AF_INET, coa, c->addr) == 1)
		c->family = 4;
	else
		return -EINVAL;
	c->on_if = addr_on_if(c->ifname, c->family, c->addr);
	return 0;
}

/* One judged pair into home t's record and the log. */
static void note_pair(struct mnt *t, const struct mob_pair *p, const char *coa)
{
	snprintf(t->pair_coa[t->n_pairs], sizeof(t->pair_coa[0]), "%s", coa);
	t->pairs[t->n_pairs++] = *p;
	fprintf(stderr, "mif-mn: %s: %s: %s (%s)\n", t->h.name, coa, verdict_name[p->verdict],
		p->why);
}

/* Judge home g's offered paths and via list (mob_hoa.h), then open what
 * the rule allows: the ingress-safe paths as given, each nested home
 * address as a path on the TUN device bound to it. */
static int open_home(size_t g, const char *tun, uint16_t port)
{
	static struct mob_pair all[MOB_HOA_MAX * (MH_MAX_BIDS + MOB_HOA_MAX)];
	struct mnt *t = &homes[g];
	struct mob_hoa hs[MOB_HOA_MAX];
	struct mob_coa c[MH_MAX_BIDS];
	char err[160] = "", spec[128], a[INET6_ADDRSTRLEN], coa[48];
	size_t n = 0;
	int r;

	for (size_t k = 0; k < n_homes; k++)
		hs[k] = homes[k].h;
	for (size_t k = 0; k < t->n_spec; k++)
		if (spec_coa(t->spec[k], &c[k]) < 0)
			return -EINVAL;
	r = mob_hoa_plan(hs, n_homes, c, t->n_spec, all, sizeof(all) / sizeof(all[0]), &n, err,
			 sizeof(err));
	if (r < 0) {
		fprintf(stderr, "mif-mn: %s: refused: %s\n", t->h.name, err[0] ? err : strerror(-r));
		return r;
	}
	for (size_t k = 0; k < n; k++) {
		const struct mob_pair *p = &all[k];
		uint8_t pri;

		if (p->hoa != g)
			continue;
		if (p->coa < MOB_HOA_COA_MAX) {
			inet_ntop(c[p->coa].family == 4 ? AF_INET : AF_INET6, c[p->coa].addr, a,
				  sizeof(a));
			snprintf(coa, sizeof(coa), "%s %s", c[p->coa].ifname, a);
			snprintf(spec, sizeof(spec), "%s", t->spec[p->coa]);
		} else {
			const struct mnt *o = &homes[p->coa - MOB_HOA_COA_MAX];

			inet_ntop(AF_INET6, &o->mn.hoa, a, sizeof(a));
			snprintf(coa, sizeof(coa), "%s %s", o->h.name, a);
			snprintf(spec, sizeof(spec), "%s,%s,%u", tun, a, 4u);
		}
		note_pair(t, p, coa);
		if (p->verdict != MOB_PAIR_BOUND && p->verdict != MOB_PAIR_NESTED)
			continue;
		if (t->mn.n_paths == MH_MAX_BIDS)
			return -E2BIG;
		/* The first home address keeps the agent's port as its source
		 * (as before several existed); the others take any. */
		r = open_path(t, t->mn.n_paths, spec, &t->ha6, &t->ha4, t->has4, port,
			      g == 0 ? port : 0, &pri);
		if (r < 0) {
			fprintf(stderr, "mif-mn: %s: path %s: %s\n", t->h.name, spec, strerror(-r));
			return r;
		}
		t->mn.n_paths++;
	}
	return 0;
}

/* Whether home t rides on another home address (a nested pair). */
static bool home_nested(const struct mnt *t)
{
	for (size_t i = 0; i < t->n_pairs; i++)
		if (t->pairs[i].verdict == MOB_PAIR_NESTED)
			return true;
	return false;
}

/* Lifetime 0 for every BID of t, on every path with a link. */
static void deregister(struct mnt *t)
{
	uint8_t pkt[2200];
	size_t len;

	if (mn_build_dereg(&t->mn, clock_ntp_now(), clock_mono_ms(), pkt, sizeof(pkt), &len) == 0)
		for (size_t i = 0; i < t->mn.n_paths; i++)
			if (t->mn.paths[i].link_up)
				(void)send_path(t, i, pkt, len);
}

static void home_defaults(struct mnt *t, const char *name)
{
	snprintf(t->h.name, sizeof(t->h.name), "%s", name);
	t->h.plen = 64;
	t->mn.replay_window_s = 7;
	t->mn.lifetime = 150;   /* 600 s */
	t->mn.uplink = -1;
}

/* Options that belong to the home address being described; 0, or 2 for a
 * bad value, or 1 when c is not one of them. */
static int home_opt(struct mnt *t, int c, const char *v)
{
	switch (c) {
	case 'n': snprintf(t->h.name, sizeof(t->h.name), "%s", v); return 0;
	case 'v':
		if (t->h.n_via == MOB_HOA_MAX_VIA)
			return 2;
		snprintf(t->h.via[t->h.n_via++], sizeof(t->h.via[0]), "%s", v);
		return 0;
	case 'H':
		if (inet_pton(AF_INET6, v, &t->mn.hoa) != 1)
			return 2;
		memcpy(t->h.addr, &t->mn.hoa, 16);
		return 0;
	case 'A': return inet_pton(AF_INET6, v, &t->mn.ha) == 1 ? 0 : 2;
	case '6': return inet_pton(AF_INET6, v, &t->ha6) == 1 ? 0 : 2;
	case '4': t->has4 = true; return inet_pton(AF_INET, v, &t->ha4) == 1 ? 0 : 2;
	case 'S': t->mn.spi = (uint32_t)strtoul(v, NULL, 10); return 0;
	case 'k': t->key = v; return 0;
	case 'p':
		if (t->n_spec == MH_MAX_BIDS)
			return 2;
		t->spec[t->n_spec++] = v;
		return 0;
	case 's': t->status = v; return 0;
	case 'D': t->dump_bu = v; return 0;
	case 'F': t->flow_file = v; return 0;
	case 'V': /* RFC 5555 IPv4 home address (the test puts it on the TUN) */
		t->mn.has_hoa4 = true;
		t->mn.hoa4_status = 255;
		return inet_pton(AF_INET, v, t->mn.hoa4) == 1 ? 0 : 2;
	default: return 1;
	}
}

/* Shared settings, keys, then the pairing rule and the paths. */
static int setup_homes(const char *tun, uint16_t port, unsigned interval, unsigned misses,
		       bool offload)
{
	int r;

	for (size_t g = 0; g < n_homes; g++) {
		struct mnt *t = &homes[g];

		t->interval = interval;
		t->offload = offload;
		t->mn.hb_misses = misses;
		if (!t->key || !t->status || (t->n_spec == 0 && t->h.n_via == 0)) {
			fprintf(stderr, "mif-mn: %s: --key-file, --status and --path or --via are "
				"needed\n", t->h.name);
			return 2;
		}
		if ((r = keyfile_read(t->key, t->mn.key, sizeof(t->mn.key), &t->mn.key_len)) < 0) {
			fprintf(stderr, "mif-mn: %s: %s\n", t->key, strerror(-r));
			return 1;
		}
	}
	for (size_t g = 0; g < n_homes; g++)
		if (open_home(g, tun, port) < 0)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option o[] = {
		{ "hoa", 1, NULL, 'H' }, { "ha", 1, NULL, 'A' }, { "ha6", 1, NULL, '6' },
		{ "ha4", 1, NULL, '4' }, { "spi", 1, NULL, 'S' }, { "key-file", 1, NULL, 'k' },
		{ "tun", 1, NULL, 't' }, { "path", 1, NULL, 'p' }, { "port", 1, NULL, 'P' },
		{ "interval", 1, NULL, 'i' }, { "misses", 1, NULL, 'm' },
		{ "status", 1, NULL, 's' }, { "dump-bu", 1, NULL, 'D' },
		{ "offload", 1, NULL, 'O' }, { "hoa4", 1, NULL, 'V' },
		{ "home", 1, NULL, 'h' }, { "name", 1, NULL, 'n' }, { "via", 1, NULL, 'v' },
		{ "flow-file", 1, NULL, 'F' }, { "fast-path", 1, NULL, 'X' },
		{ 0, 0, 0, 0 },
	};
	const char *tun = NULL;
	uint16_t port = MH_UDP_PORT;
	unsigned interval = 100, misses = 3;
	bool offload = true, described = false, fast_on = true;
	struct mnt *t = &homes[0];
	char name[16];
	int c, r;

	home_defaults(t, "h1");
	while ((c = getopt_long(argc, argv, "", o, NULL)) != -1) {
		if ((r = home_opt(t, c, optarg)) == 0) {
			described = true;
			continue;
		}
		if (r == 2)
			return 2;
		switch (c) {
		case 'h':
			/* The first --home names the first home address. */
			if (!described) {
				home_defaults(t, optarg);
				described = true;
				break;
			}
			if (n_homes == MOB_HOA_MAX)
				return 2;
			t = &homes[n_homes++];
			home_defaults(t, optarg);
			break;
		case 't': tun = optarg; break;
		case 'P': port = (uint16_t)atoi(optarg); break;
		case 'i': interval = (unsigned)atoi(optarg); break;
		case 'm': misses = (unsigned)atoi(optarg); break;
		case 'O': offload = strcmp(optarg, "on") == 0; break;
		case 'X': fast_on = strcmp(optarg, "on") == 0; break;
		default: return 2;
		}
	}
	if (!tun || interval < 10) {
		fprintf(stderr, "mif-mn: --tun is needed\n");
		return 2;
	}
	if ((r = setup_homes(tun, port, interval, misses, offload)) != 0)
		return r;
	t = &homes[0];
	if ((r = tun_open(tun, offload ? TUN_VNET_HDR : 0, &t->tun, name)) < 0 ||
	    (r = netlink_open(RTMGRP_LINK, 1 << 20, &t->nl)) < 0) {
		fprintf(stderr, "mif-mn: %s: %s\n", tun, strerror(-r));
		return 1;
	}
	if (offload) {
		unsigned off;

		if ((r = tunio_offload_enable(t->tun, &off)) < 0)
			fprintf(stderr, "mif-mn: %s: no offloads: %s\n", tun, strerror(-r));
		else
			fprintf(stderr, "mif-mn: %s: offloads csum tso%s\n", tun,
				off & TUN_OFF_USO ? " uso" : "");
	}
	if (fast_on)
		fast_open(t->tun, name);
	for (size_t g = 0; g < n_homes; g++) {
		homes[g].tun = t->tun;
		homes[g].nl = t->nl;
		if (homes[g].flow_file && (r = load_flows(&homes[g])) < 0) {
			fprintf(stderr, "mif-mn: %s: %s\n", homes[g].flow_file, strerror(-r));
			return 1;
		}
		mn_pick(&homes[g].mn);
	}
	signal(SIGHUP, on_hup);
	signal(SIGTERM, on_sig);
	signal(SIGINT, on_sig);
	run();
	/* A clean stop deregisters every BID, through every live link:
	 * nested home addresses first, while the tunnels they ride in are
	 * still registered (their deregistrations come back through the TUN
	 * device and are forwarded), then the others. */
	for (int pass = 0; pass < 2; pass++) {
		struct pollfd pf = { homes[0].tun, POLLIN, 0 };

		for (size_t g = 0; g < n_homes; g++)
			if (home_nested(&homes[g]) == (pass == 0))
				deregister(&homes[g]);
		if (pass == 0 && poll(&pf, 1, 200) > 0)
			on_tun(&homes[0]);
	}
	return 0;
}
