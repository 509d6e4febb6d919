#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Problem statement 3.4 with the MIPv6 multihoming analysis
# (draft-ietf-monami6-mipv6-analysis), 5.1 and 6.2.2: the (1,1)
# configuration with the mobile node attached to its home link and to a
# foreign link at once (RFC 5648 5.6: a BID with the H flag). Issue 15.
#
#   h eth1 --+ sw (the home link, 2001:db8:100::/64) +-- ha eth1 (mif-had, home_link)
#   hn eth0 -+                                          ha eth0 -- core -- cn 2001:db8:c::2
#   h eth2 -- r2 (2001:db8:2::/64, BCP 38) ----------------------/
#
# h holds 2001:db8:100::10 on its home interface eth1 and 2001:db8:2::10 on
# eth2; hn is another host of the home link. A download from cn to the home
# address (curl, one TCP connection, paced at 8 Mbit/s by cn's uplink) runs;
# 1.5 s in, h's home interface loses carrier (the switch port goes down).
#   1. the plain host: the address on the home link, default routes through
#      both networks (the kernel's own).
#   2. mif: the home agent mif-had with home_link = eth1, and the mobile-node
#      logic (src/daemon/mobility/mn.c in tests/tools/mif-mn) with BID 1 on
#      the home interface (H flag) and BID 2 on eth2. While the home BID is
#      the downlink the home agent delivers natively on the home link (no
#      tunnel, no proxy); when it goes, the agent routes the home address
#      into the tunnel and answers Neighbor Solicitations for it on the home
#      link (proxy ND, RFC 6275 10.4.1); 4 s later the port comes back and
#      the node returns home.
# Measured: bytes at the cut and in the end, curl's status, connections
# used, the longest stall, the home agent's tunnel packet counts per phase,
# its proxy entry and /128 route, and hn reaching the home address while
# the node is away (through the proxy) and once it is back.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

scn_init 3.4-11 3.4 "Mobility, (1,1) of the MIPv6 multihoming analysis: home and foreign attachment at once; the home link loses carrier and comes back"
world_require nft curl python3 cmp tc
HAD=${MIF_HAD:-$(dirname "$MIFD")/../ha/mif-had}
MN=${MIF_MN:-$(dirname "$MIFD")/../../tests/tools/mif-mn}
for x in "$HAD" "$MN"; do [ -x "$x" ] || world_fail "missing $x"; done
HOA=2001:db8:100::10
HA_IN=2001:db8:100::1
HA=2001:db8:f::1
CN=2001:db8:c::2
URL="http://[$CN]:8080/big"
SIZE=$((8 << 20))
KEY=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
step() { world_log "step: $*"; }

world_host h
world_host hn
world_host sw
world_router r2
world_router core
world_router ha
world_host cn
world_bridge sw br0
world_link h eth1 sw ph
world_link hn eth0 sw pn
world_link ha eth1 sw pha
for p in ph pn pha; do world_bridge_port sw br0 "$p"; done
world_link h eth2 r2 eth0
world_link r2 eth1 core r2
world_link ha eth0 core ha
world_link cn eth0 core cn
world_addr ha eth1 "$HA_IN/64"
world_addr h eth1 "$HOA/64"
world_addr hn eth0 2001:db8:100::20/64
world_addr h eth2 2001:db8:2::10/64
world_addr r2 eth0 2001:db8:2::1/64
world_addr r2 eth1 2001:db8:e2::2/64
world_addr core r2 2001:db8:e2::1/64
world_addr ha eth0 "$HA/64"
world_addr core ha 2001:db8:f::2/64
world_addr cn eth0 "$CN/64"
world_addr core cn 2001:db8:c::1/64
ip -n "$(world_ns r2)" -6 route add default via 2001:db8:e2::1
ip -n "$(world_ns core)" -6 route add 2001:db8:2::/64 via 2001:db8:e2::2
ip -n "$(world_ns core)" -6 route add 2001:db8:100::/64 via "$HA"
ip -n "$(world_ns ha)" -6 route add default via 2001:db8:f::2
ip -n "$(world_ns cn)" -6 route add default via 2001:db8:c::1
ip -n "$(world_ns hn)" -6 route add default via "$HA_IN"
# The host: a default route through each network, the home one first.
ip -n "$(world_ns h)" -6 route add default via "$HA_IN" dev eth1 metric 100
ip -n "$(world_ns h)" -6 route add default via 2001:db8:2::1 dev eth2 metric 200
world_sysctl r2 net.ipv6.conf.eth0.keep_addr_on_down=1
world_sysctl h net.ipv6.conf.eth1.keep_addr_on_down=1
scn_ingress_filter r2 eth0 2001:db8:2::/64

# The correspondent: a large file behind an 8 Mbit/s uplink.
world_exec cn dd if=/dev/urandom of="$WORLD_TMP/big" bs=1M count=$((SIZE >> 20)) status=none
world_bg cn http python3 -m http.server -b "$CN" -d "$WORLD_TMP" 8080
ip netns exec "$(world_ns cn)" tc qdisc add dev eth0 root tbf rate 8mbit burst 64kb latency 400ms ||
	world_fail "tc tbf on cn"
world_wait_for "the correspondent's HTTP server" 10 sh -c \
	"ip netns exec $(world_ns cn) ss -Hltn | grep -q ':8080'"

fsize() { stat -c %s "$1" 2>/dev/null || echo 0; }
home_port() { ip -n "$(world_ns sw)" link set ph "$1"; }

# download PHASE PRE_FN CUT_FN: the download from h; 1.5 s in PRE_FN runs,
# the home port goes down, CUT_FN runs; curl is waited for (60 s at most). $WORLD_TMP/PHASE.json.
download() {
	local phase=$1 pre=$2 cut=$3 got="$WORLD_TMP/got-$1" pid spid tcut tend rc=0 i n stall at_cut w
	rm -f "$got"
	# The file's size every 100 ms, while CUT_FN runs too (bounded: 90 s).
	world_bg h "size-$phase" bash -c "for i in \$(seq 1 900); do
		echo \"\$(date +%s%3N) \$(stat -c %s $got 2>/dev/null || echo 0)\"; sleep 0.1; done"
	spid=$WORLD_LAST_PID
	world_bg h "curl-$phase" curl -sS --speed-limit 1 --speed-time 10 -o "$got" \
		-w 'curl-result %{num_connects} %{size_download} %{local_ip}\n' "$URL"
	pid=$WORLD_LAST_PID
	world_wait_for "the download running ($phase)" 10 sh -c "[ \$(stat -c %s $got 2>/dev/null || echo 0) -gt 1000000 ]"
	sleep 0.5
	"$pre"
	tcut=$(world__now_ms)
	at_cut=$(fsize "$got")
	step "$phase: $((at_cut >> 10)) KiB so far; the home link loses carrier now"
	home_port down
	"$cut"
	for ((i = 0; i < 600; i++)); do
		world__alive "$pid" || break
		sleep 0.1
	done
	if world__alive "$pid"; then kill -TERM "$pid" 2>/dev/null || true; rc=timeout; fi
	wait "$pid" || { i=$?; [ "$rc" = timeout ] || rc=$i; }
	tend=$(world__now_ms)
	n=$(fsize "$got")
	kill -TERM "$spid" 2>/dev/null || true
	# The longest time without growth after the cut (to the end when the
	# file never completed).
	stall=$(awk -v t0="$tcut" -v end="$tend" -v size="$SIZE" '
		$1 < t0 { prev = $2; next }
		!started { started = 1; last = t0 }
		$2 != prev { if ($1 - last > m) m = $1 - last; last = $1; prev = $2 }
		END { if (prev != size && end - last > m) m = end - last; print m + 0 }' \
		"$WORLD_TMP/size-$phase.log")
	w=$(grep -m1 '^curl-result ' "$WORLD_TMP/curl-$phase.log" || true)
	step "$phase: curl ended $(((tend - tcut) / 1000)) s after the cut, status $rc, $n of $SIZE bytes, longest stall $stall ms"
	jq -cn --argjson at_cut "$at_cut" --argjson got "$n" --argjson size "$SIZE" --arg rc "$rc" \
		--arg w "$w" --argjson stall "$stall" --argjson after "$(((tend - tcut) / 100))" \
		--arg same "$(cmp -s "$WORLD_TMP/big" "$got" && echo yes || echo no)" \
		--arg err "$(grep -m1 '^curl: ' "$WORLD_TMP/curl-$phase.log" || true)" \
		'{file_bytes: $size, bytes_at_cut: $at_cut, bytes_received: $got, curl_status: $rc,
		  curl_error: $err, connections: (($w | split(" ")[1] // "0") | tonumber? // 0),
		  local_address: ($w | split(" ")[3] // ""), identical: $same,
		  longest_stall_ms_after_cut: $stall, seconds_after_cut: ($after / 10)}' >"$WORLD_TMP/$phase.json"
}

# ---- 1. the plain host ----
step "plain: the host at home with a second network (the kernel alone)"
world_wait_for "the plain host's route to the correspondent on the home link" 10 sh -c \
	"ip -n $(world_ns h) -6 route get $CN | grep -q 'dev eth1'"
download plain : :
plain=$(jq -c . "$WORLD_TMP/plain.json")
world_log "plain: $plain"
home_port up

# ---- 2. mif ----
umask 077
printf '%s\n' "$KEY" >"$WORLD_TMP/mn.key"
cat >"$WORLD_TMP/had.conf" <<EOF2
[ha]
address = $HA_IN
home_prefix = 2001:db8:100::/64
home_link = eth1
tun = mifha0
control = $WORLD_TMP/had.sock
heartbeat_interval_ms = 100
heartbeat_misses = 3

[mn phone]
hoa = $HOA
spi = 256
key_file = $WORLD_TMP/mn.key
EOF2
umask 022
step "mif: mif-had with home_link = eth1; the mobile node with BID 1 at home (H flag) and BID 2 on eth2"
world_bg ha had "$HAD" -c "$WORLD_TMP/had.conf"
world_wait_for "mif-had status socket" 10 test -S "$WORLD_TMP/had.sock"
had_status() { world_exec ha "$HAD" --status -s "$WORLD_TMP/had.sock"; }
ip -n "$(world_ns h)" tuntap add mode tun name mifmn0
ip -n "$(world_ns h)" link set mifmn0 mtu 1400 up
ip -n "$(world_ns h)" addr add "$HOA/128" dev mifmn0 nodad
ip -n "$(world_ns h)" -6 route add 2001:db8:c::/64 dev mifmn0 src "$HOA"
# Away from home the home link's hosts too are reached through the tunnel:
# the connected route of a home interface without carrier is skipped.
ip -n "$(world_ns h)" -6 route add 2001:db8:100::/64 dev mifmn0 metric 2048
world_sysctl h net.ipv6.conf.eth1.ignore_routes_with_linkdown=1
world_bg h mn "$MN" --hoa "$HOA" --ha "$HA_IN" --ha6 "$HA" --spi 256 \
	--key-file "$WORLD_TMP/mn.key" --tun mifmn0 --status "$WORLD_TMP/mn.json" \
	--path "eth1,$HOA,0,home" --path eth2,2001:db8:2::10,1
downlink_on() {
	had_status | world_jq --argjson b "$1" \
		'.mobile_nodes[0].bindings | map(select(.downlink)) | .[0].bid == $b'
}
uplink_is() { jq -e --arg i "$1" '.registered and .uplink == $i' "$WORLD_TMP/mn.json" >/dev/null 2>&1; }
both_alive() {
	had_status | world_jq '.mobile_nodes[0].bindings | length == 2 and all(.state == "alive")
		and (map(select(.home)) | length == 1 and .[0].bid == 1)'
}
proxied() { ip -n "$(world_ns ha)" -6 neigh show proxy dev eth1 | grep -q "^$HOA "; }
intercepted() { ip -n "$(world_ns ha)" -6 route show "$HOA/128" | grep -q mifha0; }
native() { ! proxied && ! intercepted && had_status | world_jq '.home_link.away == []'; }
tun_rx() { had_status | jq .counters.tun_rx; }
world_wait_for "both BIDs registered and alive, BID 1 with the H flag" 15 both_alive
world_wait_for "downlink on the home BID" 10 downlink_on 1
world_wait_for "uplink on the home interface" 10 uplink_is eth1
world_wait_for "at home: no /128 into the tunnel, no proxy entry" 5 native
bindings=$(had_status | jq -c '[.mobile_nodes[0].bindings[] | {bid, coa, home, priority}]')
step "mif: bindings at the home agent: $bindings"

st_home=0 st_away=0 st_back=0 away_ok=0 back_ok=0 hn_away=no hn_back=no
mif_cut() {
	local t0 t1
	t0=$(tun_rx)
	world_wait_for "downlink moved to BID 2 (foreign)" 10 downlink_on 2
	world_wait_for "the home agent intercepts: /128 into the tunnel" 5 intercepted
	world_wait_for "the home agent answers ND for the home address on the home link" 5 proxied
	away_ok=1
	step "mif: away: $(ip -n "$(world_ns ha)" -6 neigh show proxy dev eth1 | tr '\n' ' ')/ $(ip -n "$(world_ns ha)" -6 route show "$HOA/128")"
	# A host of the home link reaches the home address through the proxy.
	ip -n "$(world_ns hn)" -6 neigh flush dev eth0
	world_exec hn ping -6 -c 2 -W 2 "$HOA" >/dev/null 2>&1 && hn_away=yes
	sleep 3
	t1=$(tun_rx)
	st_away=$((t1 - t0))
	step "mif: away for 4 s: the home agent read $st_away packets for the home address from its tunnel device; home link back now"
	home_port up
	world_wait_for "downlink back on the home BID" 15 downlink_on 1
	world_wait_for "back home: route and proxy entry removed" 5 native
	back_ok=1
	t0=$(tun_rx)
	ip -n "$(world_ns hn)" -6 neigh flush dev eth0
	world_exec hn ping -6 -c 2 -W 2 "$HOA" >/dev/null 2>&1 && hn_back=yes
	sleep 1
	st_back=$(($(tun_rx) - t0))
	step "mif: back home: $st_back packets through the tunnel device in 1 s (native delivery)"
}
mif_pre() { st_home=$(($(tun_rx) - st_start)); }
st_start=$(tun_rx)
download mif mif_pre mif_cut
mif=$(jq -c --argjson b "$bindings" --argjson h "$st_home" --argjson a "$st_away" --argjson k "$st_back" \
	--arg hna "$hn_away" --arg hnb "$hn_back" --argjson ao "$away_ok" --argjson bo "$back_ok" \
	--argjson c "$(had_status | jq .home_link)" \
	'. + {bindings: $b, tunnel_packets_at_home_before_cut: $h, tunnel_packets_away_3s: $a,
	      tunnel_packets_back_home_1s: $k, home_neighbor_reached_away: $hna,
	      home_neighbor_reached_back: $hnb, away_state_seen: ($ao == 1), back_state_seen: ($bo == 1),
	      home_link: $c}' "$WORLD_TMP/mif.json")
world_log "mif: $mif"

say() {
	jq -r '"download to \(.local_address): \(.bytes_at_cut) bytes at the cut, \(.bytes_received) of \(.file_bytes) in the end" +
		(if .identical == "yes" then ", byte-identical" else "" end) + " over \(.connections) connection, " +
		(if .curl_status == "0" then "complete \(.seconds_after_cut) s after the cut (longest stall \(.longest_stall_ms_after_cut) ms)"
		 else "curl gave up \(.seconds_after_cut) s after the cut (status \(.curl_status)); no byte for the last \(.longest_stall_ms_after_cut) ms" end) +
		(if .tunnel_packets_away_3s == null then "" else
		 "; at home before the cut: \(.tunnel_packets_at_home_before_cut) packets through the home agent'"'"'s tunnel device (native); away: \(.tunnel_packets_away_3s) packets through the tunnel in 3 s, home agent proxying the home address (a home-link host reached it: \(.home_neighbor_reached_away)); back home: \(.tunnel_packets_back_home_1s) in 1 s, proxy and route removed (reached: \(.home_neighbor_reached_back))" end)' <<<"$1"
}
pf=0 mf=0
jq -e --arg h "$HOA" '.local_address == $h and .bytes_received < .file_bytes and .curl_status != "0"' \
	<<<"$plain" >/dev/null && pf=1
jq -e --arg h "$HOA" '.local_address == $h and .bytes_received == .file_bytes and .identical == "yes" and
	.curl_status == "0" and .connections == 1 and .bytes_at_cut < .file_bytes and
	.tunnel_packets_at_home_before_cut < 50 and
	.away_state_seen and .back_state_seen and .tunnel_packets_away_3s > 100 and
	.home_neighbor_reached_away == "yes" and .home_neighbor_reached_back == "yes"' <<<"$mif" >/dev/null && mf=1
scn_verdict "$pf" "$mf" "$(say "$plain")" "$(say "$mif")" \
	"the home address has two BIDs at the home agent, one with the H flag on the home link (delivered natively, RFC 5648 5.6) and one on the foreign network; when the home BID fails the agent routes the home address into the tunnel and proxies it on the home link (RFC 6275 10.4.1), and undoes both when the node returns home" \
	"$(jq -cn --argjson p "$plain" --argjson m "$mif" '{plain: $p, mif: $m}')"
