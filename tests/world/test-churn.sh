#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Fast PvD churn loses nothing (issue 17, row 2 of doc/issue17-audit.md):
# one on-link router keeps 20 PvDs live and replaces one of them
# CHURN_RATE times a second (default 333: an RA announcing a new PvD, then
# one withdrawing the oldest), for CHURN_SECONDS (default 20), then 5,000
# times a second for 4 s. Then every
# PvD is withdrawn at a calm pace, and:
#   - no PvD is left, and no rule or route with mifd's protocol id (77)
#     beyond those it keeps with no PvD at all (counted before the churn);
#   - no internal message was dropped: .channels.*.dropped is 0 in
#     `mifctl --json status`, and mifd's log has no "message ... lost";
#   - the channel's back-pressure did act (.channels paused > 0) when the
#     load overflowed what mifd could follow at once.
#
#   r1 (mif-ra-send --replay) -- h:eth0
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

RATE=${CHURN_RATE:-333}
SECS=${CHURN_SECONDS:-20}
LIVE=20
K=40          # distinct PvDs cycled through

world_init
world_require jq
world_router r1
world_host h
world_link r1 eth0 h eth0
world_lla h eth0 >/dev/null
world_lla r1 eth0 >/dev/null
H=$(world_ns h)
ours() {
	{ ip -n "$H" -4 rule | grep "proto 77" | sed 's/^/r4 /'
	  ip -n "$H" -6 rule | grep "proto 77" | sed 's/^/r6 /'
	  ip -n "$H" -4 route show table all proto 77 | sed 's/^/4 /'
	  ip -n "$H" -6 route show table all proto 77 | sed 's/^/6 /'; } || true
}

send=$(world__ra_send_path)
# RA i announces PvD i (with its own prefix, so SLAAC adds an address and
# its rules); withdrawal: router lifetime 0, prefix lifetimes 0.
ra_on() {
	"$send" --dump --lifetime 600 --pvd "p$1.churn.example,seq=$2" \
		--prefix "2001:db8:$(printf %x $((0x100 + $1)))::/64" --end-pvd
}
ra_off() {
	"$send" --dump --lifetime 0 --pvd "p$1.churn.example,seq=$2" \
		--prefix "2001:db8:$(printf %x $((0x100 + $1)))::/64,valid=0,preferred=0" --end-pvd
}
churn=$WORLD_TMP/churn.hex
off=$WORLD_TMP/off.hex
: >"$churn"
for ((i = 0; i < K; i++)); do
	ra_on "$i" 1 >>"$churn"
	ra_off $(((i + K - LIVE) % K)) 2 >>"$churn"
done
for ((i = 0; i < K; i++)); do ra_off "$i" 3; done >"$off"

world_mifd h
sleep 1
base=$(ours)
world_log "mifd's entries with no PvD: $(grep -c . <<<"$base" || true)"

# The issue's load, then a burst 15 times faster (CHURN_BURST_RATE for
# 4 s), past what mifd can follow at once: on this project's 2-core test
# machine that burst left rules and routes behind before back-pressure and
# coalescing; 333/s alone no longer overflowed there.
for phase in "$RATE:$SECS" "${CHURN_BURST_RATE:-5000}:4"; do
	r=${phase%:*} s=${phase#*:}
	n=$((r * s))
	world_log "churn: $n RAs at $r/s, $LIVE PvDs live of $K"
	t0=$(world__now_ms)
	world_exec r1 "$send" -i eth0 --replay "$churn" --rate "$r" -c "$n"
	world_log "churn sent in $(($(world__now_ms) - t0)) ms"
done
# The withdrawals are repeated, as a router repeats its RAs: while mifd
# catches up it reads no RA (back-pressure), and what its socket could not
# hold is lost on the way like any packet.
gone() {
	local st
	mif__match 'length == 0' && return 0
	st=$(mif_status) || return 1
	echo "pvds $(jq -c '.pvds' <<<"$st") channels $(jq -c .channels <<<"$st")" \
		"pending $(jq -c .routing.pending <<<"$st")"
	return 1
}
withdraw() {
	world_exec r1 "$send" -i eth0 --replay "$off" -c "$K" -w 10
	gone
}
world_wait_for "every PvD withdrawn and gone" 120 withdraw
settled() {
	mif_status | jq -e '.routing.pending == {"adds": 0, "deletes": 0, "backing_off": 0}' >/dev/null
}
world_wait_for "routing settled" 60 settled
clean() { [ "$(ours)" = "$base" ]; }
world_wait_for "nothing of mifd's left beyond its base entries" 30 clean
st=$(mif_status)
world_log "channels: $(jq -c .channels <<<"$st")"
world_log "routing: $(jq -c '.routing | {repaired, refused, acks_lost, netlink_messages}' <<<"$st")"
jq -e '.channels | all(.[]; .dropped == 0)' <<<"$st" >/dev/null ||
	world_fail "messages dropped: $(jq -c .channels <<<"$st")"
! grep -q "lost (" "$WORLD_TMP/mifd.log" ||
	world_fail "mifd logged lost messages: $(grep -m3 'lost (' "$WORLD_TMP/mifd.log")"
world_pass
