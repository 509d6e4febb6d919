#!/bin/bash
# SPDX-License-Identifier: MIT
#
# mif_connect() races PvDs (RFC 8305 across networks; issue 14 item 5),
# through tests/tools/mif-connect-test (mif_connect_ex()). Two networks,
# each with its own DNS server and a server "server-A" / "server-B" at the
# SAME addresses (10.99.0.1, 2001:db8:99::1): the server's line names the
# network the connection went through and the source address it came from.
#   1. both paths work: the first PvD in mifd's order (A, the default)
#      wins, from A's addresses, without waiting for B, and B's DNS server
#      is not even asked (B's turn never came);
#   2. A's router drops every packet to the server (nft, in rA only):
#      the connection is made through B, one Connection Attempt Delay
#      (250 ms) after A's attempt started, B's resolution included; the
#      time is measured;
#   3. the caller's delay (100 ms) and the caller's order (B before A);
#   4. A alone (the single-PvD call) while black-holed: it times out, as
#      before; nothing falls over to B.
#
#   rA -- h:eth0 (wired, default)   rA -- srA (10.99.0.1, 2001:db8:99::1)
#   rB -- h:wlan0 (Wi-Fi)           rB -- srB (10.99.0.1, 2001:db8:99::1)
#   DNS: 192.168.10.1 on rA, 192.168.20.1 on rB (DHCPv4 option 6)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/dns.sh"

world_init
world_require jq dnsmasq radvd dig nft
[ -n "${MIF_CONNECT_TEST:-}" ] && [ -x "$MIF_CONNECT_TEST" ] || world_fail "MIF_CONNECT_TEST is not set"
[ -n "${MIF_WHOAMI:-}" ] || world_fail "MIF_WHOAMI is not set"
world_host h
WORLD_NET_HOST=h
SOCK="$WORLD_TMP/mifd.sock"
dns_mifd h --dhcp4 eth0 --dhcp4 wlan0

# net_dns NAME ROUTER N: a network (mif_net) whose router runs a DNS server
# on 192.168.N.1 with race.example at the server's addresses.
net_dns() {
	MIF_NET_DNSMASQ="dhcp-option=option:dns-server,192.168.$3.1" mif_net "$1" "$2" \
		"$([ "$1" = A ] && echo eth0 || echo wlan0)" "$3"
	dns_dnsmasq "$2" "dns-$1" "192.168.$3.1" "$(dns_auth_lines "192.168.$3.1" example)
host-record=race.example,10.99.0.1,2001:db8:99::1"
}
net_dns A rA 10
net_dns B rB 20
mif_expect "two PvDs with DNS and usable IPv4 and IPv6 addresses" 30 \
	'length == 2 and all(.[]; (.dns.servers | length) >= 1 and
	 any(.addresses[]; .address | test("^192\\.168\\.(10|20)\\.")) and
	 any(.addresses[]; (.address | startswith("2001:db8:")) and .state == "preferred"))'
tables_ready() { mif_status | jq -e '(.routing.tables | length) == 2 and
	.routing.default.ipv4 != null and .routing.default.ipv6 != null' >/dev/null; }
world_wait_for "two routing tables and the defaults" 10 tables_ready
PA=$(mif_pvds | jq -r '.[] | select(.interfaces == ["eth0"]) | .id')
PB=$(mif_pvds | jq -r '.[] | select(.interfaces == ["wlan0"]) | .id')
HA=$(mif_pvds | jq -r '.[] | select(.interfaces == ["eth0"]) | .handle')
HB=$(mif_pvds | jq -r '.[] | select(.interfaces == ["wlan0"]) | .handle')
a_first() { [ "$(world_ctl --json dns which race.example | jq -r '.pvds[0].pvd')" = "$PA" ]; }
world_wait_for "mifd's order for race.example: A first" 10 a_first
world_log "A is $PA (handle $HA), B is $PB (handle $HB); order: $(world_ctl --json dns which race.example | jq -c '[.pvds[].pvd]')"

ct() { world_exec h "$MIF_CONNECT_TEST" --socket "$SOCK" "$@" race.example 8080 2>&1 || true; }
# through H NET OUT: OUT says connected through PvD handle H to server-NET
# from an address of NET's prefixes (192.168.N. or 2001:db8:N:).
through() {
	local n=$([ "$2" = A ] && echo 10 || echo 20)
	grep -Eq "^connected pvd $1 ms [0-9]+: server-$2 (192\.168\.$n\.|2001:db8:$n:)" <<<"$3"
}
ms_of() { sed -En 's/.* ms ([0-9]+).*/\1/p' <<<"$1" | head -n 1; }

# 1. Both paths work: A, the first, wins at once.
out=$(ct)
through "$HA" A "$out" || world_fail "both working: want A first: $out"
[ "$(ms_of "$out")" -lt 240 ] || world_fail "both working: A should not wait for the delay: $out"
# B's turn never came: the name was not even asked of B's DNS server.
[ "$(dns_count_queries dns-B 'race\.example')" = 0 ] ||
	world_fail "both working: B's DNS server was asked for race.example"
world_log "ok: both working: $out; B's DNS server not asked"

# 2. A's path to the server black-holed in rA: B, one delay later.
world_exec rA nft -f - <<'NFT'
table inet race {
	chain hole {
		type filter hook forward priority 0; policy accept;
		ip daddr 10.99.0.1 drop
		ip6 daddr 2001:db8:99::1 drop
	}
}
NFT
times=""
for i in 1 2 3; do
	out=$(ct --timeout 10000)
	through "$HB" B "$out" || world_fail "A black-holed, run $i: want B: $out"
	ms=$(ms_of "$out")
	# Expected about 250 ms (RFC 8305 section 5), generous bounds.
	[ "$ms" -ge 240 ] && [ "$ms" -lt 3000 ] || world_fail "A black-holed, run $i: $ms ms"
	times+="$ms "
done
[ "$(dns_count_queries dns-B 'race\.example')" -ge 1 ] || world_fail "B connected without asking its DNS server"
world_log "ok: A black-holed: connected through B in ${times}ms (attempt delay 250 ms, B's resolution included)"

# 3. The caller's delay, and the caller's order.
out=$(ct --delay 100)
through "$HB" B "$out" || world_fail "delay 100: want B: $out"
ms=$(ms_of "$out")
[ "$ms" -ge 90 ] && [ "$ms" -lt 2000 ] || world_fail "delay 100: $ms ms"
world_log "ok: A black-holed, delay 100 ms: B in $ms ms"
out=$(ct --pvd "$PB" --pvd "$PA")
through "$HB" B "$out" || world_fail "order B, A: $out"

# 4. A alone: the single-PvD call keeps to A and times out.
out=$(ct --pvd "$PA" --timeout 1500)
grep -q "^error ETIMEDOUT" <<<"$out" || world_fail "A alone, black-holed: want ETIMEDOUT: $out"
world_log "ok: A alone while black-holed: $out"

world_exec rA nft delete table inet race
out=$(ct --pvd "$PB" --pvd "$PA")
through "$HB" B "$out" || world_fail "order B, A, both working: want B: $out"
out=$(ct)
through "$HA" A "$out" || world_fail "A restored: want A: $out"
world_log "ok: the caller's order (B, A) wins for B; A restored wins again: $out"
world_pass
