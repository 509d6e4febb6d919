#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Problem statement 3.4 (RFC 6418) with the MIPv6 multihoming analysis's
# goals of section 3 (draft-ietf-monami6-mipv6-analysis: reliability, flow
# distribution): a critical flow sent over two networks at once (n-cast,
# RFC 6089 flow bindings to two BIDs) survives the loss of one network's
# packets, and the application sees each packet once. Issue 16, item 2.
#
#   h eth1 -- r1 (radvd 2001:db8:1::/64, preference high; drops 20 % toward h) -- core -- ha (mif-had)
#   h eth2 -- r2 (radvd 2001:db8:2::/64)                                     --/    \-- cn 2001:db8:c::2
#
# N1 is the host's default and loses 20 % of the packets toward the host
# (a random drop in r1's nftables forward chain). Each run: 1000 UDP datagrams, one every 2 ms, from h to
# the correspondent, which echoes each (mif-whoami); mif-udp-probe counts
# the answered probes and every reply (a duplicate counts twice).
#   1. the plain host (kernel SLAAC and RA default routes): the probes from
#      its N1 address.
#   2. mifd as mobile node, the flow (UDP to port 7006) bound to the PvDs
#      of N1 and N2 (`flow = ... pvd=N1,N2`): the probes from the home
#      address; mif-had and mifd send each packet on both paths and drop
#      the second copy.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$SCN_DIR/../world/mobility-mifd.sh"

scn_init 3.4-ncast 3.4 "Mobility, n-cast: a critical flow duplicated over two networks (RFC 6089 flow bindings), one of them losing 20 % of its packets"
world_require radvd nft jq
# The world of tests/world/mobility-mifd.sh with two networks; r1's RAs
# have preference high, so a plain host's default is N1.
MOBD_NETS=2 MOBD_PREF1=high MOBD_FILTER=scn_ingress_filter mobd_world h
N=1000
step() { world_log "step: $*"; }
PVD1="$(world_lla r1 eth0)%eth1"
PVD2="$(world_lla r2 eth0)%eth2"
# The critical flow, bound to both PvDs ([mobility] is the file's last section).
echo "flow = critical fid=1 pri=1 pvd=$PVD1,$PVD2 proto=udp rport=7006" >>"$WORLD_TMP/mifd.conf"
world_bg cn whoami "$MIF_WHOAMI" -n cn -p 7006 -6
H=$(world_ns h)

# run PHASE [PROBE ARGS]: the probes; $WORLD_TMP/PHASE.json.
run() {
	local phase=$1 out
	shift
	out=$(world_exec h "$MIF_UDP_PROBE" -d "$CN" -p 7006 -i 2000 -n "$N" "$@")
	jq -c '{sent, received, lost, replies: ([.replies_by_name[]] | add // 0)} |
		.duplicates = (.replies - .received)' <<<"$out" >"$WORLD_TMP/$phase.json"
	step "$phase: $(cat "$WORLD_TMP/$phase.json")"
}

# ---- 1. the plain host ----
scn_plain_start h
scn_wait_addr h eth1 2001:db8:1:
scn_wait_addr h eth2 2001:db8:2:
world_wait_for "the plain host's route to the correspondent through N1" 15 sh -c \
	"ip -n $H -6 route get $CN | grep -q 'dev eth1'"
# 20 % of what r1 forwards toward the host is dropped at random (nftables
# numgen: no netem in every kernel).
world_exec r1 nft -f - <<-NFT || world_fail "nft loss on r1"
table inet lossy {
	chain fwd20 {
		type filter hook forward priority 5; policy accept;
		oifname "eth0" numgen random mod 100 < 20 counter drop
	}
}
NFT
step "plain: the host without mifd (kernel SLAAC), N1 losing 20 % toward the host"
run plain
plain_src=$(ip -n "$H" -6 route get "$CN" | grep -o 'src [^ ]*' | cut -d' ' -f2)
scn_plain_stop_tools

# ---- 2. mifd as mobile node, the flow n-cast on N1 and N2 ----
step "mif: mifd as mobile node, the flow bound to N1's and N2's PvDs (n-cast)"
world_mifd h --config "$WORLD_TMP/mifd.conf"
ready() {
	mob | world_jq '.registered and (.bindings | length == 2 and all(.state == "alive")) and
		(.flows | length == 1 and .[0].ha_status == 0)'
}
world_wait_for "two care-of paths alive, the flow accepted by the home agent" 40 ready
world_wait_for "the route to the correspondent through the home address" 10 sh -c \
	"ip -n $H -6 route get $CN | grep -q 'src $HOA'"
ha0=$(had_status | jq '.mobile_nodes[0].flow_counters.ncast_dup_dropped')
mn0=$(mob | jq .ncast_dup_dropped)
run mif -s "$HOA"
dups=$(jq -cn --argjson h "$(($(had_status | jq '.mobile_nodes[0].flow_counters.ncast_dup_dropped') - ha0))" \
	--argjson m "$(($(mob | jq .ncast_dup_dropped) - mn0))" \
	'{copies_dropped_by_home_agent: $h, copies_dropped_by_mifd: $m}')
flow=$(mob | jq -c '.flows[0] | {name, bids, action, last_bid, why}')
step "mif: second copies dropped: $dups; flow $flow"

plain=$(jq -c --arg s "$plain_src" '. + {source: $s}' "$WORLD_TMP/plain.json")
mif=$(jq -c --argjson d "$dups" --argjson f "$flow" '. + $d + {flow: $f}' "$WORLD_TMP/mif.json")
say() {
	jq -r '"\(.sent) datagrams from \(.source // "the home address"): \(.received) answered, \(.lost) lost, " +
		"\(.duplicates) duplicate replies" +
		(if .copies_dropped_by_mifd then "; second copies dropped: \(.copies_dropped_by_home_agent) by the home agent, \(.copies_dropped_by_mifd) by mifd" else "" end)' <<<"$1"
}
pf=0 mf=0
jq -e --argjson n "$N" '.lost >= ($n / 20)' <<<"$plain" >/dev/null && pf=1
jq -e --argjson n "$N" '.lost <= ($n / 200) and .duplicates == 0 and .sent == $n' <<<"$mif" >/dev/null && mf=1
scn_verdict "$pf" "$mf" "$(say "$plain")" "$(say "$mif")" \
	"the flow is bound to the BIDs of both networks (RFC 6089 Flow Identification option in mifd's Binding Update): mif-had and mifd send each packet on both paths and each end drops the second copy (a window of packet digests), so a packet lost on one network arrives by the other and none arrives twice" \
	"$(jq -cn --argjson p "$plain" --argjson m "$mif" '{plain: $p, mif: $m}')"
