/* SPDX-License-Identifier: MIT */
/*
 * RDATA in presentation form (RFC 1035 section 5.1) for what mifctl shows:
 * the common types by name, anything else, or anything malformed, in the
 * generic form of RFC 3597 section 5 ("\# LENGTH HEX"). Names inside RDATA
 * may be compressed (RFC 1035 section 4.1.4) but must end within it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "proto/dns.h"

static uint32_t dns_rd_be(const uint8_t *p, size_t n)
{
	uint32_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* The name at *off, as text, ending at or before end. */
static int dns_rd_name(const uint8_t *msg, size_t len, size_t *off, size_t end, char *out,
		       size_t cap)
{
	size_t o = *off;

	if (o >= end || dns_read_name_text(msg, len, &o, out, cap) < 0 || o > end)
		return -EBADMSG;
	*off = o;
	return 0;
}

/* MX (RFC 1035 3.3.9) and SRV (RFC 2782): 16-bit fields, then a name. */
static int dns_rd_fields_name(const uint8_t *msg, size_t len, const struct dns_rr *rr,
			      unsigned fields, char *out, size_t cap)
{
	const uint8_t *d = msg + rr->rdata_off;
	size_t off = rr->rdata_off + 2 * fields, end = rr->rdata_off + rr->rdlength;
	char name[DNS_NAME_TEXT_MAX];

	if (rr->rdlength <= 2 * fields || dns_rd_name(msg, len, &off, end, name, sizeof(name)) < 0 ||
	    off != end)
		return -EBADMSG;
	if (fields == 1)
		snprintf(out, cap, "%u %s", dns_rd_be(d, 2), name);
	else
		snprintf(out, cap, "%u %u %u %s", dns_rd_be(d, 2), dns_rd_be(d + 2, 2),
			 dns_rd_be(d + 4, 2), name);
	return 0;
}

/* SOA (RFC 1035 3.3.13): two names, then five 32-bit fields. */
static int dns_rd_soa(const uint8_t *msg, size_t len, const struct dns_rr *rr, char *out,
		      size_t cap)
{
	size_t off = rr->rdata_off, end = rr->rdata_off + rr->rdlength;
	char mname[DNS_NAME_TEXT_MAX], rname[DNS_NAME_TEXT_MAX];
	uint32_t v[5];

	if (dns_rd_name(msg, len, &off, end, mname, sizeof(mname)) < 0 ||
	    dns_rd_name(msg, len, &off, end, rname, sizeof(rname)) < 0 || end - off != 20)
		return -EBADMSG;
	for (int i = 0; i < 5; i++)
		v[i] = dns_rd_be(msg + off + 4 * (size_t)i, 4);
	snprintf(out, cap, "%s %s %u %u %u %u %u", mname, rname, v[0], v[1], v[2], v[3], v[4]);
	return 0;
}

/* TXT (RFC 1035 3.3.14): each string quoted, octets outside printable
 * ASCII, '"' and '\\' as \DDD (RFC 1035 section 5.1). Every length is
 * checked before anything is written, and a string that does not fit ends
 * the text (with "..." if there is room): never a string cut silently and
 * another shown after it. */
static int dns_rd_txt(const uint8_t *d, size_t n, char *out, size_t cap)
{
	size_t p = 0, w = 0;

	if (n == 0)
		return -EBADMSG;       /* at least one string */
	while (p < n) {
		size_t l = d[p];

		if (l > n - p - 1)
			return -EBADMSG;
		p += 1 + l;
	}
	for (p = 0; p < n; p += 1 + (size_t)d[p]) {
		char s[4 * 255 + 4];
		size_t k = 0, l = d[p];

		if (w)
			s[k++] = ' ';
		s[k++] = '"';
		for (size_t i = 0; i < l; i++) {
			uint8_t c = d[p + 1 + i];

			if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
				s[k++] = (char)c;
			else
				k += (size_t)snprintf(s + k, sizeof(s) - k, "\\%03u", c);
		}
		s[k++] = '"';
		if (k >= cap - w) {
			if (cap - w > 3)
				memcpy(out + w, "...", 3), w += 3;
			break;
		}
		memcpy(out + w, s, k);
		w += k;
	}
	out[w] = '\0';
	return 0;
}

static void dns_rd_generic(const uint8_t *d, size_t n, char *out, size_t cap)
{
	int r = snprintf(out, cap, "\\# %zu%s", n, n ? " " : "");
	size_t o = r < 0 ? 0 : (size_t)r;

	for (size_t i = 0; i < n && o + 3 <= cap; i++)
		o += (size_t)snprintf(out + o, cap - o, "%02x", d[i]);
}

int dns_rdata_text(const uint8_t *msg, size_t len, const struct dns_rr *rr, char *out, size_t cap)
{
	const uint8_t *d;
	size_t off;
	int r = -EBADMSG;

	if (!msg || !rr || !out || cap == 0)
		return -EINVAL;
	out[0] = '\0';
	if (rr->rdata_off > len || rr->rdlength > len - rr->rdata_off)
		return -EBADMSG;
	d = msg + rr->rdata_off;
	off = rr->rdata_off;
	switch (rr->type) {
	case DNS_TYPE_A:
		if (rr->rdlength == 4 && inet_ntop(AF_INET, d, out, (socklen_t)cap))
			r = 0;
		break;
	case DNS_TYPE_AAAA:
		if (rr->rdlength == 16 && inet_ntop(AF_INET6, d, out, (socklen_t)cap))
			r = 0;
		break;
	case DNS_TYPE_CNAME:
	case DNS_TYPE_NS:
	case DNS_TYPE_PTR:
		if (dns_rd_name(msg, len, &off, off + rr->rdlength, out, cap) == 0 &&
		    off == rr->rdata_off + rr->rdlength)
			r = 0;
		break;
	case DNS_TYPE_MX:
		r = dns_rd_fields_name(msg, len, rr, 1, out, cap);
		break;
	case DNS_TYPE_SRV:
		r = dns_rd_fields_name(msg, len, rr, 3, out, cap);
		break;
	case DNS_TYPE_SOA:
		r = dns_rd_soa(msg, len, rr, out, cap);
		break;
	case DNS_TYPE_TXT:
		r = dns_rd_txt(d, rr->rdlength, out, cap);
		break;
	default:
		break;
	}
	if (r < 0)
		dns_rd_generic(d, rr->rdlength, out, cap);
	return 0;
}
