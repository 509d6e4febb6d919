/* SPDX-License-Identifier: MIT */
/*
 * DNS message layer for the per-PvD stub resolver (RFC 1035 section 4,
 * EDNS(0) RFC 6891).
 *
 * Names are read with dname_from_msg_raw(): DNS labels may hold any octet
 * (RFC 2181 section 11), unlike the PvD IDs dname_from_msg() is strict
 * about, but the pointer rules are the same code (backward only, bounded
 * jumps). Counts in the header are never trusted: walking a count larger
 * than the message can hold fails on the first record that runs past the
 * end, and no more than DNS_MAX_RRS_PER_SECTION records are walked per
 * section. Every length check is written "need > remaining".
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "proto/dname.h"
#include "proto/dns.h"

/* The header flag bits (DNS_F_*) and its accessors are in dns.h. */

#define DNS_RR_FIXED 10            /* TYPE, CLASS, TTL, RDLENGTH */
#define DNS_Q_FIXED 4              /* QTYPE, QCLASS */
#define DNS_SOA_FIXED 20           /* SERIAL .. MINIMUM (RFC 1035 3.3.13) */
#define DNS_SOA_MINIMUM_AT 16
#define DNS_OPT_DO 0x8000          /* RFC 3225 section 3, in the TTL's low half */

static uint16_t dns_be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t dns_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

int dns_parse_header(const uint8_t *msg, size_t len, struct dns_header *h)
{
	uint16_t f;

	if (!msg || !h)
		return -EINVAL;
	if (DNS_HEADER_LEN > len)
		return -EBADMSG;
	f = dns_be16(msg + 2);
	*h = (struct dns_header){
		.id = dns_be16(msg),
		.flags = f,
		.qr = f & DNS_F_QR,
		.opcode = (uint8_t)((f >> DNS_OPCODE_SHIFT) & DNS_OPCODE_MASK),
		.aa = f & DNS_F_AA,
		.tc = f & DNS_F_TC,
		.rd = f & DNS_F_RD,
		.ra = f & DNS_F_RA,
		.ad = f & DNS_F_AD,
		.cd = f & DNS_F_CD,
		.rcode = (uint8_t)(f & DNS_RCODE_MASK),
		.qdcount = dns_be16(msg + 4),
		.ancount = dns_be16(msg + 6),
		.nscount = dns_be16(msg + 8),
		.arcount = dns_be16(msg + 10),
	};
	return 0;
}

/*
 * ASCII-only case folding (RFC 4343 section 3) over a whole wire name.
 * Length octets are at most 63, below 'A' (65), so they pass unchanged
 * and the octets need no label-by-label walk.
 */
static void dns_lower_wire(uint8_t *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (w[i] >= 'A' && w[i] <= 'Z')
			w[i] = (uint8_t)(w[i] - 'A' + 'a');
}

/*
 * The cache key's hash: eight octets at a time (a multiply and a shift
 * each), the last len % 8 as one zero-filled word, then QTYPE and QCLASS,
 * and a final mix so that the low bits, which pick a bucket, depend on
 * every octet.
 */
#define DNS_HASH_SEED 0xcbf29ce484222325ull
#define DNS_HASH_MUL 0x9e3779b97f4a7c15ull

static uint64_t dns_hash_word(uint64_t h, uint64_t w)
{
	h = (h ^ w) * DNS_HASH_MUL;
	return h ^ (h >> 32);
}

static uint64_t dns_hash_end(uint64_t h, uint16_t qtype, uint16_t qclass)
{
	h = dns_hash_word(h, (uint64_t)qtype << 16 | qclass);
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	return h ^ (h >> 33);
}

/* The last len % 8 octets count as one word, zero-filled. */
uint64_t dns_question_hash(const uint8_t *wire, size_t len, uint16_t qtype, uint16_t qclass)
{
	uint64_t h = DNS_HASH_SEED, w;
	size_t i = 0;

	for (; len - i >= 8; i += 8) {
		memcpy(&w, wire + i, 8);
		h = dns_hash_word(h, w);
	}
	if (len > i) {
		w = 0;
		memcpy(&w, wire + i, len - i);
		h = dns_hash_word(h, w);
	}
	return dns_hash_end(h, qtype, qclass);
}

/* Whether a label of the wire name holds a '.' octet. */
static bool dns_wire_label_dot(const uint8_t *w, size_t len)
{
	for (size_t i = 0; i < len && w[i]; i += (size_t)w[i] + 1)
		if (memchr(w + i + 1, '.', w[i]))
			return true;
	return false;
}

/* The hash and the '.' flag of a question parsed the general way. */
static void dns_question_finish(struct dns_question *q)
{
	q->hash = dns_question_hash(q->wire, q->wire_len, q->qtype, q->qclass);
	q->label_dot = dns_wire_label_dot(q->wire, q->wire_len);
}

#define DNS_ONES 0x0101010101010101ull
#define DNS_HIGHS 0x8080808080808080ull

/*
 * Eight octets lowercased at once: a byte gets 0x20 iff it is 'A'..'Z'.
 * Length octets (1..63) are never letters, so a whole wire name can go
 * through this. Each byte's low seven bits plus 0x3f carries into its
 * high bit iff >= 'A', plus 0x25 iff > 'Z'; no byte carries into the next.
 */
static uint64_t dns_lower8(uint64_t x)
{
	uint64_t low7 = x & ~DNS_HIGHS;
	uint64_t upper = (low7 + 0x3f * DNS_ONES) & ~(low7 + 0x25 * DNS_ONES) & ~x & DNS_HIGHS;

	return x | (upper >> 2);
}

/* Whether any byte of x is '.': exact (the classic zero-byte test). */
static bool dns_has_dot8(uint64_t x)
{
	uint64_t y = x ^ ('.' * DNS_ONES);

	return ((y - DNS_ONES) & ~y & DNS_HIGHS) != 0;
}

/*
 * The question of a stub client's query in one walk: an uncompressed name
 * (what resolvers send) has its labels' lengths checked, then is copied,
 * lowercased and hashed eight octets at a time. Anything else, a
 * compression pointer (allowed in a question, RFC 1035 section 4.1.4),
 * another label type or any error, returns -EAGAIN and the general walk
 * decides, so the two never differ (tests/fuzz/fuzz_dns.c checks it). On
 * success *off is past QTYPE and QCLASS.
 */
static int dns_question_plain(const uint8_t *msg, size_t len, size_t *off,
			      struct dns_question *q)
{
	uint64_t h = DNS_HASH_SEED, w;
	size_t p = *off, n, i = 0;
	bool dot = false;

	for (;;) {
		if (p >= len)
			return -EAGAIN;
		n = msg[p];
		if (n == 0)
			break;
		/* Label and name limits as dname_msg_label_raw() checks them. */
		if (n > DNAME_MAX_LABEL || n > len - p - 1 || p - *off + 1 + n + 1 > DNAME_MAX_WIRE)
			return -EAGAIN;
		p += 1 + n;
	}
	if (DNS_Q_FIXED > len - p - 1)
		return -EAGAIN;
	n = p + 1 - *off;                      /* wire octets, the root's included */
	for (; n - i >= 8; i += 8) {
		memcpy(&w, msg + *off + i, 8);
		w = dns_lower8(w);
		dot |= dns_has_dot8(w);
		memcpy(q->wire + i, &w, 8);
		h = dns_hash_word(h, w);
	}
	if (n > i) {
		/* The tail as one zero-filled word, as dns_question_hash()
		 * takes it: one load and a mask where QTYPE, QCLASS and what
		 * follows leave eight octets to read. */
		size_t t = n - i;

		w = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		if (len - *off - i >= 8) {
			memcpy(&w, msg + *off + i, 8);
			w &= (1ull << (8 * t)) - 1;
		} else
#endif
			memcpy(&w, msg + *off + i, t);
		w = dns_lower8(w);
		dot |= dns_has_dot8(w);
		if (i + 8 <= sizeof(q->wire))
			memcpy(q->wire + i, &w, 8);
		else
			memcpy(q->wire + i, &w, t);
		h = dns_hash_word(h, w);
	}
	q->wire_len = n;
	q->qtype = dns_be16(msg + p + 1);
	q->qclass = dns_be16(msg + p + 3);
	q->hash = dns_hash_end(h, q->qtype, q->qclass);
	/* A length octet of 46 looks like a '.': then look label by label. */
	q->label_dot = dot && dns_wire_label_dot(q->wire, n);
	*off = p + 1 + DNS_Q_FIXED;
	return 0;
}

/* Read a question entry at *off: the name (expanded, case kept) and the
 * two fixed fields (RFC 1035 section 4.1.2). */
static int dns_read_question(const uint8_t *msg, size_t len, size_t *off,
			     uint8_t *wire, size_t *wire_len, uint16_t *qtype,
			     uint16_t *qclass)
{
	size_t p = *off;

	if (dname_from_msg_raw(msg, len, &p, wire, wire_len) < 0)
		return -EBADMSG;
	if (DNS_Q_FIXED > len - p)
		return -EBADMSG;
	*qtype = dns_be16(msg + p);
	*qclass = dns_be16(msg + p + 2);
	*off = p + DNS_Q_FIXED;
	return 0;
}

/* Append one octet of a label in presentation form: "\." and "\\" for
 * the two octets that would change the meaning of the text, "\DDD" for
 * anything not graphic ASCII (RFC 1035 section 5.1). */
static int dns_text_octet(uint8_t c, char *out, size_t outsz, size_t *pos)
{
	char esc[5];
	size_t n = 0;

	if (c == '.' || c == '\\') {
		esc[n++] = '\\';
		esc[n++] = (char)c;
	} else if (c > 0x20 && c < 0x7f) {
		esc[n++] = (char)c;
	} else {
		esc[n++] = '\\';
		esc[n++] = (char)('0' + c / 100);
		esc[n++] = (char)('0' + c / 10 % 10);
		esc[n++] = (char)('0' + c % 10);
	}
	/* + 1 keeps room for the terminating NUL. */
	if (n + 1 > outsz - *pos)
		return -ENAMETOOLONG;
	memcpy(out + *pos, esc, n);
	*pos += n;
	return 0;
}

/* Dotted presentation text of a validated wire name; "." for the root. */
static int dns_wire_to_text(const uint8_t *w, size_t wlen, char *out,
			    size_t outsz)
{
	size_t i = 0, pos = 0;

	if (outsz == 0)
		return -ENAMETOOLONG;
	if (wlen == 1) {
		if (outsz < 2)
			return -ENAMETOOLONG;
		memcpy(out, ".", 2);
		return 0;
	}
	while (i < wlen && w[i] != 0) {
		size_t n = w[i++];

		/* The separator, and room for the NUL after it. */
		if (pos > 0) {
			if (2 > outsz - pos)
				return -ENAMETOOLONG;
			out[pos++] = '.';
		}
		for (size_t k = 0; k < n; k++)
			if (dns_text_octet(w[i + k], out, outsz, &pos) < 0)
				return -ENAMETOOLONG;
		i += n;
	}
	out[pos] = '\0';
	return 0;
}

int dns_parse_question_wire(const uint8_t *msg, size_t len, struct dns_question *q,
			    size_t *end_off)
{
	size_t off = DNS_HEADER_LEN;

	if (!msg || !q)
		return -EINVAL;
	if (len < DNS_HEADER_LEN || dns_be16(msg + 4) != 1)
		return -EBADMSG;
	if (dns_question_plain(msg, len, &off, q) < 0) {
		if (dns_read_question(msg, len, &off, q->wire, &q->wire_len, &q->qtype,
				      &q->qclass) < 0)
			return -EBADMSG;
		dns_lower_wire(q->wire, q->wire_len);
		dns_question_finish(q);
	}
	q->name[0] = '\0';
	if (end_off)
		*end_off = off;
	return 0;
}

int dns_parse_question(const uint8_t *msg, size_t len, struct dns_question *q,
		       size_t *end_off)
{
	struct dns_header h;
	struct dns_question t;
	size_t off = DNS_HEADER_LEN;
	int r;

	if (!msg || !q)
		return -EINVAL;
	if (dns_parse_header(msg, len, &h) < 0 || h.qdcount != 1)
		return -EBADMSG;
	if (dns_read_question(msg, len, &off, t.wire, &t.wire_len, &t.qtype,
			      &t.qclass) < 0)
		return -EBADMSG;
	r = dns_wire_to_text(t.wire, t.wire_len, t.name, sizeof(t.name));
	if (r < 0)
		return r;
	dns_lower_wire(t.wire, t.wire_len);
	dns_question_finish(&t);
	*q = t;
	if (end_off)
		*end_off = off;
	return 0;
}

int dns_first_rr(const uint8_t *msg, size_t len, size_t *off)
{
	struct dns_header h;
	uint8_t wire[DNAME_MAX_WIRE];
	size_t p = DNS_HEADER_LEN, wlen;
	uint16_t t, c;

	if (!msg || !off)
		return -EINVAL;
	if (dns_parse_header(msg, len, &h) < 0 || h.qdcount > 1)
		return -EBADMSG;
	if (h.qdcount == 1 &&
	    dns_read_question(msg, len, &p, wire, &wlen, &t, &c) < 0)
		return -EBADMSG;
	*off = p;
	return 0;
}

int dns_next_rr(const uint8_t *msg, size_t len, size_t *off, struct dns_rr *rr)
{
	struct dns_rr t;
	size_t p;

	if (!msg || !off || !rr)
		return -EINVAL;
	p = *off;
	if (dname_from_msg_raw(msg, len, &p, t.owner_wire, &t.owner_len) < 0)
		return -EBADMSG;
	/* RFC 1035 section 4.1.3. */
	if (DNS_RR_FIXED > len - p)
		return -EBADMSG;
	t.type = dns_be16(msg + p);
	t.class = dns_be16(msg + p + 2);
	t.ttl = dns_be32(msg + p + 4);
	t.rdlength = dns_be16(msg + p + 8);
	p += DNS_RR_FIXED;
	if (t.rdlength > len - p)
		return -EBADMSG;
	t.rdata_off = p;
	dns_lower_wire(t.owner_wire, t.owner_len);
	*rr = t;
	*off = p + t.rdlength;
	return 0;
}

int dns_answer_matches(const uint8_t *resp, size_t rlen, uint16_t id,
		       const struct dns_question *q)
{
	struct dns_header h;
	uint8_t wire[DNAME_MAX_WIRE];
	size_t off = DNS_HEADER_LEN, wlen;
	uint16_t qtype, qclass;

	if (!resp || !q)
		return 0;
	if (dns_parse_header(resp, rlen, &h) < 0)
		return 0;
	/* RFC 5452 section 9.1: ID, query name, class and type must all
	 * match; a message that is not a response matches nothing. */
	if (!h.qr || h.id != id || h.qdcount != 1)
		return 0;
	if (dns_read_question(resp, rlen, &off, wire, &wlen, &qtype, &qclass) < 0)
		return 0;
	dns_lower_wire(wire, wlen);
	return wlen == q->wire_len && memcmp(wire, q->wire, wlen) == 0 &&
	       qtype == q->qtype && qclass == q->qclass;
}

/* What dns_min_ttl() gathers while walking. */
struct dns_ttl_walk {
	uint16_t qtype;
	bool has_question;
	bool any_rr;               /* some TTL was taken into min */
	bool answered;             /* an answer RR of the question's type */
	bool has_soa;
	uint32_t min;
	uint32_t soa_minimum;
};

/* RFC 2181 section 8: a TTL with the top bit set reads as zero. */
static uint32_t dns_ttl_value(uint32_t ttl)
{
	return (ttl & 0x80000000u) ? 0 : ttl;
}

static uint32_t dns_min32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/*
 * MINIMUM of the SOA whose RDATA rr points at (RFC 1035 section 3.3.13):
 * two possibly compressed names, then five 32-bit fields. The names are
 * read with the message cut at the RDATA's end, so neither can run past
 * RDLENGTH, and the fixed part must fill the rest exactly.
 */
static int dns_soa_minimum(const uint8_t *msg, const struct dns_rr *rr,
			   uint32_t *minimum)
{
	uint8_t wire[DNAME_MAX_WIRE];
	size_t end = rr->rdata_off + rr->rdlength, p = rr->rdata_off, wlen;

	if (dname_from_msg_raw(msg, end, &p, wire, &wlen) < 0 ||
	    dname_from_msg_raw(msg, end, &p, wire, &wlen) < 0)
		return -EBADMSG;
	if (end - p != DNS_SOA_FIXED)
		return -EBADMSG;
	*minimum = dns_be32(msg + p + DNS_SOA_MINIMUM_AT);
	return 0;
}

/* Take one answer (authority false) or authority RR into w. */
static int dns_ttl_take(const uint8_t *msg, const struct dns_rr *rr,
			bool authority, struct dns_ttl_walk *w)
{
	uint32_t minimum;

	/* The OPT pseudo-RR's TTL holds flags, not a TTL (RFC 6891 6.1.3). */
	if (rr->type == DNS_TYPE_OPT)
		return 0;
	w->min = w->any_rr ? dns_min32(w->min, dns_ttl_value(rr->ttl))
			   : dns_ttl_value(rr->ttl);
	w->any_rr = true;
	if (!authority && (!w->has_question || rr->type == w->qtype ||
			   w->qtype == DNS_TYPE_ANY))
		w->answered = true;
	if (authority && rr->type == DNS_TYPE_SOA) {
		if (dns_soa_minimum(msg, rr, &minimum) < 0)
			return -EBADMSG;
		w->soa_minimum = w->has_soa ? dns_min32(w->soa_minimum, minimum)
					    : minimum;
		w->has_soa = true;
	}
	return 0;
}

/* Walk count RRs from *off; take each into w unless w is NULL. */
static int dns_walk_section(const uint8_t *msg, size_t len, size_t *off,
			    uint16_t count, bool authority,
			    struct dns_ttl_walk *w)
{
	struct dns_rr rr;

	if (count > DNS_MAX_RRS_PER_SECTION)
		return -E2BIG;
	for (uint16_t i = 0; i < count; i++) {
		if (dns_next_rr(msg, len, off, &rr) < 0)
			return -EBADMSG;
		if (w && dns_ttl_take(msg, &rr, authority, w) < 0)
			return -EBADMSG;
	}
	return 0;
}

/* RFC 2308 section 2: NXDOMAIN, or NODATA (NOERROR without an answer of
 * the type asked; a CNAME chain alone is still NODATA). */
static bool dns_is_negative(const struct dns_header *h,
			    const struct dns_ttl_walk *w)
{
	if (h->rcode == DNS_RCODE_NXDOMAIN)
		return true;
	return h->rcode == DNS_RCODE_NOERROR && !w->answered;
}

int dns_min_ttl(const uint8_t *msg, size_t len, uint32_t *ttl)
{
	struct dns_ttl_walk w = { 0 };
	struct dns_header h;
	size_t off;
	int r;

	if (!msg || !ttl)
		return -EINVAL;
	if (dns_parse_header(msg, len, &h) < 0 || dns_first_rr(msg, len, &off) < 0)
		return -EBADMSG;
	/* dns_first_rr() stopped right after QTYPE and QCLASS. */
	if (h.qdcount == 1) {
		w.has_question = true;
		w.qtype = dns_be16(msg + off - DNS_Q_FIXED);
	}
	r = dns_walk_section(msg, len, &off, h.ancount, false, &w);
	if (r == 0)
		r = dns_walk_section(msg, len, &off, h.nscount, true, &w);
	if (r < 0)
		return r;
	if (dns_is_negative(&h, &w)) {
		/* RFC 2308 section 5: without an SOA, do not cache. */
		if (!w.has_soa)
			w.min = 0;
		else
			w.min = dns_min32(w.min, w.soa_minimum);
	}
	*ttl = w.any_rr ? w.min : 0;
	return 0;
}

/* Check and decode an OPT RR (RFC 6891 section 6.1.2): owner the root,
 * CLASS the payload size, TTL = EXTENDED-RCODE, VERSION, DO, Z. */
static int dns_opt_decode(const struct dns_rr *rr, struct dns_opt *o)
{
	if (rr->owner_len != 1)
		return -EBADMSG;
	/* Section 6.2.5: values below 512 are treated as 512. */
	o->udp_size = rr->class < DNS_UDP_MIN ? DNS_UDP_MIN : rr->class;
	o->ext_rcode = (uint8_t)(rr->ttl >> 24);
	o->version = (uint8_t)(rr->ttl >> 16);
	o->do_bit = rr->ttl & DNS_OPT_DO;
	return 0;
}

int dns_get_opt(const uint8_t *msg, size_t len, struct dns_opt *out)
{
	struct dns_header h;
	struct dns_opt o = { 0 };
	struct dns_rr rr;
	bool found = false;
	size_t off;
	int r;

	if (!msg || !out)
		return -EINVAL;
	if (dns_parse_header(msg, len, &h) < 0 || dns_first_rr(msg, len, &off) < 0)
		return -EBADMSG;
	r = dns_walk_section(msg, len, &off, h.ancount, false, NULL);
	if (r == 0)
		r = dns_walk_section(msg, len, &off, h.nscount, false, NULL);
	if (r == 0 && h.arcount > DNS_MAX_RRS_PER_SECTION)
		r = -E2BIG;
	for (uint16_t i = 0; r == 0 && i < h.arcount; i++) {
		if (dns_next_rr(msg, len, &off, &rr) < 0)
			return -EBADMSG;
		if (rr.type != DNS_TYPE_OPT)
			continue;
		/* Section 6.1.1: it MUST be the only OPT RR in the message. */
		if (found || dns_opt_decode(&rr, &o) < 0)
			return -EBADMSG;
		found = true;
	}
	if (r < 0)
		return r;
	if (!found)
		return -ENOENT;
	*out = o;
	return 0;
}

int dns_find_opt(const uint8_t *msg, size_t len, uint16_t *udp_size,
		 uint8_t *ext_rcode, bool *do_bit)
{
	struct dns_opt o;
	int r = msg ? dns_get_opt(msg, len, &o) : -EINVAL;

	if (r < 0)
		return r;
	if (udp_size)
		*udp_size = o.udp_size;
	if (ext_rcode)
		*ext_rcode = o.ext_rcode;
	if (do_bit)
		*do_bit = o.do_bit;
	return 0;
}

/* The fixed header with the given flags and counts. */
static void dns_put_header(struct wbuf *w, uint16_t id, uint16_t flags,
			   uint16_t qdcount, uint16_t arcount)
{
	wbuf_be16(w, id);
	wbuf_be16(w, flags);
	wbuf_be16(w, qdcount);
	wbuf_be16(w, 0);
	wbuf_be16(w, 0);
	wbuf_be16(w, arcount);
}

/* An OPT RR without options (RFC 6891 section 6.1.2): the upper 8 bits
 * of the extended RCODE, version 0, the DO bit (RFC 3225 section 3). */
static void dns_put_opt(struct wbuf *w, uint16_t udp_size, uint8_t ext_rcode, bool do_bit)
{
	wbuf_u8(w, 0);
	wbuf_be16(w, DNS_TYPE_OPT);
	wbuf_be16(w, udp_size);
	wbuf_be32(w, (uint32_t)ext_rcode << 24 | (do_bit ? DNS_OPT_DO : 0));
	wbuf_be16(w, 0);
}

int dns_append_opt(uint8_t *msg, size_t len, size_t cap, uint16_t udp_size, uint8_t ext_rcode,
		   bool do_bit)
{
	struct wbuf w;
	uint16_t ar;

	if (!msg || len < DNS_HEADER_LEN || len > cap)
		return -EINVAL;
	ar = dns_hdr_arcount(msg);
	if (ar == 0xffff)
		return -ENOBUFS;
	wbuf_init(&w, msg + len, cap - len);
	dns_put_opt(&w, udp_size, ext_rcode, do_bit);
	if (w.overflow)
		return -ENOBUFS;
	dns_hdr_set_arcount(msg, (uint16_t)(ar + 1));
	return (int)(len + w.len);
}

int dns_build_query(uint8_t *buf, size_t cap, uint16_t id, const char *name,
		    uint16_t qtype, bool rd, uint16_t edns_udp_size)
{
	struct wbuf w;

	if (!buf || !name)
		return -EINVAL;
	if (edns_udp_size != 0 && edns_udp_size < DNS_UDP_MIN)
		return -EINVAL;
	wbuf_init(&w, buf, cap);
	dns_put_header(&w, id, rd ? DNS_F_RD : 0, 1, edns_udp_size ? 1 : 0);
	if (dname_to_wire(name, &w) < 0)
		return -EINVAL;
	wbuf_be16(&w, qtype);
	wbuf_be16(&w, DNS_CLASS_IN);
	if (edns_udp_size)
		dns_put_opt(&w, edns_udp_size, 0, false);
	if (w.overflow)
		return -ENOBUFS;
	return (int)w.len;
}

int dns_build_error(uint8_t *buf, size_t cap, const uint8_t *query, size_t qlen,
		    uint8_t rcode)
{
	uint8_t wire[DNAME_MAX_WIRE];
	struct dns_header h;
	size_t off = DNS_HEADER_LEN, wlen = 0;
	uint16_t qtype = 0, qclass = 0, flags;
	bool has_q;
	struct wbuf w;

	if (!buf || !query)
		return -EINVAL;
	if (rcode > DNS_RCODE_MASK)
		return -EINVAL;
	if (dns_parse_header(query, qlen, &h) < 0 || h.qr)
		return -EBADMSG;
	has_q = h.qdcount == 1 &&
		dns_read_question(query, qlen, &off, wire, &wlen, &qtype,
				  &qclass) == 0;
	/* RFC 1035 section 4.1.1: ID, OPCODE and RD are copied from the
	 * query into the response; so is CD (RFC 4035 section 3.1.6). */
	flags = (uint16_t)(DNS_F_QR | (h.opcode << DNS_OPCODE_SHIFT) |
			   (h.rd ? DNS_F_RD : 0) | (h.flags & DNS_F_CD) | rcode);
	wbuf_init(&w, buf, cap);
	dns_put_header(&w, h.id, flags, has_q ? 1 : 0, 0);
	if (has_q) {
		wbuf_put(&w, wire, wlen);
		wbuf_be16(&w, qtype);
		wbuf_be16(&w, qclass);
	}
	if (w.overflow)
		return -ENOBUFS;
	return (int)w.len;
}

int dns_build_error_opt(uint8_t *buf, size_t cap, const uint8_t *query, size_t qlen,
			uint16_t rcode, uint16_t udp_size, bool do_bit)
{
	int n;

	/* RFC 6891 section 6.1.3: 12 bits, the upper 8 in the OPT RR. */
	if (rcode > 0xfff)
		return -EINVAL;
	n = dns_build_error(buf, cap, query, qlen, (uint8_t)(rcode & DNS_RCODE_MASK));
	if (n < 0)
		return n;
	return dns_append_opt(buf, (size_t)n, cap, udp_size, (uint8_t)(rcode >> 4), do_bit);
}

/* Length of a dotted name without one trailing dot. */
static size_t dns_text_len(const char *n)
{
	size_t l = strlen(n);

	return l && n[l - 1] == '.' ? l - 1 : l;
}

static int dns_rev_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int dns_rev_reverse6(const char *n, size_t len, struct in6_addr *a, uint8_t *plen)
{
	size_t k = 0;

	memset(a, 0, sizeof(*a));
	/* Nibbles, least significant first: "x.y.z." before "ip6.arpa". */
	for (size_t i = 0; i < len; i += 2, k++) {
		int v = dns_rev_nibble(n[i]);

		if (k == 32 || v < 0 || (i + 1 < len && n[i + 1] != '.'))
			return -EINVAL;
	}
	for (size_t i = 0, j = k; i < len; i += 2) {
		j--;
		a->s6_addr[j / 2] |= (uint8_t)(dns_rev_nibble(n[i]) << (j % 2 ? 0 : 4));
	}
	*plen = (uint8_t)(k * 4);
	return 0;
}

static int dns_rev_reverse4(const char *n, size_t len, struct in6_addr *a, uint8_t *plen)
{
	unsigned oct[4], k = 0;
	char buf[32], *save = NULL;

	if (len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, n, len);
	buf[len] = '\0';
	for (char *t = strtok_r(buf, ".", &save); t; t = strtok_r(NULL, ".", &save)) {
		char *end;
		unsigned long v = strtoul(t, &end, 10);

		if (k == 4 || *end || !*t || v > 255)
			return -EINVAL;
		oct[k++] = (unsigned)v;
	}
	memset(a, 0, sizeof(*a));
	a->s6_addr[10] = a->s6_addr[11] = 0xff;
	for (unsigned i = 0; i < k; i++)
		a->s6_addr[12 + i] = (uint8_t)oct[k - 1 - i];
	*plen = (uint8_t)(96 + 8 * k);
	return 0;
}

int dns_reverse_prefix(const char *qname, struct in6_addr *addr, uint8_t *plen)
{
	size_t nl = dns_text_len(qname);

	if (nl > 13 && strncasecmp(qname + nl - 13, ".in-addr.arpa", 13) == 0)
		return dns_rev_reverse4(qname, nl - 13, addr, plen);
	if (nl > 9 && strncasecmp(qname + nl - 9, ".ip6.arpa", 9) == 0)
		return dns_rev_reverse6(qname, nl - 9, addr, plen);
	return -EINVAL;
}


int dns_strip_opt(uint8_t *msg, size_t len)
{
	struct dns_header h;
	struct dns_rr rr;
	size_t off, start = 0;
	unsigned total;

	if (dns_parse_header(msg, len, &h) < 0 || dns_first_rr(msg, len, &off) < 0)
		return -EBADMSG;
	total = (unsigned)h.ancount + h.nscount + h.arcount;
	for (unsigned i = 0; i < total; i++) {
		start = off;
		if (dns_next_rr(msg, len, &off, &rr) < 0)
			return -EBADMSG;
		if (rr.type != DNS_TYPE_OPT)
			continue;
		/* Only the last record can go without moving others (and
		 * any compression pointer into them). */
		if (i != total - 1 || i < (unsigned)h.ancount + h.nscount)
			return -EINVAL;
		/* A name may point back at a label that runs on into the
		 * OPT: the message must still parse without it. */
		if (dns_first_rr(msg, start, &off) < 0)
			return -EINVAL;
		for (unsigned k = 0; k < i; k++)
			if (dns_next_rr(msg, start, &off, &rr) < 0)
				return -EINVAL;
		dns_hdr_set_arcount(msg, (uint16_t)(h.arcount - 1));
		return (int)start;
	}
	if (off != len)
		return -EBADMSG;
	return (int)len;
}

static const struct { uint16_t type; const char *name; } dns_types[] = {
	{ DNS_TYPE_A, "A" }, { DNS_TYPE_NS, "NS" }, { DNS_TYPE_CNAME, "CNAME" },
	{ DNS_TYPE_SOA, "SOA" }, { DNS_TYPE_PTR, "PTR" }, { DNS_TYPE_MX, "MX" },
	{ DNS_TYPE_TXT, "TXT" }, { DNS_TYPE_AAAA, "AAAA" }, { DNS_TYPE_SRV, "SRV" },
	{ DNS_TYPE_OPT, "OPT" }, { 43, "DS" }, { 46, "RRSIG" }, { 47, "NSEC" },
	{ 48, "DNSKEY" }, { 64, "SVCB" }, { 65, "HTTPS" }, { 257, "CAA" },
	{ DNS_TYPE_ANY, "ANY" },
};

const char *dns_type_name(uint16_t type, char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof(dns_types) / sizeof(dns_types[0]); i++)
		if (dns_types[i].type == type)
			return dns_types[i].name;
	/* RFC 3597 section 5: unknown types are written TYPEnnn. */
	snprintf(buf, len, "TYPE%u", type);
	return buf;
}

int dns_type_from_name(const char *name)
{
	unsigned long v;
	char *end;

	if (!name || !*name)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(dns_types) / sizeof(dns_types[0]); i++)
		if (strcasecmp(dns_types[i].name, name) == 0)
			return dns_types[i].type == DNS_TYPE_OPT ? -EINVAL : dns_types[i].type;
	if (strncasecmp(name, "TYPE", 4) == 0)
		name += 4;
	if (*name < '0' || *name > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(name, &end, 10);
	if (*end || errno || v == 0 || v > 65535 || v == DNS_TYPE_OPT)
		return -EINVAL;
	return (int)v;
}

const char *dns_rcode_name(unsigned rcode)
{
	static const char *const n[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
					 "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET",
					 "NXRRSET", "NOTAUTH", "NOTZONE" };

	return rcode < sizeof(n) / sizeof(n[0]) ? n[rcode] : "RCODE?";
}

int dns_name_text(const uint8_t *wire, size_t wire_len, char *out, size_t outsz)
{
	return dns_wire_to_text(wire, wire_len, out, outsz);
}

int dns_read_name_text(const uint8_t *msg, size_t len, size_t *off, char *out, size_t outsz)
{
	uint8_t wire[DNAME_MAX_WIRE];
	size_t wlen, o = *off;
	int r = dname_from_msg_raw(msg, len, &o, wire, &wlen);

	if (r < 0)
		return r;
	r = dns_wire_to_text(wire, wlen, out, outsz);
	if (r < 0)
		return r;
	*off = o;
	return 0;
}
