/* SPDX-License-Identifier: MIT */
/* libFuzzer: flow bindings (mh_flow.h). The input is the options area of a
 * BU: the flow parser over it, every selector matched against a packet
 * made of the input's first octets, and what was accepted built again. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto/mh.h"
#include "proto/mh_flow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t mh[12 + 2048], out[4096];
	struct mh_flows fl;
	struct mh_pkt_key k;
	bool usable[MH_FLOW_MAX_BIDS];
	size_t len;

	if (size > 2048)
		return 0;
	memset(mh, 0, 12);
	mh[2] = MH_TYPE_BU;
	memcpy(mh + 12, data, size);
	if (mh_flow_parse(mh, 12 + size, &fl) != 0)
		return 0;
	if (fl.n > MH_FLOW_MAX)
		__builtin_trap();
	memset(usable, 1, sizeof(usable));
	for (size_t i = 0; i < fl.n; i++) {
		if (fl.f[i].n_bids > MH_FLOW_MAX_BIDS)
			__builtin_trap();
		if (mh_pkt_key(data, size, &k) == 0) {
			(void)mh_ts_match(&fl.f[i].ts, &k, true);
			(void)mh_flow_weighted(&fl.f[i], mh_pkt_flow_hash(&k), usable);
		}
		if (fl.f[i].bad)
			fl.f[i].has_ts = fl.f[i].has_weights = false, fl.f[i].n_bids = 0;
	}
	(void)mh_flow_build(&fl, out, sizeof(out), &len);
	return 0;
}
