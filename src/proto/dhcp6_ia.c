/* SPDX-License-Identifier: MIT */
/*
 * Stateful DHCPv6 options (RFC 8415): IA_NA (21.4) with IA Address
 * (21.6), IA_PD (21.21) with IA Prefix (21.22), Authentication (21.11) and
 * the reconfigure key protocol (20.4), Preference (21.8), Rapid Commit
 * (21.14), Reconfigure Message (21.19) and Reconfigure Accept (21.20).
 *
 * As in dhcp6.c: an option shorter than its fixed part is a framing error
 * of the message; contents a client must ignore (21.4: T1 > T2; 21.6 and
 * 21.22: preferred > valid) drop that option only and count in ignored.
 */
#include <errno.h>
#include <string.h>

#include "common/buf.h"
#include <nettle/hmac.h>
#include "proto/dhcp6.h"
#include "proto/dhcp6_int.h"

#define DHCP6_IA_FIXED 12            /* IAID, T1, T2 */
#define DHCP6_IAADDR_FIXED 24        /* address, preferred, valid */
#define DHCP6_IAPREFIX_FIXED 25      /* preferred, valid, plen, prefix */
#define DHCP6_AUTH_FIXED 11          /* protocol, algorithm, RDM, replay (8) */

/* A Status Code inside an IA or an address: only its code is kept. */
static void dhcp6_ia_status(struct buf *s, bool *has, uint16_t *code)
{
	uint16_t v;

	if (!*has && buf_be16(s, &v) == 0) {
		*code = v;
		*has = true;
	}
}

static void dhcp6_clear_host_bits(struct in6_addr *a, uint8_t plen)
{
	for (unsigned bit = plen; bit < 128; bit++)
		a->s6_addr[bit / 8] &= (uint8_t)~(0x80 >> (bit % 8));
}

/* IAADDR or IAPREFIX; false when the client must ignore it. */
static enum dhcp6_error dhcp6_ia_entry(struct buf *s, bool pd, struct dhcp6_iaaddr *out,
				       bool *keep)
{
	enum dhcp6_error e;
	struct buf sub;
	uint16_t code;

	memset(out, 0, sizeof(*out));
	if ((pd ? DHCP6_IAPREFIX_FIXED : DHCP6_IAADDR_FIXED) > buf_remaining(s))
		return DHCP6_ERR_BAD_OPTION_LENGTH;
	if (pd) {
		if (buf_be32(s, &out->preferred) < 0 || buf_be32(s, &out->valid) < 0 ||
		    buf_u8(s, &out->plen) < 0 || buf_read(s, &out->addr, 16) < 0)
			return DHCP6_ERR_OPTION_OVERRUN;
	} else {
		out->plen = 128;
		if (buf_read(s, &out->addr, 16) < 0 || buf_be32(s, &out->preferred) < 0 ||
		    buf_be32(s, &out->valid) < 0)
			return DHCP6_ERR_OPTION_OVERRUN;
	}
	while (buf_remaining(s) > 0) {
		e = dhcp6_split_option(s, &code, &sub);
		if (e != DHCP6_OK)
			return e;
		if (code == DHCP6_OPT_STATUS_CODE)
			dhcp6_ia_status(&sub, &out->has_status, &out->status);
	}
	/* 21.6 and 21.22: preferred > valid MUST be discarded; 21.22: a
	 * prefix length past 128 makes no sense. */
	*keep = out->preferred <= out->valid && out->plen <= 128;
	if (*keep && pd)
		dhcp6_clear_host_bits(&out->addr, out->plen);
	return DHCP6_OK;
}

static enum dhcp6_error dhcp6_ia_body(struct dhcp6_msg *m, struct buf *o, bool pd,
				      struct dhcp6_ia *ia)
{
	enum dhcp6_error e;
	struct buf sub;
	uint16_t code;
	bool keep;

	if (buf_be32(o, &ia->iaid) < 0 || buf_be32(o, &ia->t1) < 0 || buf_be32(o, &ia->t2) < 0)
		return DHCP6_ERR_OPTION_OVERRUN;
	while (buf_remaining(o) > 0) {
		e = dhcp6_split_option(o, &code, &sub);
		if (e != DHCP6_OK)
			return e;
		if (code == DHCP6_OPT_STATUS_CODE) {
			dhcp6_ia_status(&sub, &ia->has_status, &ia->status);
		} else if (code == (pd ? DHCP6_OPT_IAPREFIX : DHCP6_OPT_IAADDR)) {
			struct dhcp6_iaaddr a;

			e = dhcp6_ia_entry(&sub, pd, &a, &keep);
			if (e != DHCP6_OK)
				return e;
			if (!keep || ia->n == DHCP6_MAX_IA_ADDRS)
				m->ignored++;
			else
				ia->a[ia->n++] = a;
		} else {
			m->ignored++;
		}
	}
	return DHCP6_OK;
}

/* 21.4 / 21.21: IAID, T1, T2, then IA options. A second IA of a kind is
 * counted and skipped (the client asks for one of each). */
enum dhcp6_error dhcp6_opt_ia(struct dhcp6_msg *m, struct buf *o, bool pd)
{
	struct dhcp6_ia ia;
	enum dhcp6_error e;

	if (DHCP6_IA_FIXED > buf_remaining(o))
		return DHCP6_ERR_BAD_OPTION_LENGTH;
	if (pd ? m->has_ia_pd : m->has_ia_na) {
		m->ignored++;
		return DHCP6_OK;
	}
	memset(&ia, 0, sizeof(ia));
	e = dhcp6_ia_body(m, o, pd, &ia);
	if (e != DHCP6_OK)
		return e;
	/* 21.4, 21.21: T1 > T2 (both non-zero) MUST be discarded. */
	if (ia.t1 && ia.t2 && ia.t1 > ia.t2) {
		m->ignored++;
		return DHCP6_OK;
	}
	if (pd) {
		m->ia_pd = ia;
		m->has_ia_pd = true;
	} else {
		m->ia_na = ia;
		m->has_ia_na = true;
	}
	return DHCP6_OK;
}

/* 21.11: protocol, algorithm, RDM, replay detection (8), information. */
enum dhcp6_error dhcp6_opt_auth(struct dhcp6_msg *m, struct buf *o, const uint8_t *start)
{
	struct dhcp6_auth *a = &m->auth;
	uint32_t hi, lo;

	if (DHCP6_AUTH_FIXED > buf_remaining(o))
		return DHCP6_ERR_BAD_OPTION_LENGTH;
	if (m->has_auth || buf_remaining(o) - DHCP6_AUTH_FIXED > DHCP6_AUTH_INFO_MAX) {
		m->ignored++;
		return DHCP6_OK;
	}
	if (buf_u8(o, &a->protocol) < 0 || buf_u8(o, &a->algorithm) < 0 ||
	    buf_u8(o, &a->rdm) < 0 || buf_be32(o, &hi) < 0 || buf_be32(o, &lo) < 0)
		return DHCP6_ERR_OPTION_OVERRUN;
	a->replay = (uint64_t)hi << 32 | lo;
	a->info_len = buf_remaining(o);
	a->info_off = (size_t)(o->p - start);
	if (buf_read(o, a->info, a->info_len) < 0)
		return DHCP6_ERR_OPTION_OVERRUN;
	m->has_auth = true;
	return DHCP6_OK;
}

/* Fixed-size one-octet or empty options. */
enum dhcp6_error dhcp6_opt_small(struct dhcp6_msg *m, uint16_t code, struct buf *o)
{
	size_t want = code == DHCP6_OPT_PREFERENCE || code == DHCP6_OPT_RECONF_MSG ? 1 : 0;
	uint8_t v = 0;

	if (buf_remaining(o) != want)
		return DHCP6_ERR_BAD_OPTION_LENGTH;
	if (want && buf_u8(o, &v) < 0)
		return DHCP6_ERR_OPTION_OVERRUN;
	if (code == DHCP6_OPT_PREFERENCE) {
		m->preference = v;
		m->has_preference = true;
	} else if (code == DHCP6_OPT_RECONF_MSG) {
		m->reconf_msg = v;
	} else if (code == DHCP6_OPT_RAPID_COMMIT) {
		m->rapid_commit = true;
	} else {
		m->reconf_accept = true;
	}
	return DHCP6_OK;
}

/* ---- builders ---- */

void dhcp6_build_ia(struct dhcp6_builder *b, bool pd, uint32_t iaid, uint32_t t1, uint32_t t2,
		    const struct dhcp6_iaaddr *a, size_t n)
{
	size_t each = 4 + (pd ? DHCP6_IAPREFIX_FIXED : DHCP6_IAADDR_FIXED);

	if (n > DHCP6_MAX_IA_ADDRS ||
	    !dhcp6_build_header_ok(b, pd ? DHCP6_OPT_IA_PD : DHCP6_OPT_IA_NA,
				   DHCP6_IA_FIXED + n * each))
		return;
	wbuf_be32(&b->w, iaid);
	wbuf_be32(&b->w, t1);
	wbuf_be32(&b->w, t2);
	for (size_t i = 0; i < n; i++) {
		dhcp6_build_header_ok(b, pd ? DHCP6_OPT_IAPREFIX : DHCP6_OPT_IAADDR, each - 4);
		if (pd) {
			wbuf_be32(&b->w, a[i].preferred);
			wbuf_be32(&b->w, a[i].valid);
			wbuf_u8(&b->w, a[i].plen);
			wbuf_put(&b->w, &a[i].addr, 16);
		} else {
			wbuf_put(&b->w, &a[i].addr, 16);
			wbuf_be32(&b->w, a[i].preferred);
			wbuf_be32(&b->w, a[i].valid);
		}
	}
}

void dhcp6_build_auth(struct dhcp6_builder *b, const struct dhcp6_auth *a)
{
	if (a->info_len > DHCP6_AUTH_INFO_MAX ||
	    !dhcp6_build_header_ok(b, DHCP6_OPT_AUTH, DHCP6_AUTH_FIXED + a->info_len))
		return;
	wbuf_u8(&b->w, a->protocol);
	wbuf_u8(&b->w, a->algorithm);
	wbuf_u8(&b->w, a->rdm);
	wbuf_be32(&b->w, (uint32_t)(a->replay >> 32));
	wbuf_be32(&b->w, (uint32_t)a->replay);
	wbuf_put(&b->w, a->info, a->info_len);
}

/*
 * RFC 8415 20.4.4: a Reconfigure is valid only with the reconfigure key
 * protocol (3), HMAC-MD5 (1), the monotonic counter RDM (0) with a value
 * above the last one seen, and authentication information of type 2 whose
 * 16 octets are HMAC-MD5 of the whole message, keyed with the key from the
 * Reply, computed with those 16 octets set to zero (20.4.3).
 */
bool dhcp6_reconfigure_auth_ok(const uint8_t *data, size_t len, const struct dhcp6_msg *m,
			       const uint8_t key[DHCP6_RKAP_KEY_LEN], uint64_t *last_replay)
{
	const struct dhcp6_auth *a = &m->auth;
	static const uint8_t zero[MD5_DIGEST_SIZE];
	uint8_t mac[MD5_DIGEST_SIZE];
	struct hmac_md5_ctx h;
	unsigned diff = 0;

	if (!data || !m || !key || !last_replay || !m->has_auth ||
	    a->protocol != DHCP6_AUTH_PROTO_RKAP || a->algorithm != DHCP6_AUTH_ALG_HMAC_MD5 ||
	    a->rdm != DHCP6_AUTH_RDM_COUNTER || a->info_len != 1 + MD5_DIGEST_SIZE ||
	    a->info[0] != DHCP6_RKAP_HMAC || a->info_off + a->info_len > len ||
	    a->replay <= *last_replay)
		return false;
	hmac_md5_set_key(&h, DHCP6_RKAP_KEY_LEN, key);
	hmac_md5_update(&h, a->info_off + 1, data);
	hmac_md5_update(&h, MD5_DIGEST_SIZE, zero);
	hmac_md5_update(&h, len - a->info_off - 1 - MD5_DIGEST_SIZE, data + a->info_off + 1 + MD5_DIGEST_SIZE);
	hmac_md5_digest(&h, MD5_DIGEST_SIZE, mac);
	for (size_t i = 0; i < MD5_DIGEST_SIZE; i++)
		diff |= (unsigned)(mac[i] ^ a->info[1 + i]);
	if (diff)
		return false;
	*last_replay = a->replay;
	return true;
}
