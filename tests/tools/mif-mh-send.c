/* SPDX-License-Identifier: MIT */
/*
 * mif-mh-send: an attacker's Mobility Header messages for the world tests:
 * a Binding Update (or heartbeat) for a home address, in the mobility
 * tunnel, that tries to move the binding to the sender's own address, sent
 * unauthenticated, with a wrong key, with a wrong SPI, or as the raw bytes
 * of a captured message (a replay). The home agent must act on none.
 *
 * With --data SRC it sends a tunnel data packet instead: an inner IPv6/UDP
 * datagram SRC -> HOA port DPORT carrying "mif-forged-data", checksums
 * right, as the home agent would tunnel it to a care-of address (--to,
 * --port). The mobile node must take tunnel packets from its home agent
 * only. With --spoof A --sport P the outer packet claims A:P as its
 * source (a raw socket): what an attacker able to forge the home agent's
 * address could do, which the source check cannot stop.
 *
 *   mif-mh-send --to ADDR [--port P] --hoa A --ha A --coa A --spi N
 *               (--no-auth | --key-hex HEX | --raw FILE) [--heartbeat]
 *   mif-mh-send --to ADDR --port P --hoa A --data SRC --dport N
 *               [--spoof A --sport P]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "proto/mh.h"
#include "proto/mhtun.h"
#include "tool_hex.h"

static int build(const struct in6_addr *hoa, const struct in6_addr *ha,
		 const struct in6_addr *coa, uint32_t spi, const uint8_t *key, size_t klen,
		 bool auth, bool hb, uint8_t *out, size_t cap, size_t *ret)
{
	struct mh_msg m;
	uint8_t mh[512];
	size_t len, off;
	int r;

	memset(&m, 0, sizeof(m));
	m.type = hb ? MH_TYPE_HB : MH_TYPE_BU;
	m.seq = (uint16_t)(rand() | 1);
	m.flags = hb ? MH_HB_R : (MH_BU_A | MH_BU_H | MH_BU_F);
	m.hb_seq = 1;
	m.lifetime = 150;
	m.n_bids = 1;
	m.bids[0].bid = 1;
	m.bids[0].coa_family = hb ? 0 : 6;
	memcpy(m.bids[0].coa, coa, 16);
	m.has_ts = true;
	m.ts = clock_ntp_now();
	m.has_auth = auth;
	m.spi = spi;
	r = mh_build(&m, mh, sizeof(mh), &len, &off);
	if (r == 0 && auth)
		r = mhtun_sign(key, klen, hoa->s6_addr, ha->s6_addr, mh, off);
	if (r == 0)
		r = mhtun_build_signal(hoa->s6_addr, ha->s6_addr, mh, len, out, cap, ret);
	return r;
}

/* --data: the inner datagram, then the outer one when spoofed. */
static int send_data(const struct in6_addr *to, uint16_t port, const struct in6_addr *hoa,
		     const struct in6_addr *src, uint16_t dport, const struct in6_addr *spoof,
		     uint16_t sport)
{
	static const char msg[] = "mif-forged-data\n";
	uint8_t pkt[256];
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_addr = *to };
	size_t len;
	ssize_t r;
	int fd;

	/* The inner datagram, then (spoofed) the outer one around it. */
	if (mhtun_build_udp6(src->s6_addr, hoa->s6_addr, 40000, dport, (const uint8_t *)msg,
			     sizeof(msg) - 1, pkt, sizeof(pkt), &len) < 0 ||
	    (spoof && mhtun_build_udp6(spoof->s6_addr, to->s6_addr, sport, port, pkt, len, pkt,
				       sizeof(pkt), &len) < 0))
		return -ENOSPC;
	if (spoof) {
		fd = socket(AF_INET6, SOCK_RAW, IPPROTO_RAW);
	} else {
		sa.sin6_port = htons(port);
		fd = socket(AF_INET6, SOCK_DGRAM, 0);
	}
	if (fd < 0)
		return -errno;
	r = sendto(fd, pkt, len, 0, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	return r == (ssize_t)len ? 0 : -EIO;
}

int main(int argc, char **argv)
{
	static const struct option o[] = {
		{ "to", 1, NULL, 't' }, { "port", 1, NULL, 'P' }, { "hoa", 1, NULL, 'H' },
		{ "ha", 1, NULL, 'A' }, { "coa", 1, NULL, 'c' }, { "spi", 1, NULL, 'S' },
		{ "no-auth", 0, NULL, 'n' }, { "key-hex", 1, NULL, 'k' }, { "raw", 1, NULL, 'r' },
		{ "heartbeat", 0, NULL, 'b' }, { "data", 1, NULL, 'd' }, { "dport", 1, NULL, 'D' },
		{ "spoof", 1, NULL, 's' }, { "sport", 1, NULL, 'p' }, { 0, 0, 0, 0 },
	};
	struct in6_addr to, hoa, ha, coa = IN6ADDR_ANY_INIT, dsrc, spoof;
	bool data = false, spoofed = false;
	uint16_t dport = 9, sport = MH_UDP_PORT;
	struct sockaddr_in6 sa;
	uint8_t key[64], pkt[2048];
	size_t klen = 0, len = 0;
	const char *raw = NULL;
	bool auth = true, hb = false, have_to = false;
	uint16_t port = MH_UDP_PORT;
	uint32_t spi = 256;
	int c, fd;

	memset(&hoa, 0, sizeof(hoa));
	memset(&ha, 0, sizeof(ha));
	while ((c = getopt_long(argc, argv, "", o, NULL)) != -1) {
		switch (c) {
		case 't': have_to = inet_pton(AF_INET6, optarg, &to) == 1; break;
		case 'P': port = (uint16_t)atoi(optarg); break;
		case 'H': inet_pton(AF_INET6, optarg, &hoa); break;
		case 'A': inet_pton(AF_INET6, optarg, &ha); break;
		case 'c': inet_pton(AF_INET6, optarg, &coa); break;
		case 'S': spi = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'n': auth = false; break;
		case 'k': {
			const char *bad = NULL;
			long n = tool_hex(optarg, key, sizeof(key), &bad);

			if (n <= 0)
				return 2;
			klen = (size_t)n;
			break;
		}
		case 'r': raw = optarg; break;
		case 'b': hb = true; break;
		case 'd': data = inet_pton(AF_INET6, optarg, &dsrc) == 1; break;
		case 'D': dport = (uint16_t)atoi(optarg); break;
		case 's': spoofed = inet_pton(AF_INET6, optarg, &spoof) == 1; break;
		case 'p': sport = (uint16_t)atoi(optarg); break;
		default: return 2;
		}
	}
	if (have_to && data) {
		int r = send_data(&to, port, &hoa, &dsrc, dport, spoofed ? &spoof : NULL, sport);

		if (r < 0)
			fprintf(stderr, "mif-mh-send: %s\n", strerror(-r));
		return r < 0;
	}
	if (!have_to || (auth && !raw && klen == 0))
		return 2;
	if (raw) {
		FILE *f = fopen(raw, "r");

		if (!f)
			return 1;
		len = fread(pkt, 1, sizeof(pkt), f);
		fclose(f);
	} else if (build(&hoa, &ha, &coa, spi, key, klen, auth, hb, pkt, sizeof(pkt), &len) < 0) {
		return 1;
	}
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin6_family = AF_INET6;
	sa.sin6_addr = to;
	sa.sin6_port = htons(port);
	if (fd < 0 || sendto(fd, pkt, len, 0, (struct sockaddr *)&sa, sizeof(sa)) != (ssize_t)len) {
		perror("mif-mh-send");
		return 1;
	}
	close(fd);
	return 0;
}
