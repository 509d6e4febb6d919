#!/bin/bash
# Start the packaged mifd.service under a real systemd (PID 1 of its own
# PID namespace) in a throw-away root: an overlay of / in private mount,
# PID, UTS, IPC and network namespaces. The packages are installed with
# dpkg -i before systemd starts (their postinst enables the unit), then
# systemd boots a target that wants only mifd.service. Kept from the
# machine: a read-only /sys (so udev does not start), a /dev of a few
# nodes (no consoles, no gettys), getty, udev and every other enabled
# service masked. Shows: the unit is active under its sandbox, mifd runs
# its children as mif, mifctl answers through /run/mif, and
# systemd-analyze security rates the running unit. Everything dies with
# the namespace (SIGKILL to its PID 1).
# MIF_SD_DROPIN adds a drop-in to mifd.service, MIF_SD_PRELOAD a library
# preloaded into getent (both for sanitized builds: tests/world/test-unit.sh).
# Usage: scripts/deb-systemd-test.sh DIR_WITH_DEBS   (root)
#        scripts/deb-systemd-test.sh --staged DESTDIR   (a `meson install
#        --destdir` tree instead of packages: tests/world/test-unit.sh)
set -eu
mode=debs
if [ "$1" = --staged ]; then
	mode=staged
	shift
fi
debs=$(cd "$1" && pwd)
s=$(mktemp -d /tmp/mif-sdroot.XXXXXX)
pid1=
cleanup() {
	[ -n "$pid1" ] && kill -9 "$pid1" 2>/dev/null
	sleep 0.5
	rm -rf "$s"
}
trap cleanup EXIT
mkdir -p "$s/upper" "$s/work" "$s/root"

cat >"$s/boot.sh" <<'IN'
#!/bin/bash
set -eu
s=$1 debs=$2 mode=$3
r=$s/root
mount -t overlay overlay -o lowerdir=/,upperdir=$s/upper,workdir=$s/work "$r"
mount -t proc proc "$r/proc"
mount -t sysfs -o ro sysfs "$r/sys"
mount --bind /sys/fs/cgroup "$r/sys/fs/cgroup" 2>/dev/null || mount --rbind /sys/fs/cgroup "$r/sys/fs/cgroup"
mount -t tmpfs -o mode=755 tmpfs "$r/dev"
for d in null zero full random urandom tty; do
	touch "$r/dev/$d" && mount --bind "/dev/$d" "$r/dev/$d"
done
# /dev/net/tun for the OpenVPN part.
mkdir -p "$r/dev/net" && touch "$r/dev/net/tun" && mount --bind /dev/net/tun "$r/dev/net/tun"
mkdir -p "$r/dev/pts" "$r/dev/shm" "$r/dev/mqueue" && mount -t tmpfs tmpfs "$r/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666 devpts "$r/dev/pts" && ln -s pts/ptmx "$r/dev/ptmx"
mount -t mqueue mqueue "$r/dev/mqueue" 2>/dev/null || true
mount -t tmpfs tmpfs "$r/run"
mount -t tmpfs tmpfs "$r/tmp"
if [ "$mode" = debs ]; then
	mkdir -p "$r/tmp/debs" && cp "$debs"/mif_*.deb "$debs"/libmif0_*.deb "$debs"/libnss-mif_*.deb "$r/tmp/debs/"
	chroot "$r" sh -c "DEBIAN_FRONTEND=noninteractive dpkg -i /tmp/debs/*.deb" >"$s/dpkg.log" 2>&1
else
	# What make install laid out, then what a package's scripts would do.
	tar -C "$debs" -cf - . | tar -C "$r" -xf - --keep-directory-symlink
	chroot "$r" sh -c "ldconfig && systemd-sysusers mif.conf" >"$s/dpkg.log" 2>&1
fi
rm -f "$r/usr/sbin/policy-rc.d"
# Only mifd: every other unit the machine enables stays off.
w=$r/etc/systemd/system
for u in $(cd "$r" && ls etc/systemd/system/*.wants/ 2>/dev/null | grep -E '\.(service|socket|timer|path)$' | sort -u); do
	[ "$u" = mifd.service ] || ln -sf /dev/null "$w/$u"
done
for u in systemd-udevd.service systemd-udev-trigger.service systemd-udevd-control.socket \
	 systemd-udevd-kernel.socket getty@.service serial-getty@.service console-getty.service \
	 systemd-networkd.service systemd-resolved.service systemd-timesyncd.service \
	 systemd-logind.service dbus.service dbus.socket; do
	ln -sf /dev/null "$w/$u"
done
# MIF_SD_DROPIN: a drop-in for mifd.service (to try a directive).
if [ -n "${MIF_SD_DROPIN:-}" ]; then
	mkdir -p "$w/mifd.service.d" && printf '%b\n' "$MIF_SD_DROPIN" >"$w/mifd.service.d/test.conf"
fi
printf '[Unit]\nDescription=mif test\nRequires=mifd.service\nAfter=mifd.service\n' >"$w/mif-test.target"
echo mifsd >"$r/etc/hostname"
# A link for mifd to manage, in this network namespace only.
ip link set lo up
ip link add m0 type veth peer name m1 && ip link set m0 up && ip link set m1 up
cd "$r"
exec chroot "$r" env container=unshare /lib/systemd/systemd --system --unit=mif-test.target \
	--log-target=console --log-level=info
IN
chmod +x "$s/boot.sh"
timeout 300 unshare --mount --propagation private --pid --fork --uts --ipc --net \
	"$s/boot.sh" "$s" "$debs" "$mode" >"$s/console.log" 2>&1 &
for _ in $(seq 100); do
	pid1=$(pgrep -f "systemd --system --unit=mif-test.target" | head -n 1 || true)
	[ -n "$pid1" ] && break
	sleep 0.2
done
[ -n "$pid1" ] || { cat "$s/dpkg.log" "$s/console.log" 2>/dev/null; echo "FAIL: systemd did not start"; exit 1; }
in_ns() { timeout 20 nsenter -t "$pid1" -m -u -i -n -p -r -w "$@"; }
state=
for _ in $(seq 100); do
	state=$(in_ns systemctl is-active mifd.service 2>/dev/null || true)
	[ "$state" = active ] && in_ns test -S /run/mif/mifd.sock && break
	sleep 0.2
done
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
echo "systemd: $(in_ns systemctl is-system-running 2>/dev/null || true); mifd.service: $state"
[ "$state" = active ] || { in_ns systemctl status mifd.service --no-pager 2>&1 | tail -n 20; grep -i mifd "$s/console.log" | tail -n 10; fail "mifd.service not active"; }
if in_ns mifctl --json status >"$s/status.json" 2>"$s/status.err"; then
	echo "ok: mifctl status through /run/mif/mifd.sock"
	python3 - "$s/status.json" <<'PY' || fails=$((fails + 1))
import json, sys
d = json.load(open(sys.argv[1]))
p = d["processes"]
print("ok: parent uid %s caps %s; engine uid %s; net uid %s" % (p["parent"]["uid"],
      ",".join(p["parent"].get("capabilities", [])), p["engine"]["uid"], p["net"]["uid"]))
sys.exit(0 if p["engine"]["uid"] != 0 and p["net"]["uid"] != 0 else 1)
PY
	mifuid=$(in_ns id -u mif)
	grep -q "\"uid\": $mifuid" "$s/status.json" && echo "ok: children run as mif ($mifuid)" || fail "children not mif"
else
	cat "$s/status.err"; fail "mifctl status"
fi
# The sandbox lets the parent do its work: per-link sysctls under
# ProtectKernelTunables (ReadWritePaths=/proc/sys/net), routes and rules.
rp=
for _ in $(seq 50); do
	rp=$(in_ns cat /proc/sys/net/ipv4/conf/m0/rp_filter 2>/dev/null || true)
	[ "$rp" = 2 ] && break
	sleep 0.1
done
[ "$rp" = 2 ] && echo "ok: mifd set rp_filter=2 on m0 through the sandbox" || fail "rp_filter on m0 is $rp"
if in_ns mifctl pvd add vpn --interface m0 --dns 10.1.0.1 --route 10.2.0.0/16 >/dev/null; then
	ok=
	for _ in $(seq 50); do
		in_ns ip route show table all 2>/dev/null | grep -q '^10\.2\.0\.0/16 dev m0 table 10[0-9][0-9]' && { ok=1; break; }
		sleep 0.1
	done
	[ -n "$ok" ] && echo "ok: PvD vpn's route in its own table: $(in_ns ip route show table all | grep '^10\.2\.0\.0/16')" ||
		fail "no route for PvD vpn"
else
	fail "mifctl pvd add"
fi
# As a user would: an OpenVPN tunnel whose up script adds a PvD, a name
# under the VPN's domain resolved through NSS (getent ahosts), the
# counters read by Prometheus. The VPN server and its DNS server live in a
# network namespace made inside the container, across m0-m1.
if command -v openvpn >/dev/null && command -v dnsmasq >/dev/null; then
	in_ns sh -ec '
		hooks=$(dirname "$(ls /usr/lib/mif/hooks/openvpn /usr/local/lib/mif/hooks/openvpn 2>/dev/null | head -n 1)")
		ip netns add vs
		ip link set m1 netns vs
		ip addr add 10.3.0.2/24 dev m0
		ip netns exec vs sh -c "ip link set lo up; ip link set m1 up; ip addr add 10.3.0.1/24 dev m1"
		openvpn --genkey secret /tmp/ovpn.key
		common="--dev-type tun --proto udp --secret /tmp/ovpn.key --cipher AES-256-CBC --auth SHA256 --ping 1 --daemon"
		ip netns exec vs openvpn $common --dev tun1 --local 10.3.0.1 --lport 1194 \
			--ifconfig 10.8.0.1 10.8.0.2 --log /tmp/ovpn-server.log
		for i in $(seq 100); do ip netns exec vs ip addr show dev tun1 2>/dev/null | grep -q 10.8.0.1 && break; sleep 0.1; done
		ip netns exec vs dnsmasq --port=53 --listen-address=10.8.0.1 --bind-interfaces --no-resolv \
			--no-hosts --local=/vpn.example/ --host-record=intranet.vpn.example,10.9.1.1 \
			--pid-file=/tmp/dnsmasq-vs.pid
		openvpn $common --dev tun0 --remote 10.3.0.1 1194 --nobind --ifconfig 10.8.0.2 10.8.0.1 \
			--route 10.9.0.0 255.255.0.0 10.8.0.1 --dhcp-option DNS 10.8.0.1 \
			--dhcp-option DOMAIN vpn.example --script-security 2 \
			--up $hooks/openvpn --down $hooks/openvpn --down-pre \
			--log /tmp/ovpn-client.log
		printf "hosts: files mif\n" >/etc/nsswitch.conf
	' || fail "setting up the OpenVPN tunnel"
	ok=
	for _ in $(seq 100); do
		in_ns mifctl --json pvd show openvpn-tun0 >/dev/null 2>&1 && { ok=1; break; }
		sleep 0.2
	done
	[ -n "$ok" ] && echo "ok: the OpenVPN up script added PvD openvpn-tun0" ||
		{ in_ns cat /tmp/ovpn-client.log | tail -n 15; fail "no PvD openvpn-tun0"; }
	out=
	for _ in $(seq 30); do
		# MIF_SD_PRELOAD: the ASan runtime of a sanitized build, which an
		# uninstrumented getent must load first.
		out=$(in_ns env ${MIF_SD_PRELOAD:+LD_PRELOAD=$MIF_SD_PRELOAD ASAN_OPTIONS=detect_leaks=0} \
			getent ahosts intranet.vpn.example 2>/dev/null || true)
		grep -q '^10\.9\.1\.1 ' <<<"$out" && break
		sleep 0.2
	done
	grep -q '^10\.9\.1\.1 ' <<<"$out" && echo "ok: getent ahosts intranet.vpn.example (hosts: files mif): $(head -n 1 <<<"$out")" ||
		fail "getent ahosts through nss-mif: '$out'"
	q=$(in_ns mifctl metrics | awk '$1 == "mif_pvd_dns_queries_total{pvd=\"openvpn-tun0\"}" { print $2 }')
	[ "${q:-0}" -ge 1 ] && echo "ok: mifctl metrics: mif_pvd_dns_queries_total{pvd=openvpn-tun0} $q" ||
		fail "metrics: openvpn-tun0 queries '${q:-}'"
	# Programs from here on (Prometheus) need not resolve through mif: a
	# sanitized nss-mif would abort them.
	in_ns sh -c 'printf "hosts: files dns\n" >/etc/nsswitch.conf'
	# MIF_SD_NO_PROMETHEUS=1 leaves the scrape out (test-unit.sh under a
	# sanitized build, where it stalls; test-metrics.sh scrapes there).
	if command -v prometheus >/dev/null && [ "${MIF_SD_NO_PROMETHEUS:-0}" != 1 ]; then
		in_ns sh -ec '
			printf "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: mif\n    static_configs:\n      - targets: [\"127.0.0.1:9153\"]\n" >/tmp/prom.yml
			(mifctl metrics --listen 127.0.0.1:9153 >/tmp/metrics-http.log 2>&1 &)
			(prometheus --config.file=/tmp/prom.yml --storage.tsdb.path=/tmp/prom \
				--web.listen-address=127.0.0.1:9090 >/tmp/prom.log 2>&1 &)' || fail "starting mifctl metrics --listen and Prometheus"
		v=
		for _ in $(seq 150); do
			v=$(in_ns env ${MIF_SD_PRELOAD:+LD_PRELOAD=$MIF_SD_PRELOAD ASAN_OPTIONS=detect_leaks=0} \
				curl -sf --get http://127.0.0.1:9090/api/v1/query \
				--data-urlencode 'query=mif_pvd_dns_queries_total{pvd="openvpn-tun0"}' 2>/dev/null |
				python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")' 2>/dev/null || true)
			[ -n "$v" ] && break
			sleep 0.2
		done
		[ -n "$v" ] && echo "ok: Prometheus scraped mif_pvd_dns_queries_total{pvd=openvpn-tun0} = $v" ||
			{ in_ns tail -n 5 /tmp/metrics-http.log /tmp/prom.log; fail "Prometheus did not scrape mifctl metrics"; }
	fi
	in_ns sh -c 'kill $(pgrep -f "openvpn.*--dev tun0")' || true
	ok=
	for _ in $(seq 50); do
		in_ns mifctl --json pvd show openvpn-tun0 >/dev/null 2>&1 || { ok=1; break; }
		sleep 0.2
	done
	[ -n "$ok" ] && echo "ok: the down script deleted PvD openvpn-tun0" || fail "openvpn-tun0 still there"
fi
in_ns journalctl -u mifd.service --no-pager 2>/dev/null | tail -n 5 || true
score=$(in_ns systemd-analyze security mifd.service 2>/dev/null | sed -n 's/.*Overall exposure level for mifd.service: \([0-9.]*\).*/\1/p')
echo "systemd-analyze security mifd.service (running unit): ${score:-?}"
in_ns systemctl stop mifd.service
state=$(in_ns systemctl is-active mifd.service 2>/dev/null || true)
[ "$state" = inactive ] && echo "ok: stopped cleanly" || fail "after stop: $state"
[ "$fails" -eq 0 ] && echo "deb-systemd: all checks passed" || { echo "deb-systemd: $fails failed"; exit 1; }
