#!/bin/bash
# SPDX-License-Identifier: MIT
#
# RFC 8801 section 3.4.2: DHCPv4 data belongs to the one explicit PvD on the
# interface whose PvD option has the L flag; with none, to every implicit
# PvD of the interface; with several (a misconfiguration), to no explicit
# PvD but the implicit ones. The data follows the RAs as they change.
#
#   r1 (dnsmasq DHCPv4 10.3.0.0/24; RAs: implicit, corp L=1, lab) -- h:eth0
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq dnsmasq
world_router r1
world_host h
world_link r1 eth0 h eth0
world_addr r1 eth0 10.3.0.1/24
world_lla h eth0 >/dev/null
mif_dnsmasq r1 v4 "interface=eth0
bind-interfaces
dhcp-range=10.3.0.100,10.3.0.150,255.255.255.0,2m
dhcp-option=option:router,10.3.0.1
dhcp-option=option:dns-server,10.3.0.53"
world_mifd h --dhcp4 eth0
lla=$(world_lla r1 eth0)

ra_plain() { world_ra_send r1 -i eth0 --lifetime 600 --prefix 2001:db8:3::/64; }
ra_pvd() {   # NAME SEQ FLAGS PREFIX
	world_ra_send r1 -i eth0 --lifetime 600 --pvd "$1,seq=$2$3" --prefix "$4" --end-pvd
}
ra_plain
ra_pvd corp.example.com 1 ,l 2001:db8:c::/64
IMP="(.[] | select(.id == \"$lla%eth0\"))"
CORP='(.[] | select(.id == "corp.example.com"))'
LAB='(.[] | select(.id == "lab.example.com"))'
has_v4() { echo "($1 | [.dns.servers[].address] | index(\"10.3.0.53\") != null) and ($1 | .dhcpv4.state == \"bound\")"; }
no_v4() { echo "($1 | [.dns.servers[].address] | index(\"10.3.0.53\") == null) and ($1 | .dhcpv4 == null)"; }

mif_expect "L=1: DHCPv4 data in corp.example.com only" 15 \
	"length == 2 and $(has_v4 "$CORP") and $(no_v4 "$IMP")
	 and ($CORP | [.prefixes[].prefix] | sort) == [\"10.3.0.0/24\", \"2001:db8:c::/64\"]"
world_log "ok: L=1 -> the explicit PvD"

ra_pvd corp.example.com 2 "" 2001:db8:c::/64
mif_expect "L=0: the data moves to the implicit PvD" 5 "$(has_v4 "$IMP") and $(no_v4 "$CORP")"
world_log "ok: L cleared -> the implicit PvD"

ra_pvd corp.example.com 3 ,l 2001:db8:c::/64
ra_pvd lab.example.com 1 ,l 2001:db8:d::/64
mif_expect "two PvDs with L=1: misconfiguration, the implicit PvD keeps it" 5 \
	"length == 3 and $(has_v4 "$IMP") and $(no_v4 "$CORP") and $(no_v4 "$LAB")"
grep -q "explicit PvDs claim DHCPv4" "$WORLD_TMP/mifd.log" || world_fail "misconfiguration not logged"
world_log "ok: several L=1 -> implicit PvDs, logged"
world_pass
