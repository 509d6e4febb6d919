#!/bin/bash
# SPDX-License-Identifier: MIT
# Multihomed mobility (issue 15): a mobile node with two access networks,
# each router dropping sources that are not its own (BCP 38), a core, the
# home agent (mif-had) and a correspondent that knows nothing of mobility.
# The mobile node's logic (src/daemon/mobility/mn.c) runs in
# tests/tools/mif-mn with real sockets: mifd does not host it yet.
#
#   mn eth1 -- r1 -- core -- ha        cn: 2001:db8:c::2 (python http.server)
#   mn eth2 -- r2 --/    \-- cn, atk
#
# Shows: bulk registration of two BIDs; a download from the correspondent
# to the home address keeps its one TCP connection through loss of carrier
# of the active network and through a silent blackhole (nft drop on its
# router); forged, unauthenticated, wrong-SPI and replayed Binding Updates
# and heartbeats change nothing at the home agent and are counted.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

B=${MESON_BUILD_ROOT:-$(dirname "$0")/../../build-dev}
HAD=${MIF_HAD:-$B/src/ha/mif-had}
MN=${MIF_MN:-$B/tests/tools/mif-mn}
MHSEND=${MIF_MH_SEND:-$B/tests/tools/mif-mh-send}
for x in "$HAD" "$MN" "$MHSEND"; do
	[ -x "$x" ] || { echo "FAIL: missing $x" >&2; exit 1; }
done

world_init
world_require nft curl jq python3

HOA=2001:db8:100::10
HA_IN=2001:db8:100::1
HA=2001:db8:f::1
KEY=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff

world_host mn
world_router r1
world_router r2
world_router core
world_router ha
world_host cn
world_host atk
world_link mn eth1 r1 eth0
world_link mn eth2 r2 eth0
world_link r1 eth1 core r1
world_link r2 eth1 core r2
world_link ha eth0 core ha
world_link cn eth0 core cn
world_link atk eth0 core atk

world_addr mn eth1 2001:db8:1::10/64
world_addr mn eth2 2001:db8:2::10/64
world_addr r1 eth0 2001:db8:1::1/64
world_addr r2 eth0 2001:db8:2::1/64
world_addr r1 eth1 2001:db8:e1::2/64
world_addr core r1 2001:db8:e1::1/64
world_addr r2 eth1 2001:db8:e2::2/64
world_addr core r2 2001:db8:e2::1/64
world_addr ha eth0 2001:db8:f::1/64
world_addr core ha 2001:db8:f::2/64
world_addr cn eth0 2001:db8:c::2/64
world_addr core cn 2001:db8:c::1/64
world_addr atk eth0 2001:db8:a::2/64
world_addr core atk 2001:db8:a::1/64

ip -n "$(world_ns r1)" -6 route add default via 2001:db8:e1::1
ip -n "$(world_ns r2)" -6 route add default via 2001:db8:e2::1
ip -n "$(world_ns core)" -6 route add 2001:db8:1::/64 via 2001:db8:e1::2
ip -n "$(world_ns core)" -6 route add 2001:db8:2::/64 via 2001:db8:e2::2
ip -n "$(world_ns core)" -6 route add 2001:db8:100::/64 via 2001:db8:f::1
ip -n "$(world_ns ha)" -6 route add default via 2001:db8:f::2
ip -n "$(world_ns cn)" -6 route add default via 2001:db8:c::1
ip -n "$(world_ns atk)" -6 route add default via 2001:db8:a::1
# The mobile node: a default route per access network (the care-of
# sockets are bound to their interface), the correspondent via the tunnel.
ip -n "$(world_ns mn)" -6 route add default via 2001:db8:1::1 dev eth1 metric 100
ip -n "$(world_ns mn)" -6 route add default via 2001:db8:2::1 dev eth2 metric 200

# The access routers keep their addresses across a link down (IPv6 flushes
# them by default), as a router whose access link flaps does.
world_sysctl r1 net.ipv6.conf.eth0.keep_addr_on_down=1
world_sysctl r2 net.ipv6.conf.eth0.keep_addr_on_down=1

# BCP 38 on each access router: only its own prefix leaves the access link.
for r in 1 2; do
	world_exec "r$r" nft -f - <<NFT || world_fail "nft on r$r"
table inet bcp38 {
	chain ingress_filter {
		type filter hook forward priority 0; policy accept;
		iifname "eth0" ip6 saddr != 2001:db8:$r::/64 counter drop
	}
}
NFT
done

# Keys: root-only files.
umask 077
printf '%s\n' "$KEY" >"$WORLD_TMP/mn1.key"
cat >"$WORLD_TMP/had.conf" <<EOF2
[ha]
address = $HA_IN
home_prefix = 2001:db8:100::/64
tun = mifha0
control = $WORLD_TMP/had.sock
heartbeat_interval_ms = 100
heartbeat_misses = 3

[mn phone]
hoa = $HOA
spi = 256
key_file = $WORLD_TMP/mn1.key
EOF2
umask 022

# A key file others can read is refused.
cp "$WORLD_TMP/mn1.key" "$WORLD_TMP/open.key"
chmod 644 "$WORLD_TMP/open.key"
sed "s|$WORLD_TMP/mn1.key|$WORLD_TMP/open.key|" "$WORLD_TMP/had.conf" >"$WORLD_TMP/open.conf"
if world_exec ha "$HAD" -c "$WORLD_TMP/open.conf" >"$WORLD_TMP/open.out" 2>&1; then
	world_fail "mif-had started with a world-readable key file"
fi
world_assert "world-readable key refused" grep -q "Operation not permitted" "$WORLD_TMP/open.out"

world_bg ha had "$HAD" -c "$WORLD_TMP/had.conf"
world_wait_for "mif-had status socket" 10 test -S "$WORLD_TMP/had.sock"
had_status() { world_exec ha "$HAD" --status -s "$WORLD_TMP/had.sock"; }

ip -n "$(world_ns mn)" tuntap add mode tun name mifmn0
ip -n "$(world_ns mn)" link set mifmn0 mtu 1400 up
ip -n "$(world_ns mn)" addr add "$HOA/128" dev mifmn0 nodad
ip -n "$(world_ns mn)" -6 route add 2001:db8:c::/64 dev mifmn0 src "$HOA"
world_bg mn mn "$MN" --hoa "$HOA" --ha "$HA_IN" --ha6 "$HA" --spi 256 \
	--key-file "$WORLD_TMP/mn1.key" --tun mifmn0 --status "$WORLD_TMP/mn.json" \
	--dump-bu "$WORLD_TMP/bu.bin" \
	--path eth1,2001:db8:1::10,0 --path eth2,2001:db8:2::10,1

two_alive() {
	had_status | world_jq '.mobile_nodes[0].bindings | length == 2 and
		all(.state == "alive") and (map(select(.downlink)) | .[0].bid == 1)'
}
world_wait_for "two bindings alive, downlink on BID 1" 10 two_alive
mn_uplink() { jq -r .uplink "$WORLD_TMP/mn.json"; }
world_wait_for "MN registered, uplink eth1" 5 \
	bash -c "jq -e '.registered and .uplink == \"eth1\"' $WORLD_TMP/mn.json"
world_exec ha ping -c 1 -W 2 2001:db8:c::2 >/dev/null || true
world_assert "correspondent reachable from the home address" \
	world_exec mn ping -6 -c 2 -W 2 -I "$HOA" 2001:db8:c::2

# The correspondent serves a large file; the MN downloads it slowly.
world_exec cn dd if=/dev/urandom of="$WORLD_TMP/big" bs=1M count=24 status=none
world_bg cn http python3 -m http.server -b 2001:db8:c::2 -d "$WORLD_TMP" 8080
world_wait_for "http server" 10 world_exec mn curl -s -o /dev/null -r 0-0 \
	"http://[2001:db8:c::2]:8080/big"
world_bg mn curl curl -sS --limit-rate 1M -o "$WORLD_TMP/got" \
	-w '%{num_connects} %{size_download}\n' "http://[2001:db8:c::2]:8080/big"
CURL=$WORLD_LAST_PID
sleep 2

# 1. Loss of carrier of the active network: the peer end goes down.
ip -n "$(world_ns r1)" link set eth0 down
world_wait_for "uplink on eth2 after carrier loss" 5 bash -c \
	"[ \"\$(jq -r .uplink $WORLD_TMP/mn.json)\" = eth2 ]"
downlink_on() {
	had_status | world_jq --argjson b "$1" \
		'.mobile_nodes[0].bindings | map(select(.downlink)) | .[0].bid == $b'
}
world_wait_for "HA downlink on BID 2" 5 downlink_on 2
sleep 2
ip -n "$(world_ns r1)" link set eth0 up
world_wait_for "back on eth1 once re-validated" 10 bash -c \
	"[ \"\$(jq -r .uplink $WORLD_TMP/mn.json)\" = eth1 ]"
world_wait_for "HA downlink back on BID 1" 5 downlink_on 1
sleep 1

# 2. Silent blackhole: r1 drops everything, its links stay up.
world_exec r1 nft add table inet hole
world_exec r1 nft add chain inet hole blackhole '{ type filter hook forward priority -10; policy drop; }'
world_wait_for "uplink on eth2 after blackhole" 5 bash -c \
	"[ \"\$(jq -r .uplink $WORLD_TMP/mn.json)\" = eth2 ]"
world_wait_for "HA downlink on BID 2 after blackhole" 5 downlink_on 2
bid1_dead() {
	had_status | world_jq '.mobile_nodes[0].bindings | map(select(.bid == 1)) |
		.[0].state == "dead"'
}
world_wait_for "the home agent's own heartbeats find BID 1 dead" 5 bid1_dead

# 3. Attacks from another host: none may move a binding.
before=$(had_status | jq -c '[.mobile_nodes[0].bindings[] | {bid, peer, port}] | sort_by(.bid)')
send() { world_exec atk "$MHSEND" --to "$HA" --hoa "$HOA" --ha "$HA_IN" \
	--coa 2001:db8:a::2 "$@"; }
send --no-auth
send --key-hex 0badc0de0badc0de0badc0de0badc0de
send --key-hex "$KEY" --spi 999
send --no-auth --heartbeat
send --key-hex 0badc0de0badc0de0badc0de0badc0de --heartbeat
send --raw "$WORLD_TMP/bu.bin"
sleep 0.5
st=$(had_status)
after=$(printf '%s' "$st" | jq -c '[.mobile_nodes[0].bindings[] | {bid, peer, port}] | sort_by(.bid)')
[ "$before" = "$after" ] || world_fail "a forged message moved a binding: $before -> $after"
world_log "ok: bindings unchanged by forged messages: $after"
world_assert "forged messages counted" bash -c \
	"printf '%s' '$st' | jq -e '.counters.drop_auth >= 5 and .counters.drop_replay >= 1'"

# The download finishes on its one connection, every byte there.
for _ in $(seq 1 600); do
	world__alive "$CURL" || break
	sleep 0.1
done
world__alive "$CURL" && world_fail "download did not finish"
wait "$CURL" || world_fail "curl failed: $(cat "$WORLD_TMP/curl.log")"
world_assert "one connection, whole file" grep -qx "1 25165824" "$WORLD_TMP/curl.log"
world_assert "same bytes" cmp -s "$WORLD_TMP/big" "$WORLD_TMP/got"
world_log "HA: $(had_status | jq -c .counters)"
world_log "MN: $(cat "$WORLD_TMP/mn.json")"
world_pass
