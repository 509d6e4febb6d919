#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Benchmark (issue 5): mifd's DNS stub against dnsmasq and unbound (one
# thread), all three caching forwarders to the same upstream, with a UDP
# echo responder (bench/dns-echo) as the ceiling, side by side in one run:
#
#   up: nsd, zone bench.example (n0..nN-1 A, *.w A) 10.53.0.1
#    | veth
#   h:  mifd 127.0.0.153 (static PvD "up": DNS 10.53.0.1, route 0.0.0.0/0)
#       dnsmasq 127.0.0.2, unbound 127.0.0.3, dns-echo 127.0.0.4; dnsperf
#
# The machine is noisy (CPU steal), so it reports what stays stable:
#  1. queries per second as ratios between servers within one round (each
#     round runs every server once, in a rotating order, in each of two
#     modes: free, where dnsperf on its own CPU is the limit, and with every
#     server held to DNS_QUOTA percent of a CPU, where the server is),
#     dropping runs whose CPU steal (/proc/stat) exceeded DNS_STEAL_MAX
#     percent; also each server's CPU time per hit (/proc/PID/stat) and the
#     ratio of those;
#  2. system calls per cache hit (perf stat on raw_syscalls:sys_enter of the
#     server's process, under the same dnsperf load);
#  3. user-space instructions per cache hit (callgrind, counters zeroed after
#     the warm-up, dumped after a fixed number of hits);
#  4. the added median latency of a cache miss (distinct names under the
#     upstream's wildcard, through the server and straight to the upstream,
#     alternating in chunks);
#  5. resident memory idle and with DNS_FILL distinct names cached (then the
#     same names are asked again: no packet may go upstream).
# Servers whose column cannot run (mifd before it has --dns-listen) are left
# out. Results go to stdout (a table, then "dns.KEY=VALUE" lines) and to
# $DNS_BENCH_OUT (default BUILD/bench/dns-results): summary.txt and the
# callgrind files with callgrind_annotate output.
#
# Usage: bench/dns.sh [--quick]   (root; after make; BUILD=dir picks the build)
# Environment: DNS_ROUNDS (rounds wanted, 15), DNS_SECONDS (per run, 2),
# DNS_STEAL_MAX (10), DNS_FILL (100000), DNS_SERVERS ("mifd unbound dnsmasq echo"),
# DNS_PIN (1: servers on CPU 0, dnsperf on CPU 1), DNS_QUOTA (40; 0: free
# runs only), DNS_STEER (yes: mifd's answer-based steering, doc/steering.md;
# no: off, to measure what it adds).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
export MIFD=$build/src/daemon/mifd MIFCTL=$build/src/ctl/mifctl
echo_bin=$build/bench/dns-echo
quick=0
case "${1:-}" in
--quick) quick=1 ;;
"") ;;
*) echo "usage: bench/dns.sh [--quick]" >&2; exit 2 ;;
esac
if [ "$quick" = 1 ]; then
	rounds=${DNS_ROUNDS:-3} secs=${DNS_SECONDS:-1} fill=${DNS_FILL:-10000}
	sc_runs=5 cg_runs=2 lat_chunks=3
else
	rounds=${DNS_ROUNDS:-15} secs=${DNS_SECONDS:-2} fill=${DNS_FILL:-100000}
	sc_runs=20 cg_runs=5 lat_chunks=25
fi
steal_max=${DNS_STEAL_MAX:-10}
# With two CPUs or more, every server runs on CPU 0 and dnsperf on CPU 1, so
# that every run has the same placement (DNS_PIN=0 to let the kernel choose).
pin=${DNS_PIN:-1}
# DNS_QUOTA=PCT: each round also runs every server held to PCT% of one CPU
# (a cgroup), so that the server, not dnsperf, is the bottleneck and queries
# per second compare what each server does with the same CPU budget. Without
# it dnsperf, on the other CPU, is the limit: even the echo responder gets
# only a little more than unbound. 0: the free runs only.
quota=${DNS_QUOTA:-40}
cg="" cg_v=""
[ "$(nproc)" -ge 2 ] || pin=0
client_cpu=()
[ "$pin" = 0 ] || client_cpu=(taskset -c 1)
max_rounds=$((rounds * 3))
hit_names=1000          # the hit set: n0..n999, every one cached before measuring
lat_chunk=20            # miss latency: names per chunk, server and direct alternating
clients=10 outstanding=100   # dnsperf load for throughput and system calls
out=${DNS_BENCH_OUT:-$build/bench/dns-results}
export WORLD_CMD_TIMEOUT=180
. "$top/tests/world/lib.sh"
. "$top/tests/world/mif.sh"
. "$top/tests/world/dns.sh"
WORLD_TEST=bench-dns

# Addresses of the servers in h.
declare -A addr=([mifd]=127.0.0.153 [dnsmasq]=127.0.0.2 [unbound]=127.0.0.3 [echo]=127.0.0.4)
declare -A pid=()
upstream=10.53.0.1

# ---- helpers ----

# The expected A record of name n$1 in the zone.
name_addr() {
	echo "10.$((64 + ($1 >> 16))).$((($1 >> 8) & 255)).$(($1 & 255))"
}

# Print "steal total" jiffies of the whole machine (/proc/stat, first line).
cpu_sample() {
	awk '$1 == "cpu" { t = 0; for (i = 2; i <= 9; i++) t += $i; print $9, t; exit }' /proc/stat
}

# steal_pct "S0 T0" "S1 T1": percentage of CPU time stolen between samples.
steal_pct() {
	awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " ");
		d = y[2] - x[2]; printf "%.1f\n", (d > 0 ? 100 * (y[1] - x[1]) / d : 0) }'
}

# CPU time (user + system, clock ticks) the process PID has used so far.
cpu_ticks() {
	awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

# DNS queries h has sent to the upstream so far (an nftables counter on
# UDP and TCP to port 53 of the upstream: ARP and neighbour traffic on the
# link are not queries).
up_tx() {
	local n
	n=$(world_exec h nft list counter inet mifbench up53 |
		awk '$1 == "packets" { print $2; exit }')
	case "$n" in '' | *[!0-9]*) world_fail "no upstream query counter ($n)" ;; esac
	echo "$n"
}

# dp FILE FIELD: a number from dnsperf's statistics ("Queries per second" ...).
dp() {
	awk -v f="$2" 'index($0, f ":") { sub(/^[^:]*:[ \t]*/, ""); print $1 + 0; exit }' "$1"
}

# dnsperf_run OUT ARGS...: dnsperf in h, output to OUT; fails on an error.
dnsperf_run() {
	local o=$1
	shift
	world_exec h "${client_cpu[@]}" dnsperf -T 1 "$@" >"$o" 2>&1 || world_fail "dnsperf $* failed: $(tail -n 5 "$o")"
}

# median: the median of the numbers on stdin ("-" if none).
median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-";
		else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ready SERVER: the server answers n0 (the echo server: any NOERROR answer).
ready() {
	local a
	a=$(world_exec h dig @"${addr[$1]}" +tries=1 +time=1 n0.bench.example A 2>&1) || return 1
	case "$a" in *"status: NOERROR"*) ;; *) return 1 ;; esac
	[ "$1" = echo ] && return 0
	case "$a" in *"$(name_addr 0)"*) return 0 ;; esac
	return 1
}

# stop SERVER: end the server we started (TERM, then KILL after 5 s).
stop() {
	local p=${pid[$1]} i
	# mifd: its parent (the network-facing child would only be restarted).
	[ "$1" != mifd ] || p=$WORLD_MIFD_PID
	kill -TERM "$p" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do world__alive "$p" || break; sleep 0.1; done
	kill -KILL "$p" 2>/dev/null || true
	wait "$p" 2>/dev/null || true
	[ "$1" != mifd ] || WORLD_MIFD_PID=""
}

# rss SERVER: resident memory of the server in KiB.
rss() {
	awk '/^VmRSS/ { print $2 }' "/proc/${pid[$1]}/status"
}

# start SERVER [WRAPPER...]: start the server in h, optionally under a
# wrapper (valgrind), and wait until it answers (60 s under valgrind).
start() {
	local s=$1 wait=15 log=$1
	shift
	[ $# = 0 ] || wait=60 log=$1-cg
	case "$s" in
	dnsmasq)
		world_bg h "$log" "$@" dnsmasq --keep-in-foreground --conf-file=/dev/null \
			--no-resolv --no-hosts --server="$upstream" --listen-address="${addr[dnsmasq]}" \
			--bind-interfaces --port=53 --cache-size="$cache" --user=root --pid-file= \
			--log-facility="$WORLD_TMP/dnsmasq.log"
		;;
	unbound)
		world_bg h "$log" "$@" unbound -d -c "$WORLD_TMP/unbound.conf"
		;;
	echo)
		world_bg h "$log" "$@" "$echo_bin" "${addr[echo]}" 53
		;;
	mifd)
		world_bg h mifd "$@" "$MIFD" --foreground --socket "$WORLD_TMP/mifd.sock" \
			--config "$WORLD_TMP/mifd.conf" --interface eth0 --dns-listen "${addr[mifd]}" \
			--state-dir "$WORLD_TMP/state" \
			--log-level warning --no-connectivity
		WORLD_MIFD_PID=$WORLD_LAST_PID WORLD_MIFD_NS=h
		mifd_sock() { [ -S "$WORLD_TMP/mifd.sock" ] && world_ctl --json status >/dev/null; }
		world_wait_for "mifd control socket" "$wait" mifd_sock
		world_ctl pvd add up --interface eth0 --dns "$upstream" --route 0.0.0.0/0 >/dev/null ||
			world_fail "mifctl pvd add up failed"
		;;
	esac
	pid[$s]=$WORLD_LAST_PID
	# mifd's stub runs in its network-facing process (doc/architecture.md):
	# that is the one to measure.
	[ "$s" != mifd ] || pid[$s]=$(world_ctl --json status | jq -r '.processes.net.pid')
	world_wait_for "$s answering on ${addr[$s]}" "$wait" ready "$s"
	[ "$pin" = 0 ] || taskset -a -p -c 0 "${pid[$s]}" >/dev/null ||
		world_fail "taskset on $s failed"
	[ -z "$cg" ] || cg_add "${pid[$s]}"
}

# cg_setup: a cgroup for the servers whose CPU quota cg_limit sets (cgroup
# v2 cpu.max, or v1 cpu.cfs_quota_us), removed by the world's cleanup.
cg_setup() {
	local name="mifbench$$"
	if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
		cg=/sys/fs/cgroup/$name cg_v=2
		echo +cpu >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null || true
		mkdir "$cg" || world_fail "cannot create the cgroup $cg"
	elif [ -d /sys/fs/cgroup/cpu ]; then
		cg=/sys/fs/cgroup/cpu/$name cg_v=1
		mkdir "$cg" && echo 100000 >"$cg/cpu.cfs_period_us" ||
			world_fail "cannot create the cgroup $cg"
	else
		world_fail "DNS_QUOTA needs the cgroup cpu controller (DNS_QUOTA=0: free runs only)"
	fi
	WORLD_CLEANUP_CMDS+=("rmdir $cg")
	cg_limit 0
	world_log "quota runs hold every server to $quota% of one CPU ($cg)"
}

# cg_limit PCT: the servers' quota, in percent of one CPU (0: none).
cg_limit() {
	[ -n "$cg" ] || return 0
	if [ "$cg_v" = 2 ]; then
		if [ "$1" = 0 ]; then echo "max 100000"; else echo "$(($1 * 1000)) 100000"; fi \
			>"$cg/cpu.max" || world_fail "cannot set $cg/cpu.max"
	else
		if [ "$1" = 0 ]; then echo -1; else echo "$(($1 * 1000))"; fi \
			>"$cg/cpu.cfs_quota_us" || world_fail "cannot set $cg/cpu.cfs_quota_us"
	fi
}

# cg_add PID: every thread of PID into the quota cgroup.
cg_add() {
	local t
	if [ "$cg_v" = 2 ]; then
		echo "$1" >"$cg/cgroup.procs" || world_fail "cannot move $1 into $cg"
	else
		for t in /proc/"$1"/task/*; do
			echo "${t##*/}" >"$cg/tasks" || world_fail "cannot move ${t##*/} into $cg"
		done
	fi
}

# ---- the world ----

# Which servers can run: mifd only once it has --dns-listen.
servers=()
for s in ${DNS_SERVERS:-mifd unbound dnsmasq echo}; do
	case "$s" in
	mifd)
		help=$("$MIFD" --help 2>&1 || true)
		case "$help" in
		*--dns-listen*) servers+=(mifd) ;;
		*) echo "bench-dns: $MIFD has no --dns-listen yet: mifd left out" >&2 ;;
		esac
		;;
	unbound | dnsmasq | echo) servers+=("$s") ;;
	*) echo "bench-dns: unknown server $s" >&2; exit 2 ;;
	esac
done
world_require dnsperf dig nsd unbound dnsmasq perf valgrind callgrind_control callgrind_annotate nft
[ -x "$echo_bin" ] || { echo "bench-dns: $echo_bin missing (build first)" >&2; exit 1; }

world_init
[ "$quota" = 0 ] || cg_setup
world_host up
world_host h
world_link up eth0 h eth0
ip -n "$(world_ns up)" addr add "$upstream/24" dev eth0
ip -n "$(world_ns h)" addr add 10.53.0.2/24 dev eth0
world_exec h nft -f - <<EOF || world_fail "cannot count upstream queries with nftables"
table inet mifbench {
	counter up53 { }
	chain out {
		type filter hook output priority 0;
		ip daddr $upstream meta l4proto { udp, tcp } th dport 53 counter name up53
	}
}
EOF
cache=$((fill + fill / 2))   # every server's cache: room for all filled names

# The upstream: nsd, authoritative for bench.example (TTL one day).
zone=$WORLD_TMP/bench.example.zone
{
	# shellcheck disable=SC2016
	printf '$ORIGIN bench.example.\n$TTL 86400\n'
	printf '@ SOA ns admin 1 3600 600 86400 3600\n@ NS ns\nns A %s\n*.w A 10.9.9.9\n' "$upstream"
	awk -v n="$fill" 'BEGIN { for (i = 0; i < n; i++)
		printf "n%d A 10.%d.%d.%d\n", i, 64 + int(i / 65536), int(i / 256) % 256, i % 256 }'
} >"$zone"
dns_nsd up "$upstream" bench.example bench.example.zone
upstream_ok() {
	local a
	a=$(world_exec h dig @"$upstream" +tries=1 +time=1 +short "n$((fill - 1)).bench.example" A)
	[ "$a" = "$(name_addr $((fill - 1)))" ]
}
world_wait_for "nsd answering with the whole zone" 60 upstream_ok

cat >"$WORLD_TMP/unbound.conf" <<EOF
server:
	interface: ${addr[unbound]}
	port: 53
	num-threads: 1
	do-daemonize: no
	chroot: ""
	username: ""
	directory: "$WORLD_TMP"
	pidfile: ""
	use-syslog: no
	logfile: "$WORLD_TMP/unbound-run.log"
	verbosity: 0
	do-ip6: no
	access-control: 127.0.0.0/8 allow
	module-config: "iterator"
	msg-cache-size: 256m
	rrset-cache-size: 512m
	prefetch: no
	num-queries-per-thread: 4096
remote-control:
	control-enable: no
forward-zone:
	name: "."
	forward-addr: $upstream
EOF
world_exec h unbound-checkconf "$WORLD_TMP/unbound.conf" >/dev/null ||
	world_fail "unbound.conf rejected"
printf '[dns]\nresolv_conf = %s\ncache_size = %d\ncache_bytes = %d\n[steering]\nanswers = %s\n' \
	"$WORLD_TMP/resolv.conf" "$cache" $((cache * 1024)) "${DNS_STEER:-yes}" >"$WORLD_TMP/mifd.conf"

# Query files: the hit set, the fill set (every name), and distinct miss names.
awk -v n="$hit_names" 'BEGIN { for (i = 0; i < n; i++) printf "n%d.bench.example A\n", i }' \
	>"$WORLD_TMP/hits"
awk -v n="$fill" 'BEGIN { for (i = 0; i < n; i++) printf "n%d.bench.example A\n", i }' \
	>"$WORLD_TMP/fill"

declare -A rss_idle=() rss_full=()
for s in "${servers[@]}"; do
	start "$s"
	sleep 0.5
	rss_idle[$s]=$(rss "$s")
done
# Warm every cache with the hit set, then check it is all hits: the second
# pass must send nothing upstream.
for s in "${servers[@]}"; do
	dnsperf_run "$WORLD_TMP/warm-$s" -s "${addr[$s]}" -d "$WORLD_TMP/hits" -n 1 -c 1 -q 20
done
tx0=$(up_tx)
for s in "${servers[@]}"; do
	dnsperf_run "$WORLD_TMP/warm2-$s" -s "${addr[$s]}" -d "$WORLD_TMP/hits" -n 1 -c 1 -q 20
	[ "$(dp "$WORLD_TMP/warm2-$s" "Queries completed")" = "$hit_names" ] ||
		world_fail "$s did not answer all $hit_names warm-up queries"
done
[ "$(up_tx)" = "$tx0" ] ||
	world_fail "the hit set is not cached: $(($(up_tx) - tx0)) queries went upstream"
world_log "servers: ${servers[*]}; hit set of $hit_names names cached"

# ---- 1. throughput rounds ----

# Modes: "free" (no quota) and "cpuPCT" (every server at PCT% of a CPU).
modes=(free)
[ "$quota" = 0 ] || modes+=("cpu$quota")
: >"$WORLD_TMP/runs"
hz=$(getconf CLK_TCK)
kept_rounds=0 dropped=0 done_rounds=0
for ((r = 0; r < max_rounds && kept_rounds < rounds; r++)); do
	n=${#servers[@]} all=1
	for ((k = 0; k < n * ${#modes[@]}; k++)); do
		mode=${modes[k / n]}
		s=${servers[(r + k) % n]}
		if [ "$mode" = free ]; then cg_limit 0; else cg_limit "$quota"; fi
		tx0=$(up_tx)
		c0=$(cpu_sample)
		p0=$(cpu_ticks "${pid[$s]}")
		dnsperf_run "$WORLD_TMP/tp" -s "${addr[$s]}" -d "$WORLD_TMP/hits" -l "$secs" \
			-c "$clients" -q "$outstanding"
		p1=$(cpu_ticks "${pid[$s]}")
		c1=$(cpu_sample)
		st=$(steal_pct "$c0" "$c1")
		q=$(dp "$WORLD_TMP/tp" "Queries per second")
		lost=$(dp "$WORLD_TMP/tp" "Queries lost")
		# Server CPU per answered query (microseconds) and its busy share.
		nq=$(dp "$WORLD_TMP/tp" "Queries completed")
		cpu_us=$(awk -v d=$((p1 - p0)) -v n="$nq" -v hz="$hz" 'BEGIN { printf "%.3f", (n > 0 ? d * 1e6 / hz / n : 0) }')
		busy=$(awk -v d=$((p1 - p0)) -v t="$secs" -v hz="$hz" 'BEGIN { printf "%.0f", 100 * d / hz / t }')
		keep=1
		awk -v s="$st" -v m="$steal_max" 'BEGIN { exit !(s > m) }' && keep=0
		[ "$keep" = 1 ] || { all=0; dropped=$((dropped + 1)); }
		echo "$r $s $q $st $keep $lost $(($(up_tx) - tx0)) $cpu_us $busy $mode" >>"$WORLD_TMP/runs"
		world_log "round $r $mode $s: $q qps, steal $st%, lost $lost, server CPU $cpu_us us/query" \
			"(busy $busy%)$([ "$keep" = 1 ] || echo ', dropped')"
	done
	done_rounds=$((r + 1))
	[ "$all" = 0 ] || kept_rounds=$((kept_rounds + 1))
done
cg_limit 0   # the rest runs free

# ratio A B [COL [MODE]]: qps(A)/qps(B) in each round where both runs of
# MODE (free) were kept, one per line in round order. COL 8 (CPU per query)
# gives B/A instead: the ratio of the capacities a server-bound client would
# see.
ratio() {
	awk -v a="$1" -v b="$2" -v c="${3:-3}" -v m="${4:-free}" '
		$5 == 1 && $10 == m && $2 == a { qa[$1] = c == 3 ? $3 : 1 / $8 }
		$5 == 1 && $10 == m && $2 == b { qb[$1] = c == 3 ? $3 : 1 / $8 }
		END { for (r in qa) if ((r in qb) && qb[r] > 0) printf "%d %.3f\n", r, qa[r] / qb[r] }' \
		"$WORLD_TMP/runs" | sort -n | awk '{ print $2 }'
}

# ---- 2. system calls per hit ----

declare -A sc=() sc_top=()
tps=""
for t in recvfrom recvmsg recvmmsg sendto sendmsg sendmmsg epoll_wait epoll_pwait poll ppoll \
	select pselect6 read write socket close getrandom; do
	[ -e "/sys/kernel/tracing/events/syscalls/sys_enter_$t" ] && tps+=",syscalls:sys_enter_$t"
done
for s in "${servers[@]}"; do
	perf stat -x, -o "$WORLD_TMP/perf-$s" -e "raw_syscalls:sys_enter$tps" -p "${pid[$s]}" &
	perfpid=$!
	WORLD_PIDS+=("$perfpid")
	sleep 1
	dnsperf_run "$WORLD_TMP/sc-$s" -s "${addr[$s]}" -d "$WORLD_TMP/hits" -n "$sc_runs" \
		-c "$clients" -q "$outstanding"
	kill -INT "$perfpid"
	wait "$perfpid" || true
	nq=$(dp "$WORLD_TMP/sc-$s" "Queries completed")
	sc[$s]=$(awk -F, -v n="$nq" '$3 == "raw_syscalls:sys_enter" { printf "%.2f", $1 / n }' "$WORLD_TMP/perf-$s")
	sc_top[$s]=$(awk -F, -v n="$nq" '$3 ~ /^syscalls:sys_enter_/ && $1 > 0 {
		sub(/^syscalls:sys_enter_/, "", $3); printf "%s %.2f\n", $3, $1 / n }' "$WORLD_TMP/perf-$s" |
		sort -k2 -gr | awk 'NR <= 4 { printf "%s%s=%s", (NR > 1 ? " " : ""), $1, $2 }')
	world_log "$s: ${sc[$s]} system calls per hit (${sc_top[$s]})"
done

# ---- 3. added median latency of a cache miss ----

declare -A lat_srv=() lat_dir=() lat_add=()
for s in "${servers[@]}"; do
	[ "$s" != echo ] || continue
	world_log "$s: $((lat_chunks * lat_chunk)) misses, and as many straight to the upstream"
	: >"$WORLD_TMP/lat-$s-srv"
	: >"$WORLD_TMP/lat-$s-dir"
	for ((c = 0; c < lat_chunks; c++)); do
		for via in srv dir; do
			awk -v s="$s" -v v="$via" -v c="$c" -v n="$lat_chunk" 'BEGIN {
				for (i = 0; i < n; i++) printf "m%d-%d-%s-%s.w.bench.example A\n", c, i, v, s }' \
				>"$WORLD_TMP/miss"
			a=${addr[$s]}
			[ "$via" = srv ] || a=$upstream
			dnsperf_run "$WORLD_TMP/lat" -s "$a" -d "$WORLD_TMP/miss" -n 1 -c 1 -q 1 -v
			awk '$1 == ">" && $2 == "NOERROR" { print $NF * 1000 }' "$WORLD_TMP/lat" \
				>>"$WORLD_TMP/lat-$s-$via"
		done
	done
	# A lost query (a dnsperf timeout on this noisy machine) only drops
	# that sample; a server that fails more than one in twenty is broken.
	got=$(wc -l <"$WORLD_TMP/lat-$s-srv")
	[ "$got" -ge $((lat_chunks * lat_chunk * 19 / 20)) ] ||
		world_fail "$s: only $got of $((lat_chunks * lat_chunk)) misses got NOERROR"
	[ "$got" = $((lat_chunks * lat_chunk)) ] ||
		world_log "$s: $((lat_chunks * lat_chunk - got)) misses lost (left out of the median)"
	lat_srv[$s]=$(median <"$WORLD_TMP/lat-$s-srv")
	lat_dir[$s]=$(median <"$WORLD_TMP/lat-$s-dir")
	lat_add[$s]=$(awk -v a="${lat_srv[$s]}" -v b="${lat_dir[$s]}" 'BEGIN { printf "%.3f", a - b }')
	world_log "$s: miss median ${lat_srv[$s]} ms, upstream direct ${lat_dir[$s]} ms"
done

# ---- 4. resident memory with every name cached ----

declare -A fill_up=()
for s in "${servers[@]}"; do
	[ "$s" != echo ] || continue
	tx0=$(up_tx)
	dnsperf_run "$WORLD_TMP/fill-$s" -s "${addr[$s]}" -d "$WORLD_TMP/fill" -n 1 -c "$clients" \
		-q "$outstanding" -t 10
	# The counter counts: the first pass goes upstream for every new name.
	[ $(($(up_tx) - tx0)) -ge $((fill - hit_names)) ] ||
		world_fail "$s: only $(($(up_tx) - tx0)) queries upstream for $fill new names"

	[ "$(dp "$WORLD_TMP/fill-$s" "Queries completed")" = "$fill" ] ||
		world_fail "$s: not all $fill names answered: $(grep -E 'completed|lost' "$WORLD_TMP/fill-$s")"
	sleep 0.5
	rss_full[$s]=$(rss "$s")
	tx0=$(up_tx)
	dnsperf_run "$WORLD_TMP/fill2-$s" -s "${addr[$s]}" -d "$WORLD_TMP/fill" -n 1 -c "$clients" \
		-q "$outstanding"
	fill_up[$s]=$(($(up_tx) - tx0))
	world_log "$s: RSS ${rss_idle[$s]} KiB idle, ${rss_full[$s]} KiB with $fill names;" \
		"asked again: ${fill_up[$s]} queries upstream"
done
if [ -n "${pid[mifd]:-}" ]; then
	world_ctl --json dns >"$WORLD_TMP/mifd-dns.json" || true
fi

# ---- 5. instructions per hit (callgrind) ----

rm -rf "$out"
mkdir -p "$out"
# mifd's stub runs as an unprivileged user (doc/architecture.md): its
# callgrind files go where that user may write.
cgdir=$WORLD_TMP/cg
mkdir -p "$cgdir"
chmod 1777 "$cgdir"
chmod o+x "$WORLD_TMP"
declare -A ir=()
for s in "${servers[@]}"; do
	stop "$s"
	[ "$s" != mifd ] || rm -f "$WORLD_TMP/mifd.sock"
	# valgrind's own system calls would meet mifd's seccomp filters.
	MIFD_SECCOMP=off start "$s" valgrind --tool=callgrind --trace-children=no \
		--callgrind-out-file="$cgdir/cg-$s.%p"
	# First pass fills the fresh cache, second runs the hit path once warm.
	dnsperf_run "$WORLD_TMP/cgw-$s" -s "${addr[$s]}" -d "$WORLD_TMP/hits" -n 2 -c 1 -q 20 -t 30
	if ! timeout 60 callgrind_control -z "${pid[$s]}" >/dev/null; then
		# callgrind_control does not find a forked child that changed
		# user (mifd's network-facing process): no count for it.
		[ "$s" = mifd ] || world_fail "callgrind_control -z $s failed"
		world_log "mifd: callgrind_control cannot reach the network-facing process;" \
			"instructions per hit not measured"
		ir[$s]="n/a"
		stop "$s"
		continue
	fi
	dnsperf_run "$WORLD_TMP/cgq-$s" -s "${addr[$s]}" -d "$WORLD_TMP/hits" -n "$cg_runs" \
		-c "$clients" -q "$outstanding" -t 30
	timeout 60 callgrind_control -d "${pid[$s]}" >/dev/null ||
		world_fail "callgrind_control -d $s failed"
	nq=$(dp "$WORLD_TMP/cgq-$s" "Queries completed")
	dumps=("$cgdir/cg-$s.${pid[$s]}".*)
	f=${dumps[0]}
	if [ ! -f "$f" ]; then
		# mifd's hit path runs in its network-facing process, a forked
		# child under another user: its dump may not be where the
		# parent's pid says (the rest of the bench still runs).
		[ "$s" = mifd ] || world_fail "no callgrind dump for $s"
		world_log "mifd: no callgrind dump for pid ${pid[$s]} ($(ls "$cgdir" | tr '\n' ' '));" \
			"instructions per hit not measured"
		ir[$s]="n/a"
		stop "$s"
		continue
	fi
	ir[$s]=$(awk -v n="$nq" '/^summary:/ { printf "%.0f", $2 / n }' "$f")
	cp "$f" "$out/callgrind.$s.out"
	callgrind_annotate --threshold=100 "$f" >"$out/callgrind.$s.txt" 2>&1 || true
	# Functions by their own instructions per hit. After -z, callgrind charges
	# the whole total to the frames below the event loop (main, libc start):
	# those rows (>= 99% each) are left out.
	awk -v n="$nq" -v t="$(awk '/^summary:/ { print $2 }' "$f")" '
		/^ *[0-9,]+ \( *[0-9.]+%\)  / && !/PROGRAM TOTALS/ {
		v = $1; gsub(/,/, "", v); p = 100 * v / t
		if (p >= 99) next
		f = $0; sub(/^ *[0-9,]+ \( *[0-9.]+%\)  /, "", f); sub(/ \[.*$/, "", f)
		sub(/^.*\.\.\//, "", f)
		if (++k <= 25) printf "%8.1f  %5.1f%%  %s\n", v / n, p, f }' \
		"$out/callgrind.$s.txt" >"$out/callgrind.$s.top25.txt"
	world_log "$s: ${ir[$s]} instructions per hit ($nq hits)"
	stop "$s"
done

# ---- report ----

dash() { [ -n "${1:-}" ] && echo "$1" || echo -; }
{
	echo
	echo "DNS cache hits and misses (bench/dns.sh$([ "$quick" = 1 ] && echo ' --quick'))," \
		"dnsperf -c $clients -q $outstanding on $hit_names cached names"
	echo "throughput: $kept_rounds rounds kept of $done_rounds (${secs}s per run);" \
		"$dropped runs dropped for CPU steal over ${steal_max}%"
	printf '%-34s' "measure"
	for s in "${servers[@]}"; do printf ' %12s' "$s"; done
	echo
	row() {   # LABEL ARRAY-NAME
		local -n a=$2
		printf '%-34s' "$1"
		for s in "${servers[@]}"; do printf ' %12s' "$(dash "${a[$s]:-}")"; done
		echo
	}
	# Per mode: medians over kept runs and over per-round ratios.
	declare -A qps_med=() rat_unb=() cap_unb=() cpu_med=() busy_med=()
	# shellcheck disable=SC2034  # read through mrow's name reference
	for m in "${modes[@]}"; do
		for s in "${servers[@]}"; do
			k="$m $s"
			qps_med[$k]=$(awk -v s="$s" -v m="$m" '$2 == s && $5 == 1 && $10 == m {
				printf "%.0f\n", $3 }' "$WORLD_TMP/runs" | median)
			rat_unb[$k]=$(ratio "$s" unbound 3 "$m" | median)
			cap_unb[$k]=$(ratio "$s" unbound 8 "$m" | median)
			cpu_med[$k]=$(awk -v s="$s" -v m="$m" '$2 == s && $5 == 1 && $10 == m { print $8 }' \
				"$WORLD_TMP/runs" | median)
			busy_med[$k]=$(awk -v s="$s" -v m="$m" '$2 == s && $5 == 1 && $10 == m { print $9 }' \
				"$WORLD_TMP/runs" | median)
		done
	done
	mrow() {   # LABEL ARRAY-NAME MODE
		local -n a=$2
		printf '%-34s' "$1"
		for s in "${servers[@]}"; do printf ' %12s' "$(dash "${a[$3 $s]:-}")"; done
		echo
	}
	row "instructions per hit (callgrind)" ir
	row "system calls per hit" sc
	for m in "${modes[@]}"; do
		if [ "$m" = free ]; then
			echo "free runs (dnsperf on its CPU is the limit):"
		else
			echo "every server held to ${m#cpu}% of one CPU (the server is the limit):"
		fi
		mrow "  qps, median of kept runs" qps_med "$m"
		mrow "  server CPU us per hit, median" cpu_med "$m"
		mrow "  server CPU busy %, median" busy_med "$m"
		mrow "  capacity / unbound's (CPU/hit)" cap_unb "$m"
		mrow "  qps / unbound's, median/round" rat_unb "$m"
	done
	row "miss: median through server, ms" lat_srv
	row "miss: median direct upstream, ms" lat_dir
	row "miss: added median latency, ms" lat_add
	row "RSS idle, KiB" rss_idle
	row "RSS with $fill names, KiB" rss_full
	row "queries upstream, $fill asked again" fill_up
	echo "system calls per hit by call:"
	for s in "${servers[@]}"; do printf '  %-8s %s\n' "$s" "$(dash "${sc_top[$s]:-}")"; done
	if [ -n "${pid[mifd]:-}" ]; then
		for m in "${modes[@]}"; do
			echo "mifd qps ratios per round, $m: unbound $(ratio mifd unbound 3 "$m" | tr '\n' ' ')" \
				"dnsmasq $(ratio mifd dnsmasq 3 "$m" | tr '\n' ' ')echo $(ratio mifd echo 3 "$m" | tr '\n' ' ')"
		done
		verdict() { awk -v v="$1" -v c="$2" -v t="$3" 'BEGIN { if (v == "-" || v == "") print "n/a";
			else if ((c == "le" && v + 0 <= t) || (c == "ge" && v + 0 >= t)) print "met";
			else print "MISSED" }'; }
		echo "targets: instructions/hit <= 3000: $(verdict "${ir[mifd]:-}" le 3000) (${ir[mifd]:-?});" \
			"system calls/hit <= 1: $(verdict "${sc[mifd]:-}" le 1) (${sc[mifd]:-?})"
		for m in "${modes[@]}"; do
			mu=$(ratio mifd unbound 3 "$m" | median)
			echo "targets: qps >= 1.2 x unbound, $m: $(verdict "$mu" ge 1.2) ($mu; echo/unbound" \
				"$(ratio echo unbound 3 "$m" | median), mifd/echo $(ratio mifd echo 3 "$m" | median))"
		done
		echo "mifd's hit path, own instructions per hit (callgrind, top 25):"
		sed 's/^/  /' "$out/callgrind.mifd.top25.txt"
	fi
	echo
	echo "dns.rounds_kept=$kept_rounds"
	echo "dns.rounds_run=$done_rounds"
	echo "dns.runs_dropped=$dropped"
	echo "dns.steal_max_pct=$steal_max"
	echo "dns.quota_pct=$quota"
	echo "dns.fill_names=$fill"
	for s in "${servers[@]}"; do
		echo "dns.$s.ir_per_hit=$(dash "${ir[$s]:-}")"
		echo "dns.$s.syscalls_per_hit=$(dash "${sc[$s]:-}")"
		for m in "${modes[@]}"; do
			x=""
			[ "$m" = free ] || x=".$m"
			echo "dns.$s.qps_median$x=$(dash "${qps_med[$m $s]:-}")"
			echo "dns.$s.qps_ratio_unbound_median$x=$(dash "${rat_unb[$m $s]:-}")"
			echo "dns.$s.cpu_us_per_hit_median$x=$(dash "${cpu_med[$m $s]:-}")"
			echo "dns.$s.capacity_ratio_unbound_median$x=$(dash "${cap_unb[$m $s]:-}")"
		done
		[ "$s" = echo ] && continue
		echo "dns.$s.miss_added_ms=$(dash "${lat_add[$s]:-}")"
		echo "dns.$s.rss_idle_kib=$(dash "${rss_idle[$s]:-}")"
		echo "dns.$s.rss_filled_kib=$(dash "${rss_full[$s]:-}")"
	done
	if [ -n "${pid[mifd]:-}" ]; then
		for m in "${modes[@]}"; do
			x=""
			[ "$m" = free ] || x=".$m"
			for b in unbound dnsmasq echo; do
				echo "dns.mifd.qps_ratio_$b.median$x=$(ratio mifd "$b" 3 "$m" | median)"
			done
		done
	fi
} | tee "$out/summary.txt"
cp "$WORLD_TMP/runs" "$out/runs.txt"
[ ! -f "$WORLD_TMP/mifd-dns.json" ] || cp "$WORLD_TMP/mifd-dns.json" "$out/"
echo "(details: $out)"
exit 0
