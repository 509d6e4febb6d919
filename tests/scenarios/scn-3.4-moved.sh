#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Problem statement 3.4 with the MIPv6 multihoming analysis
# (draft-ietf-monami6-mipv6-analysis) 6.3.3, "Binding HoA to interface": a
# home address moved to another interface (issue 16). The world of
# test-mobility-home.sh (tests/world/mob-home.sh):
#
#   h eth1 --+ sw (the home link, 2001:db8:100::/64) +-- ha eth1 (the home agent, its router)
#   h eth3 --+ (port down at first)                     ha eth0 -- core -- cn 2001:db8:c::2
#   h eth2 -- r2 (2001:db8:2::/64, BCP 38) -------------------------/
#
# h holds the home address 2001:db8:100::10/64 on both home-link interfaces
# eth1 and eth3 (a default route through each, eth1 first) and 2001:db8:2::10
# on eth2. A download from cn to the home address (curl, one TCP connection,
# 8 Mbit/s by cn's tbf) runs; 1.5 s in eth1 loses carrier (its switch port
# goes down), 4 s later the home link comes back on eth3 (its port comes up).
#   1. the plain host, twice: with the kernel's defaults, and with routes
#      without carrier skipped (ignore_routes_with_linkdown=1 on eth1 and
#      eth3, the setting mif's run uses too).
#   2. mif: mif-had with home_link = eth1 and tests/tools/mif-mn
#      (src/daemon/mobility/mn.c) with eth1 and eth3 as home interfaces
#      (H flag, the home address itself) and eth2 as a foreign one.
# Measured each time: bytes at the cut and in the end, curl's status,
# connections, the file compared, the longest stall; whether the correspondent
# reaches the home address once it is on eth3 (a ping), and the link-layer
# address the agent's neighbor cache holds for it at the end; for mif the
# agent's tunnel packets while away and its state (proxy entry, /128 route).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
# shellcheck source=../world/mob-home.sh
. "$(dirname "$0")/../world/mob-home.sh"

scn_init 3.4-moved 3.4 "Mobility, a home address moved to another interface (6.3.3 of the MIPv6 multihoming analysis): the home link loses carrier on eth1 and comes back on eth3"
world_require nft curl python3 cmp tc ping
mobh_scn_setup
HOA=$MOBH_HOA
CN=$MOBH_CN

mobh_world eth3
mobh_cn_serve

linkdown() {
	world_sysctl h "net.ipv6.conf.eth1.ignore_routes_with_linkdown=$1" \
		"net.ipv6.conf.eth3.ignore_routes_with_linkdown=$1"
}
hoa_ready() { # the home address usable on IF (not tentative)
	ip -n "$(world_ns h)" -o addr show dev "$1" -tentative | grep -q " $HOA/64"
}
ping_n() { # answered pings of N from the correspondent to the home address
	world_exec cn ping -6 -c "$1" -i 0.2 -W 1 "$HOA" 2>/dev/null |
		awk '/received/ { for (i = 1; i <= NF; i++) if ($i == "received,") print $(i - 1) }' || true
}
# home_again: eth1 on the home link again, eth3 off it, neighbor caches
# emptied (between runs).
home_again() {
	mobh_port ph3 down
	mobh_port ph1 up
	ip -n "$(world_ns ha)" -6 neigh flush dev eth1
	ip -n "$(world_ns h)" -6 neigh flush dev eth1
	world_wait_for "the home address usable on eth1" 10 hoa_ready eth1
}
moved_ping=0 moved_mac="" reach_ms=-1 reach_entry=""
# The download gives up after 30 s without a byte: time enough for TCP to
# come back if the home address on eth3 becomes reachable.
MOBH_SPEED_TIME=30
# plain_cut: 4 s without the home link, then it comes back on eth3.
plain_cut() {
	sleep 4
	local t0 i
	step "plain: the home link comes back on eth3"
	mobh_port ph3 up
	t0=$(world__now_ms)
	world_wait_for "the home address usable on eth3" 10 hoa_ready eth3
	moved_ping=$(ping_n 5)
	moved_mac=$(mobh_ha_neigh_mac)
	# Then: how long until the correspondent reaches the home address on
	# eth3 at all, from the port up (one ping every 0.5 s, 25 s at most).
	reach_ms=-1
	for ((i = 0; i < 50; i++)); do
		if [ "$(ping_n 1)" = 1 ]; then reach_ms=$(($(world__now_ms) - t0)); break; fi
		sleep 0.5
	done
	reach_entry=$(ip -n "$(world_ns ha)" -6 neigh show "$HOA" dev eth1 | tr -s ' ')
	step "plain: home address on eth3 reached after $reach_ms ms; the agent's entry: $reach_entry"
}
# plain_run PHASE IGNORE_LINKDOWN
plain_run() {
	moved_ping=0 moved_mac="" reach_ms=-1 reach_entry=""
	linkdown "$2"
	world_wait_for "the route to the correspondent on eth1" 10 sh -c \
		"ip -n $(world_ns h) -6 route get $CN | grep -q 'dev eth1'"
	step "$1: ignore_routes_with_linkdown=$2, no mobility"
	mobh_download "$1" : plain_cut
	jq -c --argjson p "${moved_ping:-0}" --arg m "$moved_mac" --arg e3 "$(mobh_mac_of eth3)" \
		--argjson l "$2" --argjson r "$reach_ms" --arg re "$reach_entry" \
		'. + {ignore_routes_with_linkdown: $l, pings_answered_on_eth3_of_5: $p,
		ms_until_reached_on_eth3: $r, agent_neighbor_entry_then: $re,
		agent_neighbor_entry: $m, neighbor_entry_is_eth3: ($m == $e3)}' "$WORLD_TMP/$1.json" \
		>"$WORLD_TMP/$1-all.json"
	home_again
}

# ---- 1. the plain host ----
step "plain: the host with the home address on eth1 and eth3, and a second network (the kernel alone)"
world_wait_for "the home address usable on eth1" 10 hoa_ready eth1
plain_run plain 0
plain=$(cat "$WORLD_TMP/plain-all.json")
world_log "plain: $plain"
plain_run plain-linkdown 1
plain2=$(cat "$WORLD_TMP/plain-linkdown-all.json")
world_log "plain, routes without carrier skipped: $plain2"

# ---- 2. mif ----
step "mif: mif-had with home_link = eth1; the mobile node with eth1 and eth3 at home (H flag) and eth2 foreign"
linkdown 1
mobh_had_start
mobh_mn_start "eth1,$HOA,0,home" eth2,2001:db8:2::10,1 "eth3,$HOA,0,home"
mobh_wait_home
bindings=$(had_status | jq -c '[.mobile_nodes[0].bindings[] | {bid, coa, home, priority}]')
step "mif: bindings at the home agent: $bindings"
mac_before=""
st_away=0 st_back=0 away_ok=0 back_ok=0 away_ping=0
mif_pre() { mac_before=$(mobh_ha_neigh_mac); }
mif_cut() {
	local t0
	t0=$(mobh_tun_rx)
	world_wait_for "away: downlink on BID 2, /128 into the tunnel, proxy entry" 10 sh -c \
		"$HAD --status -s $WORLD_TMP/had.sock | jq -e '.mobile_nodes[0].bindings |
			map(select(.downlink)) | .[0].bid == 2' >/dev/null"
	world_wait_for "the agent intercepts and proxies the home address" 5 mobh_away
	away_ok=1
	away_ping=$(ping_n 5)
	sleep 2
	st_away=$(($(mobh_tun_rx) - t0))
	step "mif: away 4 s: $st_away packets through the agent's tunnel device, $away_ping of 5 pings answered; the home link comes back on eth3"
	mobh_move_to_eth3
	back_ok=1
	t0=$(mobh_tun_rx)
	moved_ping=$(ping_n 5)
	st_back=$(($(mobh_tun_rx) - t0))
	moved_mac=$(mobh_ha_neigh_mac)
	step "mif: home through eth3: agent's neighbor entry $moved_mac, $moved_ping of 5 pings, $st_back packets through the tunnel"
}
mobh_download mif mif_pre mif_cut
mif=$(jq -c --argjson b "$bindings" --argjson a "$st_away" --argjson k "$st_back" \
	--argjson ao "$away_ok" --argjson bo "$back_ok" --argjson ap "${away_ping:-0}" \
	--argjson p "${moved_ping:-0}" --arg m "$moved_mac" --arg m0 "$mac_before" \
	--arg e1 "$(mobh_mac_of eth1)" --arg e3 "$(mobh_mac_of eth3)" \
	'. + {bindings: $b, tunnel_packets_away: $a, pings_answered_away_of_5: $ap,
	      tunnel_packets_back_home: $k, pings_answered_on_eth3_of_5: $p,
	      agent_neighbor_entry_before: $m0, agent_neighbor_entry: $m,
	      neighbor_entry_was_eth1: ($m0 == $e1), neighbor_entry_is_eth3: ($m == $e3),
	      away_state_seen: ($ao == 1), back_state_seen: ($bo == 1)}' "$WORLD_TMP/mif.json")
world_log "mif: $mif"

say() {
	jq -r '(if .ignore_routes_with_linkdown == 1 then "with ignore_routes_with_linkdown=1: " else "" end) +
		"download to \(.local_address): \(.bytes_at_cut) bytes at the cut, \(.bytes_received) of \(.file_bytes) in the end" +
		(if .identical == "yes" then ", byte-identical" else "" end) + " over \(.connections) connection, " +
		(if .curl_status == "0" then "complete \(.seconds_after_cut) s after the cut (longest stall \(.longest_stall_ms_after_cut) ms)"
		 else "curl gave up \(.seconds_after_cut) s after the cut (status \(.curl_status)); no byte for the last \(.longest_stall_ms_after_cut) ms" end) +
		(if .tunnel_packets_away == null then "" else
		 "; away: \(.tunnel_packets_away) packets through the home agent'"'"'s tunnel device, \(.pings_answered_away_of_5) of 5 pings answered" end) +
		"; home address on eth3: \(.pings_answered_on_eth3_of_5) of 5 pings answered, the agent'"'"'s neighbor entry " +
		(if .neighbor_entry_is_eth3 then "moved to eth3" else "\(.agent_neighbor_entry) (eth1'"'"'s, not eth3)" end) +
		(if .ms_until_reached_on_eth3 == null then "" elif .ms_until_reached_on_eth3 < 0 then
		 "; not reached on eth3 within 25 s" else
		 "; reached on eth3 \(.ms_until_reached_on_eth3) ms after its port came up (the agent'"'"'s entry: \(.agent_neighbor_entry_then))" end)' <<<"$1"
}
pf=0 mf=0
# The plain host fails when its download breaks, or stalls for more than 5 s.
jq -e --arg h "$HOA" '.local_address == $h and
	((.bytes_received < .file_bytes and .curl_status != "0") or .longest_stall_ms_after_cut > 5000)' \
	<<<"$plain" >/dev/null && pf=1
jq -e --arg h "$HOA" '.local_address == $h and .bytes_received == .file_bytes and .identical == "yes" and
	.curl_status == "0" and .connections == 1 and .bytes_at_cut < .file_bytes and
	.away_state_seen and .back_state_seen and .tunnel_packets_away > 100 and
	.pings_answered_away_of_5 == 5 and .pings_answered_on_eth3_of_5 == 5 and
	.tunnel_packets_back_home < 3 and .neighbor_entry_was_eth1 and .neighbor_entry_is_eth3' \
	<<<"$mif" >/dev/null && mf=1
scn_verdict "$pf" "$mf" "$(say "$plain"); $(say "$plain2")" "$(say "$mif")" \
	"eth1 and eth3 are both home interfaces of the home address (BIDs with the H flag, RFC 5648 5.6): while no home interface has the link the agent tunnels the home address to the foreign BID and proxies it on the home link (RFC 6275 10.4.1); when the link comes back on eth3 the node's uplink and the agent's downlink move to eth3's home BID, the proxy and /128 go and the agent resolves the home address to eth3 (6.3.3)" \
	"$(jq -cn --argjson p "$plain" --argjson p2 "$plain2" --argjson m "$mif" '{plain: $p, plain_linkdown: $p2, mif: $m}')"
