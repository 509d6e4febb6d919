/* SPDX-License-Identifier: MIT */
/*
 * mif-had: the home agent of mif's user-space Mobile IPv6 (mif-had(8)).
 * It owns the home prefix on a TUN device, speaks Mobility Header
 * messages inside RFC 5555-style UDP encapsulation with the mobile nodes
 * of its configuration file, and forwards between the tunnel and the
 * correspondents through the kernel's routing. One thread, one poll loop.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/log.h"
#include "ha/ha.h"
#include "ha/ha_home.h"
#include "ha/ha_fast.h"
#include "ha/ha_setup.h"
#include "ha/ha_store.h"
#include "netlink/tunio.h"

static volatile sig_atomic_t ha_stop, ha_handover;

static void ha_on_signal(int sig)
{
	if (sig == SIGUSR1)
		ha_handover = 1;
	else
		ha_stop = 1;
}

/* SIGTERM and SIGINT stop the loop (after the handover if configured),
 * SIGUSR1 hands the mobile nodes over (RFC 5142) and goes on. */
static void ha_signals_install(void)
{
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, ha_on_signal);
	signal(SIGINT, ha_on_signal);
	signal(SIGUSR1, ha_on_signal);
}

static void ha_serve_status(struct ha_ctx *h)
{
	int fd = accept4(h->ctl, NULL, NULL, SOCK_CLOEXEC);
	char *s;

	if (fd < 0)
		return;
	s = ha_status_json(h, clock_mono_ms());
	if (s) {
		/* A short answer to a local reader; a blocked reader loses it. */
		(void)send(fd, s, strlen(s), MSG_DONTWAIT | MSG_NOSIGNAL);
		(void)send(fd, "\n", 1, MSG_DONTWAIT | MSG_NOSIGNAL);
	}
	free(s);
	close(fd);
}

static int ha_status_client(const char *path)
{
	struct sockaddr_un sa;
	char buf[4096];
	ssize_t n;
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "mif-had: %s: %s\n", path, strerror(ENAMETOOLONG));
		return 2;
	}
	memcpy(sa.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "mif-had: %s: %s\n", path, strerror(errno));
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	close(fd);
	return 0;
}

#define HA_BATCH 32
#define HA_PKT 2048     /* the TUN MTU is 1400; a larger datagram is cut */
#define HA_RBATCH 8     /* UDP_GRO datagram trains per recvmmsg */
_Static_assert(HA_RBATCH <= TUNIO_RX_MAX, "HA_RBATCH: at most TUNIO_RX_MAX");

/* Write the data packets of one receive batch to the TUN device: with
 * offloads coalesced into TCP super-packets, else one write each. */
static void ha_tun_write(struct ha_ctx *h, struct vnet_pkt *pk, size_t n)
{
	static struct vnet_train t[HA_RBATCH * VNET_MAX_SEGS];
	size_t nt;

	if (!h->offload) {
		h->n.tun_tx += tunio_write_plain(h->tun, pk, n);
		return;
	}
	nt = vnet_coalesce(pk, n, t, sizeof(t) / sizeof(t[0]));
	for (size_t i = 0; i < nt; i++)
		if (t[i].n > 1)
			h->n.tun_gro_tx++;
	if (tunio_write_trains(h->tun, pk, t, nt) == nt)
		h->n.tun_tx += n;
}

/* Up to HA_RBATCH messages per system call (recvmmsg), each a train of
 * datagrams of one size when the kernel kept them together (UDP_GRO). */
static void ha_drain_udp(struct ha_ctx *h)
{
	static struct tunio_rx rx = { .cap = HA_RBATCH };
	static struct vnet_pkt in[VNET_MAX_SEGS], fw[HA_RBATCH * VNET_MAX_SEGS];
	size_t nf = 0;                  /* data packets held */

	for (int round = 0; round < 16; round++) {
		size_t first = rx.slot;
		long long now;
		bool drained;
		int n = tunio_rx_recv(&rx, h->udp, h->offload ? TUNIO_BUF : HA_PKT);

		if (n <= 0)
			break;
		now = clock_mono_ms();
		for (size_t i = first; i < first + (size_t)n; i++) {
			struct msghdr *m = &rx.mm[i].msg_hdr;
			const struct sockaddr_in6 *from = (const struct sockaddr_in6 *)&rx.from[i];
			size_t seg = tunio_gro_size(m), ni;
			struct in6_addr local;
			bool has_local;

			if (m->msg_namelen != sizeof(*from) || from->sin6_family != AF_INET6 ||
			    (m->msg_flags & MSG_TRUNC)) {
				h->n.drop_malformed++;
				continue;
			}
			if (seg && seg < rx.mm[i].msg_len)
				h->n.udp_gro_rx++;
			has_local = tunio_msg_local(m, &local) == 0;
			ni = tunio_gro_split(rx.buf[i], rx.mm[i].msg_len, seg, in, VNET_MAX_SEGS);
			for (size_t k = 0; k < ni; k++)
				if (ha_udp_input(h, in[k].p, in[k].len, from,
						 has_local ? &local : NULL, now))
					fw[nf++] = in[k];
		}
		if (tunio_rx_again(&rx, (size_t)n, h->offload && nf &&
				   vnet_train_open(fw[nf - 1].p, fw[nf - 1].len), &drained))
			continue;
		ha_tun_write(h, fw, nf);
		nf = 0;
		if (drained)
			return;
	}
	rx.slot = 0;
	ha_tun_write(h, fw, nf);
}

/* With offloads: each read is one packet or a TSO/USO super-packet, cut
 * into MTU-sized packets sent as UDP GSO trains (one sendmmsg). */
/* n-cast (ha_flow.h): the same inner packets on the flow's second BID. */
static void ha_send_dup(struct ha_ctx *h, struct vnet_seg *segs, size_t n)
{
	size_t sent = 0;

	if (tunio_send_from(h->udp, &h->dup->peer, sizeof(h->dup->peer), h->dup_src, segs, n,
			    true, &sent) < 0 && sent < n) {
		size_t more = 0;

		(void)tunio_send_from(h->udp, &h->dup->peer, sizeof(h->dup->peer), h->dup_src,
				      segs + sent, n - sent, false, &more);
		sent += more;
	}
	h->dup->tx_packets += sent;
	h->n.udp_tx += sent;
	h->n.drop_send += n - sent;
}

static void ha_drain_tun_gso(struct ha_ctx *h)
{
	static uint8_t buf[TUNIO_BUF];
	static struct vnet_seg segs[VNET_MAX_SEGS];

	for (int k = 0; k < 64; k++) {
		ssize_t len = read(h->tun, buf, sizeof(buf));
		const struct in6_addr *src = NULL;
		struct ha_path *path;
		struct vnet_hdr vh;
		size_t n = 0, sent = 0;
		int r;

		if (len <= 0)
			return;
		if (vnet_hdr_parse(buf, (size_t)len, &vh) < 0 ||
		    !(path = ha_tun_route(h, buf + VNET_HDR_LEN, (size_t)len - VNET_HDR_LEN, &src)))
			continue;
		if (vnet_split(&vh, buf + VNET_HDR_LEN, (size_t)len - VNET_HDR_LEN, segs,
			       VNET_MAX_SEGS, &n) < 0) {
			h->n.drop_malformed++;
			continue;
		}
		if (!h->cfg->partial_csum || h->route_complete)
			vnet_segs_complete(segs, n);
		h->n.tun_rx += n - 1;
		if (n > 1)
			h->n.tun_gso_rx++;
		r = tunio_send_from(h->udp, &path->peer, sizeof(path->peer), src, segs, n, true,
				    &sent);
		/* A route whose device cannot take UDP GSO: one datagram each. */
		if ((r == -EIO || r == -EINVAL) && sent < n) {
			size_t more = 0;

			(void)tunio_send_from(h->udp, &path->peer, sizeof(path->peer), src,
					      segs + sent, n - sent, false, &more);
			sent += more;
		}
		path->tx_packets += sent;
		h->n.udp_tx += sent;
		h->n.drop_send += n - sent;
		if (h->dup)
			ha_send_dup(h, segs, n);
	}
}

/* *m: one datagram iov to "to", from src when not NULL (cbuf holds the
 * packet info, CMSG_SPACE(sizeof(struct in6_pktinfo)) octets). */
static void ha_msg(struct msghdr *m, struct sockaddr_in6 *to, const struct in6_addr *src,
		   struct iovec *iov, char *cbuf)
{
	*m = (struct msghdr){ .msg_name = to, .msg_namelen = sizeof(*to), .msg_iov = iov,
			      .msg_iovlen = 1 };
	if (!src)
		return;
	memset(cbuf, 0, CMSG_SPACE(sizeof(struct in6_pktinfo)));
	m->msg_control = cbuf;
	m->msg_controllen = CMSG_SPACE(sizeof(struct in6_pktinfo));
	tunio_cmsg_pktinfo(CMSG_FIRSTHDR(m), src, 0);
}

/* Read up to HA_BATCH packets from the TUN device (one read each: no
 * offloads), then send them all with one sendmmsg. */
static void ha_drain_tun(struct ha_ctx *h)
{
	static uint8_t buf[HA_BATCH][HA_PKT];
	static struct {
		_Alignas(struct cmsghdr) char b[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} cm[HA_BATCH + 1];
	struct ha_path *path[HA_BATCH];
	struct mmsghdr mm[HA_BATCH];
	struct iovec iov[HA_BATCH];

	if (h->offload) {
		ha_drain_tun_gso(h);
		return;
	}
	for (int round = 0; round < 4; round++) {
		int n = 0, k, sent;

		for (k = 0; k < HA_BATCH; k++) {
			ssize_t len = read(h->tun, buf[n], HA_PKT);

			if (len <= 0)
				break;
			const struct in6_addr *src = NULL;

			path[n] = ha_tun_route(h, buf[n], (size_t)len, &src);
			if (!path[n])
				continue;
			iov[n] = (struct iovec){ buf[n], (size_t)len };
			if (h->dup) {
				struct msghdr d;

				ha_msg(&d, &h->dup->peer, h->dup_src, &iov[n], cm[HA_BATCH].b);
				if (sendmsg(h->udp, &d, MSG_DONTWAIT) == len) {
					h->dup->tx_packets++;
					h->n.udp_tx++;
				}
			}
			ha_msg(&mm[n].msg_hdr, &path[n]->peer, src, &iov[n], cm[n].b);
			n++;
		}
		sent = n ? sendmmsg(h->udp, mm, (unsigned)n, MSG_DONTWAIT) : 0;
		for (int i = 0; i < sent; i++) {
			path[i]->tx_packets++;
			h->n.udp_tx++;
		}
		h->n.drop_send += (uint64_t)(n - (sent > 0 ? sent : 0));
		if (k < HA_BATCH)
			return;
	}
}

/* Whether a is one of this host's addresses (usable, not tentative): a
 * bind succeeds only then. Costs a socket per tick, nothing per packet. */
static bool ha_address_local(const struct in6_addr *a)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_addr = *a };
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool ok;

	if (fd < 0)
		return false;
	ok = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return ok;
}

/* With active_address (doc/mobility.md, "Home agent redundancy"): the
 * agent holding it, put there by keepalived's VRRP, is the active one. */
static void ha_check_active(struct ha_ctx *h, long long now)
{
	const struct ha_store_config *st = &h->cfg->store;

	ha_set_active(h, !st->has_active || ha_address_local(&st->active), now);
}

static int ha_run(struct ha_ctx *h)
{
	long long next = clock_mono_ms(), last_check = 0;

	while (!ha_stop) {
		struct pollfd p[3] = { { h->udp, POLLIN, 0 }, { h->tun, POLLIN, 0 },
				       { h->ctl, POLLIN, 0 } };
		long long now = clock_mono_ms();

		if (now >= next) {
			ha_check_active(h, now);
			ha_tick(h, now);
			/* Many mobile nodes: short ticks, each a slice of them. */
			next = now + (h->cfg->n_mns > HA_TICK_SPREAD_MIN && h->cfg->hb_interval_ms > HA_TICK_MS ?
				      HA_TICK_MS : h->cfg->hb_interval_ms);
		}
		if (poll(p, 3, (int)(next - now > 0 ? next - now : 0)) < 0 && errno != EINTR)
			return -errno;
		/* A standby agent that gets tunnel or home-prefix traffic may
		 * just have been given the address: look now rather than at
		 * the next tick (at most every 5 ms). */
		if (!h->active && ((p[0].revents | p[1].revents) & POLLIN) &&
		    clock_mono_ms() - last_check >= 5) {
			last_check = clock_mono_ms();
			ha_check_active(h, last_check);
			if (h->active)
				next = last_check;      /* heartbeats on the loaded paths now */
		}
		if (p[0].revents & POLLIN)
			ha_drain_udp(h);
		if (p[1].revents & POLLIN)
			ha_drain_tun(h);
		if (p[2].revents & POLLIN)
			ha_serve_status(h);
		if (ha_handover) {
			ha_handover = 0;
			log_info("handover: %zu HA Switch message(s) sent", ha_switch_all(h));
		}
	}
	/* A clean stop hands the mobile nodes over (RFC 5142), if told to. */
	if (h->cfg->has_handover)
		log_info("stop: %zu HA Switch message(s) sent", ha_switch_all(h));
	return 0;
}

/* The key a mobile node of a [mn-range] is provisioned with. */
static int ha_print_key(struct ha_config *cfg, const char *hoa)
{
	struct in6_addr a;
	struct ha_mn *mn;

	if (inet_pton(AF_INET6, hoa, &a) != 1 ||
	    !(mn = ha_index_find(&cfg->index, cfg->mns, a.s6_addr))) {
		fprintf(stderr, "mif-had: %s: no such mobile node\n", hoa);
		ha_config_free(cfg);
		return 1;
	}
	for (size_t i = 0; i < mn->key_len; i++)
		printf("%02x", mn->key[i]);
	printf("\n# spi %u\n", mn->spi);
	ha_config_free(cfg);
	return 0;
}

static void ha_usage(FILE *f)
{
	fprintf(f, "usage: mif-had [-c FILE] [-v] [--status [-s SOCKET]]\n"
		   "  -c, --config FILE   configuration (default %s/mif/had.conf)\n"
		   "  -s, --socket PATH   status socket (default: the file's control=)\n"
		   "      --status        print the binding cache and counters (JSON)\n"
		   "      --derive-key HOA  print the key of HOA from its [mn-range] (hex)\n"
		   "  -v, --verbose       log debug messages\n", MIF_SYSCONFDIR);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "socket", required_argument, NULL, 's' },
		{ "status", no_argument, NULL, 'S' },
		{ "derive-key", required_argument, NULL, 'K' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *conf = MIF_SYSCONFDIR "/mif/had.conf", *sock = NULL, *derive = NULL;
	static struct ha_config cfg;
	struct ha_ctx h;
	bool status = false;
	int c, r, line = 0;
	char why[256];
	enum log_level lvl = LOG_LVL_INFO;

	while ((c = getopt_long(argc, argv, "c:s:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'c': conf = optarg; break;
		case 's': sock = optarg; break;
		case 'S': status = true; break;
		case 'K': derive = optarg; break;
		case 'v': lvl = LOG_LVL_DEBUG; break;
		case 'h': ha_usage(stdout); return 0;
		default: ha_usage(stderr); return 2;
		}
	}
	if (status && sock)
		return ha_status_client(sock);
	log_init("mif-had", lvl, true);
	r = ha_config_load(conf, &cfg, &line, why, sizeof(why));
	if (r < 0) {
		if (line > 0)
			log_err("%s:%d: %s", conf, line, why);
		else
			log_err("%s: %s", conf, why);
		return 2;       /* as mifd: a configuration to mend, not a failure */
	}
	if (status)
		return ha_status_client(cfg.control);
	if (derive)
		return ha_print_key(&cfg, derive);
	memset(&h, 0, sizeof(h));
	h.cfg = &cfg;
	ha_signals_install();
	if (ha_setup(&h) < 0)
		return 1;
	r = ha_run(&h);
	ha_fast_close(&h);
	ha_home_close(&h);
	ha_store_close(h.store);
	unlink(cfg.control);
	ha_config_free(&cfg);
	return r < 0 ? 1 : 0;
}
