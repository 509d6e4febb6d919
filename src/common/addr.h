/* SPDX-License-Identifier: MIT */
/*
 * Addresses as mifd, libmif and mifctl keep them: one 128-bit form for both
 * families, IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d, RFC 4291 2.5.5.2) with
 * the prefix length counted in that form (an IPv4 /24 is /120). Written
 * once here so that every part maps, matches and parses the same way.
 */
#ifndef MIF_COMMON_ADDR_H
#define MIF_COMMON_ADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Room for the longest "address/length" addr_prefix_format() writes. */
#define ADDR_PREFIX_STRLEN (INET6_ADDRSTRLEN + 4)

/* a as ::ffff:a.b.c.d. */
void addr_v4_mapped(struct in_addr a, struct in6_addr *ret_addr);

/* Text of a: an IPv4-mapped address as plain IPv4, anything else as IPv6.
 * Returns buf (len at least INET6_ADDRSTRLEN). */
const char *addr_ntop(const struct in6_addr *a, char *buf, size_t len);

/* Is a inside prefix/plen (plen in the 128-bit form)? Bits past plen are
 * ignored on both sides; a plen over 128 matches nothing. */
bool addr_in_prefix(const struct in6_addr *a, const struct in6_addr *prefix, unsigned plen);

/* Clear every bit of a past plen (nothing if plen >= 128). */
void addr_mask(struct in6_addr *a, unsigned plen);

/* Are all bits of a past plen zero? False if plen is over 128. */
bool addr_prefix_clean(const struct in6_addr *a, unsigned plen);

/* "2001:db8::1" or "192.0.2.1" (stored IPv4-mapped). Returns AF_INET6 or
 * AF_INET, which the text was, or -EINVAL; *ret_addr untouched on failure.
 * IPv6 text that is itself IPv4-mapped comes back as AF_INET6. */
int addr_parse(const char *s, struct in6_addr *ret_addr);

/* "ADDR/LEN", LEN in decimal digits only, at most 128 for IPv6 and 32 for
 * IPv4 (whose *ret_plen is then LEN + 96). Host bits are not checked
 * (addr_prefix_clean). Returns AF_INET6, AF_INET or -EINVAL, with the
 * out-parameters untouched on failure. */
int addr_prefix_parse(const char *s, struct in6_addr *ret_addr, uint8_t *ret_plen);

/* "ADDR/LEN" for prefix a/plen, an IPv4-mapped one as IPv4 with plen - 96.
 * Returns 0 or -ENOSPC (buf then holds a truncated string). */
/* a (IPv4 as v4-mapped) and port as a sockaddr_in or sockaddr_in6; a
 * link-local IPv6 address gets ifindex as its scope. */
struct sockaddr_storage;
void addr_sockaddr(const struct in6_addr *a, uint16_t port, int ifindex,
		   struct sockaddr_storage *ss, unsigned *len);

int addr_prefix_format(const struct in6_addr *a, unsigned plen, char *buf, size_t len);

/* Whether two socket addresses (sockaddr_in or sockaddr_in6, lengths as
 * the kernel gave them) are the same endpoint: family, address and port;
 * for a link-local IPv6 address the scope too. Flow labels do not count. */
bool addr_sockaddr_same(const struct sockaddr_storage *a, socklen_t a_len,
			const struct sockaddr_storage *b, socklen_t b_len);

#endif
