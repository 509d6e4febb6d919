#!/bin/bash
# SPDX-License-Identifier: MIT
# Flow bindings (issue 16 item 2; RFC 6089 flow bindings with RFC 6088
# binary traffic selectors) in the mobility world of test-mobility.sh
# (tests/world/mobility.sh): mif-mn with three paths (BID 1 eth1, BID 2
# eth2, BID 3 eth3 behind NAT) registers flows from a flow file; mif-had
# routes each flow's downlink by its binding, mif-mn its uplink.
#
# Shows, counted at the home agent per BID (packets of each path, both
# directions) and by the applications:
#  - three UDP flows bound to BIDs 1, 2, 1 each take their path both ways;
#  - flow c moved to BID 2 (the flow file changed, SIGHUP): c re-registered
#    alone (a and b keep the BU sequence number that set them), c's
#    traffic now on BID 2, a and b unchanged;
#  - flow bindings the home agent must refuse (an unknown BID, a second
#    flow with an existing FID-PRI) get RFC 6089 statuses 131 and 129 and
#    are counted; the other flows stay;
#  - n-cast (a flow bound to BIDs 1 and 2): every datagram goes both ways
#    on both paths, each copy is dropped by the receiving end, and the
#    application (mif-udp-probe, and the correspondent's nft counter) sees
#    every datagram once;
#  - load sharing (BIDs 1:3, 2:1): 16 parallel TCP downloads (iperf3)
#    split over the two paths, bytes per path measured on r1 and r2.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

world_init
world_require nft jq iperf3
. "$(dirname "$0")/mobility.sh"
B=${MESON_BUILD_ROOT:-$(dirname "$0")/../../build-dev}
PROBE=${MIF_UDP_PROBE:-$B/tests/tools/mif-udp-probe}
WHOAMI=${MIF_WHOAMI:-$B/tests/tools/mif-whoami}
for x in "$PROBE" "$WHOAMI"; do
	[ -x "$x" ] || world_fail "missing $x"
done
mob_world

# Bytes toward the mobile node on each access router.
mob_meter_install
# What the correspondent receives on the n-cast port.
world_exec cn nft -f - <<-NFT || world_fail "nft counter on cn"
table inet fcount {
	counter ncast { }
	chain fcin {
		type filter hook input priority 0; policy accept;
		udp dport 7006 counter name ncast
	}
}
NFT
for p in 7001 7002 7003 7006; do
	world_bg cn "whoami$p" "$WHOAMI" -n "cn$p" -p "$p" -6
done

FLOWS=$WORLD_TMP/flows
cat >"$FLOWS" <<-EOF
a fid=1 pri=10 bid=1 proto=udp rport=7001
b fid=2 pri=20 bid=2 proto=udp rport=7002
c fid=3 pri=30 bid=1 proto=udp rport=7003
EOF
mob_restart_mn_flows "$FLOWS"
flows_at_ha() { had_status | world_jq "$@"; }
world_wait_for "the home agent has flows 1, 2, 3" 10 flows_at_ha \
	'.mobile_nodes[0].flows | map(.fid) == [1, 2, 3]'

path_counts() { mob_path_counts; }
# run_flow PORT N: N probes to the correspondent's PORT from the home
# address; prints the probe's JSON line.
run_flow() {
	world_exec mn "$PROBE" -d 2001:db8:c::2 -p "$1" -i 2000 -n "$2" -s "$HOA"
}
# check_flow NAME PORT BID: 300 probes; at least 95 % answered; at least
# 280 data packets each way on BID, at most 10 on each other BID.
check_flow() {
	local name=$1 port=$2 bid=$3 a b out
	read -ra a <<<"$(path_counts)"
	out=$(run_flow "$port" 300)
	sleep 0.3
	read -ra b <<<"$(path_counts)"
	world_log "flow $name (port $port): $out; per BID rx/tx deltas:" \
		"$((b[0] - a[0]))/$((b[3] - a[3])) $((b[1] - a[1]))/$((b[4] - a[4]))" \
		"$((b[2] - a[2]))/$((b[5] - a[5]))"
	world_assert "flow $name: answered" jq -e '.received >= 285' <<<"$out"
	for k in 1 2 3; do
		local rx=$((b[k - 1] - a[k - 1])) tx=$((b[k + 2] - a[k + 2]))
		if [ "$k" = "$bid" ]; then
			world_assert "flow $name: uplink and downlink on BID $k ($rx/$tx)" \
				test "$rx" -ge 280 -a "$tx" -ge 280
		else
			world_assert "flow $name: not on BID $k ($rx/$tx)" \
				test "$rx" -le 10 -a "$tx" -le 10
		fi
	done
}
check_flow a 7001 1
check_flow b 7002 2
check_flow c 7003 1
world_assert "the home agent says why: flow 2 by its binding on BID 2" flows_at_ha \
	'.mobile_nodes[0].flows[1] | .last_bid == 2 and .why == "flow binding" and .packets >= 280'
world_assert "the mobile node says the same for its uplink" jq -e \
	'.flows[1] | .last_bid == 2 and .why == "flow binding" and .ha_status == 0' \
	"$WORLD_TMP/mn.json"

# Move flow c alone to BID 2.
seq_a=$(had_status | jq '.mobile_nodes[0].flows[0].since_bu_seq')
seq_b=$(had_status | jq '.mobile_nodes[0].flows[1].since_bu_seq')
sed -i 's/^c fid=3 pri=30 bid=1/c fid=3 pri=30 bid=2/' "$FLOWS"
kill -HUP "$MN_PID"
world_wait_for "flow 3 on BID 2 at the home agent" 5 flows_at_ha \
	'.mobile_nodes[0].flows[2].bids == [2]'
world_assert "flows 1 and 2 untouched (set by BU $seq_a and $seq_b)" flows_at_ha \
	".mobile_nodes[0].flows | .[0].since_bu_seq == $seq_a and .[1].since_bu_seq == $seq_b
	 and .[0].bids == [1] and .[1].bids == [2] and .[2].since_bu_seq > $seq_b"
world_assert "flows 1 and 2 were summarised, not sent again" grep -q "3 flow(s), 1 changed" \
	"$WORLD_TMP/mn.log"
check_flow "c (moved)" 7003 2
check_flow "a (after the move)" 7001 1

# Refused: BID 7 is not registered (131); FID-PRI 10 is flow 1's (129).
cat >>"$FLOWS" <<-EOF
d fid=4 pri=40 bid=7 proto=udp rport=7004
e fid=5 pri=10 bid=2 proto=udp rport=7005
EOF
kill -HUP "$MN_PID"
world_wait_for "refusals counted at the home agent" 5 flows_at_ha \
	'.mobile_nodes[0].flow_counters | .refused_bid_not_found >= 1 and .refused_rejected >= 1'
world_wait_for "the mobile node got 131 and 129" 5 jq -e \
	'(.flows[] | select(.fid == 4) | .ha_status == 131) and
	 (.flows[] | select(.fid == 5) | .ha_status == 129)' "$WORLD_TMP/mn.json"
world_assert "the accepted flows stay" flows_at_ha \
	'.mobile_nodes[0].flows | map(.fid) == [1, 2, 3]'
world_log "flow counters: $(had_status | jq -c '.mobile_nodes[0].flow_counters')"

# n-cast: flow n on BIDs 1 and 2, first in FID-PRI order.
cat >"$FLOWS" <<-EOF
a fid=1 pri=10 bid=1 proto=udp rport=7001
b fid=2 pri=20 bid=2 proto=udp rport=7002
c fid=3 pri=30 bid=2 proto=udp rport=7003
n fid=6 pri=5 bid=1,2 proto=udp rport=7006
EOF
kill -HUP "$MN_PID"
world_wait_for "n-cast flow 6 at the home agent" 5 flows_at_ha \
	'.mobile_nodes[0].flows[0] | .fid == 6 and .bids == [1, 2] and .action == "n-cast"'
read -ra a <<<"$(path_counts)"
ha_dup0=$(had_status | jq '.mobile_nodes[0].flow_counters.ncast_dup_dropped')
mn_dup0=$(jq .ncast_dup_dropped "$WORLD_TMP/mn.json")
out=$(run_flow 7006 500)
sleep 0.3
read -ra b <<<"$(path_counts)"
ha_dup=$(($(had_status | jq '.mobile_nodes[0].flow_counters.ncast_dup_dropped') - ha_dup0))
mn_dup=$(($(jq .ncast_dup_dropped "$WORLD_TMP/mn.json") - mn_dup0))
cn_got=$(world_exec cn nft -j list counter inet fcount ncast | jq '.nftables[1].counter.packets')
replies=$(jq '[.replies_by_name[]] | add' <<<"$out")
world_log "n-cast: probe $out; at the correspondent $cn_got datagrams; copies dropped:" \
	"home agent $ha_dup, mobile node $mn_dup; per BID rx/tx deltas" \
	"$((b[0] - a[0]))/$((b[3] - a[3])) $((b[1] - a[1]))/$((b[4] - a[4]))"
world_assert "n-cast: every probe answered" jq -e '.received >= 495' <<<"$out"
world_assert "n-cast: no duplicate reply reached the application ($replies replies)" \
	test "$replies" = "$(jq .received <<<"$out")"
world_assert "n-cast: the correspondent got each datagram once ($cn_got)" test "$cn_got" -le 500
world_assert "n-cast: both paths carried the flow both ways" test \
	$((b[0] - a[0])) -ge 490 -a $((b[1] - a[1])) -ge 490 -a \
	$((b[3] - a[3])) -ge 490 -a $((b[4] - a[4])) -ge 490
world_assert "n-cast: the second copies were dropped at both ends" test \
	"$ha_dup" -ge 490 -a "$mn_dup" -ge 490

# Load sharing: TCP from the correspondent's ports 5201-5216, BIDs 1 and 2
# by 3:1. 16 downloads, one per server (iperf3 serves one at a time), each
# from a fixed client port so the per-flow hash, and so the split, is the
# same every run; each paced at 10 Mbit/s, so the bytes follow the split
# of connections and not what each path (or a loaded CPU) can carry
# (unpaced, BID 2 carried more under ASan on a loaded machine once).
cat >>"$FLOWS" <<-EOF
l fid=7 pri=40 bid=1:3,2:1 proto=tcp rport=5201-5216
EOF
kill -HUP "$MN_PID"
world_wait_for "load-sharing flow 7 at the home agent" 5 flows_at_ha \
	'.mobile_nodes[0].flows[] | select(.fid == 7) | .action == "load-share"'
mob_iperf3_servers 16
meter() { mob_meter "$1" tdown; }
d1=$(meter 1)
d2=$(meter 2)
pids=()
for i in $(seq 0 15); do
	world_bg mn "iperf3c$i" iperf3 -c 2001:db8:c::2 -B "$HOA" --cport $((41000 + i)) \
		-p $((5201 + i)) -t 3 -R -J -b 10M
	pids+=("$WORLD_LAST_PID")
done
for p in "${pids[@]}"; do
	wait "$p" || world_fail "an iperf3 client failed: $(tail -3 "$WORLD_TMP"/iperf3c*.log)"
done
d1=$(($(meter 1) - d1))
d2=$(($(meter 2) - d2))
split=$(had_status | jq -c '.mobile_nodes[0].flows[] | select(.fid == 7) | .bids')
world_log "load sharing 3:1, 16 TCP downloads: tunnel bytes toward the MN: r1 (BID 1) $d1," \
	"r2 (BID 2) $d2, share of BID 1 $(awk -v a="$d1" -v b="$d2" 'BEGIN { printf "%.2f", a / (a + b) }');" \
	"packets per BID at the home agent: $split"
world_assert "load sharing: both paths carried bulk data" test "$d1" -gt 1000000 -a "$d2" -gt 1000000
world_assert "load sharing: BID 1 (weight 3) carried more" test "$d1" -gt "$d2"
# 11 of the 16 fixed client ports hash to BID 1 (0.69 of the bytes when
# paced); weights ignored would give about 0.5.
world_assert "load sharing: BID 1's share of the bytes is over 0.6" \
	awk -v a="$d1" -v b="$d2" 'BEGIN { exit !(a / (a + b) > 0.6) }'
world_log "flows at the home agent: $(had_status | jq -c '.mobile_nodes[0].flows')"
world_pass
