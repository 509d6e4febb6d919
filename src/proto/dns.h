/* SPDX-License-Identifier: MIT */
/*
 * DNS messages (RFC 1035 section 4) and EDNS(0) (RFC 6891) for the per-PvD
 * stub resolver's hot path: header, one question, a resource record
 * walker, answer matching, cache TTLs and the few messages the stub builds
 * itself. No allocation, no globals; every function reads or writes only
 * the buffers it is given.
 */
#ifndef MIF_PROTO_DNS_H
#define MIF_PROTO_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>
#include <stdint.h>

#include "proto/dname.h"

#define DNS_HEADER_LEN 12          /* RFC 1035 section 4.1.1 */
#define DNS_UDP_MIN 512            /* RFC 1035 section 4.2.1, RFC 6891 6.2.5 */
#define DNS_MAX_RRS_PER_SECTION 64 /* walked by dns_min_ttl(), dns_find_opt() */
/* The presentation text of any wire name fits, NUL included: at most 254
 * octets before the root, each label octet "\DDD" (4 characters) at worst
 * and a '.' between labels: 4 * 253 + 1 = 1013 (RFC 1035 sections 2.3.4
 * and 5.1). DNAME_MAX_TEXT is for the strict names of dname_from_wire(). */
#define DNS_NAME_TEXT_MAX 1024
/* The largest query dns_build_query() makes: header, a 255-octet name,
 * QTYPE and QCLASS, and an empty OPT RR. */
#define DNS_QUERY_MAX (DNS_HEADER_LEN + DNAME_MAX_WIRE + 4 + 11)

enum {
	DNS_TYPE_A = 1,
	DNS_TYPE_NS = 2,
	DNS_TYPE_CNAME = 5,
	DNS_TYPE_SOA = 6,
	DNS_TYPE_PTR = 12,
	DNS_TYPE_MX = 15,
	DNS_TYPE_TXT = 16,
	DNS_TYPE_AAAA = 28,
	DNS_TYPE_SRV = 33,
	DNS_TYPE_OPT = 41,
	DNS_TYPE_ANY = 255,
};

#define DNS_CLASS_IN 1
#define DNS_OPCODE_QUERY 0

enum {
	DNS_RCODE_NOERROR = 0,
	DNS_RCODE_FORMERR = 1,
	DNS_RCODE_SERVFAIL = 2,
	DNS_RCODE_NXDOMAIN = 3,
	DNS_RCODE_NOTIMP = 4,
	DNS_RCODE_REFUSED = 5,
	DNS_RCODE_BADVERS = 16,    /* extended (RFC 6891 section 9): needs OPT */
};

/*
 * The second 16 bits of the header (RFC 1035 section 4.1.1; AD and CD from
 * RFC 4035 section 3.2; Z is the one bit left between RA and AD; the
 * layout as registered, RFC 6895 section 2):
 *
 *     0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15
 *   |QR|  Opcode   |AA|TC|RD|RA| Z|AD|CD|   RCODE   |
 */
#define DNS_F_QR 0x8000
#define DNS_OPCODE_SHIFT 11
#define DNS_OPCODE_MASK 0x0f
#define DNS_F_AA 0x0400
#define DNS_F_TC 0x0200
#define DNS_F_RD 0x0100
#define DNS_F_RA 0x0080
#define DNS_F_AD 0x0020
#define DNS_F_CD 0x0010
#define DNS_RCODE_MASK 0x0f

/*
 * Header accessors for code outside src/proto/ that must not index the
 * wire itself (the stub's hot path, the cache). Each needs msg to hold at
 * least DNS_HEADER_LEN octets: the caller checks the length once, so the
 * accessors add no branch and compile to the byte operations they stand
 * for. Flags are read from, and written to, the one octet that holds them
 * (octet 2: QR, Opcode, AA, TC, RD; octet 3: RA, Z, AD, CD, RCODE), so a
 * setter never touches the other bits.
 */
#define DNS_HDR_HI(f) ((uint8_t)((f) >> 8))     /* a flag of octet 2 */
#define DNS_HDR_LO(f) ((uint8_t)(f))            /* a flag of octet 3 */

static inline uint16_t dns_hdr_get16(const uint8_t *msg, size_t at)
{
	return (uint16_t)(msg[at] << 8 | msg[at + 1]);
}

static inline void dns_hdr_put16(uint8_t *msg, size_t at, uint16_t v)
{
	msg[at] = (uint8_t)(v >> 8);
	msg[at + 1] = (uint8_t)v;
}

/* ID (octets 0-1). */
static inline uint16_t dns_hdr_id(const uint8_t *msg)
{
	return dns_hdr_get16(msg, 0);
}

static inline void dns_hdr_set_id(uint8_t *msg, uint16_t id)
{
	dns_hdr_put16(msg, 0, id);
}

/* The raw flags word (octets 2-3), as struct dns_header's flags. */
static inline uint16_t dns_hdr_flags(const uint8_t *msg)
{
	return dns_hdr_get16(msg, 2);
}

static inline bool dns_hdr_qr(const uint8_t *msg)
{
	return msg[2] & DNS_HDR_HI(DNS_F_QR);
}

static inline uint8_t dns_hdr_opcode(const uint8_t *msg)
{
	return (uint8_t)((msg[2] >> (DNS_OPCODE_SHIFT - 8)) & DNS_OPCODE_MASK);
}

static inline bool dns_hdr_aa(const uint8_t *msg)
{
	return msg[2] & DNS_HDR_HI(DNS_F_AA);
}

static inline bool dns_hdr_tc(const uint8_t *msg)
{
	return msg[2] & DNS_HDR_HI(DNS_F_TC);
}

static inline bool dns_hdr_rd(const uint8_t *msg)
{
	return msg[2] & DNS_HDR_HI(DNS_F_RD);
}

static inline bool dns_hdr_ra(const uint8_t *msg)
{
	return msg[3] & DNS_HDR_LO(DNS_F_RA);
}

static inline bool dns_hdr_ad(const uint8_t *msg)
{
	return msg[3] & DNS_HDR_LO(DNS_F_AD);
}

static inline bool dns_hdr_cd(const uint8_t *msg)
{
	return msg[3] & DNS_HDR_LO(DNS_F_CD);
}

/* The header's 4 bits only; EDNS extends RCODE (dns_find_opt). */
static inline uint8_t dns_hdr_rcode(const uint8_t *msg)
{
	return (uint8_t)(msg[3] & DNS_RCODE_MASK);
}

/* Setters of one bit: the bit is set or cleared, the octet's others kept.
 * With a constant on, the compiler reduces them to a single or / and. */
static inline void dns_hdr_set_bit2(uint8_t *msg, uint8_t bit, bool on)
{
	msg[2] = (uint8_t)((msg[2] & ~bit) | (on ? bit : 0));
}

static inline void dns_hdr_set_qr(uint8_t *msg, bool on)
{
	dns_hdr_set_bit2(msg, DNS_HDR_HI(DNS_F_QR), on);
}

static inline void dns_hdr_set_tc(uint8_t *msg, bool on)
{
	dns_hdr_set_bit2(msg, DNS_HDR_HI(DNS_F_TC), on);
}

static inline void dns_hdr_set_rd(uint8_t *msg, bool on)
{
	dns_hdr_set_bit2(msg, DNS_HDR_HI(DNS_F_RD), on);
}

static inline void dns_hdr_set_bit3(uint8_t *msg, uint8_t bit, bool on)
{
	msg[3] = (uint8_t)((msg[3] & ~bit) | (on ? bit : 0));
}

static inline void dns_hdr_set_aa(uint8_t *msg, bool on)
{
	dns_hdr_set_bit2(msg, DNS_HDR_HI(DNS_F_AA), on);
}

static inline void dns_hdr_set_ra(uint8_t *msg, bool on)
{
	dns_hdr_set_bit3(msg, DNS_HDR_LO(DNS_F_RA), on);
}

static inline void dns_hdr_set_cd(uint8_t *msg, bool on)
{
	dns_hdr_set_bit3(msg, DNS_HDR_LO(DNS_F_CD), on);
}

static inline void dns_hdr_set_ad(uint8_t *msg, bool on)
{
	dns_hdr_set_bit3(msg, DNS_HDR_LO(DNS_F_AD), on);
}

/* rcode is masked to its 4 bits; RA, Z, AD and CD are kept. */
static inline void dns_hdr_set_rcode(uint8_t *msg, uint8_t rcode)
{
	msg[3] = (uint8_t)((msg[3] & ~DNS_RCODE_MASK) | (rcode & DNS_RCODE_MASK));
}

/* The four section counts (octets 4-11), never trusted by the parsers. */
static inline uint16_t dns_hdr_qdcount(const uint8_t *msg)
{
	return dns_hdr_get16(msg, 4);
}

static inline uint16_t dns_hdr_ancount(const uint8_t *msg)
{
	return dns_hdr_get16(msg, 6);
}

static inline uint16_t dns_hdr_nscount(const uint8_t *msg)
{
	return dns_hdr_get16(msg, 8);
}

static inline uint16_t dns_hdr_arcount(const uint8_t *msg)
{
	return dns_hdr_get16(msg, 10);
}

static inline void dns_hdr_set_qdcount(uint8_t *msg, uint16_t n)
{
	dns_hdr_put16(msg, 4, n);
}

static inline void dns_hdr_set_ancount(uint8_t *msg, uint16_t n)
{
	dns_hdr_put16(msg, 6, n);
}

static inline void dns_hdr_set_nscount(uint8_t *msg, uint16_t n)
{
	dns_hdr_put16(msg, 8, n);
}

static inline void dns_hdr_set_arcount(uint8_t *msg, uint16_t n)
{
	dns_hdr_put16(msg, 10, n);
}

/* The fixed 12-octet header, flags decoded (RFC 1035 section 4.1.1; AD and
 * CD from RFC 4035 section 3.2). */
struct dns_header {
	uint16_t id;
	uint16_t flags;            /* the raw second 16 bits */
	bool qr;
	uint8_t opcode;            /* 4 bits */
	bool aa, tc, rd, ra, ad, cd;
	uint8_t rcode;             /* 4 bits; EDNS extends it (dns_find_opt) */
	uint16_t qdcount, ancount, nscount, arcount;
};

struct dns_question {
	/* Presentation form as received (case kept, for logs and zone
	 * matching): no trailing dot, "." for the root; a '.' or '\\'
	 * inside a label is escaped with '\\', and octets outside graphic
	 * ASCII are written "\DDD" (RFC 1035 section 5.1). */
	char name[DNS_NAME_TEXT_MAX];
	/* Lowercased uncompressed wire form, for hashing and cache keys. */
	uint8_t wire[DNAME_MAX_WIRE];
	size_t wire_len;
	uint16_t qtype, qclass;
	/* dns_question_hash() of the above, and whether some label holds a
	 * '.' octet (written "\." in name): both set by the parsers here. */
	uint64_t hash;
	bool label_dot;
};

/* One resource record (RFC 1035 section 4.1.3); RDATA stays in the
 * message at msg[rdata_off .. rdata_off + rdlength). */
struct dns_rr {
	uint8_t owner_wire[DNAME_MAX_WIRE];  /* expanded and lowercased */
	size_t owner_len;
	uint16_t type, class;
	uint32_t ttl;              /* as received; see dns_min_ttl() */
	size_t rdata_off, rdlength;
};

/* -EBADMSG if len < 12. h is written only on success. */
int dns_parse_header(const uint8_t *msg, size_t len, struct dns_header *h);

/*
 * Parse the header and the one question of msg. -EBADMSG unless qdcount
 * is 1 (RFC 9619: QDCOUNT is 1 for opcode QUERY) and the question is well
 * formed. The name's text always fits q->name (DNS_NAME_TEXT_MAX): the
 * wire form's 255 octets are the limit, however many octets are escaped.
 * On success *end_off (may be NULL) is the offset of the first answer RR.
 * q is written only on success.
 */
int dns_parse_question(const uint8_t *msg, size_t len, struct dns_question *q,
		       size_t *end_off);

/*
 * The hot-path form of dns_parse_question(): only the lowercased wire name,
 * QTYPE and QCLASS; q->name is left empty (fill it with dns_name_text()
 * when needed). The same checks otherwise; q may be partly written on
 * failure.
 */
int dns_parse_question_wire(const uint8_t *msg, size_t len, struct dns_question *q,
			    size_t *end_off);

/*
 * The cache key's hash of a question: the lowercased wire name eight
 * octets at a time (a multiply and xor-shift per word, native byte order),
 * then QTYPE and QCLASS, then a final mix. The parsers fill q->hash with it.
 */
uint64_t dns_question_hash(const uint8_t *wire, size_t len, uint16_t qtype, uint16_t qclass);

/*
 * Offset of the first RR after the header and question section. QDCOUNT
 * may be 0 (some error replies) or 1; more is -EBADMSG.
 */
int dns_first_rr(const uint8_t *msg, size_t len, size_t *off);

/*
 * Read the RR at *off and move *off past it. RDLENGTH is checked against
 * what is left of the message, never trusted. -EBADMSG on a bad owner
 * name or a record running past the end; *off and rr untouched then.
 */
int dns_next_rr(const uint8_t *msg, size_t len, size_t *off, struct dns_rr *rr);

/*
 * The query-matching checks of a forwarder (RFC 5452 section 9.1; the
 * addresses and ports are the caller's): QR set, the same ID, exactly one
 * question, equal to q in name (case-insensitively, so 0x20 randomisation
 * passes, RFC 4343), type and class. 1 if resp answers q, 0 if it does not
 * or is malformed: either way a non-match is simply dropped.
 */
int dns_answer_matches(const uint8_t *resp, size_t rlen, uint16_t id,
		       const struct dns_question *q);

/*
 * How long a response may be cached: the minimum TTL over the answer and
 * authority RRs (OPT excluded; TTLs with the top bit set count as 0, RFC
 * 2181 section 8). For a negative answer (NXDOMAIN, or NOERROR with no
 * answer RR of the question's type: NODATA, RFC 2308 section 2.2) the
 * authority SOA's MINIMUM field is also taken in, so the result is at most
 * min(SOA TTL, SOA MINIMUM) (RFC 2308 sections 3 and 5). A negative answer
 * without an SOA gives 0 (section 5: SHOULD NOT be cached), as does a
 * response with no RR at all. -EBADMSG on a malformed message, -E2BIG
 * when a section holds over DNS_MAX_RRS_PER_SECTION RRs (do not cache).
 */
int dns_min_ttl(const uint8_t *msg, size_t len, uint32_t *ttl);

/* An OPT RR's fields (RFC 6891 section 6.1.2). */
struct dns_opt {
	uint16_t udp_size;         /* below 512 read as 512 (section 6.2.5) */
	uint8_t ext_rcode;         /* upper 8 bits of the extended RCODE */
	uint8_t version;           /* EDNS version (section 6.1.3) */
	bool do_bit;               /* RFC 3225 */
};

/*
 * The OPT RR of the additional section (RFC 6891 section 6.1.2) into *o.
 * -ENOENT if there is none, -EBADMSG if there are two (section 6.1.1) or
 * its owner is not the root, -E2BIG past DNS_MAX_RRS_PER_SECTION per
 * section. *o is written only on success.
 */
int dns_get_opt(const uint8_t *msg, size_t len, struct dns_opt *o);

/* dns_get_opt() field by field: any out-parameter may be NULL; none is
 * written on failure. */
int dns_find_opt(const uint8_t *msg, size_t len, uint16_t *udp_size,
		 uint8_t *ext_rcode, bool *do_bit);

/*
 * Append an OPT RR without options (version 0, the given payload size,
 * upper 8 bits of the extended RCODE and DO bit) to the message msg[0..len)
 * and count it in ARCOUNT. Returns the new length; -ENOBUFS if it does not
 * fit in cap (msg unchanged), -EINVAL if len is shorter than a header.
 */
int dns_append_opt(uint8_t *msg, size_t len, size_t cap, uint16_t udp_size, uint8_t ext_rcode,
		   bool do_bit);

/*
 * Build a standard query (opcode QUERY, class IN) for the dotted name
 * (trailing dot optional, "" or "." for the root), with an OPT RR
 * advertising edns_udp_size unless it is 0. Returns the length, -EINVAL
 * for a bad name or an edns_udp_size below 512, -ENOBUFS if cap is too
 * small (DNS_QUERY_MAX always suffices).
 */
int dns_build_query(uint8_t *buf, size_t cap, uint16_t id, const char *name,
		    uint16_t qtype, bool rd, uint16_t edns_udp_size);

/*
 * Build the reply the stub sends when it cannot answer: the query's ID,
 * opcode, RD and question (the name octets as received, so the client's
 * 0x20 case pattern survives), QR set and the given 4-bit rcode (SERVFAIL,
 * REFUSED, FORMERR...). A query whose question does not parse gets a
 * header-only reply (QDCOUNT 0). Returns the length; -EBADMSG if query is
 * shorter than a header or is itself a response (never answer those: two
 * forwarders would loop), -EINVAL for rcode > 15, -ENOBUFS if cap is too
 * small.
 */
int dns_build_error(uint8_t *buf, size_t cap, const uint8_t *query, size_t qlen,
		    uint8_t rcode);

/*
 * dns_build_error() for a query that carried OPT (RFC 6891 section 7: the
 * reply carries one too): rcode is the 12-bit extended RCODE (BADVERS is
 * 16), its low 4 bits in the header and the upper 8 in an appended OPT RR
 * of version 0 with udp_size and do_bit (RFC 3225: DO is copied from the
 * query). -EINVAL for rcode > 4095; otherwise as dns_build_error().
 */
int dns_build_error_opt(uint8_t *buf, size_t cap, const uint8_t *query, size_t qlen,
			uint16_t rcode, uint16_t udp_size, bool do_bit);

/* The address a reverse name stands for, as a prefix: "5.0.0.10.in-addr.arpa"
 * gives 10.0.0.5/32 (IPv4 mapped, length + 96); partial names give shorter
 * prefixes. -EINVAL if qname is not a well-formed reverse name. */
int dns_reverse_prefix(const char *qname, struct in6_addr *addr, uint8_t *plen);

/*
 * Drop the OPT RR from a message (a cache keeps answers without it, RFC
 * 6891 section 6.1.1: OPT is per hop). Returns the new length (len if
 * there was none); -EINVAL if the OPT is not the last record (removing
 * it would move records that compression pointers may point into) or if
 * the message would not parse without it (a name pointing at a label
 * that runs into the OPT), and then msg is unchanged;
 * -EBADMSG if the message does not parse to its end.
 */
int dns_strip_opt(uint8_t *msg, size_t len);

/* "AAAA", or "TYPE1234" written to buf (RFC 3597 section 5). */
const char *dns_type_name(uint16_t type, char *buf, size_t len);
/* "aaaa", "AAAA", "TYPE28", "28": the type; -EINVAL otherwise (and OPT). */
int dns_type_from_name(const char *name);
/* Presentation form of an uncompressed wire name, as in struct
 * dns_question's name ("." for the root); -ENAMETOOLONG if out is short
 * (DNS_NAME_TEXT_MAX never is), -EBADMSG if the wire is not a name. */
int dns_name_text(const uint8_t *wire, size_t wire_len, char *out, size_t outsz);
/* Read a possibly compressed name at *off (dname_from_msg_raw rules) as
 * presentation text; *off moves past it only on success. */
int dns_read_name_text(const uint8_t *msg, size_t len, size_t *off, char *out, size_t outsz);

/*
 * The RDATA of rr (from dns_next_rr() on msg) in presentation form: A,
 * AAAA, CNAME, NS, PTR, MX, SRV, SOA and TXT by their RFC 1035 / 2782
 * forms, anything else or anything malformed as RFC 3597's "\# LEN HEX".
 * Names in RDATA may be compressed but must end within it. out is always
 * NUL-terminated when cap > 0, and the text cut short (never mid-string
 * for TXT) when cap is; 0, or -EINVAL / -EBADMSG for bad arguments (rr
 * outside msg: out is then "").
 */
int dns_rdata_text(const uint8_t *msg, size_t len, const struct dns_rr *rr, char *out, size_t cap);

/* "NXDOMAIN" (RFC 1035 4.1.1, RFC 2136 2.2). */
const char *dns_rcode_name(unsigned rcode);

#endif
