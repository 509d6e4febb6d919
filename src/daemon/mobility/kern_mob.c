/* SPDX-License-Identifier: MIT */
/* The parent's part of the mobile-node role (kern_mob.h). */
#include <errno.h>
#include <linux/if_addr.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/carrier.h"
#include "common/keyfile.h"
#include "common/log.h"
#include "daemon/core/msg.h"
#include "daemon/mobility/kern_mob.h"
#include "daemon/mobility/kern_mob_fast.h"
#include "daemon/mobility/kern_mob_home.h"
#include "daemon/mobility/mob_msg.h"
#include "netlink/netlink.h"
#include "netlink/tunio.h"
#include "proto/nl.h"

struct kern_mob_path {
	struct msg_mob_path m;   /* bid 0: slot free */
	int fd;
	int carrier_fd;          /* its link's sysfs carrier file; -1: none */
};

/* One home address: its own key and home agent (wc), its own care-of
 * sockets (BIDs are per home address at its agent), its pairing. */
struct km_hoa {
	struct mob_wire_config wc;
	struct kern_mob_path p[MOB_MAX_PATHS];
	struct mob_flow_specs flows;     /* the policy's, as last told (home 0) */
	struct mob_pairs pairs;          /* the engine's verdicts, as last told */
};

struct kern_mob {
	int tun, ifindex;        /* one TUN device holds every home address */
	int net_fd;              /* our end of the network-facing process's channel */
	uint32_t vnet_hdr, tun_offloads;
	struct km_hoa h[MOB_MAX_HOAS];
	size_t n_homes;
	struct kern_mob_home *home;      /* home address 0's home link, native uplink */
	struct event_base *base;         /* the parent's loop, for home's reads */
	struct tunfast *fast;            /* the kernel fast path, NULL when off */
	char fast_why[64];
	uint64_t opened, failed, bad;
};

/* One request with NLM_F_ACK, answered before we go on. */
static int km_nl(struct nlmsghdr *nlh)
{
	uint8_t buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *s;
	struct pollfd pfd;
	ssize_t n;
	int r = netlink_open(0, 0, &s);

	if (r < 0)
		return r;
	if (mnl_socket_sendto(s, nlh, nlh->nlmsg_len) < 0) {
		r = -errno;
	} else {
		pfd.fd = mnl_socket_get_fd(s);
		pfd.events = POLLIN;
		n = poll(&pfd, 1, 2000) == 1 ? mnl_socket_recvfrom(s, buf, sizeof(buf)) : -1;
		if (n < 0)
			r = errno ? -errno : -ETIMEDOUT;
		else if (mnl_cb_run(buf, (size_t)n, 1, mnl_socket_get_portid(s), NULL, NULL) < 0)
			r = -errno;
	}
	mnl_socket_close(s);
	return r;
}

/* The IPv4 home address (RFC 5555) and the IPv4 prefixes through the
 * tunnel, acknowledged by the kernel like the IPv6 ones. */
static int km_tun4(struct kern_mob *m, const struct mob_config *c)
{
	uint8_t buf[512];
	struct nl_addr a = { .family = AF_INET, .plen = c->hoa4_plen, .ifindex = m->ifindex,
			     .valid = NL_LIFETIME_INFINITY, .preferred = NL_LIFETIME_INFINITY };
	struct nlmsghdr *nlh;
	int r;

	if (!c->has_hoa4)
		return 0;
	memcpy(a.addr, &c->hoa4, 4);
	if (!(nlh = nl_build_addr(buf, sizeof(buf), true, &a, 1)))
		return -EINVAL;
	if ((r = km_nl(nlh)) < 0)
		return r;
	for (size_t i = 0; i < c->n_routes4; i++)
		if ((r = netlink_route_dev(true, AF_INET, (const uint8_t *)&c->routes4[i],
					   c->route4_plen[i], m->ifindex, 254)) < 0)
			return r;
	return 0;
}

/* A routes = prefix through the TUN device (main table), acknowledged.
 * With several home addresses on the device, the route names
 * [mobility]'s as the source for programs that do not bind (RTA_PREFSRC),
 * rather than leave it to RFC 6724's tie-breaks between them; a program
 * picks another by binding to it. */
static int km_route6_src(const struct kern_mob *m, const struct mob_config *c, size_t i,
			 const struct in6_addr *src, const struct in6_addr *prefsrc, uint32_t mtu)
{
	uint8_t buf[512];
	struct nl_route rt = { .family = AF_INET6, .dst_len = c->route_plen[i],
			       .src_len = src ? 128 : 0, .protocol = 4 /* RTPROT_STATIC */,
			       .table = 254, .oif = m->ifindex, .mtu = mtu,
			       .has_prefsrc = true };
	struct nlmsghdr *nlh;

	memcpy(rt.dst, &c->routes[i], 16);
	if (src)
		memcpy(rt.src, src, 16);
	memcpy(rt.prefsrc, prefsrc, 16);
	if (!(nlh = nl_build_route(buf, sizeof(buf), true, &rt, 1)))
		return -EINVAL;
	return km_nl(nlh);
}

static int km_route6(const struct kern_mob *m, const struct mob_config *c, size_t i)
{
	struct mob_hoa hs[MOB_MAX_HOAS];
	size_t n;
	int r;

	if (!c->n_homes)
		return netlink_route_dev(true, AF_INET6, c->routes[i].s6_addr, c->route_plen[i],
					 m->ifindex, 254);
	if ((r = km_route6_src(m, c, i, NULL, &c->hoa, 0)) < 0)
		return r;
	/* A nested home address's packets go through another's tunnel,
	 * inside the TUN device again (analysis 6.3.1): from it, the prefix
	 * has the device's MTU less one more IPv6 and UDP header, so that
	 * the outer packet of the nested tunnel fits the device (a
	 * source-specific route, IPv6 subtrees). */
	n = mob_config_hoas(c, hs, MOB_MAX_HOAS);
	for (size_t h = 0; h < n; h++)
		for (size_t j = 0; j < n; j++)
			for (size_t v = 0; v < hs[h].n_via; v++)
				if (!strcmp(hs[h].via[v], hs[j].name) &&
				    (r = km_route6_src(m, c, i, (const struct in6_addr *)hs[h].addr,
						       (const struct in6_addr *)hs[h].addr,
						       c->mtu - 48)) < 0)
					return r;
	return 0;
}

/* The home address on the TUN device: no DAD (the home agent defends it
 * on the home link), no lifetime. Applications pick it as their source
 * for the routes through the device (RFC 6724 rule 5, the outgoing
 * interface's address). */
static int km_tun(struct kern_mob *m, const struct mob_config *c)
{
	uint8_t buf[512];
	char name[IFNAMSIZ];
	struct nl_addr a = { .family = AF_INET6, .plen = c->hoa_plen, .flags = IFA_F_NODAD,
			     .valid = NL_LIFETIME_INFINITY, .preferred = NL_LIFETIME_INFINITY };
	struct nlmsghdr *nlh;
	int r;

	if ((r = tun_open(c->tun, c->offload ? TUN_VNET_HDR : 0, &m->tun, name)) < 0 ||
	    (r = tun_set_up(name, c->mtu)) < 0)
		return r;
	if (c->offload) {
		unsigned off = 0;

		/* The virtio-net header stays even without offloads: the data
		 * plane then reads plain packets behind a header of zeros. */
		m->vnet_hdr = 1;
		if ((r = tunio_offload_enable(m->tun, &off)) < 0)
			log_warn("mobility: %s: no TUN offloads: %s", name, strerror(-r));
		m->tun_offloads = off;
	}
	m->ifindex = (int)if_nametoindex(name);
	if (m->ifindex <= 0)
		return -ENODEV;
	a.ifindex = m->ifindex;
	/* Every home address on the one device (doc/mobility.md "Several
	 * home addresses inside mifd"): the data plane picks the
	 * registration by the inner source, as mif-mn does. */
	for (size_t h = 0; h <= c->n_homes; h++) {
		memcpy(a.addr, h ? &c->homes[h - 1].hoa : &c->hoa, 16);
		a.plen = h ? c->homes[h - 1].hoa_plen : c->hoa_plen;
		if (!(nlh = nl_build_addr(buf, sizeof(buf), true, &a, 1)))
			return -EINVAL;
		if ((r = km_nl(nlh)) < 0)
			return r;
	}
	for (size_t i = 0; i < c->n_routes; i++)
		if ((r = km_route6(m, c, i)) < 0)
			return r;
	return km_tun4(m, c);
}

/* Home address h's part of the configuration for the network-facing
 * process, with its key. */
static int km_home(struct kern_mob *m, const struct mob_config *c, size_t h)
{
	const struct mob_home *o = h ? &c->homes[h - 1] : NULL;
	struct mob_wire_config *wc = &m->h[h].wc;
	struct mob_hoa names[MOB_MAX_HOAS];
	const char *kf = o ? o->key_file : c->key_file;
	size_t klen = 0;
	int r;

	r = keyfile_read(kf, wc->key, sizeof(wc->key), &klen);
	if (r < 0) {
		log_err("mobility: key file %s: %s", kf, r == -EPERM ?
			"must be a regular file owned by root, mode 0600 or 0400" : strerror(-r));
		return r;
	}
	(void)mob_config_hoas(c, names, MOB_MAX_HOAS);
	wc->home = (uint32_t)h;
	wc->n_homes = (uint32_t)(1 + c->n_homes);
	snprintf(wc->name, sizeof(wc->name), "%s", names[h].name);
	wc->key_len = (uint32_t)klen;
	wc->hoa = o ? o->hoa : c->hoa;
	wc->ha = o ? o->home_agent : c->home_agent;
	wc->ha6 = o ? o->ha6 : c->ha6;
	wc->ha4 = o ? o->ha4 : c->ha4;
	wc->has_ha6 = o ? o->has_ha6 : c->has_ha6;
	wc->has_ha4 = o ? o->has_ha4 : c->has_ha4;
	wc->port = c->port;
	wc->spi = o ? o->spi : c->spi;
	wc->interval_ms = c->interval_ms;
	wc->misses = c->misses;
	wc->vnet_hdr = m->vnet_hdr;
	wc->tun_offloads = m->tun_offloads;
	wc->full_csum = !c->partial_csum;
	snprintf(wc->tun, sizeof(wc->tun), "%s", c->tun);
	if (h == 0) {
		/* The IPv4 home address and the flow = lines are [mobility]'s. */
		wc->has_hoa4 = c->has_hoa4;
		memcpy(wc->hoa4, &c->hoa4, 4);
		wc->n_flows = (uint32_t)c->n_flows;
		memcpy(wc->flows, c->flows, sizeof(wc->flows));
	}
	m->h[h].pairs.home = (uint32_t)h;
	return 0;
}

int kern_mob_new(const struct mob_config *c, struct kern_mob **ret_m)
{
	struct kern_mob *m = calloc(1, sizeof(*m));
	int r;

	if (!m)
		return -ENOMEM;
	m->tun = m->net_fd = -1;
	for (size_t h = 0; h < MOB_MAX_HOAS; h++)
		for (size_t i = 0; i < MOB_MAX_PATHS; i++)
			m->h[h].p[i].fd = m->h[h].p[i].carrier_fd = -1;
	if (c->n_homes + 1 > MOB_MAX_HOAS) {
		kern_mob_free(m);
		return -EINVAL;
	}
	/* The home link is [mobility]'s (home address 0) only. */
	if ((r = kern_mob_home_new(c, &m->home)) < 0 || (r = km_tun(m, c)) < 0) {
		log_err("mobility: TUN device %s with the home address%s: %s", c->tun,
			c->n_homes ? "es" : "", strerror(-r));
		kern_mob_free(m);
		return r;
	}
	m->fast = kern_mob_fast_open(c, m->ifindex, m->fast_why);
	m->n_homes = 1 + c->n_homes;
	for (size_t h = 0; h < m->n_homes; h++)
		if ((r = km_home(m, c, h)) < 0) {
			kern_mob_free(m);
			return r;
		}
	log_info("mobility: %s holds %zu home address%s, %zu route%s through it; offloads: %s%s%s",
		 c->tun, m->n_homes, m->n_homes == 1 ? "" : "es", c->n_routes,
		 c->n_routes == 1 ? "" : "s",
		 !m->vnet_hdr ? "off" : !m->tun_offloads ? "none granted" : "csum",
		 m->tun_offloads & TUN_OFF_TSO ? " tso" : "",
		 m->tun_offloads & TUN_OFF_USO ? " uso" : "");
	*ret_m = m;
	return 0;
}

void kern_mob_free(struct kern_mob *m)
{
	if (!m)
		return;
	kern_mob_home_free(m->home);
	tunfast_close(m->fast);
	for (size_t h = 0; h < MOB_MAX_HOAS; h++) {
		for (size_t i = 0; i < MOB_MAX_PATHS; i++) {
			if (m->h[h].p[i].fd >= 0)
				close(m->h[h].p[i].fd);
			if (m->h[h].p[i].carrier_fd >= 0)
				close(m->h[h].p[i].carrier_fd);
		}
		explicit_bzero(m->h[h].wc.key, sizeof(m->h[h].wc.key));
	}
	if (m->tun >= 0)
		close(m->tun);
	if (m->net_fd >= 0)
		close(m->net_fd);
	free(m);
}

void kern_mob_wipe(struct kern_mob *m)
{
	for (size_t h = 0; m && h < MOB_MAX_HOAS; h++)
		explicit_bzero(m->h[h].wc.key, sizeof(m->h[h].wc.key));
}

/* A UDP socket that can only leave through the path's network: bound to
 * the care-of address (BCP 38 filters see a source of their own) and to
 * its interface, marked for its PvD's table (mifd's rules). */
static int km_socket(const struct msg_mob_path *p, bool gro)
{
	struct sockaddr_storage ss;
	struct in6_addr a;
	unsigned len;
	int fd;

	memset(&a, 0, sizeof(a));
	if (p->family == 6) {
		memcpy(&a, p->coa, 16);
	} else {
		a.s6_addr[10] = a.s6_addr[11] = 0xff;
		memcpy(&a.s6_addr[12], p->coa, 4);
	}
	addr_sockaddr(&a, 0, p->ifindex, &ss, &len);
	fd = socket(p->family == 6 ? AF_INET6 : AF_INET,
		    SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if ((p->mark && setsockopt(fd, SOL_SOCKET, SO_MARK, &p->mark, sizeof(p->mark)) < 0) ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, p->ifname, (socklen_t)strlen(p->ifname)) < 0 ||
	    bind(fd, (struct sockaddr *)&ss, len) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	if (gro) {
		int sz = 4 << 20;

		/* UDP GRO trains of up to 64 KiB arrive in bursts: room for
		 * them (the FORCE variants need CAP_NET_ADMIN, held here). A
		 * kernel without UDP_GRO (before 5.0) gets single datagrams,
		 * which the data plane takes as well. */
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz));
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
		if (tunio_udp_gro(fd) < 0)
			log_warn("mobility: %s: no UDP_GRO", p->ifname);
	}
	return fd;
}

static void km_tell(struct kern_mob *m, uint32_t type, const void *d, size_t len, int fd)
{
	int r;

	if (m->net_fd >= 0 && (r = ipc_send_fd(m->net_fd, type, d, len, fd)) < 0)
		log_warn("mobility: cannot reach the network-facing process: %s", strerror(-r));
}

static bool km_same_socket(const struct msg_mob_path *a, const struct msg_mob_path *b)
{
	return a->family == b->family && !memcmp(a->coa, b->coa, 16) &&
	       a->ifindex == b->ifindex && a->mark == b->mark && !strcmp(a->ifname, b->ifname);
}

static void km_carrier(struct kern_mob *m, const struct km_hoa *h,
		       const struct kern_mob_path *p)
{
	struct mob_wire_withdraw w = { .bid = p->m.bid, .home = (uint8_t)h->wc.home };

	km_tell(m, MOB_WIRE_CARRIER, &w, sizeof(w), p->carrier_fd);
}

static void km_withdraw(struct kern_mob *m, struct km_hoa *h, size_t k)
{
	struct mob_wire_withdraw w = { .bid = (uint16_t)(k + 1), .home = (uint8_t)h->wc.home };

	close(h->p[k].fd);
	h->p[k].fd = -1;
	if (h->p[k].carrier_fd >= 0)
		close(h->p[k].carrier_fd);
	h->p[k].carrier_fd = -1;
	h->p[k].m.bid = 0;
	km_tell(m, MOB_WIRE_WITHDRAW, &w, sizeof(w), -1);
}

/* A nested path (analysis 6.3.1): its care-of address must be another
 * home address of ours, on the TUN device. Its packets to this home
 * address's agent leave through the device, so through the tunnel of the
 * home address they come from: a source-specific route (the agent's outer
 * address from that home address, main table), acknowledged, before the
 * socket is made. 0 or -errno. */
static int km_nested(const struct kern_mob *m, const struct km_hoa *h,
		     const struct msg_mob_path *p)
{
	uint8_t buf[512];
	struct nl_route rt = { .family = AF_INET6, .dst_len = 128, .src_len = 128,
			       .protocol = 4 /* RTPROT_STATIC */, .table = 254,
			       .oif = m->ifindex };
	struct nlmsghdr *nlh;
	bool ours = false;

	for (size_t k = 0; k < m->n_homes; k++)
		ours |= &m->h[k] != h && !memcmp(&m->h[k].wc.hoa, p->coa, 16);
	if (!ours || p->family != 6 || !h->wc.has_ha6)
		return -EINVAL;
	memcpy(rt.dst, &h->wc.ha6, 16);
	memcpy(rt.src, p->coa, 16);
	if (!(nlh = nl_build_route(buf, sizeof(buf), true, &rt, 1)))
		return -EINVAL;
	return km_nl(nlh);
}

/* The home path the engine names must be the home address itself on a
 * real interface (not the TUN device): the parent puts that address there
 * and takes it off when the home link goes. */
static bool km_home_link_ok(const struct kern_mob *m, const struct msg_mob_paths *s)
{
	if (!s->home_link.active)
		return true;
	for (size_t i = 0; i < s->n; i++)
		if (s->p[i].bid == s->home_link.bid)
			return s->p[i].ifindex != m->ifindex &&
			       !memcmp(s->p[i].coa, &m->h[0].wc.hoa, 16);
	return false;
}

void kern_mob_paths(struct kern_mob *m, const struct ipc_msg *msg)
{
	const struct msg_mob_paths *s = (const void *)msg->data;
	bool kept[MOB_MAX_PATHS] = { false };
	struct km_hoa *h;

	if (ipc_expect(msg, sizeof(*s)) < 0 || !mob_msg_paths_ok(s) || s->home >= m->n_homes ||
	    !km_home_link_ok(m, s)) {
		m->bad++;
		log_warn("mobility: malformed path set from the engine");
		return;
	}
	h = &m->h[s->home];
	for (size_t i = 0; i < s->n; i++)
		kept[s->p[i].bid - 1] = true;
	/* The home link's address and routes before the paths: off before
	 * the data plane hears of a withdrawal, on before the home path's
	 * socket is bound to the home address there. */
	if (s->home == 0)
		kern_mob_home_sync(m->home, &s->home_link);
	/* Withdrawals first: the data plane moves off a dead path at once. */
	for (size_t k = 0; k < MOB_MAX_PATHS; k++)
		if (!kept[k] && h->p[k].fd >= 0)
			km_withdraw(m, h, k);
	for (size_t i = 0; i < s->n; i++) {
		struct kern_mob_path *p = &h->p[s->p[i].bid - 1];
		int fd = -1;

		if (p->fd >= 0 && km_same_socket(&p->m, &s->p[i])) {
			if (memcmp(&p->m, &s->p[i], sizeof(p->m)) == 0)
				continue;
		} else {
			if (p->fd >= 0)
				km_withdraw(m, h, (size_t)(p - h->p));
			/* A socket per home address and path: each registration
			 * owns its sockets, bound to the same care-of address
			 * on a port of its own. */
			fd = s->p[i].ifindex == m->ifindex ? km_nested(m, h, &s->p[i]) : 0;
			if (fd == 0)
				fd = km_socket(&s->p[i], m->vnet_hdr != 0);
			if (fd < 0) {
				m->failed++;
				log_warn("mobility: %s: no socket for BID %u on %s: %s", h->wc.name,
					 s->p[i].bid, s->p[i].ifname, strerror(-fd));
				continue;
			}
			p->fd = fd;
			m->opened++;
			kern_mob_fast_path(m->fast, m->ifindex, &s->p[i], fd);
			/* Its link's carrier, for the network-facing process to
			 * read every tick (common/carrier.h); none for a nested
			 * path (the TUN device) or if sysfs does not have it. */
			if (s->p[i].ifindex != m->ifindex)
				p->carrier_fd = carrier_open(s->p[i].ifname);
		}
		p->m = s->p[i];
		km_tell(m, MOB_WIRE_PATH, &p->m, sizeof(p->m), fd);
		if (fd >= 0 && p->carrier_fd >= 0)
			km_carrier(m, h, p);
	}
	/* The policy's flow bindings, after the paths they name. */
	if (s->home == 0 && memcmp(&h->flows, &s->flows, sizeof(h->flows)) != 0) {
		h->flows = s->flows;
		km_tell(m, MOB_WIRE_FLOWS, &h->flows, sizeof(h->flows), -1);
	}
	if (memcmp(&h->pairs, &s->pairs, sizeof(h->pairs)) != 0) {
		h->pairs = s->pairs;
		km_tell(m, MOB_WIRE_PAIRS, &h->pairs, sizeof(h->pairs), -1);
	}
}

/* Home address h's state onto a new channel: configuration with the TUN
 * device, its paths, flows and pairs. */
static int km_load(struct kern_mob *m, const struct km_hoa *h)
{
	int r = ipc_send_fd(m->net_fd, MOB_WIRE_CONFIG, &h->wc, sizeof(h->wc), m->tun);

	for (size_t k = 0; r == 0 && k < MOB_MAX_PATHS; k++) {
		struct mob_wire_withdraw w = { .bid = h->p[k].m.bid, .home = (uint8_t)h->wc.home };

		if (h->p[k].fd >= 0)
			r = ipc_send_fd(m->net_fd, MOB_WIRE_PATH, &h->p[k].m, sizeof(h->p[k].m),
					  h->p[k].fd);
		if (r == 0 && h->p[k].fd >= 0 && h->p[k].carrier_fd >= 0)
			r = ipc_send_fd(m->net_fd, MOB_WIRE_CARRIER, &w, sizeof(w), h->p[k].carrier_fd);
	}
	if (r == 0 && h->flows.n)
		r = ipc_send_fd(m->net_fd, MOB_WIRE_FLOWS, &h->flows, sizeof(h->flows), -1);
	if (r == 0 && h->pairs.n)
		r = ipc_send_fd(m->net_fd, MOB_WIRE_PAIRS, &h->pairs, sizeof(h->pairs), -1);
	return r;
}

int kern_mob_attach(struct kern_mob *m, int *ret_fd)
{
	int sp[2], r = 0;

	if (ipc_pair(sp) < 0)
		return -errno;
	kern_mob_home_watch(m->home, NULL, -1);  /* off the old channel */
	if (m->net_fd >= 0)
		close(m->net_fd);
	m->net_fd = sp[0];
	/* Every home address's state is queued before the child reads: room
	 * for all of it on the non-blocking channel (CAP_NET_ADMIN, held). */
	(void)setsockopt(sp[0], SOL_SOCKET, SO_SNDBUFFORCE, &(int){ 4 << 20 }, sizeof(int));
	r = kern_mob_fast_load(m->fast, m->ifindex, m->fast_why, m->net_fd);
	for (size_t h = 0; r == 0 && h < m->n_homes; h++)
		r = km_load(m, &m->h[h]);
	if (r < 0) {
		close(sp[0]);
		close(sp[1]);
		m->net_fd = -1;
		return r;
	}
	kern_mob_home_watch(m->home, m->base, m->net_fd);
	*ret_fd = sp[1];
	return 0;
}

void kern_mob_set_base(struct kern_mob *m, struct event_base *base)
{
	if (!m)
		return;
	m->base = base;
	/* The first network-facing process was forked before the loop. */
	if (m->net_fd >= 0)
		kern_mob_home_watch(m->home, base, m->net_fd);
}
