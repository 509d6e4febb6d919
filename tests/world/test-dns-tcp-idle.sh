#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Idle TCP connections to the stub (issue 19: "64 idle TCP connections lock
# out every new TCP client"; RFC 7766 section 6.2.3):
#   - 70 connections that never send a whole query: past the cap of 64 the
#     least recently active connection is closed to make room (counted in
#     tcp_evicted), and a new TCP client is answered at once;
#   - connections that trickle a byte a second (never a whole message) are
#     idle all the same: with more than half the cap in use they are closed
#     after about 2 s, not held forever;
#   - with few connections the idle timeout is longer: open at 5 s, closed
#     by about 12 s.
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
world_bg r1 srv "$MIF_DNS_SPOOF" -l 2001:db8:1::53 -a 192.0.2.7 --max-seconds 120
dns_one_pvd
ok() { [ "$(dns_dig_short h "$1" A)" = 192.0.2.7 ]; }
world_wait_for "the stub answers" 10 ok w0.idle.test

stub() { world_ctl --json dns | jq -c "$1"; }

# holders N SECONDS: in h, open N TCP connections to the stub, send the
# first octet of a length prefix (0x01: a 256+ octet message) on each, then
# one more octet a second on each, for SECONDS seconds. Never a whole query.
holders() {
	world_bg h "holders-$1" bash -c '
		trap "" PIPE    # the stub closes some: writing to those must not kill us
		fds=()
		for ((i = 0; i < $1; i++)); do
			exec {fd}<>/dev/tcp/127.0.0.153/53 || continue
			printf "\001" >&"$fd" 2>/dev/null || true
			fds+=("$fd")
		done
		echo "opened ${#fds[@]}"
		for ((t = 0; t < $2; t++)); do
			sleep 1
			for fd in "${fds[@]}"; do printf a >&"$fd" 2>/dev/null || true; done
		done' holders "$1" "$2"
	HOLDERS=$WORLD_LAST_PID
}

# 1. At the cap: the oldest idle connections make room for new ones.
ev0=$(stub .stub.tcp_evicted)
holders 70 15
world_wait_for "70 connections opened" 10 grep -q "opened 70" "$WORLD_TMP/holders-70.log"
t0=$(world__now_ms)
out=$(world_exec h dig @127.0.0.153 +tcp +tries=1 +time=2 +short w1.idle.test A 2>&1) || true
ms=$(($(world__now_ms) - t0))
[ "$out" = 192.0.2.7 ] || world_fail "a new TCP client behind 70 idle connections: $out ($ms ms; $(stub .stub))"
[ "$ms" -lt 1500 ] || world_fail "a new TCP client answered only after $ms ms"
ev1=$(stub .stub.tcp_evicted)
[ "$ev1" != null ] && [ "$ev1" -ge $((ev0 + 7)) ] ||
	world_fail "connections past the cap did not evict idle ones ($ev0 -> $ev1): $(stub .stub)"
[ "$(stub .stub.tcp_clients)" -le 64 ] || world_fail "more than 64 TCP clients: $(stub .stub)"
world_log "ok: a new TCP client behind 70 idle connections answered in $ms ms; $((ev1 - ev0)) evicted"

# 2. Busy: trickling connections are idle, closed after about 2 s.
closed() { [ "$(stub .stub.tcp_clients)" = 0 ]; }
# (Generous: on a loaded machine one sweep may close only part of them,
# and once fewer than half the cap are left the rest get the 10 s timeout.)
world_wait_for "the trickling connections closed as idle" 15 closed
world__alive "$HOLDERS" || world_fail "the trickling client exited: $(cat "$WORLD_TMP/holders-70.log")"
[ "$(stub .stub.tcp_idle_closed)" -ge 60 ] || world_fail "not closed as idle: $(stub .stub)"
world_log "ok: trickling connections closed as idle: $(stub .stub.tcp_idle_closed)"
kill "$HOLDERS" 2>/dev/null || true
wait "$HOLDERS" 2>/dev/null || true

# 3. Not busy: a few idle connections stay 10 s, then go.
holders 3 20
world_wait_for "3 connections opened" 10 grep -q "opened 3" "$WORLD_TMP/holders-3.log"
sleep 5
[ "$(stub .stub.tcp_clients)" = 3 ] || world_fail "idle connections closed before 10 s: $(stub .stub)"
world_wait_for "3 idle connections closed after 10 s" 9 closed
world__alive "$HOLDERS" || world_fail "the trickling client exited: $(cat "$WORLD_TMP/holders-3.log")"
kill "$HOLDERS" 2>/dev/null || true
wait "$HOLDERS" 2>/dev/null || true
world_log "ok: 3 idle connections open at 5 s, closed after 10 s"
ok w2.idle.test || world_fail "the stub no longer answers over UDP"
out=$(world_exec h dig @127.0.0.153 +tcp +tries=1 +time=2 +short w3.idle.test A 2>&1) || true
[ "$out" = 192.0.2.7 ] || world_fail "TCP after the test: $out"
world_assert "mifd still runs" world__alive "$WORLD_MIFD_PID"
world_pass
