/* SPDX-License-Identifier: MIT */
#include "common/clock.h"

#include <time.h>

uint64_t clock_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

long long clock_mono_ms(void)
{
	return (long long)(clock_mono_ns() / 1000000u);
}

uint64_t clock_ntp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec + 2208988800ull) << 32 |
	       (((uint64_t)ts.tv_nsec << 32) / 1000000000ull);
}
