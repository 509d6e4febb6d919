/* SPDX-License-Identifier: MIT */
/* The JSON form of a PvD, as documented in doc/control-protocol.md. */
#ifndef MIF_DAEMON_PVD_JSON_H
#define MIF_DAEMON_PVD_JSON_H

#include <jansson.h>
#include <stdbool.h>

#include "daemon/pvd/pvd.h"
#include "common/hash.h"
#include "daemon/engine/view.h"

struct pvd_json_ctx {
	const struct view *view;
	uint64_t now;
	/* false: leave out the ticking "expires_in" values, giving a digest
	 * that changes only when the PvD's content changes. */
	bool timers;
	/* Is this address one mifd formed itself (SLAAC for a nested prefix)? */
	bool (*own_addr)(void *ctx, int ifindex, const uint8_t addr[16]);
	void *own_ctx;
	/* More fields for p from the owner (DHCP client state), merged in; may
	 * be NULL or return NULL. Called with own_ctx. */
	json_t *(*extra)(void *ctx, const struct pvd *p, bool timers);
	/* What extra shows without timers, fed into a digest (pvd_digest.h). */
	void (*extra_digest)(void *ctx, const struct pvd *p, struct hash2 *h);
};

json_t *pvd_json(const struct pvd *p, const struct pvd_json_ctx *c);
/* Short form for pvd-removed events: id, handle, explicit. */
json_t *pvd_json_ref(const struct pvd *p);
/* One encrypted resolver (RFC 9463 DNR): ADN, priority, addresses, alpn,
 * port, dohpath, where it came from and its lifetime (null: infinite). */
json_t *pvd_dnr_json(const struct pvd_dnr *x);

#endif
