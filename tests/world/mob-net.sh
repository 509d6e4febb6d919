# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# tests/world/mob-net.sh: the networks around a mobile node, shared by
# tests/world/mobility.sh (mif-mn, static addresses) and
# tests/world/mobility-mifd.sh (mifd, addresses from RAs and DHCPv4),
# after lib.sh:
#
#   NODE eth1 -- r1 (2001:db8:1::/64) -- core -- ha (2001:db8:f::1, 203.0.113.1)
#   NODE eth2 -- r2 (2001:db8:2::/64) --/ |  \-- cn (2001:db8:c::2)
#   NODE eth3 -- r3 (192.168.3.0/24) ---/  \-- atk (2001:db8:a::2, with atk)
#
# mobnet_build NODE NETS [atk]: NETS is 2 or 3 (r3: IPv4 only, masquerading
# 192.168.3.0/24 behind 198.51.100.3; the core and the agent get their
# IPv4 side). The node's own addresses, routes and servers are the caller's.
#
# mobnet_access NODE: the part tests/world/ha-pair.sh shares too: NODE,
# r1, r2 and core, with the core's routes to both access prefixes and the
# correspondent cn (2001:db8:c::2). Each IPv6 access router drops sources
# not its own (BCP 38, table inet bcp38, or MOBNET_FILTER ROUTER IF PREFIX
# instead) and keeps its addresses while its access link is down.

mobnet_build() {
	local n=$1 nets=$2 atk=${3:-}
	mobnet_access "$n"
	world_router ha
	world_link ha eth0 core ha
	world_addr ha eth0 2001:db8:f::1/64
	world_addr core ha 2001:db8:f::2/64
	ip -n "$(world_ns core)" -6 route add 2001:db8:100::/64 via 2001:db8:f::1
	ip -n "$(world_ns ha)" -6 route add default via 2001:db8:f::2
	if [ "$atk" = atk ]; then
		world_host atk
		world_link atk eth0 core atk
		world_addr atk eth0 2001:db8:a::2/64
		world_addr core atk 2001:db8:a::1/64
		ip -n "$(world_ns atk)" -6 route add default via 2001:db8:a::1
	fi
	[ "$nets" = 2 ] || mobnet__nat "$n"
}

mobnet_access() {
	local n=$1 r
	world_host "$n"
	world_router r1
	world_router r2
	world_router core
	world_host cn
	world_link "$n" eth1 r1 eth0
	world_link "$n" eth2 r2 eth0
	world_link r1 eth1 core r1
	world_link r2 eth1 core r2
	world_link cn eth0 core cn
	world_addr r1 eth0 2001:db8:1::1/64
	world_addr r2 eth0 2001:db8:2::1/64
	world_addr r1 eth1 2001:db8:e1::2/64
	world_addr core r1 2001:db8:e1::1/64
	world_addr r2 eth1 2001:db8:e2::2/64
	world_addr core r2 2001:db8:e2::1/64
	world_addr cn eth0 2001:db8:c::2/64
	world_addr core cn 2001:db8:c::1/64
	ip -n "$(world_ns r1)" -6 route add default via 2001:db8:e1::1
	ip -n "$(world_ns r2)" -6 route add default via 2001:db8:e2::1
	ip -n "$(world_ns core)" -6 route add 2001:db8:1::/64 via 2001:db8:e1::2
	ip -n "$(world_ns core)" -6 route add 2001:db8:2::/64 via 2001:db8:e2::2
	ip -n "$(world_ns cn)" -6 route add default via 2001:db8:c::1
	# The access routers keep their addresses across a link down (IPv6
	# flushes them by default), as a router whose access link flaps does.
	world_sysctl r1 net.ipv6.conf.eth0.keep_addr_on_down=1
	world_sysctl r2 net.ipv6.conf.eth0.keep_addr_on_down=1
	for r in 1 2; do
		if [ -n "${MOBNET_FILTER:-}" ]; then
			"$MOBNET_FILTER" "r$r" eth0 "2001:db8:$r::/64"
			continue
		fi
		world_exec "r$r" nft -f - <<-NFT || world_fail "nft on r$r"
		table inet bcp38 {
			chain ingress_filter {
				type filter hook forward priority 0; policy accept;
				iifname "eth0" ip6 saddr != 2001:db8:$r::/64 counter drop
			}
		}
		NFT
	done
}

# r3: the IPv4-only access network behind NAT, and the core's and the
# agent's IPv4 side.
mobnet__nat() {
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
}
