#!/bin/bash
# Install the packages scripts/deb.sh built into a throw-away root: an
# overlay of / (upper layer in a scratch directory) in a private mount
# namespace, chrooted. Nothing reaches the machine's own files, users or
# services. Shows: dpkg -i succeeds; the postinst made the user mif and
# /run/mif and enabled mifd.service, and started nothing (no systemd as
# PID 1 here, and policy-rc.d refuses); the installed mifd, started as the
# unit's ExecStart inside a new network namespace, runs its children as
# mif and answers mifctl; man mifd.conf formats.
# Usage: scripts/deb-install-test.sh DIR_WITH_DEBS   (root)
set -eu
debs=$(cd "$1" && pwd)
scratch=$(mktemp -d /tmp/mif-debroot.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/upper" "$scratch/work" "$scratch/root"

unshare --mount --propagation private bash -s "$debs" "$scratch" <<'IN'
set -eu
debs=$1 s=$2
mount -t overlay overlay -o lowerdir=/,upperdir=$s/upper,workdir=$s/work "$s/root"
r=$s/root
mount -t proc proc "$r/proc"
mount --rbind /dev "$r/dev"
mount -t tmpfs tmpfs "$r/run"
mount -t tmpfs tmpfs "$r/tmp"
mkdir -p "$r/tmp/debs" && cp "$debs"/mif_*.deb "$debs"/libmif0_*.deb "$debs"/libmif-dev_*.deb \
	"$debs"/libnss-mif_*.deb "$r/tmp/debs/"
# policy-rc.d as a machine without systemd would have it, in the copy only.
printf '#!/bin/sh\nexit 101\n' >"$r/usr/sbin/policy-rc.d" && chmod 755 "$r/usr/sbin/policy-rc.d"
chroot "$r" /bin/bash -s <<'CH'
set -eu
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
getent passwd mif >/dev/null && { echo "deb-install: user mif already in the scratch root"; }
DEBIAN_FRONTEND=noninteractive dpkg -i /tmp/debs/*.deb >/tmp/dpkg.log 2>&1 ||
	{ cat /tmp/dpkg.log; echo "FAIL: dpkg -i"; exit 1; }
echo "ok: dpkg -i $(ls /tmp/debs | tr '\n' ' ')"
dpkg -s mif | grep -q '^Status: install ok installed' || fail "mif not installed"
ls /usr/lib/*/libnss_mif.so.2 >/dev/null 2>&1 && echo "ok: libnss_mif.so.2" || fail "no libnss_mif.so.2"
getent passwd mif >/dev/null && echo "ok: postinst made user mif" || fail "no user mif"
[ -d /run/mif ] && echo "ok: /run/mif" || fail "no /run/mif"
[ -L /etc/systemd/system/multi-user.target.wants/mifd.service ] &&
	echo "ok: mifd.service enabled" || fail "mifd.service not enabled"
# Other mifd processes on the machine run from build trees; one from the
# package would be /usr/sbin/mifd seen from here.
started=$(for e in /proc/[0-9]*/exe; do [ "$(readlink "$e" 2>/dev/null)" = /usr/sbin/mifd ] && echo "$e"; done; true)
[ -n "$started" ] && fail "a packaged mifd runs after install: $started" || echo "ok: nothing started"
man -P cat mifd.conf 2>/dev/null | grep -q write_etc_resolv_conf || echo "note: man-db not usable here"
# The unit's ExecStart, in a network namespace of its own.
exec_start=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/mifd.service)
ip netns add mifdeb$$ 2>/dev/null || true
ip netns exec mifdeb$$ sh -c "ip link set lo up; $exec_start --log-level warning >/tmp/mifd.log 2>&1 & echo \$! >/tmp/mifd.pid"
ok=
for _ in $(seq 50); do
	if ip netns exec mifdeb$$ mifctl --json status >/tmp/status.json 2>/dev/null; then ok=1; break; fi
	sleep 0.1
done
if [ -n "$ok" ]; then
	echo "ok: installed mifd answers mifctl status"
	euser=$(python3 -c 'import json;d=json.load(open("/tmp/status.json"));print(d["processes"]["engine"].get("user",d["processes"]["engine"].get("uid")))')
	[ "$euser" = mif ] || [ "$euser" = "$(id -u mif)" ] && echo "ok: engine runs as mif ($euser)" || fail "engine runs as $euser"
else
	cat /tmp/mifd.log; fail "installed mifd did not answer"
fi
kill "$(cat /tmp/mifd.pid)" 2>/dev/null || true
for _ in $(seq 50); do kill -0 "$(cat /tmp/mifd.pid)" 2>/dev/null || break; sleep 0.1; done
ip netns del mifdeb$$ 2>/dev/null || true
dpkg -r libnss-mif mif libmif-dev libmif0 >/dev/null 2>&1 && echo "ok: dpkg -r" || fail "dpkg -r"
[ "$fails" -eq 0 ] && echo "deb-install: all checks passed" || { echo "deb-install: $fails failed"; exit 1; }
CH
IN
