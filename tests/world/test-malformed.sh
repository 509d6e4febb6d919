#!/bin/bash
# SPDX-License-Identifier: MIT
#
# A burst of malformed RAs (700 of 7 kinds) on a link where mifd already
# knows a PvD: mifd keeps running, its PvDs are untouched, every RA is
# dropped and counted by reason in `mifctl status`, the log is rate-limited,
# and a good RA afterwards is still learnt.
#
#   r1 -- h:eth0
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq
world_router r1
world_host h
world_link r1 eth0 h eth0
world_lla h eth0 >/dev/null
world_mifd h --log-level info
world_lla r1 eth0 >/dev/null

world_ra_send r1 -i eth0 --lifetime 1800 --prefix 2001:db8:1::/64 --rdnss 2001:db8:1::53
world_ra_send r1 -i eth0 --lifetime 1800 --pvd good.example,seq=1 \
	--prefix 2001:db8:2::/64 --dnssl good.example --end-pvd
# Wait for DAD to finish so nothing legitimately changes during the burst.
mif_expect "two PvDs learnt, addresses preferred" 10 \
	'length == 2 and all(.addresses | length > 0) and all(.[].addresses[]; .state == "preferred")'
before=$(mif_stable)

N=100
bad() { world_ra_send r1 -i eth0 -c "$N" --lifetime 1800 --prefix 2001:db8:1::/64 "$@"; }
bad --raw 0300000000000000                                  # zero-length option
bad --raw "030481c0000000ff000000ff00000000$(printf '0%.0s' {1..32})" # PIO /129
bad --raw 0305000000000000                                  # claims 40 bytes, has 8
bad --truncate 12                                           # shorter than the header
bad --pvd outer.example --raw 15020000000001620000000000000000 --end-pvd  # PvD in PvD
bad --raw 15020000000000c00c0000000000000000                # PvD name with a pointer
bad --raw "0303$(printf '0%.0s' {1..44})"                       # PIO with Length 3

status_ok() {
	mif_status | jq -e --argjson n "$N" '.ra.dropped == 7 * $n and .ra.accepted == 2
		and .ra.drop_reasons["zero-length"] == $n
		and .ra.drop_reasons["bad-prefix-length"] == $n
		and .ra.drop_reasons["option-overrun"] == $n
		and .ra.drop_reasons["truncated"] == $n
		and .ra.drop_reasons["nested-pvd"] == $n
		and .ra.drop_reasons["bad-name"] == $n
		and .ra.drop_reasons["bad-option-length"] == $n' >/dev/null
}
world_wait_for "every malformed RA dropped and counted by reason" 10 status_ok
world__alive "$WORLD_MIFD_PID" || world_fail "mifd died"
after=$(mif_stable)
[ "$before" = "$after" ] || world_fail "PvDs changed under malformed RAs:
before: $before
after:  $after"
world_log "ok: 700 malformed RAs dropped, PvDs intact"

lines=$(grep -c "dropped RA" "$WORLD_TMP/mifd.log" || true)
[ "$lines" -ge 1 ] && [ "$lines" -le 40 ] ||
	world_fail "expected a rate-limited log (1..40 lines for 700 drops), got $lines"
world_log "ok: $lines log lines for 700 drops"

world_ra_send r1 -i eth0 --lifetime 1800 --prefix 2001:db8:1::/64 --rdnss 2001:db8:1::99
mif_expect "a good RA is still learnt after the burst" 5 \
	'any(.[]; [.dns.servers[].address] | index("2001:db8:1::99"))'
table=$(world_ctl status)
grep -q "dropped, zero-length: $N" <<<"$table" || world_fail "status table lacks drop counts: $table"
world_pass
