#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Problem statement 4.5: one interface, two provisioning domains (two
# routers on the same link, each with its own prefix, DNS server and
# domain). A service reachable only through router D needs D's DNS server,
# D's router and a source address from D's prefix (D filters the others,
# RFC 3704).
#
#   rC (2001:db8:c::/64, default, preference high, DNS 2001:db8:c::53,
#       zone "example": d.example does not exist) --\
#                                                     sw -- h:eth0
#   rD (2001:db8:d::/64, default, preference low, DNS 2001:db8:d::53 with
#       svc.d.example, DNSSL d.example, route 2001:db8:99::/64) --/
#   rD -- sD (2001:db8:99::1, whoami "svc")
# Measured both times: what svc.d.example resolves to (S_D asked directly
# when the host's resolver fails), which node TCP to it reaches and from
# which source, packets to the service through each router, D's drops.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

scn_init 4.5 4.5 "One interface on two provisioning domains (two routers, two DNS servers)"
world_require radvd nc nft dig dnsmasq
world_host sw
world_host h
world_bridge sw br0
world_link h eth0 sw ph
world_bridge_port sw br0 ph
for x in c d; do
	world_router "r$x"
	world_link "r$x" eth0 sw "p$x"
	world_bridge_port sw br0 "p$x"
	world_addr "r$x" eth0 "2001:db8:$x::1/64"
	world_addr "r$x" eth0 "2001:db8:$x::53/64"
done
world_host sd
world_link rd eth1 sd eth0
world_addr rd eth1 2001:db8:99::fe/64
world_addr sd eth0 2001:db8:99::1/64
ip -n "$(world_ns sd)" -6 route add default via 2001:db8:99::fe
world_bg sd whoami-svc "$MIF_WHOAMI" -n svc -p 8080
scn_ingress_filter rd eth0 2001:db8:d::/64
dns_dnsmasq rc sc 2001:db8:c::53 "$(dns_auth_lines 2001:db8:c::53 example,2001:db8::/32)
host-record=www.c.example,2001:db8:c::80"
dns_dnsmasq rd sd 2001:db8:d::53 "$(dns_auth_lines 2001:db8:d::53 d.example,2001:db8::/32)
host-record=svc.d.example,2001:db8:99::1"
LINKS=(rc:rc:eth0 rd:rd:eth0)
IP1=2001:db8:99::1
scn_plain_start h
scn_plain_rdnssd
world_radvd rc "interface eth0 { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
	AdvDefaultLifetime 600; AdvDefaultPreference high;
	prefix 2001:db8:c::/64 { AdvOnLink on; AdvAutonomous on; };
	RDNSS 2001:db8:c::53 { AdvRDNSSLifetime 600; }; DNSSL c.example { AdvDNSSLLifetime 600; }; };"
world_radvd rd "interface eth0 { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
	AdvDefaultLifetime 600; AdvDefaultPreference low;
	prefix 2001:db8:d::/64 { AdvOnLink on; AdvAutonomous on; };
	route 2001:db8:99::/64 { AdvRouteLifetime 600; };
	RDNSS 2001:db8:d::53 { AdvRDNSSLifetime 600; }; DNSSL d.example { AdvDNSSLLifetime 600; }; };"
scn_wait_addr h eth0 2001:db8:c:
scn_wait_addr h eth0 2001:db8:d:
scn_wait_plain_resolv "rdnssd and openresolv wrote both servers" 20 \
	'nameserver 2001:db8:c::53' 'nameserver 2001:db8:d::53'

measure() {   # PHASE: $WORLD_TMP/PHASE.json
	local a how t c d0
	d0=$(scn_ingress_drops rd)
	SCN_CAP_FILTER="dst host $IP1" scn_caps_start "$1" "${LINKS[@]}"
	a=$(scn_lookup svc.d.example)
	how="the host's resolver"
	if [ -z "$a" ]; then
		a=$(world_exec h dig +short +tries=1 +time=2 @2001:db8:d::53 svc.d.example AAAA || true)
		how="D's server asked directly (the host's resolver got NXDOMAIN)"
	fi
	t=$(scn_tcp_whoami "${a%% *}")
	c=$(scn_caps_count "$1" "$IP1" "${LINKS[@]}")
	jq -cn --arg a "$a" --arg how "$how" --arg t "$t" --argjson c "$c" \
		--argjson d "$(($(scn_ingress_drops rd) - d0))" \
		--arg rc "$(scn_plain_resolv | grep -E '^(nameserver|search)' | tr '\n' ';')" \
		'{resolv_conf: $rc, answer: $a, answer_from: $how, tcp_reached: $t,
		  packets_to_service: $c, dropped_by_rd: $d}' >"$WORLD_TMP/$1.json"
}
say() {
	jq -r '"svc.d.example -> \(if .answer == "" then "nothing" else .answer end) (\(.answer_from)); TCP reached \(.tcp_reached | split(" ")[0])\(if (.tcp_reached | startswith("svc ")) then " from " + (.tcp_reached | split(" ")[1]) else "" end); packets via rC: \(.packets_to_service.rc), via rD: \(.packets_to_service.rd), dropped by rD: \(.dropped_by_rd)"' <<<"$1"
}
measure plain
plain=$(cat "$WORLD_TMP/plain.json")
world_log "plain: $plain"
scn_plain_stop_tools
dns_mifd h
mif_expect "two PvDs on eth0, each with its address" 20 \
	'length == 2 and all(.[]; any(.addresses[]; (.address | startswith("2001:db8:")) and .state == "preferred"))'
scn_plain_use_mif
# The PvDs are there before their routes are: wait until D's route to the
# service is in the kernel with D's source (a loaded machine measured
# before it once, and C's source went out through rD).
d_route() {
	local r
	r=$(world_exec h ip -6 route show table all) || return 1
	grep -Eq "^2001:db8:99::/64 .*src 2001:db8:d:" <<<"$r"
}
world_wait_for "D's route to the service with D's source" 15 d_route
measure mif
mif=$(cat "$WORLD_TMP/mif.json")
world_log "mif: $mif"
pf=0 mf=0
jq -e '.tcp_reached | startswith("svc ") | not' <<<"$plain" >/dev/null && pf=1
jq -e '(.tcp_reached | startswith("svc 2001:db8:d:")) and .answer_from == "the host'"'"'s resolver" and .packets_to_service.rc == 0' <<<"$mif" >/dev/null && mf=1
scn_verdict "$pf" "$mf" "$(say "$plain")" "$(say "$mif")" \
	"each router is its own PvD on the one interface: D's domain goes to D's server, D's route to D's table with D's source" \
	"$(jq -cn --argjson p "$plain" --argjson m "$mif" '{plain: $p, mif: $m}')"
