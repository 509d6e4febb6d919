#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Problem statement 4.1, case 1: the private zone's server S1 sits behind
# network N1's router, N1 offers no default route (only an RFC 4191 route
# to its data centre), the default route is N2's. The stack routes the
# query for S1 through I2 and never reaches S1.
#
#   s1 (2001:db8:99::53 DNS corp.example, 2001:db8:99::1 whoami "intranet")
#    |
#   r1 -- h:eth0   N1 corp: 2001:db8:1::/64, router lifetime 0,
#                  route 2001:db8:99::/64, RDNSS 2001:db8:99::53, DNSSL corp.example
#   r2 -- h:wlan0  N2 home: 2001:db8:2::/64, default router,
#                  RDNSS 2001:db8:2::53 (zone "example": corp.example does not exist)
# Measured both times: what getent ahosts intranet.corp.example gives, which
# server logged the query and from which source, DNS packets about
# corp.example on every link, whether TCP to intranet reaches it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

scn_init 4.1-1 4.1 "DNS case 1: private server reachable only through its network's router"
world_require dig dnsmasq radvd nc
world_router r1
world_router r2
world_host h
world_host s1
world_link r1 eth0 h eth0
world_link r2 eth0 h wlan0
world_link r1 eth1 s1 eth0
world_addr r1 eth0 2001:db8:1::1/64
world_addr r2 eth0 2001:db8:2::1/64
world_addr r2 eth0 2001:db8:2::53/64
world_addr r1 eth1 2001:db8:99::fe/64
world_addr s1 eth0 2001:db8:99::53/64
world_addr s1 eth0 2001:db8:99::1/64
ip -n "$(world_ns s1)" -6 route add default via 2001:db8:99::fe
world_bg s1 whoami-intranet "$MIF_WHOAMI" -n intranet -p 8080
dns_dnsmasq s1 corp 2001:db8:99::53 "$(dns_auth_lines 2001:db8:99::53 corp.example)
host-record=intranet.corp.example,2001:db8:99::1"
dns_dnsmasq r2 home 2001:db8:2::53 "$(dns_auth_lines 2001:db8:2::53 example)
host-record=nas.home.example,2001:db8:2::20"
LINKS=(n1:r1:eth0 n2:r2:eth0 dc:r1:eth1)
NAME=intranet.corp.example

# ---- plain host ----
scn_plain_start h
scn_plain_rdnssd
world_radvd r1 "interface eth0 { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
	AdvDefaultLifetime 0; prefix 2001:db8:1::/64 { AdvOnLink on; AdvAutonomous on; };
	route 2001:db8:99::/64 { AdvRouteLifetime 600; };
	RDNSS 2001:db8:99::53 { AdvRDNSSLifetime 600; }; DNSSL corp.example { AdvDNSSLLifetime 600; }; };"
world_radvd r2 "interface eth0 { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
	AdvDefaultLifetime 600; prefix 2001:db8:2::/64 { AdvOnLink on; AdvAutonomous on; };
	RDNSS 2001:db8:2::53 { AdvRDNSSLifetime 600; }; DNSSL home.example { AdvDNSSLLifetime 600; }; };"
scn_wait_addr h eth0 2001:db8:1:
scn_wait_addr h wlan0 2001:db8:2:
scn_wait_plain_resolv "rdnssd and openresolv wrote both servers" 20 \
	'nameserver 2001:db8:99::53' 'nameserver 2001:db8:2::53'
plain_resolv=$(scn_plain_resolv | grep -E '^(nameserver|search)' | tr '\n' ';')
plain_route=$(world_exec h ip -6 route get 2001:db8:99::53 | grep -o 'dev [a-z0-9]*' || echo "no route")
SCN_CAP_FILTER="port 53" scn_caps_start plain "${LINKS[@]}"
c0=$(dns_count_queries corp "$NAME")
h0=$(dns_count_queries home "$NAME")
p_ans=$(scn_lookup "$NAME")
# What the resolver does when it picks S1 (the first of resolv.conf or after
# the other failed): the query goes where the routing table says.
p_direct=$(scn_plain dig +tries=1 +time=2 @2001:db8:99::53 "$NAME" AAAA 2>&1 |
	sed -n 's/.*status: \([A-Z]*\),.*/\1/p;s/.*\(timed out\|no servers could be reached\|unreachable\).*/\1/p' |
	head -n 1) || true
p_tcp=$(scn_tcp_whoami 2001:db8:99::1)
p_caps=$(scn_caps_count plain 'corp\.example' "${LINKS[@]}")
p_s1=$(scn_dns_seen corp "$NAME" "$c0")
p_s2=$(scn_dns_seen home "$NAME" "$h0")
world_log "plain: resolv.conf $plain_resolv; route to S1: $plain_route; getent: '$p_ans';" \
	"dig @S1: $p_direct; S1 saw from '$p_s1', S2 from '$p_s2'; packets $p_caps; tcp: $p_tcp"

# ---- mifd ----
scn_plain_stop_tools
dns_mifd h
mif_expect "two PvDs with a global address each" 20 \
	'length == 2 and all(.[]; any(.addresses[]; (.address | startswith("2001:db8:")) and .state == "preferred"))'
scn_plain_use_mif
SCN_CAP_FILTER="port 53" scn_caps_start mif "${LINKS[@]}"
c0=$(dns_count_queries corp "$NAME")
h0=$(dns_count_queries home "$NAME")
m_ans=$(scn_lookup "$NAME")
m_tcp=$(scn_tcp_whoami 2001:db8:99::1)
m_caps=$(scn_caps_count mif 'corp\.example' "${LINKS[@]}")
m_s1=$(scn_dns_seen corp "$NAME" "$c0")
m_s2=$(scn_dns_seen home "$NAME" "$h0")
world_log "mif: getent: '$m_ans'; S1 saw from '$m_s1', S2 from '$m_s2'; packets $m_caps; tcp: $m_tcp"

data=$(jq -cn --arg pr "$plain_resolv" --arg prt "$plain_route" --arg pa "$p_ans" --arg pd "$p_direct" \
	--arg pt "$p_tcp" --argjson pc "$p_caps" --arg ps1 "$p_s1" --arg ps2 "$p_s2" \
	--arg ma "$m_ans" --arg mt "$m_tcp" --argjson mc "$m_caps" --arg ms1 "$m_s1" --arg ms2 "$m_s2" \
	'{name: "'"$NAME"'", plain: {resolv_conf: $pr, route_to_s1: $prt, answer: $pa, direct_query_to_s1: $pd,
	  tcp_intranet: $pt, corp_packets_per_link: $pc, s1_saw_from: $ps1, s2_saw_from: $ps2},
	  mif: {answer: $ma, tcp_intranet: $mt, corp_packets_per_link: $mc, s1_saw_from: $ms1, s2_saw_from: $ms2}}')
plain_failed=0 mif_fixed=0
[ -z "$p_ans" ] && [ "$p_direct" != NOERROR ] && plain_failed=1
[ "$m_ans" = 2001:db8:99::1 ] && [[ "$m_s1" == 2001:db8:1:* ]] && [ -z "$m_s2" ] &&
	[ "$(jq '.n2' <<<"$m_caps")" = 0 ] && mif_fixed=1
scn_verdict "$plain_failed" "$mif_fixed" \
	"not resolved: route to S1 $plain_route (default via N2), dig @S1: ${p_direct:-no answer}; S2 asked (from ${p_s2:-nobody}); $(jq '.n2' <<<"$p_caps") corp.example packets on N2's wire" \
	"resolved $m_ans by S1 (query from $m_s1 via N1's table); 0 corp.example packets on N2's wire; TCP: $m_tcp" \
	"the stub sends each PvD's queries from that PvD's address, so the RFC 8028 rule routes them through N1's own table and its RFC 4191 route" \
	"$data"
