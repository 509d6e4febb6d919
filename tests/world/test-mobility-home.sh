#!/bin/bash
# SPDX-License-Identifier: MIT
# The home link of mif-had (issue 15, RFC 5648 5.6, analysis 6.2.2) and a
# home address moved to another interface (issue 16, analysis 6.3.3):
#
#   h eth1 --+ sw (home link 2001:db8:100::/64) +-- ha eth1 (mif-had home_link)
#   h eth3 --+ (port down at first)              ha eth0 -- core -- cn
#   h eth2 -- r2 (2001:db8:2::/64, BCP 38) -------------------/
#
# The mobile node (tests/tools/mif-mn, src/daemon/mobility/mn.c) offers its
# home address on eth1 and eth3 as home interfaces (H flag) and eth2 as a
# foreign one. Shows: at home on eth1 the agent delivers natively (no /128
# into the tunnel, no proxy entry, the tunnel device carries no ping);
# eth1 unplugged and the home link plugged into eth3 (the home address moves
# to eth3): the downlink goes through eth2's BID while away, with the agent
# intercepting and proxying, then back to native on the home link, now
# reached through eth3 (the agent asked again for the node's link-layer
# address: it is eth3's); a ping from the correspondent to the home address
# keeps getting answers, one TCP download survives it all.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

world_init
world_require nft curl jq python3 cmp
B=${MESON_BUILD_ROOT:-$(dirname "$0")/../../build-dev}
HAD=${MIF_HAD:-$B/src/ha/mif-had}
MN=${MIF_MN:-$B/tests/tools/mif-mn}
for x in "$HAD" "$MN"; do [ -x "$x" ] || world_fail "missing $x"; done
HOA=2001:db8:100::10
HA_IN=2001:db8:100::1
HA=2001:db8:f::1
CN=2001:db8:c::2
KEY=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff

world_host h
world_host sw
world_router r2
world_router core
world_router ha
world_host cn
world_bridge sw br0
world_link h eth1 sw ph1
world_link h eth3 sw ph3
world_link ha eth1 sw pha
for p in ph1 ph3 pha; do world_bridge_port sw br0 "$p"; done
ip -n "$(world_ns sw)" link set ph3 down
world_link h eth2 r2 eth0
world_link r2 eth1 core r2
world_link ha eth0 core ha
world_link cn eth0 core cn
world_addr ha eth1 "$HA_IN/64"
world_addr h eth1 "$HOA/64"
world_addr h eth3 "$HOA/64"
world_addr h eth2 2001:db8:2::10/64
world_addr r2 eth0 2001:db8:2::1/64
world_addr r2 eth1 2001:db8:e2::2/64
world_addr core r2 2001:db8:e2::1/64
world_addr ha eth0 "$HA/64"
world_addr core ha 2001:db8:f::2/64
world_addr cn eth0 "$CN/64"
world_addr core cn 2001:db8:c::1/64
ip -n "$(world_ns r2)" -6 route add default via 2001:db8:e2::1
ip -n "$(world_ns core)" -6 route add 2001:db8:2::/64 via 2001:db8:e2::2
ip -n "$(world_ns core)" -6 route add 2001:db8:100::/64 via "$HA"
ip -n "$(world_ns ha)" -6 route add default via 2001:db8:f::2
ip -n "$(world_ns cn)" -6 route add default via 2001:db8:c::1
H=$(world_ns h)
ip -n "$H" -6 route add default via "$HA_IN" dev eth1 metric 100
ip -n "$H" -6 route add default via "$HA_IN" dev eth3 metric 150
ip -n "$H" -6 route add default via 2001:db8:2::1 dev eth2 metric 200
for i in eth1 eth3; do
	world_sysctl h "net.ipv6.conf.$i.keep_addr_on_down=1" \
		"net.ipv6.conf.$i.ignore_routes_with_linkdown=1"
done
world_sysctl r2 net.ipv6.conf.eth0.keep_addr_on_down=1
world_exec r2 nft -f - <<-NFT || world_fail "nft on r2"
table inet bcp38 {
	chain f {
		type filter hook forward priority 0; policy accept;
		iifname "eth0" ip6 saddr != 2001:db8:2::/64 counter drop
	}
}
NFT

umask 077
printf '%s\n' "$KEY" >"$WORLD_TMP/mn.key"
cat >"$WORLD_TMP/had.conf" <<EOF2
[ha]
address = $HA_IN
home_prefix = 2001:db8:100::/64
home_link = eth1
tun = mifha0
control = $WORLD_TMP/had.sock
heartbeat_interval_ms = 100
heartbeat_misses = 3

[mn phone]
hoa = $HOA
spi = 256
key_file = $WORLD_TMP/mn.key
EOF2
umask 022
world_bg ha had "$HAD" -c "$WORLD_TMP/had.conf"
HAD_PID=$WORLD_LAST_PID
world_wait_for "mif-had status socket" 10 test -S "$WORLD_TMP/had.sock"
had_status() { world_exec ha "$HAD" --status -s "$WORLD_TMP/had.sock"; }
world_assert "mif-had runs as nobody with a home link too" \
	bash -c "[ \"\$(stat -c %U /proc/$HAD_PID)\" = nobody ]"
world_assert "it kept CAP_NET_ADMIN alone (CapEff 0x1000)" \
	grep -q '^CapEff:[[:space:]]*0000000000001000$' "/proc/$HAD_PID/status"

ip -n "$H" tuntap add mode tun name mifmn0
ip -n "$H" link set mifmn0 mtu 1400 up
ip -n "$H" addr add "$HOA/128" dev mifmn0 nodad
ip -n "$H" -6 route add 2001:db8:c::/64 dev mifmn0 src "$HOA"
ip -n "$H" -6 route add 2001:db8:100::/64 dev mifmn0 metric 2048
world_bg h mn "$MN" --hoa "$HOA" --ha "$HA_IN" --ha6 "$HA" --spi 256 \
	--key-file "$WORLD_TMP/mn.key" --tun mifmn0 --status "$WORLD_TMP/mn.json" \
	--path "eth1,$HOA,0,home" --path eth2,2001:db8:2::10,1 --path "eth3,$HOA,0,home"

downlink_on() {
	had_status | world_jq --argjson b "$1" \
		'.mobile_nodes[0].bindings | map(select(.downlink)) | .[0].bid == $b'
}
uplink_is() { jq -e --arg i "$1" '.registered and .uplink == $i' "$WORLD_TMP/mn.json" >/dev/null 2>&1; }
proxied() { ip -n "$(world_ns ha)" -6 neigh show proxy dev eth1 | grep -q "^$HOA "; }
intercepted() { ip -n "$(world_ns ha)" -6 route show "$HOA/128" | grep -q mifha0; }
native() { ! proxied && ! intercepted && had_status | world_jq '.home_link.away == []'; }
away() { proxied && intercepted && had_status | world_jq --arg a "$HOA" '.home_link.away == [$a]'; }
tun_rx() { had_status | jq .counters.tun_rx; }
mac_of() { ip -n "$H" link show "$1" | awk '/link\/ether/ { print $2 }'; }
ha_neigh_mac() { ip -n "$(world_ns ha)" -6 neigh show "$HOA" dev eth1 | awk '{ print $3 }'; }
# ping_through N: N pings from the correspondent to the home address, all
# answered, while the agent's tunnel device counts how many it carried.
ping_ok() { world_exec cn ping -6 -c "$1" -i 0.2 -W 2 "$HOA" >/dev/null; }

world_wait_for "BIDs 1 and 2 alive, BID 1 with the H flag" 15 sh -c \
	"$HAD --status -s $WORLD_TMP/had.sock | jq -e '.mobile_nodes[0].bindings |
		(map(select(.bid == 1 and .home and .state == \"alive\")) | length == 1) and
		(map(select(.bid == 2 and .state == \"alive\")) | length == 1)' >/dev/null"
world_wait_for "downlink on the home BID 1" 10 downlink_on 1
world_wait_for "uplink on eth1" 10 uplink_is eth1
world_wait_for "at home: native (no /128 into the tunnel, no proxy entry)" 5 native
t0=$(tun_rx)
world_assert "the correspondent reaches the home address at home" ping_ok 5
t1=$(tun_rx)
[ $((t1 - t0)) -lt 3 ] || world_fail "at home the agent's tunnel device carried $((t1 - t0)) packets"
world_log "ok: at home, 5 pings answered, $((t1 - t0)) packets through the agent's tunnel device"
world_assert "the agent reaches the node at eth1's link-layer address" \
	bash -c "[ \"\$(ip -n $(world_ns ha) -6 neigh show $HOA dev eth1 | awk '{ print \$3 }')\" = $(mac_of eth1) ]"

# A TCP download that lives through everything below.
world_exec cn dd if=/dev/urandom of="$WORLD_TMP/big" bs=1M count=16 status=none
world_bg cn http python3 -m http.server -b "$CN" -d "$WORLD_TMP" 8080
world_wait_for "http server" 10 sh -c "ip netns exec $(world_ns cn) ss -Hltn | grep -q ':8080'"
world_bg h curl curl -sS --limit-rate 1M -o "$WORLD_TMP/got" \
	-w '%{num_connects} %{size_download}\n' "http://[$CN]:8080/big"
CURL=$WORLD_LAST_PID
sleep 2

# 1. The home interface loses carrier: away through eth2.
ip -n "$(world_ns sw)" link set ph1 down
world_wait_for "uplink on eth2" 5 uplink_is eth2
world_wait_for "downlink on BID 2" 5 downlink_on 2
world_wait_for "away: /128 into the tunnel and a proxy entry on the home link" 5 away
t0=$(tun_rx)
world_assert "the correspondent reaches the home address while away" ping_ok 5
t1=$(tun_rx)
[ $((t1 - t0)) -ge 5 ] || world_fail "away the tunnel device carried only $((t1 - t0)) packets"
world_log "ok: away, 5 pings answered through the tunnel ($((t1 - t0)) packets)"

# 2. The home link comes back on eth3 (6.3.3: the home address moves).
ip -n "$(world_ns sw)" link set ph3 up
world_wait_for "uplink on eth3" 10 uplink_is eth3
world_wait_for "downlink on a home BID again" 10 sh -c \
	"$HAD --status -s $WORLD_TMP/had.sock | jq -e '.mobile_nodes[0].bindings |
		map(select(.downlink)) | .[0].home' >/dev/null"
world_wait_for "native again" 5 native
t0=$(tun_rx)
world_assert "the correspondent reaches the home address at home through eth3" ping_ok 5
t1=$(tun_rx)
[ $((t1 - t0)) -lt 3 ] || world_fail "back home the tunnel device carried $((t1 - t0)) packets"
mac=$(ha_neigh_mac)
[ "$mac" = "$(mac_of eth3)" ] || world_fail "the agent reaches the home address at $mac, not eth3's $(mac_of eth3)"
world_log "ok: home through eth3 ($mac), 5 pings answered, $((t1 - t0)) packets through the tunnel device"

for _ in $(seq 1 400); do world__alive "$CURL" || break; sleep 0.1; done
world__alive "$CURL" && world_fail "download did not finish"
wait "$CURL" || world_fail "curl failed: $(cat "$WORLD_TMP/curl.log")"
world_assert "one connection, whole file" grep -qx "1 16777216" "$WORLD_TMP/curl.log"
world_assert "same bytes" cmp -s "$WORLD_TMP/big" "$WORLD_TMP/got"

# 3. The agent stops: no route or proxy entry of its own is left.
kill -TERM "$HAD_PID"
for _ in $(seq 1 50); do world__alive "$HAD_PID" || break; sleep 0.1; done
world_assert "nothing intercepted after the agent stopped" bash -c \
	"! ip -n $(world_ns ha) -6 neigh show proxy | grep -q $HOA"
world_log "HA: $(had_status 2>/dev/null | jq -c .home_link || true)"
world_pass
