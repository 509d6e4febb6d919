#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Replies the stub builds itself carry an OPT record exactly when the query
# had one (issue 19; RFC 6891 section 7), of version 0, with the stub's
# payload size and the query's DO bit (RFC 3225 section 3):
#   - REFUSED (class CH), NOTIMP (opcode STATUS), FORMERR (a query too large
#     to forward);
#   - the empty TC reply for a cached answer larger than any UDP reply;
#   - SERVFAIL when no server answers.
#
#   r1 (dnsmasq at 2001:db8:1::53) -- h:eth0
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/dns.sh"

world_init
world_require jq dig dnsmasq
dns_one_link
# 20 TXT records of 250 octets: about 5 kB.
s250=$(printf 'x%.0s' $(seq 246))
txt=$(for i in $(seq 10 29); do printf 'txt-record=big.opt.test,"%s%s"\n' "$i" "$s250"; done)
dns_dnsmasq r1 up 2001:db8:1::53 "edns-packet-max=4096
local-ttl=300
host-record=a.opt.test,192.0.2.11
$txt
local=/opt.test/"
UP=$WORLD_LAST_PID
dns_one_pvd "timeout_ms = 1500"
ok() { [ "$(dns_dig_short h a.opt.test A)" = 192.0.2.11 ]; }
world_wait_for "the stub answers" 10 ok

# expect STATUS DESC DIG_ARGS...: the reply has STATUS and an OPT record of
# version 0 and payload 1232, DO set iff +dnssec is among DIG_ARGS; the same
# query without EDNS (unless +dnssec) gets a reply without OPT.
expect() {
	local st=$1 desc=$2 out
	shift 2
	out=$(dns_dig h +edns=0 "$@" 2>&1) || true
	grep -q "status: $st," <<<"$out" || world_fail "$desc: not $st: $out"
	grep -q "EDNS: version: 0, flags:.*; udp: 1232" <<<"$out" ||
		world_fail "$desc: no OPT record (version 0, 1232) in the reply: $out"
	if [[ " $* " == *" +dnssec "* ]]; then
		grep -q "EDNS: version: 0, flags: do;" <<<"$out" || world_fail "$desc: DO not copied: $out"
	elif grep -q "flags: do;" <<<"$out"; then
		world_fail "$desc: DO set in the reply to a query without it: $out"
	fi
	# (dig sends OPT whenever +dnssec is given.)
	if [[ " $* " != *" +dnssec "* ]]; then
		out=$(dns_dig h +noedns "$@" 2>&1) || true
		grep -q "status: $st," <<<"$out" || world_fail "$desc without EDNS: not $st: $out"
		if grep -q "OPT PSEUDOSECTION" <<<"$out"; then
			world_fail "$desc without EDNS: an OPT record in the reply: $out"
		fi
	fi
	world_log "ok: $desc: OPT with EDNS, none without"
}
expect REFUSED "REFUSED (class CH)" version.bind CH TXT
expect REFUSED "REFUSED (class CH), DO" version.bind CH TXT +dnssec
expect NOTIMP "NOTIMP (opcode STATUS)" +opcode=status a.opt.test A
# An EDNS option of 1300 octets: too large to forward (a name not cached).
pad=$(head -c 1300 /dev/zero | od -An -v -tx1 | tr -d ' \n')
out=$(dns_dig h +edns=0 +ednsopt=65001:"$pad" formerr.opt.test A 2>&1) || true
grep -q "status: FORMERR," <<<"$out" && grep -q "EDNS: version: 0, flags:.*; udp: 1232" <<<"$out" ||
	world_fail "FORMERR for an oversized query: no OPT: $out"
world_log "ok: FORMERR (a query too large to forward): OPT"

# A cached answer larger than any UDP reply: an empty TC reply, with OPT.
out=$(dns_dig h +tcp big.opt.test TXT)
grep -q "status: NOERROR" <<<"$out" || world_fail "big.opt.test over TCP: $out"
out=$(dns_dig h +notcp +ignore +bufsize=4096 big.opt.test TXT)
grep -qE '^;; flags:[^;]* tc' <<<"$out" && grep -q "ANSWER: 0," <<<"$out" ||
	world_fail "big.opt.test over UDP: not an empty TC reply: $out"
grep -q "EDNS: version: 0, flags:.*; udp: 1232" <<<"$out" ||
	world_fail "the TC reply for a cached answer has no OPT: $out"
world_log "ok: TC for a cached answer too large for UDP: OPT"

# SERVFAIL built by the stub: the upstream is gone.
kill "$UP"
wait "$UP" 2>/dev/null || true
expect SERVFAIL "SERVFAIL (no server answers)" gone1.opt.test A
expect SERVFAIL "SERVFAIL (no server answers), DO" gone2.opt.test A +dnssec
world_assert "mifd still runs" world__alive "$WORLD_MIFD_PID"
world_pass
