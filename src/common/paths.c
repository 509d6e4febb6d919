/* SPDX-License-Identifier: MIT */
#include "common/paths.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *paths_ctl_socket(const char *path, const char *dflt)
{
	/* An empty path is "not given", as an empty $MIF_SOCKET is. */
	if (!path || !*path)
		path = getenv("MIF_SOCKET");
	return path && *path ? path : dflt;
}

int paths_bind_socket(const char *ctl_path, char *buf, size_t len)
{
	size_t n = strlen(ctl_path);
	int w;

	if (n >= 5 && strcmp(ctl_path + n - 5, ".sock") == 0)
		w = snprintf(buf, len, "%.*s-bind.sock", (int)(n - 5), ctl_path);
	else
		w = snprintf(buf, len, "%s-bind", ctl_path);
	return w < 0 || (size_t)w >= len ? -ENAMETOOLONG : 0;
}
