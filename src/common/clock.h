/* SPDX-License-Identifier: MIT */
/* The monotonic clock, the only one timeouts and lifetimes are measured
 * on (the wall clock jumps with NTP and the user). */
#ifndef MIF_COMMON_CLOCK_H
#define MIF_COMMON_CLOCK_H

#include <stdint.h>

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t clock_mono_ns(void);

/* CLOCK_MONOTONIC in milliseconds. */
long long clock_mono_ms(void);

/* The wall clock in NTP format (RFC 5905 6: seconds since 1900 in the
 * high 32 bits, the fraction in the low), for the RFC 4285 timestamps of
 * the mobility messages, which both ends compare with their own clock. */
uint64_t clock_ntp_now(void);

#endif
