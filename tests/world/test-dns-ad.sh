#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The AD bit and the cache (issue 19: "The AD bit depends on which client
# filled the cache"; RFC 6840 section 5.7): a reply carries AD only if its
# query set AD or DO and the upstream found the data authentic, whichever
# query filled the cache:
#   - cached from a query without AD: a later query with AD gets AD;
#   - cached from a query with AD: a later query without AD or DO does not.
# The upstream (mif-dns-spoof --ad) is a validating resolver: it sets AD
# when the query sets AD or DO.
#
#   r1 (mif-dns-spoof --ad at 2001:db8:1::53) -- h:eth0
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/dns.sh"

world_init
world_require jq dig
dns_spoof_required
dns_one_link
world_bg r1 srv "$MIF_DNS_SPOOF" -l 2001:db8:1::53 -a 192.0.2.7 --ad --max-seconds 120
dns_one_pvd
ok() { [ "$(dns_dig_short h +noadflag a0.ad.test A)" = 192.0.2.7 ]; }
world_wait_for "the stub answers" 10 ok
# The upstream itself: AD iff asked.
out=$(world_exec h dig @2001:db8:1::53 +tries=1 +time=2 +adflag a0.ad.test A)
grep -qE '^;; flags:[^;]* ad[ ;]' <<<"$out" || world_fail "the upstream sets no AD: $out"

hits() { world_ctl --json dns | jq .stub.hits; }
# expect_ad NAME yes|no DESC DIG_ARGS...: the reply answers NAME, with AD or not.
expect_ad() {
	local name=$1 want=$2 desc=$3 out
	shift 3
	out=$(dns_dig h "$@" "$name" A)
	grep -q "status: NOERROR" <<<"$out" && grep -q "192.0.2.7" <<<"$out" ||
		world_fail "$desc: no answer: $out"
	if grep -qE '^;; flags:[^;]* ad[ ;]' <<<"$out"; then
		[ "$want" = yes ] || world_fail "$desc: AD set: $out"
	else
		[ "$want" = no ] || world_fail "$desc: AD not set: $out"
	fi
	world_log "ok: $desc: AD $want"
}
h0=$(hits)
expect_ad a1.ad.test no "forwarded, query without AD" +noadflag
expect_ad a1.ad.test yes "cached by a query without AD, query with AD" +adflag
expect_ad a1.ad.test no "cached, query without AD" +noadflag
expect_ad a2.ad.test yes "forwarded, query with AD" +adflag
expect_ad a2.ad.test no "cached by a query with AD, query without AD" +noadflag
expect_ad a2.ad.test yes "cached, query with AD" +adflag
[ "$(hits)" -ge $((h0 + 4)) ] || world_fail "the repeated queries were not cache hits ($h0 -> $(hits))"
expect_ad a3.ad.test yes "forwarded, query with DO but not AD" +noadflag +dnssec
expect_ad a2.ad.test yes "query with DO but not AD (forwarded)" +noadflag +dnssec
world_pass
