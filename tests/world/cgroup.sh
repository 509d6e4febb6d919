# shellcheck shell=bash
# SPDX-License-Identifier: MIT
#
# tests/world/cgroup.sh: cgroups of a test's own and a statically linked
# TCP client, for the tests of cgroup steering (doc/steering.md). Source
# after lib.sh. Every cgroup made here is below the test's own cgroup and
# removed by the world's cleanup.

# cg_root: sets CGROOT (the cgroup v2 hierarchy: pure v2, or hybrid's
# "unified") and CG_OWN (the test's own cgroup, "/..."); 1 if there is none.
cg_root() {
	local d
	CGROOT=""
	for d in /sys/fs/cgroup /sys/fs/cgroup/unified; do
		[ "$(stat -f -c %T "$d" 2>/dev/null)" = cgroup2fs ] && { CGROOT=$d; break; }
	done
	CG_OWN=$(sed -n 's/^0:://p' /proc/self/cgroup)
	[ -n "$CGROOT" ]
}

# cg_make NAME: a cgroup NAME-suffixed below the test's own; sets CG_REL
# (its path relative to the hierarchy, as steering and policy files name
# it without the leading "/") and CG_PATH (its directory). 1 if it cannot
# be made.
cg_make() {
	local rel="${CG_OWN#/}"
	CG_REL="${rel:+$rel/}mw$$-$1"
	CG_PATH="$CGROOT/$CG_REL"
	mkdir "$CG_PATH" 2>/dev/null || return 1
	WORLD_CLEANUP_CMDS+=("rmdir '$CG_PATH'")
}

# cg_tcpget: build tests/tools/tcpget-static.c statically as
# $WORLD_TMP/tcpget; 1 if there is no compiler or no static libc.
cg_tcpget() {
	local src
	src="$(dirname "${BASH_SOURCE[0]}")/../tools/tcpget-static.c"
	command -v cc >/dev/null || return 1
	cc -static -O1 -o "$WORLD_TMP/tcpget" "$src" 2>"$WORLD_TMP/tcpget-cc.log" || return 1
	case "$(ldd "$WORLD_TMP/tcpget" 2>&1 || true)" in
	*"not a dynamic executable"*) ;;
	*) world_fail "tcpget is not statically linked" ;;
	esac
}

# cg_run CGROUP_PATH NS CMD...: CMD in network namespace NS, in the cgroup
# (joined before entering NS: the cgroup is kept across exec), bounded.
cg_run() {
	local cg=$1 ns
	ns=$(world_ns "$2")
	shift 2
	sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$cg" \
		timeout --foreground "$WORLD_CMD_TIMEOUT" ip netns exec "$ns" "$@"
}
