/* SPDX-License-Identifier: MIT */
/*
 * The DHCPv6 client of one interface (engine side), shared by the
 * stateless part (engine_dhcp6.c: Information-request), the stateful part
 * (engine_dhcp6s.c: IA_NA and IA_PD, RFC 8415 section 18) and prefix
 * delegation downstream (engine_dhcp6_pd.c).
 */
#ifndef MIF_DAEMON_ENGINE_DHCP6_H
#define MIF_DAEMON_ENGINE_DHCP6_H

#include <event2/event.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "proto/dhcp6.h"
#include "proto/lease6.h"

#define D6_NS 1000000000ull
#define D6_MAX_DOWNSTREAM 8

enum d6_state {
	D6_REQUESTING, D6_DONE,                  /* stateless (18.2.6) */
	D6_SOLICIT, D6_REQUEST, D6_BOUND, D6_RENEW, D6_REBIND, D6_CONFIRM, D6_DECLINE,
};

/* A delegated prefix's sub-prefix numbered on a downstream interface. */
struct d6_downstream {
	int ifindex;
	struct in6_addr subnet;      /* /64 */
	uint64_t next_ra;            /* monotonic ns */
};

struct engine;

struct engine_dhcp6 {
	struct engine *e;
	int ifindex;
	char ifname[16];
	uint8_t duid[DHCP6_MAX_DUID];
	size_t duid_len;
	uint32_t iaid;
	bool stateful, want_pd;
	enum d6_state state;
	bool has_data;
	uint32_t xid;
	uint64_t start_ns, rt_ns, valid_until, refresh_at;
	uint64_t mrt_ns;             /* INF_MAX_RT: a server may change it (21.25) */
	uint32_t refresh;
	struct in6_addr server;
	struct event *timer;
	struct dhcp6_msg *reply, *rx;
	uint64_t rx_ok, rx_dropped, replies;
	uint64_t attached[8];
	size_t n_attached;

	/* stateful */
	struct dhcp6_msg *adv;       /* the best Advertise so far */
	bool has_adv;
	unsigned tries;
	uint64_t mrd_end;            /* Confirm: give up waiting (CNF_MAX_RD) */
	struct lease6 lease;         /* what is bound; lifetimes from bound_ns */
	bool bound;
	uint64_t bound_ns, t1_at, t2_at, end_ns;
	struct in6_addr declined;
	bool dad_done[DHCP6_MAX_IA_ADDRS];   /* the kernel showed lease.na[i] usable */
	struct d6_downstream down[D6_MAX_DOWNSTREAM];
	size_t n_down;
	struct event *ra_timer;      /* RAs on the downstream interfaces */
	uint64_t ras_sent;
	uint64_t solicits, advertises, requests, renews, rebinds, confirms, declines,
		 releases, reconf_accepted, reconf_ignored;
};

/* engine_dhcp6s.c, engine_dhcp6s_rx.c */
void d6s_start(struct engine_dhcp6 *c);
void d6s_timer(struct engine_dhcp6 *c, uint64_t now);
void d6s_rx(struct engine_dhcp6 *c, const struct in6_addr *from, const uint8_t *data,
	    size_t len);
void d6s_stop(struct engine_dhcp6 *c, bool release);
void d6s_addr_event(struct engine_dhcp6 *c, const struct in6_addr *a, bool gone, bool tentative,
		    bool dadfailed);
bool d6s_owns(const struct engine_dhcp6 *c, const uint8_t addr[16]);
void d6_arm(struct engine_dhcp6 *c, uint64_t d);
void d6_drop(struct engine_dhcp6 *c, const char *why);
uint32_t d6s_left(const struct engine_dhcp6 *c, uint32_t life, uint64_t now);
/* Shared by engine_dhcp6s.c and engine_dhcp6s_rx.c only. */
#define D6_SOL_MAX_DELAY (1 * D6_NS)     /* RFC 8415 section 7.6 */
int64_t d6s_wall(void);
void d6s_begin(struct engine_dhcp6 *c, enum d6_state st, uint64_t delay);
void d6s_program(struct engine_dhcp6 *c, const struct dhcp6_iaaddr *a, bool add,
		 uint64_t now);
void d6s_save(struct engine_dhcp6 *c, bool keep);
void d6s_unbind(struct engine_dhcp6 *c, uint64_t now);
void d6s_apply(struct engine_dhcp6 *c, uint64_t now);

/* engine_dhcp6_pd.c */
void d6pd_update(struct engine_dhcp6 *c, uint64_t now);
void d6pd_withdraw(struct engine_dhcp6 *c);
bool d6pd_is_downstream(const struct engine *e, const char *ifname);

#endif
