#!/bin/bash
# SPDX-License-Identifier: MIT
#
# DNS64 answers stay in their PvD (problem statement 4.1 case 6;
# doc/resolver.md, "The cache"):
#   - PvD B's server (unbound, "dns64 iterator", 64:ff9b::/96, B's RA also
#     carries that PREF64) synthesises an AAAA for v4only.example, which has
#     only an A record: asked through B, the answer is 64:ff9b::c000:214
#     and is marked dns64;
#   - PvD A (the default) has no AAAA for that name: through A (mifctl
#     resolve or dig at the stub) the AAAA answer is NODATA, before and
#     after B's synthesised answer was cached, including for a name that
#     B answered before A was ever asked (fresh.example: the stub must ask
#     A's own server, not serve B's synthesised AAAA);
#   - an AAAA inside A's own PREF64 (a network-specific prefix from A's RA)
#     is marked dns64 on A; one outside it is not.
#
#   r1 -- h:eth0  (wired: PvD A, the default; 2001:db8:1::/64, DNS
#                  2001:db8:1::53 (dnsmasq), PREF64 2001:db8:64::/96)
#   r2 -- h:wlan0 (Wi-Fi: PvD B; 2001:db8:2::/64, DNS 2001:db8:2::53
#                  (unbound, DNS64) forwarding to dnsmasq on r2's 127.0.0.1,
#                  PREF64 64:ff9b::/96)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/dns.sh"

world_init
world_require jq dig dnsmasq unbound

world_router r1
world_router r2
world_host h
world_link r1 eth0 h eth0
world_link r2 eth0 h wlan0
world_addr r1 eth0 2001:db8:1::53/64
world_addr r2 eth0 2001:db8:2::53/64

# A: v4only.example has an A record only (an AAAA query gets NODATA with
# the SOA); synth.example's AAAA is inside A's PREF64, real.example's not.
dns_dnsmasq r1 a 2001:db8:1::53 "$(dns_auth_lines 2001:db8:1::53 \
	example,192.0.2.0/24,2001:db8:64::/96,2001:db8:99::/64)
host-record=v4only.example,192.0.2.10
host-record=fresh.example,192.0.2.11
host-record=synth.example,2001:db8:64::c000:20a
host-record=real.example,2001:db8:99::1"
# B: the zone behind the DNS64 resolver, on r2's loopback; another address.
dns_dnsmasq r2 b-zone 127.0.0.1 "$(dns_auth_lines 127.0.0.1 example,192.0.2.0/24)
host-record=v4only.example,192.0.2.20
host-record=fresh.example,192.0.2.21"
dns_unbound r2 b "	interface: 2001:db8:2::53
	access-control: ::/0 allow
	module-config: \"dns64 iterator\"
	dns64-prefix: 64:ff9b::/96
	do-not-query-localhost: no
	do-ip4: yes
	do-ip6: yes
forward-zone:
	name: \".\"
	forward-addr: 127.0.0.1"

direct() {   # NS SERVER NAME TYPE: +short answer straight from a server
	world_exec "$1" dig "@$2" +tries=1 +time=2 +short "$3" "$4"
}
[ "$(direct r2 2001:db8:2::53 v4only.example AAAA)" = 64:ff9b::c000:214 ] &&
	[ -z "$(direct r1 2001:db8:1::53 v4only.example AAAA)" ] &&
	[ "$(direct r1 2001:db8:1::53 v4only.example A)" = 192.0.2.10 ] ||
	world_fail "the test's DNS servers do not answer as configured"

world_lla h eth0 >/dev/null
world_lla h wlan0 >/dev/null
dns_mifd h
world_ra_send r1 -i eth0 --lifetime 1800 --prefix 2001:db8:1::/64 --rdnss 2001:db8:1::53 \
	--pref64 2001:db8:64::/96
world_ra_send r2 -i eth0 --lifetime 1800 --prefix 2001:db8:2::/64 --rdnss 2001:db8:2::53 \
	--pref64 64:ff9b::/96
# Each with a global address past DAD (the stub sends from it).
mif_expect "two PvDs with DNS servers, PREF64 and a usable address" 15 \
	'length == 2 and all(.[]; (.dns.servers | length) == 1 and .pref64 != null
	 and any(.addresses[]; (.address | startswith("2001:db8:")) and .state == "preferred"))'
A=$(mif_pvds | jq -r '.[] | select(.interfaces == ["eth0"]) | .id')
B=$(mif_pvds | jq -r '.[] | select(.interfaces == ["wlan0"]) | .id')
default_is_a() { mif_status | jq -e --arg a "$A" '.routing.default.ipv6 // "" | startswith($a + ": ")' >/dev/null; }
world_wait_for "A ($A) is the default PvD" 10 default_is_a
world_log "A=$A (default), B=$B; PREF64: $(mif_pvds | jq -c '[.[] | {id, pref64}]')"
mif_pvds | world_jq --arg b "$B" '.[] | select(.id == $b) | .pref64.prefix == "64:ff9b::/96"' >/dev/null ||
	world_fail "B's PREF64 is not 64:ff9b::/96"

nodata_on_a() {   # WHEN: v4only.example AAAA through the default (A) is NODATA
	local out dig_out
	out=$(dns_res v4only.example --type AAAA)
	dns_expect "$1: v4only.example AAAA via the default: NODATA from A" "$out" \
		".pvd == \"$A\" and .rule == \"default\" and .rcode == \"NOERROR\"
		 and (.answers | length) == 0 and .dns64 == false"
	dig_out=$(dns_dig h v4only.example AAAA) || world_fail "dig via the stub failed: $dig_out"
	grep -q "status: NOERROR" <<<"$dig_out" && grep -q "ANSWER: 0," <<<"$dig_out" ||
		world_fail "$1: dig @$DNS_STUB_ADDR v4only.example AAAA is not NODATA: $dig_out"
	[ -z "$(dns_dig_short h v4only.example AAAA)" ] || world_fail "$1: dig +short gives an AAAA"
	world_log "ok: $1: dig at the stub: NODATA"
}

# Before: A has no AAAA; its A record is A's.
nodata_on_a "before"
dns_expect "v4only.example A via the default: A's address" "$(dns_res v4only.example --type A)" \
	".pvd == \"$A\" and [.answers[].data] == [\"192.0.2.10\"]"

# Through B: synthesised, marked dns64, B's.
out=$(dns_res v4only.example --type AAAA --pvd "$B")
dns_expect "v4only.example AAAA --pvd B: 64:ff9b::c000:214, dns64" "$out" \
	".pvd == \"$B\" and .rule == \"asked\" and .rcode == \"NOERROR\" and .dns64 == true
	 and .cached == false and [.answers[] | select(.type == \"AAAA\") | .data] == [\"64:ff9b::c000:214\"]"
out=$(dns_res v4only.example --type AAAA --pvd "$B")
dns_expect "again --pvd B: from B's cache, still dns64" "$out" \
	".pvd == \"$B\" and .cached == true and .dns64 == true
	 and [.answers[] | select(.type == \"AAAA\") | .data] == [\"64:ff9b::c000:214\"]"

# After: B's synthesised answer is never served on A.
nodata_on_a "after"
[ "$(dns_count_queries a 'v4only\.example')" -ge 1 ] || world_fail "A's server never asked"

# The same for a name A was never asked before B answered it: the after-
# check above could pass on A's cached NODATA from "before" alone. Here B's
# synthesised AAAA is in the stub first; A must still go to its own server
# (cached false, A's server asked) and get NODATA. A cache shared across
# PvDs serves B's 64:ff9b::c000:215 here.
dns_expect "fresh.example AAAA --pvd B first: synthesised" \
	"$(dns_res fresh.example --type AAAA --pvd "$B")" \
	".pvd == \"$B\" and .dns64 == true and [.answers[].data] == [\"64:ff9b::c000:215\"]"
n0=$(dns_count_queries a 'fresh\.example')
dns_expect "then fresh.example AAAA via the default: NODATA from A's own server" \
	"$(dns_res fresh.example --type AAAA)" \
	".pvd == \"$A\" and .cached == false and .rcode == \"NOERROR\" and (.answers | length) == 0
	 and .dns64 == false"
[ "$(dns_count_queries a 'fresh\.example')" -gt "$n0" ] ||
	world_fail "A's server was not asked for fresh.example after B's answer was cached"
[ -z "$(dns_dig_short h fresh.example AAAA)" ] || world_fail "dig at the stub: fresh.example AAAA has an answer"

# A's own PREF64 (network-specific): inside it dns64, outside not.
dns_expect "synth.example AAAA (in A's PREF64): dns64 on A" "$(dns_res synth.example --type AAAA)" \
	".pvd == \"$A\" and .dns64 == true and [.answers[].data] == [\"2001:db8:64::c000:20a\"]"
dns_expect "real.example AAAA (outside A's PREF64): not dns64" "$(dns_res real.example --type AAAA)" \
	".pvd == \"$A\" and .dns64 == false and [.answers[].data] == [\"2001:db8:99::1\"]"
world_pass
