/* SPDX-License-Identifier: MIT */
/*
 * The policy's decision cost per new flow (issue 14: under 2 us median
 * with 10,000 rules): policy_decide() on a set of RULES rules (default
 * 10,000) in four files of three actors, for flows that each match a few
 * of them, among 4 PvDs. Each decision is timed alone (clock_gettime
 * around it, its own ~20-30 ns included); median and p99 printed.
 *
 *     bench/policy-decide [RULES [DECISIONS]]
 *
 * The rules: 40 % by executable (user), 20 % by destination domain
 * (operator), 20 % by destination prefix, /16 and /24 (user), 10 % by
 * uid (system), 5 % by cgroup (user), 4 % by port (operator), 1 % with no
 * indexable field (proto + DSCP: checked for every flow); preferences,
 * avoidances, requirements and prohibitions by type, metered and trust.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/addr.h"
#include "daemon/policy/policy.h"

static uint64_t bp_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static const char *const bp_pref[] = {
	"prefer = type:wifi type:wired", "prefer = type:cellular", "avoid = metered",
	"prohibit = type:cellular", "require = trusted", "prefer = unmetered+type:wifi type:vpn",
};

/* Append one rule of kind k (its selector from i) to buf. */
static size_t bp_rule(char *buf, size_t off, size_t cap, unsigned k, unsigned i)
{
	char sel[128];

	switch (k) {
	case 0: snprintf(sel, sizeof(sel), "exe = /usr/bin/app%u", i); break;
	case 1: snprintf(sel, sizeof(sel), "domain = d%u.example", i); break;
	case 2: snprintf(sel, sizeof(sel), "dst = 10.%u.%u.0/24", i / 256 % 256, i % 256); break;
	case 3: snprintf(sel, sizeof(sel), "dst = 172.%u.0.0/16", 16 + i % 200); break;
	case 4: snprintf(sel, sizeof(sel), "uid = %u", 1000 + i); break;
	case 5: snprintf(sel, sizeof(sel), "cgroup = /user.slice/app-%u.scope", i); break;
	case 6: snprintf(sel, sizeof(sel), "port = %u", 1024 + i); break;
	default: snprintf(sel, sizeof(sel), "proto = udp\ndscp = %u", i % 64); break;
	}
	return off + (size_t)snprintf(buf + off, cap - off, "[rule r%u-%u]\n%s\n%s\n", k, i, sel,
				      bp_pref[(i + k) % 6]);
}

static int bp_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static const unsigned share[8] = { 40, 20, 10, 10, 10, 5, 4, 1 };   /* percent */
	static const char *const actor[8] = { "user", "operator", "user", "user", "system",
					      "user", "operator", "operator" };
	unsigned rules = argc > 1 ? (unsigned)atoi(argv[1]) : 10000;
	unsigned rounds = argc > 2 ? (unsigned)atoi(argv[2]) : 200000;
	size_t cap = (size_t)rules * 160 + 4096, made = 0;
	char *text = malloc(cap), err[POLICY_ERR_MAX];
	struct policy_set s;
	struct policy_pvd p[4] = {
		{ .id = "eth", .ifname = "eth0", .type = POLICY_WIRED },
		{ .id = "wifi", .ifname = "wlan0", .type = POLICY_WIFI },
		{ .id = "cell", .ifname = "wwan0", .type = POLICY_CELLULAR, .metered = true },
		{ .id = "vpn", .ifname = "tun0", .type = POLICY_VPN, .trusted = true },
	};
	static struct policy_result r;
	uint64_t *t = malloc(rounds * sizeof(*t)), sum = 0;
	size_t matched = 0;

	if (!text || !t || !rules || !rounds)
		return 2;
	policy_set_init(&s);
	/* One file per kind, each of its actor. */
	for (unsigned k = 0; k < 8; k++) {
		unsigned n = k == 7 ? rules - (unsigned)made : rules * share[k] / 100;
		size_t off = (size_t)snprintf(text, cap, "[policy]\nactor = %s\n", actor[k]);
		char name[32];

		for (unsigned i = 0; i < n; i++)
			off = bp_rule(text, off, cap, k, i);
		made += n;
		snprintf(name, sizeof(name), "bench-%u.conf", k);
		if (policy_set_add_text(&s, name, text, err, sizeof(err)) < 0) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
	}
	if (policy_set_finish(&s, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	srand(1);
	for (unsigned i = 0; i < rounds; i++) {
		unsigned x = (unsigned)rand();
		char exe[48], cg[64], name[48], a[32];
		struct policy_flow f = { .exe = exe, .cgroup = cg, .has_uid = true,
					 .uid = 1000 + x % (rules / 5 + 1), .name = name,
					 .has_dst = true, .proto = x & 1 ? 6 : 17,
					 .port = (uint16_t)(1024 + x % 2000), .dscp = (int16_t)(x % 64) };
		uint64_t t0;

		snprintf(exe, sizeof(exe), "/usr/bin/app%u", x % (rules / 2 + 1));
		snprintf(cg, sizeof(cg), "/user.slice/app-%u.scope/sub", x % (rules / 10 + 1));
		snprintf(name, sizeof(name), "www.d%u.example", x % (rules / 4 + 1));
		snprintf(a, sizeof(a), "10.%u.%u.7", x / 7 % 20, x % 256);
		addr_parse(a, &f.dst);
		t0 = bp_ns();
		policy_decide(&s, &f, p, 4, &r);
		t[i] = bp_ns() - t0;
		sum += t[i];
		matched += r.n_matched_total;
	}
	qsort(t, rounds, sizeof(*t), bp_cmp);
	printf("rules %zu, decisions %u, rules matched per flow %.1f\n", s.n_rules, rounds,
	       (double)matched / rounds);
	printf("decision ns: median %llu, p99 %llu, mean %.0f, max %llu\n",
	       (unsigned long long)t[rounds / 2], (unsigned long long)t[rounds * 99 / 100],
	       (double)sum / rounds, (unsigned long long)t[rounds - 1]);
	policy_set_free(&s);
	free(text);
	free(t);
	return 0;
}
