# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# tests/world/ha-pair.sh: the world of two redundant home agents, shared
# by tests/world/test-ha-redundancy.sh and scenario 3.4-ha, after lib.sh:
#
#   mn eth1 -- r1 --\                  /-- ha1 (mif-had, keepalived) .11
#   mn eth2 -- r2 -- core -- sw (switch) -- ha2 (mif-had, keepalived) .12
#                    |                 |-- db  (redis-server)        .20
#                    |                 \-- db2 (its replica)         .21
#                    cn 2001:db8:c::2       shared address 2001:db8:f::1
#
# hapair_world builds it, starts Redis and its replica and writes the
# agents' configurations (had1.conf, had2.conf: Redis store, active on the
# shared address; ka1.conf, ka2.conf: keepalived VRRPv3). start_ha N starts
# haN's mif-had and keepalived, kill_ha N kills both (-9); hapair_mn starts
# the mobile node (tests/tools/mif-mn) on the home address with paths eth1
# and eth2, hapair_up all of it in order.
# Helpers: had N (status), had_is N FILTER, is_active N, holds_vip N,
# not_holds_vip N, mn_registered, bindings_on N.
# The access networks (mn, r1, r2 with BCP 38, core, cn): mob-net.sh.

# shellcheck source=mob-net.sh
. "$(dirname "${BASH_SOURCE[0]}")/mob-net.sh"

hapair_world() {
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

	mobnet_access mn
	world_host sw
	world_router ha1
	world_router ha2
	world_host db
	world_bridge sw br0
	world_link core lan sw p0
	world_link ha1 eth0 sw p1
	world_link ha2 eth0 sw p2
	world_link db eth0 sw p3
	for p in p0 p1 p2 p3; do world_bridge_port sw br0 "$p"; done

	world_addr mn eth1 2001:db8:1::10/64
	world_addr mn eth2 2001:db8:2::10/64
	world_addr core lan 2001:db8:f::2/64
	world_addr ha1 eth0 2001:db8:f::11/64
	world_addr ha2 eth0 2001:db8:f::12/64
	world_addr db eth0 "$DB/64"
	# The home prefix is behind the shared address, whoever holds it.
	ip -n "$(world_ns core)" -6 route add 2001:db8:100::/64 via "$VIP"
	for h in ha1 ha2 db; do ip -n "$(world_ns $h)" -6 route add default via 2001:db8:f::2; done
	ip -n "$(world_ns mn)" -6 route add default via 2001:db8:1::1 dev eth1 metric 100
	ip -n "$(world_ns mn)" -6 route add default via 2001:db8:2::1 dev eth2 metric 200
	# IPv4 home address (RFC 5555; used when mif-mn is given --hoa4): the
	# correspondent's IPv4 side, and the IPv4 home prefix behind the
	# shared IPv6 address (an IPv4 route with an IPv6 next hop), so it
	# follows the address to whichever agent holds it.
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
}

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

# kill_ha N: haN's software dies at once (kill -9): keepalived first, so
# that it does not see mif-had's TUN device go and send a priority 0
# goodbye, as it would if only mif-had died; then mif-had.
kill_ha() {
	local vrrp kv=KA_PID_$1 hv=HAD_PID_$1
	local ka=${!kv} hp=${!hv}
	vrrp=$(cat "$WORLD_TMP/ka$1-vrrp.pid")
	world_log "kill -9 keepalived (vrrp $vrrp, $ka) and mif-had ($hp) in ha$1"
	kill -9 "$vrrp" "$ka"
	kill -9 "$hp"
}

# hapair_mn [MIF-MN ARGS...]: the mobile node's TUN device, home addresses
# and routes to the correspondent, and mif-mn registering through the
# shared address (MN_PID), with ARGS added (e.g. --flow-file, --hoa4).
hapair_mn() {
	ip -n "$(world_ns mn)" tuntap add mode tun name mifmn0
	ip -n "$(world_ns mn)" link set mifmn0 mtu 1400 up
	ip -n "$(world_ns mn)" addr add "$HOA/128" dev mifmn0 nodad
	ip -n "$(world_ns mn)" -6 route add 2001:db8:c::/64 dev mifmn0 src "$HOA"
	ip -n "$(world_ns mn)" addr add "$HOA4/32" dev mifmn0
	ip -n "$(world_ns mn)" route add 198.18.0.0/24 dev mifmn0 src "$HOA4"
	world_bg mn mn "$MN" --hoa "$HOA" --ha "$HA_IN" --ha6 "$VIP" --spi 256 \
		--key-file "$WORLD_TMP/mn1.key" --tun mifmn0 --status "$WORLD_TMP/mn.json" \
		--path eth1,2001:db8:1::10,0 --path eth2,2001:db8:2::10,1 "$@"
	MN_PID=$WORLD_LAST_PID
}

# hapair_registered: the mobile node registered through ha1, both paths
# alive there.
hapair_registered() {
	world_wait_for "mobile node registered through ha1" 10 mn_registered
	world_wait_for "two bindings alive on ha1" 10 bindings_on 1
}

# hapair_up [MIF-MN ARGS...]: ha1 active with the shared address, ha2
# standing by, the mobile node registered through ha1.
hapair_up() {
	start_ha 1
	world_wait_for "ha1 holds the shared address" 10 holds_vip 1
	start_ha 2
	world_wait_for "ha1 active" 5 is_active 1
	world_assert "ha2 stands by" not_holds_vip 2
	hapair_mn "$@"
	hapair_registered
}
