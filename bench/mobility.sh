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
# Heartbeats every 100 ms, 3 misses. World: tests/world/mobility.sh.
# The same cuts under a 1 kHz stream carried by TCP (mif-tcp-probe, echoed
# by the correspondent: the longest time between two echoes): through the
# tunnel from the home address, over Linux MPTCP (RFC 8684, the kernel's
# path manager) from the care-of address of r1 with the second network as
# a backup endpoint (`ip mptcp endpoint ... subflow backup`), and plain TCP
# from that care-of address. Then TCP throughput (iperf3, download)
# through the tunnel as a fraction of the same path without it (from the
# care-of address), with the kernel fast path (both ends' default: the
# kernel carries the data packets, doc/mobility.md), and on the user-space
# path with and without the TUN offloads, and the CPU time mif-had and
# mif-mn spend per gigabit (with the fast path the kernel's work is done in
# softirq context and counted to whichever process was running, not to
# them); each run's log line also gives the
# sender's TCP retransmissions and the share of the machine's CPU time left
# idle, tunnel and plain side by side (a stall shows as idle time).
# MOB_MN chooses the mobile node(s) of the throughput part: mif-mn (the
# test driver, default), mifd (mifd's own mobile node: the network-facing
# process's data plane, `[mobility] offload = yes|no`, its paths learned
# from radvd on r1 and r2, `prefer = eth1 eth2`) or "mif-mn mifd" for both
# in one run. The UDP cuts run with mif-mn, and with mifd too when MOB_MN
# names it (its own heartbeats and uplink choice; reported side by side);
# the TCP cuts and the plain baselines use mif-mn.
# Usage: bench/mobility.sh [ROUNDS] (default 5; 0: throughput only; root;
# after make). TPUT_SECONDS: length of each iperf3 run (5); TPUT_RUNS:
# tunnel/plain pairs per setting (3); TPUT_OFFLOAD: the settings ("fast yes
# no": the fast path; user space with offloads; without), for mif-mn and
# mifd alike.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
export MIF_HAD=$build/src/ha/mif-had MIF_MN=$build/tests/tools/mif-mn
export MIF_MH_SEND=$build/tests/tools/mif-mh-send
WHOAMI=$build/tests/tools/mif-whoami PROBE=$build/tests/tools/mif-udp-probe
TPROBE=$build/tests/tools/mif-tcp-probe
export MIFD=$build/src/daemon/mifd MIFCTL=$build/src/ctl/mifctl
rounds=${1:-5}
mns=${MOB_MN:-mif-mn}
. "$top/tests/world/lib.sh"
. "$top/tests/world/mobility.sh"
WORLD_TEST=bench-mobility
world_init
world_require jq nft python3 iperf3
case " $mns " in *" mifd "*) world_require radvd ;; esac
mob_world
world_bg cn whoami "$WHOAMI" -n cn -p 8080 -6
world_bg cn tprobe-server "$TPROBE" -l 8090 -b 2001:db8:c::2 -M
# MPTCP: the mobile node may open a second subflow from its r2 address,
# marked backup (used only when the r1 subflow fails); the correspondent
# accepts joins.
ip -n "$(world_ns mn)" mptcp limits set subflow 2 add_addr_accepted 2
ip -n "$(world_ns cn)" mptcp limits set subflow 2 add_addr_accepted 2
ip -n "$(world_ns mn)" mptcp endpoint add 2001:db8:2::10 dev eth2 subflow backup

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
# tprobe SRC MPTCP CUT RESTORE: the same with a TCP-carried 1 kHz stream
# (MPTCP: -M); G the longest stall (ms), R whether it recovered.
tprobe() {
	local src=$1 m=$2 cut=$3 restore=$4 out
	rm -f "$WORLD_TMP/tprobe.log"
	world_bg mn tprobe "$TPROBE" -d 2001:db8:c::2 -p 8090 -n 3000 -w 3000 -s "$src" $m
	sleep 1
	eval "$cut"
	world_wait_for "tcp prober done" 20 grep -q '"sent"' "$WORLD_TMP/tprobe.log"
	out=$(grep '"sent"' "$WORLD_TMP/tprobe.log")
	eval "$restore"
	G=$(jq -r .longest_gap_ms <<<"$out")
	R=$(jq -r .recovered <<<"$out")
}
carrier_cut='ip -n "$(world_ns r1)" link set eth0 down'
carrier_back='ip -n "$(world_ns r1)" link set eth0 up'
hole_cut='world_exec r1 nft add table inet hole; world_exec r1 nft add chain inet hole blackhole "{ type filter hook forward priority -10; policy drop; }"'
hole_back='world_exec r1 nft delete table inet hole'
# back_on_1: the mobile node ($CUT_MN) back on eth1, both directions.
CUT_MN=mif-mn
back_on_1() {
	if [ "$CUT_MN" = mifd ]; then
		world_wait_for "mifd: both paths alive, uplink back on eth1" 30 mifd_ready
		world_wait_for "downlink back on eth1's BID" 15 mob_downlink_on "$(mifd_bid eth1)"
	else
		world_wait_for "uplink back on eth1" 15 mob_uplink_is eth1
		world_wait_for "downlink back on BID 1" 15 mob_downlink_on 1
	fi
	sleep 1
}
# udp_rounds KIND: ROUNDS cuts of KIND (carrier, hole) under the UDP probe
# from the home address, mobile node $CUT_MN; the gaps in gaps[$CUT_MN:KIND].
udp_rounds() {
	local cut=${1}_cut back=${1}_back r
	for r in $(seq 1 "$rounds"); do
		probe "$HOA" "${!cut}" "${!back}"
		world_log "$CUT_MN, $1 round $r: longest gap $G ms, lost $L"
		gaps[$CUT_MN:$1]+="$G "
		back_on_1
	done
}

declare -A gaps
for kind in carrier hole; do
	[ "$rounds" -gt 0 ] || break
	cut=${kind}_cut back=${kind}_back
	udp_rounds "$kind"
	probe 2001:db8:1::10 "${!cut}" "${!back}"
	world_log "$kind, plain kernel from the care-of address: longest gap $G ms, lost $L"
	gaps[${kind}_plain]=$G
	back_on_1
	for r in $(seq 1 "$rounds"); do
		tprobe "$HOA" "" "${!cut}" "${!back}"
		world_log "$kind round $r, TCP through mif: longest stall $G ms, recovered $R"
		gaps[${kind}_tcp]+="$G "
		back_on_1
		tprobe 2001:db8:1::10 -M "${!cut}" "${!back}"
		world_log "$kind round $r, MPTCP with a backup subflow: longest stall $G ms, recovered $R"
		[ "$R" = true ] || G="$G(not_recovered)"
		gaps[${kind}_mptcp]+="$G "
		back_on_1
	done
	tprobe 2001:db8:1::10 "" "${!cut}" "${!back}"
	world_log "$kind, plain TCP from the care-of address: longest stall $G ms, recovered $R"
	gaps[${kind}_tcpplain]="$G ms (recovered: $R)"
	back_on_1
done
# Throughput: iperf3 download, through the tunnel and from the care-of
# address directly (both over r1), with the TUN offloads and then with both
# ends restarted without them; the tunnel ends' CPU time for each.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
world_bg cn iperf3 iperf3 -s -B 2001:db8:c::2 -p 5201
world_wait_for "iperf3 server" 10 bash -c \
	"ip netns exec $(world_ns cn) ss -ltnH | grep -q ':5201 '"
# iperf SRC [up]: Mbit/s received, a download (-R) unless "up".
iperf() {
	local dir=-R
	[ "${2:-}" = up ] && dir=
	world_exec mn iperf3 -c 2001:db8:c::2 -p 5201 -B "$1" $dir -t "$secs" -J >"$WORLD_TMP/iperf.json"
	jq '.end.sum_received.bits_per_second / 1e6' "$WORLD_TMP/iperf.json"
}
# The last run's TCP retransmissions (the sender's) and the share of the
# machine's CPU time left idle during it (idle_mark before, idle_since after).
retrans() { jq '.end.sum_sent.retransmits // "?"' "$WORLD_TMP/iperf.json"; }
idle_mark() { IDLE0=$(awk '/^cpu / { print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat); }
idle_since() {
	awk -v a="$IDLE0" '/^cpu / { split(a, o, " ");
		printf "%.0f", 100 * ($5 + $6 - o[1]) / ($2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 - o[2]) }' /proc/stat
}
hz=$(getconf CLK_TCK)
secs=${TPUT_SECONDS:-5}
runs=${TPUT_RUNS:-3}
offs=${TPUT_OFFLOAD:-fast yes no}
# TPUT_RUNS=0: the cuts only (for mifd too), no throughput.
[ "$runs" -gt 0 ] || offs=""
med() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
declare -A tput cpu ratio

# mifd as the mobile node instead of mif-mn: mif-mn leaves (deregistering
# its BIDs) with its TUN device; radvd on r1 gives mifd a PvD on eth1 with
# a SLAAC care-of address in 2001:db8:1::/64 (what r1's BCP 38 filter
# lets through), radvd on r2 one on eth2; mifd holds the home address on
# its own TUN device and prefers eth1.
mifd_world() {
	kill -TERM "$MN_PID" 2>/dev/null || true
	for _ in $(seq 1 50); do world__alive "$MN_PID" || break; sleep 0.1; done
	ip -n "$(world_ns mn)" link del mifmn0
	for r in 1 2; do
		world_radvd "r$r" "interface eth0 {
	AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
	AdvDefaultLifetime 600;
	prefix 2001:db8:$r::/64 { AdvOnLink on; AdvAutonomous on; };
};"
	done
	cat >"$WORLD_TMP/mifd.conf" <<-EOF2
	[mifd]
	interfaces = eth1 eth2

	[mobility]
	enabled = yes
	home_agent = $HA_IN
	home_agent_address = $HA
	home_address = $HOA
	key_file = $WORLD_TMP/mn1.key
	spi = 256
	routes = 2001:db8:c::/64
	prefer = eth1 eth2
	EOF2
}
# mifd_ready: mifd registered, its two paths alive, the uplink on eth1.
mifd_ready() {
	world_ctl --json mobility | jq -e '.registered and (.bindings | length == 2 and
		all(.state == "alive")) and (.bindings | map(select(.uplink)) | .[0].interface == "eth1")' \
		>/dev/null
}
# mifd_bid IF: the BID of mifd's path on IF.
mifd_bid() { world_ctl --json mobility | jq -r --arg i "$1" '.bindings[] | select(.interface == $i) | .bid'; }
# mifd_restart SETTING: mif-had and mifd again, "fast" (the kernel fast
# path), "yes" (user space with offloads) or "no" (without).
mifd_restart() {
	local off=$1 fast=no
	[ "$off" = fast ] && off=yes fast=yes
	if [ -n "$WORLD_MIFD_PID" ]; then
		kill -TERM "$WORLD_MIFD_PID"
		world_wait_for "mifd stopped" 10 bash -c "! kill -0 $WORLD_MIFD_PID 2>/dev/null"
		WORLD_MIFD_PID=""
	fi
	kill -TERM "$HAD_PID" 2>/dev/null || true
	for _ in $(seq 1 50); do world__alive "$HAD_PID" || break; sleep 0.1; done
	sed -i '/^offload = /d; s/^\[ha\]$/[ha]\noffload = '"$off"'/' "$WORLD_TMP/had.conf"
	sed -i '/^offload = /d; /^fast_path = /d; s/^\[mobility\]$/[mobility]\noffload = '"$off"'\nfast_path = '"$fast"'/' \
		"$WORLD_TMP/mifd.conf"
	world_bg ha had "$HAD" -c "$WORLD_TMP/had.conf"
	HAD_PID=$WORLD_LAST_PID
	world_wait_for "mif-had status socket" 10 test -S "$WORLD_TMP/had.sock"
	world_mifd mn --config "$WORLD_TMP/mifd.conf"
	world_wait_for "mifd registered, both paths alive, uplink on eth1" 30 mifd_ready
	world_wait_for "downlink on eth1's BID" 15 mob_downlink_on "$(mifd_bid eth1)"
	MN_PID=$(world_ctl --json status | jq .processes.net.pid)
	[ "$MN_PID" -gt 0 ] || world_fail "no network-facing process"
	world_assert "the correspondent through mifd's tunnel" \
		world_exec mn ping -6 -c 1 -W 2 -I "$HOA" 2001:db8:c::2
}

# Tunnel and plain runs alternate (runs pairs per setting), so load from
# other users of the machine hits both alike; medians are reported. For
# mifd the CPU time is its network-facing process's (the data plane).
for mnimpl in $mns; do
	case $mnimpl in
	mif-mn) ;;
	mifd)
		mifd_world
		# The UDP cuts with mifd's own mobile node (its defaults: the fast path).
		if [ "$rounds" -gt 0 ]; then
			mifd_restart fast
			CUT_MN=mifd
			udp_rounds carrier
			udp_rounds hole
		fi
		;;
	*) world_fail "MOB_MN: $mnimpl is neither mif-mn nor mifd" ;;
	esac
	for off in $offs; do
		k=$mnimpl:$off
		if [ "$mnimpl" = mifd ]; then mifd_restart "$off"; else mob_restart "$off"; fi
		tun_l="" plain_l="" ratio_l="" cpu_l="" up_l=""
		for r in $(seq 1 "$runs"); do
			t0=$(( $(cpu_ticks "$HAD_PID") + $(cpu_ticks "$MN_PID") ))
			idle_mark
			a=$(iperf "$HOA")
			t1=$(( $(cpu_ticks "$HAD_PID") + $(cpu_ticks "$MN_PID") ))
			diag="tunnel: $(retrans) retransmissions, $(idle_since) % idle"
			idle_mark
			b=$(iperf 2001:db8:1::10)
			diag+="; plain: $(retrans) retransmissions, $(idle_since) % idle"
			tun_l+="$a " plain_l+="$b "
			# Upload (the mobile node splits, the home agent coalesces).
			c=$(iperf "$HOA" up) d=$(iperf 2001:db8:1::10 up)
			up_l+="$(awk -v a="$c" -v b="$d" 'BEGIN { print a / b }') "
			tput[up_$k]+="$(printf '%.0f/%.0f' "$c" "$d") "
			ratio_l+="$(awk -v a="$a" -v b="$b" 'BEGIN { print a / b }') "
			cpu_l+="$(awk -v t=$((t1 - t0)) -v hz="$hz" -v m="$a" -v s="$secs" \
				'BEGIN { print (t / hz) / (m * s / 1000) }') "
			world_log "$mnimpl, offload $off run $r: download tunnel $a Mbit/s, plain $b Mbit/s ($diag); upload tunnel $c, plain $d"
		done
		tput[$k]=$(med <<<"$tun_l") tput[plain_$k]=$(med <<<"$plain_l")
		ratio[$k]=$(med <<<"$ratio_l") cpu[$k]=$(med <<<"$cpu_l")
		ratio[up_$k]=$(med <<<"$up_l")
		world_log "HA: $(had_status | jq -c '{counters: {udp_rx: .counters.udp_rx, udp_tx: .counters.udp_tx, tun_rx: .counters.tun_rx, tun_tx: .counters.tun_tx, drop_send: .counters.drop_send}, offload, fast_path, node: .mobile_nodes[0].fast_path}')"
		if [ "$mnimpl" = mifd ]; then
			world_log "MN (mifd): $(world_ctl --json mobility | jq -c '{tun_rx: .counters.tun_rx, tun_tx: .counters.tun_tx, send_errors: .counters.send_errors, offload, fast_path}')"
		else
			world_log "MN: $(jq -c '{tun_rx, tun_tx, offload, fast_path}' "$WORLD_TMP/mn.json")"
		fi
	done
done
world_log "MPTCP in mn (connections, joins): $(world_exec mn nstat -az MPTcpExtMPCapableSYNACKRX MPTcpExtMPJoinSynAckRx 2>/dev/null | awk 'NR > 1 { printf "%s=%s ", $1, $2 }')"
world_log "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"

stats() { tr ' ' '\n' | grep . | sort -n | awk '{v[NR]=$1} END {printf "median %s ms, max %s ms (n=%d)", v[int((NR+1)/2)], v[NR], NR}'; }
if [ "$rounds" -gt 0 ]; then
	echo "== mobility failover, 1 kHz UDP round trip through mif-had, heartbeats 100 ms x 3 =="
	echo "loss of carrier:    mif-mn $(stats <<<"${gaps[mif-mn:carrier]}")   plain kernel: ${gaps[carrier_plain]} ms (never recovers; the flow ends)"
	echo "silent blackhole:   mif-mn $(stats <<<"${gaps[mif-mn:hole]}")   plain kernel: ${gaps[hole_plain]} ms"
	if [ -n "${gaps[mifd:carrier]:-}" ]; then
		echo "mifd as the mobile node (paths from radvd, prefer eth1): loss of carrier $(stats <<<"${gaps[mifd:carrier]}"); silent blackhole $(stats <<<"${gaps[mifd:hole]}")"
	fi
	echo "== the same cuts, 1 kHz stream over TCP (longest time between two echoes) =="
	for kind in carrier hole; do
		echo "$kind: mif $(stats <<<"${gaps[${kind}_tcp]}"); MPTCP backup subflow: ${gaps[${kind}_mptcp]}(ms); plain TCP ${gaps[${kind}_tcpplain]}"
	done
fi
[ -n "$offs" ] &&
	echo "== TCP download (iperf3 -R, $secs s, median of $runs alternating pairs), tunnel against the same veth path without it =="
for mnimpl in $mns; do
	for off in $offs; do
		k=$mnimpl:$off
		[ -n "${tput[$k]:-}" ] || continue
		printf '%-6s %-13s: tunnel %6.0f Mbit/s, plain %6.0f Mbit/s, ratio %.3f; mif-had + %s CPU %.2f s per Gbit\n' \
			"$mnimpl" "$(case $off in fast) echo "fast path" ;; yes) echo "offloads on" ;; *) echo "offloads off" ;; esac)" "${tput[$k]}" \
			"${tput[plain_$k]}" "${ratio[$k]}" \
			"$([ "$mnimpl" = mifd ] && echo "mifd's network-facing process" || echo mif-mn)" \
			"${cpu[$k]}"
		printf '                     upload (iperf3 without -R): ratio %.3f (tunnel/plain Mbit/s per run: %s)\n' \
			"${ratio[up_$k]}" "${tput[up_$k]}"
	done
done
world_pass
