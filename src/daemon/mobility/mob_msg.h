/* SPDX-License-Identifier: MIT */
/*
 * The mobile-node role's seams (doc/mobility.md, doc/architecture.md):
 *
 *   engine -> parent   MSG_MOB_PATHS: the whole set of care-of paths, sent
 *                      when it changes (engine_mob.c)
 *   parent -> net      on a SOCK_SEQPACKET pair of its own (common/ipc.h):
 *                      MOB_WIRE_CONFIG with the TUN device, MOB_WIRE_PATH
 *                      with the path's UDP socket (none when only its
 *                      BID-PRI or reason changed), MOB_WIRE_WITHDRAW,
 *                      MOB_WIRE_FLOWS (the policy's flow bindings)
 *   net -> parent      on the same channel: MOB_WIRE_UPLINK, whether the
 *                      uplink is the home link's BID (kern_mob_home.c)
 *
 * Every payload has a fixed size that the receiver checks exactly.
 */
#ifndef MIF_DAEMON_MOBILITY_MOB_MSG_H
#define MIF_DAEMON_MOBILITY_MOB_MSG_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>

#include "daemon/pvd/pvd.h"
#include "proto/mh.h"
#include "daemon/mobility/mob_flow.h"

#define MOB_MAX_PATHS MH_MAX_BIDS

/* One care-of path: a PvD's usable address of the family the home agent
 * is reached with. */
struct msg_mob_path {
	uint16_t bid;            /* 1..MOB_MAX_PATHS, stable per PvD id */
	uint8_t pri;             /* BID-PRI: rank in the preference order */
	uint8_t family;          /* 4 or 6 */
	uint8_t coa[16];         /* IPv4 in the first 4 octets */
	int32_t ifindex;
	uint32_t mark;           /* the PvD's routing mark, 0 without routing */
	char ifname[IFNAMSIZ];
	char pvd[PVD_ID_MAX];
	char why[128];           /* why this BID-PRI */
};

/* Flow bindings the policy makes (engine_mob_flow.c): mob_flow.h specs,
 * each NUL-terminated. */
struct mob_flow_specs {
	uint32_t n;
	uint32_t pad;
	char spec[MOB_FLOW_MAX][MOB_FLOW_SPEC_MAX];
};

/* The home link (engine_mob_home.c, doc/mobility.md "Home link"): while
 * a PvD of the home prefix gives the home path (its care-of address the
 * home address, H flag), the parent puts the home address on that
 * interface and the uplink routes through its router (kern_mob_home.c). */
struct msg_mob_home {
	uint8_t active;          /* 0: away, everything through the tunnel */
	uint8_t pad[3];
	int32_t ifindex;
	uint8_t gw[16];          /* the home link's router (link-local) */
	char ifname[IFNAMSIZ];
	uint16_t bid;            /* the home path's BID */
	uint8_t pad2[6];
};

struct msg_mob_paths {
	uint32_t n;
	uint32_t pad;
	struct msg_mob_path p[MOB_MAX_PATHS];
	struct mob_flow_specs flows;
	struct msg_mob_home home;
};

enum mob_wire_type {
	MOB_WIRE_CONFIG = 1,     /* struct mob_wire_config + the TUN descriptor */
	MOB_WIRE_PATH,           /* struct msg_mob_path [+ its UDP socket] */
	MOB_WIRE_WITHDRAW,       /* struct mob_wire_withdraw */
	MOB_WIRE_FLOWS,          /* struct mob_flow_specs */
	MOB_WIRE_UPLINK,         /* net -> parent: struct mob_wire_uplink */
};

/* The network-facing process's uplink choice, when it changes: the home
 * path's BID while the uplink is the home link (its heartbeats answered),
 * else 0. The parent routes the uplink natively only then
 * (kern_mob_home.h). */
struct mob_wire_uplink {
	uint16_t home_bid;
	uint8_t pad[2];
};

struct mob_wire_config {
	struct in6_addr hoa, ha;         /* inner: home address, home agent */
	struct in6_addr ha6;             /* outer endpoints; :: when none */
	struct in_addr ha4;
	uint8_t has_ha6, has_ha4;
	uint16_t port;
	uint32_t spi;
	uint32_t interval_ms, misses;
	uint32_t key_len;
	uint8_t key[64];
	char tun[IFNAMSIZ];
	uint32_t vnet_hdr;               /* 1: the TUN device was opened with a
					  * virtio-net header, the care-of
					  * sockets have UDP_GRO */
	uint32_t tun_offloads;           /* TUN_OFF_* the kernel granted */
	uint8_t has_hoa4;                /* RFC 5555 IPv4 home address */
	uint8_t hoa4[4];
	uint8_t pad4[3];
	uint32_t n_flows;                /* flow = lines (mob_flow.h), NUL-terminated */
	char flows[MOB_FLOW_MAX][MOB_FLOW_SPEC_MAX];
};

struct mob_wire_withdraw {
	uint16_t bid;
	uint8_t pad[2];
	int32_t reason;          /* 0 withdrawn by the engine */
};

#endif
