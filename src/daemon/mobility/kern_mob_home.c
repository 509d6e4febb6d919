/* SPDX-License-Identifier: MIT */
/* The home link's native uplink in the parent (kern_mob_home.h). */
#include <errno.h>
#include <linux/if_addr.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "daemon/mobility/kern_mob_home.h"
#include "netlink/netlink.h"
#include "proto/nl.h"

struct kern_mob_home {
	struct in6_addr hoa, prefix;
	uint8_t plen;
	struct in6_addr routes[MOB_MAX_ROUTES];
	uint8_t route_plen[MOB_MAX_ROUTES];
	size_t n_routes;
	struct msg_mob_home now;          /* what the kernel holds */
	uint64_t changes, failed;
};

int kern_mob_home_new(const struct mob_config *c, struct kern_mob_home **ret_h)
{
	struct kern_mob_home *h = calloc(1, sizeof(*h));

	if (!h)
		return -ENOMEM;
	h->hoa = c->hoa;
	h->plen = c->hoa_plen;
	for (unsigned i = 0; i < 16; i++) {
		unsigned bits = i * 8 >= h->plen ? 0 : h->plen - i * 8 >= 8 ? 8 : h->plen - i * 8;

		h->prefix.s6_addr[i] = c->hoa.s6_addr[i] & (uint8_t)(0xff00u >> bits);
	}
	memcpy(h->routes, c->routes, sizeof(h->routes));
	memcpy(h->route_plen, c->route_plen, sizeof(h->route_plen));
	h->n_routes = c->n_routes;
	*ret_h = h;
	return 0;
}

bool kern_mob_home_valid(const struct msg_mob_home *w)
{
	if (!w->active)
		return true;
	return w->ifindex > 0 && memchr(w->ifname, 0, sizeof(w->ifname)) && w->ifname[0] &&
	       w->bid >= 1 && w->bid <= MOB_MAX_PATHS;
}

/* One route on the home interface: the home prefix on-link, or dst
 * through the home link's router with the home address as source. */
static int kmh_route(const struct kern_mob_home *h, bool add, const struct msg_mob_home *w,
		     const struct in6_addr *dst, uint8_t plen, bool via)
{
	uint8_t buf[1024];
	struct nl_route rt = { .family = AF_INET6, .dst_len = plen, .protocol = 4,
			       .table = 254, .oif = w->ifindex,
			       .priority = KERN_MOB_HOME_METRIC };
	struct nlmsghdr *nlh;

	memcpy(rt.dst, dst, 16);
	if (via) {
		memcpy(rt.gateway, w->gw, 16);
		rt.has_gateway = true;
		memcpy(rt.prefsrc, &h->hoa, 16);
		rt.has_prefsrc = true;
	}
	if (!(nlh = nl_build_route(buf, sizeof(buf), add, &rt, 1)))
		return -EINVAL;
	return netlink_request(nlh, 2000);
}

/* The home address on the home interface, /128 (the home prefix's route
 * is kmh_route's). No DAD (RFC 6275 11.5.5): until the agent hears of the
 * home BID it still defends the address by proxy ND, and DAD would find
 * it taken; the agent withdraws its proxy entry when it goes native. */
static int kmh_addr(const struct kern_mob_home *h, bool add, int ifindex)
{
	uint8_t buf[512];
	struct nl_addr a = { .family = AF_INET6, .plen = 128, .flags = IFA_F_NODAD,
			     .ifindex = ifindex, .valid = NL_LIFETIME_INFINITY,
			     .preferred = NL_LIFETIME_INFINITY };
	struct nlmsghdr *nlh;
	int r;

	memcpy(a.addr, &h->hoa, 16);
	if (!(nlh = nl_build_addr(buf, sizeof(buf), add, &a, 1)))
		return -EINVAL;
	r = netlink_request(nlh, 2000);
	return r == -EEXIST && add ? 0 : r;
}

/* Away: what the kernel lost with the link already is not an error. */
static void kmh_leave(struct kern_mob_home *h)
{
	const struct msg_mob_home *w = &h->now;
	int r;

	for (size_t i = 0; i < h->n_routes; i++)
		if ((r = kmh_route(h, false, w, &h->routes[i], h->route_plen[i], true)) < 0 &&
		    r != -ESRCH && r != -ENOENT && r != -ENODEV)
			log_warn("mobility: home link %s: route off: %s", w->ifname, strerror(-r));
	r = kmh_route(h, false, w, &h->prefix, h->plen, false);
	if (r < 0 && r != -ESRCH && r != -ENOENT && r != -ENODEV)
		log_warn("mobility: home link %s: home prefix off: %s", w->ifname, strerror(-r));
	r = kmh_addr(h, false, w->ifindex);
	if (r < 0 && r != -EADDRNOTAVAIL && r != -ENODEV)
		log_warn("mobility: home link %s: home address off: %s", w->ifname, strerror(-r));
	log_info("mobility: away from the home link %s: the uplink goes through the tunnel",
		 w->ifname);
	memset(&h->now, 0, sizeof(h->now));
}

/* Home on w's interface: the address first (answers to Neighbor
 * Solicitations, a source to bind to), then the routes. */
static int kmh_enter(struct kern_mob_home *h, const struct msg_mob_home *w)
{
	int r = kmh_addr(h, true, w->ifindex);

	h->now = *w;    /* what there is to undo, whatever fails below */
	if (r == 0)
		r = kmh_route(h, true, w, &h->prefix, h->plen, false);
	for (size_t i = 0; r == 0 && i < h->n_routes; i++)
		r = kmh_route(h, true, w, &h->routes[i], h->route_plen[i], true);
	if (r < 0)
		return r;
	log_info("mobility: at home on %s (BID %u): the home address and %zu route%s native "
		 "there, not through the tunnel", w->ifname, w->bid, h->n_routes,
		 h->n_routes == 1 ? "" : "s");
	return 0;
}

void kern_mob_home_sync(struct kern_mob_home *h, const struct msg_mob_home *w)
{
	int r;

	if (!h || (h->now.active == w->active && (!w->active ||
	    (h->now.ifindex == w->ifindex && !memcmp(h->now.gw, w->gw, 16)))))
		return;
	if (h->now.active)
		kmh_leave(h);
	if (!w->active)
		return;
	h->changes++;
	if ((r = kmh_enter(h, w)) < 0) {
		h->failed++;
		log_warn("mobility: home link %s: %s; the uplink stays in the tunnel", w->ifname,
			 strerror(-r));
		kmh_leave(h);
	}
}

void kern_mob_home_free(struct kern_mob_home *h)
{
	if (!h)
		return;
	if (h->now.active)
		kmh_leave(h);
	free(h);
}
