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
