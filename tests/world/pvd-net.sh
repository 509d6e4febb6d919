# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# tests/world/pvd-net.sh: two networks whose first publishes RFC 8801
# additional information, after lib.sh, mif.sh and tls.sh (test-policy-
# network.sh, scenario 4.3-3):
#
#   h eth0  -- r1 (2001:db8:1::1: dnsmasq, nginx for n1.test's PvD JSON) -- s1
#   h wlan0 -- r2 (2001:db8:2::1: dnsmasq)                               -- s2
#
# Behind each router a server s<i> on 2001:db8:99::1 ("IP1": whoami
# n<i>-host on TCP 8080) and nginx answering check.test's connectivity
# probes (204, HTTP and HTTPS). Each dnsmasq names check.test and n1.test.
#
# pvdnet_world JSON [CHECK]: the world; r1's nginx serves the file JSON at
# https://n1.test/.well-known/pvd; check.test is CHECK (default
# 2001:db8:99::1), added to each server when it is another address.
# tls_cert n1.test and check.test first.
pvdnet_world() {
	local json=$1 check=${2:-2001:db8:99::1} i
	mif_two_nets 2001:db8:99::1
	for i in 1 2; do
		[ "$check" = 2001:db8:99::1 ] || world_addr "s$i" eth0 "$check/64"
		world_bg "s$i" "whoami-s$i" "$MIF_WHOAMI" -n "n$i-host" -p 8080 -6
		nginx_conf "check$i" "server { listen [::]:80; location / { return 204; } }
	server { listen [::]:443 ssl; ssl_certificate $WORLD_TMP/check.test.pem;
		ssl_certificate_key $WORLD_TMP/check.test.key; location / { return 204; } }"
		nginx_start "check$i" "s$i"
		mif_dnsmasq "r$i" "dns$i" "port=53
listen-address=2001:db8:$i::1
bind-interfaces
no-resolv
host-record=check.test,$check
host-record=n1.test,2001:db8:1::1"
	done
	nginx_conf pvd "server { listen [::]:443 ssl; server_name n1.test;
		ssl_certificate $WORLD_TMP/n1.test.pem; ssl_certificate_key $WORLD_TMP/n1.test.key;
		location = /.well-known/pvd { default_type application/pvd+json;
			alias $json; } }"
	nginx_start pvd r1
}
