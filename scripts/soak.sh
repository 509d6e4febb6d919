#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The soak and fault suite (issue 17, item 3; `make soak`, root, not in
# CI): tests/world/test-soak.sh for SOAK_SECONDS (default 1800) with mifd
# as built (build/), built with ASan and UBSan (build-asan/), and under
# valgrind's memcheck with leak checking (SOAK_VALGRIND=0 skips it); then
# the figures of each run (rounds, flaps, churn, kill -9 and the time DNS
# or the PvD came back, flood queries answered, descriptors, RSS over time,
# channel drops, valgrind's errors and leaks) between the soak markers of
# doc/reliability.md. The short version (60 s, plain build) is in make check.
# SOAK_RUNS (default "plain asan valgrind") picks the runs; the figures of
# a run not made this time stay as the last run left them (each says when);
# SOAK_RUNS=none only writes them into doc/reliability.md again.
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${SOAK_SECONDS:-1800}
bd=${SOAK_BUILD:-build}       # the plain build (and valgrind's)
out=$bd/soak
mkdir -p "$out"
[ -f "$bd/build.ninja" ] || meson setup "$bd" >/dev/null || exit 1
ninja -C "$bd" >/dev/null || exit 1

# run NAME BUILD_DIR [MIFD]: one soak, its figures in $out/NAME.txt.
run() {
	local name=$1 b=$PWD/$2 mifd=${3:-$PWD/$2/src/daemon/mifd} rc
	echo "== soak: $name, ${secs}s"
	rm -f "$out/$name.txt"
	env SOAK_SECONDS="$secs" SOAK_OUT="$PWD/$out/$name.txt" MIFD="$mifd" \
		MIFCTL="$b/src/ctl/mifctl" MIF_RA_SEND="$b/tests/tools/mif-ra-send" \
		LD_LIBRARY_PATH="$b/lib" bash tests/world/test-soak.sh >"$out/$name.log" 2>&1
	rc=$?
	grep -E '^(PASS|FAIL|SKIP)' "$out/$name.log" | head -3
	[ -f "$out/$name.txt" ] || echo "(no figures: exit $rc; see $out/$name.log)" >"$out/$name.txt"
	echo "exit $rc; ${secs} s, $(date -u +%Y-%m-%dT%H:%MZ)" >>"$out/$name.txt"
	return $rc
}

runs=" ${SOAK_RUNS:-plain asan valgrind} "
if [[ $runs == *" asan "* ]]; then
	if [ ! -f build-asan/build.ninja ]; then
		meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
			-Dc_args=-fno-sanitize-recover=all >/dev/null || exit 1
	fi
	ninja -C build-asan >/dev/null || exit 1
fi
fail=0
[[ $runs != *" plain "* ]] || run plain "$bd" || fail=1
[[ $runs != *" asan "* ]] || run asan build-asan || fail=1
if [[ $runs == *" valgrind "* ]] && [ "${SOAK_VALGRIND:-1}" = 1 ] && command -v valgrind >/dev/null; then
	vg=$PWD/$out/valgrind
	rm -rf "$vg" && mkdir -p "$vg"
	# valgrind cannot run a process under a seccomp filter (it makes its
	# own system calls, and the parent's filter needs TSYNC, which it does
	# not support): MIFD_SECCOMP=off leaves the filters out of this run only.
	cat >"$vg/mifd" <<EOW
#!/bin/sh
MIFD_SECCOMP=off exec valgrind --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \\
	--log-file=$vg/vg.%p $PWD/$bd/src/daemon/mifd "\$@"
EOW
	chmod +x "$vg/mifd"
	SOAK_SLOW=6 run valgrind "$bd" "$vg/mifd" || fail=1
	# A process killed by -9 writes no summary; the others (stopped cleanly
	# at the end) do.
	errs=$(cat "$vg"/vg.* 2>/dev/null | sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' |
		awk '{ s += $1 } END { print s + 0 }')
	leaks=$(cat "$vg"/vg.* 2>/dev/null | sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' |
		tr -d , | awk '{ s += $1 } END { print s + 0 }')
	sums=$(grep -l "ERROR SUMMARY" "$vg"/vg.* 2>/dev/null | wc -l)
	echo "valgrind: $errs errors, $leaks bytes definitely lost, in the $sums process logs with a summary ($(ls "$vg"/vg.* 2>/dev/null | wc -l) processes)" \
		>>"$out/valgrind.txt"
	[ "$errs" = 0 ] && [ "$leaks" = 0 ] || fail=1
	# mifd refusing to run under valgrind says why in its log: give it.
	why=$(grep -m1 -o 'mifd\[error\].*' "$out/valgrind.log" || true)
	[ -z "$why" ] || echo "the run ended early: $why (so the figures cover its start only)" \
		>>"$out/valgrind.txt"
fi

text=$(for n in plain asan valgrind; do
	[ -f "$out/$n.txt" ] || continue
	echo "### $n"
	echo
	cat "$out/$n.txt"
	echo
done
echo "Made by \`make soak\` (scripts/soak.sh; SOAK_SECONDS and the date of each run on its exit line)."
echo "The valgrind run has no seccomp filter (MIFD_SECCOMP=off: valgrind cannot run under one) and"
echo "churns at a sixth of the rate (SOAK_SLOW=6, deadlines six times longer). Under ASan and valgrind"
echo "RSS grows with their queues of freed blocks (ASan's quarantine, valgrind's --freelist-vol),"
echo "not with the program's heap: the plain run's RSS is the one to read for growth.")
scripts/reliability-doc.sh soak "$text"
exit $fail
