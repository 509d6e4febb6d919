#!/bin/bash
# SPDX-License-Identifier: MIT
# mif-had's replicated store through Redis Sentinel (issue 16, item 3):
# the agent asks the Sentinel which server is the master of "mw", writes
# each binding change there and waits (WAIT) for one replica before the
# write counts as durable. The master is killed (kill -9): Sentinel
# promotes the replica, the agent's next write finds the old master gone,
# asks the Sentinel again and writes to the new master (without a replica
# now, so the write is counted as not durable).
#
#   mn eth1 -- r1 -- core -- sw -- ha (mif-had)      2001:db8:f::11
#                     |        |-- db1 (redis master) 2001:db8:f::20
#                     cn       |-- db2 (its replica)  2001:db8:f::21
#                              \-- s1 (redis-server --sentinel) 2001:db8:f::31
set -euo pipefail
. "$(dirname "$0")/lib.sh"

world_init
world_require jq redis-server redis-cli
B=${MESON_BUILD_ROOT:-$(dirname "$0")/../../build-dev}
HAD=${MIF_HAD:-$B/src/ha/mif-had}
MN=${MIF_MN:-$B/tests/tools/mif-mn}
for x in "$HAD" "$MN"; do
	[ -x "$x" ] || world_fail "missing $x"
done
HOA=2001:db8:100::10
HA_IN=2001:db8:100::1
HA=2001:db8:f::11
DB1=2001:db8:f::20
DB2=2001:db8:f::21
S1=2001:db8:f::31
KEY=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff

world_host mn
world_router r1
world_router core
world_host sw
world_router ha
world_host db1
world_host db2
world_host s1
world_link mn eth1 r1 eth0
world_link r1 eth1 core r1
world_bridge sw br0
world_link core lan sw p0
world_link ha eth0 sw p1
world_link db1 eth0 sw p2
world_link db2 eth0 sw p3
world_link s1 eth0 sw p4
for p in p0 p1 p2 p3 p4; do world_bridge_port sw br0 "$p"; done
world_addr mn eth1 2001:db8:1::10/64
world_addr r1 eth0 2001:db8:1::1/64
world_addr r1 eth1 2001:db8:e1::2/64
world_addr core r1 2001:db8:e1::1/64
world_addr core lan 2001:db8:f::2/64
world_addr ha eth0 "$HA/64"
world_addr db1 eth0 "$DB1/64"
world_addr db2 eth0 "$DB2/64"
world_addr s1 eth0 "$S1/64"
ip -n "$(world_ns r1)" -6 route add default via 2001:db8:e1::1
ip -n "$(world_ns core)" -6 route add 2001:db8:1::/64 via 2001:db8:e1::2
ip -n "$(world_ns core)" -6 route add 2001:db8:100::/64 via "$HA"
ip -n "$(world_ns ha)" -6 route add default via 2001:db8:f::2
ip -n "$(world_ns mn)" -6 route add default via 2001:db8:1::1 dev eth1

redis() {
	local h=$1 a=$2
	shift 2
	mkdir -p "$WORLD_TMP/$h"
	world_bg "$h" "$h" redis-server --bind "$a" --port 6379 --protected-mode no --save '' \
		--appendonly no --dir "$WORLD_TMP/$h" --daemonize no "$@"
}
rcli() { world_exec "$1" redis-cli -h "$2" "${@:3}"; }
redis db1 "$DB1"
DB1_PID=$WORLD_LAST_PID
world_wait_for "redis master up" 10 rcli db1 "$DB1" ping
redis db2 "$DB2" --replicaof "$DB1" 6379
replica_linked() { [[ $(rcli db2 "$DB2" info replication) == *master_link_status:up* ]]; }
world_wait_for "replica linked" 10 replica_linked
# One Sentinel, quorum 1 (enough to promote in a test; production runs
# three or more on separate machines).
cat >"$WORLD_TMP/sentinel.conf" <<-EOF
bind $S1
port 26379
protected-mode no
dir $WORLD_TMP
sentinel monitor mw $DB1 6379 1
sentinel down-after-milliseconds mw 1000
sentinel failover-timeout mw 5000
EOF
world_bg s1 sentinel redis-server "$WORLD_TMP/sentinel.conf" --sentinel
scli() { world_exec s1 redis-cli -h "$S1" -p 26379 "$@"; }
master_is() { [[ $(scli sentinel get-master-addr-by-name mw 2>/dev/null | head -1) == "$1" ]]; }
world_wait_for "sentinel sees db1 as the master" 10 master_is "$DB1"
sentinel_knows_replica() { [[ $(scli sentinel replicas mw 2>/dev/null) == *"$DB2"* ]]; }
world_wait_for "sentinel knows the replica" 20 sentinel_knows_replica

umask 077
printf '%s\n' "$KEY" >"$WORLD_TMP/mn.key"
cat >"$WORLD_TMP/had.conf" <<-EOF
[ha]
address = $HA_IN
home_prefix = 2001:db8:100::/64
tun = mifha0
control = $WORLD_TMP/had.sock
heartbeat_interval_ms = 100

[store]
sentinel = $S1 26379
master_name = mw
prefix = mw:
timeout_ms = 300
wait_replicas = 1
wait_timeout_ms = 100

[mn phone]
hoa = $HOA
spi = 256
key_file = $WORLD_TMP/mn.key
EOF
umask 022
world_bg ha had "$HAD" -c "$WORLD_TMP/had.conf"
world_wait_for "mif-had" 10 test -S "$WORLD_TMP/had.sock"
had() { world_exec ha "$HAD" --status -s "$WORLD_TMP/had.sock"; }

ip -n "$(world_ns mn)" tuntap add mode tun name mifmn0
ip -n "$(world_ns mn)" link set mifmn0 mtu 1400 up
ip -n "$(world_ns mn)" addr add "$HOA/128" dev mifmn0 nodad
start_mn() {
	world_bg mn "mn$1" "$MN" --hoa "$HOA" --ha "$HA_IN" --ha6 "$HA" --spi 256 \
		--key-file "$WORLD_TMP/mn.key" --tun mifmn0 --status "$WORLD_TMP/mn.json" \
		--path eth1,2001:db8:1::10,0
	MN_PID=$WORLD_LAST_PID
}
start_mn 1
world_wait_for "mobile node registered" 10 jq -e .registered "$WORLD_TMP/mn.json"
world_wait_for "record on the master" 5 rcli db1 "$DB1" exists "mw:binding:$HOA"
world_wait_for "the write acknowledged by the replica (durable)" 5 \
	eval 'had | world_jq ".store.replication.durable >= 1 and .store.replication.not_durable == 0
		and .store.replication.sentinel_queries >= 1"'
world_assert "the record on the replica" rcli db2 "$DB2" exists "mw:binding:$HOA"
world_log "store: $(had | jq -c .store)"

# The master dies; Sentinel promotes the replica.
world_log "kill -9 redis master ($DB1_PID)"
kill -9 "$DB1_PID"
world_wait_for "sentinel promotes db2" 30 master_is "$DB2"
# A binding change: the mobile node starts again (a lower sequence number:
# status 135, then a new BU), so the agent must write.
kill -TERM "$MN_PID"
wait "$MN_PID" || true
rm -f "$WORLD_TMP/mn.json"
rcli db2 "$DB2" del "mw:binding:$HOA" >/dev/null
start_mn 2
world_wait_for "mobile node registered again" 10 jq -e .registered "$WORLD_TMP/mn.json"
world_wait_for "the record on the new master" 10 rcli db2 "$DB2" exists "mw:binding:$HOA"
world_assert "reconnected through the Sentinel; no replica left: not durable" \
	eval 'had | world_jq ".store.connects >= 2 and .store.replication.sentinel_queries >= 2
		and .store.replication.not_durable >= 1"'
world_log "store: $(had | jq -c .store)"
world_pass
