#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Benchmark (issue 16): the longest gap of a 1 kHz UDP stream (mif-udp-probe
# from the mobile node's home address to a correspondent and back, through
# the home agent) when the home agent goes, against the target of 1 s:
#   - redundancy, kill -9 of the active agent's mif-had and keepalived
#     (VRRP moves the address, the other agent loads the bindings from
#     Redis): tests/world/test-ha-redundancy.sh, its stream 1;
#   - redundancy, kill -9 of the active mif-had alone (keepalived sees its
#     TUN device go): the same test, stream 2;
#   - RFC 5142 HA Switch, a clean stop (SIGTERM) naming the other agent:
#     tests/world/test-ha-switch.sh, stream 1; on request (SIGUSR1): 2;
#   - the plain case: one home agent killed (kill -9) with nothing to take
#     over: test-ha-switch.sh, stream 3 (the stream never comes back; the
#     gap is the rest of the 3 s run).
# Each test runs ROUNDS times (default 3); medians and the ratio to 1 s.
# Usage: bench/ha-failover.sh [ROUNDS] (root; after make; BUILD).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
rounds=${1:-3}
export MIF_HAD=$build/src/ha/mif-had MIF_MN=$build/tests/tools/mif-mn
export MIF_UDP_PROBE=$build/tests/tools/mif-udp-probe MIF_WHOAMI=$build/tests/tools/mif-whoami
out=${BENCH_OUT:-$build/bench/ha-failover.txt}
mkdir -p "$(dirname "$out")"
: >"$out"
# gaps TEST LABEL...: run TEST once; "LABEL gap_ms" for each stream N. A
# run that fails (the tests also assert other things, some timing-bound
# under load) is reported with its failing line and left out.
failed=0
gaps() {
	local t=$1 log n=0
	shift
	if ! log=$(bash "$top/tests/world/$t" 2>&1); then
		failed=$((failed + 1))
		echo "bench/ha-failover: $t failed, run left out:" >&2
		printf '%s\n' "$log" | grep -E 'FAIL|assertion|timed out' | head -5 >&2
		return 0
	fi
	for label in "$@"; do
		n=$((n + 1))
		sed -n "s/.*UDP stream $n (1 kHz): //p" <<<"$log" |
			jq -r --arg l "$label" '"\($l) \(.longest_gap_ms)"' >>"$out"
	done
}
for _ in $(seq 1 "$rounds"); do
	gaps test-ha-redundancy.sh vrrp-kill-agent-and-keepalived vrrp-kill-mif-had
	gaps test-ha-switch.sh ha-switch-clean-stop ha-switch-on-request plain-no-standby
done
printf '%-34s %-40s %10s %10s\n' case "gaps (ms)" median "/ 1 s"
for c in vrrp-kill-agent-and-keepalived vrrp-kill-mif-had ha-switch-clean-stop \
	ha-switch-on-request plain-no-standby; do
	awk -v c="$c" '$1 == c { print $2 }' "$out" | sort -n | awk -v c="$c" '
		{ v[NR] = $1; s = s (NR > 1 ? ", " : "") int($1 + 0.5) }
		END { if (!NR) exit; m = v[int((NR + 1) / 2)]
		      note = c == "plain-no-standby" ? " (never recovers: rest of the run)" : ""
		      printf "%-34s %-40s %10.0f %10.3f%s\n", c, s, m, m / 1000, note }'
done
[ "$failed" = 0 ] || echo "($failed test run(s) failed and were left out)"
