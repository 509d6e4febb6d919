/* SPDX-License-Identifier: MIT */
/*
 * Discovery of Designated Resolvers (DDR, RFC 9462 section 4): the query
 * for `_dns.resolver.arpa` SVCB (type 64) a client sends its clear-text
 * resolver, and the answer's ServiceMode SVCB records (RFC 9460 section
 * 2.2; the DNS SvcParams of RFC 9461), each a designated resolver: its
 * TargetName, alpn, port and addresses (ipv4hint / ipv6hint, and A / AAAA
 * records for the TargetName in the Additional section, section 4 of RFC
 * 9462). Pure: the caller passes the bytes; nothing is allocated; a
 * malformed record or message is -EBADMSG with the output untouched.
 */
#ifndef MIF_PROTO_SVCB_H
#define MIF_PROTO_SVCB_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/dname.h"

#define SVCB_TYPE 64
#define DDR_QNAME "_dns.resolver.arpa"
#define DDR_MAX_ADDRS 4             /* kept per designated resolver */

struct svcb_resolver {
	uint16_t priority;             /* lower first; 0 (AliasMode) is never returned */
	char target[DNAME_MAX_TEXT + 1];   /* dotted, no trailing dot, never "" */
	unsigned alpn;                 /* DNR_ALPN_* (proto/dnr.h) */
	uint16_t port;                 /* 0: the protocol's default */
	size_t n_addrs;                /* hints first (IPv4 v4-mapped), then Additional */
	struct in6_addr addrs[DDR_MAX_ADDRS];
	uint32_t ttl;                  /* the SVCB record's */
};

/*
 * The RDATA of one SVCB record (RFC 9460 section 2.2): SvcPriority, an
 * uncompressed TargetName, SvcParams with keys strictly increasing.
 * -EBADMSG when malformed; -ENOTSUP for a well-formed record a DDR client
 * must not use: AliasMode (priority 0), the root TargetName (RFC 9462
 * section 4: never "." for resolver.arpa), or a mandatory key it does not
 * understand (RFC 9462 section 3).
 */
int svcb_parse_rdata(const uint8_t *rd, size_t len, struct svcb_resolver *out);

/* The DDR query (RD set, EDNS0 with a 1232-octet size). Length or < 0. */
int ddr_build_query(uint8_t *buf, size_t cap, uint16_t id);

/*
 * The usable designated resolvers of an answer to ddr_build_query()
 * (the caller has matched ID and question): every SVCB record for
 * _dns.resolver.arpa in the Answer section that svcb_parse_rdata()
 * accepts, lowest priority first, at most cap (more are dropped), each
 * with the Additional section's A / AAAA records for its TargetName after
 * its hints. *n is 0 for NODATA, NXDOMAIN or records all unusable.
 * -EBADMSG when the message or one SVCB record for that name is malformed
 * (the whole answer is distrusted then).
 */
int ddr_parse_answer(const uint8_t *msg, size_t len, struct svcb_resolver *out, size_t cap,
		     size_t *n);

#endif
