/* SPDX-License-Identifier: MIT */
/*
 * An IPv6 Neighbor Advertisement (RFC 4861 4.4), pure: the ICMPv6 message
 * from its type on, with the Target Link-Layer Address option, checksum
 * left 0 (a raw ICMPv6 socket has the kernel compute it, RFC 3542 3.1).
 * mifd's mobile node multicasts one, unsolicited and with the Override
 * flag, when its home address comes onto the home link (RFC 6275 11.5.5),
 * so that the home agent and the link's hosts take its link-layer
 * address.
 */
#ifndef MIF_PROTO_ND_NA_H
#define MIF_PROTO_ND_NA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ND_NA_ROUTER 0x80
#define ND_NA_SOLICITED 0x40
#define ND_NA_OVERRIDE 0x20
#define ND_NA_MAX 64            /* with a link-layer address up to 38 octets */

/* flags: ND_NA_*. lladdr of lllen octets (1..38; 0: no option). 0, or
 * -EINVAL (bad length) / -ENOSPC (cap too small); *ret_len untouched on
 * failure. */
int nd_na_build(const uint8_t target[16], uint8_t flags, const uint8_t *lladdr, size_t lllen,
		uint8_t *out, size_t cap, size_t *ret_len);

#endif
