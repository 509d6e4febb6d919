/* SPDX-License-Identifier: MIT */
#include "common/rand.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "common/clock.h"

/* splitmix64: spreads the weak fallback seed over every output bit. */
static uint64_t rand_mix(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void rand_bytes(void *buf, size_t len)
{
	static uint64_t counter;
	uint8_t *p = buf;
	size_t got = 0;
	uint64_t st;

	/* GRND_NONBLOCK: mifd may start before the generator is seeded, and
	 * must not stall its whole event loop (and so the network that would
	 * bring entropy) for a transaction ID. */
	while (got < len) {
		ssize_t n = getrandom(p + got, len - got, GRND_NONBLOCK);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got == len)
		return;
	st = clock_mono_ns() ^ (uint64_t)getpid() << 40 ^ ++counter << 20;
	while (got < len) {
		uint64_t v = rand_mix(&st);
		size_t k = len - got < sizeof(v) ? len - got : sizeof(v);

		memcpy(p + got, &v, k);
		got += k;
	}
}

int rand_secure_bytes(void *buf, size_t len)
{
	uint8_t *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = getrandom(p + got, len - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int r = n < 0 ? -errno : -EIO;

			rand_bytes(buf, len);
			return r;
		}
		got += (size_t)n;
	}
	return 0;
}

uint32_t rand_secure_u32(void)
{
	uint32_t x;

	(void)rand_secure_bytes(&x, sizeof(x));
	return x;
}

uint32_t rand_u32(void)
{
	uint32_t x;

	rand_bytes(&x, sizeof(x));
	return x;
}
