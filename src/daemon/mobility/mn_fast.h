/* SPDX-License-Identifier: MIT */
/*
 * A mobile node's entries in the tunnel's kernel fast path
 * (netlink/tunfast.h, doc/mobility.md "Kernel fast path"), from its state
 * (mn.h): the uplink goes to the kernel while it is a foreign IPv6 path
 * and no flow binding chooses per packet; the kernel takes the downlink
 * on every foreign IPv6 path for the home address (and the IPv4 home
 * address once acknowledged). Everything else (signalling, IPv4 paths,
 * the home link, flows) stays on the user-space path. Used by mif-mn and
 * by mifd's network-facing process (mob_fast_dp.h).
 */
#ifndef MIF_DAEMON_MOBILITY_MN_FAST_H
#define MIF_DAEMON_MOBILITY_MN_FAST_H

#include <stdbool.h>
#include <stdint.h>

#include "daemon/mobility/mn.h"
#include "netlink/tunfast.h"

/* How path i is reached: its socket's port, its interface, and the home
 * agent's endpoint (address, port) it sends to. */
struct mn_fast_path {
	uint16_t local_port;    /* host order */
	int ifindex;
	uint8_t ha[16];
	uint16_t ha_port;       /* host order */
	bool v6;                /* IPv6 outside */
};

/* What is in the kernel for one home address. */
struct mn_fast_home {
	bool out_on;
	struct tunfast_out out;
	size_t n_in;
	struct tunfast_in_key in_k[MH_MAX_BIDS];
	struct tunfast_in in_v[MH_MAX_BIDS];
	int err;                /* the last refusal, 0 for none */
};

/* Bring the kernel's entries of mn to what its state asks for (off:
 * remove them all). Only a change costs system calls. */
void mn_fast_sync(struct tunfast *f, int tun_ifindex, const struct mn_state *mn,
		  const struct mn_fast_path *paths, bool off, struct mn_fast_home *s);
/* The packets and octets the kernel carried for mn: sent (the current
 * uplink entry) and received (on every path's entry). */
void mn_fast_counts(const struct tunfast *f, const struct mn_state *mn,
		    const struct mn_fast_home *s, uint64_t ret[4]);
/* The packets the kernel carried for path i (fp[i] as given to
 * mn_fast_sync): sent while it is the uplink entry's, received on its
 * entry; counted by the entries in place now. */
void mn_fast_path_counts(const struct tunfast *f, const struct mn_state *mn,
			 const struct mn_fast_home *s, size_t i, uint16_t local_port,
			 uint64_t *ret_tx, uint64_t *ret_rx);

#endif
