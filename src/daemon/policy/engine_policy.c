/* SPDX-License-Identifier: MIT */
/*
 * The engine's side of the policy (doc/policy.md): the compiled set in
 * force, replaced whole when the parent's files all parse (a bad file
 * leaves the previous policy in force and names itself with its line),
 * the PvDs as a decision sees them, the order the routing plan takes its
 * default from, and the control requests policy.explain, policy.show and
 * policy.reload.
 */
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "daemon/connectivity/engine_conn.h"
#include "daemon/connectivity/quality.h"
#include "daemon/engine/engine_priv.h"
#include "daemon/policy/engine_policy.h"
#include "daemon/policy/policy_json.h"
#include "daemon/policy/policy_priv.h"
#include "daemon/routing/engine_steer.h"
#include "proto/ctlmsg.h"

/* A PvD's facts (type, metered, cost, bandwidth) as the set in force gave
 * them for its interface: matching interface globs costs about 0.5 us a
 * PvD, and every sync asks for every PvD. */
#define EP_FACTS 1024

struct ep_fact {
	uint64_t handle, gen;
	char ifname[IFNAMSIZ];
	uint16_t ltype;
	uint8_t type;
	bool metered, hint;
	int32_t cost;
	uint32_t bw;
};

struct engine_policy {
	struct policy_set set;       /* in force */
	json_t *errors;              /* of the last load: ["file:line: what"] */
	json_t *texts;               /* [{"name", "text"}] of a load in progress */
	json_t *files;               /* the same, of the files in force */
	uint8_t prec[POLICY_N_ACTORS];   /* of the files in force */
	/* What networks said of themselves (engine_policy_net.c), in the set:
	 * [{"pvd", "text", "refused", "rules", "refused_total"}], and the
	 * fingerprint of the PvDs' policies it was made from. */
	json_t *net;
	uint64_t net_fp;
	struct chan_text text;
	char dir[256];
	uint64_t loads, rejected, loaded_ns;
	uint32_t next_seq;
	uint32_t wait_seq, wait_token;   /* a reload waiting for its files */
	uint64_t wait_ns;            /* since when: a lost answer frees it after 10 s */
	bool waiting;
	/* The decision for any flow, for the routing plan (engine_policy_route). */
	size_t n;
	uint64_t handle[POLICY_MAX_PVDS];
	int rank[POLICY_MAX_PVDS];
	char why[POLICY_MAX_PVDS][160];
	/* PvDs as decisions see them (ep_pvds). */
	struct policy_pvd pv[POLICY_MAX_PVDS];
	uint64_t pv_handle[POLICY_MAX_PVDS];
	char pv_if[POLICY_MAX_PVDS][IFNAMSIZ];
	uint64_t gen;                /* of the set in force, from 1 */
	/* The destinations the kernel enforces (ep_dests, route_dest.c). */
	struct route_dest dests[ROUTE_MAX_DESTS];
	char dest_rule[ROUTE_MAX_DESTS][96];
	size_t n_dests, n_dests_wanted;
	/* What the decisions were at the last sync (ep_changed): a hash, and
	 * the order for any flow, for the policy-changed event. */
	uint64_t fp;
	bool fp_known;
	uint64_t prev[POLICY_MAX_PVDS];
	size_t n_prev;
	struct ep_fact facts[EP_FACTS];   /* by handle % EP_FACTS */
	uint64_t sels_hash;          /* of the last MSG_STEER_SELS sent (ep_sels) */
	bool sels_sent;
};

static void ep_net_sync(struct engine *e, struct engine_policy *ep);

static struct engine_policy *ep_get(struct engine *e)
{
	struct engine_policy *ep = e->policy;
	char err[POLICY_ERR_MAX];

	if (ep)
		return ep;
	ep = calloc(1, sizeof(*ep));
	if (!ep)
		return NULL;
	/* Until the parent's files come: the built-in OS default. */
	policy_set_init(&ep->set);
	if (policy_set_finish(&ep->set, err, sizeof(err)) < 0)
		log_err("policy: the built-in default does not load: %s", err);
	ep->errors = json_array();
	ep->texts = json_array();
	ep->files = json_array();
	ep->net = json_array();
	ep->net_fp = engine_policy_net_fp_none();
	memcpy(ep->prec, ep->set.prec, sizeof(ep->prec));
	ep->gen = 1;
	e->policy = ep;
	return ep;
}

void engine_policy_free(struct engine *e)
{
	struct engine_policy *ep = e->policy;

	if (!ep)
		return;
	policy_set_free(&ep->set);
	json_decref(ep->errors);
	json_decref(ep->texts);
	json_decref(ep->files);
	json_decref(ep->net);
	chan_text_free(&ep->text);
	free(ep);
	e->policy = NULL;
}

/* The interface a PvD is on: its first router's, else the one configured. */
static int ep_ifindex(const struct pvd *p)
{
	const struct pvd_router *r = TAILQ_FIRST(&p->routers);

	if (r)
		return r->ifindex;
	return p->bound_ifindex ? p->bound_ifindex : p->key_ifindex;
}

static void ep_facts(struct engine_policy *ep, const struct pvd *p, const struct view_link *l,
		     struct policy_pvd *x)
{
	struct ep_fact *f = &ep->facts[p->handle % EP_FACTS];
	uint16_t ltype = l ? l->link.type : 0;

	if (f->handle != p->handle || f->gen != ep->gen || f->ltype != ltype ||
	    f->hint != x->metered_hint || strcmp(f->ifname, x->ifname) != 0) {
		policy_pvd_attrs(&ep->set, p->id, x->ifname, x);
		/* No section names it: a link without a link layer (tun, PPP)
		 * is a VPN, anything else wired (route_class_of's rule). */
		if (!x->type)
			x->type = ltype == ARPHRD_NONE || ltype == ARPHRD_PPP ? POLICY_VPN :
				  POLICY_WIRED;
		*f = (struct ep_fact){ .handle = p->handle, .gen = ep->gen, .ltype = ltype,
				       .type = x->type, .metered = x->metered,
				       .hint = x->metered_hint, .cost = x->cost,
				       .bw = x->bw_kbps };
		snprintf(f->ifname, sizeof(f->ifname), "%s", x->ifname);
	}
	x->type = f->type;
	x->metered = f->metered;
	x->cost = f->cost;
	x->bw_kbps = f->bw;
}

/* Every PvD of the store as a decision sees it, in handle (age) order. */
static size_t ep_pvds(struct engine *e, struct engine_policy *ep)
{
	const struct pvd *p;
	size_t n = 0;

	TAILQ_FOREACH(p, &e->store.pvds, e) {
		struct policy_pvd *x = &ep->pv[n];
		const struct view_link *l = view_link(&e->view, ep_ifindex(p));
		struct engine_conn_pvd *c = engine_conn_find(e, p->handle);

		if (n == POLICY_MAX_PVDS)
			break;
		memset(x, 0, sizeof(*x));
		snprintf(ep->pv_if[n], IFNAMSIZ, "%s", l ? l->link.name : "");
		x->id = p->id;
		x->ifname = ep->pv_if[n];
		x->trusted = pvd_trusted(p);
		x->metered_hint = pvd_metered_hint(p);   /* this PvD's network only */
		ep_facts(ep, p, l, x);
		if (c && c->q.n_window >= QUALITY_MIN_SAMPLES) {
			x->quality_known = true;
			x->rtt_ms = c->q.srtt_us / 1000;
			x->loss_pm = quality_loss_pm(&c->q);
		}
		ep->pv_handle[n++] = p->handle;
	}
	return n;
}

static void ep_rank_why(const struct engine_policy *ep, const struct policy_result *r,
			size_t i, char *buf, size_t len)
{
	const struct policy_pvd *x = &ep->pv[r->order[i]];
	int32_t by = r->decided_by;

	if (by >= 0)
		snprintf(buf, len, "%s interface %s, rank %u by %s rule %s (%s:%u)",
			 policy_type_name(x->type), x->ifname, r->rank[i],
			 policy_actor_name(ep->set.rules[by].actor), ep->set.rules[by].name,
			 ep->set.files[ep->set.rules[by].file].name, ep->set.rules[by].line);
	else
		snprintf(buf, len, "%s interface %s, rank %u (no rule tells the PvDs apart)",
			 policy_type_name(x->type), x->ifname, r->rank[i]);
}

static int ep_route_rank(void *ctx, const struct pvd *p, const char **why)
{
	struct engine_policy *ep = ctx;

	for (size_t i = 0; i < ep->n; i++)
		if (ep->handle[i] == p->handle) {
			*why = ep->why[i];
			return ep->rank[i];
		}
	*why = "not permitted for any flow by the policy";
	return -1;
}

/* A rule the kernel can enforce for every program: a destination and no
 * selector a routing rule cannot see (program, user, cgroup, port...). */
static bool ep_dest_rule(const struct policy_rule *r)
{
	return policy_rule_kernel(r) == POLICY_K_DST;
}

static int ep_dest_cmp(const void *a, const void *b)
{
	const struct route_dest *x = a, *y = b;

	return x->plen != y->plen ? (int)y->plen - (int)x->plen :
	       memcmp(&x->prefix, &y->prefix, sizeof(x->prefix));
}

/* The policy's destination prefixes, each with the decision for traffic
 * to it from any program (route_dest.c turns them into rules). The first
 * ROUTE_MAX_DESTS distinct prefixes, longest first; the others are counted
 * and shown (policy show), not enforced. */
static void ep_dests(struct engine_policy *ep, size_t n, struct policy_result *r)
{
	ep->n_dests = ep->n_dests_wanted = 0;
	for (size_t i = 0; i < ep->set.n_rules; i++) {
		const struct policy_rule *pr = &ep->set.rules[i];

		for (size_t j = 0; ep_dest_rule(pr) && j < pr->n_dst; j++) {
			struct policy_flow f = { .has_dst = true, .dst = pr->dst[j].a, .dscp = -1 };
			struct route_dest *d = &ep->dests[ep->n_dests];
			bool dup = false;

			for (size_t k = 0; k < ep->n_dests && !dup; k++)
				dup = ep->dests[k].plen == pr->dst[j].plen &&
				      IN6_ARE_ADDR_EQUAL(&ep->dests[k].prefix, &pr->dst[j].a);
			if (dup)
				continue;
			ep->n_dests_wanted++;
			if (ep->n_dests == ROUTE_MAX_DESTS)
				continue;
			policy_decide(&ep->set, &f, ep->pv, n, r);
			d->prefix = pr->dst[j].a;
			d->plen = pr->dst[j].plen;
			d->handle = r->n ? ep->pv_handle[r->order[0]] : 0;
			d->strict = r->n < n;
			snprintf(ep->dest_rule[ep->n_dests], sizeof(ep->dest_rule[0]), "%s rule %s",
				 policy_actor_name(pr->actor), pr->name);
			ep->n_dests++;
		}
	}
	/* Longest first; the names follow their prefixes. */
	for (size_t a = 1; a < ep->n_dests; a++)
		for (size_t b = a; b > 0 && ep_dest_cmp(&ep->dests[b - 1], &ep->dests[b]) > 0; b--) {
			struct route_dest t = ep->dests[b];
			char name[96];

			ep->dests[b] = ep->dests[b - 1];
			ep->dests[b - 1] = t;
			memcpy(name, ep->dest_rule[b], sizeof(name));
			memcpy(ep->dest_rule[b], ep->dest_rule[b - 1], sizeof(name));
			memcpy(ep->dest_rule[b - 1], name, sizeof(name));
		}
}

/* A rule nftables can enforce for every program by its cgroup (cgroup
 * steering, doc/steering.md): a cgroup and no other selector. */
static bool ep_cgroup_rule(const struct policy_rule *r)
{
	return policy_rule_kernel(r) == POLICY_K_CGROUP;
}

/* The policy's cgroup rules, each with the decision for a flow from that
 * cgroup: the first permitted PvD steers it. A decision with no PvD steers
 * nothing (nftables can only set a mark). Paths as in /proc/PID/cgroup
 * ("/a/b") or under /sys/fs/cgroup. */
/* Several actors' rules may name one cgroup (an operator's constraint, a
 * user's preference): one decision covers them all, one entry is sent. */
static bool ep_cg_listed(const struct engine_steer_cg *list, size_t k, const char *path)
{
	for (size_t i = 0; i < k; i++)
		if (!strcmp(list[i].path, path))
			return true;
	return false;
}

/* FNV-1a, to tell whether the decisions changed. */
static uint64_t ep_hash(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ c[i]) * 1099511628211ull;
	return h;
}

static uint64_t ep_cgroups(struct engine *e, struct engine_policy *ep, size_t n,
			   struct policy_result *r)
{
	struct engine_steer_cg list[MSG_STEER_CGROUPS_MAX];
	size_t k = 0;
	uint64_t h = 14695981039346656037ull;

	memset(list, 0, sizeof(list));
	for (size_t i = 0; i < ep->set.n_rules && k < MSG_STEER_CGROUPS_MAX; i++) {
		const struct policy_rule *pr = &ep->set.rules[i];
		struct policy_flow f = { .dscp = -1 };
		const char *path;

		if (!ep_cgroup_rule(pr))
			continue;
		f.cgroup = pr->cgroup;
		policy_decide(&ep->set, &f, ep->pv, n, r);
		if (!r->n)
			continue;
		path = pr->cgroup;
		if (!strncmp(path, "/sys/fs/cgroup/", 15))
			path += 15;
		while (*path == '/')
			path++;
		if (!*path || strlen(path) >= sizeof(list[k].path) || ep_cg_listed(list, k, path))
			continue;
		memset(&list[k], 0, sizeof(list[k]));
		snprintf(list[k].path, sizeof(list[k].path), "%s", path);
		list[k++].handle = ep->pv_handle[r->order[0]];
	}
	/* -ENOMEM only; what could not be steered is in mifctl steer show */
	(void)engine_steer_set_policy_cgroups(e, list, k);
	for (size_t i = 0; i < k; i++)
		h = ep_hash(h, &list[i], sizeof(list[i]));
	return h;
}

/* The policy's uid, protocol, port and DSCP rules (POLICY_K_SEL), each
 * with the decision for a flow of its own selector (the port range's first
 * port): nftables sets the first permitted PvD's mark on such flows of
 * every program (kern_nft_rules.c). More specific rules first, then file
 * order; a decision with no PvD steers nothing. Sent when it changed. */
static uint64_t ep_sels(struct engine *e, struct engine_policy *ep, size_t n,
			struct policy_result *r)
{
	struct msg_steer_sels m;
	uint64_t h = 14695981039346656037ull;

	memset(&m, 0, sizeof(m));
	for (unsigned spec = 4; spec >= 1; spec--)
		for (size_t i = 0; i < ep->set.n_rules && m.n < MSG_STEER_SELS_MAX; i++) {
			const struct policy_rule *pr = &ep->set.rules[i];
			struct policy_flow f = { .has_uid = pr->has_uid, .uid = pr->uid,
						 .proto = pr->proto, .port = pr->port_lo,
						 .dscp = pr->dscp };
			struct msg_steer_sel *x = &m.e[m.n];

			if (policy_rule_kernel(pr) != POLICY_K_SEL ||
			    pr->has_uid + !!pr->proto + !!(pr->port_lo | pr->port_hi) +
			    (pr->dscp >= 0) != (int)spec)
				continue;
			policy_decide(&ep->set, &f, ep->pv, n, r);
			if (!r->n)
				continue;
			x->handle = ep->pv_handle[r->order[0]];
			x->has_uid = pr->has_uid;
			x->uid = pr->uid;
			x->proto = pr->proto;
			x->port_lo = pr->port_lo;
			x->port_hi = pr->port_hi;
			x->dscp = pr->dscp;
			m.n++;
		}
	h = ep_hash(h, &m, sizeof(m));
	if (!ep->sels_sent || h != ep->sels_hash) {
		if (engine_send(e, MSG_STEER_SELS, &m, sizeof(m)) == 0) {
			ep->sels_sent = true;
			ep->sels_hash = h;
		}
	}
	return h;
}

static json_t *ep_order_json(struct engine *e, const uint64_t *h, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++) {
		const struct pvd *p = pvd_find_handle(&e->store, h[i]);

		json_array_append_new(a, json_pack("{s:I,s:s?}", "handle", (json_int_t)h[i],
						   "id", p ? p->id : NULL));
	}
	return a;
}

/* Applications subscribed to "policy-changed" learn when what the policy
 * decides changes: the order for any flow, or the PvD of a destination or
 * of a cgroup the kernel enforces (a PvD came or went, its facts changed,
 * such as the network's metered hint, a reload). Not on every sync: only
 * when the decisions differ from the last ones. */
static void ep_changed(struct engine *e, struct engine_policy *ep, uint64_t cg_hash)
{
	uint64_t fp = ep_hash(cg_hash, ep->handle, ep->n * sizeof(ep->handle[0]));

	fp = ep_hash(fp, ep->dests, ep->n_dests * sizeof(ep->dests[0]));
	if (ep->fp_known && fp != ep->fp)
		engine_emit(e, ENGINE_POLICY_CHANGED, json_pack("{s:o,s:o,s:I}",
			    "order", ep_order_json(e, ep->handle, ep->n),
			    "previous", ep_order_json(e, ep->prev, ep->n_prev),
			    "generation", (json_int_t)ep->gen));
	ep->fp = fp;
	ep->fp_known = true;
	memcpy(ep->prev, ep->handle, ep->n * sizeof(ep->handle[0]));
	ep->n_prev = ep->n;
}

void engine_policy_route(struct engine *e)
{
	static struct policy_result r;
	struct engine_policy *ep = ep_get(e);
	struct policy_flow any = { .dscp = -1 };
	size_t n;
	uint64_t cg;

	if (!ep)
		return;
	ep_net_sync(e, ep);
	n = ep_pvds(e, ep);
	ep_dests(ep, n, &r);
	cg = ep_cgroups(e, ep, n, &r);
	cg = ep_hash(cg, &(uint64_t){ ep_sels(e, ep, n, &r) }, sizeof(uint64_t));
	e->rt.cfg.dests = ep->dests;
	e->rt.cfg.n_dests = ep->n_dests;
	policy_decide(&ep->set, &any, ep->pv, n, &r);
	ep->n = r.n;
	for (size_t i = 0; i < r.n; i++) {
		ep->handle[i] = ep->pv_handle[r.order[i]];
		ep->rank[i] = r.rank[i];
		ep_rank_why(ep, &r, i, ep->why[i], sizeof(ep->why[i]));
	}
	e->rt.cfg.policy_rank = ep_route_rank;
	e->rt.cfg.policy_ctx = ep;
	ep_changed(e, ep, cg);
}

static bool ep_names_pvd(const struct policy_rule *r)
{
	for (unsigned k = POLICY_REQUIRED; k <= POLICY_PREFERRED; k++)
		for (size_t i = 0; i < r->n_t[k]; i++)
			if (r->t[k][i].pvd)
				return true;
	return false;
}

void engine_policy_flow_rules(struct engine *e,
			      void (*cb)(void *arg, const struct policy_rule *r,
					 const char *const *ids, size_t n),
			      void *arg)
{
	struct engine_policy *ep = e->policy;   /* none loaded: no rule */
	static struct policy_result r;
	const char *ids[POLICY_MAX_PVDS];
	size_t n;

	if (!ep)
		return;
	n = ep_pvds(e, ep);
	for (size_t i = 0; i < ep->set.n_rules; i++) {
		const struct policy_rule *pr = &ep->set.rules[i];
		struct policy_flow f = { .proto = pr->proto, .port = pr->port_lo, .dscp = pr->dscp };

		if (pr->exe || pr->cgroup || pr->has_uid || pr->n_domain || pr->n_dst > 1 ||
		    (!pr->n_dst && !pr->proto && !pr->port_lo && pr->dscp < 0) || !ep_names_pvd(pr))
			continue;
		f.has_dst = pr->n_dst == 1;
		if (f.has_dst)
			f.dst = pr->dst[0].a;
		policy_decide(&ep->set, &f, ep->pv, n, &r);
		for (size_t k = 0; k < r.n; k++)
			ids[k] = ep->pv[r.order[k]].id;
		cb(arg, pr, ids, r.n);
	}
}

/* One file of the policy directory (MSG_POLICY_FILE). */
void engine_policy_msg(struct engine *e, const struct ipc_msg *m)
{
	struct engine_policy *ep = ep_get(e);
	struct msg_pvd_file f;
	int r;

	if (!ep)
		return;
	r = chan_text_add(&ep->text, m, sizeof(f));
	if (r < 0)
		e->ctr.ipc_errors++;
	if (r != 1)
		return;
	memcpy(&f, m->data, sizeof(f));
	if (!memchr(f.name, '\0', sizeof(f.name)) || json_array_size(ep->texts) >= POLICY_MAX_FILES) {
		e->ctr.ipc_errors++;
		return;
	}
	json_array_append_new(ep->texts, engine_file_entry(f.name, ep->text.buf, ep->text.len,
							   f.error));
}

static bool ep_prec_ok(const uint8_t prec[4])
{
	unsigned seen = 0;

	for (int i = 0; i < POLICY_N_ACTORS; i++) {
		if (prec[i] >= POLICY_N_ACTORS || (seen & 1u << prec[i]))
			return false;
		seen |= 1u << prec[i];
	}
	return true;
}

/* A new set from files (the local ones) and net (the networks'); 0, or
 * -EINVAL with every error of the local files in errors. */
static int ep_build(struct engine_policy *ep, json_t *files, const uint8_t *prec, json_t *net,
		    struct policy_set *next, json_t *errors)
{
	char err[POLICY_ERR_MAX + 600];
	json_t *f;
	size_t i;

	policy_set_init(next);
	memcpy(next->prec, prec, POLICY_N_ACTORS);
	json_array_foreach(files, i, f) {
		char path[600];

		const char *bad = json_string_value(json_object_get(f, "error"));

		snprintf(path, sizeof(path), "%s/%s", ep->dir,
			 json_string_value(json_object_get(f, "name")));
		if (bad)
			snprintf(err, sizeof(err), "%s: %s", path, bad);
		if (bad || policy_set_add_text(next, path,
					       json_string_value(json_object_get(f, "text")),
					       err, sizeof(err)) < 0)
			json_array_append_new(errors, engine_json_text(err));
	}
	if (!json_array_size(errors))
		engine_policy_net_add(next, net);
	if (!json_array_size(errors) && policy_set_finish(next, err, sizeof(err)) < 0)
		json_array_append_new(errors, engine_json_text(err));
	if (json_array_size(errors)) {
		policy_set_free(next);
		return -EINVAL;
	}
	return 0;
}

static void ep_replace(struct engine_policy *ep, struct policy_set *next)
{
	policy_set_free(&ep->set);
	ep->set = *next;
	ep->gen++;
}

/* Parse every file into a new set; in force only if all of them parse. */
static int ep_load(struct engine_policy *ep, const uint8_t prec[3])
{
	struct policy_set next;
	json_t *errors = json_array(), *f;
	size_t i;

	ep_build(ep, ep->texts, prec, ep->net, &next, errors);
	json_decref(ep->errors);
	ep->errors = errors;
	if (json_array_size(errors)) {
		json_array_clear(ep->texts);
		json_array_foreach(errors, i, f)
			log_err("policy: %s", json_string_value(f));
		log_err("policy: %zu error(s): the previous policy stays in force",
			json_array_size(errors));
		ep->rejected++;
		return -EINVAL;
	}
	json_decref(ep->files);
	ep->files = ep->texts;
	ep->texts = json_array();
	memcpy(ep->prec, prec, sizeof(ep->prec));
	ep_replace(ep, &next);
	ep->loads++;
	ep->loaded_ns = log_now_ns();
	log_info("policy: %zu file(s), %zu rule(s) from %s%s", ep->set.n_files, ep->set.n_rules,
		 ep->dir, ep->set.builtin ? " (and the built-in system default)" : "");
	return 0;
}

/* What networks say of themselves changed (a PvD's information came,
 * changed, expired, or the PvD left): the set again, from the files in
 * force and the networks' texts. What a network may not say is logged
 * once, when it first says it, and listed by policy show and explain. */
static void ep_net_sync(struct engine *e, struct engine_policy *ep)
{
	uint64_t fp = engine_policy_net_fp(e);
	struct policy_set next;
	json_t *net, *errors;

	if (fp == ep->net_fp)
		return;
	net = engine_policy_net_texts(e);
	errors = json_array();
	if (ep_build(ep, ep->files, ep->prec, net, &next, errors) < 0) {
		/* The files in force parsed before: only memory can fail here. */
		log_err("policy: cannot take the networks' policy in: %s",
			json_string_value(json_array_get(errors, 0)));
		json_decref(errors);
		json_decref(net);
		return;
	}
	json_decref(errors);
	engine_policy_net_log(ep->net, net);
	json_decref(ep->net);
	ep->net = net;
	ep->net_fp = fp;
	ep_replace(ep, &next);
}

/* What the kernel enforces now: [{"prefix", "pvd", "strict", "rule"}]. */
static json_t *ep_dests_json(const struct engine *e, const struct engine_policy *ep)
{
	json_t *a = json_array();
	char buf[INET6_ADDRSTRLEN], pfx[INET6_ADDRSTRLEN + 8];

	for (size_t i = 0; i < ep->n_dests; i++) {
		const struct route_dest *d = &ep->dests[i];
		const struct pvd *p = d->handle ? pvd_find_handle(&e->store, d->handle) : NULL;
		const char *id = p ? p->id : NULL;

		addr_ntop(&d->prefix, buf, sizeof(buf));
		snprintf(pfx, sizeof(pfx), "%s/%u", buf,
			 IN6_IS_ADDR_V4MAPPED(&d->prefix) ? d->plen - 96u : d->plen);
		json_array_append_new(a, json_pack("{s:s, s:s?, s:b, s:s}", "prefix", pfx,
						   "pvd", id, "strict", d->strict,
						   "rule", ep->dest_rule[i]));
	}
	return a;
}

static json_t *ep_show(const struct engine *e, struct engine_policy *ep)
{
	json_t *o = policy_set_json(&ep->set);

	json_object_set_new(o, "dir", json_string(ep->dir));
	json_object_set(o, "errors", ep->errors);
	json_object_set_new(o, "loads", json_integer((json_int_t)ep->loads));
	json_object_set_new(o, "rejected", json_integer((json_int_t)ep->rejected));
	json_object_set_new(o, "destinations", ep_dests_json(e, ep));
	json_object_set_new(o, "destinations_not_enforced",
			    json_integer((json_int_t)(ep->n_dests_wanted - ep->n_dests)));
	json_object_set(o, "network", ep->net);
	json_object_set_new(o, "network_refused", engine_policy_net_refused(ep->net));
	return o;
}

/* MSG_POLICY_FILES_END: every file came; load them, answer a reload. */
void engine_policy_end(struct engine *e, const struct ipc_msg *m)
{
	struct engine_policy *ep = ep_get(e);
	const struct msg_policy_files_end *end = (const void *)m->data;
	int r;

	if (!ep)
		return;
	if (ipc_expect(m, sizeof(*end)) < 0 || !memchr(end->files.dir, '\0', sizeof(end->files.dir)) ||
	    !ep_prec_ok(end->prec)) {
		e->ctr.ipc_errors++;
		json_array_clear(ep->texts);
		return;
	}
	snprintf(ep->dir, sizeof(ep->dir), "%s", end->files.dir);
	if (end->files.error < 0 && end->files.error != -ENOENT)
		log_warn("policy: cannot read %s: %s", end->files.dir, strerror(-end->files.error));
	r = ep_load(ep, end->prec);
	if (ep->waiting && end->seq == ep->wait_seq) {
		char msg[POLICY_ERR_MAX + 80];

		ep->waiting = false;
		snprintf(msg, sizeof(msg), "the policy was not changed: %s",
			 json_array_size(ep->errors) ?
			 json_string_value(json_array_get(ep->errors, 0)) : "");
		engine_net_result(e, ep->wait_token, r, r == 0 ? ep_show(e, ep) : NULL, msg);
	}
	if (r == 0)
		engine_sync(e);
}

static int ep_flow(json_t *params, struct policy_flow *f, char *err, size_t errlen)
{
	const char *dst = json_string_value(json_object_get(params, "dst"));
	const char *proto = json_string_value(json_object_get(params, "proto"));
	char name[256];
	json_t *v;

	memset(f, 0, sizeof(*f));
	f->dscp = -1;
	f->exe = json_string_value(json_object_get(params, "exe"));
	f->cgroup = json_string_value(json_object_get(params, "cgroup"));
	if ((v = json_object_get(params, "uid"))) {
		if (json_integer_value(v) < 0 || json_integer_value(v) >= UINT32_MAX)
			return snprintf(err, errlen, "uid: from 0 to 4294967294"), -EINVAL;
		f->has_uid = true;
		f->uid = (uint32_t)json_integer_value(v);
	}
	if (!dst)
		return snprintf(err, errlen, "dst: required: an address or a domain name"), -EINVAL;
	if (addr_parse(dst, &f->dst) > 0)
		f->has_dst = true;
	else if (policy_name_norm(dst, name, sizeof(name)) == 0)
		f->name = dst;
	else
		return snprintf(err, errlen, "dst: \"%.80s\" is neither an address nor a domain name",
				dst), -EINVAL;
	if (proto && strcmp(proto, "tcp") && strcmp(proto, "udp"))
		return snprintf(err, errlen, "proto: tcp or udp"), -EINVAL;
	f->proto = proto ? (proto[0] == 't' ? 6 : 17) : 0;
	if ((v = json_object_get(params, "port"))) {
		if (json_integer_value(v) < 1 || json_integer_value(v) > 65535)
			return snprintf(err, errlen, "port: from 1 to 65535"), -EINVAL;
		f->port = (uint16_t)json_integer_value(v);
	}
	if ((v = json_object_get(params, "dscp"))) {
		if (json_integer_value(v) < 0 || json_integer_value(v) > 63)
			return snprintf(err, errlen, "dscp: from 0 to 63"), -EINVAL;
		f->dscp = (int16_t)json_integer_value(v);
	}
	return 0;
}

/* policy.explain, policy.show, policy.reload. */
void engine_policy_ctl(struct engine *e, uint32_t token, unsigned method, json_t *params)
{
	static struct policy_result r;
	struct engine_policy *ep = ep_get(e);
	struct policy_flow f;
	char err[200];
	json_t *out;
	size_t n;

	if (!ep) {
		engine_net_result(e, token, -ENOMEM, NULL, "out of memory");
		return;
	}
	if (method == CTL_POLICY_SHOW) {
		engine_net_result(e, token, 0, ep_show(e, ep), NULL);
		return;
	}
	if (method == CTL_POLICY_RELOAD) {
		uint32_t seq = ++ep->next_seq ? ep->next_seq : ++ep->next_seq;

		if (ep->waiting && log_now_ns() - ep->wait_ns < 10000000000ull) {
			engine_net_result(e, token, -EBUSY, NULL, "a reload is already under way");
			return;
		}
		if (engine_send(e, MSG_POLICY_RELOAD, &seq, sizeof(seq)) < 0) {
			engine_net_result(e, token, -EIO, NULL, "cannot ask the parent for the files");
			return;
		}
		ep->waiting = true;
		ep->wait_ns = log_now_ns();
		ep->wait_seq = seq;
		ep->wait_token = token;
		return;
	}
	if (ep_flow(params, &f, err, sizeof(err)) < 0) {
		engine_net_result(e, token, -EINVAL, NULL, err);
		return;
	}
	n = ep_pvds(e, ep);
	policy_decide(&ep->set, &f, ep->pv, n, &r);
	out = policy_explain_json(&ep->set, &f, ep->pv, n, &r);
	json_object_set_new(out, "network_refused", engine_policy_net_refused(ep->net));
	engine_net_result(e, token, 0, out, NULL);
}
