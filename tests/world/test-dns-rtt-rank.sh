#!/bin/bash
# SPDX-License-Identifier: MIT
#
# A PvD's servers ranked by smoothed RTT (issue 19): the RA lists a slow
# server (answers 400 ms late) before a fast one. The first query goes to
# the first listed (nothing measured yet); once the slow one is measured
# slower than a server not yet measured counts (300 ms), the fast one is
# asked, and from then on it is asked first: answers come at once, and
# `mifctl dns` shows both servers' RTT estimates.
#
#   r1: 2001:db8:1::53 (mif-dns-spoof, 192.0.2.1, 400 ms late),
#       2001:db8:1::54 (mif-dns-spoof, 192.0.2.2) -- h:eth0
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/dns.sh"

world_init
world_require jq dig
dns_spoof_required
dns_one_link
world_addr r1 eth0 2001:db8:1::54/64
world_bg r1 slow "$MIF_DNS_SPOOF" -l 2001:db8:1::53 -a 192.0.2.1 --delay 400 --max-seconds 120
world_bg r1 fast "$MIF_DNS_SPOOF" -l 2001:db8:1::54 -a 192.0.2.2 --max-seconds 120
world_lla h eth0 >/dev/null
world_mifd h -c "$(dns_mifd_conf "")"
dns_wait_stub h
world_ra_send r1 -i eth0 --lifetime 1800 --prefix 2001:db8:1::/64 \
	--rdnss 2001:db8:1::53,2001:db8:1::54
mif_expect "the PvD with a usable address" 15 \
	'length == 1 and any(.[0].addresses[]; (.address | startswith("2001:db8:1:")) and .state == "preferred")'
ask() { dns_dig_short h "$1" A; }
world_wait_for "the stub answers" 10 test -n "\$(ask w0.rank.test)"
state() { world_ctl --json dns | jq -c '[.pvds[].server_state[]? | {address, srtt_ms, answers}]'; }
first=$(ask r0.rank.test)
world_log "after the first answers: $(state)"
# The slow one is measured (about 400 ms): the fast one is tried, then first.
got=""
for i in 1 2 3 4 5 6; do
	t0=$(world__now_ms)
	got=$(ask "r$i.rank.test")
	ms=$(($(world__now_ms) - t0))
	world_log "r$i.rank.test -> $got in $ms ms"
done
[ "$got" = 192.0.2.2 ] && [ "$ms" -lt 300 ] ||
	world_fail "the fast server is not asked first after measurements: $got in $ms ms; $(state)"
world_exec h true
st=$(state)
printf '%s' "$st" | world_jq '(.[] | select(.address == "2001:db8:1::53") | .srtt_ms > 300) and
	(.[] | select(.address == "2001:db8:1::54") | .srtt_ms < 100)' >/dev/null ||
	world_fail "RTT estimates: $st"
world_log "ok: the fast server (listed second) is asked first: $st (first answer was $first)"
world_assert "mifd still runs" world__alive "$WORLD_MIFD_PID"
world_pass
