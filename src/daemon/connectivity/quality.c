/* SPDX-License-Identifier: MIT */
#include "daemon/connectivity/quality.h"

void quality_sample(struct quality *q, bool lost, uint32_t rtt_us)
{
	q->lost_bits = q->lost_bits << 1 | (lost ? 1u : 0u);
	if (q->n_window < QUALITY_WINDOW)
		q->n_window++;
	q->samples++;
	if (lost) {
		q->lost++;
		return;
	}
	/* RFC 6298 section 2.2 and 2.3, alpha 1/8 and beta 1/4. */
	if (!q->srtt_us) {
		q->srtt_us = rtt_us ? rtt_us : 1;
		q->rttvar_us = rtt_us / 2;
		return;
	}
	uint32_t d = q->srtt_us > rtt_us ? q->srtt_us - rtt_us : rtt_us - q->srtt_us;

	q->rttvar_us = (uint32_t)(((uint64_t)q->rttvar_us * 3 + d) / 4);
	q->srtt_us = (uint32_t)(((uint64_t)q->srtt_us * 7 + rtt_us) / 8);
	if (!q->srtt_us)
		q->srtt_us = 1;
}

bool quality_passive_fresh(const struct quality *q, uint64_t now_ns)
{
	return q->p_seen_ns && now_ns - q->p_seen_ns < QUALITY_PASSIVE_FRESH_NS;
}

bool quality_passive(struct quality *q, const struct quality_report *r, uint64_t now_ns)
{
	uint32_t pm, retrans = r->retrans > r->segs ? r->segs : r->retrans;
	bool fresh = quality_passive_fresh(q, now_ns);

	/* Reports too small to mean anything add up until they do, for up
	 * to a minute: a transfer on a lossy path can send a few segments in
	 * 10 s (its RTO inflated by RTT samples from late ACKs) and still be
	 * the one to report. */
	if (q->p_acc_at && now_ns - q->p_acc_at >= QUALITY_PASSIVE_SUM_NS)
		q->p_acc_segs = q->p_acc_retrans = 0;
	if (!q->p_acc_segs)
		q->p_acc_at = now_ns;
	q->p_acc_segs += r->segs;
	q->p_acc_retrans += retrans;
	/* A connection whose retransmission timer fired and went unanswered
	 * sends one segment per timeout, and each timeout doubles the next
	 * (RFC 6298 section 5.5): its sum never reaches the minimum, however
	 * poor the path. The kernel's word that it is in back-off is the
	 * measurement: what was summed counts now, and while nothing new is
	 * sent a current figure made in back-off stays current. */
	if (q->p_acc_segs < QUALITY_PASSIVE_MIN_SEGS && !(r->backoff && q->p_acc_segs)) {
		if (fresh) {
			if (r->backoff && q->p_made_in_backoff)
				q->p_seen_ns = now_ns;
			q->p_sockets = r->sockets;
			q->p_backoff = r->backoff;
		}
		return false;
	}
	pm = (uint32_t)((uint64_t)q->p_acc_retrans * 1000 / q->p_acc_segs);
	q->p_acc_segs = q->p_acc_retrans = 0;
	q->p_acc_at = 0;
	q->p_loss_pm = fresh ? (q->p_loss_pm * 3 + pm) / 4 : pm;
	q->p_rtt_us = fresh && r->rtt_us ?
		(uint32_t)(((uint64_t)q->p_rtt_us * 3 + r->rtt_us) / 4) : r->rtt_us;
	q->p_sockets = r->sockets;
	q->p_backoff = r->backoff;
	q->p_made_in_backoff = r->backoff > 0;
	q->p_at_ns = q->p_seen_ns = now_ns;
	return true;
}

uint32_t quality_loss_pm(const struct quality *q)
{
	uint32_t mask = q->n_window >= 32 ? UINT32_MAX : (1u << q->n_window) - 1;
	uint32_t bits = q->lost_bits & mask, n = 0;

	if (!q->n_window)
		return 0;
	for (; bits; bits &= bits - 1)
		n++;
	return n * 1000 / q->n_window;
}

bool quality_passive_alarm(const struct quality *q, const struct quality_floor *f,
			   uint64_t now_ns)
{
	return f->max_loss_pct && quality_passive_fresh(q, now_ns) &&
	       q->p_loss_pm > f->max_loss_pct * 10;
}

bool quality_judge(struct quality *q, const struct quality_floor *f, const char **why)
{
	uint32_t loss = quality_loss_pm(q);
	bool lossy, slow;

	if (q->n_window < QUALITY_MIN_SAMPLES) {
		*why = q->poor ? "under the floor (too few new samples to say otherwise)" :
			"too few samples yet";
		return q->poor;
	}
	if (q->poor) {
		lossy = f->max_loss_pct && loss > f->max_loss_pct * 10 * 3 / 4;
		slow = f->max_rtt_ms && q->srtt_us > f->max_rtt_ms * 1000;
	} else {
		lossy = f->max_loss_pct && loss > f->max_loss_pct * 10;
		slow = f->max_rtt_ms && q->srtt_us > f->max_rtt_ms * 1000;
	}
	q->poor = lossy || slow;
	*why = lossy ? "its loss rate is over the configured floor" :
	       slow ? "its round-trip time is over the configured floor" :
		      "within the configured floor";
	return q->poor;
}
