#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Per-PvD routing (problem statement 4.2, 5.3, 5.4.2; RFC 8028). Two
# networks, each with a server at the SAME private addresses (10.99.0.1,
# 2001:db8:99::1) answering with its own name, and a third server only
# network B reaches (10.77.0.1 by DHCP option 121, 2001:db8:77::1 by an
# RFC 4191 route):
#   - no source, no mark: the default PvD, wired A before Wi-Fi B;
#   - a source of A goes through A, a source of B through B (same address,
#     different servers); a socket marked for B goes through B;
#   - a destination only B routes is reached through B;
#   - mifctl route get says which PvD, table and rule, and why;
#   - a rule and a route added by hand survive everything;
#   - SIGKILL and restart: exactly one copy of every rule and route;
#   - carrier loss on A: traffic without a source moves to B at once;
#   - a PvD that goes leaves nothing in ip rule or any table.
#
#   rA -- h:eth0 (wired)     rA -- srA (10.99.0.1)
#   rB -- h:wlan0 (Wi-Fi)    rB -- srB (10.99.0.1), rB -- sO (10.77.0.1)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq dnsmasq radvd
world_host h
WORLD_NET_HOST=h
mif_net A rA eth0 10
MIF_NET_RADVD="route 2001:db8:77::/48 { AdvRouteLifetime 600; };" \
MIF_NET_DNSMASQ="dhcp-option=option:classless-static-route,10.77.0.0/16,192.168.20.1,0.0.0.0/0,192.168.20.1" \
	mif_net B rB wlan0 20
world_host sO
world_link rB eth2 sO eth0
ip -n "$(world_ns rB)" addr add 10.77.0.254/24 dev eth2
world_addr rB eth2 2001:db8:77::fe/64
ip -n "$(world_ns sO)" addr add 10.77.0.1/24 dev eth0
world_addr sO eth0 2001:db8:77::1/64
ip -n "$(world_ns sO)" route add default via 10.77.0.254
ip -n "$(world_ns sO)" -6 route add default via 2001:db8:77::fe
world_bg sO whoami-only "$MIF_WHOAMI" -n server-onlyB -p 8080

# Somebody else's rule and route: mifd must never touch them.
H=$(world_ns h)
ip -n "$H" rule add from 192.0.2.1 lookup 5555 priority 5000
ip -n "$H" route add 192.0.2.0/24 dev eth0 table 5555

world_mifd h --dhcp4 eth0 --dhcp4 wlan0
mif_expect "two PvDs with IPv4 and IPv6 addresses" 25 \
	'length == 2 and all(.[]; (.addresses | map(select(.address | contains(":") | not)) | length) == 1
	 and (.addresses | map(select(.address | startswith("2001:"))) | length) >= 1)'
A4=$(mif_pvds | jq -r '.[] | select(.interfaces == ["eth0"]) | .addresses[] | select(.address | startswith("192.")) | .address')
B4=$(mif_pvds | jq -r '.[] | select(.interfaces == ["wlan0"]) | .addresses[] | select(.address | startswith("192.")) | .address')
B6=$(mif_pvds | jq -r '.[] | select(.interfaces == ["wlan0"]) | .addresses[] | select(.address | startswith("2001:db8:20:")) | .address' | head -n 1)
TB=$(mif_status | jq -r '.routing.tables[] | select(.pvd | test("wlan0")) | .table' | head -n 1)
MB=$(mif_status | jq -r '.routing.tables[] | select(.pvd | test("wlan0")) | .mark' | head -n 1)
world_log "A has $A4, B has $B4 and $B6; B's table is $TB"

expect_server() {   # DESC WANT ARGS...
	local desc=$1 want=$2 got
	shift 2
	got=$(mif_probe h "$@")
	[ "$got" = "$want" ] || world_fail "$desc: answered by $got, want $want"
	world_log "ok: $desc -> $got"
}
expect_server "no source: the default PvD (wired A)" server-A -d 10.99.0.1
expect_server "IPv6, no source: wired A" server-A -d 2001:db8:99::1
expect_server "source of B to the same address: B's server" server-B -d 10.99.0.1 -s "$B4"
expect_server "source of A: A's server" server-A -d 10.99.0.1 -s "$A4"
expect_server "IPv6 source of B: B's server" server-B -d 2001:db8:99::1 -s "$B6"
# The mark: B's table, the "bound" flag 0x10000 and the table slot's
# generation (route_plan.h), as status shows it.
[ $((MB & 0x1ffff)) = $((TB | 0x10000)) ] || world_fail "B's mark $MB does not carry table $TB"
expect_server "a socket marked for B: B's server" server-B -d 10.99.0.1 -m "$MB"
# The same table with another generation: a socket bound to a PvD that has
# left (whose table B inherited) reaches nobody, never B's server.
expect_server "a stale mark of B's table: unreachable" none -d 10.99.0.1 -m "$((MB ^ (1 << 17)))"
expect_server "only B routes 10.77/16 (DHCP 121): through B" server-onlyB -d 10.77.0.1
expect_server "only B routes 2001:db8:77::/48 (RFC 4191): through B" server-onlyB -d 2001:db8:77::1

out=$(world_ctl --json route get 10.99.0.1 --from "$B4")
printf '%s' "$out" | world_jq '(.pvd | test("wlan0")) and .table == '"$TB"'
	and .via == "192.168.20.1" and .interface == "wlan0" and (.why | test("RFC 8028"))' >/dev/null ||
	world_fail "route get --from B: $out"
out=$(world_ctl --json route get 10.99.0.1)
printf '%s' "$out" | world_jq '(.pvd | test("eth0")) and .interface == "eth0"
	and (.why | test("default PvD")) and (.why | test("wired"))' >/dev/null ||
	world_fail "route get (default): $out"
world_ctl route get 10.99.0.1 --pvd "$(mif_pvds | jq -r '.[] | select(.interfaces == ["wlan0"]) | .id')" |
	grep -q "fwmark" || world_fail "route get --pvd does not explain the mark"
world_log "ok: route get explains: $(printf '%s' "$out" | jq -r .why)"

# A SIGKILLed mifd leaves its rules; a new one adopts them: one copy each.
snapshot() {
	{ ip -n "$H" -4 rule | sed 's/^/4 /'; ip -n "$H" -6 rule | sed 's/^/6 /'
	  ip -n "$H" -4 route show table all proto 77 | sed 's/^/4 /'
	  ip -n "$H" -6 route show table all proto 77 | sed 's/^/6 /'; } |
		sed 's/ expires [0-9]*sec//' | sort
}
before=$(snapshot)
kill -9 "$WORLD_MIFD_PID"
world_wait_for "mifd gone" 5 bash -c "! kill -0 $WORLD_MIFD_PID 2>/dev/null"
WORLD_MIFD_PID=""
world_mifd h --dhcp4 eth0 --dhcp4 wlan0
mif_expect "PvDs learnt again, IPv4 and IPv6" 25 \
	'length == 2 and all(.[]; .dhcpv4.state == "bound" and (.routers | length) == 2)'
same_count() { [ "$(snapshot | grep -c .)" = "$(printf '%s\n' "$before" | grep -c .)" ]; }
world_wait_for "routing settled to the same set" 10 same_count
after=$(snapshot)
[ -z "$(printf '%s\n' "$after" | uniq -d)" ] || world_fail "duplicates after restart: $(printf '%s\n' "$after" | uniq -d)"
[ "$(printf '%s\n' "$before" | grep -c .)" = "$(printf '%s\n' "$after" | grep -c .)" ] ||
	world_fail "rule/route count changed across a crash:
before: $before
after:  $after"
world_log "ok: after SIGKILL and restart, one copy of everything ($(printf '%s\n' "$after" | grep -c .) lines)"

# Carrier loss on A: traffic without a source moves to B.
TA=$(mif_status | jq -r '.routing.tables[] | select(.pvd | test("eth0")) | .table' | head -n 1)
ip -n "$(world_ns rA)" link set eth0 down
# mifd reacts to the carrier event; probe once it has (bench/route.sh
# measures how fast).
default_is_b() { mif_status | jq -e '.routing.default.ipv4 // "" | test("wlan0")' >/dev/null; }
world_wait_for "the IPv4 default moves to B" 5 default_is_b
expect_server "A lost carrier: no source now goes through B" server-B -d 10.99.0.1
mif_expect "A's PvD gone" 5 'length == 1 and .[0].interfaces == ["wlan0"]'
gone_a() {
	local rules routes
	rules=$( { ip -n "$H" -4 rule; ip -n "$H" -6 rule; } | grep "lookup $TA " || true)
	routes=$( { ip -n "$H" -4 route show table "$TA"; ip -n "$H" -6 route show table "$TA"; } 2>/dev/null || true)
	[ -z "$rules$routes" ] || { echo "$rules $routes"; return 1; }
}
world_wait_for "A's rules and table $TA gone" 3 gone_a
world_log "ok: A's rules and table are gone"

# (Captured first: under pipefail, "| grep -q" can fail by SIGPIPE.)
rules=$(ip -n "$H" rule)
routes=$(ip -n "$H" route show table 5555)
grep -q "from 192.0.2.1 lookup 5555" <<<"$rules" && grep -q 192.0.2.0 <<<"$routes" ||
	world_fail "the hand-made rule or route was removed: $rules / $routes"
world_log "ok: the hand-made rule and route survived"
world_pass
