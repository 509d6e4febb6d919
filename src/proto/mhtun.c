/* SPDX-License-Identifier: MIT */
/* The mobility tunnel's inner packets and the MH authenticator (mhtun.h). */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "proto/ipudp.h"
#include "proto/mh.h"
#include "proto/mhtun.h"

uint16_t mhtun_mh_checksum(const uint8_t src[16], const uint8_t dst[16],
			   const uint8_t *mh, size_t len)
{
	uint8_t ph[8] = { (uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8),
			  (uint8_t)len, 0, 0, 0, MH_IPPROTO };
	uint32_t acc;

	/* RFC 2460 section 8.1 pseudo-header, then the whole MH. */
	acc = ipudp_sum(src, 16, 0);
	acc = ipudp_sum(dst, 16, acc);
	acc = ipudp_sum(ph, sizeof(ph), acc);
	return (uint16_t)~ipudp_sum(mh, len, acc);
}

static int mhtun_parse6(const uint8_t *p, size_t len, struct mhtun_pkt *ret)
{
	struct mhtun_pkt k;
	size_t plen;

	if (len < 40)
		return -EBADMSG;
	plen = (size_t)p[4] << 8 | p[5];
	if (plen != len - 40)
		return -EBADMSG;
	memset(&k, 0, sizeof(k));
	memcpy(k.src, p + 8, 16);
	memcpy(k.dst, p + 24, 16);
	k.kind = MHTUN_DATA6;
	if (p[6] == MH_IPPROTO) {
		/* A folded sum of all ones means the checksum verified. */
		if (plen < 8 || mhtun_mh_checksum(k.src, k.dst, p + 40, plen) != 0)
			return -EBADMSG;
		k.kind = MHTUN_SIGNAL;
		k.mh = p + 40;
		k.mh_len = plen;
	}
	*ret = k;
	return 0;
}

int mhtun_parse(const uint8_t *p, size_t len, struct mhtun_pkt *ret)
{
	struct mhtun_pkt k;

	if (len < 1)
		return -EBADMSG;
	if (p[0] >> 4 == 6)
		return mhtun_parse6(p, len, ret);
	if (p[0] >> 4 != 4 || len < 20 || (p[0] & 0x0f) < 5 ||
	    ((size_t)p[2] << 8 | p[3]) != len || (size_t)(p[0] & 0x0f) * 4 > len)
		return -EBADMSG;
	memset(&k, 0, sizeof(k));
	k.kind = MHTUN_DATA4;
	memcpy(k.src, p + 12, 4);
	memcpy(k.dst, p + 16, 4);
	*ret = k;
	return 0;
}

void mhtun_ip6_hdr(uint8_t out[40], const uint8_t src[16], const uint8_t dst[16],
		   uint16_t plen, uint8_t nh)
{
	memset(out, 0, 40);
	out[0] = 0x60;
	out[4] = (uint8_t)(plen >> 8);
	out[5] = (uint8_t)plen;
	out[6] = nh;
	out[7] = 64;
	memcpy(out + 8, src, 16);
	memcpy(out + 24, dst, 16);
}

int mhtun_build_udp6(const uint8_t src[16], const uint8_t dst[16], uint16_t sport,
		     uint16_t dport, const uint8_t *data, size_t len, uint8_t *out, size_t cap,
		     size_t *ret_len)
{
	size_t ulen = 8 + len;
	uint16_t s;

	if (ulen > 0xffff)
		return -EINVAL;
	if (cap < 48 || len > cap - 48)
		return -ENOSPC;
	memmove(out + 48, data, len);
	mhtun_ip6_hdr(out, src, dst, (uint16_t)ulen, IPPROTO_UDP);
	out[40] = (uint8_t)(sport >> 8);
	out[41] = (uint8_t)sport;
	out[42] = (uint8_t)(dport >> 8);
	out[43] = (uint8_t)dport;
	out[44] = (uint8_t)(ulen >> 8);
	out[45] = (uint8_t)ulen;
	out[46] = out[47] = 0;
	/* Pseudo-header: the addresses, then length and next header. */
	s = (uint16_t)~ipudp_sum(out + 40, ulen, ipudp_sum(out + 8, 32, (uint32_t)ulen + IPPROTO_UDP));
	if (s == 0)
		s = 0xffff;     /* RFC 768: 0 means none, not allowed over IPv6 */
	out[46] = (uint8_t)(s >> 8);
	out[47] = (uint8_t)s;
	*ret_len = 48 + len;
	return 0;
}

int mhtun_build_signal(const uint8_t src[16], const uint8_t dst[16], uint8_t *mh,
		       size_t mh_len, uint8_t *out, size_t cap, size_t *ret_len)
{
	uint16_t c;

	if (mh_len < 8 || mh_len > 0xffff)
		return -EINVAL;
	if (cap < 40 || mh_len > cap - 40)
		return -ENOSPC;
	mh[4] = mh[5] = 0;
	c = mhtun_mh_checksum(src, dst, mh, mh_len);
	mh[4] = (uint8_t)(c >> 8);
	mh[5] = (uint8_t)c;
	mhtun_ip6_hdr(out, src, dst, (uint16_t)mh_len, MH_IPPROTO);
	memcpy(out + 40, mh, mh_len);
	*ret_len = 40 + mh_len;
	return 0;
}

int mhtun_auth(const uint8_t *key, size_t key_len, const uint8_t src[16],
	       const uint8_t dst[16], const uint8_t *mh, size_t covered, uint8_t *out)
{
	/* An MH is at most 256 * 8 octets (Header Len is one octet). */
	uint8_t data[32 + 2048];
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;

	if (!key || key_len == 0 || key_len > 1024 || covered < 6 || covered > 2048)
		return -EINVAL;
	memcpy(data, src, 16);
	memcpy(data + 16, dst, 16);
	memcpy(data + 32, mh, covered);
	data[32 + 4] = data[32 + 5] = 0;
	if (!HMAC(EVP_sha256(), key, (int)key_len, data, 32 + covered, md, &mdlen) ||
	    mdlen != MH_AUTH_LEN)
		return -EIO;
	memcpy(out, md, MH_AUTH_LEN);
	return 0;
}

int mhtun_sign(const uint8_t *key, size_t key_len, const uint8_t src[16],
	       const uint8_t dst[16], uint8_t *mh, size_t auth_off)
{
	return mhtun_auth(key, key_len, src, dst, mh, auth_off, mh + auth_off);
}

int mhtun_verify(const uint8_t *key, size_t key_len, const uint8_t src[16],
		 const uint8_t dst[16], const uint8_t *mh, size_t mh_len,
		 const uint8_t auth[32], size_t covered, bool has_auth)
{
	uint8_t want[MH_AUTH_LEN];

	if (!has_auth || covered < 6 || covered + MH_AUTH_LEN > mh_len)
		return -EPERM;
	if (mhtun_auth(key, key_len, src, dst, mh, covered, want) < 0)
		return -EPERM;
	return CRYPTO_memcmp(want, auth, MH_AUTH_LEN) == 0 ? 0 : -EPERM;
}

int mhtun_replay_check(uint64_t ts, uint64_t now, uint64_t last, uint32_t window_s)
{
	uint64_t w = (uint64_t)window_s << 32;

	if (ts <= last)
		return -EPERM;
	if (ts > now ? ts - now > w : now - ts > w)
		return -EPERM;
	return 0;
}

void mhtun_live_sent(struct mhtun_live *l, uint32_t seq, long long now_ms, unsigned max_misses)
{
	if (l->sent_ms && l->answer_ms < l->sent_ms) {
		l->misses++;
		if (l->misses >= max_misses)
			l->alive = false;
	}
	l->seq = seq;
	l->sent_ms = now_ms;
}

long long mhtun_live_due_ms(const struct mhtun_live *l, unsigned interval_ms)
{
	long long timeout = (long long)l->rtt_us * 4 / 1000;

	if (!l->sent_ms)
		return 0;
	if (l->answer_ms >= l->sent_ms)
		return l->sent_ms + interval_ms;
	if (timeout < MHTUN_PROBE_MIN_MS)
		timeout = MHTUN_PROBE_MIN_MS;
	if (timeout > (long long)interval_ms)
		timeout = interval_ms;
	return l->sent_ms + timeout;
}

bool mhtun_live_answer(struct mhtun_live *l, uint32_t seq, long long now_ms)
{
	if (seq != l->seq || l->sent_ms == 0)
		return false;   /* an answer to an older request proves less */
	l->answer_ms = now_ms;
	l->rtt_us = (uint32_t)((now_ms - l->sent_ms) * 1000);
	l->misses = 0;
	l->alive = true;
	return true;
}
