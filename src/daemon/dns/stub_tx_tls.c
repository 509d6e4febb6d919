/* SPDX-License-Identifier: MIT */
/*
 * A forwarded query's DNS over TLS part (stub_tx.c has the rest): the
 * attempt on a PvD's encrypted resolver (stub_dot.c carries it), and what
 * the RFC 8310 profile does when TLS fails.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/log.h"
#include "daemon/dns/stub_priv.h"
#include "daemon/pvd/pvd.h"

int stub_tls_mode_of(struct stub *s, const struct stub_pvd *p)
{
	const struct pvd *v = pvd_find_handle(netview_store(s->nv), p->plan.handle);
	char type[32];
	int by_type = -1;

	snprintf(type, sizeof(type), "type:%s", v ? pvd_source_name(v->origin) : "?");
	for (size_t i = 0; i < s->cfg.n_tls_pvd; i++) {
		/* PvD IDs compare without case (RFC 8801 section 3.4, RFC 4343). */
		if (strcasecmp(s->cfg.tls_pvd[i].key, p->plan.id) == 0)
			return s->cfg.tls_pvd[i].mode;
		if (by_type < 0 && strcmp(s->cfg.tls_pvd[i].key, type) == 0)
			by_type = s->cfg.tls_pvd[i].mode;
	}
	return by_type >= 0 ? by_type : s->cfg.tls;
}

const char *stub_tls_source_name(uint8_t source)
{
	/* Where an encrypted resolver came from, as mifctl dns says it. */
	switch (source) {
	case PVD_SRC_RA: return "dnr-ra";
	case PVD_SRC_DHCPV6: return "dnr-dhcpv6";
	case PVD_SRC_DHCPV4: return "dnr-dhcpv4";
	case DNS_TLS_SRC_DDR: return "ddr";
	default: return "config";
	}
}

/*
 * DNS over TLS to the PvD's encrypted resolver tx->tls_i (RFC 7858): one
 * attempt, waiting until the client's deadline. 0 when sent; < 0 when it
 * could not be (then the profile decides: stx_tls_failed).
 */
static int stx_dot_send(struct stub_tx *tx, struct stub_pvd *p, const char **why)
{
	struct stub *s = tx->s;
	struct stub_att *a;
	int r;

	*why = "out of memory";
	if (tx->n_att >= STUB_MAX_ATTEMPTS || !(a = calloc(1, sizeof(*a))))
		return -ENOMEM;
	*a = (struct stub_att){ .s = s, .tx = tx, .fd = -1, .handle = p->plan.handle,
				.up = p->plan.tls[tx->tls_i].up, .id = stub_random16(s),
				.sent_ns = stub_now_ns(), .res = STUB_RES_PENDING };
	a->rto_ns = tx->deadline_ns > a->sent_ns ? tx->deadline_ns - a->sent_ns : 0;
	dns_hdr_set_id(tx->query, a->id);
	r = stub_dot_query(s, p, tx->tls_i, a, tx->query, tx->qlen, why);
	if (r < 0) {
		free(a);
		return r;
	}
	LIST_INSERT_HEAD(&tx->atts, a, e);
	tx->log[tx->n_att] = (struct stub_att_log){ a->handle, a->up, STUB_RES_PENDING };
	tx->n_att++;
	s->ctr.tls_queries++;
	tx->step = tx->n_order = 0;
	stub_tx_arm(tx, UINT64_MAX / 2);
	return 0;
}

/* TLS to every encrypted resolver of the PvD failed. RFC 8310 section 5:
 * strict fails closed (this PvD gives nothing; the reason goes to the
 * client of mifctl resolve and stays in mifctl dns); opportunistic falls
 * back to the PvD's clear-text servers, and says so. */
static void stx_tls_failed(struct stub_tx *tx, struct stub_pvd *p, const char *why)
{
	struct stub *s = tx->s;
	uint64_t now = stub_now_ns();

	if (p->tls_mode == STUB_TLS_STRICT) {
		s->ctr.tls_strict_failed++;
		snprintf(tx->tls_err, sizeof(tx->tls_err), "DNS over TLS to %.100s failed (strict): %.250s",
			 p->plan.tls[0].adn, why);
		/* From the loop: this may run inside stub_tx_start(), before
		 * the caller knows where the answer goes. */
		tx->tls_closed = true;
		stub_tx_arm(tx, 0);
		return;
	}
	s->ctr.tls_fallbacks++;
	if (!s->tls_logged_ns || now - s->tls_logged_ns >= 10000000000ull) {
		s->tls_logged_ns = now;
		log_warn("dns: PvD %s: DNS over TLS to %s failed (%s): asking in clear text "
			 "(opportunistic; %llu so far)", p->plan.id, p->plan.tls[0].adn, why,
			 (unsigned long long)s->ctr.tls_fallbacks);
	}
	tx->tls_skip = p->plan.handle;
	stub_tx_enter_pvd(tx);
}

/* Try the PvD's encrypted resolvers from tx->tls_i on: true if a query is
 * out, or the PvD was dealt with (failed closed, or fell back). */
bool stub_tx_tls(struct stub_tx *tx, struct stub_pvd *p)
{
	const char *why = "no encrypted resolver";

	if (p->tls_mode == STUB_TLS_OFF || !p->plan.n_tls || tx->tls_skip == p->plan.handle)
		return false;
	for (; tx->tls_i < p->plan.n_tls; tx->tls_i++)
		if (stx_dot_send(tx, p, &why) == 0)
			return true;
	stx_tls_failed(tx, p, why);
	return true;
}

void stub_tx_dot_failed(struct stub_att *a, const char *why)
{
	struct stub_tx *tx = a->tx;
	struct stub_pvd *p = stub_pvd_by_handle(a->s, a->handle);
	char w[320];

	snprintf(w, sizeof(w), "%s", why);
	a->res = STUB_RES_ERROR;
	stub_tx_log(tx, a);
	stub_att_free(a);
	evtimer_del(tx->timer);
	if (!p) {
		stub_tx_next_pvd(tx);
		return;
	}
	tx->tls_i++;
	for (; tx->tls_i < p->plan.n_tls; tx->tls_i++) {
		const char *why2;

		if (stx_dot_send(tx, p, &why2) == 0)
			return;
	}
	stx_tls_failed(tx, p, w);
}

void stub_tx_dot_answer(struct stub_att *a, const uint8_t *m, size_t len)
{
	struct stub_tx *tx = a->tx;
	struct stub *s = a->s;
	struct stub_pvd *p = stub_pvd_by_handle(s, a->handle);
	uint8_t *copy;

	/* RFC 5452 9.1 as for UDP: our ID (matched) and the question asked. */
	if (!dns_answer_matches(m, len, a->id, &tx->q)) {
		s->ctr.spoof_question++;
		return;
	}
	if (!(copy = malloc(len)))
		return;
	memcpy(copy, m, len);
	if (s->health_cb)
		s->health_cb(s->health_ctx, a->handle, true);
	s->ctr.tls_answers++;
	a->res = STUB_RES_ANSWER;
	stub_tx_log(tx, a);
	tx->answered_tcp = true;
	/* Whatever the rcode: the encrypted resolver is the PvD's answer. */
	stub_tx_finish(tx, copy, len, p, &a->up);
	free(copy);
}
