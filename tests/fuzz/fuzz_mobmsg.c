/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for the mobile-node role's messages between mifd's
 * processes (mobility/mob_msg.c, compiled in): the first byte picks the
 * message (MSG_MOB_PATHS, MOB_WIRE_PATH, MOB_WIRE_PAIRS, MOB_WIRE_CONFIG,
 * MOB_WIRE_UPLINK),
 * the rest fills it (zeros after the input). No crash, no out-of-bounds
 * read; a message the checks accept has every index inside its arrays and
 * every string terminated, as the receivers (kern_mob.c, mob_net.c)
 * assume. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/mobility/mob_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_mobmsg_fill(void *dst, size_t cap, const uint8_t *d, size_t n)
{
	memset(dst, 0, cap);
	memcpy(dst, d, n < cap ? n : cap);
}

/* What a receiver does with an accepted path: index by BID and home. */
static void fuzz_mobmsg_use_path(const struct msg_mob_path *p)
{
	static uint8_t slots[MOB_MAX_HOAS][MOB_MAX_PATHS];

	slots[p->home][p->bid - 1]++;
	if (strlen(p->ifname) >= sizeof(p->ifname) || strlen(p->pvd) >= sizeof(p->pvd) ||
	    strlen(p->why) >= sizeof(p->why))
		abort();
}

static void fuzz_mobmsg_use_pairs(const struct mob_pairs *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->e[i].verdict > MOB_PAIR_REFUSED || strlen(s->e[i].why) >= sizeof(s->e[i].why))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct msg_mob_paths s;
	static struct mob_wire_config c;
	static struct msg_mob_path p;
	static struct mob_pairs pr;
	static struct mob_wire_uplink u;

	if (size < 1)
		return 0;
	switch (data[0] % 5) {
	case 0:
		fuzz_mobmsg_fill(&s, sizeof(s), data + 1, size - 1);
		if (!mob_msg_paths_ok(&s))
			return 0;
		for (size_t i = 0; i < s.n; i++)
			fuzz_mobmsg_use_path(&s.p[i]);
		fuzz_mobmsg_use_pairs(&s.pairs);
		for (size_t i = 0; i < s.flows.n; i++)
			(void)strlen(s.flows.spec[i]);
		/* The home link: home address 0's, a BID of the set. */
		if (s.home_link.active && (s.home != 0 || s.home_link.bid < 1 ||
					   s.home_link.bid > MOB_MAX_PATHS ||
					   strlen(s.home_link.ifname) >= sizeof(s.home_link.ifname)))
			abort();
		break;
	case 1:
		fuzz_mobmsg_fill(&p, sizeof(p), data + 1, size - 1);
		if (mob_msg_path_ok(&p))
			fuzz_mobmsg_use_path(&p);
		break;
	case 2:
		fuzz_mobmsg_fill(&pr, sizeof(pr), data + 1, size - 1);
		if (mob_msg_pairs_ok(&pr))
			fuzz_mobmsg_use_pairs(&pr);
		break;
	case 4:
		fuzz_mobmsg_fill(&u, sizeof(u), data + 1, size - 1);
		if (mob_msg_uplink_ok(&u) && (u.home != 0 || u.home_bid > MOB_MAX_PATHS))
			abort();
		break;
	default:
		fuzz_mobmsg_fill(&c, sizeof(c), data + 1, size - 1);
		if (mob_msg_config_ok(&c) && (c.home >= c.n_homes || c.key_len > sizeof(c.key) ||
					      strlen(c.name) >= sizeof(c.name)))
			abort();
		break;
	}
	return 0;
}
