#!/bin/bash
# SPDX-License-Identifier: MIT
# mifd's mobile node on its home link and a foreign network at once (issue
# 15 item 3; RFC 5648 5.6, analysis 6.2.2; doc/mobility.md "Home link"):
#
#   mn (mifd) eth1 --+ sw (home link 2001:db8:100::/64) +-- ha eth1 (mif-had
#   mn (mifd) eth3 --+  radvd on ha: the home prefix)      home_link, radvd)
#                       (eth3's port down until step 5)
#   mn (mifd) eth2 -- r2 (radvd 2001:db8:2::/64, BCP 38) -- core -- ha eth0
#                                                              \-- cn 2001:db8:c::2
#
# mifd learns both networks from RAs. The PvD of eth1 has the home prefix:
# it is the home link, registered as a BID with the H flag whose care-of
# address is the home address, next to eth2's BID. While at home the parent
# holds the home address on eth1 and the route to the correspondent through
# the home link's router: the uplink leaves unencapsulated (mifd's TUN
# device reads nothing, the home link's nft counter sees the plain
# packets) and the agent delivers natively (no proxy entry, no /128 into its
# tunnel). The home link loses carrier: uplink and downlink through eth2's
# BID at once, the agent intercepts and proxies; carrier back: native
# again. The same for a silent blackhole of the home link (found by the
# heartbeats), and a restarted network-facing process comes back native;
# then the home link moves from eth1 to eth3 (analysis 6.3.3).
# One TCP download to the home address keeps its one connection through it
# all. A clean stop of mifd takes the home address, routes and rule away.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/mob-home.sh"

world_init
world_require nft curl jq python3 radvd cmp tcpdump
HAD=${MIF_HAD:-$(dirname "$MIFD")/../ha/mif-had}
[ -x "$HAD" ] || world_fail "missing $HAD (mif-had)"
HOA=$MOBH_HOA
HA_IN=$MOBH_HA_IN
HA=$MOBH_HA
CN=$MOBH_CN

# mob-home.sh's world with eth3 and RAs (radvd on r2 and on the home link).
MOBH_NODE=mn mobh_world eth3 ra
# On the agent, a count of the plain (unencapsulated) TCP packets from the
# home address that come in from the home link.
world_exec ha nft -f - <<-NFT || world_fail "nft on ha"
table inet homecount {
	counter plain_up { }
	chain f {
		type filter hook forward priority 0; policy accept;
		iifname "eth1" ip6 saddr $HOA ip6 daddr $CN meta l4proto tcp counter name plain_up
	}
}
NFT
mobh_had_start
umask 077
# home_address with its prefix length: a PvD of that prefix is the home link.
cat >"$WORLD_TMP/mifd.conf" <<EOF2
[mifd]
interfaces = eth1 eth2 eth3

[mobility]
enabled = yes
home_agent = $HA_IN
home_agent_address = $HA
home_address = $HOA/64
key_file = $WORLD_TMP/mn.key
spi = 256
routes = 2001:db8:c::/64
prefer = eth1 eth2
EOF2
umask 022
world_mifd mn --config "$WORLD_TMP/mifd.conf"

had_status() { world_exec ha "$HAD" --status -s "$WORLD_TMP/had.sock"; }
mob() { world_ctl --json mobility; }
bid_on() { mob | jq -r --arg i "$1" '.bindings[] | select(.interface == $i) | .bid'; }
downlink_on() {
	had_status | world_jq --argjson b "$1" \
		'.mobile_nodes[0].bindings | map(select(.downlink)) | .[0].bid == $b'
}
carrier_is() {
	mob | world_jq --arg v "$1" --arg i "$2" \
		'.registered and .uplink_carrier.via == $v and .uplink_carrier.interface == $i'
}
proxied() { ip -n "$(world_ns ha)" -6 neigh show proxy dev eth1 | grep -q "^$HOA "; }
intercepted() { ip -n "$(world_ns ha)" -6 route show "$HOA/128" | grep -q mifha0; }
native() { ! proxied && ! intercepted && had_status | world_jq '.home_link.away == []'; }
away() { proxied && intercepted && had_status | world_jq --arg a "$HOA" '.home_link.away == [$a]'; }
# Packets into mifd's tunnel: read from its TUN device, or carried by the
# kernel fast path (its uplink entry's count: 0 again once removed at home).
tun_rx() { mob | jq '.counters.tun_rx + (.fast_path.tx_packets // 0)'; }
# The same at the agent: its TUN device and its fast path's entries.
ha_tun() {
	had_status | jq '.counters.tun_rx + ([.mobile_nodes[].fast_path.tx_packets // 0] | add // 0)'
}
plain_up() {
	world_exec ha nft -j list counter inet homecount plain_up |
		jq '.nftables[] | select(.counter) | .counter.packets'
}
both_alive() {
	mob | world_jq '.registered and (.bindings | length == 2 and all(.state == "alive")) and
		(.bindings | map(select(.home)) | length == 1 and .[0].interface == "eth1" and
		 .[0].coa == "'"$HOA"'" and .[0].bid_pri == 0)'
}
# route_native: the kernel's route to the correspondent from mn.
route_native() {
	ip -n "$(world_ns mn)" -6 route get "$CN" | grep -q "dev eth1 .*src $HOA"
}
route_tunnel() { ip -n "$(world_ns mn)" -6 route get "$CN" | grep -q "dev mifmob0 .*src $HOA"; }

world_wait_for "two bindings alive, the home one on eth1 (H flag, the home address)" 30 both_alive
BH=$(bid_on eth1)
BF=$(bid_on eth2)
world_log "BIDs: home eth1 $BH, foreign eth2 $BF"
world_wait_for "uplink carried natively on eth1" 10 carrier_is native eth1
world_wait_for "the agent's downlink on the home BID $BH" 10 downlink_on "$BH"
world_wait_for "the agent delivers natively (no /128 into its tunnel, no proxy entry)" 10 native
had_status | world_jq --argjson b "$BH" '.mobile_nodes[0].bindings[] | select(.bid == $b) | .home' \
	>/dev/null || world_fail "the agent does not hold BID $BH with the H flag"
world_assert "the home address is on eth1 (no DAD: the agent held it)" bash -c \
	"ip -n $(world_ns mn) -6 addr show dev eth1 | grep -q 'inet6 $HOA/128'"
world_assert "the route to the correspondent: eth1, from the home address" route_native
world_ctl mobility >"$WORLD_TMP/mob-home.txt" || world_fail "mifctl mobility failed"
grep -q "uplink carried native: at home on eth1" "$WORLD_TMP/mob-home.txt" ||
	world_fail "mifctl mobility: $(cat "$WORLD_TMP/mob-home.txt")"
grep -q "BID $BH.*\[home, H flag\] $HOA via eth1" "$WORLD_TMP/mob-home.txt" ||
	world_fail "mifctl mobility does not show the home BID: $(cat "$WORLD_TMP/mob-home.txt")"
world_log "mifctl mobility at home:"
sed 's/^/    /' "$WORLD_TMP/mob-home.txt" >&2

# A download from the correspondent to the home address, 32 MiB behind an
# 8 Mbit/s uplink of the correspondent (tbf; not curl's --limit-rate, which
# fills the receive buffer and leaves the uplink silent for seconds).
world_exec cn dd if=/dev/urandom of="$WORLD_TMP/big" bs=1M count=32 status=none
world_bg cn http python3 -m http.server -b "$CN" -d "$WORLD_TMP" 8080
ip netns exec "$(world_ns cn)" tc qdisc add dev eth0 root tbf rate 8mbit burst 64kb latency 400ms ||
	world_fail "tc tbf on cn"
world_wait_for "http server" 10 sh -c "ip netns exec $(world_ns cn) ss -Hltn | grep -q ':8080'"
world_bg mn curl curl -sS -o "$WORLD_TMP/got" \
	-w '%{num_connects} %{size_download} %{local_ip}\n' "http://[$CN]:8080/big"
CURL=$WORLD_LAST_PID

# measure_home PHASE: over 2 s of the download at home, the uplink's TCP
# packets are seen plain on the home link, none read by mifd's TUN device,
# and the agent's tunnel carries no downlink.
measure_home() {
	local t0 t1 p0 p1 h0 h1
	t0=$(tun_rx) p0=$(plain_up) h0=$(ha_tun)
	sleep 2
	t1=$(tun_rx) p1=$(plain_up) h1=$(ha_tun)
	world_log "$1: 2 s at home: mifd TUN read $((t1 - t0)), plain TCP from the home address on the home link $((p1 - p0)), agent's tunnel $((h1 - h0))"
	[ $((p1 - p0)) -ge 50 ] || world_fail "$1: only $((p1 - p0)) plain uplink packets on the home link"
	[ $((t1 - t0)) -le 3 ] || world_fail "$1: the uplink went into mifd's tunnel ($((t1 - t0)) packets)"
	[ $((h1 - h0)) -le 3 ] || world_fail "$1: the downlink went through the agent's tunnel ($((h1 - h0)))"
}
sleep 1
measure_home "before the cut"

# 1. The home link loses carrier: uplink and downlink on eth2's BID at once.
tcut=$(world__now_ms)
ip -n "$(world_ns sw)" link set ph1 down
world_wait_for "uplink through the tunnel on eth2" 5 carrier_is tunnel eth2
tup=$(world__now_ms)
world_wait_for "the agent's downlink on BID $BF" 5 downlink_on "$BF"
world_wait_for "away: the agent intercepts (/128 into its tunnel) and proxies" 5 away
world_log "step: home link cut: uplink in the tunnel $((tup - tcut)) ms after (link event)"
world_assert "the route to the correspondent: the tunnel again" route_tunnel
world_assert "the home address is off eth1" bash -c \
	"! ip -n $(world_ns mn) -6 addr show dev eth1 | grep -q 'inet6 $HOA/128'"
t0=$(tun_rx)
sleep 2
t1=$(tun_rx)
[ $((t1 - t0)) -ge 50 ] || world_fail "away: the uplink did not go through the tunnel ($((t1 - t0)))"
world_log "ok: away: 2 s, mifd TUN read $((t1 - t0)) uplink packets"

# 2. Carrier back: the home link re-validated, native again.
tback=$(world__now_ms)
ip -n "$(world_ns sw)" link set ph1 up
world_wait_for "uplink native on eth1 again" 20 carrier_is native eth1
tnat=$(world__now_ms)
world_wait_for "the agent's downlink on the home BID again" 10 downlink_on "$BH"
world_wait_for "the agent native again" 10 native
world_log "step: carrier back: native uplink $((tnat - tback)) ms after"
world_assert "the route to the correspondent: eth1 again" route_native
sleep 0.5
measure_home "back home"

# 3. The home link silently drops everything (carrier stays): the
# heartbeats find it, the uplink leaves eth1 for the tunnel; the drop
# lifted, the heartbeats re-validate the home BID: native again.
tbh=$(world__now_ms)
world_exec mn nft -f - <<-NFT || world_fail "nft blackhole on mn"
table inet hole {
	chain i { type filter hook input priority -10; policy accept; iifname "eth1" drop; }
	chain o { type filter hook output priority -10; policy accept; oifname "eth1" drop; }
}
NFT
world_wait_for "blackhole: uplink through the tunnel on eth2" 5 carrier_is tunnel eth2
tup=$(world__now_ms)
world_assert "blackhole: the route to the correspondent is the tunnel" route_tunnel
world_wait_for "blackhole: the agent's downlink on BID $BF" 5 downlink_on "$BF"
world_log "step: blackhole: uplink in the tunnel $((tup - tbh)) ms after (heartbeats)"
world_assert "blackhole: the home address stays on eth1 (the path stays, dead)" bash -c \
	"ip -n $(world_ns mn) -6 addr show dev eth1 | grep -q 'inet6 $HOA/128'"
# The transfer resumes through the tunnel once the correspondent's
# retransmission timer (backed off during the ~0.4 s of loss) fires.
t0=$(tun_rx)
tun_grew() { [ $(($(tun_rx) - t0)) -ge 50 ]; }
world_wait_for "blackhole: the uplink's TCP packets read by mifd's TUN device" 10 tun_grew
world_log "ok: blackhole: uplink through the tunnel, $(($(tun_rx) - t0)) packets so far"
tbh=$(world__now_ms)
world_exec mn nft delete table inet hole || world_fail "nft delete on mn"
world_wait_for "blackhole lifted: uplink native on eth1" 10 carrier_is native eth1
tnat=$(world__now_ms)
world_wait_for "blackhole lifted: the agent native again" 10 native
world_assert "blackhole lifted: the route to the correspondent is eth1" route_native
world_log "step: blackhole lifted: native uplink $((tnat - tbh)) ms after (re-validated)"
sleep 0.5
measure_home "after the blackhole"

# 4. The network-facing process dies at home: the parent takes the native
# routes off (a new process has no uplink yet) and puts them back once the
# new one's heartbeats re-validate the home BID.
net_pid=$(mif_status | jq .processes.net.pid)
offs() { grep -c "uplink off the home link" "$WORLD_TMP/mifd.log" || true; }
ons() { grep -c "uplink native on the home link" "$WORLD_TMP/mifd.log" || true; }
off0=$(offs) on0=$(ons)
kill -KILL "$net_pid"
new_net() { mif_status | world_jq --argjson p "$net_pid" '.processes.net.pid != $p'; }
world_wait_for "a new network-facing process" 10 new_net
world_wait_for "the new one: uplink native on eth1" 10 carrier_is native eth1
world_assert "the route to the correspondent is eth1 after the restart" route_native
world_wait_for "the agent native after the restart" 10 native
[ "$(offs)" -gt "$off0" ] && [ "$(ons)" -gt "$on0" ] ||
	world_fail "the parent did not take the native routes off and back: $(grep 'home link' "$WORLD_TMP/mifd.log" | tail -4)"
world_log "ok: network-facing process restarted at home: routes off, native again once re-validated"

# 5. The home link moves to eth3 (analysis 6.3.3): eth1's port goes down
# as eth3's comes up; eth3's PvD (the home prefix) becomes the home path,
# the home address moves there, native once re-validated; the agent asks
# again for the node's link-layer address (it deletes its entry on every
# return home) and gets eth3's.
mac_of() { ip -n "$(world_ns mn)" link show "$1" | awk '/link\/ether/ { print $2 }'; }
ha_mac() { ip -n "$(world_ns ha)" -6 neigh show "$HOA" dev eth1 | awk '$2 == "lladdr" { print $3 }'; }
world__alive "$CURL" || world_fail "the download ended before the home link moved"
# RFC 6275 11.5.5: mifd multicasts an unsolicited NA (Override) for the home
# address from eth3; the agent's neighbour entry takes eth3's address.
world_bg ha na tcpdump -lnni eth1 -c 1 "icmp6 and ip6[40] == 136 and src $HOA and dst ff02::1"
sleep 1
tmv=$(world__now_ms)
ip -n "$(world_ns sw)" link set ph1 down
ip -n "$(world_ns sw)" link set ph3 up
world_wait_for "the home link on eth3: uplink native there" 20 carrier_is native eth3
tnat=$(world__now_ms)
world_wait_for "the agent native again" 10 native
world_log "step: home link moved to eth3: native there $((tnat - tmv)) ms after"
world_assert "the home address on eth3, not on eth1" bash -c \
	"ip -n $(world_ns mn) -6 addr show dev eth3 | grep -q 'inet6 $HOA/128' &&
	 ! ip -n $(world_ns mn) -6 addr show dev eth1 | grep -q 'inet6 $HOA/128'"
world_assert "the route to the correspondent: eth3" bash -c \
	"ip -n $(world_ns mn) -6 route get $CN | grep -q 'dev eth3 .*src $HOA'"
world_assert "the correspondent reaches the home address" world_exec cn ping -6 -c 2 -W 2 "$HOA"
[ "$(ha_mac)" = "$(mac_of eth3)" ] ||
	world_fail "the agent reaches the home address at $(ha_mac), not eth3's $(mac_of eth3)"
world_wait_for "the unsolicited NA seen on the home link" 5 grep -q "neighbor advertisement.*tgt is $HOA" "$WORLD_TMP/na.log"
world_log "ok: moved: the agent reaches the home address at eth3's $(mac_of eth3); NA: $(grep -m1 advertisement "$WORLD_TMP/na.log")"

for _ in $(seq 1 400); do world__alive "$CURL" || break; sleep 0.1; done
world__alive "$CURL" && world_fail "download did not finish"
wait "$CURL" || world_fail "curl failed: $(cat "$WORLD_TMP/curl.log")"
world_assert "one connection, whole file, to the home address" \
	grep -qx "1 33554432 $HOA" "$WORLD_TMP/curl.log"
world_assert "same bytes" cmp -s "$WORLD_TMP/big" "$WORLD_TMP/got"
world_log "mifctl mobility after: $(world_ctl mobility | grep -E 'uplink|switch' | tr '\n' ' ')"

# 6. A clean stop: the home address and the native routes leave eth1.
kill -TERM "$WORLD_MIFD_PID"
world_wait_for "mifd stopped" 10 bash -c "! kill -0 $WORLD_MIFD_PID 2>/dev/null"
world_assert "no home address left on eth1 or eth3" bash -c \
	"! ip -n $(world_ns mn) -6 addr show | grep -q '$HOA/128'"
world_assert "no native route left" bash -c \
	"! ip -n $(world_ns mn) -6 route show 2001:db8:c::/64 | grep -q 'eth[13]'"
world_assert "no rule for the home address left" bash -c \
	"! ip -n $(world_ns mn) -6 rule | grep -q 'from $HOA lookup main'"
world_pass
