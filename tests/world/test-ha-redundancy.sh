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
# shellcheck source=ha-pair.sh
. "$(dirname "$0")/ha-pair.sh"
hapair_world

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
hapair_up --flow-file "$WORLD_TMP/flows" --hoa4 "$HOA4"
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
# Per-path counts from the kill on: the download (flow 1) must not take
# the default downlink, BID 1 through r1, at any moment.
kill_ha1_counted() {
	BIG1=$(nft_count r1 big packets)
	BIG2=$(nft_count r2 big bytes)
	P1=$(nft_count r1 p9001 packets)
	P2=$(nft_count r2 p9001 packets)
	kill_ha 1
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
# While the agent is away the mobile node's heartbeats find every path
# dead; when the new agent answers, the paths come back one heartbeat
# answer at a time, and the BU sent on the first one names the other still
# dead (BID-PRI 127): for that moment a flow bound to it takes the default
# downlink (RFC 6089: a flow whose BIDs are down). A few packets may do so
# (1 in about one run of seven); the flow itself must stay on BID 2.
world_assert "after the takeover flow 2 stayed on BID 2 (r1 $p1, r2 $p2 packets)" \
	test "$p1" -le 3 -a "$p2" -gt 1000
big1=$(($(nft_count r1 big packets) - BIG1))
big2=$(($(nft_count r2 big bytes) - BIG2))
world_log "download-size tunnel packets after the kill: r1 (BID 1) $big1 packets," \
	"r2 (BID 2) $big2 bytes (curl's receive buffer may hold most of it before)"
world_log "ha2 flows: $(had 2 | jq -c '.mobile_nodes[0] | {flows, flow_counters}')"
world_log "ha2 paths: $(had 2 | jq -c '.mobile_nodes[0].bindings')"
world_assert "after the takeover at most the re-validation's few download packets on BID 1 (r1 $big1 packets)" \
	test "$big1" -le 3
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
world_log "mn: $(jq -c '{bu_sent, ba_ok, switches, drop_source}' "$WORLD_TMP/mn.json")"
# ha2 sends from the shared address from the first packet on, not from
# its own (ha_src_for): the mobile node drops nothing as from elsewhere.
world_assert "the mobile node took all of ha2's packets as from the agent (drop_source 0)" \
	jq -e '.drop_source == 0' "$WORLD_TMP/mn.json"

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
