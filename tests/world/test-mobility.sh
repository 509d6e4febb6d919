#!/bin/bash
# SPDX-License-Identifier: MIT
# Multihomed mobility (issue 15): a mobile node with three access networks,
# two IPv6 ones whose routers drop sources not their own (BCP 38) and an
# IPv4-only one behind NAT, a core, the
# home agent (mif-had) and a correspondent that knows nothing of mobility.
# The mobile node's logic (src/daemon/mobility/mn.c) runs in
# tests/tools/mif-mn with real sockets: mifd does not host it yet.
#
#   mn eth1 -- r1 -- core -- ha        cn: 2001:db8:c::2 (python http.server)
#   mn eth2 -- r2 --/ |  \-- cn, atk
#   mn eth3 -- r3 ----/  (IPv4 only, NAT)
#
# Shows: bulk registration of three BIDs (one IPv4 care-of address behind
# NAT); a download from the correspondent to the home address keeps its one
# TCP connection through loss of carrier of the active network, through a
# silent blackhole (nft drop on its router), and when the IPv4 NAT network
# is the only one left; forged, unauthenticated, wrong-SPI and replayed Binding Updates
# and heartbeats change nothing at the home agent and are counted; tunnel
# data from a host that is not the home agent is dropped by the mobile node.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

world_init
world_require nft curl jq python3
. "$(dirname "$0")/mobility.sh"
. "$(dirname "$0")/mob-inject.sh"
# The tunnel's user-space data path (offloads, counters, send failures):
# the kernel fast path is test-mobility-fast.sh's.
MOB_FAST=no
mob_world
world_assert "mif-had runs as nobody once set up" \
	bash -c "[ \"\$(stat -c %U /proc/$HAD_PID)\" = nobody ]"
world_assert "the status socket (the binding cache) is root's alone" \
	bash -c "[ \"\$(stat -c %a '$WORLD_TMP/had.sock')\" = 600 ]"
world_assert "correspondent reachable from the home address" \
	world_exec mn ping -6 -c 2 -W 2 -I "$HOA" 2001:db8:c::2

# The correspondent serves a large file; the MN downloads it slowly.
. "$(dirname "$0")/mob-xfer.sh"
mobx_serve 32
# At full speed through the TUN offloads (the default at both ends): the
# home agent reads TSO super-packets and sends UDP GSO trains, the mobile
# node receives them whole (UDP_GRO) and writes coalesced TCP super-packets.
off0=$(had_status | jq .offload.tun_gso_rx)
gro0=$(jq .offload.tun_gro_tx "$WORLD_TMP/mn.json")
mobx_download "over IPv6 (eth1)"
sleep 0.3
world_assert "mif-had split TSO super-packets" bash -c \
	"[ \$($HAD --status -s $WORLD_TMP/had.sock | jq .offload.tun_gso_rx) -gt $off0 ]"
world_assert "mif-mn wrote coalesced TCP super-packets" bash -c \
	"[ \$(jq .offload.tun_gro_tx $WORLD_TMP/mn.json) -gt $gro0 ]"
world_log "offloads: HA $(had_status | jq -c .offload), MN $(jq -c .offload "$WORLD_TMP/mn.json")"
# A tunnel packet the home agent's socket does not take is counted
# (drop_send), not lost silently: its own netfilter refuses large UDP
# datagrams for a moment (sendmsg fails with EPERM; heartbeats are small).
ds0=$(had_status | jq .counters.drop_send)
world_exec ha nft add table inet sendfail
world_exec ha nft add chain inet sendfail out '{ type filter hook output priority 0; policy accept; }'
world_exec ha nft add rule inet sendfail out meta l4proto udp meta length gt 900 drop
world_exec mn ping -6 -c 2 -i 0.2 -W 1 -s 1000 -I "$HOA" 2001:db8:c::2 >/dev/null 2>&1 || true
world_exec ha nft delete table inet sendfail
world_assert "mif-had counts the packets its socket refused (drop_send)" bash -c \
	"[ \$($HAD --status -s $WORLD_TMP/had.sock | jq .counters.drop_send) -ge $((ds0 + 2)) ]"
world_bg mn curl curl -sS --limit-rate 1M -o "$WORLD_TMP/got" \
	-w '%{num_connects} %{size_download}\n' "http://[2001:db8:c::2]:8080/big"
CURL=$WORLD_LAST_PID
sleep 2

# 1. Loss of carrier of the active network: the peer end goes down.
ip -n "$(world_ns r1)" link set eth0 down
world_wait_for "uplink on eth2 after carrier loss" 5 mob_uplink_is eth2
world_wait_for "HA downlink on BID 2" 5 mob_downlink_on 2
sleep 2
ip -n "$(world_ns r1)" link set eth0 up
world_wait_for "back on eth1 once re-validated" 10 mob_uplink_is eth1
world_wait_for "HA downlink back on BID 1" 5 mob_downlink_on 1
sleep 1

# 2. Silent blackhole: r1 drops everything, its links stay up.
world_exec r1 nft add table inet hole
world_exec r1 nft add chain inet hole blackhole '{ type filter hook forward priority -10; policy drop; }'
world_wait_for "uplink on eth2 after blackhole" 5 mob_uplink_is eth2
world_wait_for "HA downlink on BID 2 after blackhole" 5 mob_downlink_on 2
bid1_dead() {
	had_status | world_jq '.mobile_nodes[0].bindings | map(select(.bid == 1)) |
		.[0].state == "dead"'
}
world_wait_for "the home agent's own heartbeats find BID 1 dead" 5 bid1_dead

# 3. Attacks from another host: none may move a binding. Every path's
# endpoint is settled first (BID 3's is the NAT's public address, learned
# from its authenticated heartbeats), so only an attack could change one.
bid3_natted() {
	had_status | world_jq '.mobile_nodes[0].bindings[] | select(.bid == 3) |
		.peer == "198.51.100.3"'
}
world_wait_for "BID 3's endpoint learned through the NAT" 5 bid3_natted
before=$(had_status | jq -c '[.mobile_nodes[0].bindings[] | {bid, peer, port}] | sort_by(.bid)')
send() { world_exec atk "$MHSEND" --to "$HA" --hoa "$HOA" --ha "$HA_IN" \
	--coa 2001:db8:a::2 "$@"; }
send --no-auth
send --key-hex 0badc0de0badc0de0badc0de0badc0de
send --key-hex "$KEY" --spi 999
send --no-auth --heartbeat
send --key-hex 0badc0de0badc0de0badc0de0badc0de --heartbeat
send --raw "$WORLD_TMP/bu.bin"
# The same replay to another address of the agent: the agent sends from
# the address a node's fresh messages reach (ha_src_for), and a replay
# must not move it (the node would drop all that then came from there).
world_exec ha ip addr add 2001:db8:f::99/64 dev eth0 nodad
ds0=$(jq .drop_source "$WORLD_TMP/mn.json")
world_exec atk "$MHSEND" --to 2001:db8:f::99 --raw "$WORLD_TMP/bu.bin"
sleep 1.5
[ "$(jq .drop_source "$WORLD_TMP/mn.json")" = "$ds0" ] ||
	world_fail "a replay to another address of the agent moved where it sends from"
sleep 0.5
st=$(had_status)
after=$(printf '%s' "$st" | jq -c '[.mobile_nodes[0].bindings[] | {bid, peer, port}] | sort_by(.bid)')
[ "$before" = "$after" ] || world_fail "a forged message moved a binding: $before -> $after"
world_log "ok: bindings unchanged by forged messages: $after"
world_assert "forged messages counted" bash -c \
	"printf '%s' '$st' | jq -e '.counters.drop_auth >= 5 and .counters.drop_replay >= 1'"
# Tunnel data for the home address, sent to the active care-of socket
# (BID 2's, its port as the home agent sees it) by a host that is not the
# home agent (tests/world/mob-inject.sh).
mn_drops() { jq .drop_source "$WORLD_TMP/mn.json"; }
bid2_port=$(printf '%s' "$st" | jq '.mobile_nodes[0].bindings[] | select(.bid == 2) | .port')
mob_inject atk mn 2001:db8:2::10 "$bid2_port" "$HA" 4191 "$HOA" "$MHSEND" mn_drops

# 4. The IPv4 NAT network is the only one left (r1 still blackholes).
ip -n "$(world_ns r2)" link set eth0 down
world_wait_for "uplink on eth3 (IPv4, NAT)" 5 mob_uplink_is eth3
world_wait_for "HA downlink on BID 3" 5 mob_downlink_on 3
world_assert "BID 3 reached through the NAT" bash -c \
	"$HAD --status -s $WORLD_TMP/had.sock | jq -e '.mobile_nodes[0].bindings[] |
		select(.bid == 3) | .peer == \"198.51.100.3\"'"
mobx_download "over IPv4 behind NAT (eth3)"

# The download finishes on its one connection, every byte there.
for _ in $(seq 1 600); do
	world__alive "$CURL" || break
	sleep 0.1
done
world__alive "$CURL" && world_fail "download did not finish"
wait "$CURL" || world_fail "curl failed: $(cat "$WORLD_TMP/curl.log")"
world_assert "one connection, whole file" grep -qx "1 33554432" "$WORLD_TMP/curl.log"
world_assert "same bytes" cmp -s "$WORLD_TMP/big" "$WORLD_TMP/got"
# 5. The home agent restarts with an empty binding cache: the mobile node's
# heartbeats go unanswered, it registers again on its own. It comes back
# with partial_checksums = no (full TCP sums, as for an older mobile node).
kill -TERM "$HAD_PID"
for _ in $(seq 1 50); do world__alive "$HAD_PID" || break; sleep 0.1; done
sed -i 's/^\[ha\]$/[ha]\npartial_checksums = no/' "$WORLD_TMP/had.conf"
world_bg ha had2 "$HAD" -c "$WORLD_TMP/had.conf"
HAD_PID=$WORLD_LAST_PID
world_wait_for "mif-had back" 10 test -S "$WORLD_TMP/had.sock"
world_wait_for "registered again, downlink on BID 3" 10 mob_downlink_on 3
world_assert "the home address reaches the correspondent again" \
	world_exec mn ping -6 -c 2 -W 2 -I "$HOA" 2001:db8:c::2
# Full sums from the agent: the mobile node checks each one before it
# coalesces, so coalesced writes show they were right.
world_assert "the agent sends full sums" bash -c \
	"$HAD --status -s $WORLD_TMP/had.sock | jq -e '.offload.partial_checksums == false'"
gro0=$(jq .offload.tun_gro_tx "$WORLD_TMP/mn.json")
mobx_download "with full checksums from the agent (partial_checksums = no)"
sleep 0.3
world_assert "mif-mn coalesced the agent's fully summed segments" bash -c \
	"[ \$(jq .offload.tun_gro_tx $WORLD_TMP/mn.json) -gt $gro0 ]"
# 6. The mobile node stops: it deregisters every BID.
mn_pid=$(pgrep -f -- "--status $WORLD_TMP/mn.json" | head -1)
kill -TERM "$mn_pid"
no_bindings() { had_status | world_jq '.mobile_nodes[0].bindings | length == 0'; }
world_wait_for "bindings removed by the deregistration" 5 no_bindings
world_log "HA: $(had_status | jq -c .counters)"
world_log "MN: $(cat "$WORLD_TMP/mn.json")"
world_pass
