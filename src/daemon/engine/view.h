/* SPDX-License-Identifier: MIT */
/*
 * The engine's mirror of the kernel's links, addresses and routes, kept in
 * step by MSG_LINK/MSG_ADDR/MSG_ROUTE messages from the kernel side (which
 * reads rtnetlink). Small linear lists: a host has tens of links and
 * addresses; the route list is capped and used for counts and lookups.
 */
#ifndef MIF_DAEMON_VIEW_H
#define MIF_DAEMON_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "daemon/core/msg.h"

#define VIEW_MAX_LINKS 256
#define VIEW_MAX_ADDRS 1024
#define VIEW_MAX_ROUTES 4096
#define VIEW_MAX_RULES 1024

struct view_link {
	struct nl_link link;
	bool managed;
	bool up;                 /* IFF_UP and carrier (IFF_RUNNING) */
};

struct view {
	size_t n_links, n_addrs, n_routes;
	struct view_link links[VIEW_MAX_LINKS];
	struct nl_addr addrs[VIEW_MAX_ADDRS];
	struct nl_route *routes; /* VIEW_MAX_ROUTES, heap */
	struct nl_rule *rules;   /* VIEW_MAX_RULES, heap */
	size_t n_rules;
	bool synced;             /* initial dump complete */
};

int view_init(struct view *v);
void view_free(struct view *v);

/* Each returns 1 if the view changed, 0 if not, -ENOSPC if full. */
int view_link_set(struct view *v, const struct msg_link *m);
int view_link_del(struct view *v, int ifindex);
int view_addr_set(struct view *v, const struct nl_addr *a);
int view_addr_del(struct view *v, const struct nl_addr *a);
int view_route_set(struct view *v, const struct nl_route *r);
int view_route_del(struct view *v, const struct nl_route *r);
int view_rule_set(struct view *v, const struct nl_rule *r);
int view_rule_del(struct view *v, const struct nl_rule *r);

const struct view_link *view_link(const struct view *v, int ifindex);
/* Interface name for ifindex, or "if<N>" written into buf. */
const char *view_ifname(const struct view *v, int ifindex, char *buf, size_t len);

#endif
