/* SPDX-License-Identifier: MIT */
/*
 * A structural digest of a PvD: every field its published form shows
 * (pvd_json without timers), fed field by field into a 128-bit hash,
 * without building or printing JSON. Two digests are equal when the
 * published forms are (tests/unit/test_pvd_digest.c checks this against
 * pvd_json over random changes), so the engine compares digests to decide
 * whether a PvD changed, and serialises only the PvDs that did.
 */
#ifndef MIF_DAEMON_PVD_DIGEST_H
#define MIF_DAEMON_PVD_DIGEST_H

#include "common/hash.h"
#include "daemon/pvd/pvd_json.h"

/* Seed from rand_bytes(): a peer that chooses an RA's content cannot
 * prepare two PvD forms with the same digest. c->timers is ignored. */
void pvd_digest(const struct pvd *p, const struct pvd_json_ctx *c, uint64_t seed,
		struct hash2 *ret);

#endif
