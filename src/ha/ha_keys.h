/* SPDX-License-Identifier: MIT */
/*
 * Per-mobile-node keys derived from one master key (issue 16 item 4: a
 * home agent with 100,000 mobile nodes does not read 100,000 key files).
 * key = HMAC-SHA-256(master, "mif-had mn key v1" | home address | SPI):
 * HMAC as a pseudo-random function (the KDF construction of RFC 5869's
 * expand step and NIST SP 800-108's), so one mobile node's key says
 * nothing about the master or another node's key. Only the home agent and
 * the provisioning system hold the master (a home agent already holds
 * every mobile node's key, so it gives it nothing more); each mobile node
 * gets its own derived key (`mif-had --derive-key HOA`). doc/mobility.md.
 */
#ifndef MIF_HA_KEYS_H
#define MIF_HA_KEYS_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#define HA_KEY_DERIVED_LEN 32

/* -EINVAL for an empty master, -EIO if the library fails. */
int ha_key_derive(const uint8_t *master, size_t master_len, const struct in6_addr *hoa,
		  uint32_t spi, uint8_t out[HA_KEY_DERIVED_LEN]);

#endif
