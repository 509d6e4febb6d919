/* SPDX-License-Identifier: MIT */
/* Shared keys in root-only files (keyfile.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/keyfile.h"

static int keyfile_hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int keyfile_read(const char *path, uint8_t *key, size_t cap, size_t *ret_len)
{
	char text[260];
	uint8_t tmp[130];
	struct stat st;
	ssize_t n;
	size_t len = 0;
	int fd, r = 0;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer; it is
	 * refused below as not a regular file. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		r = -errno;
	else if (!S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 077))
		r = -EPERM;     /* a key others can read is no key */
	n = r ? 0 : read(fd, text, sizeof(text) - 1);
	if (n < 0)
		r = -errno;
	/* The whole file is the key: text beyond what a key can be is bad
	 * text, not something to ignore. */
	else if (!r && n == (ssize_t)sizeof(text) - 1 && read(fd, tmp, 1) != 0)
		r = -EINVAL;
	close(fd);
	if (r || n < 0)
		return r ? r : -EIO;
	text[n] = '\0';
	while (n > 0 && text[n - 1] && strchr(" \t\r\n", text[n - 1]))
		text[--n] = '\0';
	if (n % 2 || (size_t)n / 2 > cap || n / 2 < 16)
		return -EINVAL;
	/* Decode aside: key is left untouched when the text is bad. */
	for (ssize_t i = 0; i < n; i += 2) {
		int hi = keyfile_hexval(text[i]), lo = keyfile_hexval(text[i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		tmp[len++] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(key, tmp, len);
	*ret_len = len;
	return 0;
}
