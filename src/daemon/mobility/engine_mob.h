/* SPDX-License-Identifier: MIT */
/*
 * The engine's part of the mobile-node role (doc/mobility.md): which PvDs
 * give care-of paths, their Binding Identifiers and BID-PRI, sent to the
 * parent as MSG_MOB_PATHS whenever the set changes. A PvD gives a path
 * when its interface is up, it has a usable address of a family the home
 * agent is reached with (IPv6 first), and its connectivity checks passed
 * (valid or partial; any state when the checks are off). A link that goes
 * down or an address that goes takes its path out in the same sync.
 */
#ifndef MIF_DAEMON_MOBILITY_ENGINE_MOB_H
#define MIF_DAEMON_MOBILITY_ENGINE_MOB_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "daemon/mobility/mob_config.h"
#include "daemon/mobility/mob_msg.h"

/* One home address ([mobility] first, then each [mobility NAME]): its
 * own BIDs at its own home agent, reached with its own families. */
struct engine_mob_home {
	bool want6, want4;
	bool nested;                            /* its via names a home address */
	uint32_t n_sent;                        /* paths in the last set sent */
	char slot[MOB_MAX_PATHS][PVD_ID_MAX];   /* BID i + 1 belongs to this PvD id */
	uint64_t hash;
	bool sent;
};

struct engine_mob {
	bool enabled;
	char prefer[MOB_MAX_PREFER][IFNAMSIZ];
	size_t n_prefer;
	char tun[IFNAMSIZ];
	struct mob_hoa hoa[MOB_MAX_HOAS];       /* for the pairing rule (mob_hoa.h) */
	struct engine_mob_home home[MOB_MAX_HOAS];
	size_t n_homes;
	uint64_t sets;                          /* path sets sent */
};

struct engine;

void engine_mob_set_config(struct engine *e, const struct mob_config *c);
/* After every sync: send each home address's path set to the parent if
 * it changed. */
void engine_mob_publish(struct engine *e);

#endif
