#!/bin/bash
# SPDX-License-Identifier: MIT
#
# A slow network's resolver (issue 19's first defect): once fast answers
# have brought a server's retransmission timeout down to its floor
# (200 ms), an answer that takes 1.5 s must still reach the client, within
# the stub's timeout_ms (here 4 s), rather than a SERVFAIL at about 600 ms.
# The stub retransmits early and keeps listening until the deadline; a
# server that never answers still gives SERVFAIL at timeout_ms.
#
#   r1 (mif-dns-spoof at 2001:db8:1::53) -- h:eth0
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/dns.sh"

world_init
world_require jq dig
[ -n "${MIF_DNS_SPOOF:-}" ] && [ -x "$MIF_DNS_SPOOF" ] ||
	world_fail "MIF_DNS_SPOOF is not set or not executable (${MIF_DNS_SPOOF:-})"
world_router r1
world_host h
world_link r1 eth0 h eth0
world_addr r1 eth0 2001:db8:1::53/64
server() {   # server [SPOOF OPTIONS...]: (re)start r1's resolver
	[ -z "${SRV:-}" ] || { kill "$SRV" 2>/dev/null || true; wait "$SRV" 2>/dev/null || true; }
	world_bg r1 "srv-$#" "$MIF_DNS_SPOOF" -l 2001:db8:1::53 -a 192.0.2.7 --max-seconds 120 "$@"
	SRV=$WORLD_LAST_PID
	sleep 0.2
}
server
world_lla h eth0 >/dev/null
world_mifd h -c "$(dns_mifd_conf "timeout_ms = 4000")"
dns_wait_stub h
world_ra_send r1 -i eth0 --lifetime 1800 --prefix 2001:db8:1::/64 --rdnss 2001:db8:1::53
mif_expect "the PvD with a usable address" 15 \
	'length == 1 and any(.[0].addresses[]; (.address | startswith("2001:db8:1:")) and .state == "preferred")'
fast() { [ "$(dns_dig h +short "f$1.slow.test" A)" = 192.0.2.7 ]; }
world_wait_for "the stub answers" 10 fast 0
for i in 1 2 3 4 5 6; do fast "$i" || world_fail "fast answer $i missing"; done
srtt=$(world_ctl --json dns | jq '.pvds[0].server_state[0].srtt_ms')
world_log "ok: fast answers; the server's smoothed RTT is $srtt ms"

server --delay 1500
t0=$(world__now_ms)
out=$(world_exec h dig @127.0.0.153 +tries=1 +time=8 +short s1.slow.test A 2>&1) || true
ms=$(($(world__now_ms) - t0))
[ "$out" = 192.0.2.7 ] || world_fail "a 1.5 s answer did not reach the client (after $ms ms): $out"
[ "$ms" -ge 1400 ] && [ "$ms" -lt 3500 ] || world_fail "answered after $ms ms, want about 1500"
world_log "ok: a 1.5 s answer reaches the client after $ms ms"

server --drop
t0=$(world__now_ms)
out=$(world_exec h dig @127.0.0.153 +tries=1 +time=8 s2.slow.test A 2>&1) || true
ms=$(($(world__now_ms) - t0))
grep -q "status: SERVFAIL" <<<"$out" || world_fail "a silent server: no SERVFAIL after $ms ms: $out"
[ "$ms" -ge 3500 ] && [ "$ms" -lt 6000 ] || world_fail "SERVFAIL after $ms ms, timeout_ms is 4000"
world_log "ok: a silent server: SERVFAIL after $ms ms (timeout_ms 4000)"
world_pass
