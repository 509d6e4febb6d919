#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Problem statement 3.4 (RFC 6418), the home agent's failure: the MIPv6
# multihoming analysis (draft-ietf-monami6-mipv6-analysis, 6.2.3) names the
# home agent a single point of failure of every configuration: when it
# dies, the mobile node's home address is unreachable and each session
# bound to it breaks. Issue 16, item 3.
#
# The world of tests/world/test-ha-redundancy.sh (tests/world/ha-pair.sh):
# the mobile node on N1 and N2, two home agents ha1 and ha2 on one LAN
# behind the core, Redis (and its replica), a correspondent serving an
# 8 MiB file over HTTP with its uplink paced at 8 Mbit/s (tbf, as in
# scn-3.4-1n) and echoing a 1 kHz UDP stream (mif-whoami). The mobile node
# is tests/tools/mif-mn (the logic of src/daemon/mobility/mn.c) on the home
# address 2001:db8:100::10, registered through 2001:db8:f::1.
# Each run: a download to the home address (curl, one TCP connection,
# aborted when no byte comes for 10 s) and the UDP stream from it; 1.5 s
# in, the serving home agent is killed (kill -9).
#   1. the plain deployment: one home agent (mif-had in ha1 holding
#      2001:db8:f::1 itself, no store, no VRRP), as the base specification
#      (RFC 6275) has it.
#   2. mif: mif-had in ha1 and ha2, the binding cache in Redis, the shared
#      address moved by keepalived (VRRPv3, 100 ms); ha1's mif-had and
#      keepalived are killed.
# Measured: bytes at the kill and in the end, curl's status, connections,
# the file compared byte for byte, the longest stall of the download, the
# longest gap of the UDP stream; for mif which agent took over.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

scn_init 3.4-ha 3.4 "Mobility, the home agent as a single point of failure (MIPv6 multihoming analysis 6.2.3): the home agent is killed under a running TCP transfer"
world_require curl nft python3 cmp tc redis-server redis-cli keepalived
scn_mob_tools
# shellcheck source=../world/ha-pair.sh
. "$SCN_DIR/../world/ha-pair.sh"
hapair_world
CN=2001:db8:c::2
URL="http://[$CN]:8080/big"
SIZE=$((8 << 20))

world_exec cn dd if=/dev/urandom of="$WORLD_TMP/big" bs=1M count=$((SIZE >> 20)) status=none
world_bg cn http python3 -m http.server -b "$CN" -d "$WORLD_TMP" 8080
world_bg cn whoami "$WHOAMI" -n cn -p 9000 -6
ip netns exec "$(world_ns cn)" tc qdisc add dev eth0 root tbf rate 8mbit burst 64kb latency 400ms ||
	world_fail "tc tbf on cn"
fsize() { stat -c %s "$1" 2>/dev/null || echo 0; }

# transfer PHASE KILL...: the download and the UDP stream from the home
# address; the command KILL runs 1.5 s in; curl is waited for (60 s at most).
# Writes $WORLD_TMP/PHASE.json.
transfer() {
	local phase=$1 got="$WORLD_TMP/got-$1" pid ppid tkill at_kill w
	shift
	rm -f "$got"
	world_bg mn "curl-$phase" curl -sS --speed-limit 1 --speed-time 10 -o "$got" \
		-w 'curl-result %{num_connects} %{size_download}\n' "$URL"
	pid=$WORLD_LAST_PID
	world_bg mn "probe-$phase" "$PROBE" -d "$CN" -p 9000 -i 1000 -n 14000 -s "$HOA"
	ppid=$WORLD_LAST_PID
	world_wait_for "the download running ($phase)" 10 sh -c "[ \$(stat -c %s $got 2>/dev/null || echo 0) -gt 1000000 ]"
	sleep 0.5
	at_kill=$(fsize "$got")
	step "$phase: $((at_kill >> 10)) KiB downloaded to the home address; kill -9 of the serving home agent now"
	tkill=$(world__now_ms)
	"$@"
	scn_follow_download "$pid" "$got" "$SIZE" "$at_kill" "$tkill"
	wait "$ppid" || world_fail "probe ($phase) failed"
	w=$(grep -m1 '^curl-result ' "$WORLD_TMP/curl-$phase.log" || true)
	step "$phase: curl status $SCN_DL_RC, $SCN_DL_BYTES of $SIZE bytes, longest stall $SCN_DL_STALL ms; UDP: $(tail -1 "$WORLD_TMP/probe-$phase.log")"
	jq -cn --argjson at "$at_kill" --argjson got "$SCN_DL_BYTES" --argjson size "$SIZE" \
		--arg rc "$SCN_DL_RC" --arg w "$w" --argjson stall "$SCN_DL_STALL" \
		--argjson after "$(((SCN_DL_END - tkill) / 100))" \
		--arg same "$(cmp -s "$WORLD_TMP/big" "$got" && echo yes || echo no)" \
		--arg err "$(grep -m1 '^curl: ' "$WORLD_TMP/curl-$phase.log" || true)" \
		--argjson udp "$(tail -1 "$WORLD_TMP/probe-$phase.log")" \
		'{file_bytes: $size, bytes_at_kill: $at, bytes_received: $got, curl_status: $rc,
		  curl_error: $err, connections: (($w | split(" ")[1] // "0") | tonumber? // 0),
		  identical: $same, longest_stall_ms: $stall, seconds_after_kill: ($after / 10),
		  udp_sent: $udp.sent, udp_lost: $udp.lost, udp_longest_gap_ms: $udp.longest_gap_ms}' \
		>"$WORLD_TMP/$phase.json"
}

# ---- 1. one home agent ----
step "plain: one home agent (mif-had in ha1 holds $VIP itself, no store, no VRRP)"
sed '/^\[store\]/,/^$/d' "$WORLD_TMP/had1.conf" >"$WORLD_TMP/had0.conf"
ip -n "$(world_ns ha1)" -6 addr add "$VIP/64" dev eth0 nodad
world_bg ha1 had0 "$HAD" -c "$WORLD_TMP/had0.conf"
HAD0=$WORLD_LAST_PID
world_wait_for "mif-had in ha1" 10 test -S "$WORLD_TMP/had1.sock"
hapair_mn
hapair_registered
kill_single() {
	world_log "kill -9 mif-had ($HAD0) in ha1, the only home agent"
	kill -9 "$HAD0"
}
transfer plain kill_single
plain=$(cat "$WORLD_TMP/plain.json")
world_log "plain: $plain"

# The plain deployment goes: the mobile node, its TUN device, the address.
kill -TERM "$MN_PID"
wait "$MN_PID" || true
ip -n "$(world_ns mn)" link del mifmn0
ip -n "$(world_ns ha1)" -6 addr del "$VIP/64" dev eth0
rm -f "$WORLD_TMP/had1.sock" "$WORLD_TMP/mn.json"

# ---- 2. two home agents, Redis, VRRP ----
step "mif: mif-had in ha1 and ha2, the binding cache in Redis, $VIP moved by keepalived"
hapair_up
transfer mif kill_ha 1
world_wait_for "two bindings alive on ha2" 10 bindings_on 2
took=$(had 2 | jq -c '{ha2_active: .active, bindings_loaded: .redundancy.bindings_loaded}')
mif=$(jq -c --argjson t "$took" --arg v "$(holds_vip 2 && echo ha2 || echo other)" \
	'. + $t + {shared_address_on: $v}' "$WORLD_TMP/mif.json")
world_log "mif: $mif"

say() {
	jq -r '"download to the home address: \(.bytes_at_kill) bytes at the kill, \(.bytes_received) of \(.file_bytes) in the end" +
		(if .identical == "yes" then ", byte-identical" else "" end) +
		" over \(.connections) connection, " +
		(if .curl_status == "0" then "complete \(.seconds_after_kill) s after the kill (longest stall \(.longest_stall_ms) ms)"
		 else "curl gave up (status \(.curl_status): \(.curl_error | sub("^curl: \\([0-9]+\\) "; "")); no byte for the last \(.longest_stall_ms) ms)" end) +
		"; 1 kHz UDP stream: \(.udp_lost) of \(.udp_sent) lost, longest gap \(.udp_longest_gap_ms) ms" +
		(if .shared_address_on then "; \(.shared_address_on) took the shared address, \(.bindings_loaded) binding loaded from Redis" else "" end)' <<<"$1"
}
pf=0 mf=0
jq -e '.bytes_received < .file_bytes and .curl_status != "0"' <<<"$plain" >/dev/null && pf=1
jq -e '.bytes_received == .file_bytes and .identical == "yes" and .curl_status == "0" and
	.connections == 1 and .bytes_at_kill < .file_bytes and .shared_address_on == "ha2" and
	.udp_longest_gap_ms < 1000' <<<"$mif" >/dev/null && mf=1
scn_verdict "$pf" "$mf" "$(say "$plain")" "$(say "$mif")" \
	"the home agent is no single point of failure: keepalived moved the shared address to the standby agent when the VRRP advertisements stopped, the standby's mif-had loaded the binding from Redis and answered the mobile node's heartbeats and re-registration; the TCP connection and the home address never changed" \
	"$(jq -cn --argjson p "$plain" --argjson m "$mif" '{plain: $p, mif: $m}')"
