# shellcheck shell=bash
# SPDX-License-Identifier: MIT
#
# tests/scenarios/two-nets.sh: the world of the DNS scenarios 4.1 cases 2
# and 3 (source lib.sh first). Two networks, each with a private zone that
# only its own server knows; each server also answers for the parent zone
# "example" (as a server resolving the Internet would), so it has its own
# view of the other network's private names:
#
#   r1 -- h:eth0   N1 corp, IPv6 by RA (radvd): 2001:db8:1::/64,
#                  RDNSS 2001:db8:1::53 (S1 on r1), DNSSL corp.example;
#                  whoami "corp" on r1 (2001:db8:1::80 intranet's web)
#   r2 -- h:wlan0  N2 home, IPv4 by DHCP (dnsmasq): 192.168.2.0/24,
#                  DNS 192.168.2.53 (S2 on r2), domain home.example;
#                  whoami "home" on r2 (192.168.2.20 the NAS)
#
# S1: intranet.corp.example AAAA 2001:db8:1::80, PTR of 2001:db8:1::99
#     (printer.corp.example); S2: nas.home.example A 192.168.2.20, PTR of
#     192.168.2.20. The other's private names, by TWO_NETS_VIEW:
#   nxdomain  each server says NXDOMAIN (it is authoritative for "example"
#             and for the reverse zones of 2001:db8::/32 and 192.168/16);
#   address   each server has its own, different, address for them:
#             S2 intranet.corp.example A 192.168.2.80 (r2), S1
#             nas.home.example AAAA 2001:db8:1::20 (r1).
# The plain host runs rdnssd (N1) and dhclient (N2); openresolv merges.

TWO_NETS_LINKS=(n1:r1:eth0 n2:r2:eth0)
# Packets about N1's private zone (names and reverse names) and N2's, as
# tcpdump prints a question ("AAAA? intranet.corp.example. (39)"): a name
# that only ends in the other zone (glibc's search list appends it) is not.
TWO_NETS_N1_RE='corp\.example\. |9\.9\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.1\.0\.0\.0\.8\.b\.d\.0\.1\.0\.0\.2\.ip6\.arpa\. '
TWO_NETS_N2_RE='home\.example\. |20\.2\.168\.192\.in-addr\.arpa\. '
# Every record lies in these (dnsmasq serves an auth zone's addresses only
# inside its subnets); the reverse zones are those of the subnets.
TWO_NETS_SUBNETS=2001:db8::/32,192.168.0.0/16

two_nets_world() {
	local view=${TWO_NETS_VIEW:-nxdomain} s1_extra="" s2_extra=""
	world_require dig dnsmasq radvd nc dhclient
	world_router r1
	world_router r2
	world_host h
	world_sysctl r2 net.ipv4.ip_forward=1
	world_link r1 eth0 h eth0
	world_link r2 eth0 h wlan0
	world_addr r1 eth0 2001:db8:1::1/64
	world_addr r1 eth0 2001:db8:1::53/64
	world_addr r1 eth0 2001:db8:1::80/64
	world_addr r1 eth0 2001:db8:1::20/64
	ip -n "$(world_ns r2)" addr add 192.168.2.1/24 dev eth0
	ip -n "$(world_ns r2)" addr add 192.168.2.53/24 dev eth0
	ip -n "$(world_ns r2)" addr add 192.168.2.20/24 dev eth0
	ip -n "$(world_ns r2)" addr add 192.168.2.80/24 dev eth0
	world_bg r1 whoami-corp "$MIF_WHOAMI" -n corp -p 8080
	world_bg r2 whoami-home "$MIF_WHOAMI" -n home -p 8080
	if [ "$view" = address ]; then
		s1_extra="host-record=nas.home.example,2001:db8:1::20"
		s2_extra="host-record=intranet.corp.example,192.168.2.80"
	fi
	dns_dnsmasq r1 s1 2001:db8:1::53 "$(dns_auth_lines 2001:db8:1::53 "corp.example,$TWO_NETS_SUBNETS" \
		"example,$TWO_NETS_SUBNETS")
host-record=intranet.corp.example,2001:db8:1::80
host-record=printer.corp.example,2001:db8:1::99
$s1_extra"
	dns_dnsmasq r2 s2 192.168.2.53 "$(dns_auth_lines 192.168.2.53 "home.example,$TWO_NETS_SUBNETS" \
		"example,$TWO_NETS_SUBNETS")
host-record=nas.home.example,192.168.2.20
$s2_extra"
	mif_dnsmasq r2 dhcp "interface=eth0
bind-interfaces
dhcp-range=192.168.2.100,192.168.2.150,255.255.255.0,10m
dhcp-option=option:router,192.168.2.1
dhcp-option=option:dns-server,192.168.2.53
dhcp-option=option:domain-name,home.example
dhcp-option=option:domain-search,home.example"
	scn_plain_start h
	scn_plain_rdnssd
	scn_plain_dhclient wlan0
	world_radvd r1 "interface eth0 { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
		AdvDefaultLifetime 600; prefix 2001:db8:1::/64 { AdvOnLink on; AdvAutonomous on; };
		RDNSS 2001:db8:1::53 { AdvRDNSSLifetime 600; };
		DNSSL corp.example { AdvDNSSLLifetime 600; }; };"
	scn_wait_addr h eth0 2001:db8:1:
	scn_wait_plain_resolv "rdnssd, dhclient and openresolv wrote both servers" 30 \
		'nameserver 2001:db8:1::53' 'nameserver 192.168.2.53'
}

# two_nets_mifd: the plain host's tools go, mifd (its DHCPv4 client on
# wlan0) comes, and the host's resolv.conf points at mifd's stub.
two_nets_mifd() {
	scn_plain_stop_tools
	world_mifd h -c "$(dns_mifd_conf "")" --dhcp4 wlan0
	dns_wait_stub h
	mif_expect "N1 with a global address and N2 bound" 30 \
		'length == 2 and any(.[]; .dhcpv4.state == "bound")
		 and any(.[]; any(.addresses[]; (.address | startswith("2001:db8:1:")) and .state == "preferred"))'
	scn_plain_use_mif
}
