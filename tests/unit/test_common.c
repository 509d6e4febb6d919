/* SPDX-License-Identifier: MIT */
/* Unit tests for the helpers of src/common/ that mifd, libmif and mifctl
 * share: addresses and prefixes (addr.h), the clock (clock.h), random
 * numbers (rand.h) and socket paths (paths.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/cfgval.h"
#include "common/clock.h"
#include "common/paths.h"
#include "common/rand.h"
#include "common/unixsock.h"

static struct in6_addr A(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static void test_v4_mapped(void **state)
{
	struct in_addr v4;
	struct in6_addr a, want = A("::ffff:192.0.2.1");

	(void)state;
	memset(&a, 0xaa, sizeof(a));   /* every byte is written */
	assert_int_equal(inet_pton(AF_INET, "192.0.2.1", &v4), 1);
	addr_v4_mapped(v4, &a);
	assert_memory_equal(&a, &want, 16);
	assert_true(IN6_IS_ADDR_V4MAPPED(&a));
}

static void test_ntop(void **state)
{
	char b[INET6_ADDRSTRLEN];
	struct in6_addr a = A("::ffff:10.1.2.3"), b6 = A("2001:db8::1"),
			compat = A("::10.1.2.3");

	(void)state;
	assert_string_equal(addr_ntop(&a, b, sizeof(b)), "10.1.2.3");
	assert_string_equal(addr_ntop(&b6, b, sizeof(b)), "2001:db8::1");
	/* IPv4-compatible (deprecated) is IPv6, not IPv4. */
	assert_string_equal(addr_ntop(&compat, b, sizeof(b)), "::10.1.2.3");
}

static void test_in_prefix(void **state)
{
	struct in6_addr p = A("2001:db8:ab00::"), in = A("2001:db8:abff::1"),
			out = A("2001:db8:ac00::1"), any = A("::"), x = A("2001:db8::1");

	(void)state;
	/* /0 holds everything, whatever the prefix's bits. */
	assert_true(addr_in_prefix(&in, &any, 0));
	assert_true(addr_in_prefix(&out, &in, 0));
	/* Non-byte-aligned: /40 keeps 2001:db8:ab, /39 lets the last bit go. */
	assert_true(addr_in_prefix(&in, &p, 40));
	assert_false(addr_in_prefix(&out, &p, 40));
	assert_false(addr_in_prefix(&out, &p, 38));
	assert_true(addr_in_prefix(&out, &p, 37));
	/* /128: the address itself only. */
	assert_true(addr_in_prefix(&x, &x, 128));
	assert_false(addr_in_prefix(&in, &x, 128));
	/* Past 128 nothing matches (and nothing past the address is read). */
	assert_false(addr_in_prefix(&x, &x, 129));
	assert_false(addr_in_prefix(&x, &x, 255));
}

static void test_in_prefix_v4(void **state)
{
	struct in6_addr net = A("::ffff:10.0.0.0"), in = A("::ffff:10.0.0.200"),
			out = A("::ffff:10.0.1.1"), v6 = A("::a00:1");

	(void)state;
	assert_true(addr_in_prefix(&in, &net, 96 + 24));
	assert_false(addr_in_prefix(&out, &net, 96 + 24));
	assert_true(addr_in_prefix(&out, &net, 96 + 23));
	/* /32 in IPv4 is /128. */
	assert_true(addr_in_prefix(&in, &in, 128));
	assert_false(addr_in_prefix(&out, &in, 128));
	/* 0.0.0.0/0 (/96) holds every IPv4 address and no IPv6 one. */
	assert_true(addr_in_prefix(&out, &net, 96));
	assert_false(addr_in_prefix(&v6, &net, 96));
}

static void test_mask(void **state)
{
	struct in6_addr a = A("2001:db8:ffff:ffff::1"), w;

	(void)state;
	w = a;
	addr_mask(&w, 128);
	assert_memory_equal(&w, &a, 16);
	addr_mask(&w, 200);                     /* past 128: nothing */
	assert_memory_equal(&w, &a, 16);
	addr_mask(&w, 35);
	{
		struct in6_addr want = A("2001:db8:e000::");

		assert_memory_equal(&w, &want, 16);
	}
	addr_mask(&w, 0);
	{
		struct in6_addr zero = A("::");

		assert_memory_equal(&w, &zero, 16);
	}
}

static void test_prefix_clean(void **state)
{
	struct in6_addr a = A("2001:db8::"), host = A("2001:db8::1"),
			v4 = A("::ffff:10.0.0.0"), v4host = A("::ffff:10.0.0.1");

	(void)state;
	assert_true(addr_prefix_clean(&a, 32));
	assert_true(addr_prefix_clean(&host, 128));
	assert_false(addr_prefix_clean(&host, 127));
	assert_false(addr_prefix_clean(&host, 129));
	assert_true(addr_prefix_clean(&v4, 96 + 8));
	assert_false(addr_prefix_clean(&v4host, 96 + 8));
	assert_false(addr_prefix_clean(&a, 0));
}

static void test_parse(void **state)
{
	struct in6_addr a, keep, want;

	(void)state;
	assert_int_equal(addr_parse("2001:db8::1", &a), AF_INET6);
	want = A("2001:db8::1");
	assert_memory_equal(&a, &want, 16);
	assert_int_equal(addr_parse("192.0.2.7", &a), AF_INET);
	want = A("::ffff:192.0.2.7");
	assert_memory_equal(&a, &want, 16);
	/* Mapped IPv6 text stays IPv6 text: callers decide if they take it. */
	assert_int_equal(addr_parse("::ffff:192.0.2.7", &a), AF_INET6);
	assert_memory_equal(&a, &want, 16);
	/* Bad text: an error, the out-parameter untouched. */
	keep = a;
	assert_int_equal(addr_parse("", &a), -EINVAL);
	assert_int_equal(addr_parse("192.0.2", &a), -EINVAL);
	assert_int_equal(addr_parse("192.0.2.256", &a), -EINVAL);
	assert_int_equal(addr_parse("2001:db8::1/64", &a), -EINVAL);
	assert_int_equal(addr_parse(" 2001:db8::1", &a), -EINVAL);
	assert_int_equal(addr_parse("host.example", &a), -EINVAL);
	assert_memory_equal(&a, &keep, 16);
}

static void test_prefix_parse(void **state)
{
	struct in6_addr a, want;
	uint8_t l = 77;

	(void)state;
	assert_int_equal(addr_prefix_parse("2001:db8::/32", &a, &l), AF_INET6);
	want = A("2001:db8::");
	assert_memory_equal(&a, &want, 16);
	assert_int_equal(l, 32);
	assert_int_equal(addr_prefix_parse("::/0", &a, &l), AF_INET6);
	assert_int_equal(l, 0);
	assert_int_equal(addr_prefix_parse("2001:db8::1/128", &a, &l), AF_INET6);
	assert_int_equal(l, 128);
	assert_int_equal(addr_prefix_parse("2001:db8::/061", &a, &l), AF_INET6);
	assert_int_equal(l, 61);
	/* IPv4: length counted in the 128-bit form. */
	assert_int_equal(addr_prefix_parse("10.0.0.0/8", &a, &l), AF_INET);
	want = A("::ffff:10.0.0.0");
	assert_memory_equal(&a, &want, 16);
	assert_int_equal(l, 104);
	assert_int_equal(addr_prefix_parse("0.0.0.0/0", &a, &l), AF_INET);
	assert_int_equal(l, 96);
	assert_int_equal(addr_prefix_parse("192.0.2.1/32", &a, &l), AF_INET);
	assert_int_equal(l, 128);
	/* Host bits are the caller's business (addr_prefix_clean). */
	assert_int_equal(addr_prefix_parse("10.0.0.1/8", &a, &l), AF_INET);
	assert_false(addr_prefix_clean(&a, l));

	/* Bad text: an error, out-parameters untouched. */
	want = a;
	l = 77;
	assert_int_equal(addr_prefix_parse("2001:db8::", &a, &l), -EINVAL);
	assert_int_equal(addr_prefix_parse("2001:db8::/", &a, &l), -EINVAL);
	assert_int_equal(addr_prefix_parse("2001:db8::/129", &a, &l), -EINVAL);
	assert_int_equal(addr_prefix_parse("2001:db8::/99999999999999999999", &a, &l), -EINVAL);
	assert_int_equal(addr_prefix_parse("10.0.0.0/33", &a, &l), -EINVAL);
	assert_int_equal(addr_prefix_parse("10.0.0.0/-0", &a, &l), -EINVAL);
	assert_int_equal(addr_prefix_parse("10.0.0.0/+8", &a, &l), -EINVAL);
	assert_int_equal(addr_prefix_parse("10.0.0.0/ 8", &a, &l), -EINVAL);
	assert_int_equal(addr_prefix_parse("10.0.0.0/8 ", &a, &l), -EINVAL);
	assert_int_equal(addr_prefix_parse("10.0.0.0/0x8", &a, &l), -EINVAL);
	assert_int_equal(addr_prefix_parse("10.0.0/8", &a, &l), -EINVAL);
	assert_int_equal(addr_prefix_parse("/8", &a, &l), -EINVAL);
	assert_int_equal(addr_prefix_parse("", &a, &l), -EINVAL);
	assert_int_equal(addr_prefix_parse("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255x/64",
					   &a, &l), -EINVAL);
	assert_memory_equal(&a, &want, 16);
	assert_int_equal(l, 77);
}

static void test_prefix_format(void **state)
{
	char b[ADDR_PREFIX_STRLEN];
	struct in6_addr v6 = A("2001:db8::"), v4 = A("::ffff:10.0.0.0"), z4 = A("::ffff:0.0.0.0"),
			lng = A("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	uint8_t l;

	(void)state;
	assert_int_equal(addr_prefix_format(&v6, 32, b, sizeof(b)), 0);
	assert_string_equal(b, "2001:db8::/32");
	assert_int_equal(addr_prefix_format(&v4, 104, b, sizeof(b)), 0);
	assert_string_equal(b, "10.0.0.0/8");
	assert_int_equal(addr_prefix_format(&z4, 96, b, sizeof(b)), 0);
	assert_string_equal(b, "0.0.0.0/0");
	assert_int_equal(addr_prefix_format(&lng, 128, b, sizeof(b)), 0);
	assert_string_equal(b, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
	assert_int_equal(addr_prefix_format(&v6, 32, b, 8), -ENOSPC);
	/* What is formatted parses back to the same prefix. */
	assert_int_equal(addr_prefix_format(&v4, 120, b, sizeof(b)), 0);
	assert_int_equal(addr_prefix_parse(b, &v6, &l), AF_INET);
	assert_memory_equal(&v6, &v4, 16);
	assert_int_equal(l, 120);
}

/* The mobile node's check of where a tunnel packet came from. */
static void test_sockaddr_same(void **state)
{
	struct sockaddr_storage a, b;
	struct in6_addr x, y, ll;
	unsigned la, lb;

	(void)state;
	assert_int_equal(addr_parse("2001:db8::1", &x), AF_INET6);
	assert_int_equal(addr_parse("2001:db8::2", &y), AF_INET6);
	assert_int_equal(addr_parse("fe80::1", &ll), AF_INET6);
	addr_sockaddr(&x, 4500, 0, &a, &la);
	addr_sockaddr(&x, 4500, 0, &b, &lb);
	((struct sockaddr_in6 *)&b)->sin6_flowinfo = htonl(0x12345);
	assert_true(addr_sockaddr_same(&a, la, &b, lb));
	addr_sockaddr(&x, 4501, 0, &b, &lb);                  /* another port */
	assert_false(addr_sockaddr_same(&a, la, &b, lb));
	addr_sockaddr(&y, 4500, 0, &b, &lb);                  /* another address */
	assert_false(addr_sockaddr_same(&a, la, &b, lb));
	assert_false(addr_sockaddr_same(&a, la, &a, 8));      /* a short name */
	addr_sockaddr(&ll, 4500, 2, &a, &la);
	addr_sockaddr(&ll, 4500, 3, &b, &lb);                 /* another link */
	assert_false(addr_sockaddr_same(&a, la, &b, lb));
	addr_sockaddr(&ll, 4500, 2, &b, &lb);
	assert_true(addr_sockaddr_same(&a, la, &b, lb));
	assert_int_equal(addr_parse("192.0.2.1", &x), AF_INET);
	assert_int_equal(addr_parse("192.0.2.2", &y), AF_INET);
	addr_sockaddr(&x, 4500, 0, &a, &la);
	addr_sockaddr(&x, 4500, 0, &b, &lb);
	assert_int_equal(a.ss_family, AF_INET);
	assert_true(addr_sockaddr_same(&a, la, &b, lb));
	addr_sockaddr(&y, 4500, 0, &b, &lb);
	assert_false(addr_sockaddr_same(&a, la, &b, lb));
	addr_sockaddr(&x, 4500, 0, &a, &la);                 /* IPv4 against IPv6 */
	addr_sockaddr(&ll, 4500, 0, &b, &lb);
	assert_false(addr_sockaddr_same(&a, la, &b, lb));
}

static void test_clock(void **state)
{
	uint64_t a = clock_mono_ns(), b;
	long long ms = clock_mono_ms();

	(void)state;
	b = clock_mono_ns();
	assert_true(b >= a);
	/* Both read the same clock: ms lies between a and a later ns. */
	assert_true((uint64_t)ms >= a / 1000000u);
	assert_true((uint64_t)ms <= clock_mono_ns() / 1000000u);
}

static void test_rand(void **state)
{
	uint8_t a[32], b[32], z[32] = { 0 }, edge[5] = { 1, 2, 3, 4, 5 };
	uint32_t x = rand_u32(), y = rand_u32(), w = rand_u32();

	(void)state;
	rand_bytes(a, sizeof(a));
	rand_bytes(b, sizeof(b));
	/* 2^-256 odds of a false failure. */
	assert_memory_not_equal(a, b, sizeof(a));
	assert_memory_not_equal(a, z, sizeof(a));
	/* Exactly len bytes are written. */
	rand_bytes(edge + 1, 0);
	assert_int_equal(edge[1], 2);
	rand_bytes(edge + 1, 3);
	assert_int_equal(edge[0], 1);
	assert_int_equal(edge[4], 5);
	assert_false(x == y && y == w);
	/* The unguessable kind comes from the kernel here (getrandom works on
	 * any kernel mif supports), never from the fallback. */
	assert_int_equal(rand_secure_bytes(a, sizeof(a)), 0);
	assert_int_equal(rand_secure_bytes(b, sizeof(b)), 0);
	assert_memory_not_equal(a, b, sizeof(a));
	assert_int_equal(rand_secure_bytes(edge + 1, 3), 0);
	assert_int_equal(edge[0], 1);
	assert_int_equal(edge[4], 5);
}

static void test_bind_socket(void **state)
{
	char b[sizeof(((struct sockaddr_un *)0)->sun_path)], lng[200];

	(void)state;
	assert_int_equal(paths_bind_socket("/run/mif/mifd.sock", b, sizeof(b)), 0);
	assert_string_equal(b, "/run/mif/mifd-bind.sock");
	assert_int_equal(paths_bind_socket("/tmp/x", b, sizeof(b)), 0);
	assert_string_equal(b, "/tmp/x-bind");
	assert_int_equal(paths_bind_socket("/tmp/x.socket", b, sizeof(b)), 0);
	assert_string_equal(b, "/tmp/x.socket-bind");
	assert_int_equal(paths_bind_socket(".sock", b, sizeof(b)), 0);
	assert_string_equal(b, "-bind.sock");
	assert_int_equal(paths_bind_socket("sock", b, sizeof(b)), 0);
	assert_string_equal(b, "sock-bind");
	/* "a.sock" needs 12 bytes with the NUL: 12 fits, 11 does not. */
	assert_int_equal(paths_bind_socket("a.sock", b, 12), 0);
	assert_int_equal(paths_bind_socket("a.sock", b, 11), -ENAMETOOLONG);
	memset(lng, 'x', sizeof(lng) - 1);
	lng[sizeof(lng) - 1] = '\0';
	assert_int_equal(paths_bind_socket(lng, b, sizeof(b)), -ENAMETOOLONG);
}

static void test_ctl_socket(void **state)
{
	static const char D[] = "/run/default.sock";

	(void)state;
	assert_int_equal(unsetenv("MIF_SOCKET"), 0);
	assert_string_equal(paths_ctl_socket(NULL, D), D);
	assert_string_equal(paths_ctl_socket("", D), D);
	assert_string_equal(paths_ctl_socket("/a.sock", D), "/a.sock");
	assert_int_equal(setenv("MIF_SOCKET", "/env.sock", 1), 0);
	assert_string_equal(paths_ctl_socket(NULL, D), "/env.sock");
	/* An empty path is "not given" (libmif used to skip $MIF_SOCKET). */
	assert_string_equal(paths_ctl_socket("", D), "/env.sock");
	assert_string_equal(paths_ctl_socket("/a.sock", D), "/a.sock");
	assert_int_equal(setenv("MIF_SOCKET", "", 1), 0);
	assert_string_equal(paths_ctl_socket(NULL, D), D);
	assert_int_equal(unsetenv("MIF_SOCKET"), 0);
}

/* Configuration values (cfgval.h): decimal or 0x hexadecimal whole
 * numbers within their range, nothing else; yes or no; strings that fit;
 * a refused value leaves *out alone and says which key and what it takes. */
/* A listening socket replaces only a stale socket: a live one is in use,
 * and a file or directory at the path is left as it is. */
static void test_unixsock_path(void **state)
{
	char dir[] = "/tmp/mif-unixsock.XXXXXX", path[64], buf[8] = "";
	struct stat st;
	int fd, fd2;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/s", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("keep", f);
	fclose(f);
	assert_int_equal(unixsock_listen(path, SOCK_STREAM), -ENOTSOCK);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "keep");
	assert_string_equal(unixsock_why(-ENOTSOCK), "a file that is not a socket is there");
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(unixsock_listen(path, SOCK_STREAM), -EISDIR);
	assert_int_equal(rmdir(path), 0);
	fd = unixsock_listen(path, SOCK_STREAM);
	assert_true(fd >= 0);
	assert_int_equal(unixsock_listen(path, SOCK_STREAM), -EADDRINUSE);
	close(fd);      /* a stale socket, as a crash leaves it: replaced */
	fd2 = unixsock_listen(path, SOCK_STREAM);
	assert_true(fd2 >= 0);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	close(fd2);
	unlink(path);
	rmdir(dir);
}

static void test_cfgval(void **state)
{
	static const char *const bad[] = { "", "-1", "+5", " 5", "5 ", "1e3", "0x", "0xg",
					   "010x", "4294967296", "99999999999999999999", NULL };
	char err[96], s[8] = "old";
	uint32_t v = 7;
	bool b = true;

	(void)state;
	/* Interface names as the kernel takes them (dev_valid_name). */
	assert_true(cfg_ifname_ok("eth0"));
	assert_true(cfg_ifname_ok("wlp3s0-x_y.1"));
	assert_true(cfg_ifname_ok("abcdefghijklmno"));          /* 15 octets */
	assert_false(cfg_ifname_ok("abcdefghijklmnop"));        /* 16 */
	assert_false(cfg_ifname_ok(""));
	assert_false(cfg_ifname_ok(NULL));
	assert_false(cfg_ifname_ok("."));
	assert_false(cfg_ifname_ok(".."));
	assert_false(cfg_ifname_ok("../../etc"));
	assert_false(cfg_ifname_ok("a b"));
	assert_false(cfg_ifname_ok("eth0:1"));
	assert_false(cfg_ifname_ok("a\tb"));
	assert_false(cfg_ifname_ok("\x1b[31m"));
	assert_int_equal(cfg_uint("n", "42", 0, 100, &v, err, sizeof(err)), 0);
	assert_int_equal(v, 42);
	assert_int_equal(cfg_uint("n", "010", 0, 100, &v, err, sizeof(err)), 0);
	assert_int_equal(v, 10);                        /* decimal, not octal */
	assert_int_equal(cfg_uint("n", "0x1F", 0, 100, &v, err, sizeof(err)), 0);
	assert_int_equal(v, 31);
	assert_int_equal(cfg_uint("n", "4294967295", 0, 0xffffffffUL, &v, err, sizeof(err)), 0);
	assert_int_equal(v, UINT32_MAX);
	v = 7;
	for (const char *const *p = bad; *p; p++) {
		assert_int_equal(cfg_uint("n", *p, 0, 0xffffffffUL, &v, err, sizeof(err)), -EINVAL);
		assert_int_equal(v, 7);
	}
	assert_int_equal(cfg_uint("heartbeat_misses", "0", 1, 100, &v, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "heartbeat_misses: \"0\" is not a number from 1 to 100");
	assert_int_equal(cfg_uint("n", "101", 1, 100, &v, err, sizeof(err)), -EINVAL);
	assert_int_equal(cfg_yesno("offload", "no", &b, err, sizeof(err)), 0);
	assert_false(b);
	assert_int_equal(cfg_yesno("offload", "No", &b, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "offload: \"No\" is not yes or no");
	assert_false(b);
	assert_int_equal(cfg_string("tun", "mifha0", s, sizeof(s), err, sizeof(err)), 0);
	assert_string_equal(s, "mifha0");
	assert_int_equal(cfg_string("tun", "mifha0123", s, sizeof(s), err, sizeof(err)), -EINVAL);
	assert_int_equal(cfg_string("tun", "", s, sizeof(s), err, sizeof(err)), -EINVAL);
	assert_string_equal(s, "mifha0");
	assert_string_equal(err, "tun: \"\" is empty or longer than 7 octets");
	/* A short buffer is cut, never overrun; none at all is allowed. */
	assert_int_equal(cfg_fail(err, 4, "%s", "abcdef"), -EINVAL);
	assert_string_equal(err, "abc");
	assert_int_equal(cfg_fail(NULL, 0, "x"), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v4_mapped),
		cmocka_unit_test(test_ntop),
		cmocka_unit_test(test_in_prefix),
		cmocka_unit_test(test_in_prefix_v4),
		cmocka_unit_test(test_mask),
		cmocka_unit_test(test_prefix_clean),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_prefix_parse),
		cmocka_unit_test(test_prefix_format),
		cmocka_unit_test(test_sockaddr_same),
		cmocka_unit_test(test_cfgval),
		cmocka_unit_test(test_clock),
		cmocka_unit_test(test_rand),
		cmocka_unit_test(test_bind_socket),
		cmocka_unit_test(test_ctl_socket),
		cmocka_unit_test(test_unixsock_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
