/* SPDX-License-Identifier: MIT */
/*
 * DHCPv4 client (RFC 2131 section 4.4) running in the engine: it parses
 * every reply and decides; the kernel side only moves packets
 * (MSG_DHCP_SEND/RX), probes for conflicts (MSG_ARP_PROBE) and sets the
 * address (MSG_ADDR_CONFIGURE with the lease as lifetime, so the kernel
 * drops it if mifd dies). What the lease says is filed into PvDs by
 * engine_dhcp4_attach() following RFC 8801 section 3.4.2.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/rand.h"
#include "daemon/engine/engine_priv.h"

#define NS 1000000000ull

const char *engine_dhcp4_state_name(enum d4_state s)
{
	static const char *const n[] = { "init", "selecting", "requesting", "checking", "bound",
					 "renewing", "rebinding", "declined", "stopped",
					 "rebooting" };

	return (unsigned)s <= D4_REBOOTING ? n[s] : "unknown";
}

static void d4_arm(struct engine_dhcp4 *c, uint64_t delay_ns)
{
	struct timeval tv = { .tv_sec = (time_t)(delay_ns / NS),
			      .tv_usec = (suseconds_t)(delay_ns % NS / 1000) };

	evtimer_add(c->timer, &tv);
}

/* RFC 2131 4.1: 4, 8, 16, 32, 64 s, each randomised by +-1 s. */
static uint64_t d4_backoff(unsigned tries)
{
	uint64_t base = 4ull << (tries < 4 ? tries : 4);

	return base * NS - NS + (uint64_t)(rand_u32() % 2000) * 1000000ull;
}

static void d4_send(struct engine_dhcp4 *c, uint8_t type, struct in_addr dst)
{
	static const uint8_t prl[] = { 1, 3, 6, 15, 26, 42, 43, 51, 54, 58, 59, 114, 119, 121, 146,
				       162 };
	uint8_t buf[sizeof(struct msg_dhcp) + 576];
	struct msg_dhcp *h = (struct msg_dhcp *)buf;
	struct dhcp4_builder b;
	struct in_addr none = { 0 }, ci = none;
	uint8_t cid[7] = { 1 };
	bool own = c->state == D4_RENEWING || c->state == D4_REBINDING || type == DHCP4_RELEASE;
	uint64_t secs = (log_now_ns() - c->exchange_ns) / NS;
	int len;

	if (own)
		ci = c->addr;
	dhcp4_build_init(&b, buf + sizeof(*h), sizeof(buf) - sizeof(*h), 1, c->xid, c->mac, 6);
	/* Broadcast flag until we have an address: replies then reach a UDP
	 * socket without the kernel owning yiaddr yet (RFC 2131 4.1). */
	dhcp4_build_header(&b, (uint16_t)(secs > 65535 ? 65535 : secs), own ? 0 : 0x8000,
			   ci, none, none);
	dhcp4_build_u8(&b, 53, type);
	memcpy(cid + 1, c->mac, 6);
	dhcp4_build_option(&b, 61, cid, sizeof(cid));
	if ((type == DHCP4_REQUEST && c->state == D4_REQUESTING) || type == DHCP4_DECLINE) {
		dhcp4_build_addrs(&b, 50, &c->offered, 1);
		dhcp4_build_addrs(&b, 54, &c->server, 1);
	} else if (type == DHCP4_REQUEST && c->state == D4_REBOOTING) {
		/* RFC 2131 3.2 and 4.3.2: INIT-REBOOT asks for the kept address
		 * with no server identifier and ciaddr zero. */
		dhcp4_build_addrs(&b, 50, &c->offered, 1);
	} else if (type == DHCP4_DISCOVER && c->hint.s_addr) {
		dhcp4_build_addrs(&b, 50, &c->hint, 1);   /* RFC 2131 4.4.1: a suggestion */
	} else if (type == DHCP4_RELEASE) {
		dhcp4_build_addrs(&b, 54, &c->server, 1);
	}
	if (type == DHCP4_DISCOVER || type == DHCP4_REQUEST)
		dhcp4_build_option(&b, 55, prl, sizeof(prl));
	len = dhcp4_build_finish(&b);
	if (len < 0) {
		log_err("dhcp4: cannot build a message");
		return;
	}
	memset(h, 0, sizeof(*h));
	h->ifindex = c->ifindex;
	h->family = AF_INET;
	addr_v4_mapped(dst, &h->peer);
	engine_send(c->e, MSG_DHCP_SEND, buf, sizeof(*h) + (size_t)len);
}

static struct in_addr d4_broadcast(void)
{
	struct in_addr a = { .s_addr = INADDR_BROADCAST };

	return a;
}

static void d4_address(struct engine_dhcp4 *c, bool add, uint32_t lifetime)
{
	struct nl_addr a = { .ifindex = c->ifindex, .family = AF_INET, .plen = c->plen,
			     .valid = lifetime, .preferred = lifetime };

	memcpy(a.addr, &c->addr, 4);
	engine_send(c->e, add ? MSG_ADDR_CONFIGURE : MSG_ADDR_REMOVE, &a, sizeof(a));
}

/* Forget the lease: address, PvD data. */
static void d4_drop_lease(struct engine_dhcp4 *c)
{
	if (c->state >= D4_BOUND && c->state <= D4_REBINDING && c->addr.s_addr)
		d4_address(c, false, 0);
	c->addr.s_addr = 0;
	c->expire_at = 0;
	engine_dhcp4_attach(c->e, c);
}

static void d4_start(struct engine_dhcp4 *c, uint64_t delay_ns)
{
	c->state = D4_INIT;
	c->tries = 0;
	d4_arm(c, delay_ns);
}

static void d4_discover(struct engine_dhcp4 *c)
{
	if (c->state != D4_SELECTING) {
		c->state = D4_SELECTING;
		c->xid = rand_secure_u32();
		c->exchange_ns = log_now_ns();
		c->tries = 0;
	}
	d4_send(c, DHCP4_DISCOVER, d4_broadcast());
	d4_arm(c, d4_backoff(c->tries++));
}

/* RFC 2131 3.2: INIT-REBOOT, then REBOOTING: the kept address asked for
 * by broadcast. A server that knows nothing of it stays silent (4.3.2),
 * so after two tries (about 12 s) the client starts over with DISCOVER,
 * still suggesting the address. */
static void d4_reboot(struct engine_dhcp4 *c)
{
	if (c->state != D4_REBOOTING) {
		c->state = D4_REBOOTING;
		c->xid = rand_secure_u32();
		c->exchange_ns = log_now_ns();
		c->request_ns = c->exchange_ns;
		c->tries = 0;
		c->reboots++;
	} else if (c->tries >= 2) {
		log_info("dhcp4 on %d: no answer to INIT-REBOOT: discovering", c->ifindex);
		c->state = D4_INIT;
		d4_discover(c);
		return;
	}
	d4_send(c, DHCP4_REQUEST, d4_broadcast());
	d4_arm(c, d4_backoff(c->tries++));
}

static uint8_t d4_plen(const struct dhcp4_msg *m)
{
	uint32_t mask = ntohl(m->subnet.s_addr);
	uint8_t n = 0;

	if (!m->has_subnet)
		return 32;          /* no mask: no on-link subnet, just the host */
	while (n < 32 && (mask & (0x80000000u >> n)))
		n++;
	/* A non-contiguous mask is nonsense: treat as no mask. */
	return (n < 32 && (mask << n)) ? 32 : n;
}

/* The kernel's lifetime for the address: what is left of the lease. */
static uint32_t d4_lifetime(const struct engine_dhcp4 *c, uint32_t lease, uint64_t now)
{
	if (lease == DHCP4_INFINITY || c->expire_at == PVD_NEVER)
		return DHCP4_INFINITY;
	return c->expire_at > now ? (uint32_t)((c->expire_at - now + NS - 1) / NS) : 1;
}

/* RFC 2131 4.4.1: "the sum of the time at which the original request was
 * sent and the duration of the lease" is when the lease ends: its clock
 * starts with the exchange's first REQUEST, not with the ACK or the end
 * of the ARP probe after it. */
static uint64_t d4_lease_start(const struct engine_dhcp4 *c, uint64_t now)
{
	return c->request_ns && c->request_ns <= now ? c->request_ns : now;
}

/* RFC 2131 4.4.5: T1 defaults to half the lease, T2 to 7/8; bad values
 * (not T1 < T2 < lease) fall back to the defaults. All three count from
 * the lease's start. */
static void d4_bind(struct engine_dhcp4 *c, const struct dhcp4_msg *ack)
{
	uint64_t now = log_now_ns(), start = d4_lease_start(c, now);
	uint32_t lease = ack->has_lease ? ack->lease : DHCP4_INFINITY;
	uint32_t t1 = lease / 2, t2 = (uint32_t)((uint64_t)lease * 7 / 8);
	char a[INET_ADDRSTRLEN], s[INET_ADDRSTRLEN];

	if (ack->has_t1 && ack->has_t2 && ack->t1 < ack->t2 && ack->t2 < lease) {
		t1 = ack->t1;
		t2 = ack->t2;
	}
	if (c->lease != ack)
		*c->lease = *ack;
	if (c->addr.s_addr && c->addr.s_addr != ack->yiaddr.s_addr)
		d4_address(c, false, 0);
	c->addr = ack->yiaddr;
	c->plen = d4_plen(ack);
	if (ack->has_server_id)
		c->server = ack->server_id;
	c->bound_ns = now;
	c->expire_at = lease == DHCP4_INFINITY ? PVD_NEVER : start + (uint64_t)lease * NS;
	c->t1_at = lease == DHCP4_INFINITY ? PVD_NEVER : start + (uint64_t)t1 * NS;
	c->t2_at = lease == DHCP4_INFINITY ? PVD_NEVER : start + (uint64_t)t2 * NS;
	c->state = D4_BOUND;
	c->acks++;
	d4_address(c, true, d4_lifetime(c, lease, now));
	if (c->t1_at != PVD_NEVER)
		d4_arm(c, c->t1_at > now ? c->t1_at - now : 0);
	inet_ntop(AF_INET, &c->addr, a, sizeof(a));
	inet_ntop(AF_INET, &c->server, s, sizeof(s));
	log_info("dhcp4 on %d: bound to %s/%u from %s, lease %us", c->ifindex, a, c->plen, s, lease);
	c->hint = c->addr;
	engine_dhcp4_lease_save(c);
	engine_dhcp4_attach(c->e, c);
}

/* RFC 2131 4.4.5: retransmit after half the time left, at least 60 s. */
static void d4_renew_step(struct engine_dhcp4 *c, uint64_t until, bool broadcast)
{
	uint64_t now = log_now_ns(), left = until > now ? until - now : 0;
	uint64_t wait = left / 2 > 60 * NS ? left / 2 : 60 * NS;

	d4_send(c, DHCP4_REQUEST, broadcast ? d4_broadcast() : c->server);
	d4_arm(c, wait < left ? wait : left);
}

static void d4_timer_bound(struct engine_dhcp4 *c, uint64_t now)
{
	if (c->state == D4_BOUND || (c->state == D4_RENEWING && now < c->t2_at)) {
		if (c->state == D4_BOUND) {
			c->state = D4_RENEWING;
			c->xid = rand_secure_u32();
			c->exchange_ns = now;
			c->request_ns = now;
		}
		d4_renew_step(c, c->t2_at, false);
		return;
	}
	if (now < c->expire_at) {
		if (c->state != D4_REBINDING) {
			c->state = D4_REBINDING;
			c->exchange_ns = now;
			c->request_ns = now;
		}
		d4_renew_step(c, c->expire_at, true);
		return;
	}
	log_warn("dhcp4 on %d: lease expired", c->ifindex);
	d4_drop_lease(c);
	engine_dhcp4_lease_forget(c);
	d4_start(c, 0);
}

static void d4_timer_step(struct engine_dhcp4 *c)
{
	switch (c->state) {
	case D4_INIT:
		if (c->reboot_pending) {
			c->reboot_pending = false;
			d4_reboot(c);
			return;
		}
		d4_discover(c);
		return;
	case D4_SELECTING:
		d4_discover(c);
		return;
	case D4_REQUESTING:
		if (c->tries >= 4) { /* RFC 2131 3.1.5: give up, start over */
			d4_start(c, 0);
			return;
		}
		d4_send(c, DHCP4_REQUEST, d4_broadcast());
		d4_arm(c, d4_backoff(c->tries++));
		return;
	case D4_CHECKING:        /* no probe answer at all: assume free */
		d4_bind(c, c->lease);
		return;
	case D4_BOUND:
	case D4_RENEWING:
	case D4_REBINDING:
		d4_timer_bound(c, log_now_ns());
		return;
	case D4_DECLINED:
		d4_start(c, 0);
		return;
	case D4_REBOOTING:
		d4_reboot(c);
		return;
	case D4_STOPPED:
		return;
	}
}

static void d4_timer(evutil_socket_t fd, short what, void *arg)
{
	struct engine_dhcp4 *c = arg;

	d4_timer_step(c);
	engine_sync(c->e);
}

static void d4_drop(struct engine_dhcp4 *c, const char *why)
{
	uint64_t sup = 0;

	c->rx_dropped++;
	if (log_ratelimit_ok(&c->e->drop_rl, &sup))
		log_warn("dhcp4 on %d: dropped a reply: %s", c->ifindex, why);
}

static void d4_on_offer(struct engine_dhcp4 *c, const struct dhcp4_msg *m)
{
	if (m->type != DHCP4_OFFER || !m->yiaddr.s_addr || !m->has_server_id) {
		d4_drop(c, "not a usable OFFER");
		return;
	}
	c->offered = m->yiaddr;
	c->server = m->server_id;
	c->state = D4_REQUESTING;
	c->tries = 0;
	c->request_ns = log_now_ns();
	d4_send(c, DHCP4_REQUEST, d4_broadcast());
	d4_arm(c, d4_backoff(c->tries++));
}

static void d4_on_nak(struct engine_dhcp4 *c, const struct dhcp4_msg *m)
{
	c->naks++;
	snprintf(c->last_nak, sizeof(c->last_nak), "%s", m->message);
	log_warn("dhcp4 on %d: NAK (%s): starting over", c->ifindex,
		 m->message[0] ? m->message : "no reason given");
	d4_drop_lease(c);
	/* RFC 2131 3.2 step 3: a NAK to INIT-REBOOT means the kept address is
	 * wrong here: forget it and discover. */
	engine_dhcp4_lease_forget(c);
	c->hint.s_addr = 0;
	d4_start(c, NS);     /* a second's pause so a NAK loop cannot spin */
}

static void d4_on_ack_or_nak(struct engine_dhcp4 *c, const struct dhcp4_msg *m)
{
	if (m->has_server_id && c->state == D4_REQUESTING &&
	    m->server_id.s_addr != c->server.s_addr) {
		d4_drop(c, "reply from another server");
		return;
	}
	if (m->type == DHCP4_NAK) {
		d4_on_nak(c, m);
		return;
	}
	if (m->type != DHCP4_ACK || !m->yiaddr.s_addr) {
		d4_drop(c, "not an ACK or NAK");
		return;
	}
	if (c->state == D4_REQUESTING || c->state == D4_REBOOTING) {
		struct msg_arp probe = { .ifindex = c->ifindex, .addr = m->yiaddr };

		/* RFC 2131 3.1.5 / RFC 5227: check the address is free first. */
		c->reboot_acked = c->state == D4_REBOOTING;
		if (c->reboot_acked && m->has_server_id)
			c->server = m->server_id;   /* who answered: a DECLINE goes there */
		*c->lease = *m;
		c->state = D4_CHECKING;
		engine_send(c->e, MSG_ARP_PROBE, &probe, sizeof(probe));
		d4_arm(c, 3 * NS);
		return;
	}
	c->renewals++;
	d4_bind(c, m);
}

void engine_dhcp4_rx(struct engine *e, struct engine_dhcp4 *c, const uint8_t *data, size_t len)
{
	enum dhcp4_error why = DHCP4_OK;

	if (dhcp4_parse_reply(data, len, c->rx, &why) < 0) {
		d4_drop(c, dhcp4_error_name(why));
		return;
	}
	if (c->rx->xid != c->xid) {
		d4_drop(c, "wrong transaction id");
		return;
	}
	if (memcmp(c->rx->chaddr, c->mac, 6) != 0) {
		d4_drop(c, "not for our hardware address");
		return;
	}
	c->rx_ok++;
	switch (c->state) {
	case D4_SELECTING:
		d4_on_offer(c, c->rx);
		return;
	case D4_REQUESTING:
	case D4_REBOOTING:
	case D4_RENEWING:
	case D4_REBINDING:
		d4_on_ack_or_nak(c, c->rx);
		return;
	default:
		d4_drop(c, "unexpected in this state");
		return;
	}
}

void engine_dhcp4_arp(struct engine *e, struct engine_dhcp4 *c, const struct msg_arp *r)
{
	char hw[18];

	if (c->state != D4_CHECKING || r->addr.s_addr != c->lease->yiaddr.s_addr)
		return;
	if (!r->conflict) {
		d4_bind(c, c->lease);
		return;
	}
	snprintf(hw, sizeof(hw), "%02x:%02x:%02x:%02x:%02x:%02x",
		 r->hw[0], r->hw[1], r->hw[2], r->hw[3], r->hw[4], r->hw[5]);
	log_warn("dhcp4 on %d: offered address is in use by %s: DECLINE", c->ifindex, hw);
	/* A kept address someone else now holds is not suggested again. */
	engine_dhcp4_lease_forget(c);
	c->hint.s_addr = 0;
	c->offered = r->addr;
	c->declines++;
	d4_send(c, DHCP4_DECLINE, d4_broadcast());
	c->state = D4_DECLINED;
	d4_arm(c, 10 * NS);  /* RFC 2131 3.1.5: wait at least ten seconds */
}

struct engine_dhcp4 *engine_dhcp4_new(struct engine *e, int ifindex, const char *ifname,
				      const uint8_t mac[6])
{
	struct engine_dhcp4 *c = calloc(1, sizeof(*c));
	struct msg_dhcp open = { .ifindex = ifindex, .family = AF_INET };
	struct engine_dhcp4_rec rec;
	int kept;

	if (!c)
		return NULL;
	c->e = e;
	c->ifindex = ifindex;
	snprintf(c->ifname, sizeof(c->ifname), "%s", ifname);
	memcpy(c->mac, mac, 6);
	c->lease = calloc(1, sizeof(*c->lease));
	c->rx = calloc(1, sizeof(*c->rx));
	c->timer = evtimer_new(e->base, d4_timer, c);
	if (!c->lease || !c->rx || !c->timer) {
		engine_dhcp4_free(c, false);
		return NULL;
	}
	engine_send(e, MSG_DHCP_OPEN, &open, sizeof(open));
	/* RFC 2131 4.4.1 asks for 1-10 s of random delay; 0-1 s keeps a
	 * reconnecting host quick while still spreading a crowd. */
	d4_start(c, (uint64_t)(rand_u32() % 1000) * 1000000ull);
	kept = engine_dhcp4_lease_restore(c, &rec);
	if (kept >= 0) {
		char a[INET_ADDRSTRLEN];

		c->hint = rec.addr;
		inet_ntop(AF_INET, &rec.addr, a, sizeof(a));
		log_info("dhcp4 on %s: kept lease of %s %s", ifname, a,
			 kept ? "is valid: INIT-REBOOT" : "has expired: suggesting it");
	}
	if (kept > 0) {
		c->offered = rec.addr;
		c->server = rec.server;
		c->state = D4_INIT;
		c->tries = 0;
		/* d4_timer_step: INIT with a kept lease goes to REBOOTING. */
		c->reboot_pending = true;
	}
	return c;
}

/* Stop the client; with release, tell the server (RFC 2131 4.4.6). */
void engine_dhcp4_free(struct engine_dhcp4 *c, bool release)
{
	struct msg_dhcp close_ = { .ifindex = c->ifindex, .family = AF_INET };

	if (release && c->state >= D4_BOUND && c->state <= D4_REBINDING) {
		/* A clean stop gives the address back to the kernel; the lease
		 * itself is kept for the next start's INIT-REBOOT unless
		 * dhcp4_release = yes (RFC 2131 4.4.6: RELEASE is the client's
		 * choice). */
		if (c->e->dhcp4_release) {
			d4_send(c, DHCP4_RELEASE, c->server);
			engine_dhcp4_lease_forget(c);
		}
		d4_address(c, false, 0);
	}
	if (c->timer) {
		c->state = D4_STOPPED;
		c->addr.s_addr = 0;
		engine_dhcp4_attach(c->e, c);
		engine_send(c->e, MSG_DHCP_CLOSE, &close_, sizeof(close_));
		event_free(c->timer);
	}
	free(c->lease);
	free(c->rx);
	free(c);
}

json_t *engine_dhcp4_json(const struct engine_dhcp4 *c, bool timers)
{
	char a[INET_ADDRSTRLEN], s[INET_ADDRSTRLEN];
	uint64_t now = log_now_ns();
	bool bound = c->state >= D4_BOUND && c->state <= D4_REBINDING;
	/* Renewing and rebinding are "bound" in the change digest: a routine
	 * renewal is not a change of the PvD. */
	json_t *o = json_pack("{s:s}", "state", !timers && bound ? "bound" :
			      engine_dhcp4_state_name(c->state));

	if (timers)
		json_object_set_new(o, "init_reboot", json_string(!c->reboots ? "no" :
				    c->reboot_acked ? "acked" : "tried"));

	if (!bound)
		return o;
	inet_ntop(AF_INET, &c->addr, a, sizeof(a));
	inet_ntop(AF_INET, &c->server, s, sizeof(s));
	json_object_set_new(o, "address", json_string(a));
	json_object_set_new(o, "prefix_length", json_integer(c->plen));
	json_object_set_new(o, "server", json_string(s));
	json_object_set_new(o, "lease", c->lease->has_lease && c->lease->lease != DHCP4_INFINITY ?
			    json_integer(c->lease->lease) : json_null());
	if (timers && c->expire_at != PVD_NEVER) {
		json_object_set_new(o, "expires_in", json_integer((json_int_t)((c->expire_at - now) / NS)));
		json_object_set_new(o, "renew_in", json_integer(c->t1_at > now ?
				    (json_int_t)((c->t1_at - now) / NS) : 0));
		json_object_set_new(o, "rebind_in", json_integer(c->t2_at > now ?
				    (json_int_t)((c->t2_at - now) / NS) : 0));
	}
	return o;
}
