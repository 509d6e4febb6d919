/* SPDX-License-Identifier: MIT */
#include "proto/dnr.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/addr.h"
#include "common/buf.h"

/* One alpn-id (RFC 9460 section 7.1.1: a length octet, then the id). */
static unsigned dnr_alpn_bit(const uint8_t *id, size_t n)
{
	static const struct { const char *s; unsigned bit; } known[] = {
		{ "dot", DNR_ALPN_DOT }, { "h2", DNR_ALPN_H2 }, { "h3", DNR_ALPN_H3 },
		{ "doq", DNR_ALPN_DOQ },
	};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strlen(known[i].s) == n && !memcmp(known[i].s, id, n))
			return known[i].bit;
	return DNR_ALPN_OTHER;
}

static int dnr_alpn(struct buf v, unsigned *alpn)
{
	unsigned set = 0;

	/* A non-empty list of non-empty ids, each within the value. */
	if (!buf_remaining(&v))
		return -EBADMSG;
	while (buf_remaining(&v)) {
		uint8_t n;

		if (buf_u8(&v, &n) < 0 || n == 0 || n > buf_remaining(&v))
			return -EBADMSG;
		set |= dnr_alpn_bit(v.p, n);
		buf_skip(&v, n);
	}
	*alpn = set;
	return 0;
}

/* dohpath (RFC 9461 section 5): a URI template, UTF-8, kept as text;
 * control octets and NUL are refused so it prints safely. */
static int dnr_dohpath(struct buf v, char *out)
{
	size_t n = buf_remaining(&v);

	if (n == 0 || n >= DNR_DOHPATH_MAX)
		return -EBADMSG;
	for (size_t i = 0; i < n; i++)
		if (v.p[i] < 0x20 || v.p[i] == 0x7f)
			return -EBADMSG;
	memcpy(out, v.p, n);
	out[n] = '\0';
	return 0;
}

int dnr_parse_svcparams(const uint8_t *p, size_t len, struct dnr *out)
{
	struct buf b;
	unsigned alpn = 0;
	uint16_t port = 0;
	char path[DNR_DOHPATH_MAX] = "";
	int last = -1;

	buf_init(&b, p, len);
	while (buf_remaining(&b)) {
		uint16_t key, vlen;
		struct buf v;
		int r = 0;

		if (buf_be16(&b, &key) < 0 || buf_be16(&b, &vlen) < 0 || buf_sub(&b, vlen, &v) < 0)
			return -EBADMSG;
		/* Section 2.2: keys in strictly increasing order. */
		if ((int)key <= last)
			return -EBADMSG;
		last = key;
		if (key == DNR_KEY_ALPN)
			r = dnr_alpn(v, &alpn);
		else if (key == DNR_KEY_PORT)
			r = vlen == 2 ? buf_be16(&v, &port) : -EBADMSG;
		else if (key == DNR_KEY_DOHPATH)
			r = dnr_dohpath(v, path);
		else if (key == DNR_KEY_NO_DEFAULT_ALPN && vlen != 0)
			r = -EBADMSG;
		/* Others (mandatory, ech, hints, unknown) are skipped: the
		 * hints say nothing the option's addresses do not. */
		if (r < 0)
			return -EBADMSG;
	}
	out->alpn = alpn;
	out->port = port;
	memcpy(out->dohpath, path, sizeof(path));
	return 0;
}

/* The ADN: an uncompressed wire name filling exactly its length, not the
 * root (section 3.1.5 of RFC 9463: an FQDN). */
static int dnr_adn(struct buf *b, size_t n, char *out)
{
	struct buf a;

	if (n == 0 || buf_sub(b, n, &a) < 0 || dname_from_wire(&a, out, DNAME_MAX_TEXT + 1) < 0 ||
	    buf_remaining(&a) || !out[0])
		return -EBADMSG;
	return 0;
}

/* Addresses of one family, the field's octets a non-zero multiple of the
 * size. Multicast, loopback and unspecified ones make the option invalid
 * (nothing to connect to there). */
static int dnr_addrs(struct buf *b, size_t n, bool v4, struct dnr *d)
{
	size_t sz = v4 ? 4 : 16;

	if (n == 0 || n % sz || buf_remaining(b) < n)
		return -EBADMSG;
	d->n_addrs = 0;
	d->n_addrs_seen = n / sz;
	for (size_t i = 0; i < n / sz; i++) {
		struct in6_addr a;

		if (v4) {
			struct in_addr a4;

			memcpy(&a4, b->p, 4);
			addr_v4_mapped(a4, &a);
			if (b->p[0] == 0 || b->p[0] == 127 || b->p[0] >= 224)
				return -EBADMSG;
		} else {
			memcpy(&a, b->p, 16);
			if (IN6_IS_ADDR_MULTICAST(&a) || IN6_IS_ADDR_LOOPBACK(&a) ||
			    IN6_IS_ADDR_UNSPECIFIED(&a) || IN6_IS_ADDR_V4MAPPED(&a))
				return -EBADMSG;
		}
		buf_skip(b, sz);
		if (d->n_addrs < DNR_MAX_ADDRS)
			d->addrs[d->n_addrs++] = a;
	}
	return 0;
}

int dnr_parse_ra(const uint8_t *opt, size_t len, struct dnr *out)
{
	struct dnr d;
	struct buf b;
	uint8_t type, units;
	uint16_t adn_len, addr_len, svc_len;
	struct buf svc;

	memset(&d, 0, sizeof(d));
	buf_init(&b, opt, len);
	if (buf_u8(&b, &type) < 0 || buf_u8(&b, &units) < 0 || type != DNR_RA_TYPE ||
	    units == 0 || (size_t)units * 8 != len)
		return -EBADMSG;
	/* Section 6.1: ADN-only mode is not for RAs, every field is there. */
	if (buf_be16(&b, &d.priority) < 0 || buf_be32(&b, &d.lifetime) < 0 ||
	    buf_be16(&b, &adn_len) < 0 || dnr_adn(&b, adn_len, d.adn) < 0 ||
	    buf_be16(&b, &addr_len) < 0 || dnr_addrs(&b, addr_len, false, &d) < 0 ||
	    buf_be16(&b, &svc_len) < 0 || buf_sub(&b, svc_len, &svc) < 0 ||
	    dnr_parse_svcparams(svc.p, svc.rem, &d) < 0)
		return -EBADMSG;
	/* What is left is padding to the 8-octet boundary. */
	if (buf_remaining(&b) >= 8)
		return -EBADMSG;
	*out = d;
	return 0;
}

int dnr_parse_dhcp6(const uint8_t *data, size_t len, struct dnr *out)
{
	struct dnr d;
	struct buf b;
	uint16_t adn_len, addr_len;

	memset(&d, 0, sizeof(d));
	d.lifetime = DNR_LIFETIME_INFINITE;
	buf_init(&b, data, len);
	if (buf_be16(&b, &d.priority) < 0 || buf_be16(&b, &adn_len) < 0 ||
	    dnr_adn(&b, adn_len, d.adn) < 0)
		return -EBADMSG;
	/* Section 5.1: the option may end after the ADN (ADN-only mode). */
	if (!buf_remaining(&b)) {
		d.adn_only = true;
		*out = d;
		return 0;
	}
	if (buf_be16(&b, &addr_len) < 0 || dnr_addrs(&b, addr_len, false, &d) < 0 ||
	    dnr_parse_svcparams(b.p, b.rem, &d) < 0)
		return -EBADMSG;
	*out = d;
	return 0;
}

/* One DNR instance of option 162 (section 5.2), len octets. */
static int dnr_v4_instance(struct buf *in, size_t len, struct dnr *out)
{
	struct dnr d;
	struct buf b;
	uint8_t adn_len, addr_len;

	memset(&d, 0, sizeof(d));
	d.lifetime = DNR_LIFETIME_INFINITE;
	if (buf_sub(in, len, &b) < 0 || buf_be16(&b, &d.priority) < 0 ||
	    buf_u8(&b, &adn_len) < 0 || dnr_adn(&b, adn_len, d.adn) < 0)
		return -EBADMSG;
	if (!buf_remaining(&b)) {
		d.adn_only = true;
		*out = d;
		return 0;
	}
	if (buf_u8(&b, &addr_len) < 0 || dnr_addrs(&b, addr_len, true, &d) < 0 ||
	    dnr_parse_svcparams(b.p, b.rem, &d) < 0)
		return -EBADMSG;
	*out = d;
	return 0;
}

int dnr_parse_dhcp4(const uint8_t *data, size_t len, struct dnr *out, size_t cap, size_t *n)
{
	struct buf b;
	size_t k = 0;

	*n = 0;
	buf_init(&b, data, len);
	if (!len)
		return -EBADMSG;
	while (buf_remaining(&b)) {
		uint16_t ilen;
		struct dnr d;

		if (buf_be16(&b, &ilen) < 0 || dnr_v4_instance(&b, ilen, &d) < 0)
			return -EBADMSG;
		if (k < cap)
			out[k++] = d;
	}
	*n = k;
	return 0;
}

const char *dnr_alpn_text(unsigned alpn, char *buf, size_t len)
{
	static const char *names[] = { "dot", "h2", "h3", "doq", "other" };
	size_t off = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int w;

		if (!(alpn & (1u << i)))
			continue;
		w = snprintf(buf + off, len - off, "%s%s", off ? "," : "", names[i]);
		if (w < 0 || (size_t)w >= len - off)
			break;
		off += (size_t)w;
	}
	return buf;
}
