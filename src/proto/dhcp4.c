/* SPDX-License-Identifier: MIT */
/*
 * DHCPv4 messages (RFC 2131) and the options of RFC 2132 that mifd's client
 * uses, plus 119 (RFC 3397), 121 (RFC 3442), 114 (RFC 8910), 146
 * (RFC 6731 section 4.3), and the metered hint in 43.
 *
 * Parsing runs in two passes. The first walks the option areas in the order
 * RFC 2131 section 4.1 gives (options, then file, then sname when option 52
 * overloads them) and checks only the framing. The second gathers, for each
 * code we decode, the data of every instance of that code in the same order
 * into one bounded scratch buffer (RFC 3396: instances of one code are
 * concatenated before the option is interpreted) and decodes it. So a
 * split option is never decoded piecewise, and memory stays fixed.
 *
 * Framing errors and impossible lengths of fixed-size options reject the
 * message; bad contents of optional options drop that option and count in
 * msg->ignored. Unknown options are skipped without counting: servers send
 * many we have no use for (RFC 2131 section 4.1 lets a client ignore them).
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/buf.h"
#include "proto/dhcp4.h"
#include "proto/dname.h"

/* Fixed part (RFC 2131 section 2, figure 1). */
#define DHCP4_OFF_XID 4
#define DHCP4_OFF_SECS 8
#define DHCP4_OFF_FLAGS 10
#define DHCP4_OFF_CIADDR 12
#define DHCP4_OFF_YIADDR 16
#define DHCP4_OFF_SIADDR 20
#define DHCP4_OFF_GIADDR 24
#define DHCP4_OFF_CHADDR 28
#define DHCP4_OFF_SNAME 44
#define DHCP4_SNAME_LEN 64
#define DHCP4_OFF_FILE 108
#define DHCP4_FILE_LEN 128
#define DHCP4_CHADDR_LEN 16

#define DHCP4_OP_REPLY 2
#define DHCP4_HTYPE_ETHER 1          /* RFC 1700 hardware type */
#define DHCP4_TYPE_MAX DHCP4_INFORM  /* types RFC 2132 9.6 defines */

/* RFC 951's 64-octet vend field makes a 300-octet BOOTP message; some
 * relays and clients still drop shorter ones. */
#define DHCP4_BOOTP_MIN 300

#define DHCP4_OPT_DATA_MAX 255       /* one instance's Len octet */
#define DHCP4_SCRATCH 4096           /* concatenated data of one code */
#define DHCP4_MTU_MIN 68             /* RFC 2132 section 5.1 */
#define DHCP4_ADDR_LEN 4

/* Option 52 values (RFC 2132 section 9.3). */
#define DHCP4_OVERLOAD_FILE 1
#define DHCP4_OVERLOAD_SNAME 2
#define DHCP4_OVERLOAD_BOTH 3

/* Option 146 (RFC 6731 section 4.3): one octet of Reserved (6 bits) and
 * prf (the 2 low bits), then Primary and Secondary IPv4 addresses. */
#define DHCP4_DNSSEL_PRF_MASK 0x03
#define DHCP4_DNSSEL_FIXED 9

/* One option area: the options field, or file or sname when overloaded. */
struct dhcp4_area {
	const uint8_t *p;
	size_t len;
};

struct dhcp4_ctx {
	struct dhcp4_msg *m;
	struct dhcp4_area area[3];
	size_t n_area;
	uint8_t scratch[DHCP4_SCRATCH];
};

enum dhcp4_kind {
	DHCP4_FIXED,   /* exactly `size` octets, else the message is bad */
	DHCP4_ADDRS,   /* a non-zero multiple of 4 octets, else likewise */
	DHCP4_VAR,     /* variable: bad contents drop only the option */
};

typedef enum dhcp4_error (*dhcp4_decode_fn)(struct dhcp4_msg *m, uint8_t code,
					    const uint8_t *p, size_t n);

struct dhcp4_opt_def {
	uint8_t code;
	uint8_t kind;
	uint8_t size;
	dhcp4_decode_fn decode;   /* NULL: checked, not stored */
};

static const char *const dhcp4_error_names[DHCP4_ERR__MAX] = {
	[DHCP4_OK] = "ok",
	[DHCP4_ERR_TRUNCATED] = "truncated",
	[DHCP4_ERR_BAD_MAGIC] = "bad-magic",
	[DHCP4_ERR_BAD_OP] = "bad-op",
	[DHCP4_ERR_OPTION_OVERRUN] = "option-overrun",
	[DHCP4_ERR_BAD_OPTION_LENGTH] = "bad-option-length",
	[DHCP4_ERR_NO_TYPE] = "no-type",
	[DHCP4_ERR_BAD_OVERLOAD] = "bad-overload",
};

const char *dhcp4_error_name(enum dhcp4_error e)
{
	if ((unsigned)e >= DHCP4_ERR__MAX)
		return "unknown";
	return dhcp4_error_names[e];
}

static uint32_t dhcp4_get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static void dhcp4_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* ---- Framing ---- */

/*
 * Split the next option off b. Pad (0) is one octet without a length; End
 * (255) ends the area (RFC 2132 sections 3.1, 3.2). Returns 1 with code
 * and val set, 0 at End or the end of the area, -EBADMSG when a Len octet
 * or the data runs past the area.
 */
static int dhcp4_next(struct buf *b, uint8_t *code, struct buf *val)
{
	uint8_t len;

	for (;;) {
		if (buf_u8(b, code) < 0 || *code == DHCP4_OPT_END)
			return 0;
		if (*code != DHCP4_OPT_PAD)
			break;
	}
	if (buf_u8(b, &len) < 0 || buf_sub(b, len, val) < 0)
		return -EBADMSG;
	return 1;
}

/* Check one area's framing and find option 52. RFC 2131 4.1 and RFC 2132
 * 9.3: option 52 belongs in the options field only, once, with Len 1 and a
 * value 1..3. Anything else could make us read file/sname as options when
 * the server meant names, or loop between areas. */
static enum dhcp4_error dhcp4_check_area(const struct dhcp4_area *a, bool first,
					 uint8_t *overload)
{
	struct buf b, v;
	uint8_t code;
	int r;

	buf_init(&b, a->p, a->len);
	while ((r = dhcp4_next(&b, &code, &v)) > 0) {
		if (code != DHCP4_OPT_OVERLOAD)
			continue;
		if (!first || *overload != 0 || buf_remaining(&v) != 1 ||
		    v.p[0] < DHCP4_OVERLOAD_FILE || v.p[0] > DHCP4_OVERLOAD_BOTH)
			return DHCP4_ERR_BAD_OVERLOAD;
		*overload = v.p[0];
	}
	return r < 0 ? DHCP4_ERR_OPTION_OVERRUN : DHCP4_OK;
}

static void dhcp4_add_area(struct dhcp4_ctx *c, const uint8_t *p, size_t len)
{
	c->area[c->n_area].p = p;
	c->area[c->n_area].len = len;
	c->n_area++;
}

/* RFC 2131 section 4.1: "Options in the 'options' field MUST be interpreted
 * first ... The 'file' field MUST be interpreted next (if the 'option
 * overload' option indicates that the 'file' field contains DHCP options),
 * followed by the 'sname' field." */
static enum dhcp4_error dhcp4_find_areas(struct dhcp4_ctx *c, const uint8_t *data,
					 size_t len)
{
	uint8_t overload = 0;
	enum dhcp4_error e;

	c->n_area = 0;
	dhcp4_add_area(c, data + DHCP4_MIN_LEN, len - DHCP4_MIN_LEN);
	e = dhcp4_check_area(&c->area[0], true, &overload);
	if (e != DHCP4_OK)
		return e;
	if (overload & DHCP4_OVERLOAD_FILE)
		dhcp4_add_area(c, data + DHCP4_OFF_FILE, DHCP4_FILE_LEN);
	if (overload & DHCP4_OVERLOAD_SNAME)
		dhcp4_add_area(c, data + DHCP4_OFF_SNAME, DHCP4_SNAME_LEN);
	for (size_t i = 1; i < c->n_area; i++) {
		e = dhcp4_check_area(&c->area[i], false, &overload);
		if (e != DHCP4_OK)
			return e;
	}
	return DHCP4_OK;
}

/* Concatenate the data of every instance of code, in area order, into
 * c->scratch (RFC 3396). Returns the number of instances; *total
 * is the full length even when it exceeds the scratch buffer, in which
 * case the scratch holds only a prefix and must not be decoded. */
static size_t dhcp4_gather(struct dhcp4_ctx *c, uint8_t code, size_t *total)
{
	struct buf b, v;
	uint8_t oc;
	size_t n = 0, len;

	*total = 0;
	for (size_t i = 0; i < c->n_area; i++) {
		buf_init(&b, c->area[i].p, c->area[i].len);
		while (dhcp4_next(&b, &oc, &v) > 0) {
			if (oc != code)
				continue;
			len = buf_remaining(&v);
			if (*total <= DHCP4_SCRATCH && len <= DHCP4_SCRATCH - *total)
				memcpy(c->scratch + *total, v.p, len);
			*total += len;
			n++;
		}
	}
	return n;
}

/* ---- Fixed-size and address-list options ---- */

static enum dhcp4_error dhcp4_opt_type(struct dhcp4_msg *m, uint8_t code,
				       const uint8_t *p, size_t n)
{
	m->type = p[0];
	return DHCP4_OK;
}

static enum dhcp4_error dhcp4_opt_addr(struct dhcp4_msg *m, uint8_t code,
				       const uint8_t *p, size_t n)
{
	if (code == DHCP4_OPT_SUBNET) {
		memcpy(&m->subnet, p, DHCP4_ADDR_LEN);
		m->has_subnet = true;
	} else {
		memcpy(&m->server_id, p, DHCP4_ADDR_LEN);
		m->has_server_id = true;
	}
	return DHCP4_OK;
}

/* Lease time (51), T1 (58) and T2 (59): seconds, 0xffffffff is infinity
 * (RFC 2132 sections 9.2, 9.11, 9.12). */
static enum dhcp4_error dhcp4_opt_time(struct dhcp4_msg *m, uint8_t code,
				       const uint8_t *p, size_t n)
{
	uint32_t v = dhcp4_get32(p);

	if (code == DHCP4_OPT_LEASE) {
		m->lease = v;
		m->has_lease = true;
	} else if (code == DHCP4_OPT_T1) {
		m->t1 = v;
		m->has_t1 = true;
	} else {
		m->t2 = v;
		m->has_t2 = true;
	}
	return DHCP4_OK;
}

/* RFC 2132 section 5.1: "The minimum legal value for the MTU is 68." A
 * smaller one is a bad value, not bad framing: drop it. */
static enum dhcp4_error dhcp4_opt_mtu(struct dhcp4_msg *m, uint8_t code,
				      const uint8_t *p, size_t n)
{
	uint16_t mtu = (uint16_t)((p[0] << 8) | p[1]);

	if (mtu < DHCP4_MTU_MIN) {
		m->ignored++;
		return DHCP4_OK;
	}
	m->mtu = mtu;
	m->has_mtu = true;
	return DHCP4_OK;
}

/* Routers (3), DNS (6), NTP (42): RFC 2132 sections 3.5, 3.8, 8.3. */
static enum dhcp4_error dhcp4_opt_addrs(struct dhcp4_msg *m, uint8_t code,
					const uint8_t *p, size_t n)
{
	struct in_addr *a = m->routers;
	size_t *count = &m->n_routers;

	if (code == DHCP4_OPT_DNS) {
		a = m->dns;
		count = &m->n_dns;
	} else if (code == DHCP4_OPT_NTP) {
		a = m->ntp;
		count = &m->n_ntp;
	}
	for (size_t i = 0; i < n; i += DHCP4_ADDR_LEN) {
		if (*count >= DHCP4_MAX_ADDRS) {
			m->ignored++;
			continue;
		}
		memcpy(&a[(*count)++], p + i, DHCP4_ADDR_LEN);
	}
	return DHCP4_OK;
}

/* ---- Text options ---- */

/* RFC 2132 section 2: NVT ASCII options "SHOULD NOT include a trailing
 * NULL; however, the receiver of such options MUST be prepared to delete
 * trailing nulls if they exist." */
static size_t dhcp4_strip_nuls(const uint8_t *p, size_t n)
{
	while (n > 0 && p[n - 1] == '\0')
		n--;
	return n;
}

static bool dhcp4_chars_in(const uint8_t *p, size_t n, uint8_t lo, uint8_t hi)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < lo || p[i] > hi)
			return false;
	return true;
}

/* Text name to canonical dotted form: encode it and read it back, so the
 * label, length and character rules are dname.c's. The root is refused:
 * it names no domain. */
static int dhcp4_text_name(const uint8_t *p, size_t n, char *out)
{
	char text[DNAME_MAX_TEXT + 2];
	uint8_t wire[DNAME_MAX_WIRE];
	struct wbuf w;
	struct buf b;

	if (n == 0 || n >= sizeof(text) || memchr(p, '\0', n))
		return -EBADMSG;
	memcpy(text, p, n);
	text[n] = '\0';
	wbuf_init(&w, wire, sizeof(wire));
	if (dname_to_wire(text, &w) < 0 || w.overflow)
		return -EBADMSG;
	buf_init(&b, wire, w.len);
	if (dname_from_wire(&b, out, DNAME_MAX_TEXT + 1) < 0 || out[0] == '\0')
		return -EBADMSG;
	return 0;
}

/* RFC 2132 section 3.17: the client's domain name, as text. */
static enum dhcp4_error dhcp4_opt_domain(struct dhcp4_msg *m, uint8_t code,
					 const uint8_t *p, size_t n)
{
	char name[DNAME_MAX_TEXT + 1];

	if (dhcp4_text_name(p, dhcp4_strip_nuls(p, n), name) < 0) {
		m->ignored++;
		return DHCP4_OK;
	}
	memcpy(m->domain, name, strlen(name) + 1);
	m->has_domain = true;
	return DHCP4_OK;
}

/* RFC 2132 section 9.9: NVT ASCII for the user, typically with a NAK. It
 * ends up in logs, so printable ASCII only (space included). */
static enum dhcp4_error dhcp4_opt_message(struct dhcp4_msg *m, uint8_t code,
					  const uint8_t *p, size_t n)
{
	n = dhcp4_strip_nuls(p, n);
	if (n == 0 || n >= sizeof(m->message) || !dhcp4_chars_in(p, n, 0x20, 0x7e)) {
		m->ignored++;
		return DHCP4_OK;
	}
	memcpy(m->message, p, n);
	m->message[n] = '\0';
	return DHCP4_OK;
}

/* RFC 8910 section 2.1: the URI of the captive portal API. Graphic ASCII
 * only: a URI has no spaces or controls (RFC 3986 section 2). */
static enum dhcp4_error dhcp4_opt_capport(struct dhcp4_msg *m, uint8_t code,
					  const uint8_t *p, size_t n)
{
	n = dhcp4_strip_nuls(p, n);
	if (n == 0 || n >= DHCP4_MAX_URI || !dhcp4_chars_in(p, n, 0x21, 0x7e)) {
		m->ignored++;
		return DHCP4_OK;
	}
	memcpy(m->captive_portal, p, n);
	m->captive_portal[n] = '\0';
	m->has_captive_portal = true;
	return DHCP4_OK;
}

/* RFC 2132 section 8.4: vendor-specific information, opaque octets whose
 * meaning the vendor defines (often encapsulated sub-options). Only the
 * metered hint is read, as Android and NetworkManager do: the text
 * anywhere in the octets, in whatever sub-option carries it. */
static enum dhcp4_error dhcp4_opt_vendor(struct dhcp4_msg *m, uint8_t code,
					 const uint8_t *p, size_t n)
{
	const size_t k = sizeof(DHCP4_METERED_HINT) - 1;

	(void)code;
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(p + i, DHCP4_METERED_HINT, k) == 0) {
			m->metered_hint = true;
			break;
		}
	return DHCP4_OK;
}

/* ---- Names and routes ---- */

/* RFC 3397: names in RFC 1035 wire form, compression allowed, pointers
 * being offsets into the option data after RFC 3396 concatenation. One bad name
 * spoils the whole list: we cannot tell where the next name starts. */
static enum dhcp4_error dhcp4_opt_search(struct dhcp4_msg *m, uint8_t code,
					 const uint8_t *p, size_t n)
{
	char name[DNAME_MAX_TEXT + 1];
	unsigned ignored = m->ignored;
	size_t off = 0;

	while (off < n) {
		if (dname_from_msg(p, n, &off, name, sizeof(name)) < 0) {
			m->n_search = 0;
			m->ignored = ignored + 1;
			return DHCP4_OK;
		}
		/* The root is no search domain. */
		if (name[0] == '\0' || m->n_search >= DHCP4_MAX_SEARCH) {
			m->ignored++;
			continue;
		}
		memcpy(m->search[m->n_search++], name, strlen(name) + 1);
	}
	return DHCP4_OK;
}

/* RFC 3442: width, then ceil(width / 8) "significant octets" of
 * the destination, then the router. Bits past the width are not part of
 * the destination and are cleared so equal routes compare equal. */
static int dhcp4_route_read(struct buf *b, struct dhcp4_route *r)
{
	uint8_t dst[DHCP4_ADDR_LEN] = { 0 };
	uint32_t v, mask;

	if (buf_u8(b, &r->plen) < 0 || r->plen > 32)
		return -EBADMSG;
	if (buf_read(b, dst, ((size_t)r->plen + 7) / 8) < 0 ||
	    buf_read(b, &r->gw, DHCP4_ADDR_LEN) < 0)
		return -EBADMSG;
	mask = r->plen ? UINT32_MAX << (32 - r->plen) : 0;
	v = dhcp4_get32(dst) & mask;
	dhcp4_put32(dst, v);
	memcpy(&r->dst, dst, DHCP4_ADDR_LEN);
	return 0;
}

/* A width over 32 or a route running past the end voids the whole
 * option: the remaining octets cannot be framed. */
static enum dhcp4_error dhcp4_opt_routes(struct dhcp4_msg *m, uint8_t code,
					 const uint8_t *p, size_t n)
{
	unsigned ignored = m->ignored;
	struct dhcp4_route r;
	struct buf b;

	memset(&r, 0, sizeof(r));   /* padding too: the struct is copied whole */
	buf_init(&b, p, n);
	while (buf_remaining(&b) > 0) {
		if (dhcp4_route_read(&b, &r) < 0) {
			m->n_routes = 0;
			m->ignored = ignored + 1;
			return DHCP4_OK;
		}
		if (m->n_routes >= DHCP4_MAX_ROUTES) {
			m->ignored++;
			continue;
		}
		m->routes[m->n_routes++] = r;
	}
	m->has_routes = true;
	return DHCP4_OK;
}

/* "Domains and networks": uncompressed wire names to the end of the
 * option (RFC 6731 4.3 points to RFC 3315 section 8, which forbids
 * compression). */

/*
 * Option 146 (RFC 6731 section 4.3): Reserved/prf octet, Primary and
 * Secondary RDNSS addresses, then at least one domain or network. Long
 * values use RFC 3396 concatenation, so a message carries one logical
 * option; a wrong layout drops it.
 */
static enum dhcp4_error dhcp4_opt_dnssel(struct dhcp4_msg *m, uint8_t code,
					 const uint8_t *p, size_t n)
{
	unsigned ignored = m->ignored;
	struct dhcp4_dnssel *d;
	struct buf b;

	if (n <= DHCP4_DNSSEL_FIXED || m->n_dnssel >= DHCP4_MAX_DNSSEL) {
		m->ignored++;
		return DHCP4_OK;
	}
	d = &m->dnssel[m->n_dnssel];
	memset(d, 0, sizeof(*d));
	d->pref = (int8_t)dname_pref2(p[0]);
	memcpy(&d->primary, p + 1, DHCP4_ADDR_LEN);
	memcpy(&d->secondary, p + 5, DHCP4_ADDR_LEN);
	buf_init(&b, p + DHCP4_DNSSEL_FIXED, n - DHCP4_DNSSEL_FIXED);
	if (dname_list_from_wire(&b, d->domains, DHCP4_MAX_DNSSEL_DOMAINS, &d->n_domains,
				 &m->ignored) < 0) {
		memset(d, 0, sizeof(*d));
		m->ignored = ignored + 1;
		return DHCP4_OK;
	}
	m->n_dnssel++;
	return DHCP4_OK;
}

/* RFC 9463 section 5.2: one or more DNR instances, the option possibly
 * split (RFC 3396, concatenated by now). A malformed one drops the option
 * (section 5.2: discarded), not the message. */
static enum dhcp4_error dhcp4_opt_dnr(struct dhcp4_msg *m, uint8_t code, const uint8_t *p,
				      size_t n)
{
	(void)code;
	if (dnr_parse_dhcp4(p, n, m->dnr, DHCP4_MAX_DNR, &m->n_dnr) < 0)
		m->ignored++;
	return DHCP4_OK;
}

/* ---- Decoding ---- */

static const struct dhcp4_opt_def dhcp4_opts[] = {
	{ DHCP4_OPT_TYPE, DHCP4_FIXED, 1, dhcp4_opt_type },
	{ DHCP4_OPT_SERVER_ID, DHCP4_FIXED, 4, dhcp4_opt_addr },
	{ DHCP4_OPT_SUBNET, DHCP4_FIXED, 4, dhcp4_opt_addr },
	{ DHCP4_OPT_REQUESTED_ADDR, DHCP4_FIXED, 4, NULL },
	{ DHCP4_OPT_LEASE, DHCP4_FIXED, 4, dhcp4_opt_time },
	{ DHCP4_OPT_T1, DHCP4_FIXED, 4, dhcp4_opt_time },
	{ DHCP4_OPT_T2, DHCP4_FIXED, 4, dhcp4_opt_time },
	{ DHCP4_OPT_MTU, DHCP4_FIXED, 2, dhcp4_opt_mtu },
	{ DHCP4_OPT_ROUTER, DHCP4_ADDRS, 0, dhcp4_opt_addrs },
	{ DHCP4_OPT_DNS, DHCP4_ADDRS, 0, dhcp4_opt_addrs },
	{ DHCP4_OPT_NTP, DHCP4_ADDRS, 0, dhcp4_opt_addrs },
	{ DHCP4_OPT_DOMAIN, DHCP4_VAR, 0, dhcp4_opt_domain },
	{ DHCP4_OPT_MESSAGE, DHCP4_VAR, 0, dhcp4_opt_message },
	{ DHCP4_OPT_VENDOR, DHCP4_VAR, 0, dhcp4_opt_vendor },
	{ DHCP4_OPT_CAPTIVE_PORTAL, DHCP4_VAR, 0, dhcp4_opt_capport },
	{ DHCP4_OPT_SEARCH, DHCP4_VAR, 0, dhcp4_opt_search },
	{ DHCP4_OPT_ROUTES, DHCP4_VAR, 0, dhcp4_opt_routes },
	{ DHCP4_OPT_DNSSEL, DHCP4_VAR, 0, dhcp4_opt_dnssel },
	{ DHCP4_OPT_V4_DNR, DHCP4_VAR, 0, dhcp4_opt_dnr },
};

/* Length rules before decoding. Fixed-size options and address lists
 * have one possible shape, so another is a broken server, not a value to
 * skip (RFC 2132: "its length is 4 octets", "the length MUST always be a
 * multiple of 4"). An empty variable option, or any option longer than
 * the scratch buffer (16 full instances and more), is only dropped. */
static enum dhcp4_error dhcp4_check_len(const struct dhcp4_opt_def *d, size_t total,
					bool *drop)
{
	*drop = false;
	switch (d->kind) {
	case DHCP4_FIXED:
		return total == d->size ? DHCP4_OK : DHCP4_ERR_BAD_OPTION_LENGTH;
	case DHCP4_ADDRS:
		if (total == 0 || total % DHCP4_ADDR_LEN != 0)
			return DHCP4_ERR_BAD_OPTION_LENGTH;
		break;
	default:
		*drop = total == 0;
		break;
	}
	*drop = *drop || total > DHCP4_SCRATCH;
	return DHCP4_OK;
}

static enum dhcp4_error dhcp4_decode_one(struct dhcp4_ctx *c,
					 const struct dhcp4_opt_def *d)
{
	enum dhcp4_error e;
	size_t total;
	bool drop;

	if (dhcp4_gather(c, d->code, &total) == 0)
		return DHCP4_OK;
	e = dhcp4_check_len(d, total, &drop);
	if (e != DHCP4_OK)
		return e;
	if (drop) {
		c->m->ignored++;
		return DHCP4_OK;
	}
	if (!d->decode)
		return DHCP4_OK;
	return d->decode(c->m, d->code, c->scratch, total);
}

static enum dhcp4_error dhcp4_decode_all(struct dhcp4_ctx *c)
{
	enum dhcp4_error e;

	for (size_t i = 0; i < sizeof(dhcp4_opts) / sizeof(dhcp4_opts[0]); i++) {
		e = dhcp4_decode_one(c, &dhcp4_opts[i]);
		if (e != DHCP4_OK)
			return e;
	}
	return DHCP4_OK;
}

static void dhcp4_read_fixed(const uint8_t *d, struct dhcp4_msg *m)
{
	m->op = d[0];
	m->xid = dhcp4_get32(d + DHCP4_OFF_XID);
	m->secs = (uint16_t)((d[DHCP4_OFF_SECS] << 8) | d[DHCP4_OFF_SECS + 1]);
	m->flags = (uint16_t)((d[DHCP4_OFF_FLAGS] << 8) | d[DHCP4_OFF_FLAGS + 1]);
	memcpy(&m->ciaddr, d + DHCP4_OFF_CIADDR, DHCP4_ADDR_LEN);
	memcpy(&m->yiaddr, d + DHCP4_OFF_YIADDR, DHCP4_ADDR_LEN);
	memcpy(&m->siaddr, d + DHCP4_OFF_SIADDR, DHCP4_ADDR_LEN);
	memcpy(&m->giaddr, d + DHCP4_OFF_GIADDR, DHCP4_ADDR_LEN);
	memcpy(m->chaddr, d + DHCP4_OFF_CHADDR, DHCP4_CHADDR_LEN);
}

/* A server answers with OFFER, ACK or NAK only (RFC 2131 table 3). */
static bool dhcp4_type_ok(uint8_t type, bool reply)
{
	if (reply)
		return type == DHCP4_OFFER || type == DHCP4_ACK || type == DHCP4_NAK;
	return type >= DHCP4_DISCOVER && type <= DHCP4_TYPE_MAX;
}

static enum dhcp4_error dhcp4_parse_msg(const uint8_t *data, size_t len,
					struct dhcp4_msg *out, bool reply)
{
	struct dhcp4_ctx c;
	enum dhcp4_error e;

	memset(out, 0, sizeof(*out));
	if (!data || DHCP4_MIN_LEN > len)
		return DHCP4_ERR_TRUNCATED;
	/* RFC 2131 section 3: the cookie tells DHCP options from BOOTP's
	 * vendor field. */
	if (dhcp4_get32(data + DHCP4_FIXED_LEN) != DHCP4_MAGIC)
		return DHCP4_ERR_BAD_MAGIC;
	dhcp4_read_fixed(data, out);
	if (reply && out->op != DHCP4_OP_REPLY)
		return DHCP4_ERR_BAD_OP;
	c.m = out;
	e = dhcp4_find_areas(&c, data, len);
	if (e == DHCP4_OK)
		e = dhcp4_decode_all(&c);
	if (e == DHCP4_OK && !dhcp4_type_ok(out->type, reply))
		e = DHCP4_ERR_NO_TYPE;
	return e;
}

static int dhcp4_parse_common(const uint8_t *data, size_t len, struct dhcp4_msg *out,
			      enum dhcp4_error *why, bool reply)
{
	enum dhcp4_error e;

	if (!out)
		return -EINVAL;
	e = dhcp4_parse_msg(data, len, out, reply);
	if (why)
		*why = e;
	return e == DHCP4_OK ? 0 : -EBADMSG;
}

int dhcp4_parse_reply(const uint8_t *data, size_t len, struct dhcp4_msg *out,
		      enum dhcp4_error *why)
{
	return dhcp4_parse_common(data, len, out, why, true);
}

int dhcp4_parse(const uint8_t *data, size_t len, struct dhcp4_msg *out,
		enum dhcp4_error *why)
{
	return dhcp4_parse_common(data, len, out, why, false);
}

/* ---- Builder ---- */

/* Streams an option's data, opening a new instance of the same code every
 * 255 octets (RFC 3396: a long option is split into several instances). */
struct dhcp4_chunker {
	struct wbuf *w;
	uint8_t code;
	uint8_t *len;     /* Len octet of the open instance, NULL if none */
};

static void dhcp4_chunk_open(struct dhcp4_chunker *c)
{
	wbuf_u8(c->w, c->code);
	c->len = wbuf_put(c->w, NULL, 1);
}

static void dhcp4_chunk_put(struct dhcp4_chunker *c, const void *data, size_t n)
{
	const uint8_t *p = data;
	size_t take;

	while (n > 0 && !c->w->overflow) {
		if (!c->len || *c->len == DHCP4_OPT_DATA_MAX)
			dhcp4_chunk_open(c);
		if (!c->len)
			return;
		take = DHCP4_OPT_DATA_MAX - *c->len;
		if (take > n)
			take = n;
		if (!wbuf_put(c->w, p, take))
			return;
		*c->len = (uint8_t)(*c->len + take);
		p += take;
		n -= take;
	}
}

static void dhcp4_chunk_begin(struct dhcp4_chunker *c, struct dhcp4_builder *b,
			      uint8_t code)
{
	c->w = &b->w;
	c->code = code;
	c->len = NULL;
	/* Pad and End have no Len octet: not options one can write. Mark
	 * the buffer bad so finish() fails instead of emitting garbage. */
	if (code == DHCP4_OPT_PAD || code == DHCP4_OPT_END)
		b->w.overflow = 1;
}

/* An option with no data still gets one empty instance. */
static void dhcp4_chunk_end(struct dhcp4_chunker *c)
{
	if (!c->len && !c->w->overflow)
		dhcp4_chunk_open(c);
}

void dhcp4_build_init(struct dhcp4_builder *b, void *buf, size_t cap, uint8_t op,
		      uint32_t xid, const uint8_t *chaddr, size_t chaddr_len)
{
	uint8_t *h;

	wbuf_init(&b->w, buf, cap);
	h = wbuf_put(&b->w, NULL, DHCP4_FIXED_LEN);
	if (!h)
		return;
	if (chaddr_len > DHCP4_CHADDR_LEN)
		chaddr_len = DHCP4_CHADDR_LEN;
	h[0] = op;
	h[1] = DHCP4_HTYPE_ETHER;
	h[2] = (uint8_t)chaddr_len;
	dhcp4_put32(h + DHCP4_OFF_XID, xid);
	if (chaddr && chaddr_len)
		memcpy(h + DHCP4_OFF_CHADDR, chaddr, chaddr_len);
	wbuf_be32(&b->w, DHCP4_MAGIC);
}

void dhcp4_build_header(struct dhcp4_builder *b, uint16_t secs, uint16_t flags,
			struct in_addr ciaddr, struct in_addr yiaddr,
			struct in_addr siaddr)
{
	uint8_t *h = b->w.base;

	if (b->w.overflow || b->w.len < DHCP4_FIXED_LEN)
		return;
	h[DHCP4_OFF_SECS] = (uint8_t)(secs >> 8);
	h[DHCP4_OFF_SECS + 1] = (uint8_t)secs;
	h[DHCP4_OFF_FLAGS] = (uint8_t)(flags >> 8);
	h[DHCP4_OFF_FLAGS + 1] = (uint8_t)flags;
	memcpy(h + DHCP4_OFF_CIADDR, &ciaddr, DHCP4_ADDR_LEN);
	memcpy(h + DHCP4_OFF_YIADDR, &yiaddr, DHCP4_ADDR_LEN);
	memcpy(h + DHCP4_OFF_SIADDR, &siaddr, DHCP4_ADDR_LEN);
}

void dhcp4_build_option(struct dhcp4_builder *b, uint8_t code, const void *data, size_t len)
{
	struct dhcp4_chunker c;

	dhcp4_chunk_begin(&c, b, code);
	if (!data && len > 0)
		b->w.overflow = 1;
	else
		dhcp4_chunk_put(&c, data, len);
	dhcp4_chunk_end(&c);
}

void dhcp4_build_u8(struct dhcp4_builder *b, uint8_t code, uint8_t v)
{
	dhcp4_build_option(b, code, &v, 1);
}

void dhcp4_build_u32(struct dhcp4_builder *b, uint8_t code, uint32_t v)
{
	uint8_t x[4];

	dhcp4_put32(x, v);
	dhcp4_build_option(b, code, x, sizeof(x));
}

void dhcp4_build_addrs(struct dhcp4_builder *b, uint8_t code, const struct in_addr *a, size_t n)
{
	struct dhcp4_chunker c;

	dhcp4_chunk_begin(&c, b, code);
	for (size_t i = 0; a && i < n; i++)
		dhcp4_chunk_put(&c, &a[i], DHCP4_ADDR_LEN);
	dhcp4_chunk_end(&c);
}

/* RFC 3442 encoding. The destination is written as given (only
 * its significant octets); a width over 32 cannot be encoded. */
void dhcp4_build_routes(struct dhcp4_builder *b, const struct dhcp4_route *r, size_t n)
{
	struct dhcp4_chunker c;

	dhcp4_chunk_begin(&c, b, DHCP4_OPT_ROUTES);
	for (size_t i = 0; r && i < n; i++) {
		if (r[i].plen > 32) {
			b->w.overflow = 1;
			return;
		}
		dhcp4_chunk_put(&c, &r[i].plen, 1);
		dhcp4_chunk_put(&c, &r[i].dst, ((size_t)r[i].plen + 7) / 8);
		dhcp4_chunk_put(&c, &r[i].gw, DHCP4_ADDR_LEN);
	}
	dhcp4_chunk_end(&c);
}

/* Encode one name into w; the root is refused where a domain is meant. */
static int dhcp4_name_wire(const char *name, bool root_ok, struct wbuf *w)
{
	if (!name || (!root_ok && (name[0] == '\0' || strcmp(name, ".") == 0)))
		return -EINVAL;
	if (dname_to_wire(name, w) < 0 || w->overflow)
		return -EINVAL;
	return 0;
}

int dhcp4_build_search(struct dhcp4_builder *b, const char *const *names, size_t n)
{
	uint8_t wire[DNAME_MAX_WIRE];
	struct dhcp4_chunker c;
	struct wbuf w;

	/* Check every name first, so a bad one writes nothing. */
	for (size_t i = 0; i < n; i++) {
		wbuf_init(&w, wire, sizeof(wire));
		if (!names || dhcp4_name_wire(names[i], false, &w) < 0)
			return -EINVAL;
	}
	dhcp4_chunk_begin(&c, b, DHCP4_OPT_SEARCH);
	for (size_t i = 0; i < n; i++) {
		wbuf_init(&w, wire, sizeof(wire));
		dhcp4_name_wire(names[i], false, &w);
		dhcp4_chunk_put(&c, wire, w.len);
	}
	dhcp4_chunk_end(&c);
	return 0;
}

static uint8_t dhcp4_prf_bits(int8_t pref)
{
	if (pref > 0)
		return 1;
	return pref < 0 ? 3 : 0;
}

int dhcp4_build_dnssel(struct dhcp4_builder *b, const struct dhcp4_dnssel *d)
{
	uint8_t wire[DNAME_MAX_WIRE];
	struct dhcp4_chunker c;
	struct wbuf w;
	uint8_t prf;

	if (!d || d->n_domains > DHCP4_MAX_DNSSEL_DOMAINS)
		return -EINVAL;
	for (size_t i = 0; i < d->n_domains; i++) {
		wbuf_init(&w, wire, sizeof(wire));
		if (dhcp4_name_wire(d->domains[i], true, &w) < 0)
			return -EINVAL;
	}
	prf = dhcp4_prf_bits(d->pref);
	dhcp4_chunk_begin(&c, b, DHCP4_OPT_DNSSEL);
	dhcp4_chunk_put(&c, &prf, 1);
	dhcp4_chunk_put(&c, &d->primary, DHCP4_ADDR_LEN);
	dhcp4_chunk_put(&c, &d->secondary, DHCP4_ADDR_LEN);
	for (size_t i = 0; i < d->n_domains; i++) {
		wbuf_init(&w, wire, sizeof(wire));
		dhcp4_name_wire(d->domains[i], true, &w);
		dhcp4_chunk_put(&c, wire, w.len);
	}
	dhcp4_chunk_end(&c);
	return 0;
}

int dhcp4_build_finish(struct dhcp4_builder *b)
{
	struct wbuf *w = &b->w;

	if (w->len < DHCP4_MIN_LEN)
		w->overflow = 1;
	wbuf_u8(w, DHCP4_OPT_END);
	if (!w->overflow && w->len < DHCP4_BOOTP_MIN)
		wbuf_put(w, NULL, DHCP4_BOOTP_MIN - w->len);
	if (w->overflow || w->len > INT_MAX)
		return -EMSGSIZE;
	return (int)w->len;
}
