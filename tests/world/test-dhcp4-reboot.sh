#!/bin/bash
# SPDX-License-Identifier: MIT
#
# DHCPv4 lease persistence (issue 20 item 2) against dnsmasq: mifd keeps
# its lease in the state directory (0600, atomically written), and after a
# restart asks for it again with INIT-REBOOT (RFC 2131 3.2: REQUEST with
# the requested-address option and no server identifier, no DISCOVER), so
# it keeps the same address. On another network the server NAKs the kept
# address and mifd falls back to DISCOVER. A corrupt lease file is logged
# once and ignored: the next start discovers from scratch.
#
#   r1 (dnsmasq, 10.1.0.1/24, later 10.2.0.1/24) -- h:eth0 (mifd --dhcp4 eth0)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq dnsmasq tcpdump
world_router r1
world_host h
world_link r1 eth0 h eth0
world_addr r1 eth0 10.1.0.1/24

conf() {   # NET
	echo "interface=eth0
bind-interfaces
dhcp-authoritative
dhcp-range=10.$1.0.100,10.$1.0.199,255.255.255.0,10m
dhcp-option=option:router,10.$1.0.1"
}
mif_dnsmasq r1 srv "$(conf 1)"
srv=$WORLD_LAST_PID
dlog=$WORLD_TMP/dnsmasq-srv.log
lease=$WORLD_TMP/state/dhcp4-eth0.lease

bound_addr() { mif_status | jq -r '.dhcp.dhcpv4[0] | select(.state == "bound") | .address'; }
is_bound() { [ -n "$(bound_addr)" ]; }
stop_mifd() {
	kill -TERM "$WORLD_MIFD_PID"
	world_wait_for "mifd stopped" 10 bash -c "! kill -0 $WORLD_MIFD_PID 2>/dev/null"
	WORLD_MIFD_PID=""
}
count() { grep -c "$1" "$dlog" || true; }

# 1. A first start discovers and keeps the lease.
world_mifd h --dhcp4 eth0
world_wait_for "a first lease" 20 is_bound
addr=$(bound_addr)
[ "$(mif_status | jq -r '.dhcp.dhcpv4[0].init_reboot')" = no ] ||
	world_fail "a first start claims an INIT-REBOOT"
world_wait_for "the lease file" 5 test -s "$lease"
[ "$(stat -c %a "$lease")" = 600 ] || world_fail "lease file mode $(stat -c %a "$lease")"
[ "$(stat -c %a "$WORLD_TMP/state")" = 700 ] || world_fail "state dir mode"
head -c 8 "$lease" | grep -q MIFLEASE || world_fail "lease file has no magic"
[ "$(count 'DHCPDISCOVER(eth0)')" -ge 1 ] || world_fail "no DISCOVER seen by dnsmasq"
world_log "ok: bound to $addr, lease kept in $lease"

# 2. A restart: INIT-REBOOT, no DISCOVER, the same address. The clean stop
# sent no RELEASE (dhcp4_release = no by default).
stop_mifd
ip -n "$(world_ns h)" -4 -o addr show dev eth0 | grep -q "inet $addr/" &&
	world_fail "a clean stop left $addr in the kernel"
[ "$(count 'DHCPRELEASE')" = 0 ] || world_fail "a clean stop released the lease"
discovers=$(count 'DHCPDISCOVER(eth0)')
requests=$(count "DHCPREQUEST(eth0) $addr")
# The client's packets, decoded, to see the INIT-REBOOT's options.
world_bg r1 dhcp tcpdump -i eth0 -l -n -vv udp dst port 67
dhcp_listening() { grep -q "listening on" "$WORLD_TMP/dhcp.log"; }
world_wait_for "tcpdump listening" 5 dhcp_listening
world_mifd h --dhcp4 eth0
world_wait_for "the lease again" 20 is_bound
[ "$(bound_addr)" = "$addr" ] || world_fail "restart took $(bound_addr), not $addr"
[ "$(count 'DHCPDISCOVER(eth0)')" = "$discovers" ] || world_fail "the restart sent a DISCOVER"
[ "$(count "DHCPREQUEST(eth0) $addr")" -gt "$requests" ] || world_fail "no REQUEST for $addr"
mif_status | world_jq '.dhcp.dhcpv4[0] | .init_reboot == "acked" and .naks == 0' >/dev/null ||
	world_fail "status does not show the INIT-REBOOT: $(mif_status | jq -c .dhcp.dhcpv4)"
grep -q "kept lease of $addr is valid: INIT-REBOOT" "$WORLD_TMP/mifd.log" ||
	world_fail "mifd did not log the kept lease"
ip -n "$(world_ns h)" -4 -o addr show dev eth0 | grep -q "inet $addr/24" ||
	world_fail "kernel lacks $addr/24 after the restart"
# RFC 2131 4.3.2: the INIT-REBOOT REQUEST has option 50 and no option 54
# (each packet is one record starting with its time stamp).
first=$(awk '/^[0-9][0-9]:/ { n++ } n == 1' "$WORLD_TMP/dhcp.log")
grep -q "DHCP-Message (53), length 1: Request" <<<"$first" ||
	world_fail "the first packet after the restart is not a REQUEST: $first"
grep -q "Requested-IP (50), length 4: $addr" <<<"$first" || world_fail "no option 50: $first"
grep -q "Server-ID (54), length" <<<"$first" && world_fail "INIT-REBOOT carries a server id: $first"
grep -q "Client-IP $addr" <<<"$first" && world_fail "INIT-REBOOT has ciaddr set: $first"
world_log "ok: restart kept $addr by INIT-REBOOT (no DISCOVER)"

# 3. Another network: the server NAKs the kept address, mifd discovers.
stop_mifd
kill -TERM "$srv"
world_wait_for "dnsmasq stopped" 10 bash -c "! kill -0 $srv 2>/dev/null"
ip -n "$(world_ns r1)" addr flush dev eth0 scope global
world_addr r1 eth0 10.2.0.1/24
mif_dnsmasq r1 srv "$(conf 2)"
world_mifd h --dhcp4 eth0
new_net() { bound_addr | grep -q '^10\.2\.0\.'; }
world_wait_for "a lease on the new network" 30 new_net
mif_status | world_jq '.dhcp.dhcpv4[0] | .naks == 1 and .init_reboot == "tried"' >/dev/null ||
	world_fail "no NAK to the INIT-REBOOT: $(mif_status | jq -c .dhcp.dhcpv4)"
grep -q "DHCPNAK(eth0) $addr" "$dlog" || world_fail "dnsmasq did not NAK $addr"
addr2=$(bound_addr)
world_log "ok: NAK of the kept $addr on another network, then $addr2 by DISCOVER"

# 4. A corrupt lease file is ignored with one log line, never trusted.
stop_mifd
world_wait_for "the new lease file" 5 test -s "$lease"
printf 'MIFLEASE\0\0\0\1garbage' >"$lease"
discovers=$(count 'DHCPDISCOVER(eth0)')
world_mifd h --dhcp4 eth0
world_wait_for "a lease after the corrupt file" 20 is_bound
[ "$(grep -c 'dhcp4-eth0.lease is corrupt or truncated: ignored' "$WORLD_TMP/mifd.log")" = 1 ] ||
	world_fail "no single log line for the corrupt lease file"
[ "$(count 'DHCPDISCOVER(eth0)')" -gt "$discovers" ] || world_fail "no DISCOVER after the corrupt file"
[ "$(mif_status | jq -r '.dhcp.dhcpv4[0].init_reboot')" = no ] ||
	world_fail "a corrupt lease file was used for INIT-REBOOT"
world_wait_for "a good lease file again" 5 bash -c "head -c 8 '$lease' | grep -q MIFLEASE && [ \$(stat -c %s '$lease') -gt 40 ]"
world_log "ok: corrupt lease file ignored, bound to $(bound_addr) by DISCOVER"
world_pass
