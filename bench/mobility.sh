#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Benchmark (issue 15): the longest gap seen by a 1 kHz UDP flow between
# the mobile node's home address and a correspondent (mif-udp-probe to
# mif-whoami, round trip: uplink and downlink both through mif-had) when
# the active access network (a) loses carrier and (b) silently blackholes
# (nftables drops everything on its router, links stay up), ROUNDS times
# each; and, as the baseline, the same flow from the care-of address of
# that network without mobility (the plain kernel), which never recovers.
# Heartbeats every 100 ms, 3 misses. World: tests/world/mobility.sh. MPTCP
# is not measured here. Then TCP throughput (iperf3, download, 5 s) through
# the tunnel as a fraction of the same path without it (from the care-of
# address), and the CPU time mif-had and mif-mn spend per gigabit.
# Usage: bench/mobility.sh [ROUNDS] (default 5; 0: throughput only; root;
# after make). TPUT_SECONDS: length of each iperf3 run (5).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
export MIF_HAD=$build/src/ha/mif-had MIF_MN=$build/tests/tools/mif-mn
export MIF_MH_SEND=$build/tests/tools/mif-mh-send
WHOAMI=$build/tests/tools/mif-whoami PROBE=$build/tests/tools/mif-udp-probe
rounds=${1:-5}
. "$top/tests/world/lib.sh"
. "$top/tests/world/mobility.sh"
WORLD_TEST=bench-mobility
world_init
world_require jq nft python3 iperf3
mob_world
world_bg cn whoami "$WHOAMI" -n cn -p 8080 -6

# probe SRC CUT RESTORE: 3000 probes at 1 ms from SRC; CUT runs 1 s in;
# leaves the longest gap (ms) and the lost count in G and L; RESTORE runs
# after. (Not in a subshell: world_bg must be called by the main shell.)
probe() {
	local src=$1 cut=$2 restore=$3 out
	rm -f "$WORLD_TMP/probe.log"
	world_bg mn probe "$PROBE" -d 2001:db8:c::2 -p 8080 -i 1000 -n 3000 -s "$src"
	sleep 1
	eval "$cut"
	world_wait_for "prober done" 15 grep -q '"sent"' "$WORLD_TMP/probe.log"
	out=$(grep '"sent"' "$WORLD_TMP/probe.log")
	eval "$restore"
	G=$(jq -r .longest_gap_ms <<<"$out")
	L=$(jq -r .lost <<<"$out")
}
carrier_cut='ip -n "$(world_ns r1)" link set eth0 down'
carrier_back='ip -n "$(world_ns r1)" link set eth0 up'
hole_cut='world_exec r1 nft add table inet hole; world_exec r1 nft add chain inet hole blackhole "{ type filter hook forward priority -10; policy drop; }"'
hole_back='world_exec r1 nft delete table inet hole'
back_on_1() {
	world_wait_for "uplink back on eth1" 15 mob_uplink_is eth1
	world_wait_for "downlink back on BID 1" 15 mob_downlink_on 1
	sleep 1
}

declare -A gaps
for kind in carrier hole; do
	[ "$rounds" -gt 0 ] || break
	cut=${kind}_cut back=${kind}_back
	for r in $(seq 1 "$rounds"); do
		probe "$HOA" "${!cut}" "${!back}"
		world_log "$kind round $r: longest gap $G ms, lost $L"
		gaps[$kind]+="$G "
		back_on_1
	done
	probe 2001:db8:1::10 "${!cut}" "${!back}"
	world_log "$kind, plain kernel from the care-of address: longest gap $G ms, lost $L"
	gaps[${kind}_plain]=$G
	back_on_1
done
# Throughput: iperf3 download, through the tunnel and from the care-of
# address directly (both over r1), with the TUN offloads and then with both
# ends restarted without them; the tunnel ends' CPU time for each.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
world_bg cn iperf3 iperf3 -s -B 2001:db8:c::2 -p 5201
world_wait_for "iperf3 server" 10 bash -c \
	"ip netns exec $(world_ns cn) ss -ltnH | grep -q ':5201 '"
iperf() { world_exec mn iperf3 -c 2001:db8:c::2 -p 5201 -B "$1" -R -t "$secs" -J |
	jq '.end.sum_received.bits_per_second / 1e6'; }
hz=$(getconf CLK_TCK)
secs=${TPUT_SECONDS:-5}
declare -A tput cpu
for off in yes no; do
	mob_restart "$off"
	mn_pid=$MN_PID
	t0=$(( $(cpu_ticks "$HAD_PID") + $(cpu_ticks "$mn_pid") ))
	tput[$off]=$(iperf "$HOA")
	t1=$(( $(cpu_ticks "$HAD_PID") + $(cpu_ticks "$mn_pid") ))
	tput[plain_$off]=$(iperf 2001:db8:1::10)
	cpu[$off]=$(awk -v t=$((t1 - t0)) -v hz="$hz" -v m="${tput[$off]}" -v s="$secs" \
		'BEGIN { printf "%.2f", (t / hz) / (m * s / 1000) }')
	world_log "offload $off: tunnel ${tput[$off]} Mbit/s, plain ${tput[plain_$off]} Mbit/s, ${cpu[$off]} s CPU/Gbit"
	world_log "HA: $(had_status | jq -c '{counters: {udp_rx: .counters.udp_rx, udp_tx: .counters.udp_tx, tun_rx: .counters.tun_rx, tun_tx: .counters.tun_tx}, offload}')"
	world_log "MN: $(jq -c '{tun_rx, tun_tx, offload}' "$WORLD_TMP/mn.json")"
done

stats() { tr ' ' '\n' | grep . | sort -n | awk '{v[NR]=$1} END {printf "median %s ms, max %s ms (n=%d)", v[int((NR+1)/2)], v[NR], NR}'; }
if [ "$rounds" -gt 0 ]; then
	echo "== mobility failover, 1 kHz UDP round trip through mif-had, heartbeats 100 ms x 3 =="
	echo "loss of carrier:    $(stats <<<"${gaps[carrier]}")   plain kernel: ${gaps[carrier_plain]} ms (never recovers; the flow ends)"
	echo "silent blackhole:   $(stats <<<"${gaps[hole]}")   plain kernel: ${gaps[hole_plain]} ms"
fi
echo "== TCP download (iperf3 -R, $secs s each), tunnel against the same veth path without it =="
for off in yes no; do
	printf 'offloads %-3s: tunnel %6.0f Mbit/s, plain %6.0f Mbit/s, ratio %.3f; mif-had + mif-mn CPU %s s per Gbit\n' \
		"$([ "$off" = yes ] && echo on || echo off)" "${tput[$off]}" "${tput[plain_$off]}" \
		"$(awk -v a="${tput[$off]}" -v b="${tput[plain_$off]}" 'BEGIN { print a / b }')" "${cpu[$off]}"
done
world_pass
