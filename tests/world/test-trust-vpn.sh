#!/bin/bash
# SPDX-License-Identifier: MIT
#
# An untrusted hotspot against a VPN (issue 14's attack; RFC 7556 section 7,
# RFC 6731 section 4.3): the hotspot's DHCPv4 lists the VPN's domain in its
# search list (option 119: vpn.example, and a longer one under it) and its
# classless routes (option 121) claim 10.0.0.0/8, a longer 10.1.0.0/16,
# and the whole IPv4 space as two /1s; its DNS server answers the VPN's
# names with its own address. The VPN is a configured PvD (mifctl pvd add:
# trusted).
#   - split tunnel (the VPN routes 10.0.0.0/8, domain vpn.example): the
#     VPN's names go to the VPN's server only, with the reason naming the
#     ignored claim; the hotspot's server never sees them; traffic to
#     10.1.2.3 leaves by the tunnel (captured there, not on the hotspot's
#     link), although the hotspot's 10.1.0.0/16 is longer; other traffic
#     follows the hotspot's routes;
#   - full tunnel (the VPN adds 0.0.0.0/0): traffic to an Internet address
#     leaves by the tunnel, although the hotspot's two /1 routes are longer.
#
#   r1 (hotspot: DHCPv4 192.168.50.0/24, DNS 192.168.50.1) -- h:wlan0
#   h:tun0 (10.8.0.2) -- vpnend (10.8.0.1: the VPN's DNS server; captures)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/dns.sh"

world_init
world_require jq dnsmasq dig tcpdump
world_router r1
world_sysctl r1 net.ipv4.ip_forward=1
world_host h
world_host vpnend
world_link r1 eth0 h wlan0
world_link h tun0 vpnend eth0
H=$(world_ns h)
ip -n "$(world_ns r1)" addr add 192.168.50.1/24 dev eth0
ip -n "$H" addr add 10.8.0.2/24 dev tun0
ip -n "$(world_ns vpnend)" addr add 10.8.0.1/24 dev eth0
# The hotspot: DHCP with the attack in options 119 and 121, and a DNS
# server that answers the VPN's names (and everything) with itself.
mif_dnsmasq r1 hotspot "interface=eth0
bind-interfaces
port=53
listen-address=192.168.50.1
no-resolv
log-queries
address=/#/192.168.50.1
dhcp-range=192.168.50.100,192.168.50.150,255.255.255.0,10m
dhcp-option=option:router,192.168.50.1
dhcp-option=option:dns-server,192.168.50.1
dhcp-option=option:domain-search,vpn.example,eng.vpn.example
dhcp-option=121,10.0.0.0/8,192.168.50.1,10.1.0.0/16,192.168.50.1,0.0.0.0/1,192.168.50.1,128.0.0.0/1,192.168.50.1,0.0.0.0/0,192.168.50.1"
# The VPN's server.
dns_dnsmasq vpnend vpn 10.8.0.1 "$(dns_auth_lines 10.8.0.1 vpn.example)
host-record=db.eng.vpn.example,10.9.9.9"

world_mifd h --dhcp4 wlan0
mif_expect "the hotspot's lease, with its domains and routes" 20 \
	'length == 1 and .[0].dhcpv4.state == "bound"'
world_ctl pvd add vpn --interface tun0 --dns 10.8.0.1 --domain vpn.example \
	--route 10.0.0.0/8,via=10.8.0.1 >/dev/null
ip -n "$H" neigh replace 10.8.0.1 lladdr "$(ip -n "$(world_ns vpnend)" -j link show eth0 |
	jq -r '.[0].address')" dev tun0 nud permanent
ip -n "$(world_ns vpnend)" neigh replace 10.8.0.2 lladdr "$(ip -n "$H" -j link show tun0 |
	jq -r '.[0].address')" dev eth0 nud permanent
mif_expect "two PvDs: the hotspot's and the VPN" 10 'length == 2'
HOT=$(mif_pvds | jq -r '.[] | select(.interfaces == ["wlan0"]) | .id')
json=$(mif_pvds)
printf '%s' "$json" | world_jq --arg h "$HOT" '.[] | select(.id == $h) |
	(.dns.search | any(.domain == "vpn.example")) and (.routes | length) >= 4' >/dev/null ||
	world_fail "the hotspot's options 119 and 121 did not arrive as its domains and routes"

# Captures of the probes (UDP port 9) on both wires.
cap_start() {   # NS IF NAME
	world_bg "$1" "cap9-$3" tcpdump -n -U --immediate-mode -Z root -i "$2" \
		-w "$WORLD_TMP/cap9-$3.pcap" 'udp port 9'
	echo "$WORLD_LAST_PID" >"$WORLD_TMP/cap9-$3.pid"
	world_wait_for "tcpdump $3 listening" 5 grep -q "listening on" "$WORLD_TMP/cap9-$3.log"
}
cap_count() {   # NAME DEST: packets to DEST port 9 in capture NAME
	sleep 0.3
	kill -INT "$(cat "$WORLD_TMP/cap9-$1.pid")" 2>/dev/null || true
	world_wait_for "tcpdump $1 stopped" 5 bash -c "! kill -0 $(cat "$WORLD_TMP/cap9-$1.pid") 2>/dev/null"
	tcpdump -n -r "$WORLD_TMP/cap9-$1.pcap" 2>/dev/null | grep -c "> ${2//./\\.}\.9:" || true
}
dns_capture_start r1 eth0 hotdns
cap_start r1 eth0 hot
cap_start vpnend eth0 tun
hot_asked() { grep -c 'query\[.*vpn\.example' "$WORLD_TMP/dnsmasq-hotspot.log" || true; }
n0=$(hot_asked)

# 1. Names: the VPN's, even under the hotspot's longer eng.vpn.example.
out=$(world_ctl --json dns which db.eng.vpn.example)
printf '%s' "$out" | world_jq '.pvds[0].pvd == "vpn" and (.pvds | length) == 1
	and (.why | test("untrusted PvD.s claim on it is ignored"))' >/dev/null
world_log "ok - dns which: $(printf '%s' "$out" | jq -c '{pvd: .pvds[0].pvd, why}')"
out=$(world_ctl --json resolve db.eng.vpn.example --type A)
printf '%s' "$out" | world_jq '.pvd == "vpn" and ([.answers[].data] == ["10.9.9.9"])' >/dev/null
got=$(world_exec h dig @127.0.0.153 +short +tries=1 +time=3 db.eng.vpn.example A)
[ "$got" = 10.9.9.9 ] || world_fail "dig at the stub: '$got', want the VPN's 10.9.9.9"
[ "$(hot_asked)" = "$n0" ] ||
	world_fail "the hotspot's server was asked for the VPN's names"
leaks=$(dns_capture_count hotdns 'vpn\.example')
[ "$leaks" = 0 ] || world_fail "$leaks packets about vpn.example on the hotspot's wire"
world_log "ok - the VPN's names: the VPN's server only; none on the hotspot's wire"

# 2. Routes: 10.1.2.3 by the tunnel, though the hotspot's 10.1.0.0/16 is longer.
rg() { world_ctl --json route get "$1" | jq -r '.pvd'; }
[ "$(rg 10.1.2.3)" = vpn ] || world_fail "route get 10.1.2.3: $(world_ctl route get 10.1.2.3)"
[ "$(rg 198.51.100.7)" = "$HOT" ] || world_fail "route get 198.51.100.7: $(world_ctl route get 198.51.100.7)"
send() { world_exec h bash -c "echo probe >/dev/udp/$1/9" 2>/dev/null || true; }
for _ in 1 2 3; do send 10.1.2.3; send 198.51.100.7; done
in_tun=$(cap_count tun 10.1.2.3)
in_hot=$(cap_count hot 10.1.2.3)
[ "$in_tun" -ge 1 ] && [ "$in_hot" = 0 ] ||
	world_fail "10.1.2.3: $in_tun packets in the tunnel, $in_hot on the hotspot's link"
[ "$(cap_count hot 198.51.100.7)" -ge 1 ] ||
	world_fail "198.51.100.7 did not follow the hotspot's routes (split tunnel)"
world_log "ok - split tunnel: 10.1.2.3 in the tunnel only; the rest by the hotspot"

# 3. Full tunnel: the hotspot's two /1 routes do not take traffic around it.
world_ctl pvd set vpn --route 10.0.0.0/8,via=10.8.0.1 --route 0.0.0.0/0,via=10.8.0.1 >/dev/null
full() { [ "$(rg 198.51.100.7)" = vpn ]; }
world_wait_for "198.51.100.7 by the full tunnel" 5 full
cap_start r1 eth0 hot2
cap_start vpnend eth0 tun2
for _ in 1 2 3; do send 198.51.100.7; done
in_tun=$(cap_count tun2 198.51.100.7)
in_hot=$(cap_count hot2 198.51.100.7)
[ "$in_tun" -ge 1 ] && [ "$in_hot" = 0 ] ||
	world_fail "full tunnel: $in_tun packets in the tunnel, $in_hot on the hotspot's link"
world_log "ok - full tunnel: the hotspot's /1 routes are not used"
world_pass
