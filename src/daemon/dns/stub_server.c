/* SPDX-License-Identifier: MIT */
#include "daemon/dns/stub_server.h"

#include <string.h>

uint64_t stub_server_rto_ns(const struct stub_server *v)
{
	uint64_t ms;

	if (!v->has_rtt)
		return (uint64_t)STUB_RTO_INITIAL_MS * 1000000;
	/* RFC 6298 section 2.3: RTO = SRTT + max(G, 4 * RTTVAR). */
	ms = (v->srtt_us + 4 * v->rttvar_us) / 1000;
	if (ms < STUB_RTO_MIN_MS)
		ms = STUB_RTO_MIN_MS;
	if (ms > STUB_RTO_MAX_MS)
		ms = STUB_RTO_MAX_MS;
	return ms * 1000000;
}

bool stub_server_answer(struct stub_server *v, uint64_t rtt_ns)
{
	uint64_t r = rtt_ns / 1000;
	bool was_down = v->down;

	/* RFC 6298 section 5, after (5.7): once the timer was backed off,
	 * SRTT and RTTVAR are likely bogus; start again from this sample. A
	 * server that timed out and answers again (back from down, or a
	 * re-measurement) then ranks by what it does now. */
	if (was_down || v->consecutive_timeouts)
		v->has_rtt = false;
	if (!v->has_rtt) {
		/* RFC 6298 section 2.2: the first measurement. */
		v->srtt_us = r;
		v->rttvar_us = r / 2;
		v->has_rtt = true;
	} else {
		/* Section 2.3, alpha = 1/8, beta = 1/4. */
		uint64_t d = v->srtt_us > r ? v->srtt_us - r : r - v->srtt_us;

		v->rttvar_us = (3 * v->rttvar_us + d) / 4;
		v->srtt_us = (7 * v->srtt_us + r) / 8;
	}
	v->answers++;
	v->consecutive_timeouts = 0;
	v->down = false;
	v->backoff_ms = 0;
	return was_down;
}

bool stub_server_timeout(struct stub_server *v, uint64_t now_ns)
{
	uint64_t rto_us = stub_server_rto_ns(v) / 1000;

	/* Re-rank: a server that let its timeout pass is at least that slow
	 * (RFC 6298 section 5.5 backs the timer off the same way). */
	if (v->has_rtt && v->srtt_us < rto_us)
		v->srtt_us = rto_us;
	v->timeouts++;
	v->consecutive_timeouts++;
	if (v->down) {
		/* A failed probe: back off further, up to the cap. */
		v->backoff_ms = v->backoff_ms * 2 > STUB_PROBE_MAX_MS ? STUB_PROBE_MAX_MS :
			v->backoff_ms * 2;
		v->probe_at_ns = now_ns + v->backoff_ms * 1000000;
		return false;
	}
	if (v->consecutive_timeouts < STUB_DOWN_AFTER)
		return false;
	v->down = true;
	v->backoff_ms = STUB_PROBE_FIRST_MS;
	v->probe_at_ns = now_ns + v->backoff_ms * 1000000;
	return true;
}

bool stub_server_remeasure_due(struct stub_server *v, uint64_t now_ns)
{
	const uint64_t period = (uint64_t)STUB_REMEASURE_MS * 1000000;

	if (v->down || !v->has_rtt)
		return false;
	if (!v->measure_at_ns || now_ns < v->measure_at_ns) {
		if (!v->measure_at_ns)
			v->measure_at_ns = now_ns + period;
		return false;
	}
	v->measure_at_ns = now_ns + period;
	return true;
}

bool stub_server_probe_due(struct stub_server *v, uint64_t now_ns)
{
	if (!v->down || now_ns < v->probe_at_ns)
		return false;
	/* Until this probe's fate is known, no other query probes. */
	v->probe_at_ns = now_ns + (uint64_t)STUB_RTO_MAX_MS * 1000000;
	return true;
}

/* The rank of an up server: its smoothed RTT. One not measured yet
 * counts as STUB_RTT_UNKNOWN_US, as unbound does (376 ms there): asked
 * once, and so measured, when the known ones are slower than that; never
 * before a fast one. */
static uint64_t stub_server_key(const struct stub_server *v)
{
	return v->has_rtt ? v->srtt_us : STUB_RTT_UNKNOWN_US;
}

/* Insertion sort of order[0..n), stable: by rank, or by configured index. */
static void stub_server_sort(const struct stub_server *v, size_t *order, size_t n, bool by_rtt)
{
	for (size_t i = 1; i < n; i++) {
		size_t x = order[i], j = i;

		while (j > 0 && (by_rtt ? stub_server_key(&v[order[j - 1]]) > stub_server_key(&v[x])
					: order[j - 1] > x)) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = x;
	}
}

size_t stub_server_order(const struct stub_server *v, size_t n, size_t *order)
{
	size_t k = 0, up;

	for (size_t i = 0; i < n; i++)
		if (!v[i].down)
			order[k++] = i;
	up = k;
	stub_server_sort(v, order, up, true);
	/* Servers within STUB_RTT_STEP_US of the fastest of their group tie
	 * and go in configured order, so that noise does not reorder servers
	 * on one LAN (fixed 2 ms buckets would split 1.9 and 2.1 ms). */
	for (size_t g = 0, e; g < up; g = e) {
		uint64_t lim = stub_server_key(&v[order[g]]) + STUB_RTT_STEP_US;

		for (e = g + 1; e < up && stub_server_key(&v[order[e]]) < lim; e++)
			;
		stub_server_sort(v, order + g, e - g, false);
	}
	for (size_t i = 0; i < n; i++)
		if (v[i].down)
			order[k++] = i;
	return up;
}

size_t stub_server_prefer(size_t *order, size_t up, const bool *named)
{
	size_t tmp[64], k = 0, m = 0;

	if (up > sizeof(tmp) / sizeof(tmp[0]))
		return 0;
	for (size_t i = 0; i < up; i++)
		if (named[order[i]])
			tmp[k++] = order[i];
	m = k;
	for (size_t i = 0; i < up; i++)
		if (!named[order[i]])
			tmp[m++] = order[i];
	memcpy(order, tmp, up * sizeof(*order));
	return k;
}
