/* SPDX-License-Identifier: MIT */
#include "daemon/engine/view.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int view_init(struct view *v)
{
	memset(v, 0, sizeof(*v));
	v->routes = calloc(VIEW_MAX_ROUTES, sizeof(*v->routes));
	v->rules = calloc(VIEW_MAX_RULES, sizeof(*v->rules));
	return v->routes && v->rules ? 0 : -ENOMEM;
}

void view_free(struct view *v)
{
	free(v->routes);
	free(v->rules);
	v->routes = NULL;
	v->rules = NULL;
}

static struct view_link *view_link_mut(struct view *v, int ifindex)
{
	for (size_t i = 0; i < v->n_links; i++)
		if (v->links[i].link.ifindex == ifindex)
			return &v->links[i];
	return NULL;
}

const struct view_link *view_link(const struct view *v, int ifindex)
{
	return view_link_mut((struct view *)(uintptr_t)v, ifindex);
}

const char *view_ifname(const struct view *v, int ifindex, char *buf, size_t len)
{
	const struct view_link *l = view_link(v, ifindex);

	if (l && l->link.name[0])
		return l->link.name;
	snprintf(buf, len, "if%d", ifindex);
	return buf;
}

/* Field by field: a memcmp of the structures read their padding, which
 * nothing initialises (valgrind, issue 17). */
static bool view_link_same(const struct view_link *a, const struct view_link *b)
{
	const struct nl_link *x = &a->link, *y = &b->link;

	return x->ifindex == y->ifindex && strncmp(x->name, y->name, sizeof(x->name)) == 0 &&
	       x->flags == y->flags && x->operstate == y->operstate && x->type == y->type &&
	       x->mtu == y->mtu && x->hwlen == y->hwlen &&
	       memcmp(x->hwaddr, y->hwaddr, sizeof(x->hwaddr)) == 0 &&
	       a->managed == b->managed && a->up == b->up;
}

int view_link_set(struct view *v, const struct msg_link *m)
{
	struct view_link *l = view_link_mut(v, m->link.ifindex);
	struct view_link n;

	memset(&n, 0, sizeof(n));
	n.link = m->link;
	n.managed = m->managed != 0;
	n.up = (m->link.flags & IFF_UP) && (m->link.flags & IFF_RUNNING);
	if (!l) {
		if (v->n_links == VIEW_MAX_LINKS)
			return -ENOSPC;
		l = &v->links[v->n_links++];
	} else if (view_link_same(l, &n)) {
		return 0;
	}
	*l = n;
	return 1;
}

int view_link_del(struct view *v, int ifindex)
{
	struct view_link *l = view_link_mut(v, ifindex);

	if (!l)
		return 0;
	*l = v->links[--v->n_links];
	/* Addresses and routes of a deleted link go with it. */
	for (size_t i = 0; i < v->n_addrs;)
		if (v->addrs[i].ifindex == ifindex)
			v->addrs[i] = v->addrs[--v->n_addrs];
		else
			i++;
	for (size_t i = 0; i < v->n_routes;)
		if (v->routes[i].oif == ifindex)
			v->routes[i] = v->routes[--v->n_routes];
		else
			i++;
	return 1;
}

static bool view_addr_same(const struct nl_addr *a, const struct nl_addr *b)
{
	return a->ifindex == b->ifindex && a->family == b->family &&
	       a->plen == b->plen && memcmp(a->addr, b->addr, sizeof(a->addr)) == 0;
}

int view_addr_set(struct view *v, const struct nl_addr *a)
{
	for (size_t i = 0; i < v->n_addrs; i++) {
		if (view_addr_same(&v->addrs[i], a)) {
			/* Lifetimes tick down: only flags count as a change. */
			bool changed = v->addrs[i].flags != a->flags;

			v->addrs[i] = *a;
			return changed;
		}
	}
	if (v->n_addrs == VIEW_MAX_ADDRS)
		return -ENOSPC;
	v->addrs[v->n_addrs++] = *a;
	return 1;
}

int view_addr_del(struct view *v, const struct nl_addr *a)
{
	for (size_t i = 0; i < v->n_addrs; i++) {
		if (view_addr_same(&v->addrs[i], a)) {
			v->addrs[i] = v->addrs[--v->n_addrs];
			return 1;
		}
	}
	return 0;
}

static bool view_route_same(const struct nl_route *a, const struct nl_route *b)
{
	return a->family == b->family && a->table == b->table &&
	       a->dst_len == b->dst_len && a->src_len == b->src_len &&
	       a->priority == b->priority && a->oif == b->oif &&
	       memcmp(a->dst, b->dst, sizeof(a->dst)) == 0 &&
	       memcmp(a->src, b->src, sizeof(a->src)) == 0 &&
	       memcmp(a->gateway, b->gateway, sizeof(a->gateway)) == 0;
}

int view_route_set(struct view *v, const struct nl_route *r)
{
	for (size_t i = 0; i < v->n_routes; i++) {
		if (view_route_same(&v->routes[i], r)) {
			v->routes[i] = *r;
			return 0;
		}
	}
	if (v->n_routes == VIEW_MAX_ROUTES)
		return -ENOSPC;
	v->routes[v->n_routes++] = *r;
	return 1;
}

int view_route_del(struct view *v, const struct nl_route *r)
{
	for (size_t i = 0; i < v->n_routes; i++) {
		if (view_route_same(&v->routes[i], r)) {
			v->routes[i] = v->routes[--v->n_routes];
			return 1;
		}
	}
	return 0;
}

static bool view_rule_same(const struct nl_rule *a, const struct nl_rule *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

int view_rule_set(struct view *v, const struct nl_rule *r)
{
	for (size_t i = 0; i < v->n_rules; i++)
		if (view_rule_same(&v->rules[i], r))
			return 0;
	if (v->n_rules == VIEW_MAX_RULES)
		return -ENOSPC;
	v->rules[v->n_rules++] = *r;
	return 1;
}

int view_rule_del(struct view *v, const struct nl_rule *r)
{
	for (size_t i = 0; i < v->n_rules; i++) {
		if (view_rule_same(&v->rules[i], r)) {
			v->rules[i] = v->rules[--v->n_rules];
			return 1;
		}
	}
	return 0;
}
