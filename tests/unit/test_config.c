/* SPDX-License-Identifier: MIT */
/* Unit tests for mifd's configuration (src/daemon/core/config.c): every
 * key has one rule, so a value the file refuses is refused on the command
 * line too, with the message naming what the user wrote. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "daemon/core/config.h"

/* Load text as a configuration file; returns config_load's result. */
static int load(struct mifd_config *c, const char *text, char *err, size_t errlen)
{
	char path[] = "/tmp/mif-test-config-XXXXXX";
	int fd = mkstemp(path), r;
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	r = config_load(c, path, err, errlen);
	unlink(path);
	return r;
}

/* One key, set through the file and through config_set as mifd's option
 * parser does: both accept or both refuse. */
struct key_case {
	const char *section, *key, *option, *value;
	bool good;
	const char *why;         /* in the message when refused */
};

static const struct key_case cases[] = {
	{ "mifd", "socket", "--socket", "/run/x.sock", true, NULL },
	{ "mifd", "socket", "--socket", "", false, "path empty or too long" },
	{ "mifd", "socket", "--socket",
	  "/a/very/long/path/that/does/not/fit/in/sun_path/of/a/unix/socket/no/matter/what/"
	  "the/daemon/would/like/it/to/do/with/it.sock", false, "path empty or too long" },
	{ "mifd", "interfaces", "--interface", "eth0", true, NULL },
	{ "mifd", "interfaces", "--interface", "eth0, wlan0", true, NULL },
	{ "mifd", "interfaces", "--interface", "a/b", false, "bad or too many names (\"a/b\")" },
	{ "mifd", "interfaces", "--interface", "averyveryverylongname", false, "bad or too many" },
	{ "mifd", "dhcp4", "--dhcp4", "eth1", true, NULL },
	{ "mifd", "dhcp4", "--dhcp4", "x/y", false, "bad or too many names (\"x/y\")" },
	{ "mifd", "log_level", "--log-level", "debug", true, NULL },
	{ "mifd", "log_level", "--log-level", "loud", false, "\"loud\" is not one of error" },
	{ "mifd", "state_dir", "--state-dir", "/tmp/mif-state", true, NULL },
	{ "mifd", "state_dir", "--state-dir", "", false, "path empty or too long" },
	{ "mifd", "state_dir", "--state-dir", "state", false, "must be an absolute path" },
	{ "mifd", "dhcp4_release", NULL, "yes", true, NULL },
	{ "mifd", "dhcp4_release", NULL, "sometimes", false, "is not yes or no" },
	{ "mifd", "address_privacy", NULL, "temporary", true, NULL },
	{ "mifd", "address_privacy", NULL, "eui64", true, NULL },
	{ "mifd", "address_privacy", NULL, "random", false,
	  "\"random\" is not one of stable, temporary, eui64" },
	{ "routing", "enabled", "--no-routing", "no", true, NULL },
	{ "routing", "enabled", "--no-routing", "maybe", false, "is not yes or no" },
	{ "dns", "enabled", "--no-dns", "no", true, NULL },
	{ "dns", "listen", "--dns-listen", "127.0.0.53", true, NULL },
	{ "dns", "listen", "--dns-listen", "[::1]:5353", true, NULL },
	{ "dns", "listen", "--dns-listen", "localhost", false, "is not ADDR or ADDR:PORT" },
	{ "dns", "resolv_conf", "--resolv-conf", "/run/mif/resolv.conf", true, NULL },
	{ "dns", "resolv_conf", "--resolv-conf", "", true, NULL },
	{ "dns", "resolv_conf", "--resolv-conf", "relative.conf", false,
	  "an absolute path, or empty for none" },
	{ "dns", "timeout_ms", NULL, "100", false, "is not a number from 200 to 60000" },
	{ "dns", "max_stale", NULL, "0", true, NULL },
	{ "dns", "max_stale", NULL, "604801", false, "is not a number from 0 to 604800" },
	{ "dns", "tls", NULL, "strict", true, NULL },
	{ "dns", "tls", NULL, "opportunistic", true, NULL },
	{ "dns", "tls", NULL, "yes", false, "off, opportunistic or strict" },
	{ "dns", "tls_ca_file", NULL, "/etc/ssl/certs/ca-certificates.crt", true, NULL },
	{ "dns", "tls_ca_file", NULL, "ca.pem", false, "an absolute path, or empty" },
	{ "dns", "tls_pvd", NULL, "pvd.example.com strict", true, NULL },
	{ "dns", "tls_pvd", NULL, "type:ra opportunistic", true, NULL },
	{ "dns", "tls_pvd", NULL, "pvd.example.com", false, "PVD-ID (or type:SOURCE) and a mode" },
	{ "dns", "tls_pvd", NULL, "pvd.example.com yes", false, "off, opportunistic or strict" },
	{ "dns", "cache_size", NULL, "0x10", true, NULL },
	{ "dns", "cache_size", NULL, "0", false, "is not a number from 1" },
	{ "routing", "table_base", NULL, "255", false, "is not a number from 256" },
	{ "routing", "default_order", NULL, "wlan0 eth0", true, NULL },
	{ "connectivity", "quality_interval", NULL, "0", true, NULL },
	{ "connectivity", "quality_interval", NULL, "10", true, NULL },
	{ "connectivity", "quality_interval", NULL, "5", false, "is not 0 (off) or a number from 10" },
	{ "connectivity", "quality_samples", NULL, "16", true, NULL },
	{ "connectivity", "quality_samples", NULL, "17", false, "is not a number from 1 to 16" },
	{ "connectivity", "max_loss", NULL, "0", true, NULL },
	{ "connectivity", "max_loss", NULL, "101", false, "is not a number from 0 to 100" },
	{ "connectivity", "max_rtt_ms", NULL, "800", true, NULL },
	{ "connectivity", "max_rtt_ms", NULL, "fast", false, "is not a number from 0 to 60000" },
};

static void test_same_rule(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct key_case *k = &cases[i];
		struct mifd_config a, b;
		char text[512], err[512] = "", want[256];
		int rf, ro;

		config_defaults(&a);
		config_defaults(&b);
		snprintf(text, sizeof(text), "[%s]\n%s = %s\n", k->section, k->key, k->value);
		rf = load(&a, text, err, sizeof(err));
		if (rf != (k->good ? 0 : -EINVAL))
			print_error("case %zu (%s = %s): %s\n", i, k->key, k->value, err);
		if (k->good) {
			assert_int_equal(rf, 0);
		} else {
			assert_int_equal(rf, -EINVAL);
			/* The file's message names the line and the key. */
			snprintf(want, sizeof(want), ":2: %s: ", k->key);
			assert_non_null(strstr(err, want));
			assert_non_null(strstr(err, k->why));
		}
		err[0] = '\0';
		ro = config_set(&b, k->section, k->key, k->option, k->value, err, sizeof(err));
		assert_int_equal(ro, k->good ? 0 : -EINVAL);
		if (!k->good) {
			/* The option's message names the option. */
			snprintf(want, sizeof(want), "%s: ", k->option ? k->option : k->key);
			assert_int_equal(strncmp(err, want, strlen(want)), 0);
			assert_non_null(strstr(err, k->why));
		}
		/* Accepted, both give the same configuration. */
		if (k->good)
			assert_memory_equal(&a, &b, sizeof(a));
	}
}

static void test_values(void **state)
{
	struct mifd_config c;
	char err[256];

	(void)state;
	config_defaults(&c);
	assert_int_equal(load(&c, "[mifd]\nsocket = /tmp/m.sock\ninterfaces = eth0 eth1\n"
			       "dhcp4 = eth1\nlog_level = warning\n[routing]\nenabled = no\n"
			       "[dns]\nlisten = 127.0.0.2:5300\nresolv_conf =\n", err, sizeof(err)), 0);
	assert_string_equal(c.socket, "/tmp/m.sock");
	assert_int_equal(c.n_ifaces, 2);
	assert_string_equal(c.ifaces[1], "eth1");
	assert_int_equal(c.n_dhcp4, 1);
	assert_int_equal(c.log_level, LOG_LVL_WARN);
	assert_false(c.routing.enabled);
	assert_string_equal(c.dns.resolv_conf, "");
	assert_int_equal(c.dns.tls, STUB_TLS_OFF);
	assert_int_equal(c.dns.max_stale, 86400);
	assert_int_equal(load(&c, "[dns]\ntls = strict\ntls_ca_file = /x/ca.pem\nmax_stale = 60\n",
			      err, sizeof(err)), 0);
	assert_int_equal(c.dns.tls, STUB_TLS_STRICT);
	assert_string_equal(c.dns.tls_ca_file, "/x/ca.pem");
	assert_int_equal(c.dns.max_stale, 60);
	/* tls_pvd is repeatable: one entry each; IDs with colons (implicit
	 * PvDs) survive the INI parser's key/value split. */
	assert_int_equal(load(&c, "[dns]\ntls_pvd = fe80::1%eth0 off\n"
			      "tls_pvd = type:dhcpv4 strict\n", err, sizeof(err)), 0);
	assert_int_equal(c.dns.n_tls_pvd, 2);
	assert_string_equal(c.dns.tls_pvd[0].key, "fe80::1%eth0");
	assert_int_equal(c.dns.tls_pvd[0].mode, STUB_TLS_OFF);
	assert_string_equal(c.dns.tls_pvd[1].key, "type:dhcpv4");
	assert_int_equal(c.dns.tls_pvd[1].mode, STUB_TLS_STRICT);
	/* Options add to the file's lists, without duplicates. */
	assert_int_equal(config_set(&c, "mifd", "interfaces", "--interface", "eth1", err,
				    sizeof(err)), 0);
	assert_int_equal(config_set(&c, "mifd", "interfaces", "--interface", "wlan0", err,
				    sizeof(err)), 0);
	assert_int_equal(c.n_ifaces, 3);
}

static void test_unknown(void **state)
{
	struct mifd_config c;
	char err[256];

	(void)state;
	config_defaults(&c);
	assert_int_equal(load(&c, "[mifd]\ninterfaces = eth0\nsockett = /x\n", err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, ":3: unknown key \"sockett\""));
	assert_int_equal(load(&c, "[other]\nfoo = 1\n", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "unknown section [other]"));
	assert_int_equal(load(&c, "[dns]\nfoo = 1\n", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "unknown key \"foo\" in [dns]"));
	assert_int_equal(config_set(&c, "dns", "foo", "--foo", "1", err, sizeof(err)), -ENOENT);
	/* The first error is the one reported. */
	assert_int_equal(load(&c, "[mifd]\nlog_level = loud\nsocket =\n", err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, ":2: log_level"));
	assert_int_equal(config_load(&c, "/nonexistent/mifd.conf", err, sizeof(err)), -ENOENT);
}

/* What follows the file's name in err (the temporary path has no ':'). */
static const char *after_path(const char *err)
{
	const char *c = strchr(err, ':');

	assert_non_null(c);
	return c;
}

/* Each message names the line it is about; errors about the whole file,
 * or lines too long for inih, carry no FILE:LINE. */
static void test_file_errors(void **state)
{
	struct mifd_config c;
	char err[512], text[512];
	size_t n;

	(void)state;
	config_defaults(&c);
	/* The syntax error on line 2 is told, not line 3's value with line 2. */
	assert_int_equal(load(&c, "[mifd]\nthis line has no equals sign\nlog_level = bogus\n",
			      err, sizeof(err)), -EINVAL);
	assert_string_equal(after_path(err), ":2: syntax error");
	assert_int_equal(load(&c, "[mifd\nlog_level = debug\n", err, sizeof(err)), -EINVAL);
	assert_string_equal(after_path(err), ":1: syntax error");
	assert_int_equal(load(&c, "[mifd]\n\n\nlog_level = bogus\n", err, sizeof(err)), -EINVAL);
	assert_string_equal(after_path(err), ":4: log_level: \"bogus\" is not one of error, "
			    "warning, info, debug");
	/* 200 characters on line 3: refused, no key made of the tail. */
	n = (size_t)snprintf(text, sizeof(text), "[connectivity]\nenabled = no\n"
			     "http_url = http://example.com/");
	memset(text + n, 'p', 200);
	strcpy(text + n + 200, "?a=b\n");
	assert_int_equal(load(&c, text, err, sizeof(err)), -EINVAL);
	assert_string_equal(after_path(err), ": line 3 is longer than 199 characters");
	/* A cross-key check is about the file: no line 0. */
	assert_int_equal(load(&c, "[mobility]\nenabled = yes\nhome_agent = 2001:db8:100::1\n",
			      err, sizeof(err)), -EINVAL);
	assert_string_equal(after_path(err), ": [mobility]: home_address is needed");
	/* A directory is not a configuration file. */
	assert_int_equal(config_load(&c, "/tmp", err, sizeof(err)), -EISDIR);
}

static void test_too_many(void **state)
{
	struct mifd_config c;
	char err[256], name[16];
	int r = 0;

	(void)state;
	config_defaults(&c);
	for (int i = 0; r == 0 && i <= KERN_MAX_IFACES; i++) {
		snprintf(name, sizeof(name), "if%d", i);
		r = config_set(&c, "mifd", "interfaces", "--interface", name, err, sizeof(err));
	}
	assert_int_equal(r, -EINVAL);
	assert_int_equal(c.n_ifaces, KERN_MAX_IFACES);
	assert_non_null(strstr(err, "--interface: bad or too many names"));
	/* A list with a bad name leaves the list as it was, not half added. */
	config_defaults(&c);
	assert_int_equal(config_set(&c, "mifd", "interfaces", "--interface", "eth0", err,
				    sizeof(err)), 0);
	assert_int_equal(config_set(&c, "mifd", "interfaces", "--interface", "eth1,eth2,a/b",
				    err, sizeof(err)), -EINVAL);
	assert_int_equal(c.n_ifaces, 1);
	assert_string_equal(c.ifaces[0], "eth0");
}

/* [mobility] (mobility/mob_config.c): a whole section, then each rule. */
static void test_mobility(void **state)
{
	struct mifd_config c;
	char err[256] = "";
	char buf[32];

	(void)state;
	config_defaults(&c);
	assert_false(c.mobility.enabled);
	assert_int_equal(c.mobility.interval_ms, 100);
	assert_int_equal(c.mobility.misses, 3);
	assert_int_equal(c.mobility.port, 4191);
	assert_true(c.mobility.offload);
	assert_true(c.mobility.partial_csum);   /* partial TCP sums in the tunnel */
	assert_int_equal(load(&c, "[mobility]\nenabled = yes\nhome_agent = 2001:db8:100::1\n"
			      "home_agent_address = 2001:db8:f::1, 203.0.113.1\n"
			      "home_address = 2001:db8:100::10/64\nkey_file = /etc/mif/mn.key\n"
			      "spi = 256\nheartbeat_interval_ms = 50\nheartbeat_misses = 4\n"
			      "routes = 2001:db8:c::/64 ::/1\nprefer = eth1 wifi\nport = 5000\n"
			      "offload = no\npartial_checksums = no\n",
			      err, sizeof(err)), 0);
	assert_true(c.mobility.enabled && c.mobility.has_ha6 && c.mobility.has_ha4);
	assert_int_equal(c.mobility.hoa_plen, 64);
	assert_int_equal(c.mobility.interval_ms, 50);
	assert_int_equal(c.mobility.misses, 4);
	assert_int_equal(c.mobility.port, 5000);
	assert_false(c.mobility.offload);
	assert_false(c.mobility.partial_csum);
	assert_int_equal(c.mobility.n_routes, 2);
	assert_int_equal(c.mobility.route_plen[1], 1);
	assert_int_equal(c.mobility.n_prefer, 2);
	assert_string_equal(c.mobility.prefer[1], "wifi");
	assert_non_null(inet_ntop(AF_INET, &c.mobility.ha4, buf, sizeof(buf)));
	assert_string_equal(buf, "203.0.113.1");

	/* An enabled role without its key is refused when the file ends. */
	config_defaults(&c);
	assert_int_equal(load(&c, "[mobility]\nenabled = yes\nhome_agent = 2001:db8:100::1\n"
			      "home_agent_address = 2001:db8:f::1\nhome_address = 2001:db8:100::10\n",
			      err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "key_file and spi are needed"));
	static const char *const bad[][2] = {
		{ "routes", "::/0" }, { "routes", "2001:db8::1/64" }, { "routes", "10.0.0.0/8" },
		{ "home_agent_address", "2001:db8::1 2001:db8::2" }, { "home_address", "10.0.0.1" },
		{ "spi", "255" }, { "heartbeat_interval_ms", "5" }, { "key_file", "mn.key" },
		{ "tun", "a/b" }, { "enabled", "maybe" }, { "offload", "on" },
		{ "partial_checksums", "1" },
		{ "prefer", "averyveryverylongname" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		config_defaults(&c);
		assert_int_equal(config_set(&c, "mobility", bad[i][0], NULL, bad[i][1], err,
					    sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, bad[i][0]));
	}
	assert_int_equal(config_set(&c, "mobility", "nope", NULL, "1", err, sizeof(err)), -ENOENT);
	/* [mobility NAME]: a further home address, read from the file, checked
	 * (here: a loop of via lists, named) before mifd would run it. */
	config_defaults(&c);
	assert_int_equal(load(&c, "[mobility]\nenabled = yes\nhome_agent = 2001:db8:100::1\n"
			      "home_agent_address = 2001:db8:f::1\nhome_address = 2001:db8:100::10\n"
			      "key_file = /etc/mif/mn.key\nspi = 256\nname = h1\nvia = h2\n"
			      "[mobility h2]\nhome_address = 2001:db8:200::20\n"
			      "home_agent = 2001:db8:200::1\nhome_agent_address = 2001:db8:f::2\n"
			      "key_file = /etc/mif/mn2.key\nspi = 300\nvia = h1 eth2\n",
			      err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "loop: h1 -> h2 -> h1"));
	assert_int_equal(c.mobility.n_homes, 1);
	assert_int_equal(c.mobility.homes[0].spi, 300);
	assert_int_equal(config_set(&c, "mobility h2", "routes", NULL, "2001:db8::/64", err,
				    sizeof(err)), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_rule),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_mobility),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
