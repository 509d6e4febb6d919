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

world_init
world_require nft curl jq python3 radvd dnsmasq
B=${MESON_BUILD_ROOT:-$(dirname "$0")/../../build-dev}
HAD=${MIF_HAD:-$B/src/ha/mif-had}
[ -x "$HAD" ] || world_fail "missing $HAD"
HOA=2001:db8:100::10
HA_IN=2001:db8:100::1
HA=2001:db8:f::1
KEY=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
HOA4=192.0.2.10

world_host mn
world_router r1
world_router r2
world_router core
world_router ha
world_host cn
world_link mn eth1 r1 eth0
world_link mn eth2 r2 eth0
world_link r1 eth1 core r1
world_link r2 eth1 core r2
world_link ha eth0 core ha
world_link cn eth0 core cn
world_router r3
world_link mn eth3 r3 eth0
world_link r3 eth1 core r3
world_sysctl r3 net.ipv4.ip_forward=1
world_sysctl core net.ipv4.ip_forward=1
ip -n "$(world_ns r3)" addr add 192.168.3.1/24 dev eth0
ip -n "$(world_ns r3)" addr add 198.51.100.3/24 dev eth1
ip -n "$(world_ns core)" addr add 198.51.100.1/24 dev r3
ip -n "$(world_ns core)" addr add 203.0.113.2/24 dev ha
ip -n "$(world_ns ha)" addr add 203.0.113.1/24 dev eth0
ip -n "$(world_ns r3)" route add default via 198.51.100.1
ip -n "$(world_ns ha)" route add default via 203.0.113.2
# The correspondent's IPv4 side and the IPv4 home prefix behind ha.
world_sysctl ha net.ipv4.ip_forward=1
ip -n "$(world_ns cn)" addr add 198.18.0.2/24 dev eth0
ip -n "$(world_ns core)" addr add 198.18.0.1/24 dev cn
ip -n "$(world_ns cn)" route add default via 198.18.0.1
ip -n "$(world_ns core)" route add 192.0.2.0/24 via 203.0.113.1
world_exec r3 nft -f - <<-NFT || world_fail "nft on r3"
table ip nat {
	chain post {
		type nat hook postrouting priority 100; policy accept;
		oifname "eth1" masquerade
	}
}
NFT
mif_dnsmasq r3 dhcp "interface=eth0
bind-interfaces
dhcp-authoritative
dhcp-range=192.168.3.100,192.168.3.150,255.255.255.0,10m
dhcp-option=option:router,192.168.3.1"
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
ip -n "$(world_ns r1)" -6 route add default via 2001:db8:e1::1
ip -n "$(world_ns r2)" -6 route add default via 2001:db8:e2::1
ip -n "$(world_ns core)" -6 route add 2001:db8:1::/64 via 2001:db8:e1::2
ip -n "$(world_ns core)" -6 route add 2001:db8:2::/64 via 2001:db8:e2::2
ip -n "$(world_ns core)" -6 route add 2001:db8:100::/64 via 2001:db8:f::1
ip -n "$(world_ns ha)" -6 route add default via 2001:db8:f::2
ip -n "$(world_ns cn)" -6 route add default via 2001:db8:c::1
world_sysctl r1 net.ipv6.conf.eth0.keep_addr_on_down=1
world_sysctl r2 net.ipv6.conf.eth0.keep_addr_on_down=1
for r in 1 2; do
	world_exec "r$r" nft -f - <<-NFT || world_fail "nft on r$r"
	table inet bcp38 {
		chain ingress_filter {
			type filter hook forward priority 0; policy accept;
			iifname "eth0" ip6 saddr != 2001:db8:$r::/64 counter drop
		}
	}
	NFT
	world_radvd "r$r" "interface eth0 {
	AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
	AdvDefaultLifetime 600;
	prefix 2001:db8:$r::/64 { AdvOnLink on; AdvAutonomous on; };
};"
done

# The home agent, and the same key for the mobile node: root-only files.
umask 077
printf '%s\n' "$KEY" >"$WORLD_TMP/mn.key"
cat >"$WORLD_TMP/had.conf" <<EOF2
[ha]
address = $HA_IN
home_prefix = 2001:db8:100::/64
home_prefix4 = 192.0.2.0/24
tun = mifha0
control = $WORLD_TMP/had.sock
heartbeat_interval_ms = 100
heartbeat_misses = 3

[mn phone]
hoa = $HOA
hoa4 = $HOA4
spi = 256
key_file = $WORLD_TMP/mn.key
EOF2
cat >"$WORLD_TMP/mifd.conf" <<EOF2
[mifd]
interfaces = eth1 eth2 eth3
dhcp4 = eth3

[mobility]
enabled = yes
home_agent = $HA_IN
home_agent_address = $HA 203.0.113.1
home_address = $HOA
key_file = $WORLD_TMP/mn.key
spi = 256
routes = 2001:db8:c::/64
home_address4 = $HOA4
routes4 = 198.18.0.0/24
prefer = eth1 eth2 eth3
EOF2
umask 022
world_bg ha had "$HAD" -c "$WORLD_TMP/had.conf"
world_wait_for "mif-had status socket" 10 test -S "$WORLD_TMP/had.sock"
had_status() { world_exec ha "$HAD" --status -s "$WORLD_TMP/had.sock"; }

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
mob() { world_ctl --json mobility; }
# BID of the binding on interface $1, and the uplink's interface.
bid_on() { mob | jq -r --arg i "$1" '.bindings[] | select(.interface == $i) | .bid'; }
uplink_is() {
	mob | world_jq --arg i "$1" '.registered and
		(.bindings | map(select(.uplink)) | .[0].interface == $i)'
}
downlink_on() {
	had_status | world_jq --argjson b "$1" \
		'.mobile_nodes[0].bindings | map(select(.downlink)) | .[0].bid == $b'
}
all_alive() {
	mob | world_jq '.registered and (.bindings | length == 3 and all(.state == "alive"))'
}
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
