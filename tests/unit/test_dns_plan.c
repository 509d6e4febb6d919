/* SPDX-License-Identifier: MIT */
/* What the stub needs to send through a PvD: servers, the mark of its
 * table, its own usable source addresses, DNS64 prefixes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_addr.h"

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/dns/dns_plan.h"

static void view_addr(struct view *v, int ifindex, const char *s, uint32_t flags)
{
	struct nl_addr *na = &v->addrs[v->n_addrs++];
	struct in6_addr a = test_addr(s);

	memset(na, 0, sizeof(*na));
	na->ifindex = ifindex;
	na->flags = flags;
	if (IN6_IS_ADDR_V4MAPPED(&a)) {
		na->family = AF_INET;
		memcpy(na->addr, &a.s6_addr[12], 4);
	} else {
		na->family = AF_INET6;
		memcpy(na->addr, &a, 16);
	}
}

static void test_plan(void **state)
{
	struct pvd_store s;
	struct view *v = calloc(1, sizeof(*v));
	struct route_cfg c;
	struct route_tables t;
	struct dns_plan_pvd out[4];
	struct in6_addr r = test_addr("fe80::1"), a;
	struct pvd *home, *bare;
	size_t n;

	(void)state;
	if (!v) {
		fail();
		return;      /* fail() jumps out, but is not declared so */
	}
	pvd_store_init(&s);
	route_cfg_defaults(&c);
	memset(&t, 0, sizeof(t));
	home = pvd_create_implicit(&s, 3, &r, "eth0");
	a = test_addr("2001:db8:a::");
	assert_int_equal(pvd_add_prefix(home, PVD_SRC_RA, 3, &a, 64, 600, PVD_NEVER), 0);
	a = test_addr("192.168.1.0");
	assert_int_equal(pvd_add_prefix(home, PVD_SRC_DHCPV4, 3, &a, 96 + 24, 600, PVD_NEVER), 0);
	a = test_addr("2001:db8:a::53");
	assert_int_equal(pvd_add_dns(home, PVD_SRC_RA, 3, &a, 600, PVD_NEVER), 0);
	a = test_addr("192.168.1.1");
	assert_int_equal(pvd_add_dns(home, PVD_SRC_DHCPV4, 3, &a, 600, PVD_NEVER), 0);
	bare = pvd_create_explicit(&s, "nodns.example");
	assert_non_null(bare);
	/* Only a tentative address: no source yet, and nothing of that
	 * family may be sent (the kernel would pick another network's). */
	view_addr(v, 3, "2001:db8:a::5", IFA_F_TENTATIVE);
	assert_int_equal(dns_plan_build(&s, v, &c, &t, out, 4, &n), 0);
	assert_int_equal(out[0].servers[0].src_state, DNS_SRC_PENDING);
	/* An IPv4 prefix but no address in it at all: nothing to wait for. */
	assert_int_equal(out[0].servers[1].src_state, DNS_SRC_MISSING);
	/* A tentative address is not a source yet; the next one is. */
	view_addr(v, 3, "2001:db8:a::6", 0);
	view_addr(v, 4, "192.168.1.7", 0);        /* another link: not this PvD's */
	view_addr(v, 3, "192.168.1.9", 0);
	t.handle[2] = home->handle;
	assert_int_equal(dns_plan_build(&s, v, &c, &t, out, 4, &n), 0);
	assert_int_equal(n, 1);                    /* only PvDs with servers */
	assert_int_equal(out[0].handle, home->handle);
	/* The route_plan mark: the table and the "bound" flag (rule base+250). */
	assert_int_equal(out[0].mark, route_mark_of(&c, &t, c.table_base + 2));
	assert_int_equal(out[0].mark, 0x10000 | (c.table_base + 2));
	assert_int_equal(out[0].n_servers, 2);
	assert_int_equal(out[0].servers[1].ifindex, 3);
	a = test_addr("2001:db8:a::6");
	assert_int_equal(out[0].servers[0].src_state, DNS_SRC_READY);
	assert_memory_equal(&out[0].servers[0].src, &a, 16);
	/* 192.168.1.7 is on another link: the server's link gives .9. */
	a = test_addr("192.168.1.9");
	assert_int_equal(out[0].servers[1].src_state, DNS_SRC_READY);
	assert_memory_equal(&out[0].servers[1].src, &a, 16);
	/* A VPN without prefixes: the kernel picks, on the bound device. */
	{
		struct pvd *vpn = pvd_create_named(&s, "vpn", PVD_SRC_API, 9);

		a = test_addr("10.8.0.1");
		assert_int_equal(pvd_add_dns(vpn, PVD_SRC_API, 9, &a, RA_INFINITY, PVD_NEVER), 0);
		assert_int_equal(dns_plan_build(&s, v, &c, &t, out, 4, &n), 0);
		assert_int_equal(n, 2);
		assert_int_equal(out[1].servers[0].src_state, DNS_SRC_ANY);
		assert_int_equal(out[1].servers[0].ifindex, 9);
		pvd_destroy(&s, vpn);
	}
	/* Routing off: no mark, same sources. */
	c.enabled = false;
	assert_int_equal(dns_plan_build(&s, v, &c, &t, out, 4, &n), 0);
	assert_int_equal(out[0].mark, 0);
	assert_int_equal(dns_plan_build(&s, v, &c, &t, out, 0, &n), -ENOSPC);
	pvd_store_clear(&s);
	free(v);
}

static void test_dns64(void **state)
{
	struct dns_plan_pvd p;
	struct in6_addr a;

	(void)state;
	memset(&p, 0, sizeof(p));
	a = test_addr("64:ff9b::c000:201");
	assert_true(dns_plan_is_dns64(&p, &a));      /* RFC 6052 well-known prefix */
	a = test_addr("64:ff9b:1::c000:201");
	assert_false(dns_plan_is_dns64(&p, &a));
	p.has_pref64 = true;
	p.pref64 = test_addr("2001:db8:64::");
	p.pref64_plen = 96;
	a = test_addr("2001:db8:64::c000:201");
	assert_true(dns_plan_is_dns64(&p, &a));
	a = test_addr("2001:db8:65::c000:201");
	assert_false(dns_plan_is_dns64(&p, &a));
	a = test_addr("2001:db8:64::");
	assert_true(dns_plan_in_prefix(&a, &p.pref64, 0));
	assert_false(dns_plan_in_prefix(&a, &p.pref64, 129));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_dns64),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
