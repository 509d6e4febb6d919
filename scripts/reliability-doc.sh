#!/bin/bash
# SPDX-License-Identifier: MIT
# reliability-doc.sh SECTION TEXT: put TEXT between the lines
# "<!-- SECTION:begin -->" and "<!-- SECTION:end -->" of doc/reliability.md
# (scripts/fuzz-long.sh and scripts/soak.sh write their figures this way).
set -euo pipefail
cd "$(dirname "$0")/.."
sec=$1 text=$2 doc=doc/reliability.md
grep -q "^<!-- $sec:begin -->$" "$doc" || { echo "no $sec markers in $doc" >&2; exit 1; }
tmp=$(mktemp)
TEXT=$text awk -v sec="$sec" '
	$0 == "<!-- " sec ":begin -->" { print; print ENVIRON["TEXT"]; skip = 1; next }
	$0 == "<!-- " sec ":end -->" { skip = 0 }
	!skip { print }' "$doc" >"$tmp"
cat "$tmp" >"$doc"
rm -f "$tmp"
