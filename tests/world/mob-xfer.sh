# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# tests/world/mob-xfer.sh, after lib.sh: full-speed transfers between the
# correspondent cn (2001:db8:c::2) and a mobile node's home address $HOA,
# compared byte for byte (test-mobility.sh, test-mobility-mifd.sh,
# test-mobility-fast.sh).
#
# mobx_serve MIB: a random file of MIB MiB ($WORLD_TMP/big) served over
#   HTTP on cn port 8080, reachable from mn.
# mobx_download LABEL: fetch it at full speed from mn: one connection, the
#   whole file, from the home address, the same bytes.
# mobx_upload LABEL: send it from mn to a TCP sink on cn port 8081: from
#   the home address, the same bytes.

mobx_serve() {
	world_exec cn dd if=/dev/urandom of="$WORLD_TMP/big" bs=1M count="$1" status=none
	MOBX_SIZE=$(($1 * 1048576))
	world_bg cn http python3 -m http.server -b 2001:db8:c::2 -d "$WORLD_TMP" 8080
	world_wait_for "http server" 10 world_exec mn curl -s -o /dev/null -r 0-0 \
		"http://[2001:db8:c::2]:8080/big"
}

mobx_download() {
	rm -f "$WORLD_TMP/fast"
	world_exec mn curl -sS --max-time 60 -o "$WORLD_TMP/fast" \
		-w '%{num_connects} %{size_download} %{local_ip}\n' \
		"http://[2001:db8:c::2]:8080/big" >"$WORLD_TMP/fast.out" ||
		world_fail "fast download $1: $(cat "$WORLD_TMP/fast.out")"
	world_assert "fast download $1: whole file from the home address" \
		grep -qx "1 $MOBX_SIZE $HOA" "$WORLD_TMP/fast.out"
	world_assert "fast download $1: same bytes" cmp -s "$WORLD_TMP/big" "$WORLD_TMP/fast"
}

mobx_upload() {
	rm -f "$WORLD_TMP/up" "$WORLD_TMP/sink.log"
	world_bg cn sink python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET6)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("2001:db8:c::2", 8081))
s.listen(1)
c, a = s.accept()
with open(sys.argv[1], "wb") as f:
    for b in iter(lambda: c.recv(1 << 16), b""):
        f.write(b)
print(a[0])' "$WORLD_TMP/up"
	local sink=$WORLD_LAST_PID
	world_wait_for "TCP sink" 10 bash -c \
		"ip netns exec $(world_ns cn) ss -ltnH | grep -q ':8081 '"
	world_exec mn timeout 60 python3 -c 'import socket, sys
c = socket.create_connection(("2001:db8:c::2", 8081), source_address=(sys.argv[2], 0))
c.sendall(open(sys.argv[1], "rb").read())
c.close()' "$WORLD_TMP/big" "$HOA" || world_fail "fast upload $1 failed"
	wait "$sink" || world_fail "TCP sink failed: $(cat "$WORLD_TMP/sink.log")"
	world_assert "fast upload $1: from the home address" grep -qx "$HOA" "$WORLD_TMP/sink.log"
	world_assert "fast upload $1: same bytes" cmp -s "$WORLD_TMP/big" "$WORLD_TMP/up"
}
