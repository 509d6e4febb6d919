#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Any local user may read mifd's state; only root may change it (the
# caller is identified with SO_PEERCRED). An unprivileged user lists PvDs
# and gets a clear permission error on a write request; root succeeds.
# Also: mifd itself keeps only CAP_NET_ADMIN, CAP_NET_RAW and
# CAP_NET_BIND_SERVICE after start-up.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq setpriv
world_router r1
world_host h
world_link r1 eth0 h eth0
world_lla h eth0 >/dev/null
world_mifd h
world_ra_send r1 -i eth0 --lifetime 600 --prefix 2001:db8:1::/64
mif_expect "PvD learnt" 10 'length == 1'

out=$(mif_as_nobody --json pvd list 2>&1) || world_fail "unprivileged pvd list failed: $out"
printf '%s' "$out" | world_jq 'length == 1 and .[0].prefixes[0].prefix == "2001:db8:1::/64"' >/dev/null ||
	world_fail "unprivileged pvd list returned the wrong data"
world_log "ok: unprivileged user lists PvDs"

rc=0
err=$(mif_as_nobody log-level debug 2>&1) || rc=$?
[ "$rc" = 1 ] || world_fail "unprivileged log-level: exit $rc, want 1 ($err)"
grep -q "permission denied" <<<"$err" || world_fail "no clear permission error: $err"
world_log "ok: unprivileged write refused: $err"

mif_status | world_jq '.log_level == "debug" and .control.refused >= 1' >/dev/null ||
	world_fail "refused request not counted, or level changed"
world_ctl log-level info >/dev/null || world_fail "root could not set the log level"
mif_status | world_jq '.log_level == "info"' >/dev/null || world_fail "root's change not applied"

mif_status | world_jq '.capabilities | sort == ["net_admin", "net_bind_service", "net_raw"]' \
	>/dev/null || world_fail "mifd keeps more capabilities than it needs"
capeff=$(awk '/^CapEff/{print $2}' "/proc/$WORLD_MIFD_PID/status")
[ "$capeff" = "0000000000003400" ] || world_fail "CapEff of mifd is $capeff, want 0000000000003400"
world_log "ok: mifd's parent runs with CapEff=$capeff (net_bind_service, net_admin, net_raw); test-proc checks the rest"
world_pass
