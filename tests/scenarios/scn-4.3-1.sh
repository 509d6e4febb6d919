#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Problem statement 4.3, case 1: both networks update the default address
# selection policy (RFC 7078, DHCPv6 option 84 from dnsmasq); the policies
# are specific to each network, and a stack that merges them lets one
# network's rows choose the source for the other's traffic, a source that
# network drops.
#
#   r1 -- h:eth0   N1: radvd 2001:db8:1::/64 and ULA fd00:1::/64, O=1, RFC
#                  4191 route 2001:db8:99::/64; r1 -- s1 (2001:db8:99::1,
#                  whoami "n1-internal"); r1 forwards from the host's link
#                  only packets from fd00:1::/64 (its internal server takes
#                  the ULA only). Table: fc00::/7 label 7, 2001:db8:99::/64
#                  label 7, ::/0 label 1 (use the ULA for the server).
#   r2 -- h:wlan0  N2: the same with 2001:db8:2::/64, fd00:2::/64, server
#                  s2 2001:db8:98::1 ("n2-internal"), label 8 instead of 7.
# Both tables carry the generic ULA row fc00::/7 (as RFC 6724's default
# table does), each with its own label: that row is the conflict.
# Linux applies RFC 6724 rule 5 (prefer the outgoing interface) before
# rule 6 (labels), so a merged label table cannot send N1's source through
# N2's interface; what it does is choose, among one interface's addresses,
# by the other network's row.
# The host accepts RFC 4191 routes (accept_ra_rt_info_max_plen = 64) in
# every phase, so routing is right and only the source is measured.
# Phases, one world:
#   plain   Linux's defaults: no Debian tool applies option 84;
#   merge12 the merging host, EMULATED by this script: N1's table then N2's
#           applied node-wide with `ip addrlabel` (no dev), a row replacing
#           the row of the same prefix (the last table wins);
#   merge21 the same, N2's table first;
#   mif     mifd: each table on its own interface (engine_addrlabel.c).
# Measured in each: TCP to each server (who answered, the source it saw),
# the sources of the SYNs on each host link, the packets each router
# dropped.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
# shellcheck source=../world/addrsel.sh
. "$SCN_DIR/../world/addrsel.sh"

scn_init 4.3-1 4.3 "Policies case 1: both networks update the default address selection policy"
world_require dnsmasq radvd nc nft
world_host h
# Interfaces created from here on accept RFC 4191 routes.
world_sysctl h net.ipv6.conf.default.accept_ra_rt_info_max_plen=64
# Option 84: flags 0; option 85 rows (label, precedence, prefix-len, prefix).
ula7=00:55:00:04:07:28:07:fc                                # fc00::/7 label 7
srv7=00:55:00:0b:07:32:40:20:01:0d:b8:00:99:00:00          # 2001:db8:99::/64 label 7
ula8=00:55:00:04:08:28:07:fc                                # fc00::/7 label 8
srv8=00:55:00:0b:08:32:40:20:01:0d:b8:00:98:00:00          # 2001:db8:98::/64 label 8
any1=00:55:00:03:01:28:00                                   # ::/0 label 1
# The same tables as rows for the merging host (merge reads them by name).
# shellcheck disable=SC2034
T1=("fc00::/7 7" "2001:db8:99::/64 7" "::/0 1")
# shellcheck disable=SC2034
T2=("fc00::/7 8" "2001:db8:98::/64 8" "::/0 1")
addrsel_net r1 eth0 s1 n1-internal 2001:db8:1 fd00:1 2001:db8:99 "00:$ula7:$srv7:$any1" \
	"AdvDefaultPreference high; route 2001:db8:99::/64 { AdvRouteLifetime 600; };"
addrsel_net r2 wlan0 s2 n2-internal 2001:db8:2 fd00:2 2001:db8:98 "00:$ula8:$srv8:$any1" \
	"route 2001:db8:98::/64 { AdvRouteLifetime 600; };"
scn_ingress_filter r1 eth0 fd00:1::/64
scn_ingress_filter r2 eth0 fd00:2::/64
LINKS=(n1:r1:eth0 n2:r2:eth0)
S1=2001:db8:99::1 S2=2001:db8:98::1
for p in 2001:db8:1 fd00:1; do scn_wait_addr h eth0 "$p:"; done
for p in 2001:db8:2 fd00:2; do scn_wait_addr h wlan0 "$p:"; done
world_wait_for "RFC 4191 routes to both servers" 15 sh -c \
	"ip -n $(world_ns h) -6 route get $S1 | grep -q 'dev eth0' && ip -n $(world_ns h) -6 route get $S2 | grep -q 'dev wlan0'"
scn_plain_start h
labels0=$(world_exec h ip -6 addrlabel list)

measure() {   # PHASE: $WORLD_TMP/PHASE.json
	local t1 t2 d1 d2 syn
	d1=$(scn_ingress_drops r1) d2=$(scn_ingress_drops r2)
	SCN_CAP_FILTER="ip6 and tcp dst port 8080" scn_caps_start "$1" "${LINKS[@]}"
	t1=$(scn_tcp_whoami "$S1")
	t2=$(scn_tcp_whoami "$S2")
	scn_caps_count "$1" 'Flags \[S\]' "${LINKS[@]}" >/dev/null
	syn=$(for l in n1 n2; do
		awk -v l="$l" '/Flags \[S\]/ { s = $3; sub(/\.[0-9]+$/, "", s); print l, s }' \
			"$WORLD_TMP/cap-$1-$l.txt"
	done | sort -u | jq -Rn '[inputs | split(" ") | {(.[0]): [.[1]]}] |
		reduce .[] as $o ({n1: [], n2: []}; . + {(($o | keys)[0]): (.[($o | keys)[0]] + $o[($o | keys)[0]])})')
	jq -cn --arg t1 "$t1" --arg t2 "$t2" --argjson syn "$syn" \
		--argjson d1 "$(($(scn_ingress_drops r1) - d1))" --argjson d2 "$(($(scn_ingress_drops r2) - d2))" \
		'{n1: {tcp: $t1, syn_sources: $syn.n1, dropped: $d1},
		  n2: {tcp: $t2, syn_sources: $syn.n2, dropped: $d2}}' >"$WORLD_TMP/$1.json"
	world_log "$1: $(cat "$WORLD_TMP/$1.json")"
}
# ok PHASE N ULA_PREFIX: network N's server reached from N's ULA, nothing dropped.
ok() {
	jq -e --arg n "$2" --arg u "$3" '.[$n] | (.tcp | startswith($n + "-internal " + $u)) and .dropped == 0 and
		(.syn_sources | length) > 0 and all(.syn_sources[]; startswith($u))' "$WORLD_TMP/$1.json" >/dev/null
}
# dropped PHASE N GLOBAL_PREFIX: N's server not reached; the SYNs left from
# N's global address and N's router dropped them.
dropped() {
	jq -e --arg n "$2" --arg g "$3" '.[$n] | .tcp == "none" and .dropped > 0 and
		(.syn_sources | length) > 0 and all(.syn_sources[]; startswith($g))' "$WORLD_TMP/$1.json" >/dev/null
}
# addrlabel_del PREFIX: delete h's node-wide row of PREFIX, if any (the
# kernel matches the label too).
addrlabel_del() {
	local l
	l=$(world_exec h ip -6 addrlabel list | awk -v p="$1" '$1 == "prefix" && $2 == p && $3 == "label" { print $4 }')
	[ -z "$l" ] || world_exec h ip -6 addrlabel del prefix "$1" label "$l" ||
		world_fail "ip addrlabel del prefix $1 label $l failed"
}
# merge FIRST SECOND: the emulated merging host (see the header).
merge() {
	local t row p l
	for t in "$@"; do
		local -n rows=$t
		for row in "${rows[@]}"; do
			read -r p l <<<"$row"
			addrlabel_del "$p"
			world_exec h ip -6 addrlabel add prefix "$p" label "$l" ||
				world_fail "ip addrlabel add prefix $p label $l failed"
		done
		unset -n rows
	done
	world_log "merged ($*): $(world_exec h ip -6 addrlabel list | tr '\n' ';')"
}
unmerge() {   # back to Linux's default table, as it was before
	local p
	for p in fc00::/7 2001:db8:99::/64 2001:db8:98::/64; do
		addrlabel_del "$p"
	done
	world_exec h ip -6 addrlabel add prefix fc00::/7 label 5
	[ "$(world_exec h ip -6 addrlabel list | sort)" = "$(sort <<<"$labels0")" ] ||
		world_fail "the default label table was not restored: $(world_exec h ip -6 addrlabel list)"
}

measure plain
merge T1 T2
measure merge12
unmerge
merge T2 T1
measure merge21
unmerge

world_mifd h
for i in eth0 wlan0; do
	E="($(mif_pvd_on $i) | map(select(.dhcpv6.address_selection_kernel))[0])"
	mif_expect "the table of $i acknowledged by the kernel" 30 \
		"$E.dhcpv6.address_selection_kernel.applied >= 3
		 and $E.dhcpv6.address_selection_kernel.applied == $E.dhcpv6.address_selection_kernel.rows_total"
done
world_log "mif addrlabel: $(world_exec h ip -6 addrlabel list | grep -E 'fc00::/7|2001:db8:9' | tr '\n' ';')"
measure mif

pf=0 mf=0
dropped plain n1 2001:db8:1: && dropped plain n2 2001:db8:2: &&
	dropped merge12 n1 2001:db8:1: && ok merge12 n2 fd00:2: &&
	ok merge21 n1 fd00:1: && dropped merge21 n2 2001:db8:2: && pf=1
ok mif n1 fd00:1: && ok mif n2 fd00:2: && mf=1
say() {   # PHASE
	jq -r '[("n1", "n2") as $n | .[$n] | "\($n): " +
		(if .tcp == "none" then "not reached" else "reached" end) +
		" from \(.syn_sources | unique | join(","))" +
		(if .dropped > 0 then ", \(.dropped) SYNs dropped by its router" else "" end)] | join("; ")' \
		"$WORLD_TMP/$1.json"
}
scn_verdict "$pf" "$mf" \
	"Linux's defaults (no Debian tool applies option 84): $(say plain). Merging host, emulated by the scenario with node-wide ip addrlabel rows (last table wins a prefix; the conflict is fc00::/7): N1 then N2: $(say merge12); N2 then N1: $(say merge21)" \
	"$(say mif)" \
	"each network's RFC 7078 table goes into the kernel scoped to its own interface (ip addrlabel ... dev IF), never merged across PvDs, so neither network's fc00::/7 row labels the other's addresses; Linux's rule 5 keeps each interface's sources to its own traffic, and each network's label picks its ULA for its internal server" \
	"$(jq -cn --slurpfile p "$WORLD_TMP/plain.json" --slurpfile a "$WORLD_TMP/merge12.json" \
		--slurpfile b "$WORLD_TMP/merge21.json" --slurpfile m "$WORLD_TMP/mif.json" \
		'{plain: $p[0], merge12: $a[0], merge21: $b[0], mif: $m[0]}')"
