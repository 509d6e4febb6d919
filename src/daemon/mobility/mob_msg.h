/* SPDX-License-Identifier: MIT */
/*
 * The mobile-node role's seams (doc/mobility.md, doc/architecture.md):
 *
 *   engine -> parent   MSG_MOB_PATHS: the whole set of care-of paths of one
 *                      home address (its index in `home`: [mobility] is 0,
 *                      each [mobility NAME] the next), with the pairing
 *                      rule's verdict for every candidate, sent when it
 *                      changes (engine_mob.c)
 *   parent -> net      on a SOCK_SEQPACKET pair of its own (common/ipc.h):
 *                      MOB_WIRE_CONFIG with the TUN device (one per home
 *                      address), MOB_WIRE_PATH with the path's UDP socket
 *                      (none when only its BID-PRI or reason changed),
 *                      MOB_WIRE_WITHDRAW, MOB_WIRE_FLOWS (the policy's
 *                      flow bindings, home address 0 only), MOB_WIRE_PAIRS
 *   net -> parent      on the same channel: MOB_WIRE_UPLINK, whether the
 *                      uplink of home address 0 is the home link's BID
 *                      (kern_mob_home.c)
 *
 * Every payload has a fixed size that the receiver checks exactly, and
 * every index in it (home address, BID) against its bounds (mob_msg.c).
 */
#ifndef MIF_DAEMON_MOBILITY_MOB_MSG_H
#define MIF_DAEMON_MOBILITY_MOB_MSG_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "daemon/pvd/pvd.h"
#include "proto/mh.h"
#include "daemon/mobility/mob_flow.h"
#include "daemon/mobility/mob_hoa.h"

#define MOB_MAX_PATHS MH_MAX_BIDS
/* Home addresses mifd runs: [mobility] and its [mobility NAME] sections
 * (mob_config.h MOB_MAX_HOMES + 1). */
#define MOB_MAX_HOAS MOB_HOA_MAX

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
	uint32_t home;           /* the home address it serves (0: [mobility]) */
};

/* The pairing rule's verdict (mob_hoa.h) for one candidate care-of
 * address of one home address: bound ones are paths, the others say why
 * not, for mifctl mobility. */
struct msg_mob_pair {
	uint8_t verdict;         /* enum mob_pair_verdict */
	uint8_t family;          /* 4 or 6 */
	uint8_t pad[2];
	uint8_t coa[16];
	char ifname[IFNAMSIZ];
	char why[160];
};

struct mob_pairs {
	uint32_t home;
	uint32_t n;
	struct msg_mob_pair e[MOB_HOA_COA_MAX];
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
	uint32_t home;           /* < MOB_MAX_HOAS; each p[i].home the same */
	struct msg_mob_path p[MOB_MAX_PATHS];
	struct mob_flow_specs flows;     /* home 0 only (n = 0 for the others) */
	struct mob_pairs pairs;          /* pairs.home == home */
	struct msg_mob_home home_link;   /* home 0 only (active = 0 for the others) */
};

enum mob_wire_type {
	MOB_WIRE_CONFIG = 1,     /* struct mob_wire_config + the TUN descriptor */
	MOB_WIRE_PATH,           /* struct msg_mob_path [+ its UDP socket] */
	MOB_WIRE_WITHDRAW,       /* struct mob_wire_withdraw */
	MOB_WIRE_FLOWS,          /* struct mob_flow_specs */
	MOB_WIRE_PAIRS,          /* struct mob_pairs */
	MOB_WIRE_CARRIER,        /* struct mob_wire_withdraw (its reason 0) + the
				  * path's sysfs carrier file (common/carrier.h),
				  * after the MOB_WIRE_PATH that brought its socket */
	MOB_WIRE_UPLINK,         /* net -> parent: struct mob_wire_uplink */
	MOB_WIRE_FAST,           /* struct mob_wire_fast [+ a map of the kernel
				  * fast path, netlink/tunfast.h], before any
				  * home address's configuration */
};

/* The kernel fast path (mn_fast.h): the parent loaded the programs and
 * attached them; the network-facing process keeps the entries. One
 * message per map (which 0: out, 1: in) with its descriptor, or which 2
 * without: not loaded, why. */
struct mob_wire_fast {
	uint32_t which;
	int32_t tun_ifindex;
	char why[64];
};

/* The network-facing process's uplink choice for home address 0 (the one
 * with a home link, doc/mobility.md "Home link"), when it changes: the
 * home path's BID while the uplink is the home link (its heartbeats
 * answered), else 0. The parent routes the uplink natively only then
 * (kern_mob_home.h). */
struct mob_wire_uplink {
	uint16_t home_bid;       /* 0 or 1..MOB_MAX_PATHS */
	uint8_t home;            /* the home address: 0 */
	uint8_t pad;
};

struct mob_wire_config {
	uint32_t home, n_homes;          /* this home address's index, how many */
	char name[32];                   /* as the pairing rule names it */
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
	uint8_t full_csum;               /* 1: complete TCP sums before sending
					  * (`partial_checksums = no`) */
	uint8_t pad4[2];
	uint32_t n_flows;                /* flow = lines (mob_flow.h), NUL-terminated */
	char flows[MOB_FLOW_MAX][MOB_FLOW_SPEC_MAX];
};

struct mob_wire_withdraw {
	uint16_t bid;
	uint8_t home;            /* the home address the BID is of */
	uint8_t pad;
	int32_t reason;          /* 0 withdrawn by the engine */
};

/* Checks beyond the size (mob_msg.c, pure): every index in bounds, every
 * string terminated, BIDs distinct, each path of the set's home address.
 * True when the receiver may use it. */
bool mob_msg_paths_ok(const struct msg_mob_paths *s);
bool mob_msg_path_ok(const struct msg_mob_path *p);
bool mob_msg_pairs_ok(const struct mob_pairs *s);
bool mob_msg_config_ok(const struct mob_wire_config *c);
bool mob_msg_uplink_ok(const struct mob_wire_uplink *u);

#endif
