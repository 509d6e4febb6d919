/* SPDX-License-Identifier: MIT */
/* The home link: native delivery or interception per mobile node (ha_home.h). */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "ha/ha_home.h"
#include "netlink/netlink.h"

enum { HA_HOME_NATIVE = 0, HA_HOME_AWAY = 1 };

/* A refused change is tried every tick: say so a few times a second. */
static struct log_ratelimit ha_home_rl = LOG_RATELIMIT_INIT(5, 1);

/* Add or remove the proxy entry for addr on ifindex (ip -6 neigh add proxy),
 * or with proxy false remove the neighbor entry, and wait for the kernel's
 * acknowledgement. */
static int ha_home_neigh(bool add, bool proxy, const struct in6_addr *addr, int ifindex)
{
	uint8_t buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ndmsg *nd;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = add ? RTM_NEWNEIGH : RTM_DELNEIGH;
	nlh->nlmsg_flags = add ? NLM_F_CREATE | NLM_F_REPLACE : 0;
	nlh->nlmsg_seq = (uint32_t)time(NULL);
	nd = mnl_nlmsg_put_extra_header(nlh, sizeof(*nd));
	nd->ndm_family = AF_INET6;
	nd->ndm_ifindex = ifindex;
	nd->ndm_state = NUD_PERMANENT;
	nd->ndm_flags = proxy ? NTF_PROXY : 0;
	mnl_attr_put(nlh, NDA_DST, 16, addr->s6_addr);
	return netlink_request(nlh, 2000);
}

int ha_home_open(struct ha_ctx *h)
{
	const char *l = h->cfg->home_link;
	int r;

	h->home_ifindex = (int)if_nametoindex(l);
	if (h->home_ifindex <= 0)
		return -ENODEV;
	h->home_state = calloc(h->cfg->n_mns ? h->cfg->n_mns : 1, 1);
	if (!h->home_state)
		return -ENOMEM;
	/* RFC 6275 10.4.1: the agent answers for home addresses it serves. */
	r = sysctl_set_link("ipv6", l, "proxy_ndp", "1");
	if (r == 0)
		r = sysctl_set_link("ipv6", l, "forwarding", "1");
	return r;
}

/* Whether mn's downlink is a foreign BID (the node is away). */
static bool ha_home_away(const struct ha_mn *mn)
{
	return mn->active >= 0 && !mn->paths[mn->active].home;
}

/* Both kernel changes of one state, in the order that never leaves the
 * home link without an answer for the address: away adds the route then
 * the proxy entry, native removes the proxy entry then the route. */
static int ha_home_apply(struct ha_ctx *h, const struct ha_mn *mn, bool away)
{
	int tun = (int)if_nametoindex(h->cfg->tun), r;

	if (tun <= 0)
		return -ENODEV;
	if (away) {
		r = netlink_route_dev(true, AF_INET6, mn->hoa.s6_addr, 128, tun, 254);
		if (r == -EEXIST)
			r = 0;
		return r < 0 ? r : ha_home_neigh(true, true, &mn->hoa, h->home_ifindex);
	}
	r = ha_home_neigh(false, true, &mn->hoa, h->home_ifindex);
	if (r < 0 && r != -ENOENT)
		return r;
	/* Back home, perhaps through another interface (analysis 6.3.3):
	 * forget the link-layer address the node had, ask again. */
	r = ha_home_neigh(false, false, &mn->hoa, h->home_ifindex);
	if (r < 0 && r != -ENOENT)
		return r;
	r = netlink_route_dev(false, AF_INET6, mn->hoa.s6_addr, 128, tun, 254);
	return r == -ESRCH || r == -ENOENT ? 0 : r;
}

void ha_home_sync(struct ha_ctx *h, struct ha_mn *mn)
{
	size_t i = (size_t)(mn - h->cfg->mns);
	bool away = ha_home_away(mn);
	int r;

	if (!h->home_state || (h->home_state[i] == HA_HOME_AWAY) == away)
		return;
	r = ha_home_apply(h, mn, away);
	if (r < 0) {
		if (log_ratelimit_ok(&ha_home_rl, NULL))
			log_warn("mn %s: home link %s: %s (again next tick)", mn->name,
				 away ? "intercept" : "native", strerror(-r));
		return;
	}
	h->home_state[i] = away ? HA_HOME_AWAY : HA_HOME_NATIVE;
	h->n.home_changes++;
	log_info("mn %s: %s", mn->name, away ? "away: tunnel, proxy ND on the home link" :
		 "native on the home link (no proxy ND)");
}

void ha_home_close(struct ha_ctx *h)
{
	if (!h->home_state)
		return;
	for (size_t i = 0; i < h->cfg->n_mns; i++)
		if (h->home_state[i] == HA_HOME_AWAY)
			(void)ha_home_apply(h, &h->cfg->mns[i], false);
	free(h->home_state);
	h->home_state = NULL;
}
