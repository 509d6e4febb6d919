/* SPDX-License-Identifier: MIT */
/*
 * The decision for one flow (doc/policy.md, "Reconciliation"): which
 * rules match, which constraints apply, in which order the permitted PvDs
 * come, and every conflict between actors, named rather than merged
 * (problem statement 4.3 case 1). Deterministic: the same set, flow and
 * PvD list give the same answer.
 *
 * 1. Hard constraints (require, prohibit) are applied strongest first:
 *    trust constraints (a target with trusted/untrusted), then the others,
 *    each tier by actor precedence (highest first), then specificity, then
 *    file order. A constraint that would leave no PvD after stronger ones
 *    narrowed the list is dropped and reported; one that meets no
 *    stronger constraint applies even if it leaves nothing (a flow that
 *    requires an absent network goes nowhere).
 * 2. Soft preferences (prefer, avoid): each actor's most specific matching
 *    rule speaks for it; the permitted PvDs are ordered by the highest
 *    actor's word first, lower actors breaking its ties, the PvD list's
 *    order breaking the rest. Hard constraints of any actor beat the
 *    preferences of every actor.
 */
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/addr.h"
#include "daemon/policy/policy.h"
#include "daemon/policy/policy_priv.h"

#define PD_NONE 1000u                /* not named by the actor's rule */
#define PD_AVOID 2000u

static bool pd_under(const char *name, const char *dom)
{
	size_t n = strlen(name), d = strlen(dom);

	return n == d ? !strcmp(name, dom) :
	       n > d && name[n - d - 1] == '.' && !strcmp(name + n - d, dom);
}

static bool pd_dest(const struct policy_rule *r, const struct policy_flow *f)
{
	for (size_t i = 0; f->has_dst && i < r->n_dst; i++)
		if (addr_in_prefix(&f->dst, &r->dst[i].a, r->dst[i].plen))
			return true;
	for (size_t i = 0; f->name && i < r->n_domain; i++)
		if (pd_under(f->name, r->domain[i]))
			return true;
	return false;
}

bool policy_rule_matches(const struct policy_rule *r, const struct policy_flow *f)
{
	/* Numbers first: they turn most rules away for least. */
	if (r->proto && f->proto != r->proto)
		return false;
	if (r->port_lo && (f->port < r->port_lo || f->port > r->port_hi))
		return false;
	if (r->dscp >= 0 && f->dscp != r->dscp)
		return false;
	if (r->has_uid && (!f->has_uid || f->uid != r->uid))
		return false;
	if (r->exe && (!f->exe || strcmp(r->exe, f->exe) != 0))
		return false;
	if (r->cgroup) {
		size_t l = strlen(r->cgroup);

		if (!f->cgroup || (strcmp(r->cgroup, "/") != 0 &&
				   (strncmp(f->cgroup, r->cgroup, l) != 0 ||
				    (f->cgroup[l] != '\0' && f->cgroup[l] != '/'))))
			return false;
	}
	return !(r->n_dst || r->n_domain) || pd_dest(r, f);
}

bool policy_target_matches(const struct policy_set *s, const struct policy_target *t,
			   const struct policy_pvd *p)
{
	if (t->network) {
		const struct policy_network *n = policy_net_find(s, t->network);

		for (size_t i = 0; n && i < n->n_member; i++)
			if (policy_target_matches(s, &n->member[i], p))
				return true;
		return false;
	}
	if (t->pvd && strcasecmp(t->pvd, p->id) != 0)
		return false;
	if (t->type && t->type != p->type)
		return false;
	if ((t->metered >= 0 && t->metered != p->metered) ||
	    (t->trusted >= 0 && t->trusted != p->trusted))
		return false;
	if (t->max_cost >= 0 && p->cost > t->max_cost)
		return false;
	if (t->min_bw_kbps && p->bw_kbps < t->min_bw_kbps)
		return false;
	/* Unmeasured quality satisfies no quality condition. */
	if ((t->max_rtt_ms || t->max_loss_pm != UINT32_MAX) && !p->quality_known)
		return false;
	if (t->max_rtt_ms && p->rtt_ms > t->max_rtt_ms)
		return false;
	return t->max_loss_pm == UINT32_MAX || p->loss_pm <= t->max_loss_pm;
}

static bool pd_any(const struct policy_set *s, const struct policy_target *t, size_t n,
		   const struct policy_pvd *p)
{
	for (size_t i = 0; i < n; i++)
		if (policy_target_matches(s, &t[i], p))
			return true;
	return false;
}

static void pd_attr_take(const struct policy_attr *a, struct policy_pvd *p, unsigned *got)
{
	if (a->type && !(*got & 1)) {
		p->type = a->type;
		*got |= 1;
	}
	if (a->metered >= 0 && !(*got & 2)) {
		p->metered = a->metered;
		*got |= 2;
	}
	if (a->cost >= 0 && !(*got & 4)) {
		p->cost = a->cost;
		*got |= 4;
	}
	if (a->bw_kbps && !(*got & 8)) {
		p->bw_kbps = a->bw_kbps;
		*got |= 8;
	}
}

static bool pd_ifmatch(const char *globs, const char *ifname)
{
	char buf[256], *save = NULL, *g;

	if (!ifname || !*ifname)
		return false;
	snprintf(buf, sizeof(buf), "%s", globs);
	for (g = strtok_r(buf, " \t,", &save); g; g = strtok_r(NULL, " \t,", &save))
		if (fnmatch(g, ifname, 0) == 0)
			return true;
	return false;
}

/* [pvd ID] before [interface ...]; within each, the higher actor first,
 * then file order; each fact from the first section that states it. The
 * network's metered hint sits between the two: a local file that names
 * the PvD knows better (NetworkManager's explicit "metered" setting wins
 * over its guess the same way), an interface class is only a guess. */
void policy_pvd_attrs(const struct policy_set *s, const char *id, const char *ifname,
		      struct policy_pvd *p)
{
	unsigned got = 0;

	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1 && p->metered_hint && !(got & 2)) {
			p->metered = true;
			got |= 2;
		}
		for (int lvl = POLICY_N_ACTORS - 1; lvl >= 0; lvl--)
			for (size_t i = 0; i < s->n_attrs; i++) {
				const struct policy_attr *a = &s->attrs[i];

				if (a->actor != s->prec[lvl])
					continue;
				if (pass == 0 ? (a->pvd && id && !strcasecmp(a->pvd, id)) :
				    (a->ifglob && pd_ifmatch(a->ifglob, ifname)))
					pd_attr_take(a, p, &got);
			}
	}
}

/* Position of the actor in precedence, higher = stronger. */
static unsigned pd_level(const struct policy_set *s, unsigned actor)
{
	for (unsigned i = 0; i < POLICY_N_ACTORS; i++)
		if (s->prec[i] == actor)
			return i;
	return 0;
}

struct pd {
	const struct policy_set *s;
	const struct policy_pvd *pvds;
	size_t n;
	struct policy_result *out;
	uint32_t m[POLICY_MAX_MATCH];        /* matched rules, strongest first */
	size_t nm;
	bool ok[POLICY_MAX_PVDS];
	int32_t soft[POLICY_N_ACTORS];       /* by level: the actor's speaking rule */
	uint16_t score[POLICY_N_ACTORS][POLICY_MAX_PVDS];
	int32_t by[POLICY_N_ACTORS][POLICY_MAX_PVDS];   /* the rule that gave the score */
	/* Below every actor: a network's scoped prefer for itself (0), else 1. */
	uint8_t tie[POLICY_MAX_PVDS];
	int32_t tie_by[POLICY_MAX_PVDS];
};

/* Stronger first: actor level, specificity, file order. */
static bool pd_stronger(const struct policy_set *s, uint32_t a, uint32_t b)
{
	const struct policy_rule *x = &s->rules[a], *y = &s->rules[b];
	unsigned lx = pd_level(s, x->actor), ly = pd_level(s, y->actor);

	if (lx != ly)
		return lx > ly;
	if (x->specificity != y->specificity)
		return x->specificity > y->specificity;
	return a < b;
}

static void pd_role(struct pd *d, uint32_t rule, enum policy_role role)
{
	for (size_t i = 0; i < d->out->n_matched; i++)
		if (d->out->matched[i] == rule)
			d->out->role[i] = (uint8_t)role;
}

static void pd_conflict(struct pd *d, uint32_t loser, uint32_t winner, int32_t pvd,
			enum policy_why why)
{
	struct policy_result *o = d->out;

	if (o->n_conflicts < POLICY_MAX_CONFLICTS)
		o->conflicts[o->n_conflicts++] = (struct policy_conflict){ loser, winner, pvd,
									   (uint8_t)why };
}

static bool pd_trust_rule(const struct policy_rule *r)
{
	for (unsigned k = 0; k < POLICY_N_KINDS; k += 3)   /* REQUIRED, PROHIBITED */
		for (size_t i = 0; i < r->n_t[k]; i++)
			if (r->t[k][i].trusted >= 0)
				return true;
	return false;
}

/* Step 1, one tier: trust constraints or the others. */
static void pd_hard(struct pd *d, bool trust, int32_t *narrower)
{
	const struct policy_set *s = d->s;

	for (size_t i = 0; i < d->nm; i++) {
		const struct policy_rule *r = &s->rules[d->m[i]];
		bool next[POLICY_MAX_PVDS], before = false, after = false;

		if ((!r->n_t[POLICY_REQUIRED] && !r->n_t[POLICY_PROHIBITED]) ||
		    pd_trust_rule(r) != trust)
			continue;
		for (size_t p = 0; p < d->n; p++) {
			next[p] = d->ok[p] &&
				  (!r->n_t[POLICY_REQUIRED] ||
				   pd_any(s, r->t[POLICY_REQUIRED], r->n_t[POLICY_REQUIRED],
					  &d->pvds[p])) &&
				  !pd_any(s, r->t[POLICY_PROHIBITED], r->n_t[POLICY_PROHIBITED],
					  &d->pvds[p]);
			before |= d->ok[p];
			after |= next[p];
		}
		if (before && !after && *narrower >= 0) {
			pd_role(d, d->m[i], POLICY_ROLE_DROPPED);
			pd_conflict(d, d->m[i], (uint32_t)*narrower, -1, POLICY_WHY_HARD_VS_HARD);
			continue;
		}
		pd_role(d, d->m[i], POLICY_ROLE_APPLIED);
		for (size_t p = 0; p < d->n; p++)
			if (d->ok[p] && !next[p]) {
				d->out->removed_by[p] = (int32_t)d->m[i];
				d->ok[p] = false;
				*narrower = (int32_t)d->m[i];
			}
	}
}

/* Step 2: each actor's speaking rule and its score of every PvD. */
static void pd_soft(struct pd *d)
{
	const struct policy_set *s = d->s;

	for (unsigned l = 0; l < POLICY_N_ACTORS; l++)
		d->soft[l] = -1;
	for (size_t i = 0; i < d->nm; i++) {
		const struct policy_rule *r = &s->rules[d->m[i]];
		unsigned l = pd_level(s, r->actor);

		if (!r->n_t[POLICY_PREFERRED] && !r->n_t[POLICY_AVOIDED])
			continue;
		if (r->scoped) {
			pd_role(d, d->m[i], POLICY_ROLE_PREFERENCE);
			continue;    /* pd_scoped: it speaks only of its own PvD */
		}
		if (d->soft[l] < 0) {
			d->soft[l] = (int32_t)d->m[i];
			pd_role(d, d->m[i], POLICY_ROLE_PREFERENCE);
		} else if (!r->n_t[POLICY_REQUIRED] && !r->n_t[POLICY_PROHIBITED]) {
			pd_role(d, d->m[i], POLICY_ROLE_SHADOWED);
		}
	}
	for (unsigned l = 0; l < POLICY_N_ACTORS; l++)
		for (size_t p = 0; p < d->n; p++) {
			const struct policy_rule *r = d->soft[l] >= 0 ? &s->rules[d->soft[l]] : NULL;
			uint16_t sc = PD_NONE;

			for (size_t t = 0; r && t < r->n_t[POLICY_PREFERRED]; t++)
				if (policy_target_matches(s, &r->t[POLICY_PREFERRED][t], &d->pvds[p])) {
					sc = (uint16_t)t;
					break;
				}
			if (r && sc == PD_NONE &&
			    pd_any(s, r->t[POLICY_AVOIDED], r->n_t[POLICY_AVOIDED], &d->pvds[p]))
				sc = PD_AVOID;
			d->score[l][p] = sc;
			d->by[l][p] = d->soft[l];
		}
}

/* Step 2, rules a network sent about itself (doc/policy.md, "Operator
 * policy from the network"): they never take their actor's word from a
 * local rule, and speak of their own PvD only. avoid: that PvD goes after
 * the others at its actor's level, unless the actor's own speaking rule
 * named it (the local file knows better). prefer: only a tie-break below
 * every actor, among PvDs that no local rule told apart, so a network can
 * never outrank another PvD, a trusted one or a VPN, that local policy
 * ranked. */
static void pd_scoped(struct pd *d)
{
	const struct policy_set *s = d->s;

	for (size_t p = 0; p < d->n; p++) {
		d->tie[p] = 1;
		d->tie_by[p] = -1;
	}
	for (size_t i = d->nm; i-- > 0;) {   /* weakest first: the strongest writes last */
		const struct policy_rule *r = &s->rules[d->m[i]];
		unsigned l = pd_level(s, r->actor);

		if (!r->scoped)
			continue;
		for (size_t p = 0; p < d->n; p++) {
			if (d->score[l][p] == PD_NONE &&
			    pd_any(s, r->t[POLICY_AVOIDED], r->n_t[POLICY_AVOIDED], &d->pvds[p])) {
				d->score[l][p] = PD_AVOID;
				d->by[l][p] = (int32_t)d->m[i];
			}
			if (pd_any(s, r->t[POLICY_PREFERRED], r->n_t[POLICY_PREFERRED], &d->pvds[p])) {
				d->tie[p] = 0;
				d->tie_by[p] = (int32_t)d->m[i];
			}
		}
	}
}

/* Compare PvDs a and b by the actors' scores, highest actor first; 0 tie. */
static int pd_cmp(const struct pd *d, size_t a, size_t b, int *level)
{
	for (int l = POLICY_N_ACTORS - 1; l >= 0; l--)
		if (d->score[l][a] != d->score[l][b]) {
			if (level)
				*level = l;
			return d->score[l][a] < d->score[l][b] ? -1 : 1;
		}
	if (d->tie[a] != d->tie[b]) {
		if (level)
			*level = -1;
		return d->tie[a] < d->tie[b] ? -1 : 1;
	}
	return 0;
}

/* The rule whose word put a before b at level (pd_cmp's). */
static int32_t pd_decider(const struct pd *d, size_t a, size_t b, int level)
{
	if (level < 0)
		return d->tie_by[a];
	if (d->score[level][a] < PD_NONE)
		return d->by[level][a];
	return d->by[level][b];
}

static void pd_order(struct pd *d)
{
	struct policy_result *o = d->out;

	o->n = 0;
	for (size_t p = 0; p < d->n; p++) {
		size_t j;

		if (!d->ok[p])
			continue;
		/* Insertion: stable, so the PvD list's order breaks ties. */
		for (j = o->n; j > 0 && pd_cmp(d, o->order[j - 1], p, NULL) > 0; j--)
			o->order[j] = o->order[j - 1];
		o->order[j] = (uint16_t)p;
		o->n++;
	}
	for (size_t i = 0; i < o->n; i++)
		o->rank[i] = (uint16_t)(i && pd_cmp(d, o->order[i - 1], o->order[i], NULL) == 0 ?
					o->rank[i - 1] : i);
}

/* Who put the first PvD first, and every actor whose favourite lost. */
static void pd_explain(struct pd *d, int32_t narrower)
{
	struct policy_result *o = d->out;
	int lvl;

	o->decided_by = -1;
	if (o->n >= 2 && pd_cmp(d, o->order[0], o->order[1], &lvl) != 0)
		o->decided_by = pd_decider(d, o->order[0], o->order[1], lvl);
	else if (o->n == 1)
		o->decided_by = narrower;
	if (o->decided_by >= 0 && d->s->rules[o->decided_by].n_t[POLICY_PREFERRED] +
				  d->s->rules[o->decided_by].n_t[POLICY_AVOIDED] &&
	    o->decided_by != narrower)
		pd_role(d, (uint32_t)o->decided_by, POLICY_ROLE_WON);
	for (int l = POLICY_N_ACTORS - 1; l >= 0; l--) {
		size_t fav = 0;

		if (d->soft[l] < 0 || !d->n)
			continue;
		for (size_t p = 1; p < d->n; p++)
			if (d->score[l][p] < d->score[l][fav])
				fav = p;
		if (d->score[l][fav] >= PD_NONE)
			continue;    /* it only avoids: nothing it asked for was refused */
		if (!d->ok[fav]) {
			if (d->s->rules[d->soft[l]].n_t[POLICY_REQUIRED] +
			    d->s->rules[d->soft[l]].n_t[POLICY_PROHIBITED] == 0 &&
			    d->soft[l] != o->decided_by)
				pd_role(d, (uint32_t)d->soft[l], POLICY_ROLE_OVERRULED);
			pd_conflict(d, (uint32_t)d->soft[l], (uint32_t)o->removed_by[fav],
				    (int32_t)fav, POLICY_WHY_HARD_VS_SOFT);
		} else if (o->n && fav != o->order[0] &&
			   d->score[l][fav] < d->score[l][o->order[0]] &&
			   pd_cmp(d, o->order[0], fav, &lvl) < 0 && lvl != l && lvl >= 0 &&
			   pd_decider(d, o->order[0], fav, lvl) >= 0) {
			pd_conflict(d, (uint32_t)d->soft[l],
				    (uint32_t)pd_decider(d, o->order[0], fav, lvl), (int32_t)fav,
				    POLICY_WHY_PRECEDENCE);
		}
	}
}

void policy_decide(const struct policy_set *s, const struct policy_flow *f0,
		   const struct policy_pvd *pvds, size_t n, struct policy_result *out)
{
	static struct pd d;          /* ~2 KiB: off the stack; one decision at a time */
	struct policy_flow f = *f0;
	uint32_t *cand = policy_index_scratch(s);
	char name[256];
	size_t nc;
	bool cut;
	int32_t narrower = -1;

	memset(out, 0, sizeof(*out));
	d.s = s;
	d.pvds = pvds;
	d.n = n > POLICY_MAX_PVDS ? POLICY_MAX_PVDS : n;
	d.out = out;
	d.nm = 0;
	if (f.name && policy_name_norm(f.name, name, sizeof(name)) == 0)
		f.name = name;
	else
		f.name = NULL;
	nc = cand ? policy_index_candidates(s, &f, cand, s->n_rules, &cut) : 0;
	for (size_t i = 0; i < nc; i++) {
		size_t j;

		if (!policy_rule_matches(&s->rules[cand[i]], &f))
			continue;
		out->n_matched_total++;
		/* Kept strongest first, the weakest dropped past the bound. */
		for (j = d.nm; j > 0 && pd_stronger(s, cand[i], d.m[j - 1]); j--)
			if (j < POLICY_MAX_MATCH)
				d.m[j] = d.m[j - 1];
		if (j < POLICY_MAX_MATCH) {
			d.m[j] = cand[i];
			if (d.nm < POLICY_MAX_MATCH)
				d.nm++;
		}
	}
	memcpy(out->matched, d.m, d.nm * sizeof(d.m[0]));
	out->n_matched = d.nm;
	for (size_t p = 0; p < d.n; p++) {
		d.ok[p] = true;
		out->removed_by[p] = -1;
	}
	pd_hard(&d, true, &narrower);
	pd_hard(&d, false, &narrower);
	pd_soft(&d);
	pd_scoped(&d);
	pd_order(&d);
	pd_explain(&d, narrower);
}
