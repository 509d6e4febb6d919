#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Problem statement 3.4 with the MIPv6 multihoming analysis
# (draft-ietf-monami6-mipv6-analysis), 5.1 and 6.2.2: the (1,1)
# configuration with the mobile node attached to its home link and to a
# foreign link at once, both in use.
# Pending: the reason is in the scn_pending line below. No world is built
# and nothing is measured; scn-3.4-1n.sh is the (1,n) configuration.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
scn_pending 3.4-11 3.4 "Mobility, (1,1) of the MIPv6 multihoming analysis: home and foreign attachment at once" \
	"mif's home agent owns the home prefix on its own TUN device and has no home link a mobile node could attach to; simultaneous home and foreign attachment (RFC 5648 BID H flag, analysis 6.2.2) is parsed and built but not acted on (doc/mobility.md), so no world of this suite measures it"
