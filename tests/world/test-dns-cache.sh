#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The stub resolver's per-PvD cache (doc/resolver.md, "The cache"):
#   - a repeated query is a hit: "cached": true, the server is not asked
#     again, and the TTL handed out has gone down by the time spent cached;
#   - an NXDOMAIN with an SOA is cached too (RFC 2308);
#   - mifctl dns flush --pvd A empties A's cache (the next query goes to
#     A's server again); mifctl dns flush is refused to an unprivileged user;
#   - an NXDOMAIN learnt on A is not served after A has left: the same name
#     is then answered by B, which knows it; and when A comes back, its old
#     cache is gone (A's server is asked again).
#
#   r1 -- h:eth0  (wired: PvD A, the default; 2001:db8:1::/64, DNS 2001:db8:1::53)
#   r2 -- h:wlan0 (Wi-Fi: PvD B; 2001:db8:2::/64, DNS 2001:db8:2::53)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/dns.sh"

world_init
world_require jq dig dnsmasq setpriv

world_router r1
world_router r2
world_host h
world_link r1 eth0 h eth0
world_link r2 eth0 h wlan0
# r1's eth0 goes down and up below: keep its static addresses meanwhile.
world_sysctl r1 net.ipv6.conf.eth0.keep_addr_on_down=1
world_addr r1 eth0 2001:db8:1::53/64
world_addr r2 eth0 2001:db8:2::53/64

# A knows www.example.org; gone.example.org does not exist there (NXDOMAIN
# with the SOA, negative TTL 600); B has an address for gone.example.org.
dns_dnsmasq r1 a 2001:db8:1::53 "$(dns_auth_lines 2001:db8:1::53 example.org,2001:db8:99::/64)
host-record=www.example.org,2001:db8:99::a"
dns_dnsmasq r2 b 2001:db8:2::53 "$(dns_auth_lines 2001:db8:2::53 example.org,2001:db8:99::/64)
host-record=www.example.org,2001:db8:99::b
host-record=gone.example.org,2001:db8:99::b0"
out=$(world_exec r1 dig @2001:db8:1::53 +tries=1 +time=2 nothere.example.org AAAA) || true
grep -q "status: NXDOMAIN" <<<"$out" && grep -q "IN[[:space:]]*SOA" <<<"$out" ||
	world_fail "A's server does not give NXDOMAIN with an SOA: $out"

world_lla h eth0 >/dev/null
world_lla h wlan0 >/dev/null
dns_mifd h
ra_a() { world_ra_send r1 -i eth0 --lifetime 1800 --prefix 2001:db8:1::/64 --rdnss 2001:db8:1::53; }
ra_a
world_ra_send r2 -i eth0 --lifetime 1800 --prefix 2001:db8:2::/64 --rdnss 2001:db8:2::53
# Each with a global address past DAD: the stub cannot send from a
# tentative one (and the kernel would pick the other network's).
USABLE='any(.addresses[]; (.address | startswith("2001:db8:")) and .state == "preferred")'
mif_expect "two PvDs with DNS servers and a usable address" 15 \
	"length == 2 and all(.[]; (.dns.servers | length) == 1 and $USABLE)"
A=$(mif_pvds | jq -r '.[] | select(.interfaces == ["eth0"]) | .id')
B=$(mif_pvds | jq -r '.[] | select(.interfaces == ["wlan0"]) | .id')
default_is_a() { mif_status | jq -e --arg a "$A" '.routing.default.ipv6 // "" | startswith($a + ": ")' >/dev/null; }
world_wait_for "A ($A) is the default PvD" 10 default_is_a
world_log "A=$A (default), B=$B"

queries() { dns_count_queries "$1" "$2"; }
cache_of() {   # PVD: that PvD's cache object in mifctl dns
	world_ctl --json dns | jq -c --arg p "$1" '.pvds[] | select(.pvd == $p) | .cache'
}

# 1. A hit: cached, the server not asked again, the TTL aged.
out=$(dns_res www.example.org --type AAAA)
dns_expect "first www.example.org: A's answer, from the server" "$out" \
	".pvd == \"$A\" and .rule == \"default\" and .cached == false and .rcode == \"NOERROR\"
	 and [.answers[].data] == [\"2001:db8:99::a\"]"
ttl1=$(printf '%s' "$out" | jq '.answers[0].ttl')
www_n=$(queries a 'www\.example\.org')
[ "$www_n" -ge 1 ] || world_fail "A's server was not asked for www.example.org"
sleep 2.2
out=$(dns_res www.example.org --type AAAA)
dns_expect "second www.example.org: a cache hit" "$out" \
	".pvd == \"$A\" and .cached == true and [.answers[].data] == [\"2001:db8:99::a\"]"
ttl2=$(printf '%s' "$out" | jq '.answers[0].ttl')
[ "$(queries a 'www\.example\.org')" = "$www_n" ] || world_fail "a cache hit reached A's server"
[ "$ttl2" -le $((ttl1 - 2)) ] && [ "$ttl2" -ge $((ttl1 - 5)) ] ||
	world_fail "cached TTL $ttl2 after 2.2 s, first $ttl1: not aged by the time spent cached"
world_log "ok: TTL $ttl1 -> $ttl2 after 2.2 s in the cache"
# The same through the stub's socket: dig's answer is a hit as well.
dig_out=$(dns_dig h www.example.org AAAA +noall +answer)
dig_ttl=$(awk '$4 == "AAAA" { print $2; exit }' <<<"$dig_out")
[ -n "$dig_ttl" ] && [ "$dig_ttl" -le "$ttl2" ] || world_fail "dig via the stub: '$dig_out' (TTL should be <= $ttl2)"
[ "$(queries a 'www\.example\.org')" = "$www_n" ] || world_fail "dig's query reached A's server"
world_log "ok: dig gets the cached answer too (TTL $dig_ttl)"

# 2. A negative answer is cached.
[ "$(dns_dig_status h gone.example.org AAAA)" = NXDOMAIN ] || world_fail "gone.example.org via the stub is not NXDOMAIN"
gone_n=$(queries a 'gone\.example\.org')
[ "$gone_n" -ge 1 ] || world_fail "A's server was not asked for gone.example.org"
out=$(dns_res gone.example.org --type AAAA)
dns_expect "gone.example.org: NXDOMAIN from A, cached" "$out" \
	".pvd == \"$A\" and .rcode == \"NXDOMAIN\" and .cached == true and (.answers | length) == 0"
[ "$(queries a 'gone\.example\.org')" = "$gone_n" ] || world_fail "the NXDOMAIN was not cached: A was asked again"
[ "$(queries b 'gone\.example\.org')" = 0 ] || world_fail "B was asked for gone.example.org although A answered NXDOMAIN"

# 3. An unprivileged flush is refused and changes nothing.
rc=0
out=$(mif_as_nobody dns flush --pvd "$A" 2>&1) || rc=$?
[ "$rc" != 0 ] && grep -qi "permission" <<<"$out" || world_fail "mifctl dns flush as nobody: rc $rc: $out"
world_log "ok: dns flush as nobody refused (rc $rc): $out"
out=$(dns_res www.example.org --type AAAA)
dns_expect "after the refused flush, still a hit" "$out" '.cached == true'
[ "$(queries a 'www\.example\.org')" = "$www_n" ] || world_fail "the refused flush emptied the cache"

# 4. Flushing A's cache: A's server is asked again.
printf '%s' "$(cache_of "$A")" | world_jq '.entries >= 2' >/dev/null || world_fail "A's cache: $(cache_of "$A")"
out=$(world_ctl --json dns flush --pvd "$A") || world_fail "dns flush --pvd A failed: $out"
dns_expect "dns flush --pvd A flushed the entries" "$out" '.flushed >= 2'
printf '%s' "$(cache_of "$A")" | world_jq '.entries == 0' >/dev/null || world_fail "A's cache after the flush: $(cache_of "$A")"
out=$(dns_res www.example.org --type AAAA)
dns_expect "after the flush: from A's server again" "$out" ".pvd == \"$A\" and .cached == false"
[ "$(queries a 'www\.example\.org')" -gt "$www_n" ] || world_fail "after the flush A's server was not asked again"
# ... and gone.example.org is cached again on A for what follows.
out=$(dns_res gone.example.org --type AAAA)
dns_expect "gone.example.org: NXDOMAIN from A's server again" "$out" \
	".pvd == \"$A\" and .rcode == \"NXDOMAIN\" and .cached == false"
out=$(dns_res gone.example.org --type AAAA)
dns_expect "gone.example.org: NXDOMAIN cached on A" "$out" ".pvd == \"$A\" and .rcode == \"NXDOMAIN\" and .cached == true"
a_gone=$(queries a 'gone\.example\.org')

# 5. A leaves (carrier lost): its NXDOMAIN is not served; B answers.
ip -n "$(world_ns r1)" link set eth0 down
mif_expect "A gone" 10 "length == 1 and .[0].id == \"$B\""
a_left() { ! world_ctl --json dns | jq -e --arg a "$A" '.pvds[] | select(.pvd == $a)' >/dev/null; }
world_wait_for "A gone from mifctl dns" 5 a_left
out=$(dns_res gone.example.org --type AAAA)
dns_expect "gone.example.org after A left: B's answer" "$out" \
	".pvd == \"$B\" and .rcode == \"NOERROR\" and .cached == false and [.answers[].data] == [\"2001:db8:99::b0\"]"
got=$(dns_dig_short h gone.example.org AAAA)
[ "$got" = 2001:db8:99::b0 ] || world_fail "dig gone.example.org after A left: '$got'"
[ "$(queries b 'gone\.example\.org')" -ge 1 ] || world_fail "B's server was not asked for gone.example.org"
[ "$(queries a 'gone\.example\.org')" = "$a_gone" ] || world_fail "A's server was asked while A was away"

# 6. A comes back: its old cache went with it.
ip -n "$(world_ns r1)" link set eth0 up
world_lla h eth0 >/dev/null
ra_a
mif_expect "A back" 15 "length == 2 and any(.[]; .id == \"$A\" and (.dns.servers | length) == 1 and $USABLE)"
world_wait_for "A is the default again" 10 default_is_a
out=$(dns_res gone.example.org --type AAAA)
dns_expect "gone.example.org after A came back: A's server asked again" "$out" \
	".pvd == \"$A\" and .rcode == \"NXDOMAIN\" and .cached == false"
[ "$(queries a 'gone\.example\.org')" -gt "$a_gone" ] || world_fail "A's server not asked after A came back"
world_pass
