#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Two networks on two interfaces (problem statement 4, 5.1): a home Wi-Fi
# router and a corporate router, both radvd. mifd must learn two implicit
# PvDs, each with only its own router, prefix, address, DNS server, search
# domain and routes: nothing of one may appear in the other.
#
#   r1 (radvd: 2001:db8:a::/64, dns ::53, home.example)  -- h:wlan0
#   r2 (radvd: 2001:db8:b::/64, dns ::53, corp.example,   -- h:eth0
#       route 2001:db8:bb00::/40)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq radvd
world_router r1
world_router r2
world_host h
world_link r1 eth0 h wlan0
world_link r2 eth0 h eth0

world_radvd r1 "interface eth0 {
	AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
	AdvDefaultLifetime 600; AdvLinkMTU 1480;
	prefix 2001:db8:a::/64 { AdvOnLink on; AdvAutonomous on; };
	RDNSS 2001:db8:a::53 { AdvRDNSSLifetime 600; };
	DNSSL home.example { AdvDNSSLLifetime 600; };
};"
world_radvd r2 "interface eth0 {
	AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
	AdvDefaultLifetime 900; AdvDefaultPreference high;
	prefix 2001:db8:b::/64 { AdvOnLink on; AdvAutonomous on; };
	route 2001:db8:bb00::/40 { AdvRoutePreference low; AdvRouteLifetime 900; };
	RDNSS 2001:db8:b::53 2001:db8:b::54 { AdvRDNSSLifetime 600; };
	DNSSL corp.example { AdvDNSSLLifetime 600; };
};"
lla1=$(world_lla r1 eth0)
lla2=$(world_lla r2 eth0)
world_mifd h

W=$(mif_pvd_on wlan0)
E=$(mif_pvd_on eth0)
mif_expect "two PvDs, one per interface" 15 \
	"length == 2 and ($W | length) == 1 and ($E | length) == 1"
# The kernel forms the SLAAC addresses (no PvD option here); mifd attributes them.
mif_expect "home PvD lists its SLAAC address" 15 \
	"$W[0].addresses | any(.address | startswith(\"2001:db8:a:\"))"
mif_expect "corp PvD lists its SLAAC address" 15 \
	"$E[0].addresses | any(.address | startswith(\"2001:db8:b:\"))"

json=$(mif_pvds)
check() { printf '%s' "$json" | world_jq "$1" >/dev/null; }
world_assert "home PvD is implicit, keyed by router LLA and interface" \
	check "$W[0] | .explicit == false and .id == \"$lla1%wlan0\" and .pvd_option == null"
world_assert "home PvD: its router, medium preference, lifetime 600" \
	check "$W[0].routers == [$W[0].routers[0]] and $W[0].routers[0].address == \"$lla1\"
	       and $W[0].routers[0].preference == \"medium\" and $W[0].routers[0].lifetime == 600
	       and $W[0].routers[0].expires_in <= 600"
world_assert "home PvD: prefix, MTU, DNS server and search domain" \
	check "$W[0] | ([.prefixes[].prefix] == [\"2001:db8:a::/64\"]) and .mtu == 1480
	       and ([.dns.servers[].address] == [\"2001:db8:a::53\"])
	       and ([.dns.search[].domain] == [\"home.example\"])"
world_assert "corp PvD: its router with high preference" \
	check "$E[0] | .id == \"$lla2%eth0\" and .routers[0].address == \"$lla2\"
	       and .routers[0].preference == \"high\" and .routers[0].lifetime == 900"
world_assert "corp PvD: prefix, two DNS servers, search domain, RFC 4191 route" \
	check "$E[0] | ([.prefixes[].prefix] == [\"2001:db8:b::/64\"])
	       and ([.dns.servers[].address] | sort) == [\"2001:db8:b::53\", \"2001:db8:b::54\"]
	       and ([.dns.search[].domain] == [\"corp.example\"])
	       and (.routes | length == 1 and .[0].prefix == \"2001:db8:bb00::/40\"
	            and .[0].preference == \"low\" and .[0].router == \"$lla2\")"
world_assert "nothing of one network in the other" \
	check "($W[0] | [.. | strings] | any(test(\"2001:db8:b|corp\")) | not) and
	       ($E[0] | [.. | strings] | any(test(\"2001:db8:a|home\")) | not)"
world_assert "addresses are the kernel's (no PvD option: mifd forms none)" \
	check "[.[].addresses[].origin] | all(. == \"kernel\")"
out=$(world_ctl --json pvd show "$lla2%eth0")
printf '%s' "$out" | world_jq ".id == \"$lla2%eth0\" and (.prefixes[0].prefix == \"2001:db8:b::/64\")" >/dev/null ||
	world_fail "pvd show $lla2%eth0 did not return the corp PvD"
# Human output names both PvDs.
table=$(world_ctl pvd list)
grep -q "home.example" <<<"$table" && grep -q "corp.example" <<<"$table" ||
	world_fail "pvd list table lacks the search domains: $table"
world_pass
