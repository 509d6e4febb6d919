#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Benchmark (issue 14, item 4): what answer-based steering (doc/steering.md)
# adds to mifd's DNS stub, in one run, side by side: two hosts, each with
# its own mifd and the same upstream, one with [steering] answers = yes,
# the other with no.
#
#   up: nsd 10.53.0.1, zone bench.example (n0..nN-1 A, each its own address)
#    | bridge
#   h1: mifd, steering on     h2: mifd, steering off   (static PvD "up" each)
#
#  1. cache misses: distinct names (distinct addresses: every one goes into
#     the kernel's set on h1, and the answer waits for it), in chunks
#     alternating between h1 and h2; the median latency of each and the
#     difference;
#  2. cache hits: queries per second of dnsperf on a cached set, rounds
#     alternating between h1 and h2, and the ratio h1/h2 per round; the
#     same for the stub process's CPU time per hit (/proc/PID/stat). Hits
#     run no steering code: both ratios should be 1 within the noise.
#
# Usage: bench/steer.sh   (root; after make; BUILD=dir picks the build)
# Environment: STEER_CHUNKS (25), STEER_ROUNDS (5), STEER_SECONDS (2).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
export MIFD=$build/src/daemon/mifd MIFCTL=$build/src/ctl/mifctl
chunks=${STEER_CHUNKS:-25} rounds=${STEER_ROUNDS:-5} secs=${STEER_SECONDS:-2}
chunk=20 names=$((2 * chunks * chunk + 1000))
# shellcheck source=tests/world/lib.sh
. "$top/tests/world/lib.sh"
. "$top/tests/world/mif.sh"
. "$top/tests/world/dns.sh"
world_require nsd dnsperf dig jq

world_init
world_host up
world_bridge up br0
ip -n "$(world_ns up)" addr add 10.53.0.1/24 dev br0
for i in 1 2; do
	world_host "h$i"
	world_link up "p$i" "h$i" eth0
	world_bridge_port up br0 "p$i"
	ip -n "$(world_ns "h$i")" addr add "10.53.0.$((i + 1))/24" dev eth0
done

zone=$WORLD_TMP/bench.example.zone
{
	# shellcheck disable=SC2016
	printf '$ORIGIN bench.example.\n$TTL 86400\n'
	printf '@ SOA ns admin 1 3600 600 86400 3600\n@ NS ns\nns A 10.53.0.1\n'
	awk -v n="$names" 'BEGIN { for (i = 0; i < n; i++)
		printf "n%d A 10.%d.%d.%d\n", i, 64 + int(i / 65536), int(i / 256) % 256, i % 256 }'
} >"$zone"
dns_nsd up 10.53.0.1 bench.example bench.example.zone
nsd_ok() { world_exec h1 dig @10.53.0.1 +tries=1 +time=1 +short n0.bench.example A | grep -q .; }
world_wait_for "nsd answering" 30 nsd_ok

ctl() {   # N ARGS...: mifctl against h<N>'s mifd
	local n=$1
	shift
	world_exec "h$n" "$MIFCTL" --socket "$WORLD_TMP/mifd$n.sock" "$@"
}
for i in 1 2; do
	steer=yes
	[ "$i" = 1 ] || steer=no
	printf '[dns]\nresolv_conf = %s\n[steering]\nanswers = %s\n' \
		"$WORLD_TMP/resolv$i.conf" "$steer" >"$WORLD_TMP/mifd$i.conf"
	world_bg "h$i" "mifd$i" "$MIFD" --foreground --socket "$WORLD_TMP/mifd$i.sock" \
		--config "$WORLD_TMP/mifd$i.conf" --interface eth0 --dns-listen 127.0.0.153 \
		--state-dir "$WORLD_TMP/state$i" --log-level warning --no-connectivity
	sock() { [ -S "$WORLD_TMP/mifd$1.sock" ] && ctl "$1" --json status >/dev/null; }
	world_wait_for "mifd in h$i" 15 sock "$i"
	ctl "$i" pvd add up --interface eth0 --dns 10.53.0.1 --route 0.0.0.0/0 >/dev/null ||
		world_fail "pvd add up in h$i failed"
done
table_ok() { ctl 1 --json steer show | jq -e '.ready and (.sets | length) == 1' >/dev/null; }
world_wait_for "h1's steering table" 10 table_ok
stub_ok() { world_exec "h$1" dig @127.0.0.153 +tries=1 +time=1 +short n0.bench.example A | grep -q .; }
world_wait_for "h1's stub" 10 stub_ok 1
world_wait_for "h2's stub" 10 stub_ok 2

median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-";
		else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# 1. Misses: names 1000.. (distinct), chunks alternating h1, h2.
: >"$WORLD_TMP/lat1"
: >"$WORLD_TMP/lat2"
next=1000
for ((c = 0; c < chunks; c++)); do
	for i in 1 2; do
		awk -v a="$next" -v n="$chunk" 'BEGIN { for (k = a; k < a + n; k++)
			printf "n%d.bench.example A\n", k }' >"$WORLD_TMP/miss"
		next=$((next + chunk))
		world_exec "h$i" dnsperf -T 1 -s 127.0.0.153 -d "$WORLD_TMP/miss" -n 1 -c 1 -q 1 -v \
			>"$WORLD_TMP/dp" 2>&1 || world_fail "dnsperf in h$i failed"
		awk '$1 == ">" && $2 == "NOERROR" { print $NF * 1000 }' "$WORLD_TMP/dp" \
			>>"$WORLD_TMP/lat$i"
	done
done
m1=$(median <"$WORLD_TMP/lat1")
m2=$(median <"$WORLD_TMP/lat2")
n1=$(wc -l <"$WORLD_TMP/lat1")
world_log "misses: median $m1 ms with steering ($n1 answers), $m2 ms without"
held=$(ctl 1 --json dns | jq -c '.stub.steering')
world_log "h1's stub: $held"
added=$(ctl 1 --json steer show | jq '.counters.kernel_added')
world_log "h1: $added addresses added to the kernel's set"

# 2. Hits: the first 1000 names, cached on both; rounds alternating.
awk 'BEGIN { for (k = 0; k < 1000; k++) printf "n%d.bench.example A\n", k }' >"$WORLD_TMP/hits"
for i in 1 2; do
	world_exec "h$i" dnsperf -T 1 -s 127.0.0.153 -d "$WORLD_TMP/hits" -n 1 -c 1 -q 10 \
		>/dev/null 2>&1 || world_fail "dnsperf warm-up in h$i failed"
done
# The stub's process (the network-facing one), for its CPU time per hit.
declare -A npid=()
for i in 1 2; do
	npid[$i]=$(ctl "$i" --json status | jq -r '.processes.net.pid')
done
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
ratios="" cratios=""
for ((r = 0; r < rounds; r++)); do
	order="1 2"
	[ $((r % 2)) = 0 ] || order="2 1"
	declare -A q=() us=()
	for i in $order; do
		t0=$(cpu_ticks "${npid[$i]}")
		world_exec "h$i" dnsperf -T 1 -s 127.0.0.153 -d "$WORLD_TMP/hits" -l "$secs" -c 4 \
			-q 64 >"$WORLD_TMP/dph" 2>&1 || world_fail "dnsperf in h$i failed"
		t1=$(cpu_ticks "${npid[$i]}")
		q[$i]=$(awk '/Queries per second/ { print $4 }' "$WORLD_TMP/dph")
		n=$(awk '/Queries completed/ { print $3 }' "$WORLD_TMP/dph")
		us[$i]=$(awk -v t="$((t1 - t0))" -v hz="$hz" -v n="$n" 'BEGIN { printf "%.3f", t * 1e6 / hz / n }')
	done
	ratio=$(awk -v a="${q[1]}" -v b="${q[2]}" 'BEGIN { printf "%.3f", a / b }')
	cratio=$(awk -v a="${us[1]}" -v b="${us[2]}" 'BEGIN { printf "%.3f", a / b }')
	world_log "hits round $r: ${q[1]} qps with steering, ${q[2]} without: ratio $ratio;" \
		"stub CPU ${us[1]} / ${us[2]} us per hit: ratio $cratio"
	ratios="$ratios $ratio"
	cratios="$cratios $cratio"
done
mr=$(printf '%s\n' $ratios | median)
echo "steer.miss_median_ms.on=$m1"
echo "steer.miss_median_ms.off=$m2"
echo "steer.miss_added_ms=$(awk -v a="$m1" -v b="$m2" 'BEGIN { printf "%.3f", a - b }')"
echo "steer.hit_qps_ratio_on_off.median=$mr (rounds:$ratios)"
echo "steer.hit_cpu_ratio_on_off.median=$(printf '%s\n' $cratios | median) (rounds:$cratios)"
echo "steer.stub=$held"
world_pass
