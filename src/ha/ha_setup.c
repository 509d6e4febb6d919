/* SPDX-License-Identifier: MIT */
/*
 * mif-had's start-up: everything that needs root (TUN, routes, sockets
 * with forced buffers, keys, the store, the home link), then the change of
 * user with no way back (ha_setup.h). Kept out of mif-had.c so that the
 * privileged part is one short file.
 */
#include <errno.h>
#include <net/if.h>
#include <grp.h>
#include <pwd.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "common/unixsock.h"
#include "ha/ha.h"
#include "ha/ha_fast.h"
#include "ha/ha_home.h"
#include "ha/ha_setup.h"
#include "ha/ha_store.h"
#include "netlink/netlink.h"
#include "netlink/tunfast.h"
#include "netlink/tunio.h"

#define HA_TUN_MTU 1400 /* 1500 less outer IPv6 (40) + UDP (8), with room */

#define HA_SOCKBUF (4 << 20) /* a few 64 KiB trains in flight at 10 Gbit/s */

static int ha_open_udp(const struct ha_config *c)
{
	struct sockaddr_in6 sa;
	int fd, off = 0, on = 1, sz = HA_SOCKBUF;

	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* Dual-stack: IPv4 care-of addresses arrive as v4-mapped. */
	(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	/* The address each datagram was sent to (IPv6, and IPv4 on the
	 * dual-stack socket): replies and tunnel packets leave from it, where
	 * the mobile node expects them (ha_src_for). */
	(void)setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on));
	(void)setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	/* Bursts of 64 KiB super-packets: room so that a burst is not
	 * dropped (FORCE: root, before the privileges go). */
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz));
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
	/* A standby agent listens on the shared address before it holds it
	 * (VRRP moves it): replies then leave from it on either agent. */
	if (c->store.has_active)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, &on, sizeof(on));
	memset(&sa, 0, sizeof(sa));
	sa.sin6_family = AF_INET6;
	sa.sin6_addr = c->listen;
	sa.sin6_port = htons(c->port);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

static int ha_open_tun(struct ha_config *c, int *ret_fd, int *ret_ifindex)
{
	char name[16];
	int fd, r, ifindex;
	unsigned off;

	r = tun_open(c->tun, c->offload ? TUN_VNET_HDR : 0, &fd, name);
	if (r < 0)
		return r;
	/* TSO/USO: the kernel hands over up to 64 KiB per read. Without
	 * them the virtio-net header stays (GSO_NONE, partial checksums). */
	if (c->offload && (r = tunio_offload_enable(fd, &off)) < 0)
		log_warn("tun %s: no offloads: %s", name, strerror(-r));
	else if (c->offload)
		log_info("tun %s: offloads csum tso%s", name, off & TUN_OFF_USO ? " uso" : "");
	r = tun_set_up(name, HA_TUN_MTU);
	ifindex = (int)if_nametoindex(name);
	if (!r && ifindex <= 0)
		r = -ENODEV;
	/* The home prefix lives behind the tunnel (RFC 6275 10.4.5 in user
	 * space: the kernel routes it to us, we route it to the MN). With a
	 * home link the prefix is on-link there instead, and only the home
	 * addresses of nodes away come to us (ha_home.h). */
	if (!r && !c->home_link[0])
		r = netlink_route_dev(true, AF_INET6, c->home_prefix.s6_addr, c->home_plen,
				      ifindex, 254);
	/* The IPv4 home prefix too, for inner IPv4 (RFC 5555, ha_v4.h). */
	if (!r && c->home_plen4)
		r = netlink_route_dev(true, AF_INET, (const uint8_t *)&c->home_prefix4,
				      c->home_plen4, ifindex, 254);
	if (r < 0) {
		close(fd);
		return r;
	}
	*ret_fd = fd;
	*ret_ifindex = ifindex;
	return 0;
}

/* Keep CAP_NET_ADMIN alone across the change of user: the home link
 * (ha_home.h) changes routes and proxy entries while running. */
static int ha_keep_net_admin(bool after)
{
	struct __user_cap_header_struct hd = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (!after)
		return prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0 ? -errno : 0;
	memset(d, 0, sizeof(d));
	d[0].effective = d[0].permitted = 1u << CAP_NET_ADMIN;
	return syscall(SYS_capset, &hd, d) < 0 ? -errno : 0;
}

/* Everything that needs root is done (TUN, route, sockets, keys): go on
 * as an unprivileged user with no way back (no_new_privs), keeping only
 * CAP_NET_ADMIN with a home link. */
static int ha_drop_privileges(const char *user, bool net_admin)
{
	struct passwd *pw;

	if (strcmp(user, "root") == 0 || getuid() != 0)
		return 0;
	pw = getpwnam(user);
	if (!pw)
		return -ENOENT;
	if (net_admin && ha_keep_net_admin(false) < 0)
		return -errno;
	if (setgroups(0, NULL) < 0 || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0)
		return -errno;
	if (net_admin && ha_keep_net_admin(true) < 0)
		return -errno;
	if (setuid(0) == 0)
		return -EPERM;  /* the drop did not hold */
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ? -errno : 0;
}

/* TUN device and route, sockets, then the unprivileged user. Logs what
 * failed: the caller only exits. */
int ha_setup(struct ha_ctx *h)
{
	struct ha_config *cfg = h->cfg;
	int r, tun_ifindex = 0;

	if ((r = ha_open_tun(cfg, &h->tun, &tun_ifindex)) < 0) {
		log_err("tun %s: %s", cfg->tun, strerror(-r));
		return r;
	}
	if ((h->udp = ha_open_udp(cfg)) < 0) {
		log_err("udp port %u: %s", cfg->port, strerror(-h->udp));
		return h->udp;
	}
	/* A mobile node's fast path sends UDP checksum 0 (tunfast.h). */
	if ((r = tunfast_sock_zero_csum_ok(h->udp)) < 0)
		log_warn("udp: UDP_NO_CHECK6_RX: %s", strerror(-r));
	h->offload = cfg->offload;
	if (h->offload && (r = tunio_udp_gro(h->udp)) < 0)
		log_warn("udp: no UDP_GRO: %s", strerror(-r));
	/* The binding cache is the mobile nodes' whereabouts: root only. */
	h->ctl = unixsock_listen_mode(cfg->control, SOCK_STREAM, 0600);
	if (h->ctl < 0) {
		log_err("%s: %s", cfg->control, unixsock_why(h->ctl));
		return h->ctl;
	}
	if (cfg->store.on && (r = ha_store_open(&cfg->store, &h->store)) < 0) {
		log_err("store: %s", strerror(-r));
		return r;
	}
	if (cfg->home_link[0]) {
		if ((r = ha_home_open(h)) < 0) {
			log_err("home_link %s: %s", cfg->home_link, strerror(-r));
			return r;
		}
		h->home_sync = ha_home_sync;
	}
	/* Before the change of user: loading needs CAP_BPF. */
	ha_fast_open(h, tun_ifindex);
	if ((r = ha_drop_privileges(cfg->user, cfg->home_link[0] != 0)) < 0) {
		log_err("user %s: %s", cfg->user, r == -ENOENT ? "no such user" : strerror(-r));
		return r;
	}
	log_info("home agent for %zu mobile node(s) on port %u, tun %s, user %s", cfg->n_mns,
		 cfg->port, cfg->tun, cfg->user);
	return 0;
}
