/* SPDX-License-Identifier: MIT */
/*
 * What the engine pays to ask "did this PvD change?": the structural digest
 * (pvd/pvd_digest.c) against serialising the PvD to compact JSON with
 * sorted keys (what it did before), on the same PvD in the same run.
 *
 *     bench/pvd-digest [ROUNDS]
 *
 * The PvD is a busy one: 3 routers, 4 prefixes, 8 routes, 3 DNS servers,
 * 4 search domains, 2 NTP servers, a portal and PREF64, on two links with
 * 16 host addresses in view.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/engine/view.h"
#include "daemon/pvd/pvd_digest.h"
#include "daemon/pvd/pvd_json.h"

static uint64_t bd_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* base with byte `at` set to v: a family of distinct addresses. */
static struct in6_addr bd_a(const char *base, unsigned at, unsigned v)
{
	struct in6_addr a;

	if (inet_pton(AF_INET6, base, &a) != 1)
		abort();
	a.s6_addr[at] = (uint8_t)v;
	return a;
}

static void bd_fill(struct pvd *p, struct view *v)
{
	struct msg_link ml;
	struct nl_addr na;
	static const char *const doms[] = { "corp.example", "a.example", "b.example", "c.example" };

	memset(&ml, 0, sizeof(ml));
	ml.link.flags = IFF_UP | IFF_RUNNING;
	for (int i = 2; i <= 3; i++) {
		ml.link.ifindex = i;
		snprintf(ml.link.name, sizeof(ml.link.name), "eth%d", i);
		view_link_set(v, &ml);
	}
	for (unsigned i = 0; i < 3; i++) {
		struct in6_addr a = bd_a("fe80::", 15, i + 1);

		pvd_add_router(p, PVD_SRC_RA, 2, &a, 1800, PVD_NEVER);
	}
	for (unsigned i = 0; i < 4; i++) {
		struct in6_addr a = bd_a("2001:db8::", 5, i + 1);

		pvd_add_prefix(p, PVD_SRC_RA, 2 + (int)(i & 1), &a, 64, 86400, PVD_NEVER);
	}
	for (unsigned i = 0; i < 8; i++) {
		struct in6_addr a = bd_a("2001:db8:100::", 7, i), gw = bd_a("fe80::", 15, 1);

		pvd_add_route(p, PVD_SRC_RA, 2, &a, 56, &gw, 1800, PVD_NEVER);
	}
	for (unsigned i = 0; i < 3; i++) {
		struct in6_addr a = bd_a("2001:db8:1::", 15, 0x53 + i);

		pvd_add_dns(p, PVD_SRC_RA, 2, &a, 1800, PVD_NEVER);
	}
	for (unsigned i = 0; i < 2; i++) {
		struct in6_addr a = bd_a("2001:db8:1::", 15, 0x23 + i);

		pvd_add_ntp(p, PVD_SRC_DHCPV6, 2, &a, 1800, PVD_NEVER);
	}
	for (unsigned i = 0; i < 4; i++)
		pvd_add_domain(p, PVD_SRC_RA, 2, doms[i], 1800, PVD_NEVER);
	pvd_set_captive_portal(p, PVD_SRC_RA, "https://portal.corp.example/api");
	p->has_pref64 = true;
	p->pref64 = bd_a("64:ff9b::", 15, 0);
	p->pref64_plen = 96;
	memset(&na, 0, sizeof(na));
	na.family = AF_INET6;
	na.plen = 64;
	for (unsigned i = 0; i < 16; i++) {
		struct in6_addr a = bd_a("2001:db8::1234", 5, 1 + i % 4);

		na.ifindex = 2 + (int)(i % 2);
		a.s6_addr[14] = (uint8_t)i;
		memcpy(na.addr, &a, 16);
		view_addr_set(v, &na);
	}
}

int main(int argc, char **argv)
{
	unsigned rounds = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 20000;
	struct pvd_store s;
	struct view v;
	struct pvd *p;
	struct pvd_json_ctx c = { .timers = false };
	struct hash2 d;
	uint64_t t0, t_json, t_digest, sink = 0;
	size_t len = 0;

	pvd_store_init(&s);
	if (view_init(&v) < 0 || !(p = pvd_create_explicit(&s, "corp.example")))
		return 1;
	bd_fill(p, &v);
	c.view = &v;
	t0 = bd_ns();
	for (unsigned i = 0; i < rounds; i++) {
		json_t *j = pvd_json(p, &c);
		char *txt = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);

		len = strlen(txt);
		sink += (unsigned char)txt[len / 2];
		free(txt);
		json_decref(j);
	}
	t_json = bd_ns() - t0;
	t0 = bd_ns();
	for (unsigned i = 0; i < rounds; i++) {
		pvd_digest(p, &c, i, &d);
		sink += d.a;
	}
	t_digest = bd_ns() - t0;
	printf("pvd-digest: %u rounds, one PvD (%zu bytes of JSON)\n", rounds, len);
	printf("  JSON serialisation  %8.2f us per PvD\n", (double)t_json / rounds / 1000);
	printf("  structural digest   %8.2f us per PvD\n", (double)t_digest / rounds / 1000);
	printf("  ratio JSON/digest   %8.1f   (sink %llu)\n", (double)t_json / (double)t_digest,
	       (unsigned long long)(sink & 1));
	pvd_store_clear(&s);
	view_free(&v);
	return 0;
}
