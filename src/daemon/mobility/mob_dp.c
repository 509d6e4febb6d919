/* SPDX-License-Identifier: MIT */
/* The mobile node's data plane (mob_dp.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/carrier.h"
#include "common/clock.h"
#include "common/log.h"
#include "daemon/mobility/mob_dp.h"
#include "daemon/mobility/mob_fast_dp.h"
#include "daemon/mobility/mob_home_dp.h"

bool mob_dp_send_failed(struct mob_net *m, size_t i, int err)
{
	struct mob_io *io = &m->io[i];

	m->send_err++;
	if (err != ENETDOWN && err != ENETUNREACH && err != EADDRNOTAVAIL && err != EHOSTUNREACH)
		return false;
	/* Before the kernel's event reaches the engine: move now. */
	m->mn.paths[i].link_up = false;
	io->down_why = "a send failed (network unreachable)";
	io->send_down_ms = clock_mono_ms();
	return true;
}

int mob_dp_send(struct mob_net *m, size_t i, const void *p, size_t len)
{
	struct mob_io *io = &m->io[i];
	int err;

	if (io->fd < 0)
		return -ENETDOWN;
	if (sendto(io->fd, p, len, MSG_DONTWAIT, (struct sockaddr *)&io->ha, io->ha_len) ==
	    (ssize_t)len) {
		m->mn.paths[i].tx_packets++;
		return 0;
	}
	err = errno;
	(void)mob_dp_send_failed(m, i, err);
	return -err;
}

void mob_dp_send_bu(struct mob_net *m)
{
	uint8_t pkt[2200];      /* a BU with flow options: up to 2048 + 40 */
	size_t len;
	int via = m->mn.uplink;

	m->mn.fast_offer = mob_fast_offer(m);
	if (mn_build_bu(&m->mn, clock_ntp_now(), clock_mono_ms(), pkt, sizeof(pkt), &len) < 0)
		return;
	/* Without an uplink, every path with a link carries it. */
	for (size_t i = 0; i < m->mn.n_paths; i++)
		if ((via >= 0 && (size_t)via == i) || (via < 0 && m->mn.paths[i].link_up))
			(void)mob_dp_send(m, i, pkt, len);
}

void mob_dp_record(struct mob_net *m, const char *why)
{
	struct mob_switch *s = &m->sw[m->n_sw % MOB_SWITCHES];

	/* From the uplink the last record went to (mn_input may already
	 * have moved it when a heartbeat answer re-validated a path). */
	s->from_bid = m->n_sw ? m->sw[(m->n_sw - 1) % MOB_SWITCHES].to_bid : 0;
	s->to_bid = m->mn.uplink >= 0 ? m->mn.paths[m->mn.uplink].bid : 0;
	s->at_ms = clock_mono_ms();
	snprintf(s->why, sizeof(s->why), "%s", why);
	m->n_sw++;
	mob_home_dp_tell(m);    /* native on the home link, or not */
	mob_fast_sync(m);       /* the kernel's uplink entry moves with it */
	if (m->mn.uplink >= 0) {
		const struct mob_io *io = &m->io[m->mn.uplink];

		snprintf(m->uplink_why, sizeof(m->uplink_why),
			 "the live path with the lowest BID-PRI (%u: %s); last move: %s",
			 m->mn.paths[m->mn.uplink].pri, io->m.why, why);
		log_info("mobility: %s: uplink BID %d -> %d (%s, PvD %s): %s", m->wc.name,
			 s->from_bid, s->to_bid, io->m.ifname, io->m.pvd, why);
	} else {
		snprintf(m->uplink_why, sizeof(m->uplink_why), "no live path: %s", why);
		log_warn("mobility: %s: no uplink left (was BID %d: %s)", m->wc.name, s->from_bid,
			 why);
	}
}

bool mob_dp_failover(struct mob_net *m, const char *why)
{
	int from = m->mn.uplink;
	char text[128];

	if (!mn_pick(&m->mn))
		return false;
	if (!why && from >= 0) {
		const struct mn_path *p = &m->mn.paths[from];
		const struct mob_io *io = &m->io[from];

		if (!p->link_up)
			snprintf(text, sizeof(text), "BID %u: %s", p->bid,
				 io->down_why ? io->down_why : "link down");
		else if (!p->live.alive)
			snprintf(text, sizeof(text), "BID %u: %u heartbeats unanswered", p->bid,
				 p->live.misses);
		else
			snprintf(text, sizeof(text), "a live path with a lower BID-PRI");
		why = text;
	} else if (!why) {
		why = "a path became usable";
	}
	mob_dp_record(m, why);
	mob_dp_send_bu(m);
	return true;
}

/* Heartbeat loss over the last 32 requests of path i: the previous one
 * counts as lost if no answer came before this one goes. */
static void mob_dp_account(struct mob_io *io, const struct mn_path *p)
{
	bool lost;

	if (!p->live.sent_ms)
		return;
	lost = p->live.answer_ms < p->live.sent_ms;
	io->lost_bits = io->lost_bits << 1 | (lost ? 1u : 0u);
	if (io->samples < 32)
		io->samples++;
	io->hb_lost += lost;
}

/* The carrier of each path's link as the kernel holds it now: a loss takes
 * the path down at once (the engine's event may come up to a second late,
 * common/carrier.h); its return, if the engine did not withdraw the path
 * meanwhile, makes it a candidate that heartbeats re-validate. */
static const char *mob_dp_carrier(struct mob_net *m)
{
	const char *why = NULL;

	for (size_t i = 0; i < m->mn.n_paths; i++) {
		struct mob_io *io = &m->io[i];
		int c;

		if (io->carrier_fd < 0 || (c = carrier_read(io->carrier_fd)) < 0)
			continue;
		if (c == 0 && !io->carrier_down) {
			io->carrier_down = true;
			m->mn.paths[i].link_up = false;
			io->down_why = "loss of carrier (read from sysfs)";
			why = "loss of carrier (read from sysfs)";
		} else if (c == 1 && io->carrier_down) {
			io->carrier_down = false;
			m->mn.paths[i].link_up = true;
			m->mn.paths[i].live.alive = false;
			m->mn.paths[i].live.misses = 0;
			io->down_why = NULL;
		}
	}
	return why;
}

void mob_dp_tick(evutil_socket_t fd, short what, void *arg)
{
	struct mob_net *m = arg;
	long long now = clock_mono_ms();
	const char *why = mob_dp_carrier(m);
	uint8_t pkt[512];
	size_t len;

	(void)fd;
	(void)what;
	for (size_t i = 0; i < m->mn.n_paths; i++) {
		struct mob_io *io = &m->io[i];

		/* A path that a failed send took down, and that the engine still
		 * gives a second later, is tried again: heartbeats re-validate it
		 * before it carries anything (the engine withdraws it meanwhile
		 * if its network is really gone). */
		if (io->fd >= 0 && io->send_down_ms && now - io->send_down_ms >= 1000 &&
		    !io->carrier_down) {
			m->mn.paths[i].link_up = true;
			m->mn.paths[i].live.alive = false;
			m->mn.paths[i].live.misses = 0;
			io->send_down_ms = 0;
			io->down_why = NULL;
		}
		if (!mn_hb_due(&m->mn, i, now, m->wc.interval_ms) || io->fd < 0)
			continue;
		mob_dp_account(io, &m->mn.paths[i]);
		if (mn_build_hb(&m->mn, i, clock_ntp_now(), now, pkt, sizeof(pkt), &len) == 0) {
			io->hb_sent++;
			(void)mob_dp_send(m, i, pkt, len);
		}
	}
	mob_dp_failover(m, why);
	if (mn_bu_due(&m->mn, now))
		mob_dp_send_bu(m);
	mob_fast_sync(m);       /* the agent's offer came in a BA, say */
}

void mob_dp_deregister(struct mob_net *m)
{
	uint8_t pkt[1024];
	size_t len;

	if (!m->configured || !m->mn.registered_ms ||
	    mn_build_dereg(&m->mn, clock_ntp_now(), clock_mono_ms(), pkt, sizeof(pkt), &len) < 0)
		return;
	for (size_t i = 0; i < m->mn.n_paths; i++)
		if (m->mn.paths[i].link_up)
			(void)mob_dp_send(m, i, pkt, len);
}
