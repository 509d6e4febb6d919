#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Problem statement 4.3, case 1: Policies case 1: both networks update the
#   default address selection policy
# Pending: needs per-PvD address selection policies (RFC 7078, DHCPv6 option
#   84): mif receives none and keeps the kernel's node-wide RFC 6724 table;
#   the policy engine is issue 14
# No world is built and nothing is measured; the issue that builds the
# capability turns this into a scenario like the others.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
scn_pending 4.3-1 4.3 "Policies case 1: both networks update the default address selection policy" \
	"needs per-PvD address selection policies (RFC 7078, DHCPv6 option 84): mif receives none and keeps the kernel's node-wide RFC 6724 table; the policy engine is issue 14"
