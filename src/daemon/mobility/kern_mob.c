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
#include "common/keyfile.h"
#include "common/log.h"
#include "daemon/core/msg.h"
#include "daemon/mobility/kern_mob.h"
#include "daemon/mobility/kern_mob_home.h"
#include "daemon/mobility/mob_msg.h"
#include "netlink/netlink.h"
#include "netlink/tunio.h"
#include "proto/nl.h"

struct kern_mob_path {
	struct msg_mob_path m;   /* bid 0: slot free */
	int fd;
};

struct kern_mob {
	struct mob_wire_config wc;
	int tun, ifindex;
	int net_fd;              /* our end of the network-facing process's channel */
	struct kern_mob_path p[MOB_MAX_PATHS];
	struct mob_flow_specs flows;     /* the policy's, as last told */
	struct kern_mob_home *home;      /* the home link's native uplink */
	struct event_base *base;         /* the parent's loop, for home's reads */
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
		m->wc.vnet_hdr = 1;
		if ((r = tunio_offload_enable(m->tun, &off)) < 0)
			log_warn("mobility: %s: no TUN offloads: %s", name, strerror(-r));
		m->wc.tun_offloads = off;
	}
	m->ifindex = (int)if_nametoindex(name);
	if (m->ifindex <= 0)
		return -ENODEV;
	a.ifindex = m->ifindex;
	memcpy(a.addr, &c->hoa, 16);
	if (!(nlh = nl_build_addr(buf, sizeof(buf), true, &a, 1)))
		return -EINVAL;
	if ((r = km_nl(nlh)) < 0)
		return r;
	for (size_t i = 0; i < c->n_routes; i++)
		if ((r = netlink_route_dev(true, AF_INET6, c->routes[i].s6_addr, c->route_plen[i],
					   m->ifindex, 254)) < 0)
			return r;
	return km_tun4(m, c);
}

int kern_mob_new(const struct mob_config *c, struct kern_mob **ret_m)
{
	struct kern_mob *m = calloc(1, sizeof(*m));
	size_t klen = 0;
	int r;

	if (!m)
		return -ENOMEM;
	m->tun = m->net_fd = -1;
	for (size_t i = 0; i < MOB_MAX_PATHS; i++)
		m->p[i].fd = -1;
	r = keyfile_read(c->key_file, m->wc.key, sizeof(m->wc.key), &klen);
	if (r < 0) {
		log_err("mobility: key file %s: %s", c->key_file, r == -EPERM ?
			"must be a regular file owned by root, mode 0600 or 0400" : strerror(-r));
		kern_mob_free(m);
		return r;
	}
	if ((r = kern_mob_home_new(c, &m->home)) < 0 || (r = km_tun(m, c)) < 0) {
		log_err("mobility: TUN device %s with the home address: %s", c->tun, strerror(-r));
		kern_mob_free(m);
		return r;
	}
	m->wc.key_len = (uint32_t)klen;
	m->wc.hoa = c->hoa;
	m->wc.ha = c->home_agent;
	m->wc.ha6 = c->ha6;
	m->wc.ha4 = c->ha4;
	m->wc.has_ha6 = c->has_ha6;
	m->wc.has_ha4 = c->has_ha4;
	m->wc.port = c->port;
	m->wc.spi = c->spi;
	m->wc.interval_ms = c->interval_ms;
	m->wc.misses = c->misses;
	m->wc.has_hoa4 = c->has_hoa4;
	memcpy(m->wc.hoa4, &c->hoa4, 4);
	snprintf(m->wc.tun, sizeof(m->wc.tun), "%s", c->tun);
	m->wc.n_flows = (uint32_t)c->n_flows;
	memcpy(m->wc.flows, c->flows, sizeof(m->wc.flows));
	log_info("mobility: %s holds the home address, %zu route%s through it; offloads: %s%s%s",
		 c->tun, c->n_routes, c->n_routes == 1 ? "" : "s",
		 !m->wc.vnet_hdr ? "off" : !m->wc.tun_offloads ? "none granted" : "csum",
		 m->wc.tun_offloads & TUN_OFF_TSO ? " tso" : "",
		 m->wc.tun_offloads & TUN_OFF_USO ? " uso" : "");
	*ret_m = m;
	return 0;
}

void kern_mob_free(struct kern_mob *m)
{
	if (!m)
		return;
	kern_mob_home_free(m->home);
	for (size_t i = 0; i < MOB_MAX_PATHS; i++)
		if (m->p[i].fd >= 0)
			close(m->p[i].fd);
	if (m->tun >= 0)
		close(m->tun);
	if (m->net_fd >= 0)
		close(m->net_fd);
	explicit_bzero(m->wc.key, sizeof(m->wc.key));
	free(m);
}

void kern_mob_wipe(struct kern_mob *m)
{
	if (m)
		explicit_bzero(m->wc.key, sizeof(m->wc.key));
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

static bool km_valid(const struct msg_mob_paths *s)
{
	unsigned seen = 0;

	if (s->n > MOB_MAX_PATHS || s->flows.n > MOB_FLOW_MAX || !kern_mob_home_valid(&s->home))
		return false;
	for (size_t i = 0; i < s->flows.n; i++)
		if (!memchr(s->flows.spec[i], 0, sizeof(s->flows.spec[i])))
			return false;
	for (size_t i = 0; i < s->n; i++) {
		const struct msg_mob_path *p = &s->p[i];

		if (p->bid < 1 || p->bid > MOB_MAX_PATHS || (seen & 1u << p->bid) ||
		    (p->family != 4 && p->family != 6) || p->ifindex <= 0 ||
		    !memchr(p->ifname, 0, sizeof(p->ifname)) || !p->ifname[0] ||
		    !memchr(p->pvd, 0, sizeof(p->pvd)) || !memchr(p->why, 0, sizeof(p->why)))
			return false;
		seen |= 1u << p->bid;
	}
	return true;
}

static void km_withdraw(struct kern_mob *m, size_t k)
{
	struct mob_wire_withdraw w = { .bid = (uint16_t)(k + 1) };

	close(m->p[k].fd);
	m->p[k].fd = -1;
	m->p[k].m.bid = 0;
	km_tell(m, MOB_WIRE_WITHDRAW, &w, sizeof(w), -1);
}

void kern_mob_paths(struct kern_mob *m, const struct ipc_msg *msg)
{
	const struct msg_mob_paths *s = (const void *)msg->data;
	bool kept[MOB_MAX_PATHS] = { false };

	if (ipc_expect(msg, sizeof(*s)) < 0 || !km_valid(s)) {
		m->bad++;
		log_warn("mobility: malformed path set from the engine");
		return;
	}
	for (size_t i = 0; i < s->n; i++)
		kept[s->p[i].bid - 1] = true;
	/* The home link's address and routes before the paths: off before
	 * the data plane hears of a withdrawal, on before the home path's
	 * socket is bound to the home address there. */
	kern_mob_home_sync(m->home, &s->home);
	/* Withdrawals first: the data plane moves off a dead path at once. */
	for (size_t k = 0; k < MOB_MAX_PATHS; k++)
		if (!kept[k] && m->p[k].fd >= 0)
			km_withdraw(m, k);
	for (size_t i = 0; i < s->n; i++) {
		struct kern_mob_path *p = &m->p[s->p[i].bid - 1];
		int fd = -1;

		if (p->fd >= 0 && km_same_socket(&p->m, &s->p[i])) {
			if (memcmp(&p->m, &s->p[i], sizeof(p->m)) == 0)
				continue;
		} else {
			if (p->fd >= 0)
				km_withdraw(m, (size_t)(p - m->p));
			fd = km_socket(&s->p[i], m->wc.vnet_hdr != 0);
			if (fd < 0) {
				m->failed++;
				log_warn("mobility: no socket for BID %u on %s: %s", s->p[i].bid,
					 s->p[i].ifname, strerror(-fd));
				continue;
			}
			p->fd = fd;
			m->opened++;
		}
		p->m = s->p[i];
		km_tell(m, MOB_WIRE_PATH, &p->m, sizeof(p->m), fd);
	}
	/* The policy's flow bindings, after the paths they name. */
	if (memcmp(&m->flows, &s->flows, sizeof(m->flows)) != 0) {
		m->flows = s->flows;
		km_tell(m, MOB_WIRE_FLOWS, &m->flows, sizeof(m->flows), -1);
	}
}

int kern_mob_attach(struct kern_mob *m, int *ret_fd)
{
	int sp[2], r;

	if (ipc_pair(sp) < 0)
		return -errno;
	kern_mob_home_watch(m->home, NULL, -1);  /* off the old channel */
	if (m->net_fd >= 0)
		close(m->net_fd);
	m->net_fd = sp[0];
	r = ipc_send_fd(m->net_fd, MOB_WIRE_CONFIG, &m->wc, sizeof(m->wc), m->tun);
	for (size_t k = 0; r == 0 && k < MOB_MAX_PATHS; k++)
		if (m->p[k].fd >= 0)
			r = ipc_send_fd(m->net_fd, MOB_WIRE_PATH, &m->p[k].m, sizeof(m->p[k].m),
					  m->p[k].fd);
	if (r == 0 && m->flows.n)
		r = ipc_send_fd(m->net_fd, MOB_WIRE_FLOWS, &m->flows, sizeof(m->flows), -1);
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
