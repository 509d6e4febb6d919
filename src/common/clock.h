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

#endif
