#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Problem statement 4.4, third paragraph: a TCP session runs over N1 when a
# better network N2 appears and takes the default route. A weak-host stack
# sends the session's next segments, with N1's source, through N2's
# router, which filters sources that are not its own (RFC 2827, RFC 3704):
# the session breaks. New sessions should use N2, old ones stay on N1.
#
#   r1 -- h:wlan0  N1 (Wi-Fi): 2001:db8:1::/64, default, preference low
#   r2 -- h:eth1   N2 (wired, appears later): 2001:db8:2::/64, default,
#                  preference high
#   r1, r2 -- inet (2001:db8:ff::1: nc listening; whoami "inet")
# Each phase: eth1 down, a TCP connection to inet over N1 sends a line;
# eth1 comes up, N2 becomes the default; the connection sends a second
# line. Measured: whether inet got the second line (the session survived),
# the source a new connection has, and the routers' ingress drops.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

scn_init 4.4-3 4.4 "Session management: a TCP session when a better network appears"
world_require radvd nc nft
world_router r1
world_router r2
world_host h
world_host inet
world_link r1 eth0 h wlan0
world_link r2 eth0 h eth1
world_link r1 eth1 inet eth1
world_link r2 eth1 inet eth2
world_addr r1 eth0 2001:db8:1::1/64
world_addr r2 eth0 2001:db8:2::1/64
world_addr r1 eth1 2001:db8:f1::1/64
world_addr r2 eth1 2001:db8:f2::1/64
world_addr inet eth1 2001:db8:f1::2/64
world_addr inet eth2 2001:db8:f2::2/64
world_addr inet lo 2001:db8:ff::1/128
I=$(world_ns inet) H=$(world_ns h)
ip -n "$I" -6 route add 2001:db8:1::/64 via 2001:db8:f1::1
ip -n "$I" -6 route add 2001:db8:2::/64 via 2001:db8:f2::1
ip -n "$(world_ns r1)" -6 route add 2001:db8:ff::1/128 via 2001:db8:f1::2
ip -n "$(world_ns r2)" -6 route add 2001:db8:ff::1/128 via 2001:db8:f2::2
world_bg inet whoami-inet "$MIF_WHOAMI" -n inet -p 8080
world_bg inet listen-plain nc -6 -lk 9101
world_bg inet listen-mif nc -6 -lk 9102
world_wait_for "the listeners" 5 sh -c "ip netns exec $I ss -Hltn | grep -q ':9102'"
scn_ingress_filter r1 eth0 2001:db8:1::/64
scn_ingress_filter r2 eth0 2001:db8:2::/64
world_radvd r1 "interface eth0 { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
	AdvDefaultLifetime 600; AdvDefaultPreference low;
	prefix 2001:db8:1::/64 { AdvOnLink on; AdvAutonomous on; }; };"
world_radvd r2 "interface eth0 { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
	AdvDefaultLifetime 600; AdvDefaultPreference high;
	prefix 2001:db8:2::/64 { AdvOnLink on; AdvAutonomous on; }; };"
DST=2001:db8:ff::1
scn_plain_start h
# N2 is not there yet.
ip -n "$H" link set eth1 down
scn_wait_addr h wlan0 2001:db8:1:

has_line() { grep -q "$2" "$WORLD_TMP/listen-$1.log"; }
default_dev() { ip -n "$H" -6 route get "$DST" | grep -q "dev $1"; }

# session PHASE PORT WAIT_FN...: the session, N2 appearing, the second line.
session() {
	local phase=$1 port=$2 go="$WORLD_TMP/go-$1" d1 d2 t second=no
	shift 2
	d1=$(scn_ingress_drops r1) d2=$(scn_ingress_drops r2)
	world_bg h "tcp-$phase" bash -c "exec 3<>/dev/tcp/$DST/$port || exit 1
		echo first-line >&3
		for i in \$(seq 1 300); do [ -e $go ] && break; sleep 0.1; done
		echo second-line >&3
		sleep 8"
	world_wait_for "the session's first line over N1 ($phase)" 5 has_line "$phase" first-line
	ip -n "$H" link set eth1 up
	scn_wait_addr h eth1 2001:db8:2:
	"$@"
	touch "$go"
	for ((i = 0; i < 50; i++)); do
		if has_line "$phase" second-line; then second=yes; break; fi
		sleep 0.1
	done
	t=$(scn_tcp_whoami "$DST")
	jq -cn --arg s "$second" --arg t "$t" --argjson d1 "$(($(scn_ingress_drops r1) - d1))" \
		--argjson d2 "$(($(scn_ingress_drops r2) - d2))" \
		--arg r "$(ip -n "$H" -6 route get "$DST" | grep -o 'dev [^ ]*')" \
		'{session_survived: $s, new_connection: $t, new_route: $r, dropped_by_r1: $d1,
		  dropped_by_r2: $d2}' >"$WORLD_TMP/$phase.json"
	ip -n "$H" link set eth1 down
}
say() {
	jq -r '"after N2 took the default: session \(if .session_survived == "yes" then "survived" else "broke (second line never arrived)" end); N2 dropped \(.dropped_by_r2) of its packets; a new connection reached \(.new_connection | split(" ")[0]) from \(.new_connection | split(" ")[1] // "-")"' <<<"$1"
}
session plain 9101 world_wait_for "the plain host's default moved to N2" 15 default_dev eth1
plain=$(cat "$WORLD_TMP/plain.json")
world_log "plain: $plain"
world_mifd h
mif_expect "N1 learnt" 20 'length == 1 and any(.[0].addresses[]; .state == "preferred")'
mif_default_is() { mif_status | jq -e --arg i "$1" '.routing.default.ipv6 | test($i)' >/dev/null; }
session mif 9102 world_wait_for "mif's default PvD is N2" 20 mif_default_is eth1
mif=$(cat "$WORLD_TMP/mif.json")
world_log "mif: $mif"
pf=0 mf=0
jq -e '.session_survived == "no" and .dropped_by_r2 > 0' <<<"$plain" >/dev/null && pf=1
jq -e '.session_survived == "yes" and (.new_connection | startswith("inet 2001:db8:2:"))' <<<"$mif" >/dev/null && mf=1
scn_verdict "$pf" "$mf" "$(say "$plain")" "$(say "$mif")" \
	"the session keeps its source, and the RFC 8028 rule keeps that source on N1's routers; new sessions take N2" \
	"$(jq -cn --argjson p "$plain" --argjson m "$mif" '{plain: $p, mif: $m}')"
