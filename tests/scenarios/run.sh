#!/bin/bash
# SPDX-License-Identifier: MIT
#
# make scenarios: run every scenario of tests/scenarios (doc/scenarios.md),
# print the table (scenario, section, plain host, mif, verdict) and write
# it as $BUILD/scenarios.md and $BUILD/scenarios.json (one object per
# scenario: id, section, title, plain, mif, verdict, reason, measured), and
# each scenario's log as $BUILD/scenarios/ID.log.
# Exit status 1 if a scenario is not solved and not pending (or stopped).
#
#   tests/scenarios/run.sh [ID...]     e.g. 4.1-1 4.2-1 (default: all)
# Environment: BUILD (default build/), SCN_TIMEOUT (seconds per scenario,
# default 180), SCN_JOBS (scenarios run at once, default 2: each builds its
# own namespaces, as the world tests that meson runs two at a time do).
# Root only (network namespaces).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${BUILD:-$top/build}" && pwd) || { echo "scenarios: no build directory" >&2; exit 1; }
export MIFD=$build/src/daemon/mifd MIFCTL=$build/src/ctl/mifctl
export MIF_RA_SEND=$build/tests/tools/mif-ra-send MIF_WHOAMI=$build/tests/tools/mif-whoami
export MIF_UDP_PROBE=$build/tests/tools/mif-udp-probe MIF_PRELOAD=$build/lib/libmif-preload.so
export PVD_FETCH=$build/examples/pvd-fetch LD_LIBRARY_PATH=$build/lib
for f in "$MIFD" "$MIFCTL" "$MIF_RA_SEND" "$MIF_WHOAMI" "$MIF_UDP_PROBE"; do
	[ -x "$f" ] || { echo "scenarios: $f is missing: build first" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "scenarios: needs root (network namespaces)" >&2; exit 1; }

out=$build/scenarios
mkdir -p "$out"
results=$(mktemp)
trap 'rm -f "$results"' EXIT
scripts=()
if [ $# -gt 0 ]; then
	for id in "$@"; do scripts+=("$top/tests/scenarios/scn-$id.sh"); done
else
	while read -r s; do scripts+=("$s"); done < <(ls "$top"/tests/scenarios/scn-*.sh | sort -V)
fi

# One scenario; its result line goes to its own file ($out/ID.result).
run_one() {
	local s=$1 id t0 rc why res
	id=$(basename "$s" .sh)
	id=${id#scn-}
	res=$out/$id.result
	: >"$res"
	t0=$(date +%s)
	SCN_RESULTS=$res timeout --kill-after=10 "${SCN_TIMEOUT:-180}" bash "$s" \
		>"$out/$id.log" 2>&1
	rc=$?
	if [ ! -s "$res" ]; then
		# The script stopped before it measured both runs: a failure.
		why=$(grep -m1 -E '^FAIL: ' "$out/$id.log" | cut -c1-300)
		[ -n "$why" ] || why="exit status $rc (timeout 124)"
		jq -cn --arg id "$id" --arg why "$why" '{id: $id, section: ($id | sub("-.*"; "")),
			title: "(stopped)", plain: "", mif: "", verdict: "failed",
			reason: ("the scenario stopped: " + $why), measured: {}}' >"$res"
	fi
	printf '%-8s %-8s %3ss\n' "$id" "$(tail -n 1 "$res" | jq -r .verdict)" \
		"$(($(date +%s) - t0))" >&2
}

start=$(date +%s)
jobs_max=${SCN_JOBS:-2}
for s in "${scripts[@]}"; do
	while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n; done
	run_one "$s" &
done
wait
# In the order of the list, whatever order they finished in.
for s in "${scripts[@]}"; do
	id=$(basename "$s" .sh)
	cat "$out/${id#scn-}.result" >>"$results"
done
secs=$(($(date +%s) - start))

jq -s --argjson secs "$secs" '{seconds: $secs, scenarios: .}' "$results" >"$out.json"
{
	echo "| scenario | section | plain host | mif | verdict |"
	echo "|---|---|---|---|---|"
	jq -r '.scenarios[] | "| \(.id): \(.title) | \(.section) | \(.plain) | \(.mif) | **\(.verdict)**" +
		(if .verdict == "solved" then "" else ": \(.reason)" end) + " |"' "$out.json"
	echo
	jq -r '"\(.scenarios | map(select(.verdict == "solved")) | length) solved, " +
		"\(.scenarios | map(select(.verdict == "pending")) | length) pending, " +
		"\(.scenarios | map(select(.verdict == "failed")) | length) failed; \(.seconds) s"' "$out.json"
} >"$out.md"
echo
jq -r '.scenarios[] | [.id, .section, .verdict, .plain, .mif] | @tsv' "$out.json" |
	awk -F'\t' '{ printf "%-7s %-5s %-8s plain: %s\n%22s mif:   %s\n", $1, $2, $3, $4, "", $5 }'
echo
tail -n 1 "$out.md"
echo "(table: $out.md, data: $out.json, logs: $out/)"
! jq -e '.scenarios | any(.verdict == "failed")' "$out.json" >/dev/null
