#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Benchmark (issue 16 item 4): one mif-had with 10, 10,000 and 100,000
# mobile nodes, simulated by tests/tools/mif-ha-load (the real mobile-node
# logic of mn.c per node: authenticated Binding Updates, heartbeats, data
# through the tunnel), keys derived from one master key ([mn-range]).
#
#   gen (mif-ha-load, care-of addresses 2001:db8:1::/64 local)
#     -- ha (mif-had, home prefix 2001:db8:100::/64 on mifha0)
#     -- cn (2001:db8:c::2: drops the uplink, sends the downlink)
#
# For each size: the time to register every node (a window of 256 BUs in
# flight), mif-had's resident memory, then uplink data (inner IPv6/UDP,
# 64 octets, every node in turn) and downlink data (UDP from cn to every
# home address in turn), DATA_SECONDS each: the packets mif-had forwarded
# per second and its CPU time per forwarded packet (/proc/PID/schedstat,
# ns), each as a ratio to the cost at the smallest size; also net of the
# CPU mif-had spends with no data (heartbeats, measured for 2 s after the
# registrations, "idle CPU %": a cost per binding and second, not per
# packet). The load
# generator and mif-had share the machine's CPUs, so packets per second
# depend on both; CPU per packet is mif-had's alone.
# Usage: bench/ha-scale.sh [SIZES] (default "10 10000 100000"; root; after
# make). BUILD, DATA_SECONDS (5), ROUNDS (1: the sizes are run again in
# turn and each figure is the median), HA_STORE=1 (Redis as well: the
# registrations write records, and a restart times loading them back).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
HAD=$build/src/ha/mif-had
LOAD=$build/tests/tools/mif-ha-load
sizes=${1:-10 10000 100000}
secs=${DATA_SECONDS:-5}
rounds=${ROUNDS:-1}
. "$top/tests/world/lib.sh"
WORLD_TEST=bench-ha-scale
world_init
world_require jq nft
for x in "$HAD" "$LOAD"; do [ -x "$x" ] || world_fail "missing $x (build first)"; done

world_host gen
world_router ha
world_host cn
world_link gen eth0 ha eth0
world_link ha eth1 cn eth0
world_addr gen eth0 2001:db8:e::2/64
world_addr ha eth0 2001:db8:e::1/64
world_addr ha eth1 2001:db8:c::1/64
world_addr cn eth0 2001:db8:c::2/64
# Every care-of address of the generator is local to it (AnyIP).
ip -n "$(world_ns gen)" -6 route add local 2001:db8:1::/64 dev lo
ip -n "$(world_ns gen)" -6 route add default via 2001:db8:e::1
ip -n "$(world_ns ha)" -6 route add 2001:db8:1::/64 via 2001:db8:e::2
ip -n "$(world_ns cn)" -6 route add default via 2001:db8:c::1
# The correspondent drops the uplink data (no ICMP back through the tunnel).
world_exec cn nft -f - <<-NFT || world_fail "nft on cn"
table inet sink {
	chain input {
		type filter hook input priority 0; policy accept;
		udp dport 9 drop
	}
}
NFT

# Addresses usable (no DAD left) before the first Binding Update.
world_wait_for "gen reaches ha" 10 world_exec gen ping -6 -c 1 -W 1 2001:db8:e::1
world_wait_for "cn reaches ha" 10 world_exec cn ping -6 -c 1 -W 1 2001:db8:c::1
# HA_STORE=1: the binding cache also in Redis (in ha's namespace, on
# ::1): registration then writes a record per BU, and each run ends with
# mif-had restarted to time loading every record back (a takeover).
if [ "${HA_STORE:-0}" = 1 ]; then
	world_require redis-server redis-cli
	mkdir -p "$WORLD_TMP/redis"
	world_bg ha redis redis-server --bind ::1 --port 6379 --save '' --appendonly no \
		--dir "$WORLD_TMP/redis" --daemonize no
	world_wait_for "redis" 10 world_exec ha redis-cli -h ::1 ping
fi
umask 077
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORLD_TMP/master.key"
umask 022

# run N R: one mif-had with N mobile nodes, the generator, the downlink
# (round R: each run its own logs).
run() {
	local n=$1 r=$2 pid up down rss_idle rss idle g
	rm -f "$WORLD_TMP/had.sock"
	cat >"$WORLD_TMP/had.conf" <<-EOF
	[ha]
	address = 2001:db8:100::1
	home_prefix = 2001:db8:100::/64
	tun = mifha0
	control = $WORLD_TMP/had.sock
	heartbeat_interval_ms = 30000
	heartbeat_misses = 3

	[mn-range sim]
	hoa_first = 2001:db8:100::1:0
	count = $n
	spi_first = 1000
	master_key_file = $WORLD_TMP/master.key
	EOF
	if [ "${HA_STORE:-0}" = 1 ]; then
		world_exec ha redis-cli -h ::1 flushall >/dev/null
		printf '[store]\nredis = ::1\n' >>"$WORLD_TMP/had.conf"
	fi
	g=load$n-$r
	world_bg ha "had$n-$r" "$HAD" -c "$WORLD_TMP/had.conf"
	pid=$WORLD_LAST_PID
	world_wait_for "mif-had with $n nodes" 60 test -S "$WORLD_TMP/had.sock"
	rss_idle=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
	world_bg gen "$g" "$LOAD" --ha 2001:db8:e::1 --ha-in 2001:db8:100::1 \
		--hoa-first 2001:db8:100::1:0 --count "$n" --spi-first 1000 \
		--master-key-file "$WORLD_TMP/master.key" --coa-first 2001:db8:1::1:0 \
		--hb-interval-ms 30000 --data-dst 2001:db8:c::2 --data-port 9 \
		--data-seconds "$secs" --hold-seconds $((secs + 4)) \
		--ha-pid "$pid" --ha-status "$WORLD_TMP/had.sock"
	# The downlink runs while the generator holds (answering heartbeats).
	world_wait_for "uplink of $n done" $((120 + n / 500)) \
		grep -q "uplink done" "$WORLD_TMP/$g.log"
	sleep 1
	idle=$(sed -n 's/.*idle_ns_per_ms //p' "$WORLD_TMP/$g.log")
	down=$(world_exec cn "$LOAD" --blast --hoa-first 2001:db8:100::1:0 --count "$n" \
		--data-port 9 --data-seconds "$secs" --ha-pid "$pid" --ha-status "$WORLD_TMP/had.sock" \
		--idle-ns-per-ms "${idle:-0}")
	rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
	world_wait_for "generator of $n done" $((secs + 30)) grep -q '"phase"' "$WORLD_TMP/$g.log"
	up=$(grep '"phase"' "$WORLD_TMP/$g.log")
	printf '%s\n' "$up" | jq -e --argjson n "$n" '.registered == $n' >/dev/null ||
		world_fail "not every node registered: $up"
	jq -c -n --argjson n "$n" --argjson up "$up" --argjson down "$down" \
		--argjson rss_idle "$rss_idle" --argjson rss "$rss" \
		--argjson st "$(world_exec ha "$HAD" --status -s "$WORLD_TMP/had.sock" | jq -c '{scale, counters}')" \
		'{n: $n, register_ms: $up.register_ms, rss_idle_kb: $rss_idle, rss_kb: $rss,
		  idle_cpu_share: $up.idle_ha_cpu_share,
		  up: $up.uplink, down: $down.ha, downlink_rx: $up.downlink_rx,
		  hb_answered: $up.hb_answered, scale: $st.scale, counters: $st.counters}' \
		>>"$WORLD_TMP/results.jsonl"
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	if [ "${HA_STORE:-0}" = 1 ]; then
		# A takeover: start again, time until it serves with the records
		# loaded (the status is answered by the same loop, after the load).
		local t0 t1 loaded
		rm -f "$WORLD_TMP/had.sock"
		t0=$(world__now_ms)
		world_bg ha "had$n-$r-reload" "$HAD" -c "$WORLD_TMP/had.conf"
		pid=$WORLD_LAST_PID
		world_wait_for "mif-had reloaded" 120 test -S "$WORLD_TMP/had.sock"
		loaded=$(world_exec ha "$HAD" --status -s "$WORLD_TMP/had.sock" |
			jq .redundancy.bindings_loaded)
		t1=$(world__now_ms)
		world_log "n=$n: restarted with the store: $loaded records loaded, serving after $((t1 - t0)) ms"
		echo "{\"n\": $n, \"reload_ms\": $((t1 - t0)), \"loaded\": $loaded}" >>"$WORLD_TMP/reload.jsonl"
		kill "$pid"
		wait "$pid" 2>/dev/null || true
	fi
	world_log "n=$n: $(tail -1 "$WORLD_TMP/results.jsonl")"
}

for r in $(seq 1 "$rounds"); do
	for n in $sizes; do run "$n" "$r"; done
done
out=${BENCH_OUT:-$build/bench/ha-scale.jsonl}
mkdir -p "$(dirname "$out")"
cp "$WORLD_TMP/results.jsonl" "$out"
# Medians per size; ratios to the smallest size.
jq -s -r '
  def med: sort | if length == 0 then null else .[(length - 1) / 2 | floor] end;
  group_by(.n) | map({n: .[0].n, reg: (map(.register_ms) | med),
    rss: (map(.rss_kb) | med), upns: (map(.up.ha_ns_per_packet) | med),
    uppps: (map(.up.ha_pps) | med), downns: (map(.down.ha_ns_per_packet) | med),
    upnet: (map(.up.ha_ns_per_packet_net) | med), downnet: (map(.down.ha_ns_per_packet_net) | med),
    idle: (map(.idle_cpu_share) | med),
    downpps: (map(.down.ha_pps) | med), probe: (map(.scale.index_max_probe) | med)})
  | sort_by(.n) | .[0] as $b
  | (["nodes", "register ms", "RSS MB", "idle CPU %", "up pps", "up ns/pkt", "ratio",
      "net ns/pkt", "ratio", "down pps", "down ns/pkt", "ratio", "net ns/pkt", "ratio",
      "max probe"] | @tsv),
    (.[] | [.n, .reg, ((.rss / 1024) | floor), ((.idle * 1000 | round) / 10),
      (.uppps | floor), (.upns | floor), ((.upns / $b.upns * 100 | round) / 100),
      (.upnet | floor), ((.upnet / $b.upnet * 100 | round) / 100),
      (.downpps | floor), (.downns | floor), ((.downns / $b.downns * 100 | round) / 100),
      (.downnet | floor), ((.downnet / $b.downnet * 100 | round) / 100), .probe] | @tsv)' \
  "$out" | column -t -s $'\t'
world_pass
