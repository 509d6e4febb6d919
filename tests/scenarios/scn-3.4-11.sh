#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Problem statement 3.4 with the MIPv6 multihoming analysis
# (draft-ietf-monami6-mipv6-analysis), 5.1 and 6.2.2: the (1,1)
# configuration with the mobile node attached to its home link and to a
# foreign link at once (RFC 5648 5.6: a BID with the H flag). Issue 15.
#
#   h eth1 --+ sw (the home link, 2001:db8:100::/64) +-- ha eth1 (mif-had, home_link)
#   hn eth0 -+                                          ha eth0 -- core -- cn 2001:db8:c::2
#   h eth2 -- r2 (2001:db8:2::/64, BCP 38) ----------------------/
#
# h holds 2001:db8:100::10 on its home interface eth1 and 2001:db8:2::10 on
# eth2; hn is another host of the home link. A download from cn to the home
# address (curl, one TCP connection, paced at 8 Mbit/s by cn's uplink) runs;
# 1.5 s in, h's home interface loses carrier (the switch port goes down).
#   1. the plain host: the address on the home link, default routes through
#      both networks (the kernel's own).
#   2. mif: the home agent mif-had with home_link = eth1 (and radvd there
#      advertising the home prefix, radvd on r2 for N2), and mifd as the
#      mobile node (home_address = 2001:db8:100::10/64): it learns both
#      networks from their RAs, the home link's PvD (the home prefix) is a
#      BID with the H flag whose care-of address is the home address, eth2's
#      a foreign BID. While the home BID is the uplink and the downlink the
#      home address is used natively on the home link both ways (no tunnel,
#      no proxy); when it goes, the agent routes the home address into the
#      tunnel and answers Neighbor Solicitations for it on the home link
#      (proxy ND, RFC 6275 10.4.1) and mifd's uplink moves into its tunnel;
#      4 s later the port comes back and the node returns home.
# Measured: bytes at the cut and in the end, curl's status, connections
# used, the longest stall, the home agent's tunnel packet counts per phase,
# its proxy entry and /128 route, and hn reaching the home address while
# the node is away (through the proxy) and once it is back.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
# shellcheck source=../world/mob-home.sh
. "$(dirname "$0")/../world/mob-home.sh"

scn_init 3.4-11 3.4 "Mobility, (1,1) of the MIPv6 multihoming analysis: home and foreign attachment at once; the home link loses carrier and comes back"
world_require nft curl python3 cmp tc
mobh_scn_setup
HOA=$MOBH_HOA
CN=$MOBH_CN

mobh_world hn

# The correspondent: a large file behind an 8 Mbit/s uplink.
mobh_cn_serve

# ---- 1. the plain host ----
step "plain: the host at home with a second network (the kernel alone)"
world_wait_for "the plain host's route to the correspondent on the home link" 10 sh -c \
	"ip -n $(world_ns h) -6 route get $CN | grep -q 'dev eth1'"
mobh_download plain : :
plain=$(jq -c . "$WORLD_TMP/plain.json")
world_log "plain: $plain"
mobh_port ph1 up

# ---- 2. mif ----
step "mif: mif-had with home_link = eth1; mifd learns the home link (the home prefix in its RAs: a BID with the H flag) and N2 (a foreign BID)"
mobh_had_start
# Away from home the home link's hosts too are reached through the tunnel:
# the connected route of a home interface without carrier is skipped.
world_sysctl h net.ipv6.conf.eth1.ignore_routes_with_linkdown=1
# The host as mifd finds it: its addresses and default routes from RAs.
ip -n "$(world_ns h)" -6 addr del "$HOA/64" dev eth1
ip -n "$(world_ns h)" -6 addr del 2001:db8:2::10/64 dev eth2
ip -n "$(world_ns h)" -6 route flush default
world_radvd ha "interface eth1 {
	AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4; AdvDefaultLifetime 600;
	prefix 2001:db8:100::/64 { AdvOnLink on; AdvAutonomous on; };
};"
world_radvd r2 "interface eth0 {
	AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4; AdvDefaultLifetime 600;
	prefix 2001:db8:2::/64 { AdvOnLink on; AdvAutonomous on; };
};"
cat >"$WORLD_TMP/mifd.conf" <<EOF2
[mifd]
interfaces = eth1 eth2

[mobility]
enabled = yes
home_agent = $MOBH_HA_IN
home_agent_address = $MOBH_HA
home_address = $HOA/64
key_file = $WORLD_TMP/mn.key
spi = 256
routes = 2001:db8:c::/64
prefer = eth1 eth2
EOF2
world_mifd h --config "$WORLD_TMP/mifd.conf"
both_alive() {
	had_status | world_jq '.mobile_nodes[0].bindings | length == 2 and all(.state == "alive")
		and (map(select(.home)) | length == 1)'
}
world_wait_for "both BIDs registered and alive, one with the H flag" 30 both_alive
BH=$(had_status | jq '.mobile_nodes[0].bindings[] | select(.home) | .bid')
BF=$(had_status | jq '.mobile_nodes[0].bindings[] | select(.home | not) | .bid')
# mifd's uplink: native on the home link, or through its tunnel.
mifd_carrier() {
	world_ctl --json mobility | world_jq --arg v "$1" '.registered and .uplink_carrier.via == $v'
}
world_wait_for "downlink on the home BID $BH" 10 mobh_downlink_on "$BH"
world_wait_for "mifd's uplink native on the home interface" 10 mifd_carrier native
world_wait_for "at home: no /128 into the tunnel, no proxy entry" 5 mobh_native
bindings=$(had_status | jq -c '[.mobile_nodes[0].bindings[] | {bid, coa, home, priority}]')
step "mif: bindings at the home agent: $bindings"

st_home=0 st_away=0 st_back=0 away_ok=0 back_ok=0 hn_away=no hn_back=no
mif_cut() {
	local t0 t1
	t0=$(mobh_tun_rx)
	world_wait_for "downlink moved to BID $BF (foreign)" 10 mobh_downlink_on "$BF"
	world_wait_for "mifd's uplink into its tunnel" 5 mifd_carrier tunnel
	world_wait_for "the home agent intercepts: /128 into the tunnel" 5 mobh_intercepted
	world_wait_for "the home agent answers ND for the home address on the home link" 5 mobh_proxied
	away_ok=1
	step "mif: away: $(ip -n "$(world_ns ha)" -6 neigh show proxy dev eth1 | tr '\n' ' ')/ $(ip -n "$(world_ns ha)" -6 route show "$HOA/128")"
	# A host of the home link reaches the home address through the proxy.
	ip -n "$(world_ns hn)" -6 neigh flush dev eth0
	world_exec hn ping -6 -c 2 -W 2 "$HOA" >/dev/null 2>&1 && hn_away=yes
	sleep 3
	t1=$(mobh_tun_rx)
	st_away=$((t1 - t0))
	step "mif: away for 4 s: the home agent read $st_away packets for the home address from its tunnel device; home link back now"
	mobh_port ph1 up
	world_wait_for "downlink back on the home BID" 15 mobh_downlink_on "$BH"
	world_wait_for "mifd's uplink native again" 10 mifd_carrier native
	world_wait_for "back home: route and proxy entry removed" 5 mobh_native
	back_ok=1
	t0=$(mobh_tun_rx)
	ip -n "$(world_ns hn)" -6 neigh flush dev eth0
	world_exec hn ping -6 -c 2 -W 2 "$HOA" >/dev/null 2>&1 && hn_back=yes
	sleep 1
	st_back=$(($(mobh_tun_rx) - t0))
	step "mif: back home: $st_back packets through the tunnel device in 1 s (native delivery)"
}
# Packets mifd's TUN device read: the uplink into its tunnel.
mifd_tun_rx() { world_ctl --json mobility | jq .counters.tun_rx; }
mif_pre() { st_home=$(($(mobh_tun_rx) - st_start)) up_home=$(($(mifd_tun_rx) - up_start)); }
st_start=$(mobh_tun_rx) up_start=$(mifd_tun_rx) up_home=0
mobh_download mif mif_pre mif_cut
mif=$(jq -c --argjson b "$bindings" --argjson h "$st_home" --argjson a "$st_away" --argjson k "$st_back" \
	--arg hna "$hn_away" --arg hnb "$hn_back" --argjson ao "$away_ok" --argjson bo "$back_ok" \
	--argjson c "$(had_status | jq .home_link)" --argjson u "$up_home" \
	'. + {bindings: $b, tunnel_packets_at_home_before_cut: $h, tunnel_packets_away_3s: $a,
	      tunnel_packets_back_home_1s: $k, home_neighbor_reached_away: $hna,
	      home_neighbor_reached_back: $hnb, away_state_seen: ($ao == 1), back_state_seen: ($bo == 1),
	      home_link: $c, uplink_tunnel_packets_at_home_before_cut: $u}' "$WORLD_TMP/mif.json")
world_log "mif: $mif"

say() {
	jq -r '"download to \(.local_address): \(.bytes_at_cut) bytes at the cut, \(.bytes_received) of \(.file_bytes) in the end" +
		(if .identical == "yes" then ", byte-identical" else "" end) + " over \(.connections) connection, " +
		(if .curl_status == "0" then "complete \(.seconds_after_cut) s after the cut (longest stall \(.longest_stall_ms_after_cut) ms)"
		 else "curl gave up \(.seconds_after_cut) s after the cut (status \(.curl_status)); no byte for the last \(.longest_stall_ms_after_cut) ms" end) +
		(if .tunnel_packets_away_3s == null then "" else
		 "; at home before the cut: \(.tunnel_packets_at_home_before_cut) packets through the home agent'"'"'s tunnel device and \(.uplink_tunnel_packets_at_home_before_cut) through mifd'"'"'s (native both ways); away: \(.tunnel_packets_away_3s) packets through the tunnel in 3 s, home agent proxying the home address (a home-link host reached it: \(.home_neighbor_reached_away)); back home: \(.tunnel_packets_back_home_1s) in 1 s, proxy and route removed (reached: \(.home_neighbor_reached_back))" end)' <<<"$1"
}
pf=0 mf=0
jq -e --arg h "$HOA" '.local_address == $h and .bytes_received < .file_bytes and .curl_status != "0"' \
	<<<"$plain" >/dev/null && pf=1
jq -e --arg h "$HOA" '.local_address == $h and .bytes_received == .file_bytes and .identical == "yes" and
	.curl_status == "0" and .connections == 1 and .bytes_at_cut < .file_bytes and
	.tunnel_packets_at_home_before_cut < 50 and .uplink_tunnel_packets_at_home_before_cut < 50 and
	.away_state_seen and .back_state_seen and .tunnel_packets_away_3s > 100 and
	.home_neighbor_reached_away == "yes" and .home_neighbor_reached_back == "yes"' <<<"$mif" >/dev/null && mf=1
scn_verdict "$pf" "$mf" "$(say "$plain")" "$(say "$mif")" \
	"the home address has two BIDs at the home agent (registered by mifd, which found its home link by the home prefix in its RAs), one with the H flag on the home link (used natively both ways, RFC 5648 5.6) and one on the foreign network; when the home BID fails the agent routes the home address into the tunnel and proxies it on the home link (RFC 6275 10.4.1) and mifd's uplink moves into its tunnel, and both undo it when the node returns home" \
	"$(jq -cn --argjson p "$plain" --argjson m "$mif" '{plain: $p, mif: $m}')"
