#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Explicit PvDs (RFC 8801): an RA with a PvD option belongs, whole, to the
# PvD it names: the options nested in the option, the nested RA header
# (which overrides the outer one), and the options outside it too (8801
# section 3.4). The same PvD seen on two interfaces, through two routers and
# in two spellings, is one PvD (names compare case-insensitively). The
# kernel ignores everything inside the option, so mifd forms the addresses
# for nested prefixes itself.
#
#   r1 -- h:eth0   RA: outer lifetime 0, outer RDNSS ::99, PvD corp.example.com
#                  {hdr lifetime 900, PIO c1::/64, RDNSS ::53, DNSSL, RIO,
#                   MTU, captive portal, PREF64}
#   r2 -- h:eth1   RA: lifetime 600, PvD CORP.Example.COM {PIO c2::/64, RDNSS ::54}
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq
world_router r1
world_router r2
world_host h
world_link r1 eth0 h eth0
world_link r2 eth0 h eth1
world_lla h eth0 >/dev/null
world_lla h eth1 >/dev/null
world_mifd h
lla1=$(world_lla r1 eth0)
lla2=$(world_lla r2 eth0)

world_ra_send r1 -i eth0 --lifetime 0 --rdnss 2001:db8:c::99,lifetime=600 \
	--pvd-lifetime 900 --pvd corp.example.com,seq=7,l,hdr \
	--prefix 2001:db8:c1::/64 --rdnss 2001:db8:c::53 --dnssl corp.example.com \
	--route 2001:db8:cc00::/40,lifetime=900,pref=high --mtu 1400 \
	--captive https://portal.corp.example/api --pref64 64:ff9b::/96,lifetime=1800 \
	--end-pvd
world_ra_send r2 -i eth0 --lifetime 600 --pvd CORP.Example.COM,seq=7,l \
	--prefix 2001:db8:c2::/64 --rdnss 2001:db8:c::54 --end-pvd

mif_expect "one explicit PvD on both interfaces" 10 \
	'length == 1 and .[0].explicit and .[0].interfaces == ["eth0", "eth1"]'
mif_expect "mifd formed an address in each nested prefix" 10 \
	'[.[0].addresses[] | select(.origin == "mifd" and .state == "preferred") | .address
	  | .[0:12]] | sort == ["2001:db8:c1:", "2001:db8:c2:"]'

json=$(mif_pvds)
check() { printf '%s' "$json" | world_jq ".[0] | $1" >/dev/null; }
world_assert "id keeps the first spelling seen" check '.id == "corp.example.com"'
world_assert "PvD option fields" \
	check '.pvd_option == {"sequence": 7, "h_flag": false, "l_flag": true, "delay": 0}'
world_assert "nested RA header overrides the outer router lifetime (0 -> 900)" \
	check "[.routers[] | {address, interface, lifetime}] | sort_by(.interface) ==
	       [{\"address\": \"$lla1\", \"interface\": \"eth0\", \"lifetime\": 900},
	        {\"address\": \"$lla2\", \"interface\": \"eth1\", \"lifetime\": 600}]"
world_assert "both nested prefixes, marked as from the PvD option" \
	check '[.prefixes[] | select(.in_pvd_option) | .prefix] | sort ==
	       ["2001:db8:c1::/64", "2001:db8:c2::/64"]'
world_assert "DNS from inside and outside the option, both routers" \
	check '[.dns.servers[].address] | sort == ["2001:db8:c::53", "2001:db8:c::54", "2001:db8:c::99"]'
world_assert "search domain, route, MTU, captive portal, PREF64" \
	check '[.dns.search[].domain] == ["corp.example.com"]
	       and .routes[0].prefix == "2001:db8:cc00::/40" and .routes[0].preference == "high"
	       and .mtu == 1400 and .captive_portal == "https://portal.corp.example/api"
	       and .pref64.prefix == "64:ff9b::/96" and .pref64.lifetime == 1800'

# The kernel really has mifd's addresses (and only mifd could have made
# them: the kernel skips the PvD option).
# (Output captured first: under pipefail, "| grep -q" can fail by SIGPIPE.)
addrs=$(ip -n "$(world_ns h)" -6 -o addr show scope global)
for pfx in 2001:db8:c1: 2001:db8:c2:; do
	grep -q " $pfx" <<<"$addrs" || world_fail "no kernel address in $pfx:/64: $addrs"
done
# The kernel did not use the outer lifetime 0 router as a default router.
routes=$(ip -n "$(world_ns h)" -6 route show default)
grep -q "$lla1" <<<"$routes" &&
	world_fail "kernel installed a default route via r1 although its outer lifetime is 0"

# RFC 4862 5.5.3 e, the two-hour rule, on an address only mifd manages: a
# forged short valid lifetime (30 s) cuts a 1-day address to 2 hours, not 30 s.
world_ra_send r2 -i eth0 --lifetime 600 --pvd corp.example.com,seq=7,l \
	--prefix 2001:db8:c2::/64,valid=30,preferred=20 --end-pvd
two_hours() {
	local v
	v=$(ip -n "$(world_ns h)" -6 -o addr show dev eth1 scope global |
		awk '/2001:db8:c2:/ { for (i = 1; i < NF; i++) if ($i == "valid_lft") print $(i + 1) }')
	v=${v%sec}
	[ -n "$v" ] && [ "$v" -gt 7000 ] && [ "$v" -le 7200 ]
}
world_wait_for "two-hour rule: valid lifetime of mifd's c2 address is 7200 s" 5 two_hours
world_log "ok: two-hour rule applied to a mifd-formed address"

# An RA without PvD option from the same router is a separate implicit PvD
# (RFC 8801 section 3.2: explicit PvDs may share an LLA with one implicit).
world_ra_send r1 -i eth0 --lifetime 300 --prefix 2001:db8:d::/64
mif_expect "implicit PvD for r1 beside the explicit one" 10 \
	"length == 2 and (.[] | select(.explicit | not) | .id == \"$lla1%eth0\"
	 and [.prefixes[].prefix] == [\"2001:db8:d::/64\"])"
mif_expect "the explicit PvD is unchanged" 5 \
	'.[] | select(.explicit) | ([.prefixes[].prefix] | sort) == ["2001:db8:c1::/64", "2001:db8:c2::/64"]'
world_pass
