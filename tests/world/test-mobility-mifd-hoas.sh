#!/bin/bash
# SPDX-License-Identifier: MIT
# Several home addresses inside mifd (issue 16 item 1, (n,n) of
# draft-ietf-monami6-mipv6-analysis 5.4, 6.1.5): mifd holds HoA1
# ([mobility], name h1) from ha and HoA2 ([mobility h2]) from ha2, two
# mif-had instances with keys and SPIs of their own, over three IPv6 access
# networks learnt from radvd, each router dropping sources not its own
# (BCP 38). h2's via = eth1 eth2 leaves eth3 out.
#
#   mn (mifd) eth1 -- r1 (2001:db8:1::/64) -- core -- ha  (HoA1 2001:db8:100::10)
#   mn (mifd) eth2 -- r2 (2001:db8:2::/64) --/ | |\-- ha2 (HoA2 2001:db8:200::10)
#   mn (mifd) eth3 -- r3 (2001:db8:3::/64) ----/ \--- cn  2001:db8:c::2
#
# Shows: each home address registered at its own agent with only
# ingress-safe pairs (each binding's care-of address is its interface's own,
# in that network's prefix, as `mifctl --json mobility` and each agent's
# --status say; eth3 refused for h2 by its via list, and why); each home
# address reaches the correspondent; a TCP download to each survives the
# loss of carrier of eth1, and the access routers' BCP 38 counters (shown to
# count a foreign source first) do not move; neither agent saw the other's
# home address. A killed network-facing process is loaded again with both
# home addresses and both register again; a stop deregisters both.
# Nested (analysis 6.3.1): with h2's via = h1, ha2 binds HoA2 at HoA1, a
# download to HoA2 survives eth1's loss under h1 with h2's binding
# unchanged, a stop deregisters both; three levels are refused at start.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/mobility-mifd.sh"

world_init
world_require nft curl jq python3 radvd
MOBD_NETS=2 mobd_world mn
HOA1=$HOA HOA2=2001:db8:200::10 HA2=2001:db8:f2::1

# r3: a third IPv6 access network, like r1 and r2 (radvd, BCP 38).
world_router r3
world_link mn eth3 r3 eth0
world_link r3 eth1 core r3
world_addr r3 eth0 2001:db8:3::1/64
world_addr r3 eth1 2001:db8:e3::2/64
world_addr core r3 2001:db8:e3::1/64
ip -n "$(world_ns r3)" -6 route add default via 2001:db8:e3::1
ip -n "$(world_ns core)" -6 route add 2001:db8:3::/64 via 2001:db8:e3::2
world_sysctl r3 net.ipv6.conf.eth0.keep_addr_on_down=1
world_exec r3 nft -f - <<NFT || world_fail "nft on r3"
table inet bcp38 {
	chain ingress_filter {
		type filter hook forward priority 0; policy accept;
		iifname "eth0" ip6 saddr != 2001:db8:3::/64 counter drop
	}
}
NFT
world_radvd r3 "interface eth0 {
	AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
	AdvDefaultLifetime 600;
	prefix 2001:db8:3::/64 { AdvOnLink on; AdvAutonomous on; };
};"

# ha2: the second home agent, home prefix 2001:db8:200::/64, its own key.
world_router ha2
world_link ha2 eth0 core ha2
world_addr ha2 eth0 "$HA2/64"
world_addr core ha2 2001:db8:f2::2/64
ip -n "$(world_ns ha2)" -6 route add default via 2001:db8:f2::2
ip -n "$(world_ns core)" -6 route add 2001:db8:200::/64 via "$HA2"
umask 077
printf '%s\n' ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100 \
	>"$WORLD_TMP/mn2.key"
cat >"$WORLD_TMP/had2.conf" <<EOF2
[ha]
address = 2001:db8:200::1
home_prefix = 2001:db8:200::/64
tun = mifha0
control = $WORLD_TMP/had2.sock
heartbeat_interval_ms = 100
heartbeat_misses = 3

[mn phone]
hoa = $HOA2
spi = 258
key_file = $WORLD_TMP/mn2.key
EOF2
cat >"$WORLD_TMP/mifd.conf" <<EOF2
[mifd]
interfaces = eth1 eth2 eth3

[mobility]
enabled = yes
name = h1
home_agent = $HA_IN
home_agent_address = $HA
home_address = $HOA1
key_file = $WORLD_TMP/mn.key
spi = 256
routes = 2001:db8:c::/64
prefer = eth1 eth2 eth3

[mobility h2]
home_address = $HOA2
home_agent = 2001:db8:200::1
home_agent_address = $HA2
key_file = $WORLD_TMP/mn2.key
spi = 258
via = eth1 eth2
EOF2
umask 022
world_bg ha2 had2 "$HAD" -c "$WORLD_TMP/had2.conf"
world_wait_for "mif-had ha2 status socket" 10 test -S "$WORLD_TMP/had2.sock"
had2_status() { world_exec ha2 "$HAD" --status -s "$WORLD_TMP/had2.sock"; }

world_mifd mn --config "$WORLD_TMP/mifd.conf"

# home H: mifctl's view of home address H (0: h1, 1: h2).
home() { mob | jq --argjson h "$1" '.homes[$h]'; }
# H registered with N bindings, all alive.
home_alive() {
	home "$1" | world_jq --argjson n "$2" \
		'.registered and (.bindings | length == $n and all(.state == "alive"))'
}
world_wait_for "h1: three bindings alive (eth1 eth2 eth3)" 30 home_alive 0 3
world_wait_for "h2: two bindings alive (eth1 eth2)" 10 home_alive 1 2
world_log "h1: $(home 0 | jq -c '[.bindings[] | {bid, coa, interface}]')"
world_log "h2: $(home 1 | jq -c '[.bindings[] | {bid, coa, interface}]')"
mob | world_jq '(.homes | length == 2) and .homes[0].name == "h1" and .homes[1].name == "h2"
	and .home_address == "'"$HOA1"'" and .homes[1].home_address == "'"$HOA2"'"
	and .homes[1].home_agent == "2001:db8:200::1"' >/dev/null ||
	world_fail "mifctl mobility does not list both home addresses"

# Only ingress-safe pairs: every binding's care-of address lies in the
# prefix of the network of the interface it leaves through (ethN:
# 2001:db8:N::/64), and says so; h2 refused eth3, saying why.
safe() {
	home "$1" | world_jq '.bindings | all(
		(.interface | ltrimstr("eth")) as $n | (.coa | startswith("2001:db8:" + $n + ":")) and
		.pairing.verdict == "bound" and (.pairing.why | test("^ingress-safe: source ")))'
}
world_assert "h1: every binding ingress-safe" safe 0
world_assert "h2: every binding ingress-safe" safe 1
world_assert "h2: eth3 refused by its via list, and why" bash -c \
	"$MIFCTL --socket $WORLD_TMP/mifd.sock --json mobility | jq -e '.homes[1].pairs |
		(map(select(.verdict == \"refused\")) | length == 1 and .[0].interface == \"eth3\"
			and (.[0].why | test(\"not in this home address.s via list\")))
		and (map(select(.verdict == \"bound\")) | length == 2)'"
world_assert "h1: three pairs bound" bash -c \
	"$MIFCTL --socket $WORLD_TMP/mifd.sock --json mobility | jq -e '.homes[0].pairs |
		length == 3 and all(.verdict == \"bound\")'"
# The agents see the same: each its own home address, from the care-of
# addresses mifd shows for it.
coas() { home "$1" | jq -c '[.bindings[].coa] | sort'; }
peers() { "$1" | jq -c '[.mobile_nodes[0].bindings[] | select(.state == "alive") | .peer] | sort'; }
agent_agrees() {
	[ "$(coas "$1")" = "$(peers "$2")" ] &&
		"$2" | jq -e --arg h "$3" '.mobile_nodes[0].hoa == $h' >/dev/null
}
world_wait_for "ha: HoA1's bindings are h1's care-of addresses" 5 agent_agrees 0 had_status "$HOA1"
world_wait_for "ha2: HoA2's bindings are h2's care-of addresses" 5 agent_agrees 1 had2_status "$HOA2"
world_log "ha: $(had_status | jq -c '.mobile_nodes[0] | {hoa, bindings: [.bindings[] | {bid, peer, state}]}')"
world_log "ha2: $(had2_status | jq -c '.mobile_nodes[0] | {hoa, bindings: [.bindings[] | {bid, peer, state}]}')"

world_ctl mobility >"$WORLD_TMP/mob.txt" || world_fail "mifctl mobility failed"
world_assert "mifctl mobility (text) names both home addresses" bash -c \
	"grep -qx '\[h1\]' $WORLD_TMP/mob.txt && grep -qx '\[h2\]' $WORLD_TMP/mob.txt"
world_assert "mifctl mobility (text) says why eth3 is not h2's" grep -q \
	"^  not paired: 2001:db8:3:.* via eth3: refused (eth3 is not in this home address's via list)" \
	"$WORLD_TMP/mob.txt"
world_log "mifctl mobility:
$(cat "$WORLD_TMP/mob.txt")"

# A program that does not bind gets [mobility]'s home address (the route's
# preferred source); binding picks the other.
world_assert "the correspondent's route through mifmob0 names HoA1 as source" bash -c \
	"ip -n $(world_ns mn) -6 route get 2001:db8:c::2 | grep -q 'dev mifmob0.*src $HOA1'"
world_assert "the correspondent's route from HoA2 goes through mifmob0 too" bash -c \
	"ip -n $(world_ns mn) -6 route get 2001:db8:c::2 from $HOA2 | grep -q 'dev mifmob0'"

# Each home address reaches the correspondent, through its own agent.
world_assert "the correspondent from HoA1" world_exec mn ping -6 -c 2 -W 2 -I "$HOA1" 2001:db8:c::2
world_assert "the correspondent from HoA2" world_exec mn ping -6 -c 2 -W 2 -I "$HOA2" 2001:db8:c::2

# The BCP 38 counters count: a foreign source sent through eth1 is dropped.
bcp38() {
	local r s=0 n
	for r in r1 r2 r3; do
		n=$(world_exec "$r" nft -j list table inet bcp38 |
			jq '[.nftables[] | .rule? | select(.) | .expr[] | .counter? | select(.) | .packets] | add // 0')
		s=$((s + n))
	done
	echo "$s"
}
# (A host route through r1 for the probe only: the correspondent's prefix
# goes into the tunnel, and mifd's tables hold the PvDs' own sources.)
c0=$(bcp38)
ip -n "$(world_ns mn)" addr add 2001:db8:9::10/128 dev eth1 nodad
ip -n "$(world_ns mn)" -6 route add 2001:db8:e1::1/128 via 2001:db8:1::1 dev eth1 onlink
world_exec mn ping -6 -c 1 -W 1 -I 2001:db8:9::10 2001:db8:e1::1 >/dev/null 2>&1 || true
ip -n "$(world_ns mn)" -6 route del 2001:db8:e1::1/128
ip -n "$(world_ns mn)" addr del 2001:db8:9::10/128 dev eth1
drops0=$(bcp38)
[ "$drops0" -gt "$c0" ] || world_fail "the BCP 38 counters did not count a foreign source ($c0 -> $drops0)"
world_log "ok: BCP 38 counter check: a foreign source through eth1 counted ($c0 -> $drops0)"

# A TCP download to each home address, slowly, while eth1 loses carrier.
world_exec cn dd if=/dev/urandom of="$WORLD_TMP/f8" bs=1M count=8 status=none
world_bg cn http python3 -m http.server -b 2001:db8:c::2 -d "$WORLD_TMP" 8080
world_wait_for "http server" 10 world_exec mn curl -s -o /dev/null -r 0-0 \
	"http://[2001:db8:c::2]:8080/f8"
world_sysctl mn net.ipv4.tcp_rmem="4096 131072 524288"
get() {  # get NAME SRC: PID in GOT_PID
	world_bg mn "$1" curl -sS --limit-rate 1M --speed-limit 1 --speed-time 10 \
		--interface "$2" -o "$WORLD_TMP/$1.got" \
		-w '%{num_connects} %{size_download} %{local_ip}\n' "http://[2001:db8:c::2]:8080/f8"
	GOT_PID=$WORLD_LAST_PID
}
got_ok() {  # got_ok NAME PID SRC
	for _ in $(seq 1 400); do world__alive "$2" || break; sleep 0.1; done
	world__alive "$2" && world_fail "$1: download did not finish"
	wait "$2" || world_fail "$1: curl failed: $(cat "$WORLD_TMP/$1.log")"
	world_assert "$1: one connection from $3, whole file" grep -qx "1 8388608 $3" "$WORLD_TMP/$1.log"
	world_assert "$1: same bytes" cmp -s "$WORLD_TMP/f8" "$WORLD_TMP/$1.got"
}
uplink_of() {  # uplink_of H IF
	home "$1" | world_jq --arg i "$2" '.bindings | map(select(.uplink)) | .[0].interface == $i'
}
world_wait_for "h1's uplink on eth1" 5 uplink_of 0 eth1
world_wait_for "h2's uplink on eth1" 5 uplink_of 1 eth1
# The correspondent's uplink paced at 16 Mbit/s: the two downloads take
# about 8 s however fast the tunnel is (curl's --limit-rate lets a burst
# through at the start; the kernel fast path delivered both files in
# under 2 s, before the cut).
world_exec cn tc qdisc add dev eth0 root tbf rate 16mbit burst 32kb latency 400ms
get dl1 "$HOA1"
P1=$GOT_PID
get dl2 "$HOA2"
P2=$GOT_PID
sleep 2
ip -n "$(world_ns r1)" link set eth0 down
world_wait_for "h1's uplink moved to eth2" 5 uplink_of 0 eth2
world_wait_for "h2's uplink moved to eth2" 5 uplink_of 1 eth2
world_log "after the cut: h1 $(home 0 | jq -c '[.bindings[] | {bid, interface, state, uplink}]')"
world_log "after the cut: h2 $(home 1 | jq -c '[.bindings[] | {bid, interface, state, uplink}]')"
world__alive "$P1" && world__alive "$P2" ||
	world_fail "a download ended before eth1 went back (too fast to show anything)"
got_ok dl1 "$P1" "$HOA1"
got_ok dl2 "$P2" "$HOA2"
world_exec cn tc qdisc del dev eth0 root
world_assert "h2's download came through eth2 after the cut" bash -c \
	"$MIFCTL --socket $WORLD_TMP/mifd.sock --json mobility | jq -e '.homes[1].bindings[] |
		select(.interface == \"eth2\") | .rx_packets > 1000'"
drops1=$(bcp38)
world_log "after the downloads: ha $(had_status | jq -c .counters) ha2 $(had2_status | jq -c .counters); TUN packets from no home address (not sent): $(mob | jq .no_home_source)"
world_log "BCP 38 drops on r1+r2+r3: $drops0 before, $drops1 after"
[ "$drops1" = "$drops0" ] || world_fail "a foreign source reached an access router ($drops0 -> $drops1)"
world_log "ok: no packet dropped by the access routers' ingress filters"
world_assert "neither agent saw a packet from a home address not its own" bash -c \
	"$HAD --status -s $WORLD_TMP/had.sock | jq -e '.counters.drop_spoofed == 0' &&
	 ip netns exec $(world_ns ha2) $HAD --status -s $WORLD_TMP/had2.sock | jq -e '.counters.drop_spoofed == 0'"

# The network-facing process dies: the parent loads a new one with both
# home addresses (configuration, TUN device, each one's sockets) and both
# register again, each at its own agent.
ip -n "$(world_ns r1)" link set eth0 up
world_wait_for "h1: three bindings alive again" 30 home_alive 0 3
net_pid=$(mif_status | jq .processes.net.pid)
kill -KILL "$net_pid"
new_net() { mif_status | world_jq --argjson p "$net_pid" '.processes.net.pid != $p'; }
world_wait_for "a new network-facing process" 10 new_net
world_wait_for "h1 registered again, three bindings alive" 20 home_alive 0 3
world_wait_for "h2 registered again, two bindings alive" 20 home_alive 1 2
world_assert "h2's pairs given again (eth3 refused)" bash -c \
	"$MIFCTL --socket $WORLD_TMP/mifd.sock --json mobility | jq -e '.homes[1].pairs |
		map(select(.verdict == \"refused\")) | length == 1 and .[0].interface == \"eth3\"'"
world_assert "HoA1 reaches the correspondent again" world_exec mn ping -6 -c 2 -W 2 -I "$HOA1" 2001:db8:c::2
world_assert "HoA2 reaches the correspondent again" world_exec mn ping -6 -c 2 -W 2 -I "$HOA2" 2001:db8:c::2

# A clean stop deregisters both home addresses at both agents.
kill -TERM "$WORLD_MIFD_PID"
nobind() { "$1" | world_jq '.mobile_nodes[0].bindings | length == 0'; }
world_wait_for "ha: HoA1 deregistered" 5 nobind had_status
world_wait_for "ha2: HoA2 deregistered" 5 nobind had2_status
world_wait_for "mifd stopped" 10 bash -c "! kill -0 $WORLD_MIFD_PID 2>/dev/null"
WORLD_MIFD_PID=""

# ---- nested (analysis 6.3.1): h2 over h1, HoA1 as HoA2's care-of address ----
# h2's path is a socket bound to HoA1 on mifmob0: its packets to ha2 go
# through h1's tunnel (a source-specific route the parent adds). A loss of
# eth1 moves h1 and leaves h2's binding at ha2 as it was.
sed 's/^via = eth1 eth2$/via = h1/' "$WORLD_TMP/mifd.conf" >"$WORLD_TMP/nest.conf"
grep -qx "via = h1" "$WORLD_TMP/nest.conf" || world_fail "nest.conf: no via = h1"
world_mifd mn --config "$WORLD_TMP/nest.conf"
world_wait_for "nested: h1 three bindings alive" 30 home_alive 0 3
world_wait_for "nested: h2 one binding alive" 20 home_alive 1 1
over_hoa1() {
	had2_status | world_jq --arg h "$HOA1" '.mobile_nodes[0].bindings |
		length == 1 and .[0].peer == $h and .[0].state == "alive"'
}
world_wait_for "nested: ha2 reaches HoA2 at HoA1" 10 over_hoa1
home 1 | world_jq '.bindings[0] | .interface == "mifmob0" and .coa == "'"$HOA1"'" and
	.pairing.verdict == "nested" and (.pairing.why | test("nested: h1 as care-of address"))' \
	>/dev/null || world_fail "nested: mifctl mobility does not show h2 nested over h1"
world_log "nested: h2 $(home 1 | jq -c '{bindings: [.bindings[] | {bid, coa, interface, pairing}], pairs}')"
world_assert "nested: the correspondent's route from HoA2 has the device's MTU less 48" bash -c \
	"ip -n $(world_ns mn) -6 route get 2001:db8:c::2 from $HOA2 | grep -q 'dev mifmob0.* mtu 1352'"
world_assert "nested: ha2's outer address from HoA1 goes through mifmob0" bash -c \
	"ip -n $(world_ns mn) -6 route get $HA2 from $HOA1 | grep -q 'dev mifmob0'"
world_assert "nested: the correspondent from HoA2 over HoA1" \
	world_exec mn ping -6 -c 2 -W 2 -I "$HOA2" 2001:db8:c::2
get nest "$HOA2"
P3=$GOT_PID
sleep 2
ip -n "$(world_ns r1)" link set eth0 down
world_wait_for "nested: h1's uplink moved to eth2" 5 uplink_of 0 eth2
world__alive "$P3" || world_fail "nested: the download ended before eth1 went"
got_ok nest "$P3" "$HOA2"
world_assert "nested: HoA2's binding at ha2 never moved" over_hoa1
world_assert "nested: ha2 counted no spoofed packet" bash -c \
	"ip netns exec $(world_ns ha2) $HAD --status -s $WORLD_TMP/had2.sock | jq -e '.counters.drop_spoofed == 0'"
ip -n "$(world_ns r1)" link set eth0 up
# A clean stop deregisters the nested home address through h1's tunnel
# before h1 goes.
kill -TERM "$WORLD_MIFD_PID"
world_wait_for "nested: ha2: HoA2 deregistered" 5 nobind had2_status
world_wait_for "nested: ha: HoA1 deregistered" 5 nobind had_status
world_wait_for "mifd stopped" 10 bash -c "! kill -0 $WORLD_MIFD_PID 2>/dev/null"
WORLD_MIFD_PID=""

# h3 over h2 over h1: refused at start, saying why.
cat "$WORLD_TMP/nest.conf" - >"$WORLD_TMP/deep.conf" <<EOF2

[mobility h3]
home_address = 2001:db8:200::30
home_agent = 2001:db8:200::1
home_agent_address = $HA2
key_file = $WORLD_TMP/mn2.key
spi = 259
via = h2
EOF2
if world_exec mn timeout 10 "$MIFD" --foreground --config "$WORLD_TMP/deep.conf" \
	--socket "$WORLD_TMP/deep.sock" --state-dir "$WORLD_TMP/deep-state" --no-dns \
	>"$WORLD_TMP/deep.out" 2>&1; then
	world_fail "mifd started with nesting 3 deep"
fi
world_assert "h3 over h2 over h1 refused at start, saying why" grep -q \
	"\[mobility h3\]: via h2: h2 is itself nested: nesting deeper than 2 is refused" \
	"$WORLD_TMP/deep.out"
world_pass
