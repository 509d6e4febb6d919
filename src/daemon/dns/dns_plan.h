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

#include "daemon/pvd/pvd.h"
#include "daemon/routing/route_plan.h"
#include "daemon/engine/view.h"

#define DNS_PLAN_MAX_SERVERS 8

/* The source a query to one server leaves from: one of the PvD's own
 * addresses on the server's interface (RFC 8801 section 3.4.4). */
enum dns_src_state {
	DNS_SRC_ANY,       /* the PvD has no prefix of that family there (a
			    * VPN): the kernel picks, on the bound device */
	DNS_SRC_READY,     /* src is set */
	DNS_SRC_PENDING,   /* only a tentative address (DAD): wait for it */
	DNS_SRC_MISSING,   /* prefixes but no usable address: send nothing,
			    * rather than from another network's address */
};

struct dns_upstream {
	struct in6_addr addr;          /* IPv4 as v4-mapped */
	int ifindex;                   /* where it was learnt: scope and device */
	enum dns_src_state src_state;
	struct in6_addr src;
};

/* An encrypted resolver of the PvD (DNR, RFC 9463) the stub may use for
 * DNS over TLS (alpn "dot"): its authentication domain name, the port
 * (853 unless the option said), and its first address, reached like a
 * server. Lowest Service Priority first. */
#define DNS_PLAN_MAX_TLS 2
/* How the certificate is checked: against the ADN (DNR, RFC 8310 8.1),
 * or, for a resolver designated through DDR, against the designating
 * clear-text resolver's address (RFC 9462 section 4.2), which may be
 * waived for opportunistic discovery (section 4.3). */
enum dns_tls_auth { DNS_TLS_AUTH_ADN = 0, DNS_TLS_AUTH_IP };
/* Where it came from: a pvd_source of the DNR option, or DDR. */
#define DNS_TLS_SRC_DDR 0xff
struct dns_plan_tls {
	char adn[DNAME_MAX_TEXT + 1];  /* DDR: the SVCB TargetName, sent as SNI */
	uint16_t port;
	struct dns_upstream up;
	uint8_t source;                /* enum pvd_source, or DNS_TLS_SRC_DDR */
	uint8_t auth;                  /* enum dns_tls_auth */
	bool unverified_ok;            /* DDR opportunistic discovery allowed */
	struct in6_addr auth_ip;       /* DNS_TLS_AUTH_IP: the designating server */
};

struct dns_plan_pvd {
	uint64_t handle;
	char id[PVD_ID_MAX];
	uint32_t mark;                 /* 0: routing off or no table */
	size_t n_servers;
	struct dns_upstream servers[DNS_PLAN_MAX_SERVERS];
	bool has_pref64;
	struct in6_addr pref64;
	uint8_t pref64_plen;
	size_t n_tls;
	struct dns_plan_tls tls[DNS_PLAN_MAX_TLS];
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
