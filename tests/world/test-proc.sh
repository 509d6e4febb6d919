#!/bin/bash
# SPDX-License-Identifier: MIT
#
# What a running mifd holds, read from /proc (issue 11 item 2, issue 17):
# after start-up the main thread keeps exactly CAP_NET_ADMIN, CAP_NET_RAW
# and CAP_NET_BIND_SERVICE (effective, permitted and bounding sets), every
# thread has no_new_privs, and a helper thread started before the drop (the
# bind socket's closer) holds no capability at all. mifd is still one
# process (doc/architecture.md): this test names what each thread holds so
# that the process split can tighten it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq
world_host h
world_mifd h

# CAP_NET_BIND_SERVICE (10), CAP_NET_ADMIN (12), CAP_NET_RAW (13).
want=0000000000003400
field() { awk -v k="$1:" '$1 == k { print $2 }' "$2"; }
n=0
for st in /proc/"$WORLD_MIFD_PID"/task/*/status; do
	tid=${st%/status}; tid=${tid##*/}
	name=$(field Name "$st")
	eff=$(field CapEff "$st"); prm=$(field CapPrm "$st"); bnd=$(field CapBnd "$st")
	inh=$(field CapInh "$st"); nnp=$(field NoNewPrivs "$st"); sec=$(field Seccomp "$st")
	world_log "task $tid ($name): CapEff $eff CapPrm $prm CapBnd $bnd CapInh $inh" \
		"NoNewPrivs $nnp Seccomp $sec"
	[ "$nnp" = 1 ] || world_fail "task $tid has no_new_privs unset"
	[ "$inh" = 0000000000000000 ] || world_fail "task $tid has inheritable capabilities $inh"
	if [ "$tid" = "$WORLD_MIFD_PID" ]; then
		[ "$eff" = $want ] && [ "$prm" = $want ] && [ "$bnd" = $want ] ||
			world_fail "main thread holds $eff/$prm/$bnd, want $want"
	else
		[ "$eff" = 0000000000000000 ] && [ "$prm" = 0000000000000000 ] &&
			[ "$bnd" = 0000000000000000 ] ||
			world_fail "helper thread $tid holds $eff/$prm/$bnd, want nothing"
	fi
	n=$((n + 1))
done
[ "$n" -ge 2 ] || world_fail "expected the main thread and the closer thread, saw $n task(s)"
world_log "ok: $n threads, each with only its own privileges"

# Descriptors past stdin, stdout and stderr (the world's log here): every
# one is a socket, a pipe or an anonymous inode (epoll, timers); mifd keeps
# no file open after start-up.
bad=$(for fd in /proc/"$WORLD_MIFD_PID"/fd/*; do
	[ "${fd##*/}" -gt 2 ] && readlink "$fd"; done |
	grep -Ev '^(socket:|pipe:|anon_inode:|/dev/null$)' || true)
[ -z "$bad" ] || world_fail "mifd keeps files open: $bad"
world_log "ok: $(ls /proc/"$WORLD_MIFD_PID"/fd | wc -l) descriptors, sockets, pipes and event inodes only"

# The status mifd reports agrees with /proc.
mif_status | world_jq '.capabilities | sort == ["net_admin","net_bind_service","net_raw"]' \
	>/dev/null || world_fail "mifctl status does not list exactly the three capabilities"
world_pass
