/* SPDX-License-Identifier: MIT */
/* Loops of home addresses used as care-of addresses (ha_nest.h). */
#include <netinet/in.h>
#include <string.h>

#include "ha/ha_nest.h"

#define HA_NEST_DEPTH 4

/* The home address index (ha_index.h), as the data plane uses: a scan of
 * every mobile node here would cost each Binding Update O(n), 100,000
 * comparisons per BID at the scale of issue 16 item 4. */
static const struct ha_mn *ha_nest_mn(const struct ha_config *c, const uint8_t *a)
{
	return ha_index_find(&c->index, c->mns, a);
}

/* The IPv6 care-of address of a binding: its CoA field, or for a BID
 * registered without one (family 0) the outer source the path uses;
 * NULL for IPv4 (a home address here is IPv6). */
static const uint8_t *ha_nest_addr(uint8_t family, const uint8_t *coa,
				   const struct sockaddr_in6 *src)
{
	if (family == 6)
		return coa;
	if (family == 0 && src && src->sin6_family == AF_INET6 &&
	    !IN6_IS_ADDR_V4MAPPED(&src->sin6_addr))
		return src->sin6_addr.s6_addr;
	return NULL;
}

/* Whether care-of address a is target or, being a home address here,
 * reaches it through its bindings. */
static bool ha_nest_reaches(const struct ha_config *c, const uint8_t *a, const uint8_t *target,
			    unsigned depth)
{
	const struct ha_mn *m;

	if (!memcmp(a, target, 16))
		return true;
	if (!depth || !(m = ha_nest_mn(c, a)))
		return false;
	for (size_t i = 0; i < m->n_paths; i++) {
		const struct ha_path *p = &m->paths[i];
		const uint8_t *next = ha_nest_addr(p->coa_family, p->coa, &p->peer);

		if (next && !p->home && ha_nest_reaches(c, next, target, depth - 1))
			return true;
	}
	return false;
}

/* A BID with the H flag naming the home address itself is the node at
 * home (RFC 5648 5.6), not a loop, where the agent has a home link
 * (ha_home.h); without one the address leads back into the tunnel. */
static bool ha_nest_at_home(const struct ha_config *c, const struct ha_mn *mn,
			    const struct mh_bid *b, const uint8_t *a)
{
	/* a: the BID's care-of address as resolved (the outer source when
	 * the BID names none). */
	return c->home_link[0] && b->h && !memcmp(a, mn->hoa.s6_addr, 16);
}

bool ha_nest_loop(const struct ha_config *c, const struct ha_mn *mn, const struct mh_msg *bu,
		  const struct sockaddr_in6 *from)
{
	const uint8_t *src;

	if (bu->lifetime == 0)
		return false;   /* a removal cannot close a cycle */
	/* A BU without BID option binds its outer source. */
	if (bu->n_bids == 0)
		return (src = ha_nest_addr(0, NULL, from)) &&
		       ha_nest_reaches(c, src, mn->hoa.s6_addr, HA_NEST_DEPTH);
	for (size_t i = 0; i < bu->n_bids; i++) {
		const struct mh_bid *b = &bu->bids[i];
		const uint8_t *a = ha_nest_addr(b->coa_family, b->coa, from);

		if (a && !ha_nest_at_home(c, mn, b, a) &&
		    ha_nest_reaches(c, a, mn->hoa.s6_addr, HA_NEST_DEPTH))
			return true;
	}
	return false;
}
