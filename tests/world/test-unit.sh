#!/bin/bash
# SPDX-License-Identifier: MIT
#
# mifd.service under a real systemd: this build's `meson install --destdir`
# tree copied into an overlay of / and booted by systemd as PID 1 of its own
# PID, mount and network namespaces (scripts/deb-systemd-test.sh --staged,
# which scripts/deb.sh runs on the Debian packages): the unit becomes
# active under its sandbox, its children run as mif, the per-link sysctls
# and a PvD's routes get through the sandbox; an OpenVPN tunnel's up
# script adds a PvD, getent ahosts resolves through nss-mif, mifctl
# metrics and a Prometheus scrape count it; the unit stops cleanly.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

world_init
world_require unshare nsenter systemd-analyze openvpn dnsmasq
[ -x /lib/systemd/systemd ] || world_skip "no systemd on this machine"
[ -n "${MIFD:-}" ] || world_fail "MIFD is not set"
build=$(cd "$(dirname "$MIFD")/../.." && pwd)
meson install -C "$build" --destdir "$WORLD_TMP/stage" --no-rebuild --quiet >"$WORLD_TMP/install.log" 2>&1 ||
	world_fail "meson install: $(tail -n 5 "$WORLD_TMP/install.log")"
# A sanitized build (make check's ASan pass): LeakSanitizer's exit check
# needs ptrace, which the unit's filter (rightly) refuses, so it is off in
# the unit; and getent must load the ASan runtime first for nss-mif.
asan=$(ldd "$MIFD" 2>/dev/null | awk '$1 ~ /^libasan/ { print $3 }')
if [ -n "$asan" ]; then
	export MIF_SD_DROPIN='[Service]\nEnvironment=ASAN_OPTIONS=detect_leaks=0' MIF_SD_PRELOAD="$asan"
	# The Prometheus scrape inside the container stalls with this build
	# (not understood yet); test-metrics.sh scrapes the sanitized mifctl.
	export MIF_SD_NO_PROMETHEUS=1
fi
timeout 280 bash "$(dirname "$0")/../../scripts/deb-systemd-test.sh" --staged "$WORLD_TMP/stage" \
	>"$WORLD_TMP/unit.log" 2>&1 || world_fail "$(grep -E '^(ok|FAIL)' "$WORLD_TMP/unit.log")
$(tail -n 20 "$WORLD_TMP/unit.log")"
while read -r l; do world_log "$l"; done < <(grep -E '^ok|security|systemd:' "$WORLD_TMP/unit.log")
world_pass
