/* SPDX-License-Identifier: MIT */
/*
 * Which PvD's servers answer a name (problem statement 4.1, RFC 8801 3.4.4,
 * RFC 6731): a pure decision with its reason, for the stub resolver and
 * for `mifctl resolve` to explain.
 *   1. a PvD the client asked for always wins;
 *   2. a reverse name (in-addr.arpa, ip6.arpa) for an address inside a
 *      PvD's prefix goes to that PvD;
 *   3. a name under a PvD's domains (RA DNSSL, DHCP domain name and search
 *      list, static/VPN domains) goes to that PvD, longest suffix winning;
 *   4. anything else goes to the default PvD, with the others as ordered
 *      fallbacks for SERVFAIL or timeout (never for NXDOMAIN), leaving out
 *      PvDs that do not carry general Internet names (a split-tunnel VPN:
 *      a static or API PvD that does not claim the default route).
 * Only PvDs with DNS servers are chosen.
 */
#ifndef MIF_DAEMON_DNS_SELECT_H
#define MIF_DAEMON_DNS_SELECT_H

#include <stddef.h>
#include <stdint.h>

#include "daemon/pvd/pvd.h"
#include "proto/dns.h"

#define DNS_SELECT_MAX 8

enum dns_select_rule { DNS_SEL_ASKED, DNS_SEL_REVERSE, DNS_SEL_DOMAIN, DNS_SEL_DEFAULT,
		       DNS_SEL_NONE };

struct dns_choice {
	enum dns_select_rule rule;
	uint64_t pvd[DNS_SELECT_MAX];    /* handles: first is asked first */
	size_t n;
	bool quiet;                      /* why is not written */
	char why[640];
};

/*
 * Decide for qname (dotted text, trailing dot optional). rank lists PvD
 * handles best first (the routing default order); PvDs not in it come
 * after, oldest first. asked is a handle, or 0. Returns 0, or -ENOENT when
 * no PvD can answer (out->why says why).
 */
int dns_select(const struct pvd_store *s, const char *qname, const uint64_t *rank,
	       size_t n_rank, uint64_t asked, struct dns_choice *out);
/* The same decision; out->why is written only when want_why is set (the
 * stub's hot path does not format text). */
int dns_select_ex(const struct pvd_store *s, const char *qname, const uint64_t *rank,
		  size_t n_rank, uint64_t asked, bool want_why, struct dns_choice *out);

/*
 * RFC 6731 within one PvD: the servers p's network named (DHCPv4 option
 * 146, DHCPv6 option 74) for the longest of its domains that qname is
 * under, to be asked before its other servers for that name (section 4.1:
 * the most specific domain match decides). Writes up to cap of them to
 * out; returns how many (0: no option named a server for the name, every
 * server is alike).
 */
size_t dns_select_named(const struct pvd *p, const char *qname, struct in6_addr *out,
			size_t cap);

#endif
