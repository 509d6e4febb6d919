/* SPDX-License-Identifier: MIT */
/* Unit-test helper: an address in text (IPv6, or IPv4 as v4-mapped, the
 * form the PvD store keeps), failing the test if it does not parse. */
#ifndef MIF_TEST_ADDR_H
#define MIF_TEST_ADDR_H

#include <arpa/inet.h>

#include "daemon/pvd/pvd.h"

static inline struct in6_addr test_addr(const char *s)
{
	struct in6_addr a;
	struct in_addr b;

	if (inet_pton(AF_INET6, s, &a) == 1)
		return a;
	assert_int_equal(inet_pton(AF_INET, s, &b), 1);
	addr_v4_mapped(b, &a);
	return a;
}

#endif
