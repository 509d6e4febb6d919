#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Problem statement 3.4 with the MIPv6 multihoming analysis's load sharing
# goal (draft-ietf-monami6-mipv6-analysis section 3 and appendix A): bulk
# downloads shared over two networks by weight. Issue 16, item 2.
#
# The world of tests/world/mobility.sh. 16 TCP downloads (iperf3 -R, 3 s,
# one per server port 5201-5216 on cn, each from a fixed client port
# 41000-41015) at once, each paced by its server at 20 Mbit/s (iperf3 -b):
# bulk transfers limited by their servers, not by the paths, so the bytes
# follow how the connections were shared (unpaced, every connection takes
# what its path gives and the bytes split by the paths' capacities, 0.6 for
# 11 connections against 5 in one run, whatever the weights).
#   1. the plain host (two networks, a default route on each, N1's
#      preferred): the downloads from the address the kernel picks.
#   2. mif's mobile-node logic (tests/tools/mif-mn) with one flow binding
#      (RFC 6089, with mif's weight sub-option, doc/mobility.md) of TCP to
#      ports 5201-5216 to BIDs 1 (eth1) and 2 (eth2) by weights 3:1, the
#      downloads from the home address.
# Measured: the bytes forwarded toward the host by r1 (N1) and r2 (N2)
# (nftables counters), the share of N1, and, from captures on both access
# links (tests/scenarios/pathflows.py, which looks inside the tunnel), how
# many connections each network carried and how many were seen on both.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

scn_init 3.4-loadshare 3.4 "Mobility, load sharing: 16 bulk TCP downloads shared over two networks by weights 3:1 (RFC 6089 flow binding to a weighted set of BIDs)"
world_require nft iperf3 jq python3
bin=$(dirname "$MIFD")
export MIF_HAD=${MIF_HAD:-$bin/../ha/mif-had} MIF_MN=${MIF_MN:-$bin/../../tests/tools/mif-mn}
export MIF_MH_SEND=${MIF_MH_SEND:-$bin/../../tests/tools/mif-mh-send}
# shellcheck source=../world/mobility.sh
. "$SCN_DIR/../world/mobility.sh"
step() { world_log "step: $*"; }
mob_world
N=16 CN=2001:db8:c::2
M=$(world_ns mn)
mob_meter_install
mob_iperf3_servers "$N"

# run PHASE [iperf3 ARGS]: the N downloads; $WORLD_TMP/PHASE.json.
run() {
	local phase=$1 i pids=() d1 d2 bad=0 per
	shift
	scn_cap_start r1 eth0 "$phase-n1" -s 128 tcp or udp port 4191
	scn_cap_start r2 eth0 "$phase-n2" -s 128 tcp or udp port 4191
	d1=$(mob_meter 1 down)
	d2=$(mob_meter 2 down)
	for ((i = 0; i < N; i++)); do
		world_bg mn "$phase-iperf3c$i" iperf3 -c "$CN" --cport $((41000 + i)) -p $((5201 + i)) \
			-t 3 -b 20M -R -J "$@"
		pids+=("$WORLD_LAST_PID")
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || bad=$((bad + 1))
	done
	d1=$(($(mob_meter 1 down) - d1))
	d2=$(($(mob_meter 2 down) - d2))
	dns_capture_stop "$phase-n1"
	dns_capture_stop "$phase-n2"
	# A connection is on a network when that link saw more than 50 of its
	# packets (the handshake alone is a few).
	per=$(jq -cn --slurpfile a <(python3 "$SCN_DIR/pathflows.py" "$WORLD_TMP/cap-$phase-n1.pcap" 5201 5216) \
		--slurpfile b <(python3 "$SCN_DIR/pathflows.py" "$WORLD_TMP/cap-$phase-n2.pcap" 5201 5216) \
		'[range(5201; 5217) | tostring | {n1: ($a[0][.].before // 0), n2: ($b[0][.].before // 0)}] |
		 {connections_n1: map(select(.n1 > 50)) | length, connections_n2: map(select(.n2 > 50)) | length,
		  connections_on_both: map(select(.n1 > 50 and .n2 > 50)) | length}')
	jq -cn --argjson d1 "$d1" --argjson d2 "$d2" --argjson bad "$bad" --argjson per "$per" \
		--argjson got "$(cat "$WORLD_TMP/$phase"-iperf3c*.log | jq -s '[.[].end.sum_received.bytes // 0] | add')" \
		'{bytes_n1: $d1, bytes_n2: $d2, share_n1: (if $d1 + $d2 > 0 then ($d1 * 100 / ($d1 + $d2) | floor) / 100 else 0 end),
		  iperf3_failed: $bad, received_bytes: $got} + $per' >"$WORLD_TMP/$phase.json"
	step "$phase: $(cat "$WORLD_TMP/$phase.json")"
}

# ---- 1. the plain host ----
# mob_world's mobile node and its tunnel route are not part of this run.
kill -TERM "$MN_PID"
for _ in $(seq 1 50); do world__alive "$MN_PID" || break; sleep 0.1; done
ip -n "$M" -6 route del 2001:db8:c::/64 dev mifmn0
step "plain: $N downloads, the source address and network the kernel picks"
run plain
pf=0
jq -e '.iperf3_failed == 0 and .share_n1 >= 0.95' "$WORLD_TMP/plain.json" >/dev/null && pf=1

# ---- 2. mif: one flow binding to BIDs 1 and 2, weights 3:1 ----
ip -n "$M" -6 route add 2001:db8:c::/64 dev mifmn0 src "$HOA"
FLOWS=$WORLD_TMP/flows
echo "l fid=7 pri=40 bid=1:3,2:1 proto=tcp rport=5201-5216" >"$FLOWS"
mob_restart_mn_flows "$FLOWS"
had_flow() { had_status | world_jq "$@"; }
world_wait_for "the load-sharing flow at the home agent" 10 had_flow \
	'.mobile_nodes[0].flows[0] | .fid == 7 and .action == "load-share"'
step "mif: $N downloads from the home address, TCP to ports 5201-5216 bound to BIDs 1:3, 2:1"
run mif -B "$HOA"
split=$(had_status | jq -c '.mobile_nodes[0].flows[0].bids')
step "mif: the flow at the home agent: $split"
mf=0
jq -e '.iperf3_failed == 0 and .bytes_n1 > 1000000 and .bytes_n2 > 1000000 and
	.share_n1 >= 0.6 and .share_n1 <= 0.9 and .connections_on_both == 0 and
	.connections_n1 + .connections_n2 == 16' "$WORLD_TMP/mif.json" >/dev/null && mf=1

say() {
	jq -r '"\(.bytes_n1) bytes over N1, \(.bytes_n2) over N2 (N1 share \(.share_n1)); connections on N1 \(.connections_n1), on N2 \(.connections_n2), on both \(.connections_on_both); iperf3 failures \(.iperf3_failed)"' "$1"
}
scn_verdict "$pf" "$mf" "$(say "$WORLD_TMP/plain.json")" "$(say "$WORLD_TMP/mif.json"); weights 3:1" \
	"the plain host sends every connection over its preferred network and leaves the other idle; with a weighted flow binding mif-had and the mobile node hash each TCP connection to one BID by weight, so the bulk bytes split close to 3:1 and no connection is spread over two paths" \
	"$(jq -cn --slurpfile p "$WORLD_TMP/plain.json" --slurpfile m "$WORLD_TMP/mif.json" --argjson s "$split" \
		'{plain: $p[0], mif: ($m[0] + {home_agent_bids: $s})}')"
