#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Operator policy from the network (issue 14; doc/policy.md "Facts"): a
# DHCPv4 server whose vendor-specific information (option 43) contains
# "ANDROID_METERED", the hint Android and NetworkManager read, makes that
# Wi-Fi network metered, whatever its interface class says, and that PvD
# only.
#
#   r1 (Wi-Fi, dnsmasq: option 43 "ANDROID_METERED" from a dhcp-optsfile
#       written while the lease runs, read on SIGHUP)  -- h:wlan0
#   r2 (Wi-Fi, no hint)                                 -- h:wlan1
#
# Checked: before the hint both Wi-Fi are unmetered and tie; the hint
# arrives with the lease's renewal (T1 8 s): the lease's PvD carries it
# (pvd JSON "metered_hint", `mifctl pvd show`), the other does not; `policy
# explain` shows the hinted PvD metered and, for a flow with a user rule
# "avoid = metered", ranks it after the other Wi-Fi (for any other flow the
# two still tie); subscribers (`mifctl monitor`) get a pvd-changed event
# carrying the hint, and no default-changed (the default's rule does not
# look at metered); an operator's [pvd ID] section "metered = no" wins over
# the hint (local word first). On the wire: a static program in a cgroup
# whose only rule is "avoid = metered" connects through wlan0 before the
# hint and through wlan1 after it (the server behind each network at
# 10.99.0.1 answers with its name); when the machine has no cgroup v2 or
# no static libc this part is skipped, and says so.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/cgroup.sh"

world_init
world_require jq dnsmasq
[ -n "${MIF_WHOAMI:-}" ] || world_fail "MIF_WHOAMI must be set (tests/world/meson.build)"

# The wire part: a cgroup of the test's own and a static TCP client.
WIRE=1
if ! cg_root || ! cg_make bulk || ! cg_tcpget; then
	WIRE=0
fi
REL=${CG_REL:-}
[ "$WIRE" = 1 ] || world_log "no cgroup v2 or no static libc: the wire part is skipped"

world_host h
for n in 1:50:wlan0:sa:server-a 2:70:wlan1:sb:server-b; do
	IFS=: read -r i o hif srv name <<<"$n"
	world_router "r$i"
	world_sysctl "r$i" net.ipv4.ip_forward=1
	world_host "$srv"
	world_link "r$i" eth0 h "$hif"
	world_link "r$i" eth1 "$srv" eth0
	ip -n "$(world_ns "r$i")" addr add "192.168.$o.1/24" dev eth0
	ip -n "$(world_ns "r$i")" addr add 10.99.0.254/24 dev eth1
	ip -n "$(world_ns "$srv")" addr add 10.99.0.1/24 dev eth0
	ip -n "$(world_ns "$srv")" route add default via 10.99.0.254
	world_bg "$srv" "whoami-$name" "$MIF_WHOAMI" -n "$name" -p 8080 -4
done
# dnsmasq: option 43 given as a quoted string goes out as its octets; an
# options file, empty at first, re-read on SIGHUP. T1 8 s: the renewal
# that brings the hint comes soon.
: >"$WORLD_TMP/r1-opts"
mif_dnsmasq r1 hinted "interface=eth0
bind-interfaces
dhcp-range=192.168.50.100,192.168.50.150,255.255.255.0,10m
dhcp-option=option:router,192.168.50.1
dhcp-option=option:T1,8
dhcp-optsfile=$WORLD_TMP/r1-opts"
DNSMASQ1=$WORLD_LAST_PID

P="$WORLD_TMP/policy.d"
mkdir -p "$P"
cat >"$P/50-user.conf" <<'CONF'
[policy]
actor = user

# Backups and updates: not over a metered network.
[rule bulk]
exe = /usr/bin/bulk
avoid = metered
CONF
# The same for a cgroup: the kind of rule the kernel enforces.
[ "$WIRE" = 1 ] && printf '%s\n' '[rule bulk-cgroup]' "cgroup = /$REL" 'avoid = metered' >>"$P/50-user.conf"
printf '[mifd]\npolicy_dir = %s\n' "$P" >"$WORLD_TMP/mifd.conf"

WORLD_MIFD_CGROUP=$WIRE world_mifd h --config "$WORLD_TMP/mifd.conf" --dhcp4 wlan0 --dhcp4 wlan1
# wlan0's PvD first: the older one wins ties, so the hint must move it.
mif_expect "the wlan0 lease" 20 'length == 1 and all(.[]; .dhcpv4.state == "bound")'
mif_dnsmasq r2 plain 'interface=eth0
bind-interfaces
dhcp-range=192.168.70.100,192.168.70.150,255.255.255.0,10m
dhcp-option=option:router,192.168.70.1'
mif_expect "two leases" 20 'length == 2 and all(.[]; .dhcpv4.state == "bound")'
HINTED=$(mif_pvds | jq -r '.[] | select(.interfaces == ["wlan0"]) | .id')
PLAIN=$(mif_pvds | jq -r '.[] | select(.interfaces == ["wlan1"]) | .id')
world_log "hinted=$HINTED plain=$PLAIN"

explain() { world_ctl --json policy explain "$@"; }
# wire SERVER PVD: once the policy's entry for the bulk cgroup names PVD,
# the static program in it reaches SERVER.
steered() {
	world_ctl --json steer show | jq -e --arg p "$REL" --arg b "$1" \
		'any(.policy_cgroups[]; .cgroup == $p and .pvd == $b and .in_force)' >/dev/null
}
wire() {
	local got
	[ "$WIRE" = 1 ] || return 0
	world_wait_for "the bulk cgroup steered to $2" 15 steered "$2"
	got=$(cg_run "$CGROOT/$REL" h timeout 8 "$WORLD_TMP/tcpget" 10.99.0.1 8080 2>&1 || true)
	case "$got" in
	"$1 "*) world_log "ok - wire: the bulk cgroup -> '$got'" ;;
	*) world_fail "the bulk cgroup -> '$got', want '$1 ...'" ;;
	esac
}

# 1. No hint yet: both Wi-Fi unmetered, the bulk flow's order is their age.
out=$(explain --exe /usr/bin/bulk --dst 198.51.100.7 --proto tcp --port 443)
printf '%s' "$out" | world_jq --arg h "$HINTED" --arg p "$PLAIN" '
	[.permitted[].pvd] == [$h, $p] and all(.permitted[]; .metered | not) and
	.permitted[0].rank == .permitted[1].rank' >/dev/null
BEFORE=$(printf '%s' "$out" | jq -c '[.permitted[].pvd]')
DEF0=$(world_ctl --json status | jq -c '.routing.default')
world_log "ok - no hint: bulk's order $BEFORE (a tie, by age)"
wire server-a "$HINTED"

# 2. The hint arrives with the renewal; a subscriber watches.
world_bg h monitor "$MIFCTL" --socket "$WORLD_TMP/mifd.sock" --json monitor
# A second subscriber for the policy's own event (the bulk cgroup's PvD
# changes when the hint arrives).
world_bg h monitor-policy "$MIFCTL" --socket "$WORLD_TMP/mifd.sock" --json monitor \
	--events policy-changed,default-changed
subscribed() { world_ctl --json status | jq -e '.control.subscribers >= 2' >/dev/null; }
world_wait_for "monitor subscribed" 5 subscribed
printf '%s\n' '43,"ANDROID_METERED"' >"$WORLD_TMP/r1-opts"
kill -HUP "$DNSMASQ1"
mif_expect "the hint on the Wi-Fi lease's PvD" 40 \
	"any(.[]; .id == \"$HINTED\" and .metered_hint == [\"dhcpv4\"])"
mif_pvds | world_jq --arg p "$PLAIN" '(.[] | select(.id == $p) | .metered_hint) == null' >/dev/null
show=$(world_ctl pvd show "$HINTED")
printf '%s\n' "$show" | grep -q 'metered: the network says so (from dhcpv4)' ||
	world_fail "pvd show does not show the hint: $show"
if world_ctl pvd show "$PLAIN" | grep -q 'metered:'; then
	world_fail "the other PvD shows a hint: $(world_ctl pvd show "$PLAIN")"
fi
world_log "ok - the hint on $HINTED only: $(printf '%s\n' "$show" | grep metered:)"
world_log "dnsmasq: $(grep -m1 'requested options' "$WORLD_TMP/dnsmasq-hinted.log" || true)"
got_event() {
	jq -e --arg h "$HINTED" 'select(.event == "pvd-changed" and .pvd.id == $h and
		.pvd.metered_hint == ["dhcpv4"])' "$WORLD_TMP/monitor.log" >/dev/null 2>&1
}
world_wait_for "a pvd-changed event carrying the hint" 5 got_event
world_log "ok - events while the hint arrived: $(jq -s -c '[.[] | {event, id: (.pvd.id // .id), metered_hint: .pvd.metered_hint}]' "$WORLD_TMP/monitor.log")"
# policy-changed: the bulk cgroup's decision moved (on the wire part only:
# without the cgroup rule nothing mifd enforces changes).
if [ "$WIRE" = 1 ]; then
	got_policy() {
		jq -e 'select(.event == "policy-changed" and (.pvd.order | length) == 2)' \
			"$WORLD_TMP/monitor-policy.log" >/dev/null 2>&1
	}
	world_wait_for "a policy-changed event" 10 got_policy
	world_log "ok - policy-changed: $(jq -s -c '[.[] | select(.event == "policy-changed") | .pvd.order | map(.id)]' "$WORLD_TMP/monitor-policy.log")"
fi
if jq -e 'select(.event == "default-changed")' "$WORLD_TMP/monitor.log" >/dev/null 2>&1; then
	world_fail "a default-changed event: $(cat "$WORLD_TMP/monitor.log")"
fi
[ "$(world_ctl --json status | jq -c '.routing.default')" = "$DEF0" ] ||
	world_fail "the default moved: $DEF0 -> $(world_ctl --json status | jq -c '.routing.default')"

# 3. explain: the hinted Wi-Fi is metered (its interface class says
# nothing about it); for any flow the two Wi-Fi tie, for the bulk flow the
# hinted one comes after the other.
out=$(explain --dst 198.51.100.7)
printf '%s' "$out" | world_jq --arg h "$HINTED" --arg p "$PLAIN" '
	(.permitted | length) == 2 and
	(.permitted[] | select(.pvd == $h) | .metered and .metered_hint and .type == "wifi") and
	(.permitted[] | select(.pvd == $p) | (.metered | not) and (.metered_hint | not)) and
	.permitted[0].rank == .permitted[1].rank' >/dev/null
out=$(explain --exe /usr/bin/bulk --dst 198.51.100.7 --proto tcp --port 443)
printf '%s' "$out" | world_jq --arg h "$HINTED" --arg p "$PLAIN" '
	[.permitted[].pvd] == [$p, $h] and .permitted[0].rank < .permitted[1].rank and
	(.winner | test("^user rule bulk"))' >/dev/null
world_log "ok - bulk avoids the hinted network: $(printf '%s' "$out" | jq -c '[.permitted[] | {pvd, metered, rank}]')"
world_ctl policy explain --exe /usr/bin/bulk --dst 198.51.100.7 --proto tcp --port 443 |
	sed 's/^/    /'
wire server-b "$PLAIN"

# 4. A local [pvd ID] fact wins over the network's hint.
printf '%s\n' '[policy]' 'actor = operator' "[pvd $HINTED]" 'metered = no' >"$P/20-operator.conf"
world_ctl policy reload >/dev/null || world_fail "policy reload failed"
out=$(explain --exe /usr/bin/bulk --dst 198.51.100.7 --proto tcp --port 443)
printf '%s' "$out" | world_jq --arg h "$HINTED" '
	(.permitted[] | select(.pvd == $h) | (.metered | not) and .metered_hint) and
	.permitted[0].rank == .permitted[1].rank' >/dev/null
world_log "ok - [pvd $HINTED] metered = no wins over the hint: $(printf '%s' "$out" | jq -c '[.permitted[] | {pvd, metered, metered_hint, rank}]')"
rm "$P/20-operator.conf"
world_ctl policy reload >/dev/null || world_fail "policy reload failed"
out=$(explain --exe /usr/bin/bulk --dst 198.51.100.7 --proto tcp --port 443)
printf '%s' "$out" | world_jq --arg h "$HINTED" --arg p "$PLAIN" '[.permitted[].pvd] == [$p, $h]' >/dev/null
world_log "ok - the file removed, the hint counts again"
world_pass
