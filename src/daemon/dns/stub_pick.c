/* SPDX-License-Identifier: MIT */
/*
 * The hit path's PvD choice, on the wire-form name. dns_select() decides
 * on text and explains itself; running it per query cost more than the
 * rest of a cache hit. Its answer depends only on the name, the PvDs and
 * the routing default, so after each change this table is rebuilt *by
 * asking dns_select()* for every domain and for a name nobody claims: the
 * two can never disagree. A query then walks the table once: the longest
 * domain the name falls under, on a label boundary, else the default.
 * Reverse names (rule 2 looks at prefixes, not domains) and overflowing
 * tables go the slow way.
 */
#include <string.h>

#include "common/buf.h"
#include "daemon/dns/stub_priv.h"

static const uint8_t sp_in_addr[] = "\7in-addr\4arpa";   /* + the root octet */
static const uint8_t sp_ip6[] = "\3ip6\4arpa";

static bool sp_ends_with(const uint8_t *w, size_t n, const uint8_t *suffix, size_t sl)
{
	/* sl counts the root octet (the NUL that ends the literal). */
	return n >= sl && memcmp(w + n - sl, suffix, sl) == 0;
}

static void sp_rebuild(struct stub *s, const uint64_t rank[2])
{
	struct stub_pick *t = &s->pick;
	const struct pvd *p;
	const struct pvd_domain *d;
	struct dns_choice c;

	memset(t, 0, sizeof(*t));
	t->gen = s->memo_gen;
	t->rank[0] = rank[0];
	t->rank[1] = rank[1];
	if (stub_choose(s, ".", 0, false, &c) == 0)
		t->default_h = c.pvd[0];
	TAILQ_FOREACH(p, &netview_store(s->nv)->pvds, e) {
		if (TAILQ_EMPTY(&p->dns))
			continue;
		TAILQ_FOREACH(d, &p->domains, e) {
			struct wbuf w;

			if (t->n == STUB_PICK_MAX) {
				t->overflow = true;
				return;
			}
			wbuf_init(&w, t->dom[t->n].wire, sizeof(t->dom[t->n].wire));
			if (dname_to_wire(d->name, &w) < 0 || w.overflow || w.len < 2)
				continue;
			for (size_t i = 0; i < w.len; i++)
				if (t->dom[t->n].wire[i] >= 'A' && t->dom[t->n].wire[i] <= 'Z')
					t->dom[t->n].wire[i] += 'a' - 'A';
			if (stub_choose(s, d->name, 0, false, &c) < 0)
				continue;
			t->dom[t->n].len = w.len;
			t->dom[t->n].handle = c.pvd[0];
			t->n++;
		}
	}
}

uint64_t stub_pick(struct stub *s, const struct dns_question *q)
{
	struct stub_pick *t = &s->pick;
	uint8_t boundary[DNAME_MAX_WIRE];
	size_t best = 0;
	uint64_t rank[2], h = 0;

	netview_dns_rank(s->nv, rank);
	if (t->gen != s->memo_gen || rank[0] != t->rank[0] || rank[1] != t->rank[1])
		sp_rebuild(s, rank);
	/* A '.' inside a label is "\." in dns_select()'s text: leave such
	 * names to it. */
	if (t->overflow || q->label_dot ||
	    sp_ends_with(q->wire, q->wire_len, sp_in_addr, sizeof(sp_in_addr)) ||
	    sp_ends_with(q->wire, q->wire_len, sp_ip6, sizeof(sp_ip6)))
		return 0;
	/* Where each label starts: a domain must match whole labels. */
	memset(boundary, 0, q->wire_len);
	for (size_t i = 0; i < q->wire_len && q->wire[i]; i += (size_t)q->wire[i] + 1)
		boundary[i] = 1;
	for (size_t i = 0; i < t->n; i++) {
		size_t dl = t->dom[i].len;

		if (dl > q->wire_len || dl <= best || !boundary[q->wire_len - dl] ||
		    memcmp(q->wire + q->wire_len - dl, t->dom[i].wire, dl) != 0)
			continue;
		best = dl;
		h = t->dom[i].handle;
	}
	return best ? h : t->default_h;
}
