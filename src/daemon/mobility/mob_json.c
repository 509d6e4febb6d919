/* SPDX-License-Identifier: MIT */
/* `mifctl mobility`: the mobile node's bindings as JSON (mob_net.h). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "common/clock.h"
#include "daemon/mobility/mob_flow_dp.h"
#include "daemon/mobility/mob_dp.h"
#include "daemon/mobility/mob_fast_dp.h"
#include "daemon/mobility/mob_hoa.h"
#include "daemon/mobility/mob_net.h"
#include "netlink/netlink.h"

static json_t *mob_json_addr(int family, const void *a)
{
	char s[INET6_ADDRSTRLEN];

	if (!inet_ntop(family, a, s, sizeof(s)))
		return json_null();
	return json_string(s);
}

static const char *mob_json_state(const struct mob_net *m, size_t i)
{
	const struct mn_path *p = &m->mn.paths[i];

	if (m->io[i].fd < 0)
		return "withdrawn";
	if (!p->link_up)
		return "down";
	if (p->live.alive)
		return "alive";
	return p->live.misses >= m->mn.hb_misses ? "dead" : "validating";
}

static const char *const mob_json_verdict[] = { "bound", "nested", "at-home", "refused" };

/* Why path i is paired with its home address: the engine's verdict
 * (MOB_WIRE_PAIRS) for its care-of address and interface; before that
 * arrives, the rule of mob_hoa.h run here on what is known (the parent
 * binds each care-of socket to its PvD's own address and interface, so
 * the address is the interface's own). */
static json_t *mob_json_pairing(const struct mob_net *m, size_t i)
{
	struct mob_hoa h = { .plen = 128 };
	struct mob_coa c = { .family = m->mn.paths[i].coa_family, .on_if = true,
			     .pri = m->mn.paths[i].pri, .home = m->mn.paths[i].home };
	struct mob_pair p;
	char err[8];
	size_t n = 0;

	for (size_t k = 0; k < m->pairs.n && k < MOB_HOA_COA_MAX; k++) {
		const struct msg_mob_pair *e = &m->pairs.e[k];

		if (e->family == c.family && !memcmp(e->coa, m->mn.paths[i].coa, 16) &&
		    !strcmp(e->ifname, m->io[i].m.ifname))
			return json_pack("{s:s,s:s}", "verdict", mob_json_verdict[e->verdict],
					 "why", e->why);
	}
	snprintf(h.name, sizeof(h.name), "%s", m->wc.name);
	memcpy(h.addr, &m->mn.hoa, 16);
	memcpy(c.addr, m->mn.paths[i].coa, sizeof(c.addr));
	snprintf(c.ifname, sizeof(c.ifname), "%s", m->io[i].m.ifname);
	if (mob_hoa_plan(&h, 1, &c, 1, &p, 1, &n, err, sizeof(err)) < 0 || n != 1)
		return json_null();
	return json_pack("{s:s,s:s}", "verdict", mob_json_verdict[p.verdict], "why", p.why);
}

/* Every care-of address the engine judged for this home address: bound
 * ones are its bindings, the others say why not. */
static json_t *mob_json_pairs(const struct mob_net *m)
{
	json_t *a = json_array();

	for (size_t k = 0; a && k < m->pairs.n && k < MOB_HOA_COA_MAX; k++) {
		const struct msg_mob_pair *e = &m->pairs.e[k];

		json_array_append_new(a, json_pack("{s:s,s:o,s:s,s:s}", "interface", e->ifname,
			"coa", mob_json_addr(e->family == 4 ? AF_INET : AF_INET6, e->coa),
			"verdict", mob_json_verdict[e->verdict], "why", e->why));
	}
	return a;
}

static json_t *mob_json_path(const struct mob_net *m, size_t i, long long now)
{
	const struct mn_path *p = &m->mn.paths[i];
	const struct mob_io *io = &m->io[i];
	unsigned lost = (unsigned)__builtin_popcount(io->samples >= 32 ? io->lost_bits :
						       io->lost_bits & ((1u << io->samples) - 1));
	json_t *o = json_object();
	uint64_t ftx, frx;

	json_object_set_new(o, "hoa", mob_json_addr(AF_INET6, &m->mn.hoa));
	json_object_set_new(o, "bid", json_integer(p->bid));
	json_object_set_new(o, "coa", mob_json_addr(p->coa_family == 4 ? AF_INET : AF_INET6,
						    p->coa));
	json_object_set_new(o, "pvd", json_string(io->m.pvd));
	json_object_set_new(o, "interface", json_string(io->m.ifname));
	json_object_set_new(o, "mark", json_integer(io->m.mark));
	json_object_set_new(o, "state", json_string(mob_json_state(m, i)));
	json_object_set_new(o, "uplink", json_boolean(m->mn.uplink == (int)i));
	json_object_set_new(o, "home", json_boolean(p->home));
	json_object_set_new(o, "bid_pri", json_integer(p->pri));
	json_object_set_new(o, "rtt_ms", p->live.answer_ms ? json_real(p->live.rtt_us / 1000.0) :
					json_null());
	json_object_set_new(o, "loss_pct", io->samples ?
			    json_real(100.0 * lost / io->samples) : json_null());
	json_object_set_new(o, "last_heartbeat_ms_ago", p->live.answer_ms ?
			    json_integer(now - p->live.answer_ms) : json_null());
	json_object_set_new(o, "heartbeats_sent", json_integer((json_int_t)io->hb_sent));
	json_object_set_new(o, "heartbeats_lost", json_integer((json_int_t)io->hb_lost));
	/* With the kernel fast path's packets on this path (its entries now). */
	mn_fast_path_counts(m->node->fast, &m->mn, &m->fast, i, io->lport, &ftx, &frx);
	json_object_set_new(o, "tx_packets", json_integer((json_int_t)(p->tx_packets + ftx)));
	json_object_set_new(o, "rx_packets", json_integer((json_int_t)(p->rx_packets + frx)));
	json_object_set_new(o, "preference", json_string(io->m.why));
	json_object_set_new(o, "pairing", mob_json_pairing(m, i));
	if (io->down_why && (!p->link_up || io->fd < 0))
		json_object_set_new(o, "down_why", json_string(io->down_why));
	return o;
}

static json_t *mob_json_switches(const struct mob_net *m, long long now)
{
	json_t *a = json_array();
	unsigned first = m->n_sw > MOB_SWITCHES ? m->n_sw - MOB_SWITCHES : 0;

	for (unsigned k = first; k < m->n_sw; k++) {
		const struct mob_switch *s = &m->sw[k % MOB_SWITCHES];

		json_array_append_new(a, json_pack("{s:I,s:i,s:i,s:s}", "ms_ago",
						   (json_int_t)(now - s->at_ms), "from_bid",
						   s->from_bid, "to_bid", s->to_bid, "why", s->why));
	}
	return a;
}

/* The batched data plane's counters (mob_batch.c). */
static json_t *mob_json_offload(const struct mob_net *m)
{
	unsigned off = m->wc.tun_offloads;
	char granted[32];

	snprintf(granted, sizeof(granted), "%s%s%s", off & TUN_OFF_CSUM ? "csum" : "",
		 off & TUN_OFF_TSO ? " tso" : "", off & TUN_OFF_USO ? " uso" : "");
	return json_pack("{s:b,s:s,s:b,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "on", m->vnet,
			 "tun_offloads", granted, "partial_checksums", !m->wc.full_csum,
			 "tun_super_rx", (json_int_t)m->tun_super_rx,
			 "tun_split_packets", (json_int_t)m->tun_split_pkts,
			 "udp_recvmmsg_calls", (json_int_t)m->udp_rx_calls,
			 "udp_recvmmsg_again", (json_int_t)m->udp_rx_again,
			 "udp_rx_packets", (json_int_t)m->udp_rx_pkts,
			 "udp_gro_trains", (json_int_t)m->udp_gro_rx,
			 "tun_coalesced_writes", (json_int_t)m->tun_coalesced,
			 "tun_coalesced_packets", (json_int_t)m->tun_coalesced_pkts,
			 "tun_bad", (json_int_t)m->tun_bad);
}

/* What carries the uplink: the home link natively while the uplink is the
 * home path (the parent then routes it there, kern_mob_home.h), else the
 * tunnel through the uplink's BID. */
static json_t *mob_json_carrier(const struct mob_net *m)
{
	const struct mn_state *mn = &m->mn;
	int up = mn->uplink;
	char why[256];

	if (up < 0)
		return json_pack("{s:s,s:n,s:s}", "via", "none", "interface", "why",
				 "no path alive");
	if (mn->paths[up].home && m->home_told == mn->paths[up].bid) {
		snprintf(why, sizeof(why), "at home on %s: the home address and the routes "
			 "through %s go out there natively, unencapsulated (RFC 5648 5.6); BID %u "
			 "registered with the H flag", m->io[up].m.ifname, m->wc.tun,
			 mn->paths[up].bid);
		return json_pack("{s:s,s:s,s:s}", "via", "native", "interface",
				 m->io[up].m.ifname, "why", why);
	}
	snprintf(why, sizeof(why), "away from home: through %s, encapsulated on BID %u",
		 m->wc.tun, mn->paths[up].bid);
	return json_pack("{s:s,s:s,s:s}", "via", "tunnel", "interface", m->io[up].m.ifname,
			 "why", why);
}

/* One home address's registration. */
static json_t *mob_json_home(const struct mob_net *m, long long now)
{
	json_t *o = json_object(), *b = json_array();
	const struct mn_state *mn = &m->mn;

	json_object_set_new(o, "configured", json_boolean(m->configured));
	if (!m->configured)
		return o;
	json_object_set_new(o, "name", json_string(m->wc.name));
	json_object_set_new(o, "home_address", mob_json_addr(AF_INET6, &mn->hoa));
	json_object_set_new(o, "home_agent", mob_json_addr(AF_INET6, &mn->ha));
	if (mn->has_hoa4) {
		/* RFC 5555: the IPv4 Address Acknowledgement's status, null
		 * before the first (or from an agent without the option). */
		json_object_set_new(o, "home_address4", mob_json_addr(AF_INET, mn->hoa4));
		json_object_set_new(o, "home_address4_acked", json_boolean(mn->hoa4_acked));
		json_object_set_new(o, "home_address4_status", mn->hoa4_status == 255 ?
				    json_null() : json_integer(mn->hoa4_status));
	}
	json_object_set_new(o, "tun", json_string(m->wc.tun));
	json_object_set_new(o, "registered", json_boolean(mn->registered_ms != 0));
	json_object_set_new(o, "last_ba_ms_ago", mn->registered_ms ?
			    json_integer(now - mn->registered_ms) : json_null());
	json_object_set_new(o, "uplink_bid", mn->uplink >= 0 ?
			    json_integer(mn->paths[mn->uplink].bid) : json_null());
	json_object_set_new(o, "uplink_why", json_string(m->uplink_why));
	json_object_set_new(o, "uplink_carrier", mob_json_carrier(m));
	json_object_set_new(o, "heartbeat_interval_ms", json_integer(m->wc.interval_ms));
	json_object_set_new(o, "heartbeat_misses", json_integer(m->wc.misses));
	for (size_t i = 0; i < mn->n_paths; i++)
		json_array_append_new(b, mob_json_path(m, i, now));
	json_object_set_new(o, "bindings", b);
	json_object_set_new(o, "pairs", mob_json_pairs(m));
	json_object_set_new(o, "switches", mob_json_switches(m, now));
	json_object_set_new(o, "offload", mob_json_offload(m));
	json_object_set_new(o, "fast_path", mob_fast_json(m));
	json_object_set_new(o, "flows", mob_flow_dp_json(m));
	json_object_set_new(o, "ncast_dup_dropped", json_integer((json_int_t)m->flows.dup_dropped));
	json_object_set_new(o, "counters", json_pack(
		"{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
		"bu_sent", (json_int_t)mn->bu_sent, "ba_ok", (json_int_t)mn->ba_ok,
		"ba_refused", (json_int_t)mn->ba_refused, "switches", (json_int_t)mn->switches,
		"drop_auth", (json_int_t)mn->drop_auth, "drop_replay", (json_int_t)mn->drop_replay,
		"drop_malformed", (json_int_t)mn->drop_malformed,
		"drop_source", (json_int_t)mn->drop_source, "tun_rx", (json_int_t)m->tun_rx,
		"tun_tx", (json_int_t)m->tun_tx, "send_errors", (json_int_t)m->send_err,
		"no_uplink", (json_int_t)m->no_uplink, "bad_messages", (json_int_t)m->node->bad_msgs));
	return o;
}

/* The first home address's registration at the top (as with one home
 * address), every one under "homes". */
json_t *mob_net_json(void *arg)
{
	const struct mob_node *n = arg;
	long long now = clock_mono_ms();
	json_t *o, *homes = json_array();

	o = n->reg[0] ? mob_json_home(n->reg[0], now) :
	    json_pack("{s:b}", "configured", 0);
	for (size_t h = 0; h < n->n_homes; h++)
		json_array_append_new(homes, n->reg[h] ? mob_json_home(n->reg[h], now) :
				      json_pack("{s:b}", "configured", 0));
	json_object_set_new(o, "homes", homes);
	/* Packets from the TUN device whose source is no home address's
	 * (several home addresses only: not sent). */
	json_object_set_new(o, "no_home_source", json_integer((json_int_t)n->no_home));
	return o;
}
