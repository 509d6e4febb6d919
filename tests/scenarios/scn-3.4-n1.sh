#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Problem statement 3.4 with the MIPv6 multihoming analysis
# (draft-ietf-monami6-mipv6-analysis) 5.2 and 6.3.1: the (n,1)
# configuration, two home addresses from one home agent, one of them used
# as the care-of address of the other, and a loop of such bindings refused
# (RFC 6275 9.5.1: a BU whose care-of address leads back to its home
# address is discarded).
#
# The world of tests/world/test-mobility-hoas.sh (mob_world and
# mob_hoas_world in tests/world/mobility.sh): the mobile node on N1 and N2
# (BCP 38 on both), the home agent ha serving HoA1 2001:db8:100::10 and
# HoA1b 2001:db8:100::20 of the same node, a correspondent serving an
# 8 MiB file, its uplink paced at 16 Mbit/s. A download (curl, one TCP
# connection, given up after 10 s without a byte); N1 loses
# carrier once 1 MB came.
#   1. the plain host (no mobility software; its N1 address routed out of
#      N1 by a source rule): the download to its N1 address. The analysis
#      (5.2): "for sessions directly opened via the CoA, the loss of the
#      address implies a re-initiation of the session". The plain host
#      has no home address, so it has no binding that could nest or loop.
#   2. mif's mobile-node logic (tests/tools/mif-mn; mifd runs the same
#      nesting, tests/world/test-mobility-mifd-hoas.sh): HoA1 on N1 and N2, HoA1b
#      with HoA1 as its only care-of address (--via h1); the download to
#      HoA1b. Then a Binding Update for HoA1 with HoA1b as care-of address
#      (tests/tools/mif-mh-send, a mobile node without mif-mn's check) and
#      mif-mn started with h1 over h1b and h1b over h1.
# Measured: the download's bytes, curl's status, connections, the file
# compared; for mif the bindings at ha (HoA1b's peer), the move of HoA1,
# ha's drop_loop counter, HoA1's bindings before and after the looping BU,
# and mif-mn's refusal.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

scn_init 3.4-n1 3.4 "Mobility, (n,1) of the MIPv6 multihoming analysis: two home addresses from one home agent, one the care-of address of the other (6.3.1), a loop refused; the network under them loses carrier"
world_require nft curl jq python3 tc cmp
scn_mob_tools
# shellcheck source=../world/mobility.sh
. "$SCN_DIR/../world/mobility.sh"
mob_world
mob_hoas_world
SIZE=8388608

world_wait_for "the correspondent's HTTP server" 10 sh -c \
	"ip netns exec $(world_ns cn) ss -Hltn | grep -q ':8080'"

# fetch PHASE SRC: the download to SRC; N1 loses carrier once 1 MB came; waits
# for curl (40 s at most). Writes $WORLD_TMP/PHASE.json.
fetch() {
	local phase=$1 got="$WORLD_TMP/$1.got" at rc=0 n w
	get "$phase" "$2"
	world_wait_for "the download running ($phase)" 10 sh -c \
		"[ \$(stat -c %s $got 2>/dev/null || echo 0) -gt 1000000 ]"
	at=$(stat -c %s "$got" 2>/dev/null || echo 0)
	step "$phase: $((at >> 10)) KiB downloaded to $2; N1 loses carrier now"
	ip -n "$(world_ns r1)" link set eth0 down
	[ "$phase" = plain ] || world_wait_for "HoA1 moved to eth2" 5 jq -e '.uplink == "eth2"' "$WORLD_TMP/h1.json"
	for _ in $(seq 1 400); do world__alive "$GOT_PID" || break; sleep 0.1; done
	if world__alive "$GOT_PID"; then kill -TERM "$GOT_PID"; fi
	wait "$GOT_PID" || rc=$?
	n=$(stat -c %s "$got" 2>/dev/null || echo 0)
	w=$(tail -1 "$WORLD_TMP/$phase.log")
	step "$phase: curl status $rc, $n of $SIZE bytes"
	jq -cn --arg to "$2" --argjson at "$at" --argjson n "$n" --argjson size "$SIZE" --arg rc "$rc" \
		--arg w "$w" --arg same "$(cmp -s "$WORLD_TMP/f8" "$got" && echo yes || echo no)" \
		'{to: $to, file_bytes: $size, bytes_at_cut: $at, bytes_received: $n, curl_status: $rc,
		  connections: (($w | split(" ")[0]) | tonumber? // 0), identical: $same}' \
		>"$WORLD_TMP/$phase.json"
}

# ---- 1. the plain host ----
step "plain: no mobility software; the download to the N1 address"
fetch plain 2001:db8:1::10
plain=$(cat "$WORLD_TMP/plain.json")
world_log "plain: $plain"
ip -n "$(world_ns r1)" link set eth0 up
world_wait_for "eth1 back" 10 world_exec mn ping -6 -c 1 -W 1 -I eth1 2001:db8:1::1

# ---- 2. mif-mn: HoA1b over HoA1 ----
step "mif: HoA1 on eth1 and eth2, HoA1b with HoA1 as its care-of address"
# HoA1b's signalling to ha's outer address leaves from HoA1, through HoA1's
# tunnel; the correspondent's route fits inside two encapsulations.
ip -n "$(world_ns mn)" -6 rule add from "$HOA1" to "$HA" lookup 151 priority 51
ip -n "$(world_ns mn)" -6 route add "$HA" dev mifmn0 table 151
ip -n "$(world_ns mn)" -6 route change 2001:db8:c::/64 dev mifmn0 src "$HOA1" mtu 1300
# shellcheck disable=SC2046
start_mn mn-nest $(h1 --path eth1,2001:db8:1::10,0 --path eth2,2001:db8:2::10,2) \
	--home h1b --hoa "$HOA1B" --ha "$HA_IN" --ha6 "$HA" --spi 257 \
	--key-file "$WORLD_TMP/mn1.key" --status "$WORLD_TMP/h1b.json" --via h1
world_wait_for "HoA1 bound on eth1 and eth2" 10 bindings had_status 0 2
world_wait_for "HoA1b bound at ha with HoA1 as care-of address" 10 bash -c \
	"$HAD --status -s $WORLD_TMP/had.sock | jq -e '.mobile_nodes[1].bindings | length == 1 and .[0].peer == \"$HOA1\" and .[0].state == \"alive\"'"
fetch mif "$HOA1B"
nested=$(had_status | jq -c --arg h "$HOA1" '.mobile_nodes[1].bindings[0] | {peer, state, still_over_hoa1: (.peer == $h)}')
world_log "HoA1b after the cut: $nested"
ip -n "$(world_ns r1)" link set eth0 up

# A BU for HoA1 with HoA1b as care-of address, properly signed: ha drops it.
before=$(had_status | jq -c '.mobile_nodes[0].bindings | map({bid, peer})')
loops0=$(had_status | jq '.counters.drop_loop')
world_exec mn "$MHSEND" --to "$HA" --hoa "$HOA1" --ha "$HA_IN" --coa "$HOA1B" --spi 256 \
	--key-hex "$KEY"
loop_counted() { had_status | world_jq --argjson n "$loops0" '.counters.drop_loop == $n + 1'; }
world_wait_for "ha: the looping BU counted as drop_loop" 5 loop_counted
after=$(had_status | jq -c '.mobile_nodes[0].bindings | map({bid, peer})')
stop_mn
# mif-mn itself refuses a configuration whose home addresses nest in a loop.
set +e
# shellcheck disable=SC2046
world_exec mn "$MN" "${MN_COMMON[@]}" $(h1 --path eth1,2001:db8:1::10,0 --via eth1 --via h1b) \
	--home h1b --hoa "$HOA1B" --ha "$HA_IN" --ha6 "$HA" --spi 257 \
	--key-file "$WORLD_TMP/mn1.key" --status "$WORLD_TMP/h1b.json" --via h1 \
	>"$WORLD_TMP/loop.out" 2>&1
mnrc=$?
set -e
world_log "mif-mn with a loop: exit $mnrc: $(cat "$WORLD_TMP/loop.out")"
mif=$(jq -c --argjson nest "$nested" --arg b "$before" --arg a "$after" \
	--argjson drop "$(had_status | jq '.counters.drop_loop')" --argjson mnrc "$mnrc" \
	--arg why "$(grep -o 'refused: loop: [^ ]*\( -> [^ ]*\)*' "$WORLD_TMP/loop.out" | head -1)" \
	'. + {hoa1b_binding: $nest, looping_bu_drop_loop: $drop, hoa1_unchanged: ($b == $a),
	      mn_loop_exit: $mnrc, mn_loop_refusal: $why}' "$WORLD_TMP/mif.json")
world_log "mif: $mif"

say() {
	jq -r '"download to \(.to): \(.bytes_at_cut) bytes at the cut, \(.bytes_received) of \(.file_bytes) in the end" +
		(if .identical == "yes" then ", byte-identical" else "" end) +
		" over \(.connections) connection, curl status \(.curl_status)" +
		(if .hoa1b_binding then "; HoA1b stayed bound over HoA1 (\(.hoa1b_binding.state)) while HoA1 moved to eth2; a BU making HoA1b the care-of address of HoA1 dropped by the home agent (drop_loop \(.looping_bu_drop_loop), HoA1 bindings " + (if .hoa1_unchanged then "unchanged" else "CHANGED" end) + "); mif-mn with h1 over h1b over h1: exit \(.mn_loop_exit), \"\(.mn_loop_refusal)\""
		 else "; no home address, so nothing to nest and no loop to refuse" end)' <<<"$1"
}
pf=0 mf=0
jq -e '.connections == 1 and .bytes_at_cut > 0 and .bytes_received < .file_bytes and .curl_status != "0"' <<<"$plain" >/dev/null && pf=1
jq -e '.bytes_received == .file_bytes and .identical == "yes" and .curl_status == "0" and
	.connections == 1 and .bytes_at_cut < .file_bytes and .hoa1b_binding.still_over_hoa1 and
	.hoa1b_binding.state == "alive" and .hoa1_unchanged and .mn_loop_exit == 1 and
	(.mn_loop_refusal | startswith("refused: loop: h1 -> h1b -> h1"))' <<<"$mif" >/dev/null && mf=1
scn_verdict "$pf" "$mf" "$(say "$plain")" "$(say "$mif")" \
	"HoA1b's one care-of address is HoA1 (6.3.1), which the mobile node moved to eth2 when N1 lost carrier; HoA1b's binding did not have to change. Circular bindings are refused at both ends: the home agent discards the BU (RFC 6275 9.5.1, counted as drop_loop) and mif-mn refuses the configuration (src/daemon/mobility/mob_hoa.c)" \
	"$(jq -cn --argjson p "$plain" --argjson m "$mif" '{plain: $p, mif: $m}')"
