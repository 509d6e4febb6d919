#!/bin/sh
# Run one libFuzzer target for a bounded time on a scratch copy of its seed
# corpus. Usage: run-fuzz.sh FUZZER SEED_DIR
set -eu
fuzzer=$1 seeds=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
mkdir "$work/corpus"
[ -d "$seeds" ] && cp -r "$seeds"/. "$work/corpus/" 2>/dev/null || true
cd "$work"
"$fuzzer" -max_total_time="${MIF_FUZZ_SECONDS:-20}" -timeout=5 -rss_limit_mb=2048 \
	-print_final_stats=1 corpus
