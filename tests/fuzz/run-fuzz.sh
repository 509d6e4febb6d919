#!/bin/sh
# Run one libFuzzer target for a bounded time on a scratch copy of its seed
# corpus. Usage: run-fuzz.sh FUZZER SEED_DIR [CRASH_DIR]
# The inputs kept in CRASH_DIR (crashes the campaign found, fixed since) are
# run first, one by one: a crash that comes back fails the test.
set -eu
fuzzer=$1 seeds=$2 crashes=${3:-}
if [ -n "$crashes" ] && [ -d "$crashes" ]; then
	for f in "$crashes"/*; do
		[ -f "$f" ] && [ "${f##*/}" != README.md ] || continue
		"$fuzzer" -timeout=5 -rss_limit_mb=2048 "$f"
	done
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
mkdir "$work/corpus"
[ -d "$seeds" ] && cp -r "$seeds"/. "$work/corpus/" 2>/dev/null || true
cd "$work"
"$fuzzer" -max_total_time="${MIF_FUZZ_SECONDS:-20}" -timeout=5 -rss_limit_mb=2048 \
	-print_final_stats=1 corpus
