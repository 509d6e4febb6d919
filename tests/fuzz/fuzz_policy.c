/* SPDX-License-Identifier: MIT */
/*
 * Policy files (policy/policy_parse.c and policy_target.c: INI text read
 * by the parent from policy.d, parsed by the engine), as a careless or
 * hostile administrator may write them; then a decision on the set, so
 * that whatever parsed is also safe to decide with. Never a crash; a
 * failure leaves a terminated reason and nothing of the file in the set.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "daemon/policy/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct policy_set s;
	static struct policy_result r;
	struct policy_pvd p[3] = {
		{ .id = "a.example", .ifname = "wlan0", .type = POLICY_WIFI },
		{ .id = "b", .ifname = "wwan0", .type = POLICY_CELLULAR, .metered = true,
		  .quality_known = true, .rtt_ms = 80, .loss_pm = 10 },
		{ .id = "vpn", .ifname = "tun0", .type = POLICY_VPN, .trusted = true },
	};
	struct policy_flow f = { .exe = "/usr/bin/app", .cgroup = "/user.slice/app.scope",
				 .has_uid = true, .uid = 1000, .has_dst = true,
				 .name = "www.corp.example", .proto = 6, .port = 443, .dscp = 46 };
	char err[POLICY_ERR_MAX] = "";
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	addr_parse("10.1.2.3", &f.dst);
	policy_set_init(&s);
	if (policy_set_add_text(&s, "fuzz.conf", text, err, sizeof(err)) < 0) {
		if (!memchr(err, '\0', sizeof(err)) || s.n_rules || s.n_files || s.n_nets ||
		    s.n_attrs)
			__builtin_trap();
	} else if (policy_set_finish(&s, err, sizeof(err)) == 0) {
		policy_decide(&s, &f, p, 3, &r);
		if (r.n > 3 || r.n_matched > POLICY_MAX_MATCH || r.n_conflicts > POLICY_MAX_CONFLICTS)
			__builtin_trap();
		for (int i = 0; i < 3; i++)
			policy_pvd_attrs(&s, p[i].id, p[i].ifname, &p[i]);
	}
	policy_set_free(&s);
	free(text);
	return 0;
}
