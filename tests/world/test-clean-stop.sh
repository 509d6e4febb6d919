#!/bin/bash
# SPDX-License-Identifier: MIT
#
# A clean stop leaves nothing of mifd's in the kernel (README: "On a clean
# stop it removes its entries"; issue 17): after SIGTERM, no rule and no
# route with mifd's protocol id (77) is left, IPv4 or IPv6, and the rules
# of others are as they were before mifd started. The per-link sysctls
# mifd set are back as it found them, except one changed by someone else
# while it ran (theirs stays, and the log says so); after a kill -9 the
# next mifd still knows the values from before the first (its state
# directory) and puts those back at its clean stop.
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
# The per-link sysctls mifd sets on eth0 (kern_sysctl.c), one line each.
knobs="ipv4/rp_filter ipv4/ignore_routes_with_linkdown ipv6/ignore_routes_with_linkdown
ipv6/accept_ra_mtu ipv6/max_addresses ipv6/addr_gen_mode ipv6/use_tempaddr"
sysctls() {
	local k
	for k in $knobs; do
		printf '%s=%s\n' "$k" "$(ip netns exec "$H" cat "/proc/sys/net/${k%%/*}/conf/eth0/${k#*/}")"
	done
}
sys_before=$(sysctls)

for round in 1 2; do
	rm -f "$WORLD_TMP/mifd.sock"
	world_mifd h --dhcp4 eth0
	world_ra_send r1 -i eth0 --lifetime 600 --prefix 2001:db8:1::/64 --rdnss 2001:db8:1::53
	mif_expect "round $round: the PvD with its lease" 20 \
		'length == 1 and .[0].dhcpv4.state == "bound"'
	has_rules() { [ "$(ours | grep -c '^r')" -ge 6 ]; }
	world_wait_for "round $round: mifd's rules installed" 5 has_rules
	n=$(ours | grep -c .)
	cur=$(sysctls)
	grep -qx "ipv6/accept_ra_mtu=0" <<<"$cur" && grep -qx "ipv4/rp_filter=2" <<<"$cur" ||
		world_fail "round $round: mifd's sysctls not set: $(tr '\n' ' ' <<<"$cur")"
	if [ "$round" = 2 ]; then
		# kill -9: nothing is put back, but the values mifd found
		# are kept in its state directory: the next mifd puts them
		# back at its clean stop, not the ones it finds (its own).
		kill -KILL "$WORLD_MIFD_PID"
		world_wait_for "round 2: mifd killed" 10 bash -c "! kill -0 $WORLD_MIFD_PID 2>/dev/null"
		WORLD_MIFD_PID=""
		[ "$(sysctls)" != "$sys_before" ] || world_fail "round 2: a kill -9 put sysctls back?"
		rm -f "$WORLD_TMP/mifd.sock"
		world_mifd h --dhcp4 eth0
		world_wait_for "round 2: restarted mifd's rules" 20 has_rules
		world_wait_for "round 2: it read the values kept before the kill" 10 \
			grep -q "sysctls of eth0 from before mifd" "$WORLD_TMP/mifd.log"
	fi
	if [ "$round" = 1 ]; then
		# Someone else changes one of them while mifd runs: theirs stays.
		ip netns exec "$H" sysctl -qw net.ipv6.conf.eth0.accept_ra_mtu=1
	fi
	kill -TERM "$WORLD_MIFD_PID"
	world_wait_for "round $round: mifd stopped" 10 bash -c "! kill -0 $WORLD_MIFD_PID 2>/dev/null"
	WORLD_MIFD_PID=""
	left=$(ours)
	[ -z "$left" ] || world_fail "round $round: a clean stop left $(grep -c . <<<"$left") of $n entries:
$left"
	[ "$(others)" = "$before" ] || world_fail "round $round: others' rules changed: $(others)"
	want=$sys_before
	[ "$round" = 1 ] && want=$(sed 's|^ipv6/accept_ra_mtu=.*|ipv6/accept_ra_mtu=1|' <<<"$sys_before")
	[ "$(sysctls)" = "$want" ] || world_fail "round $round: sysctls after the stop:
$(diff <(echo "$want") <(sysctls))"
	[ "$round" = 1 ] && { grep -q "accept_ra_mtu of eth0 is 1, not mifd's 0: left" "$WORLD_TMP/mifd.log" ||
		world_fail "round 1: the changed accept_ra_mtu not reported"; }
	[ -z "$(ls -A "$WORLD_TMP/state/sysctl" 2>/dev/null)" ] ||
		world_fail "round $round: records left in the state directory: $(ls "$WORLD_TMP/state/sysctl")"
	sys_before=$(sysctls)
	world_log "ok: round $round: $n entries installed, none left after SIGTERM; sysctls as before ($(tr '\n' ' ' <<<"$sys_before"))"
done
world_pass
