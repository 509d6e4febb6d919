# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# Test-world TLS and web servers, on top of lib.sh (source lib.sh first):
# a CA of the world's own, certificates from it, and nginx instances whose
# files all live in $WORLD_TMP.

# tls_ca: the world's CA, $WORLD_TMP/ca.pem (mifd's ca_file) and ca.key.
tls_ca() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=mif test CA" \
		-keyout "$WORLD_TMP/ca.key" -out "$WORLD_TMP/ca.pem" >/dev/null 2>&1 ||
		world_fail "openssl: the test CA"
}

# tls_cert NAME [BASE]: a certificate for DNS name NAME from the world's CA,
# $WORLD_TMP/BASE.pem and BASE.key (BASE defaults to NAME).
tls_cert() {
	local b="$WORLD_TMP/${2:-$1}"
	openssl req -newkey rsa:2048 -nodes -subj "/CN=$1" -keyout "$b.key" -out "$b.csr" \
		>/dev/null 2>&1 || world_fail "openssl: request for $1"
	printf 'subjectAltName=DNS:%s\n' "$1" >"$b.ext"
	openssl x509 -req -in "$b.csr" -CA "$WORLD_TMP/ca.pem" -CAkey "$WORLD_TMP/ca.key" \
		-CAcreateserial -days 2 -extfile "$b.ext" -out "$b.pem" >/dev/null 2>&1 ||
		world_fail "openssl: certificate for $1"
}

# tls_self NAME BASE: a self-signed certificate no one trusts.
tls_self() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$1" \
		-keyout "$WORLD_TMP/$2.key" -out "$WORLD_TMP/$2.pem" >/dev/null 2>&1 ||
		world_fail "openssl: self-signed $1"
}

# nginx_conf NAME SERVER_BLOCKS: the configuration of nginx NAME, files in
# $WORLD_TMP/nginx-NAME (access.log; log format "src": source, method, URI,
# status). Written again to change a running one (nginx_reload).
nginx_conf() {
	local d="$WORLD_TMP/nginx-$1"
	mkdir -p "$d"
	cat >"$d/nginx.conf" <<CONF
user root;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/error.log;
events { worker_connections 64; }
http {
	access_log $d/access.log;
	log_format src '\$remote_addr \$request_method \$request_uri \$status';
	client_body_temp_path $d; proxy_temp_path $d;
	fastcgi_temp_path $d; uwsgi_temp_path $d; scgi_temp_path $d;
	$2
}
CONF
}

# nginx_start NAME NS: run nginx NAME in NS; wait for it.
nginx_start() {
	world_bg "$2" "nginx-$1" nginx -c "$WORLD_TMP/nginx-$1/nginx.conf" -g 'daemon off;'
	world_wait_for "nginx $1 up" 5 test -s "$WORLD_TMP/nginx-$1/nginx.pid"
}

# nginx_reload NAME NS: make a running nginx read its configuration again.
nginx_reload() {
	world_exec "$2" nginx -c "$WORLD_TMP/nginx-$1/nginx.conf" -s reload >/dev/null 2>&1 ||
		world_fail "nginx $1: reload failed"
}

# conn_net N [PREF]: network N of a connectivity world: router rN on h's
# eth(N-1) (2001:db8:N::/64, router preference PREF, default medium;
# radvd unless PREF is "none"), its DNS server (dnsmasq on 2001:db8:N::1,
# check.test -> iN) and behind it iN (2001:db8:fN::80), whose nginx answers
# 204 over HTTP and HTTPS (check.test's certificate: call tls_ca and
# tls_cert check.test check first). The namespace h must exist.
conn_net() {
	local n=$1 pref=${2:-medium}
	world_router "r$n"
	world_host "i$n"
	world_link "r$n" eth0 h "eth$((n - 1))"
	world_addr "r$n" eth0 "2001:db8:$n::1/64"
	world_link "r$n" eth1 "i$n" eth0
	world_addr "r$n" eth1 "2001:db8:f$n::1/64"
	world_addr "i$n" eth0 "2001:db8:f$n::80/64"
	ip -n "$(world_ns "i$n")" -6 route add default via "2001:db8:f$n::1"
	nginx_conf "$n" "server { listen [::]:80; location / { return 204; } }
		server { listen [::]:443 ssl; ssl_certificate $WORLD_TMP/check.pem;
			ssl_certificate_key $WORLD_TMP/check.key; location / { return 204; } }"
	nginx_start "$n" "i$n"
	mif_dnsmasq "r$n" "dns$n" "port=53
listen-address=2001:db8:$n::1
bind-interfaces
no-resolv
host-record=check.test,2001:db8:f$n::80"
	[ "$pref" = none ] && return 0
	world_radvd "r$n" "interface eth0 { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;
		AdvDefaultLifetime 600; AdvDefaultPreference $pref;
		prefix 2001:db8:$n::/64 { AdvOnLink on; AdvAutonomous on; };
		RDNSS 2001:db8:$n::1 { AdvRDNSSLifetime 600; }; };"
}

# conn_conf [LINES]: $WORLD_TMP/mifd.conf with connectivity checks against
# check.test (the world's CA), back-off capped at 2 s, then LINES.
conn_conf() {
	cat >"$WORLD_TMP/mifd.conf" <<CONF
[connectivity]
http_url = http://check.test/generate_204
https_url = https://check.test/generate_204
ca_file = $WORLD_TMP/ca.pem
backoff_max = 2
${1:-}
CONF
}

# tls_cert_san NAME BASE SAN: like tls_cert, with the subjectAltName SAN
# given whole ("DNS:dns.example.net,IP:2001:db8:1::53").
tls_cert_san() {
	local b="$WORLD_TMP/$2"
	openssl req -newkey rsa:2048 -nodes -subj "/CN=$1" -keyout "$b.key" -out "$b.csr" \
		>/dev/null 2>&1 || world_fail "openssl: request for $1"
	printf 'subjectAltName=%s\n' "$3" >"$b.ext"
	openssl x509 -req -in "$b.csr" -CA "$WORLD_TMP/ca.pem" -CAkey "$WORLD_TMP/ca.key" \
		-CAcreateserial -days 2 -extfile "$b.ext" -out "$b.pem" >/dev/null 2>&1 ||
		world_fail "openssl: certificate for $1"
}
