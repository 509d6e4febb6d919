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
#include "daemon/mobility/mob_net.h"
#include "common/ipc.h"

static int mob_net_config(struct mob_net *m, const struct mob_wire_config *c, int tun)
{
	struct timeval tv = { (time_t)(c->interval_ms / 1000),
			      (suseconds_t)(c->interval_ms % 1000) * 1000 };

	if (m->configured || tun < 0 || c->key_len < 16 || c->key_len > sizeof(c->key) ||
	    c->interval_ms < 10 || !c->misses || !memchr(c->tun, 0, sizeof(c->tun)) ||
	    (!c->has_ha6 && !c->has_ha4))
		return -EINVAL;
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
	m->tun = tun;
	m->vnet = c->vnet_hdr != 0;
	m->tun_ev = event_new(m->base, tun, EV_READ | EV_PERSIST, mob_batch_on_tun, m);
	m->tick = event_new(m->base, -1, EV_PERSIST, mob_dp_tick, m);
	if (!m->tun_ev || !m->tick || event_add(m->tun_ev, NULL) < 0 ||
	    event_add(m->tick, &tv) < 0)
		return -ENOMEM;
	m->configured = true;
	snprintf(m->uplink_why, sizeof(m->uplink_why), "no path yet");
	mob_flow_dp_refresh(m);
	return 0;
}

static bool mob_net_path_ok(const struct msg_mob_path *p)
{
	return p->bid >= 1 && p->bid <= MOB_MAX_PATHS && (p->family == 4 || p->family == 6) &&
	       p->ifindex > 0 && memchr(p->ifname, 0, sizeof(p->ifname)) &&
	       memchr(p->pvd, 0, sizeof(p->pvd)) && memchr(p->why, 0, sizeof(p->why));
}

static int mob_net_find(const struct mob_net *m, uint16_t bid)
{
	for (size_t i = 0; i < m->mn.n_paths; i++)
		if (m->mn.paths[i].bid == bid)
			return (int)i;
	return -1;
}

static bool mob_net_owns(const struct mob_net *m, int fd)
{
	for (size_t i = 0; i < m->mn.n_paths; i++)
		if (m->io[i].fd == fd)
			return true;
	return false;
}

static void mob_net_close_path(struct mob_io *io)
{
	if (io->ev)
		event_free(io->ev);
	io->ev = NULL;
	if (io->fd >= 0)
		close(io->fd);
	io->fd = -1;
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

	if (!m->configured || !mob_net_path_ok(p) || (i < 0 && fd < 0) ||
	    (p->family == 6 ? !m->wc.has_ha6 : !m->wc.has_ha4))
		return -EINVAL;
	if (i < 0) {
		i = (int)m->mn.n_paths++;
		memset(&m->mn.paths[i], 0, sizeof(m->mn.paths[i]));
		memset(&m->io[i], 0, sizeof(m->io[i]));
		m->io[i].fd = -1;
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
		/* Path exploration (analysis 6.1.2): used only once a heartbeat
		 * answer has re-validated it. */
		mp->link_up = true;
		mp->live.alive = false;
		mp->live.misses = 0;
		mp->live.sent_ms = 0;
		io->down_why = NULL;
		io->send_down_ms = 0;
		log_info("mobility: BID %u on %s (PvD %s), BID-PRI %u", p->bid, p->ifname, p->pvd,
			 p->pri);
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
	log_info("mobility: %s", why);
	/* The home agent hears of it as BID-PRI 127 in the next BU. */
	if (m->mn.uplink != i || !mob_dp_failover(m, why))
		mob_dp_send_bu(m);
	return 0;
}

static int mob_net_msg(struct mob_net *m, const struct ipc_msg *msg)
{
	const void *d = msg->data;
	int r;

	switch (msg->hdr.type) {
	case MOB_WIRE_CONFIG:
		return ipc_expect(msg, sizeof(struct mob_wire_config)) < 0 ? -EBADMSG :
		       mob_net_config(m, d, msg->fd);
	case MOB_WIRE_PATH:
		r = ipc_expect(msg, sizeof(struct msg_mob_path)) < 0 ? -EBADMSG :
		    mob_net_path(m, d, msg->fd);
		if (r == 0)
			mob_flow_dp_refresh(m);         /* pvd= flows follow */
		return r;
	case MOB_WIRE_FLOWS:
		if (ipc_expect(msg, sizeof(m->pflows)) < 0 || msg->fd >= 0 ||
		    ((const struct mob_flow_specs *)d)->n > MOB_FLOW_MAX)
			return -EBADMSG;
		memcpy(&m->pflows, d, sizeof(m->pflows));
		for (size_t i = 0; i < MOB_FLOW_MAX; i++)
			m->pflows.spec[i][MOB_FLOW_SPEC_MAX - 1] = 0;
		mob_flow_dp_refresh(m);
		return 0;
	case MOB_WIRE_WITHDRAW:
		return ipc_expect(msg, sizeof(struct mob_wire_withdraw)) < 0 || msg->fd >= 0 ?
		       -EBADMSG : mob_net_withdraw(m, d);
	default:
		return -EBADMSG;
	}
}

static void mob_net_chan_cb(evutil_socket_t fd, short what, void *arg)
{
	struct mob_net *m = arg;
	static struct ipc_msg msg;       /* 64 KiB: off the stack */

	(void)what;
	for (;;) {
		int r = ipc_recv((int)fd, &msg);

		if (r == -EAGAIN)
			return;
		if (r == 0 || (r < 0 && r != -EBADMSG)) {
			event_del(m->chan_ev);   /* the parent is gone */
			return;
		}
		if (r < 0 || mob_net_msg(m, &msg) < 0) {
			m->bad_msgs++;
			/* A descriptor a refused message brought is not kept;
			 * one that was taken is the path's or the TUN's now. */
			if (r > 0 && msg.fd >= 0 && msg.fd != m->tun && !mob_net_owns(m, msg.fd))
				close(msg.fd);
			log_warn("mobility: a malformed message (type %u) from the parent",
				 msg.hdr.type);
		}
		explicit_bzero(msg.data, sizeof(struct mob_wire_config));
	}
}

struct mob_net *mob_net_new(struct event_base *base, int fd, int *ret_err)
{
	struct mob_net *m = calloc(1, sizeof(*m));

	if (!m) {
		*ret_err = -ENOMEM;
		return NULL;
	}
	m->base = base;
	m->chan = fd;
	m->tun = -1;
	m->started_ms = clock_mono_ms();
	m->chan_ev = event_new(base, fd, EV_READ | EV_PERSIST, mob_net_chan_cb, m);
	if (!m->chan_ev || event_add(m->chan_ev, NULL) < 0) {
		*ret_err = -ENOMEM;
		mob_net_free(m);
		return NULL;
	}
	return m;
}

void mob_net_free(struct mob_net *m)
{
	if (!m)
		return;
	mob_dp_deregister(m);
	for (size_t i = 0; i < MOB_MAX_PATHS; i++)
		mob_net_close_path(&m->io[i]);
	if (m->tun_ev)
		event_free(m->tun_ev);
	if (m->tick)
		event_free(m->tick);
	if (m->chan_ev)
		event_free(m->chan_ev);
	if (m->tun >= 0)
		close(m->tun);
	close(m->chan);
	explicit_bzero(&m->mn, sizeof(m->mn));
	free(m);
}
