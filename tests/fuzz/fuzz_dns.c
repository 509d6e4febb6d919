/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for proto/dns.c and dns_rdata.c. Runs every parser
 * over the input and checks what a caller relies on: offsets stay inside
 * the message, names stay within 255 octets and come out lowercased, the
 * walker always moves forward, RDATA text stays NUL-terminated within its
 * buffer, the one-pass question reader agrees with the general walk, and
 * an error reply built from a parsable query parses back and matches that
 * query.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto/dname.h"
#include "proto/dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check_wire(const uint8_t *w, size_t n)
{
	if (n < 1 || n > DNAME_MAX_WIRE || w[n - 1] != 0)
		__builtin_trap();
	for (size_t i = 0; i < n; i++)
		if (w[i] >= 'A' && w[i] <= 'Z')
			__builtin_trap();
}

/* RDATA as text, into buffers of 1 to 1,100 octets: always a NUL-terminated
 * string within the buffer, never an error for an RR the walker gave. */
static void fuzz_rdata(const uint8_t *data, size_t size, const struct dns_rr *rr)
{
	static const size_t caps[] = { 1, 2, 3, 4, 5, 8, 17, 39, 1100 };
	char out[1101];

	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		memset(out, 'Z', sizeof(out));
		if (dns_rdata_text(data, size, rr, out, caps[i]) != 0 ||
		    !memchr(out, '\0', caps[i]) || out[caps[i]] != 'Z')
			__builtin_trap();
	}
}

/* Walk every RR the counts promise; the walk must end by running out of
 * message or of records, moving forward each time. */
static void fuzz_walk(const uint8_t *data, size_t size, const struct dns_header *h)
{
	size_t total = (size_t)h->ancount + h->nscount + h->arcount, off, prev;
	struct dns_rr rr;

	if (dns_first_rr(data, size, &off) < 0)
		return;
	for (size_t i = 0; i < total; i++) {
		prev = off;
		if (dns_next_rr(data, size, &off, &rr) < 0) {
			if (off != prev)
				__builtin_trap();
			return;
		}
		fuzz_check_wire(rr.owner_wire, rr.owner_len);
		fuzz_rdata(data, size, &rr);
		if (off <= prev || off > size || rr.rdata_off > size ||
		    rr.rdlength > size - rr.rdata_off ||
		    rr.rdata_off + rr.rdlength != off)
			__builtin_trap();
	}
}

/* Whether a label of the wire name holds a '.' octet, the slow way. */
static bool fuzz_label_dot(const uint8_t *w, size_t len)
{
	size_t i = 0;

	while (i < len && w[i]) {
		for (size_t k = 1; k <= w[i]; k++)
			if (w[i + k] == '.')
				return true;
		i += (size_t)w[i] + 1;
	}
	return false;
}

static void fuzz_question(const uint8_t *data, size_t size)
{
	struct dns_question q, q2;
	struct dns_header h;
	uint8_t reply[DNS_HEADER_LEN + DNAME_MAX_WIRE + 4];
	size_t end, end2;
	int n, rw = dns_parse_question_wire(data, size, &q2, &end2);

	/* The stub's fast parse and the full one agree on every input (the
	 * text of any valid name fits: DNS_NAME_TEXT_MAX). */
	n = dns_parse_question(data, size, &q, &end);
	if ((n == 0) != (rw == 0))
		__builtin_trap();
	if (n == 0 && (end2 != end || q2.wire_len != q.wire_len ||
		       memcmp(q2.wire, q.wire, q.wire_len) || q2.qtype != q.qtype ||
		       q2.qclass != q.qclass || q2.name[0] || q2.hash != q.hash ||
		       q2.label_dot != q.label_dot))
		__builtin_trap();
	if (n == 0 && (q.hash != dns_question_hash(q.wire, q.wire_len, q.qtype, q.qclass) ||
		       q.label_dot != fuzz_label_dot(q.wire, q.wire_len)))
		__builtin_trap();
	if (n < 0)
		return;
	fuzz_check_wire(q.wire, q.wire_len);
	if (end > size || memchr(q.name, '\0', sizeof(q.name)) == NULL)
		__builtin_trap();
	if (dns_parse_header(data, size, &h) < 0)
		__builtin_trap();
	if (h.qr)
		return;
	/* The reply always fits: a header and an uncompressed question. */
	n = dns_build_error(reply, sizeof(reply), data, size, DNS_RCODE_SERVFAIL);
	if (n < 0)
		__builtin_trap();
	if (dns_answer_matches(reply, (size_t)n, h.id, &q) != 1)
		__builtin_trap();
	if (dns_parse_question(reply, (size_t)n, &q2, NULL) < 0 ||
	    q2.wire_len != q.wire_len || memcmp(q2.wire, q.wire, q.wire_len) ||
	    strcmp(q2.name, q.name) != 0)
		__builtin_trap();
	if (dns_parse_header(reply, (size_t)n, &h) < 0 || !h.qr ||
	    h.rcode != DNS_RCODE_SERVFAIL)
		__builtin_trap();
}

/* The input as a (reverse) name in text: the prefix must be in range. */
static void fuzz_reverse(const uint8_t *data, size_t size)
{
	char name[300];
	struct in6_addr a;
	uint8_t plen;

	if (size >= sizeof(name))
		return;
	memcpy(name, data, size);
	name[size] = '\0';
	if (dns_reverse_prefix(name, &a, &plen) == 0 && plen > 128)
		__builtin_trap();
}

/* The stub strips OPT before caching and prints RDATA names: both on
 * peer data. Stripping only ever shortens, and the result parses. */
static void fuzz_strip_and_names(const uint8_t *data, size_t size)
{
	uint8_t copy[4096];
	char text[DNAME_MAX_TEXT + 1];
	size_t off;
	int n;

	if (size > sizeof(copy))
		return;
	memcpy(copy, data, size);
	n = dns_strip_opt(copy, size);
	if (n > (int)size || (n >= 0 && n < DNS_HEADER_LEN))
		__builtin_trap();
	if (n >= 0 && n < (int)size && dns_find_opt(copy, (size_t)n, NULL, NULL, NULL) != -ENOENT)
		__builtin_trap();
	for (off = DNS_HEADER_LEN; off < size && off < DNS_HEADER_LEN + 64; off++) {
		size_t o = off;

		if (dns_read_name_text(data, size, &o, text, sizeof(text)) == 0 &&
		    (o <= off || o > size || strlen(text) > DNAME_MAX_TEXT))
			__builtin_trap();
	}
}

/* An error reply with OPT (RFC 6891 sections 6.1.3 and 7) to any query
 * that gets an error reply at all: BADVERS reads back as 16. */
static void fuzz_error_opt(const uint8_t *data, size_t size)
{
	uint8_t reply[DNS_HEADER_LEN + DNAME_MAX_WIRE + 4 + 11];
	struct dns_opt o;
	int n = dns_build_error(reply, sizeof(reply) - 11, data, size, DNS_RCODE_SERVFAIL);
	int m = dns_build_error_opt(reply, sizeof(reply), data, size, DNS_RCODE_BADVERS, 1232,
				    true);

	if ((n < 0) != (m < 0) || (m >= 0 && m != n + 11))
		__builtin_trap();
	if (m < 0)
		return;
	if (dns_get_opt(reply, (size_t)m, &o) < 0 || o.version != 0 ||
	    (o.ext_rcode << 4 | dns_hdr_rcode(reply)) != DNS_RCODE_BADVERS || !o.do_bit ||
	    o.udp_size != 1232)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_header h;
	uint8_t ext;
	uint16_t udp;
	uint32_t ttl;
	bool dob;
	int r;

	fuzz_reverse(data, size);
	if (dns_parse_header(data, size, &h) < 0) {
		if (size >= DNS_HEADER_LEN)
			__builtin_trap();
		return 0;
	}
	fuzz_walk(data, size, &h);
	fuzz_question(data, size);
	fuzz_error_opt(data, size);
	fuzz_strip_and_names(data, size);
	/* RFC 2181 section 8: no TTL above 2^31 - 1 comes out. */
	if (dns_min_ttl(data, size, &ttl) == 0 && ttl > 0x7fffffffu)
		__builtin_trap();
	r = dns_find_opt(data, size, &udp, &ext, &dob);
	if (r == 0 && udp < DNS_UDP_MIN)
		__builtin_trap();
	if (r < 0 && r != -ENOENT && r != -EBADMSG && r != -E2BIG)
		__builtin_trap();
	return 0;
}
