/* SPDX-License-Identifier: MIT */
/*
 * Path quality, the network-facing process's side (issue 13, item 4):
 *
 * - active: each MSG_QUALITY_START is a round of a few samples, gap_ms
 *   apart, each a query for the HTTP probe's host to the PvD's first DNS
 *   server from the PvD's address on its interface (probe_dns.c). A
 *   resolver answers such a name from its cache, so the time is the
 *   round trip through the access network; no answer within the sample's
 *   timeout is a loss. About 250 bytes a sample (IPv6, query and answer).
 * - passive: the TCP sockets that probe_stall.c reads every quarter
 *   second; per socket, the segments sent and retransmitted since the
 *   last reading, summed per PvD (by the prefix that holds the socket's
 *   source) and sent every second as MSG_QUALITY_PASSIVE with the mean of
 *   the sockets' smoothed RTT and how many are in retransmission back-off
 *   (sent even when they sent nothing: such a connection is the one that
 *   says most about the path).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "common/log.h"
#include "daemon/connectivity/probe_priv.h"
#include "daemon/connectivity/quality.h"
#include "common/hash.h"
#include "daemon/control/netview.h"
#include "proto/sockdiag.h"

#define PQ_MAX_JOBS 32
#define PQ_MAX_SOCKS 4096
#define PQ_REPORT_NS 1000000000ull

struct pq_job {
	LIST_ENTRY(pq_job) e;
	struct probe_quality *pq;
	struct msg_quality_start m;
	struct msg_quality_result res;
	struct probe_lookup l;
	struct event *gap;
};

/* One socket's counters at the last reading, keyed by its addresses. */
struct pq_sock {
	uint64_t key;
	uint32_t segs, retrans;
};

struct pq_pvd {
	uint64_t handle;
	uint32_t sockets, segs, retrans;
	uint32_t backoff;            /* summed over readings, as sockets */
	uint64_t rtt_sum;
};

struct probe_quality {
	struct event_base *base;
	struct netview *nv;
	char host[256];
	LIST_HEAD(, pq_job) jobs;
	unsigned n_jobs;
	uint64_t rounds, refused;
	/* passive */
	struct pq_sock *prev, *cur;
	size_t n_prev, n_cur;
	struct pq_pvd pvds[PROBE_MAX_PVDS];
	size_t n_pvds;
	unsigned readings;           /* since the last report */
	uint64_t last_report;
};

static void pq_job_free(struct pq_job *j)
{
	probe_lookup_stop(&j->l);
	if (j->gap)
		event_free(j->gap);
	LIST_REMOVE(j, e);
	j->pq->n_jobs--;
	free(j);
}

static void pq_finish(struct pq_job *j, int err)
{
	j->res.err = err;
	if (netview_send(j->pq->nv, MSG_QUALITY_RESULT, &j->res, sizeof(j->res)) < 0)
		log_debug("connectivity: a quality result was not sent");
	pq_job_free(j);
}

static void pq_next(struct pq_job *j);

static void pq_gap_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	pq_next(arg);
}

static void pq_sample_done(struct probe_lookup *l, void *ctx)
{
	struct pq_job *j = ctx;
	uint32_t i = j->res.n;
	struct timeval tv = { j->m.gap_ms / 1000, (suseconds_t)(j->m.gap_ms % 1000) * 1000 };

	switch (l->err) {
	case 0:
	case -ENOENT:
	case -ENODATA:
	case -EPROTO:
	case -ECONNREFUSED:       /* an ICMP error came back: the path carries */
		j->res.rtt_us[i] = (uint32_t)((log_now_ns() - l->t0) / 1000u);
		break;
	case -ETIMEDOUT:
	case -ENETUNREACH:
	case -EHOSTUNREACH:
		j->res.lost_bits |= 1u << i;
		break;
	default:                  /* no server, no address: not a sample */
		pq_finish(j, l->err);
		return;
	}
	j->res.n++;
	if (j->res.n >= j->m.samples) {
		pq_finish(j, 0);
		return;
	}
	if (!j->gap && !(j->gap = evtimer_new(j->pq->base, pq_gap_cb, j))) {
		pq_finish(j, -ENOMEM);
		return;
	}
	evtimer_add(j->gap, &tv);
}

static void pq_next(struct pq_job *j)
{
	bool v6 = !IN6_IS_ADDR_UNSPECIFIED(&j->m.in.src6);

	/* One server: a sample is that server's round trip, or a loss. */
	probe_lookup_start(&j->l, j->pq->base, &j->m.in, j->pq->host, v6, j->m.in.timeout_ms,
			   1, pq_sample_done, j);
}

void probe_quality_start(struct probe_quality *pq, const struct msg_quality_start *m)
{
	struct pq_job *j;

	if (pq->n_jobs >= PQ_MAX_JOBS || m->samples == 0 || m->samples > MSG_QUALITY_MAX_SAMPLES ||
	    m->in.timeout_ms == 0 || m->in.timeout_ms > 60000 || m->gap_ms > 60000 ||
	    !(j = calloc(1, sizeof(*j)))) {
		struct msg_quality_result r = { .token = m->in.token, .handle = m->in.handle,
						 .err = -EBUSY };

		pq->refused++;
		netview_send(pq->nv, MSG_QUALITY_RESULT, &r, sizeof(r));
		return;
	}
	j->pq = pq;
	j->m = *m;
	probe_lookup_idle(&j->l);
	j->res.token = m->in.token;
	j->res.handle = m->in.handle;
	LIST_INSERT_HEAD(&pq->jobs, j, e);
	pq->n_jobs++;
	pq->rounds++;
	pq_next(j);
}

/* ---- passive ---- */

static int pq_sock_cmp(const void *a, const void *b)
{
	const struct pq_sock *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

static uint64_t pq_key(const struct sockdiag_tcp *t)
{
	struct hash2 h;

	hash2_init(&h, 0);
	hash2_bytes(&h, &t->src, 16);
	hash2_bytes(&h, &t->dst, 16);
	hash2_u64(&h, (uint64_t)t->sport << 16 | t->dport);
	return h.a ^ h.b;
}

void probe_quality_sock(struct probe_quality *pq, const struct sockdiag_tcp *t)
{
	uint64_t handles[PROBE_MAX_PVDS];
	struct pq_sock now, *old;
	size_t n;

	if (!t->has_info || !t->has_segs || t->state != 1 /* TCP_ESTABLISHED */ ||
	    pq->n_cur >= PQ_MAX_SOCKS)
		return;
	now.key = pq_key(t);
	now.segs = t->segs_out;
	now.retrans = t->total_retrans;
	pq->cur[pq->n_cur++] = now;
	old = pq->n_prev ? bsearch(&now, pq->prev, pq->n_prev, sizeof(now), pq_sock_cmp) : NULL;
	if (!old)
		return;                  /* first seen: its history is not ours to judge */
	n = probe_pvds_of(pq->nv, &t->src, handles, PROBE_MAX_PVDS);
	for (size_t i = 0; i < n; i++) {
		size_t k;

		for (k = 0; k < pq->n_pvds && pq->pvds[k].handle != handles[i]; k++)
			;
		if (k == pq->n_pvds) {
			if (k == PROBE_MAX_PVDS)
				continue;
			memset(&pq->pvds[k], 0, sizeof(pq->pvds[k]));
			pq->pvds[k].handle = handles[i];
			pq->n_pvds++;
		}
		/* Unsigned differences: the kernel's counters only grow, and
		 * wrap modulo 2^32. */
		pq->pvds[k].segs += now.segs - old->segs;
		pq->pvds[k].retrans += now.retrans - old->retrans;
		pq->pvds[k].sockets++;
		pq->pvds[k].backoff += t->retransmits > 0;
		pq->pvds[k].rtt_sum += t->rtt_us;
	}
}

void probe_quality_dump_done(struct probe_quality *pq, uint64_t now)
{
	struct pq_sock *x = pq->prev;

	qsort(pq->cur, pq->n_cur, sizeof(pq->cur[0]), pq_sock_cmp);
	pq->prev = pq->cur;
	pq->n_prev = pq->n_cur;
	pq->cur = x;
	pq->n_cur = 0;
	pq->readings++;
	if (now - pq->last_report < PQ_REPORT_NS)
		return;
	pq->last_report = now;
	for (size_t k = 0; k < pq->n_pvds; k++) {
		const struct pq_pvd *v = &pq->pvds[k];
		/* Sockets were counted once per reading: the mean RTT over
		 * them, and how many there were in a reading on average. */
		struct msg_quality_passive m = {
			.handle = v->handle, .segs = v->segs, .retrans = v->retrans,
			.rtt_us = v->sockets ? (uint32_t)(v->rtt_sum / v->sockets) : 0,
			.sockets = (v->sockets + pq->readings - 1) / pq->readings,
			.backoff = (v->backoff + pq->readings - 1) / pq->readings,
		};

		/* A connection in back-off may send nothing for a minute; it is
		 * reported all the same (quality_passive). */
		if (v->segs || v->backoff)
			netview_send(pq->nv, MSG_QUALITY_PASSIVE, &m, sizeof(m));
	}
	pq->n_pvds = 0;
	pq->readings = 0;
}

struct probe_quality *probe_quality_new(struct event_base *base, struct netview *nv,
					const char *host)
{
	struct probe_quality *pq = calloc(1, sizeof(*pq));

	if (!pq)
		return NULL;
	pq->base = base;
	pq->nv = nv;
	snprintf(pq->host, sizeof(pq->host), "%s", host);
	LIST_INIT(&pq->jobs);
	pq->prev = calloc(PQ_MAX_SOCKS, sizeof(*pq->prev));
	pq->cur = calloc(PQ_MAX_SOCKS, sizeof(*pq->cur));
	if (!pq->prev || !pq->cur) {
		probe_quality_free(pq);
		return NULL;
	}
	return pq;
}

void probe_quality_free(struct probe_quality *pq)
{
	if (!pq)
		return;
	while (!LIST_EMPTY(&pq->jobs))
		pq_job_free(LIST_FIRST(&pq->jobs));
	free(pq->prev);
	free(pq->cur);
	free(pq);
}
