#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Problem statement 4.2, case 2: both networks reach IP1, but N2's path is
# better (here: cost; N1 is a metered cellular network whose router
# advertises itself with preference high). The plain host follows the
# routers' preference and sends through N1. With mif, the user's policy
# (avoid metered networks) and the OS default (cellular is metered) decide,
# and `mifctl policy explain` says which rule won.
#
#   r1 -- h:wwan0  N1: cellular, 2001:db8:1::/64, default router, preference high
#   r2 -- h:wlan0  N2: Wi-Fi, 2001:db8:2::/64, default router, preference low
#   r1 -- s -- r2  IP1 2001:db8:99::1 (whoami "ip1") behind both routers
# Measured both times: which network a TCP connection to IP1 went through
# (the source the server saw, packets to IP1 on each link).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

scn_init 4.2-2 4.2 "Routing case 2: both networks reach IP1, the other's path is better (RTT, cost, bandwidth)"
world_require radvd nc
world_router r1
world_router r2
world_host h
world_router s
world_link r1 eth0 h wwan0
world_link r2 eth0 h wlan0
world_link r1 eth1 s eth0
world_link r2 eth1 s eth1
world_addr r1 eth0 2001:db8:1::1/64
world_addr r2 eth0 2001:db8:2::1/64
world_addr r1 eth1 2001:db8:91::1/64
world_addr s eth0 2001:db8:91::2/64
world_addr r2 eth1 2001:db8:92::1/64
world_addr s eth1 2001:db8:92::2/64
world_addr s eth0 2001:db8:99::1/128
ip -n "$(world_ns r1)" -6 route add 2001:db8:99::/64 via 2001:db8:91::2
ip -n "$(world_ns r2)" -6 route add 2001:db8:99::/64 via 2001:db8:92::2
ip -n "$(world_ns s)" -6 route add 2001:db8:1::/64 via 2001:db8:91::1
ip -n "$(world_ns s)" -6 route add 2001:db8:2::/64 via 2001:db8:92::1
world_bg s whoami-ip1 "$MIF_WHOAMI" -n ip1 -p 8080
world_radvd r1 "interface eth0 { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
	AdvDefaultLifetime 600; AdvDefaultPreference high;
	prefix 2001:db8:1::/64 { AdvOnLink on; AdvAutonomous on; }; };"
world_radvd r2 "interface eth0 { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
	AdvDefaultLifetime 600; AdvDefaultPreference low;
	prefix 2001:db8:2::/64 { AdvOnLink on; AdvAutonomous on; }; };"
LINKS=(n1:r1:eth0 n2:r2:eth0)
IP1=2001:db8:99::1
scn_plain_start h
scn_wait_addr h wwan0 2001:db8:1:
scn_wait_addr h wlan0 2001:db8:2:
world_wait_for "both default routes" 10 sh -c \
	"[ \$(ip -n $(world_ns h) -6 route show default | grep -c via) -ge 1 ]"

measure() {   # PHASE: $WORLD_TMP/PHASE.json
	local t r c
	SCN_CAP_FILTER="dst host $IP1" scn_caps_start "$1" "${LINKS[@]}"
	r=$(world_exec h ip -6 route get "$IP1" | grep -o 'dev [^ ]*' || echo unreachable)
	t=$(scn_tcp_whoami "$IP1")
	c=$(scn_caps_count "$1" "$IP1" "${LINKS[@]}")
	jq -cn --arg t "$t" --arg r "$r" --argjson c "$c" \
		'{route_get: $r, tcp_reached: $t, packets_to_ip1: $c}' >"$WORLD_TMP/$1.json"
}
say() {
	jq -r '"TCP to IP1 reached \(.tcp_reached | split(" ")[0]) from \(.tcp_reached | split(" ")[1] // "-") (\(if (.tcp_reached | split(" ")[1] // "" | startswith("2001:db8:1:")) then "N1, metered" elif (.tcp_reached | split(" ")[1] // "" | startswith("2001:db8:2:")) then "N2" else "?" end)); packets to IP1 on N1: \(.packets_to_ip1.n1), on N2: \(.packets_to_ip1.n2)\(if .winner then "; policy: " + .winner else "" end)"' <<<"$1"
}
measure plain
plain=$(cat "$WORLD_TMP/plain.json")
world_log "plain: $plain"

# mif: the OS default policy (built in: ww* is cellular and metered) and the
# user's rule, as a user would write it in /etc/mif/policy.d.
P=$WORLD_TMP/policy.d
mkdir -p "$P"
printf '%s\n' '[policy]' 'actor = user' '' '[rule no-metered]' 'avoid = metered' >"$P/50-user.conf"
printf '[mifd]\npolicy_dir = %s\n' "$P" >"$WORLD_TMP/mifd.conf"
world_mifd h --config "$WORLD_TMP/mifd.conf"
mif_expect "two PvDs, each with its address" 20 \
	'length == 2 and all(.[]; any(.addresses[]; (.address | startswith("2001:db8:")) and .state == "preferred"))'
world_wait_for "the default through N2 (wlan0)" 15 sh -c \
	"ip -n $(world_ns h) -6 route get $IP1 | grep -q 'dev wlan0'"
measure mif
explain=$(world_ctl --json policy explain --dst "$IP1" --proto tcp --port 8080)
world_log "policy explain: $(jq -c '{permitted: [.permitted[].pvd], winner, why, conflicts: [.conflicts[].why]}' <<<"$explain")"
jq -c --argjson e "$explain" '. + {winner: $e.winner, permitted: [$e.permitted[].pvd]}' \
	"$WORLD_TMP/mif.json" >"$WORLD_TMP/mif2.json"
mif=$(cat "$WORLD_TMP/mif2.json")
world_log "mif: $mif"
pf=0 mf=0
jq -e '(.tcp_reached | startswith("ip1 2001:db8:1:")) and .packets_to_ip1.n2 == 0' <<<"$plain" >/dev/null && pf=1
jq -e '(.tcp_reached | startswith("ip1 2001:db8:2:")) and .packets_to_ip1.n1 == 0 and
       (.winner | test("^user rule no-metered"))' <<<"$mif" >/dev/null && mf=1
scn_verdict "$pf" "$mf" "$(say "$plain") (the router's preference decided: $(jq -r .route_get <<<"$plain"))" "$(say "$mif")" \
	"the policy (the user's 'avoid metered', the OS default's 'cellular is metered') ranks N2 first for this flow; the default PvD follows it and explain names the rule" \
	"$(jq -cn --argjson p "$plain" --argjson m "$mif" '{plain: $p, mif: $m}')"
