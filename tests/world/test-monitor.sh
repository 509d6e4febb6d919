#!/bin/bash
# SPDX-License-Identifier: MIT
#
# `mifctl monitor` sees pvd-added, pvd-changed (only when something really
# changed: a repeated identical RA is silent) and pvd-removed, in order.
#
#   r1 -- h:eth0
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq
world_router r1
world_host h
world_link r1 eth0 h eth0
world_lla h eth0 >/dev/null
world_mifd h
lla=$(world_lla r1 eth0)

world_bg h monitor "$MIFCTL" --socket "$WORLD_TMP/mifd.sock" --json monitor --count 4
mon=$WORLD_LAST_PID
subscribed() { mif_status | jq -e '.control.subscribers == 1' >/dev/null; }
world_wait_for "monitor subscribed" 5 subscribed

# The prefix is on-link only (no A flag): a SLAAC address would come a
# DAD later and be a change of its own, folded into another event or not
# depending on timing (a run under ASan saw it as a fourth event).
ra() { world_ra_send r1 -i eth0 --lifetime 1800 --prefix 2001:db8:1::/64,flags=L "$@"; }
ra --rdnss 2001:db8:1::53                                   # pvd-added
mif_expect "PvD learnt" 5 'length == 1'
ra --rdnss 2001:db8:1::53                                   # same: no event
ra --rdnss 2001:db8:1::53,lifetime=0 --rdnss 2001:db8:1::54 # pvd-changed
mif_expect "DNS server replaced" 5 '[.[0].dns.servers[].address] == ["2001:db8:1::54"]'
ra --rdnss 2001:db8:1::54 --mtu 1400                        # pvd-changed
mif_expect "MTU learnt" 5 '.[0].mtu == 1400'
world_ra_send r1 -i eth0 --lifetime 0 --prefix 2001:db8:1::/64,flags=L,valid=0,preferred=0 \
	--rdnss 2001:db8:1::54,lifetime=0                   # pvd-removed

done_mon() { ! world__alive "$mon"; }
world_wait_for "monitor got its 4 events and exited" 5 done_mon
events=$(jq -s -c '[.[] | {event, id: .pvd.id}]' "$WORLD_TMP/monitor.log")
want="[{\"event\":\"pvd-added\",\"id\":\"$lla%eth0\"},{\"event\":\"pvd-changed\",\"id\":\"$lla%eth0\"},{\"event\":\"pvd-changed\",\"id\":\"$lla%eth0\"},{\"event\":\"pvd-removed\",\"id\":\"$lla%eth0\"}]"
[ "$events" = "$want" ] || world_fail "monitor events: got $events, want $want"
jq -s -e '.[0].pvd.dns.servers[0].address == "2001:db8:1::53"
	and .[1].pvd.dns.servers[0].address == "2001:db8:1::54"
	and .[2].pvd.mtu == 1400 and (.[3].pvd | has("handle"))' "$WORLD_TMP/monitor.log" >/dev/null ||
	world_fail "event contents wrong: $(cat "$WORLD_TMP/monitor.log")"
world_log "ok: added, changed, changed, removed; no event for a repeated RA"
world_pass
