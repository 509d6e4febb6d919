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

/* RFC 2131 figure 5; CHECKING is the RFC 5227 probe between ACK and
 * BOUND; REBOOTING asks again for a lease kept on disk (INIT-REBOOT,
 * engine_dhcp4_lease.c). */
enum d4_state {
	D4_INIT, D4_SELECTING, D4_REQUESTING, D4_CHECKING, D4_BOUND,
	D4_RENEWING, D4_REBINDING, D4_DECLINED, D4_STOPPED, D4_REBOOTING,
};

struct engine;

struct engine_dhcp4 {
	struct engine *e;
	int ifindex;
	char ifname[16];             /* names its record in the lease store */
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
	uint64_t rx_ok, rx_dropped, acks, naks, declines, renewals, reboots;
	struct in_addr hint;         /* a kept address, asked for in DISCOVER */
	bool reboot_acked;           /* the last INIT-REBOOT got its address */
	bool reboot_pending;         /* INIT goes to REBOOTING (a kept lease) */
	uint64_t attached[8];        /* handles of the PvDs holding the lease data */
	size_t n_attached;
	char last_nak[256];
};

const char *engine_dhcp4_state_name(enum d4_state s);

/* A lease kept on disk (engine_dhcp4_lease.c). */
struct engine_dhcp4_rec {
	struct in_addr addr, server;
	uint8_t plen;
	uint64_t end_wall;           /* Unix seconds; UINT64_MAX: infinite */
	uint32_t lease;
};
void engine_dhcp4_lease_encode(const struct engine_dhcp4 *c, uint64_t end_wall, uint8_t *out);
int engine_dhcp4_lease_decode(const uint8_t *p, size_t len, const uint8_t mac[6],
			      struct engine_dhcp4_rec *ret);
void engine_dhcp4_lease_save(struct engine_dhcp4 *c);
void engine_dhcp4_lease_forget(struct engine_dhcp4 *c);
int engine_dhcp4_lease_restore(struct engine_dhcp4 *c, struct engine_dhcp4_rec *ret);

#endif
