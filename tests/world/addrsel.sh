# shellcheck shell=bash
# SPDX-License-Identifier: MIT
#
# tests/world/addrsel.sh: a network that sends an RFC 7078 address
# selection table (DHCPv6 option 84, dnsmasq), shared by
# tests/world/test-addrlabel.sh and tests/scenarios/scn-4.3-1.sh (source
# lib.sh and mif.sh first; the host namespace "h" must exist).

# addrsel_net R HOST_IF S NAME GLOBAL ULA SRVNET OPT84 [RADVD_EXTRA]:
# router R on the host's HOST_IF, advertising GLOBAL::/64 and ULA::/64
# (radvd, O=1, plus RADVD_EXTRA lines inside the interface block), and
# answering DHCPv6 information requests with option 84 = OPT84 (hex bytes,
# colon separated: flags then the option 85 rows, RFC 7078 section 3);
# behind it, on SRVNET::/64, server S (SRVNET::1) runs whoami "NAME" on TCP
# port 8080. Example: addrsel_net r1 eth0 s srv 2001:db8:1 fd00:1
# 2001:db8:99 "00:..." "AdvDefaultPreference high;".
addrsel_net() {
	local r=$1 hif=$2 s=$3 name=$4 g=$5 u=$6 srv=$7 opt=$8 extra=${9:-}
	world_router "$r"
	world_host "$s"
	world_link "$r" eth0 h "$hif"
	world_link "$r" eth1 "$s" eth0
	world_addr "$r" eth0 "$g::1/64"
	world_addr "$r" eth0 "$u::1/64"
	world_addr "$r" eth1 "$srv::fe/64"
	world_addr "$s" eth0 "$srv::1/64"
	ip -n "$(world_ns "$s")" -6 route add default via "$srv::fe"
	world_bg "$s" "whoami-$name" "$MIF_WHOAMI" -n "$name" -p 8080 -6
	world_radvd "$r" "interface eth0 { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
	AdvOtherConfigFlag on; $extra
	prefix $g::/64 { AdvOnLink on; AdvAutonomous on; };
	prefix $u::/64 { AdvOnLink on; AdvAutonomous on; }; };"
	mif_dnsmasq "$r" "v6-$r" "interface=eth0
bind-interfaces
dhcp-range=::,static
dhcp-option=option6:dns-server,[$g::53]
dhcp-option=option6:84,$opt"
}
