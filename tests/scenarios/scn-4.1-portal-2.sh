#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Problem statement 4.1, captive portals, case 2: N1 is behind a captive
# portal that answers every name with its own address until the user logs
# in; the host kept S1 (the portal's server): S1 gives the portal's address; the application connects to the portal, not to the intended destination.
# World: web2.sh, WEB2_MODE=portal.
# Measured both times: the fetch of http://www.example.net/ (status, which
# server answered) and the source inet's nginx saw. The plain host's
# resolver tries the servers of its merged resolv.conf in order; which one
# it "kept" depends on that order, so the plain host's run asks S1
# (2001:db8:1::53) directly, as a host that kept only S1 does, and fetches the
# answer with its routing table.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$SCN_DIR/../world/tls.sh"
. "$SCN_DIR/web2.sh"

scn_init 4.1-portal-2 4.1 "DNS, captive portal case 2: the portal's answer"
web2_portal_case S1 2001:db8:1::53
