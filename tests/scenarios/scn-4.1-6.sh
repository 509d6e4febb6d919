#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Problem statement 4.1, case 6: N1 uses a protocol translator and DNS64;
# an AAAA it synthesises is valid only on N1. Used through another network
# (the default route's), the traffic is lost.
#
#   r1 -- h:eth0   N1: 2001:db8:1::/64, router preference low, RDNSS
#                  2001:db8:1::53 (unbound, "dns64 iterator", 64:ff9b::/96,
#                  forwarding to dnsmasq on r1's 127.0.0.1: v4only.n1.example
#                  A 192.0.2.20), DNSSL n1.example, PREF64 64:ff9b::/96 (RFC
#                  8781; sent by mif-ra-send: radvd cannot)
#                  r1 -- s1 (the NAT64 stand-in: 64:ff9b::c000:214, whoami "nat64-n1")
#   r2 -- h:wlan0  N2: 2001:db8:2::/64, default router, preference high,
#                  RDNSS 2001:db8:2::53 (no AAAA for that name)
# Measured both times: the AAAA of v4only.n1.example (the plain host asks
# N1's server directly, as "M1 requests AAAA from a DNS server on a network
# that uses DNS64"; mif through the host's resolver, its stub), which node
# TCP to it reached, packets to 64:ff9b::/96 on each link, DNS packets
# about n1.example on every link.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

scn_init 4.1-6 4.1 "DNS case 6: a DNS64-synthesised address used through another network"
world_require unbound dnsmasq radvd nc dig
world_router r1
world_router r2
world_host h
world_host s1
world_link r1 eth0 h eth0
world_link r2 eth0 h wlan0
world_link r1 eth1 s1 eth0
world_addr r1 eth0 2001:db8:1::1/64
world_addr r1 eth0 2001:db8:1::53/64
world_addr r2 eth0 2001:db8:2::1/64
world_addr r2 eth0 2001:db8:2::53/64
world_addr r1 eth1 2001:db8:64::fe/64
world_addr s1 eth0 2001:db8:64::2/64
world_addr s1 eth0 64:ff9b::c000:214/96
ip -n "$(world_ns s1)" -6 route add default via 2001:db8:64::fe
ip -n "$(world_ns r1)" -6 route add 64:ff9b::/96 via 2001:db8:64::2
world_bg s1 whoami-nat64 "$MIF_WHOAMI" -n nat64-n1 -p 8080
dns_dnsmasq r1 n1-zone 127.0.0.1 "$(dns_auth_lines 127.0.0.1 n1.example,192.0.2.0/24)
host-record=v4only.n1.example,192.0.2.20"
dns_unbound r1 s1 "	interface: 2001:db8:1::53
	access-control: ::/0 allow
	module-config: \"dns64 iterator\"
	dns64-prefix: 64:ff9b::/96
	do-not-query-localhost: no
forward-zone:
	name: \".\"
	forward-addr: 127.0.0.1"
dns_dnsmasq r2 s2 2001:db8:2::53 "$(dns_auth_lines 2001:db8:2::53 example,2001:db8::/32)"
LINKS=(n1:r1:eth0 n2:r2:eth0)
DNS_LINKS=(n1:r1:eth0 n2:r2:eth0 nat:r1:eth1)
NAME=v4only.n1.example
n1_ra() {
	world_ra_send r1 -i eth0 --lifetime 1800 --pref low --prefix 2001:db8:1::/64 \
		--rdnss 2001:db8:1::53 --dnssl n1.example --pref64 64:ff9b::/96
}
scn_plain_start h
scn_plain_rdnssd
world_radvd r2 "interface eth0 { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
	AdvDefaultLifetime 600; AdvDefaultPreference high;
	prefix 2001:db8:2::/64 { AdvOnLink on; AdvAutonomous on; };
	RDNSS 2001:db8:2::53 { AdvRDNSSLifetime 600; }; };"
world_lla h eth0 >/dev/null
n1_ra
scn_wait_addr h eth0 2001:db8:1:
scn_wait_addr h wlan0 2001:db8:2:

measure() {   # PHASE ADDRESS HOW: $WORLD_TMP/PHASE.json
	local t c
	SCN_CAP_FILTER="dst net 64:ff9b::/96" scn_caps_start "$1" "${LINKS[@]}"
	t=$(scn_tcp_whoami "${2:-::1}")
	c=$(scn_caps_count "$1" '64:ff9b::' "${LINKS[@]}")
	jq -cn --arg a "$2" --arg how "$3" --arg t "$t" --argjson c "$c" \
		--argjson z "$(scn_caps_count "$1-dns" 'n1\.example\. ' "${DNS_LINKS[@]}")" \
		--arg r "$(world_exec h ip -6 route get "${2:-::1}" | grep -o 'dev [^ ]*')" \
		'{answer: $a, answer_from: $how, route: $r, tcp_reached: $t, packets_to_nat64: $c,
		  n1_zone_dns_packets: $z}' \
		>"$WORLD_TMP/$1.json"
}
say() {
	jq -r '"AAAA \(.answer) (\(.answer_from)); sent \(.route); TCP reached \(.tcp_reached | split(" ")[0]); packets to 64:ff9b::/96 on N1: \(.packets_to_nat64.n1), on N2: \(.packets_to_nat64.n2); n1.example DNS packets on N2: \(.n1_zone_dns_packets.n2)"' <<<"$1"
}
SCN_CAP_FILTER="port 53" scn_caps_start plain-dns "${DNS_LINKS[@]}"
a=$(world_exec h dig +short +tries=1 +time=2 @2001:db8:1::53 "$NAME" AAAA || true)
measure plain "$a" "N1's DNS64 server"
plain=$(cat "$WORLD_TMP/plain.json")
world_log "plain: $plain"
scn_plain_stop_tools
dns_mifd h
n1_ra
mif_expect "two PvDs, N1 with its PREF64" 20 \
	'length == 2 and any(.[]; .pref64 != null) and all(.[]; any(.addresses[]; .state == "preferred"))'
scn_plain_use_mif
SCN_CAP_FILTER="port 53" scn_caps_start mif-dns "${DNS_LINKS[@]}"
a=$(scn_lookup "$NAME")
measure mif "${a%% *}" "the host's resolver"
mif=$(cat "$WORLD_TMP/mif.json")
world_log "mif: $mif"
pf=0 mf=0
jq -e '(.answer | startswith("64:ff9b::")) and (.tcp_reached | startswith("nat64-n1") | not)' <<<"$plain" >/dev/null && pf=1
jq -e '(.answer | startswith("64:ff9b::")) and (.tcp_reached | startswith("nat64-n1 2001:db8:1:")) and .packets_to_nat64.n2 == 0 and .n1_zone_dns_packets.n2 == 0' <<<"$mif" >/dev/null && mf=1
scn_verdict "$pf" "$mf" "$(say "$plain")" "$(say "$mif")" \
	"the name goes to N1 (its DNSSL domain), the synthesised answer stays in N1's cache, and N1's PREF64 is routed through N1's own table (RFC 8781)" \
	"$(jq -cn --argjson p "$plain" --argjson m "$mif" '{plain: $p, mif: $m}')"
