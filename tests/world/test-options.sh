#!/bin/bash
# SPDX-License-Identifier: MIT
#
# mifd's options and their errors:
#  - --interface limits what mifd manages: RAs elsewhere are counted as
#    "unmanaged_interface" and make no PvD;
#  - a bad configuration file, option or interface name is refused with a
#    message naming the problem, and exit status 2;
#  - a second mifd on a live socket refuses to start and the first goes on;
#  - mifctl without a daemon says so clearly.
#
#   r1 -- h:eth0 (managed)      r2 -- h:eth1 (not managed)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq
world_router r1
world_router r2
world_host h
world_link r1 eth0 h eth0
world_link r2 eth0 h eth1

# Errors before anything runs.
expect_refusal() {   # DESC WANT_TEXT ARGS...
	local desc=$1 want=$2 rc=0 out
	shift 2
	out=$(world_exec h "$MIFD" --foreground --socket "$WORLD_TMP/x.sock" "$@" 2>&1) || rc=$?
	[ "$rc" = 2 ] || world_fail "$desc: exit $rc, want 2 ($out)"
	grep -q -- "$want" <<<"$out" || world_fail "$desc: message lacks '$want': $out"
	world_log "ok: $desc: $out"
}
printf '[mifd]\nlog_level = loud\n' >"$WORLD_TMP/bad1.conf"
printf '[mifd]\ninterfaces = eth0\nsockett = /x\n' >"$WORLD_TMP/bad2.conf"
printf '[other]\nfoo = 1\n' >"$WORLD_TMP/bad3.conf"
expect_refusal "bad log level in config" "bad1.conf:2: log_level" --config "$WORLD_TMP/bad1.conf"
expect_refusal "unknown key in config" 'bad2.conf:3: unknown key "sockett"' --config "$WORLD_TMP/bad2.conf"
expect_refusal "unknown section in config" "unknown section \[other\]" --config "$WORLD_TMP/bad3.conf"
expect_refusal "missing config file" "cannot read .*none.conf: No such file" --config "$WORLD_TMP/none.conf"
expect_refusal "bad --log-level" "is not one of" --log-level loud
expect_refusal "bad interface name" "bad or too many names" --interface "a/b"
expect_refusal "stray argument" "unexpected argument" stray
[ ! -e "$WORLD_TMP/x.sock" ] || world_fail "a refused mifd left a socket behind"

rc=0
out=$(world_exec h "$MIFCTL" --socket "$WORLD_TMP/mifd.sock" pvd list 2>&1) || rc=$?
[ "$rc" = 1 ] && grep -q "is mifd running" <<<"$out" ||
	world_fail "mifctl without mifd: exit $rc: $out"
world_log "ok: mifctl without a daemon: $out"

# A good configuration file, with the command line adding to it.
printf '[mifd]\ninterfaces = eth0\nlog_level = debug\n' >"$WORLD_TMP/good.conf"
world_lla h eth0 >/dev/null
world_lla h eth1 >/dev/null
world_mifd h --config "$WORLD_TMP/good.conf"
world_ra_send r1 -i eth0 --lifetime 600 --prefix 2001:db8:1::/64
world_ra_send r2 -i eth0 --lifetime 600 --prefix 2001:db8:2::/64
mif_expect "PvD on the managed interface only" 10 \
	'length == 1 and .[0].interfaces == ["eth0"]'
mif_status | world_jq '.ra.unmanaged_interface >= 1 and .ra.received == 1
	and ([.interfaces[] | select(.managed) | .name] == ["eth0"])' >/dev/null ||
	world_fail "unmanaged RA not counted or wrong managed set"

# A second daemon on the same socket refuses; the first keeps serving.
rc=0
out=$(world_exec h "$MIFD" --foreground --socket "$WORLD_TMP/mifd.sock" 2>&1) || rc=$?
[ "$rc" = 1 ] && grep -q "another mifd is running" <<<"$out" ||
	world_fail "second mifd: exit $rc: $out"
mif_expect "first mifd still answers" 3 'length == 1'
world_log "ok: second mifd refused: $out"

# Unknown verbs and bad arguments to mifctl are usage errors (exit 2).
for args in "frobnicate" "pvd show" "monitor --count x" "--timeout 0 status"; do
	rc=0
	# shellcheck disable=SC2086
	world_ctl $args >/dev/null 2>&1 || rc=$?
	[ "$rc" = 2 ] || world_fail "mifctl $args: exit $rc, want 2"
done
rc=0
world_ctl pvd show no.such.pvd >/dev/null 2>"$WORLD_TMP/err" || rc=$?
[ "$rc" = 1 ] && grep -q "no such PvD" "$WORLD_TMP/err" || world_fail "pvd show unknown: exit $rc"
world_pass
