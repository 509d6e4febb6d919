/* SPDX-License-Identifier: MIT */
/*
 * What the stub resolver needs to send a query through a PvD (RFC 8801
 * section 3.4.4: "a query for a PvD's server leaves through that PvD"):
 * its servers, the interface and source addresses to bind, and the
 * routing mark that selects its table. A pure computation from the PvD
 * store, the kernel view and the routing tables, redone on every sync.
 */
#ifndef MIF_DAEMON_DNS_PLAN_H
#define MIF_DAEMON_DNS_PLAN_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/pvd.h"
#include "daemon/route_plan.h"
#include "daemon/view.h"

#define DNS_PLAN_MAX_SERVERS 8

struct dns_upstream {
	struct in6_addr addr;          /* IPv4 as v4-mapped */
	int ifindex;                   /* where it was learnt: scope and device */
};

struct dns_plan_pvd {
	uint64_t handle;
	char id[PVD_ID_MAX];
	uint32_t mark;                 /* 0: routing off or no table */
	struct in6_addr src[2];        /* [0] IPv4 (mapped), [1] IPv6 */
	int src_if[2];                 /* 0: no usable source of that family */
	/* No usable address of that family yet: one is tentative (DAD
	 * running: wait for it), or the PvD has prefixes of that family but
	 * no address in them (send nothing of it). Either way nothing is
	 * sent rather than let the kernel pick another network's source. */
	bool src_pending[2];
	bool src_missing[2];
	size_t n_servers;
	struct dns_upstream servers[DNS_PLAN_MAX_SERVERS];
	bool has_pref64;
	struct in6_addr pref64;
	uint8_t pref64_plen;
};

/* Fill out[0..*n) with every PvD that has DNS servers, in store order.
 * tables may be NULL (no marks). Returns 0, or -ENOSPC when more than cap
 * PvDs have servers (the first cap are filled). */
int dns_plan_build(const struct pvd_store *s, const struct view *v, const struct route_cfg *c,
		   const struct route_tables *tables, struct dns_plan_pvd *out, size_t cap,
		   size_t *n);

/* Is a inside prefix/plen? */
bool dns_plan_in_prefix(const struct in6_addr *a, const struct in6_addr *prefix, uint8_t plen);

/* Is an AAAA address DNS64-synthesised for this PvD: inside its PREF64
 * (RFC 8781) or the well-known 64:ff9b::/96 (RFC 6052 section 2.1)? */
bool dns_plan_is_dns64(const struct dns_plan_pvd *p, const struct in6_addr *a);

#endif
