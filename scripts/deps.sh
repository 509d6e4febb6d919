#!/bin/sh
# Install the Debian packages mif needs to build, test and run its demo.
# Idempotent: prints nothing and exits 0 when everything is already there.
set -eu

PKGS="gcc clang llvm pkg-config meson ninja-build libbpf-dev
libmnl-dev libnftnl-dev libevent-dev libjansson-dev libinih-dev libcap-ng-dev libseccomp-dev
libcmocka-dev libclang-rt-14-dev libcurl4-openssl-dev libgnutls28-dev nettle-dev ca-certificates
iproute2 radvd procps psmisc kmod jq util-linux netcat-openbsd dnsmasq-base
unbound nsd tcpdump dnsperf bind9-dnsutils valgrind nftables linux-perf curl
nginx openssl
chromium chromium-driver python3-selenium
libssl-dev iperf3
iputils-ping python3
kea-dhcp6-server ldnsutils python3-dnspython
rdnssd isc-dhcp-client
udhcpc openvpn prometheus wireguard-tools wireguard-go
dhcpcd-base
libhiredis-dev redis-server keepalived"
# The scenarios' plain host (tests/scenarios) merges its resolver
# configuration with openresolv. It conflicts with the other providers of
# resolvconf (Debian's resolvconf, systemd-resolvconf), which manage this
# machine's own resolv.conf: it is installed only where none is.
if ! command -v resolvconf >/dev/null 2>&1; then
	PKGS="$PKGS openresolv"
fi

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
# Servers the tests run themselves, in their own namespaces (nginx, unbound,
# nsd...), must not be started on the machine by their packages: a
# policy-rc.d that refuses, unless the machine has one of its own.
own_policy=
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	own_policy=1
fi
rc=0
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null || rc=$?
[ -n "$own_policy" ] && rm -f /usr/sbin/policy-rc.d
# rdnssd's package enables it at boot, where its merge hook would rewrite
# this machine's resolv.conf: the tests run their own, in namespaces.
case " $missing " in
*" rdnssd "*)
	deb-systemd-helper disable rdnssd.service >/dev/null 2>&1 || true
	update-rc.d rdnssd disable >/dev/null 2>&1 || true ;;
esac
exit "$rc"
