#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Problem statement 4.1, case 5: an answer (or an NXDOMAIN) valid only on
# N1 is used after N1 is gone.
# Pending: the failure lives in a cache that outlives the network: a
#   node-wide one (nscd, systemd-resolved, a local dnsmasq) or the
#   application's own. The plain Debian host of this suite has none (glibc
#   asks again every time), so it would not show the failure, and the suite
#   does not model such a cache yet. What mif does (each PvD's cache, positive
#   and negative, goes with its PvD: doc/resolver.md) is covered by
#   tests/world/test-dns-cache.sh, not measured against a plain host here.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
scn_pending 4.1-5 4.1 "DNS case 5: an answer or NXDOMAIN from N1 used after N1 is gone" \
	"the plain host of this suite caches nothing (no nscd or systemd-resolved), so it cannot show the failure; a plain host with a node-wide cache is not modelled yet (mif's per-PvD caches are tested by tests/world/test-dns-cache.sh)"
