/* SPDX-License-Identifier: MIT */
/*
 * The receiver's side of n-cast (a flow bound to several BIDs, RFC 6089 3,
 * sent as one copy per path): a bounded window of the digests of inner
 * packets received lately; a packet whose digest is in it is a second
 * copy and is dropped, so no duplicate reaches the application.
 *
 * Why a window and not a sequence number in the encapsulation
 * (doc/mobility.md, "n-cast"): the tunnel stays RFC 5555 vanilla UDP (no
 * shim any peer would have to know), it works on the inner packets the
 * GSO split and GRO coalescing already handle one by one, and only n-cast
 * flows pay for it. The cost: two byte-identical inner packets of one
 * n-cast flow within MH_DEDUP_WINDOW_MS are taken as one. IPv4 packets
 * differ by their ID, TCP segments by sequence numbers and timestamps;
 * an application that sends the same UDP datagram twice over IPv6 within
 * the window loses the second one.
 *
 * 4-way set associative, 64-bit FNV-1a digests of the whole inner packet;
 * an entry older than the window never matches. Pure: the caller owns it.
 */
#ifndef MIF_PROTO_MH_DEDUP_H
#define MIF_PROTO_MH_DEDUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MH_DEDUP_SETS 1024
#define MH_DEDUP_WAYS 4
#define MH_DEDUP_WINDOW_MS 2000

struct mh_dedup {
	uint64_t digest[MH_DEDUP_SETS][MH_DEDUP_WAYS];
	long long at_ms[MH_DEDUP_SETS][MH_DEDUP_WAYS];  /* 0: empty */
};

/* True if p was seen within the window (a duplicate); else remembers it. */
bool mh_dedup_seen(struct mh_dedup *d, const uint8_t *p, size_t len, long long now_ms);

#endif
