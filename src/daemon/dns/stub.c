/* SPDX-License-Identifier: MIT */
/*
 * The stub resolver's core: configuration, the per-PvD state kept in step
 * with the engine's view, and the query path shared by UDP and TCP.
 */
#include "daemon/dns/stub.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/log.h"
#include "common/rand.h"
#include "daemon/dns/stub_priv.h"

void stub_config_defaults(struct stub_config *c)
{
	memset(c, 0, sizeof(*c));
	c->enabled = true;
	stub_parse_listen(STUB_DEFAULT_ADDR, &c->listen);
	c->cache_size = 10000;
	c->cache_bytes = 8u << 20;
	c->max_ttl = 7200;
	c->max_neg_ttl = 900;
	c->timeout_ms = 5000;
	c->max_stale = 86400;          /* RFC 8767 section 5: 1 to 3 days */
	snprintf(c->resolv_conf, sizeof(c->resolv_conf), "/run/mif/resolv.conf");
}

const char *stub_tls_name(int mode)
{
	return mode == STUB_TLS_STRICT ? "strict" : mode == STUB_TLS_OPPORTUNISTIC ?
	       "opportunistic" : "off";
}

int stub_tls_parse(const char *name)
{
	for (int m = STUB_TLS_OFF; m <= STUB_TLS_STRICT; m++)
		if (strcmp(name, stub_tls_name(m)) == 0)
			return m;
	return -EINVAL;
}

int stub_parse_listen(const char *text, struct sockaddr_storage *out)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *port = NULL, *end;
	unsigned long pn = STUB_DEFAULT_PORT;
	struct sockaddr_in *s4 = (struct sockaddr_in *)out;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)out;

	if (!text || !*text)
		return -EINVAL;
	if (text[0] == '[') {
		end = strchr(text, ']');
		if (!end || (end[1] && end[1] != ':'))
			return -EINVAL;
		port = end[1] ? end + 2 : NULL;
		text++;
	} else {
		end = strchr(text, ':');
		/* More than one ':' is a bare IPv6 address. */
		if (end && strchr(end + 1, ':'))
			end = NULL;
		port = end ? end + 1 : NULL;
		if (!end)
			end = text + strlen(text);
	}
	if ((size_t)(end - text) >= sizeof(host))
		return -EINVAL;
	memcpy(host, text, (size_t)(end - text));
	host[end - text] = '\0';
	if (port) {
		char *e;

		errno = 0;
		pn = strtoul(port, &e, 10);
		if (!*port || *e || errno || pn == 0 || pn > 65535)
			return -EINVAL;
	}
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)pn);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)pn);
		return 0;
	}
	return -EINVAL;
}

void stub_format_listen(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, ntohs(s4->sin_port));
	} else {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, ntohs(s6->sin6_port));
	}
}

uint64_t stub_now_ns(void)
{
	return clock_mono_ns();
}

/* Query IDs come from getrandom() (RFC 5452 section 9.2), 128 at a time. */
uint16_t stub_random16(struct stub *s)
{
	uint16_t v;

	if (s->rnd_left < 2) {
		(void)rand_secure_bytes(s->rnd, sizeof(s->rnd));
		s->rnd_left = sizeof(s->rnd);
	}
	s->rnd_left -= 2;
	memcpy(&v, s->rnd + s->rnd_left, 2);
	return v;
}

struct stub_pvd *stub_pvd_by_handle(struct stub *s, uint64_t h)
{
	struct stub_pvd *p;

	LIST_FOREACH(p, &s->pvds, e)
		if (p->plan.handle == h)
			return p;
	return NULL;
}

int stub_choose(struct stub *s, const char *qname, uint64_t asked, bool want_why,
		struct dns_choice *c)
{
	uint64_t rank[2];

	netview_dns_rank(s->nv, rank);
	return dns_select_ex(netview_store(s->nv), qname, rank, 2, asked, want_why, c);
}

/* Keep a server's history when the list is rebuilt: same address, same state. */
static void stub_pvd_update(struct stub_pvd *p, const struct dns_plan_pvd *plan)
{
	struct stub_server old[DNS_PLAN_MAX_SERVERS];
	struct dns_plan_pvd prev = p->plan;

	memcpy(old, p->srv, sizeof(old));
	memset(p->srv, 0, sizeof(p->srv));
	for (size_t i = 0; i < plan->n_servers; i++)
		for (size_t j = 0; j < prev.n_servers; j++)
			if (memcmp(&plan->servers[i].addr, &prev.servers[j].addr, 16) == 0)
				p->srv[i] = old[j];
	p->plan = *plan;
}

static struct stub_pvd *stub_pvd_new(struct stub *s, const struct dns_plan_pvd *plan)
{
	struct stub_pvd *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->cache = dns_cache_new(s->cfg.cache_size, s->cfg.cache_bytes, s->cfg.max_ttl,
				 s->cfg.max_neg_ttl);
	if (!p->cache) {
		free(p);
		return NULL;
	}
	dns_cache_set_max_stale(p->cache, s->cfg.max_stale);
	p->plan = *plan;
	LIST_INSERT_HEAD(&s->pvds, p, e);
	s->n_pvds++;
	log_info("dns: PvD %s: %zu server(s), mark 0x%x, cache of %zu answers", plan->id,
		 plan->n_servers, plan->mark, s->cfg.cache_size);
	return p;
}

static void stub_pvd_free(struct stub *s, struct stub_pvd *p)
{
	const struct dns_cache_stats *st = dns_cache_stats(p->cache);

	/* Problem statement 4.1 case 5: its answers go with it. */
	log_info("dns: PvD %s gone: dropping its %zu cached answers", p->plan.id, st->entries);
	stub_tx_pvd_gone(s, p->plan.handle);
	stub_dot_pvd_gone(s, p->plan.handle);
	stub_ddr_free(p);
	LIST_REMOVE(p, e);
	s->n_pvds--;
	dns_cache_free(p->cache);
	free(p);
}

void stub_sync(void *ctx)
{
	struct stub *s = ctx;
	struct dns_plan_pvd plan[STUB_MAX_PVDS];
	struct stub_pvd *p, *np;
	size_t n;

	if (netview_dns_plan(s->nv, plan, STUB_MAX_PVDS, &n) < 0)
		log_warn("dns: more than %d PvDs with DNS servers: the rest are not used",
			 STUB_MAX_PVDS);
	/* Domains, prefixes or PvDs may have changed: choose afresh. */
	if (++s->memo_gen == 0)
		s->memo_gen = 1;
	LIST_FOREACH(p, &s->pvds, e)
		p->seen = false;
	for (size_t i = 0; i < n; i++) {
		p = stub_pvd_by_handle(s, plan[i].handle);
		if (p)
			stub_pvd_update(p, &plan[i]);
		else
			p = stub_pvd_new(s, &plan[i]);
		if (p) {
			p->seen = true;
			p->n_dnr_tls = p->plan.n_tls;
			p->tls_mode = stub_tls_mode_of(s, p);
			stub_ddr_sync(s, p);
		} else
			log_err("dns: out of memory for PvD %s", plan[i].id);
	}
	for (p = LIST_FIRST(&s->pvds); p; p = np) {
		np = LIST_NEXT(p, e);
		if (!p->seen)
			stub_pvd_free(s, p);
	}
}

/* RFC 6891 section 6.1.2: an OPT RR with our payload size and the
 * client's DO bit (RFC 3225 section 3); len unchanged if it does not fit. */
static size_t stub_put_opt(uint8_t *m, size_t len, size_t cap, bool do_bit)
{
	int n = dns_append_opt(m, len, cap, STUB_EDNS_SIZE, 0, do_bit);

	return n > 0 ? (size_t)n : len;
}

size_t stub_fit_udp(uint8_t *msg, size_t len, size_t limit, bool opt, bool do_bit)
{
	size_t qend;

	if (len <= limit)
		return len;
	/* RFC 1035 4.2.1 / RFC 6891 7: too big, so TC with the question
	 * only; the client asks again over TCP. The OPT goes back iff the
	 * client's query had one, whatever the answer holds (the answer's
	 * own may lie past more records than dns_get_opt walks). */
	if (dns_first_rr(msg, len, &qend) < 0)
		qend = DNS_HEADER_LEN;
	dns_hdr_set_tc(msg, true);
	dns_hdr_set_ancount(msg, 0);
	dns_hdr_set_nscount(msg, 0);
	dns_hdr_set_arcount(msg, 0);
	return opt ? stub_put_opt(msg, qend, limit, do_bit) : qend;
}

int stub_cache_answer(struct stub *s, struct stub_pvd *p, const struct dns_question *q,
		      const uint8_t *query, size_t qlen, bool client_opt, size_t limit,
		      uint8_t *out, size_t cap)
{
	/* One clock read per batch of queries, not per query: TTLs count
	 * whole seconds. */
	uint64_t now = s->batch_now ? s->batch_now : stub_now_ns() / 1000000000ull;
	/* Room for the OPT we may add; a TCP answer larger than that is
	 * sent without it rather than truncated (RFC 7766). */
	int r = dns_cache_get(p->cache, q, query, qlen, now, out, cap - (client_opt ? 11 : 0));
	size_t len;

	if (r == -ENOSPC && client_opt && limit >= 65535 - 11)
		r = dns_cache_get(p->cache, q, query, qlen, now, out, cap);

	if (r < 0)
		return r;
	len = (size_t)r;
	/* Cached answers are kept without OPT: one goes back iff the client
	 * sent one (RFC 6891 section 7). */
	if (client_opt)
		len = stub_put_opt(out, len, cap, false);
	return (int)stub_fit_udp(out, len, limit, client_opt, false);
}

/* Each forwarded query holds a socket: raise the descriptor limit to what
 * the system allows, and keep the stub's share well below it. */
static size_t stub_fd_budget(void)
{
	struct rlimit rl;
	size_t n;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 64;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max > 65536 ? 65536 : rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	n = rl.rlim_cur > 512 ? (size_t)(rl.rlim_cur - 256) / 3 : 64;
	return n > 4096 ? 4096 : n;
}

struct stub *stub_new(struct event_base *base, const struct stub_config *cfg,
		      struct netview *nv, const int fds[2], int *err)
{
	struct stub *s = calloc(1, sizeof(*s));

	if (!s) {
		*err = -ENOMEM;
		return NULL;
	}
	s->base = base;
	s->nv = nv;
	s->cfg = *cfg;
	s->udp_fd = -1;
	s->diag_fd = -1;
	s->memo_gen = 1;
	s->max_upstream = stub_fd_budget();
	LIST_INIT(&s->pvds);
	LIST_INIT(&s->lingering);
	TAILQ_INIT(&s->txs);
	TAILQ_INIT(&s->tcp_clients);
	LIST_INIT(&s->dots);
	*err = stub_udp_open(s, fds ? fds[0] : -1);
	if (*err == 0)
		*err = stub_tcp_open(s, fds ? fds[1] : -1);
	/* DNS over TLS: the trust store is read now, before seccomp. */
	if (*err == 0 && (*err = stub_dot_open(s)) < 0)
		log_err("dns: tls = %s but no trust anchor could be read from %s",
			stub_tls_name(cfg->tls), cfg->tls_ca_file[0] ? cfg->tls_ca_file :
			"the system's store");
	/* Without it every TCP client counts as one user: said, not fatal. */
	if (*err == 0 && stub_peer_open(s) < 0)
		log_warn("dns: no sock_diag socket: the TCP limit per user cannot tell users apart");
	if (*err < 0) {
		stub_free(s);
		return NULL;
	}
	*err = 0;
	return s;
}

void stub_free(struct stub *s)
{
	struct stub_tx *tx;
	struct stub_att *a;

	if (!s)
		return;
	stub_steer_free(s);
	while ((tx = TAILQ_FIRST(&s->txs)))
		stub_tx_free(tx);
	while ((a = LIST_FIRST(&s->lingering)))
		stub_att_free(a);
	while (LIST_FIRST(&s->pvds))
		stub_pvd_free(s, LIST_FIRST(&s->pvds));
	stub_dot_close(s);
	stub_tcp_close(s);
	stub_udp_close(s);
	stub_peer_close(s);
	free(s);
}

void stub_set_health_cb(struct stub *s, stub_health_fn cb, void *ctx)
{
	s->health_cb = cb;
	s->health_ctx = ctx;
}

void stub_set_reply(struct stub *s, stub_reply_fn cb, void *ctx)
{
	s->reply = cb;
	s->reply_ctx = ctx;
}
