/* SPDX-License-Identifier: MIT */
/* Which care-of address binds to which home address (mob_hoa.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "daemon/mobility/mob_hoa.h"

/* Whether h names home address j in its via list. */
static bool mob_hoa_names(const struct mob_hoa *h, const struct mob_hoa *j)
{
	for (size_t v = 0; v < h->n_via; v++)
		if (!strcmp(h->via[v], j->name))
			return true;
	return false;
}

/* Depth-first search for a cycle from i; path holds the walk so far. */
static bool mob_hoa_dfs(const struct mob_hoa *h, size_t nh, size_t i, int *state,
			size_t *path, size_t depth, size_t *ret_len)
{
	path[depth] = i;
	if (state[i] == 1) {
		*ret_len = depth + 1;
		return true;
	}
	if (state[i] == 2)
		return false;
	state[i] = 1;
	for (size_t j = 0; j < nh; j++)
		if (mob_hoa_names(&h[i], &h[j]) &&
		    mob_hoa_dfs(h, nh, j, state, path, depth + 1, ret_len))
			return true;
	state[i] = 2;
	return false;
}

int mob_hoa_check_loops(const struct mob_hoa *h, size_t nh, char *err, size_t errlen)
{
	int state[MOB_HOA_MAX] = { 0 };
	size_t path[MOB_HOA_MAX + 1], len = 0;

	if (nh > MOB_HOA_MAX)
		return -EINVAL;
	for (size_t i = 0; i < nh; i++) {
		size_t at = 0, off;

		if (!mob_hoa_dfs(h, nh, i, state, path, 0, &len))
			continue;
		/* The walk ends where the cycle closes: print from there. */
		while (path[at] != path[len - 1])
			at++;
		off = (size_t)snprintf(err, errlen, "loop: ");
		for (size_t k = at; k < len && off < errlen; k++)
			off += (size_t)snprintf(err + off, errlen - off, "%s%s", k > at ? " -> " : "",
						h[path[k]].name);
		return -ELOOP;
	}
	return 0;
}

static bool mob_hoa_in_prefix(const struct mob_hoa *h, const struct mob_coa *c)
{
	size_t full = h->plen / 8u, rem = h->plen % 8u;

	if (c->family != 6 || h->plen > 128 || memcmp(h->addr, c->addr, full))
		return false;
	return !rem || ((h->addr[full] ^ c->addr[full]) & (0xff00u >> rem) & 0xffu) == 0;
}

/* An empty via list allows every interface; any other is the whole list
 * (one naming only home addresses allows no interface: nested only). */
static bool mob_hoa_via_if(const struct mob_hoa *h, const char *ifname)
{
	for (size_t v = 0; v < h->n_via; v++)
		if (!strcmp(h->via[v], ifname))
			return true;
	return h->n_via == 0;
}

/* Rules 1, 2, 4, 5 and 6 of mob_hoa.h for a candidate. */
static void mob_hoa_judge(const struct mob_hoa *h, const struct mob_coa *c, struct mob_pair *p)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(c->family == 4 ? AF_INET : AF_INET6, c->addr, a, sizeof(a));
	if (c->home && c->family == 6 && !memcmp(c->addr, h->addr, 16) && c->on_if) {
		p->verdict = MOB_PAIR_BOUND;
		snprintf(p->why, sizeof(p->why), "at home on %s: %s native there, registered "
			 "with the H flag (RFC 5648 5.6); BID-PRI %u", c->ifname, a, c->pri);
	} else if (c->family == 6 && !memcmp(c->addr, h->addr, 16)) {
		p->verdict = MOB_PAIR_REFUSED;
		snprintf(p->why, sizeof(p->why), "%s is the home address itself", a);
	} else if (mob_hoa_in_prefix(h, c)) {
		p->verdict = MOB_PAIR_AT_HOME;
		snprintf(p->why, sizeof(p->why), "at home on %s (%s is in the home prefix): "
			 "carried natively there, no binding", c->ifname, a);
	} else if (!c->on_if) {
		p->verdict = MOB_PAIR_REFUSED;
		snprintf(p->why, sizeof(p->why), "not ingress-safe: %s is not an address of %s, "
			 "whose routers drop foreign sources (BCP 38)", a, c->ifname);
	} else if (!mob_hoa_via_if(h, c->ifname)) {
		p->verdict = MOB_PAIR_REFUSED;
		snprintf(p->why, sizeof(p->why), "%s is not in this home address's via list",
			 c->ifname);
	} else {
		p->verdict = MOB_PAIR_BOUND;
		snprintf(p->why, sizeof(p->why), "ingress-safe: source %s leaves through %s, "
			 "the network that gave it; BID-PRI %u", a, c->ifname, c->pri);
	}
}

/* Rule 3 for home address i over home address j (named in i's via). */
static void mob_hoa_judge_nested(const struct mob_hoa *h, size_t nh, size_t i, size_t j,
				 struct mob_pair *p)
{
	bool deeper = false;

	for (size_t k = 0; k < nh; k++)
		deeper = deeper || (k != j && mob_hoa_names(&h[j], &h[k]));
	if (i == j) {
		p->verdict = MOB_PAIR_REFUSED;
		snprintf(p->why, sizeof(p->why), "a home address cannot be its own care-of address");
	} else if (deeper) {
		p->verdict = MOB_PAIR_REFUSED;
		snprintf(p->why, sizeof(p->why), "%s is itself bound to a home address: nesting "
			 "deeper than 2 is refused", h[j].name);
	} else {
		p->verdict = MOB_PAIR_NESTED;
		snprintf(p->why, sizeof(p->why), "nested: %s as care-of address, carried in %s's "
			 "tunnel (analysis 6.3.1)", h[j].name, h[j].name);
	}
}

int mob_hoa_plan(const struct mob_hoa *h, size_t nh, const struct mob_coa *c, size_t nc,
		 struct mob_pair *out, size_t cap, size_t *ret_n, char *err, size_t errlen)
{
	size_t n = 0;
	int r;

	if (nh > MOB_HOA_MAX || nc > MOB_HOA_COA_MAX)
		return -EINVAL;
	r = mob_hoa_check_loops(h, nh, err, errlen);
	if (r < 0)
		return r;
	for (size_t i = 0; i < nh; i++) {
		for (size_t k = 0; k < nc; k++) {
			if (n == cap)
				return -ENOSPC;
			out[n] = (struct mob_pair){ .hoa = i, .coa = k };
			mob_hoa_judge(&h[i], &c[k], &out[n++]);
		}
		for (size_t j = 0; j < nh; j++) {
			if (!mob_hoa_names(&h[i], &h[j]))
				continue;
			if (n == cap)
				return -ENOSPC;
			out[n] = (struct mob_pair){ .hoa = i, .coa = MOB_HOA_COA_MAX + j };
			mob_hoa_judge_nested(h, nh, i, j, &out[n++]);
		}
	}
	*ret_n = n;
	return 0;
}

const char *mob_hoa_carrier(const struct mob_pair *p, size_t n, size_t i,
			    const struct mob_coa *c)
{
	for (size_t k = 0; k < n; k++)
		if (p[k].hoa == i && p[k].verdict == MOB_PAIR_AT_HOME && p[k].coa < MOB_HOA_COA_MAX)
			return c[p[k].coa].ifname;
	return NULL;
}
