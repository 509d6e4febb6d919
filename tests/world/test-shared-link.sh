#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Two routers on one link (problem statement section 4.5): each sends its
# own prefix and DNS server. A legacy host merges them; mifd must keep two
# implicit PvDs on the same interface, keyed by each router's link-local
# address (RFC 8801 section 3.4), with nothing crossing between them.
#
#   r1 (radvd 2001:db8:1::/64) --\
#                                 sw(br0) -- h:eth0
#   r2 (radvd 2001:db8:2::/64) --/
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq radvd
world_router r1
world_router r2
world_host sw
world_host h
world_bridge sw br0
world_link r1 eth0 sw p1
world_link r2 eth0 sw p2
world_link h eth0 sw ph
for p in p1 p2 ph; do world_bridge_port sw br0 "$p"; done

for i in 1 2; do
	world_radvd "r$i" "interface eth0 {
		AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
		AdvDefaultLifetime 600;
		prefix 2001:db8:$i::/64 { AdvOnLink on; AdvAutonomous on; };
		RDNSS 2001:db8:$i::53 { AdvRDNSSLifetime 600; };
		DNSSL net$i.example { AdvDNSSLLifetime 600; };
	};"
done
lla1=$(world_lla r1 eth0)
lla2=$(world_lla r2 eth0)
world_mifd h

mif_expect "two PvDs on eth0" 15 \
	"length == 2 and all(.interfaces == [\"eth0\"])"
json=$(mif_pvds)
for i in 1 2; do
	lla=lla$i
	sel=".[] | select(.id == \"${!lla}%eth0\")"
	printf '%s' "$json" | world_jq "$sel | .explicit == false
		and [.routers[].address] == [\"${!lla}\"]
		and [.prefixes[].prefix] == [\"2001:db8:$i::/64\"]
		and [.dns.servers[].address] == [\"2001:db8:$i::53\"]
		and [.dns.search[].domain] == [\"net$i.example\"]" >/dev/null ||
		world_fail "PvD of router $i (${!lla}) is not exactly its own"
done
world_log "ok: two PvDs on one link, each with only its router's configuration"
world_pass
