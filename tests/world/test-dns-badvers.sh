#!/bin/bash
# SPDX-License-Identifier: MIT
#
# EDNS versions (issue 19: "EDNS version 1 gets an answer from the cache
# instead of BADVERS"; RFC 6891 section 6.1.3): the stub implements version
# 0 only, so a query with a higher version gets RCODE BADVERS (16: 1 in the
# OPT record's extended RCODE, 0 in the header) with an OPT record of
# version 0, whether its name is cached or not, and is never forwarded.
#
#   r1 (mif-dns-spoof at 2001:db8:1::53) -- h:eth0
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/dns.sh"

world_init
world_require jq dig
dns_spoof_required
dns_one_link
COUNT=$WORLD_TMP/queries
world_bg r1 srv "$MIF_DNS_SPOOF" -l 2001:db8:1::53 -a 192.0.2.7 --count "$COUNT" \
	--max-seconds 120
dns_one_pvd
ok() { [ "$(dns_dig_short h "$1" A)" = 192.0.2.7 ]; }
world_wait_for "the stub answers" 10 ok b0.edns.test
ok b1.edns.test || world_fail "b1.edns.test not answered"
ok b1.edns.test || world_fail "b1.edns.test not answered from the cache"
sent=$(cat "$COUNT")

# expect_badvers NAME [DIG ARGS...]: an EDNS version 1 query gets BADVERS,
# no record, and an OPT record of version 0.
expect_badvers() {
	local out
	out=$(dns_dig h +edns=1 +noednsnegotiation "$@" 2>&1) || true
	grep -q "status: BADVERS" <<<"$out" || world_fail "EDNS 1, $*: not BADVERS: $out"
	grep -q "ANSWER: 0," <<<"$out" || world_fail "EDNS 1, $*: records in a BADVERS reply: $out"
	grep -q "EDNS: version: 0," <<<"$out" || world_fail "EDNS 1, $*: no OPT of version 0: $out"
	printf '%s\n' "$out"
}
expect_badvers b1.edns.test A >/dev/null
world_log "ok: EDNS 1 for a cached name: BADVERS, OPT version 0"
expect_badvers b2.edns.test A >/dev/null
world_log "ok: EDNS 1 for a name never asked: BADVERS"
out=$(expect_badvers b3.edns.test A +dnssec)
grep -q "flags: do;" <<<"$out" || world_fail "EDNS 1 with DO: DO not copied: $out"
world_log "ok: EDNS 1 with DO: BADVERS, DO copied"
expect_badvers b1.edns.test A +tcp >/dev/null
world_log "ok: EDNS 1 over TCP: BADVERS"
sleep 0.3
[ "$(cat "$COUNT")" = "$sent" ] ||
	world_fail "EDNS 1 queries went upstream: $sent -> $(cat "$COUNT") queries"
world_ctl --json dns | world_jq '.stub.badvers == 4' >/dev/null ||
	world_fail "badvers not counted: $(world_ctl --json dns | jq -c .stub)"
# Version 0 is answered as before, from the cache.
out=$(dns_dig h +edns=0 b1.edns.test A)
grep -q "status: NOERROR" <<<"$out" && grep -q "EDNS: version: 0," <<<"$out" ||
	world_fail "EDNS 0 after BADVERS: $out"
[ "$(cat "$COUNT")" = "$sent" ] || world_fail "EDNS 0 for a cached name went upstream"
world_log "ok: nothing went upstream; EDNS 0 still answered from the cache"
world_pass
