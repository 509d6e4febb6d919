/* SPDX-License-Identifier: MIT */
/*
 * Router Advertisement parser (RFC 4861 section 4.2) with PIO, MTU, RIO,
 * RDNSS, DNSSL, captive portal, PREF64 and the PvD ID option.
 *
 * Every read goes through the bounded cursor of common/buf.h, and every
 * length check is written as "need > remaining" so it cannot overflow.
 * Peer data never aborts: it either rejects the whole RA with a reason, or
 * drops one item and counts it in ra->ignored.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/addr.h"
#include "common/buf.h"
#include "proto/dname.h"
#include "proto/ra.h"

#define RA_TYPE 134
#define RA_UNIT 8                  /* ND option Length unit (RFC 4861 4.6) */

/* RA header flags octet: M and O (RFC 4861 4.2), H (RFC 6275 7.1), Prf
 * (RFC 4191 2.2) and P (RFC 4389, the ND proxy flag). */
#define RA_F_MANAGED 0x80
#define RA_F_OTHER 0x40
#define RA_F_HOME_AGENT 0x20
#define RA_F_PROXY 0x04
#define RA_PRF_SHIFT 3             /* Prf is bits 0x18 in both RA and RIO */

#define PIO_F_ONLINK 0x80          /* RFC 4861 4.6.2 */
#define PIO_F_AUTO 0x40
#define PIO_F_ROUTER 0x20          /* RFC 6275 7.2 */

#define PVD_F_H 0x80               /* RFC 8801 3.1 */
#define PVD_F_L 0x40
#define PVD_F_R 0x20
#define PVD_DELAY_MASK 0x0f

/* Parser state shared by the top-level walk and the PvD container walk. */
struct ra_ctx {
	struct ra *ra;
	unsigned n_options;        /* walked so far, nested included */
	bool seen_pvd;             /* first top-level PvD option taken */
	/* Single-valued options: set once a nested copy was stored, so an
	 * outer copy later in the message cannot replace it (RFC 8801 3.4:
	 * the PvD's own view wins for a PvD-aware host). */
	bool nested_mtu, nested_slla, nested_capport, nested_pref64;
};

static const char *const ra_error_names[RA_ERR__MAX] = {
	[RA_OK] = "ok",
	[RA_ERR_TRUNCATED] = "truncated",
	[RA_ERR_BAD_CODE] = "bad-code",
	[RA_ERR_ZERO_LENGTH] = "zero-length",
	[RA_ERR_OPTION_OVERRUN] = "option-overrun",
	[RA_ERR_BAD_OPTION_LENGTH] = "bad-option-length",
	[RA_ERR_BAD_PREFIX_LENGTH] = "bad-prefix-length",
	[RA_ERR_NESTED_PVD] = "nested-pvd",
	[RA_ERR_BAD_NAME] = "bad-name",
	[RA_ERR_TOO_MANY_OPTIONS] = "too-many-options",
};

/* PREF64 Prefix Length Code to prefix length (RFC 8781 section 4). */
static const uint8_t ra_pref64_plens[] = { 96, 64, 56, 48, 40, 32 };

const char *ra_error_name(enum ra_error e)
{
	if ((unsigned)e >= RA_ERR__MAX)
		return "unknown";
	return ra_error_names[e];
}

const struct ra_header *ra_effective_header(const struct ra *ra)
{
	/* RFC 8801 section 3.4: a header inside the PvD option takes
	 * precedence over the outer one. */
	if (ra->has_pvd && ra->pvd.r_flag)
		return &ra->pvd.hdr;
	return &ra->hdr;
}

/* RFC 4191 section 2.1: 01 high, 00 medium, 11 low. The reserved 10 reads
 * as medium for the router preference (section 2.2); RIO callers must
 * check for it first because there it voids the option (section 2.3). */
static enum ra_pref ra_pref_decode(uint8_t bits)
{
	return (enum ra_pref)dname_pref2(bits);
}

/* The 12 octets after Type, Code and Checksum (RFC 4861 section 4.2). */
static int ra_read_header(struct buf *b, struct ra_header *h)
{
	uint8_t flags;

	memset(h, 0, sizeof(*h));
	if (buf_u8(b, &h->cur_hop_limit) < 0 || buf_u8(b, &flags) < 0 ||
	    buf_be16(b, &h->router_lifetime) < 0 ||
	    buf_be32(b, &h->reachable_ms) < 0 || buf_be32(b, &h->retrans_ms) < 0)
		return -EBADMSG;
	h->managed = flags & RA_F_MANAGED;
	h->other = flags & RA_F_OTHER;
	h->home_agent = flags & RA_F_HOME_AGENT;
	h->proxy = flags & RA_F_PROXY;
	h->pref = ra_pref_decode(flags >> RA_PRF_SHIFT);
	return 0;
}

/* Decide whether a single-valued option may replace what is stored: the
 * last one seen wins within a level, a nested one wins over any outer one. */
static bool ra_take_single(bool *nested_seen, bool nested)
{
	if (nested)
		*nested_seen = true;
	return nested || !*nested_seen;
}

static enum ra_error ra_opt_slla(struct ra_ctx *c, struct buf *o, bool nested)
{
	size_t n = buf_remaining(o);

	if (!ra_take_single(&c->nested_slla, nested))
		return RA_OK;
	if (n > sizeof(c->ra->slla))
		n = sizeof(c->ra->slla);
	if (buf_read(o, c->ra->slla, n) < 0)
		return RA_ERR_OPTION_OVERRUN;
	c->ra->slla_len = (uint8_t)n;
	c->ra->has_slla = true;
	return RA_OK;
}

/* RFC 4861 4.6.2: Length is always 4. A prefix length over 128 cannot be
 * masked or installed; OpenBSD slaacd once fatal()ed on it, we drop the
 * whole RA instead. */
static enum ra_error ra_opt_pio(struct ra_ctx *c, struct buf *o,
				uint8_t units, bool nested)
{
	struct ra_prefix p = { .nested = nested };
	uint8_t flags;

	if (units != 4)
		return RA_ERR_BAD_OPTION_LENGTH;
	if (buf_u8(o, &p.plen) < 0 || buf_u8(o, &flags) < 0 ||
	    buf_be32(o, &p.valid) < 0 || buf_be32(o, &p.preferred) < 0 ||
	    buf_skip(o, 4) < 0 || buf_read(o, &p.prefix, 16) < 0)
		return RA_ERR_OPTION_OVERRUN;
	if (p.plen > 128)
		return RA_ERR_BAD_PREFIX_LENGTH;
	/* Bits past the length are not part of the prefix and must not make
	 * two equal prefixes compare different (RFC 4861 4.6.2, RFC 4191 2.3);
	 * so for routes and PREF64 below. */
	addr_mask(&p.prefix, p.plen);
	p.onlink = flags & PIO_F_ONLINK;
	p.autonomous = flags & PIO_F_AUTO;
	p.router_addr = flags & PIO_F_ROUTER;
	if (c->ra->n_prefixes >= RA_MAX_PREFIXES) {
		c->ra->ignored++;
		return RA_OK;
	}
	c->ra->prefixes[c->ra->n_prefixes++] = p;
	return RA_OK;
}

/* RFC 4861 4.6.4: Length is always 1. */
static enum ra_error ra_opt_mtu(struct ra_ctx *c, struct buf *o,
				uint8_t units, bool nested)
{
	uint32_t mtu;

	if (units != 1)
		return RA_ERR_BAD_OPTION_LENGTH;
	if (buf_skip(o, 2) < 0 || buf_be32(o, &mtu) < 0)
		return RA_ERR_OPTION_OVERRUN;
	if (!ra_take_single(&c->nested_mtu, nested))
		return RA_OK;
	c->ra->mtu = mtu;
	c->ra->has_mtu = true;
	return RA_OK;
}

/* RFC 4191 2.3: "If Prefix Length is greater than 64, then Length must be
 * 3. If Prefix Length is greater than 0, then Length must be 2 or 3. If
 * Prefix Length is zero, then Length must be 1, 2, or 3." */
static bool ra_rio_len_ok(uint8_t units, uint8_t plen)
{
	if (plen > 64)
		return units == 3;
	if (plen > 0)
		return units >= 2;
	return true;
}

static enum ra_error ra_opt_rio(struct ra_ctx *c, struct buf *o,
				uint8_t units, bool nested)
{
	struct ra_route r = { .nested = nested };
	uint8_t flags, prf;

	if (units < 1 || units > 3)
		return RA_ERR_BAD_OPTION_LENGTH;
	if (buf_u8(o, &r.plen) < 0 || buf_u8(o, &flags) < 0 ||
	    buf_be32(o, &r.lifetime) < 0 ||
	    buf_read(o, &r.prefix, buf_remaining(o)) < 0)
		return RA_ERR_OPTION_OVERRUN;
	if (r.plen > 128)
		return RA_ERR_BAD_PREFIX_LENGTH;
	prf = (flags >> RA_PRF_SHIFT) & 3;
	/* Section 2.3: a RIO with the reserved Prf 10 MUST be ignored; an
	 * inconsistent Length only voids this option, not the RA. */
	if (prf == 2 || !ra_rio_len_ok(units, r.plen) ||
	    c->ra->n_routes >= RA_MAX_ROUTES) {
		c->ra->ignored++;
		return RA_OK;
	}
	r.pref = ra_pref_decode(prf);
	addr_mask(&r.prefix, r.plen);
	c->ra->routes[c->ra->n_routes++] = r;
	return RA_OK;
}

/* RFC 8106 5.1: Length = 1 + 2N, N >= 1. Every address shares the
 * option's lifetime. Section 5.3.1: a host MUST discard an RDNSS option
 * with a bad Length, and only that option; the rest of the RA stands. */
static enum ra_error ra_opt_rdnss(struct ra_ctx *c, struct buf *o,
				  uint8_t units, bool nested)
{
	struct ra_rdnss d = { .nested = nested };

	if (units < 3 || units % 2 == 0) {
		c->ra->ignored++;
		return RA_OK;
	}
	if (buf_skip(o, 2) < 0 || buf_be32(o, &d.lifetime) < 0)
		return RA_ERR_OPTION_OVERRUN;
	while (buf_remaining(o) > 0) {
		if (buf_read(o, &d.addr, 16) < 0)
			return RA_ERR_OPTION_OVERRUN;
		if (c->ra->n_rdnss >= RA_MAX_RDNSS) {
			c->ra->ignored++;
			continue;
		}
		c->ra->rdnss[c->ra->n_rdnss++] = d;
	}
	return RA_OK;
}

static bool ra_all_zero(const struct buf *b)
{
	for (size_t i = 0; i < b->rem; i++)
		if (b->p[i] != 0)
			return false;
	return true;
}

/* Walk the names of one DNSSL option: wire names until a zero octet, which
 * starts the zero padding to the option end (RFC 8106 5.2). A root name
 * cannot be told from padding, and none is useful as a search domain.
 * Returns -EBADMSG on a bad name or non-zero padding. */
static int ra_dnssl_names(struct ra_ctx *c, struct buf *o,
			  const struct ra_dnssl *tmpl)
{
	struct ra_dnssl d;

	while (buf_remaining(o) > 0 && o->p[0] != 0) {
		d = *tmpl;
		if (dname_from_wire(o, d.name, sizeof(d.name)) < 0)
			return -EBADMSG;
		if (c->ra->n_dnssl >= RA_MAX_DNSSL) {
			c->ra->ignored++;
			continue;
		}
		c->ra->dnssl[c->ra->n_dnssl++] = d;
	}
	return ra_all_zero(o) ? 0 : -EBADMSG;
}

static enum ra_error ra_opt_dnssl(struct ra_ctx *c, struct buf *o,
				  uint8_t units, bool nested)
{
	struct ra_dnssl tmpl = { .nested = nested };
	size_t n_before = c->ra->n_dnssl;
	unsigned ignored_before = c->ra->ignored;

	if (units < 2)
		return RA_ERR_BAD_OPTION_LENGTH;
	if (buf_skip(o, 2) < 0 || buf_be32(o, &tmpl.lifetime) < 0)
		return RA_ERR_OPTION_OVERRUN;
	if (ra_dnssl_names(c, o, &tmpl) < 0) {
		/* A malformed name spoils only this option: drop every name
		 * it gave and count the option once. */
		c->ra->n_dnssl = n_before;
		c->ra->ignored = ignored_before + 1;
	}
	return RA_OK;
}

/* Graphic ASCII only: a URI has no spaces, controls or raw UTF-8
 * (RFC 3986 section 2), and these bytes end up in logs and on screens. */
static bool ra_uri_chars_ok(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x21 || p[i] > 0x7e)
			return false;
	return true;
}

/* RFC 8910 2.3: the URI, NUL-padded so the option ends on 8 octets. */
static enum ra_error ra_opt_capport(struct ra_ctx *c, struct buf *o,
				    bool nested)
{
	size_t n = buf_remaining(o);

	while (n > 0 && o->p[n - 1] == '\0')
		n--;
	if (n == 0 || n >= RA_MAX_URI || !ra_uri_chars_ok(o->p, n)) {
		c->ra->ignored++;
		return RA_OK;
	}
	if (!ra_take_single(&c->nested_capport, nested))
		return RA_OK;
	memcpy(c->ra->captive_portal, o->p, n);
	c->ra->captive_portal[n] = '\0';
	c->ra->has_captive_portal = true;
	return RA_OK;
}

/* RFC 8781 section 4: "The receiver MUST ignore the PREF64 option if the
 * Length field value is not 2", and likewise for a PLC outside 0..5.
 * Octets 2-3 are Scaled Lifetime (13 bits, 8 s units) and PLC (3 bits). */
static enum ra_error ra_opt_pref64(struct ra_ctx *c, struct buf *o,
				   uint8_t units, bool nested)
{
	struct in6_addr p = { 0 };
	uint16_t v;
	uint8_t plc;

	if (units != 2 || buf_be16(o, &v) < 0 ||
	    buf_read(o, p.s6_addr, 12) < 0 ||
	    (v & 7) >= sizeof(ra_pref64_plens)) {
		c->ra->ignored++;
		return RA_OK;
	}
	plc = v & 7;
	if (!ra_take_single(&c->nested_pref64, nested))
		return RA_OK;
	addr_mask(&p, ra_pref64_plens[plc]);
	c->ra->pref64 = p;
	c->ra->pref64_plen = ra_pref64_plens[plc];
	c->ra->pref64_lifetime = (uint32_t)(v >> 3) * 8;
	c->ra->has_pref64 = true;
	return RA_OK;
}

static enum ra_error ra_parse_options(struct ra_ctx *c, struct buf *b,
				      bool nested);

/* RFC 9463 section 6.1. o holds the body; the option starts two octets
 * before it in the same message (ra_next_option), units * 8 octets long. */
static enum ra_error ra_opt_dnr(struct ra_ctx *c, struct buf *o, uint8_t units)
{
	struct dnr d;

	if (c->ra->n_dnr >= RA_MAX_DNR ||
	    dnr_parse_ra(o->p - 2, (size_t)units * RA_UNIT, &d) < 0) {
		c->ra->ignored++;
		return RA_OK;
	}
	c->ra->dnr[c->ra->n_dnr++] = d;
	return RA_OK;
}

/* Octets 2-5 of the PvD option and the PvD ID FQDN (RFC 8801 3.1). */
static enum ra_error ra_pvd_fixed(struct buf *o, struct ra_pvd *pvd)
{
	uint8_t flags, delay;

	if (buf_u8(o, &flags) < 0 || buf_u8(o, &delay) < 0 ||
	    buf_be16(o, &pvd->seq) < 0)
		return RA_ERR_OPTION_OVERRUN;
	pvd->h_flag = flags & PVD_F_H;
	pvd->l_flag = flags & PVD_F_L;
	pvd->r_flag = flags & PVD_F_R;
	/* The figure gives H|L|R, 9 reserved bits and a 4-bit Delay; the
	 * prose's "Reserved (13 bits)" does not add up to 16. */
	pvd->delay = delay & PVD_DELAY_MASK;
	/* "Domain name compression ... MUST NOT be used"; an empty ID names
	 * nothing and would collide with every other empty ID. */
	if (dname_from_wire(o, pvd->id, sizeof(pvd->id)) < 0 ||
	    pvd->id[0] == '\0')
		return RA_ERR_BAD_NAME;
	return RA_OK;
}

/*
 * PvD ID option (RFC 8801 3.1). o starts at octet 2 and ends at the option
 * end, which is a multiple of 8 octets from its start; so the padding to the
 * next 8-octet boundary after the name is exactly remaining % 8 octets.
 */
static enum ra_error ra_opt_pvd(struct ra_ctx *c, struct buf *o, bool nested)
{
	struct ra_pvd *pvd = &c->ra->pvd;
	enum ra_error e;
	size_t pad;

	/* Section 3.2: "The PvD Option MUST NOT contain further PvD
	 * Options." Drop the RA rather than guess which one is meant. */
	if (nested)
		return RA_ERR_NESTED_PVD;
	/* Section 3.4: hosts MUST ignore all but the first PvD option. */
	if (c->seen_pvd) {
		c->ra->ignored++;
		return RA_OK;
	}
	c->seen_pvd = true;
	memset(pvd, 0, sizeof(*pvd));
	e = ra_pvd_fixed(o, pvd);
	if (e != RA_OK)
		return e;
	/* Padding is ignored by the receiver whatever it holds (3.1). */
	pad = buf_remaining(o) % RA_UNIT;
	if (buf_skip(o, pad) < 0)
		return RA_ERR_OPTION_OVERRUN;
	if (pvd->r_flag) {
		/* Type, Code and Checksum of the nested header MUST be
		 * ignored, a bad checksum included (3.1). */
		if (RA_HDR_LEN > buf_remaining(o) || buf_skip(o, 4) < 0 ||
		    ra_read_header(o, &pvd->hdr) < 0)
			return RA_ERR_OPTION_OVERRUN;
	}
	e = ra_parse_options(c, o, true);
	if (e != RA_OK)
		return e;
	c->ra->has_pvd = true;
	return RA_OK;
}

/* o holds the option body (after Type and Length), units its Length. */
static enum ra_error ra_dispatch(struct ra_ctx *c, uint8_t type, uint8_t units,
				 struct buf *o, bool nested)
{
	switch (type) {
	case ND_OPT_SLLA:
		return ra_opt_slla(c, o, nested);
	case ND_OPT_PIO:
		return ra_opt_pio(c, o, units, nested);
	case ND_OPT_MTU_:
		return ra_opt_mtu(c, o, units, nested);
	case ND_OPT_PVD:
		return ra_opt_pvd(c, o, nested);
	case ND_OPT_RIO:
		return ra_opt_rio(c, o, units, nested);
	case ND_OPT_RDNSS_:
		return ra_opt_rdnss(c, o, units, nested);
	case ND_OPT_DNSSL_:
		return ra_opt_dnssl(c, o, units, nested);
	case ND_OPT_CAPPORT:
		return ra_opt_capport(c, o, nested);
	case ND_OPT_PREF64_:
		return ra_opt_pref64(c, o, units, nested);
	case DNR_RA_TYPE:
		return ra_opt_dnr(c, o, units);
	default:
		/* RFC 4861 4.2: unknown options are skipped silently. */
		c->ra->ignored++;
		return RA_OK;
	}
}

/* Split the next option off b. Its Length counts the Type and Length
 * octets, in units of 8 (RFC 4861 4.6). */
static enum ra_error ra_next_option(struct buf *b, uint8_t *type,
				    uint8_t *units, struct buf *o)
{
	size_t size;

	if (2 > buf_remaining(b))
		return RA_ERR_TRUNCATED;
	*type = b->p[0];
	*units = b->p[1];
	/* RFC 4861 4.6: "Nodes MUST silently discard an ND packet that
	 * contains an option with length zero." It would also loop forever. */
	if (*units == 0)
		return RA_ERR_ZERO_LENGTH;
	size = (size_t)*units * RA_UNIT;
	if (size > buf_remaining(b))
		return RA_ERR_OPTION_OVERRUN;
	if (buf_sub(b, size, o) < 0 || buf_skip(o, 2) < 0)
		return RA_ERR_OPTION_OVERRUN;
	return RA_OK;
}

/* Walk options to the end of b: the message, or a PvD container when
 * nested, so a nested option can never reach past its container. */
static enum ra_error ra_parse_options(struct ra_ctx *c, struct buf *b,
				      bool nested)
{
	struct buf o;
	uint8_t type, units;
	enum ra_error e;

	while (buf_remaining(b) > 0) {
		e = ra_next_option(b, &type, &units, &o);
		if (e != RA_OK)
			return e;
		/* Bound the work one RA can cause (systemd caps at 128). */
		if (++c->n_options > RA_MAX_OPTIONS)
			return RA_ERR_TOO_MANY_OPTIONS;
		e = ra_dispatch(c, type, units, &o, nested);
		if (e != RA_OK)
			return e;
	}
	return RA_OK;
}

static enum ra_error ra_parse_msg(const uint8_t *data, size_t len,
				  struct ra *out)
{
	struct ra_ctx c = { .ra = out };
	struct buf b;

	memset(out, 0, sizeof(*out));
	if (!data || RA_HDR_LEN > len)
		return RA_ERR_TRUNCATED;
	/* RFC 4861 6.1.2: Code must be 0; the type is the caller's filter
	 * but is checked again so a mis-set filter cannot feed us an NS. */
	if (data[0] != RA_TYPE || data[1] != 0)
		return RA_ERR_BAD_CODE;
	buf_init(&b, data, len);
	if (buf_skip(&b, 4) < 0 || ra_read_header(&b, &out->hdr) < 0)
		return RA_ERR_TRUNCATED;
	return ra_parse_options(&c, &b, false);
}

int ra_parse(const uint8_t *data, size_t len, struct ra *out,
	     enum ra_error *why)
{
	enum ra_error e;

	if (!out)
		return -EINVAL;
	e = ra_parse_msg(data, len, out);
	if (why)
		*why = e;
	return e == RA_OK ? 0 : -EBADMSG;
}
