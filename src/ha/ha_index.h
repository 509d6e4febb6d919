/* SPDX-License-Identifier: MIT */
/*
 * mif-had's per-packet lookup (issue 16 item 4): home address -> mobile
 * node, an open-addressing hash table built once from the configuration
 * (the set of mobile nodes does not change while the agent runs). Both
 * packet paths need only this: the downlink reads the destination (a home
 * address) of a packet from the TUN device, the uplink the inner source of
 * a tunnel packet, then checks its outer endpoint against that mobile
 * node's own paths (at most MH_MAX_BIDS), so no table keyed by care-of
 * address and port is needed. Pure.
 *
 * The hash is seeded at random (hash.h): which home addresses collide is
 * fixed when the table is built, and an address a peer sends that is in no
 * slot costs at most the longest probe run of the configured ones
 * (max_probe, reported), whatever the peer chooses.
 */
#ifndef MIF_HA_INDEX_H
#define MIF_HA_INDEX_H

#include <stddef.h>
#include <stdint.h>

struct ha_mn;

struct ha_index {
	uint32_t *slot;         /* mobile node index + 1; 0 empty */
	size_t mask;            /* slots - 1, a power of two >= 4 n */
	uint64_t seed;
	size_t max_probe;       /* longest probe run of a configured address */
};

/* Build over n mobile nodes (mns[i].hoa); -ENOMEM, -EEXIST (a home address
 * twice). ix untouched on failure. */
int ha_index_build(struct ha_index *ix, const struct ha_mn *mns, size_t n, uint64_t seed);
void ha_index_free(struct ha_index *ix);

/* The mobile node whose home address is the 16 octets at a, or NULL. */
struct ha_mn *ha_index_find(const struct ha_index *ix, struct ha_mn *mns, const uint8_t *a);

#endif
