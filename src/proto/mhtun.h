/* SPDX-License-Identifier: MIT */
/*
 * mif's mobility tunnel, in the manner of RFC 5555 section 4.1 ("vanilla"
 * UDP encapsulation): the UDP payload is the inner IPv4 or IPv6 packet,
 * with no shim; its version nibble tells which. Signalling rides in the
 * same tunnel as a byte-exact IPv6 packet HoA -> HA (or back) whose Next
 * Header is the Mobility Header (135): no Home Address option and no type 2
 * routing header ever reach a kernel (doc/mobility.md).
 *
 * Authentication (RFC 4285 section 5, with HMAC-SHA-256 instead of
 * HMAC-SHA1-96): the Authenticator covers the inner source, the inner
 * destination and the Mobility Header up to the Authenticator with the
 * checksum taken as 0. RFC 4285 names the care-of and home addresses; in
 * the tunnel the inner source is the home address and the care-of
 * addresses travel in the BID options, which the HMAC covers.
 */
#ifndef MIF_PROTO_MHTUN_H
#define MIF_PROTO_MHTUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum mhtun_kind {
	MHTUN_DATA4 = 4,        /* an inner IPv4 packet */
	MHTUN_DATA6 = 6,        /* an inner IPv6 packet, not signalling */
	MHTUN_SIGNAL = 135,     /* IPv6 + Mobility Header */
};

struct mhtun_pkt {
	enum mhtun_kind kind;
	uint8_t src[16];        /* inner addresses; IPv4 in the first 4 */
	uint8_t dst[16];
	const uint8_t *mh;      /* MHTUN_SIGNAL: the Mobility Header */
	size_t mh_len;
};

/*
 * Classify one UDP payload. IPv4: version 4, IHL >= 5, total length equal
 * to len. IPv6: version 6, Payload Length equal to len - 40. A signalling
 * packet must have Next Header 135 directly (no extension header) and a
 * valid MH checksum over the RFC 2460 pseudo-header. -EBADMSG otherwise;
 * ret untouched on failure.
 */
int mhtun_parse(const uint8_t *p, size_t len, struct mhtun_pkt *ret);

/* The MH checksum (RFC 6275 6.1) over the pseudo-header src, dst, length,
 * Next Header 135; the checksum field is read as it is. */
uint16_t mhtun_mh_checksum(const uint8_t src[16], const uint8_t dst[16],
			   const uint8_t *mh, size_t len);

/* An IPv6 header (RFC 8200 3): src -> dst, payload length plen, next
 * header nh, hop limit 64, traffic class and flow label 0. */
void mhtun_ip6_hdr(uint8_t out[40], const uint8_t src[16], const uint8_t dst[16],
		   uint16_t plen, uint8_t nh);

/*
 * An IPv6/UDP datagram src:sport -> dst:dport carrying data[0..len) (data
 * may overlap out: it is moved), its UDP checksum over the pseudo-header
 * (RFC 8200 8.1, never 0). -ENOSPC if cap is too small, -EINVAL over 64 KiB.
 */
int mhtun_build_udp6(const uint8_t src[16], const uint8_t dst[16], uint16_t sport,
		     uint16_t dport, const uint8_t *data, size_t len, uint8_t *out, size_t cap,
		     size_t *ret_len);

/*
 * Wrap an MH of mh_len octets (its checksum field is overwritten) into an
 * inner IPv6 packet src -> dst, hop limit 64. -ENOSPC if cap is too small.
 */
int mhtun_build_signal(const uint8_t src[16], const uint8_t dst[16], uint8_t *mh,
		       size_t mh_len, uint8_t *out, size_t cap, size_t *ret_len);

/* HMAC-SHA-256 over src | dst | mh[0..covered) with mh's checksum octets
 * taken as 0, into out (MH_AUTH_LEN octets). -EINVAL for an empty key or
 * covered < 6; -EIO if the library fails. */
int mhtun_auth(const uint8_t *key, size_t key_len, const uint8_t src[16],
	       const uint8_t dst[16], const uint8_t *mh, size_t covered, uint8_t *out);

/* Sign an MH built by mh_build() with has_auth: fill the Authenticator at
 * auth_off. */
int mhtun_sign(const uint8_t *key, size_t key_len, const uint8_t src[16],
	       const uint8_t dst[16], uint8_t *mh, size_t auth_off);

/* Check a parsed message's Authenticator in constant time: 0 when it
 * matches, -EPERM when it does not or the message carries none. */
int mhtun_verify(const uint8_t *key, size_t key_len, const uint8_t src[16],
		 const uint8_t dst[16], const uint8_t *mh, size_t mh_len,
		 const uint8_t auth[32], size_t covered, bool has_auth);

/*
 * Replay protection with RFC 4285 section 6 timestamps (NTP format):
 * accepted when ts is within window_s seconds of now and strictly later
 * than last (the newest timestamp accepted from that peer, 0 for none).
 * 0 or -EPERM.
 */
int mhtun_replay_check(uint64_t ts, uint64_t now, uint64_t last, uint32_t window_s);

/*
 * Liveness of one tunnel path by heartbeats (RFC 5847 section 5.1 leaves
 * the policy open), the same at both ends: a request still unanswered when
 * the next goes out is a miss; max_misses in a row mark the path dead; an
 * authenticated answer to the latest request makes it alive again (a path
 * is re-validated before use, draft-ietf-monami6-mipv6-analysis 6.1.2).
 */
struct mhtun_live {
	bool alive;
	unsigned misses;
	uint32_t seq;           /* latest request sent */
	long long sent_ms;      /* 0: none yet */
	long long answer_ms;    /* latest answer to a request */
	uint32_t rtt_us;
	uint64_t last_ts;       /* replay protection for heartbeats on it */
};

void mhtun_live_sent(struct mhtun_live *l, uint32_t seq, long long now_ms, unsigned max_misses);

/*
 * When the next request is due on a path whose requests go every
 * interval_ms: interval_ms after the last one while it was answered; but
 * once it is overdue (unanswered after MHTUN_PROBE_MIN_MS, or four round
 * trips if longer, at most the interval) the next goes at once, and each
 * overdue one is a miss (path exploration, analysis 6.1.2): a path that
 * went silent is found after about three timeouts, not three intervals.
 * 0 when none was sent yet.
 */
#define MHTUN_PROBE_MIN_MS 50
long long mhtun_live_due_ms(const struct mhtun_live *l, unsigned interval_ms);
/* Returns true when the answer counted (it matched the latest request). */
bool mhtun_live_answer(struct mhtun_live *l, uint32_t seq, long long now_ms);

#endif
