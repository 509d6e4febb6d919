#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Problem statement 4.3, case 3: a network's access selection policy
# conflicts with the local one. The document's example: the network lists
# overloaded access networks (3GPP ANDSF); a host that ignores it sends its
# traffic into the overloaded one. 3GPP ANDSF itself (TS 24.312 over
# OMA-DM) is not built; the network's word travels here the IETF way: the
# "vendor-mif" member of its RFC 8801 additional information, fetched over
# HTTPS from the PvD it describes (doc/policy.md, "Operator policy from
# the network"), and a network may speak only of itself: N1 says "avoid
# me", which is what an overloaded network can honestly say.
#
#   r1 -- h:eth0   N1 (wired): explicit PvD n1.test (H flag), 2001:db8:1::/64,
#                  RA preference high; nginx on r1 serves its additional
#                  information; N1 is overloaded: r1 drops 40% of what it
#                  forwards to IP1 (nftables numgen; the kernel here has no
#                  sch_netem)
#   r2 -- h:wlan0  N2 (Wi-Fi): implicit PvD, 2001:db8:2::/64
#   r1 -- s1, r2 -- s2: IP1 2001:db8:99::1 (whoami "n1-host", "n2-host");
#                  check.test 2001:db8:99::2 (connectivity checks of both)
# The local policy is the OS default (wired first): it conflicts with the
# network's. Plain host: it never asks for the network's policy (no Debian
# tool fetches RFC 8801 additional information) and its default is N1's
# high-preference router. mif: the network's rule, operator actor, wins
# over the OS default (precedence system < operator < user; the user would
# win, tests/world/test-policy-network.sh), and the conflict is reported
# by `mifctl policy explain`.
# Measured both times: 40 pings to IP1 (loss), which host a TCP connection
# reached, packets to IP1 on each link, the fetches of the network's
# policy that nginx saw.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$SCN_DIR/../world/tls.sh"
. "$SCN_DIR/../world/pvd-net.sh"

scn_init 4.3-3 4.3 "Policies case 3: a network's access selection policy (ANDSF) conflicts with the local policy"
world_require nginx dnsmasq openssl nc nft ping
T=$WORLD_TMP
tls_ca
tls_cert n1.test
tls_cert check.test
exp=$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)
printf '{"identifier": "n1.test", "expires": "%s", "prefixes": ["2001:db8:1::/48"], "vendor-mif": {"rules": [{"name": "overloaded", "avoid": "self"}]}}' \
	"$exp" >"$T/n1.test.json"
pvdnet_world "$T/n1.test.json" 2001:db8:99::2
# N1 overloaded: 40% of what r1 forwards to IP1 is lost.
printf '%s\n' 'table inet scn_load {' ' chain scn_fwd { type filter hook forward priority 0;' \
	'  ip6 daddr 2001:db8:99::1 numgen random mod 100 < 40 counter drop' ' }' '}' >"$T/load.nft"
world_exec r1 nft -f "$T/load.nft" || world_fail "nft on r1"
ra() {
	world_ra_send r1 -i eth0 --lifetime 1800 --pref high --prefix 2001:db8:1::/64 \
		--rdnss 2001:db8:1::1,lifetime=1800 --pvd "n1.test,seq=1,h,delay=0" --end-pvd
	world_ra_send r2 -i eth0 --lifetime 1800 --prefix 2001:db8:2::/64 \
		--rdnss 2001:db8:2::1,lifetime=1800
}
LINKS=(n1:r1:eth0 n2:r2:eth0)
IP1=2001:db8:99::1
scn_plain_start h
ra
scn_wait_addr h eth0 2001:db8:1:
scn_wait_addr h wlan0 2001:db8:2:
world_wait_for "a default route" 10 sh -c "ip -n $(world_ns h) -6 route show default | grep -q via"

measure() {   # PHASE: $WORLD_TMP/PHASE.json
	local t c loss f
	SCN_CAP_FILTER="dst host $IP1" scn_caps_start "$1" "${LINKS[@]}"
	loss=$(scn_plain ping -6 -n -q -c 40 -i 0.05 -W 1 "$IP1" 2>/dev/null |
		grep -o '[0-9.]*% packet loss' | cut -d% -f1) || true
	t=$(scn_tcp_whoami "$IP1" -6)
	c=$(scn_caps_count "$1" "$IP1" "${LINKS[@]}")
	f=$(grep -c 'well-known/pvd' "$T/nginx-pvd/access.log" 2>/dev/null || true)
	jq -cn --arg t "$t" --argjson c "$c" --arg loss "${loss:-100}" --argjson f "${f:-0}" \
		--arg r "$(world_exec h ip -6 route get "$IP1" | grep -o 'dev [^ ]*' | head -n 1)" \
		'{route_get: $r, ping_loss_pct: ($loss | tonumber), tcp_reached: $t,
		  packets_to_ip1: $c, policy_fetches: $f}' >"$WORLD_TMP/$1.json"
}
say() {
	jq -r '"traffic to IP1 through \(if .packets_to_ip1.n1 > 0 and .packets_to_ip1.n2 == 0 then "N1 (overloaded)" elif .packets_to_ip1.n2 > 0 and .packets_to_ip1.n1 == 0 then "N2" else "both" end): \(.ping_loss_pct)% of 40 pings lost, TCP reached \(.tcp_reached | split(" ")[0]); the network'"'"'s policy fetched \(.policy_fetches) time(s)\(if .winner then "; " + .why + "; conflict: " + .conflict else "" end)"' <<<"$1"
}
measure plain
plain=$(cat "$WORLD_TMP/plain.json")
world_log "plain: $plain"
scn_plain_stop_tools

cat >"$T/mifd.conf" <<CFG
[connectivity]
http_url = http://check.test/generate_204
https_url = https://check.test/generate_204
ca_file = $T/ca.pem
backoff_max = 2
CFG
WORLD_CONNECTIVITY=1 world_mifd h --config "$T/mifd.conf"
ra
N1='[.[] | select(.id == "n1.test")][0]'
mif_expect "n1.test's policy fetched and validated, both networks checked" 40 \
	"length == 2 and $N1.connectivity.pvd_info.state == \"ok\"
	 and $N1.connectivity.pvd_info.policy.rules == 1
	 and all(.[]; .connectivity_state == \"valid\")"
world_wait_for "the default through N2" 15 sh -c \
	"ip -n $(world_ns h) -6 route get $IP1 | grep -q 'dev wlan0'"
measure mif
explain=$(world_ctl --json policy explain --dst "$IP1")
world_log "policy explain: $(jq -c '{permitted: [.permitted[].pvd], winner, why, conflicts: [.conflicts[].why]}' <<<"$explain")"
mif=$(jq -c --argjson e "$explain" '. + {winner: $e.winner, why: $e.why,
	conflict: ($e.conflicts[0].why // "none")}' "$WORLD_TMP/mif.json")
world_log "mif: $mif"
pf=0 mf=0
# plain: into the overloaded N1, losing, without ever asking for N1's word
jq -e '.packets_to_ip1.n1 > 0 and .packets_to_ip1.n2 == 0 and .ping_loss_pct >= 10 and
       .policy_fetches == 0' <<<"$plain" >/dev/null && pf=1
jq -e '.packets_to_ip1.n1 == 0 and .packets_to_ip1.n2 > 0 and .ping_loss_pct == 0 and
       (.tcp_reached | startswith("n2-host 2001:db8:2:")) and .policy_fetches >= 1 and
       (.winner | startswith("operator rule overloaded (pvd-info:n1.test")) and
       (.conflict | test("system rule default-order prefers n1.test"))' <<<"$mif" >/dev/null && mf=1
scn_verdict "$pf" "$mf" "$(say "$plain")" "$(say "$mif")" \
	"the network's policy arrives in its validated RFC 8801 additional information, scoped to itself (avoid me), and is reconciled with the OS default by the documented precedence; the conflict is named, and traffic leaves the overloaded network" \
	"$(jq -cn --argjson p "$plain" --argjson m "$mif" '{plain: $p, mif: $m}')"
