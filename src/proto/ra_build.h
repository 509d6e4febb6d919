/* SPDX-License-Identifier: MIT */
/*
 * Router Advertisement builder, for the test RA sender, unit tests, fuzz
 * corpora and benchmarks. Writes into a caller buffer through a wbuf, so
 * overflow is checked once at the end (ra_build_finish).
 * It can also write deliberately malformed options (ra_build_raw).
 */
#ifndef MIF_PROTO_RA_BUILD_H
#define MIF_PROTO_RA_BUILD_H

#include "common/buf.h"
#include "proto/ra.h"

struct ra_builder {
	struct wbuf w;
	size_t pvd_start;        /* offset of the open PvD option, or SIZE_MAX */
};

void ra_build_init(struct ra_builder *b, void *buf, size_t cap);
/* The 16-octet RA header (type 134, code 0, checksum 0: the kernel fills it). */
void ra_build_header(struct ra_builder *b, const struct ra_header *h);
/* The 8-octet Router Solicitation header (RFC 4861 section 4.1: type 133,
 * code 0, checksum 0 for the kernel to fill, 4 reserved octets). Options
 * may follow (only the source link-layer address is defined for it). */
void ra_build_rs_header(struct ra_builder *b);
void ra_build_slla(struct ra_builder *b, const uint8_t *mac, size_t len);
void ra_build_mtu(struct ra_builder *b, uint32_t mtu);
void ra_build_prefix(struct ra_builder *b, const struct ra_prefix *p);
void ra_build_route(struct ra_builder *b, const struct ra_route *r);
/* One RDNSS option with n addresses sharing one lifetime. */
void ra_build_rdnss(struct ra_builder *b, const struct in6_addr *addrs, size_t n, uint32_t lifetime);
/* One DNSSL option with n names sharing one lifetime. Returns -EINVAL on a bad name. */
int ra_build_dnssl(struct ra_builder *b, const char *const *names, size_t n, uint32_t lifetime);
void ra_build_captive_portal(struct ra_builder *b, const char *uri);
/* plen one of 96, 64, 56, 48, 40, 32; lifetime in seconds (rounded up to 8 s units). */
int ra_build_pref64(struct ra_builder *b, const struct in6_addr *prefix, uint8_t plen, uint32_t lifetime);
/*
 * Open a PvD ID option. Options built until ra_build_pvd_end() are nested
 * in it; if hdr is not NULL the R flag is set and hdr is written as the
 * nested RA header. Returns -EINVAL for a bad id, -EBUSY if one is open.
 */
int ra_build_pvd_begin(struct ra_builder *b, const struct ra_pvd *pvd, const struct ra_header *hdr);
int ra_build_pvd_end(struct ra_builder *b);
/* Any bytes, as-is (for malformed options in tests). */
void ra_build_raw(struct ra_builder *b, const void *data, size_t len);
/* Total length, or -EMSGSIZE on overflow, -EINVAL if a PvD option is open. */
int ra_build_finish(struct ra_builder *b);

#endif
