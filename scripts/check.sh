#!/bin/bash
# Everything `make check` runs, in order, with one summary line at the end:
#  1. unit tests (build/)
#  2. world tests: network-namespace scenarios with real servers (root),
#     then the problem statement's scenarios (tests/scenarios, root)
#  3. unit tests again under AddressSanitizer + UndefinedBehaviorSanitizer,
#     and the world tests again with that build of mifd (a sanitizer report
#     in mifd's log fails the test)
#  4. unit tests again under valgrind's memcheck (`meson test --setup
#     valgrind`): uninitialised values used or sent to the kernel fail
#  5. every libFuzzer target for a bounded time (clang)
#  6. gcc -fanalyzer over the tree (build-analyzer/, rebuilt whole each time:
#     about a minute on two cores); any warning in src/, lib/ or include/
#     fails. Unit tests are left out of it (cmocka's assertions jump out of
#     a test but are not declared noreturn, so the analyzer walks on past
#     them and reports what cannot happen).
# Set CHECK_FUZZ_SECONDS (default 20) to fuzz longer; CHECK_SKIP_FUZZ=1,
# CHECK_SKIP_WORLD=1, CHECK_SKIP_SCENARIOS=1, CHECK_VALGRIND=0 and CHECK_ANALYZER=0 leave those parts out when
# iterating locally.
set -u
cd "$(dirname "$0")/.."

pass=0 fail=0 skip=0
failed_parts=()
# One line per failing test (its name and its FAIL: line), repeated at the
# very end: CI shows only the last lines of this output.
failed_tests=()

# Run one meson test suite (extra meson test options after the label) and
# add its counts to the totals.
run_suite() {
	local dir=$1 suite=$2 label=$3 log
	shift 3
	log=$(mktemp)
	local t0=$SECONDS
	echo "== $label"
	meson test -C "$dir" --suite "$suite" --print-errorlogs --num-processes 2 "$@" 2>&1 |
		tee "$log" |
		grep -aE '^ *[0-9]+/[0-9]+ |^(Ok|Fail|Skipped|Timeout|Expected Fail|Unexpected Pass):' 
	local ok f s t
	ok=$(awk '/^Ok:/{print $2}' "$log"); f=$(awk '/^Fail:/{print $2}' "$log")
	s=$(awk '/^Skipped:/{print $2}' "$log"); t=$(awk '/^Timeout:/{print $2}' "$log")
	if [ -z "$ok" ]; then
		if grep -aq "No suitable tests defined" "$log"; then
			echo "   (no tests in suite $suite)"
		else
			echo "   meson test did not run (see above)"; fail=$((fail + 1)); failed_parts+=("$label")
		fi
	else
		pass=$((pass + ok)); fail=$((fail + f + t)); skip=$((skip + s))
		if [ $((f + t)) -gt 0 ]; then
			failed_parts+=("$label")
			echo "---- output of the failing tests ($label) ----"
			sed -n '/^―*.*✀/,/^Summary of Failures/p' "$log"
			local line
			while IFS= read -r line; do
				failed_tests+=("$label: $line")
			done < <(grep -aE '^ *[0-9]+/[0-9]+ .* (FAIL|TIMEOUT|ERROR|INTERRUPT) ' "$log" |
				sed -E 's/^ *[0-9]+\/[0-9]+ +//; s/ +/ /g' | sort -u
				grep -aE '^FAIL: ' "$log" | cut -c1-200 | sort -u)
		fi
	fi
	rm -f "$log"
	echo "   ($label: $((SECONDS - t0)) s)"
}

setup() {
	local dir=$1; shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$@" >/dev/null || { echo "meson setup $dir failed"; return 1; }
	fi
	ninja -C "$dir" >/dev/null || { ninja -C "$dir"; return 1; }
}

run_suite build unit "unit tests"

if [ "${CHECK_SKIP_WORLD:-0}" != 1 ]; then
	run_suite build world "world tests (network namespaces)"
fi

# The scenarios of the problem statement (tests/scenarios, doc/scenarios.md):
# one part; a scenario neither solved nor pending fails it.
if [ "${CHECK_SKIP_WORLD:-0}" != 1 ] && [ "${CHECK_SKIP_SCENARIOS:-0}" != 1 ]; then
	echo "== scenarios (plain host vs mif)"
	t0=$SECONDS
	slog=$(mktemp)
	if BUILD=build tests/scenarios/run.sh >"$slog" 2>&1; then
		pass=$((pass + 1)); tail -n 2 "$slog"
	else
		cat "$slog"; fail=$((fail + 1)); failed_parts+=("scenarios")
	fi
	rm -f "$slog"
	echo "   (scenarios: $((SECONDS - t0)) s)"
fi

if setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
	-Dc_args=-fno-sanitize-recover=all; then
	run_suite build-asan unit "unit tests under ASan+UBSan"
	if [ "${CHECK_SKIP_WORLD:-0}" != 1 ]; then
		# A browser cannot take the ASan runtime as a preload (its shadow
		# memory clashes with the browser's mappings): the world test
		# that logs in to a captive portal with Chromium uses the plain
		# build's preload for the browser only.
		MIF_PRELOAD_PLAIN=$PWD/build/lib/libmif-preload.so \
			run_suite build-asan world "world tests with mifd built with ASan+UBSan"
	fi
else
	fail=$((fail + 1)); failed_parts+=("ASan build")
fi

if [ "${CHECK_VALGRIND:-1}" = 1 ] && command -v valgrind >/dev/null; then
	run_suite build unit "unit tests under valgrind (memcheck)" --setup valgrind
fi

if [ "${CHECK_SKIP_FUZZ:-0}" != 1 ]; then
	secs=${CHECK_FUZZ_SECONDS:-20}
	if CC=clang setup build-fuzz -Dfuzz=true -Dtests=disabled \
		-Dc_args=-fsanitize=fuzzer-no-link,address,undefined \
		-Dc_link_args=-fsanitize=address,undefined -Db_lundef=false; then
		MIF_FUZZ_SECONDS=$secs run_suite build-fuzz fuzz "fuzz targets (${secs}s each)"
	else
		fail=$((fail + 1)); failed_parts+=("fuzz build")
	fi
fi

if [ "${CHECK_ANALYZER:-1}" = 1 ]; then
	echo "== static analysis (gcc -fanalyzer)"
	awarn='^\.\./(src|lib|include)/[^:]+:[0-9]+:[0-9]+: warning:'
	if { [ -f build-analyzer/build.ninja ] ||
		CC=gcc meson setup build-analyzer -Dc_args=-fanalyzer -Dtests=disabled >/dev/null; } &&
		ninja -C build-analyzer -t clean >/dev/null &&
		ninja -C build-analyzer >build-analyzer/analyzer.log 2>&1; then
		if grep -qE "$awarn" build-analyzer/analyzer.log; then
			grep -E "$awarn" build-analyzer/analyzer.log | sort -u
			echo "   (paths and notes: build-analyzer/analyzer.log)"
			fail=$((fail + 1)); failed_parts+=("static analysis")
		else
			echo "   no warning in src/, lib/, include/"; pass=$((pass + 1))
		fi
	else
		tail -20 build-analyzer/analyzer.log 2>/dev/null
		fail=$((fail + 1)); failed_parts+=("analyzer build")
	fi
fi

echo
echo "check: $SECONDS s in all"
[ ${#failed_parts[@]} -gt 0 ] && echo "failed: ${failed_parts[*]}"
for t in "${failed_tests[@]}"; do echo "  $t"; done
echo "check: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
