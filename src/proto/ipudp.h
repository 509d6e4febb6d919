/* SPDX-License-Identifier: MIT */
/*
 * IPv4 + UDP headers around a datagram read from a packet socket, as the
 * DHCPv4 client receives replies: a packet socket sees them before the
 * host has an address, and reverse-path filtering (rp_filter, often 2 by
 * default) would drop them on a UDP socket since no route leads back to the
 * server yet. Pure: validation only.
 */
#ifndef MIF_PROTO_IPUDP_H
#define MIF_PROTO_IPUDP_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Check an IPv4 packet (starting at the IP header) carrying UDP to port
 * dport: version 4, header length and total length within the buffer,
 * header checksum (RFC 791), no fragment (a DHCP reply fits one), protocol
 * UDP, UDP length within the IP payload, UDP checksum when non-zero (RFC
 * 768). On success sets *src, *payload and *plen (pointing into pkt) and
 * returns 0; -EBADMSG otherwise, -ENOENT if well-formed but not UDP to
 * dport.
 */
int ipudp4_parse(const uint8_t *pkt, size_t len, uint16_t dport, struct in_addr *src,
		 uint16_t *sport, const uint8_t **payload, size_t *plen);

/* The same, without the UDP checksum: for packets the kernel says have a
 * checksum not computed yet (offload, TP_STATUS_CSUMNOTREADY) or already
 * verified (TP_STATUS_CSUM_VALID). */
int ipudp4_parse_nocsum(const uint8_t *pkt, size_t len, uint16_t dport, struct in_addr *src,
			uint16_t *sport, const uint8_t **payload, size_t *plen);

/* The 16-bit one's complement sum of RFC 1071, folded, not inverted. */
uint16_t ipudp_sum(const uint8_t *p, size_t len, uint32_t acc);

#endif
