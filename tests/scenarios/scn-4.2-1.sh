#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Problem statement 4.2, case 1: the host has one default route, via N1;
# IP1 is reachable only through N2. N2's router says so with an RFC 4191
# route (Route Information option), which Linux ignores by default
# (accept_ra_rt_info_max_plen = 0), so the stack sends through I1.
#
#   r1 -- h:eth0   N1: 2001:db8:1::/64, default router, preference high
#   r2 -- h:wlan0  N2: 2001:db8:2::/64, default router, preference low,
#                  route 2001:db8:99::/64          r2 -- s2 (IP1 2001:db8:99::1, whoami "ip1")
# Measured both times: which node a TCP connection to IP1 reaches (and its
# source), packets to IP1 on each link.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

scn_init 4.2-1 4.2 "Routing case 1: a destination only the non-default network reaches"
world_require radvd nc
world_router r1
world_router r2
world_host h
world_host s2
world_link r1 eth0 h eth0
world_link r2 eth0 h wlan0
world_link r2 eth1 s2 eth0
world_addr r1 eth0 2001:db8:1::1/64
world_addr r2 eth0 2001:db8:2::1/64
world_addr r2 eth1 2001:db8:99::fe/64
world_addr s2 eth0 2001:db8:99::1/64
ip -n "$(world_ns s2)" -6 route add default via 2001:db8:99::fe
world_bg s2 whoami-ip1 "$MIF_WHOAMI" -n ip1 -p 8080
world_radvd r1 "interface eth0 { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
	AdvDefaultLifetime 600; AdvDefaultPreference high;
	prefix 2001:db8:1::/64 { AdvOnLink on; AdvAutonomous on; }; };"
world_radvd r2 "interface eth0 { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
	AdvDefaultLifetime 600; AdvDefaultPreference low;
	prefix 2001:db8:2::/64 { AdvOnLink on; AdvAutonomous on; };
	route 2001:db8:99::/64 { AdvRouteLifetime 600; }; };"
LINKS=(n1:r1:eth0 n2:r2:eth0)
IP1=2001:db8:99::1
scn_plain_start h
scn_wait_addr h eth0 2001:db8:1:
scn_wait_addr h wlan0 2001:db8:2:
world_wait_for "both default routes" 10 sh -c \
	"[ \$(ip -n $(world_ns h) -6 route show default | grep -c via) -ge 1 ]"

measure() {   # PHASE: $WORLD_TMP/PHASE.json
	local t r c
	SCN_CAP_FILTER="dst host $IP1" scn_caps_start "$1" "${LINKS[@]}"
	r=$(world_exec h ip -6 route get "$IP1" | grep -o 'via [^ ]* dev [^ ]*' || echo unreachable)
	t=$(scn_tcp_whoami "$IP1")
	c=$(scn_caps_count "$1" "$IP1" "${LINKS[@]}")
	jq -cn --arg t "$t" --arg r "$r" --argjson c "$c" \
		--arg d "$(world_exec h ip -6 route show default | tr '\n' ';')" \
		'{default_routes: $d, route_get: $r, tcp_reached: $t, packets_to_ip1: $c}' >"$WORLD_TMP/$1.json"
}
say() {
	jq -r '"TCP to IP1 reached \(.tcp_reached | split(" ")[0])\(if (.tcp_reached | startswith("ip1 ")) then " from " + (.tcp_reached | split(" ")[1]) else "" end); packets to IP1 on N1: \(.packets_to_ip1.n1), on N2: \(.packets_to_ip1.n2)"' <<<"$1"
}
measure plain
plain=$(cat "$WORLD_TMP/plain.json")
world_log "plain: $plain"
world_mifd h
mif_expect "two PvDs, each with its address" 20 \
	'length == 2 and all(.[]; any(.addresses[]; (.address | startswith("2001:db8:")) and .state == "preferred"))'
world_wait_for "N2's route in its table" 10 sh -c "ip -n $(world_ns h) -6 route show table all | grep -q '^2001:db8:99::/64'"
measure mif
mif=$(cat "$WORLD_TMP/mif.json")
world_log "mif: $mif"
pf=0 mf=0
jq -e '.tcp_reached | startswith("ip1 ") | not' <<<"$plain" >/dev/null && pf=1
jq -e '(.tcp_reached | startswith("ip1 2001:db8:2:")) and .packets_to_ip1.n1 == 0' <<<"$mif" >/dev/null && mf=1
scn_verdict "$pf" "$mf" "$(say "$plain") (the kernel ignored N2's route: $(jq -r .route_get <<<"$plain"))" "$(say "$mif")" \
	"N2's RFC 4191 route goes into N2's own table, whose rule sends traffic for 2001:db8:99::/64 through N2 (with N2's source)" \
	"$(jq -cn --argjson p "$plain" --argjson m "$mif" '{plain: $p, mif: $m}')"
