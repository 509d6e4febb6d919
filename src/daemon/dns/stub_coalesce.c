/* SPDX-License-Identifier: MIT */
/*
 * Identical queries in flight become one upstream query (issue 19,
 * resilience): a cache miss that matches a forwarded query still waiting
 * joins it as a follower instead of going upstream itself, as unbound and
 * systemd-resolved do. A hundred clients asking the same name at once
 * (a page load, a fleet of containers) then cost the PvD's server one
 * query, and a slow server is not flooded with retransmissions.
 *
 * Identical means the same question (the name compared without case) and
 * every other octet of the query equal but the ID and the AD bit: then the
 * upstream's answer fits each of them after the per-client rewrites the
 * stub already makes (ID, the question's case as the client wrote it,
 * AD per RFC 6840 section 5.7, the UDP size at delivery). Queries with
 * different EDNS options (cookies, padding) stay apart. The follower
 * shares its leader's deadline and outcome: the answer, a stale answer
 * (RFC 8767), or the failure.
 */
#include <stdlib.h>
#include <string.h>

#include "daemon/dns/stub_priv.h"

/* Do the two queries differ only in ID, AD and the question's case? */
static bool sco_same(const struct stub_tx *a, const struct dns_question *q, const uint8_t *m,
		     size_t len)
{
	size_t qa, qb;

	if (a->qlen != len || a->q.hash != q->hash || a->q.qtype != q->qtype ||
	    a->q.qclass != q->qclass || a->q.wire_len != q->wire_len ||
	    memcmp(a->q.wire, q->wire, q->wire_len))
		return false;
	if (dns_first_rr(a->query, a->qlen, &qa) < 0 || dns_first_rr(m, len, &qb) < 0 || qa != qb)
		return false;
	/* tx->query carries the upstream ID and AD set (stub_tx_start). */
	return a->query[2] == m[2] && (a->query[3] & ~0x20) == (m[3] & ~0x20) &&
	       !memcmp(a->query + 4, m + 4, DNS_HEADER_LEN - 4) &&
	       !memcmp(a->query + qa, m + qb, len - qa);
}

static bool sco_same_choice(const struct dns_choice *a, const struct dns_choice *b)
{
	return a->n == b->n && !memcmp(a->pvd, b->pvd, a->n * sizeof(a->pvd[0]));
}

struct stub_tx *stub_tx_join(struct stub *s, enum stub_client kind, const struct dns_question *q,
			     const uint8_t *query, size_t qlen, const struct dns_choice *c)
{
	struct stub_tx *l, *f;

	if (kind == STUB_CL_CTL || s->n_tx >= STUB_MAX_TX)
		return NULL;
	/* Bounded by STUB_MAX_TX; the hash is compared first. */
	TAILQ_FOREACH(l, &s->txs, e)
		if (l->kind != STUB_CL_CTL && sco_same(l, q, query, qlen) &&
		    sco_same_choice(&l->choice, c))
			break;
	if (!l || !(f = calloc(1, sizeof(*f))))
		return NULL;
	if (!(f->query = malloc(qlen))) {
		free(f);
		return NULL;
	}
	memcpy(f->query, query, qlen);
	f->s = s;
	f->kind = kind;
	f->qlen = qlen;
	f->q = *q;
	f->choice = l->choice;
	f->client_id = dns_hdr_id(query);
	f->client_ad = dns_hdr_ad(query);
	f->client_udp = DNS_UDP_MIN;
	f->start_ns = stub_now_ns();
	f->deadline_ns = l->deadline_ns;
	f->leader = l;
	LIST_INIT(&f->atts);
	TAILQ_INIT(&f->followers);
	TAILQ_INSERT_TAIL(&l->followers, f, fe);
	s->n_tx++;
	s->ctr.coalesced++;
	return f;
}

void stub_tx_answer_followers(struct stub_tx *l, uint8_t *resp, size_t len, struct stub_pvd *p,
			      const struct dns_upstream *up, bool up_ad)
{
	struct stub_tx *f;
	size_t qend;

	if (TAILQ_EMPTY(&l->followers) || dns_first_rr(resp, len, &qend) < 0)
		return;
	TAILQ_FOREACH(f, &l->followers, fe) {
		dns_hdr_set_id(resp, f->client_id);
		/* The question as this client wrote it (0x20 case), same length. */
		if (f->qlen >= qend)
			memcpy(resp + DNS_HEADER_LEN, f->query + DNS_HEADER_LEN,
			       qend - DNS_HEADER_LEN);
		dns_hdr_set_ad(resp, up_ad && (f->client_ad || f->client_do));
		if (p)
			p->answers++;
		l->s->ctr.answered++;
		stub_deliver(f, resp, len, p, up, 0, NULL);
	}
}
