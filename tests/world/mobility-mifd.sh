# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# tests/world/mobility-mifd.sh: the world in which mifd is the mobile node
# (test-mobility-mifd*.sh, the scenarios 3.4-*), after lib.sh and mif.sh
# (the networks themselves: mob-net.sh):
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
# instead of mob-net.sh's table inet bcp38 (the scenarios count its drops).

. "$(dirname "${BASH_SOURCE[0]}")/mob-net.sh"

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

	MOBNET_FILTER=${MOBD_FILTER:-} mobnet_build "$n" "$MOBD_N"
	[ "$MOBD_N" = 2 ] || mobd__dhcp
	for r in 1 2; do
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

# r3's DHCPv4 server (dnsmasq).
mobd__dhcp() {
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
