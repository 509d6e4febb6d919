#!/bin/bash
# SPDX-License-Identifier: MIT
# The tunnel's kernel fast path (doc/mobility.md "Kernel fast path"): the
# mobility world of test-mobility.sh (mif-had, mif-mn, two IPv6 access
# networks with BCP 38 routers and an IPv4-only one behind NAT) with the
# fast path on at both ends, as it is by default.
#
# Shows: both ends offer it in the BU and the BA and the kernel then
# carries the data: downloads and uploads at full speed arrive whole and
# byte for byte while mif-had and mif-mn read none of it (their user-space
# counters stay still, the kernel's entries count the packets); a slow
# download keeps its one connection through loss of carrier and a
# blackhole of the active network, the kernel's entries following the
# downlink and uplink to the second network, and through the IPv4 NAT
# network, which stays on the user-space path; at the home agent the
# kernel takes from a path only packets whose inner source is the node's
# home address (others go to mif-had, which drops and counts them); a
# home agent killed with SIGKILL leaves no program behind: restarted with
# fast_path = no, its process carries the packets again.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

world_init
world_require nft curl jq python3
. "$(dirname "$0")/mobility.sh"
. "$(dirname "$0")/mob-xfer.sh"
mob_world
mn_json() { cat "$WORLD_TMP/mn.json"; }
fast_on() {
	had_status | world_jq '.fast_path.on and .mobile_nodes[0].fast_path.node_offers and
		.mobile_nodes[0].fast_path.downlink and .mobile_nodes[0].fast_path.uplink_paths == 2' &&
	mn_json | world_jq '.fast_path.on and .fast_path.agent_offers and .fast_path.uplink and
		.fast_path.downlink_paths == 2'
}
world_wait_for "both ends offer the fast path, the kernel has the entries" 5 fast_on
world_assert "correspondent reachable from the home address" \
	world_exec mn ping -6 -c 2 -W 2 -I "$HOA" 2001:db8:c::2

# Full speed: the kernel carries it all.
mobx_serve 32
ha_user() { had_status | jq '.offload.tun_gso_rx + .counters.udp_rx'; }
mn_user() { mn_json | jq '.offload.tun_gro_tx + .offload.tun_gso_rx'; }
ha_fast() { had_status | jq ".mobile_nodes[0].fast_path.$1"; }
mn_fast() { mn_json | jq ".fast_path.$1"; }
hu0=$(ha_user) mu0=$(mn_user) ht0=$(ha_fast tx_bytes) mr0=$(mn_fast rx_bytes)
mobx_download "through the kernel"
sleep 0.3       # mif-mn writes its status every 100 ms
ht1=$(ha_fast tx_bytes) mr1=$(mn_fast rx_bytes)
[ $((ht1 - ht0)) -ge $MOBX_SIZE ] ||
	world_fail "the home agent's kernel sent $((ht1 - ht0)) octets, want >= $MOBX_SIZE"
[ $((mr1 - mr0)) -ge $MOBX_SIZE ] ||
	world_fail "the mobile node's kernel took $((mr1 - mr0)) octets, want >= $MOBX_SIZE"
# Heartbeats and BUs still go through both processes: a few hundred
# datagrams a second, not the thousands of a 32 MiB transfer.
hu1=$(ha_user) mu1=$(mn_user)
[ $((hu1 - hu0)) -lt 2000 ] || world_fail "mif-had handled $((hu1 - hu0)) datagrams and super-packets"
[ $((mu1 - mu0)) -eq 0 ] || world_fail "mif-mn split or coalesced $((mu1 - mu0)) super-packets"
world_log "ok: download in the kernel: HA $(had_status | jq -c .mobile_nodes[0].fast_path)"
mt0=$(mn_fast tx_bytes) hr0=$(ha_fast rx_bytes)
mobx_upload "through the kernel"
sleep 0.3
[ $(($(mn_fast tx_bytes) - mt0)) -ge $MOBX_SIZE ] ||
	world_fail "the mobile node's kernel sent $(($(mn_fast tx_bytes) - mt0)) octets"
[ $(($(ha_fast rx_bytes) - hr0)) -ge $MOBX_SIZE ] ||
	world_fail "the home agent's kernel took $(($(ha_fast rx_bytes) - hr0)) octets"
world_log "ok: upload in the kernel: MN $(mn_json | jq -c .fast_path)"

# A slow download through the failures.
world_bg mn curl curl -sS --limit-rate 1M -o "$WORLD_TMP/got" \
	-w '%{num_connects} %{size_download}\n' "http://[2001:db8:c::2]:8080/big"
CURL=$WORLD_LAST_PID
sleep 2
bid_tx() {
	had_status | jq --argjson b "$1" '.mobile_nodes[0].bindings[] | select(.bid == $b) | .tx_packets'
}
# bid_grows BID T0: the home agent's downlink packets on BID passed T0.
bid_grows() { [ "$(bid_tx "$1")" -gt "$2" ]; }
ip -n "$(world_ns r1)" link set eth0 down
world_wait_for "uplink on eth2 after carrier loss" 5 mob_uplink_is eth2
world_wait_for "HA downlink on BID 2" 5 mob_downlink_on 2
t2=$(bid_tx 2)
world_wait_for "the kernel sends on BID 2" 5 bid_grows 2 "$t2"
world_wait_for "the kernel's entries still on, on the new paths" 5 fast_on
ip -n "$(world_ns r1)" link set eth0 up
world_wait_for "back on eth1 once re-validated" 10 mob_uplink_is eth1
world_wait_for "HA downlink back on BID 1" 5 mob_downlink_on 1
world_exec r1 nft add table inet hole
world_exec r1 nft add chain inet hole blackhole '{ type filter hook forward priority -10; policy drop; }'
world_wait_for "uplink on eth2 after blackhole" 5 mob_uplink_is eth2
world_wait_for "HA downlink on BID 2 after blackhole" 5 mob_downlink_on 2
t2=$(bid_tx 2)
world_wait_for "the kernel sends on BID 2 after blackhole" 5 bid_grows 2 "$t2"
# Only the IPv4 NAT network left: the user-space path.
ip -n "$(world_ns r2)" link set eth0 down
world_wait_for "uplink on eth3 (IPv4, NAT)" 5 mob_uplink_is eth3
world_wait_for "HA downlink on BID 3" 5 mob_downlink_on 3
v4_user() {
	had_status | world_jq '.mobile_nodes[0].fast_path.downlink == false' &&
	mn_json | world_jq '.fast_path.uplink == false'
}
world_wait_for "no kernel entry for the IPv4 path" 5 v4_user
t3=$(bid_tx 3)
world_wait_for "mif-had sends on BID 3" 5 bid_grows 3 "$t3"
ip -n "$(world_ns r2)" link set eth0 up
world_exec r1 nft delete table inet hole
world_wait_for "back on eth1" 10 mob_uplink_is eth1
world_wait_for "the kernel's entries back" 10 fast_on
wait "$CURL" || world_fail "slow download failed: $(cat "$WORLD_TMP/curl.log")"
world_assert "slow download: one connection, whole file" \
	grep -qx "1 $MOBX_SIZE" "$WORLD_TMP/curl.log"
world_assert "slow download: same bytes" cmp -s "$WORLD_TMP/big" "$WORLD_TMP/got"

# The kernel takes from a path only the home address's packets: the same
# outer endpoint (the node's eth1 socket, forged as source from the node's
# own network), an inner source that is not the home address, goes to
# mif-had, which counts it as spoofed; nothing reaches the correspondent.
# Control: with the home address inside, the kernel delivers it.
: >"$WORLD_TMP/cn7777"
world_bg cn listener python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind(("2001:db8:c::2", 7777))
s.settimeout(0.5)
end = time.time() + 20
while time.time() < end:
    try:
        d, a = s.recvfrom(2048)
    except socket.timeout:
        continue
    with open(sys.argv[1], "a") as f:
        f.write(a[0] + "\n")
' "$WORLD_TMP/cn7777"
LPID=$WORLD_LAST_PID
sleep 0.5
port1=$(had_status | jq '.mobile_nodes[0].bindings[] | select(.bid == 1) | .port')
sp0=$(had_status | jq .counters.drop_spoofed)
world_exec mn "$MHSEND" --to "$HA" --port 4191 --hoa 2001:db8:c::2 --data 2001:db8:100::99 \
	--dport 7777 --spoof 2001:db8:1::10 --sport "$port1" || world_fail "mif-mh-send --data"
spoofed_counted() { [ "$(had_status | jq .counters.drop_spoofed)" -gt "$sp0" ]; }
world_wait_for "mif-had counts the inner source that is not the home address" 5 spoofed_counted
sleep 0.5
[ ! -s "$WORLD_TMP/cn7777" ] || world_fail "a forged inner source reached the correspondent"
hr0=$(ha_fast rx_packets)
world_exec mn "$MHSEND" --to "$HA" --port 4191 --hoa 2001:db8:c::2 --data "$HOA" \
	--dport 7777 --spoof 2001:db8:1::10 --sport "$port1" || world_fail "mif-mh-send --data"
world_wait_for "control: the home address's packet delivered" 5 grep -qx "$HOA" "$WORLD_TMP/cn7777"
[ "$(ha_fast rx_packets)" -gt "$hr0" ] || world_fail "the control packet did not go through the kernel"
world_log "ok: the kernel takes only the home address's packets from a path"
kill "$LPID" 2>/dev/null || true

# SIGKILL: the kernel drops the programs with the process (tcx links);
# mif-had restarted with the fast path off carries the packets itself.
kill -KILL "$HAD_PID"
for _ in $(seq 1 50); do world__alive "$HAD_PID" || break; sleep 0.1; done
sed -i 's/^fast_path = .*/fast_path = no/' "$WORLD_TMP/had.conf"
rm -f "$WORLD_TMP/had.sock"
world_bg ha had2 "$HAD" -c "$WORLD_TMP/had.conf"
HAD_PID=$WORLD_LAST_PID
world_wait_for "mif-had status socket" 10 test -S "$WORLD_TMP/had.sock"
world_wait_for "three bindings alive again" 15 mob_all_alive
no_fast() {
	had_status | world_jq '(.fast_path.on | not)' &&
	mn_json | world_jq '.fast_path.agent_offers == false and .fast_path.uplink == false'
}
world_wait_for "the agent no longer offers it, the node stopped using it" 10 no_fast
hu0=$(had_status | jq .offload.tun_gso_rx)
mobx_download "after SIGKILL, fast_path = no"
[ "$(had_status | jq .offload.tun_gso_rx)" -gt "$hu0" ] ||
	world_fail "mif-had did not read the download: a program left behind?"
world_log "ok: no program left behind by a killed mif-had"
world_pass
