#!/bin/bash
# SPDX-License-Identifier: MIT
# Home agent redundancy (issue 16, item 3): two home agents serve one home
# prefix. Their binding cache is kept in Redis (mif-had's [store]), the
# shared address the mobile node registers with moves between them by
# VRRP (keepalived), and the mobile node (tests/tools/mif-mn, the logic of
# src/daemon/mobility/mn.c) finds a dead home agent by its heartbeats and
# re-registers, with the same address, on the agent that took it over.
#
#   mn eth1 -- r1 --\                  /-- ha1 (mif-had, keepalived) .11
#   mn eth2 -- r2 -- core -- sw (switch) -- ha2 (mif-had, keepalived) .12
#                    |                 |-- db  (redis-server)        .20
#                    |                 \-- db2 (its replica)         .21
#                    cn 2001:db8:c::2       shared address 2001:db8:f::1
#
# Shows: ha1 holds the shared address and serves; ha2 stands by with an
# empty cache; every binding change is in Redis. A download from the
# correspondent to the home address and a 1 kHz UDP stream run; then
#   1. ha1's mif-had and keepalived are killed (kill -9): ha2's keepalived
#      takes the address when the advertisements stop, ha2's mif-had sees
#      it, loads the bindings from Redis and answers the mobile node;
#   2. ha1 comes back (standby: nopreempt), then only ha2's mif-had is
#      killed (kill -9): its TUN device goes with it, ha2's keepalived
#      (track_interface) gives the address up at once and ha1 takes over;
#      ha2's mif-had restarted, its keepalived is a backup again.
# Both downloads finish on their one TCP connection, byte for byte; the
# longest gap of each UDP stream is logged. Redis stopped: the active agent
# keeps serving from memory, counts the failed writes and catches up when
# Redis is back. Redis silently unreachable: no probe of a 1 kHz stream is
# lost while a write times out and reconnections are tried.
# The download and a second 1 kHz UDP stream (to port 9001) are flows bound
# (RFC 6089) to BID 2, not the default downlink (BID 1): the flow table is
# in the Redis record too, so in case 1 ha2 sends them on BID 2 from its
# first packet (the stream's replies counted per path on both access
# routers: none through r1 after the kill) and knows the flows when the
# mobile node's first BU names them in its Flow Summary (no status 132, no
# re-registration). The mobile node also has an IPv4 home address (RFC
# 5555), bound in the record too: a 1 kHz IPv4 stream from it comes through
# case 1 with ha2 forwarding IPv4 as soon as it serves.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

world_init
world_require curl jq nft python3 redis-server redis-cli keepalived
B=${MESON_BUILD_ROOT:-$(dirname "$0")/../../build-dev}
HAD=${MIF_HAD:-$B/src/ha/mif-had}
MN=${MIF_MN:-$B/tests/tools/mif-mn}
PROBE=${MIF_UDP_PROBE:-$B/tests/tools/mif-udp-probe}
WHOAMI=${MIF_WHOAMI:-$B/tests/tools/mif-whoami}
for x in "$HAD" "$MN" "$PROBE" "$WHOAMI"; do
	[ -x "$x" ] || world_fail "missing $x"
done
"$HAD" --help >/dev/null
HOA=2001:db8:100::10
HA_IN=2001:db8:100::1
VIP=2001:db8:f::1
DB=2001:db8:f::20
DB2=2001:db8:f::21
KEY=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff

world_host mn
world_router r1
world_router r2
world_router core
world_host sw
world_router ha1
world_router ha2
world_host db
world_host cn
world_link mn eth1 r1 eth0
world_link mn eth2 r2 eth0
world_link r1 eth1 core r1
world_link r2 eth1 core r2
world_link cn eth0 core cn
world_bridge sw br0
world_link core lan sw p0
world_link ha1 eth0 sw p1
world_link ha2 eth0 sw p2
world_link db eth0 sw p3
for p in p0 p1 p2 p3; do world_bridge_port sw br0 "$p"; done

world_addr mn eth1 2001:db8:1::10/64
world_addr mn eth2 2001:db8:2::10/64
world_addr r1 eth0 2001:db8:1::1/64
world_addr r2 eth0 2001:db8:2::1/64
world_addr r1 eth1 2001:db8:e1::2/64
world_addr core r1 2001:db8:e1::1/64
world_addr r2 eth1 2001:db8:e2::2/64
world_addr core r2 2001:db8:e2::1/64
world_addr core lan 2001:db8:f::2/64
world_addr ha1 eth0 2001:db8:f::11/64
world_addr ha2 eth0 2001:db8:f::12/64
world_addr db eth0 "$DB/64"
world_addr cn eth0 2001:db8:c::2/64
world_addr core cn 2001:db8:c::1/64
ip -n "$(world_ns r1)" -6 route add default via 2001:db8:e1::1
ip -n "$(world_ns r2)" -6 route add default via 2001:db8:e2::1
ip -n "$(world_ns core)" -6 route add 2001:db8:1::/64 via 2001:db8:e1::2
ip -n "$(world_ns core)" -6 route add 2001:db8:2::/64 via 2001:db8:e2::2
# The home prefix is behind the shared address, whoever holds it.
ip -n "$(world_ns core)" -6 route add 2001:db8:100::/64 via "$VIP"
for h in ha1 ha2 db; do ip -n "$(world_ns $h)" -6 route add default via 2001:db8:f::2; done
ip -n "$(world_ns cn)" -6 route add default via 2001:db8:c::1
ip -n "$(world_ns mn)" -6 route add default via 2001:db8:1::1 dev eth1 metric 100
ip -n "$(world_ns mn)" -6 route add default via 2001:db8:2::1 dev eth2 metric 200
# IPv4 home address: the correspondent's IPv4 side, and the IPv4 home
# prefix behind the shared IPv6 address (an IPv4 route with an IPv6 next
# hop), so it follows the address to whichever agent holds it.
HOA4=192.0.2.10
ip -n "$(world_ns cn)" addr add 198.18.0.2/24 dev eth0
ip -n "$(world_ns core)" addr add 198.18.0.1/24 dev cn
ip -n "$(world_ns cn)" route add default via 198.18.0.1
world_sysctl core net.ipv4.ip_forward=1
ip -n "$(world_ns core)" -4 route add 192.0.2.0/24 via inet6 "$VIP" dev lan
for h in ha1 ha2; do
	world_sysctl "$h" net.ipv4.ip_forward=1
	ip -n "$(world_ns $h)" -4 route add default via inet6 2001:db8:f::2 dev eth0
done
# The access routers keep their addresses across a link down (as in
# mobility.sh), so a network that comes back works again.
world_sysctl r1 net.ipv6.conf.eth0.keep_addr_on_down=1
world_sysctl r2 net.ipv6.conf.eth0.keep_addr_on_down=1

# The store: one Redis, in its own namespace, on the test address only.
mkdir -p "$WORLD_TMP/redis"
world_bg db redis redis-server --bind "$DB" --port 6379 --protected-mode no --save '' \
	--appendonly no --dir "$WORLD_TMP/redis" --daemonize no
REDIS_PID=$WORLD_LAST_PID
rcli() { world_exec db redis-cli -h "$DB" "$@"; }
# A replica (Redis' own replication): what the agents write is there too.
world_host db2
world_link db2 eth0 sw p4
world_bridge_port sw br0 p4
world_addr db2 eth0 "$DB2/64"
mkdir -p "$WORLD_TMP/redis-replica"
world_bg db2 redis-replica redis-server --bind "$DB2" --port 6379 --protected-mode no --save '' \
	--appendonly no --dir "$WORLD_TMP/redis-replica" --daemonize no --replicaof "$DB" 6379
redis_up() { [ "$(rcli ping 2>/dev/null)" = PONG ]; }
world_wait_for "redis up" 10 redis_up

umask 077
printf '%s\n' "$KEY" >"$WORLD_TMP/mn1.key"
for i in 1 2; do
	cat >"$WORLD_TMP/had$i.conf" <<-EOF
	[ha]
	address = $HA_IN
	listen = $VIP
	home_prefix = 2001:db8:100::/64
	home_prefix4 = 192.0.2.0/24
	tun = mifha0
	control = $WORLD_TMP/had$i.sock
	heartbeat_interval_ms = 100
	heartbeat_misses = 3

	[store]
	redis = $DB
	prefix = mw:
	active_address = $VIP

	[mn phone]
	hoa = $HOA
	hoa4 = $HOA4
	spi = 256
	key_file = $WORLD_TMP/mn1.key
	EOF
	# keepalived: VRRPv3 every 100 ms on the agents' LAN; both start as
	# backup with nopreempt (an agent that comes back stays standby); the
	# instance fails (gives up the address at once, priority 0) when its
	# mif-had is gone: at once when mif-had's TUN device goes with it
	# (the kernel removes it when its last descriptor closes; keepalived
	# sees the link go by netlink), and by a check every second for a
	# mif-had that hangs.
	cat >"$WORLD_TMP/ha$i-alive.sh" <<-EOF
	#!/bin/sh
	kill -0 "\$(cat $WORLD_TMP/had$i.pid)" 2>/dev/null
	EOF
	chmod 700 "$WORLD_TMP/ha$i-alive.sh"
	cat >"$WORLD_TMP/ka$i.conf" <<-EOF
	global_defs {
		router_id ha$i
		enable_script_security
		script_user root
		vrrp_min_garp true
		dynamic_interfaces
	}
	vrrp_script had_alive {
		script "$WORLD_TMP/ha$i-alive.sh"
		interval 1
		fall 1
		rise 1
	}
	vrrp_instance home {
		state BACKUP
		nopreempt
		interface eth0
		virtual_router_id 51
		priority $((200 - 50 * i))
		advert_int 0.1
		track_script {
			had_alive
		}
		track_interface {
			mifha0
		}
		# RFC 5798 5.2.9: the first IPv6 address is the link-local one.
		virtual_ipaddress {
			fe80::51/64 dev eth0
			$VIP/64 dev eth0
		}
	}
	EOF
done
umask 022

# start_ha N: mif-had and keepalived in haN (HAD_PID_N, KA_PID_N).
start_ha() {
	local i=$1
	world_lla "ha$i" eth0 >/dev/null
	world_bg "ha$i" "had$i" "$HAD" -c "$WORLD_TMP/had$i.conf"
	eval "HAD_PID_$i=$WORLD_LAST_PID"
	echo "$WORLD_LAST_PID" >"$WORLD_TMP/had$i.pid"
	world_wait_for "mif-had in ha$i" 10 test -S "$WORLD_TMP/had$i.sock"
	world_bg "ha$i" "ka$i" keepalived -n -l -D -P -f "$WORLD_TMP/ka$i.conf" \
		-p "$WORLD_TMP/ka$i.pid" -r "$WORLD_TMP/ka$i-vrrp.pid"
	eval "KA_PID_$i=$WORLD_LAST_PID"
}
had() { world_exec "ha$1" "$HAD" --status -s "$WORLD_TMP/had$1.sock"; }
# had_is N FILTER: haN's status matches the jq filter.
had_is() { had "$1" | world_jq "$2"; }
is_active() { had_is "$1" '.active'; }
not_holds_vip() { ! holds_vip "$1"; }
# (No "ip | grep -q": with pipefail, ip's SIGPIPE would fail the pipeline.)
holds_vip() {
	local a
	a=$(ip -n "$(world_ns "ha$1")" -6 addr show dev eth0)
	[[ $a == *" $VIP/"* ]]
}
mn_registered() { jq -e '.registered and .uplink == "eth1"' "$WORLD_TMP/mn.json"; }
bindings_on() {
	had "$1" | world_jq '.active and (.mobile_nodes[0].bindings | length == 2 and
		all(.state == "alive"))'
}

start_ha 1
world_wait_for "ha1 holds the shared address" 10 holds_vip 1
start_ha 2
world_wait_for "ha1 active" 5 is_active 1
world_assert "ha2 stands by" not_holds_vip 2

ip -n "$(world_ns mn)" tuntap add mode tun name mifmn0
ip -n "$(world_ns mn)" link set mifmn0 mtu 1400 up
ip -n "$(world_ns mn)" addr add "$HOA/128" dev mifmn0 nodad
ip -n "$(world_ns mn)" -6 route add 2001:db8:c::/64 dev mifmn0 src "$HOA"
ip -n "$(world_ns mn)" addr add "$HOA4/32" dev mifmn0
ip -n "$(world_ns mn)" route add 198.18.0.0/24 dev mifmn0 src "$HOA4"
# The download from the correspondent's port 8080 on BID 2 (eth2).
printf '%s\n' 'dl fid=1 pri=10 bid=2 proto=tcp rport=8080' \
	'pr fid=2 pri=20 bid=2 proto=udp rport=9001' >"$WORLD_TMP/flows"
# Tunnel packets toward the mobile node on each access router: all, and
# those of download size (heartbeats and UDP probes are far smaller).
for r in 1 2; do
	world_exec "r$r" nft -f - <<-NFT || world_fail "nft counter on r$r"
	table inet hacount {
		counter tdown { }
		counter big { }
		counter p9001 { }
		chain hcfwd {
			type filter hook forward priority 10; policy accept;
			oifname "eth0" udp sport 4191 counter name tdown
			oifname "eth0" udp sport 4191 meta length > 1000 counter name big
			# The tunnel has no shim (mhtun.h): the inner UDP source
			# port is 8 + 40 octets into the outer UDP header.
			oifname "eth0" udp sport 4191 @th,384,16 9001 counter name p9001
		}
	}
	NFT
done
# nft_count R NAME packets|bytes: counter NAME on router R (veth GRO may
# count several segments as one packet: the bytes are exact).
nft_count() {
	world_exec "$1" nft -j list counter inet hacount "$2" |
		jq ".nftables[] | select(.counter) | .counter.$3"
}
world_bg mn mn "$MN" --hoa "$HOA" --ha "$HA_IN" --ha6 "$VIP" --spi 256 \
	--key-file "$WORLD_TMP/mn1.key" --tun mifmn0 --status "$WORLD_TMP/mn.json" \
	--path eth1,2001:db8:1::10,0 --path eth2,2001:db8:2::10,1 --flow-file "$WORLD_TMP/flows" \
	--hoa4 "$HOA4"
world_wait_for "mobile node registered through ha1" 10 mn_registered
world_wait_for "two bindings alive on ha1" 10 bindings_on 1
world_assert "ha2 has no binding in memory" had_is 2 \
	'(.active | not) and (.mobile_nodes[0].bindings | length == 0)'
rec=$(rcli GET "mw:binding:$HOA")
world_log "record in Redis: $rec"
printf '%s' "$rec" | jq -e -s 'length == 1 and (.[0].paths | length == 2)' >/dev/null ||
	world_fail "no record in Redis"
rec_on_replica() {
	[ "$(world_exec db2 redis-cli -h "$DB2" GET "mw:binding:$HOA")" = "$rec" ]
}
world_wait_for "the record on the Redis replica" 5 rec_on_replica
world_wait_for "flow 1 on BID 2 at ha1" 10 had_is 1 \
	'.mobile_nodes[0].flows | map(.fid) == [1, 2] and all(.bids == [2])'
rec_has_flow() {
	rcli GET "mw:binding:$HOA" | world_jq -s 'length == 1 and .[0].v == 2 and
		(.[0].flows | length == 2) and .[0].hoa4 == "'"$HOA4"'"'
}
world_wait_for "the flows and the IPv4 home address in the Redis record (version 2)" 5 \
	rec_has_flow
FLOW_SEQ=$(had 1 | jq -c '.mobile_nodes[0].flows | map(.since_bu_seq)')
ttl=$(rcli PTTL "mw:binding:$HOA")
[ "$ttl" -gt 0 ] || world_fail "record without expiry: $ttl"

world_exec cn dd if=/dev/urandom of="$WORLD_TMP/big" bs=1M count=16 status=none
world_bg cn http python3 -m http.server -b 2001:db8:c::2 -d "$WORLD_TMP" 8080
world_bg cn whoami "$WHOAMI" -n cn -p 9000 -6
world_bg cn whoami9001 "$WHOAMI" -n cn9001 -p 9001 -6
world_bg cn whoami4 "$WHOAMI" -n cn4 -p 9004 -4
world_wait_for "IPv4 through the tunnel" 10 world_exec mn ping -4 -c 1 -W 1 -I "$HOA4" 198.18.0.2
world_wait_for "http server through the tunnel" 10 world_exec mn curl -s -o /dev/null -r 0-0 \
	"http://[2001:db8:c::2]:8080/big"

# failover N WHAT...: a download (about 8 s at 2 MB/s) and a 1 kHz UDP
# stream from the home address; WHAT runs 2 s in; both must come through.
failover() {
	local n=$1 curl_pid probe_pid
	shift
	rm -f "$WORLD_TMP/got$n"
	world_bg mn "curl$n" curl -sS --max-time 60 --limit-rate 2M -o "$WORLD_TMP/got$n" \
		-w '%{num_connects} %{size_download}\n' "http://[2001:db8:c::2]:8080/big"
	curl_pid=$WORLD_LAST_PID
	world_bg mn "probe$n" "$PROBE" -d 2001:db8:c::2 -p 9000 -i 1000 -n 6000 -s "$HOA"
	probe_pid=$WORLD_LAST_PID
	sleep 2
	"$@"
	for _ in $(seq 1 300); do
		world__alive "$curl_pid" || world__alive "$probe_pid" || break
		sleep 0.2
	done
	wait "$curl_pid" || world_fail "download $n failed: $(cat "$WORLD_TMP/curl$n.log")"
	wait "$probe_pid" || world_fail "probe $n failed"
	world_assert "download $n: one connection, whole file" grep -qx "1 16777216" \
		"$WORLD_TMP/curl$n.log"
	world_assert "download $n: same bytes" cmp -s "$WORLD_TMP/big" "$WORLD_TMP/got$n"
	world_log "UDP stream $n (1 kHz): $(tail -1 "$WORLD_TMP/probe$n.log")"
}

# 1. The active agent's software dies at once: mif-had and keepalived.
kill_ha1() {
	local vrrp
	vrrp=$(cat "$WORLD_TMP/ka1-vrrp.pid")
	# keepalived first: it must not see mif-had's TUN device go and send
	# a priority 0 goodbye, as it would if only mif-had died (case 2).
	world_log "kill -9 keepalived (vrrp $vrrp, $KA_PID_1) and mif-had ($HAD_PID_1) in ha1"
	kill -9 "$vrrp" "$KA_PID_1"
	kill -9 "$HAD_PID_1"
}
# Per-path counts from the kill on: the download (flow 1) must not take
# the default downlink, BID 1 through r1, at any moment.
kill_ha1_counted() {
	BIG1=$(nft_count r1 big packets)
	BIG2=$(nft_count r2 big bytes)
	P1=$(nft_count r1 p9001 packets)
	P2=$(nft_count r2 p9001 packets)
	kill_ha1
}
world_bg mn probe9001 "$PROBE" -d 2001:db8:c::2 -p 9001 -i 1000 -n 7000 -s "$HOA"
probe9001=$WORLD_LAST_PID
world_bg mn probe-v4 "$PROBE" -d 198.18.0.2 -p 9004 -i 1000 -n 7000 -s "$HOA4"
probe4v=$WORLD_LAST_PID
failover 1 kill_ha1_counted
wait "$probe9001" || world_fail "probe to 9001 failed"
wait "$probe4v" || world_fail "IPv4 probe failed"
world_log "IPv4 UDP stream from $HOA4 (1 kHz): $(tail -1 "$WORLD_TMP/probe-v4.log")"
world_assert "the IPv4 stream came through the takeover (gap under 1 s)" jq -e \
	'.received >= 5500 and .longest_gap_ms < 1000' <(tail -1 "$WORLD_TMP/probe-v4.log")
world_assert "ha2 has the IPv4 home address bound" had_is 2 \
	".mobile_nodes[0] | .hoa4 == \"$HOA4\" and .hoa4_bound"
world_log "UDP stream to 9001 (flow 2, 1 kHz): $(tail -1 "$WORLD_TMP/probe9001.log")"
p1=$(($(nft_count r1 p9001 packets) - P1))
p2=$(($(nft_count r2 p9001 packets) - P2))
world_log "flow 2's replies after the kill: r1 (BID 1) $p1, r2 (BID 2) $p2 packets"
world_assert "after the takeover flow 2 stayed on BID 2 (r1 $p1, r2 $p2 packets)" \
	test "$p1" -eq 0 -a "$p2" -gt 1000
big1=$(($(nft_count r1 big packets) - BIG1))
big2=$(($(nft_count r2 big bytes) - BIG2))
world_log "download-size tunnel packets after the kill: r1 (BID 1) $big1 packets," \
	"r2 (BID 2) $big2 bytes (curl's receive buffer may hold most of it before)"
world_log "ha2 flows: $(had 2 | jq -c '.mobile_nodes[0] | {flows, flow_counters}')"
world_log "ha2 paths: $(had 2 | jq -c '.mobile_nodes[0].bindings')"
world_assert "after the takeover no download packet on BID 1 (r1 $big1 packets)" \
	test "$big1" -eq 0
world_assert "ha2 has flows 1 and 2 from the store, set by ha1's BUs $FLOW_SEQ, on BID 2" \
	had_is 2 ".mobile_nodes[0].flows | map(.since_bu_seq) == $FLOW_SEQ and
	 all(.bids == [2] and .last_bid == 2) and .[1].packets > 1000"
world_assert "ha2 knew the flow the mobile node summarised (no status 132)" had_is 2 \
	'.mobile_nodes[0].flow_counters.refused_fid_not_found == 0'
world_assert "ha2 holds the shared address" holds_vip 2
world_assert "ha2 active, bindings from the store" had_is 2 \
	'.active and .redundancy.bindings_loaded >= 1 and .store.loads >= 1'
world_wait_for "two bindings alive on ha2" 10 bindings_on 2
world_log "ha2: $(had 2 | jq -c '{redundancy, store, counters: {udp_rx: .counters.udp_rx, ba_tx: .counters.ba_tx}}')"
world_log "mn: $(jq -c '{bu_sent, ba_ok, switches}' "$WORLD_TMP/mn.json")"

# ha1 comes back as the standby: its keepalived's VIP was left behind by
# the kill -9 (no clean stop); a restarted keepalived removes it.
ip -n "$(world_ns ha1)" -6 addr del "$VIP/64" dev eth0 2>/dev/null || true
ip -n "$(world_ns ha1)" -6 addr del fe80::51/64 dev eth0 2>/dev/null || true
rm -f "$WORLD_TMP/had1.sock"
start_ha 1
sleep 1
world_assert "ha1 back as standby" had_is 1 '.active | not'
world_assert "ha2 still active" is_active 2

# 2. Only the active agent's mif-had dies: its keepalived notices.
kill_had2() {
	world_log "kill -9 mif-had ($HAD_PID_2) in ha2 (its keepalived stays)"
	kill -9 "$HAD_PID_2"
}
failover 2 kill_had2
world_assert "ha1 holds the shared address again" holds_vip 1
world_assert "ha2 gave it up" not_holds_vip 2
world_wait_for "two bindings alive on ha1" 10 bindings_on 1
# ha2's mif-had restarts alone: keepalived tracks its new TUN device
# (dynamic_interfaces) and leaves FAULT for BACKUP, a standby again.
rm -f "$WORLD_TMP/had2.sock"
world_bg ha2 had2b "$HAD" -c "$WORLD_TMP/had2.conf"
HAD_PID_2=$WORLD_LAST_PID
echo "$HAD_PID_2" >"$WORLD_TMP/had2.pid"
ka2_backup() { grep 'Entering' "$WORLD_TMP/ka2.log" | tail -1 | grep -q 'BACKUP STATE'; }
world_wait_for "ha2's keepalived back to BACKUP" 10 ka2_backup
world_assert "ha2 a standby again" had_is 2 '.active | not'
world_assert "ha1 still holds the address" holds_vip 1

# 3. Redis down: the active agent serves from memory and counts; back up,
# it writes what changed meanwhile.
kill -TERM "$REDIS_PID"
for _ in $(seq 1 50); do world__alive "$REDIS_PID" || break; sleep 0.1; done
# A binding change while the store is down: the mobile node's eth1 loses
# carrier, it moves to eth2 and names BID 1 dead (BID-PRI 127).
ip -n "$(world_ns r1)" link set eth0 down
world_wait_for "uplink on eth2" 5 jq -e '.uplink == "eth2"' "$WORLD_TMP/mn.json"
world_wait_for "BID 1 named dead to ha1" 5 had_is 1 \
	'.mobile_nodes[0].bindings[] | select(.bid == 1) | .priority == 127'
world_assert "the correspondent reachable with Redis down" \
	world_exec mn ping -6 -c 3 -i 0.2 -W 2 -I "$HOA" 2001:db8:c::2
world_assert "the change not written was counted" had_is 1 \
	'.redundancy.store_deferred >= 1 and (.store.connected | not)'
world_log "store while down: $(had 1 | jq -c '{store, redundancy}')"
writes=$(had 1 | jq .store.writes)
world_bg db redis2 redis-server --bind "$DB" --port 6379 --protected-mode no --save '' \
	--appendonly no --dir "$WORLD_TMP/redis" --daemonize no
rec_bid1_dead() {
	# -s: an absent record (empty output) is no match.
	rcli GET "mw:binding:$HOA" | world_jq -s \
		'length == 1 and (.[0].paths | any(.bid == 1 and .pri == 127))'
}
world_wait_for "the change written once Redis is back" 10 rec_bid1_dead
world_assert "ha1 connected again, the write counted" had_is 1 \
	".store.connected and .store.connects >= 2 and .store.writes > $writes"
world_log "ha1 store: $(had 1 | jq -c .store)"

# 4. Redis silently unreachable (its packets dropped, no reset): the agent
# forwards on; a binding change costs at most one command timeout of its
# loop (200 ms; packets wait in the socket buffer, none is lost to it) and
# the reconnection attempts do not block.
world_exec db nft -f - <<-NFT || world_fail "nft on db"
table inet hole {
	chain input {
		type filter hook input priority 0; policy accept;
		tcp dport 6379 drop
	}
}
NFT
deferred=$(had 1 | jq .redundancy.store_deferred)
world_bg mn probe4 "$PROBE" -d 2001:db8:c::2 -p 9000 -i 1000 -n 4000 -s "$HOA"
probe4=$WORLD_LAST_PID
sleep 1
# eth1 comes back: once re-validated the mobile node re-registers, a write.
ip -n "$(world_ns r1)" link set eth0 up
world_wait_for "uplink back on eth1" 10 jq -e '.uplink == "eth1"' "$WORLD_TMP/mn.json"
wait "$probe4" || world_fail "probe 4 failed"
world_log "UDP stream 4 (Redis blackholed): $(tail -1 "$WORLD_TMP/probe4.log")"
world_assert "the change was not written, counted" had_is 1 \
	".redundancy.store_deferred > $deferred and (.store.connected | not)"
world_assert "no probe lost for more than 250 ms" jq -e '.longest_gap_ms < 250' \
	<(tail -1 "$WORLD_TMP/probe4.log")
world_log "ha1 store: $(had 1 | jq -c .store)"
world_pass
