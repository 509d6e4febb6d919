#!/bin/bash
# SPDX-License-Identifier: MIT
# An IPv4 home address in mifd's own mobile node (RFC 5555 inner IPv4,
# issues 15 and 16): the world of test-mobility-mifd.sh (radvd on N1 and
# N2 with BCP 38, dnsmasq DHCPv4 behind NAT on N3, mif-had in ha) with
# [mobility] home_address4 = 192.0.2.10 and routes4 = 198.18.0.0/24 in
# mifd.conf, home_prefix4 and hoa4 in had.conf. mifd asks for the IPv4
# home address in each Binding Update, `mifctl mobility` shows it
# acknowledged, and an IPv4 program (curl, one TCP connection from
# 192.0.2.10 to 198.18.0.2) keeps its download while N1 then N2 lose
# carrier, ending on the IPv4 NAT network.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/mobility-mifd.sh"

world_init
world_require nft curl jq python3 radvd dnsmasq
HOA4=192.0.2.10
MOBD_HA="home_prefix4 = 192.0.2.0/24" MOBD_MN="hoa4 = $HOA4" \
	MOBD_MOB="home_address4 = $HOA4
routes4 = 198.18.0.0/24" mobd_world mn
# The correspondent's IPv4 side and the IPv4 home prefix behind ha.
world_sysctl ha net.ipv4.ip_forward=1
ip -n "$(world_ns cn)" addr add 198.18.0.2/24 dev eth0
ip -n "$(world_ns core)" addr add 198.18.0.1/24 dev cn
ip -n "$(world_ns cn)" route add default via 198.18.0.1
ip -n "$(world_ns core)" route add 192.0.2.0/24 via 203.0.113.1

world_mifd mn --config "$WORLD_TMP/mifd.conf"
world_wait_for "three care-of paths (two from RAs, one from DHCPv4), all alive" 30 all_alive
world_wait_for "uplink on eth1 (prefer = eth1 eth2 eth3)" 5 uplink_is eth1

ack() { mob | world_jq '.home_address4 == "'"$HOA4"'" and .home_address4_acked and .home_address4_status == 0'; }
world_wait_for "mifctl mobility: the IPv4 home address acknowledged (status 0)" 5 ack
world_ctl mobility >"$WORLD_TMP/mob.txt" || world_fail "mifctl mobility failed"
world_assert "mifctl mobility names the IPv4 home address acknowledged" \
	grep -q "^IPv4 home address $HOA4 (RFC 5555): acknowledged (status 0)" "$WORLD_TMP/mob.txt"
world_assert "mifctl mobility: every binding paired as ingress-safe, and why" \
	bash -c "[ \$(grep -c '^    pairing: bound (ingress-safe: source .* leaves through eth[123], the network that gave it' '$WORLD_TMP/mob.txt') = 3 ]"
world_log "mifctl mobility: $(head -3 "$WORLD_TMP/mob.txt" | tr '\n' '|')"
world_assert "mif-had bound the IPv4 home address" bash -c \
	"$HAD --status -s $WORLD_TMP/had.sock | jq -e '.mobile_nodes[0] | .hoa4 == \"$HOA4\" and .hoa4_bound'"
world_assert "mifd put the IPv4 home address on its TUN device" bash -c \
	"ip -n $(world_ns mn) -4 addr show dev mifmob0 | grep -q 'inet $HOA4/'"
world_assert "the correspondent over IPv4 from the home address" \
	world_exec mn ping -4 -c 2 -W 2 198.18.0.2

# 12 MiB paced by cn's uplink (16 Mbit/s, about 6 s): two cuts fit in it.
world_exec cn dd if=/dev/urandom of="$WORLD_TMP/big4" bs=1M count=12 status=none
world_bg cn http4 python3 -m http.server -b 198.18.0.2 -d "$WORLD_TMP" 8081
world_wait_for "IPv4 http server" 10 world_exec mn curl -s -o /dev/null -r 0-0 \
	"http://198.18.0.2:8081/big4"
world_exec cn tc qdisc add dev eth0 root tbf rate 16mbit burst 32kb latency 400ms
world_bg mn curl4 curl -sS --speed-limit 1 --speed-time 10 -o "$WORLD_TMP/got4" \
	-w '%{num_connects} %{size_download} %{local_ip}\n' "http://198.18.0.2:8081/big4"
CURL=$WORLD_LAST_PID
sleep 1.5
ip -n "$(world_ns r1)" link set eth0 down
world_wait_for "uplink on eth2 after N1 loses carrier" 5 uplink_is eth2
sleep 1.5
ip -n "$(world_ns r2)" link set eth0 down
world_wait_for "uplink on eth3 (IPv4 behind NAT) after N2 loses carrier" 5 uplink_is eth3
for _ in $(seq 1 300); do world__alive "$CURL" || break; sleep 0.1; done
world__alive "$CURL" && world_fail "the IPv4 download did not finish"
wait "$CURL" || world_fail "curl failed: $(cat "$WORLD_TMP/curl4.log")"
world_assert "one connection from the IPv4 home address, whole file" \
	grep -qx "1 12582912 $HOA4" "$WORLD_TMP/curl4.log"
world_assert "same bytes" cmp -s "$WORLD_TMP/big4" "$WORLD_TMP/got4"
world_log "mifctl mobility: $(mob | jq -c '{home_address4, home_address4_acked, home_address4_status, counters}')"
world_pass
