/* SPDX-License-Identifier: MIT */
/* Operator policy from the network: the "vendor-mif" member of RFC 8801
 * additional information (src/proto/pvdpolicy.c), scoped to the PvD that
 * sent it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "proto/pvdinfo.h"
#include "proto/pvdpolicy.h"

static struct pvdpol pol;

static int tp(const char *s)
{
	return pvdpol_parse_text(s, strlen(s), "n1.example", &pol);
}

static void test_accepted(void **state)
{
	struct in6_addr a;

	(void)state;
	assert_int_equal(tp("{\"metered\": true, \"cost\": 7, \"rules\": ["
			    "{\"name\": \"overloaded\", \"avoid\": \"self\"},"
			    "{\"name\": \"bulk\", \"dst\": [\"0.0.0.0/0\", \"2001:db8::1/32\"],"
			    " \"proto\": \"tcp\", \"port\": \"1000-2000\", \"dscp\": 8,"
			    " \"prohibit\": \"pvd:N1.example.\"},"
			    "{\"name\": \"mms\", \"domain\": \"MMS.N1.example.\", \"port\": 80,"
			    " \"prefer\": [\"self\"]}]}"), 0);
	assert_true(pol.present);
	assert_int_equal(pol.metered, 1);
	assert_int_equal(pol.cost, 7);
	assert_int_equal(pol.n_refused, 0);
	assert_int_equal(pol.n_rules, 3);
	assert_string_equal(pol.rules[0].name, "overloaded");
	assert_int_equal(pol.rules[0].what, PVDPOL_AVOID);
	assert_int_equal(pol.rules[0].n_dst + pol.rules[0].n_domain, 0);
	assert_int_equal(pol.rules[0].dscp, -1);
	assert_int_equal(pol.rules[1].what, PVDPOL_PROHIBIT);
	assert_int_equal(pol.rules[1].n_dst, 2);
	assert_int_equal(pol.rules[1].plen[0], 96);          /* IPv4 mapped */
	assert_int_equal(pol.rules[1].plen[1], 32);
	inet_pton(AF_INET6, "2001:db8::", &a);                /* host bits cleared */
	assert_memory_equal(&pol.rules[1].dst[1], &a, sizeof(a));
	assert_int_equal(pol.rules[1].proto, 6);
	assert_int_equal(pol.rules[1].port_lo, 1000);
	assert_int_equal(pol.rules[1].port_hi, 2000);
	assert_int_equal(pol.rules[1].dscp, 8);
	assert_int_equal(pol.rules[2].what, PVDPOL_PREFER);
	assert_string_equal(pol.rules[2].domain[0], "mms.n1.example");
	assert_int_equal(pol.rules[2].port_lo, 80);
	assert_true(pvdpol_check(&pol));
}

/* Each of these is refused whole, with a reason; the good rule stays. */
static void test_scope(void **state)
{
	static const struct {
		const char *rule, *why;
	} bad[] = {
		{ "{\"name\": \"a\", \"prefer\": \"pvd:other.example\"}", "names another PvD" },
		{ "{\"name\": \"a\", \"avoid\": \"type:wifi\"}", "names a class of PvDs" },
		{ "{\"name\": \"a\", \"prefer\": [\"self\", \"trusted\"]}", "class of PvDs" },
		{ "{\"name\": \"a\", \"avoid\": \"net:office\"}", "class of PvDs" },
		{ "{\"name\": \"a\", \"require\": \"self\"}", "exclude every other PvD" },
		{ "{\"name\": \"a\", \"exe\": \"/usr/bin/x\", \"avoid\": \"self\"}", "local programs" },
		{ "{\"name\": \"a\", \"uid\": 0, \"avoid\": \"self\"}", "local programs" },
		{ "{\"name\": \"a\", \"cgroup\": \"/x\", \"avoid\": \"self\"}", "local programs" },
		{ "{\"name\": \"a\", \"dst\": \"10.0.0.0/33\", \"avoid\": \"self\"}", "not a prefix" },
		{ "{\"name\": \"a\", \"domain\": \"a b\", \"avoid\": \"self\"}", "not a domain" },
		{ "{\"name\": \"a\", \"domain\": \"x\\ny\", \"avoid\": \"self\"}", "not a domain" },
		/* Empty labels (tests/fuzz/crashes/pvdpolicy/crash-c2468bac...). */
		{ "{\"name\": \"a\", \"domain\": \"mm0xs.O..\", \"avoid\": \"self\"}", "not a domain" },
		{ "{\"name\": \"a\", \"domain\": \"a..b\", \"avoid\": \"self\"}", "not a domain" },
		{ "{\"name\": \"a\", \"domain\": \".a\", \"avoid\": \"self\"}", "not a domain" },
		{ "{\"name\": \"a\", \"port\": 0, \"avoid\": \"self\"}", "port" },
		{ "{\"name\": \"a\", \"port\": \"9-8\", \"avoid\": \"self\"}", "port" },
		{ "{\"name\": \"a\", \"dscp\": 64, \"avoid\": \"self\"}", "dscp" },
		{ "{\"name\": \"a\", \"proto\": \"icmp\", \"avoid\": \"self\"}", "proto" },
		{ "{\"name\": \"a\", \"colour\": 1, \"avoid\": \"self\"}", "unknown key" },
		{ "{\"name\": \"a b\", \"avoid\": \"self\"}", "no \"name\"" },
		{ "{\"name\": \"a\\n[rule x]\", \"avoid\": \"self\"}", "no \"name\"" },
		{ "{\"avoid\": \"self\"}", "no \"name\"" },
		{ "{\"name\": \"a\"}", "says nothing" },
		{ "[1]", "not an object" },
		{ "{\"name\": \"a\", \"dst\": [], \"avoid\": \"self\"}", "dst" },
	};
	char text[512];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "{\"rules\": [%s, {\"name\": \"ok\", \"avoid\": \"self\"}]}",
			 bad[i].rule);
		assert_int_equal(tp(text), 0);
		assert_int_equal(pol.n_rules, 1);
		assert_string_equal(pol.rules[0].name, "ok");
		assert_int_equal(pol.n_refused, 1);
		if (!strstr(pol.refused[0], bad[i].why))
			fail_msg("%s: \"%s\" lacks \"%s\"", bad[i].rule, pol.refused[0], bad[i].why);
		assert_true(pvdpol_check(&pol));
	}
}

static void test_member(void **state)
{
	char text[4096];
	size_t off;

	(void)state;
	assert_int_equal(tp("[]"), 0);
	assert_true(pol.present);
	assert_int_equal(pol.n_refused, 1);
	assert_int_equal(tp("{\"metered\": \"yes\", \"cost\": -1, \"rules\": 3, \"x\": 1}"), 0);
	assert_int_equal(pol.metered, -1);
	assert_int_equal(pol.cost, -1);
	assert_int_equal(pol.n_refused, 4);      /* metered, cost, x, rules */
	assert_int_equal(tp("{\"rules\": [{\"name\": \"a\", \"avoid\": \"self\"},"
			    "{\"name\": \"a\", \"avoid\": \"self\"}]}"), 0);
	assert_int_equal(pol.n_rules, 1);
	assert_non_null(strstr(pol.refused[0], "used twice"));
	/* A member name with C0, C1 (U+009B, CSI) and other non-ASCII
	 * characters reaches the reason as '?' only. */
	assert_int_equal(tp("{\"a\\u001b[2J\\u009b31m\u00e9\": 1}"), 0);
	assert_int_equal(pol.n_refused, 1);
	for (const char *c = pol.refused[0]; *c; c++)
		assert_true((unsigned char)*c >= 0x20 && (unsigned char)*c < 0x7f);
	assert_non_null(strstr(pol.refused[0], "a?[2J??31m??"));
	/* 14 rules: eight kept, six refused; reasons past four only counted. */
	off = (size_t)snprintf(text, sizeof(text), "{\"rules\": [");
	for (int i = 0; i < 14; i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off,
					"%s{\"name\": \"r%d\", \"avoid\": \"self\"}", i ? "," : "", i);
	snprintf(text + off, sizeof(text) - off, "]}");
	assert_int_equal(tp(text), 0);
	assert_int_equal(pol.n_rules, PVDPOL_MAX_RULES);
	assert_int_equal(pol.n_refused, PVDPOL_MAX_REFUSED);
	assert_int_equal(pol.n_refused_total, 6);
	assert_int_equal(tp("{"), -EBADMSG);
	/* Absent: nothing said. */
	pvdpol_parse(NULL, "n1.example", &pol);
	assert_false(pol.present);
	assert_int_equal(pol.n_rules, 0);
}

/* Through the whole additional information. */
static void test_in_pvdinfo(void **state)
{
	static struct pvdinfo c;
	enum pvdinfo_error why;
	const char *s = "{\"identifier\": \"n1.example\", \"expires\": \"2030-01-01T00:00:00Z\","
			"\"prefixes\": [\"2001:db8:1::/48\"], \"vendor-mif\": {\"rules\": ["
			"{\"name\": \"overloaded\", \"avoid\": \"pvd:n1.example\"},"
			"{\"name\": \"grab\", \"prefer\": \"pvd:n2.example\"}]}}";

	(void)state;
	assert_int_equal(pvdinfo_parse(s, strlen(s), &c, &why), 0);
	assert_true(c.policy.present);
	assert_int_equal(c.policy.n_rules, 1);
	assert_int_equal(c.policy.n_refused, 1);
	assert_non_null(strstr(c.policy.refused[0], "rule grab: prefer: names another PvD"));
	s = "{\"identifier\": \"n1.example\", \"expires\": \"2030-01-01T00:00:00Z\","
	    "\"prefixes\": [\"2001:db8:1::/48\"]}";
	assert_int_equal(pvdinfo_parse(s, strlen(s), &c, &why), 0);
	assert_false(c.policy.present);
}

/* A struct that crossed a process boundary: only what the parser makes. */
static void test_check(void **state)
{
	(void)state;
	assert_int_equal(tp("{\"rules\": [{\"name\": \"a\", \"domain\": \"x.example\","
			    " \"dst\": \"10.0.0.0/8\", \"avoid\": \"self\"}]}"), 0);
	assert_true(pvdpol_check(&pol));
	pol.rules[0].name[0] = '[';
	assert_false(pvdpol_check(&pol));
	pol.rules[0].name[0] = 'a';
	memset(pol.rules[0].domain[0], 'x', sizeof(pol.rules[0].domain[0]));
	assert_false(pvdpol_check(&pol));
	strcpy(pol.rules[0].domain[0], "X.example");          /* not lower case */
	assert_false(pvdpol_check(&pol));
	strcpy(pol.rules[0].domain[0], "x.example");
	pol.rules[0].plen[0] = 129;
	assert_false(pvdpol_check(&pol));
	pol.rules[0].plen[0] = 95;                            /* ::ffff:10.0.0.0/95: host bits */
	assert_false(pvdpol_check(&pol));
	pol.rules[0].plen[0] = 104;
	assert_true(pvdpol_check(&pol));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepted),
		cmocka_unit_test(test_scope),
		cmocka_unit_test(test_member),
		cmocka_unit_test(test_in_pvdinfo),
		cmocka_unit_test(test_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
