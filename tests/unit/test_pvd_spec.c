/* SPDX-License-Identifier: MIT */
/* The static/API PvD validator: addresses, prefixes, routes, names, the
 * INI form, and error messages that name the field. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/pvd/pvd_spec.h"

static char err[320];

static int spec(const char *json, bool partial, struct pvd_spec *s, unsigned *f)
{
	json_t *o = json_loads(json, 0, NULL);
	int r;

	assert_non_null(o);
	err[0] = '\0';
	r = pvd_spec_from_json(o, partial, s, f, err, sizeof(err));
	json_decref(o);
	return r;
}

static void test_addr_prefix(void **state)
{
	struct in6_addr a;
	uint8_t l;
	char b[64];

	assert_int_equal(pvd_spec_parse_addr("10.8.0.1", &a), 0);
	assert_true(IN6_IS_ADDR_V4MAPPED(&a));
	inet_ntop(AF_INET, &a.s6_addr[12], b, sizeof(b));
	assert_string_equal(b, "10.8.0.1");
	assert_int_equal(pvd_spec_parse_addr("2001:db8::1", &a), 0);
	assert_int_equal(pvd_spec_parse_addr("::ffff:1.2.3.4", &a), -EINVAL);
	assert_int_equal(pvd_spec_parse_addr("10.8.0.x", &a), -EINVAL);
	assert_int_equal(pvd_spec_parse_prefix("10.0.0.0/8", &a, &l), 0);
	assert_int_equal(l, 8 + 96);
	assert_int_equal(pvd_spec_parse_prefix("0.0.0.0/0", &a, &l), 0);
	assert_int_equal(l, 96);
	assert_int_equal(pvd_spec_parse_prefix("2001:db8::/32", &a, &l), 0);
	assert_int_equal(l, 32);
	assert_int_equal(pvd_spec_parse_prefix("10.0.0.0/33", &a, &l), -EINVAL);
	assert_int_equal(pvd_spec_parse_prefix("2001:db8::/129", &a, &l), -EINVAL);
	assert_int_equal(pvd_spec_parse_prefix("10.0.0.1/8", &a, &l), -EINVAL);   /* host bits */
	assert_int_equal(pvd_spec_parse_prefix("10.0.0.0", &a, &l), -EINVAL);     /* no length */
	assert_int_equal(pvd_spec_parse_prefix("10.0.0.0/", &a, &l), -EINVAL);
	assert_int_equal(pvd_spec_parse_prefix("10.0.0.0/8x", &a, &l), -EINVAL);
}

static void test_full(void **state)
{
	struct pvd_spec s;
	unsigned f = 0;

	assert_int_equal(spec("{\"id\":\"corp\",\"interface\":\"tun0\",\"dns\":[\"10.8.0.1\","
			      "\"2001:db8::53\"],\"domains\":[\"corp.example.\"],\"routes\":["
			      "\"10.0.0.0/8\",\"10.1.0.0/16 via 10.8.0.254\"],\"prefixes\":"
			      "[\"10.8.0.0/24\"],\"mtu\":1400}", false, &s, &f), 0);
	assert_string_equal(s.id, "corp");
	assert_string_equal(s.ifname, "tun0");
	assert_int_equal(s.n_dns, 2);
	assert_int_equal(s.n_domains, 1);
	assert_string_equal(s.domains[0], "corp.example");   /* trailing dot dropped */
	assert_int_equal(s.n_routes, 2);
	assert_true(IN6_IS_ADDR_UNSPECIFIED(&s.routes[0].gw));
	assert_false(IN6_IS_ADDR_UNSPECIFIED(&s.routes[1].gw));
	assert_int_equal(s.n_prefixes, 1);
	assert_int_equal(s.mtu, 1400);
	assert_int_equal(f, PVD_SPEC_F_INTERFACE | PVD_SPEC_F_DNS | PVD_SPEC_F_DOMAINS |
			    PVD_SPEC_F_ROUTES | PVD_SPEC_F_PREFIXES | PVD_SPEC_F_MTU);
}

static void test_errors_name_the_field(void **state)
{
	static const struct { const char *json, *want; } cases[] = {
		{ "{\"interface\":\"tun0\"}", "id:" },
		{ "{\"id\":\"a b\",\"interface\":\"tun0\"}", "id:" },
		{ "{\"id\":\"x\"}", "interface: required" },
		{ "{\"id\":\"x\",\"interface\":\"a/b\"}", "interface:" },
		{ "{\"id\":\"x\",\"interface\":\"t\",\"dns\":[\"1.2.3.4\",\"nope\"]}", "dns[1]: \"nope\"" },
		{ "{\"id\":\"x\",\"interface\":\"t\",\"dns\":\"1.2.3.4\"}", "dns: must be a list" },
		{ "{\"id\":\"x\",\"interface\":\"t\",\"dns\":[5]}", "dns[0]: must be a string" },
		{ "{\"id\":\"x\",\"interface\":\"t\",\"routes\":[\"10.0.0.0/8 via 2001:db8::1\"]}", "routes[0]" },
		{ "{\"id\":\"x\",\"interface\":\"t\",\"domains\":[\"a..b\"]}", "domains[0]" },
		{ "{\"id\":\"x\",\"interface\":\"t\",\"mtu\":10}", "mtu:" },
		{ "{\"id\":\"x\",\"interface\":\"t\",\"mtu\":\"1400\"}", "mtu:" },
		{ "{\"id\":\"x\",\"interface\":\"t\",\"colour\":1}", "unknown field \"colour\"" },
		{ "{\"id\":\"x\",\"interface\":\"t\",\"dot\":[\"dns.example 10.0.0.1 0\"]}",
		  "dot[0]" },
		{ "{\"id\":\"x\",\"interface\":\"t\",\"dot\":[\"10.0.0.1\"]}", "dot[0]" },
		{ "{\"id\":\"x\",\"interface\":\"t\",\"dot\":[\"a..b 10.0.0.1\"]}", "dot[0]" },
		{ "{\"id\":\"x\",\"interface\":\"t\",\"dot\":[\"a 10.0.0.1 853 x\"]}", "dot[0]" },
		{ "{\"id\":\"x\",\"interface\":\"t\",\"dot\":[\"a 1.1.1.1\",\"a 1.1.1.2\","
		  "\"a 1.1.1.3\",\"a 1.1.1.4\",\"a 1.1.1.5\"]}", "dot: more than 4" },
		{ "[1]", "JSON object" },
		/* An on-link prefix of length 0 would take every destination. */
		{ "{\"id\":\"x\",\"interface\":\"t\",\"prefixes\":[\"0.0.0.0/0\"]}",
		  "prefixes[0]: \"0.0.0.0/0\": an on-link prefix of length 0" },
		{ "{\"id\":\"x\",\"interface\":\"t\",\"prefixes\":[\"::/0\"]}",
		  "prefixes[0]: \"::/0\": an on-link prefix of length 0" },
		/* Search domains are DNS names: no control characters (echoed
		 * escaped, not raw), no spaces, nothing but letters, digits, '-'
		 * and '_'; labels of 1 to 63, the root refused. */
		{ "{\"id\":\"x\",\"interface\":\"t\",\"domains\":[\"evil\\u001b[31mred.example\"]}",
		  "domains[0]: \"evil\\x1b[31mred.example\" is not a domain name" },
		{ "{\"id\":\"x\",\"interface\":\"t\",\"domains\":[\"ok.example\",\"a b.example\"]}",
		  "domains[1]: \"a b.example\" is not a domain name" },
		{ "{\"id\":\"x\",\"interface\":\"t\",\"domains\":[\"a\\tb\"]}",
		  "domains[0]: \"a\\x09b\" is not" },
		{ "{\"id\":\"x\",\"interface\":\"t\",\"domains\":[\"caf\u00e9.example\"]}",
		  "domains[0]: \"caf\\xc3\\xa9.example\" is not" },
		{ "{\"id\":\"x\",\"interface\":\"t\",\"domains\":[\"a/b.example\"]}", "domains[0]" },
		{ "{\"id\":\"x\",\"interface\":\"t\",\"domains\":[\".\"]}", "domains[0]" },
		{ "{\"id\":\"x\",\"interface\":\"t\",\"domains\":[\"\"]}", "domains[0]" },
		{ "{\"id\":\"x\",\"interface\":\"t\",\"domains\":[\"a.example..\"]}", "domains[0]" },
		{ "{\"id\":\"x\",\"interface\":\"t\",\"dot\":[\"a\\u001bb 10.0.0.1\"]}", "dot[0]" },
		{ "{\"id\":\"e\\u001b[0m\",\"interface\":\"t\"}", "id: \"e\\x1b[0m\" may use" },
	};
	struct pvd_spec s;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *o = json_loads(cases[i].json, JSON_DECODE_ANY, NULL);

		err[0] = '\0';
		assert_int_equal(pvd_spec_from_json(o, false, &s, NULL, err, sizeof(err)), -EINVAL);
		if (!strstr(err, cases[i].want))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err, cases[i].want);
		json_decref(o);
	}
	/* A default route (a full-tunnel VPN) is a route, and stays valid. */
	{
		json_t *o = json_loads("{\"id\":\"x\",\"interface\":\"t\",\"routes\":"
				       "[\"0.0.0.0/0\",\"::/0\"],\"prefixes\":[\"0.0.0.0/1\"]}",
				       0, NULL);

		assert_int_equal(pvd_spec_from_json(o, false, &s, NULL, err, sizeof(err)), 0);
		assert_int_equal(s.n_routes, 2);
		assert_int_equal(s.routes[0].plen, 96);
		json_decref(o);
	}
}

/* What a search domain may be: the edges of RFC 1035's lengths, '_'. */
static void test_domains(void **state)
{
	char label[64], name[260], json[800];
	struct pvd_spec s;
	json_t *o;

	(void)state;
	memset(label, 'a', 63);
	label[63] = '\0';
	/* 253 characters: 63 + 1 + 63 + 1 + 63 + 1 + 61. */
	snprintf(name, sizeof(name), "%s.%s.%s.%.61s", label, label, label, label);
	assert_int_equal(strlen(name), 253);
	snprintf(json, sizeof(json), "{\"id\":\"x\",\"interface\":\"t\",\"domains\":"
		 "[\"_srv.Corp-1.example.\",\"%s\",\"%s.\"]}", name, name);
	o = json_loads(json, 0, NULL);
	assert_int_equal(pvd_spec_from_json(o, false, &s, NULL, err, sizeof(err)), 0);
	json_decref(o);
	assert_int_equal(s.n_domains, 3);
	assert_string_equal(s.domains[0], "_srv.Corp-1.example");
	assert_string_equal(s.domains[1], name);
	assert_string_equal(s.domains[2], name);
	/* 254 characters, and a label of 64. */
	snprintf(name, sizeof(name), "%s.%s.%s.%.62s", label, label, label, label);
	snprintf(json, sizeof(json), "{\"id\":\"x\",\"interface\":\"t\",\"domains\":[\"%s\"]}",
		 name);
	o = json_loads(json, 0, NULL);
	assert_int_equal(pvd_spec_from_json(o, false, &s, NULL, err, sizeof(err)), -EINVAL);
	json_decref(o);
	assert_non_null(strstr(err, "domains[0]: "));
	snprintf(json, sizeof(json), "{\"id\":\"x\",\"interface\":\"t\",\"domains\":"
		 "[\"%sa.example\"]}", label);
	o = json_loads(json, 0, NULL);
	assert_int_equal(pvd_spec_from_json(o, false, &s, NULL, err, sizeof(err)), -EINVAL);
	json_decref(o);
	/* The same rule for a pvd.d file's Domain key and for pvd set. */
	o = pvd_spec_ini_text_to_json("a.conf", "[PvD]\nId = x\nInterface = t\n"
				      "Domain = a b.example\n", err, sizeof(err));
	assert_non_null(o);
	assert_int_equal(pvd_spec_from_json(o, false, &s, NULL, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "domains[0]: \"a b.example\" is not a domain name"));
	json_decref(o);
	o = json_loads("{\"domains\":[\"x\\u001by\"]}", 0, NULL);
	assert_int_equal(pvd_spec_from_json(o, true, &s, NULL, err, sizeof(err)), -EINVAL);
	json_decref(o);
}

static void test_partial_and_merge(void **state)
{
	struct pvd_spec base, upd;
	unsigned f;

	assert_int_equal(spec("{\"id\":\"c\",\"interface\":\"tun0\",\"dns\":[\"10.0.0.1\"],"
			      "\"domains\":[\"a.example\"]}", false, &base, NULL), 0);
	assert_int_equal(spec("{\"id\":\"c\",\"dns\":[\"10.0.0.2\",\"10.0.0.3\"]}", true, &upd, &f), 0);
	assert_int_equal(f, PVD_SPEC_F_DNS);
	pvd_spec_merge(&base, &upd, f);
	assert_int_equal(base.n_dns, 2);
	assert_int_equal(base.n_domains, 1);
	assert_string_equal(base.ifname, "tun0");
	/* The full form still requires an interface. */
	assert_int_equal(spec("{\"id\":\"c\",\"dns\":[\"10.0.0.2\"]}", false, &upd, &f), -EINVAL);
}

static char *test_tmpfile(const char *text)
{
	char *path = strdup("/tmp/test_pvd_spec.XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void test_ini(void **state)
{
	char *p = test_tmpfile("# office\n[PvD]\nId = office\nInterface = tun0\nDNS = 10.9.0.1\n"
			       "DNS = 10.9.0.2\nRoute = 10.9.0.0/16\nMTU = 1400\n"
			       "DNSOverTLS = dns.office.example. 10.9.0.1\n"
			       "DNSOverTLS = dns.office.example 2001:db8::853 8853\n");
	json_t *o = pvd_spec_ini_to_json(p, err, sizeof(err));
	struct pvd_spec s;
	char a[INET6_ADDRSTRLEN];

	assert_non_null(o);
	assert_int_equal(pvd_spec_from_json(o, false, &s, NULL, err, sizeof(err)), 0);
	assert_int_equal(s.n_dns, 2);
	assert_int_equal(s.mtu, 1400);
	/* Configured DoT resolvers: ADN (one spelling), address, port. */
	assert_int_equal(s.n_dot, 2);
	assert_string_equal(s.dot[0].adn, "dns.office.example");
	assert_int_equal(s.dot[0].port, 853);
	assert_true(IN6_IS_ADDR_V4MAPPED(&s.dot[0].addr));
	inet_ntop(AF_INET6, &s.dot[1].addr, a, sizeof(a));
	assert_string_equal(a, "2001:db8::853");
	assert_int_equal(s.dot[1].port, 8853);
	json_decref(o);
	unlink(p);
	free(p);

	p = test_tmpfile("[PvD]\nId = x\nInterfce = tun0\n");
	assert_null(pvd_spec_ini_to_json(p, err, sizeof(err)));
	assert_non_null(strstr(err, ":3: unknown key \"Interfce\""));
	unlink(p);
	free(p);
	p = test_tmpfile("[Network]\nId = x\n");
	assert_null(pvd_spec_ini_to_json(p, err, sizeof(err)));
	assert_non_null(strstr(err, "unknown section [Network]"));
	unlink(p);
	free(p);
	p = test_tmpfile("[PvD]\nId = x\nId = y\n");
	assert_null(pvd_spec_ini_to_json(p, err, sizeof(err)));
	assert_non_null(strstr(err, "Id given twice"));
	unlink(p);
	free(p);
	assert_null(pvd_spec_ini_to_json("/nonexistent/x.conf", err, sizeof(err)));
	assert_non_null(strstr(err, "cannot read"));
	assert_null(pvd_spec_ini_to_json("/tmp", err, sizeof(err)));
	assert_string_equal(err, "/tmp: Is a directory");
	/* The text form (the daemon's): each message with its own line. */
	assert_null(pvd_spec_ini_text_to_json("a.conf", "[PvD]\nId x\nColour = red\n", err,
					      sizeof(err)));
	assert_string_equal(err, "a.conf:2: syntax error");
	assert_null(pvd_spec_ini_text_to_json("a.conf", "[PvD\nId = x\n", err, sizeof(err)));
	assert_string_equal(err, "a.conf:1: syntax error");
	assert_null(pvd_spec_ini_text_to_json("a.conf", "[PvD]\n\nColour = red\n", err,
					      sizeof(err)));
	assert_string_equal(err, "a.conf:3: unknown key \"Colour\"");
	{
		char text[400] = "[PvD]\nId = x\nDomain = a.example\nDomain = ";

		memset(text + strlen(text), 'b', 250);
		strcat(text, ".example\n");
		assert_null(pvd_spec_ini_text_to_json("a.conf", text, err, sizeof(err)));
		assert_string_equal(err, "a.conf: line 4 is longer than 199 characters");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_prefix),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_errors_name_the_field),
		cmocka_unit_test(test_domains),
		cmocka_unit_test(test_partial_and_merge),
		cmocka_unit_test(test_ini),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
