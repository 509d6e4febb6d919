#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Connectivity checks per PvD (issue 13; problem statement 4.4 and the
# captive-portal cases of 4.1), against nginx and dnsmasq:
#   - r1 "good": its DNS resolves check.test to a server "inet" behind r1
#     (nginx: 204 over HTTP and over HTTPS with a certificate of a test CA);
#   - r2 "portal", router preference high (the default a plain host would
#     pick): its dnsmasq answers EVERY name with r2's own address and its
#     nginx redirects every HTTP request to http://portal.test/login; HTTPS
#     meets a certificate no one trusts;
#   - r3 "no uplink": its DNS answers, but nothing lies behind r3;
#   - r4 "API portal": its RA carries an RFC 8910 captive-portal URI, and
#     the RFC 8908 API behind it (nginx, HTTPS, test CA) says captive until
#     the portal opens, then not captive with seconds-remaining.
# Shown: the states valid, portal (with the login URL `mifctl portal`
# prints, from the redirect or from the API's user-portal-url),
# no-internet; the portal is not the default until login and is
# after; each probe reaches only the servers of the network it tests
# (nginx logs the source address of every request); after a login (a
# headless Chromium run in the portal's PvD with `mifctl run` submits the
# portal's form)
# the portal's server flips, mifd sees it without a restart, and the
# portal's cached DNS answers are dropped.
#
#   inet (nginx 2001:db8:ff::80) -- r1 -- h:eth0     (2001:db8:1::/64)
#                                   r2 -- h:eth1     (2001:db8:2::/64, portal)
#                                   r3 -- h:eth2     (2001:db8:3::/64, no uplink)
#                                   r4 -- h:eth3     (2001:db8:4::/64, RFC 8908 API)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/tls.sh"

world_init
world_require jq radvd dnsmasq nginx openssl curl chromium chromedriver
[ -n "${MIF_PORTAL_LOGIN:-}" ] || world_fail "MIF_PORTAL_LOGIN is not set (tests/world/meson.build)"
/usr/bin/python3 -c 'import selenium' 2>/dev/null ||
	world_skip "python3-selenium is not installed (scripts/deps.sh installs it)"
[ -n "${MIF_PRELOAD:-}" ] && [ -f "$MIF_PRELOAD" ] || world_fail "MIF_PRELOAD is not set"
# Under make check's ASan build the preload carries the ASan runtime, which
# must otherwise come first; curl, run in a PvD for the login, is not
# instrumented (as in test-run.sh).
case "$(ldd "$MIF_PRELOAD" 2>/dev/null || true)" in
*libasan*) export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" ;;
esac

# ---- the world's CA; check.test's and api.test's certificates from it;
# the portal's own, self-signed ----
T=$WORLD_TMP
tls_ca
tls_cert check.test check
tls_cert api.test api
tls_self portal.test portal
GOOD_SERVER="
	server { listen [::]:80; access_log $T/nginx-NAME/src.log src;
		location / { return 204; } }
	server { listen [::]:443 ssl; access_log $T/nginx-NAME/src.log src;
		ssl_certificate $T/check.pem; ssl_certificate_key $T/check.key;
		location / { return 204; } }"

# ---- the world ----
world_host inet
world_host h
for n in 1 2 3 4; do
	world_router "r$n"
	world_link "r$n" eth0 h "eth$((n - 1))"
	world_addr "r$n" eth0 "2001:db8:$n::1/64"
done
world_link r1 eth1 inet eth0
world_addr r1 eth1 2001:db8:ff::1/64
world_addr inet eth0 2001:db8:ff::80/64
ip -n "$(world_ns inet)" -6 route add default via 2001:db8:ff::1

nginx_conf inet "${GOOD_SERVER//NAME/inet}"
nginx_start inet inet
nginx_conf portal "
	server { listen [::]:80; access_log $T/nginx-portal/src.log src;
		location = /login { default_type text/html;
			if (\$request_method = POST) { return 200 'welcome'; }
			return 200 '<!doctype html><title>Guest Wi-Fi</title>
<form method=\"post\" action=\"/login\"><input name=\"room\">
<label><input type=\"checkbox\" name=\"accept\" value=\"1\"> I accept</label>
<button type=\"submit\">Log in</button></form>'; }
		location / { return 302 http://portal.test/login; } }
	server { listen [::]:443 ssl; access_log $T/nginx-portal/src.log src;
		ssl_certificate $T/portal.pem; ssl_certificate_key $T/portal.key;
		location / { return 302 http://portal.test/login; } }"
nginx_start portal r2

# api_server CAPTIVE_JSON: r4's API on https://api.test/captive.
api_server() {
	printf '%s' "$1" >"$T/captive.json"
	printf '%s' "
	server { listen [::]:443 ssl; server_name api.test; access_log $T/nginx-api/src.log src;
		ssl_certificate $T/api.pem; ssl_certificate_key $T/api.key;
		location = /captive { default_type application/captive+json;
			alias $T/captive.json; } }"
}
nginx_conf api "$(api_server '{"captive": true, "user-portal-url": "https://api.test/portal"}')
	server { listen [::]:80; access_log $T/nginx-api/src.log src;
		location / { return 302 https://api.test/portal; } }"
nginx_start api r4

mif_dnsmasq r1 good "port=53
listen-address=2001:db8:1::1
bind-interfaces
no-resolv
log-queries
host-record=check.test,2001:db8:ff::80"
# Every name, the portal's own address: what captive portals do.
mif_dnsmasq r2 portal "port=53
listen-address=2001:db8:2::1
bind-interfaces
no-resolv
log-queries
address=/#/2001:db8:2::1"
PORTAL_DNS_PID=$WORLD_LAST_PID
mif_dnsmasq r4 api "port=53
listen-address=2001:db8:4::1
bind-interfaces
no-resolv
address=/#/2001:db8:4::1"
API_DNS_PID=$WORLD_LAST_PID
mif_dnsmasq r3 nouplink "port=53
listen-address=2001:db8:3::1
bind-interfaces
no-resolv
host-record=check.test,2001:db8:ff::80"

for n in 1 2 3; do
	pref=medium
	[ "$n" = 2 ] && pref=high
	world_radvd "r$n" "interface eth0 { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
		AdvDefaultLifetime 600; AdvDefaultPreference $pref;
		prefix 2001:db8:$n::/64 { AdvOnLink on; AdvAutonomous on; };
		RDNSS 2001:db8:$n::1 { AdvRDNSSLifetime 600; }; };"
done

cat >"$T/mifd.conf" <<EOF
[connectivity]
enabled = yes
http_url = http://check.test/generate_204
https_url = https://check.test/generate_204
ca_file = $T/ca.pem
backoff_max = 2
timeout_ms = 2000
EOF
WORLD_CONNECTIVITY=1 world_mifd h --config "$T/mifd.conf"
# r4's RA, once, with long lifetimes: radvd 2.19 cannot send RFC 8910's option.
world_ra_send r4 -i eth0 --lifetime 1800 --prefix 2001:db8:4::/64 \
	--rdnss 2001:db8:4::1,lifetime=1800 --captive https://api.test/captive

P1=$(mif_pvd_on eth0)
P2=$(mif_pvd_on eth1)
P3=$(mif_pvd_on eth2)
P4=$(mif_pvd_on eth3)
mif_expect "four PvDs, each with its SLAAC address" 20 \
	"length == 4 and ([.[].addresses | length > 0] | all)"
mif_expect "r1 valid, r2 and r4 portals, r3 without Internet" 20 \
	"($P1[0].connectivity_state == \"valid\") and ($P2[0].connectivity_state == \"portal\")
	 and ($P3[0].connectivity_state == \"no-internet\")
	 and ($P4[0].connectivity_state == \"portal\")"
json=$(mif_pvds)
check() { printf '%s' "$json" | world_jq "$1" >/dev/null; }
world_assert "the portal's login page is the redirect's target" \
	check "$P2[0].connectivity.login_url == \"http://portal.test/login\""
world_assert "r4's login page is the one its RFC 8908 API gave" \
	check "$P4[0].connectivity.login_url == \"https://api.test/portal\"
	       and $P4[0].connectivity.portal_api.captive == true
	       and ($P4[0].connectivity.why | test(\"RFC 8908\"))"
world_assert "why each state, in words" \
	check "($P2[0].connectivity.why | test(\"redirect|every name|DNS answers\"))
	       and ($P3[0].connectivity.why | test(\"no answer\"))
	       and ($P1[0].connectivity.last.https == 204)"
out=$(world_ctl portal)
case "$out" in
*"http://portal.test/login"*) ;;
*) world_fail "mifctl portal does not print the login page: $out" ;;
esac
ID1=$(printf '%s' "$json" | jq -r "$P1[0].id")
ID2=$(printf '%s' "$json" | jq -r "$P2[0].id")

# The default for new connections: r1, though r2's router says "high".
default6() { world_ctl --json status | jq -r '.routing.default_pvd.ipv6 // empty'; }
is_default() { [ "$(default6)" = "$1" ]; }
world_wait_for "r1 is the default, not the portal" 10 is_default "$ID1"
world_log "ok - the default is r1, not the portal r2 of higher router preference"

# Probes only ever reached the servers of the network they tested.
world_assert "inet's nginx saw only r1's addresses" \
	sh -c "[ -s '$T/nginx-inet/src.log' ] && ! grep -v '^2001:db8:1:' '$T/nginx-inet/src.log'"
world_assert "the portal's nginx saw only r2's addresses" \
	sh -c "[ -s '$T/nginx-portal/src.log' ] && ! grep -v '^2001:db8:2:' '$T/nginx-portal/src.log'"

# Login, as a user would: a real browser (headless Chromium, driven by
# chromedriver) run in the portal's PvD with mifctl run, opens the page
# mifctl portal gives, fills in the form and submits it. Its name lookups
# go through the preload to the portal's own DNS server, its connections
# leave through r2.
url=$(world_ctl --json portal | jq -r --arg p "$ID2" '.[] | select(.pvd == $p) | .login_url')
[ "$url" = http://portal.test/login ] || world_fail "mifctl portal gives '$url' for $ID2"
# Under the ASan build the preload carries the ASan runtime, which a
# browser cannot load late (its shadow memory clashes with the browser's
# mappings): the browser gets the plain build's preload (scripts/check.sh
# sets MIF_PRELOAD_PLAIN), mifd and mifctl stay the ASan ones.
login_preload=$MIF_PRELOAD login_libs=${LD_LIBRARY_PATH:-}
if ldd "$MIF_PRELOAD" 2>/dev/null | grep -c libasan >/dev/null; then   # -c: reads all (pipefail, SIGPIPE)
	[ -n "${MIF_PRELOAD_PLAIN:-}" ] && [ -f "$MIF_PRELOAD_PLAIN" ] ||
		world_fail "an ASan preload cannot go into a browser: set MIF_PRELOAD_PLAIN to a plain build's libmif-preload.so"
	login_preload=$MIF_PRELOAD_PLAIN
	login_libs=$(dirname "$MIF_PRELOAD_PLAIN")    # its libmif.so, not the ASan one
fi
out=$(cd "$T" && HOME=$T PORTAL_LOGIN_LOG=$T/chromedriver.log MIF_PRELOAD=$login_preload \
	LD_LIBRARY_PATH=$login_libs timeout 120 ip netns exec "$(world_ns h)" "$MIFCTL" \
	--socket "$WORLD_TMP/mifd.sock" run --pvd "$ID2" -- /usr/bin/python3 "$MIF_PORTAL_LOGIN" \
	"$url" room=42 accept=1 --expect welcome 2>&1) || world_fail "the browser's login failed: $out"
world_log "ok - $(tail -n1 <<<"$out")"
grep -q 'POST /login' "$T/nginx-portal/src.log" || world_fail "the portal saw no login"
world_assert "the browser's requests all came from r2's prefix" \
	sh -c "! grep -v '^2001:db8:2:' '$T/nginx-portal/src.log'"
# The portal opens: its nginx now answers as the Internet does, and its DNS
# stops answering every name.
nginx_conf portal "${GOOD_SERVER//NAME/portal}"
nginx_reload portal r2
kill "$PORTAL_DNS_PID"
mif_dnsmasq r2 portal2 "port=53
listen-address=2001:db8:2::1
bind-interfaces
no-resolv
host-record=check.test,2001:db8:2::1"
mif_expect "r2 valid after login, without a restart" 20 \
	"$P2[0].connectivity_state == \"valid\""
world_wait_for "r2, now valid and of high preference, is the default" 10 is_default "$ID2"
grep -q "$ID2 opened: its cached DNS answers were dropped" "$WORLD_TMP/mifd.log" ||
	world_fail "the portal's cached answers were not dropped"

# r4's portal opens: the API says so, with the time left, and the rest
# of the network behaves.
nginx_conf api "$(api_server '{"captive": false, "seconds-remaining": 600, "can-extend-session": true}')
	server { listen [::]:80; access_log $T/nginx-api/src.log src;
		location / { return 204; } }
	server { listen [::]:443 ssl; server_name check.test; access_log $T/nginx-api/src.log src;
		ssl_certificate $T/check.pem; ssl_certificate_key $T/check.key;
		location / { return 204; } }"
nginx_reload api r4
kill "$API_DNS_PID"
mif_dnsmasq r4 api2 "port=53
listen-address=2001:db8:4::1
bind-interfaces
no-resolv
host-record=check.test,2001:db8:4::1
host-record=api.test,2001:db8:4::1"
mif_expect "r4 valid once its API says not captive" 20 \
	"$P4[0].connectivity_state == \"valid\"
	 and $P4[0].connectivity.portal_api.captive == false
	 and $P4[0].connectivity.portal_api.seconds_remaining == 600"
out=$(world_ctl portal)
case "$out" in
"No network is behind a captive portal."*) ;;
*) world_fail "mifctl portal still lists a portal: $out" ;;
esac
world_pass
