#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Problem statement 4.1, case 2: the host keeps one set of DNS servers (the
# merged resolv.conf is tried in order, and an NXDOMAIN from the first is
# final), so a private name of the other network gets NXDOMAIN; so does the
# reverse lookup. World: two-nets.sh, TWO_NETS_VIEW=nxdomain.
# Measured both times: getent for each network's private name and for the
# reverse of an address in each network's prefix; which server logged each
# query; DNS packets about each private zone on the other network's wire.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/two-nets.sh"

scn_init 4.1-2 4.1 "DNS case 2: NXDOMAIN from the other network's server (forward and reverse)"
TWO_NETS_VIEW=nxdomain two_nets_world
L=("${TWO_NETS_LINKS[@]}")

# measure PHASE: JSON of the four lookups and the leaks, in $WORLD_TMP/PHASE.json.
measure() {
	local a1 a2 r1 r2 c1 c2 s1 s2
	SCN_CAP_FILTER="port 53" scn_caps_start "$1" "${L[@]}"
	s1=$(dns_count_queries s1 'nas\.home\.example|intranet\.corp\.example')
	s2=$(dns_count_queries s2 'nas\.home\.example|intranet\.corp\.example')
	a1=$(scn_lookup intranet.corp.example)
	a2=$(scn_lookup nas.home.example)
	r1=$(scn_reverse 2001:db8:1::99)
	r2=$(scn_reverse 192.168.2.20)
	c1=$(scn_caps_count "$1" "$TWO_NETS_N1_RE" "${L[@]}")
	c2=$(scn_caps_count "$1" "$TWO_NETS_N2_RE" "${L[@]}")
	jq -cn --arg a1 "$a1" --arg a2 "$a2" --arg r1 "$r1" --arg r2 "$r2" --argjson c1 "$c1" \
		--argjson c2 "$c2" --arg s1 "$(scn_dns_seen s1 'nas\.home\.example|intranet\.corp\.example' "$s1")" \
		--arg s2 "$(scn_dns_seen s2 'nas\.home\.example|intranet\.corp\.example' "$s2")" \
		--arg rc "$(scn_plain_resolv | grep -E '^(nameserver|search)' | tr '\n' ';')" \
		'{resolv_conf: $rc, "intranet.corp.example": $a1, "nas.home.example": $a2,
		  "2001:db8:1::99": $r1, "192.168.2.20": $r2, s1_saw_from: $s1, s2_saw_from: $s2,
		  n1_zone_packets: $c1, n2_zone_packets: $c2}' >"$WORLD_TMP/$1.json"
}
# ok JSON: how many of the four lookups gave the right answer.
ok() {
	jq '[."intranet.corp.example" == "2001:db8:1::80", ."nas.home.example" == "192.168.2.20",
	     ."2001:db8:1::99" == "printer.corp.example", ."192.168.2.20" == "nas.home.example"]
	    | map(select(.)) | length' <<<"$1"
}
say() {
	jq -r '"intranet.corp.example: \(."intranet.corp.example" | if . == "" then "NXDOMAIN" else . end), " +
	 "nas.home.example: \(."nas.home.example" | if . == "" then "NXDOMAIN" else . end), " +
	 "PTR 2001:db8:1::99: \(."2001:db8:1::99" | if . == "" then "NXDOMAIN" else . end), " +
	 "PTR 192.168.2.20: \(."192.168.2.20" | if . == "" then "NXDOMAIN" else . end); " +
	 "corp zone packets on N2: \(.n1_zone_packets.n2), home zone packets on N1: \(.n2_zone_packets.n1)"' <<<"$1"
}

measure plain
plain=$(cat "$WORLD_TMP/plain.json")
world_log "plain: $plain"
two_nets_mifd
measure mif
mif=$(cat "$WORLD_TMP/mif.json")
world_log "mif: $mif"
pf=0 mf=0
[ "$(ok "$plain")" -lt 4 ] && pf=1
[ "$(ok "$mif")" = 4 ] && [ "$(jq '.n1_zone_packets.n2 + .n2_zone_packets.n1' <<<"$mif")" = 0 ] && mf=1
scn_verdict "$pf" "$mf" "$(say "$plain") (resolv.conf: $(jq -r .resolv_conf <<<"$plain"))" "$(say "$mif")" \
	"each name and each reverse name goes to the PvD whose domain or prefix it falls under, and only there" \
	"$(jq -cn --argjson p "$plain" --argjson m "$mif" '{plain: $p, mif: $m}')"
