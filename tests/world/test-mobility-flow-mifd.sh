#!/bin/bash
# SPDX-License-Identifier: MIT
# Flow bindings with mifd as the mobile node (issue 16 item 2,
# doc/mobility.md "Flow bindings"): [mobility] flow = lines name PvDs
# (pvd=), which mifd resolves to their paths' BIDs and registers with the
# home agent (mif-had). Two networks from RAs (radvd); the default uplink
# is eth1's (prefer = eth1 eth2).
#
#   mn (mifd) eth1 -- r1 (radvd 2001:db8:1::/64) -- core -- ha (mif-had)
#   mn (mifd) eth2 -- r2 (radvd 2001:db8:2::/64) --/   \-- cn 2001:db8:c::2
#
# Shows: a UDP flow bound to eth2's PvD takes BID 2's path both ways while
# other traffic stays on eth1's; an n-cast flow on both PvDs reaches the
# application once per datagram; `mifctl mobility` and the home agent's
# status say which BID each flow uses and why; a policy rule that names a
# PvD (mif-policy(5): dst, proto, port, prefer = pvd:...) becomes a flow
# binding too, and follows a policy reload.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/mobility-mifd.sh"

world_init
world_require nft jq radvd
B=${MESON_BUILD_ROOT:-$(dirname "$0")/../../build-dev}
PROBE=${MIF_UDP_PROBE:-$B/tests/tools/mif-udp-probe}
WHOAMI=${MIF_WHOAMI:-$B/tests/tools/mif-whoami}
for x in "$PROBE" "$WHOAMI"; do
	[ -x "$x" ] || world_fail "missing $x"
done
MOBD_NETS=2 MOBD_MIFD="policy_dir = $WORLD_TMP/policy.d" mobd_world mn
# An implicit PvD is named after its router: link-local address%interface.
PVD1="$(world_lla r1 eth0)%eth1"
PVD2="$(world_lla r2 eth0)%eth2"
mkdir -p "$WORLD_TMP/policy.d"
cp "$(dirname "$0")/../../dist/policy.d/00-system-default.conf" "$WORLD_TMP/policy.d/"
cat >"$WORLD_TMP/policy.d/50-voip.conf" <<EOF2
[policy]
actor = user

[rule voip]
dst = 2001:db8:c::/64
proto = udp
port = 7003
prefer = pvd:$PVD2
EOF2
# [mobility] is mifd.conf's last section.
cat >>"$WORLD_TMP/mifd.conf" <<EOF2
flow = voice fid=1 pri=10 pvd=$PVD2 proto=udp rport=7002
flow = critical fid=6 pri=5 pvd=$PVD1,$PVD2 proto=udp rport=7006
EOF2

# A flow line mifd cannot parse stops it at start.
sed 's/^flow = voice .*/flow = voice fid=1 pvd=x rport=99-1/' "$WORLD_TMP/mifd.conf" \
	>"$WORLD_TMP/bad.conf"
if world_exec mn timeout 10 "$MIFD" --foreground --config "$WORLD_TMP/bad.conf" \
	--socket "$WORLD_TMP/bad.sock" --state-dir "$WORLD_TMP/bad-state" --no-dns \
	>"$WORLD_TMP/bad.out" 2>&1; then
	world_fail "mifd started with a bad flow line"
fi
world_assert "a bad flow line is refused" grep -q "bad rport=99-1" "$WORLD_TMP/bad.out"

world_mifd mn --config "$WORLD_TMP/mifd.conf"
world_wait_for "two care-of paths, both alive" 30 all_alive
B1=$(bid_on eth1)
B2=$(bid_on eth2)
world_log "BIDs: eth1 $B1 (PvD $PVD1), eth2 $B2 (PvD $PVD2)"
flows_ok() {
	had_status | world_jq --argjson b1 "$B1" --argjson b2 "$B2" '.mobile_nodes[0].flows |
		map({fid, bids}) == [{fid: 6, bids: [$b1, $b2]}, {fid: 1, bids: [$b2]},
				     {fid: 32768, bids: [$b2]}]'
}
world_wait_for "the home agent has the two flows on the PvDs' BIDs" 10 flows_ok
accepted() { mob | world_jq '.flows | length == 3 and all(.ha_status == 0)'; }
world_wait_for "mifd: the three flows accepted by the home agent" 5 accepted
mob | world_jq '.flows[] | select(.fid == 32768) | .name == "policy:voip" and
	.pvd == "'"$PVD2"'"' >/dev/null || world_fail "the policy rule is not flow 32768 on eth2's PvD"
world_log "flow from the policy rule: $(had_status | jq -c '.mobile_nodes[0].flows[] | select(.fid == 32768) | {selector, bids}')"

for p in 7001 7002 7003 7006; do
	world_bg cn "whoami$p" "$WHOAMI" -n "cn$p" -p "$p" -6
done
world_exec cn nft -f - <<-NFT || world_fail "nft counter on cn"
table inet fcount {
	counter ncast { }
	chain fcin {
		type filter hook input priority 0; policy accept;
		udp dport 7006 counter name ncast
	}
}
NFT
# rx/tx data packets per BID at the home agent: "rx1 rx2 tx1 tx2".
counts() {
	had_status | jq -r --argjson b1 "$B1" --argjson b2 "$B2" '.mobile_nodes[0].bindings as $x |
		[$b1, $b2] | map(. as $b | $x[] | select(.bid == $b)) |
		(map(.rx_packets) + map(.tx_packets)) | map(tostring) | join(" ")'
}
probe() { world_exec mn "$PROBE" -d 2001:db8:c::2 -p "$1" -i 2000 -n "$2" -s "$HOA"; }

read -ra a <<<"$(counts)"
out=$(probe 7001 300)
sleep 0.3
read -ra b <<<"$(counts)"
world_log "no flow (port 7001): $out; rx/tx BID $B1 $((b[0] - a[0]))/$((b[2] - a[2])), BID $B2 $((b[1] - a[1]))/$((b[3] - a[3]))"
world_assert "port 7001 (no flow): on eth1's BID both ways" test \
	$((b[0] - a[0])) -ge 280 -a $((b[2] - a[2])) -ge 280 -a \
	$((b[1] - a[1])) -le 10 -a $((b[3] - a[3])) -le 10

read -ra a <<<"$(counts)"
out=$(probe 7002 300)
sleep 0.3
read -ra b <<<"$(counts)"
world_log "flow voice (port 7002): $out; rx/tx BID $B1 $((b[0] - a[0]))/$((b[2] - a[2])), BID $B2 $((b[1] - a[1]))/$((b[3] - a[3]))"
world_assert "flow voice: answered" jq -e '.received >= 285' <<<"$out"
world_assert "flow voice: on eth2's BID both ways, not on eth1's" test \
	$((b[1] - a[1])) -ge 280 -a $((b[3] - a[3])) -ge 280 -a \
	$((b[0] - a[0])) -le 10 -a $((b[2] - a[2])) -le 10
mob | world_jq --argjson b2 "$B2" '.flows[] | select(.name == "voice") |
	.last_bid == $b2 and .why == "flow binding" and .packets >= 280' >/dev/null ||
	world_fail "mifctl mobility does not show voice on BID $B2"
world_ctl mobility >"$WORLD_TMP/mobility.txt" || world_fail "mifctl mobility"
world_assert "mifctl mobility (text) shows the flows" grep -q \
	"flow voice (FID 1, FID-PRI 10, PvD $PVD2) forward to BID $B2; accepted by the home agent; last packet on BID $B2 (flow binding)" \
	"$WORLD_TMP/mobility.txt"
cat "$WORLD_TMP/mobility.txt" >&2

# The policy's rule: port 7003 on eth2's PvD.
read -ra a <<<"$(counts)"
out=$(probe 7003 300)
sleep 0.3
read -ra b <<<"$(counts)"
world_log "policy flow voip (port 7003): $out; rx/tx BID $B1 $((b[0] - a[0]))/$((b[2] - a[2])), BID $B2 $((b[1] - a[1]))/$((b[3] - a[3]))"
world_assert "policy flow voip: on eth2's BID both ways, not on eth1's" test \
	$((b[1] - a[1])) -ge 280 -a $((b[3] - a[3])) -ge 280 -a \
	$((b[0] - a[0])) -le 10 -a $((b[2] - a[2])) -le 10
# The rule now prefers eth1's PvD: after a policy reload the flow moves.
sed -i "s|^prefer = pvd:.*|prefer = pvd:$PVD1|" "$WORLD_TMP/policy.d/50-voip.conf"
world_ctl policy reload >/dev/null || world_fail "mifctl policy reload"
moved() {
	had_status | world_jq --argjson b1 "$B1" \
		'.mobile_nodes[0].flows[] | select(.fid == 32768) | .bids == [$b1]'
}
world_wait_for "after the reload, the policy flow on eth1's BID at the home agent" 10 moved
world_assert "the configured flows were not sent again" bash -c \
	"[ \$($HAD --status -s $WORLD_TMP/had.sock | jq '[.mobile_nodes[0].flows[] | select(.fid < 32768) | .since_bu_seq] | max') -lt \
	   \$($HAD --status -s $WORLD_TMP/had.sock | jq '.mobile_nodes[0].flows[] | select(.fid == 32768) | .since_bu_seq') ]"

read -ra a <<<"$(counts)"
out=$(probe 7006 500)
sleep 0.3
read -ra b <<<"$(counts)"
cn_got=$(world_exec cn nft -j list counter inet fcount ncast | jq '.nftables[1].counter.packets')
replies=$(jq '[.replies_by_name[]] | add' <<<"$out")
world_log "n-cast (port 7006): $out; correspondent got $cn_got; rx/tx BID $B1 $((b[0] - a[0]))/$((b[2] - a[2])), BID $B2 $((b[1] - a[1]))/$((b[3] - a[3]))"
world_assert "n-cast: every probe answered once ($replies replies)" jq -e \
	".received >= 495 and .received == $replies" <<<"$out"
world_assert "n-cast: the correspondent got each datagram once" test "$cn_got" -le 500
world_assert "n-cast: both paths carried it both ways" test \
	$((b[0] - a[0])) -ge 490 -a $((b[1] - a[1])) -ge 490 -a \
	$((b[2] - a[2])) -ge 490 -a $((b[3] - a[3])) -ge 490
mob | world_jq '.ncast_dup_dropped >= 490' >/dev/null ||
	world_fail "mifd did not drop the second copies"
world_log "home agent flows: $(had_status | jq -c '.mobile_nodes[0] | {flows, flow_counters}')"
world_pass
