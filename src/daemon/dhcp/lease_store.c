/* SPDX-License-Identifier: MIT */
/* DHCP leases on disk (lease_store.h); runs in the privileged parent. */
#include "daemon/dhcp/lease_store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/core/msg.h"

#define LS_SUFFIX ".lease"

static bool ls_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= sizeof(((struct msg_lease *)0)->name) || name[0] == '.')
		return false;
	return strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

static int ls_write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

static int ls_sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		r = -errno;
	close(fd);
	return r;
}

int lease_store_write(const char *dir, const char *name, const char *text, size_t len)
{
	char path[512], tmp[520];
	int fd, r;

	if (!ls_name_ok(name))
		return -EINVAL;
	if (snprintf(path, sizeof(path), "%s/%s" LS_SUFFIX, dir, name) >= (int)sizeof(path) ||
	    snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	if (len == 0) {
		if (unlink(path) < 0 && errno != ENOENT)
			return -errno;
		return ls_sync_dir(dir);
	}
	unlink(tmp);                 /* a leftover of a crash between write and rename */
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	r = ls_write_all(fd, text, len);
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
	return ls_sync_dir(dir);
}

static int ls_send_one(struct chan *c, const char *dir, const char *file)
{
	static struct msg_lease m;
	char path[512];
	size_t n = strlen(file) - strlen(LS_SUFFIX);
	ssize_t got;
	int fd;

	memset(&m, 0, sizeof(m));
	if (n == 0 || n >= sizeof(m.name))
		return -EINVAL;
	memcpy(m.name, file, n);
	if (!ls_name_ok(m.name) ||
	    snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path))
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	got = read(fd, m.text, sizeof(m.text));
	close(fd);
	if (got < 0)
		return -errno;
	/* A file too big to be ours is sent cut: the engine refuses it. */
	m.len = (uint32_t)got;
	return chan_send(c, MSG_LEASE, &m, sizeof(m));
}

int lease_store_send(struct chan *c, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);

		if (l <= strlen(LS_SUFFIX) || strcmp(e->d_name + l - strlen(LS_SUFFIX), LS_SUFFIX))
			continue;
		if (ls_send_one(c, dir, e->d_name) == 0)
			n++;
		else
			log_warn("lease store: cannot read %s/%s", dir, e->d_name);
	}
	closedir(d);
	return n;
}

void lease_store_msg(const char *dir, const void *data, size_t len)
{
	const struct msg_lease *m = data;
	int r;

	if (len != sizeof(*m) || !memchr(m->name, '\0', sizeof(m->name)) ||
	    m->len > sizeof(m->text)) {
		log_warn("lease store: malformed lease from the engine");
		return;
	}
	r = lease_store_write(dir, m->name, m->text, m->len);
	if (r < 0)
		log_warn("lease store: cannot %s %s/%s" LS_SUFFIX ": %s", m->len ? "write" : "remove",
			 dir, m->name, strerror(-r));
}
