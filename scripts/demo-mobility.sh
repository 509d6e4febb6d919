#!/bin/bash
# SPDX-License-Identifier: MIT
#
# make demo-mobility: a download that survives the loss of a network,
# narrated. A mobile node with three access networks (two IPv6 ones that
# drop foreign sources, one IPv4-only behind NAT), the home agent mif-had,
# and a correspondent serving a file over HTTP that knows nothing of
# mobility (tests/world/mobility.sh). The mobile node is tests/tools/mif-mn,
# the mobile-node code of mifd (src/daemon/mobility/mn.c) with static
# care-of addresses; mifd itself runs it from the PvDs it learns (`[mobility]`
# in mifd.conf, doc/mobility.md). Everything runs inside namespaces this
# script creates and removes.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
export MIF_HAD=$build/src/ha/mif-had MIF_MN=$build/tests/tools/mif-mn
export MIF_MH_SEND=$build/tests/tools/mif-mh-send
for f in "$MIF_HAD" "$MIF_MN"; do
	[ -x "$f" ] || { echo "demo: $f is missing: run 'make' first" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "demo: needs root (it builds network namespaces)" >&2; exit 1; }
. "$top/tests/world/lib.sh"
. "$top/tests/world/mobility.sh"
WORLD_TEST=demo-mobility
bold=$(tput bold 2>/dev/null || true) plain=$(tput sgr0 2>/dev/null || true)
say() { printf '\n%s==> %s%s\n' "$bold" "$*" "$plain"; }
bindings() {
	had_status | jq -r '.mobile_nodes[0].bindings[] |
		"   BID \(.bid)  \(.peer):\(.port)  \(.state)\(if .downlink then "  <- downlink" else "" end)"'
}
progress() {
	local n
	n=$(stat -c %s "$WORLD_TMP/got" 2>/dev/null || echo 0)
	printf '   downloaded %d MB of 32, uplink %s\n' $((n >> 20)) \
		"$(jq -r .uplink "$WORLD_TMP/mn.json")"
}

world_init
world_require nft curl jq python3
say "Building the world: mobile node, three access networks, core, home agent, correspondent"
mob_world
say "Registered: one Binding Update carried all three care-of addresses (RFC 5648)"
bindings
world_exec cn dd if=/dev/urandom of="$WORLD_TMP/big" bs=1M count=32 status=none
world_bg cn http python3 -m http.server -b 2001:db8:c::2 -d "$WORLD_TMP" 8080
world_wait_for "http server" 10 world_exec mn curl -s -o /dev/null -r 0-0 \
	"http://[2001:db8:c::2]:8080/big"
say "The mobile node downloads 32 MB from the correspondent to its home address, at 1 MB/s"
world_bg mn curl curl -sS --limit-rate 1M -o "$WORLD_TMP/got" \
	-w '%{num_connects} connection, %{size_download} bytes\n' "http://[2001:db8:c::2]:8080/big"
CURL=$WORLD_LAST_PID
sleep 3; progress
say "Network 1 loses carrier"
ip -n "$(world_ns r1)" link set eth0 down
sleep 1; progress; bindings
say "Network 1 comes back; after a heartbeat answers, traffic returns to it"
ip -n "$(world_ns r1)" link set eth0 up
sleep 3; progress; bindings
say "Network 1 silently drops everything (its link stays up)"
world_exec r1 nft add table inet hole
world_exec r1 nft add chain inet hole blackhole '{ type filter hook forward priority -10; policy drop; }'
sleep 1; progress; bindings
say "Network 2 goes away too: only the IPv4 network behind NAT is left"
ip -n "$(world_ns r2)" link set eth0 down
sleep 1; progress; bindings
say "Waiting for the download to finish"
for _ in $(seq 1 600); do
	world__alive "$CURL" || break
	sleep 0.1
done
wait "$CURL" || true
printf '   curl: %s\n' "$(cat "$WORLD_TMP/curl.log")"
if cmp -s "$WORLD_TMP/big" "$WORLD_TMP/got"; then
	say "Every byte arrived, on the one TCP connection it started with"
else
	say "The file differs: something went wrong"
	exit 1
fi
