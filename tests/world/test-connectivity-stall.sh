#!/bin/bash
# SPDX-License-Identifier: MIT
#
# A network goes silent while a TCP transfer runs through it (issue 13,
# item 3; problem statement 4.4 case 1): mifd sees the transfer's
# retransmission timeouts through sock_diag, checks that PvD at once with a
# short deadline, and moves the default for new connections to the other
# valid network without waiting for the hourly check. The transfer itself
# is not cut by mifd (it stalls because its network did). Then again with
# no TCP traffic at all, only name lookups through mifd's stub resolver:
# two of the PvD's DNS queries timing out in a row are the signal.
#
#   i1 (nginx 204, TCP sink :9000) -- r1 -- h:eth0  (2001:db8:1::/64, preference high)
#   i2 (nginx 204)                 -- r2 -- h:eth1  (2001:db8:2::/64)
# r1 is then blackholed: nftables on r1 drops everything from h's link.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/tls.sh"

world_init
world_require jq radvd dnsmasq nginx curl nc nft dig
T=$WORLD_TMP
world_require openssl
# Both networks fully valid (HTTP and HTTPS), as most are: a test CA.
tls_ca
tls_cert check.test check
world_host h
conn_net 1 high
conn_net 2
world_bg i1 sink sh -c "exec nc -6 -l -k 9000 >/dev/null"
conn_conf "timeout_ms = 2000"
WORLD_CONNECTIVITY=1 world_mifd h --config "$T/mifd.conf"
P1=$(mif_pvd_on eth0)
P2=$(mif_pvd_on eth1)
mif_expect "both networks valid" 20 \
	"length == 2 and ($P1[0].connectivity_state == \"valid\")
	 and ($P2[0].connectivity_state == \"valid\")"
json=$(mif_pvds)
ID1=$(printf '%s' "$json" | jq -r "$P1[0].id")
ID2=$(printf '%s' "$json" | jq -r "$P2[0].id")
default6() { world_ctl --json status | jq -r '.routing.default_pvd.ipv6 // empty'; }
is_default() { [ "$(default6)" = "$1" ]; }
world_wait_for "r1 (router preference high) is the default" 10 is_default "$ID1"

# A transfer through the default network (no bound source: the kernel's
# choice, r1), paced so that data is always in flight.
world_bg h upload curl -s -H 'Expect:' --limit-rate 50k -T /dev/zero \
	"http://[2001:db8:f1::80]:9000/"
UPLOAD_PID=$WORLD_LAST_PID
sleep 1
world__alive "$UPLOAD_PID" || world_fail "the upload did not start"
checks_before=$(printf '%s' "$json" | jq "$P1[0].connectivity.checks")

# r1 goes silent.
world_exec r1 nft -f - <<'NFT' || world_fail "nft on r1"
table inet blackhole {
	chain input { type filter hook input priority 0; iifname "eth0" drop; }
	chain forward { type filter hook forward priority 0; drop; }
}
NFT
t0=$(world__now_ms)
# Target 1 s (bench/); a generous deadline here.
world_wait_for "r1 demoted while the transfer stalls" 5 is_default "$ID2"
t1=$(world__now_ms)
world_log "ok - the default moved to r2 $((t1 - t0)) ms after r1 went silent"
json=$(mif_pvds)
check() { printf '%s' "$json" | world_jq "$1" >/dev/null; }
world_assert "r1 is no-internet, found by a check that followed a stall" \
	check "$P1[0].connectivity_state == \"no-internet\" and $P1[0].connectivity.stalls >= 1
	       and $P1[0].connectivity.checks > $checks_before"
world_assert "r2 was not disturbed" check "$P2[0].connectivity_state == \"valid\""
world__alive "$UPLOAD_PID" || world_fail "the transfer was cut"
world_log "ok - the stalled transfer is still there: mifd cut nothing"
st=$(world_ctl --json status | jq '.connectivity.stall_hints')
[ "$st" -ge 1 ] || world_fail "no stall hint counted"
kill "$UPLOAD_PID" 2>/dev/null || true

# r1 comes back, is valid and the default again (its router says "high").
world_exec r1 nft delete table inet blackhole
world_wait_for "r1 the default again" 15 is_default "$ID1"
# Silent again, and this time only names are asked (general names go to
# the default network's server, r1's).
world_exec r1 nft -f - <<'NFT' || world_fail "nft on r1"
table inet blackhole {
	chain input { type filter hook input priority 0; iifname "eth0" drop; }
	chain forward { type filter hook forward priority 0; drop; }
}
NFT
t0=$(world__now_ms)
for i in 1 2 3 4 5; do
	world_exec h dig @127.0.0.153 +tries=1 +time=2 "n$i.example" >/dev/null 2>&1 || true
	is_default "$ID2" && break
done
world_wait_for "r1 demoted after its DNS queries timed out" 5 is_default "$ID2"
t1=$(world__now_ms)
world_log "ok - only DNS traffic: the default moved to r2 $((t1 - t0)) ms after r1 went silent"
world_pass
