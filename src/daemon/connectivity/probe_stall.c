/* SPDX-License-Identifier: MIT */
/*
 * Stall detection from the traffic that already flows (issue 13, item 3),
 * in the network-facing process: every quarter second the kernel's TCP
 * sockets (sock_diag, opened before the process's seccomp filter) are
 * read; a connection whose retransmission timer fired and was not answered
 * yet, or whose SYN went again, tells the engine that the PvD its source
 * address belongs to may have gone silent (MSG_PROBE_HINT). The engine
 * then checks that PvD at once with a short deadline, instead of waiting
 * for the next periodic check. At most one hint per PvD per second.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/log.h"
#include "daemon/connectivity/probe_priv.h"
#include "daemon/control/netview.h"
#include "proto/nl.h"
#include "proto/sockdiag.h"

#define PS_PERIOD_MS 250
#define PS_HINT_GAP_NS 1000000000ull
#define PS_MAX_PVDS PROBE_MAX_PVDS
#define PS_TCP_STATES (1u << 1 | 1u << 2)    /* ESTABLISHED, SYN_SENT */

struct probe_stall {
	struct event *timer;
	struct netview *nv;
	struct probe_quality *pq;
	int fd;
	uint32_t seq;
	uint64_t hinted[PS_MAX_PVDS];        /* handle, */
	uint64_t hinted_at[PS_MAX_PVDS];     /* when last hinted */
	unsigned counts[PS_MAX_PVDS];
	uint64_t handles[PS_MAX_PVDS];
	size_t n;
	uint64_t dumps, stalled, hints, errors;
	uint64_t dns_handle[PS_MAX_PVDS];    /* consecutive stub timeouts per PvD */
	unsigned dns_misses[PS_MAX_PVDS];
};

size_t probe_pvds_of(struct netview *nv, const struct in6_addr *addr, uint64_t *handles,
		     size_t max)
{
	const struct pvd_store *st = netview_store(nv);
	const struct pvd *p;
	size_t n = 0;

	TAILQ_FOREACH(p, &st->pvds, e) {
		const struct pvd_prefix *x;

		TAILQ_FOREACH(x, &p->prefixes, e)
			if (addr_in_prefix(addr, &x->prefix, x->plen))
				break;
		if (x && n < max)
			handles[n++] = p->handle;
	}
	return n;
}

/* Count a stalled socket for the PvDs its source belongs to (each is
 * checked when private IPv4 prefixes overlap). */
static void ps_match(struct probe_stall *s, const struct sockdiag_tcp *t)
{
	uint64_t h[PS_MAX_PVDS];
	size_t n = probe_pvds_of(s->nv, &t->src, h, PS_MAX_PVDS);

	for (size_t k = 0; k < n; k++) {
		size_t i;

		for (i = 0; i < s->n && s->handles[i] != h[k]; i++)
			;
		if (i == s->n) {
			if (s->n == PS_MAX_PVDS)
				continue;
			s->handles[s->n] = h[k];
			s->counts[s->n++] = 0;
		}
		s->counts[i]++;
	}
}

/* Read one family's dump to its end (bounded by the socket's data). */
static int ps_dump(struct probe_stall *s, uint8_t family)
{
	uint8_t req[128], buf[32768];
	int n = sockdiag_build_request(req, sizeof(req), family, PS_TCP_STATES, ++s->seq);

	if (n < 0 || send(s->fd, req, (size_t)n, 0) < 0)
		return -errno;
	for (int round = 0; round < 4096; round++) {
		ssize_t len = recv(s->fd, buf, sizeof(buf), 0);
		const struct nlmsghdr *h;
		size_t off = 0;

		if (len < 0)
			return errno == EINTR ? 0 : -errno;
		while ((h = nl_next(buf, (size_t)len, &off)) != NULL) {
			struct sockdiag_tcp t;
			int r;

			if (h->nlmsg_seq != s->seq)
				continue;
			r = sockdiag_parse(h, &t);
			if (r <= 0)
				return r;
			if (s->pq)
				probe_quality_sock(s->pq, &t);
			if (sockdiag_stalled(&t)) {
				s->stalled++;
				ps_match(s, &t);
			}
		}
	}
	return -E2BIG;
}

/* Tell the engine, at most once a second per PvD. */
static void ps_hint(struct probe_stall *s, uint64_t handle, uint32_t reason, unsigned n)
{
	uint64_t now = log_now_ns();
	size_t j, k = 0;

	for (j = 0; j < PS_MAX_PVDS && s->hinted[j] != handle; j++)
		if (s->hinted_at[j] < s->hinted_at[k])
			k = j;                          /* the oldest slot, for reuse */
	if (j < PS_MAX_PVDS && now - s->hinted_at[j] < PS_HINT_GAP_NS)
		return;
	if (j == PS_MAX_PVDS)
		j = k;
	struct msg_probe_hint m = { .handle = handle, .reason = reason, .sockets = n };

	s->hinted[j] = handle;
	s->hinted_at[j] = now;
	if (netview_send(s->nv, MSG_PROBE_HINT, &m, sizeof(m)) == 0)
		s->hints++;
}

static void ps_hints(struct probe_stall *s)
{
	for (size_t i = 0; i < s->n; i++)
		ps_hint(s, s->handles[i], MSG_HINT_TCP_STALL, s->counts[i]);
}

void probe_stall_dns(void *ctx, uint64_t handle, bool answered)
{
	struct probe_stall *s = ctx;
	size_t i, free_slot = PS_MAX_PVDS;

	for (i = 0; i < PS_MAX_PVDS && s->dns_handle[i] != handle; i++)
		if (free_slot == PS_MAX_PVDS && s->dns_misses[i] == 0)
			free_slot = i;
	if (i == PS_MAX_PVDS) {
		if (answered || free_slot == PS_MAX_PVDS)
			return;
		i = free_slot;
		s->dns_handle[i] = handle;
	}
	if (answered) {
		s->dns_misses[i] = 0;
		return;
	}
	if (++s->dns_misses[i] >= 2)
		ps_hint(s, handle, MSG_HINT_DNS_TIMEOUTS, s->dns_misses[i]);
}

static void ps_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct probe_stall *s = arg;
	struct timeval tv = { 0, PS_PERIOD_MS * 1000 };

	(void)fd;
	(void)what;
	s->n = 0;
	if (ps_dump(s, AF_INET6) < 0 || ps_dump(s, AF_INET) < 0)
		s->errors++;
	s->dumps++;
	if (s->pq)
		probe_quality_dump_done(s->pq, log_now_ns());
	ps_hints(s);
	evtimer_add(s->timer, &tv);
}

struct probe_stall *probe_stall_new(struct event_base *base, struct netview *nv,
				    struct probe_quality *pq)
{
	struct probe_stall *s = calloc(1, sizeof(*s));
	struct timeval tv = { 0, PS_PERIOD_MS * 1000 };
	struct timeval rcv = { 0, 200000 };

	if (!s)
		return NULL;
	s->nv = nv;
	s->pq = pq;
	s->fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (s->fd < 0 || setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &rcv, sizeof(rcv)) < 0 ||
	    !(s->timer = evtimer_new(base, ps_timer_cb, s)) || evtimer_add(s->timer, &tv) < 0) {
		probe_stall_free(s);
		return NULL;
	}
	return s;
}

void probe_stall_free(struct probe_stall *s)
{
	if (!s)
		return;
	if (s->timer)
		event_free(s->timer);
	if (s->fd >= 0)
		close(s->fd);
	free(s);
}
