#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Problem statement 4.1, captive portals, case 1: N1 is behind a captive
# portal that answers every name with its own address until the user logs
# in; the host kept S2 (N2's server): S2 gives the correct address R1, which the host contacts through I1, the portal's interface (its default route): the connection fails.
# World: web2.sh, WEB2_MODE=portal.
# Measured both times: the fetch of http://www.example.net/ (status, which
# server answered) and the source inet's nginx saw. The plain host's
# resolver tries the servers of its merged resolv.conf in order; which one
# it "kept" depends on that order, so the plain host's run asks S2
# (2001:db8:2::53) directly, as a host that kept only S2 does, and fetches the
# answer with its routing table.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$SCN_DIR/../world/tls.sh"
. "$SCN_DIR/web2.sh"

scn_init 4.1-portal-1 4.1 "DNS, captive portal case 1: the other network's correct answer, tried through the portal"
web2_portal_case S2 2001:db8:2::53
