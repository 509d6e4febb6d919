/* SPDX-License-Identifier: MIT */
/* Per-PvD routing in the engine (see route_plan.h for the layout). */
#ifndef MIF_DAEMON_ENGINE_ROUTE_H
#define MIF_DAEMON_ENGINE_ROUTE_H

#include <jansson.h>

#include "common/log.h"
#include "daemon/routing/route_plan.h"

struct engine;
struct event;
struct ipc_msg;

/*
 * Putting back an entry of ours that the kernel refused or someone removed:
 * the first try at once, then ROUTE_RETRY_MIN_MS doubling up to
 * ROUTE_RETRY_MAX_MS; an entry quiet for ROUTE_RETRY_FORGET_MS starts over.
 * At most ROUTE_MAX_RETRY entries are tracked; others wait for the next
 * change.
 */
#define ROUTE_RETRY_MIN_MS 100
#define ROUTE_RETRY_MAX_MS 30000
#define ROUTE_RETRY_FORGET_MS 60000
#define ROUTE_MAX_RETRY 64
/*
 * How long a route or rule request may stay unanswered. The kernel ACKs
 * before the kernel side's sendto() returns, and the kernel side answers
 * every request (MSG_RT_ACK), so after 5 s the answer was lost (a full
 * channel, a kernel side that restarted): everything still in flight is
 * forgotten, counted as lost, and reconciled afresh (a second add of what
 * is already there is answered EEXIST or replaces it: harmless).
 */
#define ROUTE_ACK_DEADLINE_MS 5000

struct route_retry {
	bool rule;
	bool removed;                /* taken away: count it repaired once ACKed */
	unsigned attempts;
	uint64_t last_ns;            /* monotonic: the last trouble */
	uint64_t next_ns;            /* not sent again before */
	union {
		struct nl_route route;
		struct nl_rule rule;
	} u;
};

#define ROUTE_MAX_LOOKUPS 32
/*
 * How long a route.get waits for the kernel side's answer. The kernel
 * answers RTM_GETROUTE before sendto() returns and the kernel side gives
 * up after KERN_LOOKUP_DEADLINE_MS (2 s), so 3 s leaves a second for a
 * busy loop; later, the message was lost (a full channel, a kernel side
 * that restarted) and the slot would otherwise be held for good.
 */
#define ROUTE_LOOKUP_DEADLINE_MS 3000

/* Why the routing default left a PvD; the first three are failovers. */
enum er_move { ER_MOVE_CONNECTIVITY, ER_MOVE_QUALITY, ER_MOVE_ROUTE, ER_MOVE_GONE,
	       ER_MOVE_BETTER, ER_MOVE__MAX };

struct engine_route {
	struct route_cfg cfg;
	struct route_tables tables;
	struct route_plan installed, desired;
	bool ready;                  /* initial dump seen and the table range checked */
	char error[256];             /* why routing is off, "" if it is on */
	uint64_t messages, changes, kernel_errors;
	uint64_t last_messages;      /* netlink requests sent by the last change */
	struct {
		uint32_t token;      /* 0: free */
		uint64_t pvd;        /* PvD asked for, 0 none */
		char why[512];
		char dst[64];
		uint64_t deadline_ns; /* monotonic: answered -ETIMEDOUT then */
	} lookups[ROUTE_MAX_LOOKUPS];
	uint32_t next_token;
	struct event *lookup_timer;  /* sweeps lapsed lookups (engine_route_get.c) */
	uint32_t lookup_deadline_ms; /* ROUTE_LOOKUP_DEADLINE_MS; tests shorten it */
	uint64_t lookups_lapsed;     /* answered -ETIMEDOUT by the engine */
	uint64_t lookups_kernel_lapsed; /* answered -ETIMEDOUT by the kernel side */
	uint64_t lookups_late;       /* answers for no waiting lookup, ignored */
	/* installed: what the kernel confirmed (ACK, dump, event); adding and
	 * deleting: requests sent and not yet ACKed (engine_route.c). */
	struct route_plan adding, deleting;
	struct route_retry retry[ROUTE_MAX_RETRY];
	size_t n_retry;
	struct event *retry_timer;
	uint64_t retry_at;           /* monotonic ns the timer fires, 0 idle */
	uint64_t repaired, refused;
	uint64_t inflight_since;     /* monotonic ns the in-flight set was last empty; 0 */
	uint32_t ack_deadline_ms;    /* ROUTE_ACK_DEADLINE_MS; tests shorten it */
	uint64_t acks_lost;          /* requests forgotten at the deadline */
	uint64_t coalesced;          /* changes applied later, with others (backlog) */
	struct log_ratelimit refuse_rl;
	uint64_t moves[ER_MOVE__MAX];  /* default moves by reason (engine_route_moves.c) */
};

/* engine_route.c: the kernel side's answers and reports about our entries. */
void engine_route_ack(struct engine *e, const struct ipc_msg *m);
void engine_route_kernel_route(struct engine *e, const struct nl_route *r, bool gone);
void engine_route_kernel_rule(struct engine *e, const struct nl_rule *r, bool gone);
void engine_route_repair_json(struct engine *e, json_t *o);
/* engine_route_moves.c: count why the default moved from before[fam]
 * (after a sync), and show the counts (.routing.default_changes). */
void engine_route_count_moves(struct engine *e, const uint64_t before[2]);
void engine_route_moves_json(struct engine *e, json_t *o);

/* Results of route.get go back through this (set by the control socket). */
typedef void (*engine_route_reply_cb)(void *ctx, uint32_t token, int err, json_t *result,
				      const char *msg);

#endif
