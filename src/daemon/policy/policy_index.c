/* SPDX-License-Identifier: MIT */
/*
 * Which rules can match a flow, without looking at all of them: each rule
 * is filed under its most selective field (executable, cgroup, uid,
 * destination domain or prefix, port), or in the general list. A flow
 * looks up its own values (every parent of its cgroup and of its name,
 * every prefix length rules use for its address), and only those rules
 * are checked in full (policy_decide.c). Hash collisions only cost a check.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "common/hash.h"
#include "daemon/policy/policy.h"
#include "daemon/policy/policy_priv.h"

enum pi_key { PI_EXE = 1, PI_CGROUP, PI_UID, PI_DOMAIN, PI_DST, PI_PORT };

struct pi_entry {
	uint64_t h;
	uint32_t rule;
};

struct pi_slot {
	uint64_t h;
	uint32_t start, count;       /* in e[]; count 0: empty slot */
};

/* A rule of the general list, with its cheap fields at hand: most flows
 * are turned away here without touching the rule. */
struct pi_gen {
	uint32_t rule;
	uint16_t lo, hi;
	uint8_t proto;
	int8_t dscp;
};

struct policy_index {
	struct pi_entry *e;
	size_t n, cap;
	struct pi_slot *slot;
	size_t mask;
	struct pi_gen *general;
	size_t n_general;
	uint8_t plens[129];          /* prefix lengths dst rules use, longest first */
	size_t n_plens;
	uint32_t *scratch;           /* candidates of one decision */
	uint32_t *merge;             /* its bucket hits, while merged */
};

static uint64_t pi_hash(enum pi_key k, const void *data, size_t len)
{
	return hash_bytes(HASH_SEED ^ (uint64_t)k, data, len);
}

static uint64_t pi_hash_dst(const struct in6_addr *a, uint8_t plen)
{
	struct in6_addr m = *a;

	addr_mask(&m, plen);
	return hash_bytes(pi_hash(PI_DST, &plen, 1), &m, sizeof(m));
}

static int pi_add(struct policy_index *ix, uint64_t h, uint32_t rule)
{
	if (ix->n == ix->cap) {
		size_t nc = ix->cap ? ix->cap * 2 : 256;
		struct pi_entry *ne = realloc(ix->e, nc * sizeof(*ne));

		if (!ne)
			return -ENOMEM;
		ix->e = ne;
		ix->cap = nc;
	}
	ix->e[ix->n].h = h;
	ix->e[ix->n++].rule = rule;
	return 0;
}

/* File rule i under its most selective field. */
static int pi_file(struct policy_index *ix, const struct policy_rule *r, uint32_t i)
{
	int e = 0;

	if (r->exe)
		return pi_add(ix, pi_hash(PI_EXE, r->exe, strlen(r->exe)), i);
	if (r->cgroup)
		return pi_add(ix, pi_hash(PI_CGROUP, r->cgroup, strlen(r->cgroup)), i);
	if (r->has_uid)
		return pi_add(ix, pi_hash(PI_UID, &r->uid, sizeof(r->uid)), i);
	if (r->n_dst || r->n_domain) {
		for (size_t k = 0; e == 0 && k < r->n_domain; k++)
			e = pi_add(ix, pi_hash(PI_DOMAIN, r->domain[k], strlen(r->domain[k])), i);
		for (size_t k = 0; e == 0 && k < r->n_dst; k++) {
			uint8_t pl = r->dst[k].plen;
			size_t j;

			e = pi_add(ix, pi_hash_dst(&r->dst[k].a, pl), i);
			for (j = 0; j < ix->n_plens && ix->plens[j] != pl; j++)
				;
			if (j == ix->n_plens)
				ix->plens[ix->n_plens++] = pl;
		}
		return e;
	}
	if (r->port_lo && r->port_lo == r->port_hi)
		return pi_add(ix, pi_hash(PI_PORT, &r->port_lo, sizeof(r->port_lo)), i);
	ix->general[ix->n_general++] = (struct pi_gen){ i, r->port_lo, r->port_hi, r->proto,
							 (int8_t)r->dscp };
	return 0;
}

static int pi_entry_cmp(const void *a, const void *b)
{
	const struct pi_entry *x = a, *y = b;

	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

static int pi_u8_desc(const void *a, const void *b)
{
	return (int)*(const uint8_t *)b - (int)*(const uint8_t *)a;
}

/* Open addressing over the runs of equal hashes in the sorted entries. */
static int pi_slots(struct policy_index *ix)
{
	size_t size = 16;

	while (size < ix->n * 2)
		size *= 2;
	ix->slot = calloc(size, sizeof(*ix->slot));
	if (!ix->slot)
		return -ENOMEM;
	ix->mask = size - 1;
	for (size_t i = 0; i < ix->n;) {
		size_t j = i, k = ix->e[i].h & ix->mask;

		while (j < ix->n && ix->e[j].h == ix->e[i].h)
			j++;
		while (ix->slot[k].count)
			k = (k + 1) & ix->mask;
		ix->slot[k] = (struct pi_slot){ ix->e[i].h, (uint32_t)i, (uint32_t)(j - i) };
		i = j;
	}
	return 0;
}

int policy_index_build(struct policy_set *s)
{
	struct policy_index *ix = calloc(1, sizeof(*ix));
	int e = 0;

	if (!ix)
		return -ENOMEM;
	ix->general = malloc((s->n_rules + 1) * sizeof(*ix->general));
	ix->scratch = malloc((s->n_rules + 1) * sizeof(uint32_t));
	ix->merge = malloc((s->n_rules + 1) * sizeof(uint32_t));
	if (!ix->general || !ix->scratch || !ix->merge)
		e = -ENOMEM;
	for (size_t i = 0; e == 0 && i < s->n_rules; i++)
		e = pi_file(ix, &s->rules[i], (uint32_t)i);
	if (e == 0) {
		/* qsort's array must not be NULL, even for no element (C11
		 * 7.1.4; UBSan checks it): a set with no indexed rule has none. */
		if (ix->n)
			qsort(ix->e, ix->n, sizeof(*ix->e), pi_entry_cmp);
		if (ix->n_plens)
			qsort(ix->plens, ix->n_plens, 1, pi_u8_desc);
		e = pi_slots(ix);
	}
	if (e < 0) {
		policy_index_free(ix);
		return e;
	}
	policy_index_free(s->ix);
	s->ix = ix;
	return 0;
}

void policy_index_free(struct policy_index *ix)
{
	if (!ix)
		return;
	free(ix->e);
	free(ix->slot);
	free(ix->general);
	free(ix->scratch);
	free(ix->merge);
	free(ix);
}

struct pi_out {
	uint32_t *v;
	size_t n, cap;
	bool cut;
};

static void pi_push(struct pi_out *o, uint32_t rule)
{
	if (o->n < o->cap)
		o->v[o->n++] = rule;
	else
		o->cut = true;
}

static void pi_lookup(const struct policy_index *ix, uint64_t h, struct pi_out *o)
{
	size_t k;

	if (!ix->n)
		return;
	for (k = h & ix->mask; ix->slot[k].count; k = (k + 1) & ix->mask) {
		if (ix->slot[k].h != h)
			continue;
		for (uint32_t i = 0; i < ix->slot[k].count; i++)
			pi_push(o, ix->e[ix->slot[k].start + i].rule);
		return;
	}
}

/* The path and each of its parents, "/" last. */
static void pi_cgroups(const struct policy_index *ix, const char *cg, struct pi_out *o)
{
	size_t l = strlen(cg);

	while (l > 1 && cg[l - 1] == '/')
		l--;
	for (;;) {
		pi_lookup(ix, pi_hash(PI_CGROUP, cg, l), o);
		if (l <= 1)
			return;
		while (l > 1 && cg[l - 1] != '/')
			l--;
		if (l > 1)
			l--;         /* "/a/b" -> "/a" ; "/a" -> "/" */
	}
}

/* The name and each parent domain (the caller normalised it). */
static void pi_domains(const struct policy_index *ix, const char *name, struct pi_out *o)
{
	for (const char *d = name; d; d = strchr(d, '.') ? strchr(d, '.') + 1 : NULL)
		pi_lookup(ix, pi_hash(PI_DOMAIN, d, strlen(d)), o);
}

/* The few bucket hits o->v[0..hits) put in order (insertion sort) and
 * merged with the general rules after them (ascending already),
 * duplicates dropped: no qsort per decision. */
static size_t pi_merge(struct pi_out *o, size_t hits, size_t ng, uint32_t *tmp)
{
	size_t i = 0, j = 0, w = 0;
	const uint32_t *gen = tmp + hits;

	for (size_t a = 1; a < hits; a++) {
		uint32_t x = o->v[a];
		size_t b = a;

		for (; b > 0 && o->v[b - 1] > x; b--)
			o->v[b] = o->v[b - 1];
		o->v[b] = x;
	}
	memcpy(tmp, o->v, (hits + ng) * sizeof(*tmp));
	while (i < hits || j < ng) {
		uint32_t x = j == ng || (i < hits && tmp[i] < gen[j]) ? tmp[i++] : gen[j++];

		if (!w || o->v[w - 1] != x)
			o->v[w++] = x;
	}
	return w;
}

size_t policy_index_candidates(const struct policy_set *s, const struct policy_flow *f,
			       uint32_t *out, size_t cap, bool *cut)
{
	const struct policy_index *ix = s->ix;
	struct pi_out o = { .v = out, .cap = cap };
	size_t gen;

	if (!ix) {
		*cut = false;
		return 0;
	}
	if (f->exe)
		pi_lookup(ix, pi_hash(PI_EXE, f->exe, strlen(f->exe)), &o);
	if (f->cgroup && f->cgroup[0] == '/')
		pi_cgroups(ix, f->cgroup, &o);
	if (f->has_uid)
		pi_lookup(ix, pi_hash(PI_UID, &f->uid, sizeof(f->uid)), &o);
	if (f->name)
		pi_domains(ix, f->name, &o);
	for (size_t i = 0; f->has_dst && i < ix->n_plens; i++)
		pi_lookup(ix, pi_hash_dst(&f->dst, ix->plens[i]), &o);
	if (f->port)
		pi_lookup(ix, pi_hash(PI_PORT, &f->port, sizeof(f->port)), &o);
	gen = o.n;
	for (size_t i = 0; i < ix->n_general; i++) {
		const struct pi_gen *g = &ix->general[i];

		if ((!g->proto || g->proto == f->proto) && (g->dscp < 0 || g->dscp == f->dscp) &&
		    (!g->lo || (f->port >= g->lo && f->port <= g->hi)))
			pi_push(&o, g->rule);
	}
	o.n = pi_merge(&o, gen, o.n - gen, ix->merge);
	*cut = o.cut;
	return o.n;
}

uint32_t *policy_index_scratch(const struct policy_set *s)
{
	return s->ix ? s->ix->scratch : NULL;
}
