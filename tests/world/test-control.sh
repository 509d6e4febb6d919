#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The control socket under abuse: garbage, wrong shapes, unknown methods,
# an oversized line, many requests in one write, clients vanishing
# mid-request. Each gets a clear error (or is dropped); mifd keeps serving.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq nc
world_router r1
world_host h
world_link r1 eth0 h eth0
world_lla h eth0 >/dev/null
world_mifd h
world_ra_send r1 -i eth0 --lifetime 600 --prefix 2001:db8:1::/64
mif_expect "PvD learnt" 10 'length == 1'
sock=$WORLD_TMP/mifd.sock

# raw TEXT: send TEXT to the socket, print what mifd answers (1 s).
raw() { printf '%b' "$1" | world_exec h timeout 2 nc -U -q 1 "$sock" || true; }
expect_error() {   # DESC INPUT CODE
	local out
	out=$(raw "$2")
	printf '%s' "$out" | head -n 1 | jq -e --arg c "$3" \
		'.ok == false and .error.code == $c and (.error.message | length) > 0' >/dev/null ||
		world_fail "$1: want error $3, got: $out"
	world_log "ok: $1 -> $(printf '%s' "$out" | head -n 1 | jq -c .error)"
}
expect_error "not JSON" 'hello\n' EINVAL
expect_error "a JSON array" '[1,2]\n' EINVAL
expect_error "no method" '{"id":1}\n' EINVAL
expect_error "method not a string" '{"id":1,"method":5}\n' EINVAL
expect_error "params not an object" '{"id":1,"method":"pvd.list","params":[1]}\n' EINVAL
expect_error "duplicate keys" '{"id":1,"method":"pvd.list","method":"status"}\n' EINVAL
expect_error "unknown method" '{"id":1,"method":"pvd.destroy"}\n' EOPNOTSUPP
expect_error "pvd.get without id" '{"id":1,"method":"pvd.get"}\n' EINVAL
expect_error "pvd.get unknown" '{"id":1,"method":"pvd.get","params":{"id":"nope"}}\n' ENOENT
expect_error "log.set bad level" '{"id":1,"method":"log.set","params":{"level":"loud"}}\n' EINVAL

# The id is echoed, whatever its type.
out=$(raw '{"id":"abc","method":"status"}\n{"id":[1],"method":"status"}\n')
printf '%s' "$out" | jq -s -e '[.[].id] == ["abc", [1]] and all(.ok)' >/dev/null ||
	world_fail "ids not echoed in order: $out"

# Several requests in one write, answered in order.
out=$(raw '{"id":1,"method":"status"}\n{"id":2,"method":"pvd.list"}\n{"id":3,"method":"bad"}\n')
printf '%s' "$out" | jq -s -e '[.[].id] == [1,2,3] and .[0].ok and .[1].ok and (.[2].ok | not)' \
	>/dev/null || world_fail "pipelined requests: $out"

# A line over 64 KiB without a newline: EMSGSIZE, then the connection closes.
big=$(head -c 70000 /dev/zero | tr '\0' 'x')
out=$(raw "$big")
printf '%s' "$out" | jq -e '.error.code == "EMSGSIZE"' >/dev/null ||
	world_fail "oversized line: $(printf '%s' "$out" | head -c 200)"

# Clients that vanish: mid-line, right after a request, after subscribing.
for i in $(seq 1 20); do
	printf '{"id":1,"meth' | world_exec h timeout 1 nc -U -q 0 "$sock" >/dev/null 2>&1 || true
	printf '{"id":1,"method":"pvd.list"}\n' | world_exec h timeout 1 nc -U -q 0 "$sock" >/dev/null 2>&1 || true
	printf '{"id":1,"method":"subscribe"}\n' | world_exec h timeout 1 nc -U -q 0 "$sock" >/dev/null 2>&1 || true
done
world__alive "$WORLD_MIFD_PID" || world_fail "mifd died"
mif_status | world_jq '.control.clients == 1 and .control.subscribers == 0' >/dev/null ||
	world_fail "connections of vanished clients were not released"
world_ra_send r1 -i eth0 --lifetime 600 --prefix 2001:db8:2::/64
mif_expect "mifd still learns and serves" 5 'length == 1 and (.[0].prefixes | length) == 2'
world_pass
