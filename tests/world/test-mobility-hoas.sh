#!/bin/bash
# SPDX-License-Identifier: MIT
# Several home addresses per mobile node (issue 16 item 1; draft-ietf-
# monami6-mipv6-analysis 5.2, 5.4, 6.1.5, 6.3.1): the mobility world of
# mobility.sh plus a second home agent (ha2, home prefix 2001:db8:200::/64).
# The mobile node is tests/tools/mif-mn with several --home groups, whose
# offered care-of addresses are judged by src/daemon/mobility/mob_hoa.h.
#
#   mn eth1 -- r1 -- core -- ha  (HoA1 2001:db8:100::10, HoA1b ::20)
#   mn eth2 -- r2 --/ |  \-- ha2 (HoA2 2001:db8:200::10)
#                     \----- cn 2001:db8:c::2
#
# Shows:
#  (n,1)  two home addresses from one home agent on one care-of address;
#  (n,n)  two home addresses from two home agents, each on eth1 and eth2;
#         a cross pair (eth1's address through eth2 and the reverse) is
#         offered and refused as not ingress-safe; both downloads survive
#         loss of carrier of eth1 and the access routers' BCP 38 counters
#         stay at 0 (no foreign source ever reached them);
#  nested HoA2 registered at ha2 with HoA1 as its care-of address (HoA2
#         has no interface of its own: --via h1), a download to HoA2
#         surviving the loss of eth1 under HoA1;
#  loop   h1 over h2 and h2 over h1: refused at start, the cycle named.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

world_init
world_require nft curl jq python3
. "$(dirname "$0")/mobility.sh"
mob_world
mob_hoas_world

# ---- (n,1): HoA1 and HoA1b from ha, one care-of address (eth1) ----
# shellcheck disable=SC2046
start_mn mn-n1 $(h1 --path eth1,2001:db8:1::10,0) \
	--home h1b --hoa "$HOA1B" --ha "$HA_IN" --ha6 "$HA" --spi 257 \
	--key-file "$WORLD_TMP/mn1.key" --status "$WORLD_TMP/h1b.json" --path eth1,2001:db8:1::10,0
world_wait_for "(n,1): HoA1 bound on eth1" 10 bindings had_status 0 1
world_wait_for "(n,1): HoA1b bound on eth1" 10 bindings had_status 1 1
world_assert "(n,1): both bindings are the one care-of address" bash -c \
	"$HAD --status -s $WORLD_TMP/had.sock | jq -e '[.mobile_nodes[].bindings[0].peer] | unique == [\"2001:db8:1::10\"]'"
world_assert "(n,1): the correspondent from HoA1" world_exec mn ping -6 -c 2 -W 2 -I "$HOA1" 2001:db8:c::2
world_assert "(n,1): the correspondent from HoA1b" world_exec mn ping -6 -c 2 -W 2 -I "$HOA1B" 2001:db8:c::2
stop_mn
nobind() { had_status | world_jq '[.mobile_nodes[].bindings | length] | add == 0'; }
world_wait_for "(n,1): deregistered" 5 nobind

# ---- nested at one agent: HoA1b over HoA1 at ha; a loop sent anyway ----
# The nested path's socket (HoA1 on mifmn0) reaches ha's outer address
# through HoA1's own tunnel.
ip -n "$(world_ns mn)" -6 rule add from "$HOA1" to "$HA" lookup 151 priority 51
ip -n "$(world_ns mn)" -6 route add "$HA" dev mifmn0 table 151
# shellcheck disable=SC2046
start_mn mn-n1nest $(h1 --path eth1,2001:db8:1::10,0) \
	--home h1b --hoa "$HOA1B" --ha "$HA_IN" --ha6 "$HA" --spi 257 \
	--key-file "$WORLD_TMP/mn1.key" --status "$WORLD_TMP/h1b.json" --via h1
world_wait_for "HoA1b bound at ha over HoA1" 10 bash -c \
	"$HAD --status -s $WORLD_TMP/had.sock | jq -e '.mobile_nodes[1].bindings | length == 1 and .[0].peer == \"$HOA1\" and .[0].state == \"alive\"'"
world_assert "the correspondent from HoA1b over HoA1" world_exec mn ping -6 -c 2 -W 2 -I "$HOA1B" 2001:db8:c::2
# A BU for HoA1 with HoA1b as care-of address, properly signed (a mobile
# node without mif-mn's own check): ha discards it (RFC 6275 9.5.1).
before=$(had_status | jq -c '.mobile_nodes[0].bindings | map({bid, peer})')
world_exec mn "$MHSEND" --to "$HA" --hoa "$HOA1" --ha "$HA_IN" --coa "$HOA1B" --spi 256 \
	--key-hex "$KEY"
loop_counted() { had_status | world_jq '.counters.drop_loop == 1'; }
world_wait_for "ha: the looping BU counted as drop_loop" 5 loop_counted
after=$(had_status | jq -c '.mobile_nodes[0].bindings | map({bid, peer})')
[ "$before" = "$after" ] || world_fail "the looping BU moved HoA1: $before -> $after"
world_log "ok: HoA1's bindings unchanged by the looping BU: $after"
world_assert "ha logged the loop" grep -q "leads back to its home address (a loop)" "$WORLD_TMP/had.log"
stop_mn
world_wait_for "deregistered" 5 nobind

# ---- (n,n): HoA1 at ha, HoA2 at ha2, eth1 and eth2, cross pairs offered ----
# shellcheck disable=SC2046
start_mn mn-nn $(h1 --path eth1,2001:db8:1::10,0 --path eth2,2001:db8:2::10,2 \
		--path eth2,2001:db8:1::10,1) \
	--home h2 --hoa "$HOA2" --ha 2001:db8:200::1 --ha6 "$HA2" --spi 258 \
	--key-file "$WORLD_TMP/mn1.key" --status "$WORLD_TMP/h2.json" \
	--path eth1,2001:db8:2::10,1 --path eth1,2001:db8:1::10,0 --path eth2,2001:db8:2::10,2
world_wait_for "(n,n): HoA1 bound on eth1 and eth2 at ha" 10 bindings had_status 0 2
world_wait_for "(n,n): HoA2 bound on eth1 and eth2 at ha2" 10 bindings had2_status 0 2
for h in h1 h2; do
	world_wait_for "(n,n): $h status" 5 test -s "$WORLD_TMP/$h.json"
	world_assert "(n,n): $h: the cross pair refused as not ingress-safe, two bound" \
		jq -e '([.pairs[] | select(.verdict == "refused" and (.why | test("not ingress-safe")))] | length == 1)
			and ([.pairs[] | select(.verdict == "bound")] | length == 2)' "$WORLD_TMP/$h.json"
	world_log "$h pairs: $(jq -c .pairs "$WORLD_TMP/$h.json")"
done
world_assert "(n,n): ha2 holds eth1's and eth2's own addresses only" bash -c \
	"world_exec ha2 $HAD --status -s $WORLD_TMP/had2.sock | jq -e '[.mobile_nodes[0].bindings[].peer] | sort == [\"2001:db8:1::10\", \"2001:db8:2::10\"]'"
# The counters count: a foreign source sent through eth1 is dropped by r1.
c0=$(bcp38)
ip -n "$(world_ns mn)" addr add 2001:db8:9::10/128 dev eth1 nodad
world_exec mn ping -6 -c 1 -W 1 -I 2001:db8:9::10 2001:db8:a::2 >/dev/null 2>&1 || true
ip -n "$(world_ns mn)" addr del 2001:db8:9::10/128 dev eth1
drops0=$(bcp38)
[ "$drops0" -gt "$c0" ] || world_fail "the BCP 38 counters did not count a foreign source ($c0 -> $drops0)"
world_log "ok: BCP 38 counter check: a foreign source through eth1 counted ($c0 -> $drops0)"
get nn1 "$HOA1"
P1=$GOT_PID
get nn2 "$HOA2"
P2=$GOT_PID
sleep 2
ip -n "$(world_ns r1)" link set eth0 down
uplinks_eth2() {
	jq -e '.uplink == "eth2"' "$WORLD_TMP/h1.json" && jq -e '.uplink == "eth2"' "$WORLD_TMP/h2.json"
}
world_wait_for "(n,n): both home addresses moved to eth2" 5 uplinks_eth2
got_ok nn1 "$P1"
got_ok nn2 "$P2"
drops1=$(bcp38)
world_log "(n,n): BCP 38 drops on r1+r2: $drops0 before, $drops1 after"
[ "$drops1" = "$drops0" ] || world_fail "(n,n): a foreign source reached an access router"
world_log "ok: (n,n) no packet dropped by the access routers' ingress filters"
world_assert "(n,n): ha2 saw no HoA1 packet (each home address only to its own agent)" bash -c \
	"world_exec ha2 $HAD --status -s $WORLD_TMP/had2.sock | jq -e '.counters.drop_spoofed == 0'"
stop_mn
ip -n "$(world_ns r1)" link set eth0 up

# ---- nested: HoA2 at ha2 with HoA1 as its care-of address ----
# The nested path's socket is bound to HoA1 on mifmn0; its packets to ha2
# take the tunnel of HoA1. The correspondent's route is lowered to 1300 so
# HoA2's packets fit inside HoA1's tunnel (mifmn0 has 1400).
ip -n "$(world_ns mn)" -6 rule add from "$HOA1" to "$HA2" lookup 150 priority 50
ip -n "$(world_ns mn)" -6 route add "$HA2" dev mifmn0 table 150
ip -n "$(world_ns mn)" -6 route change 2001:db8:c::/64 dev mifmn0 src "$HOA1" mtu 1300
world_wait_for "eth1 back" 10 world_exec mn ping -6 -c 1 -W 1 -I eth1 2001:db8:1::1
# shellcheck disable=SC2046
start_mn mn-nest $(h1 --path eth1,2001:db8:1::10,0 --path eth2,2001:db8:2::10,2) \
	--home h2 --hoa "$HOA2" --ha 2001:db8:200::1 --ha6 "$HA2" --spi 258 \
	--key-file "$WORLD_TMP/mn1.key" --status "$WORLD_TMP/h2.json" --via h1
world_wait_for "nested: HoA1 bound on eth1 and eth2 at ha" 10 bindings had_status 0 2
world_wait_for "nested: HoA2 bound at ha2" 10 bindings had2_status 0 1
world_assert "nested: ha2 reaches HoA2 at HoA1" bash -c \
	"world_exec ha2 $HAD --status -s $WORLD_TMP/had2.sock | jq -e '.mobile_nodes[0].bindings[0].peer == \"$HOA1\"'"
world_assert "nested: h2's pair says nested over h1" \
	jq -e '.pairs == [.pairs[] | select(.verdict == "nested" and (.coa | startswith("h1 ")))] and (.pairs | length == 1)' \
	"$WORLD_TMP/h2.json"
get nest "$HOA2"
P3=$GOT_PID
sleep 2
ip -n "$(world_ns r1)" link set eth0 down
world_wait_for "nested: HoA1 moved to eth2" 5 jq -e '.uplink == "eth2"' "$WORLD_TMP/h1.json"
got_ok nest "$P3"
world_assert "nested: HoA2's binding never moved" bash -c \
	"world_exec ha2 $HAD --status -s $WORLD_TMP/had2.sock | jq -e '.mobile_nodes[0].bindings[0].peer == \"$HOA1\" and .mobile_nodes[0].bindings[0].state == \"alive\"'"
stop_mn
ip -n "$(world_ns r1)" link set eth0 up

# ---- a loop: h1 over h2 and h2 over h1, refused at start ----
set +e
# shellcheck disable=SC2046
world_exec mn "$MN" "${MN_COMMON[@]}" $(h1 --path eth1,2001:db8:1::10,0 --via eth1 --via h2) \
	--home h2 --hoa "$HOA2" --ha 2001:db8:200::1 --ha6 "$HA2" --spi 258 \
	--key-file "$WORLD_TMP/mn1.key" --status "$WORLD_TMP/h2.json" --via h1 \
	>"$WORLD_TMP/loop.out" 2>&1
rc=$?
set -e
world_log "loop: exit $rc: $(cat "$WORLD_TMP/loop.out")"
[ "$rc" = 1 ] || world_fail "a loop of home addresses was not refused (exit $rc)"
world_assert "the loop named" grep -q "refused: loop: h1 -> h2 -> h1" "$WORLD_TMP/loop.out"
world_assert "nothing registered by the refused configuration" nobind
world_pass
