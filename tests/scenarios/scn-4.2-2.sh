#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Problem statement 4.2, case 2: Routing case 2: both networks reach IP1,
#   the other's path is better (RTT, cost, bandwidth)
# Pending: needs path characteristics and preferences from the user or
#   operator: mif chooses the default by interface class and router preference
#   only (a fixed [routing] default_order is not a measured path preference);
#   path quality is not measured yet (doc/connectivity.md, Not yet) and
#   preferences are the policy engine's (issue 14)
# No world is built and nothing is measured; the issue that builds the
# capability turns this into a scenario like the others.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
scn_pending 4.2-2 4.2 "Routing case 2: both networks reach IP1, the other's path is better (RTT, cost, bandwidth)" \
	"needs path characteristics and preferences from the user or operator: mif chooses the default by interface class and router preference only (a fixed [routing] default_order is not a measured path preference); path quality is not measured yet (doc/connectivity.md, Not yet) and preferences are the policy engine's (issue 14)"
