/* SPDX-License-Identifier: MIT */
/*
 * Stateless address autoconfiguration decisions (RFC 4862) for prefixes the
 * kernel never sees: those nested in an RA PvD option (RFC 8801 section
 * 3.4), which a non-PvD-aware host, the Linux kernel included, skips whole.
 * Pure functions; the engine applies their results through the kernel side,
 * and the kernel performs duplicate address detection.
 */
#ifndef MIF_DAEMON_SLAAC_H
#define MIF_DAEMON_SLAAC_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SLAAC_TWO_HOURS 7200u

/* Which interface identifiers mifd forms, and the policy it sets on the
 * kernel's own SLAAC of the interfaces it manages (address_privacy =). */
enum slaac_privacy {
	SLAAC_STABLE,                /* RFC 7217 (default) */
	SLAAC_TEMPORARY,             /* RFC 7217 plus RFC 8981 temporary addresses */
	SLAAC_EUI64,                 /* modified EUI-64; the kernel left as it is */
};
const char *slaac_privacy_name(enum slaac_privacy p);

/* Modified EUI-64 interface identifier from a 48-bit MAC (RFC 4291
 * appendix A) or a 64-bit EUI. Returns -EINVAL for other lengths or an
 * all-zero address. */
int slaac_iid(const uint8_t *hw, size_t hwlen, uint8_t iid[8]);

/*
 * RFC 7217 section 5: a stable, semantically opaque interface identifier,
 *   RID = F(Prefix, Net_Iface, Network_ID, DAD_Counter, secret_key)
 * with F = SHA-256 (one of the two functions section 5 names) over the
 * concatenation, in this order, of: the prefix's first 8 bytes (the /64),
 * the interface name, a 0 byte, the network identifier (the PvD's FQDN in
 * lower case; "" if none), a 0 byte, DAD_Counter as one byte, the 32-byte
 * secret. The identifier is RID's leftmost 64 bits. The zero bytes keep
 * ("ab", "c") and ("a", "bc") apart. Returns -EINVAL if the identifier
 * would be a reserved one (RFC 5453; section 5: then DAD_Counter is
 * incremented and the identifier computed again), else 0.
 */
#define SLAAC_SECRET_LEN 32
#define SLAAC_IDGEN_RETRIES 3        /* RFC 7217 section 6 */
int slaac_stable_iid(const struct in6_addr *prefix, const char *net_iface,
		     const char *network_id, uint8_t dad_counter,
		     const uint8_t secret[SLAAC_SECRET_LEN], uint8_t iid[8]);
/* An interface identifier reserved by RFC 5453 (the IANA registry):
 * all zeroes (subnet-router anycast), 0200:5EFF:FE00:0000 to
 * 0200:5EFF:FEFF:FFFF, FDFF:FFFF:FFFF:FF80 to FDFF:FFFF:FFFF:FFFF. */
bool slaac_iid_reserved(const uint8_t iid[8]);

/* prefix/64 + iid. Returns -EINVAL unless plen is 64, the only length that
 * leaves room for a 64-bit identifier (RFC 4862 section 5.5.3 d). */
int slaac_address(const struct in6_addr *prefix, uint8_t plen, const uint8_t iid[8],
		  struct in6_addr *out);

/*
 * The valid lifetime to program after receiving `received` for an address
 * that has `remaining` seconds left (RFC 4862 section 5.5.3 e, the
 * "two-hour rule", which keeps a forged RA from killing addresses):
 * a new address takes `received`; an existing one takes it if it exceeds two
 * hours or the remaining lifetime; otherwise it keeps `remaining` if that is
 * two hours or less, else drops to two hours.
 */
uint32_t slaac_valid_lifetime(bool exists, uint32_t received, uint32_t remaining);

#endif
