/* SPDX-License-Identifier: MIT */
/*
 * The engine's route.get table cannot lose work (issue 11, item 3): the
 * engine runs on one end of a SOCK_SEQPACKET pair and this test plays the
 * kernel side on the other, dropping or answering its lookups. The same
 * fake kernel side sees the DHCP messages the engine sends (issue 17).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon/engine/engine_priv.h"
#include "proto/dhcp4.h"
#include "proto/dhcp6.h"
#include "proto/ra_build.h"

#define MAX_REPLIES 128

struct reply {
	uint32_t token;
	int err;
	char msg[800];
	json_t *result;
};

struct fake {
	struct event_base *base;
	struct engine *e;
	int kfd;                     /* the kernel side's end */
	struct reply replies[MAX_REPLIES];
	size_t n_replies;
	struct msg_rt_lookup lookups[MAX_REPLIES];
	size_t n_lookups;            /* MSG_RT_LOOKUP seen by the fake kernel */
	size_t n_rule_adds;          /* MSG_RT_RULE_ADD seen, never answered */
	struct nl_rule rules[MAX_REPLIES];
	size_t n_dhcp;               /* MSG_DHCP_SEND seen; the last few kept */
	uint8_t dhcp[4][sizeof(struct msg_dhcp) + MSG_DHCP_MAX_PAYLOAD];
	size_t dhcp_len[4];
	size_t n_arp_probes;         /* MSG_ARP_PROBE seen, never answered by itself */
	size_t n_lease_saves;        /* MSG_LEASE_SAVE seen; the last one kept */
	struct msg_lease lease_save;
	uint8_t lease_payload[MSG_LEASE_MAX];
	size_t n_mob;                /* MSG_MOB_PATHS seen; the last one kept */
	struct msg_mob_paths mob;    /* home address 0's */
	size_t n_mobh[2];            /* the same per home address (0 and 1) */
	struct msg_mob_paths mobh[2];
};

static void seams_reply(void *ctx, uint32_t token, int err, json_t *result, const char *msg)
{
	struct fake *f = ctx;
	struct reply *r;

	assert_true(f->n_replies < MAX_REPLIES);
	r = &f->replies[f->n_replies++];
	r->token = token;
	r->err = err;
	snprintf(r->msg, sizeof(r->msg), "%s", msg ? msg : "");
	r->result = result;          /* the callee owns it */
}

/* The fake kernel reads what the engine sent: lookups are kept, to drop
 * or answer; everything else (route and rule changes) is ignored. */
static void seams_kernel_read(struct fake *f)
{
	static struct ipc_msg m;

	while (ipc_recv(f->kfd, &m) == 1) {
		if (m.hdr.type == MSG_DHCP_SEND) {
			assert_true(m.hdr.len >= sizeof(struct msg_dhcp));
			memcpy(f->dhcp[f->n_dhcp % 4], m.data, m.hdr.len);
			f->dhcp_len[f->n_dhcp++ % 4] = m.hdr.len;
		}
		if (m.hdr.type == MSG_ARP_PROBE)
			f->n_arp_probes++;
		if (m.hdr.type == MSG_MOB_PATHS) {
			const struct msg_mob_paths *ps = (const void *)m.data;

			assert_int_equal(m.hdr.len, sizeof(struct msg_mob_paths));
			assert_true(mob_msg_paths_ok(ps));
			assert_true(ps->home < 2);
			memcpy(&f->mobh[ps->home], ps, sizeof(*ps));
			f->n_mobh[ps->home]++;
			if (ps->home == 0) {
				memcpy(&f->mob, m.data, sizeof(f->mob));
				f->n_mob++;
			}
		}
		if (m.hdr.type == MSG_LEASE_SAVE) {
			assert_true(m.hdr.len >= sizeof(struct msg_lease));
			memcpy(&f->lease_save, m.data, sizeof(struct msg_lease));
			assert_int_equal(m.hdr.len, sizeof(struct msg_lease) + f->lease_save.len);
			memcpy(f->lease_payload, m.data + sizeof(struct msg_lease), f->lease_save.len);
			f->n_lease_saves++;
		}
		if (m.hdr.type == MSG_RT_RULE_ADD && f->n_rule_adds < MAX_REPLIES) {
			assert_int_equal(m.hdr.len, sizeof(struct nl_rule));
			memcpy(&f->rules[f->n_rule_adds++], m.data, sizeof(struct nl_rule));
		}
		if (m.hdr.type != MSG_RT_LOOKUP)
			continue;
		assert_int_equal(m.hdr.len, sizeof(struct msg_rt_lookup));
		assert_true(f->n_lookups < MAX_REPLIES);
		memcpy(&f->lookups[f->n_lookups++], m.data, sizeof(struct msg_rt_lookup));
	}
}

static uint64_t seams_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Run the loop for ms, or until the engine has made n_replies replies
 * (0: for ms, whatever the replies). */
static void seams_run(struct fake *f, size_t n_replies, unsigned ms)
{
	uint64_t end = seams_ms() + ms;

	do {
		event_base_loop(f->base, EVLOOP_NONBLOCK);
		seams_kernel_read(f);
		if (n_replies && f->n_replies >= n_replies)
			return;
		usleep(1000);
	} while (seams_ms() < end);
}

static void seams_send(struct fake *f, uint32_t type, const void *data, size_t len)
{
	assert_int_equal(ipc_send(f->kfd, type, data, len), 0);
}

static int seams_setup(void **state)
{
	struct fake *f = calloc(1, sizeof(*f));
	struct msg_link l = { .managed = 0 };
	int fds[2];

	assert_non_null(f);
	assert_int_equal(ipc_pair(fds), 0);
	f->base = event_base_new();
	assert_non_null(f->base);
	f->e = engine_new(f->base, fds[0]);
	assert_non_null(f->e);
	f->kfd = fds[1];
	engine_set_route_reply(f->e, seams_reply, f);
	/* Fast enough for a unit test, long enough to see nothing lapse early. */
	f->e->rt.lookup_deadline_ms = 200;
	f->e->rt.ack_deadline_ms = 300;
	l.link.ifindex = 2;
	snprintf(l.link.name, sizeof(l.link.name), "eth0");
	l.link.flags = IFF_UP | IFF_RUNNING;
	l.link.type = 1;
	seams_send(f, MSG_LINK, &l, sizeof(l));
	seams_send(f, MSG_SYNC_DONE, NULL, 0);
	seams_run(f, 0, 20);
	assert_true(f->e->rt.ready);
	*state = f;
	return 0;
}

static int seams_teardown(void **state)
{
	struct fake *f = *state;

	for (size_t i = 0; i < f->n_replies; i++)
		json_decref(f->replies[i].result);
	engine_free(f->e);
	close(f->kfd);
	event_base_free(f->base);
	free(f);
	return 0;
}

static int seams_get(struct fake *f, const char *dst, uint32_t *token)
{
	json_t *p = json_pack("{s:s}", "destination", dst);
	char err[800] = "";
	int r = engine_route_get(f->e, p, token, err, sizeof(err));

	json_decref(p);
	return r;
}

static json_int_t seams_counter(struct fake *f, const char *name)
{
	json_t *s = engine_status_json(f->e);
	json_t *v = json_object_get(json_object_get(json_object_get(s, "routing"), "lookups"),
				    name);
	json_int_t n;

	assert_true(json_is_integer(v));
	n = json_integer_value(v);
	json_decref(s);
	return n;
}

static const struct reply *seams_reply_for(struct fake *f, uint32_t token)
{
	const struct reply *found = NULL;

	for (size_t i = 0; i < f->n_replies; i++) {
		if (f->replies[i].token != token)
			continue;
		assert_null(found);  /* answered once */
		found = &f->replies[i];
	}
	return found;
}

static void seams_answer(struct fake *f, uint32_t token, int error)
{
	struct msg_rt_lookup_result res = { .token = token, .error = error };

	res.route.family = AF_INET6;
	res.route.dst_len = 128;
	res.route.table = 254;
	res.route.oif = 2;
	res.route.has_gateway = true;
	res.route.gateway[0] = 0xfe;
	res.route.gateway[1] = 0x80;
	res.route.gateway[15] = 1;
	seams_send(f, MSG_RT_LOOKUP_RESULT, &res, sizeof(res));
}

/* Every reply lost: every requester hears ETIMEDOUT, every slot comes back,
 * and the next request is answered normally. */
static void test_lost_replies_free_every_slot(void **state)
{
	struct fake *f = *state;
	uint32_t tokens[ROUTE_MAX_LOOKUPS], t;
	const struct reply *r;

	for (int i = 0; i < ROUTE_MAX_LOOKUPS; i++)
		assert_int_equal(seams_get(f, "2001:db8::1", &tokens[i]), 0);
	assert_int_equal(seams_get(f, "2001:db8::1", &t), -EBUSY);
	seams_run(f, 0, 50);
	assert_int_equal(f->n_lookups, ROUTE_MAX_LOOKUPS);  /* all dropped */
	assert_int_equal(f->n_replies, 0);                  /* not before the deadline */
	assert_int_equal(seams_counter(f, "pending"), ROUTE_MAX_LOOKUPS);

	seams_run(f, ROUTE_MAX_LOOKUPS, 3000);
	assert_int_equal(f->n_replies, ROUTE_MAX_LOOKUPS);
	for (int i = 0; i < ROUTE_MAX_LOOKUPS; i++) {
		r = seams_reply_for(f, tokens[i]);
		assert_non_null(r);
		assert_int_equal(r->err, -ETIMEDOUT);
		assert_null(r->result);
		assert_non_null(strstr(r->msg, "no answer about 2001:db8::1"));
	}
	assert_int_equal(seams_counter(f, "pending"), 0);
	assert_int_equal(seams_counter(f, "lapsed"), ROUTE_MAX_LOOKUPS);

	/* The next request gets a slot and its answer. */
	assert_int_equal(seams_get(f, "2001:db8::2", &t), 0);
	seams_run(f, 0, 20);
	assert_int_equal(f->n_lookups, ROUTE_MAX_LOOKUPS + 1);
	assert_int_equal(f->lookups[ROUTE_MAX_LOOKUPS].token, t);
	seams_answer(f, t, 0);
	seams_run(f, ROUTE_MAX_LOOKUPS + 1, 1000);
	r = seams_reply_for(f, t);
	assert_non_null(r);
	assert_int_equal(r->err, 0);
	assert_string_equal(json_string_value(json_object_get(r->result, "destination")),
			    "2001:db8::2");
	assert_string_equal(json_string_value(json_object_get(r->result, "interface")), "eth0");
	assert_string_equal(json_string_value(json_object_get(r->result, "via")), "fe80::1");
	assert_int_equal(seams_counter(f, "pending"), 0);
}

/* An answer after the lapse is counted and dropped: nobody hears twice. */
static void test_late_answer_ignored(void **state)
{
	struct fake *f = *state;
	uint32_t t;

	assert_int_equal(seams_get(f, "192.0.2.1", &t), 0);
	seams_run(f, 1, 3000);
	assert_int_equal(f->n_replies, 1);
	assert_int_equal(f->replies[0].err, -ETIMEDOUT);
	seams_answer(f, t, 0);
	seams_answer(f, t, -ENETUNREACH);
	seams_run(f, 2, 100);
	assert_int_equal(f->n_replies, 1);
	assert_int_equal(seams_counter(f, "late"), 2);
	assert_int_equal(seams_counter(f, "lapsed"), 1);
}

/* The kernel side gave up (the kernel never answered): the requester hears
 * ETIMEDOUT at once, with a message saying so, and the engine counts it. */
static void test_kernel_side_lapse(void **state)
{
	struct fake *f = *state;
	uint32_t t;

	f->e->rt.lookup_deadline_ms = 60000;
	assert_int_equal(seams_get(f, "2001:db8::3", &t), 0);
	seams_run(f, 0, 20);
	assert_int_equal(f->n_lookups, 1);
	seams_answer(f, t, -ETIMEDOUT);
	seams_run(f, 1, 1000);
	assert_int_equal(f->n_replies, 1);
	assert_int_equal(f->replies[0].token, t);
	assert_int_equal(f->replies[0].err, -ETIMEDOUT);
	assert_non_null(strstr(f->replies[0].msg, "kernel did not answer"));
	assert_int_equal(seams_counter(f, "kernel_lapsed"), 1);
	assert_int_equal(seams_counter(f, "lapsed"), 0);
	assert_int_equal(seams_counter(f, "pending"), 0);
}

/* Route and rule requests whose ACKs are lost (the fake kernel side never
 * answers) are not held in flight for good: at the deadline they count as
 * lost and go out again; once answered, nothing is pending. */
static void test_lost_acks_sent_again(void **state)
{
	struct fake *f = *state;
	size_t first = f->n_rule_adds;
	struct msg_rt_ack a;

	assert_true(first > 0);      /* mifd's own rules (route_plan.h) */
	seams_run(f, SIZE_MAX, 150);
	assert_int_equal(f->n_rule_adds, first);     /* nothing lapsed early */
	assert_int_equal(f->e->rt.acks_lost, 0);
	seams_run(f, SIZE_MAX, 400);
	assert_int_equal(f->n_rule_adds, 2 * first); /* each sent once more */
	assert_int_equal(f->e->rt.acks_lost, first);
	/* From here on only the ACKs decide: no third lapse under load. */
	f->e->rt.ack_deadline_ms = 60000;
	for (size_t i = first; i < 2 * first; i++) {
		memset(&a, 0, sizeof(a));
		a.request = MSG_RT_RULE_ADD;
		a.u.rule = f->rules[i];
		seams_send(f, MSG_RT_ACK, &a, sizeof(a));
	}
	seams_run(f, SIZE_MAX, 500);
	assert_int_equal(f->e->rt.adding.n_rules + f->e->rt.deleting.n_rules, 0);
	assert_int_equal(f->n_rule_adds, 2 * first); /* answered: no third round */
	assert_int_equal(f->e->rt.acks_lost, first);
}

/* An RA from router fe80::<ifindex> on ifindex, announcing
 * 2001:db8:<ifindex>:<n>::/64, with the O flag if other. */
static void seams_ra(struct fake *f, int ifindex, unsigned n, bool other)
{
	uint8_t buf[sizeof(struct msg_ra) + 256];
	struct msg_ra *h = (struct msg_ra *)buf;
	struct ra_header hdr = { .cur_hop_limit = 64, .router_lifetime = 1800, .other = other };
	struct ra_prefix pfx = { .plen = 64, .onlink = true, .valid = 3600, .preferred = 1800 };
	struct ra_builder b;
	int len;

	memset(buf, 0, sizeof(buf));
	h->ifindex = ifindex;
	h->hop_limit = 255;
	h->rx_ns = log_now_ns();       /* lifetimes count from reception */
	h->src.s6_addr[0] = 0xfe;
	h->src.s6_addr[1] = 0x80;
	h->src.s6_addr[15] = (uint8_t)ifindex;
	pfx.prefix.s6_addr[0] = 0x20;
	pfx.prefix.s6_addr[1] = 0x01;
	pfx.prefix.s6_addr[2] = 0x0d;
	pfx.prefix.s6_addr[3] = 0xb8;
	pfx.prefix.s6_addr[5] = (uint8_t)ifindex;
	pfx.prefix.s6_addr[7] = (uint8_t)n;
	ra_build_init(&b, buf + sizeof(*h), sizeof(buf) - sizeof(*h));
	ra_build_header(&b, &hdr);
	ra_build_prefix(&b, &pfx);
	len = ra_build_finish(&b);
	assert_true(len > 0);
	seams_send(f, MSG_RA, buf, sizeof(*h) + (size_t)len);
}

static void seams_count_event(void *ctx, enum engine_event ev, json_t *pvd)
{
	size_t *n = ctx;

	(void)pvd;
	if (ev == ENGINE_PVD_ADDED || ev == ENGINE_PVD_CHANGED)
		(*n)++;
}

/* Issue 11 item 3: an RA that changes one PvD costs work for that PvD
 * only. With eight PvDs on eight links, an RA on one link serialises only
 * the PvD of that link to see whether it changed; a link event (which may
 * change any PvD's form) still checks every one. */
static void test_ra_costs_one_pvd(void **state)
{
	struct fake *f = *state;
	size_t events = 0;
	uint64_t d0;

	engine_set_event_cb(f->e, seams_count_event, &events);
	for (int i = 10; i < 18; i++) {
		struct msg_link l = { .managed = 1 };

		l.link.ifindex = i;
		snprintf(l.link.name, sizeof(l.link.name), "eth%d", i);
		l.link.flags = IFF_UP | IFF_RUNNING;
		l.link.type = 1;
		seams_send(f, MSG_LINK, &l, sizeof(l));
		seams_ra(f, i, 0, false);
	}
	seams_run(f, SIZE_MAX, 100);
	assert_int_equal(f->e->store.count, 8);
	assert_int_equal(events, 8);
	d0 = f->e->ctr.digests;
	seams_ra(f, 13, 1, false);            /* a second prefix for the PvD of eth13 */
	seams_run(f, SIZE_MAX, 50);
	assert_int_equal(f->e->ctr.digests - d0, 1);
	assert_int_equal(events, 9);   /* and it is published as changed */
	d0 = f->e->ctr.digests;
	seams_ra(f, 13, 1, false);            /* the same RA again: checked, no event */
	seams_run(f, SIZE_MAX, 50);
	assert_int_equal(f->e->ctr.digests - d0, 1);
	assert_int_equal(events, 9);
	{
		struct msg_link l = { .managed = 1 };

		d0 = f->e->ctr.digests;
		l.link.ifindex = 16;
		snprintf(l.link.name, sizeof(l.link.name), "eth16");
		l.link.flags = IFF_UP;     /* carrier lost: its PvD goes */
		l.link.type = 1;
		seams_send(f, MSG_LINK, &l, sizeof(l));
		seams_run(f, SIZE_MAX, 50);
		assert_int_equal(f->e->store.count, 7);
		assert_int_equal(f->e->ctr.digests - d0, 7);   /* a full pass */
	}
	engine_set_event_cb(f->e, NULL, NULL);
}

/* A managed Ethernet link ifindex named eth<ifindex>, MAC 02:00:00:00:00:<ifindex>. */
static void seams_link(struct fake *f, int ifindex)
{
	struct msg_link l = { .managed = 1 };

	l.link.ifindex = ifindex;
	snprintf(l.link.name, sizeof(l.link.name), "eth%d", ifindex);
	l.link.flags = IFF_UP | IFF_RUNNING;
	l.link.type = 1;
	l.link.hwlen = 6;
	memcpy(l.link.hwaddr, ((const uint8_t[]){ 2, 0, 0, 0, 0, (uint8_t)ifindex }), 6);
	seams_send(f, MSG_LINK, &l, sizeof(l));
}

/* Run until the engine has sent n DHCP messages in all (at most ms). */
static void seams_wait_dhcp(struct fake *f, size_t n, unsigned ms)
{
	for (unsigned i = 0; i < ms / 10 && f->n_dhcp < n; i++)
		seams_run(f, 0, 10);
	assert_true(f->n_dhcp >= n);
}

/* The payload of option code in a DHCPv6 message (RFC 8415 21.1), or NULL. */
static const uint8_t *seams_d6_option(const uint8_t *m, size_t len, uint16_t code,
				      size_t *olen)
{
	for (size_t off = 4; off + 4 <= len;) {
		uint16_t c = (uint16_t)(m[off] << 8 | m[off + 1]);
		size_t l = (size_t)(m[off + 2] << 8 | m[off + 3]);

		assert_true(off + 4 + l <= len);
		if (c == code) {
			*olen = l;
			return m + off + 4;
		}
		off += 4 + l;
	}
	return NULL;
}

/* The engine's status of its first DHCPv6 client. */
static json_int_t seams_d6_status(struct fake *f, const char *key)
{
	json_t *s = engine_status_json(f->e);
	json_t *v = json_object_get(json_array_get(json_object_get(json_object_get(s, "dhcp"),
								    "dhcpv6"), 0), key);
	json_int_t n;

	assert_true(json_is_integer(v));
	n = json_integer_value(v);
	json_decref(s);
	return n;
}

/* A Reply to the Information-request req from a server, with status and
 * an INF_MAX_RT option of inf_max_rt seconds. */
static void seams_d6_reply(struct fake *f, int ifindex, const uint8_t *req, size_t req_len,
			   uint16_t status, uint32_t inf_max_rt)
{
	static const uint8_t srvid[] = { 0, 3, 0, 1, 2, 0, 0, 0, 0, 0x53 };
	uint8_t buf[sizeof(struct msg_dhcp) + 256], st[2] = { (uint8_t)(status >> 8), (uint8_t)status };
	uint8_t mrt[4] = { (uint8_t)(inf_max_rt >> 24), (uint8_t)(inf_max_rt >> 16),
			   (uint8_t)(inf_max_rt >> 8), (uint8_t)inf_max_rt };
	struct msg_dhcp *h = (struct msg_dhcp *)buf;
	const uint8_t *cid;
	struct dhcp6_builder b;
	size_t cid_len = 0;
	int n;

	cid = seams_d6_option(req, req_len, DHCP6_OPT_CLIENTID, &cid_len);
	assert_non_null(cid);
	memset(h, 0, sizeof(*h));
	h->ifindex = ifindex;
	h->family = AF_INET6;
	h->peer.s6_addr[0] = 0xfe;
	h->peer.s6_addr[1] = 0x80;
	h->peer.s6_addr[15] = 0x53;
	dhcp6_build_init(&b, buf + sizeof(*h), sizeof(buf) - sizeof(*h), DHCP6_REPLY,
			 (uint32_t)req[1] << 16 | (uint32_t)req[2] << 8 | req[3]);
	dhcp6_build_option(&b, DHCP6_OPT_CLIENTID, cid, cid_len);
	dhcp6_build_option(&b, DHCP6_OPT_SERVERID, srvid, sizeof(srvid));
	dhcp6_build_option(&b, DHCP6_OPT_STATUS_CODE, st, sizeof(st));
	dhcp6_build_option(&b, DHCP6_OPT_INF_MAX_RT, mrt, sizeof(mrt));
	n = dhcp6_build_finish(&b);
	assert_true(n > 0);
	seams_send(f, MSG_DHCP_RX, buf, sizeof(*h) + (size_t)n);
}

/* Issue 17, RFC 8415: the first Information-request asks for INF_MAX_RT
 * (section 21.25 says a client MUST) and the information refresh time
 * (21.23), and its Elapsed Time is 0 (21.9) whatever random delay came
 * before it (18.2.6). A server's INF_MAX_RT is taken even from a Reply
 * that reports a failure (18.2.10); a value out of 60..86400 is ignored. */
static void test_dhcp6_information_request(void **state)
{
	struct fake *f = *state;
	const uint8_t *req, *oro, *el;
	size_t req_len, oro_len = 0, el_len = 0;
	bool has83 = false, has32 = false;

	seams_link(f, 30);
	seams_ra(f, 30, 0, true);
	seams_wait_dhcp(f, 1, 1500);          /* after at most INF_MAX_DELAY (1 s) */
	req = f->dhcp[0] + sizeof(struct msg_dhcp);
	req_len = f->dhcp_len[0] - sizeof(struct msg_dhcp);
	assert_int_equal(req[0], DHCP6_INFORMATION_REQUEST);
	oro = seams_d6_option(req, req_len, DHCP6_OPT_ORO, &oro_len);
	assert_non_null(oro);
	for (size_t i = 0; i + 1 < oro_len; i += 2) {
		has83 |= (oro[i] << 8 | oro[i + 1]) == DHCP6_OPT_INF_MAX_RT;
		has32 |= (oro[i] << 8 | oro[i + 1]) == DHCP6_OPT_INFO_REFRESH_TIME;
	}
	assert_true(has83);
	assert_true(has32);
	el = seams_d6_option(req, req_len, DHCP6_OPT_ELAPSED_TIME, &el_len);
	assert_non_null(el);
	assert_int_equal(el_len, 2);
	assert_int_equal(el[0] << 8 | el[1], 0);
	assert_int_equal(seams_d6_status(f, "inf_max_rt"), DHCP6_INF_MAX_RT_DEFAULT);

	seams_d6_reply(f, 30, req, req_len, 1, 120);   /* UnspecFail, INF_MAX_RT 120 s */
	seams_run(f, 0, 30);
	assert_int_equal(seams_d6_status(f, "dropped"), 1);
	assert_int_equal(seams_d6_status(f, "inf_max_rt"), 120);
	seams_d6_reply(f, 30, req, req_len, 0, 59);    /* below the RFC's minimum */
	seams_run(f, 0, 30);
	assert_int_equal(seams_d6_status(f, "replies"), 1);
	assert_int_equal(seams_d6_status(f, "inf_max_rt"), 120);
}

/* The DHCPv4 message the engine sent last, parsed. */
static void seams_d4_last(struct fake *f, struct dhcp4_msg *m, uint8_t want_type)
{
	size_t i = (f->n_dhcp - 1) % 4;

	assert_true(f->n_dhcp > 0);
	assert_int_equal(dhcp4_parse(f->dhcp[i] + sizeof(struct msg_dhcp),
				     f->dhcp_len[i] - sizeof(struct msg_dhcp), m, NULL), 0);
	assert_int_equal(m->type, want_type);
}

/* A server's OFFER or ACK of 192.0.2.50 from 192.0.2.1, lease seconds. */
static void seams_d4_reply(struct fake *f, int ifindex, const struct dhcp4_msg *q,
			   uint8_t type, uint32_t lease)
{
	uint8_t buf[sizeof(struct msg_dhcp) + 576];
	struct msg_dhcp *h = (struct msg_dhcp *)buf;
	struct in_addr none = { 0 }, yi = { htonl(0xc0000232) }, srv = { htonl(0xc0000201) };
	struct dhcp4_builder b;
	int n;

	memset(h, 0, sizeof(*h));
	h->ifindex = ifindex;
	h->family = AF_INET;
	dhcp4_build_init(&b, buf + sizeof(*h), sizeof(buf) - sizeof(*h), 2, q->xid, q->chaddr, 6);
	dhcp4_build_header(&b, 0, 0, none, yi, none);
	dhcp4_build_u8(&b, 53, type);
	dhcp4_build_addrs(&b, 54, &srv, 1);
	dhcp4_build_u32(&b, 51, lease);
	dhcp4_build_addrs(&b, 1, &(struct in_addr){ htonl(0xffffff00) }, 1);
	n = dhcp4_build_finish(&b);
	assert_true(n > 0);
	seams_send(f, MSG_DHCP_RX, buf, sizeof(*h) + (size_t)n);
}

/* Issue 17, RFC 2131 4.4.1: the lease ends "the time at which the original
 * request was sent" plus its duration. The fake kernel side takes its time
 * over the ARP probe after the ACK (RFC 5227); the lease's end, T1 and T2
 * still count from the REQUEST, not from the probe's result. */
static void test_dhcp4_lease_from_request(void **state)
{
	struct fake *f = *state;
	struct engine_dhcp4 *c;
	struct msg_arp arp = { .ifindex = 32 };
	struct dhcp4_msg *m = calloc(1, sizeof(*m));
	uint64_t t_request;

	assert_non_null(m);
	seams_link(f, 32);
	seams_run(f, 0, 10);
	assert_int_equal(engine_dhcp4_set(f->e, "eth32", true), 0);
	seams_wait_dhcp(f, 1, 1500);          /* DISCOVER after at most 1 s */
	seams_d4_last(f, m, DHCP4_DISCOVER);
	seams_d4_reply(f, 32, m, DHCP4_OFFER, 600);
	seams_wait_dhcp(f, 2, 500);
	t_request = log_now_ns();             /* the REQUEST was sent before this */
	seams_d4_last(f, m, DHCP4_REQUEST);
	seams_d4_reply(f, 32, m, DHCP4_ACK, 600);
	for (unsigned i = 0; i < 50 && !f->n_arp_probes; i++)
		seams_run(f, 0, 10);
	assert_int_equal(f->n_arp_probes, 1);
	seams_run(f, 0, 400);                 /* the probe takes its time */
	arp.addr.s_addr = htonl(0xc0000232);
	seams_send(f, MSG_ARP_RESULT, &arp, sizeof(arp));
	seams_run(f, 0, 30);
	assert_int_equal(f->e->n_dhcp4, 1);
	c = f->e->dhcp4[0];
	assert_int_equal(c->state, D4_BOUND);
	assert_true(c->bound_ns >= t_request + 400000000ull);
	assert_true(c->expire_at <= t_request + 600 * 1000000000ull);
	assert_true(c->t1_at <= t_request + 300 * 1000000000ull);
	assert_true(c->t2_at <= t_request + 525 * 1000000000ull);
	free(m);
}

/* The payload of DHCPv4 option code in the engine's last message, or NULL
 * (options follow the 236-byte header and the magic cookie). */
static const uint8_t *seams_d4_option(struct fake *f, uint8_t code, size_t *len)
{
	size_t i = (f->n_dhcp - 1) % 4, n = f->dhcp_len[i] - sizeof(struct msg_dhcp);
	const uint8_t *p = f->dhcp[i] + sizeof(struct msg_dhcp);

	for (size_t o = 240; o < n && p[o] != 255;) {
		if (p[o] == 0) {
			o++;
			continue;
		}
		assert_true(o + 2 <= n && o + 2 + p[o + 1] <= n);
		if (p[o] == code) {
			*len = p[o + 1];
			return p + o + 2;
		}
		o += 2u + p[o + 1];
	}
	return NULL;
}

/* A kept lease of eth<ifindex> as the parent hands it over (MSG_LEASE), in
 * the layout engine_dhcp4_lease.c documents: 192.0.2.77/24 from 192.0.2.1,
 * ending `left` seconds from now in wall-clock time. */
static void seams_d4_kept(struct fake *f, int ifindex, int64_t left)
{
	uint8_t buf[sizeof(struct msg_lease) + 28], *p = buf + sizeof(struct msg_lease);
	struct msg_lease h = { .len = 28 };
	uint64_t end = (uint64_t)((int64_t)time(NULL) + left);

	snprintf(h.key, sizeof(h.key), "dhcp4-eth%d", ifindex);
	memcpy(buf, &h, sizeof(h));
	memset(p, 0, 28);
	p[0] = 1;
	p[1] = 24;
	memcpy(p + 2, ((const uint8_t[]){ 2, 0, 0, 0, 0, (uint8_t)ifindex }), 6);
	memcpy(p + 8, ((const uint8_t[]){ 192, 0, 2, 77 }), 4);
	memcpy(p + 12, ((const uint8_t[]){ 192, 0, 2, 1 }), 4);
	for (int i = 0; i < 8; i++)
		p[16 + i] = (uint8_t)(end >> (56 - 8 * i));
	p[27] = 0x58;            /* 600 s */
	p[26] = 0x02;
	seams_send(f, MSG_LEASE, buf, sizeof(buf));
}

/* Issue 20, RFC 2131 3.2: a kept, unexpired lease is asked for again by
 * INIT-REBOOT (REQUEST, option 50, no server id, ciaddr 0, no DISCOVER);
 * the ACK binds and the lease is kept again (MSG_LEASE_SAVE). */
static void test_dhcp4_init_reboot(void **state)
{
	struct fake *f = *state;
	struct dhcp4_msg *m = calloc(1, sizeof(*m));
	struct msg_arp arp = { .ifindex = 33 };
	const uint8_t *o;
	size_t len = 0;

	assert_non_null(m);
	seams_d4_kept(f, 33, 3600);
	seams_link(f, 33);
	seams_run(f, 0, 10);
	assert_int_equal(engine_dhcp4_set(f->e, "eth33", true), 0);
	seams_wait_dhcp(f, 1, 1500);
	seams_d4_last(f, m, DHCP4_REQUEST);
	assert_false(m->has_server_id);
	assert_int_equal(m->ciaddr.s_addr, 0);
	o = seams_d4_option(f, 50, &len);
	assert_non_null(o);
	assert_int_equal(len, 4);
	assert_memory_equal(o, ((const uint8_t[]){ 192, 0, 2, 77 }), 4);
	assert_int_equal(f->e->dhcp4[0]->state, D4_REBOOTING);
	seams_d4_reply(f, 33, m, DHCP4_ACK, 600);
	for (unsigned i = 0; i < 50 && !f->n_arp_probes; i++)
		seams_run(f, 0, 10);
	assert_int_equal(f->n_arp_probes, 1);   /* RFC 2131 3.2 step 4: checked first */
	arp.addr.s_addr = htonl(0xc0000232);
	seams_send(f, MSG_ARP_RESULT, &arp, sizeof(arp));
	for (unsigned i = 0; i < 50 && !f->n_lease_saves; i++)
		seams_run(f, 0, 10);
	assert_int_equal(f->e->dhcp4[0]->state, D4_BOUND);
	assert_true(f->e->dhcp4[0]->reboot_acked);
	assert_int_equal(f->n_lease_saves, 1);
	assert_string_equal(f->lease_save.key, "dhcp4-eth33");
	assert_int_equal(f->lease_save.len, 28);
	assert_memory_equal(f->lease_payload + 8, ((const uint8_t[]){ 192, 0, 2, 50 }), 4);
	assert_memory_equal(f->lease_payload + 2, ((const uint8_t[]){ 2, 0, 0, 0, 0, 33 }), 6);
	free(m);
}

/* A NAK to INIT-REBOOT: the kept lease is forgotten (an empty
 * MSG_LEASE_SAVE) and the client discovers without suggesting it. An
 * expired kept lease is not asked for, only suggested in DISCOVER. */
static void test_dhcp4_init_reboot_nak(void **state)
{
	struct fake *f = *state;
	struct dhcp4_msg *m = calloc(1, sizeof(*m));
	size_t len = 0;

	assert_non_null(m);
	seams_d4_kept(f, 34, 3600);
	seams_d4_kept(f, 35, -10);
	seams_link(f, 34);
	seams_link(f, 35);
	seams_run(f, 0, 10);
	assert_int_equal(engine_dhcp4_set(f->e, "eth34", true), 0);
	seams_wait_dhcp(f, 1, 1500);
	seams_d4_last(f, m, DHCP4_REQUEST);
	seams_d4_reply(f, 34, m, DHCP4_NAK, 0);
	for (unsigned i = 0; i < 50 && !f->n_lease_saves; i++)
		seams_run(f, 0, 10);
	assert_int_equal(f->n_lease_saves, 1);
	assert_string_equal(f->lease_save.key, "dhcp4-eth34");
	assert_int_equal(f->lease_save.len, 0);
	seams_wait_dhcp(f, 2, 2500);             /* a second's pause after a NAK */
	seams_d4_last(f, m, DHCP4_DISCOVER);
	assert_null(seams_d4_option(f, 50, &len));
	assert_int_equal(engine_dhcp4_set(f->e, "eth34", false), 0);
	assert_int_equal(engine_dhcp4_set(f->e, "eth35", true), 0);
	seams_wait_dhcp(f, 3, 1500);
	seams_d4_last(f, m, DHCP4_DISCOVER);
	assert_non_null(seams_d4_option(f, 50, &len));
	free(m);
}

/* The address 2001:db8:0:<ifindex>::10/64 that SLAAC would form for
 * seams_ra(f, ifindex, 0, ...)'s prefix. */
static void seams_addr(struct fake *f, int ifindex)
{
	struct nl_addr a = { .ifindex = ifindex, .family = AF_INET6, .plen = 64,
			     .valid = 3600, .preferred = 1800 };

	a.addr[0] = 0x20;
	a.addr[1] = 0x01;
	a.addr[2] = 0x0d;
	a.addr[3] = 0xb8;
	a.addr[5] = (uint8_t)ifindex;
	a.addr[15] = 0x10;
	seams_send(f, MSG_ADDR, &a, sizeof(a));
}

static const struct msg_mob_path *seams_mob_on(struct fake *f, const char *ifname)
{
	for (size_t i = 0; i < f->mob.n; i++)
		if (!strcmp(f->mob.p[i].ifname, ifname))
			return &f->mob.p[i];
	return NULL;
}

/* The mobile node's care-of paths (mobility/engine_mob.c): one per PvD with
 * a usable address, BID-PRI from prefer =, marked for its PvD's table; a
 * link that loses carrier takes its path out in the same sync, and the PvD
 * gets its BID back when it returns. */
static void test_mobility_paths(void **state)
{
	struct fake *f = *state;
	struct mob_config mc;
	const struct msg_mob_path *p10, *p11;
	uint16_t bid11;

	mob_config_defaults(&mc);
	mc.enabled = true;
	mc.has_ha6 = true;
	snprintf(mc.prefer[0], IFNAMSIZ, "eth11");
	snprintf(mc.prefer[1], IFNAMSIZ, "wired");
	mc.n_prefer = 2;
	engine_mob_set_config(f->e, &mc);
	f->e->conn.cfg.enabled = false;
	for (int i = 10; i < 12; i++) {
		seams_link(f, i);
		seams_ra(f, i, 0, false);
		seams_addr(f, i);
	}
	seams_run(f, 0, 100);
	assert_true(f->n_mob > 0);
	assert_int_equal(f->mob.n, 2);
	p10 = seams_mob_on(f, "eth10");
	p11 = seams_mob_on(f, "eth11");
	assert_non_null(p10);
	assert_non_null(p11);
	assert_int_equal(p11->pri, 0);          /* prefer entry 1, IPv6 */
	assert_int_equal(p10->pri, 2);          /* prefer entry 2 ("wired") */
	assert_int_equal(p10->family, 6);
	assert_int_equal(p10->coa[5], 10);
	assert_int_equal(p10->coa[15], 0x10);
	assert_true(p10->mark != 0 && p11->mark != 0 && p10->mark != p11->mark);
	assert_true(p10->bid != p11->bid && p10->bid >= 1 && p11->bid >= 1);
	bid11 = p11->bid;

	/* eth11 loses carrier: its path goes at once, eth10 keeps its BID. */
	{
		struct msg_link l = { .managed = 1 };
		uint16_t bid10 = p10->bid;
		size_t sent = f->n_mob;

		l.link.ifindex = 11;
		snprintf(l.link.name, sizeof(l.link.name), "eth11");
		l.link.flags = IFF_UP;
		l.link.type = 1;
		seams_send(f, MSG_LINK, &l, sizeof(l));
		seams_run(f, 0, 50);
		assert_true(f->n_mob > sent);
		assert_int_equal(f->mob.n, 1);
		assert_int_equal(f->mob.p[0].bid, bid10);
		assert_null(seams_mob_on(f, "eth11"));
	}
	/* It comes back: the same BID as before. */
	seams_link(f, 11);
	seams_ra(f, 11, 0, false);
	seams_addr(f, 11);
	seams_run(f, 0, 100);
	assert_int_equal(f->mob.n, 2);
	assert_non_null(p11 = seams_mob_on(f, "eth11"));
	assert_int_equal(p11->bid, bid11);
	/* Nothing changed: nothing more is sent. */
	{
		size_t sent = f->n_mob;

		seams_ra(f, 10, 0, false);
		seams_run(f, 0, 50);
		assert_int_equal(f->n_mob, sent);
	}
	/* eth10's address goes (its PvD stays): its path goes in that sync. */
	{
		struct nl_addr a = { .ifindex = 10, .family = AF_INET6, .plen = 64 };

		memcpy(a.addr, seams_mob_on(f, "eth10")->coa, 16);
		seams_send(f, MSG_ADDR_GONE, &a, sizeof(a));
		seams_run(f, 0, 50);
		assert_int_equal(f->e->store.count, 2);
		assert_int_equal(f->mob.n, 1);
		assert_null(seams_mob_on(f, "eth10"));
		assert_non_null(seams_mob_on(f, "eth11"));
	}
}

/* The pairing rule (mob_hoa.h) for [mobility]'s home address: a PvD on
 * its home link (the address in the home prefix) gives the home path (its
 * care-of address the home address, BID-PRI 0, named with its router for
 * the parent's native uplink: engine_mob_home.h), the others start at
 * BID-PRI 1; one on an interface that via = does not name gives none
 * (issue 16 item 1). */
static void test_mobility_pairing(void **state)
{
	struct fake *f = *state;
	struct mob_config mc;
	const struct msg_mob_path *p10, *p11;
	char err[128];

	mob_config_defaults(&mc);
	mc.enabled = true;
	mc.has_ha6 = true;
	/* 2001:db8:b::/48 is eth11's network (seams_addr): its home link. */
	assert_int_equal(mob_config_set(&mc, "home_address", "x", "2001:db8:b::99/48", err,
					 sizeof(err)), 0);
	assert_int_equal(mob_config_set(&mc, "via", "x", "eth10 eth11", err, sizeof(err)), 0);
	engine_mob_set_config(f->e, &mc);
	f->e->conn.cfg.enabled = false;
	for (int i = 10; i < 13; i++) {
		seams_link(f, i);
		seams_ra(f, i, 0, false);
		seams_addr(f, i);
	}
	seams_run(f, 0, 100);
	assert_int_equal(f->e->store.count, 3);
	assert_true(f->n_mob > 0);
	assert_int_equal(f->mob.n, 2);
	assert_non_null(p10 = seams_mob_on(f, "eth10"));
	assert_non_null(p11 = seams_mob_on(f, "eth11"));        /* at home there */
	assert_null(seams_mob_on(f, "eth12"));  /* not in via */
	assert_memory_equal(p11->coa, &mc.hoa, 16);
	assert_int_equal(p11->pri, 0);
	assert_int_equal(p10->pri, 1);          /* not in prefer, IPv6: 0, one above home */
	assert_int_equal(f->mob.home_link.active, 1);
	assert_int_equal(f->mob.home_link.ifindex, 11);
	assert_int_equal(f->mob.home_link.bid, p11->bid);
	assert_string_equal(f->mob.home_link.ifname, "eth11");
	assert_true(f->mob.home_link.gw[0] == 0xfe && (f->mob.home_link.gw[1] & 0xc0) == 0x80);
	/* mifctl mobility's pairing verdict for it: bound, with the H flag. */
	for (size_t i = 0; i < f->mob.pairs.n; i++)
		if (!strcmp(f->mob.pairs.e[i].ifname, "eth11")) {
			assert_int_equal(f->mob.pairs.e[i].verdict, MOB_PAIR_BOUND);
			assert_non_null(strstr(f->mob.pairs.e[i].why, "H flag"));
		}
	/* The home link loses carrier: the home path and the native uplink
	 * go in the same sync. */
	{
		struct msg_link l = { .managed = 1 };

		l.link.ifindex = 11;
		snprintf(l.link.name, sizeof(l.link.name), "eth11");
		l.link.flags = IFF_UP;
		l.link.type = 1;
		seams_send(f, MSG_LINK, &l, sizeof(l));
		seams_run(f, 0, 50);
		assert_int_equal(f->mob.n, 1);
		assert_null(seams_mob_on(f, "eth11"));
		assert_int_equal(f->mob.home_link.active, 0);
	}
}

static const struct msg_mob_path *seams_mobh_on(struct fake *f, size_t h, const char *ifname)
{
	for (size_t i = 0; i < f->mobh[h].n; i++)
		if (!strcmp(f->mobh[h].p[i].ifname, ifname))
			return &f->mobh[h].p[i];
	return NULL;
}

static const struct msg_mob_pair *seams_pair_on(struct fake *f, size_t h, const char *ifname)
{
	for (size_t i = 0; i < f->mobh[h].pairs.n; i++)
		if (!strcmp(f->mobh[h].pairs.e[i].ifname, ifname))
			return &f->mobh[h].pairs.e[i];
	return NULL;
}

/* Two home addresses ([mobility] h1 and [mobility h2], issue 16 item 1):
 * one path set per home address, each with its own BIDs from 1, its own
 * pairing verdicts (bound, refused by via, at home) for every PvD, and
 * the policy's flows only in the first. */
static void test_mobility_two_homes(void **state)
{
	struct fake *f = *state;
	struct mob_config mc;
	const struct msg_mob_pair *e;
	char err[160];

	mob_config_defaults(&mc);
	mc.enabled = true;
	assert_int_equal(mob_config_set(&mc, "home_address", "x", "2001:db8:100::10", err,
					 sizeof(err)), 0);
	assert_int_equal(mob_config_set(&mc, "home_agent_address", "x", "2001:db8:f::1", err,
					 sizeof(err)), 0);
	assert_int_equal(mob_config_set(&mc, "name", "x", "h1", err, sizeof(err)), 0);
	assert_int_equal(mob_config_set(&mc, "via", "x", "eth10 eth11", err, sizeof(err)), 0);
	/* h2's home link is eth12's network (2001:db8:c::/48, seams_addr). */
	assert_int_equal(mob_config_set_home(&mc, "h2", "home_address", "x", "2001:db8:c::99/48",
					      err, sizeof(err)), 0);
	assert_int_equal(mob_config_set_home(&mc, "h2", "home_agent_address", "x",
					      "2001:db8:f2::1", err, sizeof(err)), 0);
	assert_int_equal(mob_config_set_home(&mc, "h2", "via", "x", "eth11 eth12", err,
					      sizeof(err)), 0);
	engine_mob_set_config(f->e, &mc);
	f->e->conn.cfg.enabled = false;
	for (int i = 10; i < 13; i++) {
		seams_link(f, i);
		seams_ra(f, i, 0, false);
		seams_addr(f, i);
	}
	seams_run(f, 0, 100);
	assert_int_equal(f->e->store.count, 3);
	assert_true(f->n_mobh[0] > 0 && f->n_mobh[1] > 0);
	assert_int_equal(f->mobh[0].home, 0);
	assert_int_equal(f->mobh[1].home, 1);
	/* h1: eth10 and eth11 bound, eth12 refused by its via list. */
	assert_int_equal(f->mobh[0].n, 2);
	assert_non_null(seams_mobh_on(f, 0, "eth10"));
	assert_non_null(seams_mobh_on(f, 0, "eth11"));
	assert_int_equal(f->mobh[0].pairs.n, 3);
	assert_non_null(e = seams_pair_on(f, 0, "eth12"));
	assert_int_equal(e->verdict, MOB_PAIR_REFUSED);
	assert_non_null(strstr(e->why, "not in this home address's via list"));
	assert_non_null(e = seams_pair_on(f, 0, "eth10"));
	assert_int_equal(e->verdict, MOB_PAIR_BOUND);
	assert_non_null(strstr(e->why, "ingress-safe: source 2001:db8:a:"));
	/* h2: eth11 only, with BID 1 of its own; at home on eth12. */
	assert_int_equal(f->mobh[1].n, 1);
	assert_non_null(seams_mobh_on(f, 1, "eth11"));
	assert_int_equal(f->mobh[1].p[0].bid, 1);
	assert_int_equal(f->mobh[1].p[0].home, 1);
	assert_int_equal(f->mobh[1].flows.n, 0);
	assert_int_equal(f->mobh[1].pairs.n, 3);
	assert_non_null(e = seams_pair_on(f, 1, "eth12"));
	assert_int_equal(e->verdict, MOB_PAIR_AT_HOME);
	/* The home link is home address 0's only: h2 at home on eth12 gets no
	 * home path there and its set names no home link. */
	assert_null(seams_mobh_on(f, 1, "eth12"));
	assert_int_equal(f->mobh[1].home_link.active, 0);
	assert_int_equal(f->mobh[0].home_link.active, 0);      /* h1 is /128 */
	assert_non_null(e = seams_pair_on(f, 1, "eth10"));
	assert_int_equal(e->verdict, MOB_PAIR_REFUSED);
	/* eth11 loses carrier: both home addresses lose their path there. */
	{
		struct msg_link l = { .managed = 1 };

		l.link.ifindex = 11;
		snprintf(l.link.name, sizeof(l.link.name), "eth11");
		l.link.flags = IFF_UP;
		l.link.type = 1;
		seams_send(f, MSG_LINK, &l, sizeof(l));
		seams_run(f, 0, 50);
		assert_int_equal(f->mobh[0].n, 1);
		assert_non_null(seams_mobh_on(f, 0, "eth10"));
		assert_int_equal(f->mobh[1].n, 0);
		assert_null(seams_pair_on(f, 1, "eth11"));
	}
}

/* Nesting (analysis 6.3.1): h2 with via = h1 gets one path, h1's home
 * address on the TUN device (here eth12 stands for it), once h1 has a
 * path; the pair says nested. No PvD gives h2 a path of its own. */
static void test_mobility_nested(void **state)
{
	struct fake *f = *state;
	struct mob_config mc;
	const struct msg_mob_pair *e;
	const struct msg_mob_path *p;
	char err[160];

	mob_config_defaults(&mc);
	mc.enabled = true;
	snprintf(mc.tun, sizeof(mc.tun), "eth12");
	assert_int_equal(mob_config_set(&mc, "home_address", "x", "2001:db8:100::10", err,
					 sizeof(err)), 0);
	assert_int_equal(mob_config_set(&mc, "home_agent_address", "x", "2001:db8:f::1", err,
					 sizeof(err)), 0);
	assert_int_equal(mob_config_set(&mc, "name", "x", "h1", err, sizeof(err)), 0);
	assert_int_equal(mob_config_set_home(&mc, "h2", "home_address", "x", "2001:db8:200::10",
					      err, sizeof(err)), 0);
	assert_int_equal(mob_config_set_home(&mc, "h2", "home_agent_address", "x",
					      "2001:db8:f2::1", err, sizeof(err)), 0);
	assert_int_equal(mob_config_set_home(&mc, "h2", "via", "x", "h1", err, sizeof(err)), 0);
	engine_mob_set_config(f->e, &mc);
	f->e->conn.cfg.enabled = false;
	/* The TUN device's stand-in up first: no path for h2 while h1 has none. */
	seams_link(f, 12);
	seams_run(f, 0, 50);
	assert_int_equal(f->mobh[1].n, 0);
	for (int i = 10; i < 12; i++) {
		seams_link(f, i);
		seams_ra(f, i, 0, false);
		seams_addr(f, i);
	}
	seams_run(f, 0, 100);
	assert_int_equal(f->mobh[0].n, 2);
	assert_int_equal(f->mobh[1].n, 1);
	p = &f->mobh[1].p[0];
	assert_string_equal(p->ifname, "eth12");
	assert_int_equal(p->ifindex, 12);
	assert_int_equal(p->home, 1);
	assert_int_equal(p->coa[1], 0x01);
	assert_int_equal(p->coa[4], 0x01);      /* 2001:db8:100::10, h1's */
	assert_int_equal(p->coa[15], 0x10);
	assert_string_equal(p->pvd, "home:h1");
	assert_int_equal(p->mark, 0);
	assert_non_null(e = seams_pair_on(f, 1, "eth12"));
	assert_int_equal(e->verdict, MOB_PAIR_NESTED);
	assert_non_null(strstr(e->why, "nested: h1 as care-of address"));
	assert_non_null(e = seams_pair_on(f, 1, "eth10"));
	assert_int_equal(e->verdict, MOB_PAIR_REFUSED);    /* via names h1 only */
	assert_null(seams_mobh_on(f, 1, "eth10"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lost_replies_free_every_slot, seams_setup,
						seams_teardown),
		cmocka_unit_test_setup_teardown(test_late_answer_ignored, seams_setup,
						seams_teardown),
		cmocka_unit_test_setup_teardown(test_lost_acks_sent_again, seams_setup, seams_teardown),
		cmocka_unit_test_setup_teardown(test_ra_costs_one_pvd, seams_setup, seams_teardown),
		cmocka_unit_test_setup_teardown(test_mobility_paths, seams_setup, seams_teardown),
		cmocka_unit_test_setup_teardown(test_mobility_pairing, seams_setup, seams_teardown),
		cmocka_unit_test_setup_teardown(test_mobility_two_homes, seams_setup,
						seams_teardown),
		cmocka_unit_test_setup_teardown(test_mobility_nested, seams_setup, seams_teardown),
		cmocka_unit_test_setup_teardown(test_kernel_side_lapse, seams_setup,
						seams_teardown),
		cmocka_unit_test_setup_teardown(test_dhcp6_information_request, seams_setup,
						seams_teardown),
		cmocka_unit_test_setup_teardown(test_dhcp4_lease_from_request, seams_setup,
						seams_teardown),
		cmocka_unit_test_setup_teardown(test_dhcp4_init_reboot, seams_setup,
						seams_teardown),
		cmocka_unit_test_setup_teardown(test_dhcp4_init_reboot_nak, seams_setup,
						seams_teardown),
	};

	log_set_level(LOG_LVL_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
