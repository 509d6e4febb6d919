/* SPDX-License-Identifier: MIT */
/*
 * Operator policy from the network (doc/policy.md, "Operator policy from
 * the network"; issue 14 item 1): the "vendor-mif" member of the RFC 8801
 * additional information of PvDs whose information validated
 * (engine_pvdinfo.c, state ok), written as one operator policy text per
 * PvD, in the vocabulary of the policy files, whose only target is that
 * PvD itself. engine_policy.c parses these texts after the local files
 * and marks their rules scoped (policy_decide.c, pd_scoped).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/addr.h"
#include "daemon/connectivity/engine_conn.h"
#include "daemon/engine/engine_priv.h"
#include "daemon/policy/engine_policy.h"

/* FNV-1a. */
static uint64_t epn_hash(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ c[i]) * 1099511628211ull;
	return h;
}

/* The PvD's network policy, if it may be used: its additional
 * information validated (section 4.4) and is in force. While a valid
 * object is fetched again (section 4.1: in the second half of its life,
 * state pending or fetching with the object kept), it stays; a new
 * sequence number clears the object at once (engine_pvdinfo.c, pi_drop),
 * a failed fetch ends it (state failed), and so does its expiry. */
static const struct pvdpol *epn_policy(struct engine *e, const struct pvd *p)
{
	struct engine_conn_pvd *r = engine_conn_find(e, p->handle);
	bool held;

	if (!r)
		return NULL;
	held = r->info_state == INFO_OK ||
	       ((r->info_state == INFO_PENDING || r->info_state == INFO_FETCHING) &&
		r->info.identifier[0] && r->info.expires > (int64_t)time(NULL));
	if (!held || !r->info.policy.present || !pvdpol_check(&r->info.policy))
		return NULL;
	return &r->info.policy;
}

#define EPN_FP0 14695981039346656037ull

uint64_t engine_policy_net_fp_none(void)
{
	return EPN_FP0;
}

uint64_t engine_policy_net_fp(struct engine *e)
{
	uint64_t h = EPN_FP0;
	const struct pvd *p;

	TAILQ_FOREACH(p, &e->store.pvds, e) {
		const struct pvdpol *pol = epn_policy(e, p);

		if (!pol)
			continue;
		h = epn_hash(h, p->id, strlen(p->id) + 1);
		h = epn_hash(h, pol, sizeof(*pol));
	}
	return h;
}

#define EPN_PUT(...)                                                                    \
	do {                                                                            \
		if (off < len)                                                          \
			off += (size_t)snprintf(buf + off, len - off, __VA_ARGS__);     \
	} while (0)

static size_t epn_rule(const char *id, const struct pvdpol_rule *r, char *buf, size_t len)
{
	static const char *const verbs[] = { "prefer", "avoid", "prohibit" };
	char pfx[ADDR_PREFIX_STRLEN];
	size_t off = 0;

	EPN_PUT("\n[rule %s]\n", r->name);
	if (r->n_dst) {
		EPN_PUT("dst =");
		for (unsigned k = 0; k < r->n_dst; k++) {
			addr_prefix_format(&r->dst[k], r->plen[k], pfx, sizeof(pfx));
			EPN_PUT(" %s", pfx);
		}
		EPN_PUT("\n");
	}
	if (r->n_domain) {
		EPN_PUT("domain =");
		for (unsigned k = 0; k < r->n_domain; k++)
			EPN_PUT(" %s", r->domain[k]);
		EPN_PUT("\n");
	}
	if (r->proto)
		EPN_PUT("proto = %s\n", r->proto == 6 ? "tcp" : "udp");
	if (r->port_lo == r->port_hi && r->port_lo)
		EPN_PUT("port = %u\n", r->port_lo);
	else if (r->port_lo)
		EPN_PUT("port = %u-%u\n", r->port_lo, r->port_hi);
	if (r->dscp >= 0)
		EPN_PUT("dscp = %d\n", r->dscp);
	for (unsigned v = 0; v < 3; v++)
		if (r->what & 1u << v)
			EPN_PUT("%s = pvd:%s\n", verbs[v], id);
	return off;
}

/* One PvD's text: [policy] actor = operator, its facts, its rules. */
static int epn_text(const char *id, const struct pvdpol *pol, char *buf, size_t len)
{
	size_t off = 0;

	EPN_PUT("[policy]\nactor = operator\n");
	if (pol->metered >= 0 || pol->cost >= 0) {
		EPN_PUT("\n[pvd %s]\n", id);
		if (pol->metered >= 0)
			EPN_PUT("metered = %s\n", pol->metered ? "yes" : "no");
		if (pol->cost >= 0)
			EPN_PUT("cost = %d\n", pol->cost);
	}
	for (unsigned i = 0; i < pol->n_rules && off < len; i++)
		off += epn_rule(id, &pol->rules[i], buf + off, len - off);
	return off < len ? 0 : -ENOSPC;
}

json_t *engine_policy_net_texts(struct engine *e)
{
	static char text[16384];
	json_t *a = json_array();
	const struct pvd *p;

	TAILQ_FOREACH(p, &e->store.pvds, e) {
		const struct pvdpol *pol = epn_policy(e, p);
		json_t *refused = json_array();

		if (!pol)
			continue;
		for (unsigned i = 0; i < pol->n_refused; i++)
			json_array_append_new(refused, json_string(pol->refused[i]));
		if (epn_text(p->id, pol, text, sizeof(text)) < 0) {
			json_array_append_new(refused, json_string("too long to be used"));
			text[0] = '\0';
		}
		json_array_append_new(a, json_pack("{s:s,s:s,s:o,s:i,s:I}", "pvd", p->id,
						   "text", text, "refused", refused,
						   "rules", (int)pol->n_rules, "refused_total",
						   (json_int_t)pol->n_refused_total));
	}
	return a;
}

/* The networks' texts into s, after the local files: one that does not
 * parse is left out, its error added to what was refused of it. */
void engine_policy_net_add(struct policy_set *s, json_t *net)
{
	char err[POLICY_ERR_MAX + 600], name[300];
	json_t *f;
	size_t i;

	json_array_foreach(net, i, f) {
		size_t before = s->n_rules;
		const char *text = json_string_value(json_object_get(f, "text"));

		if (!text || !*text)
			continue;
		snprintf(name, sizeof(name), "pvd-info:%s",
			 json_string_value(json_object_get(f, "pvd")));
		if (policy_set_add_text(s, name, text, err, sizeof(err)) < 0) {
			json_t *ref = json_object_get(f, "refused"), *x;
			size_t k;
			bool seen = false;

			/* Built again at every reload: the error once. */
			json_array_foreach(ref, k, x)
				seen |= !strcmp(json_string_value(x), err);
			if (!seen)
				json_array_append_new(ref, engine_json_text(err));
			continue;
		}
		for (size_t k = before; k < s->n_rules; k++)
			s->rules[k].scoped = true;
	}
}

/* Was this network's word already in force (then it was logged)? */
static bool epn_known(json_t *old, json_t *x)
{
	json_t *o;
	size_t i;

	json_array_foreach(old, i, o)
		if (json_equal(json_object_get(o, "pvd"), json_object_get(x, "pvd")) &&
		    json_equal(json_object_get(o, "text"), json_object_get(x, "text")) &&
		    json_equal(json_object_get(o, "refused"), json_object_get(x, "refused")))
			return true;
	return false;
}

/* What a network says is logged once: when it first says it (its text
 * and refusals not in old, the list in force before). */
void engine_policy_net_log(json_t *old, json_t *net)
{
	json_t *x, *w;
	size_t i, k;

	json_array_foreach(net, i, x) {
		if (epn_known(old, x))
			continue;
		log_info("policy: network %s: %d rule(s) of its own taken as operator policy",
			 json_string_value(json_object_get(x, "pvd")),
			 (int)json_integer_value(json_object_get(x, "rules")));
		json_array_foreach(json_object_get(x, "refused"), k, w)
			log_warn("policy: network %s: refused: %s",
				 json_string_value(json_object_get(x, "pvd")), json_string_value(w));
	}
}

/* [{"pvd", "what"}]: what networks said and may not, for show and explain. */
json_t *engine_policy_net_refused(json_t *net)
{
	json_t *a = json_array(), *x, *w;
	size_t i, k;

	json_array_foreach(net, i, x)
		json_array_foreach(json_object_get(x, "refused"), k, w)
			json_array_append_new(a, json_pack("{s:O,s:O}", "pvd",
							   json_object_get(x, "pvd"), "what", w));
	return a;
}
