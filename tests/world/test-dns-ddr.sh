#!/bin/bash
# SPDX-License-Identifier: MIT
#
# DDR (RFC 9462), issue 19: a network whose RA announces only a clear-text
# resolver (RDNSS, port 53) that also serves DNS over TLS (unbound, a
# certificate from the world's CA) and answers `_dns.resolver.arpa` SVCB
# (alpn dot, port 853, ipv6hint its own address, TTL 10 s). The DoT
# profile is per PvD: global `tls = off`, `tls_pvd = type:ra MODE`.
#   1. strict, a certificate whose subjectAltName holds the resolver's
#      address: the designation is verified (section 4.2), mifctl dns
#      shows the resolver from "ddr", checked by address, verified; a
#      capture on the link then sees no clear-text port-53 packet but the
#      DDR queries themselves, which come again as the TTL ends;
#   2. strict, a certificate for the name only: the designated resolver is
#      not used (section 4.2), mifctl dns says why, and queries go to the
#      clear-text resolver (seen on the link);
#   3. opportunistic, the same certificate, the resolver at a ULA (not
#      public): opportunistic discovery (section 4.3), used unverified, no
#      clear-text query on the link; a second server that does not answer
#      joins: discovery runs again and DDR is not used (section 4.1); in
#      strict mode the same designation is rejected;
#   4. global strict, `tls_pvd = ID off` for this PvD: no DDR query, clear
#      text; a client asking the stub for _dns.resolver.arpa gets NODATA,
#      and nothing is forwarded (sections 6.1, 6.4).
#
#   r1: unbound 2001:db8:1::53 and fd00:1::53, ports 53 and 853 -- h:eth0
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/dns.sh"
. "$(dirname "$0")/tls.sh"

world_init
world_require jq dig unbound openssl tcpdump
dns_one_link
world_addr r1 eth0 fd00:1::53/64
tls_ca
tls_cert_san dns.example.net ip "DNS:dns.example.net,IP:2001:db8:1::53"
tls_cert dns.example.net noip

UB_PID=
resolver() {   # resolver NAME CERT_BASE ADDR
	if [ -n "$UB_PID" ]; then
		kill "$UB_PID"
		wait "$UB_PID" 2>/dev/null || true
	fi
	dns_unbound r1 "$1" "interface: $3
	interface: $3@853
	tls-port: 853
	tls-service-key: \"$WORLD_TMP/$2.key\"
	tls-service-pem: \"$WORLD_TMP/$2.pem\"
	access-control: ::/0 allow
	local-zone: \"resolver.arpa.\" static
	local-data: \"_dns.resolver.arpa. 10 IN SVCB 1 dns.example.net. alpn=dot port=853 ipv6hint=$3\"
	local-zone: \"ddr.test.\" redirect
	local-data: \"ddr.test. 60 IN A 192.0.2.88\""
	UB_PID=$WORLD_LAST_PID
}
stop_mifd() {
	kill "$WORLD_MIFD_PID"
	wait "$WORLD_MIFD_PID" 2>/dev/null || true
	WORLD_MIFD_PID=""
	rm -f "$WORLD_TMP/mifd.sock" "$WORLD_TMP/mifd-dns.conf"
}
start() {   # start MODE PREFIX SERVER [CONF_LINES]
	world_lla h eth0 >/dev/null
	world_mifd h -c "$(dns_mifd_conf "${4:-tls = off
tls_pvd = type:ra $1}
tls_ca_file = $WORLD_TMP/ca.pem
timeout_ms = 3000")"
	dns_wait_stub h
	world_ra_send r1 -i eth0 --lifetime 1800 --prefix "$2" --rdnss "$3"
	mif_expect "the PvD with a usable address" 15 \
		"length == 1 and any(.[0].addresses[]; (.address | startswith(\"${2%%::*}:\")) and .state == \"preferred\")"
}
dnsj() { world_ctl --json dns | jq -c '.pvds[0]'; }
ask() { dns_dig_short h "$1" A; }

# 1. Strict, the certificate covers the address: verified discovery.
resolver ub1 ip 2001:db8:1::53
start strict 2001:db8:1::/64 2001:db8:1::53
inuse() { dnsj | jq -e '.ddr.in_use == true' >/dev/null; }
world_wait_for "DDR verified and in use" 20 inuse
j=$(dnsj)
printf '%s' "$j" | world_jq '.tls_mode == "strict" and (.tls | length) == 1
	and .tls[0].source == "ddr" and .tls[0].check == "address" and .tls[0].adn == "dns.example.net"
	and .tls[0].address == "2001:db8:1::53" and .tls[0].port == 853
	and .ddr.resolvers[0].state == "verified" and .ddr.resolvers[0].designated_by == "2001:db8:1::53"' \
	>/dev/null || world_fail "strict, verified: $j"
world_log "ok: the designated resolver is verified and in use: $(printf '%s' "$j" | jq -c .ddr)"
dns_capture_start r1 eth0 enc
for i in 1 2 3 4 5; do
	got=$(ask "v$i.ddr.test")
	[ "$got" = 192.0.2.88 ] || world_fail "v$i.ddr.test gave '$got': $(dnsj)"
done
j=$(dnsj)
printf '%s' "$j" | world_jq '.tls[0].verified == true and .tls[0].answers >= 5' >/dev/null ||
	world_fail "the answers did not come over TLS: $j"
# Past the SVCB TTL (10 s): discovery runs again, and the resolver stays in use.
q0=$(printf '%s' "$j" | jq .ddr.queries)
sleep 12
got=$(ask after.ddr.test)
[ "$got" = 192.0.2.88 ] || world_fail "after re-discovery: '$got': $(dnsj)"
j=$(dnsj)
printf '%s' "$j" | world_jq --argjson q0 "$q0" '.ddr.queries > $q0 and .ddr.in_use == true
	and .tls[0].answers >= 6' >/dev/null || world_fail "no re-discovery at the TTL: $j"
world_log "ok: discovery ran again at the SVCB TTL ($q0 -> $(printf '%s' "$j" | jq .ddr.queries) queries)"
dns_capture_text enc >"$WORLD_TMP/enc.txt"
n=$(grep -vc 'Type64' "$WORLD_TMP/enc.txt" || true)
[ "$n" = 0 ] || world_fail "$n clear-text port-53 packets besides DDR's: $(cat "$WORLD_TMP/enc.txt")"
grep -q '_dns.resolver.arpa' "$WORLD_TMP/enc.txt" || world_fail "no DDR query seen at re-discovery"
world_log "ok: nothing in clear text on the link but the DDR queries ($(grep -c . "$WORLD_TMP/enc.txt"))"
out=$(world_ctl dns)
grep -q 'from ddr, checked by address' <<<"$out" && grep -q 'designated dns.example.net' <<<"$out" ||
	world_fail "mifctl dns: $out"
stop_mifd

# 2. Strict, a certificate for the name only: not used, and said why.
resolver ub2 noip 2001:db8:1::53
dns_capture_start r1 eth0 clear
start strict 2001:db8:1::/64 2001:db8:1::53
rej() { dnsj | jq -e '.ddr.resolvers[0].state == "rejected"' >/dev/null; }
world_wait_for "the designation rejected" 20 rej
j=$(dnsj)
printf '%s' "$j" | world_jq '.ddr.in_use == false and (.tls | length) == 0
	and (.ddr.resolvers[0].why | test("does not cover the clear-text resolver.s address 2001:db8:1::53"))' \
	>/dev/null || world_fail "rejected: $j"
got=$(ask c1.ddr.test)
[ "$got" = 192.0.2.88 ] || world_fail "clear text after the rejection: '$got'"
n=$(dns_capture_count clear 'c1\.ddr\.test')
[ "$n" -ge 1 ] || world_fail "the query did not go in clear text: $(cat "$WORLD_TMP/cap-clear.txt")"
grep -q 'does not cover' <<<"$(world_ctl dns)" || world_fail "mifctl dns does not say why"
world_log "ok: not used in verified mode: $(printf '%s' "$j" | jq -r '.ddr.resolvers[0].why')"
stop_mifd

# 3. The same certificate, the resolver at a ULA: opportunistic discovery.
resolver ub3 noip fd00:1::53
start opportunistic fd00:1::/64 fd00:1::53
world_wait_for "opportunistic discovery in use" 20 inuse
j=$(dnsj)
printf '%s' "$j" | world_jq '.ddr.resolvers[0].state == "opportunistic" and .tls[0].check == "address or none"' \
	>/dev/null || world_fail "opportunistic discovery: $j"
dns_capture_start r1 eth0 opp
got=$(ask o1.ddr.test)
[ "$got" = 192.0.2.88 ] || world_fail "opportunistic: '$got': $(dnsj)"
n=$(dns_capture_count opp 'ddr\.test')
[ "$n" = 0 ] || world_fail "opportunistic: the query went in clear text: $(cat "$WORLD_TMP/cap-opp.txt")"
j=$(dnsj)
printf '%s' "$j" | world_jq '.tls[0].answers >= 1 and .tls[0].verified == false' >/dev/null ||
	world_fail "opportunistic: not over TLS: $j"
world_log "ok: opportunistic discovery (ULA, same address): over TLS, unverified"
# The servers change: a second clear-text server that never answers.
# Discovery runs again at once; a designation replaces only the server
# that made it (section 4.1), so DDR is not used until both designate.
world_ra_send r1 -i eth0 --lifetime 1800 --prefix fd00:1::/64 --rdnss fd00:1::53,fd00:1::54
two() { dnsj | jq -e '(.ddr.servers | length) == 2 and .ddr.in_use == false
	and .ddr.servers[1].status == "no answer" and (.tls | length) == 0' >/dev/null; }
world_wait_for "discovery again for the new server list, DDR not in use" 20 two
world_log "ok: the server list changed: discovered again, not in use: $(dnsj | jq -c .ddr.servers)"
stop_mifd
start strict fd00:1::/64 fd00:1::53
world_wait_for "strict rejects the unverified designation" 20 rej
world_log "ok: strict does not take opportunistic discovery: $(dnsj | jq -r '.ddr.resolvers[0].why')"
stop_mifd

# 4. Global strict, this PvD off by its ID: no DDR, clear text.
id="$(world_lla r1 eth0)%eth0"
resolver ub4 ip 2001:db8:1::53
dns_capture_start r1 eth0 off
start - 2001:db8:1::/64 2001:db8:1::53 "tls = strict
tls_pvd = $id off"
got=$(ask f1.ddr.test)
[ "$got" = 192.0.2.88 ] || world_fail "off by ID: '$got'"
j=$(dnsj)
printf '%s' "$j" | world_jq --arg id "$id" '.pvd == $id and .tls_mode == "off" and .ddr == null' \
	>/dev/null || world_fail "off by ID: $j"
# A client's own DDR query is answered by the stub, never forwarded
# (RFC 9462 sections 6.1, 6.4): NODATA.
out=$(dns_dig h _dns.resolver.arpa TYPE64)
grep -q 'status: NOERROR' <<<"$out" && grep -q 'ANSWER: 0,' <<<"$out" ||
	world_fail "_dns.resolver.arpa asked of the stub: $out"
[ "$(world_ctl --json dns | jq .stub.resolver_arpa)" = 1 ] ||
	world_fail "resolver_arpa not counted: $(world_ctl --json dns | jq -c .stub)"
n=$(dns_capture_count off 'f1\.ddr\.test')
[ "$n" -ge 1 ] || world_fail "off by ID: the query did not go in clear text"
n=$(grep -c 'Type64' "$WORLD_TMP/cap-off.txt" || true)
[ "$n" = 0 ] || world_fail "off by ID: DDR asked anyway, or a client's DDR query forwarded"
world_log "ok: a PvD's own profile (off, by ID) wins over the global one (strict)"
world_log "ok: a client's _dns.resolver.arpa query gets NODATA from the stub, not forwarded"
world_pass
