/* SPDX-License-Identifier: MIT */
/*
 * DHCPv6 (RFC 8415): parse server messages and build client messages.
 * The stateful options (IA_NA, IA_PD, Authentication...) are in dhcp6_ia.c.
 *
 * Every read goes through the bounded cursor of common/buf.h and every
 * length check is written as "need > remaining". Peer data never aborts:
 * a framing error of the message (an option running past it, or an
 * impossible length for a fixed-size option) rejects the message with a
 * reason; malformed contents of an optional option, a suboption running
 * past its option included, drop that option only and count once in
 * msg->ignored (issue 17: one bad row of option 84 cost the whole Reply).
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/addr.h"
#include "common/buf.h"
#include "proto/dhcp6.h"
#include "proto/dhcp6_int.h"
#include "proto/dname.h"

#define DHCP6_HDR_LEN 4            /* msg-type + transaction-id (RFC 8415 8) */
#define DHCP6_OPT_HDR_LEN 4        /* option-code + option-len (RFC 8415 21.1) */
#define DHCP6_ADDR_LEN 16
#define DHCP6_XID_MASK 0xffffffu
#define DHCP6_RELAY_FORW 12        /* relay header differs (RFC 8415 9) */
#define DHCP6_RELAY_REPL 13
#define DHCP6_DUID_MIN 2           /* the type code alone (RFC 8415 11.1) */
#define DHCP6_DUID_LL 3            /* RFC 8415 11.4 */
#define DHCP6_HWTYPE_ETHERNET 1    /* IANA ARP hardware type */
#define DHCP6_DNSSEL_FIXED 17      /* server address + flags (RFC 6731 4.2) */
#define DHCP6_PRF_MASK 0x03

static const char *const dhcp6_error_names[DHCP6_ERR__MAX] = {
	[DHCP6_OK] = "ok",
	[DHCP6_ERR_TRUNCATED] = "truncated",
	[DHCP6_ERR_BAD_TYPE] = "bad-type",
	[DHCP6_ERR_OPTION_OVERRUN] = "option-overrun",
	[DHCP6_ERR_BAD_OPTION_LENGTH] = "bad-option-length",
	[DHCP6_ERR_NO_SERVER_ID] = "no-server-id",
};

const char *dhcp6_error_name(enum dhcp6_error e)
{
	if ((unsigned)e >= DHCP6_ERR__MAX)
		return "unknown";
	return dhcp6_error_names[e];
}

/* Split the next option (or suboption: RFC 5908 and RFC 7078 use the same
 * code/len framing) off b. Running past b is a framing error whatever the
 * option is, so a nested option can never reach past its container. */
enum dhcp6_error dhcp6_split_option(struct buf *b, uint16_t *code, struct buf *o)
{
	uint16_t len;

	if (DHCP6_OPT_HDR_LEN > buf_remaining(b))
		return DHCP6_ERR_OPTION_OVERRUN;
	if (buf_be16(b, code) < 0 || buf_be16(b, &len) < 0)
		return DHCP6_ERR_OPTION_OVERRUN;
	if (len > buf_remaining(b) || buf_sub(b, len, o) < 0)
		return DHCP6_ERR_OPTION_OVERRUN;
	return DHCP6_OK;
}

/* RFC 8415 11.1: a 2-octet type code and at most 128 octets after it. The
 * first copy is kept; a second one is counted and skipped. */
static enum dhcp6_error dhcp6_opt_duid(struct dhcp6_msg *m, struct buf *o,
				       uint8_t *duid, size_t *duid_len)
{
	size_t n = buf_remaining(o);

	if (DHCP6_DUID_MIN > n || n > DHCP6_MAX_DUID)
		return DHCP6_ERR_BAD_OPTION_LENGTH;
	if (*duid_len > 0) {
		m->ignored++;
		return DHCP6_OK;
	}
	if (buf_read(o, duid, n) < 0)
		return DHCP6_ERR_OPTION_OVERRUN;
	*duid_len = n;
	return DHCP6_OK;
}

/* RFC 8415 21.13: status-code (2) then a UTF-8 message that is only for
 * display; it is skipped. */
static enum dhcp6_error dhcp6_opt_status(struct dhcp6_msg *m, struct buf *o)
{
	uint16_t code;

	if (2 > buf_remaining(o))
		return DHCP6_ERR_BAD_OPTION_LENGTH;
	if (buf_be16(o, &code) < 0)
		return DHCP6_ERR_OPTION_OVERRUN;
	if (m->has_status) {
		m->ignored++;
		return DHCP6_OK;
	}
	m->status = code;
	m->has_status = true;
	return DHCP6_OK;
}

/* RFC 8415 21.23: option-len is 4. */
static enum dhcp6_error dhcp6_opt_refresh(struct dhcp6_msg *m, struct buf *o)
{
	uint32_t v;

	if (buf_remaining(o) != 4)
		return DHCP6_ERR_BAD_OPTION_LENGTH;
	if (buf_be32(o, &v) < 0)
		return DHCP6_ERR_OPTION_OVERRUN;
	if (m->has_refresh) {
		m->ignored++;
		return DHCP6_OK;
	}
	m->refresh = v;
	m->has_refresh = true;
	return DHCP6_OK;
}

/* RFC 8415 21.25: option-len 4, a value from 60 to 86400 seconds; "a
 * DHCP client MUST ignore any INF_MAX_RT option values that are less
 * than 60 or more than 86400". A bad one costs this option only. */
static enum dhcp6_error dhcp6_opt_inf_max_rt(struct dhcp6_msg *m, struct buf *o)
{
	uint32_t v;

	if (buf_remaining(o) != 4 || buf_be32(o, &v) < 0 || m->has_inf_max_rt ||
	    v < DHCP6_INF_MAX_RT_MIN || v > DHCP6_INF_MAX_RT_MAX) {
		m->ignored++;
		return DHCP6_OK;
	}
	m->inf_max_rt = v;
	m->has_inf_max_rt = true;
	return DHCP6_OK;
}

/* Fixed-size client options we send but do not keep: ORO is 2 * n octets
 * (RFC 8415 21.7), Elapsed Time exactly 2 (21.9). */
static enum dhcp6_error dhcp6_opt_oro(const struct buf *o)
{
	return buf_remaining(o) % 2 ? DHCP6_ERR_BAD_OPTION_LENGTH : DHCP6_OK;
}

static enum dhcp6_error dhcp6_opt_elapsed(const struct buf *o)
{
	return buf_remaining(o) != 2 ? DHCP6_ERR_BAD_OPTION_LENGTH : DHCP6_OK;
}

/* RFC 3646 section 3 and RFC 4075 section 4: a non-empty list of IPv6
 * addresses, "must be a multiple of 16". Over the cap: counted, dropped. */
static enum dhcp6_error dhcp6_opt_addrs(struct dhcp6_msg *m, struct buf *o,
					struct in6_addr *list, size_t *n)
{
	struct in6_addr a;

	if (buf_remaining(o) == 0 || buf_remaining(o) % DHCP6_ADDR_LEN)
		return DHCP6_ERR_BAD_OPTION_LENGTH;
	while (buf_remaining(o) > 0) {
		if (buf_read(o, &a, sizeof(a)) < 0)
			return DHCP6_ERR_OPTION_OVERRUN;
		if (*n >= DHCP6_MAX_ADDRS) {
			m->ignored++;
			continue;
		}
		list[(*n)++] = a;
	}
	return DHCP6_OK;
}

/* Names of RFC 3646 section 4: uncompressed (RFC 8415 section 10), one
 * after another, filling the option exactly. The root name cannot be a
 * search domain and is skipped. */
static int dhcp6_domain_names(struct dhcp6_msg *m, struct buf *o)
{
	char name[DNAME_MAX_TEXT + 1];

	while (buf_remaining(o) > 0) {
		if (dname_from_wire(o, name, sizeof(name)) < 0)
			return -EBADMSG;
		if (name[0] == '\0' || m->n_domains >= DHCP6_MAX_DOMAINS) {
			m->ignored++;
			continue;
		}
		memcpy(m->domains[m->n_domains++], name, sizeof(name));
	}
	return 0;
}

static enum dhcp6_error dhcp6_opt_domains(struct dhcp6_msg *m, struct buf *o)
{
	size_t n_before = m->n_domains;
	unsigned ignored_before = m->ignored;

	if (dhcp6_domain_names(m, o) < 0) {
		/* One bad name spoils the whole option, not the message. */
		m->n_domains = n_before;
		m->ignored = ignored_before + 1;
	}
	return DHCP6_OK;
}

/* One suboption of RFC 5908 section 4. Addresses are 16 octets; the
 * multicast one must be multicast and the unicast one must not. The FQDN
 * is checked, then counted as ignored: there is no field to hold it. */
static int dhcp6_ntp_sub(struct dhcp6_msg *m, uint16_t code, struct buf *s)
{
	char name[DNAME_MAX_TEXT + 1];
	struct in6_addr a;
	bool mc;

	if (code == DHCP6_NTP_SUBOPT_SRV_FQDN) {
		if (dname_from_wire(s, name, sizeof(name)) < 0 ||
		    buf_remaining(s) != 0 || name[0] == '\0')
			return -EBADMSG;
		m->ignored++;
		return 0;
	}
	if (code != DHCP6_NTP_SUBOPT_SRV_ADDR && code != DHCP6_NTP_SUBOPT_MC_ADDR) {
		m->ignored++;
		return 0;
	}
	if (buf_remaining(s) != DHCP6_ADDR_LEN || buf_read(s, &a, sizeof(a)) < 0)
		return -EBADMSG;
	mc = IN6_IS_ADDR_MULTICAST(&a);
	if (mc != (code == DHCP6_NTP_SUBOPT_MC_ADDR))
		return -EBADMSG;
	if (m->n_ntp >= DHCP6_MAX_ADDRS) {
		m->ignored++;
		return 0;
	}
	m->ntp[m->n_ntp++] = a;
	return 0;
}

/* RFC 5908 section 4: suboptions with the DHCPv6 option framing. Each
 * option should carry one time source, but captures show several in one
 * option (tcpdump's dhcpv6-ntp-server.pcap), so all are taken. A bad
 * suboption, or one running past the option, drops the whole option and
 * nothing else: the option's own length was good, so the message's
 * framing stands. */
static enum dhcp6_error dhcp6_opt_ntp(struct dhcp6_msg *m, struct buf *o)
{
	size_t n_before = m->n_ntp;
	unsigned ignored_before = m->ignored;
	bool bad = buf_remaining(o) == 0;
	uint16_t code;
	struct buf s;

	while (!bad && buf_remaining(o) > 0) {
		if (dhcp6_split_option(o, &code, &s) != DHCP6_OK ||
		    dhcp6_ntp_sub(m, code, &s) < 0)
			bad = true;
	}
	if (bad) {
		m->n_ntp = n_before;
		m->ignored = ignored_before + 1;
	}
	return DHCP6_OK;
}


/* RFC 6731 4.2: server address (16), Reserved(6)|prf(2), then names. The
 * entry is filled in place and committed only when all of it is good. */
static enum dhcp6_error dhcp6_opt_dnssel(struct dhcp6_msg *m, struct buf *o)
{
	unsigned ignored_before = m->ignored;
	struct dhcp6_dnssel *d;
	uint8_t flags;

	if (m->n_dnssel >= DHCP6_MAX_DNSSEL || DHCP6_DNSSEL_FIXED > buf_remaining(o)) {
		m->ignored++;
		return DHCP6_OK;
	}
	d = &m->dnssel[m->n_dnssel];
	memset(d, 0, sizeof(*d));
	if (buf_read(o, &d->server, sizeof(d->server)) < 0 || buf_u8(o, &flags) < 0)
		return DHCP6_ERR_OPTION_OVERRUN;
	d->pref = (int8_t)dname_pref2(flags);
	/* RFC 6731 4.2: uncompressed names filling the option; without any
	 * domain the option says nothing to select by. */
	if (dname_list_from_wire(o, d->domains, DHCP6_MAX_DNSSEL_DOMAINS, &d->n_domains,
				 &m->ignored) < 0 || d->n_domains == 0) {
		memset(d, 0, sizeof(*d));
		m->ignored = ignored_before + 1;
		return DHCP6_OK;
	}
	m->n_dnssel++;
	return DHCP6_OK;
}

/* One OPTION_ADDRSEL_TABLE row (RFC 7078 section 2): label, precedence,
 * prefix-len, then the prefix in exactly (prefix-len + 7) / 8 octets. */
static int dhcp6_policy_row(struct buf *s, struct dhcp6_policy_row *r)
{
	size_t need;

	memset(r, 0, sizeof(*r));
	if (buf_u8(s, &r->label) < 0 || buf_u8(s, &r->precedence) < 0 ||
	    buf_u8(s, &r->plen) < 0)
		return -EBADMSG;
	/* "If an option with a prefix length greater than 128 is included,
	 * the whole Address Selection option MUST be ignored." */
	if (r->plen > 128)
		return -EBADMSG;
	need = ((size_t)r->plen + 7) / 8;
	if (buf_remaining(s) != need || buf_read(s, r->prefix.s6_addr, need) < 0)
		return -EBADMSG;
	addr_mask(&r->prefix, r->plen);
	return 0;
}

/* Rows of one OPTION_ADDRSEL, gathered aside so that a bad row leaves the
 * message untouched. Other nested options are skipped. */
struct dhcp6_policy_set {
	size_t n;
	unsigned extra;   /* rows past DHCP6_MAX_POLICY or unknown suboptions */
	bool bad;
	struct dhcp6_policy_row rows[DHCP6_MAX_POLICY];
};

/* A row running past the option is as bad as a malformed one: it voids
 * this option only (RFC 7078 section 2 voids the option for a bad
 * prefix-len; nothing there asks to lose the rest of the Reply). */
static void dhcp6_policy_rows(struct buf *o, struct dhcp6_policy_set *set)
{
	struct dhcp6_policy_row r;
	uint16_t code;
	struct buf s;

	while (!set->bad && buf_remaining(o) > 0) {
		if (dhcp6_split_option(o, &code, &s) != DHCP6_OK)
			set->bad = true;
		else if (code != DHCP6_OPT_ADDRSEL_TABLE || set->n >= DHCP6_MAX_POLICY)
			set->extra++;
		else if (dhcp6_policy_row(&s, &r) < 0)
			set->bad = true;
		else
			set->rows[set->n++] = r;
	}
}

/* RFC 7078 section 2: Reserved(6)|A|P, then policy table options. Only
 * the first OPTION_ADDRSEL is taken: one table per message. */
static enum dhcp6_error dhcp6_opt_addrsel(struct dhcp6_msg *m, struct buf *o)
{
	struct dhcp6_policy_set set = { .n = 0 };
	uint8_t flags;

	if (buf_u8(o, &flags) < 0) {
		m->ignored++;
		return DHCP6_OK;
	}
	dhcp6_policy_rows(o, &set);
	if (set.bad || m->has_policy) {
		m->ignored++;
		return DHCP6_OK;
	}
	m->policy_automatic = flags & DHCP6_ADDRSEL_F_A;
	m->policy_privacy = flags & DHCP6_ADDRSEL_F_P;
	memcpy(m->policy, set.rows, set.n * sizeof(set.rows[0]));
	m->n_policy = set.n;
	m->ignored += set.extra;
	m->has_policy = true;
	return DHCP6_OK;
}

/* Graphic ASCII only: a URI has no spaces, controls or raw UTF-8
 * (RFC 3986 section 2), and it ends up in logs and on screens. */
static bool dhcp6_uri_chars_ok(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x21 || p[i] > 0x7e)
			return false;
	return true;
}

/* RFC 8910 section 2.2: the URI, not NUL-terminated. Section 2 says URIs
 * over 255 octets SHOULD NOT be sent, which DHCP6_MAX_URI holds with the
 * NUL. The first good copy is kept. */
static enum dhcp6_error dhcp6_opt_capport(struct dhcp6_msg *m, struct buf *o)
{
	size_t n = buf_remaining(o);

	if (m->has_captive_portal || n == 0 || n >= DHCP6_MAX_URI ||
	    !dhcp6_uri_chars_ok(o->p, n)) {
		m->ignored++;
		return DHCP6_OK;
	}
	memcpy(m->captive_portal, o->p, n);
	m->captive_portal[n] = '\0';
	m->has_captive_portal = true;
	return DHCP6_OK;
}

/* RFC 9463 section 5.1: one resolver per option; a malformed one is
 * discarded (section 5.1), the message kept. */
static enum dhcp6_error dhcp6_opt_dnr(struct dhcp6_msg *m, struct buf *o)
{
	if (m->n_dnr >= DHCP6_MAX_DNR || dnr_parse_dhcp6(o->p, o->rem, &m->dnr[m->n_dnr]) < 0) {
		m->ignored++;
		return DHCP6_OK;
	}
	m->n_dnr++;
	return DHCP6_OK;
}

static enum dhcp6_error dhcp6_dispatch(struct dhcp6_msg *m, uint16_t code,
				       struct buf *o, const uint8_t *start)
{
	switch (code) {
	case DHCP6_OPT_IA_NA:
		return dhcp6_opt_ia(m, o, false);
	case DHCP6_OPT_IA_PD:
		return dhcp6_opt_ia(m, o, true);
	case DHCP6_OPT_AUTH:
		return dhcp6_opt_auth(m, o, start);
	case DHCP6_OPT_PREFERENCE:
	case DHCP6_OPT_RAPID_COMMIT:
	case DHCP6_OPT_RECONF_MSG:
	case DHCP6_OPT_RECONF_ACCEPT:
		return dhcp6_opt_small(m, code, o);
	case DHCP6_OPT_CLIENTID:
		return dhcp6_opt_duid(m, o, m->client_id, &m->client_id_len);
	case DHCP6_OPT_SERVERID:
		return dhcp6_opt_duid(m, o, m->server_id, &m->server_id_len);
	case DHCP6_OPT_ORO:
		return dhcp6_opt_oro(o);
	case DHCP6_OPT_ELAPSED_TIME:
		return dhcp6_opt_elapsed(o);
	case DHCP6_OPT_STATUS_CODE:
		return dhcp6_opt_status(m, o);
	case DHCP6_OPT_DNS_SERVERS:
		return dhcp6_opt_addrs(m, o, m->dns, &m->n_dns);
	case DHCP6_OPT_DOMAIN_LIST:
		return dhcp6_opt_domains(m, o);
	case DHCP6_OPT_SNTP_SERVERS:
		return dhcp6_opt_addrs(m, o, m->sntp, &m->n_sntp);
	case DHCP6_OPT_INFO_REFRESH_TIME:
		return dhcp6_opt_refresh(m, o);
	case DHCP6_OPT_NTP_SERVER:
		return dhcp6_opt_ntp(m, o);
	case DHCP6_OPT_INF_MAX_RT:
		return dhcp6_opt_inf_max_rt(m, o);
	case DHCP6_OPT_RDNSS_SELECTION:
		return dhcp6_opt_dnssel(m, o);
	case DHCP6_OPT_ADDRSEL:
		return dhcp6_opt_addrsel(m, o);
	case DHCP6_OPT_CAPTIVE_PORTAL:
		return dhcp6_opt_capport(m, o);
	case DHCP6_OPT_V6_DNR:
		return dhcp6_opt_dnr(m, o);
	default:
		/* RFC 8415 16: unknown options are ignored. */
		m->ignored++;
		return DHCP6_OK;
	}
}

static enum dhcp6_error dhcp6_parse_options(struct dhcp6_msg *m, struct buf *b,
					     const uint8_t *start)
{
	enum dhcp6_error e;
	uint16_t code;
	struct buf o;

	while (buf_remaining(b) > 0) {
		e = dhcp6_split_option(b, &code, &o);
		if (e != DHCP6_OK)
			return e;
		e = dhcp6_dispatch(m, code, &o, start);
		if (e != DHCP6_OK)
			return e;
	}
	return DHCP6_OK;
}

/* RFC 8415 section 8: msg-type (1), transaction-id (3), options. Relay
 * messages have another header (section 9) and are refused rather than
 * misread. With want_reply, the type is checked before the options. */
static enum dhcp6_error dhcp6_parse_msg(const uint8_t *data, size_t len,
					struct dhcp6_msg *m, bool want_reply)
{
	struct buf b;

	memset(m, 0, sizeof(*m));
	if (!data || DHCP6_HDR_LEN > len)
		return DHCP6_ERR_TRUNCATED;
	m->type = data[0];
	m->xid = ((uint32_t)data[1] << 16) | ((uint32_t)data[2] << 8) | data[3];
	if (m->type == DHCP6_RELAY_FORW || m->type == DHCP6_RELAY_REPL ||
	    (want_reply && m->type != DHCP6_REPLY))
		return DHCP6_ERR_BAD_TYPE;
	buf_init(&b, data + DHCP6_HDR_LEN, len - DHCP6_HDR_LEN);
	return dhcp6_parse_options(m, &b, data);
}

static int dhcp6_result(enum dhcp6_error e, enum dhcp6_error *why)
{
	if (why)
		*why = e;
	return e == DHCP6_OK ? 0 : -EBADMSG;
}

int dhcp6_parse(const uint8_t *data, size_t len, struct dhcp6_msg *out,
		enum dhcp6_error *why)
{
	if (!out)
		return -EINVAL;
	return dhcp6_result(dhcp6_parse_msg(data, len, out, false), why);
}

int dhcp6_parse_reply(const uint8_t *data, size_t len, struct dhcp6_msg *out,
		      enum dhcp6_error *why)
{
	enum dhcp6_error e;

	if (!out)
		return -EINVAL;
	e = dhcp6_parse_msg(data, len, out, true);
	/* RFC 8415 16.10: a client MUST discard a Reply without a Server
	 * Identifier option. */
	if (e == DHCP6_OK && out->server_id_len == 0)
		e = DHCP6_ERR_NO_SERVER_ID;
	return dhcp6_result(e, why);
}

/* Timeouts past 2^52 (52 days in nanoseconds) are held there, so that
 * 2 RT + RAND RT stays far from overflowing. */
#define DHCP6_RT_LIMIT (1ull << 52)

/* RFC 8415 section 15; RAND is uniform in [-0.1, 0.1]. */
uint64_t dhcp6_next_rt(uint64_t prev, uint64_t irt, uint64_t mrt, int rand_permille)
{
	int64_t r = rand_permille < -100 ? -100 : rand_permille > 100 ? 100 : rand_permille;
	uint64_t base = prev ? prev : irt, rt;

	if (base > DHCP6_RT_LIMIT)
		base = DHCP6_RT_LIMIT;
	if (mrt > DHCP6_RT_LIMIT)
		mrt = DHCP6_RT_LIMIT;
	rt = (prev ? 2 * base : base) + (uint64_t)((int64_t)base * r / 1000);
	if (mrt && rt > mrt)
		rt = mrt + (uint64_t)((int64_t)mrt * r / 1000);
	return rt;
}

uint32_t dhcp6_refresh_seconds(const struct dhcp6_msg *m)
{
	if (!m || !m->has_refresh)
		return DHCP6_IRT_DEFAULT;
	if (m->refresh < DHCP6_IRT_MINIMUM)
		return DHCP6_IRT_MINIMUM;
	return m->refresh;
}

bool dhcp6_reply_matches(const struct dhcp6_msg *m, uint32_t xid,
			 const uint8_t *duid, size_t duid_len)
{
	if (!m || m->xid != (xid & DHCP6_XID_MASK))
		return false;
	if (duid_len == 0)
		return true;
	return duid && m->client_id_len == duid_len &&
	       memcmp(m->client_id, duid, duid_len) == 0;
}

/* ---- builder ---- */

void dhcp6_build_init(struct dhcp6_builder *b, void *buf, size_t cap,
		      uint8_t type, uint32_t xid)
{
	wbuf_init(&b->w, buf, cap);
	wbuf_u8(&b->w, type);
	wbuf_u8(&b->w, (uint8_t)(xid >> 16));
	wbuf_be16(&b->w, (uint16_t)xid);
}

/* option-len is 16 bits: anything longer cannot be sent and marks the
 * message as failed, which dhcp6_build_finish() reports. */
bool dhcp6_build_header_ok(struct dhcp6_builder *b, uint16_t code, size_t len)
{
	if (len > UINT16_MAX) {
		b->w.overflow = 1;
		return false;
	}
	wbuf_be16(&b->w, code);
	wbuf_be16(&b->w, (uint16_t)len);
	return true;
}

void dhcp6_build_option(struct dhcp6_builder *b, uint16_t code,
			const void *data, size_t len)
{
	if (dhcp6_build_header_ok(b, code, len) && len > 0)
		wbuf_put(&b->w, data, len);
}

void dhcp6_build_oro(struct dhcp6_builder *b, const uint16_t *codes, size_t n)
{
	if (n > UINT16_MAX / 2 || !dhcp6_build_header_ok(b, DHCP6_OPT_ORO, n * 2))
		return;
	for (size_t i = 0; i < n; i++)
		wbuf_be16(&b->w, codes[i]);
}

/* RFC 8415 21.9: hundredths of a second, 0xffff for anything longer. */
void dhcp6_build_elapsed(struct dhcp6_builder *b, uint16_t centiseconds)
{
	if (dhcp6_build_header_ok(b, DHCP6_OPT_ELAPSED_TIME, 2))
		wbuf_be16(&b->w, centiseconds);
}

void dhcp6_build_addrs(struct dhcp6_builder *b, uint16_t code,
		       const struct in6_addr *a, size_t n)
{
	if (n > UINT16_MAX / DHCP6_ADDR_LEN)
		b->w.overflow = 1;
	else
		dhcp6_build_option(b, code, a, n * DHCP6_ADDR_LEN);
}

/* Names uncompressed (RFC 8415 section 10). The length is written once the
 * names are; a bad name leaves the message as it was and returns -EINVAL. */
int dhcp6_build_domains(struct dhcp6_builder *b, uint16_t code,
			const char *const *names, size_t n)
{
	struct wbuf *w = &b->w;
	size_t start = w->len, len;
	int r;

	wbuf_be16(w, code);
	wbuf_be16(w, 0);
	for (size_t i = 0; i < n; i++) {
		r = dname_to_wire(names[i], w);
		if (r < 0) {
			if (!w->overflow)
				w->len = start;
			return r;
		}
	}
	if (w->overflow)
		return 0;
	len = w->len - start - DHCP6_OPT_HDR_LEN;
	if (len > UINT16_MAX) {
		w->overflow = 1;
		return 0;
	}
	w->base[start + 2] = (uint8_t)(len >> 8);
	w->base[start + 3] = (uint8_t)len;
	return 0;
}

/* RFC 8415 11.4: type 3, hardware type, then the link-layer address.
 * Returns the DUID length, or 0 if it cannot be made. */
size_t dhcp6_duid_ll(uint8_t *out, size_t cap, const uint8_t *hw, size_t hwlen)
{
	size_t need = 4 + hwlen;

	if (!out || !hw || hwlen == 0 || hwlen > DHCP6_MAX_DUID - 4 || need > cap)
		return 0;
	out[0] = 0;
	out[1] = DHCP6_DUID_LL;
	out[2] = 0;
	out[3] = DHCP6_HWTYPE_ETHERNET;
	memcpy(out + 4, hw, hwlen);
	return need;
}

int dhcp6_build_finish(struct dhcp6_builder *b)
{
	if (b->w.overflow || b->w.len > INT32_MAX)
		return -EMSGSIZE;
	return (int)b->w.len;
}
