#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The stub resolver against forged answers and garbage (doc/resolver.md:
# "An answer is accepted only from the address and port it was sent to, on
# the socket it was sent from, with the same ID and question (RFC 5452
# section 9.1). Anything else is dropped and counted"):
#   - the PvD's server (mif-dns-spoof) sends, before each genuine answer,
#     one with the wrong ID, one for another question, one from another
#     address and one from another port, all carrying 192.0.2.66: the stub
#     returns only the genuine 192.0.2.10 and counts each kind;
#   - thousands of malformed datagrams to the stub (short, responses,
#     qdcount 0 or 2, long labels and names, compression loops, counts
#     larger than the message, bad OPT, random bytes) and misbehaving TCP
#     clients (a length prefix and nothing, half a prefix, a 0-length
#     message, a huge length): mifd stays up, counts them, and still
#     answers good queries over UDP and TCP.
#
#   r1 -- h:eth0 (the only PvD): mif-dns-spoof on 2001:db8:1::53, forging
#         from 2001:db8:1::66 and from port 5353
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/dns.sh"

world_init
world_require jq dig
if [ -z "${MIF_DNS_SPOOF:-}" ] || [ ! -x "$MIF_DNS_SPOOF" ]; then
	world_fail "MIF_DNS_SPOOF is not set or not executable (${MIF_DNS_SPOOF:-})"
fi
world_router r1
world_host h
world_link r1 eth0 h eth0
for a in 1 53 66; do world_addr r1 eth0 "2001:db8:1::$a/64"; done
world_bg r1 spoof "$MIF_DNS_SPOOF" -l 2001:db8:1::53 -a 192.0.2.10 --forged 192.0.2.66 \
	--wrong-id --wrong-question --from 2001:db8:1::66 --from-port 5353 \
	--count "$WORLD_TMP/spoof.count" --log "$WORLD_TMP/spoof-queries.log" --max-seconds 280
SPOOF_PID=$WORLD_LAST_PID
spoof_ready() { grep -q "ready on" "$WORLD_TMP/spoof.log"; }
world_wait_for "mif-dns-spoof listening" 5 spoof_ready

world_mifd h -c "$(dns_mifd_conf)"
dns_wait_stub h
world_ra_send r1 -i eth0 --lifetime 1800 --prefix 2001:db8:1::/64 --rdnss 2001:db8:1::53
mif_expect "the PvD with an address" 15 \
	'length == 1 and (.[0].addresses | map(select(.address | startswith("2001:db8:1:"))) | length > 0)'
ID=$(mif_pvds | jq -r '.[0].id')
stub_ok() { [ -n "$(dns_dig_short h warmup.spoof.test A)" ]; }
world_wait_for "the stub answers through the PvD" 15 stub_ok

stub() { world_ctl --json dns | jq -c .stub; }
# good NAME DESC [DIG_ARGS...]: the stub answers NAME with 192.0.2.10 only.
good() {
	local name=$1 desc=$2 got
	shift 2
	got=$(dns_dig_short h "$@" "$name" A 2>&1) || true
	[ "$got" = 192.0.2.10 ] || world_fail "$desc: $name gave '$got' (192.0.2.66 is forged)"
	world_log "ok: $desc: $name -> $got"
}

# 1. Forgeries first, the genuine answer 20 ms later: only the genuine one.
before=$(stub)
good a1.spoof.test "forged answers dropped"
out=$(dns_resolve a2.spoof.test) || world_fail "mifctl resolve a2.spoof.test: $out"
printf '%s' "$out" | world_jq --arg p "$ID" '.rcode == "NOERROR" and .pvd == $p
	and [.answers[].data] == ["192.0.2.10"] and .server == "2001:db8:1::53"' >/dev/null ||
	world_fail "mifctl resolve with forgeries: $out"
good a3.spoof.test "forged answers dropped, TCP client" +tcp
after=$(stub)
printf '%s' "$after" | world_jq --argjson b "$before" '
	.spoofed.id - $b.spoofed.id >= 1 and .spoofed.question - $b.spoofed.question >= 1
	and .spoofed.source - $b.spoofed.source >= 2' >/dev/null ||
	world_fail "spoofed counters: before $before, after $after"
world_log "ok: counted: $(printf '%s' "$after" | jq -c .spoofed)"
# The server saw the queries from the PvD's address.
src=$(awk '$2 == "a1.spoof.test." { print $4 }' "$WORLD_TMP/spoof-queries.log" | head -n 1)
case "$src" in "[2001:db8:1:"*) ;; *) world_fail "a1.spoof.test reached the server from '$src'" ;; esac

# 2. A flood of malformed datagrams: still answering, counted.
m0=$(stub | jq .malformed)
case "$m0" in '' | *[!0-9]*) world_fail "no stub.malformed counter: $(stub)" ;; esac
for seed in 1 2; do
	out=$(world_exec h "$MIF_DNS_SPOOF" --flood 127.0.0.153:53 3000 --seed "$seed") ||
		world_fail "flood $seed: $out"
	world_log "flood $seed: $out"
done
world_assert "mifd alive after the UDP flood" world__alive "$WORLD_MIFD_PID"
good b1.spoof.test "after the UDP flood"
good b2.spoof.test "after the UDP flood, over TCP" +tcp
m1=$(stub | jq .malformed)
[ "$m1" -ge $((m0 + 1000)) ] || world_fail "malformed grew from $m0 to only $m1 after 6000 bad datagrams"
world_log "ok: malformed $m0 -> $m1; stub: $(stub)"
# The junk did not reach the PvD's server as queries: only a small share
# of the shapes parse at all (counts past the end, bad OPT), and those the
# stub must reject too.
junk=$(grep -c ' junk[0-9]*\.test\. ' "$WORLD_TMP/spoof-queries.log" || true)
[ "$junk" = 0 ] || world_fail "$junk malformed queries were forwarded to the PvD's server"

# 3. Misbehaving TCP clients, twice.
for _ in 1 2; do
	out=$(world_exec h "$MIF_DNS_SPOOF" --tcp-junk 127.0.0.153:53) || world_fail "tcp-junk: $out"
	printf '%s' "$out" | world_jq '.failed == 0' >/dev/null || world_fail "TCP connections refused: $out"
	world_log "tcp-junk: $out"
done
world_assert "mifd alive after the TCP junk" world__alive "$WORLD_MIFD_PID"
good c1.spoof.test "after the TCP junk, over TCP" +tcp
good c2.spoof.test "after the TCP junk, over UDP"
world_ctl --json dns | world_jq '.stub.outstanding == 0' >/dev/null ||
	world_fail "queries left outstanding: $(stub)"
world_assert "mif-dns-spoof still runs" world__alive "$SPOOF_PID"
world_pass
