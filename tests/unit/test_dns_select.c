/* SPDX-License-Identifier: MIT */
/* Which PvD answers a name: asked, reverse, longest domain, default with
 * fallbacks that leave out split-tunnel VPNs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/dns/dns_select.h"

struct fix {
	struct pvd_store s;
	struct pvd *home, *corp, *vpn, *nodns;
};

static void dns(struct pvd *p, const char *server)
{
	struct in6_addr a = test_addr(server);

	assert_int_equal(pvd_add_dns(p, PVD_SRC_RA, 2, &a, 600, PVD_NEVER), 0);
}

static void prefix(struct pvd *p, const char *pfx, uint8_t plen)
{
	struct in6_addr a = test_addr(pfx);

	assert_int_equal(pvd_add_prefix(p, PVD_SRC_RA, 2, &a, plen, 600, PVD_NEVER), 0);
}

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct in6_addr r = test_addr("fe80::1"), ten = test_addr("10.0.0.0");

	if (!f)
		return -1;   /* cmocka fails the group */
	pvd_store_init(&f->s);
	f->home = pvd_create_implicit(&f->s, 2, &r, "wlan0");
	dns(f->home, "2001:db8:a::53");
	prefix(f->home, "2001:db8:a::", 64);
	f->corp = pvd_create_explicit(&f->s, "corp.example.com");
	dns(f->corp, "2001:db8:c::53");
	prefix(f->corp, "2001:db8:c::", 64);
	prefix(f->corp, "10.20.0.0", 96 + 16);
	assert_int_equal(pvd_add_domain(f->corp, PVD_SRC_RA, 2, "corp.example.com", 600, PVD_NEVER), 0);
	assert_int_equal(pvd_add_domain(f->corp, PVD_SRC_RA, 2, "example.com", 600, PVD_NEVER), 0);
	f->vpn = pvd_create_named(&f->s, "vpn", PVD_SRC_API, 9);
	dns(f->vpn, "10.8.0.1");
	assert_int_equal(pvd_add_domain(f->vpn, PVD_SRC_API, 9, "eng.corp.example.com",
					RA_INFINITY, PVD_NEVER), 0);
	assert_int_equal(pvd_add_route(f->vpn, PVD_SRC_API, 9, &ten, 96 + 8, NULL, RA_INFINITY,
				       PVD_NEVER), 0);
	f->nodns = pvd_create_explicit(&f->s, "quiet.example");
	prefix(f->nodns, "2001:db8:e::", 64);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	pvd_store_clear(&f->s);
	free(f);
	return 0;
}

static void test_domains(void **state)
{
	struct fix *f = *state;
	uint64_t rank[] = { f->home->handle, f->corp->handle };
	struct dns_choice c;

	assert_int_equal(dns_select(&f->s, "www.corp.example.com", rank, 2, 0, &c), 0);
	assert_int_equal(c.rule, DNS_SEL_DOMAIN);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.pvd[0], f->corp->handle);
	assert_non_null(strstr(c.why, "corp.example.com"));
	/* Longest suffix: the VPN's eng.corp.example.com beats corp's. */
	assert_int_equal(dns_select(&f->s, "Build.ENG.corp.example.com.", rank, 2, 0, &c), 0);
	assert_int_equal(c.pvd[0], f->vpn->handle);
	/* Label boundaries: notexample.com is not under example.com. */
	assert_int_equal(dns_select(&f->s, "notexample.com", rank, 2, 0, &c), 0);
	assert_int_equal(c.rule, DNS_SEL_DEFAULT);
}

static void test_default_and_fallbacks(void **state)
{
	struct fix *f = *state;
	uint64_t rank[] = { f->home->handle, f->corp->handle };
	struct dns_choice c;

	assert_int_equal(dns_select(&f->s, "www.wikipedia.org", rank, 2, 0, &c), 0);
	assert_int_equal(c.rule, DNS_SEL_DEFAULT);
	/* home first (rank), then corp; never the split-tunnel VPN, never a
	 * PvD without DNS servers. */
	assert_int_equal(c.n, 2);
	assert_int_equal(c.pvd[0], f->home->handle);
	assert_int_equal(c.pvd[1], f->corp->handle);
	assert_non_null(strstr(c.why, "never on NXDOMAIN"));
	/* A full-tunnel VPN carries general names too. */
	struct in6_addr any = test_addr("0.0.0.0");

	assert_int_equal(pvd_add_route(f->vpn, PVD_SRC_API, 9, &any, 96, NULL, RA_INFINITY,
				       PVD_NEVER), 0);
	assert_int_equal(dns_select(&f->s, "www.wikipedia.org", rank, 2, 0, &c), 0);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.pvd[2], f->vpn->handle);
}

static void test_reverse(void **state)
{
	struct fix *f = *state;
	struct dns_choice c;
	struct in6_addr a;
	uint8_t l;
	char b[INET6_ADDRSTRLEN];

	assert_int_equal(dns_reverse_prefix("5.0.20.10.in-addr.arpa", &a, &l), 0);
	assert_int_equal(l, 128);
	inet_ntop(AF_INET, &a.s6_addr[12], b, sizeof(b));
	assert_string_equal(b, "10.20.0.5");
	assert_int_equal(dns_select(&f->s, "5.0.20.10.in-addr.arpa", NULL, 0, 0, &c), 0);
	assert_int_equal(c.rule, DNS_SEL_REVERSE);
	assert_int_equal(c.pvd[0], f->corp->handle);
	assert_int_equal(dns_select(&f->s,
		"1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.c.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.",
		NULL, 0, 0, &c), 0);
	assert_int_equal(c.pvd[0], f->corp->handle);
	/* Less specific than the prefix (a /32 zone): not claimed by the /64. */
	assert_int_equal(dns_select(&f->s, "8.b.d.0.1.0.0.2.ip6.arpa", NULL, 0, 0, &c), 0);
	assert_int_equal(c.rule, DNS_SEL_DEFAULT);
	assert_int_equal(dns_reverse_prefix("x.in-addr.arpa", &a, &l), -EINVAL);
	assert_int_equal(dns_reverse_prefix("1.2.3.4.5.in-addr.arpa", &a, &l), -EINVAL);
	assert_int_equal(dns_reverse_prefix("g.ip6.arpa", &a, &l), -EINVAL);
	assert_int_equal(dns_reverse_prefix("example.com", &a, &l), -EINVAL);
}

static void test_asked(void **state)
{
	struct fix *f = *state;
	struct dns_choice c;

	assert_int_equal(dns_select(&f->s, "www.corp.example.com", NULL, 0, f->home->handle, &c), 0);
	assert_int_equal(c.rule, DNS_SEL_ASKED);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.pvd[0], f->home->handle);
	assert_int_equal(dns_select(&f->s, "x", NULL, 0, f->nodns->handle, &c), -ENOENT);
	assert_non_null(strstr(c.why, "no DNS servers"));
	assert_int_equal(dns_select(&f->s, "x", NULL, 0, 999, &c), -ENOENT);
	assert_non_null(strstr(c.why, "does not exist"));
}

/* RFC 7556 section 7: an untrusted PvD (the hotspot, learnt from RAs)
 * that lists a trusted PvD's domain, even a longer one under it, or holds
 * a prefix over a trusted PvD's, does not get its names. */
static void test_untrusted(void **state)
{
	struct fix *f = *state;
	uint64_t rank[] = { f->home->handle, f->corp->handle, f->vpn->handle };
	struct in6_addr v = test_addr("10.8.0.0");
	struct dns_choice c;

	assert_int_equal(pvd_add_domain(f->home, PVD_SRC_RA, 2, "x.eng.corp.example.com", 600,
					PVD_NEVER), 0);
	assert_int_equal(pvd_add_domain(f->home, PVD_SRC_RA, 2, "eng.corp.example.com", 600,
					PVD_NEVER), 0);
	assert_int_equal(dns_select(&f->s, "db.x.eng.corp.example.com", rank, 3, 0, &c), 0);
	assert_int_equal(c.rule, DNS_SEL_DOMAIN);
	assert_int_equal(c.n, 1);
	assert_true(c.pvd[0] == f->vpn->handle);
	assert_non_null(strstr(c.why, "untrusted PvD's claim on it is ignored"));
	/* The same name with the VPN gone: the hotspot's, by its domain. */
	assert_int_equal(dns_select(&f->s, "db.x.eng.corp.example.com", rank, 3, 0, &c), 0);
	pvd_destroy(&f->s, f->vpn);
	f->vpn = NULL;
	assert_int_equal(dns_select(&f->s, "db.x.eng.corp.example.com", rank, 2, 0, &c), 0);
	assert_true(c.pvd[0] == f->home->handle);
	assert_null(strstr(c.why, "untrusted"));
	/* Reverse: a trusted PvD's prefix wins over a wider untrusted one. */
	f->vpn = pvd_create_named(&f->s, "vpn2", PVD_SRC_STATIC, 9);
	dns(f->vpn, "10.8.0.1");
	assert_int_equal(pvd_add_prefix(f->vpn, PVD_SRC_STATIC, 9, &v, 96 + 24, RA_INFINITY,
					PVD_NEVER), 0);
	prefix(f->home, "10.8.0.0", 96 + 16);
	rank[2] = f->vpn->handle;
	assert_int_equal(dns_select(&f->s, "5.0.8.10.in-addr.arpa", rank, 3, 0, &c), 0);
	assert_int_equal(c.rule, DNS_SEL_REVERSE);
	assert_int_equal(c.n, 1);
	assert_true(c.pvd[0] == f->vpn->handle);
	assert_non_null(strstr(c.why, "untrusted"));
	/* Outside the trusted prefix, the untrusted one holds it. */
	assert_int_equal(dns_select(&f->s, "5.0.9.10.in-addr.arpa", rank, 3, 0, &c), 0);
	assert_true(c.pvd[0] == f->home->handle);
}

/* RFC 6731 section 4.1: among networks claiming the same domain (same
 * length), the higher preference first, then the rank; medium where no
 * option gave one. Trust still comes first (section 4.3, RFC 7556
 * section 7): an untrusted network's high preference never takes a
 * trusted one's domain. */
static void test_rfc6731_pref(void **state)
{
	struct fix *f = *state;
	struct in6_addr r3 = test_addr("fe80::3");
	struct pvd *cafe = pvd_create_implicit(&f->s, 3, &r3, "wlan1");
	uint64_t rank[] = { f->home->handle, cafe->handle, f->corp->handle };
	struct dns_choice c;

	dns(cafe, "2001:db8:f::53");
	assert_int_equal(pvd_add_domain(f->home, PVD_SRC_DHCPV4, 2, "shared.example", 600,
					PVD_NEVER), 0);
	assert_int_equal(pvd_add_domain(cafe, PVD_SRC_DHCPV4, 3, "shared.example", 600,
					PVD_NEVER), 0);
	/* No preference given: the rank decides. */
	assert_int_equal(dns_select(&f->s, "a.shared.example", rank, 3, 0, &c), 0);
	assert_int_equal(c.n, 2);
	assert_true(c.pvd[0] == f->home->handle && c.pvd[1] == cafe->handle);
	assert_null(strstr(c.why, "preference"));
	/* cafe's option says high: cafe first, although ranked second. */
	assert_int_equal(pvd_domain_select(cafe, "Shared.Example.", NULL, 1), 0);
	assert_int_equal(dns_select(&f->s, "a.shared.example", rank, 3, 0, &c), 0);
	assert_true(c.pvd[0] == cafe->handle && c.pvd[1] == f->home->handle);
	assert_non_null(strstr(c.why, "higher RFC 6731 preference"));
	/* Both high: the rank again. */
	assert_int_equal(pvd_domain_select(f->home, "shared.example", NULL, 1), 0);
	assert_int_equal(dns_select(&f->s, "a.shared.example", rank, 3, 0, &c), 0);
	assert_true(c.pvd[0] == f->home->handle);
	/* A lower preference given later does not lower the higher one. */
	assert_int_equal(pvd_domain_select(f->home, "shared.example", NULL, -1), 0);
	assert_int_equal(dns_select(&f->s, "a.shared.example", rank, 3, 0, &c), 0);
	assert_true(c.pvd[0] == f->home->handle);
	/* Low against medium (no option): medium first. */
	pvd_store_clear(&f->s);
	pvd_store_init(&f->s);
	f->home = pvd_create_implicit(&f->s, 2, &r3, "wlan0");
	cafe = pvd_create_implicit(&f->s, 3, &r3, "wlan1");
	dns(f->home, "2001:db8:a::53");
	dns(cafe, "2001:db8:f::53");
	rank[0] = f->home->handle;
	rank[1] = cafe->handle;
	assert_int_equal(pvd_add_domain(f->home, PVD_SRC_DHCPV4, 2, "shared.example", 600,
					PVD_NEVER), 0);
	assert_int_equal(pvd_add_domain(cafe, PVD_SRC_DHCPV4, 3, "shared.example", 600,
					PVD_NEVER), 0);
	assert_int_equal(pvd_domain_select(f->home, "shared.example", NULL, -1), 0);
	assert_int_equal(dns_select(&f->s, "a.shared.example", rank, 2, 0, &c), 0);
	assert_true(c.pvd[0] == cafe->handle);
	/* Trust first: an untrusted network's high preference for a trusted
	 * PvD's (a configured VPN's) domain is not heard. */
	f->corp = pvd_create_named(&f->s, "corpvpn", PVD_SRC_STATIC, 9);
	dns(f->corp, "10.8.0.1");
	assert_int_equal(pvd_add_domain(f->corp, PVD_SRC_STATIC, 9, "corp.example.com",
					RA_INFINITY, PVD_NEVER), 0);
	assert_int_equal(pvd_add_domain(cafe, PVD_SRC_DHCPV4, 3, "corp.example.com", 600,
					PVD_NEVER), 0);
	assert_int_equal(pvd_domain_select(cafe, "corp.example.com", NULL, 1), 0);
	assert_int_equal(dns_select(&f->s, "www.corp.example.com", rank, 2, 0, &c), 0);
	assert_int_equal(c.n, 1);
	assert_true(c.pvd[0] == f->corp->handle);
	assert_non_null(strstr(c.why, "untrusted"));
	f->vpn = f->nodns = NULL;
	assert_int_equal(pvd_domain_select(cafe, "nope.example", NULL, 1), -ENOENT);
}

/* RFC 6731 within a PvD: the servers named for the most specific domain
 * (with servers named) that the name is under. */
static void test_rfc6731_named(void **state)
{
	struct fix *f = *state;
	struct in6_addr s54 = test_addr("2001:db8:c::54"), s55 = test_addr("2001:db8:c::55");
	struct in6_addr out[4];
	char b[64];

	dns(f->corp, "2001:db8:c::54");
	assert_int_equal(pvd_add_domain(f->corp, PVD_SRC_DHCPV6, 2, "lab.corp.example.com", 600,
					PVD_NEVER), 0);
	assert_int_equal(pvd_domain_select(f->corp, "lab.corp.example.com", &s54, 0), 0);
	assert_int_equal(pvd_domain_select(f->corp, "lab.corp.example.com", &s54, 0), 0);
	assert_int_equal(dns_select_named(f->corp, "x.LAB.corp.example.com.", out, 4), 1);
	assert_string_equal(inet_ntop(AF_INET6, &out[0], b, sizeof(b)), "2001:db8:c::54");
	assert_int_equal(dns_select_named(f->corp, "lab.corp.example.com", out, 4), 1);
	/* Names outside it: no server is preferred. */
	assert_int_equal(dns_select_named(f->corp, "www.corp.example.com", out, 4), 0);
	assert_int_equal(dns_select_named(f->corp, "xlab.corp.example.com", out, 4), 0);
	/* A longer domain of the PvD without named servers does not hide it. */
	assert_int_equal(pvd_add_domain(f->corp, PVD_SRC_RA, 2, "a.lab.corp.example.com", 600,
					PVD_NEVER), 0);
	assert_int_equal(dns_select_named(f->corp, "b.a.lab.corp.example.com", out, 4), 1);
	/* A longer one with its own server wins; a second item (DHCPv4 and
	 * DHCPv6) of the same domain adds its servers. */
	assert_int_equal(pvd_domain_select(f->corp, "a.lab.corp.example.com", &s55, 1), 0);
	assert_int_equal(dns_select_named(f->corp, "b.a.lab.corp.example.com", out, 4), 1);
	assert_string_equal(inet_ntop(AF_INET6, &out[0], b, sizeof(b)), "2001:db8:c::55");
	assert_int_equal(pvd_add_domain(f->corp, PVD_SRC_DHCPV4, 2, "a.lab.corp.example.com", 600,
					PVD_NEVER), 0);
	/* pvd_domain_select marks the first item of that name. */
	assert_int_equal(pvd_domain_select(f->corp, "a.lab.corp.example.com", &s54, 1), 0);
	assert_int_equal(dns_select_named(f->corp, "b.a.lab.corp.example.com", out, 4), 2);
	assert_int_equal(dns_select_named(f->corp, "b.a.lab.corp.example.com", out, 1), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_domains, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_and_fallbacks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reverse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_asked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_untrusted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rfc6731_pref, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rfc6731_named, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
