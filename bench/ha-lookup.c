/* SPDX-License-Identifier: MIT */
/*
 * mif-had's per-packet lookup (issue 16 item 4): the home address of a
 * packet to its mobile node, as it was (a linear scan over the
 * configuration, ha_io.c before the index) and as it is (ha_index.h), with
 * 10, 10,000 and 100,000 mobile nodes: ns per lookup, the nodes looked up
 * in a random order (every packet another node: the worst case for the
 * caches). No root needed. bench/README.md.
 *
 *   build/bench/ha-lookup [LOOKUPS]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ha/ha_cache.h"
#include "ha/ha_index.h"

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The scan ha_io.c did before the index. */
static struct ha_mn *linear(struct ha_mn *mns, size_t n, const uint8_t *a)
{
	for (size_t i = 0; i < n; i++)
		if (memcmp(&mns[i].hoa, a, 16) == 0)
			return &mns[i];
	return NULL;
}

static uint64_t rng = 88172645463325252ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

int main(int argc, char **argv)
{
	static const size_t sizes[] = { 10, 10000, 100000 };
	long lookups = argc > 1 ? atol(argv[1]) : 2000000;
	double base_lin = 0, base_ix = 0;

	printf("%-8s %14s %8s %14s %8s %10s\n", "nodes", "linear ns", "ratio", "index ns",
	       "ratio", "max probe");
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t n = sizes[s];
		struct ha_mn *mns = calloc(n, sizeof(*mns));
		uint32_t *order = malloc((size_t)lookups * sizeof(*order));
		/* The addresses as packets bring them: not in the nodes' memory. */
		struct in6_addr *keys = malloc((size_t)lookups * sizeof(*keys));
		struct ha_index ix;
		long long t0, t1, t2;
		long lin_n = n > 1000 ? lookups / (long)(n / 100) : lookups, found = 0;

		if (!mns || !order || !keys)
			return 1;
		for (size_t i = 0; i < n; i++) {
			mns[i].hoa.s6_addr[0] = 0x20;
			mns[i].hoa.s6_addr[1] = 0x01;
			mns[i].hoa.s6_addr[13] = (uint8_t)(i >> 16);
			mns[i].hoa.s6_addr[14] = (uint8_t)(i >> 8);
			mns[i].hoa.s6_addr[15] = (uint8_t)i;
		}
		if (ha_index_build(&ix, mns, n, next()) < 0)
			return 1;
		for (long k = 0; k < lookups; k++) {
			order[k] = (uint32_t)(next() % n);
			keys[k] = mns[order[k]].hoa;
		}
		/* The scan is slow at 100,000: fewer lookups, same per-lookup. */
		t0 = now_ns();
		for (long k = 0; k < lin_n; k++)
			found += linear(mns, n, keys[k].s6_addr) != NULL;
		t1 = now_ns();
		for (long k = 0; k < lookups; k++)
			found += ha_index_find(&ix, mns, keys[k].s6_addr) != NULL;
		t2 = now_ns();
		if (found != lin_n + lookups)
			return 1;
		double lin = (double)(t1 - t0) / (double)lin_n, idx = (double)(t2 - t1) / (double)lookups;

		if (s == 0) {
			base_lin = lin;
			base_ix = idx;
		}
		printf("%-8zu %14.1f %8.1f %14.1f %8.2f %10zu\n", n, lin, lin / base_lin, idx,
		       idx / base_ix, ix.max_probe);
		ha_index_free(&ix);
		free(mns);
		free(order);
		free(keys);
	}
	return 0;
}
