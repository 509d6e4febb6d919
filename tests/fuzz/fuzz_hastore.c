/* SPDX-License-Identifier: MIT */
/* libFuzzer: a binding record of mif-had's replicated store
 * (src/ha/ha_store_rec.c), as another agent or a damaged store may hold
 * it. What decodes must encode again and decode to the same bindings,
 * flow bindings (record version 2) and IPv4 home address binding. */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ha/ha_flow.h"
#include "ha/ha_store.h"

#define WALL 1796470000000LL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ha_mn a, b;
	long long ttl;
	char *s = NULL;

	memset(&a, 0, sizeof(a));
	inet_pton(AF_INET6, "2001:db8:100::10", &a.hoa);
	a.active = -1;
	a.has_hoa4 = true;
	inet_pton(AF_INET, "192.0.2.10", &a.hoa4);
	b = a;
	if (ha_store_decode((const char *)data, size, 0, WALL, &a) != 0)
		return 0;
	if (a.flows && a.flows->n > HA_FLOW_MAX)
		__builtin_trap();
	if (a.n_paths > MH_MAX_BIDS || a.active >= (int)a.n_paths)
		__builtin_trap();
	if (ha_store_encode(&a, 0, WALL, &s, &ttl) != 0) {
		free(a.flows);
		return 0;       /* out of memory only */
	}
	if (ha_store_decode(s, strlen(s), 0, WALL, &b) != 0 || b.n_paths != a.n_paths ||
	    b.last_ts != a.last_ts || b.has_seq != a.has_seq || b.last_seq != a.last_seq ||
	    b.hoa4_bound != a.hoa4_bound || (a.flows ? a.flows->n : 0) != (b.flows ? b.flows->n : 0))
		__builtin_trap();
	for (size_t i = 0; a.flows && i < a.flows->n; i++)
		if (memcmp(&a.flows->e[i].f, &b.flows->e[i].f, sizeof(a.flows->e[i].f)) != 0 ||
		    a.flows->e[i].since_seq != b.flows->e[i].since_seq)
			__builtin_trap();
	for (size_t i = 0; i < a.n_paths; i++)
		if (b.paths[i].bid != a.paths[i].bid || b.paths[i].expires_ms != a.paths[i].expires_ms ||
		    memcmp(&b.paths[i].peer, &a.paths[i].peer, sizeof(a.paths[i].peer)) != 0)
			__builtin_trap();
	free(s);
	free(a.flows);
	free(b.flows);
	return 0;
}
