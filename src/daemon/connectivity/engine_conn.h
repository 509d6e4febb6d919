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
#include "daemon/connectivity/quality.h"
#include "proto/pvdinfo.h"

#define ENGINE_CONN_MAX_INFLIGHT 16
#define ENGINE_CONN_STALL_MS 500     /* deadline of a check after a stall */
#define ENGINE_CONN_ADDR_WAITS 4     /* 1+2+4+8 s for a first address before "failed" */

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
	unsigned waits;              /* checks put off for want of an address */
	char login[CONN_LOCATION_MAX];   /* a portal's login page */
	uint8_t probe_state;         /* what the last check alone said (enum conn_state) */
	const char *probe_why;
	/* Path quality (engine_quality.c). */
	struct quality q;
	uint32_t q_token;            /* of the round in flight, 0: none */
	uint64_t q_deadline, q_next_at;
	uint32_t q_backoff_s;
	uint32_t q_last_lost;        /* samples the last round lost */
	bool q_armed;                /* rounds are due for this PvD */
	int32_t q_err;               /* the last round's, 0 none */
	const char *q_why;
	/* RFC 8801 additional information (engine_pvdinfo.c). */
	enum { INFO_NONE, INFO_PENDING, INFO_FETCHING, INFO_OK, INFO_FAILED } info_state;
	bool info_seq_known;
	uint16_t info_seq;
	uint32_t info_token;
	uint64_t info_at;            /* pending: fetch; fetching: deadline; ok: refetch */
	uint64_t info_last_ns;       /* last fetch started */
	char info_err[128];
	struct pvdinfo info;
};

struct engine_conn {
	struct conn_config cfg;
	struct engine_conn_pvd *v;
	size_t n, cap;
	struct event *timer;
	uint32_t next_token;
	unsigned inflight;
	uint64_t started, results, lapsed, unsent, bad, hints;
	uint64_t q_rounds, q_results, q_lapsed, q_alarms;
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

/* Shared by engine_conn.c and engine_pvdinfo.c. m's ifindex, src4 and
 * src6 (the PvD's own addresses there) are filled whenever p has an
 * interface, even when it returns false for want of a DNS server: the
 * bind table's SNAT sources use them (bind/engine_bind.c). */
struct msg_probe_start;
bool engine_conn_inputs(struct engine *e, const struct pvd *p, struct msg_probe_start *m,
			const char **why);
void engine_conn_set_state(struct engine *e, struct pvd *p, struct engine_conn_pvd *r,
			   enum conn_state s, const char *why);
void engine_conn_arm_now(struct engine *e);
struct engine_conn_pvd *engine_conn_find(struct engine *e, uint64_t handle);

/* engine_pvdinfo.c: RFC 8801 section 4, for explicit PvDs with the H flag. */
void engine_pvdinfo_sync(struct engine *e, struct pvd *p, struct engine_conn_pvd *r,
			 uint64_t now);
void engine_pvdinfo_run(struct engine *e, struct pvd *p, struct engine_conn_pvd *r,
			uint64_t now);
/* The next time a PvD's fetch needs attention, or UINT64_MAX. */
uint64_t engine_pvdinfo_next(const struct engine_conn_pvd *r);
void engine_pvdinfo_result(struct engine *e, const struct ipc_msg *m);
json_t *engine_pvdinfo_json(const struct engine_conn_pvd *r);

/* engine_quality.c: path quality (issue 13 item 4). */
void engine_quality_run(struct engine *e, struct pvd *p, struct engine_conn_pvd *r,
			uint64_t now);
uint64_t engine_quality_next(const struct engine_conn_pvd *r);
/* MSG_QUALITY_RESULT and MSG_QUALITY_PASSIVE from the network-facing process. */
void engine_quality_result(struct engine *e, const struct ipc_msg *m);
void engine_quality_passive(struct engine *e, const struct ipc_msg *m);
/* The check's state, or failed while the path is under the floor. */
void engine_quality_apply(struct engine *e, struct pvd *p, struct engine_conn_pvd *r);
json_t *engine_quality_json(const struct engine *e, const struct engine_conn_pvd *r);

#endif
