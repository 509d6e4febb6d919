/* SPDX-License-Identifier: MIT */
/*
 * The lease store's files (lease_store.h), in the privileged parent: the
 * only process that may open files. The directory is made 0700 if it is
 * missing; records are 0600; writes are atomic (temporary file, fsync,
 * rename, fsync of the directory).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/dhcp/lease_store.h"

static int lease_path(char *buf, size_t len, const char *dir, const char *key, const char *tail)
{
	int n;

	if (!lease_key_ok(key))
		return -EINVAL;
	n = snprintf(buf, len, "%s/%s%s", dir, key, tail);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int lease_mkdir(const char *dir)
{
	if (mkdir(dir, 0700) == 0 || errno == EEXIST)
		return 0;
	return -errno;
}

int lease_store_dir_ready(const char *dir)
{
	struct stat st;
	int r = lease_mkdir(dir);

	if (r < 0)
		return r;
	if (stat(dir, &st) < 0)
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

static int lease_write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The directory's entry for the new name reaches the disk too. */
static int lease_sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		r = -errno;
	close(fd);
	return r;
}

int lease_store_save(const char *dir, const char *key, const void *payload, size_t len)
{
	uint8_t buf[LEASE_FILE_MAX];
	char path[4096], tmp[4096];
	int n = lease_encode(key, payload, len, buf, sizeof(buf)), fd, r;

	if (n < 0)
		return n;
	if ((r = lease_path(path, sizeof(path), dir, key, ".lease")) < 0 ||
	    (r = lease_path(tmp, sizeof(tmp), dir, key, ".tmp")) < 0 ||
	    (r = lease_mkdir(dir)) < 0)
		return r;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	r = lease_write_all(fd, buf, (size_t)n);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		return r;
	}
	return lease_sync_dir(dir);
}

int lease_store_remove(const char *dir, const char *key)
{
	char path[4096];
	int r = lease_path(path, sizeof(path), dir, key, ".lease");

	if (r < 0)
		return r;
	if (unlink(path) < 0)
		return errno == ENOENT ? 0 : -errno;
	return lease_sync_dir(dir);
}

int lease_store_exists(const char *dir, const char *key)
{
	char path[4096];

	return lease_path(path, sizeof(path), dir, key, ".lease") == 0 &&
	       access(path, F_OK) == 0;
}

size_t lease_store_count(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0, len;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		len = strlen(de->d_name);
		n += len > 6 && strcmp(de->d_name + len - 6, ".lease") == 0;
	}
	closedir(d);
	return n;
}

/* The whole file, if it is a regular file of a sane size. */
static int lease_read_file(const char *path, uint8_t *buf, size_t max, size_t *ret_len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	struct stat st;
	size_t got = 0;
	int r = 0;

	if (fd < 0)
		return errno == ELOOP ? -EBADMSG : -errno;
	if (fstat(fd, &st) < 0)
		r = -errno;
	else if (!S_ISREG(st.st_mode) || st.st_size > (off_t)max)
		r = -EBADMSG;
	while (r == 0 && got < max) {
		ssize_t n = read(fd, buf + got, max - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			r = -errno;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (r == 0)
		*ret_len = got;
	return r;
}

int lease_store_load(const char *dir, const char *key, void *out, size_t outlen,
		     size_t *ret_len)
{
	uint8_t buf[LEASE_FILE_MAX];
	char path[4096];
	size_t n = 0;
	int r = lease_path(path, sizeof(path), dir, key, ".lease");

	if (r < 0 || (r = lease_read_file(path, buf, sizeof(buf), &n)) < 0)
		return r;
	r = lease_decode(buf, n, key, out, outlen, ret_len, NULL);
	/* Another key's record under this name is as wrong as a torn one. */
	return r == -ENOENT ? -EBADMSG : r;
}

static int lease_each_entry(const char *dir, const char *name, lease_store_fn *fn,
			    lease_store_bad_fn *bad, void *ctx)
{
	uint8_t payload[LEASE_PAYLOAD_MAX];
	char key[LEASE_KEY_MAX + 1];
	size_t nl = strlen(name), len = 0;
	int r;

	if (nl <= 6 || nl - 6 > LEASE_KEY_MAX || strcmp(name + nl - 6, ".lease") != 0)
		return 0;
	memcpy(key, name, nl - 6);
	key[nl - 6] = '\0';
	if (!lease_key_ok(key))
		return 0;
	r = lease_store_load(dir, key, payload, sizeof(payload), &len);
	if (r < 0) {
		if (bad)
			bad(ctx, name, r);
		return 0;
	}
	fn(ctx, key, payload, len);
	return 1;
}

int lease_store_each(const char *dir, lease_store_fn *fn, lease_store_bad_fn *bad, void *ctx)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0, seen = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d)) && seen < LEASE_MAX_FILES) {
		if (de->d_name[0] == '.')
			continue;
		seen++;
		n += lease_each_entry(dir, de->d_name, fn, bad, ctx);
	}
	closedir(d);
	return n;
}
