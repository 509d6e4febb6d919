/* SPDX-License-Identifier: MIT */
/*
 * Path quality of one PvD (issue 13, item 4; problem statement 4.4 case 2,
 * a network whose layer 2 is up but too poor to carry traffic): moving
 * statistics of round-trip time and loss, from light active samples (a
 * query to the PvD's own DNS server, through the PvD) and from the
 * passive signal of the TCP connections that already use it (sock_diag:
 * each socket's smoothed RTT and its retransmitted share of segments).
 * Pure: the caller gives the clock.
 *
 * The verdict (under the configured floor or not) rests on the active
 * samples only: a retransmission ratio also rises with congestion that
 * the application causes itself, so passive loss over the floor asks for
 * an active round at once instead of condemning the network.
 */
#ifndef MIF_DAEMON_QUALITY_H
#define MIF_DAEMON_QUALITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define QUALITY_WINDOW 20            /* active samples the loss rate is over */
#define QUALITY_MIN_SAMPLES 10       /* before any verdict */
#define QUALITY_PASSIVE_FRESH_NS 10000000000ull   /* passive figures older: not shown */
#define QUALITY_PASSIVE_MIN_SEGS 20  /* a smaller report is not a measurement */
#define QUALITY_PASSIVE_SUM_NS 60000000000ull     /* small reports add up this long */

struct quality_floor {
	uint32_t max_loss_pct;       /* 0: loss never condemns */
	uint32_t max_rtt_ms;         /* 0: RTT never condemns */
};

struct quality {
	/* Active: RFC 6298 section 2 estimators over answered samples. */
	uint32_t srtt_us, rttvar_us;
	uint32_t lost_bits;          /* bit i: the i-th latest sample was lost */
	uint8_t n_window;            /* samples in lost_bits, up to QUALITY_WINDOW */
	uint64_t samples, lost;      /* since the PvD appeared */
	/* Passive: the PvD's TCP sockets, 1/4 weight per report. */
	uint32_t p_rtt_us;
	uint32_t p_loss_pm;          /* retransmitted share of segments, per mille */
	uint32_t p_sockets;          /* at the last report (the rest: of the figure) */
	uint32_t p_backoff;          /* of them in retransmission back-off, then */
	uint64_t p_at_ns;            /* when the figure was made, 0 never */
	uint64_t p_seen_ns;          /* made, or confirmed by a report in back-off */
	bool p_made_in_backoff;      /* a connection was in back-off when it was made */
	uint32_t p_acc_segs, p_acc_retrans;   /* small reports adding up */
	uint64_t p_acc_at;           /* when the first of them came */
	bool poor;                   /* the verdict, with hysteresis */
};

/* One active sample: lost, or answered after rtt_us. */
void quality_sample(struct quality *q, bool lost, uint32_t rtt_us);
/* One passive report: what a PvD's TCP connections did since the last. */
struct quality_report {
	uint32_t sockets;            /* established connections */
	uint32_t rtt_us;             /* their mean smoothed RTT */
	uint32_t segs, retrans;      /* segments sent, of them retransmitted */
	uint32_t backoff;            /* connections whose RTO fired unanswered, now */
};
/* Reports of fewer than QUALITY_PASSIVE_MIN_SEGS segments add up (for at
 * most QUALITY_PASSIVE_SUM_NS) until they reach it, unless a connection is in
 * back-off: then the sum counts as it is, and a report with nothing new
 * keeps the last figure fresh. True when a new figure was made (only
 * that may ask for a round: a connection to a peer that died stays in
 * back-off for minutes and is no news about the path each second). */
bool quality_passive(struct quality *q, const struct quality_report *r, uint64_t now_ns);
/* Loss over the window of active samples, per mille (0 when empty). */
uint32_t quality_loss_pm(const struct quality *q);
/* Is the passive figure current: made or confirmed in the last
 * QUALITY_PASSIVE_FRESH_NS? */
bool quality_passive_fresh(const struct quality *q, uint64_t now_ns);
/* Is the passive figure fresh and over the floor's loss (ask for a round)? */
bool quality_passive_alarm(const struct quality *q, const struct quality_floor *f,
			   uint64_t now_ns);
/*
 * Update and return the verdict: poor when, over at least
 * QUALITY_MIN_SAMPLES, the loss exceeds max_loss_pct or the smoothed RTT
 * exceeds max_rtt_ms; poor again only after the loss falls to three
 * quarters of the floor and the RTT to the floor (hysteresis, so a
 * network on the edge does not flap). why: a static reason.
 */
bool quality_judge(struct quality *q, const struct quality_floor *f, const char **why);

#endif
