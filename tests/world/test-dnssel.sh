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
# Within a network, a server named for a domain is asked first for names
# under it, the network's other servers for the rest (RFC 6731 section
# 4.1); between networks claiming the same domain, the higher preference
# (prf) wins although the other is the default (checked in each server's
# query log and by the answer, which differs per server).
#
#   r1 -- h:eth0   wired, the default: DHCPv4 10.1.0.0/24, DNS 10.1.0.53,
#                  option 146: shared.example -> 10.1.0.53 (preference low)
#   r2 -- h:wlan0  DHCPv4 10.2.0.0/24, DNS 10.2.0.53 then 10.2.0.54,
#                  domain name wl.example, option 146: intra.example,
#                  corp.example, shared.example -> 10.2.0.54 (the SECOND
#                  server; preference high);
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
world_addr r2 eth0 10.2.0.54/24
world_addr r2 eth0 2001:db8:2::1/64
world_addr r2 eth0 2001:db8:2::53/64

dns_dnsmasq r1 one 10.1.0.53 "$(dns_auth_lines 10.1.0.53 example.net shared.example)
host-record=www.example.net,192.0.2.1
host-record=a.shared.example,192.0.2.11"
# wlan0's first server knows corp.example too, with another answer: it
# must not be asked for it.
dns_dnsmasq r2 two 10.2.0.53 "$(dns_auth_lines 10.2.0.53 wl.example corp.example example.net)
host-record=y.wl.example,10.2.0.98
host-record=x.corp.example,10.2.0.96
host-record=www.example.net,192.0.2.2"
dns_dnsmasq r2 two2 10.2.0.54 "$(dns_auth_lines 10.2.0.54 intra.example corp.example shared.example)
host-record=host.intra.example,10.2.0.99
host-record=x.corp.example,10.2.0.95
host-record=a.shared.example,192.0.2.22"
dns_dnsmasq r2 two6 2001:db8:2::53 "$(dns_auth_lines 2001:db8:2::53 lab.example)
host-record=box.lab.example,2001:db8:2::99"

# RFC 6731 4.3: flags (prf 01: high), primary, secondary, domains in wire form.
hexname() { local l out=""; for l in ${1//./ }; do out+=$(printf '%02x' "${#l}"); out+=$(printf '%s' "$l" | od -An -tx1 | tr -d ' \n'); done; printf '%s00' "$out"; }
colon() { sed 's/../&:/g; s/:$//' <<<"$1"; }
opt146=$(colon "01""0a020036""00000000""$(hexname intra.example)$(hexname corp.example)$(hexname shared.example)")
# prf 11: low.
opt146_1=$(colon "03""0a010035""00000000""$(hexname shared.example)")
# RFC 6731 4.2: server (16 octets), flags, domains.
opt74=$(colon "20010db8000200000000000000000053""01""$(hexname lab.example)")
mif_dnsmasq r1 dhcp1 "interface=eth0
bind-interfaces
dhcp-range=10.1.0.100,10.1.0.150,255.255.255.0,10m
dhcp-option=option:router,10.1.0.1
dhcp-option=option:dns-server,10.1.0.53
dhcp-option=146,$opt146_1"
mif_dnsmasq r2 dhcp2 "interface=eth0
bind-interfaces
dhcp-range=10.2.0.100,10.2.0.150,255.255.255.0,10m
dhcp-range=::,constructor:eth0,ra-stateless
dhcp-option=option:router,10.2.0.1
dhcp-option=option:dns-server,10.2.0.53,10.2.0.54
dhcp-option=option:domain-name,wl.example
dhcp-option=146,$opt146
dhcp-option=option6:74,$opt74"
world_radvd r2 "interface eth0 { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
	AdvOtherConfigFlag on; AdvDefaultLifetime 0;
	prefix 2001:db8:2::/64 { AdvOnLink on; AdvAutonomous on; }; };"

world_mifd h --dhcp4 eth0 --dhcp4 wlan0
mif_expect "two networks; wlan0's with the RFC 6731 domains" 30 \
	'length == 2 and all(.[]; .dhcpv4.state == "bound")
	 and any(.[]; .interfaces == ["wlan0"] and (.dns.search | any(.domain == "intra.example"))
	         and (.dns.search | any(.domain == "lab.example"))
	         and any(.addresses[]; (.address | startswith("2001:db8:2:")) and .state == "preferred"))'
W=$(mif_pvds | jq -r '.[] | select(.interfaces == ["wlan0"]) | .id')
E=$(mif_pvds | jq -r '.[] | select(.interfaces == ["eth0"]) | .id')
default_is() { mif_status | jq -e --arg p "$1" '.routing.default_pvd.ipv4 == $p' >/dev/null; }
world_wait_for "the wired network is the IPv4 default" 10 default_is "$E"
world_log "eth0: $E (default), wlan0: $W; $(mif_pvds | jq -c --arg w "$W" '.[] | select(.id == $w) | .dns')"

which() { world_ctl --json dns which "$1" | jq -r '.pvds[0].pvd'; }
[ "$(which host.intra.example)" = "$W" ] || world_fail "host.intra.example: $(world_ctl dns which host.intra.example)"
[ "$(which box.lab.example)" = "$W" ] || world_fail "box.lab.example: $(world_ctl dns which box.lab.example)"
# The stub learns the default from the engine's next view: wait for it.
general_on_default() { [ "$(which www.example.net)" = "$E" ]; }
world_wait_for "general names on the default ($E)" 10 general_on_default
# A name under wlan0's domain from option 15 (no RFC 6731 server named
# for it), asked before any server's RTT is known (afterwards the RTT rank
# decides among them): the servers in their configured order, so
# 10.2.0.53 (2001:db8:2::53, first, refuses: it serves lab.example only).
got=$(world_exec h dig @127.0.0.153 +short +tries=1 +time=3 y.wl.example A)
[ "$got" = 10.2.0.98 ] || world_fail "dig y.wl.example A: '$got', want the first server's 10.2.0.98"
[ "$(dns_count_queries two2 'y\.wl\.example')" = 0 ] || world_fail "the named server was asked for wl.example"
got=$(world_exec h dig @127.0.0.153 +short +tries=1 +time=3 host.intra.example A)
[ "$got" = 10.2.0.99 ] || world_fail "dig host.intra.example A: '$got', want wlan0's 10.2.0.99"
got=$(world_exec h dig @127.0.0.153 +short +tries=1 +time=3 box.lab.example AAAA)
[ "$got" = 2001:db8:2::99 ] || world_fail "dig box.lab.example AAAA: '$got'"
# General names: the default's server. Its first query waits one initial
# RTO (1 s) and then twice that before the stub fails over to the next
# PvD (counted in .stub.fallbacks), which a loaded machine once reached
# (wlan0's 192.0.2.2 came back): a query that failed over is asked again,
# up to three times; a wrong choice without a failover fails at once.
fallbacks() { world_ctl --json dns | jq '.stub.fallbacks'; }
for _ in 1 2 3; do
	fb0=$(fallbacks)
	got=$(world_exec h dig @127.0.0.153 +short +tries=1 +time=5 www.example.net A)
	[ "$got" != 192.0.2.1 ] && [ "$(fallbacks)" -gt "$fb0" ] || break
	world_log "www.example.net: '$got' after a failover from the default's server; again"
done
[ "$got" = 192.0.2.1 ] || world_fail "dig www.example.net A: '$got', want the default's 192.0.2.1"
[ "$(dns_count_queries one 'intra\.example|lab\.example')" = 0 ] ||
	world_fail "the default network's server was asked for the RFC 6731 domains"
world_log "ok - option 146 and option 74 domains answered by wlan0's servers; general names by the default"

# Within wlan0's PvD: corp.example goes to the server option 146 named
# (10.2.0.54, second in option 6), never to the others.
named_ok() { mif_pvds | jq -e --arg w "$W" '.[] | select(.id == $w) | .dns.search |
	any(.domain == "corp.example" and .rfc6731.servers == ["10.2.0.54"] and
	    .rfc6731.preference == "high")' >/dev/null; }
world_wait_for "corp.example named for 10.2.0.54 in wlan0's PvD" 10 named_ok
world_ctl pvd show "$W" | grep -q "rfc 6731: corp.example -> 10.2.0.54 (preference high)" ||
	world_fail "mifctl pvd show: no RFC 6731 line: $(world_ctl pvd show "$W")"
for i in 1 2 3; do
	got=$(world_exec h dig @127.0.0.153 +short +tries=1 +time=3 x.corp.example A)
	[ "$got" = 10.2.0.95 ] || world_fail "dig x.corp.example A: '$got', want the named server's 10.2.0.95"
	world_ctl dns flush >/dev/null     # the next one goes to a server again
done
[ "$(dns_count_queries two 'x\.corp\.example')" = 0 ] ||
	world_fail "wlan0's first server (10.2.0.53) was asked for corp.example: $(grep corp "$WORLD_TMP/dns-two.log" | head -n 3)"
[ "$(dns_count_queries two2 'x\.corp\.example')" -ge 1 ] || world_fail "the named server saw no query for x.corp.example"
world_log "ok - x.corp.example: $(dns_count_queries two2 'x\.corp\.example') queries at 10.2.0.54, 0 at 10.2.0.53; y.wl.example went to 10.2.0.53, not 10.2.0.54"

# Between networks: both claim shared.example; wlan0's option says high,
# the default network's low: wlan0 first.
shared_w() { [ "$(which a.shared.example)" = "$W" ]; }
world_wait_for "shared.example: the higher preference (wlan0) first" 10 shared_w
world_log "$(world_ctl dns which a.shared.example | head -n 3 | tr '\n' '|')"
got=$(world_exec h dig @127.0.0.153 +short +tries=1 +time=3 a.shared.example A)
[ "$got" = 192.0.2.22 ] || world_fail "dig a.shared.example A: '$got', want wlan0's 192.0.2.22"
[ "$(dns_count_queries one 'a\.shared\.example')" = 0 ] ||
	world_fail "the default network (preference low) was asked for shared.example"
world_log "ok - shared.example: the network with preference high answered, not the default with low"
world_pass
