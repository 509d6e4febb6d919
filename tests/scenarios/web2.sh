# shellcheck shell=bash
# SPDX-License-Identifier: MIT
#
# tests/scenarios/web2.sh: the world of the captive-portal and
# connectivity scenarios (source lib.sh and tests/world/tls.sh first).
#
#   r1 -- h:eth0   N1: 2001:db8:1::/64, default, preference high (a plain
#                  host's default), RDNSS 2001:db8:1::53 (S1)
#   r2 -- h:eth1   N2: 2001:db8:2::/64, default, preference medium,
#                  RDNSS 2001:db8:2::53 (S2)
#   r1, r2 -- inet (2001:db8:ff::80, nginx: www.example.net's page, and
#                   204 for connectivity checks, HTTP and HTTPS, test CA)
# WEB2_MODE=portal: N1 is a captive portal: S1 answers every name with
#   2001:db8:1::1, where r1's nginx redirects everything to
#   http://portal.test/login, and r1 forwards nothing to inet until login.
# WEB2_MODE=good: S1 answers as S2 does, r1 forwards (the scenario may
#   then make N1 go silent: web2_blackhole).
# WEB2_V4=1: IPv4 too: N1 and N2 also lease 192.168.1.0/24 and
#   192.168.2.0/24 by DHCPv4 (dnsmasq; the plain host runs dhclient, mifd
#   its own client), inet is also 198.51.100.80.
# S1 and S2 are authoritative for example.net and test (a missing type is
# NODATA, as on the Internet). The plain host runs rdnssd (openresolv
# merges the two servers).

WEB2_LINKS=(n1:r1:eth0 n2:r2:eth0)
WEB2_NETS=2001:db8:ff::/64,198.51.100.0/24
WEB2_ZONES=example.net,$WEB2_NETS

web2_world() {
	local T=$WORLD_TMP
	world_require radvd dnsmasq nginx curl openssl nft dig
	tls_ca
	tls_cert check.test check
	world_router r1
	world_router r2
	world_host h
	world_host inet
	world_link r1 eth0 h eth0
	world_link r2 eth0 h eth1
	world_link r1 eth1 inet eth1
	world_link r2 eth1 inet eth2
	world_addr r1 eth0 2001:db8:1::1/64
	world_addr r1 eth0 2001:db8:1::53/64
	world_addr r2 eth0 2001:db8:2::1/64
	world_addr r2 eth0 2001:db8:2::53/64
	world_addr r1 eth1 2001:db8:f1::1/64
	world_addr r2 eth1 2001:db8:f2::1/64
	world_addr inet eth1 2001:db8:f1::2/64
	world_addr inet eth2 2001:db8:f2::2/64
	world_addr inet lo 2001:db8:ff::80/128
	local I
	I=$(world_ns inet)
	ip -n "$I" -6 route add 2001:db8:1::/64 via 2001:db8:f1::1
	ip -n "$I" -6 route add 2001:db8:2::/64 via 2001:db8:f2::1
	ip -n "$(world_ns r1)" -6 route add 2001:db8:ff::80/128 via 2001:db8:f1::2
	ip -n "$(world_ns r2)" -6 route add 2001:db8:ff::80/128 via 2001:db8:f2::2
	if [ "${WEB2_V4:-0}" = 1 ]; then
		world_sysctl r1 net.ipv4.ip_forward=1
		world_sysctl r2 net.ipv4.ip_forward=1
		ip -n "$(world_ns r1)" addr add 192.168.1.1/24 dev eth0
		ip -n "$(world_ns r2)" addr add 192.168.2.1/24 dev eth0
		ip -n "$(world_ns r1)" addr add 10.1.0.1/24 dev eth1
		ip -n "$(world_ns r2)" addr add 10.2.0.1/24 dev eth1
		ip -n "$I" addr add 10.1.0.2/24 dev eth1
		ip -n "$I" addr add 10.2.0.2/24 dev eth2
		ip -n "$I" addr add 198.51.100.80/32 dev lo
		ip -n "$I" route add 192.168.1.0/24 via 10.1.0.1
		ip -n "$I" route add 192.168.2.0/24 via 10.2.0.1
		ip -n "$(world_ns r1)" route add 198.51.100.80/32 via 10.1.0.2
		ip -n "$(world_ns r2)" route add 198.51.100.80/32 via 10.2.0.2
		local n
		for n in 1 2; do
			mif_dnsmasq "r$n" "dhcp$n" "interface=eth0
bind-interfaces
dhcp-range=192.168.$n.100,192.168.$n.150,255.255.255.0,10m
dhcp-option=option:router,192.168.$n.1
dhcp-option=option:dns-server"
		done
	fi
	nginx_conf inet "
	server { listen 80; listen [::]:80; access_log $T/nginx-inet/src.log src;
		location /generate_204 { return 204; }
		location / { return 200 'www.example.net'; } }
	server { listen 443 ssl; listen [::]:443 ssl; access_log $T/nginx-inet/src.log src;
		ssl_certificate $T/check.pem; ssl_certificate_key $T/check.key;
		location / { return 204; } }"
	nginx_start inet inet
	local records
	records="host-record=check.test,2001:db8:ff::80,198.51.100.80
host-record=www.example.net,2001:db8:ff::80,198.51.100.80"
	dns_dnsmasq r2 s2 2001:db8:2::53 "$(dns_auth_lines 2001:db8:2::53 "$WEB2_ZONES" test,$WEB2_NETS)
$records"
	if [ "${WEB2_MODE:-portal}" = portal ]; then
		tls_self portal.test portal
		nginx_conf portal "
	server { listen [::]:80; access_log $T/nginx-portal/src.log src;
		location /login { return 200 'portal login page'; }
		location / { return 302 http://portal.test/login; } }
	server { listen [::]:443 ssl; access_log $T/nginx-portal/src.log src;
		ssl_certificate $T/portal.pem; ssl_certificate_key $T/portal.key;
		location / { return 302 http://portal.test/login; } }"
		nginx_start portal r1
		dns_dnsmasq r1 s1 2001:db8:1::53 "address=/#/2001:db8:1::1"
		# The portal's firewall: nothing goes through before login.
		world_exec r1 nft -f - <<'NFT' || world_fail "nft on r1"
table inet portal {
	chain forward { type filter hook forward priority 0; iifname "eth0" counter drop; }
}
NFT
	else
		dns_dnsmasq r1 s1 2001:db8:1::53 "$(dns_auth_lines 2001:db8:1::53 "$WEB2_ZONES" test,$WEB2_NETS)
$records"
	fi
	scn_plain_start h
	scn_plain_rdnssd
	if [ "${WEB2_V4:-0}" = 1 ]; then
		scn_plain_dhclient eth0
		scn_plain_dhclient eth1
	fi
	local n pref
	for n in 1 2; do
		pref=medium
		[ "$n" = 1 ] && pref=high
		world_radvd "r$n" "interface eth0 { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
			AdvDefaultLifetime 600; AdvDefaultPreference $pref;
			prefix 2001:db8:$n::/64 { AdvOnLink on; AdvAutonomous on; };
			RDNSS 2001:db8:$n::53 { AdvRDNSSLifetime 600; }; };"
	done
	scn_wait_addr h eth0 2001:db8:1:
	scn_wait_addr h eth1 2001:db8:2:
	scn_wait_plain_resolv "rdnssd and openresolv wrote both servers" 20 \
		'nameserver 2001:db8:1::53' 'nameserver 2001:db8:2::53'
	if [ "${WEB2_V4:-0}" = 1 ]; then
		world_wait_for "both DHCPv4 leases" 30 sh -c "ip -n $(world_ns h) -4 -o addr show |
			grep -q 192.168.1. && ip -n $(world_ns h) -4 -o addr show | grep -q 192.168.2."
	fi
}

# web2_blackhole R: the network of router R (r1 or r2) goes silent: its
# link stays up, nothing passes R's eth0 any more, in either direction (RAs
# included). web2_blackhole_end R: it comes back.
web2_blackhole() {
	world_exec "$1" nft -f - <<'NFT' || world_fail "nft on $1"
table inet blackhole {
	chain input { type filter hook input priority 0; iifname "eth0" drop; }
	chain forward { type filter hook forward priority 0; drop; }
	chain output { type filter hook output priority 0; oifname "eth0" drop; }
}
NFT
}
web2_blackhole_end() {
	world_exec "$1" nft delete table inet blackhole
}

# web2_mifd: the plain host's tools go; mifd with connectivity checks
# against inet (its check.test) comes; the host's resolver is mifd's stub.
web2_mifd() {
	local T=$WORLD_TMP v4=()
	scn_plain_stop_tools
	[ "${WEB2_V4:-0}" = 1 ] && v4=(--dhcp4 eth0 --dhcp4 eth1)
	WORLD_CONNECTIVITY=1 world_mifd h "${v4[@]}" -c "$(dns_mifd_conf "[connectivity]
enabled = yes
http_url = http://check.test/generate_204
https_url = https://check.test/generate_204
ca_file = $T/ca.pem
backoff_max = 2
timeout_ms = 2000")"
	dns_wait_stub h
	scn_plain_use_mif
}

# web2_default6: the PvD mif uses by default for IPv6 (its id).
web2_default6() {
	world_ctl --json status | jq -r '.routing.default_pvd.ipv6 // empty'
}

# web2_portal_mif: mifd in the portal world; waits until N1 is a portal,
# N2 valid and the default; writes $WORLD_TMP/mif.json: the application's
# fetch of http://www.example.net/ through the host's resolver (mifd's
# stub), the source inet's nginx saw, N1's state and login page.
web2_portal_mif() {
	local p1 p2 id2 f src
	web2_mifd
	p1=$(mif_pvd_on eth0) p2=$(mif_pvd_on eth1)
	mif_expect "N1 a portal, N2 valid" 25 \
		"length == 2 and (${p1}[0].connectivity_state == \"portal\") and (${p2}[0].connectivity_state == \"valid\")"
	id2=$(mif_pvds | jq -r "${p2}[0].id")
	world_wait_for "N2 the default" 10 sh -c "[ \"\$1\" = \"\$2\" ]" _ "$id2" "$(web2_default6)"
	: >"$WORLD_TMP/nginx-inet/src.log"
	f=$(scn_fetch http://www.example.net/)
	src=$(awk '$2 == "GET" && $3 == "/" { print $1 }' "$WORLD_TMP/nginx-inet/src.log" | tail -n 1)
	jq -cn --argjson f "$f" --arg src "$src" --argjson p "$(mif_pvds | jq -c "${p1}[0] | {state: .connectivity_state, why: .connectivity.why, login_url: .connectivity.login_url}")" \
		--arg dp "$(web2_default6)" \
		'{fetch: $f, inet_saw_source: $src, n1: $p, default_pvd: $dp}' >"$WORLD_TMP/mif.json"
}

# web2_say_fetch JSON_FETCH: a fetch in words.
web2_say_fetch() {
	jq -r 'if .code == 0 then "no answer (timed out)" elif .code == 302 then "302 to the portal (\(.ip))"
	       else "\(.code) \"\(.body)\" from \(.ip)" end' <<<"$1"
}

# web2_portal_case LABEL ADDR: the two captive-portal rows' common run.
# The plain host asks the server it "kept", LABEL at ADDR, for
# www.example.net and fetches the answer with its routing table (its
# merged resolv.conf's order decides which server that is, so each row
# names one); then mifd in the same world. Solved when the plain fetch
# fails and mif's reaches the real server from N2's source while N1 is
# shown as a portal.
web2_portal_case() {
	local label=$1 addr=$2 a f plain mif pf=0 mf=0
	WEB2_MODE=portal web2_world
	: >"$WORLD_TMP/nginx-inet/src.log"
	a=$(world_exec h dig +short +tries=1 +time=2 "@$addr" www.example.net AAAA || true)
	f=$(scn_fetch http://www.example.net/ --resolve "www.example.net:80:[$a]")
	plain=$(jq -cn --argjson f "$f" --arg a "$a" --arg s "$label" \
		--arg d "$(world_exec h ip -6 route get "${a:-::1}" | grep -o 'dev [^ ]*')" \
		--arg src "$(awk '$2 == "GET" && $3 == "/" { print $1 }' "$WORLD_TMP/nginx-inet/src.log" | tail -n 1)" \
		'{server: $s, answer: $a, route: $d, fetch: $f, inet_saw_source: $src}')
	world_log "plain: $plain"
	web2_portal_mif
	mif=$(cat "$WORLD_TMP/mif.json")
	world_log "mif: $mif"
	jq -e '.fetch.code != 200' <<<"$plain" >/dev/null && pf=1
	jq -e '.fetch.code == 200 and .fetch.body == "www.example.net" and (.inet_saw_source | startswith("2001:db8:2:")) and .n1.state == "portal"' <<<"$mif" >/dev/null && mf=1
	scn_verdict "$pf" "$mf" \
		"$label says www.example.net is $(jq -r .answer <<<"$plain"), sent $(jq -r .route <<<"$plain"); fetch: $(web2_say_fetch "$(jq -c .fetch <<<"$plain")")" \
		"N1 is a portal, so N2 is the default and its server answers; fetch: $(web2_say_fetch "$(jq -c .fetch <<<"$mif")"), inet saw $(jq -r .inet_saw_source <<<"$mif")" \
		"the connectivity checks find the portal (its DNS answers a name that does not exist), so general names and new connections go to the valid network, and only there" \
		"$(jq -cn --argjson p "$plain" --argjson m "$mif" '{plain: $p, mif: $m}')"
}
