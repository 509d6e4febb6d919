/* SPDX-License-Identifier: MIT */
/*
 * The engine's side of the connectivity checks (conn.h): per PvD, when to
 * check it, the last result, and the state it gives the PvD (pvd->conn).
 * A check starts when the PvD appears and whenever what it is checked
 * through changes (interface, source addresses, DNS servers, router,
 * RFC 8910 URI); again after 1 s, 2 s, 4 s... (capped) while the PvD is
 * not valid; and every interval_s while it is. Each check is a typed
 * message to the network-facing process with a deadline: one that does
 * not come back in time frees its slot and is counted.
 */
#ifndef MIF_DAEMON_ENGINE_CONN_H
#define MIF_DAEMON_ENGINE_CONN_H

#include <event2/event.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/hash.h"
#include "daemon/connectivity/conn.h"

#define ENGINE_CONN_MAX_INFLIGHT 16
#define ENGINE_CONN_STALL_MS 500     /* deadline of a check after a stall */

struct engine_conn_pvd {
	uint64_t handle;
	uint32_t token;              /* of the check in flight, 0: none */
	uint64_t deadline;           /* of that check, monotonic ns */
	uint64_t next_at;            /* of the next check */
	uint32_t backoff_s;
	struct hash2 inputs;         /* what the last check went through */
	bool has_inputs;
	bool has_result;
	struct conn_result last;
	const char *why;             /* static text: what the state rests on */
	uint64_t result_ns, changed_ns;
	uint32_t srtt_ms;            /* smoothed HTTP probe time (RFC 6298 weights) */
	uint64_t checks, lapsed, stalls;
	bool stall;                  /* the next check follows a stall: short deadline */
	char login[CONN_LOCATION_MAX];   /* a portal's login page */
};

struct engine_conn {
	struct conn_config cfg;
	struct engine_conn_pvd *v;
	size_t n, cap;
	struct event *timer;
	uint32_t next_token;
	unsigned inflight;
	uint64_t started, results, lapsed, unsent, bad, hints;
};

struct engine;
struct pvd;
struct ipc_msg;

int engine_conn_init(struct engine *e);
void engine_conn_free(struct engine *e);
void engine_conn_set_config(struct engine *e, const struct conn_config *c);
/* After every sync: notice new and changed PvDs, start what is due. */
void engine_conn_sync(struct engine *e);
/* MSG_PROBE_RESULT from the network-facing process. */
void engine_conn_result(struct engine *e, const struct ipc_msg *m);
/* MSG_PROBE_HINT: a PvD's traffic stalls; check it now (at most once a
 * second), with a short deadline. */
void engine_conn_hint(struct engine *e, const struct ipc_msg *m);
/* The "connectivity" object of a PvD's JSON (NULL when checks are off). */
json_t *engine_conn_pvd_json(struct engine *e, const struct pvd *p);
json_t *engine_conn_status_json(const struct engine *e);

#endif
