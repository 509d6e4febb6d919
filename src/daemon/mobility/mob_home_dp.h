/* SPDX-License-Identifier: MIT */
/*
 * The network-facing process's part of the home link (doc/mobility.md
 * "Home link"): after every move of the uplink, tell the parent whether it
 * is the home path now (MOB_WIRE_UPLINK), so that the uplink leaves the
 * home interface natively exactly while the data plane has chosen the
 * home BID: once its heartbeats re-validated it, and no longer once they
 * fail (a silent blackhole on the home link) or it is withdrawn.
 */
#ifndef MIF_DAEMON_MOBILITY_MOB_HOME_DP_H
#define MIF_DAEMON_MOBILITY_MOB_HOME_DP_H

struct mob_net;

void mob_home_dp_tell(struct mob_net *m);

#endif
