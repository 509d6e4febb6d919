/* SPDX-License-Identifier: MIT */
/*
 * The mobile node's flow bindings (RFC 6089, doc/mobility.md "Flow
 * bindings"), pure: the flows from configuration, the flow options of each
 * Binding Update, the home agent's answers, and the per-packet uplink
 * choice. Shared by mifd's network-facing process and tests/tools/mif-mn.
 *
 * A flow is sent in full (selector and BIDs) in the BU after it changed,
 * until the home agent accepted it; then only its FID, in the Flow
 * Summary. So moving one flow re-registers that flow alone: the others
 * stay as the home agent has them. A home agent that does not know a
 * summarised FID (it restarted, or another took over) answers 132 and the
 * flow is sent in full again.
 *
 * Configuration, one flow per spec, from the mobile node's view:
 *   NAME fid=N pri=N bid=B[,B...] | bid=B:W[,B:W...] | pvd=P[,P...] | pvd=P:W[,P:W...]
 *        [proto=tcp|udp|N] [remote=ADDR[-ADDR]] [rport=P[-P]] [lport=P[-P]]
 *        [dscp=N[-N]] [family=4|6]
 * One BID forwards; several are n-cast (a copy on each); B:W pairs share
 * the load by weight (each transport flow hashed to one BID). pvd= names
 * PvDs instead of BIDs (mifd: each PvD's path has its BID); the caller
 * resolves them with mob_flow_resolve() whenever its paths change.
 */
#ifndef MIF_DAEMON_MOBILITY_MOB_FLOW_H
#define MIF_DAEMON_MOBILITY_MOB_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/mh_dedup.h"
#include "proto/mh_flow.h"

#define MOB_FLOW_MAX 16
#define MOB_FLOW_OPTS_MAX 1536  /* flow options in one BU, at most */
#define MOB_FLOW_SPEC_MAX 256   /* one spec's text */

struct mn_state;

struct mob_flow {
	char name[32];
	char via[160];          /* pvd=: the PvD names (and weights), to resolve */
	struct mh_flow f;
	bool dirty;             /* to send in full */
	bool in_bu;             /* sent in full in the last BU */
	uint8_t ha_status;      /* the home agent's last answer; 255: none */
	uint64_t packets, copies;
	uint16_t last_bid;
	const char *why;        /* why last_bid (static text) */
};

struct mob_flows {
	size_t n;
	struct mob_flow e[MOB_FLOW_MAX];
	uint64_t dup_dropped;   /* n-cast copies received twice */
	uint64_t refused;       /* flows the home agent refused */
	struct mh_dedup dedup;
};

/* Parse one spec into ret. -EINVAL with a message in err. */
int mob_flow_parse(const char *spec, struct mob_flow *ret, char *err, size_t errlen);

/* A pvd= flow: its BIDs from bid_of(PvD name) (negative: no path for that
 * PvD now, and -ENOENT). */
int mob_flow_resolve(struct mob_flow *f, int (*bid_of)(const char *pvd, void *arg), void *arg);

/*
 * Replace t's flows by next (a new configuration): a flow whose FID and
 * spec are unchanged keeps its state (and is not sent again); a changed
 * or new one is dirty; a missing one is dropped (left out of the next BU,
 * the home agent removes it). Returns how many flows changed.
 */
size_t mob_flow_set(struct mob_flows *t, const struct mob_flow *next, size_t n);

/* The flow options of the next BU into out (mh_msg.extra): the changed
 * flows in full as far as cap allows (the rest wait for the next BU), the
 * others in the Flow Summary. */
int mob_flow_bu_opts(struct mob_flows *t, uint8_t *out, size_t cap, size_t *ret_len);

/* The flow options of an accepted BA: true when a flow must be sent in
 * full again (the home agent did not know its FID) or did not fit the
 * last BU. */
bool mob_flow_ba(struct mob_flows *t, const uint8_t *mh, size_t len);

/*
 * The path index for an uplink packet when a flow covers it, else -1 (the
 * default uplink). With n-cast, *ret_dup gets a second usable path or -1.
 */
int mob_flow_uplink(struct mob_flows *t, const struct mn_state *mn, const uint8_t *p,
		    size_t len, int *ret_dup);

/* Whether a downlink packet is a second copy of an n-cast flow's packet. */
bool mob_flow_dup_in(struct mob_flows *t, const uint8_t *p, size_t len, long long now_ms);

#endif
