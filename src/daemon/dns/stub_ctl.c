/* SPDX-License-Identifier: MIT */
/*
 * The stub on the control socket: dns.resolve (a query through the same
 * path as a client's, answered with the PvD, the server, the rule and the
 * attempts), dns.flush, and the per-PvD state shown by dns.list.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "daemon/dns/stub_priv.h"

static const char *sc_rule(enum dns_select_rule r)
{
	static const char *const n[] = { "asked", "reverse", "domain", "default", "none" };

	return (unsigned)r <= DNS_SEL_NONE ? n[r] : "?";
}

static const char *sc_result(enum stub_result r)
{
	static const char *const n[] = { "pending", "answer", "timeout", "servfail", "refused",
					 "truncated", "error" };

	return (unsigned)r <= STUB_RES_ERROR ? n[r] : "?";
}

/* Records of one section as [{name, type, ttl, data}]; dns64 marks AAAA
 * inside the PvD's NAT64 prefix. */
static json_t *sc_section(const uint8_t *m, size_t len, size_t *off, unsigned count,
			  const struct stub_pvd *p, bool *dns64)
{
	json_t *a = json_array();
	struct dns_rr rr;
	char name[DNS_NAME_TEXT_MAX], data[1024], tb[16];

	for (unsigned i = 0; i < count && i < 256; i++) {
		if (dns_next_rr(m, len, off, &rr) < 0)
			break;
		if (rr.type == DNS_TYPE_OPT)
			continue;
		if (dns_name_text(rr.owner_wire, rr.owner_len, name, sizeof(name)) < 0)
			snprintf(name, sizeof(name), "?");
		dns_rdata_text(m, len, &rr, data, sizeof(data));
		if (rr.type == DNS_TYPE_AAAA && rr.rdlength == 16 && p) {
			struct in6_addr x;

			memcpy(&x, m + rr.rdata_off, 16);
			if (dns_plan_is_dns64(&p->plan, &x))
				*dns64 = true;
		}
		json_array_append_new(a, json_pack("{s:s,s:s,s:I,s:s}", "name", name, "type",
						   dns_type_name(rr.type, tb, sizeof(tb)), "ttl",
						   (json_int_t)rr.ttl, "data", data));
	}
	return a;
}

static json_t *sc_attempts(struct stub_tx *tx)
{
	json_t *a = json_array();
	char b[INET6_ADDRSTRLEN];

	for (size_t i = 0; i < tx->n_att && i < STUB_MAX_ATTEMPTS; i++) {
		addr_ntop(&tx->log[i].up.addr, b, sizeof(b));
		json_array_append_new(a, json_pack("{s:s,s:s,s:s}", "pvd",
			netview_pvd_id(tx->s->nv, tx->log[i].handle), "server", b, "result",
			sc_result(tx->log[i].res == STUB_RES_PENDING ? STUB_RES_TIMEOUT :
				  tx->log[i].res)));
	}
	return a;
}

static json_t *sc_result_json(struct stub_tx *tx, const uint8_t *m, size_t len,
			      const struct stub_pvd *p, const struct dns_upstream *from,
			      bool cached)
{
	struct dns_header h;
	size_t off;
	bool dns64 = false;
	char tb[16], srv[INET6_ADDRSTRLEN] = "";
	json_t *o, *an, *ns;

	if (dns_parse_header(m, len, &h) < 0 || dns_first_rr(m, len, &off) < 0)
		return NULL;
	an = sc_section(m, len, &off, h.ancount, p, &dns64);
	ns = sc_section(m, len, &off, h.nscount, p, &dns64);
	if (from)
		addr_ntop(&from->addr, srv, sizeof(srv));
	if (dns64 && p)
		tx->s->ctr.dns64++;
	o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:b,s:f,s:o,s:o,s:o}",
		      "name", tx->q.name, "type", dns_type_name(tx->q.qtype, tb, sizeof(tb)),
		      "pvd", p ? p->plan.id : "", "server", cached ? "cache" : srv,
		      "rule", sc_rule(tx->choice.rule), "why", tx->choice.why,
		      "rcode", dns_rcode_name(h.rcode), "cached", cached, "dns64", dns64,
		      "tcp", tx->answered_tcp,
		      "ms", (double)(stub_now_ns() - tx->start_ns) / 1e6,
		      "answers", an, "authority", ns, "attempts", sc_attempts(tx));
	return o;
}

void stub_ctl_deliver(struct stub_tx *tx, const uint8_t *resp, size_t len, struct stub_pvd *p,
		      const struct dns_upstream *from, int err, const char *msg)
{
	struct stub *s = tx->s;
	json_t *o = NULL;
	char why[DNS_NAME_TEXT_MAX + sizeof(tx->choice.why) + 160];

	if (err < 0) {
		snprintf(why, sizeof(why), "%s: %.100s (PvD chosen because %s)", tx->q.name, msg,
			 tx->choice.why);
		if (s->reply)
			s->reply(s->reply_ctx, tx->token, err, NULL, why);
		return;
	}
	o = sc_result_json(tx, resp, len, p, from, false);
	/* RFC 8767: say so when the answer is an expired one (stx_stale). */
	if (o) {
		bool stale = msg && strcmp(msg, "stale") == 0;

		json_object_set_new(o, "stale", json_boolean(stale));
		if (stale)
			json_object_set_new(o, "server", json_string("cache (stale)"));
	}
	if (s->reply)
		s->reply(s->reply_ctx, tx->token, o ? 0 : -EBADMSG, o, "unreadable answer");
	else
		json_decref(o);
}

/* A cached answer still goes back from the event loop, like any other. */
struct sc_deferred {
	struct stub *s;
	uint32_t token;
	json_t *result;
};

static void sc_deferred_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sc_deferred *d = arg;

	(void)fd;
	(void)what;
	if (d->s->reply)
		d->s->reply(d->s->reply_ctx, d->token, 0, d->result, NULL);
	else
		json_decref(d->result);
	free(d);
}

static int sc_from_cache(struct stub *s, struct stub_tx *tx, struct stub_pvd *p)
{
	struct timeval now = { 0, 0 };
	struct sc_deferred *d;
	int n = stub_cache_answer(s, p, &tx->q, tx->query, tx->qlen, false, 65535, s->tcp_out,
				  65535);

	if (n <= 0)
		return -ENOENT;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->s = s;
	d->token = tx->token;
	d->result = sc_result_json(tx, s->tcp_out, (size_t)n, p, NULL, true);
	if (!d->result || event_base_once(s->base, -1, EV_TIMEOUT, sc_deferred_cb, d, &now) < 0) {
		json_decref(d->result);
		free(d);
		return -ENOMEM;
	}
	return 0;
}

static int sc_params(struct stub *s, json_t *params, const char **name, int *type,
		     uint64_t *asked, char *err, size_t errlen)
{
	json_t *t = json_object_get(params, "type");
	const char *id = json_string_value(json_object_get(params, "pvd"));

	const char *why;

	*name = json_string_value(json_object_get(params, "name"));
	why = !*name ? "a domain name is required" :
	      strcmp(*name, ".") == 0 ? NULL : dname_lookup_problem(*name);
	if (why)
		return snprintf(err, errlen, "name: %s", why), -EINVAL;
	*type = DNS_TYPE_A;
	if (json_is_integer(t) && json_integer_value(t) > 0 && json_integer_value(t) < 65536 &&
	    json_integer_value(t) != DNS_TYPE_OPT && json_integer_value(t) != 251 &&
	    json_integer_value(t) != 252)
		*type = (int)json_integer_value(t);
	else if (t && (!json_is_string(t) || (*type = dns_type_from_name(json_string_value(t))) < 0 ||
		       *type == 251 || *type == 252))
		return snprintf(err, errlen, "type: not a DNS type (A, AAAA, PTR, MX, TXT, SRV, "
				"NS, SOA, CNAME or a number)"), -EINVAL;
	*asked = 0;
	if (id && !(*asked = netview_pvd_handle(s->nv, id)))
		return snprintf(err, errlen, "pvd: no PvD \"%s\"", id), -ENOENT;
	return 0;
}

int stub_resolve(struct stub *s, json_t *params, uint32_t *token, char *err, size_t errlen)
{
	uint8_t q[DNS_QUERY_MAX];
	struct dns_question dq;
	struct dns_choice c;
	struct stub_pvd *p;
	struct stub_tx *tx;
	const char *name;
	uint64_t asked;
	int type, n, r;

	r = sc_params(s, params, &name, &type, &asked, err, errlen);
	if (r < 0)
		return r;
	n = dns_build_query(q, sizeof(q), stub_random16(s), name, (uint16_t)type, true,
			    STUB_EDNS_SIZE);
	if (n < 0 || dns_parse_question(q, (size_t)n, &dq, NULL) < 0)
		return snprintf(err, errlen, "name: \"%s\" is not a valid domain name", name),
		       -EINVAL;
	if (stub_choose(s, dq.name, asked, true, &c) < 0 || !(p = stub_pvd_by_handle(s, c.pvd[0])))
		return snprintf(err, errlen, "%s", c.why[0] ? c.why : "no PvD can answer"),
		       -ENOENT;
	/* A query of libmif's (mif_resolve(), nss-mif) is one of the PvD's
	 * queries as much as a client's on port 53 (mifctl metrics). */
	p->queries++;
	*token = 0x80000000u | ++s->next_token;
	/* A hit: answered from the loop, with the same report as a miss. */
	{
		struct stub_tx *hit = calloc(1, sizeof(*hit));

		if (!hit)
			return snprintf(err, errlen, "out of memory"), -ENOMEM;
		*hit = (struct stub_tx){ .s = s, .kind = STUB_CL_CTL, .token = *token, .q = dq,
					 .query = q, .qlen = (size_t)n, .choice = c,
					 .start_ns = stub_now_ns() };
		r = sc_from_cache(s, hit, p);
		free(hit);
		if (r == 0)
			return 0;
	}
	tx = stub_tx_start(s, STUB_CL_CTL, &dq, q, (size_t)n, &c);
	if (!tx)
		return snprintf(err, errlen, "too many queries in flight"), -EBUSY;
	tx->token = *token;
	return 0;
}

int stub_flush(struct stub *s, json_t *params, json_t **out, char *err, size_t errlen)
{
	const char *id = json_string_value(json_object_get(params, "pvd"));
	uint64_t h = 0;
	size_t n = 0;
	struct stub_pvd *p;

	if (id && (!(h = netview_pvd_handle(s->nv, id)) || !stub_pvd_by_handle(s, h)))
		return snprintf(err, errlen, "pvd: no PvD \"%s\" with DNS servers", id), -ENOENT;
	LIST_FOREACH(p, &s->pvds, e) {
		if (h && p->plan.handle != h)
			continue;
		n += dns_cache_stats(p->cache)->entries;
		dns_cache_flush(p->cache);
	}
	log_info("dns: flushed %zu cached answers%s%s", n, id ? " of PvD " : "", id ? id : "");
	*out = json_pack("{s:I}", "flushed", (json_int_t)n);
	return 0;
}

void stub_pvd_json(struct stub *s, uint64_t handle, json_t *o)
{
	struct stub_pvd *p = stub_pvd_by_handle(s, handle);
	const struct dns_cache_stats *st;
	json_t *a;
	char b[INET6_ADDRSTRLEN];

	if (!p)
		return;
	a = json_array();
	for (size_t i = 0; i < p->plan.n_servers; i++) {
		const struct stub_server *v = &p->srv[i];

		/* Which source its queries leave from: "missing" means the PvD
		 * has prefixes there but no usable address (nothing is sent). */
		static const char *const src[] = { "any", "ready", "pending", "missing" };
		unsigned st_i = p->plan.servers[i].src_state;

		addr_ntop(&p->plan.servers[i].addr, b, sizeof(b));
		json_array_append_new(a, json_pack("{s:s,s:b,s:f,s:I,s:I,s:I,s:I,s:s}", "address", b,
			"up", !v->down, "srtt_ms", v->has_rtt ? (double)v->srtt_us / 1000 : 0.0,
			"sent", (json_int_t)v->sent, "answers", (json_int_t)v->answers,
			"timeouts", (json_int_t)v->timeouts, "failures", (json_int_t)v->failures,
			"source", st_i < 4 ? src[st_i] : "?"));
	}
	st = dns_cache_stats(p->cache);
	json_object_set_new(o, "server_state", a);
	json_object_set_new(o, "tls", stub_dot_json(s, p));
	json_object_set_new(o, "tls_mode", json_string(stub_tls_name(p->tls_mode)));
	json_object_set_new(o, "ddr", stub_ddr_json(p));
	json_object_set_new(o, "mark", json_integer(p->plan.mark));
	json_object_set_new(o, "queries", json_integer((json_int_t)p->queries));
	json_object_set_new(o, "cache", json_pack("{s:I,s:I,s:I,s:I,s:I}",
		"entries", (json_int_t)st->entries, "bytes", (json_int_t)st->bytes,
		"hits", (json_int_t)st->hits, "misses", (json_int_t)st->misses,
		"evictions", (json_int_t)st->evictions));
}

json_t *stub_status_json(struct stub *s)
{
	const struct stub_counters *c = &s->ctr;
	char l[64];

	stub_format_listen(&s->cfg.listen, l, sizeof(l));
	json_t *o = json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,"
			 "s:{s:I,s:I,s:I,s:I},s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
		"listen", l, "resolv_conf", s->cfg.resolv_conf,
		"queries", (json_int_t)c->queries, "udp", (json_int_t)c->udp,
		"tcp", (json_int_t)c->tcp, "hits", (json_int_t)c->hits,
		"misses", (json_int_t)c->misses, "forwarded", (json_int_t)c->forwarded,
		"answered", (json_int_t)c->answered, "servfail", (json_int_t)c->servfail,
		"malformed", (json_int_t)c->malformed, "refused", (json_int_t)c->refused,
		"notimp", (json_int_t)c->notimp, "fallbacks", (json_int_t)c->fallbacks,
		"spoofed", "id", (json_int_t)c->spoof_id, "source", (json_int_t)c->spoof_source,
		"question", (json_int_t)c->spoof_question, "malformed",
		(json_int_t)c->spoof_malformed,
		"tcp_retries", (json_int_t)c->tcp_retries,
		"truncated_to_client", (json_int_t)c->truncated_to_client,
		"overload", (json_int_t)c->overload, "dns64", (json_int_t)c->dns64,
		"outstanding", (json_int_t)s->n_tx, "tcp_clients", (json_int_t)s->n_tcp,
		"tcp_evicted", (json_int_t)c->tcp_evicted,
		"tcp_user_evicted", (json_int_t)c->tcp_user_evicted,
		"tcp_idle_closed", (json_int_t)c->tcp_idle_closed,
		"stale", (json_int_t)c->stale, "coalesced", (json_int_t)c->coalesced,
		"badvers", (json_int_t)c->badvers);

	if (o) {
		int on = 0;
		socklen_t ol = sizeof(on);

		/* Whether queries are chosen for by their socket's mark
		 * (SO_RCVMARK, stub_udp.c), and how many were. */
		if (s->udp_fd < 0 || getsockopt(s->udp_fd, SOL_SOCKET, SO_RCVMARK, &on, &ol) < 0)
			on = 0;
		json_object_set_new(o, "marks", json_boolean(on));
		json_object_set_new(o, "marked", json_integer((json_int_t)c->marked));
		json_object_set_new(o, "mark_unknown", json_integer((json_int_t)c->mark_unknown));
	}
	if (o)
		json_object_set_new(o, "resolver_arpa", json_integer((json_int_t)c->resolver_arpa));
	if (o)
		json_object_set_new(o, "steering", stub_steer_json(s));
	if (o)
		json_object_set_new(o, "tls", json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
			"mode", stub_tls_name(s->cfg.tls), "queries", (json_int_t)c->tls_queries,
			"answers", (json_int_t)c->tls_answers, "failures", (json_int_t)c->tls_failures,
			"handshakes", (json_int_t)c->tls_handshakes,
			"resumed", (json_int_t)c->tls_resumed, "fallbacks", (json_int_t)c->tls_fallbacks,
			"strict_failed", (json_int_t)c->tls_strict_failed));
	return o;
}
