/* SPDX-License-Identifier: MIT */
/*
 * DNS over TLS (RFC 7858) to a PvD's encrypted resolvers (DNR, RFC 9463),
 * in the network-facing process, with GnuTLS. One connection per resolver
 * of a PvD, opened like the stub's other upstream sockets (bound to the
 * PvD's interface and one of its addresses: it leaves through the PvD),
 * kept open while queries come (reuse) and carrying several queries at
 * once (pipelining, RFC 7858 section 3.3; answers matched by ID, in any
 * order). The certificate must be valid for the resolver's authentication
 * domain name (RFC 8310 section 8.1: ADN checked, SNI sent); the session
 * is resumed on the next connection (RFC 7858 section 3.4). Credentials
 * (the trust store) are read in stub_new(), before the process's seccomp
 * filter; after it GnuTLS needs only read/write, getrandom and the clock.
 *
 * Failures (connect, handshake, verification, a peer that closes, sends
 * garbage or stalls) fail the queries waiting on the connection
 * (stub_tx_dot_failed: clear text or SERVFAIL by the profile) and are kept
 * as the resolver's last error for `mifctl dns`; the connection is not
 * tried again for STUB_DOT_RETRY_MS.
 */
#include <errno.h>
#include <event2/event.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/log.h"
#include "daemon/dns/stub_priv.h"

#define STUB_DOT_CONNECT_MS 5000     /* connect and handshake */
#define STUB_DOT_IDLE_MS 10000       /* RFC 7858 3.4, RFC 7766 6.2.3 */
#define STUB_DOT_RETRY_MS 10000      /* after a failure */
#define STUB_DOT_OUT_MAX (256u << 10)

enum sd_state { SD_IDLE, SD_CONNECTING, SD_HANDSHAKE, SD_READY };

struct stub_dot {
	LIST_ENTRY(stub_dot) e;
	struct stub *s;
	uint64_t handle;               /* the PvD */
	struct dns_plan_tls t;
	enum sd_state st;
	int fd;
	gnutls_session_t ses;
	gnutls_datum_t resume;         /* the last session, for resumption */
	struct event *ev_r, *ev_w, *timer;
	uint8_t *out;
	size_t out_len;
	uint8_t in[2 + 65535];
	size_t in_len;
	unsigned pending;              /* attempts waiting on it */
	uint64_t retry_at_ns;
	bool verified, resumed;
	bool probe;                    /* a DDR verification connection (stub_ddr.c) */
	uint64_t queries, answers, failures, handshakes, resumptions;
	char err[320];
};

int stub_dot_open(struct stub *s)
{
	gnutls_certificate_credentials_t c;
	int r;

	bool any = s->cfg.tls != STUB_TLS_OFF;

	for (size_t i = 0; i < s->cfg.n_tls_pvd; i++)
		any |= s->cfg.tls_pvd[i].mode != STUB_TLS_OFF;
	if (!any)
		return 0;
	if (gnutls_certificate_allocate_credentials(&c) < 0)
		return -ENOMEM;
	r = s->cfg.tls_ca_file[0] ?
		gnutls_certificate_set_x509_trust_file(c, s->cfg.tls_ca_file, GNUTLS_X509_FMT_PEM) :
		gnutls_certificate_set_x509_system_trust(c);
	if (r <= 0) {
		gnutls_certificate_free_credentials(c);
		return -ENOENT;         /* no trust anchor: nothing could verify */
	}
	s->tls_cred = c;
	return 0;
}

static void sd_disconnect(struct stub_dot *d)
{
	if (d->ses) {
		gnutls_deinit(d->ses);
		d->ses = NULL;
	}
	if (d->ev_r)
		event_free(d->ev_r);
	if (d->ev_w)
		event_free(d->ev_w);
	d->ev_r = d->ev_w = NULL;
	if (d->fd >= 0) {
		close(d->fd);
		d->s->n_upstream--;
	}
	d->fd = -1;
	d->st = SD_IDLE;
	d->out_len = d->in_len = 0;
	evtimer_del(d->timer);
}

/* Fail every attempt waiting on d. Each tx has at most one attempt on d;
 * the callback may free that tx, never another. */
static void sd_fail(struct stub_dot *d, const char *why)
{
	struct stub *s = d->s;
	struct stub_tx *tx, *ntx;

	snprintf(d->err, sizeof(d->err), "%s", why);
	d->failures++;
	d->verified = false;
	s->ctr.tls_failures++;
	sd_disconnect(d);
	d->retry_at_ns = stub_now_ns() + STUB_DOT_RETRY_MS * 1000000ull;
	if (d->probe) {
		d->probe = false;
		d->retry_at_ns = 0;     /* a designation verified later may connect at once */
		stub_ddr_verified(s, d->handle, &d->t, false, false, d->err);
	}
	for (tx = TAILQ_FIRST(&s->txs); tx; tx = ntx) {
		struct stub_att *a;

		ntx = TAILQ_NEXT(tx, e);
		LIST_FOREACH(a, &tx->atts, e)
			if (a->dot == d)
				break;
		if (a)
			stub_tx_dot_failed(a, d->err);
	}
}

static void sd_arm(struct stub_dot *d, unsigned ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	evtimer_add(d->timer, &tv);
}

static void sd_want_write(struct stub_dot *d)
{
	event_add(d->ev_w, NULL);
}

static void sd_flush(struct stub_dot *d)
{
	while (d->out_len) {
		ssize_t r = gnutls_record_send(d->ses, d->out, d->out_len);

		if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) {
			sd_want_write(d);
			return;
		}
		if (r <= 0) {
			sd_fail(d, gnutls_strerror((int)r));
			return;
		}
		memmove(d->out, d->out + r, d->out_len - (size_t)r);
		d->out_len -= (size_t)r;
	}
}

static void sd_verify_error(struct stub_dot *d, char *buf, size_t len)
{
	gnutls_datum_t txt = { NULL, 0 };
	unsigned status = gnutls_session_get_verify_cert_status(d->ses);

	if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &txt, 0) == 0) {
		snprintf(buf, len, "certificate not valid for %.100s: %.160s", d->t.adn, txt.data);
		gnutls_free(txt.data);
	} else {
		snprintf(buf, len, "certificate not valid for %.100s", d->t.adn);
	}
}

/*
 * A resolver designated through DDR (RFC 9462 section 4.2): its chain to
 * a trust anchor, and the designating clear-text resolver's address in an
 * iPAddress subjectAltName (RFC 5280 section 4.2.1.6). 0, or -EPERM with
 * the reason in why.
 */
static int sd_check_ip(struct stub_dot *d, char *why, size_t len)
{
	const uint8_t *ip = d->t.auth_ip.s6_addr;
	size_t iplen = 16;
	unsigned status = 0, n = 0;
	const gnutls_datum_t *certs;
	gnutls_x509_crt_t crt;
	char a[INET6_ADDRSTRLEN];
	int ok;

	addr_ntop(&d->t.auth_ip, a, sizeof(a));
	if (IN6_IS_ADDR_V4MAPPED(&d->t.auth_ip)) {
		ip += 12;
		iplen = 4;
	}
	if (gnutls_certificate_verify_peers2(d->ses, &status) < 0 || status) {
		gnutls_datum_t txt = { NULL, 0 };

		if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &txt,
								 0) == 0) {
			snprintf(why, len, "certificate of %.100s not trusted: %.160s", d->t.adn,
				 txt.data);
			gnutls_free(txt.data);
		} else {
			snprintf(why, len, "certificate of %.100s not trusted", d->t.adn);
		}
		return -EPERM;
	}
	certs = gnutls_certificate_get_peers(d->ses, &n);
	if (!certs || !n || gnutls_x509_crt_init(&crt) < 0) {
		snprintf(why, len, "no certificate from %.100s", d->t.adn);
		return -EPERM;
	}
	ok = gnutls_x509_crt_import(crt, &certs[0], GNUTLS_X509_FMT_DER) == 0 &&
	     gnutls_x509_crt_check_ip(crt, ip, (unsigned)iplen, 0);
	gnutls_x509_crt_deinit(crt);
	if (!ok) {
		snprintf(why, len, "certificate of %.100s does not cover the clear-text resolver's "
			 "address %s (RFC 9462 section 4.2)", d->t.adn, a);
		return -EPERM;
	}
	return 0;
}

static void sd_handshake(struct stub_dot *d)
{
	int r = gnutls_handshake(d->ses);
	char why[320];

	if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) {
		if (gnutls_record_get_direction(d->ses))
			sd_want_write(d);
		return;
	}
	if (r < 0) {
		if (r == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR)
			sd_verify_error(d, why, sizeof(why));
		else
			snprintf(why, sizeof(why), "TLS handshake with %.100s: %.160s", d->t.adn,
				 gnutls_strerror(r));
		sd_fail(d, why);
		return;
	}
	d->st = SD_READY;
	d->verified = true;
	if (d->t.auth == DNS_TLS_AUTH_IP && sd_check_ip(d, why, sizeof(why)) < 0) {
		/* RFC 9462 section 4.3: opportunistic discovery, the resolver
		 * at the clear-text one's own private address, unverified. */
		if (!d->t.unverified_ok) {
			sd_fail(d, why);
			return;
		}
		d->verified = false;
	}
	d->err[0] = '\0';
	if (d->probe) {
		d->probe = false;
		stub_ddr_verified(d->s, d->handle, &d->t, true, d->verified,
				  d->verified ? NULL : why);
		if (!d->pending)
			sd_arm(d, STUB_DOT_IDLE_MS);
	}
	d->handshakes++;
	d->s->ctr.tls_handshakes++;
	d->resumed = gnutls_session_is_resumed(d->ses) != 0;
	if (d->resumed) {
		d->resumptions++;
		d->s->ctr.tls_resumed++;
	}
	evtimer_del(d->timer);
	sd_flush(d);
}

/* One whole answer: to the attempt with its ID on this connection. */
static void sd_deliver(struct stub_dot *d, const uint8_t *m, size_t len)
{
	struct stub *s = d->s;
	struct stub_tx *tx;
	struct stub_att *a;

	if (len < DNS_HEADER_LEN || !dns_hdr_qr(m)) {
		s->ctr.spoof_malformed++;
		return;
	}
	TAILQ_FOREACH(tx, &s->txs, e)
		LIST_FOREACH(a, &tx->atts, e)
			if (a->dot == d && a->id == dns_hdr_id(m)) {
				d->answers++;
				stub_tx_dot_answer(a, m, len);
				return;
			}
	s->ctr.spoof_id++;
}

static void sd_keep_session(struct stub_dot *d);

static void sd_read(struct stub_dot *d)
{
	for (int k = 0; k < 64 && d->st == SD_READY; k++) {
		ssize_t r = gnutls_record_recv(d->ses, d->in + d->in_len, sizeof(d->in) - d->in_len);

		if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
			return;
		if (r == 0) {
			/* RFC 7766 6.2.3: a server may close an idle connection. */
			if (!d->pending) {
				sd_keep_session(d);
				sd_disconnect(d);
			} else {
				sd_fail(d, "closed by the server");
			}
			return;
		}
		if (r < 0) {
			sd_fail(d, gnutls_strerror((int)r));
			return;
		}
		d->in_len += (size_t)r;
		while (d->in_len >= 2) {
			size_t l = (size_t)d->in[0] << 8 | d->in[1];
			uint8_t *m;

			if (d->in_len < 2 + l)
				break;
			/* sd_deliver may fail d (and reset in_len): copy out. */
			m = malloc(l ? l : 1);
			if (!m)
				return;
			memcpy(m, d->in + 2, l);
			memmove(d->in, d->in + 2 + l, d->in_len - 2 - l);
			d->in_len -= 2 + l;
			sd_deliver(d, m, l);
			free(m);
			if (d->st != SD_READY)
				return;
		}
	}
}

static void sd_start_tls(struct stub_dot *d)
{
	int err = 0;
	socklen_t el = sizeof(err);

	if (getsockopt(d->fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0 || err) {
		char why[320];

		snprintf(why, sizeof(why), "connect to port %u: %s", d->t.port, strerror(err));
		sd_fail(d, why);
		return;
	}
	if (gnutls_init(&d->ses, GNUTLS_CLIENT | GNUTLS_NONBLOCK) < 0 ||
	    gnutls_set_default_priority(d->ses) < 0 ||
	    gnutls_credentials_set(d->ses, GNUTLS_CRD_CERTIFICATE, d->s->tls_cred) < 0 ||
	    gnutls_server_name_set(d->ses, GNUTLS_NAME_DNS, d->t.adn, strlen(d->t.adn)) < 0) {
		sd_fail(d, "TLS session set-up failed");
		return;
	}
	/* RFC 8310 section 8.1: the ADN is the reference identifier. A
	 * DDR resolver is checked against an address after the handshake
	 * (sd_check_ip), on a full handshake every time. */
	if (d->t.auth == DNS_TLS_AUTH_ADN)
		gnutls_session_set_verify_cert(d->ses, d->t.adn, 0);
	if (d->resume.size && d->t.auth == DNS_TLS_AUTH_ADN)
		gnutls_session_set_data(d->ses, d->resume.data, d->resume.size);
	gnutls_transport_set_int(d->ses, d->fd);
	d->st = SD_HANDSHAKE;
	sd_handshake(d);
}

static void sd_w_cb(evutil_socket_t fd, short what, void *arg)
{
	struct stub_dot *d = arg;

	(void)fd;
	(void)what;
	if (d->st == SD_CONNECTING)
		sd_start_tls(d);
	else if (d->st == SD_HANDSHAKE)
		sd_handshake(d);
	else if (d->st == SD_READY)
		sd_flush(d);
}

/* Keep the session for resumption: with TLS 1.3 the ticket comes after
 * the handshake, so take it whenever something was read. */
static void sd_keep_session(struct stub_dot *d)
{
	gnutls_datum_t n = { NULL, 0 };

	if (d->st != SD_READY || gnutls_session_get_data2(d->ses, &n) < 0)
		return;
	gnutls_free(d->resume.data);
	d->resume = n;
}

static void sd_r_cb(evutil_socket_t fd, short what, void *arg)
{
	struct stub_dot *d = arg;

	(void)fd;
	(void)what;
	if (d->st == SD_HANDSHAKE) {
		sd_handshake(d);
		return;
	}
	if (d->st == SD_READY) {
		sd_read(d);
		sd_keep_session(d);
	}
	if (d->st == SD_READY && !d->pending)
		sd_arm(d, STUB_DOT_IDLE_MS);
}

static void sd_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct stub_dot *d = arg;

	(void)fd;
	(void)what;
	if (d->st == SD_READY && !d->pending) {
		sd_keep_session(d);
		sd_disconnect(d);          /* idle: closed, the session kept */
		return;
	}
	if (d->st == SD_CONNECTING || d->st == SD_HANDSHAKE)
		sd_fail(d, "connection or TLS handshake timed out");
}

static int sd_connect(struct stub_dot *d)
{
	struct stub *s = d->s;
	struct stub_pvd *p = stub_pvd_by_handle(s, d->handle);
	struct sockaddr_storage to;
	socklen_t tolen;
	int fd;

	if (!p)
		return -ENOENT;
	if (s->n_upstream >= s->max_upstream)
		return -EMFILE;
	fd = stub_upstream_socket(p, &d->t.up, SOCK_STREAM, &to, &tolen);
	if (fd < 0)
		return fd;
	s->n_upstream++;
	d->fd = fd;
	if (to.ss_family == AF_INET)
		((struct sockaddr_in *)&to)->sin_port = htons(d->t.port);
	else
		((struct sockaddr_in6 *)&to)->sin6_port = htons(d->t.port);
	d->ev_r = event_new(s->base, fd, EV_READ | EV_PERSIST, sd_r_cb, d);
	d->ev_w = event_new(s->base, fd, EV_WRITE, sd_w_cb, d);
	if (!d->ev_r || !d->ev_w) {
		sd_disconnect(d);
		return -ENOMEM;
	}
	if (connect(fd, (struct sockaddr *)&to, tolen) < 0 && errno != EINPROGRESS) {
		int e = -errno;

		sd_disconnect(d);
		return e;
	}
	d->st = SD_CONNECTING;
	event_add(d->ev_r, NULL);
	sd_want_write(d);
	sd_arm(d, STUB_DOT_CONNECT_MS);
	return 0;
}

static struct stub_dot *sd_find(struct stub *s, uint64_t handle, const struct dns_plan_tls *t)
{
	struct stub_dot *d;

	LIST_FOREACH(d, &s->dots, e)
		if (d->handle == handle && d->t.port == t->port &&
		    !memcmp(&d->t.up.addr, &t->up.addr, 16) && !strcmp(d->t.adn, t->adn))
			break;
	if (d) {
		d->t = *t;                 /* the source may have changed */
		return d;
	}
	if (!(d = calloc(1, sizeof(*d))) || !(d->timer = evtimer_new(s->base, sd_timer_cb, d))) {
		free(d);
		return NULL;
	}
	d->s = s;
	d->handle = handle;
	d->t = *t;
	d->fd = -1;
	LIST_INSERT_HEAD(&s->dots, d, e);
	return d;
}

int stub_dot_query(struct stub *s, struct stub_pvd *p, size_t i, struct stub_att *a,
		   const uint8_t *q, size_t len, const char **why)
{
	struct stub_dot *d = sd_find(s, p->plan.handle, &p->plan.tls[i]);
	uint8_t *o;
	int r;

	*why = "out of memory";
	if (!d || !s->tls_cred)
		return -ENOMEM;
	if (d->st == SD_IDLE && stub_now_ns() < d->retry_at_ns) {
		*why = d->err[0] ? d->err : "failed a moment ago";
		return -EHOSTUNREACH;
	}
	if (d->out_len + 2 + len > STUB_DOT_OUT_MAX) {
		*why = "too many queries waiting";
		return -ENOBUFS;
	}
	if (d->st == SD_IDLE && (r = sd_connect(d)) < 0) {
		snprintf(d->err, sizeof(d->err), "connect: %s", strerror(-r));
		*why = d->err;
		return r;
	}
	if (!(o = realloc(d->out, d->out_len + 2 + len)))
		return -ENOMEM;
	d->out = o;
	o[d->out_len] = (uint8_t)(len >> 8);
	o[d->out_len + 1] = (uint8_t)len;
	memcpy(o + d->out_len + 2, q, len);
	d->out_len += 2 + len;
	a->dot = d;
	d->pending++;
	d->queries++;
	/* The idle timer stops; the connect and handshake deadline runs on. */
	if (d->st == SD_READY) {
		evtimer_del(d->timer);
		sd_flush(d);
	}
	return 0;
}

int stub_dot_probe(struct stub *s, struct stub_pvd *p, const struct dns_plan_tls *t)
{
	struct stub_dot *d = sd_find(s, p->plan.handle, t);
	int r;

	if (!d || !s->tls_cred)
		return -ENOMEM;
	/* Connected: it passed the same check at its handshake (a full
	 * one: DDR connections are not resumed). Under way: it will say. */
	if (d->st == SD_READY) {
		stub_ddr_verified(s, d->handle, &d->t, true, d->verified, NULL);
		return 0;
	}
	d->probe = true;
	if (d->st != SD_IDLE)
		return 0;
	if ((r = sd_connect(d)) < 0) {
		d->probe = false;
		snprintf(d->err, sizeof(d->err), "connect: %s", strerror(-r));
	}
	return r;
}

void stub_dot_detach(struct stub_att *a)
{
	struct stub_dot *d = a->dot;

	a->dot = NULL;
	if (d->pending)
		d->pending--;
	if (!d->pending && d->st == SD_READY)
		sd_arm(d, STUB_DOT_IDLE_MS);
}

static void sd_free(struct stub_dot *d)
{
	LIST_REMOVE(d, e);
	sd_disconnect(d);
	event_free(d->timer);
	gnutls_free(d->resume.data);
	free(d->out);
	free(d);
}

void stub_dot_pvd_gone(struct stub *s, uint64_t handle)
{
	struct stub_dot *d, *nd;

	for (d = LIST_FIRST(&s->dots); d; d = nd) {
		nd = LIST_NEXT(d, e);
		if (!handle || d->handle == handle)
			sd_free(d);
	}
}

void stub_dot_close(struct stub *s)
{
	stub_dot_pvd_gone(s, 0);
	if (s->tls_cred)
		gnutls_certificate_free_credentials(s->tls_cred);
	s->tls_cred = NULL;
}

json_t *stub_dot_json(struct stub *s, const struct stub_pvd *p)
{
	static const char *st[] = { "idle", "connecting", "handshake", "connected" };
	json_t *a = json_array();
	char b[INET6_ADDRSTRLEN];

	for (size_t i = 0; i < p->plan.n_tls; i++) {
		const struct dns_plan_tls *t = &p->plan.tls[i];
		struct stub_dot *d;

		LIST_FOREACH(d, &s->dots, e)
			if (d->handle == p->plan.handle && !memcmp(&d->t.up.addr, &t->up.addr, 16) &&
			    d->t.port == t->port && !strcmp(d->t.adn, t->adn))
				break;
		addr_ntop(&t->up.addr, b, sizeof(b));
		json_array_append_new(a, json_pack(
			"{s:s,s:s,s:i,s:s,s:s,s:s,s:s,s:b,s:b,s:I,s:I,s:I,s:I,s:I}",
			"adn", t->adn, "address", b, "port", t->port,
			"source", stub_tls_source_name(t->source),
			"check", t->auth != DNS_TLS_AUTH_IP ? "name" :
				 t->unverified_ok ? "address or none" : "address",
			"mode", stub_tls_name(p->tls_mode), "state", d ? st[d->st] : "idle",
			"verified", d && d->verified, "resumed", d && d->resumed,
			"queries", (json_int_t)(d ? d->queries : 0),
			"answers", (json_int_t)(d ? d->answers : 0),
			"failures", (json_int_t)(d ? d->failures : 0),
			"handshakes", (json_int_t)(d ? d->handshakes : 0),
			"resumptions", (json_int_t)(d ? d->resumptions : 0)));
		json_object_set_new(json_array_get(a, json_array_size(a) - 1), "last_error",
				    d && d->err[0] ? json_string(d->err) : json_null());
	}
	return a;
}
