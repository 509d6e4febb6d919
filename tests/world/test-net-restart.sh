#!/bin/bash
# SPDX-License-Identifier: MIT
#
# A crash of the network-facing process (the DNS stub and the control
# socket, which parse hostile input) is survived (issue 11 item 2): after
# `kill -9` of it, the parent starts it again with the same listening
# sockets, the engine sends it its whole view, and
#   - DNS answers again through the stub (within 2 s);
#   - no PvD, rule or route was lost or changed, and the control socket
#     answers with the same PvDs;
#   - the status counts the new process (a new pid, a second attachment).
# Three times in a row.
#
#   r1 -- h:eth0  (PvD A: 2001:db8:1::/64, DNS 2001:db8:1::53)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/dns.sh"

world_init
world_require jq dig dnsmasq
world_router r1
world_host h
world_link r1 eth0 h eth0
world_addr r1 eth0 2001:db8:1::53/64
dns_dnsmasq r1 a 2001:db8:1::53 "$(dns_auth_lines 2001:db8:1::53 example.org,2001:db8:99::/64)
host-record=www.example.org,2001:db8:99::a"
world_lla h eth0 >/dev/null
dns_mifd h
world_ra_send r1 -i eth0 --lifetime 1800 --prefix 2001:db8:1::/64 --rdnss 2001:db8:1::53
mif_expect "PvD A with a usable address" 15 \
	'length == 1 and any(.[0].addresses[]; (.address | startswith("2001:db8:1:")) and .state == "preferred")'

answers() { dns_dig h +short www.example.org AAAA | grep -qx 2001:db8:99::a; }
world_wait_for "the stub answers through A" 10 answers
kernel_state() {
	world_exec h ip -6 rule show | grep -v "^0:\|^32766:\|^32767:" | sort
	world_exec h ip rule show | grep -v "^0:\|^32766:\|^32767:" | sort
	world_exec h ip -6 route show table all proto 77 | sort
}
before=$(kernel_state)
pvds_before=$(mif_pvds | jq -c '[.[] | {id, prefixes: [.prefixes[].prefix], dns: [.dns.servers[].address]}]')
[ "$(wc -l <<<"$before")" -ge 3 ] || world_fail "too few rules and routes to compare: $before"

for round in 1 2 3; do
	old=$(mif_status | jq -r '.processes.net.pid')
	kill -9 "$old"
	t0=$(world__now_ms)
	world_wait_for "DNS answers again after kill -9 of $old" 2 answers
	world_log "ok: round $round: killed net process $old; DNS answers again in $(( $(world__now_ms) - t0 )) ms"
	s=$(mif_status)
	new=$(jq -r '.processes.net.pid' <<<"$s")
	[ "$new" != "$old" ] && kill -0 "$new" || world_fail "no new network-facing process: $new"
	jq -e --argjson n "$((round + 1))" '.processes.engine.channel.attachments == $n' \
		<<<"$s" >/dev/null || world_fail "engine attachments: $(jq -c .processes.engine.channel <<<"$s")"
	after=$(kernel_state)
	[ "$after" = "$before" ] || world_fail "rules or routes changed:
before:
$before
after:
$after"
	pvds_after=$(mif_pvds | jq -c '[.[] | {id, prefixes: [.prefixes[].prefix], dns: [.dns.servers[].address]}]')
	[ "$pvds_after" = "$pvds_before" ] || world_fail "PvDs changed: $pvds_before -> $pvds_after"
done
world_log "ok: three restarts; $(wc -l <<<"$before") rules and routes and the PvD unchanged"

# The parent itself is untouched, and still holds what it held.
kill -0 "$WORLD_MIFD_PID" || world_fail "the parent died"
world_pass
