/* SPDX-License-Identifier: MIT */
/*
 * Home addresses used as care-of addresses at one home agent (analysis
 * 6.3.1): a Binding Update whose care-of address is another home address
 * this agent serves is fine, unless that home address's own bindings lead
 * back to the one being registered. RFC 6275 9.5.1 (RFC 3775 9.5.1 as the
 * analysis quotes it): such a BU "MUST be silently discarded". Pure.
 */
#ifndef MIF_HA_NEST_H
#define MIF_HA_NEST_H

#include <stdbool.h>

#include "ha/ha_config.h"
#include "proto/mh.h"

/* Whether applying bu (lifetime > 0), which came from outer source from
 * (the care-of address of a BID without one; NULL: unknown), to mn would
 * close a cycle through the bindings of c's mobile nodes (followed 4
 * levels deep). */
bool ha_nest_loop(const struct ha_config *c, const struct ha_mn *mn, const struct mh_msg *bu,
		  const struct sockaddr_in6 *from);

#endif
