#!/bin/bash
# SPDX-License-Identifier: MIT
#
# DNS over TLS to the resolver a network announces in its RA (DNR, RFC
# 9463; RFC 7858, RFC 8310), issue 19 item 2. unbound serves DoT on
# 2001:db8:1::853 with a certificate for dns.example.net from the world's
# CA; the RA names it (ADN dns.example.net, alpn dot, port 853) beside a
# clear-text server (mif-dns-spoof on 2001:db8:1::53, which answers
# 192.0.2.7 where unbound answers 192.0.2.88).
#   1. strict: answers come over TLS, verified; concurrent queries share
#      one connection (reuse, pipelining); after the idle close the next
#      connection resumes the session; a capture on the link sees no
#      clear-text port-53 packet at all;
#   2. strict with a certificate for another name: SERVFAIL, and the query
#      is not handed on to the second network's clear-text server (fails
#      closed), the reason in `mifctl dns` and `mifctl resolve`, still
#      nothing in clear text;
#   3. opportunistic with that certificate: the clear-text server answers,
#      and mifd says so (log, `fallbacks`).
#
#   r1: unbound DoT 2001:db8:1::853, mif-dns-spoof 2001:db8:1::53 -- h:eth0
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/dns.sh"
. "$(dirname "$0")/tls.sh"

world_init
world_require jq dig unbound openssl tcpdump
dns_spoof_required
dns_one_link
world_addr r1 eth0 2001:db8:1::853/64
tls_ca
tls_cert dns.example.net good
tls_cert other.example.net wrong
world_bg r1 clear "$MIF_DNS_SPOOF" -l 2001:db8:1::53 -a 192.0.2.7 --max-seconds 200

dot() {   # dot NAME CERT_BASE
	dns_unbound r1 "$1" "interface: 2001:db8:1::853
	interface: 2001:db8:1::853@853
	tls-port: 853
	tls-service-key: \"$WORLD_TMP/$2.key\"
	tls-service-pem: \"$WORLD_TMP/$2.pem\"
	access-control: ::/0 allow
	local-zone: \"tls.test.\" redirect
	local-data: \"tls.test. 60 IN A 192.0.2.88\""
	DOT_PID=$WORLD_LAST_PID
}
dot dot1 good
# A second network (no default router, clear-text DNS only): a fallback
# for general names, which a failing strict PvD must not hand its query to.
world_router r2
world_link r2 eth0 h eth1
world_addr r2 eth0 2001:db8:2::53/64
world_bg r2 clear2 "$MIF_DNS_SPOOF" -l 2001:db8:2::53 -a 192.0.2.9 --max-seconds 200

ADN_HEX=03646e73076578616d706c65036e657400
DNR=$(printf '900800010000%s0011%s0010%s000e%s000000' 0e10 "$ADN_HEX" \
	20010db8000100000000000000000853 0001000403646f74000300020355)
start() {   # start MODE
	world_lla h eth0 >/dev/null
	world_lla h eth1 >/dev/null
	world_mifd h -c "$(dns_mifd_conf "tls = $1
tls_ca_file = $WORLD_TMP/ca.pem
timeout_ms = 3000")"
	dns_wait_stub h
	world_ra_send r1 -i eth0 --lifetime 1800 --prefix 2001:db8:1::/64 \
		--rdnss 2001:db8:1::53 --raw "$DNR"
	world_ra_send r2 -i eth0 --lifetime 0 --prefix 2001:db8:2::/64 --rdnss 2001:db8:2::53
	mif_expect "both PvDs with a usable address" 15 \
		'length == 2 and any(.[].addresses[]; (.address | startswith("2001:db8:1:")) and .state == "preferred")
		 and any(.[].addresses[]; (.address | startswith("2001:db8:2:")) and .state == "preferred")'
	enc() { world_ctl --json dns | jq -e '[.pvds[].tls[]?] | length == 1' >/dev/null; }
	world_wait_for "the stub has the encrypted resolver" 10 enc
}
tlsst() { world_ctl --json dns | jq -c '[.pvds[].tls[]?][0]'; }
ask() { dns_dig_short h "$1" A; }

# 1. Strict, the right certificate.
dns_capture_start r1 eth0 strict
start strict
got=$(ask a1.tls.test)
[ "$got" = 192.0.2.88 ] || world_fail "strict: a1.tls.test gave '$got': $(tlsst)"
st=$(tlsst)
printf '%s' "$st" | world_jq '.verified == true and .state == "connected" and .handshakes == 1
	and .adn == "dns.example.net" and .address == "2001:db8:1::853" and .port == 853
	and .mode == "strict"' >/dev/null || world_fail "strict: $st"
world_log "ok: strict: answered over TLS, verified: $st"
# Ten at once: one connection (no new handshake), every one answered.
out=$(world_exec h bash -c 'for i in $(seq 10); do dig @127.0.0.153 +tries=1 +time=3 +short p$i.tls.test A & done; wait')
[ "$(grep -c '^192.0.2.88$' <<<"$out")" = 10 ] || world_fail "10 concurrent queries: $out"
st=$(tlsst)
printf '%s' "$st" | world_jq '.handshakes == 1 and .answers >= 11' >/dev/null ||
	world_fail "concurrent queries did not share the connection: $st"
world_log "ok: 10 concurrent queries on one connection: $st"
# Idle close after 10 s, then a new connection resumes the session.
sleep 11
got=$(ask r1.tls.test)
st=$(tlsst)
[ "$got" = 192.0.2.88 ] && printf '%s' "$st" | world_jq '.handshakes == 2 and .resumptions >= 1' \
	>/dev/null || world_fail "no resumed session after the idle close: $got $st"
world_log "ok: the second connection resumed the session: $st"
# 2. Strict, a certificate for another name.
kill "$DOT_PID"
wait "$DOT_PID" 2>/dev/null || true
dot dot2 wrong
sleep 11                                  # past the retry delay of a failure
dns_capture_start r2 eth0 other
st=$(dns_dig_status h w1.tls.test A)
[ "$st" = SERVFAIL ] || world_fail "strict with a wrong certificate: $st (want SERVFAIL)"
err=$(tlsst | jq -r .last_error)
grep -qi "certificate not valid for dns.example.net" <<<"$err" || world_fail "the reason: $(tlsst)"
rc=0
out=$(world_ctl resolve w2.tls.test 2>&1) || rc=$?
[ "$rc" = 1 ] && grep -q "strict" <<<"$out" && grep -qi "certificate" <<<"$out" ||
	world_fail "mifctl resolve with a wrong certificate (exit $rc): $out"
world_log "ok: strict fails closed: $err"
n=$(dns_capture_count strict .)
[ "$n" = 0 ] || world_fail "$n clear-text port-53 packets on the link in strict mode: $(dns_capture_text strict)"
world_log "ok: no clear-text port-53 packet on the link in strict mode"
n=$(dns_capture_count other 'tls\.test')
[ "$n" = 0 ] || world_fail "the failed strict query went on to the other network: $(dns_capture_text other)"
world_log "ok: the failed strict query was not handed to the other network"
kill "$WORLD_MIFD_PID"
wait "$WORLD_MIFD_PID" 2>/dev/null || true
WORLD_MIFD_PID=""
rm -f "$WORLD_TMP/mifd.sock"

# 3. Opportunistic, the same wrong certificate: clear text, and said.
start opportunistic
got=$(ask o1.tls.test)
[ "$got" = 192.0.2.7 ] || world_fail "opportunistic: o1.tls.test gave '$got'"
fb=$(world_ctl --json dns | jq '.stub.tls.fallbacks')
[ "$fb" -ge 1 ] || world_fail "no fallback counted: $(world_ctl --json dns | jq -c .stub.tls)"
grep -q "asking in clear text (opportunistic" "$WORLD_TMP/mifd.log" ||
	world_fail "the fallback is not in the log"
world_log "ok: opportunistic fell back to clear text ($fb) and said so"
world_pass
