#!/bin/bash
# SPDX-License-Identifier: MIT
#
# DNR from DHCP (RFC 9463 sections 5.1 and 5.2), issue 19 item 1: dnsmasq
# hands out an encrypted resolver in DHCPv4 option 162 (with the lease)
# and in DHCPv6 option 144 (stateless, with the information refresh
# time); mifd asks for both (PRL, ORO), keeps each in its network's PvD
# for as long as the rest of that information, and shows where it came
# from in `mifctl dns` and `mifctl pvd`.
#
#   r1 (dnsmasq DHCPv4, 10.1.0.1/24)                  -- h:eth0
#   r2 (radvd O=1, dnsmasq DHCPv6 stateless)          -- h:eth1
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq dnsmasq radvd
world_router r1
world_router r2
world_host h
world_link r1 eth0 h eth0
world_link r2 eth0 h eth1
world_addr r1 eth0 10.1.0.1/24
world_addr r2 eth0 2001:db8:2::1/64

hex() { sed 's/../&:/g; s/:$//' <<<"$1"; }
ADN=03646e73076578616d706c65036e657400          # dns.example.net
DOT=0001000403646f74                              # alpn=dot
# Option 162: one instance of 33 octets: priority 1, the ADN, 10.1.0.53.
V4=0021000111${ADN}040a010035${DOT}
# Option 144: priority 1, the ADN, 2001:db8:2::853.
V6=00010011${ADN}001020010db8000200000000000000000853${DOT}

mif_dnsmasq r1 v4 "interface=eth0
bind-interfaces
dhcp-authoritative
dhcp-range=10.1.0.100,10.1.0.150,255.255.255.0,2m
dhcp-option=option:router,10.1.0.1
dhcp-option=option:dns-server,10.1.0.53
dhcp-option=162,$(hex "$V4")"
world_radvd r2 "interface eth0 { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
	AdvOtherConfigFlag on; prefix 2001:db8:2::/64 { AdvOnLink on; AdvAutonomous on; }; };"
mif_dnsmasq r2 v6 "interface=eth0
bind-interfaces
dhcp-range=::,static
dhcp-option=option6:dns-server,[2001:db8:2::53]
dhcp-option=option6:information-refresh-time,900
dhcp-option=option6:144,$(hex "$V6")"
world_mifd h --dhcp4 eth0

enc() { mif_pvds | jq -c "[.[] | select(.interfaces == [\"$1\"]) | .dns.encrypted[]?]"; }
both() { [ "$(enc eth0 | jq length)" = 1 ] && [ "$(enc eth1 | jq length)" = 1 ]; }
world_wait_for "encrypted resolvers from DHCPv4 and DHCPv6" 20 both
e4=$(enc eth0)
printf '%s' "$e4" | world_jq '.[0] | .adn == "dns.example.net" and .priority == 1 and
	.addresses == ["10.1.0.53"] and .alpn == "dot" and .source == "dhcpv4" and
	.lifetime == 120 and .expires_in <= 120' >/dev/null || world_fail "from DHCPv4: $e4"
e6=$(enc eth1)
printf '%s' "$e6" | world_jq '.[0] | .adn == "dns.example.net" and
	.addresses == ["2001:db8:2::853"] and .alpn == "dot" and .source == "dhcpv6" and
	.lifetime == 900' >/dev/null || world_fail "from DHCPv6: $e6"
txt=$(world_ctl dns)
grep -q "encrypted resolver dns.example.net: .* addresses 10.1.0.53; from dhcpv4, lifetime 120 s" <<<"$txt" &&
	grep -q "encrypted resolver dns.example.net: .* addresses 2001:db8:2::853; from dhcpv6, lifetime 900 s" <<<"$txt" ||
	world_fail "mifctl dns: $txt"
world_log "ok: DHCPv4 option 162 -> $e4"
world_log "ok: DHCPv6 option 144 -> $e6"
world_assert "mifd still runs" world__alive "$WORLD_MIFD_PID"
world_pass
