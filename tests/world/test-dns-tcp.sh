#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The stub resolver and answers too big for UDP (doc/resolver.md: "A
# truncated answer (TC) is asked again over TCP from the same server,
# through the same PvD"; EDNS0 passed through):
#   - a name with 60 AAAA records (about 1.7 kB: more than 512 octets and
#     more than EDNS0's 1232) makes the upstream set TC; the stub asks it
#     again over TCP, through the PvD, and mifctl resolve says "tcp": true;
#     the answer is cached;
#   - a UDP client without EDNS0, or with 1232 octets, gets an empty reply
#     with TC set; over TCP it gets every record;
#   - a UDP client advertising 4096 octets gets every record without TC;
#   - a name with 100 A records (more than the cache keeps: 64 per section)
#     still reaches a plain UDP client: TC, then every record over TCP;
#   - a reply carries an OPT record exactly when the query did, forwarded
#     or from the cache.
#
#   r1 -- h:eth0 (the only PvD): 2001:db8:1::53 dnsmasq "up"
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/dns.sh"

world_init
world_require jq dig dnsmasq tcpdump
world_router r1
world_host h
world_link r1 eth0 h eth0
world_addr r1 eth0 2001:db8:1::1/64
world_addr r1 eth0 2001:db8:1::53/64
N=60      # AAAA records of big.tcp.test
N2=100    # A records of big2.tcp.test
for ((i = 1; i <= N2; i++)); do
	[ "$i" -gt "$N" ] || printf '2001:db8:b16::%d big.tcp.test\n' "$i"
	printf '203.0.113.%d big2.tcp.test\n' "$i"
done >"$WORLD_TMP/big.hosts"
dns_dnsmasq r1 up 2001:db8:1::53 "addn-hosts=$WORLD_TMP/big.hosts
edns-packet-max=4096
local-ttl=300
host-record=small1.tcp.test,192.0.2.11
host-record=small2.tcp.test,192.0.2.12
host-record=small3.tcp.test,192.0.2.13
local=/tcp.test/"
# The server itself: TC without EDNS0, everything with it or over TCP.
out=$(world_exec r1 dig @2001:db8:1::53 +tries=1 +time=2 +notcp +noedns +ignore big.tcp.test AAAA)
grep -q "flags:.* tc" <<<"$out" || world_fail "dnsmasq does not truncate big.tcp.test: $out"
out=$(world_exec r1 dig @2001:db8:1::53 +tries=1 +time=2 +tcp +short big.tcp.test AAAA)
[ "$(grep -c . <<<"$out")" = "$N" ] || world_fail "dnsmasq over TCP: $out"

world_mifd h -c "$(dns_mifd_conf)"
dns_wait_stub h
world_ra_send r1 -i eth0 --lifetime 1800 --prefix 2001:db8:1::/64 --rdnss 2001:db8:1::53
mif_expect "the PvD with an address" 15 \
	'length == 1 and (.[0].addresses | map(select(.address | startswith("2001:db8:1:"))) | length > 0)'
ID=$(mif_pvds | jq -r '.[0].id')
stub_ok() { [ "$(dns_dig_short h small3.tcp.test A)" = 192.0.2.13 ]; }
world_wait_for "the stub answers through the PvD" 15 stub_ok
H_ADDRS=$(mif_pvds | jq -r '.[0].addresses[].address')

dns_capture_start r1 eth0 up

# expect_records OUT NAME TYPE COUNT DESC: dig output OUT holds COUNT
# records of NAME and TYPE and no TC flag.
expect_records() {
	local n
	n=$(grep -cE "^${2//./\\.}\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+$3[[:space:]]" <<<"$1" || true)
	[ "$n" = "$4" ] || world_fail "$5: $n of $4 records: $1"
	if grep -qE '^;; flags:[^;]* tc' <<<"$1"; then world_fail "$5: TC set: $1"; fi
	world_log "ok: $5: $n records, no TC"
}
# expect_tc OUT DESC: dig output OUT is an empty reply with TC set.
expect_tc() {
	grep -qE '^;; flags:[^;]* tc' <<<"$1" || world_fail "$2: no TC: $1"
	grep -q "ANSWER: 0," <<<"$1" || world_fail "$2: a TC reply with records: $1"
	world_log "ok: $2: TC, empty"
}

# 1. First (uncached) query through mifctl (which asks with EDNS0 and
#    1232 octets): the upstream truncates, the stub asks again over TCP.
out=$(dns_resolve big.tcp.test --type AAAA) || world_fail "mifctl resolve big.tcp.test: $out"
printf '%s' "$out" | world_jq --arg p "$ID" --argjson n "$N" '.rcode == "NOERROR" and .pvd == $p
	and .tcp == true and .cached == false and (.answers | length) == $n
	and ([.answers[].data] | sort) == ([range(1; $n + 1) | "2001:db8:b16::\(. | tostring)"] | sort)
	and (.attempts | map(.result) | index("truncated") != null)' >/dev/null ||
	world_fail "resolve big.tcp.test (uncached): $(printf '%s' "$out" | jq -c 'del(.answers)')"
world_log "ok: mifctl resolve: $N records over TCP: $(printf '%s' "$out" | jq -c '.attempts')"
out=$(dns_resolve big.tcp.test --type AAAA) || world_fail "mifctl resolve big.tcp.test again: $out"
printf '%s' "$out" | world_jq --argjson n "$N" '.cached == true and (.answers | length) == $n' >/dev/null ||
	world_fail "big.tcp.test not cached: $(printf '%s' "$out" | jq -c 'del(.answers)')"

# 2. UDP clients that cannot take it: TC, no records, OPT only with EDNS0.
out=$(dns_dig h +notcp +noedns +ignore big.tcp.test AAAA)
expect_tc "$out" "UDP without EDNS0"
if grep -q "OPT PSEUDOSECTION" <<<"$out"; then
	world_fail "UDP without EDNS0: the reply has an OPT record: $out"
fi
out=$(dns_dig h +notcp +bufsize=1232 +ignore big.tcp.test AAAA)
expect_tc "$out" "UDP, EDNS0 1232"
# 3. Over TCP: every record.
expect_records "$(dns_dig h +tcp big.tcp.test AAAA)" big.tcp.test AAAA "$N" "TCP client"
# 4. UDP with EDNS0 and 4096 octets: every record, no TC.
out=$(dns_dig h +notcp +bufsize=4096 big.tcp.test AAAA)
expect_records "$out" big.tcp.test AAAA "$N" "UDP, EDNS0 4096"
grep -q "OPT PSEUDOSECTION" <<<"$out" || world_fail "UDP, EDNS0: the reply lacks OPT: $out"
# 5. Too many records to cache, first asked by a plain UDP client: TC from
#    the stub (which got it over TCP), then dig's own retry over TCP.
expect_tc "$(dns_dig h +notcp +noedns +ignore big2.tcp.test A)" "big2, UDP without EDNS0"
expect_records "$(dns_dig h +noedns big2.tcp.test A)" big2.tcp.test A "$N2" \
	"big2, dig retrying over TCP"

# 6. OPT only when the query had one: forwarded and cached answers.
opt_check() {   # NAME EDNS(yes|no) DESC
	local out
	if [ "$2" = yes ]; then
		out=$(dns_dig h +edns=0 "$1" A)
	else
		out=$(dns_dig h +noedns "$1" A)
	fi
	grep -q "status: NOERROR" <<<"$out" || world_fail "$3: $out"
	if grep -q "OPT PSEUDOSECTION" <<<"$out"; then
		[ "$2" = yes ] || world_fail "$3: OPT in the reply to a query without one: $out"
	else
		[ "$2" = no ] || world_fail "$3: no OPT in the reply to a query with one: $out"
	fi
	world_log "ok: $3"
}
hits0=$(world_ctl --json dns | jq .stub.hits)
opt_check small1.tcp.test no "forwarded, no EDNS0: no OPT"
opt_check small1.tcp.test no "cached, no EDNS0: no OPT"
opt_check small1.tcp.test yes "cached (stored from a query without OPT), EDNS0: OPT"
opt_check small2.tcp.test yes "forwarded, EDNS0: OPT"
opt_check small2.tcp.test yes "cached, EDNS0: OPT"
opt_check small2.tcp.test no "cached (stored from a query with OPT), no EDNS0: no OPT"
hits1=$(world_ctl --json dns | jq .stub.hits)
[ "$hits1" -ge $((hits0 + 4)) ] || world_fail "the 4 repeated small queries were not cache hits ($hits0 -> $hits1)"

# 7. The upstream saw TCP connections, from the PvD's address, and the
#    stub counted its TCP retries.
cap=$(dns_capture_text up)
syn=$(grep -E '> 2001:db8:1::53\.53: Flags \[S\]' <<<"$cap" || true)
[ -n "$syn" ] || world_fail "no TCP connection to the upstream was captured: $cap"
while read -r line; do
	src=$(awk '{ print $3 }' <<<"$line")
	src=${src%.*}
	grep -qxF "$src" <<<"$H_ADDRS" || world_fail "TCP to the upstream from $src, not a PvD address ($H_ADDRS)"
done <<<"$syn"
world_log "ok: $(grep -c . <<<"$syn") TCP connection(s) to the upstream, from the PvD's address"
world_ctl --json dns | world_jq '.stub.tcp_retries >= 2 and .stub.tcp >= 2' >/dev/null ||
	world_fail "stub counters: $(world_ctl --json dns | jq -c .stub)"
world_assert "mifd still runs" world__alive "$WORLD_MIFD_PID"
# RFC 7766 section 6.2.1.1: 40 uncached queries pipelined on one connection
# (more than the stub keeps in flight per connection), then a half-close:
# every one is answered.
out=$(world_exec h "$MIF_DNS_SPOOF" --tcp-pipeline 127.0.0.153:53 40 pipe.tcp.test) ||
	world_fail "pipelined TCP queries not all answered: $out"
world_log "ok: 40 pipelined TCP queries, half-closed, all answered: $out"
world_pass
