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
 *   mif-mn --hoa A --ha A --ha6 A [--ha4 A] --spi N --key-file F --tun NAME
 *          --path IFNAME,COA,PRI [--path ...] [--port P] [--interval MS]
 *          [--misses N] [--offload on|off] [--flow-file F] --status FILE
 *
 * --flow-file: flow bindings (RFC 6089), one per line in mob_flow.h's
 * syntax, BID = the --path's rank (1, 2, ...); read again on SIGHUP, when
 * only the flows that changed are registered again.
 *
 * With offloads (the default) the TUN device carries a virtio-net header
 * with TSO/USO and the care-of sockets UDP GSO/GRO (src/netlink/tunio.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
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
#include "daemon/mobility/mob_flow.h"
#include "netlink/netlink.h"
#include "netlink/tunio.h"
#include "proto/nl.h"

#define MN_RBATCH 4     /* UDP GRO trains per recvmmsg */

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000 /* linux/if.h: carrier (RFC 2863 lower layer up) */
#endif

struct mnt {
	struct mn_state mn;
	int fd[MH_MAX_BIDS];
	int ifindex[MH_MAX_BIDS];
	char ifname[MH_MAX_BIDS][IFNAMSIZ];
	struct sockaddr_storage ha_ep[MH_MAX_BIDS];
	socklen_t ha_len[MH_MAX_BIDS];
	int tun;
	struct mnl_socket *nl;
	const char *status;
	const char *dump_bu;    /* each BU sent, for the replay test */
	unsigned interval;
	uint64_t tun_rx, tun_tx, send_err;
	bool offload;
	uint64_t tun_gso_rx, tun_gro_tx, udp_gro_rx;
	const char *flow_file;
	struct mob_flows flows;
};

static volatile sig_atomic_t stop, reload;

static void on_hup(int s)
{
	(void)s;
	reload = 1;
}

static void on_sig(int s)
{
	(void)s;
	stop = 1;
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

static void write_status(struct mnt *t)
{
	char tmp[512];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", t->status);
	f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "{\"uplink\":\"%s\",\"registered\":%s,\"bu_sent\":%llu,\"ba_ok\":%llu,"
		   "\"switches\":%llu,\"drop_auth\":%llu,\"drop_replay\":%llu,\"tun_rx\":%llu,"
		   "\"tun_tx\":%llu,\"offload\":{\"on\":%s,\"tun_gso_rx\":%llu,\"tun_gro_tx\":%llu,"
		   "\"udp_gro_rx\":%llu},\"paths\":[",
		t->mn.uplink >= 0 ? t->ifname[t->mn.uplink] : "",
		t->mn.registered_ms ? "true" : "false",
		(unsigned long long)t->mn.bu_sent, (unsigned long long)t->mn.ba_ok,
		(unsigned long long)t->mn.switches, (unsigned long long)t->mn.drop_auth,
		(unsigned long long)t->mn.drop_replay, (unsigned long long)t->tun_rx,
		(unsigned long long)t->tun_tx, t->offload ? "true" : "false",
		(unsigned long long)t->tun_gso_rx, (unsigned long long)t->tun_gro_tx,
		(unsigned long long)t->udp_gro_rx);
	for (size_t i = 0; i < t->mn.n_paths; i++) {
		const struct mn_path *p = &t->mn.paths[i];

		fprintf(f, "%s{\"bid\":%u,\"if\":\"%s\",\"link\":%s,\"alive\":%s,\"misses\":%u,"
			   "\"rtt_us\":%u,\"tx\":%llu,\"rx\":%llu}", i ? "," : "", p->bid,
			t->ifname[i], p->link_up ? "true" : "false",
			p->live.alive ? "true" : "false", p->live.misses, p->live.rtt_us,
			(unsigned long long)p->tx_packets, (unsigned long long)p->rx_packets);
	}
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

static void tick(struct mnt *t, long long now)
{
	uint8_t pkt[512];
	size_t len;

	for (size_t i = 0; i < t->mn.n_paths; i++)
		if (mn_hb_wanted(&t->mn, i) &&
		    mn_build_hb(&t->mn, i, clock_ntp_now(), now, pkt, sizeof(pkt), &len) == 0)
			(void)send_path(t, i, pkt, len);
	failover(t);
	if (mn_bu_due(&t->mn, now))
		send_bu(t);
	write_status(t);
}

/* The data packets of one receive: coalesced into TCP super-packets with
 * offloads, else one write each. */
static void tun_write(struct mnt *t, struct vnet_pkt *pk, size_t n)
{
	static struct vnet_train tr[MN_RBATCH * VNET_MAX_SEGS];
	size_t nt;

	if (!t->offload) {
		for (size_t i = 0; i < n; i++)
			if (write(t->tun, pk[i].p, pk[i].len) == (ssize_t)pk[i].len)
				t->tun_tx++;
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
	static uint8_t buf[MN_RBATCH][TUNIO_BUF];
	static struct vnet_pkt in[MN_RBATCH * VNET_MAX_SEGS];
	static struct {
		_Alignas(struct cmsghdr) char b[TUNIO_CMSG_SPACE];
	} cm[MN_RBATCH];
	struct mmsghdr mm[MN_RBATCH];
	struct iovec iov[MN_RBATCH];
	uint8_t out[512];

	for (int k = 0; k < 16; k++) {
		size_t ni = 0, nf = 0;
		uint64_t ntp;
		long long now;
		int n;

		for (int m = 0; m < MN_RBATCH; m++) {
			iov[m] = (struct iovec){ buf[m], TUNIO_BUF };
			mm[m].msg_hdr = (struct msghdr){ .msg_iov = &iov[m], .msg_iovlen = 1,
				.msg_control = cm[m].b, .msg_controllen = sizeof(cm[m].b) };
		}
		n = recvmmsg(t->fd[i], mm, MN_RBATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		ntp = clock_ntp_now();
		now = clock_mono_ms();
		for (int m = 0; m < n; m++) {
			size_t seg = tunio_gro_size(&mm[m].msg_hdr);

			if (seg && seg < mm[m].msg_len)
				t->udp_gro_rx++;
			/* Each datagram of a GRO train is one inner packet. */
			ni += tunio_gro_split(buf[m], mm[m].msg_len, seg, in + ni, VNET_MAX_SEGS);
		}
		for (size_t j = 0; j < ni; j++) {
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
			}
		}
		tun_write(t, in, nf);
		if (n < MN_RBATCH)
			return;
	}
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
 * it (and its n-cast copy on *dup); false for the default uplink. */
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

static void on_tun_gso(struct mnt *t)
{
	static uint8_t buf[TUNIO_BUF];
	static struct vnet_seg segs[VNET_MAX_SEGS];

	for (int k = 0; k < 64; k++) {
		ssize_t n = read(t->tun, buf, sizeof(buf));
		struct vnet_hdr vh;
		size_t ns = 0;

		if (n <= 0)
			return;
		if (vnet_hdr_parse(buf, (size_t)n, &vh) < 0 ||
		    vnet_split(&vh, buf + VNET_HDR_LEN, (size_t)n - VNET_HDR_LEN, segs,
			       VNET_MAX_SEGS, &ns) < 0)
			continue;
		t->tun_rx += ns;
		if (ns > 1)
			t->tun_gso_rx++;
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

static void on_tun(struct mnt *t)
{
	uint8_t buf[65536];

	if (t->offload) {
		on_tun_gso(t);
		return;
	}
	for (int k = 0; k < 64; k++) {
		ssize_t n = read(t->tun, buf, sizeof(buf));

		if (n <= 0)
			return;
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

static void on_nl(struct mnt *t)
{
	uint8_t buf[16384];
	ssize_t n;

	while ((n = mnl_socket_recvfrom(t->nl, buf, sizeof(buf))) > 0)
		mnl_cb_run(buf, (size_t)n, 0, 0, nl_cb, t);
	failover(t);
}

static int open_path(struct mnt *t, size_t i, const char *spec, const struct in6_addr *ha6,
		     const struct in_addr *ha4, bool has4, uint16_t port, uint8_t *pri)
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
		*p++ = '\0';
		*pri = (uint8_t)atoi(p);
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
		b.sin6_port = htons(port);
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
		b.sin_port = htons(port);
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

/* The flow file: every line a flow; a bad line keeps the old set. */
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
	changed = mob_flow_set(&t->flows, next, n);
	fprintf(stderr, "mif-mn: %zu flow(s), %zu changed\n", n, changed);
	return (int)changed;
}

static void run(struct mnt *t)
{
	long long next = clock_mono_ms();

	send_bu(t);
	while (!stop) {
		struct pollfd p[MH_MAX_BIDS + 2];
		size_t n = t->mn.n_paths;
		long long now = clock_mono_ms();

		if (reload && t->flow_file) {
			reload = 0;
			if (load_flows(t) > 0)
				send_bu(t);     /* the changed flows alone, in full */
		}
		if (now >= next) {
			tick(t, now);
			next = now + t->interval;
		}
		for (size_t i = 0; i < n; i++)
			p[i] = (struct pollfd){ t->fd[i], POLLIN, 0 };
		p[n] = (struct pollfd){ t->tun, POLLIN, 0 };
		p[n + 1] = (struct pollfd){ mnl_socket_get_fd(t->nl), POLLIN, 0 };
		if (poll(p, n + 2, (int)(next > now ? next - now : 0)) < 0 && errno != EINTR)
			return;
		for (size_t i = 0; i < n; i++)
			if (p[i].revents & POLLIN)
				on_udp(t, i);
		if (p[n].revents & POLLIN)
			on_tun(t);
		if (p[n + 1].revents & POLLIN)
			on_nl(t);
	}
}

int main(int argc, char **argv)
{
	static const struct option o[] = {
		{ "hoa", 1, NULL, 'H' }, { "ha", 1, NULL, 'A' }, { "ha6", 1, NULL, '6' },
		{ "ha4", 1, NULL, '4' }, { "spi", 1, NULL, 'S' }, { "key-file", 1, NULL, 'k' },
		{ "tun", 1, NULL, 't' }, { "path", 1, NULL, 'p' }, { "port", 1, NULL, 'P' },
		{ "interval", 1, NULL, 'i' }, { "misses", 1, NULL, 'm' },
		{ "status", 1, NULL, 's' }, { "dump-bu", 1, NULL, 'D' },
		{ "offload", 1, NULL, 'O' }, { "flow-file", 1, NULL, 'F' }, { 0, 0, 0, 0 },
	};
	static struct mnt t;
	const char *paths[MH_MAX_BIDS], *tun = NULL, *key = NULL;
	struct in6_addr ha6 = IN6ADDR_ANY_INIT;
	struct in_addr ha4 = { 0 };
	bool has4 = false;
	size_t np = 0;
	uint16_t port = MH_UDP_PORT;
	char name[16];
	int c, r;

	t.interval = 100;
	t.offload = true;
	t.mn.hb_misses = 3;
	t.mn.replay_window_s = 7;
	t.mn.lifetime = 150;    /* 600 s */
	t.mn.uplink = -1;
	while ((c = getopt_long(argc, argv, "", o, NULL)) != -1) {
		switch (c) {
		case 'H': if (inet_pton(AF_INET6, optarg, &t.mn.hoa) != 1) return 2; break;
		case 'A': if (inet_pton(AF_INET6, optarg, &t.mn.ha) != 1) return 2; break;
		case '6': if (inet_pton(AF_INET6, optarg, &ha6) != 1) return 2; break;
		case '4': if (inet_pton(AF_INET, optarg, &ha4) != 1) return 2; has4 = true; break;
		case 'S': t.mn.spi = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'k': key = optarg; break;
		case 't': tun = optarg; break;
		case 'p': if (np == MH_MAX_BIDS) return 2; paths[np++] = optarg; break;
		case 'P': port = (uint16_t)atoi(optarg); break;
		case 'i': t.interval = (unsigned)atoi(optarg); break;
		case 'm': t.mn.hb_misses = (unsigned)atoi(optarg); break;
		case 's': t.status = optarg; break;
		case 'D': t.dump_bu = optarg; break;
		case 'O': t.offload = strcmp(optarg, "on") == 0; break;
		case 'F': t.flow_file = optarg; break;
		default: return 2;
		}
	}
	if (!tun || !key || !t.status || np == 0 || t.interval < 10) {
		fprintf(stderr, "mif-mn: --tun, --key-file, --status and --path are needed\n");
		return 2;
	}
	if ((r = keyfile_read(key, t.mn.key, sizeof(t.mn.key), &t.mn.key_len)) < 0) {
		fprintf(stderr, "mif-mn: %s: %s\n", key, strerror(-r));
		return 1;
	}
	for (size_t i = 0; i < np; i++) {
		uint8_t pri;

		if ((r = open_path(&t, i, paths[i], &ha6, &ha4, has4, port, &pri)) < 0) {
			fprintf(stderr, "mif-mn: path %s: %s\n", paths[i], strerror(-r));
			return 1;
		}
		t.mn.n_paths++;
	}
	if ((r = tun_open(tun, t.offload ? TUN_VNET_HDR : 0, &t.tun, name)) < 0 ||
	    (r = netlink_open(RTMGRP_LINK, 1 << 20, &t.nl)) < 0) {
		fprintf(stderr, "mif-mn: %s: %s\n", tun, strerror(-r));
		return 1;
	}
	if (t.offload) {
		unsigned off;

		if ((r = tunio_offload_enable(t.tun, &off)) < 0)
			fprintf(stderr, "mif-mn: %s: no offloads: %s\n", tun, strerror(-r));
		else
			fprintf(stderr, "mif-mn: %s: offloads csum tso%s\n", tun,
				off & TUN_OFF_USO ? " uso" : "");
	}
	if (t.flow_file) {
		t.mn.flows = &t.flows;
		if ((r = load_flows(&t)) < 0) {
			fprintf(stderr, "mif-mn: %s: %s\n", t.flow_file, strerror(-r));
			return 1;
		}
		signal(SIGHUP, on_hup);
	}
	mn_pick(&t.mn);
	signal(SIGTERM, on_sig);
	signal(SIGINT, on_sig);
	run(&t);
	/* A clean stop deregisters every BID, through every live link. */
	{
		uint8_t pkt[2200];
		size_t len;

		if (mn_build_dereg(&t.mn, clock_ntp_now(), clock_mono_ms(), pkt, sizeof(pkt), &len) == 0)
			for (size_t i = 0; i < t.mn.n_paths; i++)
				if (t.mn.paths[i].link_up)
					(void)send_path(&t, i, pkt, len);
	}
	return 0;
}
