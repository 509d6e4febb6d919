#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Source coverage of each parser by its fuzz corpus (issue 17, "coverage
# per parser"; `make fuzz-cov`). Builds the libFuzzer targets with clang's
# source-based coverage (-fprofile-instr-generate -fcoverage-mapping) in
# build-fuzzcov/, replays each target's inputs once (-runs=0: the seed
# corpus tests/fuzz/corpus/<name>/, the crash inputs kept in
# tests/fuzz/crashes/<name>/ and what `make fuzz-long` kept in
# build-fuzz/fuzz-long/<name>/corpus/), and reports with llvm-cov the line,
# function and branch coverage of the parser's own source files (the map
# below), between the fuzzcov markers of doc/reliability.md and in
# build-fuzzcov/fuzz-cov.tsv. No fuzzing happens here: it measures what the
# corpora reach. Environment: FUZZ_TARGETS (names, default all), LLVM_COV
# and LLVM_PROFDATA (default llvm-cov, llvm-profdata).
set -euo pipefail
cd "$(dirname "$0")/.."
b=build-fuzzcov
cov=${LLVM_COV:-llvm-cov}
profdata=${LLVM_PROFDATA:-llvm-profdata}

# The parser's files for each target (what the target exists to test).
declare -A src=(
	[addrsel]="src/proto/addrsel.c" [captive]="src/proto/captive.c"
	[ctlmsg]="src/proto/ctlmsg.c" [dhcp4]="src/proto/dhcp4.c"
	[dhcp6]="src/proto/dhcp6.c src/proto/dhcp6_ia.c" [dname]="src/proto/dname.c"
	[dnr]="src/proto/dnr.c" [dns]="src/proto/dns.c src/proto/dns_rdata.c"
	[ipudp]="src/proto/ipudp.c" [lease6]="src/proto/lease6.c"
	[mh]="src/proto/mh.c src/proto/mh_v4.c" [mhtun]="src/proto/mhtun.c"
	[svcb]="src/proto/svcb.c" [vnet]="src/netlink/vnet.c"
	[pvdpolicy]="src/proto/pvdpolicy.c"
	[hastore]="src/ha/ha_store_rec.c src/ha/ha_store_flow.c"
	[policy]="src/daemon/policy/policy_parse.c"
	[mhflow]="src/proto/mh_flow.c src/proto/mh_flow_build.c"
	[nl]="src/proto/nl.c src/proto/nl_attr.c src/proto/sockdiag.c"
	[pvdinfo]="src/proto/pvdinfo.c" [ra]="src/proto/ra.c"
	[lease]="src/daemon/dhcp/lease_store.c" [pvdspec]="src/daemon/pvd/pvd_spec.c"
	[view]="src/daemon/control/netview.c src/daemon/bind/bind_table.c"
	[httpreq]="src/ctl/metrics_req.c" [resolvconf]="src/ctl/resolvconf_parse.c"
	[mobmsg]="src/daemon/mobility/mob_msg.c"
)

if [ ! -f $b/build.ninja ]; then
	CC=clang meson setup $b -Dfuzz=true -Dtests=disabled -Db_lundef=false \
		-Dc_args='-fprofile-instr-generate -fcoverage-mapping' \
		-Dc_link_args='-fprofile-instr-generate -fcoverage-mapping' >/dev/null
fi
targets=${FUZZ_TARGETS:-$(cd tests/fuzz && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')}
exes=$(for t in $targets; do echo tests/fuzz/fuzz_$t; done)
# Tools run during the build are instrumented too: their profiles go to $b.
# shellcheck disable=SC2086
LLVM_PROFILE_FILE=$b/build-%p.profraw nice -n 19 ninja -C $b -j2 $exes >/dev/null || { ninja -C $b $exes; exit 1; }
mkdir -p $b/cov
tsv=$b/fuzz-cov.tsv
: >"$tsv"
for t in $targets; do
	exe=$b/tests/fuzz/fuzz_$t
	[ -x "$exe" ] || { echo "fuzz-cov: no $exe" >&2; exit 1; }
	[ -n "${src[$t]:-}" ] || { echo "fuzz-cov: no source files listed for $t" >&2; exit 1; }
	dirs=()
	for d in "build-fuzz/fuzz-long/$t/corpus" "tests/fuzz/corpus/$t" "tests/fuzz/crashes/$t"; do
		[ -d "$d" ] && dirs+=("$d")
	done
	n=$(find "${dirs[@]}" -type f ! -name README.md | wc -l)
	rm -f $b/cov/$t.profraw
	# -runs=0: each input once, no mutation. A crash input kept in the
	# tree must not crash any more, so a failure here is a failure.
	LLVM_PROFILE_FILE=$b/cov/$t.profraw nice -n 19 "$exe" -runs=0 -timeout=10 \
		-rss_limit_mb=2048 "${dirs[@]}" >$b/cov/$t.log 2>&1 ||
		{ echo "fuzz-cov: fuzz_$t failed on its corpus, see $b/cov/$t.log" >&2; exit 1; }
	"$profdata" merge -sparse $b/cov/$t.profraw -o $b/cov/$t.profdata
	# Every file of the binary is in the export; keep the parser's own,
	# in the order listed, and fail if one is missing (renamed or moved).
	# shellcheck disable=SC2086
	"$cov" export -summary-only -instr-profile=$b/cov/$t.profdata "$exe" |
		python3 -c '
import json, os, sys
t, n, want = sys.argv[1], sys.argv[2], sys.argv[3:]
got = {os.path.relpath(f["filename"]): f["summary"]
       for f in json.load(sys.stdin)["data"][0]["files"]}
for name in want:
    if name not in got:
        sys.exit("fuzz-cov: %s has no coverage data for %s" % (t, name))
    s = got[name]
    print("\t".join(str(x) for x in (t, n, name,
        s["lines"]["covered"], s["lines"]["count"],
        s["functions"]["covered"], s["functions"]["count"],
        s["branches"]["covered"], s["branches"]["count"])))' "$t" "$n" ${src[$t]} >>"$tsv"
	echo "fuzz_$t: $n inputs replayed"
done

pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b) printf "%.1f %%", 100 * a / b; else printf "-" }'; }
table=$(
	echo "| target | source file | inputs | lines | functions | branches |"
	echo "|---|---|---|---|---|---|"
	while IFS=$'\t' read -r t n f lc lt fc ft bc bt; do
		echo "| fuzz_$t | \`$f\` | $n | $lc/$lt ($(pct "$lc" "$lt")) | $fc/$ft ($(pct "$fc" "$ft")) | $bc/$bt ($(pct "$bc" "$bt")) |"
	done <"$tsv")
if [ -z "${FUZZ_TARGETS:-}" ]; then
	scripts/reliability-doc.sh fuzzcov "$table

Made by \`make fuzz-cov\` (scripts/fuzz-cov.sh) on $(date -u +%Y-%m-%dT%H:%MZ): clang
$(clang -dumpversion) source-based coverage, each target's inputs replayed once
(seeds, kept crash inputs and the campaign's corpus in build-fuzz/fuzz-long/).
Lines, functions and branches of the parser's own files that the inputs reached."
fi
echo "$table"
