#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The fuzzing campaign (issue 17, item 2; `make fuzz-long`): every libFuzzer
# target of tests/fuzz/ for FUZZ_RUNS executions (default 10 million), one
# target at a time, one process each, at nice 19 (the machine is shared).
# Each target starts from its seed corpus (tests/fuzz/corpus/<name>/, which
# includes the public corpora listed in tests/fuzz/corpus/README.md) and
# from what earlier campaigns found (build-fuzz/fuzz-long/<name>/, kept
# between runs, never written into the tree). A crash input lands in
# tests/fuzz/crashes/<name>/, where `make check` runs it again for good
# (tests/fuzz/run-fuzz.sh).
#
# Then the figures of every target that has run (executions, time, libFuzzer's
# cov: and ft: counts, corpus size, crashes) are written between the fuzz
# markers of doc/reliability.md.
#
# Environment: FUZZ_RUNS (executions per target), FUZZ_MAX_SECONDS (a time
# bound per target, 0: none), FUZZ_TARGETS (names, default all),
# FUZZ_MAX_LEN (libFuzzer's -max_len; 0, the default, lets libFuzzer take
# the largest seed: systemd's DNS seeds of 30 KB halve fuzz_dns's speed).
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${FUZZ_RUNS:-10000000}
maxs=${FUZZ_MAX_SECONDS:-0}
maxlen=${FUZZ_MAX_LEN:-0}
out=build-fuzz/fuzz-long

if [ ! -f build-fuzz/build.ninja ]; then
	CC=clang meson setup build-fuzz -Dfuzz=true -Dtests=disabled \
		-Dc_args=-fsanitize=fuzzer-no-link,address,undefined \
		-Dc_link_args=-fsanitize=address,undefined -Db_lundef=false >/dev/null || exit 1
fi
nice -n 19 ninja -C build-fuzz >/dev/null || { ninja -C build-fuzz; exit 1; }

targets=${FUZZ_TARGETS:-$(cd tests/fuzz && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')}
fail=0
for t in $targets; do
	exe=build-fuzz/tests/fuzz/fuzz_$t
	[ -x "$exe" ] || { echo "fuzz-long: no $exe" >&2; fail=1; continue; }
	mkdir -p "$out/$t/corpus" "tests/fuzz/crashes/$t"
	log=$out/$t/log
	echo "== fuzz_$t: $runs executions (bound ${maxs}s, max_len $maxlen)"
	t0=$(date +%s)
	# The working corpus first (new inputs go there), then the seeds and
	# the crashes kept so far, read only.
	nice -n 19 "$exe" -runs="$runs" -max_total_time="$maxs" -max_len="$maxlen" -timeout=5 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="tests/fuzz/crashes/$t/" \
		"$out/$t/corpus" "tests/fuzz/corpus/$t" "tests/fuzz/crashes/$t" >"$log" 2>&1
	rc=$?
	t1=$(date +%s)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	last=$(grep -E '^#[0-9]+' "$log" | tail -1)
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
	ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
	ncorp=$(find "$out/$t/corpus" -type f | wc -l)
	ncrash=$(find "tests/fuzz/crashes/$t" -type f ! -name README.md | wc -l)
	[ "$rc" = 0 ] || fail=1
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "${execs:-?}" $((t1 - t0)) \
		"${cov:-?}" "${ft:-?}" "$ncorp" "$ncrash" "$rc" "$(date -u +%Y-%m-%dT%H:%MZ)" \
		>"$out/$t/stats"
	echo "   executions ${execs:-?} in $((t1 - t0)) s, cov ${cov:-?}, ft ${ft:-?}, exit $rc"
done

# The table, from every target's last stats.
table=$(
	echo "| target | executions | seconds | cov (edges) | ft (features) | corpus | crash inputs kept | exit | when (UTC) |"
	echo "|---|---|---|---|---|---|---|---|---|"
	for f in "$out"/*/stats; do
		[ -f "$f" ] || continue
		awk -F'\t' '{ printf "| fuzz_%s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }' "$f"
	done)
scripts/reliability-doc.sh fuzz "$table

Made by \`make fuzz-long\` (scripts/fuzz-long.sh, FUZZ_RUNS=$runs; the last run's time bound per
target FUZZ_MAX_SECONDS=$maxs, 0 none), each row from its target's last run (\`FUZZ_TARGETS\`
runs some), libFuzzer with ASan and UBSan, clang $(clang -dumpversion), nice 19, one process at a time.
A row with fewer than $runs executions stopped at the time bound.
\"cov\" is libFuzzer's count of instrumented edges reached, \"ft\" its count of features
(edges with hit counts); \"corpus\" the inputs kept in build-fuzz/fuzz-long/."
exit $fail
