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
. "$(dirname "$0")/mob-home.sh"

world_init
world_require nft curl jq python3 cmp
B=${MESON_BUILD_ROOT:-$(dirname "$0")/../../build-dev}
HAD=${MIF_HAD:-$B/src/ha/mif-had}
MN=${MIF_MN:-$B/tests/tools/mif-mn}
for x in "$HAD" "$MN"; do [ -x "$x" ] || world_fail "missing $x"; done
HOA=$MOBH_HOA
CN=$MOBH_CN

mobh_world eth3
world_sysctl h net.ipv6.conf.eth1.ignore_routes_with_linkdown=1 \
	net.ipv6.conf.eth3.ignore_routes_with_linkdown=1
H=$(world_ns h)
mobh_had_start
world_assert "mif-had runs as nobody with a home link too" \
	bash -c "[ \"\$(stat -c %U /proc/$HAD_PID)\" = nobody ]"
world_assert "it kept CAP_NET_ADMIN alone (CapEff 0x1000)" \
	grep -q '^CapEff:[[:space:]]*0000000000001000$' "/proc/$HAD_PID/status"
mobh_mn_start "eth1,$HOA,0,home" eth2,2001:db8:2::10,1 "eth3,$HOA,0,home"

# ping_ok N: N pings from the correspondent to the home address, all answered.
ping_ok() { world_exec cn ping -6 -c "$1" -i 0.2 -W 2 "$HOA" >/dev/null; }

mobh_wait_home
t0=$(mobh_tun_rx)
world_assert "the correspondent reaches the home address at home" ping_ok 5
t1=$(mobh_tun_rx)
[ $((t1 - t0)) -lt 3 ] || world_fail "at home the agent's tunnel device carried $((t1 - t0)) packets"
world_log "ok: at home, 5 pings answered, $((t1 - t0)) packets through the agent's tunnel device"
mac=$(mobh_ha_neigh_mac)
[ "$mac" = "$(mobh_mac_of eth1)" ] || world_fail "the agent reaches the home address at $mac, not eth1's $(mobh_mac_of eth1)"

# A TCP download that lives through everything below.
world_exec cn dd if=/dev/urandom of="$WORLD_TMP/big" bs=1M count=16 status=none
world_bg cn http python3 -m http.server -b "$CN" -d "$WORLD_TMP" 8080
world_wait_for "http server" 10 sh -c "ip netns exec $(world_ns cn) ss -Hltn | grep -q ':8080'"
world_bg h curl curl -sS --limit-rate 1M -o "$WORLD_TMP/got" \
	-w '%{num_connects} %{size_download}\n' "http://[$CN]:8080/big"
CURL=$WORLD_LAST_PID
sleep 2

# 1. The home interface loses carrier: away through eth2.
mobh_port ph1 down
world_wait_for "uplink on eth2" 5 mobh_uplink_is eth2
world_wait_for "downlink on BID 2" 5 mobh_downlink_on 2
world_wait_for "away: /128 into the tunnel and a proxy entry on the home link" 5 mobh_away
t0=$(mobh_tun_rx)
world_assert "the correspondent reaches the home address while away" ping_ok 5
t1=$(mobh_tun_rx)
[ $((t1 - t0)) -ge 5 ] || world_fail "away the tunnel device carried only $((t1 - t0)) packets"
world_log "ok: away, 5 pings answered through the tunnel ($((t1 - t0)) packets)"

# 2. The home link comes back on eth3 (6.3.3: the home address moves).
mobh_move_to_eth3
t0=$(mobh_tun_rx)
world_assert "the correspondent reaches the home address at home through eth3" ping_ok 5
t1=$(mobh_tun_rx)
[ $((t1 - t0)) -lt 3 ] || world_fail "back home the tunnel device carried $((t1 - t0)) packets"
mac=$(mobh_ha_neigh_mac)
[ "$mac" = "$(mobh_mac_of eth3)" ] || world_fail "the agent reaches the home address at $mac, not eth3's $(mobh_mac_of eth3)"
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
