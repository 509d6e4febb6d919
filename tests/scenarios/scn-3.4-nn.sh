#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Problem statement 3.4 with the MIPv6 multihoming analysis
# (draft-ietf-monami6-mipv6-analysis) 5.4 and 6.1.5: the (n,n)
# configuration, two home addresses from two home agents over two access
# networks whose routers drop foreign sources (BCP 38).
#
# The world of tests/world/mobility.sh plus a second home agent ha2
# (home prefix 2001:db8:200::/64). Two downloads from cn (curl, one TCP
# connection each, given up after 8 s without a byte), paced together by
# cn's uplink (tbf, 16 Mbit/s); 1.5 s in, N1 loses carrier.
#   1. the plain host: one download to its N1 address, one to its N2
#      address (each address routed out of its own network, RFC 8028
#      style rules, which is more than a default host has).
#   2. mif's mobile-node logic with two home addresses (tests/tools/mif-mn
#      --home h1 ... --home h2 ...): HoA1 at ha, HoA2 at ha2, each offered
#      eth1, eth2 and the cross pair (one network's address through the
#      other's interface), which the rule refuses as not ingress-safe.
#      mifd runs two home addresses too (tests/world/test-mobility-mifd-
#      hoas.sh) but never offers a cross pair (each care-of address only
#      with its own interface), and learns its care-of addresses from RAs,
#      which this static world has none of: the row keeps mif-mn.
# Measured: each download's bytes and connections, the file compared, the
# routers' BCP 38 drops, the pairs chosen and refused.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

scn_init 3.4-nn 3.4 "Mobility, (n,n) of the MIPv6 multihoming analysis: two home addresses from two home agents over two networks with ingress filtering; the network carrying a download loses carrier"
world_require nft curl jq python3 tc
scn_mob_tools
# shellcheck source=../world/mobility.sh
. "$SCN_DIR/../world/mobility.sh"
mob_world
HOA2=2001:db8:200::10 HA2=2001:db8:f2::1 SIZE=8388608
world_router ha2
world_link ha2 eth0 core ha2
world_addr ha2 eth0 2001:db8:f2::1/64
world_addr core ha2 2001:db8:f2::2/64
ip -n "$(world_ns ha2)" -6 route add default via 2001:db8:f2::2
ip -n "$(world_ns core)" -6 route add 2001:db8:200::/64 via 2001:db8:f2::1
umask 077
cat >"$WORLD_TMP/had2.conf" <<EOF2
[ha]
address = 2001:db8:200::1
home_prefix = 2001:db8:200::/64
tun = mifha0
control = $WORLD_TMP/had2.sock

[mn phone]
hoa = $HOA2
spi = 258
key_file = $WORLD_TMP/mn1.key
EOF2
umask 022
world_bg ha2 had2 "$HAD" -c "$WORLD_TMP/had2.conf"
world_wait_for "ha2 up" 10 test -S "$WORLD_TMP/had2.sock"
had2_status() { world_exec ha2 "$HAD" --status -s "$WORLD_TMP/had2.sock"; }
# mob_world's single-home mobile node is not part of either run.
kill -TERM "$MN_PID"
for _ in $(seq 1 50); do world__alive "$MN_PID" || break; sleep 0.1; done
ip -n "$(world_ns mn)" addr add "$HOA2/128" dev mifmn0 nodad

world_exec cn dd if=/dev/urandom of="$WORLD_TMP/f8" bs=1M count=8 status=none
world_bg cn http python3 -m http.server -b 2001:db8:c::2 -d "$WORLD_TMP" 8080
world_wait_for "http server" 10 world_exec cn curl -s -o /dev/null -r 0-0 "http://[2001:db8:c::2]:8080/f8"
world_exec cn tc qdisc add dev eth0 root tbf rate 16mbit burst 32kb latency 400ms
drops() {
	local r s=0 n
	for r in r1 r2; do
		n=$(world_exec "$r" nft -j list table inet bcp38 |
			jq '[.nftables[] | .rule? | select(.) | .expr[] | .counter? | select(.) | .packets] | add // 0')
		s=$((s + n))
	done
	echo "$s"
}

# run PHASE SRC1 SRC2: two downloads, N1 cut 1.5 s in; $WORLD_TMP/PHASE.json.
run() {
	local phase=$1 a=$2 b=$3 d0 p1 p2 t0 i r1=0 r2=0
	d0=$(drops)
	for i in 1 2; do rm -f "$WORLD_TMP/$phase-$i.got"; done
	world_bg mn "$phase-1" curl -sS --speed-limit 1 --speed-time 8 --interface "$a" \
		-o "$WORLD_TMP/$phase-1.got" -w 'curl-result %{num_connects} %{size_download}\n' \
		"http://[2001:db8:c::2]:8080/f8"
	p1=$WORLD_LAST_PID
	world_bg mn "$phase-2" curl -sS --speed-limit 1 --speed-time 8 --interface "$b" \
		-o "$WORLD_TMP/$phase-2.got" -w 'curl-result %{num_connects} %{size_download}\n' \
		"http://[2001:db8:c::2]:8080/f8"
	p2=$WORLD_LAST_PID
	sleep 1.5
	step "$phase: downloads to $a and $b running; N1 loses carrier now"
	t0=$(world__now_ms)
	ip -n "$(world_ns r1)" link set eth0 down
	for _ in $(seq 1 400); do
		world__alive "$p1" || world__alive "$p2" || break
		sleep 0.1
	done
	wait "$p1" || r1=$?
	wait "$p2" || r2=$?
	jq -cn --arg a "$a" --arg b "$b" --argjson r1 "$r1" --argjson r2 "$r2" \
		--argjson n1 "$(stat -c %s "$WORLD_TMP/$phase-1.got" 2>/dev/null || echo 0)" \
		--argjson n2 "$(stat -c %s "$WORLD_TMP/$phase-2.got" 2>/dev/null || echo 0)" \
		--arg s1 "$(cmp -s "$WORLD_TMP/f8" "$WORLD_TMP/$phase-1.got" && echo yes || echo no)" \
		--arg s2 "$(cmp -s "$WORLD_TMP/f8" "$WORLD_TMP/$phase-2.got" && echo yes || echo no)" \
		--arg c1 "$(grep -m1 '^curl-result' "$WORLD_TMP/$phase-1.log" | cut -d' ' -f2)" \
		--arg c2 "$(grep -m1 '^curl-result' "$WORLD_TMP/$phase-2.log" | cut -d' ' -f2)" \
		--argjson secs "$((($(world__now_ms) - t0) / 100))" --argjson dr "$(($(drops) - d0))" \
		--argjson size "$SIZE" \
		'{downloads: [{to: $a, bytes: $n1, curl_status: $r1, connections: $c1, identical: $s1},
		              {to: $b, bytes: $n2, curl_status: $r2, connections: $c2, identical: $s2}],
		  file_bytes: $size, seconds_after_cut: ($secs / 10), bcp38_drops: $dr}' >"$WORLD_TMP/$phase.json"
	step "$phase: $(cat "$WORLD_TMP/$phase.json")"
	ip -n "$(world_ns r1)" link set eth0 up
}
whole() { jq -e --argjson i "$1" '.downloads[$i] | .bytes == 8388608 and .identical == "yes" and .connections == "1" and .curl_status == 0' "$2" >/dev/null; }

# ---- 1. the plain host ----
step "plain: two downloads, one to each network's own address"
run plain 2001:db8:1::10 2001:db8:2::10
pf=0
whole 0 "$WORLD_TMP/plain.json" || pf=1
world_wait_for "N1 back" 10 world_exec mn ping -6 -c 1 -W 1 -I eth1 2001:db8:1::1

# ---- 2. mif: two home addresses, two home agents ----
step "mif: mif-mn with HoA1 at ha and HoA2 at ha2, each offered eth1, eth2 and a cross pair"
rm -f "$WORLD_TMP"/h?.json
world_bg mn mn-nn "$MN" --tun mifmn0 \
	--home h1 --hoa "$HOA" --ha "$HA_IN" --ha6 "$HA" --spi 256 --key-file "$WORLD_TMP/mn1.key" \
	--status "$WORLD_TMP/h1.json" --path eth1,2001:db8:1::10,0 --path eth2,2001:db8:2::10,2 \
	--path eth2,2001:db8:1::10,1 \
	--home h2 --hoa "$HOA2" --ha 2001:db8:200::1 --ha6 "$HA2" --spi 258 --key-file "$WORLD_TMP/mn1.key" \
	--status "$WORLD_TMP/h2.json" --path eth1,2001:db8:2::10,1 --path eth1,2001:db8:1::10,0 \
	--path eth2,2001:db8:2::10,2
bound2() { "$1" | world_jq '.mobile_nodes[0].bindings | length == 2 and all(.state == "alive")'; }
world_wait_for "HoA1 bound on eth1 and eth2 at ha" 10 bound2 had_status
world_wait_for "HoA2 bound on eth1 and eth2 at ha2" 10 bound2 had2_status
pairs=$(jq -s -c 'map({home: .name, pairs: [.pairs[] | {coa, verdict}]})' "$WORLD_TMP/h1.json" "$WORLD_TMP/h2.json")
refused=$(jq -s '[.[].pairs[] | select(.verdict == "refused")] | length' "$WORLD_TMP/h1.json" "$WORLD_TMP/h2.json")
step "mif: pairs $pairs"
run mif "$HOA" "$HOA2"
mf=0
whole 0 "$WORLD_TMP/mif.json" && whole 1 "$WORLD_TMP/mif.json" &&
	jq -e '.bcp38_drops == 0' "$WORLD_TMP/mif.json" >/dev/null && [ "$refused" = 2 ] && mf=1

say() {
	jq -r '.downloads | map("to \(.to): \(.bytes) of 8388608 bytes, curl status \(.curl_status), \(.connections) connection(s), identical: \(.identical)") | join("; ")' "$1"
}
plain_txt="$(say "$WORLD_TMP/plain.json"); BCP 38 drops $(jq .bcp38_drops "$WORLD_TMP/plain.json")"
mif_txt="$(say "$WORLD_TMP/mif.json"); BCP 38 drops $(jq .bcp38_drops "$WORLD_TMP/mif.json"); cross pairs refused as not ingress-safe: $refused"
scn_verdict "$pf" "$mf" "$plain_txt" "$mif_txt" \
	"the plain host loses the session on the network that went away; with two home addresses at two home agents both sessions continue over N2, and no packet with a foreign source reaches an access router (the cross pairs are never used)" \
	"$(jq -cn --slurpfile p "$WORLD_TMP/plain.json" --slurpfile m "$WORLD_TMP/mif.json" --argjson pairs "$pairs" '{plain: $p[0], mif: $m[0], pairs: $pairs}')"
