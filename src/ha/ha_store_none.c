/* SPDX-License-Identifier: MIT */
/* ha_store.h's I/O when mif-had is built without hiredis: a [store]
 * section is refused at start (ha_store_open), nothing else is reached. */
#include <errno.h>

#include "ha/ha_store.h"

int ha_store_open(const struct ha_store_config *c, struct ha_store **ret)
{
	(void)c;
	(void)ret;
	return -ENOTSUP;
}

void ha_store_close(struct ha_store *s)
{
	(void)s;
}

int ha_store_put(struct ha_store *s, const struct ha_mn *mn, long long now_ms)
{
	(void)s, (void)mn, (void)now_ms;
	return -ENOTSUP;
}

int ha_store_load(struct ha_store *s, struct ha_mn *mn, long long now_ms)
{
	(void)s, (void)mn, (void)now_ms;
	return -ENOTSUP;
}

long ha_store_load_many(struct ha_store *s, struct ha_mn *mns, size_t n, long long now_ms)
{
	(void)s, (void)mns, (void)n, (void)now_ms;
	return -ENOTSUP;
}

bool ha_store_connected(const struct ha_store *s)
{
	(void)s;
	return false;
}

const struct ha_store_counters *ha_store_counters(const struct ha_store *s)
{
	static const struct ha_store_counters none;

	(void)s;
	return &none;
}
