#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Which PvD's DNS servers would answer a name (the decision the stub
# resolver of issue 5 makes), on learnt PvDs:
#   - a name under a PvD's DNSSL domain: that PvD;
#   - the longest matching domain wins (a VPN's eng.corp.example.com over
#     corp.example.com);
#   - a reverse name for an address in a PvD's prefix: that PvD;
#   - any other name: the default PvD (wired before Wi-Fi), the others as
#     fallbacks, never a split-tunnel VPN;
#   - a PvD asked for: only it.
#
#   r1 -- h:eth0 (wired; explicit PvD corp.example.com)   r2 -- h:wlan0 (Wi-Fi; home)
#   h:tun0 (API PvD "vpn", split tunnel)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq
world_router r1
world_router r2
world_host h
world_link r1 eth0 h eth0
world_link r2 eth0 h wlan0
ip -n "$(world_ns h)" tuntap add dev tun0 mode tun
ip -n "$(world_ns h)" link set tun0 up
world_lla h eth0 >/dev/null
world_lla h wlan0 >/dev/null
world_mifd h
world_ra_send r1 -i eth0 --lifetime 0 --pvd-lifetime 1800 --pvd corp.example.com,seq=1,hdr \
	--prefix 2001:db8:c::/64 --rdnss 2001:db8:c::53 --dnssl corp.example.com --end-pvd
world_ra_send r2 -i eth0 --lifetime 1800 --prefix 2001:db8:a::/64 --rdnss 2001:db8:a::53 \
	--dnssl home.example
world_ctl pvd add vpn --interface tun0 --dns 10.8.0.1 --domain eng.corp.example.com \
	--route 10.0.0.0/8 >/dev/null
mif_expect "three PvDs" 10 'length == 3'
routing_ready() { mif_status | jq -e '.routing.default.ipv6 != null' >/dev/null; }
world_wait_for "a default PvD chosen" 5 routing_ready
HOME_ID=$(mif_pvds | jq -r '.[] | select(.interfaces == ["wlan0"]) | .id')

which_is() {   # NAME JQ_FILTER [--pvd ID]
	local name=$1 f=$2 out
	shift 2
	out=$(world_ctl --json dns which "$name" "$@")
	printf '%s' "$out" | world_jq "$f" >/dev/null || world_fail "dns which $name: $out"
	world_log "ok: $name -> $(printf '%s' "$out" | jq -c '[.pvds[].pvd]'): $(printf '%s' "$out" | jq -r .why)"
}
which_is www.corp.example.com '[.pvds[].pvd] == ["corp.example.com"] and .pvds[0].servers == ["2001:db8:c::53"]'
which_is build.eng.corp.example.com '[.pvds[].pvd] == ["vpn"] and (.why | test("eng.corp.example.com"))'
which_is printer.home.example "[.pvds[].pvd] == [\"$HOME_ID\"]"
which_is "$(printf '%s' 1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.c.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa)" \
	'[.pvds[].pvd] == ["corp.example.com"] and (.why | test("reverse"))'
which_is www.wikipedia.org "[.pvds[].pvd] == [\"corp.example.com\", \"$HOME_ID\"] and (.why | test(\"NXDOMAIN\"))"
which_is www.corp.example.com "[.pvds[].pvd] == [\"$HOME_ID\"] and (.why | test(\"asked\"))" --pvd "$HOME_ID"
rc=0
out=$(world_ctl dns which x.example --pvd nope 2>&1) || rc=$?
[ "$rc" = 1 ] && grep -q 'no PvD "nope"' <<<"$out" || world_fail "unknown PvD: $out"
table=$(world_ctl dns)
grep -q "eng.corp.example.com" <<<"$table" && grep -q "2001:db8:a::53" <<<"$table" ||
	world_fail "mifctl dns lacks servers or domains: $table"
world_pass
