/* SPDX-License-Identifier: MIT */
#include "proto/ipudp.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "common/buf.h"

uint16_t ipudp_sum(const uint8_t *p, size_t len, uint32_t acc)
{
	uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0, sum, tail = acc;
	size_t i = 0;

	/* 32-bit words in the host's byte order into four 64-bit sums (no
	 * carry is lost below 2^32 words; four sums keep the adds
	 * independent), folded to 16 bits and byte-swapped on a little-endian
	 * host: the same one's complement sum as 16-bit big-endian words (RFC
	 * 1071 2(A), 2(B)), several times faster, which the tunnel's
	 * per-segment checksums need. */
	for (; i + 16 <= len; i += 16) {
		uint32_t w[4];

		memcpy(w, p + i, 16);
		s0 += w[0];
		s1 += w[1];
		s2 += w[2];
		s3 += w[3];
	}
	for (; i + 4 <= len; i += 4) {
		uint32_t w;

		memcpy(&w, p + i, 4);
		s0 += w;
	}
	sum = (s0 & 0xffffffffu) + (s0 >> 32) + (s1 & 0xffffffffu) + (s1 >> 32) +
	      (s2 & 0xffffffffu) + (s2 >> 32) + (s3 & 0xffffffffu) + (s3 >> 32);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	sum = ((sum & 0xff) << 8) | (sum >> 8);
#endif
	tail += sum;
	for (; i + 1 < len; i += 2)
		tail += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		tail += (uint32_t)p[len - 1] << 8;
	while (tail >> 16)
		tail = (tail & 0xffff) + (tail >> 16);
	return (uint16_t)tail;
}

/* RFC 768: checksum over the pseudo header, the UDP header and data. */
static int ipudp_udp_sum_ok(const uint8_t *ip, const uint8_t *udp, size_t ulen)
{
	uint32_t acc = 0;

	if (udp[6] == 0 && udp[7] == 0)
		return 1;    /* sender did not compute one (allowed for IPv4) */
	acc += ipudp_sum(ip + 12, 8, 0);     /* source and destination */
	acc += 17 + (uint32_t)ulen;          /* protocol, UDP length */
	return ipudp_sum(udp, ulen, acc) == 0xffff;
}

static int ipudp4_do(const uint8_t *pkt, size_t len, uint16_t dport, struct in_addr *src,
		     uint16_t *sport, const uint8_t **payload, size_t *plen, bool csum)
{
	size_t ihl, total, ulen;
	const uint8_t *udp;

	if (len < 20 || (pkt[0] >> 4) != 4)
		return -EBADMSG;
	ihl = (size_t)(pkt[0] & 0x0f) * 4;
	total = (size_t)(pkt[2] << 8 | pkt[3]);
	if (ihl < 20 || ihl > len || total < ihl || total > len)
		return -EBADMSG;
	if (ipudp_sum(pkt, ihl, 0) != 0xffff)
		return -EBADMSG;
	/* More-fragments set or a non-zero offset: not a whole datagram. */
	if ((pkt[6] & 0x20) || ((pkt[6] & 0x1f) | pkt[7]))
		return -EBADMSG;
	if (pkt[9] != 17)
		return -ENOENT;
	if (total - ihl < 8)
		return -EBADMSG;
	udp = pkt + ihl;
	ulen = (size_t)(udp[4] << 8 | udp[5]);
	if (ulen < 8 || ulen > total - ihl)
		return -EBADMSG;
	if ((uint16_t)(udp[2] << 8 | udp[3]) != dport)
		return -ENOENT;
	if (csum && !ipudp_udp_sum_ok(pkt, udp, ulen))
		return -EBADMSG;
	memcpy(src, pkt + 12, 4);
	*sport = (uint16_t)(udp[0] << 8 | udp[1]);
	*payload = udp + 8;
	*plen = ulen - 8;
	return 0;
}

int ipudp4_parse(const uint8_t *pkt, size_t len, uint16_t dport, struct in_addr *src,
		 uint16_t *sport, const uint8_t **payload, size_t *plen)
{
	return ipudp4_do(pkt, len, dport, src, sport, payload, plen, true);
}

int ipudp4_parse_nocsum(const uint8_t *pkt, size_t len, uint16_t dport, struct in_addr *src,
			uint16_t *sport, const uint8_t **payload, size_t *plen)
{
	return ipudp4_do(pkt, len, dport, src, sport, payload, plen, false);
}
