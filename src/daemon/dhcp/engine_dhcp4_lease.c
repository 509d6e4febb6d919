/* SPDX-License-Identifier: MIT */
/*
 * A DHCPv4 lease kept across restarts (issue 20, RFC 2131 section 3.2):
 * its record in the lease store ("dhcp4-IFNAME", dhcp/lease_store.h) says
 * which address this interface held, from which server, and until when
 * in wall-clock time (the monotonic clock starts again at boot). At start
 * the client asks for it again with INIT-REBOOT; an expired one is still
 * suggested in the DISCOVER (RFC 2131 4.4.1: option 50).
 *
 * Payload, version 1 (28 bytes, integers big-endian):
 *   u8 version | u8 prefix length | u8 mac[6] | u8 address[4] |
 *   u8 server[4] | u64 end (Unix seconds, all ones: infinite) | u32 lease
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "daemon/engine/engine_priv.h"

#define NS 1000000000ull
#define D4_REC_VERSION 1
#define D4_REC_LEN 28

static void d4_key(const struct engine_dhcp4 *c, char *key, size_t len)
{
	snprintf(key, len, "dhcp4-%s", c->ifname);
}

static uint64_t d4_wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec > 0 ? (uint64_t)ts.tv_sec : 0;
}

/* The record's bytes (out: D4_REC_LEN). */
void engine_dhcp4_lease_encode(const struct engine_dhcp4 *c, uint64_t end_wall, uint8_t *out)
{
	uint32_t lease = c->lease->has_lease ? c->lease->lease : DHCP4_INFINITY;

	out[0] = D4_REC_VERSION;
	out[1] = c->plen;
	memcpy(out + 2, c->mac, 6);
	memcpy(out + 8, &c->addr, 4);
	memcpy(out + 12, &c->server, 4);
	for (int i = 0; i < 8; i++)
		out[16 + i] = (uint8_t)(end_wall >> (56 - 8 * i));
	for (int i = 0; i < 4; i++)
		out[24 + i] = (uint8_t)(lease >> (24 - 8 * i));
}

int engine_dhcp4_lease_decode(const uint8_t *p, size_t len, const uint8_t mac[6],
			      struct engine_dhcp4_rec *ret)
{
	struct engine_dhcp4_rec r;

	if (len != D4_REC_LEN || p[0] != D4_REC_VERSION || p[1] > 32)
		return -EBADMSG;
	if (memcmp(p + 2, mac, 6) != 0)
		return -ENOENT;         /* another card under this name: not ours */
	r.plen = p[1];
	memcpy(&r.addr, p + 8, 4);
	memcpy(&r.server, p + 12, 4);
	r.end_wall = 0;
	for (int i = 0; i < 8; i++)
		r.end_wall = r.end_wall << 8 | p[16 + i];
	r.lease = (uint32_t)p[24] << 24 | (uint32_t)p[25] << 16 | (uint32_t)p[26] << 8 | p[27];
	/* 0.x.x.x, multicast, broadcast and loopback are nobody's lease. */
	if ((ntohl(r.addr.s_addr) >> 24) == 0 || (ntohl(r.addr.s_addr) >> 24) == 127 ||
	    ntohl(r.addr.s_addr) >= 0xe0000000u)
		return -EBADMSG;
	*ret = r;
	return 0;
}

void engine_dhcp4_lease_save(struct engine_dhcp4 *c)
{
	uint8_t rec[D4_REC_LEN];
	uint64_t now = log_now_ns(), wall = d4_wall_now(), end = UINT64_MAX;
	char key[64];

	if (c->expire_at != PVD_NEVER)
		end = wall + (c->expire_at > now ? (c->expire_at - now) / NS : 0);
	engine_dhcp4_lease_encode(c, end, rec);
	d4_key(c, key, sizeof(key));
	if (engine_lease_put(c->e, key, rec, sizeof(rec)) < 0)
		log_warn("dhcp4 on %s: cannot keep the lease", c->ifname);
}

void engine_dhcp4_lease_forget(struct engine_dhcp4 *c)
{
	char key[64];
	size_t len = 0;

	d4_key(c, key, sizeof(key));
	if (engine_lease_get(c->e, key, &len))
		engine_lease_put(c->e, key, NULL, 0);
}

/* The kept lease of this interface: 1 if it is still valid (INIT-REBOOT),
 * 0 if it expired (only a hint for DISCOVER), -ENOENT if there is none
 * usable (a malformed one is logged once and forgotten). */
int engine_dhcp4_lease_restore(struct engine_dhcp4 *c, struct engine_dhcp4_rec *ret)
{
	char key[64];
	size_t len = 0;
	const uint8_t *p;
	int r;

	d4_key(c, key, sizeof(key));
	p = engine_lease_get(c->e, key, &len);
	if (!p)
		return -ENOENT;
	r = engine_dhcp4_lease_decode(p, len, c->mac, ret);
	if (r == -EBADMSG)
		log_warn("dhcp4 on %s: the kept lease is malformed: ignored", c->ifname);
	if (r == -ENOENT)
		log_info("dhcp4 on %s: the kept lease is another card's: ignored", c->ifname);
	if (r < 0) {
		engine_lease_put(c->e, key, NULL, 0);
		return -ENOENT;
	}
	return ret->end_wall > d4_wall_now() ? 1 : 0;
}
