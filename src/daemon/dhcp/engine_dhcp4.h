/* SPDX-License-Identifier: MIT */
/* The DHCPv4 client of one interface (engine side). */
#ifndef MIF_DAEMON_ENGINE_DHCP4_H
#define MIF_DAEMON_ENGINE_DHCP4_H

#include <event2/event.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "proto/dhcp4.h"

/* RFC 2131 figure 5, without INIT-REBOOT (leases are not kept on disk);
 * CHECKING is the RFC 5227 probe between ACK and BOUND. */
enum d4_state {
	D4_INIT, D4_SELECTING, D4_REQUESTING, D4_CHECKING, D4_BOUND,
	D4_RENEWING, D4_REBINDING, D4_DECLINED, D4_STOPPED,
};

struct engine;

struct engine_dhcp4 {
	struct engine *e;
	int ifindex;
	uint8_t mac[6];
	enum d4_state state;
	uint32_t xid;
	uint64_t exchange_ns;        /* start of this exchange (secs field) */
	uint64_t request_ns;         /* first REQUEST of this exchange: the lease's start */
	unsigned tries;
	struct event *timer;
	struct in_addr offered, server, addr;
	uint8_t plen;
	uint64_t bound_ns, t1_at, t2_at, expire_at;
	struct dhcp4_msg *lease;     /* the last ACK */
	struct dhcp4_msg *rx;        /* receive scratch */
	uint64_t rx_ok, rx_dropped, acks, naks, declines, renewals;
	uint64_t attached[8];        /* handles of the PvDs holding the lease data */
	size_t n_attached;
	char last_nak[256];
};

const char *engine_dhcp4_state_name(enum d4_state s);

#endif
