/* SPDX-License-Identifier: MIT */
/*
 * The provisioning domain store (RFC 7556, RFC 8801 section 3.4).
 *
 * A PvD is explicit (named by the FQDN of an RA PvD option, compared
 * case-insensitively, possibly on several interfaces) or implicit (keyed by
 * the interface and the router's link-local address). Each PvD holds the
 * configuration objects it learnt, each with its own expiry; an object
 * belongs to the PvD of the RA that last updated it (8801 section 3.4), so
 * storing one in a PvD removes it from any other.
 *
 * Pure state: no sockets, no event loop. Times are CLOCK_MONOTONIC ns
 * passed in by the caller; PVD_NEVER means no expiry (infinite lifetime).
 */
#ifndef MIF_DAEMON_PVD_H
#define MIF_DAEMON_PVD_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include "proto/ra.h"

#define PVD_NEVER UINT64_MAX
#define PVD_ID_MAX 320           /* "fe80::...%ifname" or an FQDN */

enum pvd_source { PVD_SRC_RA = 0 };   /* dhcpv4, dhcpv6, static, api later */
const char *pvd_source_name(enum pvd_source s);

struct pvd_router {
	TAILQ_ENTRY(pvd_router) e;
	int ifindex;
	struct in6_addr addr;    /* link-local address of the router */
	enum ra_pref pref;
	uint32_t lifetime;       /* as advertised, seconds */
	uint64_t expires;
};

struct pvd_prefix {
	TAILQ_ENTRY(pvd_prefix) e;
	int ifindex;
	struct in6_addr prefix;
	uint8_t plen;
	bool onlink, autonomous, nested;
	uint32_t valid, preferred;       /* as advertised */
	uint64_t expires, pref_expires;
	struct in6_addr router;
	enum pvd_source source;
};

struct pvd_route {                       /* RFC 4191 route information */
	TAILQ_ENTRY(pvd_route) e;
	int ifindex;
	struct in6_addr prefix;
	uint8_t plen;
	enum ra_pref pref;
	uint32_t lifetime;
	uint64_t expires;
	struct in6_addr router;
	enum pvd_source source;
};

struct pvd_dns {
	TAILQ_ENTRY(pvd_dns) e;
	int ifindex;
	struct in6_addr addr;
	uint32_t lifetime;
	uint64_t expires;
	enum pvd_source source;
};

struct pvd_domain {
	TAILQ_ENTRY(pvd_domain) e;
	int ifindex;
	char name[DNAME_MAX_TEXT + 1];
	uint32_t lifetime;
	uint64_t expires;
	enum pvd_source source;
};

TAILQ_HEAD(pvd_router_list, pvd_router);
TAILQ_HEAD(pvd_prefix_list, pvd_prefix);
TAILQ_HEAD(pvd_route_list, pvd_route);
TAILQ_HEAD(pvd_dns_list, pvd_dns);
TAILQ_HEAD(pvd_domain_list, pvd_domain);

struct pvd {
	TAILQ_ENTRY(pvd) e;
	uint64_t handle;                 /* never reused within a run */
	char id[PVD_ID_MAX];
	bool explicit_;
	int key_ifindex;                 /* implicit: (ifindex, router LLA) */
	struct in6_addr key_router;

	bool has_option;                 /* explicit: last PvD option seen */
	uint16_t seq;
	bool h_flag, l_flag;
	uint8_t delay;

	bool managed, other;             /* M and O of the last effective header */
	uint8_t hop_limit;
	uint32_t reachable_ms, retrans_ms;
	uint32_t mtu;                    /* 0 if none advertised */
	char *captive_portal;            /* NULL if none */
	bool has_pref64;
	struct in6_addr pref64;
	uint8_t pref64_plen;
	uint32_t pref64_lifetime;
	uint64_t pref64_expires;
	int pref64_ifindex;

	struct pvd_router_list routers;
	struct pvd_prefix_list prefixes;
	struct pvd_route_list routes;
	struct pvd_dns_list dns;
	struct pvd_domain_list domains;

	char *digest;                    /* owner's last published form, freed with the PvD */
};

TAILQ_HEAD(pvd_list, pvd);

struct pvd_store {
	struct pvd_list pvds;
	uint64_t next_handle;
	unsigned count;
};

void pvd_store_init(struct pvd_store *s);
void pvd_store_clear(struct pvd_store *s);

struct pvd *pvd_find_explicit(struct pvd_store *s, const char *fqdn);
struct pvd *pvd_find_implicit(struct pvd_store *s, int ifindex, const struct in6_addr *router);
struct pvd *pvd_find(struct pvd_store *s, const char *id_or_handle);
/* Create a PvD; ifname is used for an implicit PvD's id ("fe80::1%eth0").
 * Returns NULL on allocation failure. */
struct pvd *pvd_create_explicit(struct pvd_store *s, const char *fqdn);
struct pvd *pvd_create_implicit(struct pvd_store *s, int ifindex,
				const struct in6_addr *router, const char *ifname);
void pvd_destroy(struct pvd_store *s, struct pvd *p);

/*
 * Apply one parsed RA received at `now` on ifindex from `src` to PvD p.
 * Objects stored in p are removed from every other PvD (last updater wins).
 * Zero lifetimes withdraw. Returns 0 or -ENOMEM.
 */
int pvd_apply_ra(struct pvd_store *s, struct pvd *p, const struct ra *ra,
		 int ifindex, const struct in6_addr *src, uint64_t now);

/* Remove every object learnt on ifindex (link down or gone). */
void pvd_forget_ifindex(struct pvd_store *s, int ifindex);

/* Remove objects whose expiry is <= now. */
void pvd_expire(struct pvd *p, uint64_t now);

/* True if nothing with a lifetime remains: the PvD should disappear. */
bool pvd_is_empty(const struct pvd *p);

/* Earliest expiry in p (PVD_NEVER if none). */
uint64_t pvd_next_expiry(const struct pvd *p);

/* Does ifindex appear in any object of p? */
bool pvd_on_ifindex(const struct pvd *p, int ifindex);

/* Lifetime in seconds -> absolute expiry. */
uint64_t pvd_deadline(uint64_t now, uint32_t lifetime);

#endif
