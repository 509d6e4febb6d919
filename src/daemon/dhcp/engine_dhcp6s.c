/* SPDX-License-Identifier: MIT */
/*
 * Stateful DHCPv6 (RFC 8415 section 18) on an interface where an RA of
 * some PvD has the M flag: IA_NA addresses, and IA_PD prefixes when
 * downstream interfaces are configured (engine_dhcp6_pd.c).
 *
 * Solicit, collecting Advertises until the first retransmission time
 * (18.2.1; at once on preference 255), Request, Reply; Renew at T1 to the
 * server that gave the lease, Rebind at T2 to any, a new Solicit when the
 * valid lifetimes run out (18.2.4, 18.2.5). A duplicate address (the
 * kernel's DAD) is removed and Declined (18.2.8). The lease is kept by
 * the parent under state_dir and, at start or after a link change, is
 * Confirmed (addresses only, 18.2.3) or Rebound (with delegated prefixes,
 * 18.2.5, 18.2.12). A Reconfigure (18.2.11) is acted on only when it
 * carries the reconfigure key protocol (20.4) with the key of our Reply;
 * any other is ignored and counted. Release (18.2.7) when the network stops
 * asking for DHCPv6 (M cleared) while the link is up; not when mifd stops,
 * so that a restart keeps the lease. Messages always go to
 * All_DHCP_Relay_Agents_and_Servers (the Server Unicast option is not used).
 * What comes back (Advertise, Reply, Reconfigure) is in engine_dhcp6s_rx.c.
 */
#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/rand.h"
#include "daemon/dhcp/engine_dhcp6.h"
#include "daemon/engine/engine_priv.h"

/* RFC 8415 section 7.6, in nanoseconds. */
#define SOL_TIMEOUT (1 * D6_NS)
#define SOL_MAX_RT (3600 * D6_NS)
#define REQ_TIMEOUT (1 * D6_NS)
#define REQ_MAX_RT (30 * D6_NS)
#define REQ_MAX_RC 10
#define CNF_TIMEOUT (1 * D6_NS)
#define CNF_MAX_RT (4 * D6_NS)
#define CNF_MAX_RD (10 * D6_NS)
#define REN_TIMEOUT (10 * D6_NS)
#define REN_MAX_RT (600 * D6_NS)
#define REB_TIMEOUT (10 * D6_NS)
#define REB_MAX_RT (600 * D6_NS)
#define DEC_TIMEOUT (1 * D6_NS)
#define DEC_MAX_RC 5

static const uint16_t d6s_oro[] = {
	DHCP6_OPT_DNS_SERVERS, DHCP6_OPT_DOMAIN_LIST, DHCP6_OPT_SNTP_SERVERS,
	DHCP6_OPT_NTP_SERVER, DHCP6_OPT_RDNSS_SELECTION, DHCP6_OPT_ADDRSEL,
	DHCP6_OPT_CAPTIVE_PORTAL, DHCP6_OPT_SOL_MAX_RT,
};

int64_t d6s_wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

uint32_t d6s_left(const struct engine_dhcp6 *c, uint32_t life, uint64_t now)
{
	uint64_t end;

	if (life == DHCP6_INFINITY)
		return DHCP6_INFINITY;
	end = c->bound_ns + (uint64_t)life * D6_NS;
	return end > now ? (uint32_t)((end - now) / D6_NS) : 0;
}

static uint64_t d6s_at(const struct engine_dhcp6 *c, uint32_t s)
{
	return s == DHCP6_INFINITY ? PVD_NEVER : c->bound_ns + (uint64_t)s * D6_NS;
}

/* Every message but Solicit carries what is bound (or, in a Request, what
 * the Advertise offered); lifetimes are hints and are sent as 0. */
static void d6s_put_ias(struct engine_dhcp6 *c, struct dhcp6_builder *b, uint8_t type)
{
	const struct dhcp6_iaaddr *na = c->lease.na, *pd = c->lease.pd;
	size_t n_na = c->lease.n_na, n_pd = c->lease.n_pd;
	struct dhcp6_iaaddr z[DHCP6_MAX_IA_ADDRS];

	if (type == DHCP6_SOLICIT) {
		n_na = n_pd = 0;
	} else if (type == DHCP6_REQUEST) {
		na = c->adv->ia_na.a, n_na = c->adv->ia_na.n;
		pd = c->adv->ia_pd.a, n_pd = c->adv->ia_pd.n;
	} else if (type == DHCP6_DECLINE) {
		memset(z, 0, sizeof(z));
		z[0].addr = c->declined;
		z[0].plen = 128;
		dhcp6_build_ia(b, false, c->iaid, 0, 0, z, 1);
		return;
	}
	memcpy(z, na, n_na * sizeof(*na));
	for (size_t i = 0; i < n_na; i++)
		z[i].preferred = z[i].valid = 0;
	dhcp6_build_ia(b, false, c->iaid, 0, 0, z, n_na);
	if (!c->want_pd || type == DHCP6_CONFIRM)
		return;
	memcpy(z, pd, n_pd * sizeof(*pd));
	for (size_t i = 0; i < n_pd; i++)
		z[i].preferred = z[i].valid = 0;
	dhcp6_build_ia(b, true, c->iaid, 0, 0, z, n_pd);
}

static void d6s_send(struct engine_dhcp6 *c, uint8_t type, uint64_t now)
{
	uint8_t buf[sizeof(struct msg_dhcp) + 1024];
	struct msg_dhcp *h = (struct msg_dhcp *)buf;
	struct dhcp6_builder b;
	uint64_t el = (now - c->start_ns) / 10000000ull;
	int len;

	dhcp6_build_init(&b, buf + sizeof(*h), sizeof(buf) - sizeof(*h), type, c->xid);
	dhcp6_build_option(&b, DHCP6_OPT_CLIENTID, c->duid, c->duid_len);
	if (type == DHCP6_REQUEST)
		dhcp6_build_option(&b, DHCP6_OPT_SERVERID, c->adv->server_id, c->adv->server_id_len);
	else if (type == DHCP6_RENEW || type == DHCP6_RELEASE || type == DHCP6_DECLINE)
		dhcp6_build_option(&b, DHCP6_OPT_SERVERID, c->lease.server_id,
				   c->lease.server_id_len);
	/* 21.9: 0 in the first message of an exchange. */
	dhcp6_build_elapsed(&b, (uint16_t)(c->rt_ns == 0 ? 0 : el > 0xffff ? 0xffff : el));
	if (type != DHCP6_RELEASE && type != DHCP6_DECLINE && type != DHCP6_CONFIRM) {
		dhcp6_build_oro(&b, d6s_oro, sizeof(d6s_oro) / sizeof(d6s_oro[0]));
		/* 21.20: we accept Reconfigures (authenticated ones, 20.4). */
		dhcp6_build_option(&b, DHCP6_OPT_RECONF_ACCEPT, NULL, 0);
	}
	d6s_put_ias(c, &b, type);
	len = dhcp6_build_finish(&b);
	if (len < 0)
		return;
	memset(h, 0, sizeof(*h));
	h->ifindex = c->ifindex;
	h->family = AF_INET6;
	inet_pton(AF_INET6, "ff02::1:2", &h->peer);
	engine_send(c->e, MSG_DHCP_SEND, buf, sizeof(*h) + (size_t)len);
}

void d6s_begin(struct engine_dhcp6 *c, enum d6_state st, uint64_t delay)
{
	c->state = st;
	c->xid = rand_secure_u32() & 0xffffff;
	c->rt_ns = 0;
	c->tries = 0;
	if (st == D6_SOLICIT)
		c->has_adv = false;
	d6_arm(c, delay);
}

void d6s_program(struct engine_dhcp6 *c, const struct dhcp6_iaaddr *a, bool add,
		 uint64_t now)
{
	struct nl_addr n = { .ifindex = c->ifindex, .family = AF_INET6, .plen = 128,
			     .flags = IFA_F_NOPREFIXROUTE };

	memcpy(n.addr, &a->addr, 16);
	n.valid = d6s_left(c, a->valid, now);
	n.preferred = d6s_left(c, a->preferred, now);
	if (add && n.valid == 0)
		add = false;
	engine_send(c->e, add ? MSG_ADDR_CONFIGURE : MSG_ADDR_REMOVE, &n, sizeof(n));
}

/* The lease store (dhcp/lease_store.h) keeps it as record "dhcp6-IFNAME"
 * (no payload: forget it); the parent writes the file. */
void d6s_save(struct engine_dhcp6 *c, bool keep)
{
	char key[32], text[MSG_LEASE_MAX];
	int n = 0;

	snprintf(key, sizeof(key), "dhcp6-%s", c->ifname);
	if (keep) {
		n = lease6_format(&c->lease, text, sizeof(text));
		if (n < 0)
			return;
	}
	if (engine_lease_put(c->e, key, text, (size_t)n) < 0)
		log_warn("dhcp6 on %s: the lease cannot be kept", c->ifname);
}

void d6s_unbind(struct engine_dhcp6 *c, uint64_t now)
{
	for (size_t i = 0; c->bound && i < c->lease.n_na; i++)
		d6s_program(c, &c->lease.na[i], false, now);
	c->bound = false;
	c->has_data = false;
	d6pd_withdraw(c);
	engine_dhcp6_attach(c->e, c);
}

/* Bound, or bound again: addresses, T1/T2, the PvD's items, downstream. */
void d6s_apply(struct engine_dhcp6 *c, uint64_t now)
{
	uint32_t valid = 0;

	if (!c->bound)
		memset(c->dad_done, 0, sizeof(c->dad_done));
	for (size_t i = 0; i < c->lease.n_na; i++)
		d6s_program(c, &c->lease.na[i], true, now);
	for (size_t i = 0; i < c->lease.n_na; i++)
		valid = c->lease.na[i].valid > valid ? c->lease.na[i].valid : valid;
	for (size_t i = 0; i < c->lease.n_pd; i++)
		valid = c->lease.pd[i].valid > valid ? c->lease.pd[i].valid : valid;
	c->bound = true;
	c->t1_at = d6s_at(c, c->lease.t1);
	c->t2_at = d6s_at(c, c->lease.t2);
	c->end_ns = d6s_at(c, valid);
	c->has_data = true;
	c->refresh = d6s_left(c, valid, now);
	c->valid_until = c->end_ns;
	c->state = D6_BOUND;
	if (c->t1_at != PVD_NEVER)
		d6_arm(c, c->t1_at > now ? c->t1_at - now : 0);
	d6pd_update(c, now);
	engine_dhcp6_attach(c->e, c);
}

/* Send the state's message and arm its retransmission (section 15). */
static void d6s_retransmit(struct engine_dhcp6 *c, uint8_t type, uint64_t irt, uint64_t mrt,
			   uint64_t until, uint64_t now)
{
	if (c->rt_ns == 0)
		c->start_ns = now;
	d6s_send(c, type, now);
	c->rt_ns = dhcp6_next_rt(c->rt_ns, irt, mrt, (int)(rand_u32() % 201) - 100);
	c->tries++;
	d6_arm(c, until > now && until - now < c->rt_ns ? until - now : c->rt_ns);
}

void d6s_timer(struct engine_dhcp6 *c, uint64_t now)
{
	switch (c->state) {
	case D6_SOLICIT:
		if (c->has_adv && c->rt_ns)
			break;
		c->solicits++;
		d6s_retransmit(c, DHCP6_SOLICIT, SOL_TIMEOUT, SOL_MAX_RT, PVD_NEVER, now);
		return;
	case D6_REQUEST:
		if (c->tries >= REQ_MAX_RC) {
			d6s_begin(c, D6_SOLICIT, 0);
			return;
		}
		c->requests++;
		d6s_retransmit(c, DHCP6_REQUEST, REQ_TIMEOUT, REQ_MAX_RT, PVD_NEVER, now);
		return;
	case D6_BOUND:               /* T1 */
		d6s_begin(c, D6_RENEW, 0);
		return;
	case D6_RENEW:
		if (now >= c->t2_at) {
			d6s_begin(c, D6_REBIND, 0);
			return;
		}
		d6s_retransmit(c, DHCP6_RENEW, REN_TIMEOUT, REN_MAX_RT, c->t2_at, now);
		return;
	case D6_REBIND:
		if (now >= c->end_ns) {
			log_warn("dhcp6 on %s: the lease ran out: soliciting", c->ifname);
			d6s_unbind(c, now);
			d6s_save(c, false);
			memset(&c->lease, 0, sizeof(c->lease));
			d6s_begin(c, D6_SOLICIT, 0);
			return;
		}
		d6s_retransmit(c, DHCP6_REBIND, REB_TIMEOUT, REB_MAX_RT, c->end_ns, now);
		return;
	case D6_CONFIRM:
		if (c->rt_ns && now >= c->mrd_end) {
			/* 18.2.3: no Reply: go on using the lease. */
			d6s_apply(c, now);
			return;
		}
		c->confirms++;
		d6s_retransmit(c, DHCP6_CONFIRM, CNF_TIMEOUT, CNF_MAX_RT, c->mrd_end, now);
		return;
	case D6_DECLINE:
		if (c->tries >= DEC_MAX_RC) {
			d6s_begin(c, D6_SOLICIT, 0);
			return;
		}
		d6s_retransmit(c, DHCP6_DECLINE, DEC_TIMEOUT, 0, PVD_NEVER, now);
		return;
	default:
		return;
	}
	/* SOLICIT with an Advertise at the end of the first RT. */
	d6s_begin(c, D6_REQUEST, 0);
}

/* At start or after a link change: a kept lease is Confirmed or Rebound. */
void d6s_start(struct engine_dhcp6 *c)
{
	uint64_t now = log_now_ns();
	int64_t wall = d6s_wall(), age;
	struct lease6 l;
	const char *text;
	size_t len = 0;
	int line = 0;
	char name[32];

	snprintf(name, sizeof(name), "dhcp6-%s", c->ifname);
	text = (const char *)engine_lease_get(c->e, name, &len);
	if (text && lease6_parse(text, len, &l, &line) < 0) {
		log_warn("dhcp6 on %s: the kept lease is corrupt (line %d): ignored", c->ifname,
			 line);
		d6s_save(c, false);
		text = NULL;
	}
	age = text ? wall - l.bound : 0;
	if (text && (l.duid_len != c->duid_len || memcmp(l.duid, c->duid, c->duid_len) || age < 0)) {
		log_info("dhcp6 on %s: the kept lease is not this client's: ignored", c->ifname);
		text = NULL;
	}
	if (text) {
		c->lease = l;
		c->bound_ns = now > (uint64_t)age * D6_NS ? now - (uint64_t)age * D6_NS : 0;
		c->t2_at = d6s_at(c, l.t2);
		c->end_ns = 0;
		for (size_t i = 0; i < l.n_na; i++)
			if (d6s_at(c, l.na[i].valid) > c->end_ns)
				c->end_ns = d6s_at(c, l.na[i].valid);
		for (size_t i = 0; i < l.n_pd; i++)
			if (d6s_at(c, l.pd[i].valid) > c->end_ns)
				c->end_ns = d6s_at(c, l.pd[i].valid);
		if (c->end_ns > now) {
			log_info("dhcp6 on %s: reusing the kept lease (%s)", c->ifname,
				 l.n_pd && c->want_pd ? "Rebind" : "Confirm");
			c->mrd_end = now + CNF_MAX_RD;
			d6s_begin(c, l.n_pd && c->want_pd ? D6_REBIND : D6_CONFIRM, 0);
			return;
		}
		memset(&c->lease, 0, sizeof(c->lease));
	}
	d6s_begin(c, D6_SOLICIT, (uint64_t)(rand_u32() % 1000) * 1000000ull);
}

void d6s_stop(struct engine_dhcp6 *c, bool release)
{
	uint64_t now = log_now_ns();

	if (c->bound && release) {
		/* 18.2.7: one Release; the client is going away, so it is not
		 * retransmitted. */
		c->xid = rand_secure_u32() & 0xffffff;
		c->rt_ns = 0;
		c->start_ns = now;
		d6s_send(c, DHCP6_RELEASE, now);
		c->releases++;
		d6s_save(c, false);
	}
	d6s_unbind(c, now);
}

/* RFC 4862 5.4.5 via the kernel's DAD: 18.2.8, Decline the address. */
void d6s_addr_event(struct engine_dhcp6 *c, const struct in6_addr *a, bool gone, bool tentative,
		    bool dadfailed)
{
	uint64_t now = log_now_ns();
	char s[INET6_ADDRSTRLEN];

	if (!c->bound)
		return;
	for (size_t i = 0; i < c->lease.n_na; i++) {
		if (!IN6_ARE_ADDR_EQUAL(&c->lease.na[i].addr, a))
			continue;
		if (!gone && !tentative && !dadfailed)
			c->dad_done[i] = true;
		if (!dadfailed && !(gone && !c->dad_done[i]))
			return;
		inet_ntop(AF_INET6, a, s, sizeof(s));
		log_warn("dhcp6 on %s: %s is a duplicate: declining it", c->ifname, s);
		d6s_program(c, &c->lease.na[i], false, now);
		c->declined = *a;
		c->lease.na[i] = c->lease.na[--c->lease.n_na];
		c->dad_done[i] = c->dad_done[c->lease.n_na];
		c->declines++;
		engine_dhcp6_attach(c->e, c);
		d6s_begin(c, D6_DECLINE, 0);
		return;
	}
}

bool d6s_owns(const struct engine_dhcp6 *c, const uint8_t addr[16])
{
	for (size_t i = 0; c->bound && i < c->lease.n_na; i++)
		if (memcmp(&c->lease.na[i].addr, addr, 16) == 0)
			return true;
	for (size_t i = 0; i < c->n_down; i++) {
		struct in6_addr a = c->down[i].subnet;

		a.s6_addr[15] = 1;
		if (memcmp(&a, addr, 16) == 0)
			return true;
	}
	return false;
}
