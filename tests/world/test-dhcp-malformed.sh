#!/bin/bash
# SPDX-License-Identifier: MIT
#
# A burst of malformed and forged DHCPv4 replies at a bound client: bad
# magic cookie, truncated, zero-length and wrong-length options, a bad
# option overload, and well-formed OFFERs, ACKs and NAKs with the wrong
# transaction id or hardware address (a forged NAK must not cost the lease).
# mifd keeps running, keeps its lease and PvD, and counts every drop.
#
#   r1 (dnsmasq 10.4.0.1/24, mif-dhcp4-send) -- h:eth0
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq dnsmasq
world_router r1
world_host h
world_link r1 eth0 h eth0
world_addr r1 eth0 10.4.0.1/24
mif_dnsmasq r1 v4 "interface=eth0
bind-interfaces
dhcp-range=10.4.0.100,10.4.0.150,255.255.255.0,10m
dhcp-option=option:dns-server,10.4.0.53"
world_mifd h --dhcp4 eth0 --log-level info
mif_expect "bound" 15 '.[0].dhcpv4.state == "bound"'
before=$(mif_stable)
mac=$(ip -n "$(world_ns h)" -o link show eth0 | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)
send=${MIF_DHCP4_SEND:-$(dirname "$MIF_RA_SEND")/mif-dhcp4-send}
N=50
burst() { world_exec r1 "$send" -i eth0 -c "$N" --server-id 10.4.0.1 "$@" >/dev/null; }
burst --bad-magic
burst --truncate 200
burst --raw 0600                        # DNS servers, length 0
burst --raw 330200ff                    # lease time with length 2
burst --raw 340105                      # option overload 5 does not exist
burst --type offer --chaddr "$mac" --xid 12345678 --yiaddr 10.4.0.99
burst --type nak --chaddr "$mac" --xid 12345678          # forged NAK, wrong xid
burst --type ack --yiaddr 10.4.0.98 --lease 60            # someone else's ACK

drops_ok() { mif_status | jq -e --argjson n "$N" '.dhcp.dhcpv4[0].dropped >= 8 * $n' >/dev/null; }
world_wait_for "every malformed or forged reply dropped and counted" 10 drops_ok
world__alive "$WORLD_MIFD_PID" || world_fail "mifd died"
after=$(mif_stable)
[ "$before" = "$after" ] || world_fail "lease or PvD changed:
before: $before
after:  $after"
mif_status | world_jq '.dhcp.dhcpv4[0] | .state == "bound" and .naks == 0' >/dev/null ||
	world_fail "the forged NAK was taken"
lines=$(grep -c "dhcp4 on .*dropped" "$WORLD_TMP/mifd.log" || true)
[ "$lines" -ge 1 ] && [ "$lines" -le 40 ] ||
	world_fail "expected a rate-limited log (1..40 lines for $((8 * N)) drops), got $lines"
world_log "ok: $((8 * N)) bad replies dropped ($lines log lines), lease and PvD intact"
world_pass
