/* SPDX-License-Identifier: MIT */
/* The lease store (src/daemon/dhcp/lease_store.h): format and files. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon/dhcp/lease_store.h"

static const uint8_t payload[] = { 1, 10, 0, 0, 42, 24, 0xde, 0xad, 0xbe, 0xef };

static void test_crc32_vector(void **state)
{
	(void)state;
	/* The check value of CRC-32/ISO-HDLC (the catalogue's "123456789"). */
	assert_int_equal(lease_crc32("123456789", 9), 0xcbf43926u);
	assert_int_equal(lease_crc32("", 0), 0);
}

static void test_keys(void **state)
{
	char long_key[LEASE_KEY_MAX + 2];

	(void)state;
	assert_true(lease_key_ok("dhcp4-eth0"));
	assert_true(lease_key_ok("dhcp6-wlan0.2"));
	assert_false(lease_key_ok(""));
	assert_false(lease_key_ok(".hidden"));
	assert_false(lease_key_ok("../etc/passwd"));
	assert_false(lease_key_ok("a/b"));
	assert_false(lease_key_ok(NULL));
	memset(long_key, 'a', sizeof(long_key) - 1);
	long_key[sizeof(long_key) - 1] = '\0';
	assert_false(lease_key_ok(long_key));
	long_key[LEASE_KEY_MAX] = '\0';
	assert_true(lease_key_ok(long_key));
}

/* The exact bytes of a small record, so a change of format is seen. */
static void test_encode_bytes(void **state)
{
	static const uint8_t want[] = { 'M', 'I', 'F', 'L', 'E', 'A', 'S', 'E', 0, 0, 0, 1,
					2, 'k', '1', 0, 0, 0, 2, 0xab, 0xcd };
	uint8_t out[64], p[2] = { 0xab, 0xcd };
	uint32_t crc = lease_crc32(want, sizeof(want));
	int n = lease_encode("k1", p, 2, out, sizeof(out));

	(void)state;
	assert_int_equal(n, sizeof(want) + 4);
	assert_memory_equal(out, want, sizeof(want));
	assert_int_equal(out[n - 4], crc >> 24);
	assert_int_equal(out[n - 1], crc & 0xff);
	assert_int_equal(lease_encode("k1", p, 2, out, sizeof(want) + 3), -ENOSPC);
	assert_int_equal(lease_encode("a/b", p, 2, out, sizeof(out)), -EINVAL);
	assert_int_equal(lease_encode("k1", p, LEASE_PAYLOAD_MAX + 1, out, sizeof(out)), -EINVAL);
}

static void test_round_trip(void **state)
{
	uint8_t buf[LEASE_FILE_MAX], out[LEASE_PAYLOAD_MAX];
	char key[LEASE_KEY_MAX + 1];
	size_t len = 0;
	int n = lease_encode("dhcp4-eth0", payload, sizeof(payload), buf, sizeof(buf));

	(void)state;
	assert_true(n > 0);
	assert_int_equal(lease_decode(buf, (size_t)n, "dhcp4-eth0", out, sizeof(out), &len, key), 0);
	assert_int_equal(len, sizeof(payload));
	assert_memory_equal(out, payload, sizeof(payload));
	assert_string_equal(key, "dhcp4-eth0");
	assert_int_equal(lease_decode(buf, (size_t)n, NULL, out, sizeof(out), &len, NULL), 0);
	assert_int_equal(lease_decode(buf, (size_t)n, "dhcp4-eth1", out, sizeof(out), &len, NULL),
			 -ENOENT);
	len = 77;
	assert_int_equal(lease_decode(buf, (size_t)n, NULL, out, 3, &len, NULL), -ENOSPC);
	assert_int_equal(len, 77);   /* untouched on failure */
	/* An empty payload is a record too. */
	n = lease_encode("empty", NULL, 0, buf, sizeof(buf));
	assert_int_equal(lease_decode(buf, (size_t)n, "empty", out, sizeof(out), &len, NULL), 0);
	assert_int_equal(len, 0);
}

/* Every truncation and every single flipped bit is refused. */
static void test_corrupt(void **state)
{
	uint8_t buf[LEASE_FILE_MAX], bad[LEASE_FILE_MAX + 1], out[LEASE_PAYLOAD_MAX];
	size_t len = 0;
	int n = lease_encode("dhcp4-eth0", payload, sizeof(payload), buf, sizeof(buf));

	(void)state;
	for (int cut = 0; cut < n; cut++)
		assert_int_equal(lease_decode(buf, (size_t)cut, NULL, out, sizeof(out), &len, NULL),
				 -EBADMSG);
	for (int i = 0; i < n; i++)
		for (int bit = 0; bit < 8; bit++) {
			memcpy(bad, buf, (size_t)n);
			bad[i] ^= (uint8_t)(1u << bit);
			assert_int_equal(lease_decode(bad, (size_t)n, NULL, out, sizeof(out), &len,
						      NULL), -EBADMSG);
		}
	/* A byte too many. */
	memcpy(bad, buf, (size_t)n);
	bad[n] = 0;
	assert_int_equal(lease_decode(bad, (size_t)n + 1, NULL, out, sizeof(out), &len, NULL),
			 -EBADMSG);
}

/* Another version with a right checksum is refused too. */
static void test_other_version(void **state)
{
	uint8_t buf[LEASE_FILE_MAX], out[LEASE_PAYLOAD_MAX];
	size_t len = 0;
	int n = lease_encode("k", payload, sizeof(payload), buf, sizeof(buf));
	uint32_t crc;

	(void)state;
	buf[11] = 2;
	crc = lease_crc32(buf, (size_t)n - 4);
	buf[n - 4] = (uint8_t)(crc >> 24);
	buf[n - 3] = (uint8_t)(crc >> 16);
	buf[n - 2] = (uint8_t)(crc >> 8);
	buf[n - 1] = (uint8_t)crc;
	assert_int_equal(lease_decode(buf, (size_t)n, NULL, out, sizeof(out), &len, NULL), -EBADMSG);
}

struct seen {
	int good, bad;
	char last[LEASE_KEY_MAX + 1];
};

static void on_good(void *ctx, const char *key, const void *p, size_t len)
{
	struct seen *s = ctx;

	s->good++;
	snprintf(s->last, sizeof(s->last), "%s", key);
	assert_int_equal(len, sizeof(payload));
	assert_memory_equal(p, payload, len);
}

static void on_bad(void *ctx, const char *file, int err)
{
	struct seen *s = ctx;

	(void)file;
	assert_int_equal(err, -EBADMSG);
	s->bad++;
}

static void write_file(const char *dir, const char *name, const void *data, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void test_files(void **state)
{
	char tmpl[] = "/tmp/test_lease_store.XXXXXX", dir[600], path[700];
	uint8_t out[LEASE_PAYLOAD_MAX], raw[LEASE_FILE_MAX];
	struct seen s = { 0 };
	struct stat st;
	size_t len = 0;
	int n;

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	snprintf(dir, sizeof(dir), "%s/state", tmpl);
	assert_int_equal(lease_store_load(dir, "dhcp4-eth0", out, sizeof(out), &len), -ENOENT);
	assert_int_equal(lease_store_each(dir, on_good, on_bad, &s), -ENOENT);
	/* The directory is made, 0700; the record is 0600; no temporary left. */
	assert_int_equal(lease_store_save(dir, "dhcp4-eth0", payload, sizeof(payload)), 0);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	snprintf(path, sizeof(path), "%s/dhcp4-eth0.lease", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	snprintf(path, sizeof(path), "%s/dhcp4-eth0.tmp", dir);
	assert_int_not_equal(access(path, F_OK), 0);
	assert_int_equal(lease_store_load(dir, "dhcp4-eth0", out, sizeof(out), &len), 0);
	assert_int_equal(len, sizeof(payload));
	assert_memory_equal(out, payload, len);
	/* Overwritten in place. */
	assert_int_equal(lease_store_save(dir, "dhcp4-eth0", payload, sizeof(payload)), 0);
	/* A truncated copy, garbage, and another key's record under a name. */
	n = lease_encode("dhcp4-eth1", payload, sizeof(payload), raw, sizeof(raw));
	write_file(dir, "dhcp4-eth1.lease", raw, (size_t)n - 3);
	write_file(dir, "garbage.lease", "not a lease\n", 12);
	write_file(dir, "dhcp4-eth2.lease", raw, (size_t)n);
	write_file(dir, "ignored.txt", "x", 1);
	assert_int_equal(lease_store_load(dir, "dhcp4-eth1", out, sizeof(out), &len), -EBADMSG);
	assert_int_equal(lease_store_load(dir, "dhcp4-eth2", out, sizeof(out), &len), -EBADMSG);
	assert_int_equal(lease_store_each(dir, on_good, on_bad, &s), 1);
	assert_true(lease_store_exists(dir, "dhcp4-eth0"));
	assert_false(lease_store_exists(dir, "dhcp4-eth9"));
	assert_int_equal(lease_store_count(dir), 4);     /* ignored.txt is not one */
	assert_int_equal(s.good, 1);
	assert_int_equal(s.bad, 3);
	assert_string_equal(s.last, "dhcp4-eth0");
	/* A symbolic link is not followed. */
	snprintf(path, sizeof(path), "%s/link.lease", dir);
	assert_int_equal(symlink("/etc/passwd", path), 0);
	assert_int_equal(lease_store_load(dir, "link", out, sizeof(out), &len), -EBADMSG);
	assert_int_equal(lease_store_save(dir, "../x", payload, 1), -EINVAL);
	assert_int_equal(lease_store_remove(dir, "dhcp4-eth0"), 0);
	assert_int_equal(lease_store_remove(dir, "dhcp4-eth0"), 0);
	assert_int_equal(lease_store_load(dir, "dhcp4-eth0", out, sizeof(out), &len), -ENOENT);
	/* mifd's start: the directory is there or made; a file in its place,
	 * or a missing parent, is refused. */
	assert_int_equal(lease_store_dir_ready(dir), 0);
	snprintf(path, sizeof(path), "%s/made", tmpl);
	assert_int_equal(lease_store_dir_ready(path), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	snprintf(path, sizeof(path), "%s/ignored.txt", dir);
	assert_int_equal(lease_store_dir_ready(path), -ENOTDIR);
	snprintf(path, sizeof(path), "%s/no/such", tmpl);
	assert_int_equal(lease_store_dir_ready(path), -ENOENT);
	{
		char cmd[700];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpl);
		assert_int_equal(system(cmd), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32_vector),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_encode_bytes),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_other_version),
		cmocka_unit_test(test_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
