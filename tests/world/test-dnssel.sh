#!/bin/bash
# SPDX-License-Identifier: MIT
#
# RFC 6731 steers real queries (issue 14): a network's DHCPv4 option 146
# and DHCPv6 option 74 name domains its resolver knows best; mifd makes
# them that PvD's domains, so names under them go to that network's
# server, although another network is the default and its server knows
# nothing of them. dnsmasq serves both options (as raw bytes: it has no
# name for them).
#
#   r1 -- h:eth0   wired, the default: DHCPv4 10.1.0.0/24, DNS 10.1.0.53
#   r2 -- h:wlan0  DHCPv4 10.2.0.0/24, DNS 10.2.0.53, option 146:
#                  intra.example -> 10.2.0.53 (preference high);
#                  RA (O flag, no default router: the wired network is
#                  the default for names) 2001:db8:2::/64 and stateless
#                  DHCPv6 with option 74: lab.example -> 2001:db8:2::53
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/dns.sh"

world_init
world_require jq dnsmasq radvd dig
world_router r1
world_router r2
world_host h
world_link r1 eth0 h eth0
world_link r2 eth0 h wlan0
world_addr r1 eth0 10.1.0.1/24
world_addr r1 eth0 10.1.0.53/24
world_addr r2 eth0 10.2.0.1/24
world_addr r2 eth0 10.2.0.53/24
world_addr r2 eth0 2001:db8:2::1/64
world_addr r2 eth0 2001:db8:2::53/64

dns_dnsmasq r1 one 10.1.0.53 "$(dns_auth_lines 10.1.0.53 example.net)
host-record=www.example.net,192.0.2.1"
dns_dnsmasq r2 two 10.2.0.53 "$(dns_auth_lines 10.2.0.53 intra.example example.net)
host-record=host.intra.example,10.2.0.99
host-record=www.example.net,192.0.2.2"
dns_dnsmasq r2 two6 2001:db8:2::53 "$(dns_auth_lines 2001:db8:2::53 lab.example)
host-record=box.lab.example,2001:db8:2::99"

# RFC 6731 4.3: flags (prf 01: high), primary, secondary, domains in wire form.
hexname() { local l out=""; for l in ${1//./ }; do out+=$(printf '%02x' "${#l}"); out+=$(printf '%s' "$l" | od -An -tx1 | tr -d ' \n'); done; printf '%s00' "$out"; }
colon() { sed 's/../&:/g; s/:$//' <<<"$1"; }
opt146=$(colon "01""0a020035""00000000""$(hexname intra.example)")
# RFC 6731 4.2: server (16 octets), flags, domains.
opt74=$(colon "20010db8000200000000000000000053""01""$(hexname lab.example)")
mif_dnsmasq r1 dhcp1 "interface=eth0
bind-interfaces
dhcp-range=10.1.0.100,10.1.0.150,255.255.255.0,10m
dhcp-option=option:router,10.1.0.1
dhcp-option=option:dns-server,10.1.0.53"
mif_dnsmasq r2 dhcp2 "interface=eth0
bind-interfaces
dhcp-range=10.2.0.100,10.2.0.150,255.255.255.0,10m
dhcp-range=::,constructor:eth0,ra-stateless
dhcp-option=option:router,10.2.0.1
dhcp-option=option:dns-server,10.2.0.53
dhcp-option=146,$opt146
dhcp-option=option6:74,$opt74"
world_radvd r2 "interface eth0 { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
	AdvOtherConfigFlag on; AdvDefaultLifetime 0;
	prefix 2001:db8:2::/64 { AdvOnLink on; AdvAutonomous on; }; };"

world_mifd h --dhcp4 eth0 --dhcp4 wlan0
mif_expect "two networks; wlan0's with the RFC 6731 domains" 30 \
	'length == 2 and all(.[]; .dhcpv4.state == "bound")
	 and any(.[]; .interfaces == ["wlan0"] and (.dns.search | any(.domain == "intra.example"))
	         and (.dns.search | any(.domain == "lab.example")))'
W=$(mif_pvds | jq -r '.[] | select(.interfaces == ["wlan0"]) | .id')
E=$(mif_pvds | jq -r '.[] | select(.interfaces == ["eth0"]) | .id')
default_is() { mif_status | jq -e --arg p "$1" '.routing.default_pvd.ipv4 == $p' >/dev/null; }
world_wait_for "the wired network is the IPv4 default" 10 default_is "$E"
world_log "eth0: $E (default), wlan0: $W; $(mif_pvds | jq -c --arg w "$W" '.[] | select(.id == $w) | .dns')"

which() { world_ctl --json dns which "$1" | jq -r '.pvds[0].pvd'; }
[ "$(which host.intra.example)" = "$W" ] || world_fail "host.intra.example: $(world_ctl dns which host.intra.example)"
[ "$(which box.lab.example)" = "$W" ] || world_fail "box.lab.example: $(world_ctl dns which box.lab.example)"
[ "$(which www.example.net)" = "$E" ] || world_fail "a general name left the default"
got=$(world_exec h dig @127.0.0.153 +short +tries=1 +time=3 host.intra.example A)
[ "$got" = 10.2.0.99 ] || world_fail "dig host.intra.example A: '$got', want wlan0's 10.2.0.99"
got=$(world_exec h dig @127.0.0.153 +short +tries=1 +time=3 box.lab.example AAAA)
[ "$got" = 2001:db8:2::99 ] || world_fail "dig box.lab.example AAAA: '$got'"
got=$(world_exec h dig @127.0.0.153 +short +tries=1 +time=3 www.example.net A)
[ "$got" = 192.0.2.1 ] || world_fail "dig www.example.net A: '$got', want the default's 192.0.2.1"
[ "$(dns_count_queries one 'intra\.example|lab\.example')" = 0 ] ||
	world_fail "the default network's server was asked for the RFC 6731 domains"
world_log "ok - option 146 and option 74 domains answered by wlan0's servers; general names by the default"
world_pass
