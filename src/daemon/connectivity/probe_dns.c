/* SPDX-License-Identifier: MIT */
/*
 * The DNS half of a connectivity probe, in the network-facing process:
 * the probe's host looked up through the PvD's own servers (RFC 8801
 * section 3.4.4: a PvD's resolver is asked through that PvD), and a random
 * name under it, which only a portal that answers every name resolves.
 * Only src/proto/dns.c reads and writes the messages.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/log.h"
#include "common/rand.h"
#include "daemon/connectivity/probe_priv.h"

#ifndef SO_BINDTOIFINDEX
#define SO_BINDTOIFINDEX 62
#endif

#define PD_TYPE_A 1
#define PD_TYPE_AAAA 28
#define PD_RCODE_NXDOMAIN 3

int probe_socket(const struct msg_probe_start *m, int family, int type)
{
	const struct in6_addr *src = family == AF_INET ? &m->src4 : &m->src6;
	struct sockaddr_storage ss;
	unsigned len;
	int fd = socket(family, type | SOCK_CLOEXEC, 0), e;

	if (fd < 0)
		return -errno;
	/* The device keeps it on the PvD's link; the source makes RFC 8028's
	 * rule route it by the PvD's table (net processes hold no CAP_NET_ADMIN
	 * for a mark; Linux 5.7 lets anyone bind an unbound socket to a device). */
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTOIFINDEX, &m->ifindex, sizeof(m->ifindex)) < 0)
		goto fail;
	if (!IN6_IS_ADDR_UNSPECIFIED(src)) {
		addr_sockaddr(src, 0, 0, &ss, &len);
		if (bind(fd, (struct sockaddr *)&ss, len) < 0)
			goto fail;
	}
	return fd;
fail:
	e = -errno;
	close(fd);
	return e;
}

static void pd_finish(struct probe_lookup *l, int err)
{
	l->err = err;
	l->ms = (uint32_t)((log_now_ns() - l->t0) / 1000000u);
	probe_lookup_stop(l);
	l->done(l, l->ctx);
}

/* The first address of the question's type in the answer section. */
static int pd_answer(struct probe_lookup *l, const uint8_t *msg, size_t len)
{
	struct dns_rr rr;
	size_t off;
	unsigned n = dns_hdr_ancount(msg);

	if (dns_hdr_rcode(msg) == PD_RCODE_NXDOMAIN)
		return -ENOENT;
	if (dns_hdr_rcode(msg) != 0)
		return -EPROTO;
	if (dns_first_rr(msg, len, &off) < 0)
		return -EBADMSG;
	for (unsigned i = 0; i < n; i++) {
		if (dns_next_rr(msg, len, &off, &rr) < 0)
			return -EBADMSG;
		if (rr.type != l->qtype || rr.class != 1)
			continue;
		if (rr.type == PD_TYPE_AAAA && rr.rdlength == 16) {
			if (!l->answers)
				memcpy(&l->addr, msg + rr.rdata_off, 16);
		} else if (rr.type == PD_TYPE_A && rr.rdlength == 4) {
			struct in_addr a;

			memcpy(&a, msg + rr.rdata_off, 4);
			if (!l->answers)
				addr_v4_mapped(a, &l->addr);
		} else {
			continue;
		}
		l->answers++;
	}
	return l->answers ? 0 : -ENODATA;
}

/* The next server, from place *k in this order: the servers of the
 * check's family with a source of that family, then those of the other
 * (a check made again over IPv4 because IPv6 got no answer, probe_net.c,
 * must not ask the IPv6 server that gave none). Its family (to filled
 * in, *k moved past it), or -EADDRNOTAVAIL when none is left. */
static int pd_server(const struct msg_probe_start *m, bool v6, uint32_t *k,
		     struct sockaddr_storage *to, unsigned *len)
{
	uint32_t n = m->n_dns < CONN_MAX_DNS ? m->n_dns : CONN_MAX_DNS;

	for (; *k < 2 * n; (*k)++) {
		uint32_t i = *k % n;
		bool v4 = IN6_IS_ADDR_V4MAPPED(&m->dns[i]);

		if ((*k < n) == (v4 == v6))
			continue;    /* first round: the check's family only */
		if (IN6_IS_ADDR_UNSPECIFIED(v4 ? &m->src4 : &m->src6) &&
		    !IN6_IS_ADDR_LINKLOCAL(&m->dns[i]))
			continue;
		if (to)
			addr_sockaddr(&m->dns[i], 53, m->dns_ifindex[i] ? m->dns_ifindex[i] :
				      m->ifindex, to, len);
		(*k)++;
		return v4 ? AF_INET : AF_INET6;
	}
	return -EADDRNOTAVAIL;
}

static void pd_read_cb(evutil_socket_t fd, short what, void *arg);
static void pd_timer_cb(evutil_socket_t fd, short what, void *arg);

/* The question to the next server that takes it, from a socket of its
 * own (a server whose socket or send fails at once is passed over). 0,
 * or the last error when none took it. */
static int pd_send(struct probe_lookup *l)
{
	struct sockaddr_storage to;
	unsigned tolen;
	int fam, fd, e = -EADDRNOTAVAIL, slot = (int)l->tries;

	while (l->tries < l->max_tries &&
	       (fam = pd_server(l->m, l->v6, &l->next, &to, &tolen)) >= 0) {
		fd = probe_socket(l->m, fam, SOCK_DGRAM | SOCK_NONBLOCK);
		if (fd < 0) {
			e = fd;
			continue;
		}
		if (sendto(fd, l->query, l->qlen, 0, (struct sockaddr *)&to, tolen) < 0) {
			e = -errno;
			close(fd);
			continue;
		}
		l->rd[slot] = event_new(l->base, fd, EV_READ | EV_PERSIST, pd_read_cb, l);
		if (!l->rd[slot] || event_add(l->rd[slot], NULL) < 0) {
			if (l->rd[slot])
				event_free(l->rd[slot]);
			l->rd[slot] = NULL;
			close(fd);
			return -ENOMEM;
		}
		l->fd[slot] = fd;
		l->tries++;
		return 0;
	}
	return e;
}

/* The timer: at half the time left when another server may be asked,
 * else at the end. */
static int pd_arm(struct probe_lookup *l)
{
	uint64_t now = log_now_ns(), left = l->deadline_ns > now ? l->deadline_ns - now : 0;
	uint32_t after = l->next;
	struct timeval tv;

	if (l->tries < l->max_tries && pd_server(l->m, l->v6, &after, NULL, NULL) >= 0)
		left /= 2;
	tv.tv_sec = (time_t)(left / 1000000000u);
	tv.tv_usec = (suseconds_t)(left % 1000000000u / 1000u);
	if (!l->timer && !(l->timer = evtimer_new(l->base, pd_timer_cb, l)))
		return -ENOMEM;
	return evtimer_add(l->timer, &tv) < 0 ? -ENOMEM : 0;
}

static bool pd_open(const struct probe_lookup *l)
{
	return l->fd[0] >= 0 || l->fd[1] >= 0;
}

static void pd_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct probe_lookup *l = arg;

	(void)fd;
	(void)what;
	if (!pd_open(l)) {
		pd_finish(l, l->err);        /* pd_fail_later */
		return;
	}
	/* The first server is silent: the next one too, both until the end. */
	if (log_now_ns() + 1000000u < l->deadline_ns && l->tries < l->max_tries) {
		(void)pd_send(l);
		if (pd_arm(l) == 0)
			return;
	}
	pd_finish(l, -ETIMEDOUT);
}

/* One server's socket failed: the other's, or the next server, or done. */
static void pd_drop(struct probe_lookup *l, int slot, int err)
{
	event_free(l->rd[slot]);
	l->rd[slot] = NULL;
	close(l->fd[slot]);
	l->fd[slot] = -1;
	l->err = err;
	if (pd_open(l) || (pd_send(l) == 0 && pd_arm(l) == 0))
		return;
	pd_finish(l, err);
}

static void pd_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct probe_lookup *l = arg;
	uint8_t buf[4096];
	ssize_t n;
	int slot = fd == l->fd[1];

	(void)what;
	/* Bounded: a flood of forged answers cannot keep us here. */
	for (int i = 0; i < 16; i++) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				pd_drop(l, slot, -errno);
			return;
		}
		if (dns_answer_matches(buf, (size_t)n, l->id, &l->q) == 1) {
			pd_finish(l, pd_answer(l, buf, (size_t)n));
			return;
		}
	}
}

static void pd_fail_later(struct probe_lookup *l, int err)
{
	struct timeval now = { 0, 0 };

	probe_lookup_stop(l);
	l->err = err;
	l->timer = evtimer_new(l->base, pd_timer_cb, l);
	if (l->timer)
		evtimer_add(l->timer, &now);
	l->running = l->timer != NULL;
}

void probe_lookup_idle(struct probe_lookup *l)
{
	memset(l, 0, sizeof(*l));
	l->fd[0] = l->fd[1] = -1;
}

void probe_lookup_start(struct probe_lookup *l, struct event_base *base,
			const struct msg_probe_start *m, const char *name, bool v6,
			uint32_t timeout_ms, unsigned servers, probe_lookup_fn done, void *ctx)
{
	int n, e;

	probe_lookup_idle(l);
	l->done = done;
	l->ctx = ctx;
	l->base = base;
	l->m = m;
	l->v6 = v6;
	l->max_tries = servers < 1 ? 1 : servers > 2 ? 2 : servers;
	l->t0 = log_now_ns();
	l->deadline_ns = l->t0 + (uint64_t)timeout_ms * 1000000u;
	l->qtype = v6 ? PD_TYPE_AAAA : PD_TYPE_A;
	l->id = (uint16_t)rand_u32();
	n = dns_build_query(l->query, sizeof(l->query), l->id, name, l->qtype, true, 1232);
	if (n < 0 || dns_parse_question(l->query, (size_t)n, &l->q, NULL) < 0) {
		pd_fail_later(l, -EINVAL);
		return;
	}
	l->qlen = (uint16_t)n;
	if ((e = pd_send(l)) < 0 || (e = pd_arm(l)) < 0) {
		pd_fail_later(l, e);
		return;
	}
	l->running = true;
}

void probe_lookup_stop(struct probe_lookup *l)
{
	for (int i = 0; i < 2; i++) {
		if (l->rd[i])
			event_free(l->rd[i]);
		l->rd[i] = NULL;
		if (l->fd[i] >= 0)
			close(l->fd[i]);
		l->fd[i] = -1;
	}
	if (l->timer)
		event_free(l->timer);
	l->timer = NULL;
	l->running = false;
}
