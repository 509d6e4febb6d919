#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Problem statement 4.3, case 1: Policies case 1: both networks update the
#   default address selection policy
# Pending: the reason is in the scn_pending line below.
# No world is built and nothing is measured; the issue that builds the
# capability turns this into a scenario like the others.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
scn_pending 4.3-1 4.3 "Policies case 1: both networks update the default address selection policy" \
	"the document's failure needs a host that merges the networks' RFC 7078 tables into one; no Debian tool applies DHCPv6 option 84 at all, so the plain host of this suite cannot show it. mif keeps each network's table in its PvD (libmif and nss-mif sort a PvD's answers with it), but unmodified programs that choose no PvD still use the kernel's node-wide RFC 6724 table, and no world of this suite measures it yet"
