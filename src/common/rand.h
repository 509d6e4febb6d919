/* SPDX-License-Identifier: MIT */
/* Random numbers for protocol fields that must not be guessed (DHCP
 * transaction IDs, DNS query IDs, PvD handle epochs, route marks). */
#ifndef MIF_COMMON_RAND_H
#define MIF_COMMON_RAND_H

#include <stddef.h>
#include <stdint.h>

/* Fill buf from getrandom(). Never blocks: before the kernel's generator
 * is ready (early boot) it falls back to a mix of the clock, the process
 * id and a counter, weak but never twice the same. */
void rand_bytes(void *buf, size_t len);

uint32_t rand_u32(void);

/* For values whose whole worth is that an off-path attacker cannot guess
 * them (DNS query IDs, RFC 5452 section 9.2; DHCP transaction IDs): from
 * getrandom() only, waiting for the kernel's generator to be seeded if it
 * is not yet (early boot, once). Returns 0, or a negative errno when the
 * kernel has no getrandom() at all; buf is then filled by rand_bytes(). */
int rand_secure_bytes(void *buf, size_t len);
uint32_t rand_secure_u32(void);

#endif
