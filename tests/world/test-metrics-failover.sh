#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Failovers counted (src/daemon/routing/engine_route_moves.c) and shown by
# mifctl metrics. Two IPv6 networks from RAs (mif-ra-send): A on a wired
# link (the default), B on Wi-Fi.
#   - A's router says lifetime 0 (it stops being a default router, RFC 4861
#     6.3.4): the IPv6 default moves to B; a failover of A for its route
#     (pvd.list .failovers, status .routing.default_changes.route,
#     mif_pvd_failovers_total, mif_failovers_total);
#   - A's router comes back: A is the default again, a move counted as
#     "better" for B, not as a failover of B;
#   - mifctl stats shows the count; the series are linted by promtool, mif_pvd_expiry_seconds follows the
#     RA lifetimes, the per-PvD path series exist.
#
#   rA -- h:eth0 (wired)   2001:db8:1::/64
#   rB -- h:wlan0 (Wi-Fi)  2001:db8:2::/64
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq promtool
world_host h
for x in "A eth0 1" "B wlan0 2"; do
	read -r n hif k <<<"$x"
	world_router "r$n"
	world_link "r$n" eth0 h "$hif"
	world_addr "r$n" eth0 "2001:db8:$k::1/64"
done
ra() {   # NET LIFETIME
	local k=1
	[ "$1" = B ] && k=2
	world_ra_send "r$1" -i eth0 --lifetime "$2" --prefix "2001:db8:$k::/64,valid=900,preferred=600"
}
world_mifd h
ra A 1800
ra B 1800
mif_expect "two PvDs" 20 'length == 2'
PA=$(mif_pvds | jq -r '.[] | select(.interfaces == ["eth0"]) | .id')
PB=$(mif_pvds | jq -r '.[] | select(.interfaces == ["wlan0"]) | .id')
default6() { mif_status | jq -r '.routing.default_pvd.ipv6 // empty'; }
is_default() { [ "$(default6)" = "$1" ]; }
world_wait_for "A ($PA) the IPv6 default" 10 is_default "$PA"
world_log "A is $PA, B is $PB"
moves() { mif_status | jq -c '.routing.default_changes'; }
fo() { mif_pvds | jq -r --arg id "$1" '.[] | select(.id == $id) | .failovers'; }
[ "$(fo "$PA")" = 0 ] && [ "$(fo "$PB")" = 0 ] || world_fail "failovers before any move: A $(fo "$PA"), B $(fo "$PB")"

# A's router stops being a default router: a failover of A, for its route.
ra A 0
world_wait_for "B ($PB) the IPv6 default" 10 is_default "$PB"
[ "$(fo "$PA")" = 1 ] || world_fail "A's failovers: $(fo "$PA"), want 1"
mif_status | world_jq '.routing.default_changes.route == 1 and .routing.failovers == 1' >/dev/null ||
	world_fail "routing.default_changes after A lost its router: $(moves)"
world_log "ok: A lost its default router: A failovers 1, $(moves)"

# A's router is back: A wins again; B did not fail.
ra A 1800
world_wait_for "A the IPv6 default again" 10 is_default "$PA"
[ "$(fo "$PB")" = 0 ] || world_fail "B's failovers: $(fo "$PB"), want 0"
mif_status | world_jq '.routing.default_changes.better == 1 and .routing.failovers == 1' >/dev/null ||
	world_fail "routing.default_changes after A came back: $(moves)"
world_log "ok: A back: B failovers 0, $(moves)"

# The same through mifctl metrics.
M=$(world_ctl metrics) || world_fail "mifctl metrics failed"
printf '%s\n' "$M" >"$WORLD_TMP/metrics.txt"
promtool check metrics <"$WORLD_TMP/metrics.txt" >"$WORLD_TMP/promtool.log" 2>&1 ||
	world_fail "promtool check metrics: $(cat "$WORLD_TMP/promtool.log")"
metric() { awk -v l="$1" '$1 == l { print $2; f = 1 } END { if (!f) print "missing" }' <<<"$M"; }
want() {
	local v
	v=$(metric "$1")
	[ "$v" = "$2" ] || world_fail "$1 = $v, want $2"
}
want "mif_pvd_failovers_total{pvd=\"$PA\"}" 1
want "mif_pvd_failovers_total{pvd=\"$PB\"}" 0
want 'mif_failovers_total' 1
want 'mif_routing_default_changes_total{reason="route"}' 1
want 'mif_routing_default_changes_total{reason="better"}' 1
want 'mif_routing_default_changes_total{reason="connectivity"}' 0
# The router lifetime (1800 s) is the longest-lived part of A: a few
# seconds have passed.
exp=$(metric "mif_pvd_expiry_seconds{pvd=\"$PA\"}")
awk -v e="$exp" 'BEGIN { exit !(e > 800 && e <= 1800) }' || world_fail "A's expiry: $exp s"
for s in mif_pvd_path_rtt_seconds mif_pvd_path_loss_ratio; do
	[ "$(metric "$s{pvd=\"$PA\"}")" != missing ] || world_fail "$s for A missing"
done
world_log "ok: mifctl metrics: promtool lint clean; A's failovers 1, expiry $exp s"
st=$(world_ctl stats) || world_fail "mifctl stats"
grep -q 'routing: .*, 1 failovers;' <<<"$st" || world_fail "mifctl stats: $st"
world_log "ok: mifctl stats: $(grep -o 'routing: [^;]*' <<<"$st")"
world_pass
