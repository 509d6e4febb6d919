#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Lifetimes and link state (RFC 4861 6.3.4, RFC 8106 5.1, RFC 4191):
#  1. short lifetimes expire one by one, then the PvD disappears;
#  2. a zero router lifetime withdraws the router, and an RA withdrawing
#     everything (router lifetime 0 and zero option lifetimes, what a router
#     leaving the network sends) removes the PvD at once;
#  3. carrier loss removes the PvD and the addresses mifd formed for it;
#     when the link returns and the router speaks again, the PvD comes back
#     with a new handle.
#
#   r1 -- h:eth0    r2 -- h:eth1    r3 -- h:eth2
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq
for r in r1 r2 r3; do world_router "$r"; done
world_host h
world_link r1 eth0 h eth0
world_link r2 eth0 h eth1
world_link r3 eth0 h eth2
for i in eth0 eth1 eth2; do world_lla h "$i" >/dev/null; done
world_mifd h

E0=$(mif_pvd_on eth0)
E1=$(mif_pvd_on eth1)
E2=$(mif_pvd_on eth2)

# 1. Short lifetimes.
world_ra_send r1 -i eth0 --lifetime 6 --prefix 2001:db8:1::/64,valid=9,preferred=4 \
	--rdnss 2001:db8:1::53,lifetime=3 --dnssl short.example,lifetime=3
mif_expect "PvD on eth0 with DNS" 5 \
	"($E0 | length) == 1 and ($E0[0].dns.servers | length) == 1
	 and $E0[0].routers[0].expires_in <= 6"
mif_expect "DNS server and search domain expire first (3 s)" 8 \
	"$E0[0] | (.dns.servers | length) == 0 and (.dns.search | length) == 0
	 and (.routers | length) == 1 and (.prefixes | length) == 1"
mif_expect "router expires (6 s), prefix still valid" 8 \
	"$E0[0] | (.routers | length) == 0 and (.prefixes | length) == 1"
mif_expect "prefix expires (9 s): the PvD is gone" 8 "($E0 | length) == 0"

# 2. Zero router lifetime.
world_ra_send r2 -i eth0 --lifetime 1800 --prefix 2001:db8:2::/64,valid=3600,preferred=1800 \
	--rdnss 2001:db8:2::53,lifetime=600
mif_expect "PvD on eth1" 5 "($E1 | length) == 1 and ($E1[0].routers | length) == 1"
world_ra_send r2 -i eth0 --lifetime 0
mif_expect "router lifetime 0: no longer a default router, prefix and DNS stay" 5 \
	"$E1[0] | (.routers | length) == 0 and (.prefixes | length) == 1
	 and (.dns.servers | length) == 1"
world_ra_send r2 -i eth0 --lifetime 0 --prefix 2001:db8:2::/64,valid=0,preferred=0 \
	--rdnss 2001:db8:2::53,lifetime=0
mif_expect "everything withdrawn: the PvD is removed" 3 "($E1 | length) == 0"

# 3. Carrier loss, then return.
send_r3() {
	world_ra_send r3 -i eth0 --lifetime 1800 --pvd link.example,seq=1 \
		--prefix 2001:db8:3::/64 --rdnss 2001:db8:3::53 --end-pvd
}
send_r3
mif_expect "explicit PvD on eth2 with a mifd address" 10 \
	"($E2 | length) == 1 and ($E2[0].addresses | any(.origin == \"mifd\"))"
h1=$(mif_pvds | jq "$E2[0].handle")
ip -n "$(world_ns r3)" link set eth0 down      # h:eth2 loses its carrier
mif_expect "carrier loss removes the PvD" 3 "($E2 | length) == 0 and length == 0"
has_no_addr() {
	local a
	a=$(ip -n "$(world_ns h)" -6 -o addr show dev eth2)
	! grep -q " 2001:db8:3:" <<<"$a"
}
world_wait_for "mifd removed its address on the dead link" 3 has_no_addr
ip -n "$(world_ns r3)" link set eth0 up
world_lla r3 eth0 >/dev/null
world_lla h eth2 >/dev/null
send_r3
mif_expect "PvD back after the link returns, with a new handle" 10 \
	"($E2 | length) == 1 and $E2[0].handle != $h1 and $E2[0].id == \"link.example\""
world_pass
