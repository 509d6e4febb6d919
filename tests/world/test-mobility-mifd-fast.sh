#!/bin/bash
# SPDX-License-Identifier: MIT
# The kernel fast path with mifd's own mobile node (doc/mobility.md
# "Kernel fast path"): the world of test-mobility-mifd.sh (care-of paths
# from radvd on r1 and r2 and DHCPv4 behind NAT on r3, mif-had), the fast
# path on at both ends, as it is by default.
#
# Shows: mifd's parent loads the programs before it drops its privileges
# and attaches them to each IPv6 path's interface as the engine names it;
# the network-facing process keeps the entries, offers the fast path in its
# BUs and the agent offers it back; full-speed transfers then arrive whole
# and byte for byte while the network-facing process reads none of the
# data (the kernel's entries count it); loss of carrier of the preferred
# network moves the uplink and the agent's downlink, and the kernel's
# entries with them; a network-facing process killed with SIGKILL is
# started again, clears what the last one left in the maps and installs
# its own entries, and transfers go through the kernel again.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/mobility-mifd.sh"
. "$(dirname "$0")/mob-xfer.sh"

world_init
world_require nft curl jq python3 radvd dnsmasq
mobd_world mn
world_mifd mn --config "$WORLD_TMP/mifd.conf"
world_wait_for "three care-of paths, all alive" 30 all_alive
world_wait_for "uplink on eth1" 5 uplink_is eth1
B1=$(bid_on eth1)
B2=$(bid_on eth2)
# fast_on N: both ends offer it, the kernel has mifd's uplink entry and
# its downlink entries on N paths, the agent's downlink entry.
fast_on() {
	mob | world_jq --argjson n "$1" '.fast_path.on and .fast_path.offered and
		.fast_path.agent_offers and .fast_path.uplink and .fast_path.downlink_paths == $n' &&
	had_status | world_jq '.mobile_nodes[0].fast_path.node_offers and
		.mobile_nodes[0].fast_path.downlink'
}
world_wait_for "both ends offer the fast path, the kernel has the entries" 10 fast_on 2
world_log "mifctl mobility: $(world_ctl mobility | grep 'fast path')"

mobx_serve 16
user_rx() { mob | jq '.offload.udp_rx_packets + .offload.tun_super_rx'; }
fast() { mob | jq ".fast_path.$1"; }
u0=$(user_rx) r0=$(fast rx_bytes) t0=$(fast tx_bytes)
mobx_download "through the kernel"
mobx_upload "through the kernel"
[ $(($(fast rx_bytes) - r0)) -ge $MOBX_SIZE ] ||
	world_fail "the kernel took $(($(fast rx_bytes) - r0)) octets off the tunnel"
[ $(($(fast tx_bytes) - t0)) -ge $MOBX_SIZE ] ||
	world_fail "the kernel put $(($(fast tx_bytes) - t0)) octets in the tunnel"
# Heartbeats and BAs only: tens a second, not the thousands of 32 MiB.
[ $(($(user_rx) - u0)) -lt 1000 ] ||
	world_fail "the network-facing process read $(($(user_rx) - u0)) datagrams"
world_log "ok: transfers through the kernel: $(mob | jq -c .fast_path)"

# Loss of carrier of eth1's network: uplink and downlink move to eth2's
# path, the kernel's entries with them.
bid_tx() {
	had_status | jq --argjson b "$1" '.mobile_nodes[0].bindings[] | select(.bid == $b) | .tx_packets'
}
ip -n "$(world_ns r1)" link set eth0 down
world_wait_for "uplink on eth2" 5 uplink_is eth2
world_wait_for "home agent downlink on eth2's BID" 5 downlink_on "$B2"
world_wait_for "the kernel's entries on eth2's path" 10 fast_on 1
t2=$(bid_tx "$B2")
mobx_download "through the kernel on eth2"
[ "$(bid_tx "$B2")" -gt $((t2 + 100)) ] || world_fail "the agent's kernel did not send on BID $B2"
ip -n "$(world_ns r1)" link set eth0 up
world_wait_for "back on eth1 once re-validated" 30 uplink_is eth1
world_wait_for "all three paths alive again" 30 all_alive
world_wait_for "the kernel's entries back on both IPv6 paths" 10 fast_on 2

# The network-facing process killed: its successor clears the maps and
# installs its own entries.
net_pid=$(mif_status | jq .processes.net.pid)
kill -KILL "$net_pid"
new_net() { mif_status | world_jq --argjson p "$net_pid" '.processes.net.pid != $p'; }
world_wait_for "a new network-facing process" 10 new_net
world_wait_for "registered again, all three paths alive" 20 all_alive
world_wait_for "its entries in the kernel" 10 fast_on 2
r0=$(fast rx_bytes)
mobx_download "through the kernel after the restart"
[ $(($(fast rx_bytes) - r0)) -ge $MOBX_SIZE ] ||
	world_fail "after the restart the kernel took $(($(fast rx_bytes) - r0)) octets"
world_log "ok: the new network-facing process keeps the kernel's entries"
world_pass
