# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# tests/world/mob-home.sh: the home-link mobility world of
# test-mobility-home.sh and the scenarios 3.4-11 and 3.4-moved, after lib.sh:
#
#   h eth1 --+ sw (home link 2001:db8:100::/64) +-- ha eth1 (mif-had home_link)
#   h eth3 --+ (port ph3, down at first)         ha eth0 -- core -- cn 2001:db8:c::2
#   hn eth0 -+ (another host of the home link)
#   h eth2 -- r2 (2001:db8:2::/64, BCP 38) -------------------/
#
# eth3 and hn only when asked. h (or MOBH_NODE) holds the home address 2001:db8:100::10/64
# on eth1 (and eth3), a default route through each network (home first) and
# keeps its addresses when carrier goes (keep_addr_on_down); whether routes
# without carrier are skipped (ignore_routes_with_linkdown) is the caller's.
# HAD and MN: the paths of mif-had and mif-mn.

MOBH_HOA=2001:db8:100::10
MOBH_HA_IN=2001:db8:100::1
MOBH_HA=2001:db8:f::1
MOBH_CN=2001:db8:c::2
MOBH_KEY=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff

# mobh_world [eth3] [hn] [ra]: build the world. The mobile host is
# MOBH_NODE (default h). With ra it learns its addresses and routes from
# RAs (radvd on r2 and on the agent's home link: mifd as the mobile node)
# instead of the static ones above.
mobh_world() {
	local a eth3=0 hn=0 ra=0 p ports="ph1 pha" h=${MOBH_NODE:-h}
	for a in "$@"; do
		case "$a" in eth3) eth3=1 ;; hn) hn=1 ;; ra) ra=1 ;; *) world_fail "mobh_world: $a?" ;; esac
	done
	world_host "$h"
	[ "$hn" = 0 ] || world_host hn
	world_host sw
	world_router r2
	world_router core
	world_router ha
	world_host cn
	world_bridge sw br0
	world_link "$h" eth1 sw ph1
	world_link ha eth1 sw pha
	if [ "$eth3" = 1 ]; then world_link "$h" eth3 sw ph3 && ports="$ports ph3"; fi
	if [ "$hn" = 1 ]; then world_link hn eth0 sw pn && ports="$ports pn"; fi
	for p in $ports; do world_bridge_port sw br0 "$p"; done
	[ "$eth3" = 0 ] || ip -n "$(world_ns sw)" link set ph3 down
	world_link "$h" eth2 r2 eth0
	world_link r2 eth1 core r2
	world_link ha eth0 core ha
	world_link cn eth0 core cn
	world_addr ha eth1 "$MOBH_HA_IN/64"
	[ "$hn" = 0 ] || world_addr hn eth0 2001:db8:100::20/64
	world_addr r2 eth0 2001:db8:2::1/64
	world_addr r2 eth1 2001:db8:e2::2/64
	world_addr core r2 2001:db8:e2::1/64
	world_addr ha eth0 "$MOBH_HA/64"
	world_addr core ha 2001:db8:f::2/64
	world_addr cn eth0 "$MOBH_CN/64"
	world_addr core cn 2001:db8:c::1/64
	ip -n "$(world_ns r2)" -6 route add default via 2001:db8:e2::1
	ip -n "$(world_ns core)" -6 route add 2001:db8:2::/64 via 2001:db8:e2::2
	ip -n "$(world_ns core)" -6 route add 2001:db8:100::/64 via "$MOBH_HA"
	ip -n "$(world_ns ha)" -6 route add default via 2001:db8:f::2
	ip -n "$(world_ns cn)" -6 route add default via 2001:db8:c::1
	[ "$hn" = 0 ] || ip -n "$(world_ns hn)" -6 route add default via "$MOBH_HA_IN"
	if [ "$ra" = 1 ]; then
		mobh__radvd r2 eth0 2001:db8:2::/64
		mobh__radvd ha eth1 2001:db8:100::/64
	else
		mobh__static "$h" "$eth3"
	fi
	world_sysctl r2 net.ipv6.conf.eth0.keep_addr_on_down=1
	# RFC 2827 ingress filtering on N2's router: the home source is dropped.
	world_exec r2 nft -f - <<-NFT || world_fail "nft on r2"
	table inet bcp38 {
		chain f {
			type filter hook forward priority 0; policy accept;
			iifname "eth0" ip6 saddr != 2001:db8:2::/64 counter drop
		}
	}
	NFT
}

# The mobile host's own addresses and default routes (home first), kept
# when carrier goes (keep_addr_on_down). mobh__static NODE ETH3 (0 or 1).
mobh__static() {
	local h=$1 eth3=$2
	world_addr "$h" eth1 "$MOBH_HOA/64"
	[ "$eth3" = 0 ] || world_addr "$h" eth3 "$MOBH_HOA/64"
	world_addr "$h" eth2 2001:db8:2::10/64
	ip -n "$(world_ns "$h")" -6 route add default via "$MOBH_HA_IN" dev eth1 metric 100
	[ "$eth3" = 0 ] || ip -n "$(world_ns "$h")" -6 route add default via "$MOBH_HA_IN" dev eth3 metric 150
	ip -n "$(world_ns "$h")" -6 route add default via 2001:db8:2::1 dev eth2 metric 200
	world_sysctl "$h" net.ipv6.conf.eth1.keep_addr_on_down=1
	[ "$eth3" = 0 ] || world_sysctl "$h" net.ipv6.conf.eth3.keep_addr_on_down=1
}

# mobh__radvd NS IF PREFIX: RAs every 3-4 s with PREFIX for SLAAC.
mobh__radvd() {
	world_radvd "$1" "interface $2 {
	AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
	AdvDefaultLifetime 600;
	prefix $3 { AdvOnLink on; AdvAutonomous on; };
};"
}

# mobh_port NAME up|down: a port of the home link's switch (ph1, ph3, pn).
mobh_port() { ip -n "$(world_ns sw)" link set "$1" "$2"; }

# mobh_had_start: mif-had in ha, home_link = eth1, one mobile node (SPI 256)
# with the home address. Sets HAD_PID.
mobh_had_start() {
	umask 077
	printf '%s\n' "$MOBH_KEY" >"$WORLD_TMP/mn.key"
	cat >"$WORLD_TMP/had.conf" <<-EOF2
	[ha]
	address = $MOBH_HA_IN
	home_prefix = 2001:db8:100::/64
	home_link = eth1
	tun = mifha0
	control = $WORLD_TMP/had.sock
	heartbeat_interval_ms = 100
	heartbeat_misses = 3

	[mn phone]
	hoa = $MOBH_HOA
	spi = 256
	key_file = $WORLD_TMP/mn.key
	EOF2
	umask 022
	world_bg ha had "$HAD" -c "$WORLD_TMP/had.conf"
	HAD_PID=$WORLD_LAST_PID
	world_wait_for "mif-had status socket" 10 test -S "$WORLD_TMP/had.sock"
}

# mobh_mn_start PATH...: the mobile node's tunnel device mifmn0 (the home
# address, the correspondent's prefix and, below the home link's connected
# routes, the home prefix: away from home the home link's hosts too are
# reached through the tunnel) and mif-mn with these --path arguments.
mobh_mn_start() {
	local h p args=()
	h=$(world_ns h)
	for p in "$@"; do args+=(--path "$p"); done
	ip -n "$h" tuntap add mode tun name mifmn0
	ip -n "$h" link set mifmn0 mtu 1400 up
	ip -n "$h" addr add "$MOBH_HOA/128" dev mifmn0 nodad
	ip -n "$h" -6 route add 2001:db8:c::/64 dev mifmn0 src "$MOBH_HOA"
	ip -n "$h" -6 route add 2001:db8:100::/64 dev mifmn0 metric 2048
	world_bg h mn "$MN" --hoa "$MOBH_HOA" --ha "$MOBH_HA_IN" --ha6 "$MOBH_HA" --spi 256 \
		--key-file "$WORLD_TMP/mn.key" --tun mifmn0 --status "$WORLD_TMP/mn.json" "${args[@]}"
}

# mobh_scn_setup: for the scenarios 3.4-11 and 3.4-moved, after scn_init:
# the tools of the build MIFD belongs to, and URL and SIZE, the correspondent's
# 8 MiB file. mobh_cn_serve: cn serves it over HTTP behind an 8 Mbit/s
# uplink (tbf), so that a download lasts long enough to cut it.
mobh_scn_setup() {
	HAD=${MIF_HAD:-$(dirname "$MIFD")/../ha/mif-had}
	MN=${MIF_MN:-$(dirname "$MIFD")/../../tests/tools/mif-mn}
	for x in "$HAD" "$MN"; do [ -x "$x" ] || world_fail "missing $x"; done
	URL="http://[$MOBH_CN]:8080/big"
	SIZE=$((8 << 20))
}
mobh_cn_serve() {
	world_exec cn dd if=/dev/urandom of="$WORLD_TMP/big" bs=1M count=$((SIZE >> 20)) status=none
	world_bg cn http python3 -m http.server -b "$MOBH_CN" -d "$WORLD_TMP" 8080
	ip netns exec "$(world_ns cn)" tc qdisc add dev eth0 root tbf rate 8mbit burst 64kb latency 400ms ||
		world_fail "tc tbf on cn"
	world_wait_for "the correspondent's HTTP server" 10 sh -c \
		"ip netns exec $(world_ns cn) ss -Hltn | grep -q ':8080'"
}

# mobh_wait_home: BIDs 1 (eth1, H flag) and 2 alive, the downlink on BID 1,
# the uplink on eth1 and the agent delivering natively.
mobh_wait_home() {
	world_wait_for "BIDs 1 and 2 alive, BID 1 with the H flag" 15 sh -c \
		"$HAD --status -s $WORLD_TMP/had.sock | jq -e '.mobile_nodes[0].bindings |
			(map(select(.bid == 1 and .home and .state == \"alive\")) | length == 1) and
			(map(select(.bid == 2 and .state == \"alive\")) | length == 1)' >/dev/null"
	world_wait_for "downlink on the home BID 1" 10 mobh_downlink_on 1
	world_wait_for "uplink on eth1" 10 mobh_uplink_is eth1
	world_wait_for "at home: native (no /128 into the tunnel, no proxy entry)" 5 mobh_native
}

# mobh_move_to_eth3: the home link comes back on eth3 (its port up); waits
# for the uplink on eth3, the downlink on a home BID and native delivery.
mobh_move_to_eth3() {
	mobh_port ph3 up
	world_wait_for "uplink on eth3" 10 mobh_uplink_is eth3
	world_wait_for "downlink on a home BID again" 10 sh -c \
		"$HAD --status -s $WORLD_TMP/had.sock | jq -e '.mobile_nodes[0].bindings |
			map(select(.downlink)) | .[0].home' >/dev/null"
	world_wait_for "native again" 5 mobh_native
}

had_status() { world_exec ha "$HAD" --status -s "$WORLD_TMP/had.sock"; }
mobh_downlink_on() {
	had_status | world_jq --argjson b "$1" \
		'.mobile_nodes[0].bindings | map(select(.downlink)) | .[0].bid == $b'
}
mobh_uplink_is() { jq -e --arg i "$1" '.registered and .uplink == $i' "$WORLD_TMP/mn.json" >/dev/null 2>&1; }
mobh_proxied() { ip -n "$(world_ns ha)" -6 neigh show proxy dev eth1 | grep -q "^$MOBH_HOA "; }
mobh_intercepted() { ip -n "$(world_ns ha)" -6 route show "$MOBH_HOA/128" | grep -q mifha0; }
mobh_native() { ! mobh_proxied && ! mobh_intercepted && had_status | world_jq '.home_link.away == []'; }
mobh_away() {
	mobh_proxied && mobh_intercepted &&
		had_status | world_jq --arg a "$MOBH_HOA" '.home_link.away == [$a]'
}
# mobh_tun_rx: packets the agent sent into its tunnel: read by mif-had
# from its TUN device, or carried by the kernel fast path (its entries'
# counts: an entry removed at home starts again from 0 when away).
mobh_tun_rx() {
	had_status | jq '.counters.tun_rx + ([.mobile_nodes[].fast_path.tx_packets // 0] | add // 0)'
}
# mobh_mac_of IF: h's link-layer address on IF; mobh_ha_neigh_mac: the one
# the agent's neighbor cache holds for the home address on the home link.
mobh_mac_of() { ip -n "$(world_ns h)" link show "$1" | awk '/link\/ether/ { print $2 }'; }
mobh_ha_neigh_mac() {
	ip -n "$(world_ns ha)" -6 neigh show "$MOBH_HOA" dev eth1 | awk '$2 == "lladdr" { print $3 }'
}

# mobh_download PHASE PRE_FN CUT_FN: curl in h fetches URL (SIZE bytes, from
# cn), giving up after MOBH_SPEED_TIME (default 10) s without a byte; 1.5 s in PRE_FN runs, port ph1
# goes down, CUT_FN runs; curl is waited for (60 s at most). Writes
# $WORLD_TMP/PHASE.json: bytes at the cut and in the end, curl's status and
# error, connections, local address, the file compared, the longest time
# without a byte after the cut (to the end when incomplete).
mobh_fsize() { stat -c %s "$1" 2>/dev/null || echo 0; }
mobh_download() {
	local phase=$1 pre=$2 cut=$3 got="$WORLD_TMP/got-$1" pid spid tcut tend rc=0 i n stall at_cut w
	rm -f "$got"
	# The file's size every 100 ms, while CUT_FN runs too (bounded: 90 s).
	world_bg h "size-$phase" bash -c "for i in \$(seq 1 900); do
		echo \"\$(date +%s%3N) \$(stat -c %s $got 2>/dev/null || echo 0)\"; sleep 0.1; done"
	spid=$WORLD_LAST_PID
	world_bg h "curl-$phase" curl -sS --speed-limit 1 \
		--speed-time "${MOBH_SPEED_TIME:-10}" -o "$got" \
		-w 'curl-result %{num_connects} %{size_download} %{local_ip}\n' "$URL"
	pid=$WORLD_LAST_PID
	world_wait_for "the download running ($phase)" 10 sh -c "[ \$(stat -c %s $got 2>/dev/null || echo 0) -gt 1000000 ]"
	sleep 0.5
	"$pre"
	tcut=$(world__now_ms)
	at_cut=$(mobh_fsize "$got")
	world_log "step: $phase: $((at_cut >> 10)) KiB so far; the home link loses carrier now"
	mobh_port ph1 down
	"$cut"
	for ((i = 0; i < 600; i++)); do
		world__alive "$pid" || break
		sleep 0.1
	done
	if world__alive "$pid"; then kill -TERM "$pid" 2>/dev/null || true; rc=timeout; fi
	wait "$pid" || { i=$?; [ "$rc" = timeout ] || rc=$i; }
	tend=$(world__now_ms)
	n=$(mobh_fsize "$got")
	kill -TERM "$spid" 2>/dev/null || true
	stall=$(awk -v t0="$tcut" -v end="$tend" -v size="$SIZE" '
		$1 < t0 { prev = $2; next }
		!started { started = 1; last = t0 }
		$2 != prev { if ($1 - last > m) m = $1 - last; last = $1; prev = $2 }
		END { if (prev != size && end - last > m) m = end - last; print m + 0 }' \
		"$WORLD_TMP/size-$phase.log")
	w=$(grep -m1 '^curl-result ' "$WORLD_TMP/curl-$phase.log" || true)
	world_log "step: $phase: curl ended $(((tend - tcut) / 1000)) s after the cut, status $rc, $n of $SIZE bytes, longest stall $stall ms"
	jq -cn --argjson at_cut "$at_cut" --argjson got "$n" --argjson size "$SIZE" --arg rc "$rc" \
		--arg w "$w" --argjson stall "$stall" --argjson after "$(((tend - tcut) / 100))" \
		--arg same "$(cmp -s "$WORLD_TMP/big" "$got" && echo yes || echo no)" \
		--arg err "$(grep -m1 '^curl: ' "$WORLD_TMP/curl-$phase.log" || true)" \
		'{file_bytes: $size, bytes_at_cut: $at_cut, bytes_received: $got, curl_status: $rc,
		  curl_error: $err, connections: (($w | split(" ")[1] // "0") | tonumber? // 0),
		  local_address: ($w | split(" ")[3] // ""), identical: $same,
		  longest_stall_ms_after_cut: $stall, seconds_after_cut: ($after / 10)}' >"$WORLD_TMP/$phase.json"
}
