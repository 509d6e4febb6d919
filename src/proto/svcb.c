/* SPDX-License-Identifier: MIT */
#include "proto/svcb.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "common/addr.h"
#include "common/buf.h"
#include "proto/dnr.h"
#include "proto/dns.h"

/* SvcParamKeys a DoT client understands (RFC 9460 section 14.3.2, RFC
 * 9461): a mandatory key outside these makes the record unusable. */
static bool svcb_key_known(uint16_t k)
{
	return k == DNR_KEY_ALPN || k == DNR_KEY_NO_DEFAULT_ALPN || k == DNR_KEY_PORT ||
	       k == DNR_KEY_IPV4HINT || k == DNR_KEY_IPV6HINT || k == DNR_KEY_DOHPATH;
}

/* ipv4hint / ipv6hint (RFC 9460 section 7.3): a non-empty list of
 * addresses; kept up to the cap. */
static int svcb_hints(struct buf v, bool v4, struct svcb_resolver *r)
{
	size_t sz = v4 ? 4 : 16, n = buf_remaining(&v);

	if (!n || n % sz)
		return -EBADMSG;
	for (; buf_remaining(&v); buf_skip(&v, sz)) {
		struct in6_addr a;

		if (v4) {
			struct in_addr a4;

			memcpy(&a4, v.p, 4);
			addr_v4_mapped(a4, &a);
		} else {
			memcpy(&a, v.p, 16);
		}
		if (r->n_addrs < DDR_MAX_ADDRS)
			r->addrs[r->n_addrs++] = a;
	}
	return 0;
}

/* mandatory (RFC 9460 section 8): keys strictly increasing, never 0
 * itself, each present in the record (seen: the record's keys). */
static int svcb_mandatory(struct buf v, const uint8_t *params, size_t plen, bool *usable)
{
	int last = -1;

	if (!buf_remaining(&v) || buf_remaining(&v) % 2)
		return -EBADMSG;
	while (buf_remaining(&v)) {
		uint16_t k, key, vlen;
		struct buf p;
		bool present = false;

		if (buf_be16(&v, &k) < 0)
			return -EBADMSG;
		if (k == DNR_KEY_MANDATORY || (int)k <= last)
			return -EBADMSG;
		last = k;
		buf_init(&p, params, plen);
		while (buf_remaining(&p) && buf_be16(&p, &key) == 0 && buf_be16(&p, &vlen) == 0 &&
		       buf_skip(&p, vlen) == 0)
			present |= key == k;
		if (!present)
			return -EBADMSG;
		if (!svcb_key_known(k))
			*usable = false;
	}
	return 0;
}

int svcb_parse_rdata(const uint8_t *rd, size_t len, struct svcb_resolver *out)
{
	struct svcb_resolver r;
	struct dnr d;
	struct buf b;
	bool usable = true;

	memset(&r, 0, sizeof(r));
	buf_init(&b, rd, len);
	if (buf_be16(&b, &r.priority) < 0 || dname_from_wire(&b, r.target, sizeof(r.target)) < 0)
		return -EBADMSG;
	/* alpn, port and dohpath as DNR reads them (keys in order, values
	 * well formed); mandatory and the hints here. */
	memset(&d, 0, sizeof(d));
	if (dnr_parse_svcparams(b.p, b.rem, &d) < 0)
		return -EBADMSG;
	r.alpn = d.alpn;
	r.port = d.port;
	for (struct buf p = b; buf_remaining(&p);) {
		uint16_t key, vlen;
		struct buf v;
		int e = 0;

		if (buf_be16(&p, &key) < 0 || buf_be16(&p, &vlen) < 0 || buf_sub(&p, vlen, &v) < 0)
			return -EBADMSG;
		if (key == DNR_KEY_MANDATORY)
			e = svcb_mandatory(v, b.p, b.rem, &usable);
		else if (key == DNR_KEY_IPV4HINT || key == DNR_KEY_IPV6HINT)
			e = svcb_hints(v, key == DNR_KEY_IPV4HINT, &r);
		if (e < 0)
			return -EBADMSG;
	}
	/* RFC 9460 2.4.2: AliasMode has no SvcParams to use here (following
	 * it is not done); RFC 9462 section 4: "." is not a TargetName for
	 * resolver.arpa. */
	if (r.priority == 0 || !r.target[0] || !usable)
		return -ENOTSUP;
	*out = r;
	return 0;
}

int ddr_build_query(uint8_t *buf, size_t cap, uint16_t id)
{
	return dns_build_query(buf, cap, id, DDR_QNAME, SVCB_TYPE, true, 1232);
}

/* name (dotted text) in lowercased wire form into w; its length or 0. */
static size_t ddr_wire_lower(const char *name, uint8_t *w, size_t cap)
{
	struct wbuf b;

	wbuf_init(&b, w, cap);
	if (dname_to_wire(name, &b) < 0 || b.overflow)
		return 0;
	for (size_t i = 0; i < b.len; i++)
		w[i] = (uint8_t)tolower(w[i]);
	return b.len;
}

/* Additional A / AAAA records for r's TargetName, after its hints. */
static int ddr_additional(const uint8_t *msg, size_t len, size_t off, uint16_t n_rrs,
			  struct svcb_resolver *r)
{
	uint8_t w[DNAME_MAX_WIRE];
	size_t wl = ddr_wire_lower(r->target, w, sizeof(w));

	for (uint16_t i = 0; i < n_rrs; i++) {
		struct dns_rr rr;
		struct in6_addr a;

		if (dns_next_rr(msg, len, &off, &rr) < 0)
			return -EBADMSG;
		if (rr.class != DNS_CLASS_IN || rr.owner_len != wl || memcmp(rr.owner_wire, w, wl))
			continue;
		if (rr.type == DNS_TYPE_A && rr.rdlength == 4) {
			struct in_addr a4;

			memcpy(&a4, msg + rr.rdata_off, 4);
			addr_v4_mapped(a4, &a);
		} else if (rr.type == DNS_TYPE_AAAA && rr.rdlength == 16) {
			memcpy(&a, msg + rr.rdata_off, 16);
		} else {
			continue;
		}
		if (r->n_addrs < DDR_MAX_ADDRS)
			r->addrs[r->n_addrs++] = a;
	}
	return 0;
}

/* Insert r into out[0..*n) by priority (stable), dropping the last when full. */
static void ddr_insert(struct svcb_resolver *out, size_t cap, size_t *n,
		       const struct svcb_resolver *r)
{
	size_t i = *n;

	while (i > 0 && out[i - 1].priority > r->priority)
		i--;
	if (i >= cap)
		return;
	memmove(&out[i + 1], &out[i], (*n < cap ? *n - i : cap - 1 - i) * sizeof(*out));
	out[i] = *r;
	if (*n < cap)
		(*n)++;
}

int ddr_parse_answer(const uint8_t *msg, size_t len, struct svcb_resolver *out, size_t cap,
		     size_t *n)
{
	static const uint8_t qname[] = "\x04_dns\x08resolver\x04" "arpa";
	struct svcb_resolver got[8];
	struct dns_header h;
	size_t k = 0, off, add_off;

	if (dns_parse_header(msg, len, &h) < 0 || dns_first_rr(msg, len, &off) < 0)
		return -EBADMSG;
	/* Find the Additional section first: skip Answer and Authority. */
	add_off = off;
	for (uint32_t i = 0; i < (uint32_t)h.ancount + h.nscount; i++) {
		struct dns_rr rr;

		if (dns_next_rr(msg, len, &add_off, &rr) < 0)
			return -EBADMSG;
	}
	for (uint16_t i = 0; h.rcode == DNS_RCODE_NOERROR && i < h.ancount; i++) {
		struct svcb_resolver r;
		struct dns_rr rr;
		int e;

		if (dns_next_rr(msg, len, &off, &rr) < 0)
			return -EBADMSG;
		if (rr.type != SVCB_TYPE || rr.class != DNS_CLASS_IN ||
		    rr.owner_len != sizeof(qname) || memcmp(rr.owner_wire, qname, sizeof(qname)))
			continue;
		e = svcb_parse_rdata(msg + rr.rdata_off, rr.rdlength, &r);
		if (e == -ENOTSUP)
			continue;
		if (e < 0)
			return -EBADMSG;
		r.ttl = rr.ttl;
		if (ddr_additional(msg, len, add_off, h.arcount, &r) < 0)
			return -EBADMSG;
		ddr_insert(got, sizeof(got) / sizeof(got[0]), &k, &r);
	}
	k = k < cap ? k : cap;
	memcpy(out, got, k * sizeof(*out));
	*n = k;
	return 0;
}
