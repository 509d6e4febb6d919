/* SPDX-License-Identifier: MIT */
/* The home link's native uplink in the parent (kern_mob_home.h). */
#include <errno.h>
#include <linux/if_addr.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/ipc.h"
#include "common/log.h"
#include "daemon/mobility/kern_mob_home.h"
#include "netlink/netlink.h"
#include "proto/nd_na.h"
#include "proto/nl.h"

struct kern_mob_home {
	struct in6_addr hoa, prefix;
	uint8_t plen;
	struct in6_addr routes[MOB_MAX_ROUTES];
	uint8_t route_plen[MOB_MAX_ROUTES];
	size_t n_routes;
	struct msg_mob_home want;         /* the engine's last word */
	uint16_t dp_bid;                  /* the data plane's: its uplink's home BID */
	struct msg_mob_home addr;         /* the home address is on addr.ifindex */
	struct msg_mob_home routed;       /* the routes are through routed.gw */
	struct event *ev;
	bool rule;                        /* kmh_rule() is in the kernel */
	uint64_t changes, failed, bad;
};

/* from HOA lookup main suppress_prefixlength 0, before mifd's rules: the
 * home address's packets to the routes = prefixes follow the main table
 * (the native routes at home, the TUN device's otherwise) even while the
 * home link's PvD exists and its source rules (from the home prefix, from
 * the home address now on its interface) would send them there: a home
 * link that is up but whose heartbeats fail must not keep the uplink. */
static int kmh_rule(const struct kern_mob_home *h, bool add)
{
	uint8_t buf[512];
	struct nl_rule r = { .family = AF_INET6, .priority = KERN_MOB_HOME_RULE_PRIO,
			     .table = 254, .protocol = 4, .src_len = 128,
			     .has_suppress_prefixlen = true, .suppress_prefixlen = 0 };
	struct nlmsghdr *nlh;
	int e;

	memcpy(r.src, &h->hoa, 16);
	if (!(nlh = nl_build_rule(buf, sizeof(buf), add, &r, 1)))
		return -EINVAL;
	e = netlink_request(nlh, 2000);
	return add && e == -EEXIST ? 0 : e;
}

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
	if (h->plen < 128) {            /* a home link can exist */
		int r = kmh_rule(h, true);

		if (r < 0) {
			free(h);
			return r;
		}
		h->rule = true;
	}
	*ret_h = h;
	return 0;
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

/* RFC 6275 11.5.5: multicast an unsolicited Neighbor Advertisement for
 * the home address, Override set, from the home address, with the
 * interface's link-layer address: the agent (whose entry may still name
 * another interface of the node, analysis 6.3.3, or its own proxy) and the
 * home link's hosts take it at once. Linux sends none for an address
 * added without DAD. Best effort: a lost one leaves neighbour
 * unreachability detection to find the address again. */
static int kmh_na(const struct kern_mob_home *h, const struct msg_mob_home *w)
{
	struct sockaddr_in6 src = { .sin6_family = AF_INET6, .sin6_addr = h->hoa };
	struct sockaddr_in6 dst = { .sin6_family = AF_INET6,
				    .sin6_scope_id = (uint32_t)w->ifindex };
	uint8_t na[ND_NA_MAX];
	struct ifreq ifr;
	size_t len;
	int fd, hops = 255, r = 0;

	dst.sin6_addr.s6_addr[0] = 0xff;        /* ff02::1, all nodes */
	dst.sin6_addr.s6_addr[1] = 0x02;
	dst.sin6_addr.s6_addr[15] = 1;
	fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", w->ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &w->ifindex, sizeof(w->ifindex)) < 0 ||
	    bind(fd, (struct sockaddr *)&src, sizeof(src)) < 0)
		r = -errno;
	else if ((r = nd_na_build(h->hoa.s6_addr, ND_NA_OVERRIDE,
				  (const uint8_t *)ifr.ifr_hwaddr.sa_data, 6, na, sizeof(na),
				  &len)) == 0 &&
		 sendto(fd, na, len, 0, (struct sockaddr *)&dst, sizeof(dst)) < 0)
		r = -errno;
	close(fd);
	return r;
}

/* What the kernel lost with the link already is not an error. */
static bool kmh_gone(int r)
{
	return r == 0 || r == -ESRCH || r == -ENOENT || r == -ENODEV || r == -EADDRNOTAVAIL;
}

static void kmh_routes_off(struct kern_mob_home *h)
{
	const struct msg_mob_home *w = &h->routed;
	int r;

	for (size_t i = 0; i < h->n_routes; i++)
		if (!kmh_gone(r = kmh_route(h, false, w, &h->routes[i], h->route_plen[i], true)))
			log_warn("mobility: home link %s: route off: %s", w->ifname, strerror(-r));
	if (!kmh_gone(r = kmh_route(h, false, w, &h->prefix, h->plen, false)))
		log_warn("mobility: home link %s: home prefix off: %s", w->ifname, strerror(-r));
	log_info("mobility: uplink off the home link %s: through the tunnel", w->ifname);
	memset(&h->routed, 0, sizeof(h->routed));
}

static int kmh_routes_on(struct kern_mob_home *h)
{
	int r;

	h->routed = h->want;    /* what there is to undo, whatever fails below */
	r = kmh_route(h, true, &h->routed, &h->prefix, h->plen, false);
	for (size_t i = 0; r == 0 && i < h->n_routes; i++)
		r = kmh_route(h, true, &h->routed, &h->routes[i], h->route_plen[i], true);
	if (r < 0)
		return r;
	log_info("mobility: uplink native on the home link %s (BID %u): %zu route%s there, "
		 "not through the tunnel", h->routed.ifname, h->routed.bid, h->n_routes,
		 h->n_routes == 1 ? "" : "s");
	return 0;
}

static void kmh_addr_off(struct kern_mob_home *h)
{
	int r = kmh_addr(h, false, h->addr.ifindex);

	if (!kmh_gone(r))
		log_warn("mobility: home link %s: home address off: %s", h->addr.ifname,
			 strerror(-r));
	memset(&h->addr, 0, sizeof(h->addr));
}

static bool kmh_same(const struct msg_mob_home *a, const struct msg_mob_home *b)
{
	return a->active && b->active && a->ifindex == b->ifindex && !memcmp(a->gw, b->gw, 16);
}

/* The home address depends on the interface only: a new router on the
 * same home link changes the routes, not the address. */
static bool kmh_same_link(const struct msg_mob_home *a, const struct msg_mob_home *b)
{
	return a->active && b->active && a->ifindex == b->ifindex;
}

/* Bring the kernel to what both inputs ask. */
static void kmh_apply(struct kern_mob_home *h)
{
	const struct msg_mob_home *w = &h->want;
	bool native = w->active && h->dp_bid && h->dp_bid == w->bid;
	int r;

	if (h->routed.active && (!native || !kmh_same(&h->routed, w)))
		kmh_routes_off(h);
	if (h->addr.active && !kmh_same_link(&h->addr, w))
		kmh_addr_off(h);
	if (w->active && !h->addr.active) {
		h->changes++;
		if ((r = kmh_addr(h, true, w->ifindex)) < 0) {
			h->failed++;
			log_warn("mobility: home link %s: home address on: %s", w->ifname,
				 strerror(-r));
			return;
		}
		h->addr = *w;
		if ((r = kmh_na(h, w)) < 0)
			log_warn("mobility: home link %s: no Neighbor Advertisement: %s",
				 w->ifname, strerror(-r));
		log_info("mobility: home link %s (BID %u): the home address on it too",
			 w->ifname, w->bid);
	}
	if (native && !h->routed.active) {
		h->changes++;
		if ((r = kmh_routes_on(h)) < 0) {
			h->failed++;
			log_warn("mobility: home link %s: %s; the uplink stays in the tunnel",
				 w->ifname, strerror(-r));
			kmh_routes_off(h);
		} else if ((r = kmh_na(h, w)) < 0) {
			log_warn("mobility: home link %s: no Neighbor Advertisement: %s",
				 w->ifname, strerror(-r));
		}
	}
}

void kern_mob_home_sync(struct kern_mob_home *h, const struct msg_mob_home *w)
{
	if (!h)
		return;
	/* The data plane's word was about the old home path: the uplink
	 * goes native on a new one only once its heartbeats say so. */
	if (w->ifindex != h->want.ifindex || w->bid != h->want.bid)
		h->dp_bid = 0;
	h->want = *w;
	kmh_apply(h);
}

bool kern_mob_home_native(const struct kern_mob_home *h)
{
	return h && h->routed.active;
}

static void kmh_net_cb(evutil_socket_t fd, short what, void *arg)
{
	struct kern_mob_home *h = arg;
	static struct ipc_msg msg;       /* 64 KiB: off the stack */
	struct mob_wire_uplink u;
	uint16_t bid = h->dp_bid;

	(void)what;
	/* Only the last word of a burst counts: the kernel is brought to it
	 * once (each change costs netlink requests and a Neighbor
	 * Advertisement; the sender is the less privileged process). */
	for (int n = 0; n < 64; n++) {
		int r = ipc_recv((int)fd, &msg);

		if (r == -EAGAIN)
			break;
		if (r == 0 || (r < 0 && r != -EBADMSG)) {
			event_del(h->ev);       /* the process is gone */
			break;
		}
		memset(&u, 0, sizeof(u));
		if (r > 0 && ipc_expect(&msg, sizeof(u)) == 0)
			memcpy(&u, msg.data, sizeof(u));
		if (r < 0 || msg.hdr.type != MOB_WIRE_UPLINK || msg.fd >= 0 ||
		    ipc_expect(&msg, sizeof(u)) < 0 || !mob_msg_uplink_ok(&u)) {
			if (msg.fd >= 0)
				close(msg.fd);
			if (h->bad++ < 10)
				log_warn("mobility: a malformed message from the network-facing process");
			continue;
		}
		bid = u.home_bid;
	}
	if (bid != h->dp_bid) {
		h->dp_bid = bid;
		kmh_apply(h);
	}
}

void kern_mob_home_watch(struct kern_mob_home *h, struct event_base *base, int fd)
{
	if (!h)
		return;
	if (h->ev)
		event_free(h->ev);
	h->ev = NULL;
	/* A new network-facing process has no uplink yet. */
	h->dp_bid = 0;
	kmh_apply(h);
	if (fd < 0 || !base)
		return;
	h->ev = event_new(base, fd, EV_READ | EV_PERSIST, kmh_net_cb, h);
	if (!h->ev || event_add(h->ev, NULL) < 0)
		log_warn("mobility: cannot watch the network-facing process's uplink: the "
			 "uplink stays in the tunnel");
}

void kern_mob_home_free(struct kern_mob_home *h)
{
	if (!h)
		return;
	if (h->ev)
		event_free(h->ev);
	if (h->routed.active)
		kmh_routes_off(h);
	if (h->addr.active)
		kmh_addr_off(h);
	if (h->rule)
		(void)kmh_rule(h, false);
	free(h);
}
