/* SPDX-License-Identifier: MIT */
/*
 * One upstream DNS server's health, as pure functions of time (unit
 * tested): the RFC 6298 RTT estimator gives each server its own
 * retransmission timeout; three timeouts in a row mark a server down;
 * a down server is probed again after an exponential back-off and is
 * used first again as soon as it answers (fail back). The baseline is the
 * Windows schedule of the current-practices document, section 3.2.1
 * (1 s, then 2 s, then 4 s), which waits a full second for a dead server.
 */
#ifndef MIF_DAEMON_STUB_SERVER_H
#define MIF_DAEMON_STUB_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STUB_RTO_INITIAL_MS 1000   /* no sample yet: the Windows first step */
#define STUB_RTO_MIN_MS 200
#define STUB_RTO_MAX_MS 2000
#define STUB_DOWN_AFTER 3          /* timeouts in a row */
#define STUB_PROBE_FIRST_MS 1000
#define STUB_PROBE_MAX_MS 16000
#define STUB_RTT_STEP_US 10000     /* RTTs this close to the fastest tie */
#define STUB_RTT_UNKNOWN_US 300000 /* the rank of a server not measured yet */
#define STUB_REMEASURE_MS 15000    /* a server not asked first is measured this often */

struct stub_server {
	bool has_rtt;
	uint64_t srtt_us, rttvar_us;
	unsigned consecutive_timeouts;
	bool down;
	uint64_t probe_at_ns;          /* down: when it may be probed again */
	uint64_t backoff_ms;
	uint64_t measure_at_ns;        /* up, not asked first: when to measure it again */
	uint64_t sent, answers, timeouts, failures;
};

/* The timeout to wait for this server, in ns. */
uint64_t stub_server_rto_ns(const struct stub_server *v);
/* An answer came after rtt_ns (any rcode: the server is alive). Returns
 * true if the server was down and is now up again. */
bool stub_server_answer(struct stub_server *v, uint64_t rtt_ns);
/* No answer within its timeout. Returns true if it just went down. */
bool stub_server_timeout(struct stub_server *v, uint64_t now_ns);
/* A down server whose back-off has passed: due for a probe. Taking the
 * probe pushes the next one back (so one query probes, not all). */
bool stub_server_probe_due(struct stub_server *v, uint64_t now_ns);

/* An up server that is not asked first (index > 0 in the order) is
 * measured again every STUB_REMEASURE_MS with a copy of a query, so that
 * its rank follows what it does now (one slow answer or one timeout must
 * not keep it last for good). Taking the measurement pushes the next back. */
bool stub_server_remeasure_due(struct stub_server *v, uint64_t now_ns);

/*
 * The order to ask n servers in (issue 19): servers that are up, by
 * smoothed RTT (a timeout counts as an RTT of the timeout waited; not
 * measured yet: STUB_RTT_UNKNOWN_US), those within STUB_RTT_STEP_US of the
 * fastest of their group tied and in their configured order (so a
 * recovered primary is first again unless another is measurably faster);
 * then down ones. Groups start at their fastest member, so a third
 * server's move can regroup two others (tested in test_stub_server.c).
 * Re-ranked at every query, as answers and timeouts move the estimates. Writes indexes to
 * order[0..n). Returns how many are up.
 */
size_t stub_server_order(const struct stub_server *v, size_t n, size_t *order);

/*
 * RFC 6731: servers named for the query's domain first. Moves the indexes
 * i of order[0..up) with named[i] set before the others, keeping each
 * group's order (RTT rank); down servers (past up) stay last. Returns how
 * many named servers lead.
 */
size_t stub_server_prefer(size_t *order, size_t up, const bool *named);

#endif
