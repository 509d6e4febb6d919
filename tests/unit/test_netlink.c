/* SPDX-License-Identifier: MIT */
/*
 * The shared netlink/TUN library (src/netlink/): sysctl name checks, and,
 * as root inside a network namespace of the test's own (unshare), an
 * rtnetlink socket, sysctls on a real link and a TUN device with the
 * virtio-net header: a UDP datagram routed into the device comes out of its
 * descriptor behind a header that says "no GSO". Nothing outside the
 * private namespace is touched.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/rtnetlink.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netlink/netlink.h"

static bool in_private_netns;

static int test_read_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	int ok = f && fgets(buf, (int)len, f) != NULL;

	if (f)
		fclose(f);
	return ok ? 0 : -1;
}

static void test_sysctl_refuses_bad_names(void **state)
{
	assert_int_equal(sysctl_set_link("ipv4", "", "rp_filter", "2"), -EINVAL);
	assert_int_equal(sysctl_set_link("ipv4", "..", "rp_filter", "2"), -EINVAL);
	assert_int_equal(sysctl_set_link("ipv4", ".", "rp_filter", "2"), -EINVAL);
	assert_int_equal(sysctl_set_link("ipv4", "a/b", "rp_filter", "2"), -EINVAL);
	assert_int_equal(sysctl_set_link("ipv4", "0123456789abcdef", "rp_filter", "2"), -EINVAL);
	assert_int_equal(sysctl_set_link("ipv4", "lo", "../../x", "2"), -EINVAL);
	assert_int_equal(sysctl_set_link("ipv5", "lo", "rp_filter", "2"), -EINVAL);
	assert_int_equal(sysctl_set_link("ipv4", "lo", "rp_filter", NULL), -EINVAL);
}

static void test_sysctl_reads_a_link(void **state)
{
	uint32_t v = 7;
	char buf[16];

	/* Readable by anyone: lo's IPv6 MTU, as the file says. */
	if (test_read_file("/proc/sys/net/ipv6/conf/lo/mtu", buf, sizeof(buf)) < 0)
		skip();
	assert_int_equal(sysctl_get_link_u32("ipv6", "lo", "mtu", &v), 0);
	assert_int_equal(v, strtoul(buf, NULL, 10));
	/* Bad names and a missing knob: refused, the out-parameter untouched. */
	v = 7;
	assert_int_equal(sysctl_get_link_u32("ipv6", "..", "mtu", &v), -EINVAL);
	assert_int_equal(sysctl_get_link_u32("ipv6", "lo", "../mtu", &v), -EINVAL);
	assert_int_equal(sysctl_get_link_u32(NULL, "lo", "mtu", &v), -EINVAL);
	assert_int_equal(sysctl_get_link_u32("ipv6", "lo", "no_such_knob", &v), -ENOENT);
	/* A knob that is not one number (stable_secret reads EIO unset, or an
	 * address): never taken as a number. */
	assert_true(sysctl_get_link_u32("ipv6", "lo", "stable_secret", &v) < 0);
	assert_int_equal(v, 7);
}

/* The text of a knob, newline cut; too small a buffer is refused whole. */
static void test_sysctl_reads_text(void **state)
{
	char file[32], buf[32] = "untouched", tiny[2] = "x";

	(void)state;
	if (test_read_file("/proc/sys/net/ipv6/conf/lo/mtu", file, sizeof(file)) < 0)
		skip();
	assert_int_equal(sysctl_get_link("ipv6", "lo", "mtu", buf, sizeof(buf)), 0);
	file[strcspn(file, "\n")] = '\0';
	assert_string_equal(buf, file);
	assert_int_equal(sysctl_get_link("ipv6", "lo", "mtu", tiny, sizeof(tiny)), -ENOSPC);
	assert_string_equal(tiny, "x");
	strcpy(buf, "untouched");
	assert_int_equal(sysctl_get_link("ipv6", "lo", "no_such_knob", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(sysctl_get_link("ipv6", "../..", "mtu", buf, sizeof(buf)), -EINVAL);
	assert_string_equal(buf, "untouched");
}


static void test_sysctl_sets_a_link(void **state)
{
	char v[16];

	if (!in_private_netns)
		skip();
	assert_int_equal(sysctl_set_link("ipv4", "lo", "rp_filter", "2"), 0);
	assert_int_equal(test_read_file("/proc/sys/net/ipv4/conf/lo/rp_filter", v, sizeof(v)), 0);
	assert_string_equal(v, "2\n");
	assert_int_equal(sysctl_set_link("ipv4", "lo", "rp_filter", "0"), 0);
	assert_int_equal(test_read_file("/proc/sys/net/ipv4/conf/lo/rp_filter", v, sizeof(v)), 0);
	assert_string_equal(v, "0\n");
	assert_int_equal(sysctl_set_link("ipv4", "nosuchlink9", "rp_filter", "2"), -ENOENT);
}

static void test_netlink_open(void **state)
{
	struct mnl_socket *s = NULL;

	assert_int_equal(netlink_open(RTMGRP_LINK, 1 << 20, &s), 0);
	assert_non_null(s);
	assert_true(fcntl(mnl_socket_get_fd(s), F_GETFL) & O_NONBLOCK);
	mnl_socket_close(s);
}

static void test_tun_refuses_bad_arguments(void **state)
{
	char name[16] = "untouched";
	int fd = -7;

	assert_int_equal(tun_open("0123456789abcdef", 0, &fd, name), -EINVAL);
	assert_int_equal(tun_open("x", 1u << 5, &fd, name), -EINVAL);
	assert_int_equal(fd, -7);
	assert_string_equal(name, "untouched");
	assert_int_equal(tun_set_offload(-1, 1u << 7), -EINVAL);
}

/* Bring name up with an IPv4 address addr/24 (ioctl: no netlink builder
 * for links is needed for a test). */
static void test_if_up(const char *name, const char *addr)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct ifreq ifr;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;

	assert_true(s >= 0);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	sin->sin_family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, addr, &sin->sin_addr), 1);
	assert_int_equal(ioctl(s, SIOCSIFADDR, &ifr), 0);
	assert_int_equal(inet_pton(AF_INET, "255.255.255.0", &sin->sin_addr), 1);
	assert_int_equal(ioctl(s, SIOCSIFNETMASK, &ifr), 0);
	assert_int_equal(ioctl(s, SIOCGIFFLAGS, &ifr), 0);
	ifr.ifr_flags |= IFF_UP;
	assert_int_equal(ioctl(s, SIOCSIFFLAGS, &ifr), 0);
	close(s);
}

/* Read packets from the TUN for up to 2 s until one is IPv4/UDP to dst. */
static ssize_t test_tun_read_udp(int fd, uint8_t *buf, size_t len, size_t hdr)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	for (int i = 0; i < 20; i++) {
		ssize_t n;

		if (poll(&p, 1, 100) <= 0)
			continue;
		n = read(fd, buf, len);
		if (n >= (ssize_t)(hdr + 28) && (buf[hdr] >> 4) == 4 && buf[hdr + 9] == IPPROTO_UDP)
			return n;
	}
	return -1;
}

static void test_tun_vnet_hdr_carries_a_datagram(void **state)
{
	char name[16];
	uint8_t buf[2048];
	struct virtio_net_hdr vh;
	struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(9999) };
	int fd = -1, sz = 0, s;
	ssize_t n;

	if (!in_private_netns)
		skip();
	assert_int_equal(tun_open("miftest0", TUN_VNET_HDR, &fd, name), 0);
	assert_string_equal(name, "miftest0");
	assert_int_equal(tun_vnet_hdr_size(fd, &sz), 0);
	assert_int_equal(sz, (int)sizeof(struct virtio_net_hdr));
	assert_int_equal(tun_set_offload(fd, TUN_OFF_CSUM | TUN_OFF_TSO), 0);
	test_if_up(name, "192.0.2.1");
	/* 192.0.2.2 is on the TUN's /24, inside this private namespace. */
	s = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(s >= 0);
	assert_int_equal(inet_pton(AF_INET, "192.0.2.2", &dst.sin_addr), 1);
	assert_int_equal(sendto(s, "mif-tun", 7, 0, (struct sockaddr *)&dst, sizeof(dst)), 7);
	n = test_tun_read_udp(fd, buf, sizeof(buf), (size_t)sz);
	assert_true(n == sz + 20 + 8 + 7);
	memcpy(&vh, buf, sizeof(vh));
	assert_int_equal(vh.gso_type, VIRTIO_NET_HDR_GSO_NONE);
	assert_memory_equal(buf + sz + 16, &dst.sin_addr, 4);
	assert_memory_equal(buf + sz + 28, "mif-tun", 7);
	close(s);
	close(fd);
}

static void test_tun_kernel_names_it(void **state)
{
	char name[16];
	int fd = -1;

	if (!in_private_netns)
		skip();
	assert_int_equal(tun_open("", 0, &fd, name), 0);
	assert_true(strncmp(name, "tun", 3) == 0);
	assert_true(if_nametoindex(name) > 0);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sysctl_refuses_bad_names),
		cmocka_unit_test(test_sysctl_reads_a_link),
		cmocka_unit_test(test_sysctl_reads_text),
		cmocka_unit_test(test_sysctl_sets_a_link),
		cmocka_unit_test(test_netlink_open),
		cmocka_unit_test(test_tun_refuses_bad_arguments),
		cmocka_unit_test(test_tun_vnet_hdr_carries_a_datagram),
		cmocka_unit_test(test_tun_kernel_names_it),
	};

	/* Root gets a network namespace of its own, so the sysctls and the
	 * TUN device never touch the machine's interfaces. Without root (or
	 * namespaces) those tests skip, and say so; in CI they must run. */
	in_private_netns = geteuid() == 0 && unshare(CLONE_NEWNET) == 0;
	if (!in_private_netns && getenv("CI")) {
		fprintf(stderr, "test_netlink: CI=true but no private network namespace (%s)\n",
			strerror(errno));
		return 1;
	}
	if (!in_private_netns)
		fprintf(stderr, "test_netlink: not root or no unshare(CLONE_NEWNET): the kernel "
			"tests are skipped\n");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
