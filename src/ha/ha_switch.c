/* SPDX-License-Identifier: MIT */
/*
 * RFC 5142 Home Agent Switch, sent by a home agent that stops cleanly or is
 * told to hand over (mif-had(8): handover_to, SIGTERM, SIGUSR1): every
 * mobile node with a binding is told to register with the named agent.
 * Sent on every path of each (which one still works is not known), signed
 * and time-stamped like every message (RFC 4285 instead of the IPsec of
 * RFC 5142 section 7). The address is the new agent's tunnel endpoint;
 * the home agent address inside the tunnel stays, so the agents of one
 * home prefix share it (doc/mobility.md).
 */
#include <string.h>

#include "ha/ha.h"

size_t ha_switch_all(struct ha_ctx *h)
{
	size_t sent = 0;

	if (!h->cfg->has_handover || !h->active)
		return 0;
	for (size_t i = 0; i < h->cfg->n_mns; i++) {
		struct ha_mn *mn = &h->cfg->mns[i];

		for (size_t k = 0; k < mn->n_paths; k++) {
			struct mh_msg m;

			memset(&m, 0, sizeof(m));
			m.type = MH_TYPE_HAS;
			m.has_n = 1;
			memcpy(m.has_addrs[0], &h->cfg->handover_to, 16);
			if (ha_send_mh(h, mn, &m, &mn->paths[k].peer) == 0)
				sent++;
		}
	}
	h->n.has_tx += sent;
	return sent;
}
