#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Problem statement 4.1, case 3: the host asks the other network's server,
# which has an address of its own for the private name; the application
# connects to the wrong node. World: two-nets.sh, TWO_NETS_VIEW=address
# (S2 says intranet.corp.example is 192.168.2.80, a host on N2; S1 says
# nas.home.example is 2001:db8:1::20, a host on N1).
# Measured both times: getent for each private name, which whoami server a
# TCP connection to that address reached (and from which source), DNS
# packets about each private zone on the other network's wire.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/two-nets.sh"

scn_init 4.1-3 4.1 "DNS case 3: the other network's server gives another address; the wrong node is reached"
TWO_NETS_VIEW=address two_nets_world
L=("${TWO_NETS_LINKS[@]}")

# measure PHASE: $WORLD_TMP/PHASE.json.
measure() {
	local a1 a2 t1 t2 c1 c2
	SCN_CAP_FILTER="port 53" scn_caps_start "$1" "${L[@]}"
	a1=$(scn_lookup intranet.corp.example)
	a2=$(scn_lookup nas.home.example)
	t1=$(scn_tcp_whoami "${a1%% *}")
	t2=$(scn_tcp_whoami "${a2%% *}")
	c1=$(scn_caps_count "$1" "$TWO_NETS_N1_RE" "${L[@]}")
	c2=$(scn_caps_count "$1" "$TWO_NETS_N2_RE" "${L[@]}")
	jq -cn --arg a1 "$a1" --arg a2 "$a2" --arg t1 "$t1" --arg t2 "$t2" --argjson c1 "$c1" \
		--argjson c2 "$c2" --arg rc "$(scn_plain_resolv | grep -E '^(nameserver|search)' | tr '\n' ';')" \
		'{resolv_conf: $rc, "intranet.corp.example": {address: $a1, reached: $t1},
		  "nas.home.example": {address: $a2, reached: $t2},
		  n1_zone_packets: $c1, n2_zone_packets: $c2}' >"$WORLD_TMP/$1.json"
}
say() {
	jq -r '"intranet.corp.example -> \(."intranet.corp.example".address), reached \(."intranet.corp.example".reached | split(" ")[0]); " +
	 "nas.home.example -> \(."nas.home.example".address), reached \(."nas.home.example".reached | split(" ")[0]); " +
	 "corp zone packets on N2: \(.n1_zone_packets.n2), home zone packets on N1: \(.n2_zone_packets.n1)"' <<<"$1"
}
right() {   # JSON: both names reached their own network's node
	jq -e '(."intranet.corp.example".reached | startswith("corp ")) and
	       (."nas.home.example".reached | startswith("home "))' <<<"$1" >/dev/null
}

measure plain
plain=$(cat "$WORLD_TMP/plain.json")
world_log "plain: $plain"
two_nets_mifd
measure mif
mif=$(cat "$WORLD_TMP/mif.json")
world_log "mif: $mif"
pf=0 mf=0
right "$plain" || pf=1
right "$mif" && [ "$(jq '.n1_zone_packets.n2 + .n2_zone_packets.n1' <<<"$mif")" = 0 ] && mf=1
scn_verdict "$pf" "$mf" "$(say "$plain") (resolv.conf: $(jq -r .resolv_conf <<<"$plain"))" "$(say "$mif")" \
	"each private name is asked of its own network's server only, so the application gets that network's address" \
	"$(jq -cn --argjson p "$plain" --argjson m "$mif" '{plain: $p, mif: $m}')"
