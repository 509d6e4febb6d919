#!/bin/bash
# SPDX-License-Identifier: MIT
# An IPv4 home address (inner IPv4, RFC 5555; issues 15 and 16): the
# mobility world of mobility.sh with home_prefix4 = 192.0.2.0/24 at the
# home agent and 192.0.2.10 for the mobile node (tests/tools/mif-mn
# --hoa4), asked for by the IPv4 Home Address option in every Binding
# Update and acknowledged by the IPv4 Address Acknowledgement.
#
#   mn eth1 -- r1 -- core -- ha       cn: 2001:db8:c::2 and 198.18.0.2
#   mn eth2 -- r2 --/ |  \-- cn
#   mn eth3 -- r3 ----/  (IPv4 only, NAT)
#
# Shows: the home agent binds the IPv4 home address and the mobile node
# sees it acknowledged; an IPv4 program on the mobile node (curl, one TCP
# connection from 192.0.2.10 to 198.18.0.2) downloads a file while the
# network carrying it loses carrier (eth1, then eth2), ending on the IPv4
# NAT network (inner IPv4 in outer IPv4), on its one connection, byte for
# byte. Baseline: the same download from the plain IPv4 address of a
# network that is then cut stalls and is given up.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

world_init
world_require nft curl jq python3
. "$(dirname "$0")/mobility.sh"
mob_world

HOA4=192.0.2.10
# The correspondent's and the home agent's IPv4 side.
world_sysctl ha net.ipv4.ip_forward=1
ip -n "$(world_ns cn)" addr add 198.18.0.2/24 dev eth0
ip -n "$(world_ns core)" addr add 198.18.0.1/24 dev cn
ip -n "$(world_ns cn)" route add default via 198.18.0.1
ip -n "$(world_ns core)" route add 192.0.2.0/24 via 203.0.113.1

# Both ends again with the IPv4 home address configured.
for p in "$MN_PID" "$HAD_PID"; do
	kill -TERM "$p" 2>/dev/null || true
	for _ in $(seq 1 50); do world__alive "$p" || break; sleep 0.1; done
done
sed -i 's|^\[ha\]$|[ha]\nhome_prefix4 = 192.0.2.0/24|; s|^\[mn phone\]$|[mn phone]\nhoa4 = '"$HOA4"'|' \
	"$WORLD_TMP/had.conf"
rm -f "$WORLD_TMP/mn.json" "$WORLD_TMP/had.sock"
world_bg ha had "$HAD" -c "$WORLD_TMP/had.conf"
HAD_PID=$WORLD_LAST_PID
world_wait_for "mif-had status socket" 10 test -S "$WORLD_TMP/had.sock"
world_wait_for "the home agent routes the IPv4 home prefix into its TUN" 5 \
	bash -c "ip -n $(world_ns ha) -4 route show 192.0.2.0/24 | grep -q mifha0"
ip -n "$(world_ns mn)" addr add "$HOA4/32" dev mifmn0
ip -n "$(world_ns mn)" route add 198.18.0.0/24 dev mifmn0 src "$HOA4"
mob_start_mn --hoa4 "$HOA4"
world_wait_for "three bindings alive, downlink on BID 1" 10 mob_all_alive
world_wait_for "MN registered, uplink eth1" 5 mob_uplink_is eth1
acked() { jq -e '.hoa4_acked and .hoa4_status == 0' "$WORLD_TMP/mn.json"; }
world_wait_for "IPv4 home address acknowledged (status 0)" 5 acked
world_assert "the home agent bound the IPv4 home address" \
	bash -c "$HAD --status -s $WORLD_TMP/had.sock | jq -e '.mobile_nodes[0] |
		.hoa4 == \"$HOA4\" and .hoa4_bound'"
world_assert "correspondent reachable over IPv4 from the home address" \
	world_exec mn ping -4 -c 2 -W 2 -I "$HOA4" 198.18.0.2

# 12 MiB paced by cn's uplink (tbf, 16 Mbit/s: about 6 s, long enough for
# two cuts; curl's own --limit-rate reads in bursts, so the kernel would
# hold most of the file before a cut).
world_exec cn tc qdisc add dev eth0 root tbf rate 16mbit burst 32kb latency 400ms
world_exec cn dd if=/dev/urandom of="$WORLD_TMP/big4" bs=1M count=12 status=none
world_bg cn http4 python3 -m http.server -b 198.18.0.2 -d "$WORLD_TMP" 8081
world_wait_for "IPv4 http server" 10 world_exec mn curl -s -o /dev/null -r 0-0 \
	"http://198.18.0.2:8081/big4"

# Baseline: a plain host, its IPv4 address on eth3 (the NAT network) as
# source and no tunnel; eth3 loses carrier 1 s in: the download stalls and
# is given up (curl gives up after 4 s without a byte).
world_bg mn plain curl -sS --interface eth3 -y 4 -Y 1 \
	-o "$WORLD_TMP/plain4" -w '%{num_connects} %{size_download}\n' "http://198.18.0.2:8081/big4"
PLAIN=$WORLD_LAST_PID
sleep 1
ip -n "$(world_ns r3)" link set eth0 down
for _ in $(seq 1 150); do world__alive "$PLAIN" || break; sleep 0.1; done
world__alive "$PLAIN" && world_fail "the plain download did not end"
if wait "$PLAIN"; then
	world_fail "the plain download survived the loss of its network"
fi
world_log "baseline (plain IPv4 via eth3, carrier lost 1 s in): $(tail -2 "$WORLD_TMP/plain.log" | tr '\n' ' ')"
ip -n "$(world_ns r3)" link set eth0 up
world_wait_for "three bindings alive again" 10 mob_all_alive

world_bg mn curl4 curl -sS -o "$WORLD_TMP/got4" \
	-w '%{num_connects} %{size_download}\n' "http://198.18.0.2:8081/big4"
CURL=$WORLD_LAST_PID
sleep 1.5
t0=$(date +%s%N)
ip -n "$(world_ns r1)" link set eth0 down
world_wait_for "uplink on eth2 after carrier loss of eth1" 5 mob_uplink_is eth2
world_wait_for "HA downlink on BID 2" 5 mob_downlink_on 2
world_log "uplink moved $(( ($(date +%s%N) - t0) / 1000000 )) ms after the cut (upper bound: polled)"
sleep 1.5
ip -n "$(world_ns r2)" link set eth0 down
world_wait_for "uplink on eth3 (IPv4 behind NAT) after eth2 goes" 5 mob_uplink_is eth3
world_wait_for "HA downlink on BID 3" 5 mob_downlink_on 3
for _ in $(seq 1 300); do world__alive "$CURL" || break; sleep 0.1; done
world__alive "$CURL" && world_fail "IPv4 download did not finish"
wait "$CURL" || world_fail "curl failed: $(cat "$WORLD_TMP/curl4.log")"
world_assert "one connection, whole file" grep -qx "1 12582912" "$WORLD_TMP/curl4.log"
world_assert "same bytes" cmp -s "$WORLD_TMP/big4" "$WORLD_TMP/got4"
st=$(had_status)
world_log "HA counters: $(printf '%s' "$st" | jq -c .counters)"

# Deregistration unbinds the IPv4 home address too.
kill -TERM "$MN_PID"
unbound() { had_status | world_jq '.mobile_nodes[0] | (.hoa4_bound | not) and (.bindings | length == 0)'; }
world_wait_for "IPv4 home address unbound at deregistration" 5 unbound
world_pass
