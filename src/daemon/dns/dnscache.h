/* SPDX-License-Identifier: MIT */
/*
 * A DNS answer cache, one per PvD (problem statement 4.1 cases 3 and 5: an
 * answer from one network is never served for another, and a network that
 * leaves takes its cache with it). Keys are the lowercased wire name, type
 * and class (RFC 4343); answers are kept as received, with the offsets of
 * their TTL fields, so a hit is one hash lookup, one copy and a few stores:
 * no allocation on the hit path. Positive and negative (RFC 2308) answers
 * are cached; size is bounded by entries and bytes, evicting by second
 * chance (CLOCK: the oldest entry not used since the hand last passed goes
 * first); TTLs are capped. Time is in whole seconds, from the caller. The
 * hash is the question's (dns_question_hash(), filled in by the parsers).
 */
#ifndef MIF_DAEMON_DNSCACHE_H
#define MIF_DAEMON_DNSCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "proto/dns.h"

struct dns_cache_stats {
	uint64_t hits, misses, inserts, evictions, expired, uncacheable, stale;
	size_t entries, bytes;
};

struct dns_cache;

/* max_ttl caps positive answers, max_neg_ttl negative ones (RFC 2308
 * section 5 suggests at most hours). NULL on ENOMEM or max_entries 0. */
struct dns_cache *dns_cache_new(size_t max_entries, size_t max_bytes, uint32_t max_ttl,
				uint32_t max_neg_ttl);
void dns_cache_free(struct dns_cache *c);
void dns_cache_flush(struct dns_cache *c);

/*
 * Keep resp (an answer to q) for its TTL from now. Returns 0; -EINVAL if
 * it must not be cached (TC set, an rcode other than NOERROR or NXDOMAIN,
 * TTL 0, a negative answer without SOA, over 192 records); -EBADMSG if it
 * does not parse; -ENOMEM. Replaces an older answer for the same key.
 */
int dns_cache_put(struct dns_cache *c, const struct dns_question *q, const uint8_t *resp,
		  size_t len, uint64_t now);

/*
 * Answer `query` (the client's message, whose question is q) from the
 * cache into out: the stored answer with the client's ID, RD bit and
 * question bytes (so 0x20 case randomisation survives) and every TTL
 * lowered by the time spent in the cache. AD is set only if the stored
 * answer has it and the query sets AD (RFC 6840 section 5.7; a query with
 * DO may get AD too, but the stub does not answer those from the cache):
 * keep answers fetched with AD asked for, so that AD means what the
 * upstream said whichever client filled the cache. Returns the length,
 * -ENOENT on a miss or an expired entry, -ENOSPC if cap is too small.
 */
int dns_cache_get(struct dns_cache *c, const struct dns_question *q, const uint8_t *query,
		  size_t qlen, uint64_t now, uint8_t *out, size_t cap);

/*
 * Serve-stale (RFC 8767). An entry past its TTL stays max_stale seconds
 * (default 0: removed at expiry) as long as the size bounds allow, never
 * served by dns_cache_get(). dns_cache_get_stale() answers from such an
 * entry, every TTL set to DNS_CACHE_STALE_TTL (section 4 recommends
 * 30 s), when the caller found every upstream failing. Returns the length,
 * -ENOENT (no entry, one still fresh, or one older than max_stale past
 * its expiry), -ENOSPC.
 */
#define DNS_CACHE_STALE_TTL 30
void dns_cache_set_max_stale(struct dns_cache *c, uint32_t seconds);
int dns_cache_get_stale(struct dns_cache *c, const struct dns_question *q, const uint8_t *query,
			size_t qlen, uint64_t now, uint8_t *out, size_t cap);

const struct dns_cache_stats *dns_cache_stats(const struct dns_cache *c);

#endif
