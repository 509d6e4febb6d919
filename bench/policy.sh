#!/bin/bash
# SPDX-License-Identifier: MIT
# The policy's decision cost per new flow (issue 14; doc/policy.md,
# "Cost"): bench/policy-decide with 10,000 rules (and 1,000 and 100,000
# for the trend), median and p99 in ns. Target: under 2 us median.
#     bench/policy.sh [BUILD_DIR]
set -euo pipefail
B=${1:-build-dev}
exe="$B/bench/policy-decide"
[ -x "$exe" ] || { echo "bench/policy.sh: build $exe first (ninja -C $B)" >&2; exit 2; }
for n in 1000 10000 60000; do
	echo "== $n rules"
	nice -n 19 "$exe" "$n" 200000
done
