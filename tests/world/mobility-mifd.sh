# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# tests/world/mobility-mifd.sh: the world in which mifd is the mobile node
# (test-mobility-mifd*.sh, scenario 3.4-1n), after lib.sh and mif.sh:
#
#   NODE eth1 -- r1 -- core -- ha        cn: 2001:db8:c::2
#   NODE eth2 -- r2 --/ |  \-- cn
#   NODE eth3 -- r3 ----/     (r3: IPv4 only, DHCPv4 by dnsmasq, NAT;
#                               left out with MOBD_NETS=2)
#
# Unlike tests/world/mobility.sh (mif-mn, static addresses), NODE learns
# its care-of addresses as a host does: RAs from radvd on r1 and r2 (each
# dropping sources not its own, BCP 38) and a DHCPv4 lease on r3, which
# masquerades 192.168.3.0/24 behind 198.51.100.3.
#
# mobd_world NODE: builds it, writes the key ($WORLD_TMP/mn.key, root's),
# mif-had's $WORLD_TMP/had.conf and mifd's $WORLD_TMP/mifd.conf, starts
# mif-had in ha (had_status prints its status). Not mifd: the caller starts
# it (world_mifd NODE --config "$WORLD_TMP/mifd.conf"). Extra lines, each
# newline-separated: MOBD_HA (in [ha]), MOBD_MN (in [mn phone]), MOBD_MOB
# (in [mobility]), MOBD_MIFD (in [mifd]); MOBD_PREF1/MOBD_PREF2: r1's and r2's RA default router
# preference (radvd's words; default medium); MOBD_FILTER: a function
# (ROUTER IF PREFIX) that installs the access routers' BCP 38 filter
# instead of the table inet bcp38 here (the scenarios count its drops).

mobd_world() {
	local n=$1 r pref
	MOBD_N=${MOBD_NETS:-3}   # the networks, for all_alive
	HAD=${MIF_HAD:-$(dirname "$MIFD")/../ha/mif-had}
	[ -x "$HAD" ] || world_fail "missing $HAD (mif-had)"
	HOA=2001:db8:100::10
	HA_IN=2001:db8:100::1
	HA=2001:db8:f::1
	CN=2001:db8:c::2
	KEY=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff

	world_host "$n"
	world_router r1
	world_router r2
	world_router core
	world_router ha
	world_host cn
	world_link "$n" eth1 r1 eth0
	world_link "$n" eth2 r2 eth0
	world_link r1 eth1 core r1
	world_link r2 eth1 core r2
	world_link ha eth0 core ha
	world_link cn eth0 core cn
	[ "${MOBD_NETS:-3}" = 2 ] || mobd__nat "$n"
	world_addr r1 eth0 2001:db8:1::1/64
	world_addr r2 eth0 2001:db8:2::1/64
	world_addr r1 eth1 2001:db8:e1::2/64
	world_addr core r1 2001:db8:e1::1/64
	world_addr r2 eth1 2001:db8:e2::2/64
	world_addr core r2 2001:db8:e2::1/64
	world_addr ha eth0 2001:db8:f::1/64
	world_addr core ha 2001:db8:f::2/64
	world_addr cn eth0 "$CN/64"
	world_addr core cn 2001:db8:c::1/64
	ip -n "$(world_ns r1)" -6 route add default via 2001:db8:e1::1
	ip -n "$(world_ns r2)" -6 route add default via 2001:db8:e2::1
	ip -n "$(world_ns core)" -6 route add 2001:db8:1::/64 via 2001:db8:e1::2
	ip -n "$(world_ns core)" -6 route add 2001:db8:2::/64 via 2001:db8:e2::2
	ip -n "$(world_ns core)" -6 route add 2001:db8:100::/64 via 2001:db8:f::1
	ip -n "$(world_ns ha)" -6 route add default via 2001:db8:f::2
	ip -n "$(world_ns cn)" -6 route add default via 2001:db8:c::1
	# The access routers keep their addresses while their access link is down.
	world_sysctl r1 net.ipv6.conf.eth0.keep_addr_on_down=1
	world_sysctl r2 net.ipv6.conf.eth0.keep_addr_on_down=1
	for r in 1 2; do
		if [ -n "${MOBD_FILTER:-}" ]; then
			"$MOBD_FILTER" "r$r" eth0 "2001:db8:$r::/64"
		else
			world_exec "r$r" nft -f - <<-NFT || world_fail "nft on r$r"
			table inet bcp38 {
				chain ingress_filter {
					type filter hook forward priority 0; policy accept;
					iifname "eth0" ip6 saddr != 2001:db8:$r::/64 counter drop
				}
			}
			NFT
		fi
		pref=MOBD_PREF$r
		world_radvd "r$r" "interface eth0 {
	AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
	AdvDefaultLifetime 600; AdvDefaultPreference ${!pref:-medium};
	prefix 2001:db8:$r::/64 { AdvOnLink on; AdvAutonomous on; };
};"
	done
	mobd__configs
	world_bg ha had "$HAD" -c "$WORLD_TMP/had.conf"
	world_wait_for "mif-had status socket" 10 test -S "$WORLD_TMP/had.sock"
}

# r3: the IPv4-only access network, DHCPv4 (dnsmasq) and NAT to the core.
mobd__nat() {
	world_router r3
	world_link "$1" eth3 r3 eth0
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
}

# The key and both configuration files (root-only while written).
mobd__configs() {
	umask 077
	printf '%s\n' "$KEY" >"$WORLD_TMP/mn.key"
	cat >"$WORLD_TMP/had.conf" <<EOF2
[ha]
address = $HA_IN
home_prefix = 2001:db8:100::/64
tun = mifha0
control = $WORLD_TMP/had.sock
heartbeat_interval_ms = 100
heartbeat_misses = 3
${MOBD_HA:-}

[mn phone]
hoa = $HOA
spi = 256
key_file = $WORLD_TMP/mn.key
${MOBD_MN:-}
EOF2
	local ifs="eth1 eth2 eth3" dhcp4="dhcp4 = eth3" has="$HA 203.0.113.1"
	if [ "${MOBD_NETS:-3}" = 2 ]; then
		ifs="eth1 eth2" dhcp4="" has=$HA
	fi
	cat >"$WORLD_TMP/mifd.conf" <<EOF2
[mifd]
interfaces = $ifs
$dhcp4
${MOBD_MIFD:-}

[mobility]
enabled = yes
home_agent = $HA_IN
home_agent_address = $has
home_address = $HOA
key_file = $WORLD_TMP/mn.key
spi = 256
routes = 2001:db8:c::/64
prefer = $ifs
${MOBD_MOB:-}
EOF2
	umask 022
}

had_status() { world_exec ha "$HAD" --status -s "$WORLD_TMP/had.sock"; }

# mifd's mobile node, as `mifctl mobility` shows it.
mob() { world_ctl --json mobility; }
# The BID of the binding on interface $1.
bid_on() { mob | jq -r --arg i "$1" '.bindings[] | select(.interface == $i) | .bid'; }
# Registered, and the uplink on interface $1.
uplink_is() {
	mob | world_jq --arg i "$1" '.registered and
		(.bindings | map(select(.uplink)) | .[0].interface == $i)'
}
# The home agent sends the downlink by BID $1.
downlink_on() {
	had_status | world_jq --argjson b "$1" \
		'.mobile_nodes[0].bindings | map(select(.downlink)) | .[0].bid == $b'
}
# Registered with a binding per network (3, or MOBD_NETS), all alive.
all_alive() {
	mob | world_jq --argjson n "$MOBD_N" '.registered and (.bindings | length == $n and all(.state == "alive"))'
}
