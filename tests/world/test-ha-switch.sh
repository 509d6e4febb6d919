#!/bin/bash
# SPDX-License-Identifier: MIT
# RFC 5142 Home Agent Switch (issue 16, item 3): a home agent that stops
# cleanly, or is told to hand over (SIGUSR1), tells each mobile node with a
# binding to register with the agent named by handover_to; the mobile node
# (tests/tools/mif-mn, the logic of src/daemon/mobility/mn.c) sends its
# Binding Update there at once and its traffic follows.
#
#   mn eth1 -- r1 -- core -- sw -- ha1 (mif-had) 2001:db8:f::11
#                     |        \-- ha2 (mif-had) 2001:db8:f::12
#                     cn 2001:db8:c::2
#
# The two agents serve one home prefix with the same home agent address
# inside the tunnel and the same keys, no shared store (ha2 learns the
# binding from the mobile node's new BU). The home prefix is routed by
# core to one agent: the operator moves that route before the handover
# (the routing of the home prefix is not the agent's; doc/mobility.md).
#   1. ha1 stops (SIGTERM): HA Switch naming ha2; a 1 kHz UDP stream from
#      the home address keeps going through ha2.
#   2. ha1 back; ha2 told to hand over (SIGUSR1, it keeps running): the
#      mobile node goes back to ha1.
#   3. the baseline: ha1 killed (kill -9), no switch: the stream stops.
#   4. mifd as the mobile node (with radvd on r1): registered with ha2,
#      ha2 told to hand over: mifd registers with ha1.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

world_init
world_require jq radvd
B=${MESON_BUILD_ROOT:-$(dirname "$0")/../../build-dev}
HAD=${MIF_HAD:-$B/src/ha/mif-had}
MN=${MIF_MN:-$B/tests/tools/mif-mn}
PROBE=${MIF_UDP_PROBE:-$B/tests/tools/mif-udp-probe}
WHOAMI=${MIF_WHOAMI:-$B/tests/tools/mif-whoami}
for x in "$HAD" "$MN" "$PROBE" "$WHOAMI"; do
	[ -x "$x" ] || world_fail "missing $x"
done
HOA=2001:db8:100::10
HA_IN=2001:db8:100::1
HA1=2001:db8:f::11
HA2=2001:db8:f::12
KEY=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff

world_host mn
world_router r1
world_router core
world_host sw
world_router ha1
world_router ha2
world_host cn
world_link mn eth1 r1 eth0
world_link r1 eth1 core r1
world_link cn eth0 core cn
world_bridge sw br0
world_link core lan sw p0
world_link ha1 eth0 sw p1
world_link ha2 eth0 sw p2
for p in p0 p1 p2; do world_bridge_port sw br0 "$p"; done
world_addr mn eth1 2001:db8:1::10/64
world_addr r1 eth0 2001:db8:1::1/64
world_addr r1 eth1 2001:db8:e1::2/64
world_addr core r1 2001:db8:e1::1/64
world_addr core lan 2001:db8:f::2/64
world_addr ha1 eth0 "$HA1/64"
world_addr ha2 eth0 "$HA2/64"
world_addr cn eth0 2001:db8:c::2/64
world_addr core cn 2001:db8:c::1/64
ip -n "$(world_ns r1)" -6 route add default via 2001:db8:e1::1
ip -n "$(world_ns core)" -6 route add 2001:db8:1::/64 via 2001:db8:e1::2
ip -n "$(world_ns core)" -6 route add 2001:db8:100::/64 via "$HA1"
for h in ha1 ha2; do ip -n "$(world_ns $h)" -6 route add default via 2001:db8:f::2; done
ip -n "$(world_ns cn)" -6 route add default via 2001:db8:c::1
ip -n "$(world_ns mn)" -6 route add default via 2001:db8:1::1 dev eth1

umask 077
printf '%s\n' "$KEY" >"$WORLD_TMP/mn.key"
# Each agent hands over to the other.
for i in 1 2; do
	other=$HA2
	[ "$i" = 2 ] && other=$HA1
	cat >"$WORLD_TMP/had$i.conf" <<-EOF
	[ha]
	address = $HA_IN
	home_prefix = 2001:db8:100::/64
	tun = mifha0
	control = $WORLD_TMP/had$i.sock
	heartbeat_interval_ms = 100
	handover_to = $other

	[mn phone]
	hoa = $HOA
	spi = 256
	key_file = $WORLD_TMP/mn.key
	EOF
done
umask 022

start_had() {
	rm -f "$WORLD_TMP/had$1.sock"
	world_bg "ha$1" "had$1" "$HAD" -c "$WORLD_TMP/had$1.conf"
	eval "HAD_PID_$1=$WORLD_LAST_PID"
	world_wait_for "mif-had in ha$1" 10 test -S "$WORLD_TMP/had$1.sock"
}
had() { world_exec "ha$1" "$HAD" --status -s "$WORLD_TMP/had$1.sock"; }
# alive_on N: one binding, alive and carrying the downlink, on haN.
alive_on() {
	had "$1" | world_jq '.mobile_nodes[0].bindings | length == 1 and
		.[0].state == "alive" and .[0].downlink'
}
mn_with() { jq -e --arg a "$1" '.registered and .home_agent == $a' "$WORLD_TMP/mn.json"; }

start_had 1
start_had 2
ip -n "$(world_ns mn)" tuntap add mode tun name mifmn0
ip -n "$(world_ns mn)" link set mifmn0 mtu 1400 up
ip -n "$(world_ns mn)" addr add "$HOA/128" dev mifmn0 nodad
ip -n "$(world_ns mn)" -6 route add 2001:db8:c::/64 dev mifmn0 src "$HOA"
world_bg mn mn "$MN" --hoa "$HOA" --ha "$HA_IN" --ha6 "$HA1" --spi 256 \
	--key-file "$WORLD_TMP/mn.key" --tun mifmn0 --status "$WORLD_TMP/mn.json" \
	--path eth1,2001:db8:1::10,0
MN_PID=$WORLD_LAST_PID
world_wait_for "mobile node registered with ha1" 10 mn_with "$HA1"
world_wait_for "binding alive on ha1" 10 alive_on 1
had 2 | world_jq '.mobile_nodes[0].bindings | length == 0' ||
	world_fail "ha2 has a binding before any handover"
world_bg cn whoami "$WHOAMI" -n cn -p 9000 -6
world_wait_for "the correspondent through ha1" 10 world_exec mn ping -6 -c 1 -W 1 -I "$HOA" \
	2001:db8:c::2

# handover N WHAT...: a 1 kHz UDP stream from the home address (3 s);
# WHAT runs 1 s in; every probe after the switch must come back (unless
# PLAIN=1: the baseline, where it must not).
handover() {
	local n=$1 out
	shift
	rm -f "$WORLD_TMP/probe$n.log"
	world_bg mn "probe$n" "$PROBE" -d 2001:db8:c::2 -p 9000 -i 1000 -n 3000 -s "$HOA"
	sleep 1
	"$@"
	world_wait_for "probe $n done" 15 grep -q '"sent"' "$WORLD_TMP/probe$n.log"
	out=$(grep '"sent"' "$WORLD_TMP/probe$n.log")
	world_log "UDP stream $n (1 kHz): $out"
	if [ "${PLAIN:-0}" = 1 ]; then
		jq -e '.longest_gap_ms > 1500' <<<"$out" >/dev/null ||
			world_fail "stream $n recovered without a home agent: $out"
		return
	fi
	# Generous (the target for a failover is 1 s; a planned switch is
	# one round trip plus the route change).
	jq -e '.longest_gap_ms < 1000 and .received > 2500' <<<"$out" >/dev/null ||
		world_fail "stream $n: $out"
}

# 1. ha1 stops cleanly.
stop_ha1() {
	ip -n "$(world_ns core)" -6 route replace 2001:db8:100::/64 via "$HA2"
	world_log "SIGTERM mif-had in ha1 ($HAD_PID_1)"
	kill -TERM "$HAD_PID_1"
}
handover 1 stop_ha1
wait "$HAD_PID_1" || world_fail "ha1 did not stop cleanly"
world_assert "ha1 sent an HA Switch at stop" grep -q "stop: 1 HA Switch message" \
	"$WORLD_TMP/had1.log"
world_assert "mobile node registered with ha2" mn_with "$HA2"
world_assert "one HA Switch followed" jq -e '.ha_switches == 1' "$WORLD_TMP/mn.json"
world_wait_for "binding alive on ha2" 5 alive_on 2
world_log "ha2: $(had 2 | jq -c '{counters: {udp_rx: .counters.udp_rx, tun_tx: .counters.tun_tx, ba_tx: .counters.ba_tx, drop_auth: .counters.drop_auth}}')"

# 2. ha1 back; ha2 told to hand over while it keeps running.
start_had 1
to_ha1() {
	ip -n "$(world_ns core)" -6 route replace 2001:db8:100::/64 via "$HA1"
	world_log "SIGUSR1 mif-had in ha2 ($HAD_PID_2)"
	had 2 | jq .counters.heartbeats_tx >"$WORLD_TMP/hb2.at"
	kill -USR1 "$HAD_PID_2"
}
handover 2 to_ha1
world_assert "ha2 still running" world__alive "$HAD_PID_2"
world_assert "ha2 sent an HA Switch when told" grep -q "handover: 1 HA Switch message" \
	"$WORLD_TMP/had2.log"
world_assert "mobile node registered with ha1 again" mn_with "$HA1"
world_assert "two HA Switches followed" jq -e '.ha_switches == 2' "$WORLD_TMP/mn.json"
world_wait_for "binding alive on ha1" 5 alive_on 1
had 2 | world_jq '.scale.has_tx == 1' || world_fail "ha2 did not count its HA Switch"
# ha2 keeps its binding (and its heartbeats on it) until it expires: the
# node answers, but one of ha2's heartbeats that arrives just after a
# newer one of ha1 on the same path is dropped as a replay (the agents
# share the home agent address and the clock). So: nothing
# unauthenticated, and no more replays than ha2 sent heartbeats since.
hb2=$(had 2 | jq .counters.heartbeats_tx)
world_log "mobile node: drop_auth $(jq .drop_auth "$WORLD_TMP/mn.json"), drop_replay $(jq .drop_replay "$WORLD_TMP/mn.json"); ha2 heartbeats since its handover $((hb2 - $(cat "$WORLD_TMP/hb2.at")))"
world_assert "nothing unauthenticated at the mobile node" jq -e '.drop_auth == 0' "$WORLD_TMP/mn.json"
world_assert "replays at the mobile node only from ha2's heartbeats since its handover" \
	jq -e --argjson n "$((hb2 - $(cat "$WORLD_TMP/hb2.at")))" '.drop_replay <= $n' "$WORLD_TMP/mn.json"

# 3. The baseline: the serving agent dies (kill -9) with no other agent
# taking over and nothing to send an HA Switch: the stream stops for the
# rest of the run (bench/ha-failover.sh puts it next to the others).
kill_ha1() {
	world_log "kill -9 mif-had in ha1 ($HAD_PID_1), no handover"
	kill -9 "$HAD_PID_1"
}
PLAIN=1 handover 3 kill_ha1

# 4. mifd as the mobile node (its network-facing process runs mn.c and
# moves its care-of sockets' endpoint, mob_batch.c): registered with ha2,
# ha1 back, ha2 told to hand over: mifd registers with ha1.
kill -TERM "$MN_PID"
wait "$MN_PID" || true
ip -n "$(world_ns mn)" link del mifmn0
ip -n "$(world_ns core)" -6 route replace 2001:db8:100::/64 via "$HA2"
world_radvd r1 "interface eth0 {
	AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
	prefix 2001:db8:1::/64 { AdvOnLink on; AdvAutonomous on; };
};"
umask 077
cat >"$WORLD_TMP/mifd.conf" <<-EOF
[mifd]
interfaces = eth1

[mobility]
enabled = yes
home_agent = $HA_IN
home_agent_address = $HA2
home_address = $HOA
key_file = $WORLD_TMP/mn.key
spi = 256
routes = 2001:db8:c::/64
EOF
umask 022
start_had 1
world_mifd mn --config "$WORLD_TMP/mifd.conf"
world_wait_for "mifd registered with ha2" 30 alive_on 2
had 1 | world_jq '.mobile_nodes[0].bindings | length == 0' ||
	world_fail "ha1 has a binding before the handover"
to_ha1
world_wait_for "mifd registered with ha1 after ha2's HA Switch" 10 alive_on 1
world_assert "the correspondent through ha1 from mifd's home address" \
	world_exec mn ping -6 -c 3 -i 0.2 -W 2 -I "$HOA" 2001:db8:c::2
world_log "mifd: $(world_ctl --json mobility | jq -c '{registered, uplink_why}')"
world_pass
