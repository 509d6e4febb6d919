/* SPDX-License-Identifier: MIT */
/*
 * The per-link sysctls mifd sets and puts back (src/daemon/kern/
 * kern_sysctl.c): the kept record's text, and, as root inside a network
 * namespace of the test's own (unshare), a whole cycle on lo: set, kept
 * in a state directory, a "crash" (the table forgotten), a new mifd that
 * reads the record and puts back the values from before the first.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/kern/kern_priv.h"
#include "daemon/ra/slaac.h"
#include "netlink/netlink.h"

static bool in_private_netns;

static void test_parse(void **state)
{
	static const char text[] =
		"ipv4 rp_filter 0 2\n"
		"ipv6 accept_ra_mtu 1 0\n"
		"ipx rp_filter 0 2\n"                  /* no such family */
		"ipv6 max_addresses 16\n"              /* a field short */
		"ipv6 use_tempaddr 0 2 extra\n"        /* a field over */
		"\n"
		"ipv6 addr_gen_mode 0 2";              /* no newline at the end */
	struct kern_sysctl_link s;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(kern_sysctl_parse(&s, text, strlen(text)), 3);
	assert_string_equal(s.v[0].family, "ipv4");
	assert_string_equal(s.v[0].knob, "rp_filter");
	assert_string_equal(s.v[0].old, "0");
	assert_string_equal(s.v[0].set, "2");
	assert_string_equal(s.v[1].knob, "accept_ra_mtu");
	assert_string_equal(s.v[2].knob, "addr_gen_mode");
	assert_int_equal(kern_sysctl_parse(&s, "", 0), 0);
}

static void sysctl_is(const char *family, const char *knob, const char *want)
{
	char v[48];

	assert_int_equal(sysctl_get_link(family, "lo", knob, v, sizeof(v)), 0);
	assert_string_equal(v, want);
}

static struct kern *kern_fake(const char *dir)
{
	struct kern *k = calloc(1, sizeof(*k));

	assert_non_null(k);
	k->cfg.routing = true;
	k->cfg.privacy = SLAAC_EUI64;   /* lo: no stable_secret games */
	k->cfg.state_dir = dir;
	return k;
}

/* stable_secret as the kernel prints it against inet_ntop's form: one
 * value, so a clean stop does not report it as changed by others. */
static void test_same(void **state)
{
	(void)state;
	assert_true(kern_sysctl_same("2", "2"));
	assert_false(kern_sysctl_same("2", "0"));
	assert_true(kern_sysctl_same("cca3:0001:0000:0000:0000:0000:3c3b:0e14",
				     "cca3:1::3c3b:e14"));
	assert_false(kern_sysctl_same("cca3:0001:0000:0000:0000:0000:3c3b:0e14",
				      "cca3:1::3c3b:e15"));
	assert_false(kern_sysctl_same("", "::"));
}

static void test_cycle(void **state)
{
	char dir[] = "/tmp/mif-test-sysctl.XXXXXX", path[128];
	struct nl_link l = { .ifindex = 1, .name = "lo", .mtu = 65536 };
	struct kern *k;

	(void)state;
	if (!in_private_netns)
		skip();
	assert_non_null(mkdtemp(dir));
	assert_int_equal(sysctl_set_link("ipv4", "lo", "rp_filter", "1"), 0);
	assert_int_equal(sysctl_set_link("ipv6", "lo", "accept_ra_mtu", "1"), 0);
	assert_int_equal(sysctl_set_link("ipv6", "lo", "max_addresses", "16"), 0);
	k = kern_fake(dir);
	kern_sysctl_link(k, &l);
	sysctl_is("ipv4", "rp_filter", "2");
	sysctl_is("ipv6", "accept_ra_mtu", "0");
	sysctl_is("ipv6", "max_addresses", "528");
	snprintf(path, sizeof(path), "%s/sysctl/lo.lease", dir);
	assert_int_equal(access(path, F_OK), 0);
	free(k);                        /* a crash: nothing put back */
	sysctl_is("ipv4", "rp_filter", "2");
	/* The next mifd finds its own values, and the record. */
	k = kern_fake(dir);
	kern_sysctl_link(k, &l);
	/* Someone else changes one meanwhile: theirs stays. */
	assert_int_equal(sysctl_set_link("ipv6", "lo", "max_addresses", "99"), 0);
	kern_sysctl_restore(k);
	sysctl_is("ipv4", "rp_filter", "1");
	sysctl_is("ipv6", "accept_ra_mtu", "1");
	sysctl_is("ipv6", "max_addresses", "99");
	assert_int_equal(access(path, F_OK), -1);
	/* A stop with nothing changed writes nothing and keeps no record. */
	free(k);
	k = kern_fake(dir);
	kern_sysctl_restore(k);
	assert_int_equal(access(path, F_OK), -1);
	free(k);
	snprintf(path, sizeof(path), "%s/sysctl", dir);
	(void)rmdir(path);
	assert_int_equal(rmdir(dir), 0);
}

/* A corrupt record is refused whole (lease_store's checksum): the values
 * found at start count as the originals, nothing of the file is used. */
static void test_corrupt_record(void **state)
{
	char dir[] = "/tmp/mif-test-sysctl.XXXXXX", path[128];
	struct nl_link l = { .ifindex = 1, .name = "lo", .mtu = 65536 };
	struct kern *k;
	FILE *f;

	(void)state;
	if (!in_private_netns)
		skip();
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sysctl", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/sysctl/lo.lease", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("MIFLEASE but not one: ipv4 rp_filter 7 2\n", f);
	fclose(f);
	assert_int_equal(sysctl_set_link("ipv4", "lo", "rp_filter", "1"), 0);
	k = kern_fake(dir);
	kern_sysctl_link(k, &l);
	sysctl_is("ipv4", "rp_filter", "2");
	kern_sysctl_restore(k);
	sysctl_is("ipv4", "rp_filter", "1");     /* found, not the file's 7 */
	assert_int_equal(access(path, F_OK), -1);  /* replaced, then dropped */
	free(k);
	snprintf(path, sizeof(path), "%s/sysctl", dir);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_same),
		cmocka_unit_test(test_cycle),
		cmocka_unit_test(test_corrupt_record),
	};

	in_private_netns = geteuid() == 0 && unshare(CLONE_NEWNET) == 0;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
