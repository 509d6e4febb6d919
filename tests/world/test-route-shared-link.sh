#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Two routers on one link (problem statement 4.5), each with its own prefix
# and a server at the same address behind it: a packet leaves through the
# router whose prefix its source address is in (RFC 8028), never through
# the other, whichever is the default.
#
#   rC (2001:db8:c::/64) --\                    rC -- sC (2001:db8:99::1)
#                           sw -- h:eth0
#   rD (2001:db8:d::/64) --/                    rD -- sD (2001:db8:99::1)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq radvd
mif_shared_cd
for x in C D; do
	l=$(printf '%s' "$x" | tr CD cd)
	world_bg "s$x" "whoami-$x" "$MIF_WHOAMI" -n "server-$x" -p 8080
	world_radvd "r$x" "interface eth0 { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
		AdvDefaultLifetime 600; prefix 2001:db8:$l::/64 { AdvOnLink on; AdvAutonomous on; }; };"
done
world_mifd h
mif_expect "two PvDs on eth0, each with its address" 20 \
	'length == 2 and all(.[]; (.addresses | length) >= 1 and .interfaces == ["eth0"])'
for x in C D; do
	l=$(printf '%s' "$x" | tr CD cd)
	src=$(mif_pvds | jq -r --arg p "2001:db8:$l:" '.[].addresses[] | select(.address | startswith($p)) | .address' | head -n 1)
	for i in 1 2 3; do
		got=$(mif_probe h -d 2001:db8:99::1 -s "$src")
		[ "$got" = "server-$x" ] || world_fail "source $src went to $got, want server-$x"
	done
	world_log "ok: source $src -> server-$x (router r$x)"
done
world_pass
