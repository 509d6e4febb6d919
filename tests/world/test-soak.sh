#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Soak and faults (issue 17, item 3). For SOAK_SECONDS (default 60: the
# short version in make check; scripts/soak.sh runs it for longer, under
# ASan and under valgrind), rounds of:
#   - PvD churn: 2 s of one router replacing one of 20 PvDs 333 times a second;
#   - a carrier flap of the host's link (down, up), then the RAs again;
#   - a DNS flood: 300 queries in one go from one client through the stub,
#     the answers counted;
#   - control-socket abuse: 40 clients at once, half of them closing
#     without reading, then one `mifctl status` that must answer;
#   - kill -9 of the network-facing process (it is started again: the time
#     until DNS answers again is measured);
# and once, kill -9 of the whole mifd mid-churn, then a start: the time
# until the stable PvD is back is measured (the routers solicited, RFC 4861).
# Every 5 s: RSS and open descriptors of each mifd process.
# At the end, every PvD withdrawn: no rule or route of mifd's left beyond
# its base entries, nothing dropped on its channels, descriptors no more
# than at the first sample (+4), and figures in $SOAK_OUT if set.
#
#   r1 (radvd answering solicitations, mif-ra-send's churn, dnsmasq DNS) -- h:eth0
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/dns.sh"

SECS=${SOAK_SECONDS:-45}
# SOAK_SLOW: a factor on every deadline, for runs under valgrind (tens of
# times slower); 1 otherwise.
SLOW=${SOAK_SLOW:-1}
world_init
world_require jq dig dnsmasq radvd
world_router r1
world_host h
world_link r1 eth0 h eth0
world_addr r1 eth0 2001:db8:1::53/64
dns_dnsmasq r1 a 2001:db8:1::53 "$(dns_auth_lines 2001:db8:1::53 example.org,2001:db8:99::/64)
host-record=www.example.org,2001:db8:99::a"
world_lla h eth0 >/dev/null
world_lla r1 eth0 >/dev/null
H=$(world_ns h)
send=$(world__ra_send_path)
ours() {
	{ ip -n "$H" -4 rule | grep "proto 77" | sed 's/^/r4 /'
	  ip -n "$H" -6 rule | grep "proto 77" | sed 's/^/r6 /'
	  ip -n "$H" -4 route show table all proto 77 | sed 's/^/4 /'
	  ip -n "$H" -6 route show table all proto 77 | sed 's/^/6 /'; } || true
}

# The churn's RAs (as test-churn.sh), and the stable PvD with the DNS server.
churn=$WORLD_TMP/churn.hex off=$WORLD_TMP/off.hex
: >"$churn"
: >"$off"
for ((i = 0; i < 40; i++)); do
	p=2001:db8:$(printf %x $((0x100 + i)))::/64
	"$send" --dump --lifetime 600 --pvd "p$i.soak.example,seq=1" --prefix "$p" --end-pvd >>"$churn"
	"$send" --dump --lifetime 0 --pvd "p$(((i + 20) % 40)).soak.example,seq=2" \
		--prefix "2001:db8:$(printf %x $((0x100 + (i + 20) % 40)))::/64,valid=0,preferred=0" \
		--end-pvd >>"$churn"
	"$send" --dump --lifetime 0 --pvd "p$i.soak.example,seq=3" --prefix "$p,valid=0,preferred=0" \
		--end-pvd >>"$off"
done
# The stable PvD comes from radvd answering solicitations only: after a
# flap or a restart it is back only if mifd (or the kernel) asks.
world_radvd r1 "interface eth0 {
	AdvSendAdvert on; UnicastOnly on;
	AdvDefaultLifetime 1800;
	prefix 2001:db8:1::/64 { AdvOnLink on; AdvAutonomous on; };
	RDNSS 2001:db8:1::53 { AdvRDNSSLifetime 1800; };
};"
RADVD=$WORLD_LAST_PID
answers() { dns_dig h +short www.example.org AAAA | grep -qx 2001:db8:99::a; }
# A name never asked before: answered (NXDOMAIN, by dnsmasq) only through
# the stable PvD's server, never from a cache. After a flap the stub's
# cached www answer may be the PvD's from before it (while mifd catches up),
# and an upstream path lost in the flap then showed only at the next kill.
fresh() { dns_dig h "n$RANDOM$RANDOM.example.org" AAAA | grep -q "status: NXDOMAIN"; }
has_stable() { mif__match 'any(.[]; .prefixes | any(.prefix == "2001:db8:1::/64"))'; }

dns_mifd h
world_wait_for "the stable PvD" $((15 * SLOW)) has_stable
world_wait_for "the stub answers" $((15 * SLOW)) answers

samples=$WORLD_TMP/samples.csv
echo "t_s,process,pid,rss_kb,fds" >"$samples"
T0=$(world__now_ms)
sample() {
	local st t p pid
	st=$(mif_status) || return 0
	t=$(( ($(world__now_ms) - T0) / 1000 ))
	for p in parent engine net; do
		pid=$(jq -r ".processes.$p.pid // empty" <<<"$st")
		[ -n "$pid" ] && [ -d "/proc/$pid" ] || continue
		echo "$t,$p,$pid,$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status"),$(ls "/proc/$pid/fd" | wc -l)" \
			>>"$samples"
	done
}

rounds=0 flaps=0 churned=0 q_sent=0 q_ok=0 kills=0 kill_ms_max=0 ctl_ok=0
restart_ms=-1
names=$WORLD_TMP/names
for ((i = 0; i < 300; i++)); do echo "www.example.org AAAA"; done >"$names"
end=$(( $(world__now_ms) + SECS * 1000 ))
last_sample=0
while [ "$(world__now_ms)" -lt "$end" ] && [ "$rounds" -lt 10000 ]; do
	rounds=$((rounds + 1))
	# under valgrind (SLOW > 1) the same churn at a rate it can follow
	world_exec r1 "$send" -i eth0 --replay "$churn" --rate $((333 / SLOW)) -c $((666 / SLOW))
	churned=$((churned + 666 / SLOW))
	ip -n "$H" link set eth0 down
	sleep 0.2
	ip -n "$H" link set eth0 up
	flaps=$((flaps + 1))
	world_wait_for "the link's address back after a flap" $((10 * SLOW)) world_lla h eth0
	world_wait_for "the stable PvD after a flap" $((15 * SLOW)) has_stable
	world_wait_for "the stub answers after a flap" $((15 * SLOW)) answers
	world_wait_for "a new name answered through the stable PvD after a flap" $((15 * SLOW)) fresh
	n=$(world_exec h dig "@$DNS_STUB_ADDR" +tries=1 +time=1 -f "$names" 2>/dev/null |
		grep -c "status: NOERROR" || true)
	q_sent=$((q_sent + 300)) q_ok=$((q_ok + n))
	pids=()
	for ((i = 0; i < 40; i++)); do
		if ((i % 2)); then
			world_exec h "$MIFCTL" --socket "$WORLD_TMP/mifd.sock" status >/dev/null 2>&1 &
			pids+=($!)
		else
			world_exec h "$MIFCTL" --socket "$WORLD_TMP/mifd.sock" status 2>&1 | head -c 1 >/dev/null &
			pids+=($!)
		fi
	done
	wait "${pids[@]}" || true   # (not a bare wait: mifd is our child too)
	mif_status >/dev/null && ctl_ok=$((ctl_ok + 1))
	old=$(mif_status | jq -r '.processes.net.pid')
	kill -9 "$old"
	t0=$(world__now_ms)
	world_wait_for "DNS answers again after kill -9 of the net process" $((10 * SLOW)) answers
	ms=$(($(world__now_ms) - t0))
	kills=$((kills + 1))
	[ "$ms" -le "$kill_ms_max" ] || kill_ms_max=$ms
	if [ $(( ($(world__now_ms) - T0) / 5000 )) -ne "$last_sample" ]; then
		last_sample=$(( ($(world__now_ms) - T0) / 5000 ))
		sample
	fi
	# Once, half way: kill -9 of every mifd process mid-churn, then a start.
	if [ "$restart_ms" = -1 ] && [ $(( $(world__now_ms) * 2 )) -ge $((end + T0)) ]; then
		world_exec r1 "$send" -i eth0 --replay "$churn" --rate 333 -c 333 &
		cpid=$!
		sleep 0.5
		st=$(mif_status)
		kill -9 "$WORLD_MIFD_PID" $(jq -r '.processes.engine.pid, .processes.net.pid' <<<"$st") || true
		wait "$cpid" || true
		world_wait_for "mifd gone" $((5 * SLOW)) bash -c "! kill -0 $WORLD_MIFD_PID 2>/dev/null"
		WORLD_MIFD_PID=""
		rm -f "$WORLD_TMP/mifd.sock"
		t0=$(world__now_ms)
		dns_mifd h
		world_wait_for "the stable PvD back after kill -9 and a start" $((10 * SLOW)) has_stable
		restart_ms=$(($(world__now_ms) - t0))
		world_log "kill -9 of mifd mid-churn: the stable PvD back $restart_ms ms after the start"
		sample
	fi
done
sample

# The end: every churned PvD withdrawn (repeated, as routers repeat) and the
# stable one too; nothing of mifd's left beyond its base entries.
withdraw() {
	world_exec r1 "$send" -i eth0 --replay "$off" -c 40 -w 5
	world_ra_send r1 -i eth0 --lifetime 0 --prefix 2001:db8:1::/64,valid=0,preferred=0 \
		--rdnss 2001:db8:1::53,lifetime=0
	mif__match 'length == 0'
}
kill "$RADVD"
world_wait_for "every PvD withdrawn" $((60 * SLOW)) withdraw
settled() {
	mif_status | jq -e '.routing.pending == {"adds": 0, "deletes": 0, "backing_off": 0}' >/dev/null
}
world_wait_for "routing settled" $((30 * SLOW)) settled
# What mifd keeps with no PvD: rules 'from all' (fwmark unreachable,
# suppress_prefixlength), no route and no rule of a PvD's address. A
# started mifd draws new marks (route_plan.h), so they are compared by kind
# and number with those of a mifd without PvD (test-churn.sh's count: 4).
clean() {
	local now
	now=$(ours)
	[ "$(grep -c . <<<"$now")" -le 4 ] &&
		! grep -E '^[46] |^r. .* from [^a]' <<<"$now" | grep -q . || { echo "$now"; return 1; }
}
world_wait_for "nothing of mifd's left beyond its base entries" $((30 * SLOW)) clean
st=$(mif_status)
dropped=$(jq '[.channels[].dropped] | add' <<<"$st")
[ "$dropped" = 0 ] || world_fail "messages dropped: $(jq -c .channels <<<"$st")"
[ "$ctl_ok" = "$rounds" ] || world_fail "status failed after control abuse in $((rounds - ctl_ok)) rounds"
# Descriptors: the processes' last sample against their first (the
# network-facing process is new after each kill; compared by role).
fd_growth=$(awk -F, 'NR > 1 { if (!($2 in first)) first[$2] = $5; last[$2] = $5 }
	END { m = 0; for (p in last) if (last[p] - first[p] > m) m = last[p] - first[p]; print m }' "$samples")
rss=$(awk -F, 'NR > 1 { if (!($2 in first)) first[$2] = $4; last[$2] = $4 }
	END { for (p in last) printf "%s %d->%d KiB; ", p, first[p], last[p] }' "$samples")
[ "$fd_growth" -le 4 ] || world_fail "descriptors grew by $fd_growth: $(cat "$samples")"
summary="rounds $rounds in ${SECS}s: $churned churn RAs, $flaps flaps, $kills kill -9 of the net process (DNS back within $kill_ms_max ms at most), $q_ok/$q_sent flood queries answered, stable PvD back ${restart_ms} ms after kill -9 of mifd and a start; channels dropped $dropped; descriptors grew by $fd_growth at most; RSS $rss"
world_log "$summary"
if [ -n "${SOAK_OUT:-}" ]; then
	{ echo "$summary"; echo
	  echo "RSS (KiB) and open descriptors over time, each process by role (the"
	  echo "network-facing process is a new one after each kill -9), as t_s:rss/fds:"
	  echo
	  awk -F, 'NR > 1 { l[$2] = l[$2] " " $1 ":" $4 "/" $5 }
		END { for (p in l) printf "- %s:%s\n", p, l[p] }' "$samples"; } >"$SOAK_OUT"
fi
world_pass
