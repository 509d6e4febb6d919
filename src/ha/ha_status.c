/* SPDX-License-Identifier: MIT */
/* mif-had's status: the binding cache and the counters as JSON. */
#include <arpa/inet.h>
#include <jansson.h>
#include <string.h>

#include "common/addr.h"
#include "ha/ha.h"
#include "ha/ha_fast.h"
#include "ha/ha_flow_status.h"
#include "ha/ha_store.h"

#define HA_STATUS_MNS 64

static json_t *ha_status_path(const struct ha_ctx *h, const struct ha_mn *mn, size_t i,
			      long long now_ms)
{
	const struct ha_path *p = &mn->paths[i];
	char peer[INET6_ADDRSTRLEN], coa[INET6_ADDRSTRLEN];
	uint64_t ftx, frx;

	/* The packets of the kernel fast path count as the path's too. */
	ha_fast_path_counts(h, mn, p, &ftx, &frx);
	addr_ntop(&p->peer.sin6_addr, peer, sizeof(peer));
	ha_cache_coa_text(p, coa, sizeof(coa));
	return json_pack("{s:i, s:i, s:s, s:s, s:i, s:s, s:b, s:i, s:i, s:I, s:I, s:I, s:I, s:b}",
			 "bid", p->bid, "priority", p->pri, "coa", coa, "peer", peer,
			 "port", ntohs(p->peer.sin6_port),
			 "state", p->live.alive ? "alive" : "dead", "downlink", (int)i == mn->active,
			 "misses", p->live.misses, "rtt_us", p->live.rtt_us,
			 "last_heartbeat_ms_ago",
			 (json_int_t)(p->live.answer_ms ? now_ms - p->live.answer_ms : -1),
			 "lifetime_s", (json_int_t)((p->expires_ms - now_ms) / 1000),
			 "tx_packets", (json_int_t)(p->tx_packets + ftx),
			 "rx_packets", (json_int_t)(p->rx_packets + frx), "home", p->home);
}

static json_t *ha_status_mn(const struct ha_ctx *h, const struct ha_mn *mn, long long now_ms)
{
	char hoa[INET6_ADDRSTRLEN], hoa4[INET_ADDRSTRLEN] = "";
	json_t *paths = json_array(), *o, *fl;

	for (size_t i = 0; paths && i < mn->n_paths; i++)
		json_array_append_new(paths, ha_status_path(h, mn, i, now_ms));
	addr_ntop(&mn->hoa, hoa, sizeof(hoa));
	if (mn->has_hoa4)
		inet_ntop(AF_INET, &mn->hoa4, hoa4, sizeof(hoa4));
	o = json_pack("{s:s, s:s, s:s?, s:b, s:i, s:o, s:I, s:I, s:I}", "name", mn->name,
		      "hoa", hoa, "hoa4", mn->has_hoa4 ? hoa4 : NULL,
		      "hoa4_bound", mn->hoa4_bound, "spi", (json_int_t)mn->spi, "bindings", paths,
		      "bu_accepted", (json_int_t)mn->bu_ok,
		      "bu_refused", (json_int_t)mn->bu_rejected,
		      "downlink_switches", (json_int_t)mn->switches);
	/* Flow bindings (ha_flow.h): which BID each flow uses and why. */
	if (o && h->fast)
		json_object_set_new(o, "fast_path", ha_fast_status_mn(h, mn));
	fl = o ? ha_flow_status(mn) : NULL;
	if (fl)
		json_object_update(o, fl);
	json_decref(fl);
	return o;
}

/* The home link (ha_home.h): which nodes are away (intercepted). */
static void ha_status_home(const struct ha_ctx *h, json_t *root)
{
	json_t *away = json_array();
	char a[INET6_ADDRSTRLEN];

	if (!h->home_state || !away) {
		json_decref(away);
		return;
	}
	for (size_t i = 0; i < h->cfg->n_mns && i < HA_STATUS_MNS; i++)
		if (h->home_state[i]) {
			addr_ntop(&h->cfg->mns[i].hoa, a, sizeof(a));
			json_array_append_new(away, json_string(a));
		}
	json_object_set_new(root, "home_link", json_pack("{s:s, s:o, s:I}",
			    "interface", h->cfg->home_link, "away", away,
			    "changes", (json_int_t)h->n.home_changes));
}

char *ha_status_json(const struct ha_ctx *h, long long now_ms)
{
	const struct ha_counters *n = &h->n;
	json_t *mns = json_array(), *root;
	char *s;

	/* The first HA_STATUS_MNS only: a status of 100,000 mobile nodes
	 * would be tens of megabytes built in the packet loop. */
	for (size_t i = 0; mns && i < h->cfg->n_mns && i < HA_STATUS_MNS; i++)
		json_array_append_new(mns, ha_status_mn(h, &h->cfg->mns[i], now_ms));
	root = json_pack("{s:o, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}}",
			 "mobile_nodes", mns, "counters",
			 "udp_rx", (json_int_t)n->udp_rx, "udp_tx", (json_int_t)n->udp_tx,
			 "tun_rx", (json_int_t)n->tun_rx, "tun_tx", (json_int_t)n->tun_tx,
			 "drop_malformed", (json_int_t)n->drop_malformed,
			 "drop_unknown_mn", (json_int_t)n->drop_unknown_mn,
			 "drop_auth", (json_int_t)n->drop_auth,
			 "drop_replay", (json_int_t)n->drop_replay,
			 "drop_spoofed", (json_int_t)n->drop_spoofed,
			 "drop_no_binding", (json_int_t)n->drop_no_binding,
			 "heartbeats_rx", (json_int_t)n->hb_rx,
			 "heartbeats_tx", (json_int_t)n->hb_tx, "ba_tx", (json_int_t)n->ba_tx);
	if (!root)
		return NULL;
	json_object_set_new(root, "offload", json_pack("{s:b, s:b, s:I, s:I, s:I}", "on", h->offload,
			    "partial_checksums", h->cfg->partial_csum,
			    "tun_gso_rx", (json_int_t)n->tun_gso_rx,
			    "tun_gro_tx", (json_int_t)n->tun_gro_tx,
			    "udp_gro_rx", (json_int_t)n->udp_gro_rx));
	json_object_set_new(json_object_get(root, "counters"), "drop_loop",
			    json_integer((json_int_t)n->drop_loop));
	json_object_set_new(json_object_get(root, "counters"), "drop_send",
			    json_integer((json_int_t)n->drop_send));
	json_object_set_new(root, "active", json_boolean(h->active));
	json_object_set_new(root, "fast_path", ha_fast_status(h));
	ha_status_home(h, root);
	json_object_set_new(root, "scale", json_pack("{s:I, s:I, s:I, s:I}",
			    "mobile_nodes", (json_int_t)h->cfg->n_mns,
			    "index_slots", (json_int_t)(h->cfg->index.slot ? h->cfg->index.mask + 1 : 0),
			    "index_max_probe", (json_int_t)h->cfg->index.max_probe,
			    "has_tx", (json_int_t)n->has_tx));
	json_object_set_new(root, "redundancy", json_pack("{s:I, s:I, s:I, s:I}",
			    "takeovers", (json_int_t)n->takeovers,
			    "drop_passive", (json_int_t)n->drop_passive,
			    "bindings_loaded", (json_int_t)n->store_loaded,
			    "store_deferred", (json_int_t)n->store_deferred));
	if (h->store) {
		const struct ha_store_counters *c = ha_store_counters(h->store);

		json_object_set_new(root, "store", json_pack("{s:b, s:I, s:I, s:I, s:I, s:I, s:I}",
				    "connected", ha_store_connected(h->store),
				    "writes", (json_int_t)c->writes,
				    "write_errors", (json_int_t)c->write_errors,
				    "loads", (json_int_t)c->loads,
				    "load_errors", (json_int_t)c->load_errors,
				    "connects", (json_int_t)c->connects,
				    "connect_errors", (json_int_t)c->connect_errors));
		json_object_set_new(json_object_get(root, "store"), "replication",
				    json_pack("{s:I, s:I, s:I, s:I, s:I}",
				    "durable", (json_int_t)c->durable,
				    "not_durable", (json_int_t)c->not_durable,
				    "sentinel_queries", (json_int_t)c->sentinel_queries,
				    "sentinel_errors", (json_int_t)c->sentinel_errors,
				    "not_master", (json_int_t)c->not_master));
	}
	s = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	return s;
}
