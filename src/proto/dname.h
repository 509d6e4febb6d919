/* SPDX-License-Identifier: MIT */
/* Domain names in DNS wire format without compression (RFC 1035 section 3.1),
 * as carried by the RA PvD ID option (RFC 8801 section 3.1) and DNSSL
 * (RFC 8106 section 5.2). */
#ifndef MIF_PROTO_DNAME_H
#define MIF_PROTO_DNAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common/buf.h"

#define DNAME_MAX_WIRE 255   /* RFC 1035 section 2.3.4, wire octets incl. root */
#define DNAME_MAX_TEXT 254   /* dotted text without the trailing dot, plus NUL fits in 256 */
#define DNAME_MAX_LABEL 63

/*
 * Read one uncompressed wire name from b into out as dotted text without the
 * trailing dot ("corp.example.com"); the root name gives "".
 * Rejects (-EBADMSG): compression pointers or label types other than 0b00,
 * labels over 63, names over 255 wire octets, a name running past the cursor,
 * and bytes outside letters, digits, '-' and '_' (these names become
 * identifiers shown to users and used as keys, so refuse anything odd).
 * outsz must be at least DNAME_MAX_TEXT + 1. On error b and out are unchanged
 * in meaning (out may be partially written; callers must not use it).
 */
int dname_from_wire(struct buf *b, char *out, size_t outsz);

/*
 * Read one possibly compressed name (RFC 1035 section 4.1.4) at *off in the
 * message msg[0..len), as DHCPv4 option 119 (RFC 3397) and DNS use it.
 * A pointer must point strictly backwards, before the start of the label
 * that holds it (c-ares' rule, so no loop is possible), and at most
 * DNAME_MAX_JUMPS pointers are followed. On success *off moves past the
 * name as it appears at *off (a pointer counts 2 octets). Same character
 * and length rules as dname_from_wire(); -EBADMSG on any violation.
 */
#define DNAME_MAX_JUMPS 16
int dname_from_msg(const uint8_t *msg, size_t len, size_t *off, char *out, size_t outsz);

/*
 * Like dname_from_msg(), but for DNS messages, whose labels may hold any
 * octet (RFC 2181 section 11): stores the expanded name in wire form
 * (length octets, labels as received, the root octet) in wire, which must
 * hold DNAME_MAX_WIRE octets, and its length in *wire_len (1 for the
 * root). Same rules otherwise: labels <= 63, expanded name <= 255 octets,
 * backward-only pointers, at most DNAME_MAX_JUMPS of them; -EBADMSG on any
 * violation, and then wire, *wire_len and *off are left untouched.
 */
int dname_from_msg_raw(const uint8_t *msg, size_t len, size_t *off,
		       uint8_t *wire, size_t *wire_len);

/*
 * Read uncompressed wire names until the cursor is empty, as the "domains
 * and networks" list of RFC 6731 options 74 and 146. The root name is
 * stored as "." (a server fit to be the default resolver). Names past
 * `max` are skipped and counted in *overflow. -EBADMSG on a bad name.
 */
int dname_list_from_wire(struct buf *b, char (*names)[DNAME_MAX_TEXT + 1], size_t max,
			 size_t *n, unsigned *overflow);

/*
 * The two-bit preference shared by RFC 4191 (router and route preference)
 * and RFC 6731 (DNS server selection): 01 high, 00 medium, 11 low; the
 * reserved 10 reads as medium. Returns 1, 0 or -1.
 */
static inline int dname_pref2(uint8_t bits)
{
	bits &= 3;
	return bits == 1 ? 1 : bits == 3 ? -1 : 0;
}

/*
 * Is name (dotted text, one trailing dot optional) a domain name as the
 * names dname_from_wire() accepts: labels of 1 to 63 letters, digits, '-'
 * (RFC 1035 section 2.3.1) and '_', at most 253 characters without the
 * trailing dot? The root ("" or ".") is not, nor is anything with a space,
 * a control character or a byte >= 0x80: such names are shown to users.
 */
bool dname_text_ok(const char *name);

/* Why name (dotted text, one trailing dot optional) cannot be looked up:
 * empty, too long, a label empty or too long (RFC 1035 section 2.3.4);
 * NULL when it can (any octets in its labels, as a query may carry). */
const char *dname_lookup_problem(const char *name);

/* Append name (dotted text, trailing dot optional) in wire form.
 * Returns -EINVAL for an empty label, a label over 63, or a name over 255. */
int dname_to_wire(const char *name, struct wbuf *w);

/* Case-insensitive comparison (RFC 4343), ignoring one trailing dot. */
int dname_equal(const char *a, const char *b);

#endif
