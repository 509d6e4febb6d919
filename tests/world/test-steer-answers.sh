#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Answer-based steering (doc/steering.md; problem statement 4.1 cases 1 and
# 3, 4.2 case 3): a plain program (nc, no preload, no mifctl run) resolves
# a name through mifd's stub and connects; the address came from PvD B's
# server, so the connection leaves through B, although A is the default
# and A even has a more specific route covering that address.
#
#   r1 -- h:eth0   PvD A (wired, the default): 2001:db8:1::/64, DNS
#                  2001:db8:1::53 on r1 (zone a.example), and a route
#                  2001:db8:77::/48 through r1, where r1 has no route.
#   r2 -- h:wlan0  PvD B: 2001:db8:2::/64, DNSSL b.example, DNS
#                  2001:db8:2::53 on r2 (zone b.example, TTL 4 s).
#   r2 -- s3       2001:db8:77::10 and ::20, running mif-whoami ("svc").
#
# Checked:
#   1. before any answer, nc to 2001:db8:77::10 fails (A's route takes it:
#      what a host without steering does, and this host before the answer);
#   2. nc svc.b.example 8080 reaches s3, whose peer address is h's address
#      in B's prefix (the packets left through B, source rewritten);
#   3. the address is in B's set (nft) and leaves it after TTL + grace;
#   4. an address that both servers returned (both.b.example and
#      both.a.example -> ::20) is in the "two PvDs" set and not steered
#      (nc fails: A's route takes it);
#   5. a PvD that leaves takes its sets with it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/dns.sh"

world_init
world_require jq dig dnsmasq nc nft unshare
[ -n "${MIF_WHOAMI:-}" ] || world_fail "MIF_WHOAMI must be set (tests/world/meson.build)"

world_router r1
world_router r2
world_host h
world_host s3
world_link r1 eth0 h eth0
world_link r2 eth0 h wlan0
world_link r2 eth1 s3 eth0
world_addr r1 eth0 2001:db8:1::1/64
world_addr r1 eth0 2001:db8:1::53/64
world_addr r2 eth0 2001:db8:2::1/64
world_addr r2 eth0 2001:db8:2::53/64
world_addr r2 eth1 2001:db8:77::fe/64
world_addr s3 eth0 2001:db8:77::10/64
world_addr s3 eth0 2001:db8:77::20/64
ip -n "$(world_ns s3)" -6 route add default via 2001:db8:77::fe
world_bg s3 whoami-svc "$MIF_WHOAMI" -n svc -p 8080 -6

dns_dnsmasq r1 a 2001:db8:1::53 "$(DNS_AUTH_TTL=600 dns_auth_lines 2001:db8:1::53 a.example)
host-record=both.a.example,2001:db8:77::20"
dns_dnsmasq r2 b 2001:db8:2::53 "$(DNS_AUTH_TTL=4 dns_auth_lines 2001:db8:2::53 b.example)
host-record=svc.b.example,2001:db8:77::10
host-record=both.b.example,2001:db8:77::20"

world_lla h eth0 >/dev/null
world_lla h wlan0 >/dev/null
# Answer steering (on by default, mifd.conf(5)): stated, so the test does not depend on the default.
DNS_MIFD_EXTRA=$'[steering]\nanswers = yes'
dns_mifd h
world_ra_send r1 -i eth0 --lifetime 1800 --prefix 2001:db8:1::/64 --rdnss 2001:db8:1::53 \
	--route 2001:db8:77::/48
world_ra_send r2 -i eth0 --lifetime 1800 --prefix 2001:db8:2::/64 --rdnss 2001:db8:2::53 \
	--dnssl b.example
mif_expect "two PvDs with a usable global address" 15 \
	'length == 2 and ([.[] | select(any(.addresses[]; (.address | startswith("2001:db8:"))
	 and .state == "preferred"))] | length) == 2'
routing_ready() { mif_status | jq -e '.routing.default.ipv6 != null' >/dev/null; }
world_wait_for "a default PvD chosen" 10 routing_ready
A=$(mif_pvds | jq -r '.[] | select(.interfaces == ["eth0"]) | .id')
B=$(mif_pvds | jq -r '.[] | select(.interfaces == ["wlan0"]) | .id')
DEF=$(mif_status | jq -r '.routing.default.ipv6 // "" | sub(": .*"; "")')
[ "$DEF" = "$A" ] || world_fail "the default PvD is '$DEF', want A ($A)"
steer() { world_ctl --json steer show; }
ready() { steer | jq -e '.ready and ([.sets[] | select(.pvd == "'"$B"'")] | length) == 1' \
	>/dev/null; }
world_wait_for "mifd's nftables table with B's sets" 10 ready
ready0() { steer | jq -e '.ready' >/dev/null; }
BH=$(steer | jq -r --arg b "$B" '.sets[] | select(.pvd == $b) | .handle')
SET_B=$(printf 'a6_%x' "$BH")
world_exec h nft list table inet mif >"$WORLD_TMP/nft-table.txt" ||
	world_fail "no table inet mif in h"
world_log "A=$A (default) B=$B; B's set $SET_B"

printf 'hosts: dns\n' >"$WORLD_TMP/nsswitch.conf"
printf 'nameserver %s\noptions timeout:2 attempts:1\n' "$DNS_STUB_ADDR" >"$WORLD_TMP/stub-resolv.conf"
# plain ARGS...: nc in h with the stub as its only name server (a mount
# namespace of its own: the machine's files are not touched).
plain() {
	world_exec h unshare --mount sh -c '
		mount --bind "$1" /etc/nsswitch.conf && mount --bind "$2" /etc/resolv.conf &&
		shift 2 && exec "$@"' sh "$WORLD_TMP/nsswitch.conf" "$WORLD_TMP/stub-resolv.conf" \
		timeout 8 nc -6 -w 3 "$@" </dev/null 2>&1 || true
}
in_set() {   # SET ADDR: ADDR is an element of SET in h's table
	local out
	# Read whole, then matched: grep -q on a pipe under pipefail would
	# count nft's SIGPIPE as "not there".
	out=$(world_exec h nft list set inet mif "$1" 2>/dev/null) || return 1
	grep -q -- "$2" <<<"$out"
}

# 1. No answer yet: A's more specific route takes the address.
got=$(plain 2001:db8:77::10 8080)
case "$got" in svc*) world_fail "2001:db8:77::10 reached before any answer: '$got'" ;; esac
world_log "ok: before any answer, 2001:db8:77::10 is not reachable (A's route): '$got'"

# 2. The name from B's server: the connection goes through B.
got=$(plain svc.b.example 8080)
case "$got" in
"svc 2001:db8:2:"*) world_log "ok: nc svc.b.example 8080 -> '$got' (through B)" ;;
*) world_fail "nc svc.b.example 8080 -> '$got', want 'svc 2001:db8:2:...' (through B);
$(steer)" ;;
esac
in_set "$SET_B" 2001:db8:77::10 || world_fail "2001:db8:77::10 is not in $SET_B"
world_log "ok: 2001:db8:77::10 is in $SET_B: $(world_exec h nft list set inet mif "$SET_B" |
	grep -o 'elements = .*' || true)"

# mifctl status shows steering and what was skipped under load (nothing).
st=$(world_ctl status)
grep -q '^steering: table installed, answers on, 0 cgroups; addresses sent [1-9][0-9]*, skipped under load 0$' <<<"$st" ||
	world_fail "mifctl status: no steering line: $st"
mif_status | jq -e '.steering.counters | .skipped_net == 0 and .kernel_added >= 1' >/dev/null ||
	world_fail "status .steering: $(mif_status | jq -c .steering)"
world_log "ok: $(grep '^steering:' <<<"$st")"
mx=$(world_ctl metrics)
grep -q '^mif_steering_table 1$' <<<"$mx" && grep -q '^mif_steering_addresses_added_total [1-9]' <<<"$mx" ||
	world_fail "mifctl metrics: no steering: $(grep steering <<<"$mx")"
world_log "ok: metrics: $(grep '^mif_steering_addresses_added_total' <<<"$mx")"

# 3. The answer's TTL (4 s) and the grace (2 s): gone within 10 s.
gone() { ! in_set "$SET_B" 2001:db8:77::10; }
world_wait_for "2001:db8:77::10 to leave $SET_B after its TTL" 12 gone
world_log "ok: the element expired with the answer"

# 4. Returned by both PvDs: not steered.
[ "$(dns_dig_short h both.b.example AAAA)" = 2001:db8:77::20 ] ||
	world_fail "both.b.example AAAA is not 2001:db8:77::20"
[ "$(dns_dig_short h both.a.example AAAA)" = 2001:db8:77::20 ] ||
	world_fail "both.a.example AAAA is not 2001:db8:77::20"
two() { in_set c6 2001:db8:77::20; }
world_wait_for "2001:db8:77::20 in the two-PvDs set" 5 two
got=$(plain 2001:db8:77::20 8080)
case "$got" in svc*) world_fail "2001:db8:77::20 (returned by A and B) was steered: '$got'" ;; esac
steer | jq -e '.counters.two_pvds >= 1 and .two_pvds >= 1' >/dev/null ||
	world_fail "steer show does not count the address of two PvDs: $(steer)"
world_log "ok: the address both PvDs returned is not steered: '$got'"

# 5. B leaves: its sets go.
world_ra_send r2 -i eth0 --lifetime 0 --prefix 2001:db8:2::/64,valid=0,preferred=0 \
	--rdnss 2001:db8:2::53,lifetime=0 >/dev/null 2>&1 || true
ip -n "$(world_ns h)" link set wlan0 down
no_set() { ! world_exec h nft list set inet mif "$SET_B" >/dev/null 2>&1; }
world_wait_for "B's set removed once B left" 15 no_set
world_log "ok: B's sets left with B"

# 6. The table's life: a table of someone else's is never touched; a
# clean stop removes ours; after kill -9 the next mifd replaces it (one
# table, its rules once).
world_exec h nft add table inet other
world_exec h nft add chain inet other c
stop_mifd() {   # SIGNAL: stop mifd and wait for its three processes
	local pids
	pids="$WORLD_MIFD_PID $(mif_status | jq -r '.processes.engine.pid, .processes.net.pid' |
		tr '\n' ' ')"
	kill "-$1" "$WORLD_MIFD_PID"
	all_gone() { local p; for p in $pids; do ! kill -0 "$p" 2>/dev/null || return 1; done; }
	world_wait_for "mifd's processes to stop after SIG$1" 10 all_gone
	WORLD_MIFD_PID=""
	rm -f "$WORLD_TMP/mifd.sock"
}
stop_mifd TERM
! world_exec h nft list table inet mif >/dev/null 2>&1 ||
	world_fail "a clean stop left table inet mif behind"
world_log "ok: a clean stop removed table inet mif"
dns_mifd h
world_wait_for "mifd's table again" 10 ready0
stop_mifd KILL
world_exec h nft list table inet mif >/dev/null 2>&1 ||
	world_fail "no table inet mif after kill -9 (was it removed?)"
dns_mifd h
world_wait_for "mifd's table after kill -9 and a restart" 10 ready0
n=$(world_exec h nft list tables | grep -c 'inet mif' || true)
heads=$(world_exec h nft list chain inet mif route | grep -c 'meta mark != 0x00000000 return' || true)
[ "$n" = 1 ] && [ "$heads" = 1 ] ||
	world_fail "after kill -9 and a restart: $n tables inet mif, $heads head rules"
world_exec h nft list chain inet other c >/dev/null ||
	world_fail "mifd touched table inet other"
world_log "ok: after kill -9 the table was replaced (one table, rules once); inet other kept"
world_pass
