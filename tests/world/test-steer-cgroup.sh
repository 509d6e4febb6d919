#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Per-application steering by cgroup v2 (doc/steering.md): a statically
# linked program (no preload can reach it) in a cgroup that
# `mifctl steer cgroup add` gave to PvD B connects through B, although A
# is the default; the same program outside the cgroup does not.
#
#   r1 -- h:eth0   PvD A (wired, the default): 2001:db8:1::/64; r1 has no
#                  route to 2001:db8:77::/64.
#   r2 -- h:wlan0  PvD B: 2001:db8:2::/64.
#   r2 -- s3       2001:db8:77::10, running mif-whoami ("svc").
#
# Checked: before steering the program fails (A's default route); after
# "steer cgroup add" it reaches s3, which sees h's address in B's prefix;
# a process outside the cgroup still fails; a cgroup that does not exist is
# refused with a clear error; a non-root user may not change steering;
# "steer cgroup del" restores the default.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"
. "$(dirname "$0")/cgroup.sh"

world_init
world_require jq nft cc setpriv
[ -n "${MIF_WHOAMI:-}" ] || world_fail "MIF_WHOAMI must be set (tests/world/meson.build)"

# A cgroup of the test's own below the test's cgroup; a static client.
cg_root || world_skip "no cgroup v2 hierarchy mounted"
cg_make steer || world_skip "cannot create a cgroup under $CGROOT$CG_OWN"
REL=$CG_REL CG=$CG_PATH OWN=$CG_OWN
cg_tcpget || world_skip "cannot link a static program (no libc.a): $(cat "$WORLD_TMP/tcpget-cc.log")"

world_router r1
world_router r2
world_host h
world_host s3
world_link r1 eth0 h eth0
world_link r2 eth0 h wlan0
world_link r2 eth1 s3 eth0
world_addr r1 eth0 2001:db8:1::1/64
world_addr r2 eth0 2001:db8:2::1/64
world_addr r2 eth1 2001:db8:77::fe/64
world_addr s3 eth0 2001:db8:77::10/64
ip -n "$(world_ns s3)" -6 route add default via 2001:db8:77::fe
world_bg s3 whoami-svc "$MIF_WHOAMI" -n svc -p 8080 -6

world_lla h eth0 >/dev/null
world_lla h wlan0 >/dev/null
# The policy directory (step 7): empty at first, the built-in default.
mkdir -p "$WORLD_TMP/policy.d"
printf '[mifd]\npolicy_dir = %s\n' "$WORLD_TMP/policy.d" >"$WORLD_TMP/mifd.conf"
# mifd with the cgroup v2 hierarchy mounted where its steering looks
# (lib.sh, WORLD_MIFD_CGROUP).
WORLD_MIFD_CGROUP=1 world_mifd h --config "$WORLD_TMP/mifd.conf"
world_ra_send r1 -i eth0 --lifetime 1800 --prefix 2001:db8:1::/64
world_ra_send r2 -i eth0 --lifetime 1800 --prefix 2001:db8:2::/64
mif_expect "two PvDs with a usable global address" 15 \
	'length == 2 and ([.[] | select(any(.addresses[]; (.address | startswith("2001:db8:"))
	 and .state == "preferred"))] | length) == 2'
routing_ready() { mif_status | jq -e '.routing.default.ipv6 != null' >/dev/null; }
world_wait_for "a default PvD chosen" 10 routing_ready
A=$(mif_pvds | jq -r '.[] | select(.interfaces == ["eth0"]) | .id')
B=$(mif_pvds | jq -r '.[] | select(.interfaces == ["wlan0"]) | .id')
DEF=$(mif_status | jq -r '.routing.default.ipv6 // "" | sub(": .*"; "")')
[ "$DEF" = "$A" ] || world_fail "the default PvD is '$DEF', want A ($A)"
ready() { world_ctl --json steer show | jq -e .ready >/dev/null; }
world_wait_for "mifd's nftables table" 10 ready
world_log "A=$A (default) B=$B; cgroup $REL under $CGROOT"

# in_cg ARGS...: tcpget in h, in the test's cgroup (joined before entering
# h: the cgroup is kept across exec); out_cg: outside it.
in_cg() { cg_run "$CG" h timeout 8 "$WORLD_TMP/tcpget" "$@" 2>&1 || true; }
out_cg() { world_exec h timeout 8 "$WORLD_TMP/tcpget" "$@" 2>&1 || true; }

# 1. Not steered yet: A's default route, r1 has no route there.
got=$(in_cg 2001:db8:77::10 8080)
case "$got" in svc*) world_fail "reached s3 before any steering: '$got'" ;; esac
world_log "ok: before steering, the static program does not reach s3: '$got'"

# 2. A cgroup that does not exist is refused, and nothing changes.
if out=$(world_ctl steer cgroup add "$REL-missing" "$B" 2>&1); then
	world_fail "steer cgroup add of a missing cgroup succeeded: $out"
fi
printf '%s' "$out" | grep -q 'No such file' ||
	world_fail "a missing cgroup: unclear error: $out"
world_log "ok: a missing cgroup is refused: $out"

# 3. A non-root user may not steer.
if out=$(mif_as_nobody steer cgroup add "$REL" "$B" 2>&1); then
	world_fail "a non-root user changed steering: $out"
fi
printf '%s' "$out" | grep -qi 'permission' || world_fail "non-root: unclear error: $out"
world_log "ok: non-root refused: $out"

# 4. Steered: through B, with B's source address.
world_ctl steer cgroup add "$REL" "$B" >/dev/null || world_fail "steer cgroup add failed"
world_ctl --json steer show | jq -e --arg p "$REL" --arg b "$B" \
	'.cgroups | length == 1 and .[0].cgroup == $p and .[0].pvd == $b and .[0].error == null
	 and .[0].inode > 0' >/dev/null ||
	world_fail "steer show does not list the cgroup: $(world_ctl --json steer show)"
chain=$(world_exec h nft list chain inet mif route)
grep -q 'socket cgroupv2' <<<"$chain" ||
	world_fail "no socket cgroupv2 rule in h's table"
got=$(in_cg 2001:db8:77::10 8080)
case "$got" in
"svc 2001:db8:2:"*) world_log "ok: the static program in the cgroup -> '$got' (through B)" ;;
*) world_fail "the static program in the cgroup -> '$got', want 'svc 2001:db8:2:...'" ;;
esac
got=$(out_cg 2001:db8:77::10 8080)
case "$got" in svc*) world_fail "a program outside the cgroup was steered: '$got'" ;; esac
world_log "ok: outside the cgroup, not steered: '$got'"

# 5. Removed: back to the default.
world_ctl steer cgroup del "$REL" >/dev/null || world_fail "steer cgroup del failed"
got=$(in_cg 2001:db8:77::10 8080)
case "$got" in svc*) world_fail "still steered after del: '$got'" ;; esac
world_log "ok: after del, not steered: '$got'"

# 6. mifctl run --cgroup: a cgroup of its own below mifctl's, steered while
# the command runs, removed after (mifctl in a mount namespace with the
# cgroup v2 hierarchy, as mifd).
run_cg() {
	world_exec h unshare --mount sh -c 'mount -t cgroup2 none /sys/fs/cgroup && exec "$@"' sh \
		"$MIFCTL" --socket "$WORLD_TMP/mifd.sock" run --pvd "$B" --cgroup -- "$@" 2>&1 || true
}
got=$(run_cg timeout 8 "$WORLD_TMP/tcpget" 2001:db8:77::10 8080)
case "$got" in
"svc 2001:db8:2:"*) world_log "ok: mifctl run --cgroup -> '$got' (through B)" ;;
*) world_fail "mifctl run --pvd B --cgroup -- tcpget -> '$got', want 'svc 2001:db8:2:...'" ;;
esac
world_ctl --json steer show | jq -e '.cgroups == []' >/dev/null ||
	world_fail "mifctl run --cgroup left its entry: $(world_ctl --json steer show)"
left=$(find "$CGROOT${OWN%/}" -maxdepth 1 -name 'mifctl-run-*' 2>/dev/null)
[ -z "$left" ] || world_fail "mifctl run --cgroup left its cgroup: $left"
rc=$(world_exec h unshare --mount sh -c 'mount -t cgroup2 none /sys/fs/cgroup && exec "$@"' sh \
	"$MIFCTL" --socket "$WORLD_TMP/mifd.sock" run --pvd "$B" --cgroup -- sh -c 'exit 7' \
	>/dev/null 2>&1; echo $?) || true
[ "$rc" = 7 ] || world_fail "mifctl run --cgroup did not pass on the command's status 7: $rc"
world_log "ok: mifctl run --cgroup cleaned up and passed on the status"

# 7. The same from a policy file (doc/policy.md): a user rule whose only
# selector is the cgroup, as /proc/PID/cgroup names it, steers it to the
# PvD its decision puts first; removed with the file.
printf '%s\n' '[policy]' 'actor = user' '[rule static-app]' "cgroup = /$REL" "require = pvd:$B" \
	>"$WORLD_TMP/policy.d/50-app.conf"
world_ctl policy reload >/dev/null || world_fail "policy reload failed"
pol_steered() {
	world_ctl --json steer show | jq -e --arg p "$REL" --arg b "$B" '.policy_cgroups | length == 1 and
		.[0].cgroup == $p and .[0].pvd == $b and .[0].in_force and .[0].error == null and
		.[0].inode > 0' >/dev/null
}
world_wait_for "the policy's cgroup entry in force" 10 pol_steered
got=$(in_cg 2001:db8:77::10 8080)
case "$got" in
"svc 2001:db8:2:"*) world_log "ok: a policy file's cgroup rule -> '$got' (through B)" ;;
*) world_fail "policy cgroup rule: '$got', want 'svc 2001:db8:2:...' ($(world_ctl --json steer show))" ;;
esac
got=$(out_cg 2001:db8:77::10 8080)
case "$got" in svc*) world_fail "a program outside the policy's cgroup was steered: '$got'" ;; esac
rm "$WORLD_TMP/policy.d/50-app.conf"
world_ctl policy reload >/dev/null || world_fail "policy reload failed"
pol_gone() { world_ctl --json steer show | jq -e '.policy_cgroups == []' >/dev/null; }
world_wait_for "the policy's cgroup entry gone" 10 pol_gone
got=$(in_cg 2001:db8:77::10 8080)
case "$got" in svc*) world_fail "still steered after the policy file went: '$got'" ;; esac
world_log "ok: the policy file removed, not steered: '$got'"
world_pass
