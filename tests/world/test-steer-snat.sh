#!/bin/bash
# SPDX-License-Identifier: MIT
#
# A steered flow leaves with its own PvD's source (doc/steering.md, "The
# source address"; RFC 7556 sections 3 and 6, BCP 38): two PvDs on one
# shared link (problem statement 4.5), each router dropping sources that
# are not its own, and flows steered by answer to each PvD reach its
# server with that PvD's address, checked on the server side.
#
#   rC (2001:db8:c::/64, default, preference high, DNS 2001:db8:c::53:
#       svc.c.example -> 2001:db8:d:1::1) --\
#                                             sw -- h:eth0
#   rD (2001:db8:d::/64, preference low, DNS 2001:db8:d::53:
#       svc.d.example -> 2001:db8:c:1::1) --/
#   rC -- sC (2001:db8:d:1::1, mif-whoami "svcC")
#   rD -- sD (2001:db8:c:1::1, mif-whoami "svcD")
#
# The servers are numbered so that the kernel's source selection (RFC 6724
# rule 8, longest matching prefix) picks the OTHER PvD's address for each:
# the masquerade used before chose exactly that, and the router dropped it.
#   1. nc svc.d.example (no preload): the socket's source is C's (C is the
#      default); the answer steers it to D; sD sees D's address, 5 times;
#   2. nc -s <D's address> svc.c.example: steered to C; sC sees C's, 5 times;
#      no packet dropped by either router's ingress filter;
#   3. D gets a second prefix and its first is deprecated: D's SNAT source
#      moves to the new address (nft, and on sD); the address deleted: the
#      same; mifctl steer show counts the sources in force.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/dns.sh"

world_init
world_require jq dig dnsmasq nc nft unshare
[ -n "${MIF_WHOAMI:-}" ] || world_fail "MIF_WHOAMI must be set (tests/world/meson.build)"

world_host sw
world_host h
world_bridge sw br0
world_link h eth0 sw ph
world_bridge_port sw br0 ph
for x in c d; do
	world_router "r$x"
	world_link "r$x" eth0 sw "p$x"
	world_bridge_port sw br0 "p$x"
	world_addr "r$x" eth0 "2001:db8:$x::1/64"
	world_addr "r$x" eth0 "2001:db8:$x::53/64"
	world_host "s$x"
done
world_link rc eth1 sc eth0
world_addr rc eth1 2001:db8:d:1::fe/64
world_addr sc eth0 2001:db8:d:1::1/64
ip -n "$(world_ns sc)" -6 route add default via 2001:db8:d:1::fe
world_addr rd eth0 2001:db8:d:2::1/64    # D's second prefix (step 3)
world_link rd eth1 sd eth0
world_addr rd eth1 2001:db8:c:1::fe/64
world_addr sd eth0 2001:db8:c:1::1/64
ip -n "$(world_ns sd)" -6 route add default via 2001:db8:c:1::fe
world_bg sc whoami-c "$MIF_WHOAMI" -n svcC -p 8080 -6
world_bg sd whoami-d "$MIF_WHOAMI" -n svcD -p 8080 -6

# BCP 38 ingress filtering on each router's link side (forwarded traffic).
filter() {   # ROUTER PREFIXES: drop forwarded packets from eth0 with other sources
	printf 'table inet ingress {\n chain ingress_fwd { type filter hook forward priority 0;\n  iifname "eth0" meta nfproto ipv6 ip6 saddr != { %s } counter drop\n }\n}\n' \
		"$2" >"$WORLD_TMP/ingress-$1.nft"
	world_exec "$1" nft -f "$WORLD_TMP/ingress-$1.nft" || world_fail "nft on $1 failed"
}
drops() {   # ROUTER: packets its ingress filter dropped
	world_exec "$1" nft list table inet ingress |
		awk '/counter packets/ { for (i = 1; i < NF; i++) if ($i == "packets") n += $(i + 1) }
		     END { print n + 0 }'
}
filter rc 2001:db8:c::/64
filter rd "2001:db8:d::/64, 2001:db8:d:2::/64"

dns_dnsmasq rc c 2001:db8:c::53 "$(DNS_AUTH_TTL=600 dns_auth_lines 2001:db8:c::53 c.example)
host-record=svc.c.example,2001:db8:d:1::1"
dns_dnsmasq rd d 2001:db8:d::53 "$(DNS_AUTH_TTL=600 dns_auth_lines 2001:db8:d::53 d.example)
host-record=svc.d.example,2001:db8:c:1::1"

world_lla h eth0 >/dev/null
DNS_MIFD_EXTRA=$'[steering]\nanswers = yes'
dns_mifd h
world_ra_send rc -i eth0 --lifetime 1800 --pref high --prefix 2001:db8:c::/64 \
	--rdnss 2001:db8:c::53 --dnssl c.example
world_ra_send rd -i eth0 --lifetime 1800 --pref low --prefix 2001:db8:d::/64 \
	--rdnss 2001:db8:d::53 --dnssl d.example
mif_expect "two PvDs on eth0, each with a preferred address" 20 \
	'length == 2 and all(.[]; any(.addresses[]; (.address | startswith("2001:db8:"))
	 and .state == "preferred"))'
C=$(mif_pvds | jq -r '.[] | select(any(.addresses[]; .address | startswith("2001:db8:c:"))) | .id')
D=$(mif_pvds | jq -r '.[] | select(any(.addresses[]; .address | startswith("2001:db8:d:"))) | .id')
addr_of() {   # PREFIX_TEXT: h's global address that starts with it
	world_exec h ip -6 -o addr show dev eth0 scope global |
		awk -v p="$1" '{ split($4, a, "/"); if (index(a[1], p) == 1) { print a[1]; exit } }'
}
AC=$(addr_of 2001:db8:c:)
AD=$(addr_of 2001:db8:d:)
[ -n "$C" ] && [ -n "$D" ] && [ -n "$AC" ] && [ -n "$AD" ] ||
	world_fail "PvDs or addresses missing: C=$C D=$D $AC $AD"
steer() { world_ctl --json steer show; }
nat_has() {   # TEXT: the nat chain of h's table holds it
	local out
	out=$(world_exec h nft list chain inet mif nat 2>/dev/null) || return 1
	grep -q -- "$1" <<<"$out"
}
snat_ready() { nat_has "snat ip6 to $AC" && nat_has "snat ip6 to $AD" &&
	steer | jq -e '.snat_sources >= 2' >/dev/null; }
world_wait_for "each PvD's own source in the nat chain" 15 snat_ready
world_log "C=$C ($AC) D=$D ($AD); nat chain:
$(world_exec h nft list chain inet mif nat)"

printf 'hosts: dns\n' >"$WORLD_TMP/nsswitch.conf"
printf 'nameserver %s\noptions timeout:2 attempts:1\n' "$DNS_STUB_ADDR" >"$WORLD_TMP/stub-resolv.conf"
plain() {   # nc ARGS... in h, the stub as its only name server
	world_exec h unshare --mount sh -c '
		mount --bind "$1" /etc/nsswitch.conf && mount --bind "$2" /etc/resolv.conf &&
		shift 2 && exec "$@"' sh "$WORLD_TMP/nsswitch.conf" "$WORLD_TMP/stub-resolv.conf" \
		timeout 8 nc -6 -w 3 "$@" </dev/null 2>&1 || true
}
# The unmarked route to D's server is C's default with C's source: the
# flow starts with the wrong source, which only the SNAT corrects.
src=$(world_exec h ip -6 route get 2001:db8:c:1::1 | grep -o 'src [0-9a-f:]*' || true)
[ "$src" = "src $AC" ] || world_fail "unmarked route to sD: '$src', want C's source $AC"
world_log "ok: unmarked, h would reach sD's address from C's source ($src)"
d0c=$(drops rc) d0d=$(drops rd)

# 1 and 2: five new flows to each PvD's server.
N=5
for i in $(seq 1 "$N"); do
	got=$(plain svc.d.example 8080)
	[ "$got" = "svcD $AD" ] ||
		world_fail "run $i: nc svc.d.example -> '$got', want 'svcD $AD' (D's source); $(steer)"
	got=$(plain -s "$AD" svc.c.example 8080)
	[ "$got" = "svcC $AC" ] ||
		world_fail "run $i: nc -s $AD svc.c.example -> '$got', want 'svcC $AC' (C's source)"
done
world_log "ok: $N flows steered to D reached sD from $AD, $N bound to D's address and steered to C reached sC from $AC"
dc=$(($(drops rc) - d0c)) dd=$(($(drops rd) - d0d))
[ "$dc" = 0 ] && [ "$dd" = 0 ] || world_fail "ingress filters dropped packets: rC $dc, rD $dd"
world_log "ok: neither router's ingress filter dropped a packet"

# 3. D's address is deprecated: the SNAT source follows D's other prefix.
world_ra_send rd -i eth0 --lifetime 1800 --pref low --prefix 2001:db8:d::/64,preferred=0 \
	--prefix 2001:db8:d:2::/64 --rdnss 2001:db8:d::53 --dnssl d.example
new_addr() { [ -n "$(addr_of 2001:db8:d:2:)" ]; }
world_wait_for "h's address in D's second prefix" 15 new_addr
AD2=$(addr_of 2001:db8:d:2:)
moved() { nat_has "snat ip6 to $AD2" && ! nat_has "snat ip6 to $AD"; }
world_wait_for "D's SNAT source moved to $AD2 (the first deprecated)" 15 moved
got=$(plain svc.d.example 8080)
[ "$got" = "svcD $AD2" ] || world_fail "after deprecation: '$got', want 'svcD $AD2'"
world_log "ok: $AD deprecated: the steered flow reached sD from $AD2"
# The first comes back preferred, the second goes: D's source is the first.
world_ra_send rd -i eth0 --lifetime 1800 --pref low --prefix 2001:db8:d::/64 \
	--rdnss 2001:db8:d::53 --dnssl d.example
world_exec h ip -6 addr del "$AD2/64" dev eth0
back() { nat_has "snat ip6 to $AD" && ! nat_has "snat ip6 to $AD2"; }
world_wait_for "D's SNAT source back to $AD once $AD2 is gone" 15 back
got=$(plain svc.d.example 8080)
[ "$got" = "svcD $AD" ] || world_fail "after $AD2 went: '$got', want 'svcD $AD'"
world_log "ok: $AD2 deleted: the steered flow reached sD from $AD"
steer | jq -e '.snat_sources == 2 and .counters.chain_failed == 0' >/dev/null ||
	world_fail "steer show: $(steer | jq -c '{snat_sources, counters}')"
world_ctl steer show | grep -q 'SNATed to: 2$' || world_fail "mifctl steer show: no SNAT line"
world_pass
