/* SPDX-License-Identifier: MIT */
#include "daemon/dns/dnscache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define DNSC_MAX_TTLS 192            /* three sections of DNS_MAX_RRS_PER_SECTION */

struct dnsc_entry {
	struct dnsc_entry *next_hash;
	struct dnsc_entry *lru_prev, *lru_next;
	uint64_t hash;
	uint64_t stored, expires;    /* seconds */
	uint16_t qtype, qclass;
	uint16_t key_len, len, n_ttl, qsec_len;
	uint16_t ref;                /* used since the clock hand last passed */
	/* The key (lowercased wire name), the answer, then n_ttl 16-bit
	 * offsets of its TTL fields: sized to the answer, not to the worst
	 * case, so 100,000 short answers stay small. */
	uint8_t data[];
};

static uint16_t *dnsc_ttl_off(struct dnsc_entry *e)
{
	return (uint16_t *)(void *)(e->data + ((e->key_len + e->len + 1u) & ~1u));
}

static size_t dnsc_size(size_t key_len, size_t len, size_t n_ttl)
{
	return sizeof(struct dnsc_entry) + ((key_len + len + 1u) & ~1u) + 2 * n_ttl;
}

struct dns_cache {
	struct dnsc_entry **buckets;
	size_t n_buckets;            /* a power of two */
	struct dnsc_entry *lru_head, *lru_tail;   /* head: newest or given a second chance */
	size_t max_entries, max_bytes;
	uint32_t max_ttl, max_neg_ttl;
	uint32_t max_stale;          /* seconds an expired entry is kept (RFC 8767) */
	struct dns_cache_stats st;
};

struct dns_cache *dns_cache_new(size_t max_entries, size_t max_bytes, uint32_t max_ttl,
				uint32_t max_neg_ttl)
{
	struct dns_cache *c;
	size_t n = 16;

	if (max_entries == 0 || max_entries > (1u << 24))
		return NULL;
	while (n < max_entries * 2)
		n <<= 1;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->buckets = calloc(n, sizeof(*c->buckets));
	if (!c->buckets) {
		free(c);
		return NULL;
	}
	c->n_buckets = n;
	c->max_entries = max_entries;
	c->max_bytes = max_bytes;
	c->max_ttl = max_ttl;
	c->max_neg_ttl = max_neg_ttl;
	return c;
}

static void dnsc_lru_unlink(struct dns_cache *c, struct dnsc_entry *e)
{
	if (e->lru_prev)
		e->lru_prev->lru_next = e->lru_next;
	else
		c->lru_head = e->lru_next;
	if (e->lru_next)
		e->lru_next->lru_prev = e->lru_prev;
	else
		c->lru_tail = e->lru_prev;
	e->lru_prev = e->lru_next = NULL;
}

static void dnsc_lru_front(struct dns_cache *c, struct dnsc_entry *e)
{
	e->lru_next = c->lru_head;
	e->lru_prev = NULL;
	if (c->lru_head)
		c->lru_head->lru_prev = e;
	c->lru_head = e;
	if (!c->lru_tail)
		c->lru_tail = e;
}

static void dnsc_remove(struct dns_cache *c, struct dnsc_entry *e)
{
	struct dnsc_entry **pp = &c->buckets[e->hash & (c->n_buckets - 1)];

	while (*pp && *pp != e)
		pp = &(*pp)->next_hash;
	if (*pp)
		*pp = e->next_hash;
	dnsc_lru_unlink(c, e);
	c->st.entries--;
	c->st.bytes -= dnsc_size(e->key_len, e->len, e->n_ttl);
	free(e);
}

static struct dnsc_entry *dnsc_find(struct dns_cache *c, const struct dns_question *q, uint64_t h)
{
	struct dnsc_entry *e;

	for (e = c->buckets[h & (c->n_buckets - 1)]; e; e = e->next_hash)
		if (e->hash == h && e->qtype == q->qtype && e->qclass == q->qclass &&
		    e->key_len == q->wire_len && memcmp(e->data, q->wire, q->wire_len) == 0)
			return e;
	return NULL;
}

void dns_cache_flush(struct dns_cache *c)
{
	while (c->lru_head)
		dnsc_remove(c, c->lru_head);
}

void dns_cache_free(struct dns_cache *c)
{
	if (!c)
		return;
	dns_cache_flush(c);
	free(c->buckets);
	free(c);
}

const struct dns_cache_stats *dns_cache_stats(const struct dns_cache *c)
{
	return &c->st;
}

static uint32_t dnsc_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void dnsc_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The TTL fields of every record but OPT (whose "TTL" is EDNS flags). */
static int dnsc_ttl_offsets(const uint8_t *resp, size_t len, size_t off, const struct dns_header *h,
			    uint16_t *out, uint16_t *n)
{
	unsigned total = (unsigned)h->ancount + h->nscount + h->arcount;
	struct dns_rr rr;

	*n = 0;
	for (unsigned i = 0; i < total; i++) {
		if (dns_next_rr(resp, len, &off, &rr) < 0)
			return -EBADMSG;
		if (rr.type == DNS_TYPE_OPT)
			continue;
		if (*n == DNSC_MAX_TTLS)
			return -EINVAL;
		out[(*n)++] = (uint16_t)(rr.rdata_off - 6);   /* TTL, RDLENGTH, RDATA */
	}
	return 0;
}

/* Evict until the new entry fits, by second chance (CLOCK, an
 * approximation of least recently used): the oldest entry goes unless it
 * was used since it was last looked at, in which case it is cleared and
 * moved to the front. A hit then only sets a flag in the entry it already
 * read, instead of relinking three entries of a list (more cache lines
 * touched per answer than the answer itself). The new entry never goes;
 * each step clears a flag, evicts, or moves the new entry once, so the
 * loop is bounded. */
static void dnsc_evict(struct dns_cache *c, struct dnsc_entry *keep)
{
	while ((c->st.entries > c->max_entries || c->st.bytes > c->max_bytes) && c->lru_tail) {
		struct dnsc_entry *e = c->lru_tail;

		if (e == keep && c->lru_head == keep)
			break;           /* alone, and fits by dnsc_check() */
		if (e->ref || e == keep) {
			e->ref = 0;
			dnsc_lru_unlink(c, e);
			dnsc_lru_front(c, e);
			continue;
		}
		dnsc_remove(c, e);
		c->st.evictions++;
	}
}

static int dnsc_check(struct dns_cache *c, const uint8_t *resp, size_t len, struct dns_header *h,
		      size_t *qend, uint32_t *ttl)
{
	struct dns_question qq;
	int r;

	if (dns_parse_header(resp, len, h) < 0 || dns_parse_question(resp, len, &qq, qend) < 0)
		return -EBADMSG;
	if (h->tc || (h->rcode != DNS_RCODE_NOERROR && h->rcode != DNS_RCODE_NXDOMAIN) ||
	    len > 65535 || sizeof(struct dnsc_entry) + len > c->max_bytes)
		return -EINVAL;
	r = dns_min_ttl(resp, len, ttl);
	if (r < 0)
		return r == -EBADMSG ? r : -EINVAL;
	if (*ttl == 0)
		return -EINVAL;
	/* RFC 2308 section 5: negative answers are capped separately. */
	if (h->rcode == DNS_RCODE_NXDOMAIN || h->ancount == 0)
		*ttl = *ttl < c->max_neg_ttl ? *ttl : c->max_neg_ttl;
	else
		*ttl = *ttl < c->max_ttl ? *ttl : c->max_ttl;
	return 0;
}

int dns_cache_put(struct dns_cache *c, const struct dns_question *q, const uint8_t *resp,
		  size_t len, uint64_t now)
{
	struct dns_header h;
	struct dnsc_entry *e = NULL, *old;
	uint64_t hash = q->hash;   /* dns_question_hash(), from the parser */
	uint16_t offs[DNSC_MAX_TTLS], n_ttl = 0;
	size_t qend;
	uint32_t ttl;
	int r = dnsc_check(c, resp, len, &h, &qend, &ttl);

	if (r == 0 && dnsc_ttl_offsets(resp, len, qend, &h, offs, &n_ttl) < 0)
		r = -EINVAL;
	if (r == 0 && dnsc_size(q->wire_len, len, n_ttl) > c->max_bytes)
		r = -EINVAL;
	if (r == 0 && !(e = malloc(dnsc_size(q->wire_len, len, n_ttl))))
		r = -ENOMEM;
	if (r < 0) {
		c->st.uncacheable++;
		return r;
	}
	e->n_ttl = n_ttl;
	e->hash = hash;
	e->qtype = q->qtype;
	e->qclass = q->qclass;
	e->key_len = (uint16_t)q->wire_len;
	e->len = (uint16_t)len;
	e->qsec_len = (uint16_t)(qend - DNS_HEADER_LEN);
	e->ref = 0;
	e->stored = now;
	e->expires = now + ttl;
	memcpy(e->data, q->wire, q->wire_len);
	memcpy(e->data + q->wire_len, resp, len);
	memcpy(dnsc_ttl_off(e), offs, 2u * n_ttl);
	old = dnsc_find(c, q, hash);
	if (old)
		dnsc_remove(c, old);
	e->next_hash = c->buckets[hash & (c->n_buckets - 1)];
	c->buckets[hash & (c->n_buckets - 1)] = e;
	e->lru_prev = e->lru_next = NULL;
	dnsc_lru_front(c, e);
	c->st.entries++;
	c->st.bytes += dnsc_size(q->wire_len, len, n_ttl);
	c->st.inserts++;
	dnsc_evict(c, e);
	return 0;
}

/* Copy e into out as an answer to query: the client's ID, RD and
 * question bytes; every TTL aged, or set to stale_ttl when non-zero. */
static int dnsc_copy(struct dnsc_entry *e, const uint8_t *query,
		     size_t qlen, uint64_t now, uint32_t stale_ttl, uint8_t *out, size_t cap)
{
	const uint16_t *off = dnsc_ttl_off(e);
	uint64_t left = e->expires > now ? e->expires - now : 0, age = now - e->stored;

	if (e->len > cap)
		return -ENOSPC;
	memcpy(out, e->data + e->key_len, e->len);
	if (qlen >= DNS_HEADER_LEN) {
		dns_hdr_set_id(out, dns_hdr_id(query));          /* the client's ID */
		dns_hdr_set_rd(out, dns_hdr_rd(query));          /* its RD */
		/* RFC 6840 section 5.7: AD only to a query that set it. */
		dns_hdr_set_ad(out, dns_hdr_ad(out) && dns_hdr_ad(query));
	}
	if (qlen >= (size_t)DNS_HEADER_LEN + e->qsec_len)
		memcpy(out + DNS_HEADER_LEN, query + DNS_HEADER_LEN, e->qsec_len);
	/* Every TTL minus the time spent here, and never past the entry's life. */
	for (uint16_t i = 0; i < e->n_ttl; i++) {
		uint32_t t = dnsc_be32(out + off[i]);

		t = t > age ? (uint32_t)(t - age) : 0;
		dnsc_put32(out + off[i], stale_ttl ? stale_ttl : t < left ? t : (uint32_t)left);
	}
	e->ref = 1;
	return e->len;
}

void dns_cache_set_max_stale(struct dns_cache *c, uint32_t seconds)
{
	c->max_stale = seconds;
}

int dns_cache_get(struct dns_cache *c, const struct dns_question *q, const uint8_t *query,
		  size_t qlen, uint64_t now, uint8_t *out, size_t cap)
{
	uint64_t hash = q->hash;   /* dns_question_hash(), from the parser */
	struct dnsc_entry *e = dnsc_find(c, q, hash);
	int r;

	/* Expired: a miss. Kept for serve-stale while within max_stale. */
	if (e && now >= e->expires) {
		if (now >= e->expires + c->max_stale) {
			dnsc_remove(c, e);
			c->st.expired++;
		}
		e = NULL;
	}
	if (!e) {
		c->st.misses++;
		return -ENOENT;
	}
	r = dnsc_copy(e, query, qlen, now, 0, out, cap);
	if (r > 0)
		c->st.hits++;
	return r;
}

int dns_cache_get_stale(struct dns_cache *c, const struct dns_question *q, const uint8_t *query,
			size_t qlen, uint64_t now, uint8_t *out, size_t cap)
{
	struct dnsc_entry *e = dnsc_find(c, q, q->hash);
	int r;

	if (!e || now < e->expires)
		return -ENOENT;
	/* RFC 8767 section 5: never past the maximum stale timer. */
	if (now >= e->expires + c->max_stale) {
		dnsc_remove(c, e);
		c->st.expired++;
		return -ENOENT;
	}
	r = dnsc_copy(e, query, qlen, now, DNS_CACHE_STALE_TTL, out, cap);
	if (r > 0)
		c->st.stale++;
	return r;
}
