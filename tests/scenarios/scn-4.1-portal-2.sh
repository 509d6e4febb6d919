#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Problem statement 4.1, captive portals, case 2: N1 is behind a captive
# portal that answers every name with its own address until the user logs
# in; the host kept S1 (the portal's server): S1 gives the portal's address; the application connects to the portal, not to the intended destination.
# World: web2.sh, WEB2_MODE=portal.
# Measured both times: the fetch of http://www.example.net/ (status, which
# server answered) and the source inet's nginx saw. The plain host's
# resolver tries the servers of its merged resolv.conf in order; which one
# it "kept" depends on that order, so the plain host's run asks S1
# (2001:db8:1::53) directly, as a host that kept only S1 does, and fetches the
# answer with its routing table.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$SCN_DIR/../world/tls.sh"
. "$SCN_DIR/web2.sh"

scn_init 4.1-portal-2 4.1 "DNS, captive portal case 2: the portal's answer"
WEB2_MODE=portal web2_world
: >"$WORLD_TMP/nginx-inet/src.log"
a=$(world_exec h dig +short +tries=1 +time=2 @2001:db8:1::53 www.example.net AAAA || true)
f=$(scn_fetch http://www.example.net/ --resolve "www.example.net:80:[$a]")
plain=$(jq -cn --argjson f "$f" --arg a "$a" \
	--arg d "$(world_exec h ip -6 route get "${a:-::1}" | grep -o 'dev [^ ]*')" \
	--arg src "$(awk '$2 == "GET" && $3 == "/" { print $1 }' "$WORLD_TMP/nginx-inet/src.log" | tail -n 1)" \
	'{server: "S1", answer: $a, route: $d, fetch: $f, inet_saw_source: $src}')
world_log "plain: $plain"
web2_portal_mif
mif=$(cat "$WORLD_TMP/mif.json")
world_log "mif: $mif"
pf=0 mf=0
jq -e '.fetch.code != 200' <<<"$plain" >/dev/null && pf=1
jq -e '.fetch.code == 200 and .fetch.body == "www.example.net" and (.inet_saw_source | startswith("2001:db8:2:")) and .n1.state == "portal"' <<<"$mif" >/dev/null && mf=1
scn_verdict "$pf" "$mf" \
	"S1 says www.example.net is $(jq -r .answer <<<"$plain"), sent $(jq -r .route <<<"$plain"); fetch: $(web2_say_fetch "$(jq -c .fetch <<<"$plain")")" \
	"N1 is a portal, so N2 is the default and its server answers; fetch: $(web2_say_fetch "$(jq -c .fetch <<<"$mif")"), inet saw $(jq -r .inet_saw_source <<<"$mif")" \
	"the connectivity checks find the portal (its DNS answers a name that does not exist), so general names and new connections go to the valid network, and only there" \
	"$(jq -cn --argjson p "$plain" --argjson m "$mif" '{plain: $p, mif: $m}')"
