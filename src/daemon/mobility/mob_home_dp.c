/* SPDX-License-Identifier: MIT */
/* The uplink's home BID, told to the parent (mob_home_dp.h). */
#include <string.h>

#include "common/ipc.h"
#include "common/log.h"
#include "daemon/mobility/mob_dp.h"
#include "daemon/mobility/mob_home_dp.h"
#include "daemon/mobility/mob_msg.h"

void mob_home_dp_tell(struct mob_net *m)
{
	struct mob_wire_uplink u;
	int up = m->mn.uplink, r;

	/* The home link is home address 0's only (kern_mob_home.h). */
	if (m->wc.home != 0 || !m->node)
		return;
	memset(&u, 0, sizeof(u));
	if (up >= 0 && m->mn.paths[up].home && m->io[up].fd >= 0)
		u.home_bid = m->mn.paths[up].bid;
	if (u.home_bid == m->home_told)
		return;
	if ((r = ipc_send(m->node->chan, MOB_WIRE_UPLINK, &u, sizeof(u))) < 0) {
		log_warn("mobility: cannot tell the parent of the uplink: %s", strerror(-r));
		return;
	}
	m->home_told = u.home_bid;
}
