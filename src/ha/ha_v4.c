/* SPDX-License-Identifier: MIT */
/* IPv4 home addresses at the home agent (ha_v4.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "ha/ha_v4.h"

int ha_v4_config_hoa(struct ha_mn *mn, const char *v)
{
	struct in_addr a;

	if (inet_pton(AF_INET, v, &a) != 1 || a.s_addr == 0)
		return -EINVAL;
	mn->hoa4 = a;
	mn->has_hoa4 = true;
	return 0;
}

int ha_v4_config_prefix(struct ha_config *c, const char *v)
{
	struct in6_addr a;
	uint8_t plen;

	/* An IPv4 prefix comes back v4-mapped, its length + 96. */
	if (addr_prefix_parse(v, &a, &plen) != AF_INET || plen <= 96 || plen > 128)
		return -EINVAL;
	memcpy(&c->home_prefix4, &a.s6_addr[12], 4);
	c->home_plen4 = (uint8_t)(plen - 96);
	return 0;
}

static bool ha_v4_in_prefix(const struct ha_config *c, struct in_addr a)
{
	uint32_t mask = c->home_plen4 ? ~0u << (32 - c->home_plen4) : 0;

	return c->home_plen4 &&
	       (ntohl(a.s_addr) & mask) == (ntohl(c->home_prefix4.s_addr) & mask);
}

int ha_v4_config_check(const struct ha_config *c, size_t i)
{
	const struct ha_mn *mn = &c->mns[i];

	if (!mn->has_hoa4)
		return 0;
	/* An address given twice is found by ha_v4_index(), in one pass. */
	return ha_v4_in_prefix(c, mn->hoa4) ? 0 : -EINVAL;
}

/* Fibonacci hashing of the address (keys come from the configuration;
 * a peer can only look up, never insert). */
static size_t ha_v4_slot(const uint8_t *a, size_t cap)
{
	uint32_t k;

	memcpy(&k, a, 4);
	return (size_t)((k * 2654435769u) >> 7) & (cap - 1);
}

void ha_v4_bu(const struct ha_config *c, struct ha_mn *mn, const struct mh_msg *bu,
	      uint8_t ba_status, struct mh_msg *ba)
{
	static const uint8_t any[4];
	uint8_t st;

	/* A refused BU changes nothing (RFC 6275 9.5.1): the IPv4 binding
	 * stays as it was; its option is still acknowledged below. */
	if (!bu->has_v4hoa) {
		if (ba_status < 128)
			mn->hoa4_bound = false;
		return;
	}
	if (!mn->has_hoa4)
		st = MH_V4_PROHIBITED;
	else if (memcmp(bu->v4hoa, any, 4) && memcmp(bu->v4hoa, &mn->hoa4, 4))
		st = MH_V4_INCORRECT_HOA;
	else
		st = MH_V4_ACCEPTED;
	ba->has_v4ack = true;
	ba->v4ack_status = st;
	/* Pref-len is the home prefix's on success, 0 on failure (3.2.1). */
	ba->v4ack_plen = st == MH_V4_ACCEPTED ? c->home_plen4 : 0;
	memcpy(ba->v4ack, st == MH_V4_ACCEPTED ? (const uint8_t *)&mn->hoa4 : bu->v4hoa, 4);
	if (ba_status < 128)
		mn->hoa4_bound = st == MH_V4_ACCEPTED && bu->lifetime > 0 && mn->n_paths > 0;
}

struct ha_mn *ha_v4_mn(struct ha_config *c, const uint8_t *a)
{
	if (!c->v4_cap)
		return NULL;
	for (size_t h = ha_v4_slot(a, c->v4_cap), e; (e = c->v4_mns[h]) != 0;
	     h = (h + 1) & (c->v4_cap - 1)) {
		struct ha_mn *mn = &c->mns[e - 1];

		if (memcmp(&mn->hoa4, a, 4) == 0)
			return mn->hoa4_bound ? mn : NULL;
	}
	return NULL;
}

int ha_v4_index(struct ha_config *c)
{
	size_t n = 0, cap = 4, *v;

	for (size_t i = 0; i < c->n_mns; i++)
		n += c->mns[i].has_hoa4;
	while (cap < 4 * n)   /* at most a quarter full: short probes */
		cap *= 2;
	v = calloc(cap, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < c->n_mns; i++) {
		const uint8_t *a = (const uint8_t *)&c->mns[i].hoa4;
		size_t h;

		if (!c->mns[i].has_hoa4)
			continue;
		for (h = ha_v4_slot(a, cap); v[h]; h = (h + 1) & (cap - 1))
			if (memcmp(&c->mns[v[h] - 1].hoa4, a, 4) == 0) {
				free(v);
				return -EEXIST;
			}
		v[h] = i + 1;
	}
	free(c->v4_mns);
	c->v4_mns = v;
	c->v4_cap = cap;
	c->n_v4_mns = n;
	return 0;
}
