#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Problem statement 4.3, case 2: both networks push routing policies that
# conflict, and a node-scoped routing table has no way to reconcile them.
# Here both push 10.0.0.0/8 (DHCPv4 option 121, installed by Debian's
# dhclient hook), each to its own private 10.20.0.1. The user wants that
# prefix through N2 (its office network).
#
#   r1 -- h:eth0   N1 (wired): DHCPv4 192.168.1.0/24, option 121 10.0.0.0/8
#                  and 0.0.0.0/0 via 192.168.1.1; r1 -- s1 10.20.0.1 ("n1-host")
#   r2 -- h:wlan0  N2 (Wi-Fi): DHCPv4 192.168.2.0/24, option 121 10.0.0.0/8
#                  and 0.0.0.0/0 via 192.168.2.1; r2 -- s2 10.20.0.1 ("n2-host")
# Plain host: the first lease's 10.0.0.0/8 route is in the one table, the
# second network's is refused ("File exists"), silently: whoever bound
# first decides. mif: each network's 10.0.0.0/8 stays in its own PvD's
# table, and a user policy file (dst = 10.0.0.0/8, prefer = type:wifi)
# decides for every program through the kernel's rules (route_dest.c);
# `mifctl policy explain` names the rule.
# Measured both times: which host a TCP connection to 10.20.0.1 reached and
# from which source, packets to it on each link, the routes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

scn_init 4.3-2 4.3 "Policies case 2: both networks push routing policies that conflict"
world_require dnsmasq nc dhclient
world_router r1
world_router r2
world_host h
world_host s1
world_host s2
world_sysctl r1 net.ipv4.ip_forward=1
world_sysctl r2 net.ipv4.ip_forward=1
world_link r1 eth0 h eth0
world_link r2 eth0 h wlan0
world_link r1 eth1 s1 eth0
world_link r2 eth1 s2 eth0
for i in 1 2; do
	ip -n "$(world_ns r$i)" addr add "192.168.$i.1/24" dev eth0
	ip -n "$(world_ns r$i)" addr add 10.20.0.254/16 dev eth1
	ip -n "$(world_ns s$i)" addr add 10.20.0.1/16 dev eth0
	ip -n "$(world_ns s$i)" route add default via 10.20.0.254
	world_bg "s$i" "whoami-s$i" "$MIF_WHOAMI" -n "n$i-host" -p 8080 -4
	mif_dnsmasq "r$i" "dhcp$i" "interface=eth0
bind-interfaces
dhcp-range=192.168.$i.100,192.168.$i.150,255.255.255.0,10m
dhcp-option=option:router,192.168.$i.1
dhcp-option=option:classless-static-route,10.0.0.0/8,192.168.$i.1,0.0.0.0/0,192.168.$i.1"
done
LINKS=(n1:r1:eth0 n2:r2:eth0)
IP1=10.20.0.1
scn_plain_start h
# N1 binds first, then N2 (the order decides on the plain host).
scn_plain_dhclient eth0
world_wait_for "N1's lease" 30 sh -c "ip -n $(world_ns h) -4 -o addr show | grep -q 192.168.1."
scn_plain_dhclient wlan0
world_wait_for "N2's lease" 30 sh -c "ip -n $(world_ns h) -4 -o addr show | grep -q 192.168.2."
sleep 1   # dhclient-script's exit hooks (the option 121 routes) run after the address

measure() {   # PHASE: $WORLD_TMP/PHASE.json
	local t c
	SCN_CAP_FILTER="dst host $IP1" scn_caps_start "$1" "${LINKS[@]}"
	t=$(scn_tcp_whoami "$IP1")
	c=$(scn_caps_count "$1" "$IP1" "${LINKS[@]}")
	jq -cn --arg t "$t" --argjson c "$c" \
		--arg routes "$(world_exec h ip -4 route show table all | grep '^10\.0\.0\.0/8' | tr '\n' ';')" \
		--arg r "$(world_exec h ip route get "$IP1" | grep -o 'dev [^ ]*' | head -n 1)" \
		'{routes_10_8: $routes, route_get: $r, tcp_reached: $t, packets_to_ip1: $c}' >"$WORLD_TMP/$1.json"
}
say() {
	jq -r '"TCP to 10.20.0.1 reached \(.tcp_reached | split(" ")[0]) (\(.route_get)); 10.0.0.0/8 routes: \(.routes_10_8 | split(";") | map(select(. != "")) | length) (\(.routes_10_8 | gsub(" proto [a-z0-9]+| scope [a-z]+| metric [0-9]+"; "")))\(if .winner then "; policy: " + .winner else "" end)"' <<<"$1"
}
measure plain
plain=$(cat "$WORLD_TMP/plain.json")
world_log "plain: $plain"
scn_plain_stop_tools

P=$WORLD_TMP/policy.d
mkdir -p "$P"
printf '%s\n' '[policy]' 'actor = user' '' '# the office network carries 10.0.0.0/8' '[rule office]' \
	'dst = 10.0.0.0/8' 'prefer = type:wifi' >"$P/50-user.conf"
printf '[mifd]\npolicy_dir = %s\n' "$P" >"$WORLD_TMP/mifd.conf"
world_mifd h --config "$WORLD_TMP/mifd.conf" --dhcp4 eth0 --dhcp4 wlan0
mif_expect "both networks bound" 30 'length == 2 and all(.[]; .dhcpv4.state == "bound")'
world_wait_for "the policy's rule for 10.0.0.0/8" 10 sh -c \
	"ip -n $(world_ns h) -4 rule | grep -q 'to 10.0.0.0/8'"
measure mif
explain=$(world_ctl --json policy explain --dst "$IP1")
world_log "policy explain: $(jq -c '{permitted: [.permitted[].pvd], winner, why}' <<<"$explain")"
world_log "policy show: $(world_ctl --json policy show | jq -c .destinations)"
world_log "rules: $(world_exec h ip -4 rule | grep 'to 10.0.0.0/8' | tr '\n' ';')"
jq -c --argjson e "$explain" '. + {winner: $e.winner}' "$WORLD_TMP/mif.json" >"$WORLD_TMP/mif2.json"
mif=$(cat "$WORLD_TMP/mif2.json")
world_log "mif: $mif"
pf=0 mf=0
# plain: one 10/8 route only (the other network's refused), and the user's
# network not reached
jq -e '(.tcp_reached | startswith("n2-host") | not) and
       (.routes_10_8 | split(";") | map(select(. != "")) | length) == 1' <<<"$plain" >/dev/null && pf=1
jq -e '(.tcp_reached | startswith("n2-host 192.168.2.")) and .packets_to_ip1.n1 == 0 and
       (.routes_10_8 | split(";") | map(select(. != "")) | length) == 2 and
       (.winner | test("^user rule office"))' <<<"$mif" >/dev/null && mf=1
scn_verdict "$pf" "$mf" "$(say "$plain")" "$(say "$mif")" \
	"each network's 10.0.0.0/8 stays in its own PvD's table; the user's policy for that prefix decides, for every program, through a routing rule mifd keeps in step with the decision" \
	"$(jq -cn --argjson p "$plain" --argjson m "$mif" '{plain: $p, mif: $m}')"
