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
	"the document's failure needs a stack that merges the networks' RFC 7078 tables into one and lets a label outrank the outgoing interface; no Debian tool applies DHCPv6 option 84 at all, and Linux's source selection applies RFC 6724 rule 5 (prefer the outgoing interface) before rule 6 (matching label), so even a merged kernel label table (ip addrlabel) would not pick N1's source for packets leaving through N2's interface while that interface has an address: the plain host of this suite cannot show the failure honestly. mif keeps each network's table in its PvD, never merged across PvDs: libmif and nss-mif sort a PvD's answers with it, and its labels go into the kernel scoped to that network's interface only (tests/world/test-addrlabel.sh measures the source an unmodified program gets); its precedences reach only libmif and nss-mif (glibc's gai.conf is node-wide)"
