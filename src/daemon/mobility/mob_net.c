/* SPDX-License-Identifier: MIT */
/* The mobile-node role in the network-facing process (mob_net.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/clock.h"
#include "common/log.h"
#include "daemon/mobility/mob_batch.h"
#include "daemon/mobility/mob_flow_dp.h"
#include "daemon/mobility/mob_dp.h"
#include "daemon/mobility/mob_fast_dp.h"
#include "daemon/mobility/mob_net.h"
#include "common/ipc.h"

/* The TUN device from a configuration message: the first is kept, the
 * copies the others bring are closed (the device is one). */
static int mob_net_tun(struct mob_node *n, const struct mob_wire_config *c, int tun)
{
	if (n->tun >= 0) {
		if (tun != n->tun)
			close(tun);
		return 0;
	}
	n->tun = tun;
	n->vnet = c->vnet_hdr != 0;
	n->tun_ev = event_new(n->base, tun, EV_READ | EV_PERSIST, mob_batch_on_tun, n);
	if (!n->tun_ev || event_add(n->tun_ev, NULL) < 0)
		return -ENOMEM;
	return 0;
}

static int mob_net_config(struct mob_node *n, const struct mob_wire_config *c, int tun)
{
	/* Ticks every quarter interval: an overdue heartbeat is followed up
	 * within that of its timeout (mn_hb_due, analysis 6.1.2). */
	unsigned tick = c->interval_ms / 4 > 10 ? c->interval_ms / 4 : 10;
	struct timeval tv = { (time_t)(tick / 1000), (suseconds_t)(tick % 1000) * 1000 };
	struct mob_net *m;

	if (tun < 0 || !mob_msg_config_ok(c) || (n->n_homes && c->n_homes != n->n_homes) ||
	    n->reg[c->home])
		return -EINVAL;
	if (!(m = calloc(1, sizeof(*m))))
		return -ENOMEM;
	n->n_homes = c->n_homes;
	n->reg[c->home] = m;
	m->base = n->base;
	m->node = n;
	m->started_ms = clock_mono_ms();
	m->wc = *c;
	m->mn.hoa = c->hoa;
	m->mn.ha = c->ha;
	m->mn.spi = c->spi;
	memcpy(m->mn.key, c->key, c->key_len);
	m->mn.key_len = c->key_len;
	m->mn.hb_misses = c->misses;
	m->mn.replay_window_s = 7;      /* RFC 4285 6: 7 s by default */
	m->mn.lifetime = 150;           /* 600 s, in units of 4 s */
	m->mn.uplink = -1;
	m->mn.has_hoa4 = c->has_hoa4 != 0;
	memcpy(m->mn.hoa4, c->hoa4, 4);
	m->mn.hoa4_status = 255;
	m->pairs.home = c->home;
	for (size_t i = 0; i < MOB_MAX_PATHS; i++)
		m->io[i].fd = m->io[i].carrier_fd = -1;
	if (mob_net_tun(n, c, tun) < 0)
		return -ENOMEM;
	m->tun = n->tun;
	m->vnet = n->vnet;
	m->tick = event_new(m->base, -1, EV_PERSIST, mob_dp_tick, m);
	if (!m->tick || event_add(m->tick, &tv) < 0)
		return -ENOMEM;
	m->configured = true;
	snprintf(m->uplink_why, sizeof(m->uplink_why), "no path yet");
	mob_flow_dp_refresh(m);
	return 0;
}

struct mob_net *mob_net_reg_of(const struct mob_node *n, const uint8_t *p, size_t len)
{
	struct mob_net *first = NULL;

	for (size_t h = 0; h < n->n_homes; h++) {
		struct mob_net *m = n->reg[h];

		if (!m || !m->configured)
			continue;
		if (!first)
			first = m;
		if (n->n_homes == 1)
			break;
		if (len >= 40 && (p[0] >> 4) == 6 && !memcmp(p + 8, &m->mn.hoa, 16))
			return m;
		if (len >= 20 && (p[0] >> 4) == 4 && m->mn.has_hoa4 && !memcmp(p + 12, m->mn.hoa4, 4))
			return m;
	}
	/* With several, a source that is none of them (the device's own
	 * multicast reports, say) would only be dropped by an agent as
	 * spoofed: it is not sent. */
	return n->n_homes == 1 ? first : NULL;
}

static int mob_net_find(const struct mob_net *m, uint16_t bid)
{
	for (size_t i = 0; i < m->mn.n_paths; i++)
		if (m->mn.paths[i].bid == bid)
			return (int)i;
	return -1;
}

static bool mob_net_owns(const struct mob_node *n, int fd)
{
	for (size_t h = 0; h < n->n_homes; h++)
		for (size_t i = 0; n->reg[h] && i < n->reg[h]->mn.n_paths; i++)
			if (n->reg[h]->io[i].fd == fd || n->reg[h]->io[i].carrier_fd == fd)
				return true;
	return fd == n->tun || mob_fast_owns(n, fd);
}

/* The registration of home address h, once configured. */
static struct mob_net *mob_net_home(const struct mob_node *n, uint32_t h)
{
	return h < n->n_homes && n->reg[h] && n->reg[h]->configured ? n->reg[h] : NULL;
}

static void mob_net_close_path(struct mob_io *io)
{
	if (io->ev)
		event_free(io->ev);
	io->ev = NULL;
	if (io->fd >= 0)
		close(io->fd);
	io->fd = -1;
	if (io->carrier_fd >= 0)
		close(io->carrier_fd);
	io->carrier_fd = -1;
	io->carrier_down = false;
}

/* The home agent's endpoint for a path of this family. */
static void mob_net_endpoint(const struct mob_net *m, struct mob_io *io)
{
	/* After an RFC 5142 HA Switch, the agent it named. */
	struct in6_addr a = m->mn.ha_switches ? m->mn.ha_next : m->wc.ha6;
	unsigned len;

	if (io->m.family == 4) {
		memset(&a, 0, sizeof(a));
		a.s6_addr[10] = a.s6_addr[11] = 0xff;
		memcpy(&a.s6_addr[12], &m->wc.ha4, 4);
	}
	addr_sockaddr(&a, m->wc.port, 0, &io->ha, &len);
	io->ha_len = (socklen_t)len;
}

/* A path, new or again (with its socket), or a new BID-PRI (without). */
static int mob_net_path(struct mob_net *m, const struct msg_mob_path *p, int fd)
{
	int i = mob_net_find(m, p->bid);
	struct mn_path *mp;
	struct mob_io *io;

	if (!m->configured || !mob_msg_path_ok(p) || (i < 0 && fd < 0) ||
	    (p->family == 6 ? !m->wc.has_ha6 : !m->wc.has_ha4))
		return -EINVAL;
	if (i < 0) {
		i = (int)m->mn.n_paths++;
		memset(&m->mn.paths[i], 0, sizeof(m->mn.paths[i]));
		memset(&m->io[i], 0, sizeof(m->io[i]));
		m->io[i].fd = m->io[i].carrier_fd = -1;
	}
	mp = &m->mn.paths[i];
	io = &m->io[i];
	io->m = *p;
	mp->bid = p->bid;
	mp->pri = p->pri;
	mp->coa_family = p->family;
	memcpy(mp->coa, p->coa, sizeof(mp->coa));
	/* The home path (engine_mob_home.h): its care-of address is the home
	 * address, registered with the H flag (RFC 5648 5.6). */
	mp->home = p->family == 6 && !memcmp(p->coa, &m->wc.hoa, 16);
	if (fd >= 0) {
		mob_net_close_path(io);
		io->fd = fd;
		io->ev = event_new(m->base, fd, EV_READ | EV_PERSIST, mob_batch_on_udp, m);
		if (!io->ev || event_add(io->ev, NULL) < 0) {
			if (io->ev)
				event_free(io->ev);
			io->ev = NULL;
			io->fd = -1;     /* the caller closes it */
			return -ENOMEM;
		}
		mob_net_endpoint(m, io);
		{
			struct sockaddr_storage ss;
			socklen_t sl = sizeof(ss);

			io->lport = getsockname(fd, (struct sockaddr *)&ss, &sl) == 0 &&
				    ss.ss_family == AF_INET6 ?
				    ntohs(((struct sockaddr_in6 *)&ss)->sin6_port) : 0;
		}
		/* Path exploration (analysis 6.1.2): used only once a heartbeat
		 * answer has re-validated it. */
		mp->link_up = true;
		mp->live.alive = false;
		mp->live.misses = 0;
		mp->live.sent_ms = 0;
		io->down_why = NULL;
		io->send_down_ms = 0;
		log_info("mobility: %s: BID %u on %s (PvD %s), BID-PRI %u", m->wc.name, p->bid,
			 p->ifname, p->pvd, p->pri);
	}
	/* Register the BID (or its new BID-PRI) at once: one BU. */
	if (!mob_dp_failover(m, NULL))
		mob_dp_send_bu(m);
	return 0;
}

static int mob_net_withdraw(struct mob_net *m, const struct mob_wire_withdraw *w)
{
	int i = mob_net_find(m, w->bid);
	char why[96];

	if (i < 0)
		return -EINVAL;
	mob_net_close_path(&m->io[i]);
	m->io[i].send_down_ms = 0;
	m->mn.paths[i].link_up = false;
	m->io[i].down_why = "withdrawn by the engine: link down, address gone or checks failed";
	snprintf(why, sizeof(why), "BID %u withdrawn (link down, address gone or checks failed)",
		 w->bid);
	log_info("mobility: %s: %s", m->wc.name, why);
	/* The home agent hears of it as BID-PRI 127 in the next BU. */
	if (m->mn.uplink != i || !mob_dp_failover(m, why))
		mob_dp_send_bu(m);
	return 0;
}

/* The carrier file of a path whose socket came just before: kept and read
 * every tick (mob_dp_tick), so a loss of carrier moves the uplink without
 * waiting for the engine, whose rtnetlink event may come up to a second
 * late (common/carrier.h). */
static int mob_net_carrier(struct mob_net *m, const struct mob_wire_withdraw *w, int fd)
{
	int i = mob_net_find(m, w->bid);

	if (i < 0 || fd < 0 || w->reason != 0 || m->io[i].fd < 0)
		return -EINVAL;
	if (m->io[i].carrier_fd >= 0)
		close(m->io[i].carrier_fd);
	m->io[i].carrier_fd = fd;
	m->io[i].carrier_down = false;
	return 0;
}

static int mob_net_flows(struct mob_net *m, const struct mob_flow_specs *d)
{
	if (!m || d->n > MOB_FLOW_MAX)
		return -EBADMSG;
	memcpy(&m->pflows, d, sizeof(m->pflows));
	for (size_t i = 0; i < MOB_FLOW_MAX; i++)
		m->pflows.spec[i][MOB_FLOW_SPEC_MAX - 1] = 0;
	mob_flow_dp_refresh(m);
	return 0;
}

static int mob_net_pairs(struct mob_node *n, const struct mob_pairs *d)
{
	struct mob_net *m;

	if (!mob_msg_pairs_ok(d) || !(m = mob_net_home(n, d->home)))
		return -EBADMSG;
	m->pairs = *d;
	return 0;
}

static int mob_net_msg(struct mob_node *n, const struct ipc_msg *msg)
{
	const void *d = msg->data;
	struct mob_net *m;
	int r;

	switch (msg->hdr.type) {
	case MOB_WIRE_CONFIG:
		return ipc_expect(msg, sizeof(struct mob_wire_config)) < 0 ? -EBADMSG :
		       mob_net_config(n, d, msg->fd);
	case MOB_WIRE_PATH:
		if (ipc_expect(msg, sizeof(struct msg_mob_path)) < 0 ||
		    !(m = mob_net_home(n, ((const struct msg_mob_path *)d)->home)))
			return -EBADMSG;
		r = mob_net_path(m, d, msg->fd);
		if (r == 0)
			mob_flow_dp_refresh(m);         /* pvd= flows follow */
		return r;
	case MOB_WIRE_FLOWS:
		/* The policy's flow bindings are [mobility]'s (home 0). */
		return ipc_expect(msg, sizeof(struct mob_flow_specs)) < 0 || msg->fd >= 0 ?
		       -EBADMSG : mob_net_flows(mob_net_home(n, 0), d);
	case MOB_WIRE_PAIRS:
		return ipc_expect(msg, sizeof(struct mob_pairs)) < 0 || msg->fd >= 0 ? -EBADMSG :
		       mob_net_pairs(n, d);
	case MOB_WIRE_WITHDRAW:
		if (ipc_expect(msg, sizeof(struct mob_wire_withdraw)) < 0 || msg->fd >= 0 ||
		    !(m = mob_net_home(n, ((const struct mob_wire_withdraw *)d)->home)))
			return -EBADMSG;
		return mob_net_withdraw(m, d);
	case MOB_WIRE_FAST:
		return ipc_expect(msg, sizeof(struct mob_wire_fast)) < 0 ? -EBADMSG :
		       mob_fast_msg(n, d, msg->fd);
	case MOB_WIRE_CARRIER:
		if (ipc_expect(msg, sizeof(struct mob_wire_withdraw)) < 0 ||
		    !(m = mob_net_home(n, ((const struct mob_wire_withdraw *)d)->home)))
			return -EBADMSG;
		return mob_net_carrier(m, d, msg->fd);
	default:
		return -EBADMSG;
	}
}

static void mob_net_chan_cb(evutil_socket_t fd, short what, void *arg)
{
	struct mob_node *n = arg;
	static struct ipc_msg msg;       /* 64 KiB: off the stack */

	(void)what;
	for (;;) {
		int r = ipc_recv((int)fd, &msg);

		if (r == -EAGAIN) {
			/* The kernel's entries follow the paths just told. */
			for (size_t h = 0; h < MOB_MAX_HOAS; h++)
				if (n->reg[h] && n->reg[h]->configured)
					mob_fast_sync(n->reg[h]);
			return;
		}
		if (r == 0 || (r < 0 && r != -EBADMSG)) {
			event_del(n->chan_ev);   /* the parent is gone */
			return;
		}
		if (r < 0 || mob_net_msg(n, &msg) < 0) {
			n->bad_msgs++;
			/* A descriptor a refused message brought is not kept;
			 * one that was taken is a path's or the TUN's now. */
			if (r > 0 && msg.fd >= 0 && !mob_net_owns(n, msg.fd))
				close(msg.fd);
			log_warn("mobility: a malformed message (type %u) from the parent",
				 msg.hdr.type);
		}
		explicit_bzero(msg.data, sizeof(struct mob_wire_config));
	}
}

struct mob_node *mob_net_new(struct event_base *base, int fd, int *ret_err)
{
	struct mob_node *n = calloc(1, sizeof(*n));

	if (!n) {
		*ret_err = -ENOMEM;
		return NULL;
	}
	n->base = base;
	n->chan = fd;
	n->tun = -1;
	n->fast_fd[0] = n->fast_fd[1] = -1;
	n->chan_ev = event_new(base, fd, EV_READ | EV_PERSIST, mob_net_chan_cb, n);
	if (!n->chan_ev || event_add(n->chan_ev, NULL) < 0) {
		*ret_err = -ENOMEM;
		mob_net_free(n);
		return NULL;
	}
	return n;
}

static void mob_net_free_reg(struct mob_net *m)
{
	for (size_t i = 0; i < MOB_MAX_PATHS; i++)
		mob_net_close_path(&m->io[i]);
	if (m->tick)
		event_free(m->tick);
	explicit_bzero(&m->mn, sizeof(m->mn));
	explicit_bzero(&m->wc, sizeof(m->wc));
	free(m);
}

/* Whether m has a path on the TUN device: it is nested over another home
 * address (analysis 6.3.1), its packets leave through that one's tunnel. */
static bool mob_net_nested(const struct mob_net *m)
{
	for (size_t i = 0; i < m->mn.n_paths; i++)
		if (m->io[i].fd >= 0 && !strcmp(m->io[i].m.ifname, m->wc.tun))
			return true;
	return false;
}

/* A clean stop: every home address deregistered at its agent. The nested
 * ones first, and what they wrote to the TUN device is carried out by the
 * tunnels they ride on before those deregister too. */
static void mob_net_deregister_all(struct mob_node *n)
{
	for (int pass = 0; pass < 2; pass++) {
		for (size_t h = 0; h < MOB_MAX_HOAS; h++)
			if (n->reg[h] && mob_net_nested(n->reg[h]) == (pass == 0))
				mob_dp_deregister(n->reg[h]);
		if (pass == 0 && n->tun >= 0)
			mob_batch_on_tun(n->tun, EV_READ, n);
	}
}

void mob_net_free(struct mob_node *n)
{
	if (!n)
		return;
	mob_net_deregister_all(n);
	for (size_t h = 0; h < MOB_MAX_HOAS; h++)
		if (n->reg[h])
			mob_net_free_reg(n->reg[h]);
	if (n->tun_ev)
		event_free(n->tun_ev);
	if (n->chan_ev)
		event_free(n->chan_ev);
	if (n->tun >= 0)
		close(n->tun);
	mob_fast_free(n);
	close(n->chan);
	free(n);
}
