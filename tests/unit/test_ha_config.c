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
#include "ha/ha_index.h"
#include "ha/ha_keys.h"

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

/* The message of the last load that failed. */
static char why[256];

static int load(const char *text, struct ha_config *c, int *line)
{
	char path[256];

	ha_config_free(c);      /* the previous load's mobile nodes */
	put("had.conf", text, 0644);
	snprintf(path, sizeof(path), "%s/had.conf", dir);
	return ha_config_load(path, c, line, why, sizeof(why));
}

/* The last message has want in it. */
static void said(const char *want)
{
	if (!strstr(why, want))
		fail_msg("message \"%s\" lacks \"%s\"", why, want);
}

static char conf[1024];
static const char *const names[] = { "good.key", "open.key", "short.key", "bad.key",
				     "had.conf", "master.key", "crlf.key", "tail.key",
				     "fifo.key", NULL };

static void hex(const char *s, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		assert_int_equal(sscanf(s + 2 * i, "%2hhx", &out[i]), 1);
}

/* [mn-range]: 1000 mobile nodes with keys derived from one master key
 * (HMAC-SHA-256 vectors from Python's hmac module), found by the index. */
static void check_range(struct ha_config *c)
{
	uint8_t want[32], k[32];
	struct in6_addr a;
	int line = -1;

	put("master.key", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
	    0600);
	snprintf(conf, sizeof(conf),
		 "[ha]\naddress = 2001:db8:100::1\nhome_prefix = 2001:db8:100::/64\n"
		 "handover_to = 2001:db8:f::12\n"
		 "[mn phone]\nhoa = 2001:db8:100::10\nspi = 256\nkey_file = %s/good.key\n"
		 "[mn-range sim]\nhoa_first = 2001:db8:100::1:0\ncount = 1000\nspi_first = 1000\n"
		 "master_key_file = %s/master.key\n", dir, dir);
	assert_int_equal(load(conf, c, &line), 0);
	assert_int_equal(c->n_mns, 1001);
	assert_true(c->has_handover);
	assert_int_equal(c->handover_to.s6_addr[15], 0x12);
	assert_string_equal(c->mns[1].name, "sim.0");
	assert_string_equal(c->mns[1000].name, "sim.999");
	assert_int_equal(c->mns[1000].spi, 1999);
	assert_int_equal(c->mns[1000].hoa.s6_addr[14], 0x03);
	assert_int_equal(c->mns[1000].hoa.s6_addr[15], 0xe7);
	hex("c367dcc2f1413e8aeb3dabef8120df5bb1ece9fd4ca692d698dde530e46b1133", want, 32);
	assert_int_equal(c->mns[1].key_len, 32);
	assert_memory_equal(c->mns[1].key, want, 32);
	hex("f7a230f51ff1465619eaf5d50a466c2fefc19a91bd4b81ba15ed76247776a897", want, 32);
	assert_memory_equal(c->mns[1000].key, want, 32);
	assert_int_equal(ha_key_derive(c->ranges[0].master, 32, &c->mns[1000].hoa, 1999, k), 0);
	assert_memory_equal(k, want, 32);
	/* Every home address found, an absent one not; short probe runs. */
	for (size_t i = 0; i < c->n_mns; i++)
		assert_ptr_equal(ha_index_find(&c->index, c->mns, c->mns[i].hoa.s6_addr),
				 &c->mns[i]);
	a = c->mns[1000].hoa;
	a.s6_addr[13] = 0x77;
	assert_null(ha_index_find(&c->index, c->mns, a.s6_addr));
	assert_true(c->index.max_probe >= 1 && c->index.max_probe < 64);
	/* A range overlapping an [mn]: the same home address twice. */
	snprintf(conf, sizeof(conf),
		 "[ha]\naddress = 2001:db8:100::1\nhome_prefix = 2001:db8:100::/64\n"
		 "[mn phone]\nhoa = 2001:db8:100::10\nspi = 256\nkey_file = %s/good.key\n"
		 "[mn-range sim]\nhoa_first = 2001:db8:100::1\ncount = 100\nspi_first = 1000\n"
		 "master_key_file = %s/master.key\n", dir, dir);
	assert_int_equal(load(conf, c, &line), -EEXIST);
	/* SPIs past 2^32, a range without key, one leaving the prefix. */
	snprintf(conf, sizeof(conf),
		 "[ha]\naddress = 2001:db8:100::1\nhome_prefix = 2001:db8:100::/64\n"
		 "[mn-range sim]\nhoa_first = 2001:db8:100::1\ncount = 100\n"
		 "spi_first = 4294967290\nmaster_key_file = %s/master.key\n", dir);
	assert_int_equal(load(conf, c, &line), -EINVAL);
	snprintf(conf, sizeof(conf),
		 "[ha]\naddress = 2001:db8:100::1\nhome_prefix = 2001:db8:100::/64\n"
		 "[mn-range sim]\nhoa_first = 2001:db8:100::1\ncount = 100\nspi_first = 300\n");
	assert_int_equal(load(conf, c, &line), -EINVAL);
	snprintf(conf, sizeof(conf),
		 "[ha]\naddress = 2001:db8:100::1\nhome_prefix = 2001:db8:100::/120\n"
		 "[mn-range sim]\nhoa_first = 2001:db8:100::1\ncount = 300\nspi_first = 300\n"
		 "master_key_file = %s/master.key\n", dir);
	assert_int_equal(load(conf, c, &line), -EINVAL);
}

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
	said("[store]: redis or sentinel is needed");
	assert_int_equal(line, 0);
	assert_int_equal(load(with_mn("good.key", "[store]\nredis = r\nactive_address = 192.0.2.1\n"),
			      &c, &line), -EINVAL);
	said("active_address: \"192.0.2.1\" is not an IPv6 address");
	assert_true(line > 0);
	/* A home prefix of length 0 is named as such, not "needed". */
	assert_int_equal(load("[ha]\naddress = 2001:db8:100::1\nhome_prefix = ::/0\n", &c, &line),
			 -EINVAL);
	said("home_prefix: \"::/0\": a home prefix of length 0");
	assert_int_equal(line, 3);
	assert_int_equal(load(with_mn("good.key", "[store]\nredis = r\ntimeout_ms = 5\n"), &c, &line),
			 -EINVAL);
	/* Sentinels (a port or 26379) with the master's name; WAIT. */
	assert_int_equal(load(with_mn("good.key", "[store]\nsentinel = 2001:db8:f::31\n"
				      "sentinel = s2 26400\nmaster_name = m\nwait_replicas = 1\n"
				      "wait_timeout_ms = 50\n"), &c, &line), 0);
	assert_int_equal(c.store.n_sentinels, 2);
	assert_string_equal(c.store.sentinel[1], "s2");
	assert_int_equal(c.store.sentinel_port[0], 26379);
	assert_int_equal(c.store.sentinel_port[1], 26400);
	assert_string_equal(c.store.master_name, "m");
	assert_int_equal(c.store.wait_replicas, 1);
	assert_int_equal(load(with_mn("good.key", "[store]\nsentinel = s1\n"), &c, &line), -EINVAL);
	assert_int_equal(load(with_mn("good.key", "[store]\nredis = r\nwait_replicas = 1\n"
				      "wait_timeout_ms = 200\n"), &c, &line), -EINVAL);
	said("wait_timeout_ms (200) must be below timeout_ms (200)");
	assert_int_equal(load(with_mn("good.key", "[store]\nsentinel = s1 0\nmaster_name = m\n"),
			      &c, &line), -EINVAL);
	assert_int_equal(load(with_mn("good.key", "offload = no\n"), &c, &line), 0);
	assert_false(c.offload);
	assert_int_equal(load(with_mn("good.key", "offload = maybe\n"), &c, &line), -EINVAL);
	said("offload: \"maybe\" is not yes or no");
	/* Partial TCP sums in the tunnel (vnet.h): on unless an older peer. */
	assert_int_equal(load(with_mn("good.key", ""), &c, &line), 0);
	assert_true(c.partial_csum);
	assert_int_equal(load(with_mn("good.key", "partial_checksums = no\n"), &c, &line), 0);
	assert_false(c.partial_csum);
	assert_int_equal(load(with_mn("good.key", "partial_checksums = sometimes\n"), &c, &line),
			 -EINVAL);
	/* The home link (ha_home.h): an interface name, none by default. */
	assert_string_equal(c.home_link, "");
	assert_int_equal(load(with_mn("good.key", "home_link = eth1\n"), &c, &line), 0);
	assert_string_equal(c.home_link, "eth1");
	assert_int_equal(load(with_mn("good.key", "home_link = abcdefghijklmnop\n"), &c, &line),
			 -EINVAL);

	assert_int_equal(load(with_mn("open.key", ""), &c, &line), -EPERM);
	said("open.key: Operation not permitted");
	assert_int_equal(load(with_mn("short.key", ""), &c, &line), -EINVAL);
	said("not a key (16 to 64 octets in hex)");
	assert_int_equal(load(with_mn("bad.key", ""), &c, &line), -EINVAL);
	assert_int_equal(load(with_mn("none.key", ""), &c, &line), -ENOENT);
	said("none.key: No such file or directory");
	assert_int_equal(load(with_mn("good.key", "port = 0\n"), &c, &line), -EINVAL);
	said("port: \"0\" is not a number from 1 to 65535");
	assert_int_equal(load(with_mn("good.key", "colour = blue\n"), &c, &line), -EINVAL);
	assert_true(line > 0);
	said("unknown key \"colour\" in [ha]");
	/* The first of two bad lines is the one told. */
	assert_int_equal(load(with_mn("good.key", "heartbeat_misses = 0\ncolour = blue\n"), &c,
			      &line), -EINVAL);
	said("heartbeat_misses: \"0\" is not a number from 1 to 100");
	assert_int_equal(load(with_mn("good.key", "[bogus]\nx = 1\n"), &c, &line), -EINVAL);
	said("unknown section [bogus]");
	/* Each message carries its own line: a syntax error on line 4 is told
	 * with line 4, not line 5's bad value with line 4. */
	assert_int_equal(load(with_mn("good.key", "no equals sign\nport = 0\n"), &c, &line),
			 -EINVAL);
	assert_int_equal(line, 4);
	assert_string_equal(why, "syntax error");
	assert_int_equal(load(with_mn("good.key", "\nport = 0\n"), &c, &line), -EINVAL);
	assert_int_equal(line, 5);
	assert_int_equal(load(with_mn("good.key", "[ha\nport = 0\n"), &c, &line), -EINVAL);
	assert_int_equal(line, 4);
	assert_string_equal(why, "syntax error");
	/* A line too long for inih names itself, rather than being parsed in pieces. */
	{
		char extra[320] = "active_address = ";

		memset(extra + strlen(extra), 'a', 250);
		strcat(extra, "\n");
		assert_int_equal(load(with_mn("good.key", extra), &c, &line), -EINVAL);
		assert_int_equal(line, 0);
		assert_string_equal(why, "line 4 is longer than 199 characters");
	}
	/* A directory is not a configuration file. */
	assert_int_equal(ha_config_load(dir, &c, &line, why, sizeof(why)), -EISDIR);
	said("Is a directory");
	/* A home address outside the home prefix. */
	snprintf(conf, sizeof(conf), "[ha]\naddress = 2001:db8:100::1\n"
		 "home_prefix = 2001:db8:100::/64\n[mn x]\nhoa = 2001:db8:200::1\nspi = 300\n"
		 "key_file = %s/good.key\n", dir);
	assert_int_equal(load(conf, &c, &line), -EINVAL);
	said("[mn x]: hoa 2001:db8:200::1 is not inside home_prefix 2001:db8:100::/64");
	/* The same home address twice: both nodes named. */
	snprintf(conf, sizeof(conf), "[ha]\naddress = 2001:db8:100::1\n"
		 "home_prefix = 2001:db8:100::/64\n[mn x]\nhoa = 2001:db8:100::7\nspi = 300\n"
		 "key_file = %s/good.key\n[mn y]\nhoa = 2001:db8:100::7\nspi = 301\n"
		 "key_file = %s/good.key\n", dir, dir);
	assert_int_equal(load(conf, &c, &line), -EEXIST);
	said("[mn x] and [mn y] have the same hoa");
	/* No key file. */
	snprintf(conf, sizeof(conf), "[ha]\naddress = 2001:db8:100::1\n"
		 "home_prefix = 2001:db8:100::/64\n[mn x]\nhoa = 2001:db8:100::7\nspi = 300\n");
	assert_int_equal(load(conf, &c, &line), -EINVAL);
	said("[mn x]: key_file is needed");
	/* An SPI below 256 is reserved (RFC 4285). */
	snprintf(conf, sizeof(conf), "[ha]\naddress = 2001:db8:100::1\n"
		 "home_prefix = 2001:db8:100::/64\n[mn x]\nhoa = 2001:db8:100::2\nspi = 255\n"
		 "key_file = %s/good.key\n", dir);
	assert_int_equal(load(conf, &c, &line), -EINVAL);
	said("spi: \"255\" is not a number from 256 to 4294967295");
	check_range(&c);
	/* A key with CRLF line ends is a key; text after the longest key
	 * is bad text even past the first read; a FIFO is refused at once
	 * (opening it must not wait for a writer). */
	{
		char p[256], tail[400];

		put("crlf.key", "00112233445566778899aabbccddeeff\r\n", 0600);
		snprintf(p, sizeof(p), "%s/crlf.key", dir);
		assert_int_equal(keyfile_read(p, key, sizeof(key), &klen), 0);
		assert_int_equal(klen, 16);
		memset(tail, ' ', sizeof(tail));
		memcpy(tail, "00112233445566778899aabbccddeeff", 32);
		memcpy(tail + sizeof(tail) - 8, "GARBAGE", 8);
		put("tail.key", tail, 0600);
		snprintf(p, sizeof(p), "%s/tail.key", dir);
		klen = 99;
		assert_int_equal(keyfile_read(p, key, sizeof(key), &klen), -EINVAL);
		assert_int_equal(klen, 99);
		snprintf(p, sizeof(p), "%s/fifo.key", dir);
		assert_int_equal(mkfifo(p, 0600), 0);
		assert_int_equal(keyfile_read(p, key, sizeof(key), &klen), -EPERM);
		assert_int_equal(klen, 99);
	}
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
	ha_config_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
