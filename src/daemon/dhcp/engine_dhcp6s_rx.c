/* SPDX-License-Identifier: MIT */
/*
 * Stateful DHCPv6, what comes back (RFC 8415 section 18.2.9 to 18.2.11):
 * Advertises collected while soliciting, the Reply that binds (or renews,
 * rebinds, confirms) a lease, and an authenticated Reconfigure. The
 * sending side and the timers are in engine_dhcp6s.c.
 */
#include <string.h>

#include "daemon/dhcp/engine_dhcp6.h"
#include "daemon/engine/engine_priv.h"

/* 21.4: T1 and T2 of 0 leave them to the client: 0.5 and 0.8 of the
 * shortest preferred lifetime. */
static void d6s_timers(struct lease6 *l, const struct dhcp6_msg *m)
{
	uint32_t t1 = 0, t2 = 0, pref = DHCP6_INFINITY;

	if (m->has_ia_na && l->n_na)
		t1 = m->ia_na.t1, t2 = m->ia_na.t2;
	if (m->has_ia_pd && l->n_pd && (!t1 || (m->ia_pd.t1 && m->ia_pd.t1 < t1)))
		t1 = m->ia_pd.t1, t2 = m->ia_pd.t2;
	for (size_t i = 0; i < l->n_na; i++)
		pref = l->na[i].preferred < pref ? l->na[i].preferred : pref;
	for (size_t i = 0; i < l->n_pd; i++)
		pref = l->pd[i].preferred < pref ? l->pd[i].preferred : pref;
	if (!t1 || !t2) {
		t1 = pref == DHCP6_INFINITY ? DHCP6_INFINITY : pref / 2;
		t2 = pref == DHCP6_INFINITY ? DHCP6_INFINITY : pref / 5 * 4;
	}
	l->t1 = t1;
	l->t2 = t2 < t1 ? t1 : t2;
}

static size_t d6s_take(const struct dhcp6_ia *ia, bool has, struct dhcp6_iaaddr *out)
{
	size_t n = 0;

	for (size_t i = 0; has && (!ia->has_status || ia->status == 0) && i < ia->n; i++)
		if (ia->a[i].valid > 0 && (!ia->a[i].has_status || ia->a[i].status == 0))
			out[n++] = ia->a[i];
	return n;
}

static bool d6s_no_binding(const struct dhcp6_msg *m)
{
	return (m->has_ia_na && m->ia_na.has_status && m->ia_na.status == DHCP6_ST_NO_BINDING) ||
	       (m->has_ia_pd && m->ia_pd.has_status && m->ia_pd.status == DHCP6_ST_NO_BINDING);
}

/* 18.2.10.1: the Reply to Request, Renew or Rebind. */
static void d6s_reply_bind(struct engine_dhcp6 *c, const struct in6_addr *from, uint64_t now)
{
	const struct dhcp6_msg *m = c->rx;
	struct lease6 l;

	memset(&l, 0, sizeof(l));
	memcpy(l.duid, c->duid, c->duid_len);
	l.duid_len = c->duid_len;
	memcpy(l.server_id, m->server_id, m->server_id_len);
	l.server_id_len = m->server_id_len;
	l.server = *from;
	l.bound = d6s_wall();
	l.n_na = d6s_take(&m->ia_na, m->has_ia_na, l.na);
	l.n_pd = c->want_pd ? d6s_take(&m->ia_pd, m->has_ia_pd, l.pd) : 0;
	if (l.n_na + l.n_pd == 0) {
		d6_drop(c, d6s_no_binding(m) ? "the server has no binding for us" :
			   "the reply binds nothing");
		d6s_unbind(c, now);
		d6s_begin(c, D6_SOLICIT, D6_SOL_MAX_DELAY);
		return;
	}
	d6s_timers(&l, m);
	/* 20.4.2: the reconfigure key comes in a Reply; keep the last one. */
	l.has_key = c->lease.has_key;
	memcpy(l.key, c->lease.key, sizeof(l.key));
	l.replay = c->lease.replay;
	if (m->has_auth && m->auth.protocol == DHCP6_AUTH_PROTO_RKAP &&
	    m->auth.algorithm == DHCP6_AUTH_ALG_HMAC_MD5 && m->auth.info_len == 17 &&
	    m->auth.info[0] == DHCP6_RKAP_KEY) {
		memcpy(l.key, m->auth.info + 1, sizeof(l.key));
		l.has_key = true;
		l.replay = m->auth.replay;
	}
	/* Addresses the server no longer gives go now. */
	for (size_t i = 0; c->bound && i < c->lease.n_na; i++) {
		bool kept = false;

		for (size_t j = 0; j < l.n_na; j++)
			kept |= IN6_ARE_ADDR_EQUAL(&l.na[j].addr, &c->lease.na[i].addr);
		if (!kept)
			d6s_program(c, &c->lease.na[i], false, now);
	}
	/* What the kernel said about each address stays with the address. */
	{
		bool done[DHCP6_MAX_IA_ADDRS] = { false };

		for (size_t j = 0; j < l.n_na; j++)
			for (size_t i = 0; c->bound && i < c->lease.n_na; i++)
				if (IN6_ARE_ADDR_EQUAL(&l.na[j].addr, &c->lease.na[i].addr))
					done[j] = c->dad_done[i];
		memcpy(c->dad_done, done, sizeof(done));
	}
	if (c->state == D6_RENEW)
		c->renews++;
	else if (c->state == D6_REBIND)
		c->rebinds++;
	c->lease = l;
	c->bound_ns = now;
	c->server = *from;
	*c->reply = *m;
	c->replies++;
	d6s_apply(c, now);
	d6s_save(c, true);
}

static void d6s_advertise(struct engine_dhcp6 *c, uint64_t now)
{
	const struct dhcp6_msg *m = c->rx;
	struct dhcp6_iaaddr tmp[DHCP6_MAX_IA_ADDRS];
	bool usable = d6s_take(&m->ia_na, m->has_ia_na, tmp) > 0 ||
		      (c->want_pd && d6s_take(&m->ia_pd, m->has_ia_pd, tmp) > 0);

	(void)now;
	/* 18.2.9: ignore an Advertise whose status is NoAddrsAvail, and one
	 * that offers nothing we asked for. */
	if ((m->has_status && m->status != 0) || !usable) {
		d6_drop(c, "an Advertise that offers nothing");
		return;
	}
	c->advertises++;
	if (!c->has_adv || m->preference > c->adv->preference) {
		*c->adv = *m;
		c->has_adv = true;
	}
	/* 18.2.1: preference 255 is taken at once; else at the end of the
	 * first retransmission time (the timer). */
	if (m->preference == 255)
		d6s_begin(c, D6_REQUEST, 0);
}

static void d6s_reconfigure(struct engine_dhcp6 *c, const uint8_t *data, size_t len)
{
	const struct dhcp6_msg *m = c->rx;
	uint64_t sup = 0;

	/* 18.2.11 and 20.4.4: only with our Client ID, a Server ID, a known
	 * message, and the reconfigure key's HMAC over the message. */
	if (!c->bound || !c->lease.has_key || m->server_id_len == 0 ||
	    m->client_id_len != c->duid_len || memcmp(m->client_id, c->duid, c->duid_len) ||
	    (m->reconf_msg != DHCP6_RENEW && m->reconf_msg != DHCP6_REBIND) ||
	    !dhcp6_reconfigure_auth_ok(data, len, m, c->lease.key, &c->lease.replay)) {
		c->reconf_ignored++;
		if (log_ratelimit_ok(&c->e->drop_rl, &sup))
			log_warn("dhcp6 on %s: ignored a Reconfigure without valid authentication "
				 "(RFC 8415 20.4)", c->ifname);
		return;
	}
	c->reconf_accepted++;
	log_info("dhcp6 on %s: authenticated Reconfigure: %s", c->ifname,
		 m->reconf_msg == DHCP6_RENEW ? "renewing" : "rebinding");
	d6s_save(c, true);
	d6s_begin(c, m->reconf_msg == DHCP6_RENEW ? D6_RENEW : D6_REBIND, 0);
}

void d6s_rx(struct engine_dhcp6 *c, const struct in6_addr *from, const uint8_t *data, size_t len)
{
	enum dhcp6_error why = DHCP6_OK;
	uint64_t now = log_now_ns();
	const struct dhcp6_msg *m = c->rx;

	if (dhcp6_parse(data, len, c->rx, &why) < 0) {
		d6_drop(c, dhcp6_error_name(why));
		return;
	}
	if (m->type == DHCP6_RECONFIGURE) {
		d6s_reconfigure(c, data, len);
		return;
	}
	/* 16.3, 16.10: a Server ID, our transaction, our Client ID. */
	if ((m->type != DHCP6_ADVERTISE && m->type != DHCP6_REPLY) || m->server_id_len == 0 ||
	    !dhcp6_reply_matches(m, c->xid, c->duid, c->duid_len)) {
		d6_drop(c, "not an answer to our message");
		return;
	}
	c->rx_ok++;
	if (m->type == DHCP6_ADVERTISE) {
		if (c->state == D6_SOLICIT)
			d6s_advertise(c, now);
		return;
	}
	switch (c->state) {
	case D6_REQUEST: case D6_RENEW: case D6_REBIND:
		/* 18.2.10: UseMulticast and UnspecFail: as if no answer. */
		if (m->has_status && m->status != 0) {
			d6_drop(c, "the server refused (status in the Reply)");
			return;
		}
		d6s_reply_bind(c, from, now);
		return;
	case D6_CONFIRM:
		/* 18.2.10.1: NotOnLink: the addresses are not for this link. */
		if (m->has_status && m->status != 0) {
			log_info("dhcp6 on %s: Confirm answered %u: soliciting", c->ifname,
				 m->status);
			c->bound = false;
			d6s_save(c, false);
			memset(&c->lease, 0, sizeof(c->lease));
			d6s_begin(c, D6_SOLICIT, 0);
			return;
		}
		c->replies++;
		*c->reply = *m;
		d6s_apply(c, now);
		return;
	case D6_DECLINE:
		d6s_begin(c, D6_SOLICIT, 0);
		return;
	default:
		d6_drop(c, "a Reply we did not wait for");
	}
}
