/* SPDX-License-Identifier: MIT */
/*
 * Router Advertisement builder: the inverse of ra.c, for the test RA sender,
 * unit tests, fuzz seeds and benchmarks. Writes go through a wbuf, so a
 * too-small buffer is reported once by ra_build_finish().
 *
 * It writes what it is given: prefixes are not masked and flags are not
 * checked, so tests can build odd but well-framed options; ra_build_raw()
 * covers framing that is broken on purpose.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "common/buf.h"
#include "proto/dname.h"
#include "proto/ra.h"
#include "proto/ra_build.h"

#define RA_UNIT 8                  /* ND option Length unit (RFC 4861 4.6) */
#define RA_MAX_UNITS 255           /* Length is one octet */
#define RA_BUILD_TYPE_RA 134       /* Router Advertisement (RFC 4861 4.2) */

/* PREF64 prefix lengths indexed by PLC (RFC 8781 section 4). */
static const uint8_t ra_build_pref64_plens[] = { 96, 64, 56, 48, 40, 32 };

/* RFC 4191 2.1: high 01, medium 00, low 11. */
static uint8_t ra_build_prf(enum ra_pref p)
{
	switch (p) {
	case RA_PREF_HIGH:
		return 1;
	case RA_PREF_LOW:
		return 3;
	default:
		return 0;
	}
}

/* Units needed for an option of n octets including Type and Length. */
static size_t ra_build_units(size_t n)
{
	return (n + RA_UNIT - 1) / RA_UNIT;
}

/* Zero-pad the option that started at start to a multiple of 8 octets and
 * write its Length. An option that cannot be framed marks the buffer as
 * overflowed, so finish() fails rather than send a wrong Length. */
static void ra_build_close(struct ra_builder *b, size_t start)
{
	struct wbuf *w = &b->w;
	size_t units;

	if (w->overflow)
		return;
	units = ra_build_units(w->len - start);
	wbuf_put(w, NULL, units * RA_UNIT - (w->len - start));
	if (units > RA_MAX_UNITS)
		w->overflow = 1;
	if (!w->overflow)
		w->base[start + 1] = (uint8_t)units;
}

/* Type and a placeholder Length; returns the option start for close(). */
static size_t ra_build_open(struct ra_builder *b, uint8_t type)
{
	size_t start = b->w.len;

	wbuf_u8(&b->w, type);
	wbuf_u8(&b->w, 0);
	return start;
}

/* Forget a half-written option, e.g. after a bad name. */
static void ra_build_rollback(struct ra_builder *b, size_t start)
{
	if (!b->w.overflow)
		b->w.len = start;
}

void ra_build_init(struct ra_builder *b, void *buf, size_t cap)
{
	wbuf_init(&b->w, buf, cap);
	b->pvd_start = SIZE_MAX;
}

/* RFC 4861 4.2 layout with the given ICMPv6 Type; Checksum 0 because the
 * kernel computes it for raw ICMPv6 sockets (RFC 3542 3.1). */
static void ra_build_header_typed(struct ra_builder *b, const struct ra_header *h,
				  uint8_t type)
{
	uint8_t flags = 0;

	flags |= h->managed ? 0x80 : 0;
	flags |= h->other ? 0x40 : 0;
	flags |= h->home_agent ? 0x20 : 0;
	flags |= (uint8_t)(ra_build_prf(h->pref) << 3);
	flags |= h->proxy ? 0x04 : 0;
	wbuf_u8(&b->w, type);
	wbuf_u8(&b->w, 0);
	wbuf_be16(&b->w, 0);
	wbuf_u8(&b->w, h->cur_hop_limit);
	wbuf_u8(&b->w, flags);
	wbuf_be16(&b->w, h->router_lifetime);
	wbuf_be32(&b->w, h->reachable_ms);
	wbuf_be32(&b->w, h->retrans_ms);
}

void ra_build_header(struct ra_builder *b, const struct ra_header *h)
{
	ra_build_header_typed(b, h, RA_BUILD_TYPE_RA);
}

void ra_build_rs_header(struct ra_builder *b)
{
	static const uint8_t rs[8] = { 133, 0, 0, 0, 0, 0, 0, 0 };

	wbuf_put(&b->w, rs, sizeof(rs));
}

void ra_build_slla(struct ra_builder *b, const uint8_t *mac, size_t len)
{
	size_t start = ra_build_open(b, ND_OPT_SLLA);

	wbuf_put(&b->w, mac, len);
	ra_build_close(b, start);
}

void ra_build_mtu(struct ra_builder *b, uint32_t mtu)
{
	size_t start = ra_build_open(b, ND_OPT_MTU_);

	wbuf_be16(&b->w, 0);
	wbuf_be32(&b->w, mtu);
	ra_build_close(b, start);
}

/* RFC 4861 4.6.2, always 32 octets. */
void ra_build_prefix(struct ra_builder *b, const struct ra_prefix *p)
{
	size_t start = ra_build_open(b, ND_OPT_PIO);
	uint8_t flags = 0;

	flags |= p->onlink ? 0x80 : 0;
	flags |= p->autonomous ? 0x40 : 0;
	flags |= p->router_addr ? 0x20 : 0;
	wbuf_u8(&b->w, p->plen);
	wbuf_u8(&b->w, flags);
	wbuf_be32(&b->w, p->valid);
	wbuf_be32(&b->w, p->preferred);
	wbuf_be32(&b->w, 0);
	wbuf_put(&b->w, &p->prefix, 16);
	ra_build_close(b, start);
}

/* RFC 4191 2.3: the shortest Length allowed for the prefix length, so the
 * prefix field is 0, 8 or 16 octets. */
void ra_build_route(struct ra_builder *b, const struct ra_route *r)
{
	size_t start = ra_build_open(b, ND_OPT_RIO);
	size_t plen_octets = r->plen == 0 ? 0 : r->plen <= 64 ? 8 : 16;

	wbuf_u8(&b->w, r->plen);
	wbuf_u8(&b->w, (uint8_t)(ra_build_prf(r->pref) << 3));
	wbuf_be32(&b->w, r->lifetime);
	wbuf_put(&b->w, &r->prefix, plen_octets);
	ra_build_close(b, start);
}

/* RFC 8106 5.1: Length 1 + 2N. */
void ra_build_rdnss(struct ra_builder *b, const struct in6_addr *addrs,
		    size_t n, uint32_t lifetime)
{
	size_t start = ra_build_open(b, ND_OPT_RDNSS_);

	wbuf_be16(&b->w, 0);
	wbuf_be32(&b->w, lifetime);
	for (size_t i = 0; i < n; i++)
		wbuf_put(&b->w, &addrs[i], 16);
	ra_build_close(b, start);
}

/* RFC 8106 5.2: uncompressed names back to back, zero-padded. */
int ra_build_dnssl(struct ra_builder *b, const char *const *names, size_t n,
		   uint32_t lifetime)
{
	size_t start = ra_build_open(b, ND_OPT_DNSSL_);

	wbuf_be16(&b->w, 0);
	wbuf_be32(&b->w, lifetime);
	for (size_t i = 0; i < n; i++) {
		if (dname_to_wire(names[i], &b->w) < 0) {
			ra_build_rollback(b, start);
			return -EINVAL;
		}
	}
	ra_build_close(b, start);
	return 0;
}

/* RFC 8910 2.3: the URI without a terminator, NUL-padded to 8 octets. */
void ra_build_captive_portal(struct ra_builder *b, const char *uri)
{
	size_t start = ra_build_open(b, ND_OPT_CAPPORT);

	if (uri)
		wbuf_put(&b->w, uri, strlen(uri));
	ra_build_close(b, start);
}

/* RFC 8781 4: Scaled Lifetime in 8 s units, at most 8191 (13 bits). */
int ra_build_pref64(struct ra_builder *b, const struct in6_addr *prefix,
		    uint8_t plen, uint32_t lifetime)
{
	uint32_t scaled = lifetime / 8 + (lifetime % 8 != 0);
	size_t plc, start;

	for (plc = 0; plc < sizeof(ra_build_pref64_plens); plc++)
		if (ra_build_pref64_plens[plc] == plen)
			break;
	if (plc == sizeof(ra_build_pref64_plens))
		return -EINVAL;
	if (scaled > 0x1fff)
		scaled = 0x1fff;
	start = ra_build_open(b, ND_OPT_PREF64_);
	wbuf_be16(&b->w, (uint16_t)(scaled << 3 | plc));
	wbuf_put(&b->w, prefix, 12);
	ra_build_close(b, start);
	return 0;
}

/* RFC 8801 3.1: flags, Delay, Sequence, the ID, padding to 8 octets from
 * the option start, then the nested header when R is set. */
int ra_build_pvd_begin(struct ra_builder *b, const struct ra_pvd *pvd,
		       const struct ra_header *hdr)
{
	size_t start, pad;
	uint8_t flags = 0;

	if (b->pvd_start != SIZE_MAX)
		return -EBUSY;
	if (!pvd || pvd->id[0] == '\0' || strcmp(pvd->id, ".") == 0)
		return -EINVAL;   /* the root name identifies nothing */
	flags |= pvd->h_flag ? 0x80 : 0;
	flags |= pvd->l_flag ? 0x40 : 0;
	flags |= hdr ? 0x20 : 0;
	start = ra_build_open(b, ND_OPT_PVD);
	wbuf_u8(&b->w, flags);
	wbuf_u8(&b->w, pvd->delay & 0x0f);
	wbuf_be16(&b->w, pvd->seq);
	if (dname_to_wire(pvd->id, &b->w) < 0) {
		ra_build_rollback(b, start);
		return -EINVAL;
	}
	pad = (RA_UNIT - (b->w.len - start) % RA_UNIT) % RA_UNIT;
	wbuf_put(&b->w, NULL, pad);
	/* RFC 8801 3.1: the nested header's Type, Code and Checksum are set
	 * to 0 by the sender (and ignored by the receiver). */
	if (hdr)
		ra_build_header_typed(b, hdr, 0);
	b->pvd_start = start;
	return 0;
}

int ra_build_pvd_end(struct ra_builder *b)
{
	size_t start = b->pvd_start;

	if (start == SIZE_MAX)
		return -EINVAL;
	b->pvd_start = SIZE_MAX;
	ra_build_close(b, start);
	return b->w.overflow ? -EMSGSIZE : 0;
}

void ra_build_raw(struct ra_builder *b, const void *data, size_t len)
{
	wbuf_put(&b->w, data, len);
}

int ra_build_finish(struct ra_builder *b)
{
	if (b->pvd_start != SIZE_MAX)
		return -EINVAL;
	if (b->w.overflow || b->w.len > INT_MAX)
		return -EMSGSIZE;
	return (int)b->w.len;
}
