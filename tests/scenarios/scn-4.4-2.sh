#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Problem statement 4.4, case 2: the interface is configured and up, but
# layer 2 is so poor that no layer 3 traffic succeeds. The host should
# check connectivity before it keeps using the interface. World: web2.sh,
# WEB2_MODE=good, WEB2_V4=1 (IPv4 by DHCPv4 on both networks). The network
# the host uses for the Internet (whichever its routing picks) goes silent:
# its router drops everything on h's link in both directions (the kernel
# here has no sch_netem), while the link stays up and the lease and route
# stay. IPv4 is measured: for IPv6, Linux's neighbour unreachability
# detection of the default router (RFC 4861 7.3, RFC 4191 router
# selection) moves the default by itself after about 12 s (measured while
# writing this scenario); IPv4 has no such thing.
# Measured both times: for 15 s after the network went silent, an
# application fetches http://www.example.net/ over IPv4 (curl -4, through
# the host's resolver) every second or so: which attempts succeed, when
# the first did, and the route to inet afterwards.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$SCN_DIR/../world/tls.sh"
. "$SCN_DIR/web2.sh"

scn_init 4.4-2 4.4 "Session management case 2: an interface up, but no traffic gets through"
WEB2_MODE=good WEB2_V4=1
web2_world
INET4=198.51.100.80

# attempts PHASE: fetches for 15 s; $WORLD_TMP/PHASE.json.
attempts() {
	local t0 now f codes="" first=null ok=0 n=0 before dev r
	before=$(scn_fetch http://www.example.net/ -4 | jq .code)
	dev=$(world_exec h ip -4 route get "$INET4" | grep -o 'dev [^ ]*' | awk '{ print $2 }')
	r=r1
	[ "$dev" = eth1 ] && r=r2
	web2_blackhole "$r"
	t0=$(world__now_ms)
	while :; do
		now=$(world__now_ms)
		[ $((now - t0)) -lt 15000 ] || break
		f=$(scn_fetch http://www.example.net/ -4)
		n=$((n + 1))
		codes="$codes $(jq .code <<<"$f")"
		if [ "$(jq .code <<<"$f")" = 200 ]; then
			ok=$((ok + 1))
			[ "$first" = null ] && first=$(((now - t0) / 100))
		fi
		sleep 0.5
	done
	jq -cn --argjson b "$before" --arg c "${codes# }" --argjson n "$n" --argjson ok "$ok" \
		--argjson first "$first" --arg silent "$dev" \
		--arg r "$(world_exec h ip -4 route get "$INET4" | grep -o 'dev [^ ]*')" \
		'{before_silence: $b, silenced: $silent, attempts: $n, succeeded: $ok, codes: $c,
		  first_success_s: (if $first == null then null else $first / 10 end), route_after: $r}' \
		>"$WORLD_TMP/$1.json"
	web2_blackhole_end "$r"
}
say() {
	jq -r '"before: \(.before_silence); \(.silenced)'"'"'s network went silent: \(.succeeded) of \(.attempts) fetches in 15 s succeeded\(if .first_success_s then ", the first after \(.first_success_s) s" else "" end); route then \(.route_after)"' <<<"$1"
}
attempts plain
plain=$(cat "$WORLD_TMP/plain.json")
world_log "plain: $plain"
web2_mifd
mif_expect "both networks valid, with their leases" 30 \
	'length == 2 and all(.[]; .connectivity_state == "valid" and .dhcpv4.state == "bound")'
attempts mif
silenced=$(jq -r .silenced "$WORLD_TMP/mif.json")
P=$(mif_pvd_on "$silenced")
mif=$(jq -c --argjson p "$(mif_pvds | jq -c "${P}[0] | {state: .connectivity_state, why: .connectivity.why}")" \
	'. + {silenced_pvd: $p}' "$WORLD_TMP/mif.json")
world_log "mif: $mif"
pf=0 mf=0
jq -e '.before_silence == 200 and .succeeded == 0' <<<"$plain" >/dev/null && pf=1
jq -e '.before_silence == 200 and .succeeded > 0 and .route_after != "dev " + .silenced' <<<"$mif" >/dev/null && mf=1
scn_verdict "$pf" "$mf" "$(say "$plain")" "$(say "$mif"); that PvD: $(jq -r '.silenced_pvd.state + " (" + (.silenced_pvd.why // "") + ")"' <<<"$mif")" \
	"stalled connections and the stub's timeouts trigger a connectivity check of that PvD at once; failed, it loses the default to the other" \
	"$(jq -cn --argjson p "$plain" --argjson m "$mif" '{plain: $p, mif: $m}')"
