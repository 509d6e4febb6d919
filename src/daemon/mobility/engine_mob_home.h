/* SPDX-License-Identifier: MIT */
/*
 * The home link in the engine (doc/mobility.md "Home link"; RFC 5648 5.6,
 * RFC 6275 11.5.1 and 11.5.5, analysis 6.2.2): a PvD whose usable address
 * lies in the home prefix (home_address = ADDR/LEN, LEN below 128) is the
 * home link, detected as RFC 6275 11.5.5 says, by the home subnet prefix
 * being on-link again. It gives the home path: its care-of address is the
 * home address itself, registered with the H flag, BID-PRI 0; the foreign
 * paths then start at BID-PRI 1, so the home link is always first at both
 * ends. The path set names it (msg_mob_home) with its router, for the
 * parent's native uplink.
 */
#ifndef MIF_DAEMON_MOBILITY_ENGINE_MOB_HOME_H
#define MIF_DAEMON_MOBILITY_ENGINE_MOB_HOME_H

#include <stdbool.h>

#include "daemon/mobility/mob_msg.h"

struct engine;
struct pvd;

/* Whether m (a candidate of PvD p whose address the pairing rule found at
 * home) is the home path: then its care-of address becomes the home
 * address. */
bool engine_mob_home_path(const struct engine *e, const struct pvd *p, struct msg_mob_path *m);
/* BID-PRI and reason of a path after the preference order: 0 for the
 * home path, one more for the others when a home link can exist. */
void engine_mob_home_pri(const struct engine *e, struct msg_mob_path *m);
/* After the BIDs: name the home path and its router in s->home; any
 * further home path (another interface on the home link) is left out
 * while the first is there. */
void engine_mob_home_fill(struct engine *e, struct msg_mob_paths *s);

#endif
