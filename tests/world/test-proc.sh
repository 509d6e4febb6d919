#!/bin/bash
# SPDX-License-Identifier: MIT
#
# What each of mifd's three processes holds, read from /proc (issue 11
# item 2, doc/architecture.md "The processes"):
#   - the privileged parent (the pid mifd started as): uid 0, effective
#     CAP_NET_ADMIN, CAP_NET_RAW and CAP_NET_BIND_SERVICE (DHCP's ports) only; CAP_SETUID, CAP_SETGID and
#     CAP_SETPCAP permitted but not effective (to restart the
#     network-facing process as the unprivileged user); no_new_privs; a
#     seccomp filter (a deny-list: exec, ptrace, modules...) on every
#     thread; its helper thread (the bind socket's closer) holds nothing;
#   - the engine and the network-facing process: an unprivileged uid, no
#     capability in any set, no_new_privs, seccomp filter mode (2), not
#     dumpable, and only sockets, pipes and event descriptors open;
#   - `mifctl status` names the same pids and capabilities.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq
world_host h
world_mifd h
# The control socket appears before the parent has dropped its
# capabilities and installed its filter; the engine answers only after
# (parent_run): wait for an answer, not for the socket.
world_wait_for "mifd answers" 10 world_ctl status

field() { awk -v k="$1:" '$1 == k { print $2 }' "$2"; }
ZERO=0000000000000000
# CAP_SETGID (6), CAP_SETUID (7), CAP_SETPCAP (8), CAP_NET_BIND_SERVICE (10),
# CAP_NET_ADMIN (12), CAP_NET_RAW (13).
PARENT_EFF=0000000000003400
PARENT_PRM=00000000000035c0
P=$WORLD_MIFD_PID

# The parent's threads.
n=0
for st in /proc/"$P"/task/*/status; do
	tid=${st%/status}; tid=${tid##*/}
	eff=$(field CapEff "$st"); prm=$(field CapPrm "$st"); bnd=$(field CapBnd "$st")
	inh=$(field CapInh "$st"); nnp=$(field NoNewPrivs "$st"); sec=$(field Seccomp "$st")
	world_log "parent task $tid: uid $(field Uid "$st") CapEff $eff CapPrm $prm CapBnd $bnd" \
		"NoNewPrivs $nnp Seccomp $sec"
	[ "$nnp" = 1 ] || world_fail "parent task $tid has no_new_privs unset"
	[ "$sec" = 2 ] || world_fail "parent task $tid has no seccomp filter (mode $sec)"
	[ "$inh" = $ZERO ] || world_fail "parent task $tid has inheritable capabilities $inh"
	if [ "$tid" = "$P" ]; then
		[ "$eff" = $PARENT_EFF ] && [ "$prm" = $PARENT_PRM ] && [ "$bnd" = $PARENT_PRM ] ||
			world_fail "parent holds $eff/$prm/$bnd, want $PARENT_EFF/$PARENT_PRM/$PARENT_PRM"
	else
		[ "$eff" = $ZERO ] && [ "$prm" = $ZERO ] && [ "$bnd" = $ZERO ] ||
			world_fail "parent helper thread $tid holds $eff/$prm/$bnd, want nothing"
	fi
	n=$((n + 1))
done
[ "$n" -ge 9 ] || world_fail "expected the parent's main thread and its 8 closer lanes (bs_closer.h), saw $n"

# Exactly two children, each locked down.
kids=$(pgrep -P "$P" | sort -n | tr '\n' ' ')
[ "$(wc -w <<<"$kids")" = 2 ] || world_fail "want 2 child processes of $P, have: $kids"
for k in $kids; do
	st=/proc/$k/status
	uid=$(field Uid "$st")
	world_log "child $k: uid $uid CapEff $(field CapEff "$st") CapPrm $(field CapPrm "$st")" \
		"CapBnd $(field CapBnd "$st") NoNewPrivs $(field NoNewPrivs "$st")" \
		"Seccomp $(field Seccomp "$st") fds $(ls /proc/"$k"/fd | wc -l)"
	[ "$uid" != 0 ] || world_fail "child $k runs as root"
	for f in CapEff CapPrm CapBnd CapInh; do
		[ "$(field $f "$st")" = $ZERO ] || world_fail "child $k has $f $(field $f "$st")"
	done
	[ "$(field NoNewPrivs "$st")" = 1 ] || world_fail "child $k has no_new_privs unset"
	[ "$(field Seccomp "$st")" = 2 ] || world_fail "child $k has no seccomp filter"
	# Not dumpable: /proc/PID/fd belongs to root, and ptrace is refused.
	[ "$(stat -c %u /proc/"$k"/fd)" = 0 ] || world_fail "child $k is dumpable"
	bad=$(for fd in /proc/"$k"/fd/*; do [ "${fd##*/}" -gt 2 ] && readlink "$fd"; done |
		grep -Ev '^(socket:|pipe:|anon_inode:)' || true)
	# (libevent's signal pipe is a pipe)
	[ -z "$bad" ] || world_fail "child $k holds more than sockets, pipes and event inodes: $bad"
done
world_log "ok: parent with net_admin, net_raw, net_bind_service; two children with nothing"

# Descriptors of the parent past stdio: sockets, pipes, event inodes.
bad=$(for fd in /proc/"$P"/fd/*; do
	[ "${fd##*/}" -gt 2 ] && readlink "$fd"; done |
	grep -Ev '^(socket:|pipe:|anon_inode:|/dev/null$)' || true)
[ -z "$bad" ] || world_fail "the parent keeps files open: $bad"

# The status agrees with /proc.
s=$(mif_status)
world_jq --argjson p "$P" '.pid == $p and .processes.parent.pid == $p and
	(.capabilities | sort == ["net_admin","net_bind_service","net_raw"]) and
	.processes.engine.capabilities == [] and .processes.net.capabilities == []' <<<"$s" \
	>/dev/null || world_fail "mifctl status disagrees with /proc: $(jq -c .processes <<<"$s")"
for role in engine net; do
	pid=$(jq -r ".processes.$role.pid" <<<"$s")
	grep -qw "$pid" <<<"$kids" || world_fail "status names $role pid $pid, not a child"
done
world_log "ok: status names the three processes: $(jq -c '.processes | map_values(.pid)' <<<"$s")"
world_pass
