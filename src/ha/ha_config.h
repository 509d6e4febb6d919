/* SPDX-License-Identifier: MIT */
/* mif-had's configuration file (mif-had(8)). */
#ifndef MIF_HA_CONFIG_H
#define MIF_HA_CONFIG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "ha/ha_cache.h"
#include "ha/ha_index.h"
#include "ha/ha_store.h"

/* Mobile nodes of one home agent, [mn] sections and [mn-range] expanded
 * (issue 16 item 4: flat per-packet cost up to 100,000, ha_index.h). */
#define HA_MAX_MNS 1000000
#define HA_MAX_RANGES 16

/* [mn-range NAME]: count mobile nodes with consecutive home addresses and
 * SPIs, each with its key derived from one master key (ha_keys.h). */
struct ha_mn_range {
	char name[16];
	struct in6_addr hoa_first;
	uint32_t count, spi_first;
	uint8_t master[64];
	size_t master_len;
};

struct ha_config {
	struct in6_addr address;        /* the HA's address inside the tunnel */
	struct in6_addr listen;         /* UDP bind address, :: by default */
	uint16_t port;                  /* 4191 (RFC 5555) by default */
	struct in6_addr home_prefix;
	uint8_t home_plen;
	struct in_addr home_prefix4;    /* IPv4 home prefix (RFC 5555), none: /0 */
	uint8_t home_plen4;
	char tun[16];
	char home_link[16];             /* the home link (ha_home.h), "" for none */
	char control[108];
	char user[32];                  /* runs as this user after set-up */
	uint32_t hb_interval_ms;        /* 100 */
	uint32_t hb_misses;             /* 3 */
	uint32_t replay_window_s;       /* 7 */
	bool offload;                   /* TUN TSO/USO + UDP GSO/GRO (true) */
	bool fast_path;                 /* the kernel fast path, ha_fast.h (true) */
	bool partial_csum;              /* TCP sums left partial in the tunnel
					 * (true; vnet.h): no for an older peer */
	struct ha_store_config store;   /* [store]: off unless given */
	struct in6_addr handover_to;    /* RFC 5142 HA Switch target at stop */
	bool has_handover;
	size_t n_mns, cap_mns;
	struct ha_mn *mns;              /* malloc'ed: ha_config_free() */
	struct ha_index index;          /* home address -> mns[] */
	size_t n_v4_mns;                /* mobile nodes with an IPv4 home address */
	size_t v4_cap;                  /* slots of v4_mns, a power of two */
	size_t *v4_mns;                 /* open addressing: mns[] index + 1, 0 free (ha_v4_index) */
	size_t n_ranges;
	struct ha_mn_range ranges[HA_MAX_RANGES];
};

/*
 * Read path. Every [mn NAME] section needs hoa (inside the home prefix),
 * spi and key_file; the key file must be a regular file owned by root with
 * no permission for group or others, holding the key in hex (16 to 64
 * octets). [mn-range NAME] sections (hoa_first, count, spi_first,
 * master_key_file) add count mobile nodes with derived keys. On error, *ret_line (unless NULL) gets the line (0 when the
 * problem is not tied to one), err (errlen octets) a message naming the
 * key or section and what is wrong, and a negative errno is returned; ret
 * is written only on success.
 */
int ha_config_load(const char *path, struct ha_config *ret, int *ret_line, char *err,
		   size_t errlen);

/* Free what ha_config_load() allocated (the mobile nodes, the index, keys
 * wiped); c may be all zeros. */
void ha_config_free(struct ha_config *c);

#endif
