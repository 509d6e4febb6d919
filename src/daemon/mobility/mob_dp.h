/* SPDX-License-Identifier: MIT */
/*
 * The mobile node's data plane in the network-facing process (doc/mobility.md):
 * packets between the TUN device and the care-of paths' UDP sockets, the
 * heartbeats, Binding Updates and the uplink's moves, around the pure logic
 * of mn.c. The descriptors come from the parent (kern_mob.c) through
 * mob_net.c, which owns this state; mob_dp.c does the I/O.
 */
#ifndef MIF_DAEMON_MOBILITY_MOB_DP_H
#define MIF_DAEMON_MOBILITY_MOB_DP_H

#include <event2/event.h>
#include <sys/socket.h>

#include "daemon/mobility/mn.h"
#include "daemon/mobility/mn_fast.h"
#include "daemon/mobility/mob_flow.h"
#include "daemon/mobility/mob_msg.h"

#define MOB_SWITCHES 8           /* uplink moves kept for mifctl mobility */

/* One care-of path; io[i] goes with mn.paths[i]. */
struct mob_io {
	int fd;                  /* -1: withdrawn (kept, sent as dead with BID-PRI 127) */
	struct event *ev;
	struct sockaddr_storage ha;
	socklen_t ha_len;
	struct msg_mob_path m;   /* as the engine named it */
	uint32_t lost_bits;      /* the last 32 heartbeats: bit set = unanswered */
	unsigned samples;
	uint64_t hb_sent, hb_lost;
	const char *down_why;    /* why its link is down, static text */
	long long send_down_ms;  /* a send failed then (0: no): try again later */
	int carrier_fd;          /* its link's carrier, read every tick; -1: none */
	uint16_t lport;          /* its socket's port (the fast path's entries) */
	bool carrier_down;       /* the read found it down (the engine may not know) */
};

struct mob_switch {
	long long at_ms;
	int from_bid, to_bid;    /* 0: none */
	char why[128];
};

struct mob_node;

/* One home address's registration (mn.c state) with its own home agent,
 * key, care-of sockets and uplink; the TUN device is the node's. */
struct mob_net {
	struct event_base *base;
	struct mob_node *node;
	struct event *tick;
	bool configured;
	struct mob_wire_config wc;
	struct mn_state mn;
	struct mob_io io[MOB_MAX_PATHS];
	int tun;                 /* the node's, not owned */
	bool vnet;               /* the TUN device has a virtio-net header */
	uint64_t tun_rx, tun_tx, send_err, no_uplink, tun_err;
	/* Batches and offloads (mob_batch.c): TUN super-packets read and the
	 * inner packets cut from them; recvmmsg calls, UDP GRO trains and the
	 * inner packets in them; TUN writes of coalesced TCP segments and the
	 * segments they carried; TUN reads that were not a valid packet. */
	uint64_t tun_super_rx, tun_split_pkts, udp_rx_calls, udp_gro_rx, udp_rx_pkts;
	uint64_t udp_rx_again;   /* receives to join a train's rest (mob_batch.c) */
	uint64_t tun_coalesced, tun_coalesced_pkts, tun_bad;
	long long started_ms;
	char uplink_why[256];
	struct mob_switch sw[MOB_SWITCHES];
	unsigned n_sw;           /* switches recorded, the ring holds the last MOB_SWITCHES */
	struct mob_flows flows;  /* flow bindings (mob_flow_dp.h) */
	struct mob_flow_specs pflows;    /* the policy's (MOB_WIRE_FLOWS) */
	struct mob_pairs pairs;  /* the engine's verdicts (MOB_WIRE_PAIRS) */
	uint16_t home_told;      /* the home BID last told as uplink (mob_home_dp.h) */
	struct mn_fast_home fast; /* its kernel fast path entries (mob_fast_dp.h) */
};

/* The mobile node in the network-facing process: the parent's channel,
 * the one TUN device that holds every home address, and a registration
 * per home address, chosen for each packet read from the device by its
 * inner source (mob_net_reg_of). */
struct mob_node {
	struct event_base *base;
	int chan;
	struct event *chan_ev, *tun_ev;
	int tun;
	bool vnet;
	size_t n_homes;          /* from the first configuration */
	struct mob_net *reg[MOB_MAX_HOAS];
	uint64_t bad_msgs;
	uint64_t no_home;        /* TUN packets from no home address's source */
	/* The kernel fast path's maps from the parent (mob_fast_dp.h): NULL
	 * until both came, or when there are none (fast_why says why). */
	struct tunfast *fast;
	int fast_fd[2];
	int fast_tun_ifindex;
	char fast_why[64];
};

/* The registration for a packet the host sent (p, len: its first octets):
 * the one whose home address (IPv6, or the RFC 5555 IPv4 one) is its
 * source. With one home address, that one whatever the source (as
 * before several existed); with several, NULL for a source that is none
 * of theirs (the caller drops and counts it). NULL before any
 * configuration. */
struct mob_net *mob_net_reg_of(const struct mob_node *n, const uint8_t *p, size_t len);

/* Send p on path i; a network that went away takes its link down. */
int mob_dp_send(struct mob_net *m, size_t i, const void *p, size_t len);
/* A send on path i failed with errno err: counted; true when the error
 * says its network is gone (its link is then down until re-validated). */
bool mob_dp_send_failed(struct mob_net *m, size_t i, int err);
/* A Binding Update through the uplink, or every path with a link. */
void mob_dp_send_bu(struct mob_net *m);
/* Pick the uplink again; on a change record why (NULL: what became of
 * the old uplink) and re-register. True when it changed. */
bool mob_dp_failover(struct mob_net *m, const char *why);
/* Record a move of the uplink to what mn.uplink is now, and why. */
void mob_dp_record(struct mob_net *m, const char *why);
/* Every heartbeat interval. */
void mob_dp_tick(evutil_socket_t fd, short what, void *arg);
/* A clean stop: remove every BID at the home agent. */
void mob_dp_deregister(struct mob_net *m);

#endif
