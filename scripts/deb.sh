#!/bin/bash
# Build the Debian packages (dpkg-buildpackage -us -uc -b) from a copy of
# this tree in a scratch directory, run lintian on them, and install them in
# a throw-away root (an overlay of / in a private mount namespace, so the
# machine's own files, users and services are untouched): the packages
# install, the postinst creates the user mif, enables mifd.service and
# starts nothing (no systemd here, or policy-rc.d says no), and the
# installed mifd starts in a network namespace of its own and runs its
# children as mif; then scripts/deb-systemd-test.sh starts the unit under
# a real systemd (PID 1 of its own namespaces).
# Usage: scripts/deb.sh [OUTDIR]   (default /tmp/mif-deb; root for the install part)
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
# The packaging tools (not in scripts/deps.sh: only this script needs them).
for p in debhelper lintian fakeroot; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need="${need:-} $p"
done
if [ -n "${need:-}" ]; then
	[ "$(id -u)" -eq 0 ] || { echo "deb.sh: install$need first"; exit 1; }
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null
fi
out=${1:-/tmp/mif-deb}
rm -rf "$out"
mkdir -p "$out/mif"
(cd "$src" && git ls-files -co --exclude-standard -z | grep -zv '^build' |
	xargs -0 cp --parents -t "$out/mif")
echo "deb.sh: building in $out/mif"
(cd "$out/mif" && nice -n 19 dpkg-buildpackage -us -uc -b -j2 >"$out/build.log" 2>&1) ||
	{ tail -n 40 "$out/build.log"; echo "deb.sh: dpkg-buildpackage failed"; exit 1; }
ls "$out"/*.deb
changes=$(ls "$out"/*.changes)
echo "deb.sh: lintian"
lintian --fail-on error --info "$changes" | tee "$out/lintian.log" || {
	echo "deb.sh: lintian found errors"; exit 1; }
grep -c '^E:' "$out/lintian.log" | sed 's/^/deb.sh: lintian errors: /'
grep -c '^W:' "$out/lintian.log" | sed 's/^/deb.sh: lintian warnings: /'

[ "$(id -u)" -eq 0 ] || { echo "deb.sh: not root: install test skipped"; exit 0; }
"$src/scripts/deb-install-test.sh" "$out"
"$src/scripts/deb-systemd-test.sh" "$out"
