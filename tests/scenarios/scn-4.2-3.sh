#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Problem statement 4.2, case 3: N1 pushes a specific route for 10.0.0.0/8
# (DHCPv4 option 121, installed by Debian's dhclient hook), both networks
# give a default route, and IP1 = 10.20.0.1 is reachable only through N2.
# The most specific route wins, whichever source the application picks, so
# the stack sends through I1 and never reaches IP1.
#
#   r1 -- h:eth0   N1: DHCPv4 192.168.1.0/24, router 192.168.1.1, option 121
#                  10.0.0.0/8 and 0.0.0.0/0 via 192.168.1.1 (r1 does not
#                  reach 10.20.0.0/16)
#   r2 -- h:wlan0  N2: DHCPv4 192.168.2.0/24, router 192.168.2.1
#                  r2 -- s2 (IP1 10.20.0.1, whoami "ip1")
# Measured both times: TCP to IP1 from N2's address (an application that
# chose N2) and with no source (the default), which node answered, packets
# to IP1 on each link.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

scn_init 4.2-3 4.2 "Routing case 3: a more specific route of one network hides the other's destination"
world_require dnsmasq nc dhclient
world_router r1
world_router r2
world_host h
world_host s2
world_sysctl r1 net.ipv4.ip_forward=1
world_sysctl r2 net.ipv4.ip_forward=1
world_link r1 eth0 h eth0
world_link r2 eth0 h wlan0
world_link r2 eth1 s2 eth0
ip -n "$(world_ns r1)" addr add 192.168.1.1/24 dev eth0
ip -n "$(world_ns r2)" addr add 192.168.2.1/24 dev eth0
ip -n "$(world_ns r2)" addr add 10.20.0.254/16 dev eth1
ip -n "$(world_ns s2)" addr add 10.20.0.1/16 dev eth0
ip -n "$(world_ns s2)" route add default via 10.20.0.254
world_bg s2 whoami-ip1 "$MIF_WHOAMI" -n ip1 -p 8080 -4
mif_dnsmasq r1 dhcp1 "interface=eth0
bind-interfaces
dhcp-range=192.168.1.100,192.168.1.150,255.255.255.0,10m
dhcp-option=option:router,192.168.1.1
dhcp-option=option:classless-static-route,10.0.0.0/8,192.168.1.1,0.0.0.0/0,192.168.1.1"
mif_dnsmasq r2 dhcp2 "interface=eth0
bind-interfaces
dhcp-range=192.168.2.100,192.168.2.150,255.255.255.0,10m
dhcp-option=option:router,192.168.2.1"
LINKS=(n1:r1:eth0 n2:r2:eth0)
IP1=10.20.0.1
scn_plain_start h
scn_plain_dhclient eth0
scn_plain_dhclient wlan0
world_wait_for "both leases" 30 sh -c "ip -n $(world_ns h) -4 -o addr show | grep -q 192.168.1. &&
	ip -n $(world_ns h) -4 -o addr show | grep -q 192.168.2."

measure() {   # PHASE: $WORLD_TMP/PHASE.json
	local src t0 t1 c
	src=$(ip -n "$(world_ns h)" -4 -o addr show dev wlan0 | awk '{ split($4, a, "/"); print a[1]; exit }')
	SCN_CAP_FILTER="dst host $IP1" scn_caps_start "$1" "${LINKS[@]}"
	t1=$(scn_tcp_whoami "$IP1" -s "$src")
	t0=$(scn_tcp_whoami "$IP1")
	c=$(scn_caps_count "$1" "$IP1" "${LINKS[@]}")
	jq -cn --arg src "$src" --arg t1 "$t1" --arg t0 "$t0" --argjson c "$c" \
		--arg routes "$(world_exec h ip -4 route show | tr '\n' ';')" \
		--arg r "$(world_exec h ip route get "$IP1" from "$src" | grep -o 'dev [^ ]*' | head -n 1)" \
		'{routes: $routes, n2_source: $src, route_get_from_n2: $r, tcp_from_n2_reached: $t1,
		  tcp_no_source_reached: $t0, packets_to_ip1: $c}' >"$WORLD_TMP/$1.json"
}
say() {
	jq -r '"from N2 source: reached \(.tcp_from_n2_reached | split(" ")[0]) (\(.route_get_from_n2)); no source: reached \(.tcp_no_source_reached | split(" ")[0]); packets to IP1 on N1: \(.packets_to_ip1.n1), on N2: \(.packets_to_ip1.n2)"' <<<"$1"
}
measure plain
plain=$(cat "$WORLD_TMP/plain.json")
world_log "plain: $plain"
scn_plain_stop_tools
world_mifd h --dhcp4 eth0 --dhcp4 wlan0
mif_expect "both networks bound" 30 'length == 2 and all(.[]; .dhcpv4.state == "bound")'
world_wait_for "N2's source rule" 10 sh -c "ip -n $(world_ns h) rule | grep -q 'from 192.168.2.'"
measure mif
mif=$(cat "$WORLD_TMP/mif.json")
world_log "mif: $mif"
pf=0 mf=0
jq -e '.tcp_from_n2_reached | startswith("ip1 ") | not' <<<"$plain" >/dev/null && pf=1
jq -e '.tcp_from_n2_reached == "ip1 " + .n2_source' <<<"$mif" >/dev/null && mf=1
scn_verdict "$pf" "$mf" "$(say "$plain")" "$(say "$mif")" \
	"an application that picks N2 (its source address, or mifctl run --pvd) uses N2's table, where N1's 10.0.0.0/8 does not exist; without a choice, N1's more specific route still wins" \
	"$(jq -cn --argjson p "$plain" --argjson m "$mif" '{plain: $p, mif: $m}')"
