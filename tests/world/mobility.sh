# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# tests/world/mobility.sh: the mobility world of test-mobility.sh and
# bench/mobility.sh, after lib.sh (the networks: mob-net.sh):
#
#   mn eth1 -- r1 -- core -- ha        cn: 2001:db8:c::2
#   mn eth2 -- r2 --/ |  \-- cn, atk
#   mn eth3 -- r3 ----/     (r3: IPv4 only, NAT to the core)
#
# Each IPv6 access router drops sources not its own (BCP 38, nftables); r3
# masquerades 192.168.3.0/24 behind 198.51.100.3. The home agent listens on
# 2001:db8:f::1 and 203.0.113.1, port 4191. mob_world
# builds it, starts mif-had in ha and tests/tools/mif-mn in mn (the mobile
# node's logic, src/daemon/mobility/mn.c, with real sockets), and waits for
# both bindings. had_status prints the home agent's status. MOB_FAST=no
# turns the kernel fast path off at both ends (doc/mobility.md): the
# tunnel's packets then all go through mif-had and mif-mn.

. "$(dirname "${BASH_SOURCE[0]}")/mob-net.sh"

mob_world() {
	B=${MESON_BUILD_ROOT:-$(dirname "$0")/../../build-dev}
	HAD=${MIF_HAD:-$B/src/ha/mif-had}
	MN=${MIF_MN:-$B/tests/tools/mif-mn}
	MHSEND=${MIF_MH_SEND:-$B/tests/tools/mif-mh-send}
	for x in "$HAD" "$MN" "$MHSEND"; do
		[ -x "$x" ] || { echo "FAIL: missing $x" >&2; exit 1; }
	done

	HOA=2001:db8:100::10
	HA_IN=2001:db8:100::1
	HA=2001:db8:f::1
	KEY=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff

	mobnet_build mn 3 atk
	world_addr mn eth1 2001:db8:1::10/64
	world_addr mn eth2 2001:db8:2::10/64
	ip -n "$(world_ns mn)" addr add 192.168.3.10/24 dev eth3
	ip -n "$(world_ns mn)" route add default via 192.168.3.1 dev eth3
	# The mobile node: a default route per access network (the care-of
	# sockets are bound to their interface), the correspondent via the tunnel.
	ip -n "$(world_ns mn)" -6 route add default via 2001:db8:1::1 dev eth1 metric 100
	ip -n "$(world_ns mn)" -6 route add default via 2001:db8:2::1 dev eth2 metric 200
	# Traffic from a care-of address leaves through its own network, as
	# mifd's RFC 8028 rules do (the bench's plain-kernel baseline uses it).
	ip -n "$(world_ns mn)" -6 rule add from 2001:db8:1::10 lookup 101
	ip -n "$(world_ns mn)" -6 route add default via 2001:db8:1::1 dev eth1 table 101
	ip -n "$(world_ns mn)" -6 rule add from 2001:db8:2::10 lookup 102
	ip -n "$(world_ns mn)" -6 route add default via 2001:db8:2::1 dev eth2 table 102

	# Keys: root-only files.
	umask 077
	printf '%s\n' "$KEY" >"$WORLD_TMP/mn1.key"
	cat >"$WORLD_TMP/had.conf" <<-EOF2
	[ha]
	address = $HA_IN
	home_prefix = 2001:db8:100::/64
	tun = mifha0
	control = $WORLD_TMP/had.sock
	heartbeat_interval_ms = 100
	heartbeat_misses = 3
	fast_path = ${MOB_FAST:-yes}

	[mn phone]
	hoa = $HOA
	spi = 256
	key_file = $WORLD_TMP/mn1.key
	EOF2
	umask 022

	# A key file others can read is refused.
	cp "$WORLD_TMP/mn1.key" "$WORLD_TMP/open.key"
	chmod 644 "$WORLD_TMP/open.key"
	sed "s|$WORLD_TMP/mn1.key|$WORLD_TMP/open.key|" "$WORLD_TMP/had.conf" >"$WORLD_TMP/open.conf"
	rc=0
	world_exec ha "$HAD" -c "$WORLD_TMP/open.conf" >"$WORLD_TMP/open.out" 2>&1 || rc=$?
	[ "$rc" = 2 ] || world_fail "mif-had with a world-readable key file: exit $rc, want 2"
	world_assert "world-readable key refused" grep -q "Operation not permitted" "$WORLD_TMP/open.out"

	world_bg ha had "$HAD" -c "$WORLD_TMP/had.conf"
	HAD_PID=$WORLD_LAST_PID
	world_wait_for "mif-had status socket" 10 test -S "$WORLD_TMP/had.sock"
	had_status() { world_exec ha "$HAD" --status -s "$WORLD_TMP/had.sock"; }

	ip -n "$(world_ns mn)" tuntap add mode tun name mifmn0
	ip -n "$(world_ns mn)" link set mifmn0 mtu 1400 up
	ip -n "$(world_ns mn)" addr add "$HOA/128" dev mifmn0 nodad
	ip -n "$(world_ns mn)" -6 route add 2001:db8:c::/64 dev mifmn0 src "$HOA"
	mob_start_mn
	world_wait_for "three bindings alive, downlink on BID 1" 10 mob_all_alive
	world_wait_for "MN registered, uplink eth1" 5 mob_uplink_is eth1
}

# mob_start_mn [ARGS]: mif-mn with the three paths (and ARGS, e.g.
# --offload off); MN_PID.
mob_start_mn() {
	world_bg mn mn "$MN" --hoa "$HOA" --ha "$HA_IN" --ha6 "$HA" --ha4 203.0.113.1 --spi 256 \
		--key-file "$WORLD_TMP/mn1.key" --tun mifmn0 --status "$WORLD_TMP/mn.json" \
		--dump-bu "$WORLD_TMP/bu.bin" \
		--path eth1,2001:db8:1::10,0 --path eth2,2001:db8:2::10,1 \
		--path eth3,192.168.3.10,2 \
		--fast-path "$([ "${MOB_FAST:-yes}" = yes ] && echo on || echo off)" "$@"
	MN_PID=$WORLD_LAST_PID
}

# mob_restart SETTING: both ends again, bindings re-established: "fast"
# (the kernel fast path, offloads on), "yes" (offloads on, the fast path
# off: the tunnel's user-space path) or "no" (neither).
mob_restart() {
	local on=$1 fast=no p
	[ "$on" = fast ] && on=yes fast=yes
	for p in "$MN_PID" "$HAD_PID"; do
		kill -TERM "$p" 2>/dev/null || true
		for _ in $(seq 1 50); do world__alive "$p" || break; sleep 0.1; done
	done
	sed -i '/^offload = /d; /^fast_path = /d; s/^\[ha\]$/[ha]\noffload = '"$on"'\nfast_path = '"$fast"'/' \
		"$WORLD_TMP/had.conf"
	rm -f "$WORLD_TMP/mn.json"
	world_bg ha had "$HAD" -c "$WORLD_TMP/had.conf"
	HAD_PID=$WORLD_LAST_PID
	world_wait_for "mif-had status socket" 10 test -S "$WORLD_TMP/had.sock"
	mob_start_mn --offload "$([ "$on" = yes ] && echo on || echo off)" \
		--fast-path "$([ "$fast" = yes ] && echo on || echo off)"
	world_wait_for "three bindings alive, downlink on BID 1" 10 mob_all_alive
	world_wait_for "MN registered, uplink eth1" 5 mob_uplink_is eth1
}

mob_all_alive() {
	had_status | world_jq '.mobile_nodes[0].bindings | length == 3 and
		all(.state == "alive") and (map(select(.downlink)) | .[0].bid == 1)'
}

# mob_uplink_is IF: the mobile node registered and sends through IF.
mob_uplink_is() {
	jq -e --arg i "$1" '.registered and .uplink == $i' "$WORLD_TMP/mn.json"
}

# mob_downlink_on BID: the home agent sends through BID.
mob_downlink_on() {
	had_status | world_jq --argjson b "$1" \
		'.mobile_nodes[0].bindings | map(select(.downlink)) | .[0].bid == $b'
}

# mob_hoas_world: after mob_world, the world of several home addresses
# (test-mobility-hoas.sh, scenario 3.4-n1): a second home agent ha2 (home
# prefix 2001:db8:200::/64, HoA2), HoA1b as a second home address of the
# mobile node at ha, both agents restarted with them, mob_world's mif-mn
# stopped; cn serves an 8 MiB file f8 over HTTP, its uplink paced at
# 16 Mbit/s. Helpers: h1, start_mn, stop_mn, bindings, bcp38, get, got_ok,
# had2_status.
mob_hoas_world() {
	HOA1=$HOA HOA1B=2001:db8:100::20 HOA2=2001:db8:200::10 HA2=2001:db8:f2::1
	world_router ha2
	world_link ha2 eth0 core ha2
	world_addr ha2 eth0 2001:db8:f2::1/64
	world_addr core ha2 2001:db8:f2::2/64
	ip -n "$(world_ns ha2)" -6 route add default via 2001:db8:f2::2
	ip -n "$(world_ns core)" -6 route add 2001:db8:200::/64 via 2001:db8:f2::1

	# Stop the single-home mobile node and agent of mob_world; ha gets a
	# second home address for the same node (n,1), ha2 serves HoA2.
	for p in "$MN_PID" "$HAD_PID"; do
		kill -TERM "$p" 2>/dev/null || true
		for _ in $(seq 1 50); do world__alive "$p" || break; sleep 0.1; done
	done
	cat >>"$WORLD_TMP/had.conf" <<-EOF2

	[mn phone-b]
	hoa = $HOA1B
	spi = 257
	key_file = $WORLD_TMP/mn1.key
	EOF2
	cat >"$WORLD_TMP/had2.conf" <<-EOF2
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
	key_file = $WORLD_TMP/mn1.key
	EOF2
	rm -f "$WORLD_TMP/had.sock"
	world_bg ha had "$HAD" -c "$WORLD_TMP/had.conf"
	HAD_PID=$WORLD_LAST_PID
	world_bg ha2 had2 "$HAD" -c "$WORLD_TMP/had2.conf"
	world_wait_for "both home agents up" 10 test -S "$WORLD_TMP/had.sock" -a -S "$WORLD_TMP/had2.sock"
	had2_status() { world_exec ha2 "$HAD" --status -s "$WORLD_TMP/had2.sock"; }
	for a in "$HOA1B" "$HOA2"; do
		ip -n "$(world_ns mn)" addr add "$a/128" dev mifmn0 nodad
	done

	MN_COMMON=(--tun mifmn0 --interval 100)
	h1() {  # h1 [PATHS...]: HoA1 at ha
		printf '%s\n' --home h1 --hoa "$HOA1" --ha "$HA_IN" --ha6 "$HA" --spi 256 \
			--key-file "$WORLD_TMP/mn1.key" --status "$WORLD_TMP/h1.json" "$@"
	}
	start_mn() {  # start_mn LOG ARGS...: mif-mn with several homes; MN_PID
		local log=$1
		shift
		rm -f "$WORLD_TMP"/h*.json
		world_bg mn "$log" "$MN" "${MN_COMMON[@]}" "$@"
		MN_PID=$WORLD_LAST_PID
	}
	stop_mn() {
		kill -TERM "$MN_PID" 2>/dev/null || true
		for _ in $(seq 1 50); do world__alive "$MN_PID" || break; sleep 0.1; done
		wait "$MN_PID" 2>/dev/null || true
	}
	# bindings STATUS_FN MN_INDEX N: N bindings, all alive.
	bindings() {
		"$1" | world_jq --argjson i "$2" --argjson n "$3" \
			'.mobile_nodes[$i].bindings | length == $n and all(.state == "alive")'
	}
	# BCP 38 drops on the access routers (nft counters of mobility.sh's rule).
	bcp38() {
		local r s=0 n
		for r in r1 r2; do
			n=$(world_exec "$r" nft -j list table inet bcp38 |
				jq '[.nftables[] | .rule? | select(.) | .expr[] | .counter? | select(.) | .packets] | add // 0')
			s=$((s + n))
		done
		echo "$s"
	}
	# get NAME SRC MIB: download MIB MiB from cn with source SRC; PID in $GOT_PID.
	world_exec cn dd if=/dev/urandom of="$WORLD_TMP/f8" bs=1M count=8 status=none
	world_bg cn http python3 -m http.server -b 2001:db8:c::2 -d "$WORLD_TMP" 8080
	world_exec cn tc qdisc add dev eth0 root tbf rate 16mbit burst 32kb latency 400ms
	get() {
		world_bg mn "$1" curl -sS --speed-limit 1 --speed-time 10 --interface "$2" \
			-o "$WORLD_TMP/$1.got" -w '%{num_connects} %{size_download}\n' \
			"http://[2001:db8:c::2]:8080/f8"
		GOT_PID=$WORLD_LAST_PID
	}
	got_ok() {  # got_ok NAME PID
		for _ in $(seq 1 400); do world__alive "$2" || break; sleep 0.1; done
		world__alive "$2" && world_fail "$1: download did not finish"
		wait "$2" || world_fail "$1: curl failed: $(cat "$WORLD_TMP/$1.log")"
		world_assert "$1: one connection, whole file" grep -qx "1 8388608" "$WORLD_TMP/$1.log"
		world_assert "$1: same bytes" cmp -s "$WORLD_TMP/f8" "$WORLD_TMP/$1.got"
	}
}

# ---- shared by test-mobility-flow.sh and the flow scenarios ----

# mob_meter_install: nftables counters on r1 and r2 (table inet fcount):
# tdown/tup the tunnel's bytes toward/from the mobile node (UDP 4191), down
# all bytes forwarded toward it (tunnelled or not).
mob_meter_install() {
	local r
	for r in 1 2; do
		world_exec "r$r" nft -f - <<-NFT || world_fail "nft counter on r$r"
		table inet fcount {
			counter tdown { }
			counter tup { }
			counter down { }
			chain fcfwd {
				type filter hook forward priority 10; policy accept;
				oifname "eth0" counter name down
				oifname "eth0" udp sport 4191 counter name tdown
				iifname "eth0" udp dport 4191 counter name tup
			}
		}
		NFT
	done
}

# mob_meter R NAME: bytes counted so far by counter NAME on router rR.
mob_meter() {
	world_exec "r$1" nft -j list counter inet fcount "$2" | jq '.nftables[1].counter.bytes'
}

# mob_path_counts: "rx1 rx2 rx3 tx1 tx2 tx3", data packets per BID at the
# home agent.
mob_path_counts() {
	had_status | jq -r '.mobile_nodes[0].bindings | sort_by(.bid) |
		(map(.rx_packets) + map(.tx_packets)) | map(tostring) | join(" ")'
}

# mob_restart_mn_flows FILE: mif-mn again, with the flow file FILE; waits
# for the three bindings.
mob_restart_mn_flows() {
	kill -TERM "$MN_PID" 2>/dev/null || true
	for _ in $(seq 1 50); do world__alive "$MN_PID" || break; sleep 0.1; done
	mob_start_mn --flow-file "$1"
	world_wait_for "three bindings alive again" 10 mob_all_alive
}

# mob_iperf3_servers N: N iperf3 servers on cn, ports 5201..5200+N (iperf3
# serves one test at a time).
mob_iperf3_servers() {
	local i
	for ((i = 0; i < $1; i++)); do
		world_bg cn "iperf3s$i" iperf3 -s -B 2001:db8:c::2 -p $((5201 + i))
	done
	world_wait_for "iperf3 servers" 10 world_exec cn bash -c \
		"[ \$(ss -ltn | grep -c ':52[0-9][0-9] ') -ge $1 ]"
}
