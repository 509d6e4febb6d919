#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Hostile RFC 8908 captive-portal APIs (issue 13, "bad input"): four
# networks, each announcing an RFC 8910 URI (RA option 37) whose API
# misbehaves in one way; the rest of each network works (HTTP and HTTPS
# answer 204). The API's word is taken only when it is well formed, so:
# each network is valid (the broken API does not make it a portal, and a
# broken API does not hide a working network), its API status says what
# went wrong, a log line names it, and mifd keeps running with bounded
# memory.
#   r1: malformed JSON            -> "Bad message", log "malformed JSON"
#   r2: a 10 MB answer            -> "File too large" (cut at 64 KiB, not kept)
#   r3: a redirect to itself      -> "Protocol error", HTTP status 302 (redirects
#                                    are not followed: RFC 8908 section 4)
#   r4: a certificate for another name -> "Protocol error" and no HTTP status:
#                                    TLS did not verify, nothing was asked
#   r5: accepts and never answers -> "Connection timed out" (the probe's deadline)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/tls.sh"

world_init
world_require jq dnsmasq nginx openssl nc
T=$WORLD_TMP
tls_ca
tls_cert check.test check
tls_cert api.test api
tls_cert other.test other
head -c $((10 * 1024 * 1024)) /dev/zero | tr '\0' ' ' >"$T/big.json"
printf '{"captive": tru' >"$T/bad.json"
world_host h
api_block() {   # N: the misbehaving API of network N, on https://api.test/captive
	case $1 in
	1) printf '%s' "location = /captive { default_type application/captive+json; alias $T/bad.json; }" ;;
	2) printf '%s' "location = /captive { default_type application/captive+json; alias $T/big.json; }" ;;
	3) printf '%s' "location = /captive { return 302 https://api.test/captive; }" ;;
	4) printf '%s' "location = /captive { default_type application/captive+json; return 200 '{\"captive\": true}'; }" ;;
	esac
}
for n in 1 2 3 4 5; do
	world_router "r$n"
	world_link "r$n" eth0 h "eth$((n - 1))"
	world_addr "r$n" eth0 "2001:db8:$n::1/64"
	world_addr "r$n" eth0 "2001:db8:$n::443/64"
	cert=api
	[ "$n" = 4 ] && cert=other
	api=
	[ "$n" != 5 ] && api="server { listen [2001:db8:$n::443]:443 ssl; server_name api.test;
		ssl_certificate $T/$cert.pem; ssl_certificate_key $T/$cert.key; $(api_block "$n") }"
	nginx_conf "$n" "server { listen [2001:db8:$n::1]:80; location / { return 204; } }
		server { listen [2001:db8:$n::1]:443 ssl; ssl_certificate $T/check.pem;
			ssl_certificate_key $T/check.key; location / { return 204; } }
		$api"
	nginx_start "$n" "r$n"
	mif_dnsmasq "r$n" "dns$n" "port=53
listen-address=2001:db8:$n::1
bind-interfaces
no-resolv
host-record=check.test,2001:db8:$n::1
host-record=api.test,2001:db8:$n::443"
done
# r5's API: a TCP listener that takes the connection and says nothing.
world_bg r5 silent-api nc -6 -l -k -s 2001:db8:5::443 -p 443
cat >"$T/mifd.conf" <<EOF2
[connectivity]
http_url = http://check.test/generate_204
https_url = https://check.test/generate_204
ca_file = $T/ca.pem
backoff_max = 2
timeout_ms = 2000
EOF2
WORLD_CONNECTIVITY=1 world_mifd h --config "$T/mifd.conf"
for n in 1 2 3 4 5; do
	world_lla h "eth$((n - 1))" >/dev/null
	world_ra_send "r$n" -i eth0 --lifetime 1800 --prefix "2001:db8:$n::/64" \
		--rdnss "2001:db8:$n::1,lifetime=1800" --captive https://api.test/captive
done
all_checked='length == 5 and all(.[]; .connectivity.portal_api.status != null
	and .connectivity.portal_api.status != "ok" and .connectivity.checks >= 1
	and .connectivity_state == "valid")'
mif_expect "five networks valid, each API's failure shown" 40 "$all_checked"
json=$(mif_pvds)
api() { printf '%s' "$json" | jq -r "$(mif_pvd_on "eth$(($1 - 1))")[0].connectivity.portal_api.${2:-status}"; }
world_log "API status: r1 '$(api 1)', r2 '$(api 2)', r3 '$(api 3)', r4 '$(api 4)', r5 '$(api 5)'"
[ "$(api 1)" = "Bad message" ] || world_fail "r1 (malformed JSON): '$(api 1)'"
[ "$(api 2)" = "File too large" ] || world_fail "r2 (10 MB): '$(api 2)'"
[ "$(api 3)" = "Protocol error" ] && [ "$(api 3 http_status)" = 302 ] ||
	world_fail "r3 (redirect loop): '$(api 3)' status $(api 3 http_status)"
[ "$(api 4)" = "Protocol error" ] && [ "$(api 4 http_status)" = null ] ||
	world_fail "r4 (wrong certificate): '$(api 4)' status $(api 4 http_status)"
[ "$(api 5)" = "Connection timed out" ] || world_fail "r5 (silent): '$(api 5)'"
# The broken APIs never made a portal, and gave no login page.
printf '%s' "$json" | world_jq 'all(.[]; .connectivity.login_url == null
	and .connectivity.portal_api.captive == null)' >/dev/null
for want in "answered badly: not a JSON object" "failed: File too large" "answered HTTP 302, not 200" \
	"failed: Protocol error" "failed: Connection timed out"; do
	grep -q "portal API of PvD [0-9]* $want" "$WORLD_TMP/mifd.log" || world_fail "no log line '$want'"
done
world__alive "$WORLD_MIFD_PID" || world_fail "mifd died"
# Memory: the 10 MB answer was cut, not kept (the network-facing process
# holds at most 64 KiB of it); a while later it has not grown.
NET_PID=$(world_ctl --json status | jq -r '.processes.net.pid')
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$NET_PID/status"; }
r0=$(rss)
sleep 6
r1=$(rss)
world_log "the network-facing process: RSS $r0 kB, 6 s later $r1 kB"
[ "$r1" -lt $((r0 + 4096)) ] || world_fail "RSS grew from $r0 to $r1 kB"
world_pass
