/* SPDX-License-Identifier: MIT */
/* The carrier read (netlink/carrier.h): the same descriptor read again
 * gives the current value; a refused read (a link that is down) is no
 * carrier; a missing link an error. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "netlink/carrier.h"

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_read(void **state)
{
	char path[] = "/tmp/mif-carrier-XXXXXX";
	int tmp = mkstemp(path), fd;

	(void)state;
	assert_true(tmp >= 0);
	close(tmp);
	put(path, "1\n");
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(carrier_read(fd), 1);
	put(path, "0\n");               /* the same descriptor, read again */
	assert_int_equal(carrier_read(fd), 0);
	put(path, "");
	assert_int_equal(carrier_read(fd), -EIO);
	close(fd);
	unlink(path);
	assert_int_equal(carrier_read(-1), -EBADF);
	assert_int_equal(carrier_open("no-such-link-x"), -ENOENT);
	assert_int_equal(carrier_open("a-name-much-longer-than-ifnamsiz-allows-for-a-link-xxxxxxxxxxxx"),
			 -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
