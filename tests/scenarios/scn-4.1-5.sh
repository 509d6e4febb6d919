#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Problem statement 4.1, case 5: an answer (or an NXDOMAIN) valid only on
# N1 is used after N1 is gone. The failure lives in a cache that outlives
# the network; glibc keeps none, so the plain host here is a Debian host
# with a node-wide caching resolver: dnsmasq on 127.0.0.1, fed by
# openresolv (its resolv_conf is dnsmasq's resolv-file; /etc/resolv.conf
# names 127.0.0.1), as NetworkManager's dnsmasq plugin or a local unbound
# sets a host up.
#
#   r1 -- h:eth0   N1: 2001:db8:1::/64 by RA, RDNSS S1 2001:db8:1::53:
#                  www.example AAAA 2001:db8:1::80 (whoami "n1" on r1,
#                  reachable only through N1); new.example NXDOMAIN
#   r2 -- h:wlan0  N2: 2001:db8:2::/64 by RA, RDNSS S2 2001:db8:2::53:
#                  www.example AAAA 2001:db8:2::80 (whoami "n2" on r2),
#                  new.example AAAA 2001:db8:2::81
# Each phase: only N1 is up (N2's link down); both names are looked up;
# N2 comes up, then N1's link goes down. Measured: what the host's resolver
# gives for both names, whether a TCP connection to www.example's answer
# reaches a node (and which), and which servers were asked after N1 left.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

scn_init 4.1-5 4.1 "DNS case 5: an answer or NXDOMAIN from N1 used after N1 is gone"
world_require radvd nc dnsmasq rdnssd
world_router r1
world_router r2
world_host h
world_link r1 eth0 h eth0
world_link r2 eth0 h wlan0
# The routers' links go down and up below: keep their static addresses.
world_sysctl r1 net.ipv6.conf.eth0.keep_addr_on_down=1
world_sysctl r2 net.ipv6.conf.eth0.keep_addr_on_down=1
world_addr r1 eth0 2001:db8:1::1/64
world_addr r1 eth0 2001:db8:1::53/64
world_addr r1 eth0 2001:db8:1::80/64
world_addr r2 eth0 2001:db8:2::1/64
world_addr r2 eth0 2001:db8:2::53/64
world_addr r2 eth0 2001:db8:2::80/64
world_addr r2 eth0 2001:db8:2::81/64
world_bg r1 whoami-n1 "$MIF_WHOAMI" -n n1 -p 8080
world_bg r2 whoami-n2 "$MIF_WHOAMI" -n n2 -p 8080
dns_dnsmasq r1 s1 2001:db8:1::53 "$(dns_auth_lines 2001:db8:1::53 example,2001:db8::/32)
host-record=www.example,2001:db8:1::80"
dns_dnsmasq r2 s2 2001:db8:2::53 "$(dns_auth_lines 2001:db8:2::53 example,2001:db8::/32)
host-record=www.example,2001:db8:2::80
host-record=new.example,2001:db8:2::81"
for r in 1 2; do
	world_radvd "r$r" "interface eth0 { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
		AdvDefaultLifetime 600; prefix 2001:db8:$r::/64 { AdvOnLink on; AdvAutonomous on; };
		RDNSS 2001:db8:$r::53 { AdvRDNSSLifetime 600; }; };"
done
LINKS=(n1:r1:eth0 n2:r2:eth0)

link() {   # ROUTER up|down: the router's side of the host's link
	ip -n "$(world_ns "$1")" link set eth0 "$2"
}
carrier() {   # IF up|down: wait until the host sees it
	world_wait_for "h/$1 $2" 10 sh -c \
		"ip -n $(world_ns h) link show $1 | grep -q $([ "$2" = up ] && echo "'state UP'" || echo NO-CARRIER)"
}
lookups() {   # NAME: "www ADDRS | new ADDRS | reached WHO"
	local w n
	w=$(scn_lookup www.example)
	n=$(scn_lookup new.example)
	jq -cn --arg w "$w" --arg n "$n" --arg t "$(scn_tcp_whoami "${w%% *}" 2>/dev/null || echo none)" \
		'{"www.example": $w, "new.example": (if $n == "" then "not found" else $n end), www_reached: $t}'
}
# measure PHASE: N1 alone, the lookups; N2 up, N1 down; the lookups again
# with the servers' query counts before and after. Every lookup goes
# through the host's resolver (getent, glibc, /etc/resolv.conf).
measure() {
	local before after s1 s2
	link r2 down
	carrier wlan0 down
	scn_wait_addr h eth0 2001:db8:1:
	"$2"
	before=$(lookups)
	link r2 up
	carrier wlan0 up
	scn_wait_addr h wlan0 2001:db8:2:
	"$3"
	link r1 down
	carrier eth0 down
	"$4"
	s1=$(dns_count_queries s1 '.*\.example')
	s2=$(dns_count_queries s2 '.*\.example')
	after=$(lookups)
	sleep 1   # dnsmasq writes its query log asynchronously
	jq -cn --argjson b "$before" --argjson a "$after" \
		--argjson s1 "$(($(dns_count_queries s1 '.*\.example') - s1))" \
		--argjson s2 "$(($(dns_count_queries s2 '.*\.example') - s2))" \
		'{with_n1: $b, after_n1_gone: $a, queries_after: {s1: $s1, s2: $s2}}' >"$WORLD_TMP/$1.json"
}

# The plain host: openresolv writes the servers rdnssd learns into
# dnsmasq's resolv-file; dnsmasq (default cache, re-reads the file when it
# changes, keeps its cache: no clear-on-reload) answers on 127.0.0.1.
scn_plain_start h
scn_plain sh -ec 'printf "resolv_conf=/run/upstream.conf\n" >/etc/resolvconf.conf
	printf "nameserver 127.0.0.1\n" >/etc/resolv.conf'
scn_plain_bg plain-dnsmasq dnsmasq --keep-in-foreground --conf-file=/dev/null --user=root \
	--pid-file --listen-address=127.0.0.1 --bind-interfaces --no-hosts \
	--resolv-file=/run/upstream.conf --log-queries --log-facility=-
SCN_PLAIN_TOOLS+=("$WORLD_LAST_PID")
scn_plain_rdnssd
plain_n1() {
	scn_wait_plain_resolv "dnsmasq's upstream: S1" 30 'nameserver 127\.0\.0\.1'
	world_wait_for "openresolv wrote S1 for dnsmasq" 30 scn_plain grep -q 2001:db8:1::53 /run/upstream.conf
}
plain_n2() {
	world_wait_for "openresolv wrote S2 for dnsmasq" 30 scn_plain grep -q 2001:db8:2::53 /run/upstream.conf
}
plain_gone() { sleep 1; }   # dnsmasq checks its resolv-file at most once a second
measure plain plain_n1 plain_n2 plain_gone
plain=$(cat "$WORLD_TMP/plain.json")
world_log "plain: $plain"

# mif: the plain host's tools go; N1 alone again, then the same steps.
scn_plain_stop_tools
link r1 up
carrier eth0 up
mif_n1() {
	world_mifd h -c "$(dns_mifd_conf "")"
	dns_wait_stub h
	mif_expect "N1's PvD alone" 30 'length == 1 and any(.[0].addresses[]; (.address | startswith("2001:db8:1:")) and .state == "preferred")'
	scn_plain_use_mif
}
mif_n2() {
	mif_expect "two PvDs" 30 'length == 2 and all(.[]; any(.addresses[]; .state == "preferred"))'
}
mif_gone() {
	mif_expect "N1's PvD gone" 30 'length == 1 and any(.[0].addresses[]; (.address | startswith("2001:db8:2:")))'
}
measure mif mif_n1 mif_n2 mif_gone
mif=$(cat "$WORLD_TMP/mif.json")
world_log "mif: $mif"

say() {
	jq -r '"with N1: www.example -> \(.with_n1."www.example") (reached \(.with_n1.www_reached | split(" ")[0])), new.example -> \(.with_n1."new.example"); " +
	 "after N1 left: www.example -> \(.after_n1_gone."www.example") (reached \(.after_n1_gone.www_reached | split(" ")[0])), new.example -> \(.after_n1_gone."new.example"); " +
	 "queries then to S1: \(.queries_after.s1), to S2: \(.queries_after.s2)"' <<<"$1"
}
ok_before() {   # JSON: with N1 alone, N1's answers (the sanity of the world)
	jq -e '(.with_n1."www.example" == "2001:db8:1::80") and (.with_n1.www_reached | startswith("n1 ")) and
	       (.with_n1."new.example" == "not found")' <<<"$1" >/dev/null
}
pf=0 mf=0
ok_before "$plain" || world_fail "the plain host did not get N1's answers while on N1: $plain"
ok_before "$mif" || world_fail "mif did not give N1's answers while on N1: $mif"
# plain fails when either of N1's answers outlived N1
jq -e '(.after_n1_gone."www.example" == "2001:db8:1::80") or (.after_n1_gone."new.example" == "not found")' \
	<<<"$plain" >/dev/null && pf=1
jq -e '(.after_n1_gone."www.example" == "2001:db8:2::80") and (.after_n1_gone.www_reached | startswith("n2 ")) and
       (.after_n1_gone."new.example" == "2001:db8:2::81") and .queries_after.s2 >= 2' <<<"$mif" >/dev/null && mf=1
scn_verdict "$pf" "$mf" "$(say "$plain")" "$(say "$mif")" \
	"each PvD's cache, positive and negative, goes with its PvD: once N1 has left, both names are asked of N2's server" \
	"$(jq -cn --argjson p "$plain" --argjson m "$mif" '{plain: $p, mif: $m}')"
