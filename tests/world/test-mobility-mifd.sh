#!/bin/bash
# SPDX-License-Identifier: MIT
# The mobile-node role inside mifd (issue 15, doc/mobility.md): mifd learns
# two networks from the RAs of their routers (radvd) and a third, IPv4 only
# behind NAT, from DHCPv4 (dnsmasq), gives each PvD a care-of path to the
# home agent (mif-had), and holds the home address on its TUN device. A
# download from a correspondent that knows nothing of mobility to the home
# address keeps its one TCP connection when the network carrying it loses
# carrier, then the next, leaving the IPv4 one; `mifctl mobility` shows the
# BIDs and the switches. The paths come back once re-validated; a silent
# blackhole is found by the heartbeats; a killed network-facing process
# registers again; a clean stop deregisters. via = keeps eth2's PvD out;
# nesting three home addresses deep is refused at start (several home
# addresses and nesting: test-mobility-mifd-hoas.sh).
#
#   mn (mifd) eth1 -- r1 (radvd 2001:db8:1::/64) -- core -- ha (mif-had)
#   mn (mifd) eth2 -- r2 (radvd 2001:db8:2::/64) --/ |  \-- cn 2001:db8:c::2
#   mn (mifd) eth3 -- r3 (dnsmasq DHCPv4 192.168.3.0/24, NAT) --/
#
# Each IPv6 access router drops sources not its own (BCP 38), so each outer
# packet must leave through the network that owns its care-of address; r3
# is IPv4 only and masquerades behind 198.51.100.3.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/mobility-mifd.sh"
. "$(dirname "$0")/mob-inject.sh"

world_init
world_require nft curl jq python3 radvd dnsmasq
# The network-facing process's own data plane (offloads, batches): the
# kernel fast path is test-mobility-mifd-fast.sh's. mif-had keeps its
# fast path on: a node that does not offer it gets the user-space path.
MOBD_MOB="fast_path = no"
mobd_world mn

# A key file others can read: mifd refuses to start.
cp "$WORLD_TMP/mn.key" "$WORLD_TMP/open.key"
chmod 644 "$WORLD_TMP/open.key"
sed "s|$WORLD_TMP/mn.key|$WORLD_TMP/open.key|" "$WORLD_TMP/mifd.conf" >"$WORLD_TMP/open.conf"
if world_exec mn timeout 10 "$MIFD" --foreground --config "$WORLD_TMP/open.conf" \
	--socket "$WORLD_TMP/open.sock" --state-dir "$WORLD_TMP/open-state" --no-dns \
	>"$WORLD_TMP/open.out" 2>&1; then
	world_fail "mifd started with a world-readable key file"
fi
world_assert "a world-readable key file is refused" grep -q "owned by root, mode 0600" \
	"$WORLD_TMP/open.out"

world_mifd mn --config "$WORLD_TMP/mifd.conf"
world_wait_for "three care-of paths (two from RAs, one from DHCPv4), all alive" 30 all_alive
world_wait_for "uplink on eth1 (prefer = eth1 eth2 eth3)" 5 uplink_is eth1
B1=$(bid_on eth1)
B2=$(bid_on eth2)
B3=$(bid_on eth3)
world_log "BIDs: eth1 $B1, eth2 $B2, eth3 $B3"
mob | world_jq --argjson b "$B3" '.bindings[] | select(.bid == $b) |
	(.coa | startswith("192.168.3.")) and .bid_pri == 5' >/dev/null ||
	world_fail "the DHCPv4 network's path is not an IPv4 care-of address"
mob | world_jq '.bindings | map(select(.interface == "eth1")) | .[0] |
	(.coa | startswith("2001:db8:1:")) and (.pvd | endswith("%eth1")) and .hoa == "'"$HOA"'"' \
	>/dev/null || world_fail "binding on eth1 is not what the RA gave"
three_bindings() {
	had_status | world_jq '.mobile_nodes[0].bindings | length == 3 and all(.state == "alive")'
}
world_wait_for "home agent: three bindings alive" 5 three_bindings
world_assert "the IPv4 path reaches the home agent through the NAT" bash -c \
	"$HAD --status -s $WORLD_TMP/had.sock | jq -e '.mobile_nodes[0].bindings[] |
		select(.bid == $B3) | .peer == \"198.51.100.3\"'"
world_wait_for "home agent downlink on eth1's BID" 5 downlink_on "$B1"
# The bindings in mifctl metrics (OpenMetrics text; promtool lints it when
# installed): registered, every BID alive, eth1's the uplink.
world_ctl metrics >"$WORLD_TMP/metrics.txt" || world_fail "mifctl metrics failed"
grep -qx 'mif_mobility_registered 1' "$WORLD_TMP/metrics.txt" ||
	world_fail "metrics: not registered: $(grep mif_mobility "$WORLD_TMP/metrics.txt")"
[ "$(grep -c '^mif_mobility_binding_state{.*state="alive"} 1$' "$WORLD_TMP/metrics.txt")" = 3 ] ||
	world_fail "metrics: want 3 bindings alive: $(grep mif_mobility_binding_state "$WORLD_TMP/metrics.txt")"
grep -q "^mif_mobility_binding_uplink{bid=\"$B1\",.*} 1$" "$WORLD_TMP/metrics.txt" ||
	world_fail "metrics: BID $B1 not the uplink: $(grep uplink "$WORLD_TMP/metrics.txt")"
if command -v promtool >/dev/null; then
	promtool check metrics <"$WORLD_TMP/metrics.txt" >"$WORLD_TMP/promtool.log" 2>&1 ||
		world_fail "promtool: $(cat "$WORLD_TMP/promtool.log")"
fi
world_log "ok: metrics: registered, 3 bindings alive, BID $B1 the uplink"
world_assert "the mobile node's tunnel route: the correspondent via $HOA" bash -c \
	"ip -n $(world_ns mn) -6 route get 2001:db8:c::2 | grep -q 'dev mifmob0.*src $HOA'"
world_assert "correspondent reachable from the home address" \
	world_exec mn ping -6 -c 2 -W 2 2001:db8:c::2

# A download from the correspondent to the home address, slowly.
. "$(dirname "$0")/mob-xfer.sh"
mobx_serve 16
# At full speed through the TUN offloads (offload = yes, the default): the
# home agent sends TSO super-packets as UDP GSO trains, the network-facing
# process receives them whole (UDP_GRO, recvmmsg) and writes consecutive
# TCP segments as one super-packet (writev); the other way it reads TSO
# super-packets from its TUN device and sends UDP GSO trains.
off() { mob | jq ".offload.$1"; }
gro0=$(off udp_gro_trains) co0=$(off tun_coalesced_writes) tso0=$(off tun_super_rx)
again0=$(off udp_recvmmsg_again)
mobx_download "with offloads"
mobx_upload "with offloads"
world_assert "offloads on, csum and TSO granted" bash -c \
	"$MIFCTL --socket $WORLD_TMP/mifd.sock --json mobility |
		jq -e '.offload.on and (.offload.tun_offloads | test(\"csum tso\"))'"
[ "$(off udp_gro_trains)" -gt "$gro0" ] || world_fail "no UDP GRO train received: $(mob | jq -c .offload)"
[ "$(off tun_coalesced_writes)" -gt "$co0" ] ||
	world_fail "no coalesced TCP write to the TUN device: $(mob | jq -c .offload)"
# A receive that emptied the socket mid-train looked once more (the
# second GSO train of a 64 KiB super-packet; mob_batch.c).
[ "$(off udp_recvmmsg_again)" -gt "$again0" ] ||
	world_fail "no second look before a write: $(mob | jq -c .offload)"
mob | jq -e '.offload.partial_checksums == true' >/dev/null ||
	world_fail "partial checksums not on by default: $(mob | jq -c .offload)"
[ "$(off tun_super_rx)" -gt "$tso0" ] || world_fail "no TSO super-packet split: $(mob | jq -c .offload)"
world_log "ok: offload path used: $(mob | jq -c .offload)"
world_log "HA: $(had_status | jq -c .offload)"
# Tunnel data for the home address sent to eth1's care-of socket by the
# correspondent, not the home agent (tests/world/mob-inject.sh).
MHSEND=${MIF_MH_SEND:-$(dirname "$MIFD")/../../tests/tools/mif-mh-send}
mifd_drops() { mob | jq .counters.drop_source; }
b1=$(had_status | jq -c --argjson b "$B1" '.mobile_nodes[0].bindings[] | select(.bid == $b)')
mob_inject cn mn "$(jq -r .peer <<<"$b1")" "$(jq .port <<<"$b1")" "$HA" 4191 "$HOA" \
	"$MHSEND" mifd_drops

# The slow download must still be under way when the networks go: curl
# reads 1 MB/s, but a receive buffer of the default 6 MB holds much of the
# file early, the more so since coalesced super-packets cost the socket
# little more than their payload. 512 KiB at most here.
world_sysctl mn net.ipv4.tcp_rmem="4096 131072 524288"
world_bg mn curl curl -sS --limit-rate 1M -o "$WORLD_TMP/got" \
	-w '%{num_connects} %{size_download} %{local_ip}\n' "http://[2001:db8:c::2]:8080/big"
CURL=$WORLD_LAST_PID
sleep 2

# Loss of carrier of the network carrying it: r1's end goes down. When the
# kernel tells of it (linkwatch may hold it up to a second) is logged.
world_bg mn linkmon ip -ts monitor link
sleep 0.2
cut_ms=$(world__now_ms)
ip -n "$(world_ns r1)" link set eth0 down
world_wait_for "uplink moved to eth2" 5 uplink_is eth2
world_wait_for "home agent downlink on eth2's BID" 5 downlink_on "$B2"
switched() {
	mob | world_jq --argjson a "$B1" --argjson b "$B2" \
		'(.switches | any(.from_bid == $a and .to_bid == $b)) and
		 (.bindings[] | select(.bid == $a) | .state == "withdrawn")'
}
world_wait_for "mifctl mobility shows the switch and BID $B1 withdrawn" 5 switched
sw=$(mob | jq -c --argjson a "$B1" '[.switches[] | select(.from_bid == $a)] | last')
world_log "uplink moved $(( $(world__now_ms) - cut_ms - $(jq .ms_ago <<<"$sw") )) ms after the cut: $sw"
ev=$(grep -m1 "eth1.*NO-CARRIER" "$WORLD_TMP/linkmon.log" | sed -n 's/^\[\([0-9-]*T[0-9:.]*\).*/\1/p')
[ -n "$ev" ] && world_log "the kernel reported eth1's carrier loss $(( $(date -d "$ev" +%s%3N) - cut_ms )) ms after the cut"

# Then the second IPv6 network goes too: the IPv4 network behind NAT is the
# only one left.
ip -n "$(world_ns r2)" link set eth0 down
world_wait_for "uplink moved to eth3 (IPv4, NAT)" 5 uplink_is eth3
world_wait_for "home agent downlink on eth3's BID" 5 downlink_on "$B3"
world_log "mifctl mobility with only the IPv4 network left ($(stat -c %s "$WORLD_TMP/got") octets written by curl):
$(world_ctl mobility)
rx packets per BID: $(mob | jq -c '[.bindings[] | {bid, rx_packets}]')"

for _ in $(seq 1 400); do
	world__alive "$CURL" || break
	sleep 0.1
done
world__alive "$CURL" && world_fail "download did not finish"
world_assert "the download was still running on the IPv4 path" bash -c \
	"$MIFCTL --socket $WORLD_TMP/mifd.sock --json mobility | jq -e '.bindings[] |
		select(.bid == $B3) | .rx_packets > 1000'"
wait "$CURL" || world_fail "curl failed: $(cat "$WORLD_TMP/curl.log")"
world_assert "one connection from the home address, whole file" \
	grep -qx "1 16777216 $HOA" "$WORLD_TMP/curl.log"
world_assert "same bytes" cmp -s "$WORLD_TMP/big" "$WORLD_TMP/got"

# The network comes back: its path is re-validated by heartbeats, and the
# uplink returns to the preferred one.
ip -n "$(world_ns r1)" link set eth0 up
ip -n "$(world_ns r2)" link set eth0 up
world_wait_for "back on eth1 once re-validated" 30 uplink_is eth1
world_wait_for "home agent downlink back on eth1's BID" 5 downlink_on "$B1"
# eth2's path may come back later than eth1's (its next RA): the blackhole
# below starts once all three are alive, so no re-validation moves the
# uplink meanwhile.
world_wait_for "all three paths alive again" 30 all_alive

# A silent blackhole: r1 drops everything, its link stays up, so mifd keeps
# the path; the heartbeats find it dead and the uplink moves.
world_exec r1 nft add table inet hole
world_exec r1 nft add chain inet hole blackhole \
	'{ type filter hook forward priority -10; policy drop; }'
world_wait_for "uplink on eth2 after the blackhole" 5 uplink_is eth2
world_wait_for "home agent downlink on eth2's BID after the blackhole" 5 downlink_on "$B2"
dead_by_heartbeats() {
	mob | world_jq --argjson a "$B1" '(.bindings[] | select(.bid == $a) | .state == "dead") and
		([.switches[] | select(.from_bid == $a)] | last | .why | test("heartbeats unanswered"))'
}
world_wait_for "BID $B1 dead by its heartbeats, the reason shown" 5 dead_by_heartbeats
world_assert "the home address reaches the correspondent through the blackhole" \
	world_exec mn ping -6 -c 2 -W 2 2001:db8:c::2
world_exec r1 nft delete table inet hole
world_wait_for "back on eth1 after the blackhole" 10 uplink_is eth1

# The network-facing process dies: the parent starts it again with the TUN
# device and both care-of sockets, and it registers again (the home agent's
# status 135 gives it the sequence number to go on from).
net_pid=$(mif_status | jq .processes.net.pid)
kill -KILL "$net_pid"
new_net() { mif_status | world_jq --argjson p "$net_pid" '.processes.net.pid != $p'; }
world_wait_for "a new network-facing process" 10 new_net
world_wait_for "registered again, all three paths alive" 20 all_alive
world_wait_for "uplink on eth1 again" 5 uplink_is eth1
world_assert "the home address reaches the correspondent again" \
	world_exec mn ping -6 -c 2 -W 2 2001:db8:c::2

# A clean stop deregisters every BID at the home agent.
kill -TERM "$WORLD_MIFD_PID"
no_bindings() { had_status | world_jq '.mobile_nodes[0].bindings | length == 0'; }
world_wait_for "bindings removed by mifd's deregistration" 5 no_bindings
world_wait_for "mifd stopped" 10 bash -c "! kill -0 $WORLD_MIFD_PID 2>/dev/null"
world_log "HA: $(had_status | jq -c .counters)"

# offload = no: the same transfers, packet by packet (batched with
# sendmmsg and recvmmsg), no virtio-net header.
WORLD_MIFD_PID=""
sed -i 's/^\[mobility\]$/[mobility]\noffload = no/' "$WORLD_TMP/mifd.conf"
world_mifd mn --config "$WORLD_TMP/mifd.conf"
world_wait_for "offload = no: three paths alive again" 30 all_alive
world_wait_for "offload = no: uplink on eth1" 5 uplink_is eth1
mobx_download "without offloads"
mobx_upload "without offloads"
mob | world_jq '(.offload.on | not) and .offload.udp_recvmmsg_calls > 0 and
	.offload.udp_gro_trains == 0 and .offload.tun_coalesced_writes == 0 and
	.offload.tun_super_rx == 0' >/dev/null || world_fail "offload = no: $(mob | jq -c .offload)"
world_log "ok: offload = no: $(mob | jq -c '{offload, tun_rx: .counters.tun_rx, tun_tx: .counters.tun_tx}')"

# via = (issue 16 item 1, the pairing rule's rule 5 in the engine): only
# the PvDs of the named interfaces give care-of paths; eth2's gives none.
kill -TERM "$WORLD_MIFD_PID"
world_wait_for "mifd stopped before via =" 10 bash -c "! kill -0 $WORLD_MIFD_PID 2>/dev/null"
WORLD_MIFD_PID=""
sed -i 's/^\[mobility\]$/[mobility]\nvia = eth1 eth3/' "$WORLD_TMP/mifd.conf"
world_mifd mn --config "$WORLD_TMP/mifd.conf"
via_paths() {
	mob | world_jq '.registered and (.bindings | length == 2 and all(.state == "alive") and
		(map(.interface) | sort == ["eth1", "eth3"]))'
}
world_wait_for "via = eth1 eth3: two paths alive, none on eth2" 30 via_paths
two_at_ha() { had_status | world_jq '.mobile_nodes[0].bindings | length == 2'; }
world_wait_for "via = eth1 eth3: two bindings at the home agent" 5 two_at_ha
world_assert "via = eth1 eth3: the home address reaches the correspondent" \
	world_exec mn ping -6 -c 2 -W 2 2001:db8:c::2
world_log "ok: via = eth1 eth3: $(mob | jq -c '[.bindings[] | {bid, interface}]')"

# Nesting deeper than 2 ([mobility h3] over h2 over [mobility]'s home
# address, analysis 6.3.1) is checked, then refused at start, saying why
# (several home addresses and one level of nesting:
# test-mobility-mifd-hoas.sh).
cat "$WORLD_TMP/mifd.conf" - >"$WORLD_TMP/two.conf" <<EOF2

[mobility h2]
home_address = 2001:db8:200::10
home_agent = 2001:db8:200::1
home_agent_address = $HA
key_file = $WORLD_TMP/mn.key
spi = 258
via = home

[mobility h3]
home_address = 2001:db8:200::30
home_agent = 2001:db8:200::1
home_agent_address = $HA
key_file = $WORLD_TMP/mn.key
spi = 259
via = h2
EOF2
if world_exec mn timeout 10 "$MIFD" --foreground --config "$WORLD_TMP/two.conf" \
	--socket "$WORLD_TMP/two.sock" --state-dir "$WORLD_TMP/two-state" --no-dns \
	>"$WORLD_TMP/two.out" 2>&1; then
	world_fail "mifd started with nesting three deep"
fi
world_assert "[mobility h3] over h2 over home refused at start, saying why" \
	grep -q "\[mobility h3\]: via h2: h2 is itself nested: nesting deeper than 2 is refused" "$WORLD_TMP/two.out"
world_pass
