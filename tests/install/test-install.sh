#!/bin/bash
# `meson install --destdir` lays out what a host needs (issue 18): mifd,
# mifctl, libmif with its headers and pkg-config file (a program built
# against the installed copy runs), the systemd unit with its sandbox,
# tmpfiles.d and sysusers.d entries, the example configuration and the man
# pages, which must format without warnings. No root, no network.
# Usage: test-install.sh BUILD_DIR
set -eu
build=$1
dest=$(mktemp -d /tmp/mif-install.XXXXXX)
trap 'rm -rf "$dest"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

meson install -C "$build" --destdir "$dest" --no-rebuild --quiet >"$dest.log" 2>&1 ||
	{ cat "$dest.log"; rm -f "$dest.log"; exit 1; }
rm -f "$dest.log"
prefix=$(meson introspect "$build" --buildoptions |
	python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"][0])')
root=$dest$prefix

find_one() { find "$dest" -path "$dest/*$1" \( -type f -o -type l \) | head -n 1; }

for f in sbin/mifd bin/mifctl; do
	[ -x "$root/$f" ] && ok "$f" || fail "$f is not installed executable"
done
lib=$(find_one /libmif.so.0)
[ -n "$lib" ] && ok "libmif.so.0" || fail "no libmif.so.0"
[ -n "$(find_one /mif/libmif-preload.so)" ] || fail "no libmif-preload.so"
for h in mif.h pvd.h export.h; do
	[ -f "$root/include/mif/$h" ] || fail "header mif/$h missing"
done

# A program built against the installed headers and library, through the
# installed pkg-config file, runs and reports mifd missing at a bogus path.
pc=$(find_one /pkgconfig/libmif.pc)
if [ -z "$pc" ]; then
	fail "no libmif.pc"
else
	flags=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --define-variable=prefix="$root" \
		--cflags --libs libmif)
	cat >"$dest/t.c" <<'C'
#include <errno.h>
#include <stdio.h>
#include <mif/mif.h>
int main(void)
{
	struct mif_ctl *c = NULL;
	int r = mif_ctl_open("/nonexistent/mifd.sock", &c);
	printf("%d\n", r);
	return r == -ENOENT ? 0 : 1;
}
C
	# Under make check's ASan build libmif carries the ASan runtime, which
	# must come first in a program that is not instrumented itself.
	asan=$(ldd "$lib" 2>/dev/null | awk '$1 ~ /^libasan/ { print $3 }')
	# shellcheck disable=SC2086
	if cc -std=c11 -Wall -Werror -o "$dest/t" "$dest/t.c" $flags &&
	   env LD_LIBRARY_PATH="$(dirname "$lib")" ${asan:+LD_PRELOAD="$asan"} "$dest/t" >"$dest/t.out" 2>&1; then
		ok "a program built with pkg-config libmif runs"
	else
		fail "building or running against the installed libmif: $(tail -n 3 "$dest/t.out" 2>/dev/null)"
	fi
fi

unit=$(find_one /systemd/system/mifd.service)
if [ -z "$unit" ]; then
	fail "no mifd.service"
else
	grep -qx "ExecStart=$prefix/sbin/mifd --foreground" "$unit" || fail "ExecStart is not $prefix/sbin/mifd"
	for d in ProtectSystem=strict NoNewPrivileges=yes RuntimeDirectory=mif \
		 'RestrictAddressFamilies=AF_UNIX AF_NETLINK AF_INET AF_INET6 AF_PACKET' \
		 'CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW CAP_NET_BIND_SERVICE CAP_SETUID CAP_SETGID CAP_SETPCAP' \
		 'SystemCallFilter=@system-service seccomp'; do
		grep -qx "$d" "$unit" || fail "unit lacks $d"
	done
	if command -v systemd-analyze >/dev/null; then
		score=$(systemd-analyze security --offline=true "$unit" 2>/dev/null |
			sed -n 's/.*Overall exposure level for mifd.service: \([0-9.]*\).*/\1/p')
		echo "systemd-analyze security (offline): exposure $score"
		awk -v s="${score:-99}" 'BEGIN { exit !(s <= 3.0) }' || fail "exposure ${score:-?} above 3.0"
	fi
fi
grep -q '^u mif ' "$(find_one /sysusers.d/mif.conf)" 2>/dev/null || fail "sysusers.d/mif.conf has no user mif"
grep -q '^d /run/mif ' "$(find_one /tmpfiles.d/mif.conf)" 2>/dev/null || fail "tmpfiles.d/mif.conf has no /run/mif"
conf=$(find "$dest" -path '*/mif/mifd.conf' -path '*etc*' | head -n 1)
[ -n "$conf" ] && grep -q '^\[dns\]' "$conf" || fail "no example /etc/mif/mifd.conf"
[ -d "$(dirname "${conf:-/x}")/pvd.d" ] || fail "no /etc/mif/pvd.d"
[ -n "$(find_one /doc/mif/examples/mifd.conf)" ] || fail "no example in doc/mif/examples"

for m in man8/mifd.8 man8/mifctl.8 man5/mifd.conf.5 man5/mif-pvd.5 man3/libmif.3; do
	f=$root/share/man/$m
	if [ ! -f "$f" ]; then
		fail "man page $m missing"
	elif command -v groff >/dev/null && [ -n "$(groff -man -ww -z "$f" 2>&1)" ]; then
		fail "man page $m: $(groff -man -ww -z "$f" 2>&1 | head -n 1)"
	fi
done
[ "$fails" -eq 0 ] || { echo "$fails failed"; exit 1; }
echo "install layout: all checks passed"
