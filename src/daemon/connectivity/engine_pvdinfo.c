/* SPDX-License-Identifier: MIT */
/*
 * RFC 8801 section 4, the engine's side: when to fetch a PvD's additional
 * information, whether what came back may be used (section 4.4), and what
 * it changes: dnsZones become the PvD's search and split-DNS domains
 * (source "pvd-json"), noInternet makes the PvD no-internet. The fetch and
 * the JSON parsing run in the network-facing process (probe_net.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/rand.h"
#include "daemon/connectivity/engine_conn.h"
#include "daemon/engine/engine_priv.h"

#define NS 1000000000ull
#define MS 1000000ull
#define PI_MIN_GAP (10 * NS)     /* section 4.1: 10 s between fetches of a PvD */

/* The information of the last sequence no longer holds (section 4.1). */
static void pi_drop(struct pvd *p, struct engine_conn_pvd *r)
{
	pvd_drop_source_in(p, PVD_SRC_PVDINFO, 0);
	if (r->info_state == INFO_OK)
		r->info_state = INFO_NONE;
	memset(&r->info, 0, sizeof(r->info));
}

void engine_pvdinfo_sync(struct engine *e, struct pvd *p, struct engine_conn_pvd *r,
			 uint64_t now)
{
	uint64_t span;

	/* Section 4.1: only with the H flag (never when it is clear); and a
	 * PvD whose router and prefixes left keeps nothing of it. */
	if (!p->explicit_ || !p->has_option || !p->h_flag ||
	    (TAILQ_EMPTY(&p->routers) && TAILQ_EMPTY(&p->prefixes))) {
		if (r->info_state != INFO_NONE || r->info_seq_known) {
			pi_drop(p, r);
			r->info_state = INFO_NONE;
			r->info_seq_known = false;
			engine_conn_arm_now(e);
		}
		return;
	}
	if (r->info_seq_known && r->info_seq == p->seq)
		return;
	/* A new sequence number: the old object is deprecated at once, and
	 * the new one fetched after a random delay in [0, 2^(10 + Delay)] ms,
	 * not sooner than 10 s after the last fetch. A PvD whose fetch failed
	 * is not fetched again during this attachment. */
	pi_drop(p, r);
	r->info_seq = p->seq;
	r->info_seq_known = true;
	if (r->info_state == INFO_FAILED)
		return;
	span = (1ull << (10 + (p->delay & 0x0f))) * MS;
	r->info_state = INFO_PENDING;
	r->info_at = now + ((uint64_t)rand_u32() << 32 | rand_u32()) % (span + 1);
	if (r->info_last_ns && r->info_at < r->info_last_ns + PI_MIN_GAP)
		r->info_at = r->info_last_ns + PI_MIN_GAP;
}

void engine_pvdinfo_run(struct engine *e, struct pvd *p, struct engine_conn_pvd *r,
			uint64_t now)
{
	struct msg_probe_start m;
	const char *why;

	if (r->info_state == INFO_FETCHING && now >= r->info_at) {
		r->info_state = INFO_PENDING;        /* no answer: try again later */
		r->info_at = now + PI_MIN_GAP;
		return;
	}
	if (r->info_state == INFO_OK && now >= r->info_at)
		r->info_state = INFO_PENDING;        /* keeping up to date */
	if (r->info_state != INFO_PENDING || now < r->info_at)
		return;
	/* Section 4.1: through the PvD, once an address of it is usable. */
	if (!e->net.ch || !engine_conn_inputs(e, p, &m, &why)) {
		r->info_at = now + NS;
		return;
	}
	snprintf(m.api_url, sizeof(m.api_url), "%s", p->id);
	m.timeout_ms = e->conn.cfg.timeout_ms;
	m.token = ++e->conn.next_token ? e->conn.next_token : ++e->conn.next_token;
	if (chan_send(e->net.ch, MSG_PVDINFO_FETCH, &m, sizeof(m)) < 0) {
		r->info_at = now + NS;
		return;
	}
	r->info_token = m.token;
	r->info_state = INFO_FETCHING;
	r->info_last_ns = now;
	r->info_at = now + (uint64_t)m.timeout_ms * MS * 3 + 2 * NS;
}

uint64_t engine_pvdinfo_next(const struct engine_conn_pvd *r)
{
	return r->info_state == INFO_PENDING || r->info_state == INFO_FETCHING ||
	       r->info_state == INFO_OK ? r->info_at : UINT64_MAX;
}

/* Section 4.4: the object is used only if it names this PvD, is not
 * expired, and covers every prefix the PvD's RAs gave. */
static const char *pi_check(const struct pvd *p, const struct pvdinfo *i, int64_t wall)
{
	const struct pvd_prefix *x;

	if (!dname_equal(i->identifier, p->id))
		return "its identifier is not the PvD's";
	if (i->expires <= wall)
		return "it has expired";
	TAILQ_FOREACH(x, &p->prefixes, e)
		if (x->source == PVD_SRC_RA && !IN6_IS_ADDR_V4MAPPED(&x->prefix) &&
		    !pvdinfo_covers(i, &x->prefix, x->plen))
			return "its prefixes do not cover the PvD's";
	return NULL;
}

static void pi_fail(struct engine_conn_pvd *r, const struct pvd *p, const char *what)
{
	r->info_state = INFO_FAILED;
	snprintf(r->info_err, sizeof(r->info_err), "%s", what);
	log_warn("pvd-info: %s: not used: %s", p->id, what);
}

/* Use it: the zones as domains until it expires; noInternet at once. */
static void pi_apply(struct engine *e, struct pvd *p, struct engine_conn_pvd *r,
		     int64_t wall, uint64_t now)
{
	const struct pvd_router *rt = TAILQ_FIRST(&p->routers);
	const struct pvd_prefix *x = TAILQ_FIRST(&p->prefixes);
	int ifindex = rt ? rt->ifindex : x ? x->ifindex : p->bound_ifindex;
	uint64_t left = (uint64_t)(r->info.expires - wall);
	uint32_t life = left > UINT32_MAX - 1 ? UINT32_MAX - 1 : (uint32_t)left;

	pvd_drop_source_in(p, PVD_SRC_PVDINFO, 0);
	for (unsigned i = 0; i < r->info.n_zones && i < PVDINFO_MAX_ZONES; i++)
		if (pvd_add_domain(p, PVD_SRC_PVDINFO, ifindex, r->info.zones[i], life,
				   now + left * NS) < 0)
			log_err("pvd-info: out of memory adding %s's zones", p->id);
	r->info_state = INFO_OK;
	r->info_err[0] = '\0';
	/* Section 4.1: fetch again at a random time in the second half of
	 * the object's life. */
	r->info_at = now + left * NS / 2 + (left ? ((uint64_t)rand_u32() * NS) % (left * NS / 2 + 1)
					  : 0);
	if (r->info.no_internet)
		engine_conn_set_state(e, p, r, CONN_NO_INTERNET,
				      "its RFC 8801 additional information says noInternet");
	log_info("pvd-info: %s: %u zones, %s, expires in %llu s", p->id, r->info.n_zones,
		 r->info.no_internet ? "no Internet" : "Internet", (unsigned long long)left);
}

void engine_pvdinfo_result(struct engine *e, const struct ipc_msg *m)
{
	static struct msg_pvdinfo_result res;      /* 2.5 KB: off the stack */
	struct engine_conn_pvd *r;
	struct pvd *p;
	const char *bad;
	char what[128];
	int64_t wall = (int64_t)time(NULL);

	if (ipc_expect(m, sizeof(res)) < 0) {
		e->conn.bad++;
		return;
	}
	memcpy(&res, m->data, sizeof(res));
	r = engine_conn_find(e, res.handle);
	p = pvd_find_handle(&e->store, res.handle);
	if (!r || !p || r->info_state != INFO_FETCHING || r->info_token != res.token)
		return;
	if (res.err == -EBADMSG)
		snprintf(what, sizeof(what), "malformed JSON: %s",
			 pvdinfo_error_name((enum pvdinfo_error)res.detail));
	else if (res.err == -EPROTO && res.detail)
		snprintf(what, sizeof(what), "HTTP status %u", res.detail);
	else if (res.err == -ELOOP)
		snprintf(what, sizeof(what), "too many redirects (HTTP status %u)", res.detail);
	else if (res.err == -EPERM && res.detail)
		snprintf(what, sizeof(what), "redirected to a URL that is not https (HTTP status %u)",
			 res.detail);
	else if (res.err == -EMEDIUMTYPE)
		snprintf(what, sizeof(what), "not application/pvd+json");
	else if (res.err)
		snprintf(what, sizeof(what), "%s", strerror(-res.err));
	if (res.err) {
		pi_fail(r, p, what);
		engine_sync_dirty(e);    /* what the object said (its policy) ends */
		return;
	}
	res.info.identifier[sizeof(res.info.identifier) - 1] = '\0';
	for (unsigned i = 0; i < PVDINFO_MAX_ZONES; i++)
		res.info.zones[i][sizeof(res.info.zones[i]) - 1] = '\0';
	if (res.info.n_zones > PVDINFO_MAX_ZONES || res.info.n_prefixes > PVDINFO_MAX_PREFIXES) {
		pi_fail(r, p, "malformed result");
		engine_sync_dirty(e);
		return;
	}
	if ((bad = pi_check(p, &res.info, wall))) {
		pi_fail(r, p, bad);
		engine_sync_dirty(e);
		return;
	}
	r->info = res.info;
	pi_apply(e, p, r, wall, log_now_ns());
	engine_sync_dirty(e);
}

json_t *engine_pvdinfo_json(const struct engine_conn_pvd *r)
{
	static const char *const names[] = { "none", "pending", "fetching", "ok", "failed" };
	json_t *o = json_pack("{s:s}", "state", names[r->info_state]), *z, *pf;
	char buf[ADDR_PREFIX_STRLEN];

	if (r->info_seq_known)
		json_object_set_new(o, "sequence", json_integer(r->info_seq));
	if (r->info_state == INFO_FAILED)
		json_object_set_new(o, "error", json_string(r->info_err));
	if (r->info_state != INFO_OK)
		return o;
	z = json_array();
	pf = json_array();
	for (unsigned i = 0; i < r->info.n_zones; i++)
		json_array_append_new(z, json_string(r->info.zones[i]));
	for (unsigned i = 0; i < r->info.n_prefixes; i++) {
		addr_prefix_format(&r->info.prefixes[i], r->info.plens[i], buf, sizeof(buf));
		json_array_append_new(pf, json_string(buf));
	}
	json_object_set_new(o, "identifier", json_string(r->info.identifier));
	json_object_set_new(o, "expires", json_integer(r->info.expires));
	json_object_set_new(o, "prefixes", pf);
	json_object_set_new(o, "dns_zones", z);
	json_object_set_new(o, "no_internet", json_boolean(r->info.no_internet));
	if (r->info.policy.present && pvdpol_check(&r->info.policy)) {
		json_t *ref = json_array();

		for (unsigned i = 0; i < r->info.policy.n_refused; i++)
			json_array_append_new(ref, json_string(r->info.policy.refused[i]));
		/* What it says is in mifctl policy show (engine_policy_net.c). */
		json_object_set_new(o, "policy", json_pack("{s:i,s:o,s:i}", "rules",
				    (int)r->info.policy.n_rules, "refused", ref, "refused_total",
				    (int)r->info.policy.n_refused_total));
	}
	return o;
}
