#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Narrate the scenarios from what they measured (make demo's last part):
# reads scenarios.json as tests/scenarios/run.sh wrote it and tells, for
# each scenario, what the plain host did and what mif did, with the
# measurements behind both. Nothing here is written in advance: every
# sentence is built from the JSON.
#
#   tests/scenarios/narrate.sh [build/scenarios.json]
set -euo pipefail
json=${1:-$(cd "$(dirname "$0")/../.." && pwd)/build/scenarios.json}
[ -s "$json" ] || { echo "narrate: no $json (run make scenarios)" >&2; exit 1; }
bold=$(tput bold 2>/dev/null || true) plain=$(tput sgr0 2>/dev/null || true)

jq -r --arg b "$bold" --arg p "$plain" '
	# Every measured value, one "path: value" line.
	def facts: [paths(scalars) as $k | "      \($k | map(tostring) | join(".")): \(getpath($k) | if . == "" then "(none)" else . end)"]
		| join("\n");
	"\(.scenarios | length) scenarios measured in \(.seconds) s: " +
	"\(.scenarios | map(select(.verdict == "solved")) | length) solved, " +
	"\(.scenarios | map(select(.verdict == "pending")) | length) pending, " +
	"\(.scenarios | map(select(.verdict == "failed")) | length) failed.",
	(.scenarios[] |
		"\n\($b)==> \(.id) (section \(.section)): \(.title)\($p)",
		(if .verdict == "pending" then
			"  Not run: \(.reason)."
		else
			"  On a plain host: \(.plain).",
			(if (.measured.plain // {}) != {} then (.measured.plain | facts) else empty end),
			"  With mif: \(.mif).",
			(if (.measured.mif // {}) != {} then (.measured.mif | facts) else empty end),
			(if (.measured.plain == null) and (.measured | length > 0) then (.measured | facts) else empty end),
			"  Verdict: \(.verdict): \(.reason)."
		end))' "$json"
