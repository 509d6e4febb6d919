/* SPDX-License-Identifier: MIT */
/*
 * Flow bindings from the policy (doc/mobility.md, "Flow bindings"): each
 * policy rule that names a PvD and selects by destination prefix,
 * protocol, port and DSCP only (engine_policy_flow_rules) becomes a flow
 * bound to the first PvD of its decision that gives a care-of path, sent
 * with the path set (MSG_MOB_PATHS) as mob_flow.h specs.
 */
#ifndef MIF_DAEMON_MOBILITY_ENGINE_MOB_FLOW_H
#define MIF_DAEMON_MOBILITY_ENGINE_MOB_FLOW_H

#include "daemon/mobility/mob_msg.h"

struct engine;

/* FIDs and FID-PRIs of policy flows: from here up, in rule order, after
 * the configured ones (which must stay below). */
#define ENGINE_MOB_FLOW_BASE 0x8000

/* Fill s->flows from the policy in force and s's paths. */
void engine_mob_flows(struct engine *e, struct msg_mob_paths *s);

#endif
