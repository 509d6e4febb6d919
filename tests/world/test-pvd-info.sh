#!/bin/bash
# SPDX-License-Identifier: MIT
#
# RFC 8801 section 4: the additional information of explicit PvDs with the
# H flag, fetched from https://<PvD ID>/.well-known/pvd through the PvD
# (nginx with a certificate of a test CA for each PvD's name; dnsmasq):
#   - cafe.test: dnsZones corp.cafe.test become the PvD's domains (source
#     pvd-json), so names under it resolve through the PvD's server only
#     (`mifctl dns which`); a new sequence number whose object says
#     noInternet makes the PvD no-internet;
#   - bad.test: an object whose prefixes do not cover the PvD's is not used
#     (section 4.4), with the reason shown, and no zone is added;
#   - moved.test's server redirects (301) to another host, store.moved.test,
#     which the PvD's own server resolves: followed (section 4.1: a 3xx
#     MUST be followed), fetched through the PvD, used;
#   - hostile servers: big.test answers 10 MB, loop.test redirects to
#     itself (followed five times, then "too many redirects"), plain.test
#     redirects to http (refused: not https), junk.test sends broken JSON,
#     tls.test's certificate is for another name: each is refused with its
#     reason, mifd goes on.
# Both PvDs come from one router (r5), whose nginx and DNS server sit on
# the link itself (router lifetime 0: no default route is needed).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/tls.sh"

world_init
world_require jq nginx dnsmasq openssl
T=$WORLD_TMP
tls_ca
for name in cafe.test bad.test check.test big.test loop.test junk.test moved.test \
	store.moved.test plain.test; do
	tls_cert "$name"
done
exp=$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)
pvd_json() {  # pvd_json NAME PREFIX NO_INTERNET
	printf '{"identifier": "%s", "expires": "%s", "prefixes": ["%s"], "dnsZones": ["corp.%s"], "noInternet": %s}' \
		"$1" "$exp" "$2" "$1" "$3" >"$T/$1.json"
}
pvd_json cafe.test 2001:db8:5::/48 false
pvd_json bad.test 2001:db8:99::/48 false       # does not cover 2001:db8:6::/64
pvd_json moved.test 2001:db8:b::/48 false
head -c 10485760 /dev/zero | tr '\0' ' ' >"$T/big.test.json"
printf '{"identifier": "junk.test", "expires": ' >"$T/junk.test.json"

world_router r5
world_host h
world_link r5 eth0 h eth0
world_addr r5 eth0 2001:db8:5::1/64
world_addr r5 eth0 2001:db8:6::1/64
for n in 7 8 9 a b c; do world_addr r5 eth0 "2001:db8:$n::1/64"; done
servers=""
servers="$servers
	server { listen [::]:443 ssl; server_name loop.test;
		ssl_certificate $T/loop.test.pem; ssl_certificate_key $T/loop.test.key;
		location / { return 302 https://loop.test/.well-known/pvd; } }
	server { listen [::]:443 ssl; server_name moved.test;
		ssl_certificate $T/moved.test.pem; ssl_certificate_key $T/moved.test.key;
		location / { return 301 https://store.moved.test/pvd/moved.json; } }
	server { listen [::]:443 ssl; server_name store.moved.test;
		ssl_certificate $T/store.moved.test.pem; ssl_certificate_key $T/store.moved.test.key;
		location = /pvd/moved.json { default_type application/pvd+json; alias $T/moved.test.json; } }
	server { listen [::]:443 ssl; server_name plain.test;
		ssl_certificate $T/plain.test.pem; ssl_certificate_key $T/plain.test.key;
		location / { return 302 http://plain.test/.well-known/pvd; } }
	server { listen [::]:443 ssl; server_name tls.test;
		ssl_certificate $T/junk.test.pem; ssl_certificate_key $T/junk.test.key;
		location / { return 204; } }"
for name in cafe.test bad.test big.test junk.test; do
	servers="$servers
	server { listen [::]:443 ssl; server_name $name;
		ssl_certificate $T/$name.pem; ssl_certificate_key $T/$name.key;
		location = /.well-known/pvd { default_type application/pvd+json; alias $T/$name.json; } }"
done
nginx_conf web "server { listen [::]:80; location / { return 204; } }
	server { listen [::]:443 ssl default_server; server_name check.test;
		ssl_certificate $T/check.test.pem; ssl_certificate_key $T/check.test.key;
		location / { return 204; } }
	$servers"
nginx_start web r5
mif_dnsmasq r5 dns "port=53
listen-address=2001:db8:5::1,2001:db8:6::1,2001:db8:7::1,2001:db8:8::1,2001:db8:9::1,2001:db8:a::1,2001:db8:b::1,2001:db8:c::1
bind-interfaces
no-resolv
log-queries
host-record=cafe.test,2001:db8:5::1
host-record=check.test,2001:db8:5::1
host-record=bad.test,2001:db8:6::1
host-record=big.test,2001:db8:7::1
host-record=loop.test,2001:db8:8::1
host-record=junk.test,2001:db8:9::1
host-record=tls.test,2001:db8:a::1
host-record=moved.test,2001:db8:b::1
host-record=store.moved.test,2001:db8:b::1
host-record=plain.test,2001:db8:c::1
host-record=www.corp.cafe.test,2001:db8:5::80"
cat >"$T/mifd.conf" <<CFG
[connectivity]
http_url = http://check.test/generate_204
https_url = https://check.test/generate_204
ca_file = $T/ca.pem
backoff_max = 2
CFG
WORLD_CONNECTIVITY=1 world_mifd h --config "$T/mifd.conf"
ra() {  # ra NAME SEQ PREFIX DNS
	world_ra_send r5 -i eth0 --lifetime 0 --pvd "$1,seq=$2,h,delay=0" \
		--prefix "$3,valid=1800,preferred=1800" --rdnss "$4,lifetime=1800" --end-pvd
}
ra cafe.test 1 2001:db8:5::/64 2001:db8:5::1
ra bad.test 1 2001:db8:6::/64 2001:db8:6::1
ra big.test 1 2001:db8:7::/64 2001:db8:7::1
ra loop.test 1 2001:db8:8::/64 2001:db8:8::1
ra junk.test 1 2001:db8:9::/64 2001:db8:9::1
ra tls.test 1 2001:db8:a::/64 2001:db8:a::1
ra moved.test 1 2001:db8:b::/64 2001:db8:b::1
ra plain.test 1 2001:db8:c::/64 2001:db8:c::1

C='[.[] | select(.id == "cafe.test")][0]'
B='[.[] | select(.id == "bad.test")][0]'
mif_expect "cafe.test's information fetched and used" 20 \
	"$C.connectivity.pvd_info.state == \"ok\"
	 and $C.connectivity.pvd_info.dns_zones == [\"corp.cafe.test\"]
	 and ($C.dns.search | any(.domain == \"corp.cafe.test\" and .source == \"pvd-json\"))"
mif_expect "bad.test's information refused: prefixes do not cover" 20 \
	"$B.connectivity.pvd_info.state == \"failed\"
	 and ($B.connectivity.pvd_info.error | test(\"prefixes do not cover\"))
	 and ($B.dns.search | length == 0)"
info_err() { printf '[.[] | select(.id == "%s")][0].connectivity.pvd_info | .state == "failed" and (.error | test("%s"))' "$1" "$2"; }
M='[.[] | select(.id == "moved.test")][0]'
mif_expect "moved.test's redirect followed to store.moved.test, its information used" 20 \
	"$M.connectivity.pvd_info.state == \"ok\"
	 and $M.connectivity.pvd_info.dns_zones == [\"corp.moved.test\"]"
grep -q "GET /pvd/moved.json" "$T/nginx-web/access.log" || world_fail "store.moved.test was never asked"
mif_expect "hostile servers refused, each with its reason" 30 \
	"($(info_err big.test 'too large')) and ($(info_err loop.test 'too many redirects .HTTP status 302'))
	 and ($(info_err plain.test 'not https'))
	 and ($(info_err junk.test 'malformed JSON')) and ($(info_err tls.test 'Protocol error'))"
world_log "ok - 10 MB, a redirect loop, a redirect to http, broken JSON and a wrong certificate: refused, named"
kill -0 "$WORLD_MIFD_PID" || world_fail "mifd died"
which=$(world_ctl --json dns which www.corp.cafe.test | jq -r '.pvds[0].pvd')
[ "$which" = cafe.test ] || world_fail "www.corp.cafe.test goes to '$which', not cafe.test"
world_log "ok - names under the dnsZones go to cafe.test's server"
out=$(world_ctl --json resolve www.corp.cafe.test --type AAAA)
printf '%s' "$out" | jq -e '.pvd == "cafe.test" and (.answers | any(.data == "2001:db8:5::80"))' \
	>/dev/null || world_fail "resolve through the zone: $out"
grep -q 'GET /.well-known/pvd' "$T/nginx-web/access.log" || world_fail "nginx saw no fetch"
if grep 'well-known/pvd' "$T/nginx-web/access.log" | grep -qv '^2001:db8:[56789abc]:'; then
	world_fail "a fetch came from outside its PvD: $(grep well-known "$T/nginx-web/access.log")"
fi
grep 'GET /pvd/moved.json' "$T/nginx-web/access.log" | grep -qv '^2001:db8:b:' &&
	world_fail "the redirected fetch left moved.test's PvD: $(grep moved.json "$T/nginx-web/access.log")"
world_log "ok - each fetch came from an address of its PvD, the redirected one too"

# A new sequence number: the object now says noInternet.
pvd_json cafe.test 2001:db8:5::/48 true
ra cafe.test 2 2001:db8:5::/64 2001:db8:5::1
mif_expect "cafe.test no-internet after sequence 2 (fetched 10 s or more after the last)" 30 \
	"$C.connectivity.pvd_info.sequence == 2 and $C.connectivity.pvd_info.no_internet == true
	 and $C.connectivity_state == \"no-internet\"
	 and ($C.connectivity.why | test(\"noInternet\"))"
world_pass
