#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Each PvD's MTU on its own routes (issue 20 item 4): two routers on one
# link of MTU 1500, rC advertising MTU 1280 (RA option 5), rD none; a
# DHCPv4 server on the link gives option 26 = 1450, which RFC 8801 3.4.2
# files into both implicit PvDs. PvD C keeps 1280 (the smallest of its
# sources wins; the DHCPv4 value no longer replaces the RA's, audit row
# 17e) and shows the conflict; PvD D takes 1450. The kernel took rC's
# MTU for the whole link before mifd started; mifd puts the link's 1500
# back. The kernel sizes packets
# by the route: `ip route get` from C's address says mtu 1280, a ping of
# 1400 bytes that may not fragment fails locally with "message too long"
# while 1200 passes; from D's address 1400 passes. The link stays 1500.
#
#   rC (2001:db8:c::/64, MTU 1280) --\                rC -- sC (2001:db8:99::1)
#                                     sw -- h:eth0
#   rD (2001:db8:d::/64, dnsmasq) ----/                rD -- sD (2001:db8:99::1)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq radvd dnsmasq ping
mif_shared_cd
for x in C D; do
	l=$(printf '%s' "$x" | tr CD cd)
	mtu=
	[ "$x" = C ] && mtu="AdvLinkMTU 1280;"
	world_radvd "r$x" "interface eth0 { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
		AdvDefaultLifetime 600; $mtu prefix 2001:db8:$l::/64 { AdvOnLink on; AdvAutonomous on; }; };"
done
world_addr rD eth0 10.1.0.1/24
mif_dnsmasq rD v4 "interface=eth0
bind-interfaces
dhcp-authoritative
dhcp-range=10.1.0.100,10.1.0.150,255.255.255.0,10m
dhcp-option=option:router,10.1.0.1
dhcp-option=option:mtu,1450"
# Before mifd: the kernel takes rC's MTU for the whole link (accept_ra_mtu
# is still on), as on a host where mifd starts or restarts after an RA.
# mifd turns that off and sets the link's IPv6 MTU back to the device's.
ns=$(world_ns h)
mtu6_is() { [ "$(ip netns exec "$ns" cat /proc/sys/net/ipv6/conf/eth0/mtu)" = "$1" ]; }
world_wait_for "the kernel to take the RA's MTU before mifd" 20 mtu6_is 1280
world_mifd h --dhcp4 eth0
mif_expect "two PvDs on eth0 with addresses and the DHCPv4 lease" 30 \
	'length == 2 and all(.[]; (.addresses | length) >= 2 and .dhcpv4.state == "bound")'
src_of() {   # x: the PvD's IPv6 address in 2001:db8:x::/64
	mif_pvds | jq -r --arg p "2001:db8:$1:" '.[].addresses[] | select(.address | startswith($p)) | .address' | head -n 1
}
src_c=$(src_of c)
src_d=$(src_of d)
pvd_of() { mif_pvds | jq -c --arg a "$1" '.[] | select(any(.addresses[]; .address == $a))'; }
pvd_of "$src_c" | world_jq '.mtu == 1280 and .mtu_conflict == {"ra": 1280, "dhcpv4": 1450}' >/dev/null ||
	world_fail "PvD C: $(pvd_of "$src_c" | jq -c '{mtu, mtu_conflict}')"
pvd_of "$src_d" | world_jq '.mtu == 1450 and (has("mtu_conflict") | not)' >/dev/null ||
	world_fail "PvD D: $(pvd_of "$src_d" | jq -c '{mtu, mtu_conflict}')"
mif_status | world_jq '.mtu_conflicts | length == 1 and .[0].mtu == 1280
	and .[0].sources == {"ra": 1280, "dhcpv4": 1450}' >/dev/null ||
	world_fail "status: $(mif_status | jq -c .mtu_conflicts)"
shown=$(world_ctl pvd show "$(pvd_of "$src_c" | jq -r .id)" | grep "mtu:")
grep -q "mtu: 1280 (conflict: ra 1280, dhcpv4 1450)" <<<"$shown" ||
	world_fail "mifctl pvd show: $shown"
world_log "ok: PvD C mtu 1280 (RA 1280, DHCPv4 1450: the smaller; status and pvd show say so), PvD D mtu 1450"

world_wait_for "the link's IPv6 MTU back at 1500" 10 mtu6_is 1500
grep -q "IPv6 MTU of eth0 was 1280" "$WORLD_TMP/mifd.log" || world_fail "mifd did not log the MTU it put back"
link_mtu=$(ip netns exec "$ns" cat /proc/sys/net/ipv6/conf/eth0/mtu)
route_mtu() { ip -n "$ns" -6 route get 2001:db8:99::1 from "$1" | grep -o 'mtu [0-9]*' || true; }
has_mtu() { [ "$(route_mtu "$1")" = "mtu $2" ]; }
world_wait_for "route from $src_c with mtu 1280" 10 has_mtu "$src_c" 1280
world_wait_for "route from $src_d with mtu 1450" 10 has_mtu "$src_d" 1450
# The kernel reports the routes as planned (RTA_METRICS read back): no
# route is refused or put back again and again.
sleep 2
mif_status | world_jq '.routing | .refused == 0 and .repaired == 0 and .pending.adds == 0 and .pending.deletes == 0' >/dev/null ||
	world_fail "routes churn: $(mif_status | jq -c '.routing | {refused, repaired, pending}')"
world_log "ok: ip route get: from C $(route_mtu "$src_c"), from D $(route_mtu "$src_d"); link $link_mtu"

# A ping that may not fragment (-M do): 1400 bytes of payload is a packet
# of 1448, over C's 1280: refused by the local stack, never sent.
out=$(ip netns exec "$ns" ping -6 -c 1 -W 3 -M do -s 1400 -I "$src_c" 2001:db8:99::1 2>&1) &&
	world_fail "a DF ping of 1400 from $src_c passed: $out"
grep -qi "message too long\|frag needed" <<<"$out" || world_fail "not a local size error: $out"
ip netns exec "$ns" ping -6 -c 1 -W 3 -M do -s 1200 -I "$src_c" 2001:db8:99::1 >/dev/null 2>&1 ||
	world_fail "a DF ping of 1200 from $src_c failed"
ip netns exec "$ns" ping -6 -c 1 -W 3 -M do -s 1400 -I "$src_d" 2001:db8:99::1 >/dev/null 2>&1 ||
	world_fail "a DF ping of 1400 from $src_d (mtu 1450) failed"
world_log "ok: DF ping from C: 1400 refused ($(grep -oi 'message too long.*' <<<"$out" | head -n 1)), 1200 passes; from D 1400 passes"
world_pass
