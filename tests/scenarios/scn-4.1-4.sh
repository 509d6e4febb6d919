#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Problem statement 4.1, case 4: a name resolves to an RFC 1918 address,
# and both networks use RFC 1918 addresses that overlap; the traffic goes
# out of the wrong interface, to the wrong node.
#
#   s1 (10.99.0.1, whoami "intranet") -- r1 -- h:eth0  N1 corp, DHCPv4
#        192.168.1.0/24, DNS 192.168.1.53 (intranet.corp.example A 10.99.0.1),
#        classless static route 10.0.0.0/8 via r1 (option 121)
#   r2 -- h:wlan0  N2 home, DHCPv4 10.99.0.0/24 (the same private range),
#        DNS 10.99.0.254; a home device at 10.99.0.1 (whoami "home-device")
# Measured both times: the address the name resolves to (through the host's
# resolver, or S1 asked directly when the resolver asked the other server
# first), which node a TCP connection to it reaches and from which source.
# DNS packets about corp.example on every link. With mif, also an
# application written for libmif (examples/pvd-fetch)
# that resolves the name in N1's PvD and connects through that PvD.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

scn_init 4.1-4 4.1 "DNS case 4: a private address that both networks use"
world_require dig dnsmasq nc dhclient
[ -x "${PVD_FETCH:-}" ] || world_fail "PVD_FETCH is not set"
world_router r1
world_router r2
world_host h
world_host s1
world_sysctl r1 net.ipv4.ip_forward=1
world_link r1 eth0 h eth0
world_link r2 eth0 h wlan0
world_link r1 eth1 s1 eth0
R1=$(world_ns r1) R2=$(world_ns r2) S1=$(world_ns s1)
ip -n "$R1" addr add 192.168.1.1/24 dev eth0
ip -n "$R1" addr add 192.168.1.53/24 dev eth0
ip -n "$R1" addr add 10.99.0.254/24 dev eth1
ip -n "$S1" addr add 10.99.0.1/24 dev eth0
ip -n "$S1" route add default via 10.99.0.254
ip -n "$R2" addr add 10.99.0.254/24 dev eth0
ip -n "$R2" addr add 10.99.0.1/24 dev eth0
world_bg s1 whoami-intranet "$MIF_WHOAMI" -n intranet -p 8080 -4
world_bg r2 whoami-home "$MIF_WHOAMI" -n home-device -p 8080 -4
dns_dnsmasq r1 s1 192.168.1.53 "$(dns_auth_lines 192.168.1.53 corp.example,10.0.0.0/8,192.168.1.0/24)
host-record=intranet.corp.example,10.99.0.1"
dns_dnsmasq r2 s2 10.99.0.254 "$(dns_auth_lines 10.99.0.254 example,10.0.0.0/8)
host-record=printer.home.example,10.99.0.50"
mif_dnsmasq r1 dhcp1 "interface=eth0
bind-interfaces
dhcp-range=192.168.1.100,192.168.1.150,255.255.255.0,10m
dhcp-option=option:router,192.168.1.1
dhcp-option=option:classless-static-route,10.0.0.0/8,192.168.1.1,0.0.0.0/0,192.168.1.1
dhcp-option=option:dns-server,192.168.1.53
dhcp-option=option:domain-search,corp.example"
mif_dnsmasq r2 dhcp2 "interface=eth0
bind-interfaces
dhcp-range=10.99.0.100,10.99.0.150,255.255.255.0,10m
dhcp-option=option:router,10.99.0.254
dhcp-option=option:dns-server,10.99.0.254
dhcp-option=option:domain-search,home.example"
NAME=intranet.corp.example
LINKS=(n1:r1:eth0 n2:r2:eth0 dc:r1:eth1)
ZONE_RE='corp\.example\. '

# ---- plain host ----
scn_plain_start h
scn_plain_dhclient eth0
scn_plain_dhclient wlan0
scn_wait_plain_resolv "dhclient and openresolv wrote both servers" 30 \
	'nameserver 192.168.1.53' 'nameserver 10.99.0.254'
SCN_CAP_FILTER="port 53" scn_caps_start plain "${LINKS[@]}"
p_resolv=$(scn_plain_resolv | grep -E '^(nameserver|search)' | tr '\n' ';')
p_routes=$(world_exec h ip -4 route show | tr '\n' ';')
p_ans=$(scn_lookup "$NAME")
p_how="the host's resolver"
if [ -z "$p_ans" ]; then
	p_ans=$(world_exec h dig +short +tries=1 +time=2 @192.168.1.53 "$NAME" A || true)
	p_how="S1 asked directly (the resolver asked the other server first: NXDOMAIN)"
fi
p_tcp=$(scn_tcp_whoami "${p_ans%% *}")
p_route=$(world_exec h ip route get "${p_ans%% *}" | head -n 1)
p_caps=$(scn_caps_count plain "$ZONE_RE" "${LINKS[@]}")
world_log "plain: resolv.conf $p_resolv; routes $p_routes; $NAME -> '$p_ans' ($p_how); route $p_route; tcp: $p_tcp"

# ---- mifd ----
scn_plain_stop_tools
world_mifd h -c "$(dns_mifd_conf "")" --dhcp4 eth0 --dhcp4 wlan0
dns_wait_stub h
mif_expect "both networks bound" 30 'length == 2 and all(.[]; .dhcpv4.state == "bound")'
scn_plain_use_mif
CORP=$(mif_pvds | jq -r '.[] | select(.interfaces == ["eth0"]) | .id')
SCN_CAP_FILTER="port 53" scn_caps_start mif "${LINKS[@]}"
m_ans=$(scn_lookup "$NAME")
m_tcp=$(scn_tcp_whoami "${m_ans%% *}")
m_fetch=$(world_exec h "$PVD_FETCH" --socket "$WORLD_TMP/mifd.sock" --pvd "$CORP" --port 8080 "$NAME" 2>&1 || true)
world_log "mif: $NAME -> '$m_ans'; unmodified tcp: $m_tcp; pvd-fetch --pvd $CORP: $m_fetch"
m_caps=$(scn_caps_count mif "$ZONE_RE" "${LINKS[@]}")
m_reached=$(sed -n 's/^fetch [^ ]* [^ ]* [0-9]*: //p' <<<"$m_fetch" | head -n 1)

data=$(jq -cn --arg pr "$p_resolv" --arg prt "$p_routes" --arg pa "$p_ans" --arg ph "$p_how" \
	--arg pt "$p_tcp" --arg pro "$p_route" --arg ma "$m_ans" --arg mt "$m_tcp" --arg mf "$m_fetch" \
	--arg corp "$CORP" --argjson pc "$p_caps" --argjson mc "$m_caps" \
	'{plain: {resolv_conf: $pr, routes: $prt, answer: $pa, answer_from: $ph,
	  route: $pro, tcp_reached: $pt, corp_zone_packets: $pc}, mif: {answer: $ma,
	  unmodified_tcp_reached: $mt, pvd: $corp, pvd_fetch: $mf, corp_zone_packets: $mc}}')
pf=0 mf=0
[[ "$p_tcp" != intranet* ]] && pf=1
[[ "$m_reached" == intranet\ 192.168.1.* ]] && [ "$(jq .n2 <<<"$m_caps")" = 0 ] && mf=1
scn_verdict "$pf" "$mf" \
	"$NAME -> ${p_ans:-nothing} ($p_how); TCP went $(grep -o 'dev [a-z0-9]*' <<<"$p_route") and reached ${p_tcp%% *}; $(jq .n2 <<<"$p_caps") corp.example packets on N2's wire" \
	"a libmif application resolving in N1's PvD reached ${m_reached:-nothing}; an unmodified one still reaches ${m_tcp%% *} (on-link 10.99.0.0/24 of N2); $(jq .n2 <<<"$m_caps") corp.example packets on N2's wire" \
	"an application that resolves a name in a PvD (libmif) connects through that PvD's interface and source; unmodified programs need mifctl run --pvd (no automatic binding of answers to PvDs yet)" \
	"$data"
