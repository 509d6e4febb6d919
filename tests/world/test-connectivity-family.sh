#!/bin/bash
# SPDX-License-Identifier: MIT
#
# A network whose IPv6 is broken but whose IPv4 works (the commonest
# dual-stack fault) is not taken for a network without Internet: a check
# over IPv6 that gets no answer is made again over IPv4 (probe_net.c,
# pn_fallback), and the PvD is "partial" with the reason, not
# "no-internet" (before: judged by IPv6 alone). A portal that intercepts
# IPv4 only is seen as a portal. A network whose first DNS server is dead
# but whose second answers is valid (before: the first alone was asked). nginx and dnsmasq; r1 drops forwarded
# IPv6 with nftables to break it.
#
#   i1 (nginx 2001:db8:f1::80, 10.0.1.80) -- r1 -- h:eth0
#        r1: RA 2001:db8:1::/64 with RDNSS 2001:db8:f1::99 (dead),
#            2001:db8:f1::53 and two more dead, DHCPv4 10.1.0.0/24 with
#            DNS 10.0.1.99 (dead)
#            and 10.0.1.53; i1's dnsmasq on both: check.test -> both of
#            i1's addresses
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/tls.sh"

world_init
world_require jq radvd dnsmasq nginx openssl nft
T=$WORLD_TMP
tls_ca
tls_cert check.test check

world_host h
world_router r1
world_host i1
world_sysctl r1 net.ipv4.ip_forward=1
world_link r1 eth0 h eth0
world_link r1 eth1 i1 eth0
world_addr r1 eth0 2001:db8:1::1/64
ip -n "$(world_ns r1)" addr add 10.1.0.1/24 dev eth0
world_addr r1 eth1 2001:db8:f1::1/64
ip -n "$(world_ns r1)" addr add 10.0.1.1/24 dev eth1
world_addr i1 eth0 2001:db8:f1::80/64
ip -n "$(world_ns i1)" addr add 10.0.1.80/24 dev eth0
ip -n "$(world_ns i1)" -6 route add default via 2001:db8:f1::1
ip -n "$(world_ns i1)" route add default via 10.0.1.1

# web V4_HTTP_LOCATION: i1's nginx, 204 everywhere, or over IPv4 HTTP a
# redirect to that location (a portal that intercepts IPv4 only).
web() {
	local v4="return 204;"
	[ -z "$1" ] || v4="return 302 $1;"
	nginx_conf i1 "
	server { listen [::]:80 ipv6only=on; access_log $T/nginx-i1/src.log src;
		location / { return 204; } }
	server { listen 0.0.0.0:80; access_log $T/nginx-i1/src.log src;
		location / { $v4 } }
	server { listen [::]:443 ssl; listen 0.0.0.0:443 ssl; access_log $T/nginx-i1/src.log src;
		ssl_certificate $T/check.pem; ssl_certificate_key $T/check.key;
		location / { return 204; } }"
}
web ""
nginx_start i1 i1

# The network's DNS servers sit behind r1 too (as an ISP's do): broken
# IPv6 takes the IPv6 server with it, and the check made again over IPv4
# must ask the IPv4 one. The first server of each family announced is
# dead (no host has its address): a lookup asks the next one when the
# first is silent for half its time. Four IPv6 servers (two more dead):
# a check takes four servers, at most two of a family while the other
# has some, so that the IPv4 round has its own.
world_addr i1 eth0 2001:db8:f1::53/64
ip -n "$(world_ns i1)" addr add 10.0.1.53/24 dev eth0
mif_dnsmasq i1 dns "port=53
listen-address=2001:db8:f1::53,10.0.1.53
bind-interfaces
no-resolv
host-record=check.test,2001:db8:f1::80,10.0.1.80"
mif_dnsmasq r1 dhcp "interface=eth0
bind-interfaces
dhcp-range=10.1.0.100,10.1.0.150,255.255.255.0,10m
dhcp-option=option:router,10.1.0.1
dhcp-option=option:dns-server,10.0.1.99,10.0.1.53"
world_radvd r1 "interface eth0 { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
	AdvDefaultLifetime 600;
	prefix 2001:db8:1::/64 { AdvOnLink on; AdvAutonomous on; };
	RDNSS 2001:db8:f1::99 2001:db8:f1::53 2001:db8:f1::98 { AdvRDNSSLifetime 600; };
	RDNSS 2001:db8:f1::97 { AdvRDNSSLifetime 600; }; };"

# IPv6 through r1 broken: neither the DNS server nor HTTP answers over it.
v6_broken() {
	world_exec r1 nft -f - <<-NFT || world_fail "nft on r1"
	table ip6 brk { chain c { type filter hook forward priority 0; policy drop; }; }
	NFT
}
v6_fixed() { world_exec r1 nft delete table ip6 brk || world_fail "nft on r1"; }
v6_broken

# A valid PvD is checked again every 10 s (the shortest interval), so
# that step 3's change is seen.
conn_conf "timeout_ms = 1000
interval = 10"
WORLD_CONNECTIVITY=1 world_mifd h --config "$T/mifd.conf" --dhcp4 eth0
conn() { mif_pvds | jq -c '.[0].connectivity'; }
state_is() {   # STATE FAMILY: the PvD's check says STATE, made over FAMILY
	mif_pvds | jq -e --arg s "$1" --arg f "$2" 'length == 1 and
		(.[0].addresses | any(.address | startswith("2001:db8:1:"))) and
		(.[0].addresses | any(.address | startswith("10.1.0."))) and
		.[0].connectivity.state == $s and .[0].connectivity.last.family == $f' >/dev/null
}

# 1. IPv6 broken, IPv4 works: partial, checked over IPv4, IPv6's failure shown.
world_wait_for "partial over IPv4 while IPv6 is broken" 30 state_is partial ipv4
c=$(conn)
jq -e '(.last.ipv6_failed.dns | type == "string" and . != "ok") and
	.last.ipv6_failed.no_answer == true and
	(.why | test("IPv6"))' <<<"$c" >/dev/null ||
	world_fail "the check does not say what IPv6 got: $c"
grep -q '^10\.1\.0\.[0-9]* GET /generate_204 204' "$T/nginx-i1/src.log" ||
	world_fail "no IPv4 probe reached i1: $(tail -n 5 "$T/nginx-i1/src.log")"
world_log "ok: IPv6 broken: $(jq -c '{state, why, family: .last.family, ipv6_failed: .last.ipv6_failed}' <<<"$c")"

# 2. IPv6 repaired: valid again, over IPv6 (a PvD not valid is checked
# again within backoff_max).
v6_fixed
world_wait_for "valid over IPv6 once IPv6 works" 30 state_is valid ipv6
c=$(conn)
# The dead first server was asked, and the second after half of timeout_ms.
jq -e '.last.dns_ms >= 400' <<<"$c" >/dev/null ||
	world_fail "the lookup did not wait for the dead first server: $c"
world_log "ok: IPv6 repaired: $(jq -c '{state, why, family: .last.family, dns_ms: .last.dns_ms}' <<<"$c")"

# 3. A portal that intercepts IPv4 only, IPv6 blocked: a portal.
web "http://portal.test/login"
nginx_reload i1 i1
v6_broken
world_wait_for "a portal on IPv4 only seen as a portal" 30 state_is portal ipv4
c=$(conn)
jq -e '.login_url == "http://portal.test/login"' <<<"$c" >/dev/null ||
	world_fail "the IPv4 portal's login page is not shown: $c"
world_log "ok: IPv4-only portal: $(jq -c '{state, why, login_url, family: .last.family}' <<<"$c")"
world_pass
