#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Routing configuration errors are clear and apply nothing:
#  - a table range that already holds someone else's routes: routing stays
#    off with an error naming the table (status and log), no rule or route
#    is installed, and PvDs are still learnt;
#  - bad [routing] values stop mifd at start with the key named;
#  - enabled = no: PvDs but no rules.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq
world_router r1
world_host h
world_link r1 eth0 h eth0
H=$(world_ns h)

bad() {   # DESC WANT CONF
	local rc=0 out
	printf '%s\n' "$3" >"$WORLD_TMP/bad.conf"
	out=$(world_exec h "$MIFD" --foreground --socket "$WORLD_TMP/x.sock" --config "$WORLD_TMP/bad.conf" 2>&1) || rc=$?
	[ "$rc" = 2 ] && grep -q -- "$2" <<<"$out" || world_fail "$1: exit $rc: $out"
	world_log "ok: $1: $out"
}
bad "table_base below 256" "table_base: \"100\" is not a number" $'[routing]\ntable_base = 100'
bad "priority_base not a number" "priority_base" $'[routing]\npriority_base = high'
bad "enabled not yes/no" "enabled: \"maybe\"" $'[routing]\nenabled = maybe'
bad "unknown routing key" 'unknown key "tables" in \[routing\]' $'[routing]\ntables = 5'

# Someone else already uses table 1003 (inside the default range 1000-1255).
ip -n "$H" link add dummy0 type dummy 2>/dev/null || ip -n "$H" tuntap add dev dummy0 mode tun
ip -n "$H" link set dummy0 up
ip -n "$H" route add 198.51.100.0/24 dev dummy0 table 1003
world_mifd h
world_lla h eth0 >/dev/null
world_ra_send r1 -i eth0 --lifetime 600 --prefix 2001:db8:1::/64
mif_expect "the PvD is still learnt" 10 'length == 1'
mif_status | world_jq '.routing.enabled == false and (.routing.error | test("table 1003"))' >/dev/null ||
	world_fail "no clear routing error in status"
rules=$( { ip -n "$H" -4 rule; ip -n "$H" -6 rule; } | grep -c "proto 77" || true)
[ "$rules" = 0 ] || world_fail "$rules rules installed despite the collision"
foreign=$(ip -n "$H" route show table 1003)
grep -q 198.51.100.0 <<<"$foreign" || world_fail "the foreign route was touched: $foreign"
grep -q "routing off: table 1003" "$WORLD_TMP/mifd.log" || world_fail "collision not logged"
out=$(world_ctl route get 2001:db8:1::5 2>&1) && world_fail "route get worked with routing off"
grep -q "routing is off: table 1003" <<<"$out" || world_fail "route get error unclear: $out"
world_log "ok: collision -> routing off, nothing applied: $(mif_status | jq -r .routing.error)"

# enabled = no: a fresh mifd with routing switched off learns the PvD and
# installs nothing (no rule, no route in its tables), and says it is off.
kill -TERM "$WORLD_MIFD_PID"
world_wait_for "mifd stopped" 10 bash -c "! kill -0 $WORLD_MIFD_PID 2>/dev/null"
WORLD_MIFD_PID=""
ip -n "$H" route del 198.51.100.0/24 dev dummy0 table 1003
printf '[routing]\nenabled = no\n' >"$WORLD_TMP/off.conf"
world_mifd h --config "$WORLD_TMP/off.conf"
world_ra_send r1 -i eth0 --lifetime 600 --prefix 2001:db8:1::/64
mif_expect "enabled = no: the PvD is learnt" 10 'length == 1 and (.[0].routers | length) == 1'
mif_status | world_jq '.routing.enabled == false and (.routing.error // "" | length) == 0' >/dev/null ||
	world_fail "enabled = no: status does not say routing is off without error: $(mif_status | jq -c .routing)"
# Give a plan the time it would take to be applied (a few times what the
# routing tests wait for) before counting what is in the kernel.
sleep 1
rules=$( { ip -n "$H" -4 rule; ip -n "$H" -6 rule; } | grep -c "proto 77" || true)
[ "$rules" = 0 ] || world_fail "enabled = no: $rules rules installed"
routes=$(ip -n "$H" -6 route show table all | grep -c "proto 77" || true)
[ "$routes" = 0 ] || world_fail "enabled = no: $routes routes installed"
out=$(world_ctl route get 2001:db8:1::5 2>&1) && world_fail "enabled = no: route get worked"
world_log "ok: enabled = no: PvD learnt, nothing installed ($out)"
world_pass
