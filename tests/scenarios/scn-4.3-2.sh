#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Problem statement 4.3, case 2: Policies case 2: both networks push routing
#   policies that conflict
# Pending: needs a reconciliation of conflicting routing policies: mif keeps
#   each PvD's routes in the PvD's own table (nothing is merged) but orders
#   the PvDs by class and router preference only, with no policy from the
#   networks or the user to decide between them; the policy engine is issue 14
# No world is built and nothing is measured; the issue that builds the
# capability turns this into a scenario like the others.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
scn_pending 4.3-2 4.3 "Policies case 2: both networks push routing policies that conflict" \
	"needs a reconciliation of conflicting routing policies: mif keeps each PvD's routes in the PvD's own table (nothing is merged) but orders the PvDs by class and router preference only, with no policy from the networks or the user to decide between them; the policy engine is issue 14"
