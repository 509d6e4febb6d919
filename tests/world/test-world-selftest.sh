#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Self-test of tests/world/lib.sh and mif-ra-send; needs no mifd.
#
#   r1 (radvd, 2001:db8:1::/64) --veth-- h1:eth0
#   r2 (mif-ra-send) --veth-- sw (bridge br0) --veth-- h1:eth1
#
# 1. h1 autoconfigures an address in 2001:db8:1::/64 from radvd.
# 2. r2 sends one RA with a PvD option holding 2001:db8:2::/64 and an outer
#    PIO 2001:db8:3::/64 after it. The kernel is not PvD-aware: it must add
#    a default route via r2's LLA (outer router lifetime) and an address in
#    2001:db8:3::/64, and must ignore everything inside the PvD option.
# 3. world_cleanup leaves no namespace with our prefix and no process.
# shellcheck disable=SC2317 # functions called through world_wait_for
set -euo pipefail
# shellcheck source=tests/world/lib.sh
. "$(dirname "$0")/lib.sh"

world_init
world_require jq radvd

world_router r1
world_router r2
world_host sw
world_host h1
world_sysctl h1 net.ipv6.conf.all.forwarding=0

world_link r1 eth0 h1 eth0
world_bridge sw br0
world_link r2 eth0 sw p-r2
world_link h1 eth1 sw p-h1
world_bridge_port sw br0 p-r2
world_bridge_port sw br0 p-h1
world_sysctl h1 net.ipv6.conf.eth0.accept_ra=2 net.ipv6.conf.eth1.accept_ra=2

lla_r1=$(world_lla r1 eth0)
world_lla h1 eth0 >/dev/null
world_log "r1 eth0 $lla_r1"

world_radvd r1 "interface eth0 {
	AdvSendAdvert on;
	MinRtrAdvInterval 3;
	MaxRtrAdvInterval 4;
	AdvDefaultLifetime 600;
	prefix 2001:db8:1::/64 {
		AdvOnLink on;
		AdvAutonomous on;
	};
};"
radvd_pid=$WORLD_LAST_PID

# h1 addresses in a /64 on IF, e.g. has_addr eth0 2001:db8:1:
has_addr() {
	ip -n "$(world_ns h1)" -6 -o addr show dev "$1" scope global | grep -F " $2"
}
world_wait_for "SLAAC address in 2001:db8:1::/64 on h1 eth0" 10 has_addr eth0 2001:db8:1:

# Step 2: an RA from r2 with a PvD option, through the bridge.
lla_r2=$(world_lla r2 eth0)
world_lla h1 eth1 >/dev/null
world_log "r2 eth0 $lla_r2"
world_ra_send r2 -i eth0 -c 3 -w 200 --lifetime 900 --pref high \
	--pvd pvd.example.org,seq=7,h,delay=2,hdr \
	--prefix 2001:db8:2::/64 --rdnss 2001:db8:2::53 --dnssl corp.example.org \
	--end-pvd \
	--prefix 2001:db8:3::/64 --mtu 1500

# Default routes of h1, gateways of single and multipath routes.
default_via() {
	# shellcheck disable=SC2016 # jq variables
	ip -n "$(world_ns h1)" -j -6 route show default |
		world_jq --arg gw "$1" --arg dev "$2" \
			'[.[] | select(.dev == $dev or .dev == null) | (.gateway // empty), (.nexthops[]?.gateway)] | any(. == $gw)'
}
world_wait_for "default route via r2 ($lla_r2) on h1 eth1" 10 default_via "$lla_r2" eth1
world_wait_for "SLAAC address in 2001:db8:3::/64 (PIO after the PvD option)" 10 \
	has_addr eth1 2001:db8:3:
world_assert "kernel ignored the PIO nested in the PvD option" \
	bash -c "! ip -n '$(world_ns h1)' -6 -o addr show | grep -F ' 2001:db8:2:'"
world_assert "r1's default route is still there" default_via "$lla_r1" eth0

# Step 3: cleanup removes everything.
prefix=$WORLD_PREFIX
world_cleanup
world_cleanup
world_assert "no namespace left with prefix $prefix" \
	bash -c "! ip netns list | grep -F -- '$prefix'"
world_assert "radvd (pid $radvd_pid) is gone" bash -c "! kill -0 $radvd_pid 2>/dev/null"
world_pass
