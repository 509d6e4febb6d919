#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Address conflict detection (RFC 2131 3.1.5, RFC 5227): dnsmasq (told not
# to ping first) offers an address a squatter already uses; mifd's ARP
# probe hears the squatter, sends DECLINE, waits, and takes the next offer.
#
#   r1 (dnsmasq, pool .100-.101, .100 pinned to h) --\
#   squatter (10.5.0.100)          -- sw(br0) -- h:eth0
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq dnsmasq
world_router r1
world_host squatter
world_host sw
world_host h
world_bridge sw br0
world_link r1 eth0 sw p1
world_link squatter eth0 sw p2
world_link h eth0 sw p3
for p in p1 p2 p3; do world_bridge_port sw br0 "$p"; done
world_addr r1 eth0 10.5.0.1/24
world_addr squatter eth0 10.5.0.100/24
# Pin the taken address to our MAC so the server offers it first.
mac=$(ip -n "$(world_ns h)" -o link show eth0 | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)
mif_dnsmasq r1 v4 "interface=eth0
bind-interfaces
no-ping
dhcp-host=$mac,10.5.0.100
dhcp-range=10.5.0.100,10.5.0.101,255.255.255.0,10m"
world_mifd h --dhcp4 eth0

mif_expect "bound to the free address after declining the taken one" 30 \
	'.[0].dhcpv4.state == "bound" and .[0].dhcpv4.address == "10.5.0.101"'
mif_status | world_jq '.dhcp.dhcpv4[0].declines == 1' >/dev/null || world_fail "no DECLINE counted"
grep -q "DHCPDECLINE(eth0) 10.5.0.100" "$WORLD_TMP/dnsmasq-v4.log" ||
	world_fail "dnsmasq never saw the DECLINE"
grep -q "offered address is in use" "$WORLD_TMP/mifd.log" || world_fail "conflict not logged"
world_log "ok: 10.5.0.100 declined (in use), bound to 10.5.0.101"
world_pass
