/* SPDX-License-Identifier: MIT */
/*
 * DNS wire names (RFC 1035 section 3.1). dname_from_wire() reads the
 * uncompressed names of the PvD ID option (RFC 8801 section 3.1) and DNSSL
 * (RFC 8106 section 5.2): both RFCs forbid compression (RFC 1035 section
 * 4.1.4), so there a pointer is simply malformed input. dname_from_msg()
 * reads names that may be compressed, as in DHCPv4 option 119 (RFC 3397),
 * with every pointer checked to point backwards and the jumps bounded.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto/dname.h"

/* Top two bits of a length octet: 00 is a plain label, 11 a compression
 * pointer, 01 and 10 are extended/obsolete label types (RFC 6891 section
 * 5, RFC 2673). Only 00 is acceptable. */
#define DNAME_LABEL_TYPE_MASK 0xc0

/*
 * Names become PvD identifiers shown to users, keys in tables and parts of
 * an HTTPS URL (RFC 8801 section 4.1), so accept only the LDH characters
 * plus '_' and refuse dots, spaces, NULs and bytes >= 0x80 inside labels.
 */
static bool dname_char_ok(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static char dname_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Append one label of len octets from c to out at *pos, with a separating
 * dot when it is not the first label. */
static int dname_take_label(struct buf *c, uint8_t len, char *out,
			    size_t outsz, size_t *pos)
{
	uint8_t label[DNAME_MAX_LABEL];
	size_t need = (size_t)len + (*pos > 0 ? 1 : 0);

	if (buf_read(c, label, len) < 0)
		return -EBADMSG;
	/* +1 keeps room for the terminating NUL. */
	if (need + 1 > outsz - *pos)
		return -EBADMSG;
	for (size_t i = 0; i < len; i++)
		if (!dname_char_ok(label[i]))
			return -EBADMSG;
	if (*pos > 0)
		out[(*pos)++] = '.';
	memcpy(out + *pos, label, len);
	*pos += len;
	return 0;
}

int dname_from_wire(struct buf *b, char *out, size_t outsz)
{
	struct buf c = *b;   /* work on a copy: b moves only on success */
	size_t wire = 0, pos = 0;
	uint8_t len;

	if (!out || outsz < DNAME_MAX_TEXT + 1)
		return -EINVAL;
	for (;;) {
		if (buf_u8(&c, &len) < 0)
			return -EBADMSG;
		if (len & DNAME_LABEL_TYPE_MASK)
			return -EBADMSG;
		/* RFC 1035 section 2.3.4: 255 octets including every length
		 * octet and the root; checked before reading the label. */
		wire += 1 + (size_t)len;
		if (wire > DNAME_MAX_WIRE)
			return -EBADMSG;
		if (len == 0)
			break;
		if (dname_take_label(&c, len, out, outsz, &pos) < 0)
			return -EBADMSG;
	}
	out[pos] = '\0';
	*b = c;
	return 0;
}

/* Top two bits 11: a compression pointer, 14 bits of offset (RFC 1035
 * section 4.1.4). */
#define DNAME_POINTER 0xc0
#define DNAME_OFFSET_HIGH 0x3f

/* State of one dname_from_msg() walk. */
struct dname_walk {
	size_t pos;        /* next octet to read in msg */
	size_t end;        /* where the name ends at *off; 0 until known */
	size_t wire;       /* wire octets of the expanded name so far */
	unsigned jumps;
};

/*
 * Follow the pointer at w->pos. It must point strictly before the octet
 * that holds it (c-ares' rule in ares_dns_name.c: "offset >= label_start"
 * is an error), so no pointer can reach itself or anything after it, and
 * the jump count is bounded on top of that.
 */
static int dname_follow(const uint8_t *msg, size_t len, struct dname_walk *w)
{
	size_t target;

	if (2 > len - w->pos)
		return -EBADMSG;
	target = ((size_t)(msg[w->pos] & DNAME_OFFSET_HIGH) << 8) | msg[w->pos + 1];
	if (target >= w->pos)
		return -EBADMSG;
	if (++w->jumps > DNAME_MAX_JUMPS)
		return -EBADMSG;
	/* The name as stored at *off ends after its first pointer. */
	if (w->end == 0)
		w->end = w->pos + 2;
	w->pos = target;
	return 0;
}

/*
 * Copy the plain label whose length octet is at w->pos into out, length
 * octet included. Any octet may appear in a DNS label (RFC 2181 section
 * 11); only the lengths are checked. The root octet must still fit after
 * it, so the check is "+ 1 > max" (RFC 1035 section 2.3.4).
 */
static int dname_msg_label_raw(const uint8_t *msg, size_t len,
			       struct dname_walk *w, uint8_t *out)
{
	size_t n = msg[w->pos];

	if (n > len - w->pos - 1)
		return -EBADMSG;
	if (w->wire + 1 + n + 1 > DNAME_MAX_WIRE)
		return -EBADMSG;
	memcpy(out + w->wire, msg + w->pos, 1 + n);
	w->wire += 1 + n;
	w->pos += 1 + n;
	return 0;
}

int dname_from_msg_raw(const uint8_t *msg, size_t len, size_t *off,
		       uint8_t *wire, size_t *wire_len)
{
	uint8_t tmp[DNAME_MAX_WIRE];
	struct dname_walk w = { 0 };
	uint8_t c;

	if (!msg || !off || !wire || !wire_len)
		return -EINVAL;
	w.pos = *off;
	for (;;) {
		if (w.pos >= len)
			return -EBADMSG;
		c = msg[w.pos];
		if ((c & DNAME_LABEL_TYPE_MASK) == DNAME_POINTER) {
			if (dname_follow(msg, len, &w) < 0)
				return -EBADMSG;
			continue;
		}
		/* Label types 01 and 10 (RFC 6891 section 5, RFC 2673). */
		if (c & DNAME_LABEL_TYPE_MASK)
			return -EBADMSG;
		if (c == 0)
			break;
		if (dname_msg_label_raw(msg, len, &w, tmp) < 0)
			return -EBADMSG;
	}
	tmp[w.wire++] = 0;
	/* Written only now, so a failed walk leaves the caller's buffer and
	 * offset untouched. */
	memcpy(wire, tmp, w.wire);
	*wire_len = w.wire;
	*off = w.end ? w.end : w.pos + 1;
	return 0;
}

/* Length of name without one trailing dot. */
static size_t dname_text_len(const char *name)
{
	size_t n = strlen(name);

	if (n > 0 && name[n - 1] == '.')
		n--;
	return n;
}

/* Check every label of name[0..n) before anything is written, so a bad
 * name never leaves half an encoding in the caller's buffer. */
static int dname_check_text(const char *name, size_t n)
{
	size_t label = 0;

	if (n == 0)
		return 0;   /* the root name */
	/* n text octets encode to n + 2 wire octets (first length + root). */
	if (n + 2 > DNAME_MAX_WIRE)
		return -EINVAL;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || name[i] == '.') {
			if (label == 0 || label > DNAME_MAX_LABEL)
				return -EINVAL;
			label = 0;
		} else {
			label++;
		}
	}
	return 0;
}

bool dname_text_ok(const char *name)
{
	size_t n;

	if (!name)
		return false;
	n = dname_text_len(name);
	/* The root is a name, but not one to search or to resolve with. */
	if (n == 0 || dname_check_text(name, n) < 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (name[i] != '.' && !dname_char_ok((uint8_t)name[i]))
			return false;
	return true;
}

const char *dname_lookup_problem(const char *name)
{
	size_t n, label = 0;

	if (!name || !(n = dname_text_len(name)))
		return "a domain name is required";
	if (n + 2 > DNAME_MAX_WIRE)
		return "longer than 253 characters";
	for (size_t i = 0; i <= n; i++) {
		if (i < n && name[i] != '.') {
			label++;
			continue;
		}
		if (label == 0)
			return "an empty label (two dots in a row, or a leading dot)";
		if (label > DNAME_MAX_LABEL)
			return "a label longer than 63 characters";
		label = 0;
	}
	return NULL;
}

int dname_to_wire(const char *name, struct wbuf *w)
{
	size_t n, start = 0;
	int r;

	if (!name || !w)
		return -EINVAL;
	n = dname_text_len(name);
	r = dname_check_text(name, n);
	if (r < 0)
		return r;
	for (size_t i = 0; n > 0 && i <= n; i++) {
		if (i < n && name[i] != '.')
			continue;
		wbuf_u8(w, (uint8_t)(i - start));
		wbuf_put(w, name + start, i - start);
		start = i + 1;
	}
	/* Running out of room is recorded in w->overflow, which builders
	 * check once at the end (buf.h). */
	wbuf_u8(w, 0);
	return 0;
}

int dname_equal(const char *a, const char *b)
{
	size_t la, lb;

	if (!a || !b)
		return 0;
	la = dname_text_len(a);
	lb = dname_text_len(b);
	if (la != lb)
		return 0;
	/* RFC 4343 section 3: ASCII case folding only, not the locale's. */
	for (size_t i = 0; i < la; i++)
		if (dname_lower(a[i]) != dname_lower(b[i]))
			return 0;
	return 1;
}

int dname_list_from_wire(struct buf *b, char (*names)[DNAME_MAX_TEXT + 1], size_t max,
			 size_t *n, unsigned *overflow)
{
	char name[DNAME_MAX_TEXT + 1];

	while (buf_remaining(b) > 0) {
		if (dname_from_wire(b, name, sizeof(name)) < 0)
			return -EBADMSG;
		if (*n >= max) {
			(*overflow)++;
			continue;
		}
		if (name[0] == '\0')
			memcpy(name, ".", 2);
		memcpy(names[(*n)++], name, sizeof(name));
	}
	return 0;
}

/* The compressed walk once (dname_from_msg_raw), then the text rules of
 * dname_from_wire() on the expanded name: one place for each. */
int dname_from_msg(const uint8_t *msg, size_t len, size_t *off, char *out,
		   size_t outsz)
{
	uint8_t wire[DNAME_MAX_WIRE];
	size_t wlen, o;
	struct buf b;

	if (!msg || !off || !out || outsz < DNAME_MAX_TEXT + 1)
		return -EINVAL;
	o = *off;
	if (dname_from_msg_raw(msg, len, &o, wire, &wlen) < 0)
		return -EBADMSG;
	buf_init(&b, wire, wlen);
	if (dname_from_wire(&b, out, outsz) < 0)
		return -EBADMSG;
	*off = o;
	return 0;
}
