#!/bin/bash
# SPDX-License-Identifier: MIT
#
# A clean stop leaves nothing of mifd's in the kernel (README: "On a clean
# stop it removes its entries"; issue 17): after SIGTERM, no rule and no
# route with mifd's protocol id (77) is left, IPv4 or IPv6, and the rules
# of others are as they were before mifd started.
#
#   r1 (RA 2001:db8:1::/64, dnsmasq 10.1.0.1/24) -- h:eth0 (mifd --dhcp4 eth0)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq dnsmasq
world_router r1
world_host h
world_link r1 eth0 h eth0
world_addr r1 eth0 10.1.0.1/24
H=$(world_ns h)
mif_dnsmasq r1 srv "interface=eth0
bind-interfaces
dhcp-range=10.1.0.100,10.1.0.150,255.255.255.0,10m
dhcp-option=option:router,10.1.0.1"

# Every rule and route with mifd's protocol id ('ip rule show proto'
# does not filter on every iproute2).
ours() {
	{ ip -n "$H" -4 rule | grep "proto 77" | sed 's/^/r4 /'
	  ip -n "$H" -6 rule | grep "proto 77" | sed 's/^/r6 /'
	  ip -n "$H" -4 route show table all proto 77 | sed 's/^/4 /'
	  ip -n "$H" -6 route show table all proto 77 | sed 's/^/6 /'; } || true
}
others() { { ip -n "$H" -4 rule; ip -n "$H" -6 rule; } | grep -v "proto 77" | sort; }
before=$(others)

for round in 1 2; do
	rm -f "$WORLD_TMP/mifd.sock"
	world_mifd h --dhcp4 eth0
	world_ra_send r1 -i eth0 --lifetime 600 --prefix 2001:db8:1::/64 --rdnss 2001:db8:1::53
	mif_expect "round $round: the PvD with its lease" 20 \
		'length == 1 and .[0].dhcpv4.state == "bound"'
	has_rules() { [ "$(ours | grep -c '^r')" -ge 6 ]; }
	world_wait_for "round $round: mifd's rules installed" 5 has_rules
	n=$(ours | grep -c .)
	kill -TERM "$WORLD_MIFD_PID"
	world_wait_for "round $round: mifd stopped" 10 bash -c "! kill -0 $WORLD_MIFD_PID 2>/dev/null"
	WORLD_MIFD_PID=""
	left=$(ours)
	[ -z "$left" ] || world_fail "round $round: a clean stop left $(grep -c . <<<"$left") of $n entries:
$left"
	[ "$(others)" = "$before" ] || world_fail "round $round: others' rules changed: $(others)"
	world_log "ok: round $round: $n entries installed, none left after SIGTERM"
done
world_pass
