/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for dhcp4_parse() and dhcp4_parse_reply(): no crash,
 * no out-of-bounds read, every invariant a consumer relies on holds on
 * success, and building the parsed values again with the builder gives a
 * message that parses to the same values.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto/dhcp4.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dhcp4_msg g_m1, g_m2;
static uint8_t g_rebuilt[16384];

static bool fuzz_terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

static bool fuzz_chars(const char *s, char lo, char hi)
{
	for (; *s; s++)
		if (*s < lo || *s > hi)
			return false;
	return true;
}

/* A name as dname.c produces it: non-empty and encodable again. */
static bool fuzz_name_ok(const char *s, size_t cap)
{
	uint8_t wire[DNAME_MAX_WIRE];
	struct wbuf w;

	if (!fuzz_terminated(s, cap) || s[0] == '\0')
		return false;
	wbuf_init(&w, wire, sizeof(wire));
	return dname_to_wire(s, &w) == 0 && !w.overflow;
}

static bool fuzz_routes_ok(const struct dhcp4_msg *m)
{
	uint32_t mask;

	if (m->n_routes > DHCP4_MAX_ROUTES || (m->n_routes > 0 && !m->has_routes))
		return false;
	for (size_t i = 0; i < m->n_routes; i++) {
		if (m->routes[i].plen > 32)
			return false;
		mask = m->routes[i].plen ? UINT32_MAX << (32 - m->routes[i].plen) : 0;
		if (ntohl(m->routes[i].dst.s_addr) & ~mask)
			return false;
	}
	return true;
}

static bool fuzz_dnssel_ok(const struct dhcp4_msg *m)
{
	if (m->n_dnssel > DHCP4_MAX_DNSSEL)
		return false;
	for (size_t i = 0; i < m->n_dnssel; i++) {
		const struct dhcp4_dnssel *d = &m->dnssel[i];

		if (d->pref < -1 || d->pref > 1 || d->n_domains == 0 ||
		    d->n_domains > DHCP4_MAX_DNSSEL_DOMAINS)
			return false;
		for (size_t j = 0; j < d->n_domains; j++)
			if (strcmp(d->domains[j], ".") != 0 &&
			    !fuzz_name_ok(d->domains[j], sizeof(d->domains[j])))
				return false;
	}
	return true;
}

static bool fuzz_msg_ok(const struct dhcp4_msg *m, bool reply)
{
	bool ok = m->type >= DHCP4_DISCOVER && m->type <= DHCP4_INFORM &&
		  (!reply || (m->op == 2 && (m->type == DHCP4_OFFER ||
					     m->type == DHCP4_ACK || m->type == DHCP4_NAK))) &&
		  m->n_routers <= DHCP4_MAX_ADDRS && m->n_dns <= DHCP4_MAX_ADDRS &&
		  m->n_ntp <= DHCP4_MAX_ADDRS && m->n_search <= DHCP4_MAX_SEARCH &&
		  (!m->has_mtu || m->mtu >= 68) &&
		  (m->has_domain ? fuzz_name_ok(m->domain, sizeof(m->domain)) : m->domain[0] == '\0') &&
		  fuzz_terminated(m->message, sizeof(m->message)) &&
		  fuzz_chars(m->message, 0x20, 0x7e) &&
		  fuzz_terminated(m->captive_portal, sizeof(m->captive_portal)) &&
		  fuzz_chars(m->captive_portal, 0x21, 0x7e) &&
		  m->has_captive_portal == (m->captive_portal[0] != '\0') &&
		  fuzz_routes_ok(m) && fuzz_dnssel_ok(m);

	for (size_t i = 0; ok && i < m->n_search; i++)
		ok = fuzz_name_ok(m->search[i], sizeof(m->search[i]));
	return ok;
}

static void fuzz_build_text(struct dhcp4_builder *b, uint8_t code, const char *s)
{
	dhcp4_build_option(b, code, s, strlen(s));
}

static void fuzz_build_lists(struct dhcp4_builder *b, const struct dhcp4_msg *m)
{
	const char *names[DHCP4_MAX_SEARCH];

	if (m->n_routers)
		dhcp4_build_addrs(b, DHCP4_OPT_ROUTER, m->routers, m->n_routers);
	if (m->n_dns)
		dhcp4_build_addrs(b, DHCP4_OPT_DNS, m->dns, m->n_dns);
	if (m->n_ntp)
		dhcp4_build_addrs(b, DHCP4_OPT_NTP, m->ntp, m->n_ntp);
	for (size_t i = 0; i < m->n_search; i++)
		names[i] = m->search[i];
	if (m->n_search && dhcp4_build_search(b, names, m->n_search) < 0)
		__builtin_trap();
	if (m->has_routes)
		dhcp4_build_routes(b, m->routes, m->n_routes);
	for (size_t i = 0; i < m->n_dnssel; i++)
		if (dhcp4_build_dnssel(b, &m->dnssel[i]) < 0)
			__builtin_trap();
}

/* Everything the parser stored, written back with the builder. */
static int fuzz_rebuild(const struct dhcp4_msg *m)
{
	struct dhcp4_builder b;
	uint8_t mtu[2] = { (uint8_t)(m->mtu >> 8), (uint8_t)m->mtu };

	dhcp4_build_init(&b, g_rebuilt, sizeof(g_rebuilt), m->op, m->xid, m->chaddr,
			 sizeof(m->chaddr));
	dhcp4_build_header(&b, m->secs, m->flags, m->ciaddr, m->yiaddr, m->siaddr);
	dhcp4_build_u8(&b, DHCP4_OPT_TYPE, m->type);
	if (m->has_server_id)
		dhcp4_build_addrs(&b, DHCP4_OPT_SERVER_ID, &m->server_id, 1);
	if (m->has_subnet)
		dhcp4_build_addrs(&b, DHCP4_OPT_SUBNET, &m->subnet, 1);
	if (m->has_lease)
		dhcp4_build_u32(&b, DHCP4_OPT_LEASE, m->lease);
	if (m->has_t1)
		dhcp4_build_u32(&b, DHCP4_OPT_T1, m->t1);
	if (m->has_t2)
		dhcp4_build_u32(&b, DHCP4_OPT_T2, m->t2);
	if (m->has_mtu)
		dhcp4_build_option(&b, DHCP4_OPT_MTU, mtu, sizeof(mtu));
	if (m->has_domain)
		fuzz_build_text(&b, DHCP4_OPT_DOMAIN, m->domain);
	if (m->message[0])
		fuzz_build_text(&b, DHCP4_OPT_MESSAGE, m->message);
	if (m->has_captive_portal)
		fuzz_build_text(&b, DHCP4_OPT_CAPTIVE_PORTAL, m->captive_portal);
	if (m->metered_hint)
		fuzz_build_text(&b, DHCP4_OPT_VENDOR, DHCP4_METERED_HINT);
	fuzz_build_lists(&b, m);
	return dhcp4_build_finish(&b);
}

static bool fuzz_addrs_eq(const struct in_addr *a, const struct in_addr *b, size_t n)
{
	return memcmp(a, b, n * sizeof(*a)) == 0;
}

static bool fuzz_same_scalars(const struct dhcp4_msg *a, const struct dhcp4_msg *b)
{
	return a->op == b->op && a->xid == b->xid && a->secs == b->secs &&
	       a->flags == b->flags && a->ciaddr.s_addr == b->ciaddr.s_addr &&
	       a->yiaddr.s_addr == b->yiaddr.s_addr && a->siaddr.s_addr == b->siaddr.s_addr &&
	       memcmp(a->chaddr, b->chaddr, sizeof(a->chaddr)) == 0 && a->type == b->type &&
	       a->has_server_id == b->has_server_id && a->server_id.s_addr == b->server_id.s_addr &&
	       a->has_subnet == b->has_subnet && a->subnet.s_addr == b->subnet.s_addr &&
	       a->has_lease == b->has_lease && a->lease == b->lease &&
	       a->has_t1 == b->has_t1 && a->t1 == b->t1 && a->has_t2 == b->has_t2 &&
	       a->t2 == b->t2 && a->has_mtu == b->has_mtu && a->mtu == b->mtu &&
	       a->has_domain == b->has_domain && strcmp(a->domain, b->domain) == 0 &&
	       strcmp(a->message, b->message) == 0 &&
	       a->has_captive_portal == b->has_captive_portal &&
	       strcmp(a->captive_portal, b->captive_portal) == 0 &&
	       a->metered_hint == b->metered_hint;
}

static bool fuzz_same_lists(const struct dhcp4_msg *a, const struct dhcp4_msg *b)
{
	bool ok = a->n_routers == b->n_routers && a->n_dns == b->n_dns &&
		  a->n_ntp == b->n_ntp && a->n_search == b->n_search &&
		  a->has_routes == b->has_routes && a->n_routes == b->n_routes &&
		  a->n_dnssel == b->n_dnssel &&
		  fuzz_addrs_eq(a->routers, b->routers, a->n_routers) &&
		  fuzz_addrs_eq(a->dns, b->dns, a->n_dns) &&
		  fuzz_addrs_eq(a->ntp, b->ntp, a->n_ntp);

	for (size_t i = 0; ok && i < a->n_search; i++)
		ok = strcmp(a->search[i], b->search[i]) == 0;
	for (size_t i = 0; ok && i < a->n_routes; i++)
		ok = a->routes[i].plen == b->routes[i].plen &&
		     a->routes[i].dst.s_addr == b->routes[i].dst.s_addr &&
		     a->routes[i].gw.s_addr == b->routes[i].gw.s_addr;
	for (size_t i = 0; ok && i < a->n_dnssel; i++) {
		const struct dhcp4_dnssel *x = &a->dnssel[i], *y = &b->dnssel[i];

		ok = x->pref == y->pref && x->primary.s_addr == y->primary.s_addr &&
		     x->secondary.s_addr == y->secondary.s_addr && x->n_domains == y->n_domains;
		for (size_t j = 0; ok && j < x->n_domains; j++)
			ok = strcmp(x->domains[j], y->domains[j]) == 0;
	}
	return ok;
}

static void fuzz_check(int r, enum dhcp4_error why)
{
	if ((r == 0) != (why == DHCP4_OK) || (unsigned)why >= DHCP4_ERR__MAX ||
	    (r != 0 && r != -EBADMSG))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum dhcp4_error why = DHCP4_ERR__MAX;
	int r, reply, len;

	reply = dhcp4_parse_reply(data, size, &g_m1, &why);
	fuzz_check(reply, why);
	if (reply == 0 && !fuzz_msg_ok(&g_m1, true))
		__builtin_trap();
	r = dhcp4_parse(data, size, &g_m1, &why);
	fuzz_check(r, why);
	/* A good reply is a good message. */
	if (reply == 0 && r != 0)
		__builtin_trap();
	if (r != 0)
		return 0;
	if (!fuzz_msg_ok(&g_m1, false))
		__builtin_trap();
	len = fuzz_rebuild(&g_m1);
	if (len < 300 || dhcp4_parse(g_rebuilt, (size_t)len, &g_m2, &why) != 0 ||
	    g_m2.ignored != 0 || !fuzz_same_scalars(&g_m1, &g_m2) ||
	    !fuzz_same_lists(&g_m1, &g_m2))
		__builtin_trap();
	return 0;
}
