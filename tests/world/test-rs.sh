#!/bin/bash
# SPDX-License-Identifier: MIT
#
# A restarted mifd learns its networks at once (RFC 4861 section 6.3.7).
# The router here is silent: radvd with UnicastOnly sends no unsolicited
# RA at all and answers only Router Solicitations, like a router whose
# periodic interval (up to 1800 s) has not come round. The host's kernel
# is told not to solicit (router_solicitations = 0), so the only RAs radvd
# ever sends answer mifd's own solicitations: at start, after kill -9,
# after a clean stop, and when the link comes back after losing its
# carrier. Each step also checks that mifd counted a solicitation.
#
#   r1 (radvd, UnicastOnly, 2001:db8:1::/64) -- h:eth0 (mifd)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq radvd
world_router r1
world_host h
# Before eth0 exists, so it inherits it: the kernel never solicits here.
world_sysctl h net.ipv6.conf.default.router_solicitations=0
world_link r1 eth0 h eth0
world_radvd r1 "interface eth0 {
	AdvSendAdvert on; UnicastOnly on;
	AdvDefaultLifetime 1800;
	prefix 2001:db8:1::/64 { AdvOnLink on; AdvAutonomous on; };
	RDNSS 2001:db8:1::53 { AdvRDNSSLifetime 1800; };
};"
lla=$(world_lla r1 eth0)
[ "$(world_exec h sysctl -n net.ipv6.conf.eth0.router_solicitations)" = 0 ] ||
	world_fail "the host's kernel would solicit on eth0"
has_pvd() { mif__match "[.[] | select(.id == \"$lla%eth0\")] | length == 1"; }

# start_and_time LABEL [MIFD ARGS]: start mifd, wait for the PvD (5 s, a
# few times the ~1.5 s target: up to 1 s of RFC jitter, up to 0.5 s of
# radvd's answer delay), log how long it took.
start_and_time() {
	local label=$1 t0 t1
	shift
	rm -f "$WORLD_TMP/mifd.sock"
	t0=$(world__now_ms)
	world_mifd h "$@"
	world_wait_for "the PvD of the silent router ($label)" 5 has_pvd
	t1=$(world__now_ms)
	mif_status | world_jq '.ra.solicitations_sent >= 1' >/dev/null ||
		world_fail "$label: the PvD came without a solicitation of mifd's"
	world_log "ok: $label: PvD learnt $((t1 - t0)) ms after mifd started"
}

stop_mifd() {   # stop_mifd SIGNAL
	kill "-$1" "$WORLD_MIFD_PID"
	world_wait_for "mifd gone" 5 bash -c "! kill -0 $WORLD_MIFD_PID 2>/dev/null"
	WORLD_MIFD_PID=""
}

start_and_time "first start"
st=$(mif_status)
printf '%s' "$st" | world_jq '.ra.solicitations_sent >= 1 and .ra.solicitations_answered == 1' \
	>/dev/null || world_fail "status does not count the solicitation and its answer"
# Answered: no more solicitations on that link (section 6.3.7 "MUST desist").
sent=$(printf '%s' "$st" | jq .ra.solicitations_sent)
sleep 5
[ "$(mif_status | jq .ra.solicitations_sent)" = "$sent" ] ||
	world_fail "mifd kept soliciting after an answer"
world_log "ok: $sent solicitation(s), then quiet once answered"

stop_mifd KILL
start_and_time "after kill -9"

stop_mifd TERM
start_and_time "after a clean stop"

# Carrier lost and back: the PvD goes with the link and comes back by a
# new solicitation (the router still sends nothing on its own).
sent=$(mif_status | jq .ra.solicitations_sent)
world_exec r1 ip link set eth0 down
mif_expect "the PvD gone with the carrier" 5 "length == 0"
world_exec r1 ip link set eth0 up
# DAD of the host's link-local address may hold back the first solicitation;
# the next comes 4 s later (RTR_SOLICITATION_INTERVAL).
world_wait_for "the PvD back after the carrier returned" 12 has_pvd
[ "$(mif_status | jq .ra.solicitations_sent)" -gt "$sent" ] ||
	world_fail "the PvD came back without a new solicitation"
world_log "ok: the PvD is back after the carrier returned, by a new solicitation"
world_pass
