/* SPDX-License-Identifier: MIT */
/*
 * A PvD described by configuration (/etc/mif/pvd.d/NAME.conf) or by the
 * control socket (pvd.add / pvd.set), the way a VPN client's up script
 * describes its tunnel. One validator serves both: the INI file is turned
 * into the same JSON object the API takes. Errors name the bad field.
 *
 * JSON form:
 *   {"id": "corp", "interface": "tun0", "dns": ["10.8.0.1"],
 *    "domains": ["corp.example"], "routes": ["10.0.0.0/8",
 *    "10.1.0.0/16 via 10.8.0.254"], "prefixes": ["10.8.0.0/24"], "mtu": 1400,
 *    "dot": ["dns.corp.example 10.8.0.1", "dns.corp.example 10.8.0.2 8853"]}
 * INI form (keys repeat for lists):
 *   [PvD]
 *   Id = corp
 *   Interface = tun0
 *   DNS = 10.8.0.1
 *   Domain = corp.example
 *   Route = 10.0.0.0/8
 *   Route = 10.1.0.0/16 via 10.8.0.254
 *   Prefix = 10.8.0.0/24
 *   MTU = 1400
 *   DNSOverTLS = dns.corp.example 10.8.0.1
 */
#ifndef MIF_DAEMON_PVD_SPEC_H
#define MIF_DAEMON_PVD_SPEC_H

#include <jansson.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "daemon/pvd/pvd.h"

#define PVD_SPEC_MAX_ITEMS 32

struct pvd_spec_route {
	struct in6_addr prefix;          /* IPv4 mapped, plen + 96 */
	uint8_t plen;
	struct in6_addr gw;              /* :: if none */
};

/* An encrypted resolver of the PvD, configured (a DoT resolver as DNR
 * would announce it: its ADN, one address, a port). */
#define PVD_SPEC_MAX_DOT 4
struct pvd_spec_dot {
	char adn[DNAME_MAX_TEXT + 1];
	struct in6_addr addr;            /* IPv4 mapped */
	uint16_t port;                   /* 853 unless given */
};

struct pvd_spec {
	char id[PVD_ID_MAX];
	char ifname[IFNAMSIZ];
	size_t n_dns, n_domains, n_routes, n_prefixes;
	struct in6_addr dns[PVD_SPEC_MAX_ITEMS];
	char domains[PVD_SPEC_MAX_ITEMS][DNAME_MAX_TEXT + 1];
	struct pvd_spec_route routes[PVD_SPEC_MAX_ITEMS];
	struct pvd_spec_route prefixes[PVD_SPEC_MAX_ITEMS];   /* gw unused */
	uint32_t mtu;                    /* 0: none */
	size_t n_dot;
	struct pvd_spec_dot dot[PVD_SPEC_MAX_DOT];
};

/* Which fields a JSON object names (for pvd.set, which replaces only those). */
enum {
	PVD_SPEC_F_INTERFACE = 1 << 0, PVD_SPEC_F_DNS = 1 << 1, PVD_SPEC_F_DOMAINS = 1 << 2,
	PVD_SPEC_F_ROUTES = 1 << 3, PVD_SPEC_F_PREFIXES = 1 << 4, PVD_SPEC_F_MTU = 1 << 5,
	PVD_SPEC_F_DOT = 1 << 6,
};

/*
 * Validate a JSON object into spec. With `partial` (pvd.set) only the id is
 * required and *fields says which fields were given; otherwise id and
 * interface are required. Unknown keys are errors. Returns 0 or -EINVAL
 * with a message naming the field in err.
 */
int pvd_spec_from_json(json_t *o, bool partial, struct pvd_spec *spec, unsigned *fields,
		       char *err, size_t errlen);
/* Copy the fields named in `fields` from upd into base. */
void pvd_spec_merge(struct pvd_spec *base, const struct pvd_spec *upd, unsigned fields);
/* Read an INI file's text into the JSON form (then use pvd_spec_from_json;
 * the privileged parent reads the file, name is how errors name it).
 * Returns NULL with err set ("file:line: ...") on a syntax error, a line
 * too long, or an unknown section or key. */
json_t *pvd_spec_ini_text_to_json(const char *name, const char *text, char *err,
				  size_t errlen);
/* The same from the file at path ("path: cannot read it: ..." too). */
json_t *pvd_spec_ini_to_json(const char *path, char *err, size_t errlen);

/* Parse "addr" / "prefix/len" (IPv4 or IPv6). Return 0 or -EINVAL. */
int pvd_spec_parse_addr(const char *s, struct in6_addr *out);
int pvd_spec_parse_prefix(const char *s, struct in6_addr *out, uint8_t *plen);

#endif
