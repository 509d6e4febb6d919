#!/bin/bash
# SPDX-License-Identifier: MIT
#
# libmif's application API (include/mif/pvd.h) through examples/pvd-fetch:
# two networks whose private prefixes overlap, each with its own DNS server
# and a server "server-A" / "server-B" at the SAME addresses (10.99.0.1,
# 2001:db8:99::1).
#   - mif_pvd_list/mif_pvd_get: both PvDs, their DNS servers, the default;
#   - mif_resolve in each PvD: server.example has the same answer on both
#     networks, but mif_connect through each PvD reaches that network's
#     server; only.example differs (10.99.0.1 on A, 10.99.0.2 on B): each
#     PvD's answer is its own, sorted by RFC 6724 (IPv6 first by the
#     default policy table), each with a source address of that PvD;
#   - an IPv4-only name; Happy Eyeballs past a dead IPv6 address;
#   - no PvD given: the answering PvD's addresses and sources;
#   - unknown and departed PvDs (by id and by handle): ENOENT from
#     mif_pvd_get, mif_resolve and mif_connect;
#   - events: pvd-added as each network comes, default-changed, pvd-removed
#     when B's link goes down;
#   - mifd killed under connected clients: ECONNRESET from the pending call
#     and from the event wait, ECONNREFUSED (or ENOENT) on a new open; no
#     crash.
#
#   rA -- h:eth0 (wired, default)   rA -- srA (10.99.0.1, 2001:db8:99::1)
#   rB -- h:wlan0 (Wi-Fi)           rB -- srB (10.99.0.1, .2, ::1, ::2)
#   DNS: 192.168.10.1 on rA, 192.168.20.1 on rB (DHCPv4 option 6)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/dns.sh"

world_init
world_require jq dnsmasq radvd dig
[ -n "${PVD_FETCH:-}" ] && [ -x "$PVD_FETCH" ] || world_fail "PVD_FETCH is not set"
[ -n "${MIF_WHOAMI:-}" ] || world_fail "MIF_WHOAMI is not set"
world_host h
WORLD_NET_HOST=h
SOCK="$WORLD_TMP/mifd.sock"
pf() { world_exec h "$PVD_FETCH" --socket "$SOCK" "$@" 2>&1 || true; }

# mifd first, so that the subscriber sees both networks come.
dns_mifd h --dhcp4 eth0 --dhcp4 wlan0
world_bg h events "$PVD_FETCH" --socket "$SOCK" --events --timeout 200
EVENTS_PID=$WORLD_LAST_PID
subscribed() { grep -q '^subscribed' "$WORLD_TMP/events.log"; }
world_wait_for "the subscriber subscribed" 10 subscribed

# net_dns NAME ROUTER N ONLY4 ONLY6: a network (mif_net) whose router runs
# a DNS server on 192.168.N.1 (authoritative for "example", so that an
# unknown name is NXDOMAIN), handed out by DHCPv4.
net_dns() {
	MIF_NET_DNSMASQ="dhcp-option=option:dns-server,192.168.$3.1" mif_net "$1" "$2" \
		"$([ "$1" = A ] && echo eth0 || echo wlan0)" "$3"
	dns_dnsmasq "$2" "dns-$1" "192.168.$3.1" "$(dns_auth_lines "192.168.$3.1" example)
host-record=server.example,10.99.0.1,2001:db8:99::1
host-record=only.example,$4,$5
host-record=v4only.example,$4
host-record=he.example,2001:db8:99::99,$4"
}
net_dns A rA 10 10.99.0.1 2001:db8:99::1
mif_expect "A's PvD with DNS and IPv4 and IPv6 addresses" 25 \
	'length == 1 and (.[0].dns.servers | length) >= 1 and
	 any(.[0].addresses[]; .address | startswith("192.168.10.")) and
	 any(.[0].addresses[]; (.address | startswith("2001:db8:10:")) and .state == "preferred")'
net_dns B rB 20 10.99.0.2 2001:db8:99::2
ip -n "$(world_ns srB)" addr add 10.99.0.2/24 dev eth0
world_addr srB eth0 2001:db8:99::2/64
mif_expect "two PvDs with DNS and usable IPv4 and IPv6 addresses" 25 \
	'length == 2 and all(.[]; (.dns.servers | length) >= 1 and
	 any(.addresses[]; .address | test("^192\\.168\\.(10|20)\\.")) and
	 any(.addresses[]; (.address | startswith("2001:db8:")) and .state == "preferred"))'
tables_ready() { mif_status | jq -e '(.routing.tables | length) == 2 and
	.routing.default.ipv4 != null and .routing.default.ipv6 != null' >/dev/null; }
world_wait_for "two routing tables and the defaults" 10 tables_ready
PA=$(mif_pvds | jq -r '.[] | select(.interfaces == ["eth0"]) | .id')
PB=$(mif_pvds | jq -r '.[] | select(.interfaces == ["wlan0"]) | .id')
HB=$(mif_pvds | jq -r '.[] | select(.interfaces == ["wlan0"]) | .handle')
world_log "A is $PA, B is $PB (handle $HB)"

expect() {   # DESC REGEX TEXT
	grep -Eq -- "$2" <<<"$3" || world_fail "$1: want /$2/ in:
$3"
}

# The list: both, with their DNS servers; A (wired) is the default.
out=$(pf --list)
expect "list: A" "^pvd $PA handle [0-9]+ kind implicit interfaces eth0 addresses [0-9]+ dns 1 default-v4 default-v6\$" "$out"
expect "list: B" "^pvd $PB handle $HB kind implicit interfaces wlan0 addresses [0-9]+ dns 1\$" "$out"
world_log "ok: mif_pvd_list: $(tr '\n' '|' <<<"$out")"

# server.example: the same addresses in both PvDs, two different servers.
out=$(pf --port 8080 server.example)
for x in "A $PA 10" "B $PB 20"; do
	read -r net id n k <<<"$x"
	expect "$net: resolved" "^resolve $id server.example 2\$" "$out"
	expect "$net: IPv6 first (RFC 6724 rule 6), from $net's prefix" \
		"^addr $id 2001:db8:99::1 8080 from 2001:db8:$n:" "$(grep "^addr $id " <<<"$out" | head -n 1)"
	expect "$net: IPv4 from $net's lease" "^addr $id 10\.99\.0\.1 8080 from 192\.168\.$n\." "$out"
	expect "$net: connected through $net" "^fetch $id server.example 8080: server-$net " "$out"
done
world_log "ok: server.example, same answer, two servers: $(grep '^fetch' <<<"$out" | tr '\n' '|')"

# only.example: each PvD's own answer.
for x in "A $PA 10 1" "B $PB 20 2"; do
	read -r net id n k <<<"$x"
	out=$(pf --pvd "$id" --port 8080 only.example)
	expect "only.example in $net" "^resolve $id only.example 2\$" "$out"
	expect "only.example in $net: its AAAA first" \
		"^addr $id 2001:db8:99::$k 8080 from 2001:db8:$n:" "$(grep '^addr' <<<"$out" | head -n 1)"
	expect "only.example in $net: its A second" \
		"^addr $id 10\.99\.0\.$k 8080 from 192\.168\.$n\." "$(grep '^addr' <<<"$out" | sed -n 2p)"
	expect "only.example through $net" "^fetch $id only.example 8080: server-$net " "$out"
	world_log "ok: only.example in $net: $(grep -E '^(addr|fetch)' <<<"$out" | tr '\n' '|')"
done
# IPv4 only: the PvD's IPv4 source, and B's server.
out=$(pf --pvd "$PB" --port 8080 v4only.example)
expect "v4only.example in B" "^addr $PB 10\.99\.0\.2 8080 from 192\.168\.20\." "$out"
expect "v4only.example through B over IPv4" "^fetch $PB v4only.example 8080: server-B 192\.168\.20\." "$out"
# Happy Eyeballs (RFC 8305): the IPv6 address is dead (nobody there), so
# the IPv4 attempt, started 250 ms later, wins long before IPv6 gives up.
t0=$(world__now_ms)
out=$(pf --pvd "$PB" --port 8080 --timeout 5 he.example)
t=$(($(world__now_ms) - t0))
expect "he.example: the dead IPv6 address first" "^addr $PB 2001:db8:99::99 8080" \
	"$(grep '^addr' <<<"$out" | head -n 1)"
expect "he.example: IPv4 wins" "^fetch $PB he.example 8080: server-B 192\.168\.20\." "$out"
[ "$t" -lt 2500 ] || world_fail "Happy Eyeballs took $t ms"
world_log "ok: IPv4 only, and Happy Eyeballs past a dead IPv6 address in $t ms"

# By handle too.
out=$(pf --pvd "$HB" --port 8080 --no-fetch only.example)
expect "only.example in B by handle" "^addr $HB 2001:db8:99::2 8080 from 2001:db8:20:" "$out"

# No PvD given: mifd's choice (the default, A) and its sources.
out=$(pf --any --port 8080 only.example)
expect "any: A's answer" "^addr - 2001:db8:99::1 8080 from 2001:db8:10:" "$out"
expect "any: A's IPv4 source" "^addr - 10\.99\.0\.1 8080 from 192\.168\.10\." "$out"
expect "any: through A" "^fetch - only.example 8080: server-A " "$out"
world_log "ok: no PvD given: $(grep -E '^fetch' <<<"$out")"

# Errors: a name without addresses, a port nobody listens on, unknown PvD.
out=$(pf --pvd "$PB" --port 8080 nothing.example)
expect "no such name" "^error resolve $PB ENODATA" "$out"
out=$(pf --pvd "$PB" --port 8081 server.example)
expect "refused" "^error fetch $PB ECONNREFUSED" "$out"
out=$(pf --pvd no.such.pvd --port 8080 server.example)
expect "unknown PvD: pvd_get" "^error pvd ENOENT" "$out"
expect "unknown PvD: resolve" "^error resolve no.such.pvd ENOENT" "$out"
expect "unknown PvD: connect" "^error fetch no.such.pvd ENOENT" "$out"
world_log "ok: ENODATA, ECONNREFUSED, ENOENT"

# Events so far: both added, and A became the default.
ev() { cat "$WORLD_TMP/events.log"; }
has_events() { ev | grep -q "^event pvd-added $PA " && ev | grep -q "^event pvd-added $PB handle $HB\$" &&
	ev | grep -q "^event default-changed $PA handle [0-9]* family ipv6 previous 0\$" &&
	ev | grep -q "^event default-changed $PA handle [0-9]* family ipv4 previous 0\$"; }
world_wait_for "pvd-added A and B, default-changed to A" 5 has_events
world_log "ok: events: $(ev | grep -v pvd-changed | tr '\n' '|')"

# B leaves: pvd-removed, and B fails cleanly by id and by handle.
ip -n "$(world_ns rB)" link set eth0 down
mif_expect "B's PvD gone" 10 'length == 1 and .[0].interfaces == ["eth0"]'
removed() { ev | grep -q "^event pvd-removed $PB handle $HB\$"; }
world_wait_for "pvd-removed B" 5 removed
for b in "$PB" "$HB"; do
	out=$(pf --pvd "$b" --port 8080 only.example)
	expect "departed $b: pvd_get" "^error pvd ENOENT" "$out"
	expect "departed $b: resolve" "^error resolve $b ENOENT" "$out"
	expect "departed $b: connect" "^error fetch $b ENOENT" "$out"
	grep -q server-B <<<"$out" && world_fail "B reached after it left: $out"
done
world_log "ok: B departed: ENOENT by id and by handle"
out=$(pf --pvd "$PA" --port 8080 only.example)
expect "A still works" "^fetch $PA only.example 8080: server-A " "$out"

# mifd killed under a client between calls, and under the subscriber.
world_bg h held "$PVD_FETCH" --socket "$SOCK" --hold "$WORLD_TMP/go" --pvd "$PA" --port 8080 \
	only.example
HELD_PID=$WORLD_LAST_PID
held_connected() { grep -q '^connected' "$WORLD_TMP/held.log"; }
world_wait_for "the held client connected" 10 held_connected
kill -9 "$WORLD_MIFD_PID"
world_wait_for "mifd gone" 5 bash -c "! kill -0 $WORLD_MIFD_PID 2>/dev/null"
WORLD_MIFD_PID=""
: >"$WORLD_TMP/go"
done_both() { ! kill -0 "$HELD_PID" 2>/dev/null && ! kill -0 "$EVENTS_PID" 2>/dev/null; }
world_wait_for "the held client and the subscriber finished" 10 done_both
rc_held=0; wait "$HELD_PID" || rc_held=$?
rc_ev=0; wait "$EVENTS_PID" || rc_ev=$?
[ "$rc_held" = 1 ] && [ "$rc_ev" = 1 ] ||
	world_fail "exit status after mifd died: held $rc_held, subscriber $rc_ev (want 1, 1)"
expect "held client: ECONNRESET" "^error pvd ECONNRESET" "$(cat "$WORLD_TMP/held.log")"
expect "subscriber: ECONNRESET" "^error events ECONNRESET" "$(ev)"
out=$(pf --list)
expect "a new connection" "^error mifd (ECONNREFUSED|ENOENT)" "$out"
world_log "ok: mifd killed: ECONNRESET on the old connections, $(cut -d: -f1 <<<"$out") on a new one"
world_pass
