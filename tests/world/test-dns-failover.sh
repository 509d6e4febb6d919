#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The stub resolver's server failover (doc/resolver.md, "Servers:
# retransmission and failover"):
#   - queries go to a PvD's first server; when it stops answering, the
#     second answers within the client's timeout, the first is shown with
#     a timeout and ranked behind (RTT ranking, issue 19), and the second
#     is asked first;
#   - once the first answers again it is used again (fail back) within
#     the re-measurement period (15 s) or probe schedule (16 s);
#   - an NXDOMAIN from the default PvD is final: never asked of another PvD;
#   - when every server of the default PvD is silent, a general name is
#     answered by the next PvD;
#   - a PvD whose only server is silent gives SERVFAIL within timeout_ms,
#     and mifctl resolve exits 1 naming the failure.
# Each server answers *.fo.test with its own address, so the answer tells
# which one answered; dnsmasq's query log tells which were asked.
#
#   r1 -- h:eth0 (wired, the default PvD): 2001:db8:1::53 "p1" (192.0.2.1),
#                                          2001:db8:1::54 "p2" (192.0.2.2)
#   r2 -- h:wlan0 (Wi-Fi):                 2001:db8:2::53 "q"  (192.0.2.3)
#   rd -- h:dead0 (static PvD "dead", domain dead.test): 2001:db8:d::53,
#         mif-dns-spoof --drop (counts queries, never answers)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/dns.sh"

world_init
world_require jq dig dnsmasq
world_router r1
world_router r2
world_host h
world_link r1 eth0 h eth0
world_link r2 eth0 h wlan0
for a in 1 53 54; do world_addr r1 eth0 "2001:db8:1::$a/64"; done
for a in 1 53; do world_addr r2 eth0 "2001:db8:2::$a/64"; done
world_host rd
world_link rd eth0 h dead0
world_addr rd eth0 2001:db8:d::53/64
world_addr h dead0 2001:db8:d::2/64
if [ -z "${MIF_DNS_SPOOF:-}" ] || [ ! -x "$MIF_DNS_SPOOF" ]; then
	world_fail "MIF_DNS_SPOOF is not set or not executable (${MIF_DNS_SPOOF:-})"
fi
world_bg rd dead "$MIF_DNS_SPOOF" -l 2001:db8:d::53 -a 192.0.2.99 --drop \
	--count "$WORLD_TMP/dead.count" --max-seconds 280

# nx.test is NXDOMAIN on the wired servers but has an address on r2's, so
# an NXDOMAIN retried on r2 would turn into an answer.
dns_dnsmasq r1 p1 2001:db8:1::53 "address=/fo.test/192.0.2.1
local=/nx.test/"
dns_dnsmasq r1 p2 2001:db8:1::54 "address=/fo.test/192.0.2.2
local=/nx.test/"
dns_dnsmasq r2 q 2001:db8:2::53 "address=/fo.test/192.0.2.3
address=/nx.test/192.0.2.3"

# r1 can silence one of its server addresses: incoming packets for it are
# blackholed by a policy rule placed before the local table (moved from
# priority 0 to 100, inside r1 only).
R1=$(world_ns r1)
ip -n "$R1" -6 rule add priority 100 lookup local
ip -n "$R1" -6 rule del priority 0 lookup local
# silence ADDR / unsilence ADDR: drop / deliver r1's packets for ADDR.
silence() { ip -n "$R1" -6 rule add priority 10 to "$1/128" blackhole; world_log "silenced $1"; }
unsilence() { ip -n "$R1" -6 rule del priority 10 to "$1/128" blackhole; world_log "unsilenced $1"; }

CONF=$(dns_mifd_conf "timeout_ms = 2000")
world_mifd h -c "$CONF"
dns_wait_stub h
world_ra_send r1 -i eth0 --lifetime 1800 --prefix 2001:db8:1::/64 \
	--rdnss 2001:db8:1::53,2001:db8:1::54
world_ra_send r2 -i eth0 --lifetime 1800 --prefix 2001:db8:2::/64 --rdnss 2001:db8:2::53
world_ctl pvd add dead --interface dead0 --dns 2001:db8:d::53 --domain dead.test >/dev/null
mif_expect "three PvDs, the RA ones with addresses" 15 'length == 3 and
	([.[] | select(.interfaces == ["eth0"] or .interfaces == ["wlan0"]) |
	  .addresses | map(select(.address | startswith("2001:db8:"))) | length > 0] == [true, true])'
routing_ready() { mif_status | jq -e '.routing.default.ipv6 != null' >/dev/null; }
world_wait_for "a default PvD chosen" 10 routing_ready
ID1=$(mif_pvds | jq -r '.[] | select(.interfaces == ["eth0"]) | .id')
ID2=$(mif_pvds | jq -r '.[] | select(.interfaces == ["wlan0"]) | .id')
world_log "wired PvD $ID1, Wi-Fi PvD $ID2"

# ask NAME [DIG_ARGS...]: the A records the stub gives for NAME (dig +short,
# +time=5 +tries=1), one per line; how long it took (ms) goes to
# $WORLD_TMP/ask.ms (ask runs in $(...)).
ask() {
	local name=$1 t0 out
	shift
	t0=$(world__now_ms)
	out=$(world_exec h dig @127.0.0.153 +tries=1 +time=5 +short "$name" A "$@" 2>&1) || true
	echo $(($(world__now_ms) - t0)) >"$WORLD_TMP/ask.ms"
	printf '%s\n' "$out"
}
# expect_answer NAME WANT DESC: the stub answers NAME with exactly WANT.
expect_answer() {
	local got
	got=$(ask "$1")
	[ "$got" = "$2" ] || world_fail "$3: $1 gave '$got' after $(cat "$WORLD_TMP/ask.ms") ms, want $2"
	world_log "ok: $3: $1 -> $got in $(cat "$WORLD_TMP/ask.ms") ms"
}
# server_state ADDR: the stub's state of server ADDR (mifctl dns --json).
server_state() {
	world_ctl --json dns | jq -c --arg a "$1" '[.pvds[].server_state[]? | select(.address == $a)][0]'
}
stub_ok() { [ -n "$(ask warmup.fo.test)" ]; }
world_wait_for "the stub answers through the wired PvD" 15 stub_ok

# 1. The first server answers; the second is not asked.
for i in 1 2 3; do expect_answer "a$i.fo.test" 192.0.2.1 "the first server answers"; done
[ "$(dns_count_queries p2 'a[0-9]\.fo\.test')" = 0 ] ||
	world_fail "the second server was asked while the first answered: $(dns_query_sources p2 'a[0-9]\.fo\.test')"
[ "$(dns_count_queries q 'a[0-9]\.fo\.test')" = 0 ] || world_fail "the Wi-Fi PvD was asked a default-PvD name"
server_state 2001:db8:1::53 | world_jq '.up == true and .answers >= 3 and .timeouts == 0' >/dev/null ||
	world_fail "first server's state after answers: $(server_state 2001:db8:1::53)"

# 2. The first server falls silent: the second answers within the
#    client's 5 s, the first gets timeouts and, after 3, is down.
silence 2001:db8:1::53
expect_answer b1.fo.test 192.0.2.2 "first server silent: the second answers"
st=$(server_state 2001:db8:1::53)
printf '%s' "$st" | world_jq '.timeouts >= 1' >/dev/null ||
	world_fail "a silent first server shows no timeout: $st"
world_log "ok: first server after one failover: $st"
for i in 2 3 4; do expect_answer "b$i.fo.test" 192.0.2.2 "first server still silent"; done
# Ranked by RTT (issue 19): its timeout counts as an RTT of at least its
# RTO (200 ms), so the second is asked first and the first not again until
# it is re-measured (every 15 s) or, had it been asked three times, down.
st=$(server_state 2001:db8:1::53)
printf '%s' "$st" | world_jq '.timeouts >= 1 and (.up == false or .srtt_ms >= 200)' >/dev/null ||
	world_fail "after 4 failovers the first server is neither down nor ranked behind: $st"
world_log "ok: first server ranked behind the second: $st"
# The second server is asked first, so no wait for a timeout.
out=$(dns_resolve b5.fo.test)
printf '%s' "$out" | world_jq --arg p "$ID1" '.rcode == "NOERROR" and .pvd == $p
	and .server == "2001:db8:1::54" and .ms < 1000 and ([.answers[].data] == ["192.0.2.2"])' >/dev/null ||
	world_fail "with the first server down: $out"
world_log "ok: the second server answered at once ($(printf '%s' "$out" | jq .ms) ms)"
n_p1=$(dns_count_queries p1 'c[0-9]+\.fo\.test')

# 3. The first server is back: within the probe schedule (16 s at most
#    between probes) it answers again; poll with fresh names.
unsilence 2001:db8:1::53
back=0
for ((i = 1; i <= 40; i++)); do
	got=$(ask "c$i.fo.test")
	if [ "$got" = 192.0.2.1 ]; then
		back=$i
		break
	fi
	[ "$got" = 192.0.2.2 ] || world_fail "c$i.fo.test during fail back gave '$got'"
	sleep 1
done
[ "$back" -gt 0 ] || world_fail "the first server was not used again within 40 s: $(server_state 2001:db8:1::53)"
[ "$(dns_count_queries p1 'c[0-9]+\.fo\.test')" -gt "$n_p1" ] ||
	world_fail "the first server's log did not grow after it came back"
world_log "ok: fail back after $back queries: $(server_state 2001:db8:1::53)"
expect_answer d1.fo.test 192.0.2.1 "the first server answers again"
server_state 2001:db8:1::53 | world_jq '.up == true' >/dev/null ||
	world_fail "first server answers but is not up: $(server_state 2001:db8:1::53)"

# 4. NXDOMAIN from the default PvD is final.
out=$(dns_resolve x1.nx.test) || world_fail "resolve x1.nx.test failed: $out"
printf '%s' "$out" | world_jq --arg p "$ID1" '.rcode == "NXDOMAIN" and .pvd == $p
	and (.answers | length) == 0' >/dev/null || world_fail "x1.nx.test: $out"
[ "$(dns_count_queries p1 'x1\.nx\.test')" -ge 1 ] || world_fail "p1 was not asked x1.nx.test"
st=$(world_exec h dig @127.0.0.153 +tries=1 +time=5 x2.nx.test A 2>&1) || true
grep -q "status: NXDOMAIN" <<<"$st" || world_fail "dig x2.nx.test: $st"
[ "$(dns_count_queries q 'x[0-9]\.nx\.test')" = 0 ] ||
	world_fail "an NXDOMAIN was retried on the Wi-Fi PvD: $(dns_query_sources q 'x[0-9]\.nx\.test')"
world_log "ok: NXDOMAIN from the default PvD not retried on $ID2"

# 5. Every server of the default PvD silent: the Wi-Fi PvD answers.
silence 2001:db8:1::53
silence 2001:db8:1::54
expect_answer e1.fo.test 192.0.2.3 "default PvD silent: the next PvD answers"
[ "$(dns_count_queries q 'e1\.fo\.test')" -ge 1 ] || world_fail "q did not log e1.fo.test"
out=$(dns_resolve e2.fo.test) || world_fail "resolve e2.fo.test with the default PvD silent: $out"
printf '%s' "$out" | world_jq --arg p1 "$ID1" --arg p2 "$ID2" '.rcode == "NOERROR" and .pvd == $p2
	and .rule == "default" and ([.answers[].data] == ["192.0.2.3"])
	and ([.attempts[] | select(.pvd == $p1)] | length >= 1)
	and ([.attempts[] | select(.pvd == $p1) | .result] | all(. != "answer"))' >/dev/null ||
	world_fail "fallback to the next PvD: $out"
world_log "ok: fallback: $(printf '%s' "$out" | jq -c '[.attempts[] | [.pvd, .server, .result]]')"
unsilence 2001:db8:1::53
unsilence 2001:db8:1::54

# 6. A PvD whose only server is silent: SERVFAIL within timeout_ms (2 s),
#    well before the client's 5 s.
t0=$(world__now_ms)
st=$(world_exec h dig @127.0.0.153 +tries=1 +time=5 z1.dead.test A 2>&1) || true
ms=$(($(world__now_ms) - t0))
grep -q "status: SERVFAIL" <<<"$st" || world_fail "dead PvD: dig z1.dead.test after $ms ms: $st"
[ "$ms" -lt 3500 ] || world_fail "dead PvD: SERVFAIL after $ms ms, timeout_ms is 2000"
[ "$(cat "$WORLD_TMP/dead.count")" -ge 1 ] || world_fail "the dead PvD's server was never asked"
world_log "ok: dead PvD: SERVFAIL after $ms ms; its server got $(cat "$WORLD_TMP/dead.count") queries"
rc=0
out=$(world_ctl resolve z2.dead.test 2>&1) || rc=$?
[ "$rc" = 1 ] || world_fail "mifctl resolve on the dead PvD: exit $rc (want 1): $out"
grep -qiE 'SERVFAIL|2001:db8:d::53|time' <<<"$out" ||
	world_fail "mifctl resolve on the dead PvD does not say what failed: $out"
world_log "ok: mifctl resolve z2.dead.test: exit 1: $out"
out=$(world_ctl --json dns which z3.dead.test)
printf '%s' "$out" | world_jq '[.pvds[].pvd] == ["dead"]' >/dev/null ||
	world_fail "dead.test is not the dead PvD's: $out"
# Nothing else was asked for it: no fallback for a domain's PvD.
[ "$(dns_count_queries q 'z[0-9]\.dead\.test')$(dns_count_queries p1 'z[0-9]\.dead\.test')" = 00 ] ||
	world_fail "a dead.test name was asked of another PvD"
world_assert "mifd still runs" world__alive "$WORLD_MIFD_PID"
world_pass
