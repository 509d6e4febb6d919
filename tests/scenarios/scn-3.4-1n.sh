#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Problem statement 3.4 (RFC 6418): when the network carrying a session
# goes away, only IP mobility can keep the session; the MIPv6 multihoming
# analysis (draft-ietf-monami6-mipv6-analysis, 5.3) calls the host with
# one home address and several care-of addresses the (1,n) configuration,
# whose reliability is recovery from a failed care-of address. Issue 15.
#
#   h eth1 -- r1 (radvd 2001:db8:1::/64, preference high) -- core -- ha (mif-had)
#   h eth2 -- r2 (radvd 2001:db8:2::/64)                 --/ |  \-- cn 2001:db8:c::2
#   h eth3 -- r3 (dnsmasq DHCPv4 192.168.3.0/24, NAT)    --/     (HTTP, 8 MiB file)
#
# The world of tests/world/test-mobility-mifd.sh: each IPv6 access router
# drops sources not its own (BCP 38, scn_ingress_filter), r3 is IPv4 only
# and masquerades. r1's RAs have preference high so a plain host's default
# is N1, the network mif's `prefer =` puts first too.
# Each run: a download from cn (curl, one TCP connection, aborted when no
# byte comes for 10 s), paced by cn's uplink (tbf, 8 Mbit/s: curl's own
# --limit-rate reads in bursts, so the kernel would hold most of the file
# before the cut); 1.5 s in, N1 loses carrier (r1's end of the link goes
# down), the other two networks stay.
#   1. the plain host (kernel SLAAC and RA default routes, dhclient on
#      eth3): the download to its address on N1.
#   2. mifd as mobile node ([mobility], one care-of path per PvD, mif-had
#      in ha): the download to the home address 2001:db8:100::10.
# Measured: bytes at the cut and at the end, curl's exit status, time to
# the end, connections used, the file compared byte for byte, a new
# connection after the cut (the host is not offline), the routers' BCP 38
# drops; for mif the BIDs, the move of the uplink and the time it took.
# (1,1) with home and foreign attachment at once: scn-3.4-11.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$SCN_DIR/../world/mobility-mifd.sh"

scn_init 3.4-1n 3.4 "Mobility, (1,n) of the MIPv6 multihoming analysis: one home address, three care-of addresses; the network carrying a download loses carrier"
world_require radvd dnsmasq nft curl python3 cmp tc
MOBD_PREF1=high MOBD_FILTER=scn_ingress_filter mobd_world h
URL="http://[$CN]:8080/big"
SIZE=$((8 << 20))

# The correspondent: an HTTP server that knows nothing of mobility.
world_exec cn dd if=/dev/urandom of="$WORLD_TMP/big" bs=1M count=$((SIZE >> 20)) status=none
world_bg cn http python3 -m http.server -b "$CN" -d "$WORLD_TMP" 8080
# The correspondent's uplink: 8 Mbit/s (token bucket; the burst holds a
# few full-size packets, GSO packets are cut to fit).
ip netns exec "$(world_ns cn)" tc qdisc add dev eth0 root tbf rate 8mbit burst 64kb latency 400ms ||
	world_fail "tc tbf on cn"
world_wait_for "the correspondent's HTTP server" 10 sh -c \
	"ip netns exec $(world_ns cn) ss -Hltn | grep -q ':8080'"

H=$(world_ns h)
fsize() { stat -c %s "$1" 2>/dev/null || echo 0; }
# The local address of the download's connection, as the host's kernel has it.
conn_local() {
	ip netns exec "$H" ss -Htn state established dst "[$CN]:8080" |
		awk '{ a = $3; sub(/^\[/, "", a); sub(/\]:[0-9]+$/, "", a); print a; exit }'
}

# download PHASE RUNNER CUT_FN AFTER_FN: the download with RUNNER
# (scn_plain_bg or world_bg h); N1 is cut 1.5 s in, then CUT_FN runs; curl
# is waited for (60 s at most), then AFTER_FN runs. Writes
# $WORLD_TMP/PHASE.json.
download() {
	local phase=$1 runner=$2 cut=$3 after=$4 got="$WORLD_TMP/got-$1" pid t0 tcut tend rc
	local at_cut last_growth n stall local_addr d1 d2 w
	d1=$(scn_ingress_drops r1) d2=$(scn_ingress_drops r2)
	rm -f "$got"
	t0=$(world__now_ms)
	$runner "curl-$phase" curl -sS --speed-limit 1 --speed-time 10 -o "$got" \
		-w 'curl-result %{num_connects} %{size_download} %{local_ip}\n' "$URL"
	pid=$WORLD_LAST_PID
	world_wait_for "the download running ($phase)" 10 sh -c "[ \$(stat -c %s $got 2>/dev/null || echo 0) -gt 1000000 ]"
	local_addr=$(conn_local)
	sleep 0.5
	step "$phase: downloading from $CN to $local_addr: $(($(fsize "$got") >> 10)) KiB so far; N1 loses carrier now"
	tcut=$(world__now_ms)
	at_cut=$(fsize "$got")
	ip -n "$(world_ns r1)" link set eth0 down
	"$cut"
	# Wait for curl: the whole file, or no byte for 10 s (curl gives up).
	scn_follow_download "$pid" "$got" "$SIZE" "$at_cut" "$tcut"
	rc=$SCN_DL_RC tend=$SCN_DL_END n=$SCN_DL_BYTES stall=$SCN_DL_STALL last_growth=$SCN_DL_LAST
	w=$(grep -m1 '^curl-result ' "$WORLD_TMP/curl-$phase.log" || true)
	if [ "$n" = "$SIZE" ] && [ "$rc" = 0 ]; then
		step "$phase: curl finished $(((tend - tcut) / 1000)) s after the cut: all $n bytes, the longest stall $stall ms"
	else
		step "$phase: curl gave up $(((tend - tcut) / 1000)) s after the cut (status $rc): $n of $SIZE bytes, none after $((last_growth - tcut)) ms"
	fi
	"$after"
	jq -cn --arg addr "$local_addr" --argjson at_cut "$at_cut" --argjson got "$n" \
		--argjson size "$SIZE" --arg rc "$rc" --arg w "$w" \
		--argjson secs "$(((tend - t0) / 100))" --argjson last "$((last_growth - tcut))" \
		--argjson after "$(((tend - tcut) / 100))" --argjson stall "$stall" \
		--arg same "$(cmp -s "$WORLD_TMP/big" "$got" && echo yes || echo no)" \
		--arg err "$(grep -m1 '^curl: ' "$WORLD_TMP/curl-$phase.log" || true)" \
		--argjson d1 "$(($(scn_ingress_drops r1) - d1))" \
		--argjson d2 "$(($(scn_ingress_drops r2) - d2))" \
		'{local_address: $addr, file_bytes: $size, bytes_at_cut: $at_cut, bytes_received: $got,
		  last_byte_ms_after_cut: $last, longest_stall_ms_after_cut: $stall, curl_status: $rc, curl_error: $err,
		  connections: (($w | split(" ")[1] // "0") | tonumber? // 0),
		  identical: $same, seconds: ($secs / 10), seconds_after_cut: ($after / 10),
		  dropped_by_r1: $d1, dropped_by_r2: $d2}' >"$WORLD_TMP/$phase.json"
}

# ---- 1. the plain host ----
scn_plain_start h
scn_plain_dhclient eth3
scn_wait_addr h eth1 2001:db8:1:
scn_wait_addr h eth2 2001:db8:2:
scn_wait_addr h eth3 192.168.3.
world_wait_for "the plain host's route to the correspondent through N1" 15 sh -c \
	"ip -n $H -6 route get $CN | grep -q 'dev eth1'"
plain_after() {
	local r
	# What the kernel does once the download gave up: the route, and a new
	# connection to the correspondent.
	r=$(ip -n "$H" -6 route get "$CN" | grep -o 'dev [^ ]*' || echo unreachable)
	scn_plain curl -s -m 3 -o /dev/null -r 0-0 -w '%{local_ip}' "$URL" >"$WORLD_TMP/plain-new" 2>/dev/null || true
	jq -cn --arg r "$r" --arg n "$(cat "$WORLD_TMP/plain-new")" \
		'{route_after_cut: $r, new_connection_from: (if $n == "" then "none" else $n end)}' \
		>"$WORLD_TMP/plain-after.json"
}
step "plain: the host without mifd's mobile-node role (kernel SLAAC, dhclient)"
download plain scn_plain_bg : plain_after
plain=$(jq -c -s '.[0] + .[1]' "$WORLD_TMP/plain.json" "$WORLD_TMP/plain-after.json")
world_log "plain: $plain"

# N1 comes back; the plain host's DHCP client releases its lease.
ip -n "$(world_ns r1)" link set eth0 up
scn_plain_stop_tools

# ---- 2. mifd as mobile node ----
step "mif: mifd as mobile node, the home agent mif-had, the download to the home address"
world_mifd h --config "$WORLD_TMP/mifd.conf"
world_wait_for "three care-of paths (two from RAs, one from DHCPv4), all alive" 40 all_alive
world_wait_for "uplink on eth1 (prefer = eth1 eth2 eth3)" 10 uplink_is eth1
B1=$(bid_on eth1) B2=$(bid_on eth2)
world_wait_for "home agent downlink on eth1's BID" 10 downlink_on "$B1"
world_wait_for "the route to the correspondent through the home address" 10 sh -c \
	"ip -n $H -6 route get $CN | grep -q 'src $HOA'"
bindings=$(mob | jq -c '[.bindings[] | {bid, interface, coa, state}]')
step "mif: registered with mif-had: $(jq -r 'map("BID \(.bid) \(.interface) \(.coa)") | join(", ")' <<<"$bindings")"
mif_cut() {
	local sw moved
	world_wait_for "uplink moved to eth2" 10 uplink_is eth2
	world_wait_for "home agent downlink on eth2's BID" 10 downlink_on "$B2"
	sw=$(mob | jq -c --argjson a "$B1" '[.switches[] | select(.from_bid == $a)] | last')
	moved=$(($(world__now_ms) - tcut - $(jq '.ms_ago // 0' <<<"$sw")))
	step "mif: uplink moved from BID $B1 (eth1) to BID $B2 (eth2) $moved ms after the cut ($(jq -r '.why // ""' <<<"$sw"))"
	jq -cn --argjson b "$bindings" --argjson sw "$sw" --argjson m "$moved" \
		'{bindings: $b, switch: $sw, uplink_moved_ms_after_cut: $m}' >"$WORLD_TMP/mif-after.json"
}
download mif "world_bg h" mif_cut :
mif=$(jq -c -s '.[0] + .[1]' "$WORLD_TMP/mif.json" "$WORLD_TMP/mif-after.json")
world_log "mif: $mif"

say() {
	jq -r '"download to \(.local_address): \(.bytes_at_cut) bytes at the cut, \(.bytes_received) of \(.file_bytes) in the end" +
		(if .identical == "yes" then ", byte-identical" else "" end) +
		" over \(.connections) connection, " +
		(if .curl_status == "0" then "complete \(.seconds_after_cut) s after the cut (longest stall \(.longest_stall_ms_after_cut) ms)"
		 else "curl gave up \(.seconds_after_cut) s after the cut (status \(.curl_status): \(.curl_error | sub("^curl: \\([0-9]+\\) "; "")); no byte for the last \(.longest_stall_ms_after_cut) ms)" end) +
		(if .new_connection_from == null then "" elif .new_connection_from == "none" then "; a new connection to the correspondent then failed too (route: \(.route_after_cut))"
		 else "; a new connection then went from \(.new_connection_from) (route: \(.route_after_cut))" end) +
		(if .uplink_moved_ms_after_cut then "; the uplink moved from eth1 to eth2 \(.uplink_moved_ms_after_cut) ms after the cut" else "" end) +
		"; BCP 38 drops r1: \(.dropped_by_r1), r2: \(.dropped_by_r2)"' <<<"$1"
}
pf=0 mf=0
jq -e '(.local_address | startswith("2001:db8:1:")) and .bytes_received < .file_bytes and .curl_status != "0"' \
	<<<"$plain" >/dev/null && pf=1
jq -e --arg h "$HOA" '.local_address == $h and .bytes_received == .file_bytes and .identical == "yes" and
	.curl_status == "0" and .connections == 1 and .bytes_at_cut < .file_bytes' <<<"$mif" >/dev/null && mf=1
scn_verdict "$pf" "$mf" "$(say "$plain")" "$(say "$mif")" \
	"the connection is bound to the home address, which stays on mifd's TUN device; the home agent moved the downlink and mifd the uplink to the next care-of address (RFC 5648 BIDs, one per PvD), each outer packet leaving through the network that owns its source" \
	"$(jq -cn --argjson p "$plain" --argjson m "$mif" '{plain: $p, mif: $m}')"
