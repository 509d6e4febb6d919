#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Names with many escaped octets (issue 19: "Valid names with many escaped
# or binary octets are refused or SERVFAILed once their text form passes 254
# characters"): a name is limited by its wire form, 255 octets (RFC 1035
# section 2.3.4; any octet in a label, RFC 2181 section 11), not by its
# presentation text, where each such octet takes four characters ("\DDD").
#   - a 99-octet name with two 40-octet binary labels (over 330 characters
#     as text) is forwarded, answered and then answered from the cache, over
#     UDP and TCP;
#   - so is a name of the full 255 octets, every one of them binary (over
#     1000 characters as text).
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
ok() { [ "$(dns_dig_short h n0.names.test A)" = 192.0.2.7 ]; }
world_wait_for "the stub answers" 10 ok

# binlabel N FIRST: a label of N binary octets FIRST, FIRST+1... as dig
# reads it ("\001\002...").
binlabel() {
	local i
	for ((i = 0; i < $1; i++)); do printf '\\%03d' $((($2 + i) % 256)); done
}
hits() { world_ctl --json dns | jq .stub.hits; }
# expect_answered NAME DESC: answered over UDP (forwarded), again from the
# cache, and over TCP.
expect_answered() {
	local name=$1 desc=$2 out h0 q0
	q0=$(cat "$COUNT")
	out=$(dns_dig h "$name" A 2>&1) || true
	grep -q "status: NOERROR" <<<"$out" && grep -q "192.0.2.7" <<<"$out" ||
		world_fail "$desc: not answered: $out"
	[ "$(cat "$COUNT")" -gt "$q0" ] || world_fail "$desc: not forwarded"
	h0=$(hits)
	out=$(dns_dig h "$name" A 2>&1) || true
	grep -q "status: NOERROR" <<<"$out" && grep -q "192.0.2.7" <<<"$out" ||
		world_fail "$desc, again: not answered: $out"
	[ "$(hits)" -gt "$h0" ] || world_fail "$desc: not answered from the cache"
	out=$(dns_dig h +tcp "$name" A 2>&1) || true
	grep -q "status: NOERROR" <<<"$out" && grep -q "192.0.2.7" <<<"$out" ||
		world_fail "$desc, over TCP: not answered: $out"
	world_log "ok: $desc: forwarded, cached, over UDP and TCP"
}
# 41 + 41 + 11 + 5 + 1 = 99 octets.
expect_answered "$(binlabel 40 1).$(binlabel 40 128).bbbbbbbbbb.test" "a 99-octet name with binary labels"
# 3 * 64 + 62 + 1 = 255 octets, all binary.
expect_answered "$(binlabel 63 1).$(binlabel 63 64).$(binlabel 63 127).$(binlabel 61 190)" \
	"a 255-octet name, every octet binary"
world_assert "mifd still runs" world__alive "$WORLD_MIFD_PID"
world_pass
