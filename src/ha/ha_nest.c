/* SPDX-License-Identifier: MIT */
/* Loops of home addresses used as care-of addresses (ha_nest.h). */
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
	for (size_t i = 0; i < m->n_paths; i++)
		if (m->paths[i].coa_family == 6 && !m->paths[i].home &&
		    ha_nest_reaches(c, m->paths[i].coa, target, depth - 1))
			return true;
	return false;
}

/* A BID with the H flag naming the home address itself is the node at
 * home (RFC 5648 5.6), not a loop, where the agent has a home link
 * (ha_home.h); without one the address leads back into the tunnel. */
static bool ha_nest_at_home(const struct ha_config *c, const struct ha_mn *mn,
			    const struct mh_bid *b)
{
	return c->home_link[0] && b->h && !memcmp(b->coa, mn->hoa.s6_addr, 16);
}

bool ha_nest_loop(const struct ha_config *c, const struct ha_mn *mn, const struct mh_msg *bu)
{
	if (bu->lifetime == 0)
		return false;   /* a removal cannot close a cycle */
	for (size_t i = 0; i < bu->n_bids; i++)
		if (bu->bids[i].coa_family == 6 && !ha_nest_at_home(c, mn, &bu->bids[i]) &&
		    ha_nest_reaches(c, bu->bids[i].coa, mn->hoa.s6_addr, HA_NEST_DEPTH))
			return true;
	return false;
}
