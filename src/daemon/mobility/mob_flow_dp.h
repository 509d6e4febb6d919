/* SPDX-License-Identifier: MIT */
/*
 * Flow bindings in mifd's mobile node (network-facing process): the
 * [mobility] flow = lines (mob_flow.h) resolved against the paths the
 * parent gave (a pvd= flow takes the BIDs of those PvDs' paths), kept in
 * step as paths come and go, and their state for mifctl mobility.
 */
#ifndef MIF_DAEMON_MOBILITY_MOB_FLOW_DP_H
#define MIF_DAEMON_MOBILITY_MOB_FLOW_DP_H

#include <jansson.h>

struct mob_net;

/* Resolve the configured flows against the current paths; a change is
 * registered at once (the changed flows alone, in full). */
void mob_flow_dp_refresh(struct mob_net *m);

/* The flows for mifctl mobility: which BID each uses and why. */
json_t *mob_flow_dp_json(const struct mob_net *m);

#endif
