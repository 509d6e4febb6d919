#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Stateless DHCPv6 (RFC 8415 18.2.6) against dnsmasq: radvd announces the
# network with the O flag; mifd sends an Information-request and files the
# Reply (DNS servers, domain list, NTP, captive portal, RFC 7078 address
# selection policy, refresh time) into that network's PvD, tagged
# "dhcpv6" (RFC 8801 3.4.1: every PvD on the link whose RA had O = 1).
# A second router on another link without the O flag gets no DHCPv6 data.
# When the RA drops the O flag, the DHCPv6 data goes.
#
#   r1 (radvd O=1, dnsmasq DHCPv6 stateless) -- h:eth0
#   r2 (radvd O=0)                            -- h:eth1
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
world_addr r1 eth0 2001:db8:1::1/64

ra_conf() {   # PREFIX OTHER
	echo "interface eth0 { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
		AdvOtherConfigFlag $2; prefix $1 { AdvOnLink on; AdvAutonomous on; }; };"
}
world_radvd r1 "$(ra_conf 2001:db8:1::/64 on)"
radvd1=$WORLD_LAST_PID
world_radvd r2 "$(ra_conf 2001:db8:2::/64 off)"
# Option 84 (RFC 7078): flags P, one option-85 row 2002::/16 precedence 30 label 2.
mif_dnsmasq r1 v6 "interface=eth0
bind-interfaces
dhcp-range=::,static
dhcp-option=option6:dns-server,[2001:db8:1::53],[2001:db8:1::54]
dhcp-option=option6:domain-search,corp.example,eng.corp.example
dhcp-option=option6:ntp-server,[2001:db8:1::123]
dhcp-option=option6:information-refresh-time,900
dhcp-option=option6:103,\"https://portal.corp.example/api\"
dhcp-option=option6:84,01:00:55:00:05:02:1e:10:20:02"
world_mifd h

E0=$(mif_pvd_on eth0)
E1=$(mif_pvd_on eth1)
mif_expect "DHCPv6 data in the O=1 network's PvD" 15 \
	"($E0 | length) == 1 and $E0[0].dhcpv6.state == \"done\"
	 and ($E0[0].dns.servers | length) == 2"
mif_pvds | world_jq "$E0[0] | .flags.other == true
	and [.dns.servers[] | {address, source}] == [{\"address\": \"2001:db8:1::53\", \"source\": \"dhcpv6\"},
	                                            {\"address\": \"2001:db8:1::54\", \"source\": \"dhcpv6\"}]
	and [.dns.search[].domain] == [\"corp.example\", \"eng.corp.example\"]
	and [.ntp[].address] == [\"2001:db8:1::123\"]
	and .captive_portal == \"https://portal.corp.example/api\" and .captive_portal_source == \"dhcpv6\"
	and .dhcpv6.refresh == 900 and .dhcpv6.refresh_in <= 900
	and .dhcpv6.address_selection_policy == {\"automatic\": false, \"privacy\": true,
	    \"rows\": [{\"prefix\": \"2002::/16\", \"precedence\": 30, \"label\": 2}]}
	and all(.dns.servers[]; .lifetime == 900)" >/dev/null ||
	world_fail "the O=1 PvD lacks the DHCPv6 data"
mif_expect "the O=0 network's PvD has none" 5 \
	"($E1 | length) == 1 and $E1[0].dhcpv6 == null and ($E1[0].dns.servers | length) == 0
	 and $E1[0].flags.other == false"
mif_status | world_jq '[.dhcp.dhcpv6[].interface] == ["eth0"] and .dhcp.dhcpv6[0].replies >= 1' \
	>/dev/null || world_fail "a DHCPv6 client runs where it should not"
world_log "ok: DHCPv6 data only in the PvD whose RA asked for it"

# The network stops setting O: the DHCPv6 part of its PvD goes.
kill "$radvd1"
world_wait_for "radvd r1 stopped" 5 bash -c "! kill -0 $radvd1 2>/dev/null"
world_ra_send r1 -i eth0 --lifetime 600 --prefix 2001:db8:1::/64
mif_expect "O flag cleared: no DHCPv6 data left" 15 \
	"$E0[0] | .flags.other == false and .dhcpv6 == null and (.dns.servers | length) == 0
	 and .captive_portal == null and (.ntp | length) == 0"
mif_status | world_jq '.dhcp.dhcpv6 == []' >/dev/null || world_fail "DHCPv6 client still running"
world_pass
