/* SPDX-License-Identifier: MIT */
#include "daemon/dns/stub_server.h"

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

bool stub_server_probe_due(struct stub_server *v, uint64_t now_ns)
{
	if (!v->down || now_ns < v->probe_at_ns)
		return false;
	/* Until this probe's fate is known, no other query probes. */
	v->probe_at_ns = now_ns + (uint64_t)STUB_RTO_MAX_MS * 1000000;
	return true;
}

size_t stub_server_order(const struct stub_server *v, size_t n, size_t *order)
{
	size_t k = 0, up;

	for (size_t i = 0; i < n; i++)
		if (!v[i].down)
			order[k++] = i;
	up = k;
	for (size_t i = 0; i < n; i++)
		if (v[i].down)
			order[k++] = i;
	return up;
}
