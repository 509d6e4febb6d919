#!/bin/bash
# SPDX-License-Identifier: MIT
#
# A DHCPv4 lease's captive portal (RFC 8910, option 114) belongs to its own
# network (issue 13's defect): a lease on another interface, without a
# portal, leaves it in place, whichever lease comes first and however often
# the other renews. Before the fix, every DHCPv4 lease cleared the portal
# of every PvD created by DHCPv4.
#
#   r1 (dnsmasq, 10.1.0.1/24, portal) -- h:eth0   (mifd --dhcp4 eth0)
#   r2 (dnsmasq, 10.2.0.1/24, none)   -- h:wlan0  (DHCPv4 turned on later)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq dnsmasq
world_router r1
world_router r2
world_host h
world_link r1 eth0 h eth0
world_link r2 eth0 h wlan0
world_addr r1 eth0 10.1.0.1/24
world_addr r2 eth0 10.2.0.1/24
conf() {   # NET PORTAL_LINE
	echo "interface=eth0
bind-interfaces
dhcp-authoritative
dhcp-range=10.$1.0.100,10.$1.0.150,255.255.255.0,2m
dhcp-option=option:router,10.$1.0.1
dhcp-option=option:dns-server,10.$1.0.53
dhcp-option=option:T1,3
dhcp-option=option:T2,6
$2"
}
mif_dnsmasq r1 a "$(conf 1 'dhcp-option=114,"https://portal.a.example/api"')"
mif_dnsmasq r2 b "$(conf 2 '')"
world_mifd h --dhcp4 eth0

portal_a() {   # the portal of eth0's PvD
	mif_pvds | jq -r '.[] | select(.id == "10.1.0.1%eth0") | .captive_portal // "none"'
}
mif_expect "eth0's lease with its portal" 15 \
	'any(.[]; .id == "10.1.0.1%eth0" and .captive_portal == "https://portal.a.example/api")'

# A name no interface can have is refused, and takes no DHCPv4 slot.
for bad in "" "../../etc/x" "a b" "abcdefghijklmnop"; do
	if out=$(world_ctl link dhcp4 on "$bad" 2>&1); then
		world_fail "link dhcp4 on \"$bad\" accepted: $out"
	fi
	case $out in *"interface"*) ;; *) world_fail "link dhcp4 on \"$bad\": $out" ;; esac
done

# wlan0's lease comes second, and renews every 3 s.
world_ctl link dhcp4 on wlan0 >/dev/null
mif_expect "wlan0's lease too" 15 \
	'any(.[]; .id == "10.2.0.1%wlan0" and .dhcpv4.state == "bound")'
renewals() { mif_status | jq '[.dhcp.dhcpv4[].renewals] | add'; }
r0=$(renewals)
more_renewals() { [ "$(renewals)" -ge $((r0 + 2)) ]; }
world_wait_for "two renewals of the leases" 15 more_renewals
[ "$(portal_a)" = "https://portal.a.example/api" ] ||
	world_fail "eth0's portal was cleared by wlan0's lease: $(portal_a)"
mif_pvds | world_jq '.[] | select(.id == "10.2.0.1%wlan0") | .captive_portal == null' \
	>/dev/null || world_fail "wlan0's PvD has a portal it was never given"
world_log "ok: after $(( $(renewals) - r0 )) renewals, eth0 keeps its portal, wlan0 has none"

# The other order: eth0's lease again after wlan0's (off and on).
world_ctl link dhcp4 off eth0 >/dev/null
mif_expect "eth0's PvD gone" 10 'all(.[]; .id != "10.1.0.1%eth0")'
world_ctl link dhcp4 on eth0 >/dev/null
mif_expect "eth0's lease back, with its portal" 15 \
	'any(.[]; .id == "10.1.0.1%eth0" and .captive_portal == "https://portal.a.example/api")'
sleep 4
[ "$(portal_a)" = "https://portal.a.example/api" ] ||
	world_fail "eth0's portal went when wlan0 renewed: $(portal_a)"
world_log "ok: lease order does not matter"
world_pass
