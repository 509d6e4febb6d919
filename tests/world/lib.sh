# shellcheck shell=bash
# SPDX-License-Identifier: MIT
#
# tests/world/lib.sh: helpers for the "world" tests, which build small
# networks out of network namespaces (routers, hosts, a bridge as a switch)
# and run radvd, mif-ra-send and the daemon inside them.
#
# Usage in tests/world/test-NAME.sh (run as root by meson, suite "world"):
#
#   #!/bin/bash
#   set -euo pipefail
#   . "$(dirname "$0")/lib.sh"
#   world_init
#   world_router r1; world_host h1
#   world_link r1 eth0 h1 eth0
#   ...
#   world_pass
#
# Safety rules kept here:
#   - Every namespace is named "mw<pid>-NAME" (world_ns NAME prints it); every
#     command that changes network state runs inside one of them (ip -n,
#     ip netns exec). The machine's own interfaces, routes, sysctls and
#     resolv.conf are never touched.
#   - Traffic is only sent inside those namespaces.
#   - Every loop is bounded in count and time; long commands run under
#     timeout(1).
#   - world_cleanup (run by the EXIT/INT/TERM trap, and safe to call again)
#     kills the processes we started and every process in our namespaces,
#     then deletes the namespaces and WORLD_TMP.
#   - Exit 77 (skip) only when the machine cannot do it (not root, no
#     "ip netns"); with CI=true those become failures.
#
# Environment: MIF_RA_SEND, MIFD, MIFCTL (set by tests/world/meson.build),
# CI, WORLD_KEEP_TMP=1 (keep WORLD_TMP for inspection),
# WORLD_CMD_TIMEOUT (seconds for one helper command, default 60).

WORLD_TEST=$(basename "${0:-world}" .sh)
WORLD_PREFIX="mw$$-"
WORLD_MAIN_PID=$$
WORLD_TMP=""
WORLD_NS=()              # full namespace names we created
WORLD_PIDS=()            # background processes we started
WORLD_LAST_PID=""
WORLD__KILLED=""
WORLD__REPORTED=""       # world_fail or world_skip printed the FAIL: line
WORLD__ERR=""            # the last command that failed in the main shell
WORLD_MIFD_NS=""
WORLD_MIFD_PID=""
WORLD_CMD_TIMEOUT=${WORLD_CMD_TIMEOUT:-60}
WORLD_CLEANUP_CMDS=()    # run (last first) once our processes are gone
WORLD_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# ---- reporting ----

world_log() {
	printf '[%s] %s\n' "$WORLD_TEST" "$*" >&2
}

# Print the end of every log in WORLD_TMP (mifd.log first), for diagnosis.
world__diag() {
	local f first="$WORLD_TMP/mifd.log" n=0
	[ -n "$WORLD_TMP" ] && [ -d "$WORLD_TMP" ] || return 0
	for f in "$first" "$WORLD_TMP"/*.log; do
		n=$((n + 1))
		[ -f "$f" ] || continue
		[ "$n" -gt 1 ] && [ "$f" = "$first" ] && continue
		printf -- '--- last 40 lines of %s ---\n' "$(basename "$f")"
		# At most 8 KiB, and bytes a log reader chokes on (a sink's
		# NULs) shown as '.': meson's log and check.sh stay text.
		tail -c 8192 "$f" | tail -n 40 | LC_ALL=C tr -c '\11\12\40-\176' '.' |
			sed '$a\' || true
	done
}

# Fail the test: message, log tails, exit 1 (the trap cleans up). Works from
# a subshell too ($(...), pipelines): it then signals the main shell.
world_fail() {
	{
		printf 'FAIL: %s: %s\n' "$WORLD_TEST" "$*"
		world__diag
		# Again at the end: meson's --print-errorlogs keeps only the
		# last lines of a failing test's output, and CI shows them.
		[ -z "$WORLD_TMP" ] || printf 'FAIL: %s: %s\n' "$WORLD_TEST" "${*%%$'\n'*}"
	} >&2
	WORLD__REPORTED=1
	if [ -n "$WORLD_TMP" ] && [ -d "$WORLD_TMP" ]; then
		: >"$WORLD_TMP/.failed"
	fi
	if [ "$BASHPID" != "$WORLD_MAIN_PID" ]; then
		kill -TERM "$WORLD_MAIN_PID" 2>/dev/null
	fi
	exit 1
}

world_pass() {
	printf 'PASS: %s\n' "$WORLD_TEST"
	exit 0
}

# Skip (exit 77) when the machine cannot run world tests; fail under CI.
world_skip() {
	if [ "${CI:-}" = "true" ]; then
		printf 'FAIL: %s: cannot run (%s) and CI=true forbids skipping\n' \
			"$WORLD_TEST" "$*" >&2
		WORLD__REPORTED=1
		exit 1
	fi
	printf 'SKIP: %s: %s\n' "$WORLD_TEST" "$*"
	exit 77
}

# world_require CMD...: fail (not skip: scripts/deps.sh installs them)
# if a command is missing.
world_require() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 ||
			world_fail "missing command '$c' (run scripts/deps.sh)"
	done
}

# ---- setup and cleanup ----

world_init() {
	[ -n "$WORLD_TMP" ] && world_fail "world_init called twice"
	[ "$(id -u)" = 0 ] || world_skip "needs root (network namespaces)"
	command -v ip >/dev/null 2>&1 || world_skip "no ip(8) (iproute2)"
	if ! ip netns add "${WORLD_PREFIX}probe" 2>/dev/null; then
		world_skip "'ip netns add' does not work here"
	fi
	ip netns del "${WORLD_PREFIX}probe" 2>/dev/null || true
	world_require timeout mktemp sysctl
	WORLD_TMP=$(mktemp -d "${TMPDIR:-/tmp}/mif-world.XXXXXX") ||
		world_fail "mktemp failed"
	trap 'world__on_exit' EXIT
	# A command failing under set -e ends the test without world_fail:
	# record where (errtrace: inside functions too), so the exit trap
	# names it (CI shows only the FAIL: lines).
	set -E
	trap 'world__on_err "$?" "${BASH_SOURCE[0]}:$LINENO" "${FUNCNAME[*]:-}" "$BASH_COMMAND"' ERR
	trap 'world__on_signal 130' INT
	trap 'world__on_signal 143' TERM
	world_log "namespaces ${WORLD_PREFIX}*, files in $WORLD_TMP"
}

world__on_signal() {
	set +e
	if [ -n "$WORLD_TMP" ] && [ -f "$WORLD_TMP/.failed" ]; then
		exit 1
	fi
	WORLD__ERR="stopped by SIG$([ "$1" = 130 ] && echo INT || echo TERM) (meson's time-out, or an interrupt)"
	exit "$1"
}

# world__on_err STATUS WHERE FUNCS COMMAND: the ERR trap. Only the main
# shell's record counts: a subshell's failure reaches it as its own.
world__on_err() {
	[ "$BASHPID" = "$WORLD_MAIN_PID" ] || return 0
	case $- in *e*) ;; *) return 0 ;; esac      # set +e: a failure it meant to allow
	WORLD__ERR="$2${3:+ (in ${3// / < })}: '$4' exited with status $1"
}

world__on_exit() {
	local rc=$? msg
	set +e
	trap - ERR
	if [ "$rc" != 0 ] && [ "$rc" != 77 ] && [ -z "$WORLD__REPORTED" ] &&
		! { [ -n "$WORLD_TMP" ] && [ -f "$WORLD_TMP/.failed" ]; }; then
		{
			case "$WORLD__ERR" in
			"stopped by SIG"*) msg=$WORLD__ERR ;;
			*) msg="stopped by a failing command: ${WORLD__ERR:-unknown command, exit status $rc}" ;;
			esac
			printf 'FAIL: %s: %s\n' "$WORLD_TEST" "$msg"
			world__diag
			printf 'FAIL: %s: %s\n' "$WORLD_TEST" "${msg%%$'\n'*}"
		} >&2
	fi
	if [ -n "$WORLD_TMP" ] && [ -f "$WORLD_TMP/.failed" ] && [ "$rc" = 0 ]; then
		rc=1
	fi
	if ! world_cleanup && [ "$rc" = 0 ]; then
		printf "FAIL: %s: cleanup failed (see its 'cleanup:' lines above)\n" "$WORLD_TEST" >&2
		rc=1
	fi
	exit "$rc"
}

# True if the process exists and is not a zombie.
world__alive() {
	local st
	[ -r "/proc/$1/stat" ] || return 1
	st=$(awk '{ sub(/^.*\) /, ""); print $1 }' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ]
}

# True if PID is a child of the main shell (a pid recorded by world_bg that
# was reused by someone else is not).
world__our_child() {
	[ "$(awk '/^PPid:/ { print $2 }' "/proc/$1/status" 2>/dev/null)" = "$WORLD_MAIN_PID" ]
}

# PIDs of every process in our namespaces plus our background children
# (one may not have entered its namespace yet), never the shell itself.
world__all_pids() {
	local ns pid
	{
		for pid in "${WORLD_PIDS[@]}"; do
			if world__our_child "$pid"; then echo "$pid"; fi
		done
		for ns in "${WORLD_NS[@]}"; do ip netns pids "$ns" 2>/dev/null || true; done
	} | sort -un | while read -r pid; do
		[ "$pid" = "$WORLD_MAIN_PID" ] || [ "$pid" = "$BASHPID" ] || echo "$pid"
	done
}

# The live ones among our processes (see world__all_pids).
world__live_pids() {
	local pid
	for pid in $(world__all_pids); do
		if world__alive "$pid"; then echo "$pid"; fi
	done
}

# world__signal SIG TRIES: send SIG to our live processes, then poll every
# 0.1 s, at most TRIES times, until none is left. Prints the survivors.
world__signal() {
	local pids i
	pids=$(world__live_pids)
	[ -n "$pids" ] || return 0
	[ "$1" = TERM ] || world_log "cleanup: SIG$1 to ${pids//$'\n'/ }"
	# shellcheck disable=SC2086
	kill "-$1" $pids 2>/dev/null
	for ((i = 0; i < $2; i++)); do
		pids=$(world__live_pids)
		[ -n "$pids" ] || return 0
		sleep 0.1
	done
	echo "$pids"
}

# Kill our processes: TERM, up to 3 s, then KILL, up to 2 s; reap our
# children. Leaves the pids in WORLD__KILLED for world__wait_reaped.
world__kill_all() {
	local - left pid
	set +e
	WORLD__KILLED=$(world__all_pids)
	[ -n "$WORLD__KILLED" ] || return 0
	left=$(world__signal TERM 30)
	[ -z "$left" ] || left=$(world__signal KILL 20)
	for pid in "${WORLD_PIDS[@]}"; do wait "$pid" 2>/dev/null; done
	[ -z "$left" ] || { world_log "cleanup: still alive: ${left//$'\n'/ }"; return 1; }
}

# Give init up to 2 s to reap the orphans among the killed processes
# (radvd's privsep helper), so that they do not show as zombies afterwards.
world__wait_reaped() {
	local pid="" i
	for ((i = 0; i < 20; i++)); do
		for pid in $WORLD__KILLED; do [ -e "/proc/$pid" ] && break; pid=""; done
		[ -n "$pid" ] || break
		sleep 0.1
	done
	WORLD__KILLED=""
}

# Remove everything this run created. Idempotent; returns 1 if something
# could not be removed. Only the main shell cleans (never a subshell).
# A daemon built with ASan/UBSan (make check runs the world tests against
# that build too) reports into its log; any report fails the test.
world__sanitizer_check() {
	local f="$WORLD_TMP/mifd.log"
	[ -n "$WORLD_TMP" ] && [ -f "$f" ] || return 0
	if grep -qE "ERROR: (Address|Leak)Sanitizer|Sanitizer: CHECK failed|runtime error:" "$f"; then
		printf 'FAIL: %s: sanitizer report in mifd.log:\n' "$WORLD_TEST" >&2
		grep -E -A30 "ERROR: (Address|Leak)Sanitizer|Sanitizer: CHECK failed|runtime error:" "$f" | head -n 60 >&2
		return 1
	fi
	return 0
}

world_cleanup() {
	local - ns i ok=0 left
	set +e
	[ "$BASHPID" = "$WORLD_MAIN_PID" ] || return 0
	world__kill_all || ok=1
	world__sanitizer_check || ok=1
	for ((i = ${#WORLD_NS[@]} - 1; i >= 0; i--)); do
		ns=${WORLD_NS[i]}
		ip netns del "$ns" 2>/dev/null
	done
	left=$(ip netns list 2>/dev/null | awk '{ print $1 }' | grep -F -- "$WORLD_PREFIX" || true)
	if [ -n "$left" ]; then
		world_log "cleanup: namespaces left: ${left//$'\n'/ }"
		ok=1
	fi
	WORLD_NS=()
	WORLD_PIDS=()
	WORLD_MIFD_NS=""
	WORLD_MIFD_PID=""
	if [ -n "$WORLD_TMP" ] && [ -d "$WORLD_TMP" ]; then
		if [ "${WORLD_KEEP_TMP:-0}" = 1 ]; then
			world_log "kept $WORLD_TMP"
		else
			rm -rf "$WORLD_TMP"
			WORLD_TMP=""
		fi
	fi
	world__wait_reaped
	for ((i = ${#WORLD_CLEANUP_CMDS[@]} - 1; i >= 0; i--)); do
		eval "${WORLD_CLEANUP_CMDS[i]}" 2>/dev/null ||
			{ world_log "cleanup: failed: ${WORLD_CLEANUP_CMDS[i]}"; ok=1; }
	done
	WORLD_CLEANUP_CMDS=()
	return "$ok"
}

# ---- namespaces and links ----

world__need_init() {
	if [ -z "$WORLD_TMP" ] || [ ! -d "$WORLD_TMP" ]; then
		world_fail "call world_init first (or the world was cleaned up)"
	fi
}

# world_ns NAME: the full namespace name for NAME.
world_ns() {
	printf '%s%s\n' "$WORLD_PREFIX" "$1"
}

world__known_ns() {
	local ns
	for ns in "${WORLD_NS[@]}"; do [ "$ns" = "$1" ] && return 0; done
	return 1
}

# world__ns NAME: full name of a namespace of this run, or fail.
world__ns() {
	local ns
	world__need_init
	ns=$(world_ns "$1")
	world__known_ns "$ns" || world_fail "no namespace '$1' in this world (world_host first)"
	printf '%s\n' "$ns"
}

# world_exec NS CMD...: run CMD inside namespace NS (bounded in time).
world_exec() {
	local ns
	ns=$(world__ns "$1") || exit 1
	shift
	# --foreground keeps timeout in our process group, so that meson's
	# SIGTERM to the group on a test timeout reaches the command too.
	timeout --foreground "$WORLD_CMD_TIMEOUT" ip netns exec "$ns" "$@"
}

# world_sysctl NS KEY=VALUE...: set sysctls inside NS.
world_sysctl() {
	local ns=$1 kv
	shift
	for kv in "$@"; do
		world_exec "$ns" sysctl -q -w "$kv" >/dev/null ||
			world_fail "sysctl $kv in $ns failed"
	done
}

# world_host NAME: new namespace with lo up.
world_host() {
	local ns
	world__need_init
	ns=$(world_ns "$1")
	world__known_ns "$ns" && world_fail "namespace '$1' already exists"
	ip netns add "$ns" || world_fail "ip netns add $ns failed"
	WORLD_NS+=("$ns")
	ip -n "$ns" link set lo up || world_fail "lo up in $ns failed"
}

# world_router NAME: a host with IPv6 forwarding on. Hosts drop RAs from
# a node that does not forward (RFC 4861 7.2.5) and radvd refuses to run.
world_router() {
	world_host "$1"
	world_sysctl "$1" net.ipv6.conf.all.forwarding=1 net.ipv6.conf.default.forwarding=1
}

# world_link NS_A IF_A NS_B IF_B: veth pair, both ends up.
world_link() {
	local a b
	a=$(world__ns "$1") || exit 1
	b=$(world__ns "$3") || exit 1
	ip -n "$a" link add name "$2" type veth peer name "$4" netns "$b" ||
		world_fail "veth $1/$2 - $3/$4 failed"
	ip -n "$a" link set "$2" up || world_fail "link $1/$2 up failed"
	ip -n "$b" link set "$4" up || world_fail "link $3/$4 up failed"
}

# world_bridge NS BR: a bridge acting as a switch (no STP, no multicast
# snooping, no IPv6 of its own so the switch stays silent).
world_bridge() {
	local ns
	ns=$(world__ns "$1") || exit 1
	ip -n "$ns" link add name "$2" type bridge stp_state 0 mcast_snooping 0 ||
		world_fail "bridge $1/$2 failed"
	world_sysctl "$1" "net.ipv6.conf.$2.disable_ipv6=1"
	ip -n "$ns" link set "$2" up || world_fail "bridge $1/$2 up failed"
}

# world_bridge_port NS BR IF: enslave IF (e.g. one end of a world_link) to BR.
world_bridge_port() {
	local ns
	ns=$(world__ns "$1") || exit 1
	world_sysctl "$1" "net.ipv6.conf.$3.disable_ipv6=1"
	ip -n "$ns" link set "$3" master "$2" up ||
		world_fail "port $1/$3 on $2 failed"
}

# world_addr NS IF ADDR/PLEN: add a static address (no DAD, so it is usable
# at once, e.g. as a second link-local source for mif-ra-send -s).
world_addr() {
	local ns
	ns=$(world__ns "$1") || exit 1
	ip -n "$ns" addr add "$3" dev "$2" nodad ||
		world_fail "address $3 on $1/$2 failed"
}

# world_lla NS IF: print the usable (non-tentative) fe80:: address of IF,
# waiting up to 10 s for DAD to finish. The kernel's own LLA is preferred;
# one added by world_addr (nodad) is printed only if the kernel's has not
# shown up after 3 s (e.g. addrgenmode none).
world_lla() {
	local ns i out
	ns=$(world__ns "$1") || exit 1
	ip -n "$ns" link show dev "$2" >/dev/null 2>&1 || world_fail "no interface $1/$2"
	for i in $(seq 1 100); do
		out=$(ip -n "$ns" -6 -o addr show dev "$2" scope link -tentative 2>/dev/null |
			awk '{ split($4, p, "/") }
			     / nodad / { if (m == "") m = p[1]; next }
			     { k = p[1]; exit }
			     END { print k; print m }') || true
		if [ -n "${out%%$'\n'*}" ]; then
			printf '%s\n' "${out%%$'\n'*}"
			return 0
		fi
		if [ "$i" -gt 30 ] && [ -n "${out#*$'\n'}" ]; then
			printf '%s\n' "${out#*$'\n'}"
			return 0
		fi
		sleep 0.1
	done
	world_fail "no link-local address on $1/$2 after 10 s"
}

# ---- processes ----

# world_bg NS LOGNAME CMD...: start CMD in the background inside NS, output
# to $WORLD_TMP/LOGNAME.log. Sets WORLD_LAST_PID. Call it directly, not in
# $(...) (the process must be a child of the main shell).
world_bg() {
	local ns log
	ns=$(world__ns "$1") || exit 1
	log="$WORLD_TMP/$2.log"
	shift 2
	[ "$BASHPID" = "$WORLD_MAIN_PID" ] || world_fail "world_bg called from a subshell"
	ip netns exec "$ns" "$@" >>"$log" 2>&1 </dev/null &
	WORLD_LAST_PID=$!
	WORLD_PIDS+=("$WORLD_LAST_PID")
}

# world_radvd NS CONF_TEXT: check the config with radvd -c, then run radvd
# in NS. Sets WORLD_LAST_PID.
world_radvd() {
	local conf base i
	world__need_init
	world_require radvd
	base="$WORLD_TMP/radvd-$1"
	conf="$base.conf"
	[ -e "$conf" ] && world_fail "radvd already started in $1"
	printf '%s\n' "$2" >"$conf"
	chmod 600 "$conf"
	world_exec "$1" radvd -c -C "$conf" >"$base-check.log" 2>&1 ||
		world_fail "radvd config for $1 rejected: $(cat "$base-check.log")"
	world_bg "$1" "radvd-$1" radvd -n -C "$conf" -p "$base.pid" -m stderr -d 1
	for i in $(seq 1 50); do
		[ -s "$base.pid" ] && return 0
		world__alive "$WORLD_LAST_PID" || break
		sleep 0.1
	done
	world_fail "radvd in $1 did not start"
}

# Path of mif-ra-send: $MIF_RA_SEND, else a guess from common build dirs.
world__ra_send_path() {
	local d c
	if [ -n "${MIF_RA_SEND:-}" ]; then
		printf '%s\n' "$MIF_RA_SEND"
		return 0
	fi
	for d in build builddir _build; do
		c="$WORLD_LIB_DIR/../../$d/tests/tools/mif-ra-send"
		[ -x "$c" ] && { printf '%s\n' "$c"; return 0; }
	done
	return 1
}

# world_ra_send NS ARGS...: run mif-ra-send ARGS inside NS (see
# mif-ra-send --help). Without -s it first waits for the LLA of -i IFACE.
world_ra_send() {
	local ns=$1 exe ifname="" has_src=0 a prev=""
	shift
	exe=$(world__ra_send_path) || world_fail "mif-ra-send not found (set MIF_RA_SEND)"
	[ -x "$exe" ] || world_fail "MIF_RA_SEND=$exe is not executable"
	for a in "$@"; do
		case "$prev" in -i | --interface) ifname=$a ;; esac
		case "$a" in --interface=*) ifname=${a#*=} ;; -i?*) ifname=${a#-i} ;; esac
		case "$a" in -s | --source | -s?* | --source=*) has_src=1 ;; esac
		prev=$a
	done
	if [ -n "$ifname" ] && [ "$has_src" = 0 ]; then
		world_lla "$ns" "$ifname" >/dev/null
	fi
	world_exec "$ns" "$exe" "$@" || world_fail "mif-ra-send in $ns failed: $*"
}

# world_mifd NS [ARGS...]: start $MIFD in NS on $WORLD_TMP/mifd.sock,
# logging to $WORLD_TMP/mifd.log; wait up to 5 s for the socket. One
# daemon per world.
world_mifd() {
	local ns=$1 i sock
	world__need_init
	sock="$WORLD_TMP/mifd.sock"
	shift
	[ -n "${MIFD:-}" ] || world_fail "MIFD is not set (the daemon is not built?)"
	[ -x "$MIFD" ] || world_fail "MIFD=$MIFD is not executable"
	[ -z "$WORLD_MIFD_PID" ] || world_fail "mifd already running"
	# The stub's resolv.conf goes in WORLD_TMP, never in the machine's /run.
	# Connectivity checks only where a test asks for them
	# (WORLD_CONNECTIVITY=1): elsewhere their queries would reach servers
	# whose queries the test counts.
	local conn=--no-connectivity
	[ "${WORLD_CONNECTIVITY:-0}" = 1 ] && conn=
	# Leases and the address secret in WORLD_TMP too (kept across a
	# restart within one test), never in the machine's /var/lib/mif.
	# WORLD_MIFD_CGROUP=1: with the cgroup v2 hierarchy mounted where its
	# cgroup steering looks ("ip netns exec" mounts a /sys without it), in a
	# mount namespace of mifd's own.
	local pre=()
	[ "${WORLD_MIFD_CGROUP:-0}" = 1 ] &&
		pre=(unshare --mount sh -c 'mount -t cgroup2 none /sys/fs/cgroup && exec "$@"' sh)
	world_bg "$ns" mifd "${pre[@]}" "$MIFD" --foreground --socket "$sock" --log-level debug \
		--resolv-conf "$WORLD_TMP/resolv.conf" --state-dir "$WORLD_TMP/state" $conn "$@"
	WORLD_MIFD_PID=$WORLD_LAST_PID
	WORLD_MIFD_NS=$ns
	for i in $(seq 1 50); do
		[ -S "$sock" ] && return 0
		world__alive "$WORLD_MIFD_PID" || world_fail "mifd exited at start"
		sleep 0.1
	done
	world_fail "mifd socket $sock did not appear within 5 s"
}

# world_ctl ARGS...: run $MIFCTL against the world's daemon, in its namespace.
world_ctl() {
	[ -n "${MIFCTL:-}" ] || world_fail "MIFCTL is not set"
	[ -n "$WORLD_MIFD_NS" ] || world_fail "world_ctl before world_mifd"
	world_exec "$WORLD_MIFD_NS" "$MIFCTL" --socket "$WORLD_TMP/mifd.sock" "$@"
}

# ---- waiting and assertions ----

world__now_ms() {
	if [ -n "${EPOCHREALTIME:-}" ]; then
		local t=${EPOCHREALTIME/[.,]/}
		echo $((t / 1000))
	else
		date +%s%3N
	fi
}

# world_wait_for DESC TIMEOUT_S CMD...: retry CMD every 0.1 s until it
# succeeds (returns 0) or TIMEOUT_S (integer seconds) has passed (then
# fail with DESC and the last output). CMD may be a shell function.
world_wait_for() {
	local desc=$1 tmo=$2 end out="" i n
	shift 2
	case "$tmo" in '' | *[!0-9]*) world_fail "world_wait_for: bad timeout '$tmo'" ;; esac
	end=$(($(world__now_ms) + tmo * 1000))
	n=$((tmo * 10 + 1))
	for ((i = 0; i < n; i++)); do
		if out=$("$@" 2>&1); then
			return 0
		fi
		[ "$(world__now_ms)" -lt "$end" ] || break
		sleep 0.1
	done
	world_fail "timed out after ${tmo}s waiting for: $desc
last output of '$*':
$out"
}

# world_assert DESC CMD...: CMD must succeed, otherwise fail with DESC.
world_assert() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		world_log "ok: $desc"
		return 0
	fi
	world_fail "assertion failed: $desc
output of '$*':
$out"
}

# world_jq [JQ_OPTIONS...] FILTER: jq -e over JSON on stdin; prints jq's
# output; on a false/null result or an error, prints the input to stderr
# and returns non-zero.
world_jq() {
	local in rc=0
	in=$(cat)
	printf '%s\n' "$in" | jq -e "$@" || rc=$?
	if [ "$rc" != 0 ]; then
		printf 'world_jq: %s: no match (rc %s) on input:\n%s\n' \
			"${*: -1}" "$rc" "$in" | head -n 60 >&2
	fi
	return "$rc"
}
