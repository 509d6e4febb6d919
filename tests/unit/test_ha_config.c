/* SPDX-License-Identifier: MIT */
/* mif-had's configuration file and the root-only key files (run as root,
 * as the unit suite is: the key must be owned by root). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/keyfile.h"
#include "ha/ha_config.h"

static char dir[] = "/tmp/mif-ha-config.XXXXXX";

static void put(const char *name, const char *text, mode_t mode)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static int load(const char *text, struct ha_config *c, int *line)
{
	char path[256];

	put("had.conf", text, 0644);
	snprintf(path, sizeof(path), "%s/had.conf", dir);
	return ha_config_load(path, c, line);
}

static char conf[1024];
static const char *const names[] = { "good.key", "open.key", "short.key", "bad.key",
				     "had.conf", NULL };

static const char *with_mn(const char *key, const char *extra)
{
	snprintf(conf, sizeof(conf),
		 "[ha]\naddress = 2001:db8:100::1\nhome_prefix = 2001:db8:100::/64\n%s"
		 "[mn phone]\nhoa = 2001:db8:100::10\nspi = 256\nkey_file = %s/%s\n",
		 extra, dir, key);
	return conf;
}

static void test_config(void **state)
{
	static struct ha_config c;
	uint8_t key[64];
	size_t klen;
	int line = -1;

	(void)state;
	if (geteuid() != 0) {
		skip();
		return;
	}
	assert_non_null(mkdtemp(dir));
	put("good.key", "00112233445566778899aabbccddeeff\n", 0600);
	put("open.key", "00112233445566778899aabbccddeeff\n", 0644);
	put("short.key", "0011223344\n", 0600);
	put("bad.key", "00112233445566778899aabbccddeefg\n", 0600);

	{
		char p[256];

		snprintf(p, sizeof(p), "%s/good.key", dir);
		assert_int_equal(keyfile_read(p, key, sizeof(key), &klen), 0);
		assert_int_equal(klen, 16);
		assert_int_equal(key[15], 0xff);
	}
	assert_int_equal(load(with_mn("good.key", "heartbeat_interval_ms = 50\n"), &c, &line), 0);
	assert_int_equal(c.n_mns, 1);
	assert_int_equal(c.mns[0].key_len, 16);
	assert_int_equal(c.mns[0].spi, 256);
	assert_int_equal(c.hb_interval_ms, 50);
	assert_int_equal(c.hb_misses, 3);
	assert_int_equal(c.port, 4191);
	assert_string_equal(c.user, "nobody");
	assert_true(c.offload);         /* TUN offloads on by default */
	assert_false(c.store.on);       /* one home agent: no store by default */
	/* [store]: Redis, its defaults, the shared address (IPv6 only). */
	assert_int_equal(load(with_mn("good.key", "[store]\nredis = 2001:db8:d::2\nprefix = t:\n"
				      "active_address = 2001:db8:f::1\n"), &c, &line), 0);
	assert_true(c.store.on);
	assert_string_equal(c.store.redis, "2001:db8:d::2");
	assert_string_equal(c.store.prefix, "t:");
	assert_int_equal(c.store.port, 6379);
	assert_int_equal(c.store.timeout_ms, 200);
	assert_true(c.store.has_active);
	assert_int_equal(c.store.active.s6_addr[15], 1);
	assert_int_equal(load(with_mn("good.key", "[store]\nprefix = t:\n"), &c, &line), -EINVAL);
	assert_int_equal(load(with_mn("good.key", "[store]\nredis = r\nactive_address = 192.0.2.1\n"),
			      &c, &line), -EINVAL);
	assert_int_equal(load(with_mn("good.key", "[store]\nredis = r\ntimeout_ms = 5\n"), &c, &line),
			 -EINVAL);
	assert_int_equal(load(with_mn("good.key", "offload = no\n"), &c, &line), 0);
	assert_false(c.offload);
	assert_int_equal(load(with_mn("good.key", "offload = maybe\n"), &c, &line), -EINVAL);

	assert_int_equal(load(with_mn("open.key", ""), &c, &line), -EPERM);
	assert_int_equal(load(with_mn("short.key", ""), &c, &line), -EINVAL);
	assert_int_equal(load(with_mn("bad.key", ""), &c, &line), -EINVAL);
	assert_int_equal(load(with_mn("none.key", ""), &c, &line), -ENOENT);
	assert_int_equal(load(with_mn("good.key", "port = 0\n"), &c, &line), -EINVAL);
	assert_int_equal(load(with_mn("good.key", "colour = blue\n"), &c, &line), -EINVAL);
	assert_true(line > 0);
	/* A home address outside the home prefix. */
	snprintf(conf, sizeof(conf), "[ha]\naddress = 2001:db8:100::1\n"
		 "home_prefix = 2001:db8:100::/64\n[mn x]\nhoa = 2001:db8:200::1\nspi = 300\n"
		 "key_file = %s/good.key\n", dir);
	assert_int_equal(load(conf, &c, &line), -EINVAL);
	/* An SPI below 256 is reserved (RFC 4285). */
	snprintf(conf, sizeof(conf), "[ha]\naddress = 2001:db8:100::1\n"
		 "home_prefix = 2001:db8:100::/64\n[mn x]\nhoa = 2001:db8:100::2\nspi = 255\n"
		 "key_file = %s/good.key\n", dir);
	assert_int_equal(load(conf, &c, &line), -EINVAL);
	/* A symbolic link to a good key is refused too. */
	{
		char a[256], b[256];

		snprintf(a, sizeof(a), "%s/good.key", dir);
		snprintf(b, sizeof(b), "%s/link.key", dir);
		assert_int_equal(symlink(a, b), 0);
		assert_int_equal(keyfile_read(b, key, sizeof(key), &klen), -ELOOP);
		unlink(b);
	}
	for (const char *const *n = names; *n; n++) {
		char p[256];

		snprintf(p, sizeof(p), "%s/%s", dir, *n);
		unlink(p);
	}
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
