#!/bin/sh
# Install the Debian packages mif needs to build, test and run its demo.
# Idempotent: prints nothing and exits 0 when everything is already there.
set -eu

PKGS="gcc clang llvm pkg-config meson ninja-build
libmnl-dev libevent-dev libjansson-dev libinih-dev libcap-ng-dev libseccomp-dev
libcmocka-dev libclang-rt-14-dev
iproute2 radvd procps psmisc kmod jq util-linux netcat-openbsd dnsmasq-base
unbound nsd tcpdump dnsperf bind9-dnsutils valgrind nftables linux-perf curl"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages:$missing" >&2
	echo "deps.sh: run as root (or: sudo apt-get install$missing)" >&2
	exit 1
fi
echo "deps.sh: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
