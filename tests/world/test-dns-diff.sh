#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Differential test (issue 19): mifd's stub and unbound, both forwarding to
# the same authoritative server (nsd) with an edge-case zone signed with
# DNSSEC (ldns-signzone, NSEC): CNAME chains (and a loop, and one dangling),
# wildcards (and NODATA at a wildcard, the literal "*" name), empty
# non-terminals, NXDOMAIN and NODATA, answers of ~1 KB, ~8 KB and 70
# records (truncated at 512 octets and over UDP without EDNS, whole over
# TCP), DNAME, an unknown type, escaped and binary labels, a 200-octet name,
# case; each asked plain, without EDNS, with DO, CD, DO+CD, AD, over TCP and
# with a 512-octet EDNS size; EDNS version 1, unknown and NSID options,
# class CH, RD clear, opcode STATUS. tests/world/dns-diff.py compares the
# answers field by field (rcode, flags, question, answer RRsets ignoring
# TTL and order, negative-answer proof records, OPT), each query twice (a
# miss, then a hit), and fails on any difference that doc/resolver.md does
# not list and justify. Then again with both forwarding to a validating
# unbound (the zone's KSK as trust anchor; the reference validates too),
# with a record whose signature is broken (bogus).
#
#   up: nsd 10.53.0.1 (diff.example, signed) -- h: eth0 10.53.0.2
#   h:  mifd 127.0.0.153 (static PvD "up", DNS 10.53.0.1), unbound 127.0.0.3
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/dns.sh"

world_init
world_require jq dig nsd unbound unbound-checkconf ldns-keygen ldns-signzone
/usr/bin/python3 -c 'import dns.message' 2>/dev/null ||
	world_skip "python3-dnspython is not installed (scripts/deps.sh installs it)"
upstream=10.53.0.1
world_host up
world_host h
world_link up eth0 h eth0
ip -n "$(world_ns up)" addr add "$upstream/24" dev eth0
ip -n "$(world_ns h)" addr add 10.53.0.2/24 dev eth0

# The zone.
Z=diff.example
zf=$WORLD_TMP/$Z.zone
{
	# shellcheck disable=SC2016
	printf '$ORIGIN %s.\n$TTL 300\n' "$Z"
	cat <<'EOF'
@ SOA ns admin 1 3600 600 86400 300
@ NS ns
ns A 10.53.0.1
www A 192.0.2.1
www AAAA 2001:db8::1
c1 CNAME c2
c2 CNAME c3
c3 CNAME www
loop1 CNAME loop2
loop2 CNAME loop1
dangling CNAME nowhere
*.wild A 192.0.2.2
*.wild TXT "wild card"
a.b.ent A 192.0.2.3
a\.b A 192.0.2.4
sp\032ace A 192.0.2.5
\000bin\255 A 192.0.2.6
upper A 192.0.2.7
q TXT "quote\"d" "semi;colon" "back\\slash" "\000\255"
u TYPE65280 \# 4 01020304
mx MX 10 www
_sip._udp SRV 0 5 5060 www
dn DNAME target
x.target A 192.0.2.8
bogus A 192.0.2.11
EOF
	printf 'L1%s.L2%s.L3%s A 192.0.2.9\n' "$(printf 'a%.0s' {1..61})" \
		"$(printf 'b%.0s' {1..61})" "$(printf 'c%.0s' {1..61})"
	for i in $(seq 1 4); do printf 'mid TXT "%s"\n' "$(printf "m$i%.0s" {1..100})"; done
	for i in $(seq 1 40); do printf 'big TXT "%03d%s"\n' "$i" "$(printf 'x%.0s' {1..196})"; done
	for i in $(seq 1 70); do printf 'many A 10.1.0.%d\n' "$i"; done
} >"$zf"
(cd "$WORLD_TMP" && ldns-keygen -a ECDSAP256SHA256 -k "$Z" >ksk.name &&
	ldns-keygen -a ECDSAP256SHA256 "$Z" >zsk.name) || world_fail "ldns-keygen failed"
(cd "$WORLD_TMP" && ldns-signzone -o "$Z" "$zf" "$(cat ksk.name)" "$(cat zsk.name)") ||
	world_fail "ldns-signzone failed"
# bogus.diff.example: its A record changed after signing, so a validator
# finds its signature wrong (SERVFAIL; with CD, the data).
sed -i 's/^\(bogus\.diff\.example\.[[:space:]].*[[:space:]]A[[:space:]]*\)192\.0\.2\.11$/\1192.0.2.12/' \
	"$zf.signed"
grep -q '192\.0\.2\.12$' "$zf.signed" || world_fail "could not break bogus's signature"
dns_nsd up "$upstream" "$Z" "$Z.zone.signed" 1
up_ok() { [ "$(world_exec h dig @"$upstream" +tries=1 +time=1 +short "www.$Z" A)" = 192.0.2.1 ]; }
world_wait_for "nsd answering" 30 up_ok

# unbound: a caching forwarder to nsd, like the stub (no trust anchor: it
# does not validate, and neither does the stub).
dns_unbound h ref "interface: 127.0.0.3
	access-control: 127.0.0.0/8 allow
	do-ip6: no
	module-config: \"iterator\"
	qname-minimisation: no
	do-not-query-localhost: no
	domain-insecure: \"$Z\"
forward-zone:
	name: \".\"
	forward-addr: $upstream"

world_mifd h -c "$(dns_mifd_conf "")" --interface eth0
dns_wait_stub h
world_ctl pvd add up --interface eth0 --dns "$upstream" --route 0.0.0.0/0 >/dev/null ||
	world_fail "mifctl pvd add up failed"
stub_ok() { [ "$(dns_dig_short h "www.$Z" A)" = 192.0.2.1 ]; }
world_wait_for "the stub answering through the PvD" 15 stub_ok

diff_run() {   # diff_run NAME REF_ADDR
	local out=$WORLD_TMP/diff-$1.txt rc=0
	world_exec h timeout 300 /usr/bin/python3 "$(dirname "$0")/dns-diff.py" 127.0.0.153 "$2" \
		"$Z" >"$out" 2>&1 || rc=$?
	cat "$out" >&2
	[ "$rc" = 0 ] || world_fail "$1: the stub and unbound differ (see above)"
	world_log "ok: $1: $(tail -n 1 "$out")"
}
diff_run authoritative 127.0.0.3

# The same through a validating resolver (unbound with the zone's KSK as
# its trust anchor, in "up", over nsd): both forward to it; the reference
# validates too (same anchor), so AD, bogus data (SERVFAIL, or the data
# with CD) and the cache's AD rules are compared.
ip -n "$(world_ns up)" addr add 10.53.0.5/24 dev eth0
cp "$WORLD_TMP/$(cat "$WORLD_TMP/ksk.name").key" "$WORLD_TMP/anchor.key"
dns_unbound up val "interface: 10.53.0.5
	access-control: 10.53.0.0/24 allow
	do-ip6: no
	do-not-query-localhost: no
	trust-anchor-file: \"$WORLD_TMP/anchor.key\"
	val-log-level: 1
stub-zone:
	name: \"$Z\"
	stub-addr: $upstream"
dns_unbound h ref2 "interface: 127.0.0.4
	access-control: 127.0.0.0/8 allow
	do-ip6: no
	qname-minimisation: no
	do-not-query-localhost: no
	trust-anchor-file: \"$WORLD_TMP/anchor.key\"
forward-zone:
	name: \".\"
	forward-addr: 10.53.0.5"
world_ctl pvd set up --dns 10.53.0.5 >/dev/null || world_fail "mifctl pvd set up failed"
world_ctl dns flush >/dev/null || world_fail "mifctl dns flush failed"
val_ok() { dns_dig h +dnssec "www.$Z" A | grep -q 'flags:.* ad'; }
world_wait_for "the stub answering with AD through the validator" 15 val_ok
diff_run validating 127.0.0.4
# What the comparison agreed on, checked outright for the bogus record.
st=$(dns_dig_status h "bogus.$Z" A)
[ "$st" = SERVFAIL ] || world_fail "bogus.$Z through the validator: $st (want SERVFAIL)"
got=$(dns_dig_short h +cd "bogus.$Z" A)
[ "$got" = 192.0.2.12 ] || world_fail "bogus.$Z with CD: '$got'"
dns_dig h +cd "bogus.$Z" A | grep -q 'flags:.* cd' || world_fail "bogus.$Z: CD not in the reply"
world_log "ok: bogus data: SERVFAIL, and with CD the data (CD in the reply)"
world_pass
