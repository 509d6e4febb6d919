#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Problem statement 4.3, case 3: Policies case 3: a network's access
#   selection policy (ANDSF) conflicts with the local policy
# Pending: the reason is in the scn_pending line below.
# No world is built and nothing is measured; the issue that builds the
# capability turns this into a scenario like the others.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
scn_pending 4.3-3 4.3 "Policies case 3: a network's access selection policy (ANDSF) conflicts with the local policy" \
	"needs the network's access selection policy (3GPP ANDSF or equivalent) to arrive from the network: not built. An operator policy file is reconciled with the user's, by a documented precedence, with the conflict reported (tests/world/test-policy.sh), but nothing receives an operator's policy from the network yet"
