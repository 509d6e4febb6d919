/* SPDX-License-Identifier: MIT */
/*
 * Discovery of Designated Resolvers (DDR, RFC 9462) for a PvD whose
 * network announced clear-text resolvers only (no DNR: RFC 9462 section
 * 6.5 lets DNR take precedence), while its DNS over TLS profile is not
 * off. In the network-facing process, beside the stub.
 *
 * Section 4: each clear-text server of the PvD is asked for
 * `_dns.resolver.arpa` SVCB, through the PvD (its interface, mark and
 * source, like any upstream query), over UDP, in turn. The designated
 * resolvers with alpn "dot" and an address (hints, or the Additional
 * section) are then verified by a TLS connection (stub_dot_probe):
 *   - verified discovery (section 4.2): the certificate chains to the
 *     trust store and holds the designating server's address as an
 *     iPAddress subjectAltName; otherwise the resolver is not used, the
 *     reason shown in mifctl dns, and not asked again for the SVCB TTL;
 *   - opportunistic discovery (section 4.3), in the opportunistic profile
 *     only: the designated resolver has the designating server's own
 *     address, and that address is not public (RFC 1918, RFC 6598, ULA,
 *     link-local): used without verification, said so.
 * Section 4.1: a designation replaces only the server that made it, so
 * the PvD uses DDR only when every one of its clear-text servers
 * designated a resolver that passed; then queries go to those over TLS
 * (at most DNS_PLAN_MAX_TLS) as for DNR resolvers, under the PvD's
 * profile. Discovery runs again when the smallest SVCB TTL ends (at
 * least DDR_MIN_TTL_S), when the PvD's servers change, and, after no
 * answer or NODATA, after DDR_RETRY_S.
 */
#include <errno.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/log.h"
#include "daemon/dns/stub_priv.h"
#include "proto/dnr.h"
#include "proto/svcb.h"

#define DDR_WAIT_MS 2000        /* one try */
#define DDR_TRIES 3             /* per server */
#define DDR_MIN_TTL_S 10
#define DDR_MAX_TTL_S 86400
#define DDR_RETRY_S 300         /* after no answer, NODATA or a failed check */
#define DDR_MAX_RES (DNS_PLAN_MAX_SERVERS)

enum ddr_res_state { DDR_VERIFYING, DDR_VERIFIED, DDR_OPPORTUNISTIC, DDR_REJECTED };

struct ddr_res {
	struct dns_plan_tls t;
	size_t server;                 /* index of the designating server */
	enum ddr_res_state st;
	char why[320];
};

struct stub_ddr {
	struct stub *s;
	uint64_t handle;
	struct in6_addr servers[DNS_PLAN_MAX_SERVERS];
	size_t n_servers;
	int mode;                      /* the profile it was discovered for */
	size_t srv_i;                  /* the server being asked */
	unsigned tries;
	int fd;
	struct event *ev, *timer;
	uint16_t id;
	struct sockaddr_storage to;
	socklen_t tolen;
	bool asking;
	char server_status[DNS_PLAN_MAX_SERVERS][96];
	uint32_t ttl;                  /* the smallest SVCB TTL seen, seconds */
	uint64_t next_ns;              /* when discovery runs again */
	size_t n_res;
	struct ddr_res res[DDR_MAX_RES];
	/* In use: the designated resolvers of the last discovery whose
	 * checks are all done, kept while the next one runs. */
	size_t n_active;
	struct dns_plan_tls active[DNS_PLAN_MAX_TLS];
	uint64_t queries, answers;
};

static void ddr_ask(struct stub_ddr *g);

/* RFC 9462 section 4.3: "non-public" addresses. */
static bool ddr_private(const struct in6_addr *a)
{
	if (IN6_IS_ADDR_V4MAPPED(a)) {
		const uint8_t *b = a->s6_addr + 12;

		return b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) ||
		       (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254) ||
		       (b[0] == 100 && (b[1] & 0xc0) == 64);
	}
	return (a->s6_addr[0] & 0xfe) == 0xfc || IN6_IS_ADDR_LINKLOCAL(a);
}

static void ddr_close_socket(struct stub_ddr *g)
{
	if (g->ev)
		event_free(g->ev);
	g->ev = NULL;
	if (g->fd >= 0) {
		close(g->fd);
		g->s->n_upstream--;
	}
	g->fd = -1;
}

static void ddr_arm(struct stub_ddr *g, uint64_t ms)
{
	struct timeval tv = { (time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000 };

	evtimer_add(g->timer, &tv);
}

/* p->plan.tls: DNR's entries, then the designated resolvers in use. */
static void ddr_apply(struct stub_pvd *p)
{
	struct stub_ddr *g = p->ddr;

	p->plan.n_tls = p->n_dnr_tls;
	for (size_t i = 0; g && !p->n_dnr_tls && i < g->n_active; i++)
		p->plan.tls[p->plan.n_tls++] = g->active[i];
}

/* Once no check is under way: the designated resolvers that passed
 * become the ones in use, if every server's designation passed (section
 * 4.1), else none. */
static void ddr_settle(struct stub_ddr *g, struct stub_pvd *p)
{
	bool all = g->n_servers > 0;

	if (g->asking)
		return;
	for (size_t i = 0; i < g->n_res; i++)
		if (g->res[i].st == DDR_VERIFYING)
			return;
	for (size_t k = 0; all && k < g->n_servers; k++) {
		bool ok = false;

		for (size_t i = 0; i < g->n_res; i++)
			ok |= g->res[i].server == k && (g->res[i].st == DDR_VERIFIED ||
							g->res[i].st == DDR_OPPORTUNISTIC);
		all = ok;
	}
	g->n_active = 0;
	for (size_t i = 0; all && i < g->n_res && g->n_active < DNS_PLAN_MAX_TLS; i++) {
		const struct dns_plan_tls *t = &g->res[i].t;
		bool dup = false;

		/* Two servers designating one resolver: one entry. */
		for (size_t j = 0; j < g->n_active; j++)
			dup |= !memcmp(&g->active[j].up.addr, &t->up.addr, 16) &&
			       g->active[j].port == t->port && !strcmp(g->active[j].adn, t->adn);
		if (!dup && (g->res[i].st == DDR_VERIFIED || g->res[i].st == DDR_OPPORTUNISTIC))
			g->active[g->n_active++] = *t;
	}
	ddr_apply(p);
}

/* Discovery is over (every server asked): verify what was designated. */
static void ddr_verify_all(struct stub_ddr *g, struct stub_pvd *p)
{
	g->asking = false;
	for (size_t i = 0; i < g->n_res; i++) {
		struct ddr_res *r = &g->res[i];
		int e;

		if (r->st != DDR_VERIFYING)
			continue;
		if ((e = stub_dot_probe(g->s, p, &r->t)) < 0) {
			r->st = DDR_REJECTED;
			snprintf(r->why, sizeof(r->why), "cannot connect: %s", strerror(-e));
		}
	}
	g->next_ns = stub_now_ns() + (uint64_t)g->ttl * 1000000000ull;
	ddr_settle(g, p);
	ddr_arm(g, (uint64_t)g->ttl * 1000);
}

/* Keep r, designated by server k, if it is a DoT resolver with an address. */
static void ddr_add(struct stub_ddr *g, struct stub_pvd *p, size_t k,
		    const struct svcb_resolver *r)
{
	const struct dns_upstream *srv = &p->plan.servers[k];
	struct ddr_res *x;
	const struct in6_addr *a = NULL;

	/* An address of the server's family: it is reached like the server. */
	for (size_t i = 0; i < r->n_addrs && !a; i++)
		if (IN6_IS_ADDR_V4MAPPED(&r->addrs[i]) == IN6_IS_ADDR_V4MAPPED(&srv->addr))
			a = &r->addrs[i];
	if (!a || !(r->alpn & DNR_ALPN_DOT) || g->n_res == DDR_MAX_RES)
		return;
	x = &g->res[g->n_res++];
	memset(x, 0, sizeof(*x));
	snprintf(x->t.adn, sizeof(x->t.adn), "%s", r->target);
	x->t.port = r->port ? r->port : 853;
	x->t.up = *srv;
	x->t.up.addr = *a;
	if (IN6_IS_ADDR_LINKLOCAL(a) != IN6_IS_ADDR_LINKLOCAL(&srv->addr))
		x->t.up.src_state = DNS_SRC_ANY;
	x->t.source = DNS_TLS_SRC_DDR;
	x->t.auth = DNS_TLS_AUTH_IP;
	x->t.auth_ip = srv->addr;
	/* Section 4.3: the same address, not public, and a profile that
	 * takes unauthenticated TLS. */
	x->t.unverified_ok = g->mode == STUB_TLS_OPPORTUNISTIC && !memcmp(a, &srv->addr, 16) &&
			     ddr_private(a);
	x->server = k;
	x->st = DDR_VERIFYING;
}

static void ddr_next_server(struct stub_ddr *g, struct stub_pvd *p)
{
	ddr_close_socket(g);
	g->srv_i++;
	g->tries = 0;
	if (g->srv_i < g->n_servers)
		ddr_ask(g);
	else
		ddr_verify_all(g, p);
}

static void ddr_answer(struct stub_ddr *g, struct stub_pvd *p, const uint8_t *m, size_t len)
{
	struct svcb_resolver r[DNS_PLAN_MAX_TLS * 2];
	char *st = g->server_status[g->srv_i];
	size_t n = 0, used = 0;
	uint32_t ttl = 0;

	g->answers++;
	if (dns_hdr_tc(m)) {
		/* Not asked again over TCP: one SVCB record for a DoT resolver
		 * fits a UDP answer many times over. */
		snprintf(st, sizeof(g->server_status[0]), "truncated answer (not asked over TCP)");
	} else if (dns_hdr_rcode(m) != DNS_RCODE_NOERROR &&
		   dns_hdr_rcode(m) != DNS_RCODE_NXDOMAIN) {
		snprintf(st, sizeof(g->server_status[0]), "answered with rcode %u",
			 dns_hdr_rcode(m));
	} else if (ddr_parse_answer(m, len, r, sizeof(r) / sizeof(r[0]), &n) < 0) {
		snprintf(st, sizeof(g->server_status[0]), "malformed SVCB answer");
	} else {
		for (size_t i = 0; i < n; i++) {
			size_t before = g->n_res;

			ddr_add(g, p, g->srv_i, &r[i]);
			if (g->n_res > before) {
				used++;
				ttl = !ttl || r[i].ttl < ttl ? r[i].ttl : ttl;
			}
		}
		if (!used)
			snprintf(st, sizeof(g->server_status[0]),
				 n ? "no DoT resolver with an address designated" :
				     "no designated resolver (NODATA)");
		else
			snprintf(st, sizeof(g->server_status[0]), "%zu designated", used);
	}
	/* Re-discovery at the smallest TTL (section 4.2), within bounds. */
	if (used) {
		ttl = ttl < DDR_MIN_TTL_S ? DDR_MIN_TTL_S :
		      ttl > DDR_MAX_TTL_S ? DDR_MAX_TTL_S : ttl;
		if (g->ttl == DDR_RETRY_S || ttl < g->ttl)
			g->ttl = ttl;
	}
	ddr_next_server(g, p);
}

static void ddr_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct stub_ddr *g = arg;
	struct stub_pvd *p = stub_pvd_by_handle(g->s, g->handle);
	struct sockaddr_storage from;
	socklen_t fl = sizeof(from);
	struct dns_question q;
	uint8_t qb[128];
	ssize_t n;
	int ql;

	(void)what;
	n = recvfrom(fd, g->s->scratch, 65536, 0, (struct sockaddr *)&from, &fl);
	if (n < 0 || !p)
		return;
	/* RFC 5452 9.1, as for every upstream answer: the address and port
	 * asked, our ID and question. */
	ql = ddr_build_query(qb, sizeof(qb), g->id);
	if (fl != g->tolen || memcmp(&from, &g->to, fl) || ql < 0 ||
	    dns_parse_question(qb, (size_t)ql, &q, NULL) < 0 ||
	    !dns_answer_matches(g->s->scratch, (size_t)n, g->id, &q)) {
		g->s->ctr.spoof_source++;
		return;
	}
	evtimer_del(g->timer);
	ddr_answer(g, p, g->s->scratch, (size_t)n);
}

/* Ask server g->srv_i (again). */
static void ddr_ask(struct stub_ddr *g)
{
	struct stub *s = g->s;
	struct stub_pvd *p = stub_pvd_by_handle(s, g->handle);
	uint8_t q[128];
	int n;

	if (!p)
		return;
	g->asking = true;
	ddr_close_socket(g);
	/* Never from another network's address (RFC 8801 3.4.4): wait for
	 * the PvD's own, like any query (stub_tx.c), without a try. */
	if (p->plan.servers[g->srv_i].src_state == DNS_SRC_PENDING ||
	    p->plan.servers[g->srv_i].src_state == DNS_SRC_MISSING) {
		ddr_arm(g, STUB_ADDR_WAIT_MS);
		return;
	}
	if (s->n_upstream >= s->max_upstream) {
		ddr_arm(g, DDR_WAIT_MS);
		return;
	}
	g->id = stub_random16(s);
	n = ddr_build_query(q, sizeof(q), g->id);
	g->fd = stub_upstream_socket(p, &p->plan.servers[g->srv_i], SOCK_DGRAM, &g->to, &g->tolen);
	if (g->fd >= 0)
		s->n_upstream++;
	if (n < 0 || g->fd < 0 ||
	    !(g->ev = event_new(s->base, g->fd, EV_READ | EV_PERSIST, ddr_read_cb, g)) ||
	    event_add(g->ev, NULL) < 0 ||
	    sendto(g->fd, q, (size_t)n, 0, (struct sockaddr *)&g->to, g->tolen) != n) {
		snprintf(g->server_status[g->srv_i], sizeof(g->server_status[0]),
			 "cannot send the DDR query");
		ddr_close_socket(g);
	}
	g->queries++;
	g->tries++;
	ddr_arm(g, DDR_WAIT_MS);
}

static void ddr_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct stub_ddr *g = arg;
	struct stub_pvd *p = stub_pvd_by_handle(g->s, g->handle);

	(void)fd;
	(void)what;
	if (!p)
		return;
	if (!g->asking) {
		/* The TTL ended: discover afresh (section 4.2). */
		g->n_res = 0;
		g->srv_i = g->tries = 0;
		g->ttl = DDR_RETRY_S;
		memset(g->server_status, 0, sizeof(g->server_status));
		ddr_ask(g);
		return;
	}
	if (g->fd < 0 && g->tries < DDR_TRIES) {
		ddr_ask(g);              /* waiting for a source address or a socket */
		return;
	}
	if (g->tries < DDR_TRIES) {
		ddr_ask(g);
		return;
	}
	snprintf(g->server_status[g->srv_i], sizeof(g->server_status[0]), "no answer");
	ddr_next_server(g, p);
}

void stub_ddr_free(struct stub_pvd *p)
{
	struct stub_ddr *g = p->ddr;

	if (!g)
		return;
	ddr_close_socket(g);
	if (g->timer)
		event_free(g->timer);
	free(g);
	p->ddr = NULL;
}

void stub_ddr_sync(struct stub *s, struct stub_pvd *p)
{
	struct stub_ddr *g = p->ddr;
	bool same;

	/* Wanted: a profile other than off, a trust store, clear-text
	 * servers and no DNR resolver (section 6.5). */
	if (p->tls_mode == STUB_TLS_OFF || !s->tls_cred || !p->plan.n_servers || p->n_dnr_tls) {
		stub_ddr_free(p);
		return;
	}
	same = g && g->n_servers == p->plan.n_servers && g->mode == p->tls_mode;
	for (size_t i = 0; same && i < g->n_servers; i++)
		same = !memcmp(&g->servers[i], &p->plan.servers[i].addr, 16);
	if (same) {
		ddr_apply(p);
		return;
	}
	/* New, or the servers changed: discover afresh (section 4.1: a
	 * designation belongs to the server that made it). */
	stub_ddr_free(p);
	if (!(g = calloc(1, sizeof(*g))) || !(g->timer = evtimer_new(s->base, ddr_timer_cb, g))) {
		free(g);
		return;
	}
	g->s = s;
	g->handle = p->plan.handle;
	g->fd = -1;
	g->mode = p->tls_mode;
	g->ttl = DDR_RETRY_S;
	g->n_servers = p->plan.n_servers;
	for (size_t i = 0; i < g->n_servers; i++)
		g->servers[i] = p->plan.servers[i].addr;
	p->ddr = g;
	ddr_apply(p);
	ddr_ask(g);
}

void stub_ddr_verified(struct stub *s, uint64_t handle, const struct dns_plan_tls *t, bool ok,
		       bool verified, const char *why)
{
	struct stub_pvd *p = stub_pvd_by_handle(s, handle);
	struct stub_ddr *g = p ? p->ddr : NULL;

	for (size_t i = 0; g && i < g->n_res; i++) {
		struct ddr_res *r = &g->res[i];

		if (r->st != DDR_VERIFYING || r->t.port != t->port ||
		    memcmp(&r->t.up.addr, &t->up.addr, 16) || strcmp(r->t.adn, t->adn))
			continue;
		r->st = !ok ? DDR_REJECTED : verified ? DDR_VERIFIED : DDR_OPPORTUNISTIC;
		snprintf(r->why, sizeof(r->why), "%s%s",
			 r->st == DDR_OPPORTUNISTIC ? "opportunistic discovery (RFC 9462 section "
						      "4.3), not verified: " : "", why ? why : "");
		log_info("dns: PvD %s: DDR: %s port %u designated by the clear-text resolver: "
			 "%s%s%s",
			 p->plan.id, r->t.adn, r->t.port,
			 r->st == DDR_VERIFIED ? "verified" : r->st == DDR_OPPORTUNISTIC ?
			 "used unverified" : "not used", why ? ": " : "", why ? why : "");
	}
	if (g)
		ddr_settle(g, p);
}

json_t *stub_ddr_json(const struct stub_pvd *p)
{
	static const char *st[] = { "verifying", "verified", "opportunistic", "rejected" };
	const struct stub_ddr *g = p->ddr;
	json_t *o, *res, *srv;
	uint64_t now = stub_now_ns();
	char b[INET6_ADDRSTRLEN], c[INET6_ADDRSTRLEN];

	if (!g)
		return json_null();
	res = json_array();
	srv = json_array();
	for (size_t i = 0; i < g->n_servers; i++) {
		addr_ntop(&g->servers[i], b, sizeof(b));
		json_array_append_new(srv, json_pack("{s:s,s:s}", "address", b, "status",
			g->server_status[i][0] ? g->server_status[i] :
			g->asking && i >= g->srv_i ? "asking" : "?"));
	}
	for (size_t i = 0; i < g->n_res; i++) {
		const struct ddr_res *r = &g->res[i];

		addr_ntop(&r->t.up.addr, b, sizeof(b));
		addr_ntop(&r->t.auth_ip, c, sizeof(c));
		json_array_append_new(res, json_pack("{s:s,s:s,s:i,s:s,s:s,s:s}",
			"target", r->t.adn, "address", b, "port", r->t.port, "designated_by", c,
			"state", st[r->st], "why", r->why));
	}
	o = json_pack("{s:o,s:o,s:b,s:I,s:I,s:I}", "servers", srv, "resolvers", res,
		      "in_use", g->n_active > 0 && !p->n_dnr_tls, "queries", (json_int_t)g->queries,
		      "answers", (json_int_t)g->answers,
		      "next_s",
		      (json_int_t)(g->next_ns > now ? (g->next_ns - now) / 1000000000ull : 0));
	return o;
}
