/* SPDX-License-Identifier: MIT */
/*
 * The [mobility] section of mifd.conf (man/mifd.conf.5): the mobile-node
 * role (doc/mobility.md). Pure: parsing and checking only. The parent
 * reads the key file and makes the TUN device from it, the engine takes
 * the preference order, the network-facing process the rest.
 */
#ifndef MIF_DAEMON_MOBILITY_MOB_CONFIG_H
#define MIF_DAEMON_MOBILITY_MOB_CONFIG_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/mobility/mob_flow.h"
#include "daemon/mobility/mob_hoa.h"

#define MOB_MAX_ROUTES 8
#define MOB_MAX_PREFER 8        /* entries of prefer = */
#define MOB_MAX_HOMES (MOB_HOA_MAX - 1) /* [mobility NAME] sections */

/* A further home address: a [mobility NAME] section (mob_config_home.c,
 * doc/mobility.md "Several home addresses"), with its own home agent,
 * key and SPI; the rest ([mobility]'s tun, routes, port, heartbeats) is
 * shared. */
struct mob_home {
	char name[32];
	struct in6_addr hoa;
	uint8_t hoa_plen;
	struct in6_addr home_agent;
	bool has_ha6, has_ha4;
	struct in6_addr ha6;
	struct in_addr ha4;
	char key_file[256];
	uint32_t spi;
	char via[MOB_HOA_MAX_VIA][32];   /* interfaces or other homes' names */
	size_t n_via;
};

struct mob_config {
	bool enabled;
	struct in6_addr home_agent;      /* its address in the home prefix (signalling) */
	bool has_ha6, has_ha4;
	struct in6_addr ha6;             /* outer endpoints of the home agent */
	struct in_addr ha4;
	uint16_t port;                   /* UDP, 4191 by default */
	struct in6_addr hoa;
	uint8_t hoa_plen;
	char key_file[256];
	uint32_t spi;
	uint32_t interval_ms, misses;    /* heartbeats: 100 ms, 3 */
	uint32_t mtu;                    /* of the TUN device */
	bool offload;                    /* TUN offloads and UDP GSO/GRO (yes) */
	bool fast_path;                  /* the kernel fast path, mn_fast.h (yes) */
	bool partial_csum;               /* TCP sums left partial in the tunnel
					  * (yes; vnet.h): no for an older agent */
	char tun[IFNAMSIZ];
	struct in6_addr routes[MOB_MAX_ROUTES];   /* through the tunnel */
	uint8_t route_plen[MOB_MAX_ROUTES];
	size_t n_routes;
	/* Most preferred first: a class ("wired", "wifi", "cellular", "vpn",
	 * as route_class_of() tells them) or an interface name. */
	char prefer[MOB_MAX_PREFER][IFNAMSIZ];
	size_t n_prefer;
	/* RFC 5555 IPv4 home address and the IPv4 prefixes through the
	 * tunnel (mob_config4.c). */
	bool has_hoa4;
	struct in_addr hoa4;
	uint8_t hoa4_plen;
	struct in_addr routes4[MOB_MAX_ROUTES];
	uint8_t route4_plen[MOB_MAX_ROUTES];
	size_t n_routes4;
	/* flow = lines: flow bindings (mob_flow.h), checked, kept as text. */
	char flows[MOB_FLOW_MAX][MOB_FLOW_SPEC_MAX];
	size_t n_flows;
	/* [mobility]'s own home address as the pairing rule names it
	 * (name =, default "home") and its via list (via =). */
	char name[32];
	char via[MOB_HOA_MAX_VIA][32];
	size_t n_via;
	struct mob_home homes[MOB_MAX_HOMES];
	size_t n_homes;
};

void mob_config_defaults(struct mob_config *c);
/* Set key of [mobility] from its text; name starts the message in err.
 * 0, -EINVAL (bad value) or -ENOENT (unknown key). */
int mob_config_set(struct mob_config *c, const char *key, const char *name, const char *value,
		   char *err, size_t errlen);
/* After the whole file: what an enabled role cannot do without. 0 or
 * -EINVAL with err set. */
int mob_config_check(const struct mob_config *c, char *err, size_t errlen);
/* home_address4 and routes4 (mob_config4.c): as mob_config_set(). */
int mob_config_set4(struct mob_config *c, const char *key, const char *name, const char *value,
		    char *err, size_t errlen);

/* A key of [mobility NAME] (mob_config_home.c): home_address,
 * home_agent, home_agent_address, key_file, spi, via. The first key of a
 * new NAME opens its home address. As mob_config_set(). */
int mob_config_set_home(struct mob_config *c, const char *section_name, const char *key,
			const char *name, const char *value, char *err, size_t errlen);
/* name = and via = of [mobility] (mob_config_home.c). */
int mob_config_set_self(struct mob_config *c, const char *key, const char *name,
			const char *value, char *err, size_t errlen);
/* Every home address ([mobility] and each [mobility NAME]) complete,
 * names and addresses distinct, via lists without a loop (mob_hoa.h).
 * 0 or -EINVAL / -ELOOP with err set. */
int mob_config_check_homes(const struct mob_config *c, char *err, size_t errlen);
/* Nesting as mifd runs it (analysis 6.3.1): a home address named in a
 * via list is not itself nested (depth 2 at most), and the nested one has
 * an IPv6 home_agent_address. 0 or -EINVAL with err set. Called by
 * mob_config_check() after mob_config_check_homes(), so that a loop is
 * named as such first. */
int mob_config_check_nesting(const struct mob_config *c, char *err, size_t errlen);
/* The home addresses in mob_hoa.h's terms, [mobility]'s first; cap at
 * least 1 + n_homes. The count. */
size_t mob_config_hoas(const struct mob_config *c, struct mob_hoa *out, size_t cap);

#endif
