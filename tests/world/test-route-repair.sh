#!/bin/bash
# SPDX-License-Identifier: MIT
#
# mifd watches its own rules and routes (issue 11, item 3): what it
# installed counts as installed only once the kernel said so, and an entry
# of its own that someone removes while it is still wanted is put back at
# once and counted (.routing.repaired in `mifctl --json status`):
#   - `ip rule del` of one of mifd's rules (IPv6 and IPv4): back within 1 s;
#   - `ip route del` of the default route in the PvD's table: back within 1 s;
#   - a stray rule with mifd's protocol id (added by hand) is removed;
#   - once settled, nothing is pending and mifd sends nothing more (its own
#     netlink echoes cause no further requests).
#
#   rA -- h:eth0 (radvd 2001:db8:10::/64, DHCPv4 192.168.10.0/24)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq dnsmasq radvd
world_host h
WORLD_NET_HOST=h
mif_net A rA eth0 10
H=$(world_ns h)

world_mifd h --dhcp4 eth0
mif_expect "a PvD with IPv4 and IPv6 addresses" 25 \
	'length == 1 and (.[0].addresses | map(select(.address | startswith("192."))) | length) == 1
	 and (.[0].addresses | map(select(.address | startswith("2001:"))) | length) >= 1'
T=$(mif_status | jq -r '.routing.tables[0].table')
[ -n "$T" ] && [ "$T" != null ] || world_fail "the PvD has no table"

ours() {   # every rule and route with mifd's protocol id, sorted
	{ ip -n "$H" -4 rule show proto 77 | sed 's/^/r4 /'
	  ip -n "$H" -6 rule show proto 77 | sed 's/^/r6 /'
	  ip -n "$H" -4 route show table all proto 77 | sed 's/^/4 /'
	  ip -n "$H" -6 route show table all proto 77 | sed 's/^/6 /'; } | sort
}
settled() {   # no request waiting for its ACK, nothing backing off
	mif_status | jq -e '.routing.pending == {"adds": 0, "deletes": 0, "backing_off": 0}' >/dev/null
}
has_default4() { ip -n "$H" -4 route show table "$T" | grep -q '^default'; }
has_default6() { ip -n "$H" -6 route show table "$T" | grep -q '^default'; }
world_wait_for "IPv4 and IPv6 default routes in table $T" 10 has_default4
world_wait_for "IPv6 default route in table $T" 10 has_default6
world_wait_for "routing settled" 10 settled
sleep 1   # let the DHCPv4 and SLAAC addresses' rules land
world_wait_for "routing settled" 10 settled
before=$(ours)
world_log "mifd's entries: $(wc -l <<<"$before") (table $T)"

# within_1s WHAT CMD: CMD must succeed within 1 s (polls every 50 ms,
# at most 40, bounded by time too).
within_1s() {
	local what=$1 t0 t1 i back=no
	shift
	t0=$(world__now_ms)
	for ((i = 0; i < 40; i++)); do
		if "$@"; then
			back=yes
			break
		fi
		[ $(($(world__now_ms) - t0)) -lt 1000 ] || break
		sleep 0.05
	done
	t1=$(world__now_ms)
	[ "$back" = yes ] || world_fail "not within 1 s: $what
$(ours)"
	world_log "ok: $what, after $((t1 - t0)) ms"
}

count() { mif_status | jq -r '.routing.repaired'; }

# 1. One of mifd's IPv6 rules: the fwmark rule of the PvD (priority 10200).
rep0=$(count)
rule6() { ip -n "$H" -6 rule show proto 77 pref 10200 | grep -q "lookup $T"; }
rule6 || world_fail "no IPv6 fwmark rule for table $T: $(ip -n "$H" -6 rule)"
# mifd may put it back before the next command runs: the counter below
# shows the rule did go.
ip -n "$H" -6 rule del pref 10200 proto 77
within_1s "the IPv6 rule deleted by hand is back" rule6
grew() { [ "$(count)" -gt "$1" ]; }
world_wait_for "the repair counted in status" 2 grew "$rep0"

# 2. One of mifd's IPv4 rules: "lookup main suppress_prefixlength 0".
rep1=$(count)
rule4() { ip -n "$H" -4 rule show proto 77 pref 10300 | grep -q "lookup main"; }
rule4 || world_fail "no IPv4 rule at priority 10300: $(ip -n "$H" -4 rule)"
ip -n "$H" -4 rule del pref 10300 proto 77
within_1s "the IPv4 rule deleted by hand is back" rule4
world_wait_for "the repair counted in status" 2 grew "$rep1"

# 3. Routes in the PvD's table: its IPv6 and IPv4 default routes.
rep2=$(count)
ip -n "$H" -6 route del default table "$T"
within_1s "the IPv6 default route of table $T is back" has_default6
ip -n "$H" -4 route del default table "$T"
within_1s "the IPv4 default route of table $T is back" has_default4
more() { [ "$(count)" -ge $(($1 + 2)) ]; }
world_wait_for "both route repairs counted" 2 more "$rep2"

# 4. A stray rule with mifd's protocol id is mifd's to remove.
ip -n "$H" -4 rule add pref 10999 from 203.0.113.1 lookup "$T" proto 77
stray_gone() { ! ip -n "$H" -4 rule show pref 10999 | grep -q 203.0.113.1; }
within_1s "the stray rule with protocol 77 is removed" stray_gone

# 5. Back to exactly what was there, nothing pending, and quiet: mifd's
#    own echoes of its repairs cause no further request.
world_wait_for "routing settled after the repairs" 5 settled
same() { [ "$(ours)" = "$before" ]; }
world_wait_for "the same rules and routes as before" 2 same
m0=$(mif_status | jq '.routing.netlink_messages')
sleep 1
m1=$(mif_status | jq '.routing.netlink_messages')
[ "$m0" = "$m1" ] || world_fail "mifd kept sending netlink requests ($m0 -> $m1)"
mif_status | world_jq '.routing.refused == 0 and .routing.repaired >= 4' >/dev/null ||
	world_fail "unexpected routing counters"
world_log "ok: $(mif_status | jq -c '.routing | {repaired, refused, pending, netlink_messages}')"
world_pass
