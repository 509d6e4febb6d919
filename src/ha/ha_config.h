/* SPDX-License-Identifier: MIT */
/* mif-had's configuration file (mif-had(8)). */
#ifndef MIF_HA_CONFIG_H
#define MIF_HA_CONFIG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "ha/ha_cache.h"
#include "ha/ha_store.h"

#define HA_MAX_MNS 64

struct ha_config {
	struct in6_addr address;        /* the HA's address inside the tunnel */
	struct in6_addr listen;         /* UDP bind address, :: by default */
	uint16_t port;                  /* 4191 (RFC 5555) by default */
	struct in6_addr home_prefix;
	uint8_t home_plen;
	struct in_addr home_prefix4;    /* IPv4 home prefix (RFC 5555), none: /0 */
	uint8_t home_plen4;
	char tun[16];
	char control[108];
	char user[32];                  /* runs as this user after set-up */
	unsigned hb_interval_ms;        /* 100 */
	unsigned hb_misses;             /* 3 */
	unsigned replay_window_s;       /* 7 */
	bool offload;                   /* TUN TSO/USO + UDP GSO/GRO (true) */
	struct ha_store_config store;   /* [store]: off unless given */
	size_t n_mns;
	struct ha_mn mns[HA_MAX_MNS];
};

/*
 * Read path. Every [mn NAME] section needs hoa (inside the home prefix),
 * spi and key_file; the key file must be a regular file owned by root with
 * no permission for group or others, holding the key in hex (16 to 64
 * octets). On error, *ret_line (unless NULL) gets the line (0 when the
 * problem is not tied to one) and a negative errno is returned; ret is
 * written only on success.
 */
int ha_config_load(const char *path, struct ha_config *ret, int *ret_line);

#endif
