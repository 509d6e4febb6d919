#!/bin/bash
# SPDX-License-Identifier: MIT
#
# mifd's DHCPv4 client against dnsmasq (RFC 2131): the lease and every
# option mif records (router, subnet, DNS, domain name, domain search,
# classless routes, NTP, MTU, captive portal) land in the PvD of that
# network, tagged "dhcpv4"; a renewal brings changed options in; a NAK
# restarts discovery; a server that goes away lets the lease run out and
# the DHCP part of the PvD goes with it (RFC 8801 3.4.2: no RA here, so the
# network is an IPv4-only implicit PvD keyed by the server). After its
# RFC 5227 probe for the address, mifd announces it (section 2.3: two ARP
# Announcements, sender and target address both the lease, 2 s apart).
#
#   r1 (dnsmasq, 10.1.0.1/24) -- h:eth0 (mifd --dhcp4 eth0)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq dnsmasq tcpdump
world_router r1
world_host h
world_link r1 eth0 h eth0
world_addr r1 eth0 10.1.0.1/24

conf() {   # DNS_SERVERS RANGE_START RANGE_END
	echo "interface=eth0
bind-interfaces
dhcp-authoritative
dhcp-range=10.1.0.$2,10.1.0.$3,255.255.255.0,2m
dhcp-option=option:router,10.1.0.1
dhcp-option=option:dns-server,$1
dhcp-option=option:domain-name,home.example
dhcp-option=option:domain-search,home.example,lan.example
dhcp-option=option:classless-static-route,10.20.0.0/16,10.1.0.254,0.0.0.0/0,10.1.0.1
dhcp-option=option:ntp-server,10.1.0.123
dhcp-option=option:mtu,1450
dhcp-option=114,\"https://portal.home.example/api\"
dhcp-option=option:T1,4
dhcp-option=option:T2,7"
}
mif_dnsmasq r1 srv "$(conf 10.1.0.53,10.1.0.54 100 150)"
srv=$WORLD_LAST_PID
# Every ARP packet on the router's side, with its time.
world_bg r1 arp tcpdump -i eth0 -l -n -tt arp
arp_listening() { grep -q "listening on" "$WORLD_TMP/arp.log"; }
world_wait_for "tcpdump listening" 5 arp_listening
world_mifd h --dhcp4 eth0

mif_expect "a DHCPv4 PvD bound to a lease" 15 \
	'length == 1 and .[0].dhcpv4.state == "bound" and .[0].id == "10.1.0.1%eth0"'
json=$(mif_pvds)
printf '%s' "$json" | world_jq '.[0] | .source == "dhcpv4" and .explicit == false
	and .dhcpv4.server == "10.1.0.1" and .dhcpv4.lease == 120 and .dhcpv4.prefix_length == 24
	and (.dhcpv4.address | test("^10\\.1\\.0\\.1[0-4][0-9]$|^10\\.1\\.0\\.150$"))
	and [.addresses[].address] == [.dhcpv4.address]
	and [.routers[] | {address, source}] == [{"address": "10.1.0.1", "source": "dhcpv4"}]
	and [.prefixes[].prefix] == ["10.1.0.0/24"]
	and [.dns.servers[].address] == ["10.1.0.53", "10.1.0.54"]
	and [.dns.search[].domain] == ["home.example", "lan.example"]
	and [.routes[] | {prefix, router}] == [{"prefix": "10.20.0.0/16", "router": "10.1.0.254"},
	                                       {"prefix": "0.0.0.0/0", "router": "10.1.0.1"}]
	and [.ntp[].address] == ["10.1.0.123"] and .mtu == 1450
	and .captive_portal == "https://portal.home.example/api" and .captive_portal_source == "dhcpv4"
	and all(.dns.servers[]; .source == "dhcpv4" and .lifetime == 120 and .expires_in <= 120)' \
	>/dev/null || world_fail "the DHCPv4 PvD does not hold the lease's data"
addr=$(printf '%s' "$json" | jq -r '.[0].dhcpv4.address')
# RFC 3442: with option 121 present, option 3 is ignored: the only router is
# the default route's gateway, which here equals option 3's anyway; the
# 10.20/16 route's gateway .254 is not a router.
kaddr=$(ip -n "$(world_ns h)" -4 -o addr show dev eth0)
grep -q "inet $addr/24 .*dynamic" <<<"$kaddr" || world_fail "kernel lacks $addr/24 with a lifetime: $kaddr"
world_log "ok: bound to $addr, every option in the PvD"

# RFC 5227: probes (sender 0.0.0.0) first, then two announcements (sender
# and target the address) ANNOUNCE_INTERVAL (2 s) apart.
announced() { [ "$(grep -c "who-has $addr tell $addr," "$WORLD_TMP/arp.log")" -ge 2 ]; }
world_wait_for "two ARP Announcements of $addr" 6 announced
grep -q "who-has $addr tell 0.0.0.0," "$WORLD_TMP/arp.log" ||
	world_fail "no ARP probe for $addr: $(cat "$WORLD_TMP/arp.log")"
gap=$(grep "who-has $addr tell $addr," "$WORLD_TMP/arp.log" | head -n 2 |
	awk 'NR == 1 { t = $1 } NR == 2 { printf "%d", ($1 - t) * 1000 }')
[ "$gap" -ge 1500 ] && [ "$gap" -le 3000 ] ||
	world_fail "announcements $gap ms apart, not about 2 s: $(cat "$WORLD_TMP/arp.log")"
last_probe=$(grep "who-has $addr tell 0.0.0.0," "$WORLD_TMP/arp.log" | tail -n 1 | cut -d' ' -f1)
first_ann=$(grep "who-has $addr tell $addr," "$WORLD_TMP/arp.log" | head -n 1 | cut -d' ' -f1)
awk -v p="$last_probe" -v a="$first_ann" 'BEGIN { exit !(a > p) }' ||
	world_fail "an announcement before the last probe: $(cat "$WORLD_TMP/arp.log")"
world_log "ok: probed, then announced twice, $gap ms apart"

# Renewal (T1 = 4 s) brings a changed option in.
kill "$srv"; world_wait_for "dnsmasq stopped" 5 bash -c "! kill -0 $srv 2>/dev/null"
mif_dnsmasq r1 srv "$(conf 10.1.0.55 100 150)"
srv=$WORLD_LAST_PID
mif_expect "a renewal updated the DNS servers" 15 \
	"[.[0].dns.servers[].address] == [\"10.1.0.55\"] and .[0].dhcpv4.address == \"$addr\""
mif_status | world_jq '.dhcp.dhcpv4[0].renewals >= 1' >/dev/null || world_fail "no renewal counted"

# A NAK (the address left the server's range) restarts discovery.
kill "$srv"; world_wait_for "dnsmasq stopped" 5 bash -c "! kill -0 $srv 2>/dev/null"
rm -f "$WORLD_TMP/dnsmasq-srv.leases"
mif_dnsmasq r1 srv "$(conf 10.1.0.55 200 250)"
srv=$WORLD_LAST_PID
mif_expect "after the NAK, a new lease from the new range" 20 \
	'.[0].dhcpv4.state == "bound" and (.[0].dhcpv4.address | startswith("10.1.0.2"))'
mif_status | world_jq '.dhcp.dhcpv4[0].naks >= 1 and .dhcp.dhcpv4[0].last_nak != ""' >/dev/null ||
	world_fail "NAK not counted"
new=$(mif_pvds | jq -r '.[0].dhcpv4.address')
kaddr=$(ip -n "$(world_ns h)" -4 -o addr show dev eth0)
grep -q "inet $new/" <<<"$kaddr" && ! grep -q "inet $addr/" <<<"$kaddr" ||
	world_fail "kernel addresses after the NAK: $kaddr"
world_log "ok: NAK -> rediscovery: $addr -> $new"

# The server goes away: renew and rebind fail, the 2-minute lease runs out.
kill "$srv"
mif_expect "lease expired: the DHCP PvD is gone" 140 'length == 0'
kaddr=$(ip -n "$(world_ns h)" -4 -o addr show dev eth0)
grep -q "inet " <<<"$kaddr" && world_fail "address left after the lease expired: $kaddr"
mif_status | world_jq '.dhcp.dhcpv4[0].state == "selecting" or .dhcp.dhcpv4[0].state == "init"' \
	>/dev/null || world_fail "client did not go back to discovery"
world_pass
