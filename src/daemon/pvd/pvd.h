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

#include "common/addr.h"
#include "common/hash.h"
#include "proto/nl.h"
#include "proto/ra.h"

#define PVD_NEVER UINT64_MAX
#define PVD_ID_MAX 320           /* "fe80::...%ifname" or an FQDN */

/* Where an item (or a PvD) came from. */
enum pvd_source {
	PVD_SRC_RA = 0,
	PVD_SRC_DHCPV4,
	PVD_SRC_DHCPV6,
	PVD_SRC_STATIC,          /* files in /etc/mif/pvd.d */
	PVD_SRC_API,             /* added at run time through the control socket */
	PVD_SRC_PVDINFO,         /* RFC 8801 additional information (dnsZones) */
	PVD_SRC__MAX
};
const char *pvd_source_name(enum pvd_source s);

/* IPv4 items are stored as IPv4-mapped IPv6 addresses (::ffff:a.b.c.d,
 * addr_v4_mapped()) and prefixes with 96 added to their length, so one set
 * of lists serves both families; pvd_json prints them as IPv4. */

struct pvd_router {
	TAILQ_ENTRY(pvd_router) e;
	enum pvd_source source;
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
	struct in6_addr router;  /* :: when not from a router */
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
	struct in6_addr router;  /* next hop; :: for an on-link (interface) route */
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

#define PVD_DOMAIN_SERVERS 4
struct pvd_domain {
	TAILQ_ENTRY(pvd_domain) e;
	int ifindex;
	char name[DNAME_MAX_TEXT + 1];
	uint32_t lifetime;
	uint64_t expires;
	enum pvd_source source;
	/* RFC 6731 (DHCPv4 option 146, DHCPv6 option 74): the network named
	 * this domain for some of its servers, asked first for names under it
	 * (sel_servers; none: any of the PvD's), with that preference (1 high,
	 * 0 medium, -1 low), which breaks a tie between networks claiming the
	 * same domain. A domain without it counts as medium. */
	bool has_sel;
	int8_t pref;
	uint8_t n_sel;
	struct in6_addr sel_servers[PVD_DOMAIN_SERVERS];
};

/* An encrypted resolver (DNR, RFC 9463) as an RA, DHCPv6 or DHCPv4 named
 * it; kept with its lifetime like any item. Keyed by source, interface
 * and ADN: an RA option with the same ADN updates it, lifetime 0
 * withdraws it (section 6.1). */
struct pvd_dnr {
	TAILQ_ENTRY(pvd_dnr) e;
	int ifindex;
	struct dnr d;
	uint32_t lifetime;
	uint64_t expires;
	enum pvd_source source;
};

TAILQ_HEAD(pvd_router_list, pvd_router);
TAILQ_HEAD(pvd_dnr_list, pvd_dnr);
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
	uint32_t mtu;                    /* 0 if none; the smallest of mtu_by (pvd_set_mtu) */
	uint32_t mtu_by[PVD_SRC__MAX];   /* what each source said (RA 5, DHCPv4 26, MTU =) */
	char *captive_portal;            /* NULL if none */
	uint8_t metered_by;              /* bit per source saying "metered" (DHCPv4 43) */
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
	struct pvd_dns_list ntp;         /* NTP/SNTP servers (DHCP) */
	struct pvd_dnr_list dnr;         /* encrypted resolvers (RFC 9463) */

	enum pvd_source origin;          /* what created the PvD */
	bool persistent;                 /* static/API: stays until deleted */
	int bound_ifindex;               /* static/API: the interface named */
	enum pvd_source captive_source;
	/* enum conn_state (connectivity/conn.h), set by the engine from its
	 * checks; CONN_UNKNOWN while checks are off. Part of the published
	 * form, and read by the routing plan (a PvD not valid is not the
	 * default while another is). */
	uint8_t conn;
	/* Times the routing default (either family) moved away from this
	 * PvD because it failed its checks or lost its route
	 * (engine_route_moves.c); not part of the published form. */
	uint64_t failovers;

	/* The structural digest (pvd_digest.h) of the form last published;
	 * published is false until the PvD was first announced. */
	struct hash2 digest;
	bool published;
	/* Changed since last published, as far as the store can tell: items
	 * taken by another PvD ("last updater", RFC 8801 3.4) or expired. The
	 * owner sets it for what it changes itself (engine_sync_dirty). */
	bool dirty;
	/* The owner's cached encoding of the PvD for another process (the
	 * engine's view records, engine_net.c), stale once the PvD changed;
	 * freed with the PvD. */
	uint8_t *view_rec;
	size_t view_len;
	uint64_t view_hash;
	bool view_stale;
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
struct pvd *pvd_find(const struct pvd_store *s, const char *id_or_handle);
/* The PvD with this handle, or NULL. */
struct pvd *pvd_find_handle(const struct pvd_store *s, uint64_t handle);
/* Create a PvD; ifname is used for an implicit PvD's id ("fe80::1%eth0").
 * Returns NULL on allocation failure. */
struct pvd *pvd_create_explicit(struct pvd_store *s, const char *fqdn);
struct pvd *pvd_create_implicit(struct pvd_store *s, int ifindex,
				const struct in6_addr *router, const char *ifname);
/* A named PvD defined by configuration or the API (RFC 7556 explicit PvD
 * without an RA): persistent until pvd_destroy(). */
struct pvd *pvd_create_named(struct pvd_store *s, const char *id, enum pvd_source origin,
			     int ifindex);
/* A PvD as another store has it (the network-facing process's read-only
 * view, control/netview.c): same handle, id and kind, no items yet. */
struct pvd *pvd_create_copy(struct pvd_store *s, uint64_t handle, const char *id,
			    bool explicit_, enum pvd_source origin);
void pvd_destroy(struct pvd_store *s, struct pvd *p);

/*
 * Apply one parsed RA received at `now` on ifindex from `src` to PvD p.
 * Objects stored in p are removed from every other PvD (last updater wins).
 * Zero lifetimes withdraw. Returns 0 or -ENOMEM.
 */
int pvd_apply_ra(struct pvd_store *s, struct pvd *p, const struct ra *ra,
		 int ifindex, const struct in6_addr *src, uint64_t now);

/*
 * Items from sources other than RA are replaced wholesale: the caller
 * drops what a source said on an interface, then adds its new set. Each
 * adder returns 0 or -ENOMEM. `lifetime` is what the source granted (shown,
 * and part of the change digest); `expires` the absolute monotonic time the
 * item lapses (PVD_NEVER for none).
 */
void pvd_drop_source(struct pvd_store *s, enum pvd_source src, int ifindex);
void pvd_drop_source_in(struct pvd *p, enum pvd_source src, int ifindex);
int pvd_add_router(struct pvd *p, enum pvd_source src, int ifindex, const struct in6_addr *a,
		   uint32_t lifetime, uint64_t expires);
int pvd_add_prefix(struct pvd *p, enum pvd_source src, int ifindex, const struct in6_addr *pfx,
		   uint8_t plen, uint32_t lifetime, uint64_t expires);
int pvd_add_route(struct pvd *p, enum pvd_source src, int ifindex, const struct in6_addr *pfx,
		  uint8_t plen, const struct in6_addr *gw, uint32_t lifetime, uint64_t expires);
int pvd_add_dns(struct pvd *p, enum pvd_source src, int ifindex, const struct in6_addr *a,
		uint32_t lifetime, uint64_t expires);
int pvd_add_ntp(struct pvd *p, enum pvd_source src, int ifindex, const struct in6_addr *a,
		uint32_t lifetime, uint64_t expires);
int pvd_add_domain(struct pvd *p, enum pvd_source src, int ifindex, const char *name,
		   uint32_t lifetime, uint64_t expires);
int pvd_add_dnr(struct pvd *p, enum pvd_source src, int ifindex, const struct dnr *d,
		uint32_t lifetime, uint64_t expires);
/* RFC 6731: mark p's domain name (already added) as named for server
 * (NULL or unspecified: no server of its own) with preference pref; the
 * highest preference given for it stays. -ENOENT: no such domain. */
int pvd_domain_select(struct pvd *p, const char *name, const struct in6_addr *server,
		      int8_t pref);
/* Set the MTU src says (0: src says none). The PvD's MTU is the smallest
 * any source gives (issue 20: a dual-stack PvD whose RA and DHCPv4 differ
 * takes the smaller; the conflict shows in its JSON); marks p dirty when
 * that changes. */
void pvd_set_mtu(struct pvd *p, enum pvd_source src, uint32_t mtu);
/* Do p's sources give different MTUs? */
bool pvd_mtu_conflict(const struct pvd *p);
/* Does src say this network is metered (the DHCPv4 option 43 hint, for
 * this PvD only)? Marks p dirty when that changes. */
void pvd_set_metered_hint(struct pvd *p, enum pvd_source src, bool metered);
static inline bool pvd_metered_hint(const struct pvd *p) { return p->metered_by != 0; }
/* Set the captive portal URI from src (NULL clears what src had set). */
int pvd_set_captive_portal(struct pvd *p, enum pvd_source src, const char *uri);
/* Already there, from any source (names compare as DNS names)? */
bool pvd_has_dns(const struct pvd *p, const struct in6_addr *a);
bool pvd_has_domain(const struct pvd *p, const char *name);

/* Remove every object learnt on ifindex (link down or gone). */
void pvd_forget_ifindex(struct pvd_store *s, int ifindex);

/* Remove objects whose expiry is <= now. */
void pvd_expire(struct pvd *p, uint64_t now);

/* True if nothing with a lifetime remains: the PvD should disappear. */
bool pvd_is_empty(const struct pvd *p);

/*
 * RFC 7556 section 7 (and RFC 6731 section 4.3): a PvD the host's owner
 * configured (a PvD file, or one added through the control socket by
 * root, such as a VPN's) is trusted; one that a network announced (RA,
 * DHCPv4, DHCPv6) is not, whatever it claims. An untrusted PvD never
 * takes a trusted one's DNS domains, reverse zones or routes.
 */
static inline bool pvd_trusted(const struct pvd *p)
{
	return p->origin == PVD_SRC_STATIC || p->origin == PVD_SRC_API;
}

/* Earliest expiry in p (PVD_NEVER if none). */
uint64_t pvd_next_expiry(const struct pvd *p);

/* The first of p's prefixes that holds the host address na on na's link,
 * or NULL; *ret_key is na's address as the store keys it (nl_addr_key). */
const struct pvd_prefix *pvd_prefix_holding(const struct pvd *p, const struct nl_addr *na,
					    struct in6_addr *ret_key);

/* Does ifindex appear in any object of p? */
bool pvd_on_ifindex(const struct pvd *p, int ifindex);

/* Lifetime in seconds -> absolute expiry. */
uint64_t pvd_deadline(uint64_t now, uint32_t lifetime);

#endif
