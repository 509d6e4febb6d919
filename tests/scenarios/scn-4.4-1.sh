#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Problem statement 4.4, case 1: the selected network requires web-based
# authentication (a captive portal that redirects HTTP and rewrites DNS);
# the host has an address but no Internet there. It should check
# connectivity before it selects the interface. World: web2.sh,
# WEB2_MODE=portal (N1 the portal, and the plain host's default by its
# router preference).
# Measured both times: an application's fetch of http://www.example.net/
# through the host's resolver (status, which server answered), the source
# inet's nginx saw; with mif, N1's state and login page.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$SCN_DIR/../world/tls.sh"
. "$SCN_DIR/web2.sh"

scn_init 4.4-1 4.4 "Session management case 1: a network behind a captive portal (web authentication)"
WEB2_MODE=portal web2_world
: >"$WORLD_TMP/nginx-inet/src.log"
a=$(scn_lookup www.example.net)
f=$(scn_fetch http://www.example.net/)
plain=$(jq -cn --argjson f "$f" --arg a "$a" --arg rc "$(scn_plain_resolv | grep -E '^nameserver' | tr '\n' ';')" \
	--arg d "$(world_exec h ip -6 route get 2001:db8:ff::80 | grep -o 'dev [^ ]*')" \
	--arg src "$(awk '$2 == "GET" && $3 == "/" { print $1 }' "$WORLD_TMP/nginx-inet/src.log" | tail -n 1)" \
	'{resolv_conf: $rc, default_route: $d, answer: $a, fetch: $f, inet_saw_source: $src}')
world_log "plain: $plain"
web2_portal_mif
mif=$(cat "$WORLD_TMP/mif.json")
world_log "mif: $mif"
pf=0 mf=0
jq -e '.fetch.code != 200' <<<"$plain" >/dev/null && pf=1
jq -e '.fetch.code == 200 and .fetch.body == "www.example.net" and (.inet_saw_source | startswith("2001:db8:2:")) and .n1.state == "portal"' <<<"$mif" >/dev/null && mf=1
scn_verdict "$pf" "$mf" \
	"default $(jq -r .default_route <<<"$plain") (the portal); www.example.net -> $(jq -r .answer <<<"$plain"); fetch: $(web2_say_fetch "$(jq -c .fetch <<<"$plain")")" \
	"N1 found to be a portal ($(jq -r .n1.login_url <<<"$mif")), N2 the default; fetch: $(web2_say_fetch "$(jq -c .fetch <<<"$mif")"), inet saw $(jq -r .inet_saw_source <<<"$mif")" \
	"mifd checks every PvD through itself (DNS, HTTP, HTTPS) and never makes a portal the default; mifctl portal gives the login page" \
	"$(jq -cn --argjson p "$plain" --argjson m "$mif" '{plain: $p, mif: $m}')"
