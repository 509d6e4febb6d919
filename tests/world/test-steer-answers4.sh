#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Answer-based steering over IPv4 (doc/steering.md; problem statement 4.2
# case 3): two networks by DHCPv4 (dnsmasq), each with a server at the same
# private address 10.99.0.1 ("server-A", "server-B"). A is the default. A
# plain program (nc, no preload) that resolves a name of B's domain through
# mifd's stub reaches B's server, with B's address as its source; the same
# address asked without that answer, before it, reaches A's.
#
#   rA -- h:eth0   A: 192.168.10.0/24 by DHCPv4, DNS 192.168.10.1 (a.example)
#   rB -- h:wlan0  B: 192.168.20.0/24 by DHCPv4, DNS 192.168.20.1 (b.example,
#                  TTL 4 s), domain search b.example
#   behind each router: 10.99.0.1 running mif-whoami
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/dns.sh"

world_init
world_require jq dnsmasq radvd dig nc nft unshare
[ -n "${MIF_WHOAMI:-}" ] || world_fail "MIF_WHOAMI is not set"
world_host h
WORLD_NET_HOST=h

# Answer steering (on by default, mifd.conf(5)): stated, so the test does not depend on the default.
DNS_MIFD_EXTRA=$'[steering]\nanswers = yes'
dns_mifd h --dhcp4 eth0 --dhcp4 wlan0
MIF_NET_DNSMASQ="dhcp-option=option:dns-server,192.168.10.1" mif_net A rA eth0 10
dns_dnsmasq rA dns-A 192.168.10.1 "$(dns_auth_lines 192.168.10.1 a.example)
host-record=www.a.example,10.99.0.1"
MIF_NET_DNSMASQ="dhcp-option=option:dns-server,192.168.20.1
dhcp-option=option:domain-search,b.example" mif_net B rB wlan0 20
dns_dnsmasq rB dns-B 192.168.20.1 "$(DNS_AUTH_TTL=4 dns_auth_lines 192.168.20.1 b.example)
host-record=svc.b.example,10.99.0.1"
mif_expect "two PvDs with IPv4 addresses and DNS" 30 \
	'length == 2 and all(.[]; (.dns.servers | length) >= 1 and
	 any(.addresses[]; .address | test("^192\\.168\\.(10|20)\\.")))'
v4_ready() { mif_status | jq -e '.routing.default.ipv4 != null' >/dev/null; }
world_wait_for "an IPv4 default PvD" 10 v4_ready
A=$(mif_pvds | jq -r '.[] | select(.interfaces == ["eth0"]) | .id')
B=$(mif_pvds | jq -r '.[] | select(.interfaces == ["wlan0"]) | .id')
DEF=$(mif_status | jq -r '.routing.default.ipv4 // "" | sub(": .*"; "")')
[ "$DEF" = "$A" ] || world_fail "the IPv4 default PvD is '$DEF', want A ($A)"
steer() { world_ctl --json steer show; }
has_b() { steer | jq -e --arg b "$B" '.ready and any(.sets[]; .pvd == $b)' >/dev/null &&
	world_exec h nft list set inet mif "$(printf 'a4_%x' "$(steer | jq -r --arg b "$B" \
		'.sets[] | select(.pvd == $b) | .handle')")" >/dev/null 2>&1; }
world_wait_for "B's IPv4 set" 10 has_b
SET_B=$(printf 'a4_%x' "$(steer | jq -r --arg b "$B" '.sets[] | select(.pvd == $b) | .handle')")
world_log "A=$A (IPv4 default) B=$B; B's set $SET_B"

printf 'hosts: dns\n' >"$WORLD_TMP/nsswitch.conf"
printf 'nameserver %s\noptions timeout:2 attempts:1\n' "$DNS_STUB_ADDR" >"$WORLD_TMP/stub-resolv.conf"
plain() {   # nc in h, the stub its only name server (its own mount namespace)
	world_exec h unshare --mount sh -c '
		mount --bind "$1" /etc/nsswitch.conf && mount --bind "$2" /etc/resolv.conf &&
		shift 2 && exec "$@"' sh "$WORLD_TMP/nsswitch.conf" "$WORLD_TMP/stub-resolv.conf" \
		timeout 8 nc -4 -w 3 "$@" </dev/null 2>&1 || true
}

# 1. Without an answer: the default network's server.
got=$(plain 10.99.0.1 8080)
case "$got" in "server-A 192.168.10."*) ;; *) world_fail "10.99.0.1 before any answer: '$got'" ;; esac
world_log "ok: before any answer, 10.99.0.1 is A's server: '$got'"

# 2. B's name: B's server, B's source address.
got=$(plain svc.b.example 8080)
case "$got" in
"server-B 192.168.20."*) world_log "ok: nc svc.b.example 8080 -> '$got' (through B)" ;;
*) world_fail "nc svc.b.example 8080 -> '$got', want server-B from 192.168.20.x;
$(steer)" ;;
esac
in_set() {   # ADDR is in B's set (read whole: grep -q on a pipe under pipefail
	local out  # would count nft's SIGPIPE as "not there")
	out=$(world_exec h nft list set inet mif "$SET_B" 2>/dev/null) || return 1
	grep -q -- "$1" <<<"$out"
}
in_set 10.99.0.1 || world_fail "10.99.0.1 is not in $SET_B"

# 3. Gone after its TTL (4 s) and the grace (2 s): A's server again.
gone() { ! in_set 10.99.0.1; }
world_wait_for "10.99.0.1 to leave $SET_B" 12 gone
got=$(plain 10.99.0.1 8080)
case "$got" in "server-A 192.168.10."*) ;; *) world_fail "10.99.0.1 after the TTL: '$got'" ;; esac
world_log "ok: after the TTL, 10.99.0.1 is A's server again: '$got'"
world_pass
