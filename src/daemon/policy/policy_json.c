/* SPDX-License-Identifier: MIT */
/*
 * The explanation of a decision and the loaded policy as JSON, for
 * `mifctl policy explain` and `mifctl policy show` (pure: the engine adds
 * what only it knows, the load errors).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "common/addr.h"
#include "daemon/policy/policy.h"
#include "daemon/policy/policy_json.h"

static const char *const pj_roles[] = { "applied", "won", "preference (outranked)",
					"shadowed (a more specific rule of its actor spoke)",
					"dropped (contradicts a stronger constraint)",
					"preference (its choice excluded by a constraint)" };

/* "user rule browser (/etc/mif/policy.d/50-user.conf:12)" */
static json_t *pj_ref(const struct policy_set *s, uint32_t i)
{
	const struct policy_rule *r = &s->rules[i];

	return json_sprintf("%s rule %s (%s:%u)", policy_actor_name(r->actor), r->name,
			    s->files[r->file].name, r->line);
}

/* What the rule says: "prefer type:wifi type:wired; prohibit metered". */
static json_t *pj_says(const struct policy_rule *r)
{
	static const char *const verbs[POLICY_N_KINDS] = { "require", "prefer", "avoid",
							    "prohibit" };
	char buf[1024];
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned k = 0; k < POLICY_N_KINDS; k++) {
		if (!r->n_t[k])
			continue;
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s", off ? "; " : "",
					verbs[k]);
		for (size_t i = 0; i < r->n_t[k] && off < sizeof(buf); i++)
			off += (size_t)snprintf(buf + off, sizeof(buf) - off, " %s",
						r->t[k][i].text);
		if (off >= sizeof(buf))
			break;
	}
	return json_string(buf);
}

static json_t *pj_pvd(const struct policy_pvd *p)
{
	return json_pack("{s:s,s:s,s:s,s:b,s:b,s:b,s:I}", "pvd", p->id, "interface", p->ifname,
			 "type", policy_type_name(p->type), "metered", p->metered,
			 "metered_hint", p->metered_hint, "trusted", p->trusted, "cost",
			 (json_int_t)p->cost);
}

static json_t *pj_conflict(const struct policy_set *s, const struct policy_pvd *pvds,
			   const struct policy_conflict *c)
{
	const struct policy_rule *lo = &s->rules[c->loser], *hi = &s->rules[c->winner];
	char why[512];

	if (c->why == POLICY_WHY_HARD_VS_HARD)
		snprintf(why, sizeof(why), "%s rule %s would leave no PvD once %s rule %s "
			 "applied: the stronger constraint stands", policy_actor_name(lo->actor),
			 lo->name, policy_actor_name(hi->actor), hi->name);
	else if (c->why == POLICY_WHY_HARD_VS_SOFT)
		snprintf(why, sizeof(why), "%s rule %s prefers %s, which %s rule %s excludes: "
			 "a constraint beats any preference", policy_actor_name(lo->actor),
			 lo->name, pvds[c->pvd].id, policy_actor_name(hi->actor), hi->name);
	else
		snprintf(why, sizeof(why), "%s rule %s prefers %s; %s rule %s prefers another "
			 "and %s comes first in precedence", policy_actor_name(lo->actor),
			 lo->name, pvds[c->pvd].id, policy_actor_name(hi->actor), hi->name,
			 policy_actor_name(hi->actor));
	return json_pack("{s:o,s:o,s:o,s:s}", "loser", pj_ref(s, c->loser), "winner",
			 pj_ref(s, c->winner), "pvd", c->pvd >= 0 ? json_string(pvds[c->pvd].id) :
			 json_null(), "why", why);
}

static json_t *pj_flow(const struct policy_flow *f)
{
	json_t *o = json_object();
	char a[INET6_ADDRSTRLEN];

	if (f->exe)
		json_object_set_new(o, "exe", json_string(f->exe));
	if (f->has_uid)
		json_object_set_new(o, "uid", json_integer(f->uid));
	if (f->cgroup)
		json_object_set_new(o, "cgroup", json_string(f->cgroup));
	if (f->has_dst)
		json_object_set_new(o, "dst", json_string(addr_ntop(&f->dst, a, sizeof(a))));
	if (f->name)
		json_object_set_new(o, "name", json_string(f->name));
	if (f->proto)
		json_object_set_new(o, "proto", json_string(f->proto == 6 ? "tcp" : "udp"));
	if (f->port)
		json_object_set_new(o, "port", json_integer(f->port));
	if (f->dscp >= 0)
		json_object_set_new(o, "dscp", json_integer(f->dscp));
	return o;
}

static json_t *pj_why(const struct policy_set *s, const struct policy_pvd *pvds,
		      const struct policy_result *r)
{
	if (!r->n)
		return json_string(r->n_matched ? "no PvD is permitted: the constraints "
				   "that applied exclude every PvD" : "no PvD");
	if (r->decided_by < 0)
		return json_sprintf("%s comes first by the PvD list's order: no rule tells "
				    "the permitted PvDs apart", pvds[r->order[0]].id);
	if (r->n == 1)
		return json_sprintf("%s is the only PvD left once %s rule %s applied",
				    pvds[r->order[0]].id,
				    policy_actor_name(s->rules[r->decided_by].actor),
				    s->rules[r->decided_by].name);
	return json_sprintf("%s comes first because %s rule %s ranks it above %s",
			    pvds[r->order[0]].id, policy_actor_name(s->rules[r->decided_by].actor),
			    s->rules[r->decided_by].name, pvds[r->order[1]].id);
}

json_t *policy_explain_json(const struct policy_set *s, const struct policy_flow *f,
			    const struct policy_pvd *pvds, size_t n, const struct policy_result *r)
{
	json_t *perm = json_array(), *rem = json_array(), *m = json_array(), *c = json_array();

	for (size_t i = 0; i < r->n; i++) {
		json_t *p = pj_pvd(&pvds[r->order[i]]);

		json_object_set_new(p, "rank", json_integer(r->rank[i]));
		json_array_append_new(perm, p);
	}
	for (size_t i = 0; i < n && i < POLICY_MAX_PVDS; i++)
		if (r->removed_by[i] >= 0) {
			json_t *p = pj_pvd(&pvds[i]);

			json_object_set_new(p, "by", pj_ref(s, (uint32_t)r->removed_by[i]));
			json_array_append_new(rem, p);
		}
	for (size_t i = 0; i < r->n_matched; i++) {
		const struct policy_rule *x = &s->rules[r->matched[i]];
		char kern[320];

		policy_kernel_text(x, kern, sizeof(kern));
		json_array_append_new(m, json_pack("{s:s,s:s,s:s,s:i,s:o,s:s,s:s}", "rule", x->name,
						   "actor", policy_actor_name(x->actor), "file",
						   s->files[x->file].name, "line", (json_int_t)x->line,
						   "says", pj_says(x), "role", pj_roles[r->role[i]],
						   "kernel", kern));
	}
	for (size_t i = 0; i < r->n_conflicts; i++)
		json_array_append_new(c, pj_conflict(s, pvds, &r->conflicts[i]));
	return json_pack("{s:o,s:o,s:o,s:o,s:I,s:o,s:o,s:o}", "flow", pj_flow(f), "permitted",
			 perm, "excluded", rem, "matched", m, "matched_total",
			 (json_int_t)r->n_matched_total, "winner",
			 r->decided_by >= 0 ? pj_ref(s, (uint32_t)r->decided_by) : json_null(),
			 "why", pj_why(s, pvds, r), "conflicts", c);
}

json_t *policy_set_json(const struct policy_set *s)
{
	json_t *files = json_array(), *nets = json_array(), *prec = json_array();

	for (size_t i = 0; i < s->n_files; i++)
		json_array_append_new(files, json_pack("{s:s,s:s,s:I}", "file", s->files[i].name,
						       "actor",
						       policy_actor_name(s->files[i].actor),
						       "rules", (json_int_t)s->files[i].n_rules));
	for (size_t i = 0; i < s->n_nets; i++) {
		json_t *mem = json_array();

		for (size_t k = 0; k < s->nets[i].n_member; k++)
			json_array_append_new(mem, json_string(s->nets[i].member[k].text));
		json_array_append_new(nets, json_pack("{s:s,s:o}", "name", s->nets[i].name,
						      "members", mem));
	}
	for (unsigned a = 0; a < POLICY_N_ACTORS; a++)
		json_array_append_new(prec, json_string(policy_actor_name(s->prec[a])));
	return json_pack("{s:o,s:I,s:o,s:o,s:b}", "files", files, "rules",
			 (json_int_t)s->n_rules, "networks", nets, "precedence", prec,
			 "builtin_default", s->builtin);
}
