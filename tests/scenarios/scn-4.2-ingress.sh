#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Problem statement 4.2, last paragraph: a source address valid on one
# interface only. A connection from N2's address (a program bound to it,
# or one opened while N2 was the default) leaves through the default route,
# N1, and N1's router filters sources that are not its own (RFC 2827,
# RFC 3704): the packets are dropped, the replies never come.
#
#   r1 -- h:eth0   N1: 2001:db8:1::/64, default router, preference high
#   r2 -- h:wlan0  N2: 2001:db8:2::/64, default router, preference low
#   r1, r2 -- inet (2001:db8:ff::1, whoami "inet"); each router drops what
#   comes from h with a source outside its own prefix (nft, counted)
# Measured both times: TCP from N2's address to inet (reached? which
# source did inet see?), packets to inet on each link, the routers' drops.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

scn_init 4.2-ingress 4.2 "Routing: a source address valid only on the other interface (ingress filtering)"
world_require radvd nc nft
world_router r1
world_router r2
world_host h
world_host inet
world_link r1 eth0 h eth0
world_link r2 eth0 h wlan0
world_link r1 eth1 inet eth1
world_link r2 eth1 inet eth2
world_addr r1 eth0 2001:db8:1::1/64
world_addr r2 eth0 2001:db8:2::1/64
world_addr r1 eth1 2001:db8:f1::1/64
world_addr r2 eth1 2001:db8:f2::1/64
world_addr inet eth1 2001:db8:f1::2/64
world_addr inet eth2 2001:db8:f2::2/64
world_addr inet lo 2001:db8:ff::1/128
I=$(world_ns inet)
ip -n "$I" -6 route add 2001:db8:1::/64 via 2001:db8:f1::1
ip -n "$I" -6 route add 2001:db8:2::/64 via 2001:db8:f2::1
ip -n "$(world_ns r1)" -6 route add 2001:db8:ff::1/128 via 2001:db8:f1::2
ip -n "$(world_ns r2)" -6 route add 2001:db8:ff::1/128 via 2001:db8:f2::2
world_bg inet whoami-inet "$MIF_WHOAMI" -n inet -p 8080
scn_ingress_filter r1 eth0 2001:db8:1::/64
scn_ingress_filter r2 eth0 2001:db8:2::/64
world_radvd r1 "interface eth0 { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
	AdvDefaultLifetime 600; AdvDefaultPreference high;
	prefix 2001:db8:1::/64 { AdvOnLink on; AdvAutonomous on; }; };"
world_radvd r2 "interface eth0 { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
	AdvDefaultLifetime 600; AdvDefaultPreference low;
	prefix 2001:db8:2::/64 { AdvOnLink on; AdvAutonomous on; }; };"
LINKS=(n1:r1:eth0 n2:r2:eth0)
DST=2001:db8:ff::1
scn_plain_start h
scn_wait_addr h eth0 2001:db8:1:
scn_wait_addr h wlan0 2001:db8:2:
SRC=$(scn_addr_of h wlan0 2001:db8:2:)

measure() {   # PHASE: $WORLD_TMP/PHASE.json
	local t c d1 d2
	d1=$(scn_ingress_drops r1) d2=$(scn_ingress_drops r2)
	SCN_CAP_FILTER="dst host $DST" scn_caps_start "$1" "${LINKS[@]}"
	t=$(scn_tcp_whoami "$DST" -s "$SRC")
	c=$(scn_caps_count "$1" "$DST" "${LINKS[@]}")
	jq -cn --arg t "$t" --argjson c "$c" --arg src "$SRC" \
		--argjson d1 "$(($(scn_ingress_drops r1) - d1))" --argjson d2 "$(($(scn_ingress_drops r2) - d2))" \
		--arg r "$(world_exec h ip -6 route get "$DST" from "$SRC" | grep -o 'dev [^ ]*')" \
		'{source: $src, route_get: $r, tcp_reached: $t, packets_to_inet: $c, dropped_by_r1: $d1, dropped_by_r2: $d2}' \
		>"$WORLD_TMP/$1.json"
}
say() {
	jq -r '"from N2 source: TCP reached \(.tcp_reached | split(" ")[0]); packets on N1: \(.packets_to_inet.n1), on N2: \(.packets_to_inet.n2); dropped by N1 ingress filter: \(.dropped_by_r1)"' <<<"$1"
}
measure plain
plain=$(cat "$WORLD_TMP/plain.json")
world_log "plain: $plain"
world_mifd h
mif_expect "two PvDs, each with its address" 20 \
	'length == 2 and all(.[]; any(.addresses[]; (.address | startswith("2001:db8:")) and .state == "preferred"))'
world_wait_for "the source rule for N2's address" 10 sh -c "ip -n $(world_ns h) -6 rule | grep -q 'from $SRC'"
measure mif
mif=$(cat "$WORLD_TMP/mif.json")
world_log "mif: $mif"
pf=0 mf=0
jq -e '(.tcp_reached | startswith("inet ") | not) and .dropped_by_r1 > 0' <<<"$plain" >/dev/null && pf=1
jq -e '(.tcp_reached == "inet " + .source) and .dropped_by_r1 == 0 and .packets_to_inet.n1 == 0' <<<"$mif" >/dev/null && mf=1
scn_verdict "$pf" "$mf" "$(say "$plain")" "$(say "$mif")" \
	"a packet with a source from N2 uses N2's routers (RFC 8028 rule from each PvD address to its table)" \
	"$(jq -cn --argjson p "$plain" --argjson m "$mif" '{plain: $p, mif: $m}')"
