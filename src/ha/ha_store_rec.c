/* SPDX-License-Identifier: MIT */
/*
 * The binding record of the replicated store (ha_store.h), pure. One JSON
 * object per home address, readable with redis-cli:
 *   {"v":1,"hoa":"2001:db8:100::10","seq":7,"ts":"e8f0...","paths":[
 *     {"bid":1,"pri":0,"coa":"2001:db8:1::10","peer":"2001:db8:1::10",
 *      "port":4191,"expires":1796470000000}]}
 * "seq" is absent while no BU was accepted; "ts" (the newest accepted
 * RFC 4285 timestamp, 64 bits) is hex text because JSON numbers lose
 * precision past 2^53; "coa" is "" for a binding without CoA (the
 * packet's source), a dotted quad for an IPv4 CoA; "expires" is the Unix
 * time in ms, so another machine's monotonic clock can use it.
 *
 * Version 2 (issue 16) adds, when there are any, "flows" (the RFC 6089
 * flow bindings, ha_store_flow.c) and "hoa4" (the RFC 5555 IPv4 home
 * address while bound), so a new agent forwards per flow and IPv4 from
 * its first packet. A version 1 record (neither member) is still read.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "ha/ha_store.h"
#include "ha/ha_store_flow.h"

int ha_store_key(const char *prefix, const struct in6_addr *hoa, char *buf, size_t cap)
{
	char a[INET6_ADDRSTRLEN];
	int n;

	addr_ntop(hoa, a, sizeof(a));
	n = snprintf(buf, cap, "%sbinding:%s", prefix, a);
	return n < 0 || (size_t)n >= cap ? -ENOSPC : 0;
}

static json_t *ha_rec_path(const struct ha_path *p, long long now_ms, long long wall_ms)
{
	char peer[INET6_ADDRSTRLEN], coa[INET6_ADDRSTRLEN];

	addr_ntop(&p->peer.sin6_addr, peer, sizeof(peer));
	ha_cache_coa_text(p, coa, sizeof(coa));
	json_t *o = json_pack("{s:i, s:i, s:s, s:s, s:i, s:I}", "bid", p->bid, "pri", p->pri,
			      "coa", coa, "peer", peer, "port", ntohs(p->peer.sin6_port),
			      "expires", (json_int_t)(wall_ms + (p->expires_ms - now_ms)));

	/* The H flag (RFC 5648 5.6): without it the next agent would take an
	 * at-home node for away and proxy its address on the home link. Only
	 * when set, so a record without a home BID reads as before. */
	if (o && p->home && json_object_set_new(o, "home", json_true()) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The version 2 members, each only when there is something to keep. */
static int ha_rec_put_v2(json_t *root, const struct ha_mn *mn)
{
	char a[INET_ADDRSTRLEN];
	json_t *fl;

	if (mn->flows && mn->flows->n) {
		if (ha_store_flows_encode(mn->flows, &fl) < 0 ||
		    json_object_set_new(root, "flows", fl) < 0)
			return -ENOMEM;
	}
	if (mn->hoa4_bound && (!inet_ntop(AF_INET, &mn->hoa4, a, sizeof(a)) ||
			       json_object_set_new(root, "hoa4", json_string(a)) < 0))
		return -ENOMEM;
	return 0;
}

int ha_store_encode(const struct ha_mn *mn, long long now_ms, long long wall_ms, char **ret,
		    long long *ret_ttl_ms)
{
	char hoa[INET6_ADDRSTRLEN], ts[17];
	json_t *root, *paths = json_array();
	long long ttl = 0;
	char *s;

	for (size_t i = 0; paths && i < mn->n_paths; i++) {
		if (json_array_append_new(paths, ha_rec_path(&mn->paths[i], now_ms, wall_ms)) < 0)
			break;
		if (mn->paths[i].expires_ms - now_ms > ttl)
			ttl = mn->paths[i].expires_ms - now_ms;
	}
	if (!paths || json_array_size(paths) != mn->n_paths) {
		json_decref(paths);
		return -ENOMEM;
	}
	addr_ntop(&mn->hoa, hoa, sizeof(hoa));
	snprintf(ts, sizeof(ts), "%016" PRIx64, mn->last_ts);
	root = json_pack("{s:i, s:s, s:s, s:o}", "v", HA_STORE_VERSION, "hoa", hoa, "ts", ts,
			 "paths", paths);
	if (root && mn->has_seq)
		json_object_set_new(root, "seq", json_integer(mn->last_seq));
	if (root && ha_rec_put_v2(root, mn) < 0) {
		json_decref(root);
		return -ENOMEM;
	}
	/* Version 1 while the record has nothing of version 2's, so an agent
	 * not yet upgraded still loads it (a rolling upgrade). */
	if (root && !json_object_get(root, "flows") && !json_object_get(root, "hoa4"))
		json_object_set_new(root, "v", json_integer(1));
	s = root ? json_dumps(root, JSON_COMPACT) : NULL;
	json_decref(root);
	if (!s)
		return -ENOMEM;
	*ret = s;
	*ret_ttl_ms = ttl;
	return 0;
}

static int ha_rec_u64_hex(const char *s, uint64_t *ret)
{
	if (strlen(s) != 16 || strspn(s, "0123456789abcdef") != 16)
		return -EINVAL;
	*ret = strtoull(s, NULL, 16);
	return 0;
}

/* One path object into p (alive, expiry on the local monotonic clock). */
static int ha_rec_read_path(json_t *o, long long now_ms, long long wall_ms, struct ha_path *p)
{
	json_int_t bid, pri, port, expires;
	const char *coa, *peer;
	struct in6_addr a;
	int home = 0;

	if (json_unpack(o, "{s:I, s:I, s:s, s:s, s:I, s:I, s?b !}", "bid", &bid, "pri", &pri,
			"coa", &coa, "peer", &peer, "port", &port, "expires", &expires,
			"home", &home) < 0 ||
	    bid < 0 || bid > 0xffff || pri < 0 || pri > 127 || port < 1 || port > 0xffff ||
	    expires < 0 || expires > (1LL << 50))
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	p->bid = (uint16_t)bid;
	p->pri = (uint8_t)pri;
	if (inet_pton(AF_INET, coa, p->coa) == 1)
		p->coa_family = 4;
	else if (addr_parse(coa, &a) == AF_INET6) {
		p->coa_family = 6;
		memcpy(p->coa, &a, 16);
	} else if (*coa) {
		return -EINVAL;
	}
	if (addr_parse(peer, &p->peer.sin6_addr) < 0)
		return -EINVAL;
	p->peer.sin6_family = AF_INET6;
	p->peer.sin6_port = htons((uint16_t)port);
	p->expires_ms = now_ms + (expires - wall_ms);
	p->live.alive = true;
	p->home = home != 0;
	return 0;
}

/* The version 2 members into m (validated; m's flow table is set by
 * ha_rec_set_flows() once the whole record is known to be good). The IPv4
 * home address is bound only if it is the one this agent's configuration
 * gives the mobile node (and a path is left); another is not bound, and
 * the mobile node's next BU asks again (RFC 5555 3.2.1). */
static int ha_rec_read_v2(json_t *flows, const char *hoa4, struct ha_mn *m,
			  struct ha_flow *e, size_t *ret_n)
{
	struct in_addr a4;

	*ret_n = 0;
	if (flows && ha_store_flows_decode(flows, e, ret_n) < 0)
		return -EINVAL;
	if (hoa4 && inet_pton(AF_INET, hoa4, &a4) != 1)
		return -EINVAL;
	m->hoa4_bound = hoa4 && m->has_hoa4 && m->hoa4.s_addr == a4.s_addr && m->n_paths > 0;
	return 0;
}

/* The flow table f (mn's own, or new when mn had none and n > 0) gets the
 * record's n flows; NULL f with n == 0: nothing to hold. */
static void ha_rec_set_flows(struct ha_flows *f, const struct ha_flow *e, size_t n)
{
	if (f) {
		memcpy(f->e, e, n * sizeof(*e));
		f->n = n;
	}
}

int ha_store_decode(const char *s, size_t len, long long now_ms, long long wall_ms,
		    struct ha_mn *mn)
{
	json_t *root = json_loadb(s, len, JSON_REJECT_DUPLICATES, NULL), *paths, *o;
	json_t *flows = NULL;
	struct ha_flow fl[HA_FLOW_MAX];
	struct ha_flows *f;
	const char *hoa, *ts, *hoa4 = NULL;
	json_int_t v, seq = -1;
	struct ha_mn m = *mn;
	struct in6_addr a;
	size_t i, n_fl;
	int r = -EINVAL;

	if (!root || json_unpack(root, "{s:I, s:s, s:s, s:o, s?:I, s?:o, s?:s !}", "v", &v,
				 "hoa", &hoa, "ts", &ts, "paths", &paths, "seq", &seq,
				 "flows", &flows, "hoa4", &hoa4) < 0 ||
	    v < 1 || v > HA_STORE_VERSION || (v == 1 && (flows || hoa4)) ||
	    addr_parse(hoa, &a) < 0 ||
	    !IN6_ARE_ADDR_EQUAL(&a, &mn->hoa) || ha_rec_u64_hex(ts, &m.last_ts) < 0 ||
	    !json_is_array(paths) || json_array_size(paths) > MH_MAX_BIDS || seq > 0xffff)
		goto out;
	m.has_seq = seq >= 0;
	m.last_seq = m.has_seq ? (uint16_t)seq : 0;
	/* Every path read (a BID twice is refused, expired or not), then
	 * the live ones kept. */
	m.n_paths = 0;
	json_array_foreach(paths, i, o) {
		if (ha_rec_read_path(o, now_ms, wall_ms, &m.paths[i]) < 0 ||
		    ha_cache_path(&m, m.paths[i].bid))
			goto out;
		m.n_paths = i + 1;
	}
	for (i = m.n_paths; i-- > 0;)
		if (m.paths[i].expires_ms <= now_ms)
			m.paths[i] = m.paths[--m.n_paths];
	if (ha_rec_read_v2(flows, hoa4, &m, fl, &n_fl) < 0)
		goto out;
	/* The replay floor never moves back: this agent may have accepted a
	 * newer BU whose write was deferred before it went standby. */
	if (m.last_ts < mn->last_ts)
		m.last_ts = mn->last_ts;
	/* Heartbeat timestamps are not stored (one write per heartbeat); the
	 * last BU's is a floor for them: a heartbeat captured before it
	 * cannot be replayed to the new agent to move a path (RFC 4285 5). */
	for (i = 0; i < m.n_paths; i++)
		m.paths[i].live.last_ts = m.last_ts;
	m.active = -1;
	(void)ha_cache_pick(&m);
	m.switches = mn->switches;
	/* The only step that can fail, before anything of mn changes. */
	f = m.flows;
	if (!f && n_fl) {
		f = calloc(1, sizeof(*f));
		if (!f) {
			r = -ENOMEM;
			goto out;
		}
	}
	ha_rec_set_flows(f, fl, n_fl);
	*mn = m;
	mn->flows = f;
	r = 0;
out:
	json_decref(root);
	return r;
}
