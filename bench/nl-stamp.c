/* SPDX-License-Identifier: MIT */
/*
 * bench/nl-stamp: print "<CLOCK_MONOTONIC s> <add|del> <route|rule> <table>
 * <destination/len>"
 * for every route and rule with protocol PROTO the kernel announces, as
 * soon as it does. With mif-ra-send --print-time (same clock) it gives the
 * delay from a router's RA to mifd's routes being in the kernel.
 * Usage: nl-stamp PROTO (runs until killed)
 */
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "proto/nl.h"

static void stamp(const struct nlmsghdr *nlh, int proto)
{
	struct timespec ts;
	struct nl_route r;
	struct nl_rule ru;
	const char *what;
	uint32_t table;
	char dst[INET6_ADDRSTRLEN] = "-";
	int len = 0;

	if (nl_parse_route(nlh, &r) == 0 && r.protocol == proto) {
		what = "route";
		table = r.table;
		inet_ntop(r.family, r.dst, dst, sizeof(dst));
		len = r.dst_len;
	} else if (nl_parse_rule(nlh, &ru) == 0 && ru.protocol == proto) {
		what = "rule";
		table = ru.table;
	} else {
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	printf("%ld.%09ld %s %s %u %s/%d\n", (long)ts.tv_sec, ts.tv_nsec,
	       nlh->nlmsg_type == RTM_NEWROUTE || nlh->nlmsg_type == RTM_NEWRULE ? "add" : "del",
	       what, table, dst, len);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	static uint8_t buf[1 << 16];
	int proto = argc == 2 ? atoi(argv[1]) : -1, v6rules = RTNLGRP_IPV6_RULE;
	struct mnl_socket *s = mnl_socket_open(NETLINK_ROUTE);

	if (proto < 0 || !s || mnl_socket_bind(s, RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE |
					       RTMGRP_IPV4_RULE, MNL_SOCKET_AUTOPID) < 0) {
		fprintf(stderr, "usage: nl-stamp PROTO (as root)\n");
		return 2;
	}
	setsockopt(mnl_socket_get_fd(s), SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &v6rules,
		   sizeof(v6rules));
	printf("listening\n");
	fflush(stdout);
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(s, buf, sizeof(buf));
		const struct nlmsghdr *nlh;
		size_t off = 0;

		if (n <= 0)
			continue;
		while ((nlh = nl_next(buf, (size_t)n, &off)))
			stamp(nlh, proto);
	}
}
