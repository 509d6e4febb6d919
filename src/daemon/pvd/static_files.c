/* SPDX-License-Identifier: MIT */
/*
 * The privileged parent reads the static PvD files (every *.conf of pvd_dir, in
 * name order) and sends their text to the engine, which opens no file
 * (doc/architecture.md, "The processes"). Each file is one MSG_PVD_FILE
 * (in pieces when long), then MSG_PVD_FILES_END says that was all.
 */
#include "daemon/pvd/static_files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/core/msg.h"

#define STATIC_FILES_MAX 128
#define STATIC_FILE_MAX_BYTES (256u << 10)

#define SF_NAME_MAX sizeof(((struct msg_pvd_file *)0)->name)

static int sf_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The whole file, NUL-terminated, or NULL (errno set; EINVAL: not a
 * regular file). O_NONBLOCK: a FIFO in the directory must not hold the
 * parent until something writes to it. */
static char *sf_read(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	char *buf = NULL;
	size_t n = 0;
	ssize_t r = 1;
	int err = 0;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0)
		err = errno;
	else if (S_ISDIR(st.st_mode))
		err = EISDIR;
	else if (!S_ISREG(st.st_mode))
		err = EINVAL;
	else if (!(buf = malloc(STATIC_FILE_MAX_BYTES + 1)))
		err = ENOMEM;
	while (!err && r != 0 && n <= STATIC_FILE_MAX_BYTES) {
		r = read(fd, buf + n, STATIC_FILE_MAX_BYTES + 1 - n);
		if (r > 0)
			n += (size_t)r;
		else if (r < 0 && errno != EINTR)
			err = errno;
	}
	close(fd);
	if (!err && n > STATIC_FILE_MAX_BYTES)
		err = EFBIG;
	if (err) {
		free(buf);
		errno = err;
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* The *.conf names of dir, sorted, into names (no allocation). */
static size_t sf_names(DIR *dir, char (*names)[SF_NAME_MAX], size_t cap)
{
	struct dirent *d;
	size_t n = 0;

	while ((d = readdir(dir)) && n < cap) {
		size_t l = strlen(d->d_name);

		if (l <= 5 || l >= SF_NAME_MAX || strcmp(d->d_name + l - 5, ".conf") != 0 ||
		    d->d_name[0] == '.')
			continue;
		memcpy(names[n++], d->d_name, l + 1);
	}
	qsort(names, n, SF_NAME_MAX, sf_cmp);
	return n;
}

int static_files_send(struct chan *c, const char *dir_path)
{
	struct msg_pvd_files_end end;

	static_files_send_dir(c, dir_path, MSG_PVD_FILE, &end);
	return chan_send(c, MSG_PVD_FILES_END, &end, sizeof(end));
}

void static_files_send_dir(struct chan *c, const char *dir_path, uint32_t type,
			   struct msg_pvd_files_end *ret_end)
{
	struct msg_pvd_files_end end = { 0 };
	static char names[STATIC_FILES_MAX][SF_NAME_MAX];
	DIR *dir = opendir(dir_path);
	size_t n = 0;

	snprintf(end.dir, sizeof(end.dir), "%s", dir_path);
	if (!dir)
		end.error = -errno;
	else
		n = sf_names(dir, names, STATIC_FILES_MAX);
	if (dir)
		closedir(dir);
	for (size_t i = 0; i < n; i++) {
		struct msg_pvd_file f = { .error = 0 };
		char path[512];
		size_t len = 0;
		char *text;

		snprintf(path, sizeof(path), "%s/%s", dir_path, names[i]);
		snprintf(f.name, sizeof(f.name), "%s", names[i]);
		text = sf_read(path, &len);
		/* An unreadable file reaches the engine with the reason: its
		 * error then names the file in `mifctl status` like any bad
		 * file. */
		f.error = text ? 0 : -errno;
		if (chan_send_text(c, type, &f, sizeof(f), text ? text : "", len) == 0)
			end.n++;
		free(text);
	}
	*ret_end = end;
}
