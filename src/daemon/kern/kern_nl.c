/* SPDX-License-Identifier: MIT */
/*
 * rtnetlink on the kernel side: keep the engine's view of links, addresses
 * and routes in step (subscribe first, then dump, so nothing is missed;
 * duplicates are harmless upserts), and carry out address requests.
 */
#include <errno.h>
#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/kern/kern_priv.h"
#include "netlink/netlink.h"

static bool kern_managed(const struct kern *k, const struct nl_link *l)
{
	if (k->cfg.n_ifaces == 0)
		return !(l->flags & IFF_LOOPBACK);
	for (size_t i = 0; i < k->cfg.n_ifaces; i++)
		if (strcmp(k->cfg.ifaces[i], l->name) == 0)
			return true;
	return false;
}

static void kern_nl_forward(struct kern *k, const struct nlmsghdr *nlh)
{
	union {
		struct msg_link l;
		struct nl_addr a;
		struct nl_route r;
		struct nl_rule ru;
		struct nl_addrlabel lb;
	} u;
	bool del = nlh->nlmsg_type == RTM_DELLINK || nlh->nlmsg_type == RTM_DELADDR ||
		   nlh->nlmsg_type == RTM_DELROUTE || nlh->nlmsg_type == RTM_DELRULE;

	memset(&u, 0, sizeof(u));
	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		if (nl_parse_link(nlh, &u.l.link) < 0)
			break;
		u.l.managed = kern_managed(k, &u.l.link);
		if (u.l.managed && !del)
			kern_sysctl_link(k, &u.l.link);
		chan_send(k->ch, del ? MSG_LINK_GONE : MSG_LINK, &u.l, sizeof(u.l));
		return;
	case RTM_NEWADDR:
	case RTM_DELADDR:
		if (nl_parse_addr(nlh, &u.a) < 0)
			break;
		chan_send(k->ch, del ? MSG_ADDR_GONE : MSG_ADDR, &u.a, sizeof(u.a));
		return;
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		if (nl_parse_route(nlh, &u.r) < 0)
			break;
		chan_send(k->ch, del ? MSG_ROUTE_GONE : MSG_ROUTE, &u.r, sizeof(u.r));
		return;
	case RTM_NEWRULE:
	case RTM_DELRULE:
		if (nl_parse_rule(nlh, &u.ru) < 0)
			break;
		chan_send(k->ch, del ? MSG_RULE_GONE : MSG_RULE, &u.ru, sizeof(u.ru));
		return;
	case RTM_NEWADDRLABEL:
		/* Only dumped (the kernel multicasts no label changes): the
		 * engine finds rows an earlier mifd left (engine_addrlabel.c). */
		if (nl_parse_addrlabel(nlh, &u.lb) < 0)
			break;
		chan_send(k->ch, MSG_LABEL, &u.lb, sizeof(u.lb));
		return;
	default:
		return;
	}
	log_debug("ignoring a netlink message of type %u that does not parse", nlh->nlmsg_type);
}

static int kern_nl_send_dump(struct kern *k)
{
	static const uint16_t types[] = { RTM_GETLINK, RTM_GETADDR, RTM_GETROUTE, RTM_GETRULE,
					  RTM_GETADDRLABEL };
	uint8_t buf[64];
	struct nlmsghdr *nlh;

	/* Address labels are IPv6 only: the kernel has no AF_UNSPEC dump
	 * for them. */
	k->dump_seq = ++k->seq;
	nlh = nl_build_dump(buf, sizeof(buf), types[k->dump],
			    k->dump == KERN_DUMP_LABELS ? AF_INET6 : AF_UNSPEC, k->dump_seq);
	if (!nlh || mnl_socket_sendto(k->nl_req, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	return 0;
}

/* One dump finished: start the next, or tell the engine the view is whole. */
static void kern_nl_dump_next(struct kern *k)
{
	if (++k->dump < KERN_DUMP_DONE) {
		if (kern_nl_send_dump(k) < 0)
			log_err("netlink dump request failed: %s", strerror(errno));
		return;
	}
	chan_send(k->ch, MSG_SYNC_DONE, NULL, 0);
}

static void kern_nl_restart_dump(struct kern *k)
{
	k->dump = KERN_DUMP_LINKS;
	if (kern_nl_send_dump(k) < 0)
		log_err("netlink dump request failed: %s", strerror(errno));
}

void kern_nl_resync(struct kern *k)
{
	kern_nl_restart_dump(k);
}

/* Stop reading netlink events (back-pressure); if the kernel's queue for
 * them overflows meanwhile, its ENOBUFS starts a full dump on resume. */
void kern_nl_pause(struct kern *k, bool pause)
{
	if (!k->nl_ev_ev)
		return;
	if (pause)
		event_del(k->nl_ev_ev);
	else
		event_add(k->nl_ev_ev, NULL);
}

static ssize_t kern_nl_recv(struct kern *k, struct mnl_socket *s)
{
	ssize_t n = recv(mnl_socket_get_fd(s), k->rxbuf, KERN_RXBUF, MSG_DONTWAIT);

	if (n < 0 && errno == EAGAIN)
		return 0;
	return n < 0 ? -errno : n;
}

/*
 * Read up to 64 datagrams from s and hand each netlink message in them to
 * fn (bounded, so a flood cannot starve the rest of the loop). Returns
 * -ENOBUFS if the kernel dropped messages for us, else 0.
 */
static int kern_nl_drain(struct kern *k, struct mnl_socket *s,
			 void (*fn)(struct kern *, const struct nlmsghdr *))
{
	for (int i = 0; i < 64; i++) {
		ssize_t n = kern_nl_recv(k, s);
		const struct nlmsghdr *nlh;
		size_t off = 0;

		if (n == -ENOBUFS)
			return -ENOBUFS;
		if (n <= 0)
			return 0;
		while ((nlh = nl_next(k->rxbuf, (size_t)n, &off)))
			fn(k, nlh);
	}
	return 0;
}

static void kern_nl_ev_cb(evutil_socket_t fd, short what, void *arg)
{
	struct kern *k = arg;

	/* Events were lost: read the whole state again. Bounded: what is
	 * still queued is read on the next wakeup. */
	if (kern_nl_drain(k, k->nl_ev, kern_nl_forward) == -ENOBUFS) {
		log_warn("netlink event queue overflowed; resynchronising");
		kern_nl_restart_dump(k);
	}
}

static void kern_nl_dump_msg(struct kern *k, const struct nlmsghdr *nlh)
{
	if (nlh->nlmsg_seq != k->dump_seq)
		return;
	if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR)
		kern_nl_dump_next(k);
	else
		kern_nl_forward(k, nlh);
}

static void kern_nl_req_cb(evutil_socket_t fd, short what, void *arg)
{
	kern_nl_drain(arg, ((struct kern *)arg)->nl_req, kern_nl_dump_msg);
}

static int kern_nl_pending(struct kern *k, uint32_t seq)
{
	for (size_t i = 0; i < sizeof(k->pending) / sizeof(k->pending[0]); i++)
		if (k->pending[i].seq == seq && k->pending[i].type)
			return (int)i;
	return -1;
}

static bool kern_nl_waiting(const struct kern *k, size_t slot)
{
	return k->pending[slot].type == MSG_RT_LOOKUP && k->pending[slot].token;
}

/*
 * Answer the engine once per lookup. The slot keeps its type with token
 * 0, so an answer that comes after the lookup lapsed is recognised as a
 * lookup's and dropped, not reported as a failed address request.
 */
static void kern_nl_lookup_done(struct kern *k, int slot, int error, const struct nl_route *r)
{
	struct msg_rt_lookup_result res = { .token = k->pending[slot].token, .error = error };

	if (!res.token) {
		k->lookups_late++;
		log_debug("kernel side: ignoring the kernel's late answer to a lapsed route lookup");
		return;
	}
	if (r)
		res.route = *r;
	k->pending[slot].token = 0;
	chan_send(k->ch, MSG_RT_LOOKUP_RESULT, &res, sizeof(res));
}

/* Lookups the kernel never answered get -ETIMEDOUT; re-arm for the rest. */
static void kern_nl_lookup_sweep(evutil_socket_t fd, short what, void *arg)
{
	struct kern *k = arg;
	uint64_t now = log_now_ns(), next = UINT64_MAX, d;
	struct timeval tv;

	for (size_t i = 0; i < sizeof(k->pending) / sizeof(k->pending[0]); i++) {
		if (!kern_nl_waiting(k, i))
			continue;
		if (k->pending[i].deadline_ns <= now) {
			k->lookups_lapsed++;
			log_warn("kernel side: no answer to a route lookup within %u ms",
				 KERN_LOOKUP_DEADLINE_MS);
			kern_nl_lookup_done(k, (int)i, -ETIMEDOUT, NULL);
		} else if (k->pending[i].deadline_ns < next) {
			next = k->pending[i].deadline_ns;
		}
	}
	if (next == UINT64_MAX)
		return;
	d = next - now;
	tv.tv_sec = (time_t)(d / 1000000000u);
	tv.tv_usec = (suseconds_t)(d % 1000000000u / 1000) + 1;
	evtimer_add(k->lookup_ev, &tv);
}

/* Tell the engine how a route or rule request ended, and free its slot. */
static void kern_nl_rt_done(struct kern *k, size_t slot, int error)
{
	struct kern_rt_req *q = &k->rt_pending[slot];
	struct msg_rt_ack a = { .request = q->type, .error = error };

	_Static_assert(sizeof(a.u) == sizeof(q->u), "msg_rt_ack carries the request");
	memcpy(&a.u, &q->u, sizeof(a.u));
	q->type = 0;
	chan_send(k->ch, MSG_RT_ACK, &a, sizeof(a));
}

/* An ACK for seq: if it answers a route or rule request, report it. */
static bool kern_nl_rt_ack(struct kern *k, uint32_t seq, int error)
{
	size_t slot = seq % KERN_RT_PENDING;

	if (!k->rt_pending[slot].type || k->rt_pending[slot].seq != seq)
		return false;
	if (error)
		log_debug("kernel refused routing request %u: %s", k->rt_pending[slot].type,
			  strerror(-error));
	kern_nl_rt_done(k, slot, error);
	return true;
}

static void kern_nl_report(struct kern *k, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	struct msg_kernel_error ke = { 0 };
	char buf[64] = "?";
	int slot = kern_nl_pending(k, nlh->nlmsg_seq);

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*err)) ||
	    kern_nl_rt_ack(k, nlh->nlmsg_seq, err->error))
		return;
	if (slot >= 0 && k->pending[slot].type == MSG_RT_LOOKUP) {
		if (err->error)
			kern_nl_lookup_done(k, slot, err->error, NULL);
		return;
	}
	if (err->error == 0)
		return;
	/* Route and rule requests were answered above (MSG_RT_ACK), lookups
	 * too; what is left is an address request, or an answer for a
	 * request nobody waits for any more (a lapsed lookup whose slot went
	 * to another request): that one is only logged. */
	if (slot < 0 || (k->pending[slot].type != MSG_ADDR_CONFIGURE &&
			 k->pending[slot].type != MSG_ADDR_REMOVE)) {
		log_debug("kernel side: an error (%s) for no request in flight (seq %u)",
			  strerror(-err->error), (unsigned)nlh->nlmsg_seq);
		return;
	}
	ke.error = err->error;
	ke.request = k->pending[slot].type;
	ke.addr = k->pending[slot].addr;
	inet_ntop(ke.addr.family, ke.addr.addr, buf, sizeof(buf));
	log_warn("kernel refused address request for %s: %s", buf, strerror(-err->error));
	chan_send(k->ch, MSG_KERNEL_ERROR, &ke, sizeof(ke));
}

static void kern_nl_cmd_msg(struct kern *k, const struct nlmsghdr *nlh)
{
	int slot;
	struct nl_route r;

	if (nlh->nlmsg_type == NLMSG_ERROR) {
		kern_nl_report(k, nlh);
	} else if (nlh->nlmsg_type == RTM_NEWROUTE) {
		slot = kern_nl_pending(k, nlh->nlmsg_seq);
		if (slot >= 0 && k->pending[slot].type == MSG_RT_LOOKUP)
			kern_nl_lookup_done(k, slot, nl_parse_route(nlh, &r) < 0 ? -EBADMSG : 0, &r);
	}
}

static void kern_nl_cmd_cb(evutil_socket_t fd, short what, void *arg)
{
	kern_nl_drain(arg, ((struct kern *)arg)->nl_cmd, kern_nl_cmd_msg);
}

/*
 * A slot for a route or rule request. One still waiting is older by
 * KERN_RT_PENDING requests; the kernel ACKed it before its sendto()
 * returned, so its answer is first in nl_cmd's queue: read it, and report
 * the request lost only if it is still missing.
 */
static size_t kern_nl_rt_slot(struct kern *k, uint32_t type)
{
	uint32_t seq = ++k->seq;
	size_t slot = seq % KERN_RT_PENDING;

	if (k->rt_pending[slot].type)
		kern_nl_drain(k, k->nl_cmd, kern_nl_cmd_msg);
	if (k->rt_pending[slot].type)
		kern_nl_rt_done(k, slot, -ETIME);
	k->rt_pending[slot].seq = seq;
	k->rt_pending[slot].type = type;
	return slot;
}

/* A route or rule change; every outcome, even a local failure, is ACKed
 * to the engine so that it never waits for good. */
static void kern_nl_rt_req(struct kern *k, const struct ipc_msg *m)
{
	bool route = m->hdr.type == MSG_RT_ROUTE_ADD || m->hdr.type == MSG_RT_ROUTE_DEL;
	bool label = m->hdr.type == MSG_RT_LABEL_ADD || m->hdr.type == MSG_RT_LABEL_DEL;
	bool add = m->hdr.type == MSG_RT_ROUTE_ADD || m->hdr.type == MSG_RT_RULE_ADD ||
		   m->hdr.type == MSG_RT_LABEL_ADD;
	size_t len = route ? sizeof(struct nl_route) : label ? sizeof(struct nl_addrlabel) :
		     sizeof(struct nl_rule), slot;
	struct kern_rt_req *q;
	struct nlmsghdr *nlh;
	uint8_t buf[512];

	if (ipc_expect(m, len) < 0) {
		log_err("kernel side: invalid routing request %u from the engine", m->hdr.type);
		return;
	}
	slot = kern_nl_rt_slot(k, m->hdr.type);
	q = &k->rt_pending[slot];
	memcpy(&q->u, m->data, len);
	nlh = route ? nl_build_route(buf, sizeof(buf), add, &q->u.route, q->seq)
	      : label ? nl_build_addrlabel(buf, sizeof(buf), add, &q->u.label, q->seq)
		      : nl_build_rule(buf, sizeof(buf), add, &q->u.rule, q->seq);
	if (!nlh)
		kern_nl_rt_done(k, slot, -EMSGSIZE);
	else if (mnl_socket_sendto(k->nl_cmd, nlh, nlh->nlmsg_len) < 0)
		kern_nl_rt_done(k, slot, errno ? -errno : -EIO);
}

/*
 * A slot for the next request. A lookup still waiting keeps its slot:
 * overwriting it would lose its answer. The engine has at most
 * ROUTE_MAX_LOOKUPS (32) out, half the table, so a free slot is near; only
 * if every slot waits is one lookup answered -ENOBUFS to make room.
 */
static int kern_nl_slot(struct kern *k, uint32_t type)
{
	size_t n = sizeof(k->pending) / sizeof(k->pending[0]), slot = ++k->seq % n;

	for (size_t i = 0; i < n && kern_nl_waiting(k, slot); i++)
		slot = (slot + 1) % n;
	if (kern_nl_waiting(k, slot))
		kern_nl_lookup_done(k, (int)slot, -ENOBUFS, NULL);
	k->pending[slot].seq = k->seq;
	k->pending[slot].type = type;
	k->pending[slot].token = 0;
	return (int)slot;
}

static int kern_nl_cmd_send(struct kern *k, const struct nlmsghdr *nlh)
{
	if (!nlh) {
		log_err("kernel side: a request did not fit");
		return -EMSGSIZE;
	}
	if (mnl_socket_sendto(k->nl_cmd, nlh, nlh->nlmsg_len) < 0) {
		int r = -errno;

		log_err("netlink request failed: %s", strerror(-r));
		return r;
	}
	return 0;
}

static void kern_nl_addr_req(struct kern *k, const struct ipc_msg *m)
{
	const struct nl_addr *a = (const struct nl_addr *)m->data;
	uint8_t buf[512];
	int slot;

	if (ipc_expect(m, sizeof(*a)) < 0 ||
	    !((a->family == AF_INET6 && a->plen <= 128) || (a->family == AF_INET && a->plen <= 32))) {
		log_err("kernel side: invalid address request from the engine");
		return;
	}
	slot = kern_nl_slot(k, m->hdr.type);
	k->pending[slot].addr = *a;
	kern_nl_cmd_send(k, nl_build_addr(buf, sizeof(buf), m->hdr.type == MSG_ADDR_CONFIGURE, a,
					  k->seq));
}

static void kern_nl_lookup(struct kern *k, const struct ipc_msg *m)
{
	const struct msg_rt_lookup *q = (const struct msg_rt_lookup *)m->data;
	uint8_t buf[512];
	int slot, r;

	/* Token 0 marks an answered lookup, so the engine never uses it. */
	if (ipc_expect(m, sizeof(*q)) < 0 || (q->family != AF_INET && q->family != AF_INET6) ||
	    !q->token) {
		log_err("kernel side: invalid lookup from the engine");
		return;
	}
	slot = kern_nl_slot(k, MSG_RT_LOOKUP);
	k->pending[slot].token = q->token;
	k->pending[slot].deadline_ns = log_now_ns() + KERN_LOOKUP_DEADLINE_MS * 1000000ull;
	r = kern_nl_cmd_send(k, nl_build_route_get(buf, sizeof(buf), q->family, q->dst,
						   q->has_src ? q->src : NULL, q->mark, 0, k->seq));
	if (r < 0) {
		kern_nl_lookup_done(k, slot, r, NULL);   /* no answer will come */
		return;
	}
	if (!k->lookup_ev && !(k->lookup_ev = evtimer_new(k->base, kern_nl_lookup_sweep, k)))
		log_err("kernel side: cannot create the lookup timer; a lost answer is not noticed");
	if (k->lookup_ev && !evtimer_pending(k->lookup_ev, NULL))
		kern_nl_lookup_sweep(-1, 0, k);
}

/* Requests from the engine; every payload size is checked exactly. */
void kern_nl_on_engine(struct kern *k, const struct ipc_msg *m)
{
	switch (m->hdr.type) {
	case MSG_ADDR_CONFIGURE:
	case MSG_ADDR_REMOVE:
		kern_nl_addr_req(k, m);
		return;
	case MSG_RT_ROUTE_ADD:
	case MSG_RT_ROUTE_DEL:
	case MSG_RT_RULE_ADD:
	case MSG_RT_RULE_DEL:
	case MSG_RT_LABEL_ADD:
	case MSG_RT_LABEL_DEL:
		kern_nl_rt_req(k, m);
		return;
	case MSG_RT_LOOKUP:
		kern_nl_lookup(k, m);
		return;
	}
	log_err("kernel side: invalid request %u from the engine", m->hdr.type);
}

static struct mnl_socket *kern_nl_socket(struct kern *k, unsigned groups,
					 event_callback_fn cb, struct event **ev)
{
	struct mnl_socket *s;

	/* 4 MiB: a large buffer makes event overflow (and a full resync) rare. */
	if (netlink_open(groups, 4 << 20, &s) < 0)
		return NULL;
	*ev = event_new(k->base, mnl_socket_get_fd(s), EV_READ | EV_PERSIST, cb, k);
	if (!*ev || event_add(*ev, NULL) < 0) {
		mnl_socket_close(s);
		return NULL;
	}
	return s;
}

int kern_nl_open(struct kern *k)
{
	unsigned groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR |
			  RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE | RTMGRP_IPV4_RULE;
	int v6rules = RTNLGRP_IPV6_RULE;

	k->nl_ev = kern_nl_socket(k, groups, kern_nl_ev_cb, &k->nl_ev_ev);
	/* Groups past 32 have no bind() bit: join by number. */
	if (k->nl_ev && setsockopt(mnl_socket_get_fd(k->nl_ev), SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
				   &v6rules, sizeof(v6rules)) < 0)
		log_warn("cannot follow IPv6 rule changes: %s", strerror(errno));
	k->nl_req = kern_nl_socket(k, 0, kern_nl_req_cb, &k->nl_req_ev);
	k->nl_cmd = kern_nl_socket(k, 0, kern_nl_cmd_cb, &k->nl_cmd_ev);
	if (!k->nl_ev || !k->nl_req || !k->nl_cmd)
		return errno ? -errno : -EIO;
	kern_nl_restart_dump(k);
	return 0;
}

void kern_nl_close(struct kern *k)
{
	struct event **evs[] = { &k->nl_ev_ev, &k->nl_req_ev, &k->nl_cmd_ev };
	struct mnl_socket **ss[] = { &k->nl_ev, &k->nl_req, &k->nl_cmd };

	for (size_t i = 0; i < 3; i++) {
		if (*evs[i])
			event_free(*evs[i]);
		if (*ss[i])
			mnl_socket_close(*ss[i]);
		*evs[i] = NULL;
		*ss[i] = NULL;
	}
	if (k->lookup_ev)
		event_free(k->lookup_ev);
	k->lookup_ev = NULL;
}
