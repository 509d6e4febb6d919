/* SPDX-License-Identifier: MIT */
/*
 * mifctl run --pvd ID [--] COMMAND [ARGS...]: run an unmodified program
 * with its connections and name lookups inside one PvD, through the
 * preload library libmif-preload.so (lib/preload.c, doc/run.md).
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/paths.h"
#include "ctl/ctl.h"

#ifndef MIF_PRELOAD_PATH
#define MIF_PRELOAD_PATH "/usr/local/lib/mif/libmif-preload.so"
#endif

static int ctl_run_usage(void)
{
	fprintf(stderr, "mifctl: usage: mifctl run --pvd ID [--cgroup] [--] COMMAND [ARGS...]\n");
	return CTL_USAGE;
}

/* The preload beside a build tree's mifctl: BUILD/src/ctl/mifctl ->
 * BUILD/lib/libmif-preload.so, only in a meson build tree. */
static int ctl_run_build_tree(char *buf, size_t len)
{
	char exe[PATH_MAX], probe[PATH_MAX + 32], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return -ENOENT;
	exe[n] = '\0';
	if (!(slash = strrchr(exe, '/')))
		return -ENOENT;
	*slash = '\0';
	snprintf(probe, sizeof(probe), "%s/../../build.ninja", exe);
	if (access(probe, F_OK) != 0)
		return -ENOENT;
	snprintf(probe, sizeof(probe), "%s/../../lib/libmif-preload.so", exe);
	if (!realpath(probe, buf) || strlen(buf) >= len)
		return -ENOENT;
	return 0;
}

/* Where libmif-preload.so is: $MIF_PRELOAD, else the build tree mifctl
 * runs from, else the installed one. */
static int ctl_run_find_preload(char *buf, size_t len)
{
	const char *env = getenv("MIF_PRELOAD");

	if (env && *env) {
		snprintf(buf, len, "%s", env);
		return 0;
	}
	if (ctl_run_build_tree(buf, len) == 0)
		return 0;
	snprintf(buf, len, "%s", MIF_PRELOAD_PATH);
	return access(buf, R_OK) == 0 ? 0 : -ENOENT;
}

/* The preload must load, or the program would run on the default network
 * (ld.so only warns about a preload it cannot load). */
static int ctl_run_check_preload(const char *path)
{
	void *h;

	if (path[0] != '/' || strpbrk(path, ": \t")) {
		fprintf(stderr, "mifctl: run: the preload path \"%s\" must be absolute, "
			"without spaces or colons\n", path);
		return -EINVAL;
	}
	if (!(h = dlopen(path, RTLD_NOW | RTLD_LOCAL))) {
		fprintf(stderr, "mifctl: run: cannot load %s: %s\n", path, dlerror());
		return -ENOENT;
	}
	dlclose(h);
	return 0;
}

/* The PvD's handle (decimal) from pvd.get; a clear message if it is not
 * there. The handle, not the id: a PvD that leaves and comes back under
 * the same id gets a new handle, and the program's sockets then fail. */
static int ctl_run_handle(struct ctl *c, const char *id, char *buf, size_t len)
{
	json_t *params = json_pack("{s:s}", "id", id), *res, *h;
	char *txt = NULL, *msg = NULL, *p = params ? json_dumps(params, JSON_COMPACT) : NULL;
	int r;

	json_decref(params);
	if (!p)
		return -ENOMEM;
	if ((r = ctl_connect(c)) < 0) {   /* it said why */
		free(p);
		return r;
	}
	r = mif_ctl_call(c->conn, "pvd.get", p, &txt, &msg, c->timeout_ms);
	free(p);
	if (r == -ENOENT)
		fprintf(stderr, "mifctl: run: no PvD \"%s\" (see mifctl pvd list)\n", id);
	else if (r < 0)
		fprintf(stderr, "mifctl: run: pvd.get %s: %s\n", id, msg ? msg : strerror(-r));
	free(msg);
	if (r < 0)
		return r;
	res = json_loads(txt, 0, NULL);
	free(txt);
	h = json_object_get(res, "handle");
	r = json_is_integer(h) && json_integer_value(h) > 0 ? 0 : -EPROTO;
	if (r == 0)
		snprintf(buf, len, "%lld", (long long)json_integer_value(h));
	else
		fprintf(stderr, "mifctl: run: mifd's answer for PvD \"%s\" has no handle\n", id);
	json_decref(res);
	return r;
}

/* What the program gets: LD_PRELOAD=<preload>[:<what was there>],
 * MIF_RUN_PVD=<handle>, MIF_SOCKET=<absolute path>. */
struct ctl_run_vars {
	char *ld_preload;                    /* malloc'ed */
	char handle[32];
	char sock[PATH_MAX];
};

static int ctl_run_socket(struct ctl *c, char *buf, size_t len)
{
	const char *sock = paths_ctl_socket(c->socket, MIF_DEFAULT_SOCKET_PATH);

	/* The program may change directory: give it an absolute path. */
	if (sock[0] != '/' && len >= PATH_MAX && realpath(sock, buf))
		return 0;
	return (size_t)snprintf(buf, len, "%s", sock) < len ? 0 : -ENAMETOOLONG;
}

/* Is path one of the entries of an LD_PRELOAD list (separated by colons
 * or spaces, as ld.so reads it)? A substring test would take
 * "/x/libmif-preload.so.old" for "/x/libmif-preload.so". */
static bool ctl_run_has_entry(const char *list, const char *path)
{
	size_t n = strlen(path);

	for (const char *p = list; *p; ) {
		size_t len = strcspn(p, ": \t");

		if (len == n && strncmp(p, path, n) == 0)
			return true;
		p += len;
		p += *p != '\0';
	}
	return false;
}

/* Everything run and pvd use need; prints why and returns CTL_FAIL if
 * something is missing (no PvD, no preload). */
static int ctl_run_prepare(struct ctl *c, const char *pvd, struct ctl_run_vars *v)
{
	const char *old = getenv("LD_PRELOAD");
	char preload[PATH_MAX];
	int r;

	v->ld_preload = NULL;
	if (ctl_run_find_preload(preload, sizeof(preload)) < 0) {
		fprintf(stderr, "mifctl: run: cannot find libmif-preload.so (not at %s; "
			"set MIF_PRELOAD)\n", MIF_PRELOAD_PATH);
		return CTL_FAIL;
	}
	if (ctl_run_check_preload(preload) < 0 ||
	    ctl_run_handle(c, pvd, v->handle, sizeof(v->handle)) < 0)
		return CTL_FAIL;
	if (ctl_run_socket(c, v->sock, sizeof(v->sock)) < 0) {
		fprintf(stderr, "mifctl: run: the control socket path is too long\n");
		return CTL_FAIL;
	}
	if (old && *old && !ctl_run_has_entry(old, preload))
		r = asprintf(&v->ld_preload, "%s:%s", preload, old);
	else
		r = asprintf(&v->ld_preload, "%s", old && *old ? old : preload);
	if (r < 0) {
		v->ld_preload = NULL;
		fprintf(stderr, "mifctl: run: out of memory\n");
		return CTL_FAIL;
	}
	return CTL_OK;
}

/* One line "export NAME='VALUE'" (quotes in VALUE as '\''). */
static void ctl_run_export(const char *name, const char *value)
{
	printf("export %s='", name);
	for (const char *p = value; *p; p++)
		if (*p == '\'')
			fputs("'\\''", stdout);
		else
			putchar(*p);
	printf("'\n");
}

/* mifctl pvd use ID: the environment of mifctl run, as shell export lines
 * (eval "$(mifctl pvd use ID)": every program started afterwards from
 * that shell runs in the PvD). */
int ctl_pvd_use(struct ctl *c, const char *pvd)
{
	struct ctl_run_vars v;
	int rc = ctl_run_prepare(c, pvd, &v);

	if (rc != CTL_OK)
		return rc;
	ctl_run_export("LD_PRELOAD", v.ld_preload);
	ctl_run_export("MIF_RUN_PVD", v.handle);
	ctl_run_export("MIF_SOCKET", v.sock);
	free(v.ld_preload);
	return CTL_OK;
}

/* Options up to COMMAND; *cmd is its index. */
static int ctl_run_args(int argc, char **argv, const char **pvd, int *cmd, bool *cgroup)
{
	int i;

	*pvd = NULL;
	*cgroup = false;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--cgroup") == 0)
			*cgroup = true;
		else if (strcmp(argv[i], "--pvd") == 0 && i + 1 < argc)
			*pvd = argv[++i];
		else if (strncmp(argv[i], "--pvd=", 6) == 0)
			*pvd = argv[i] + 6;
		else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else if (argv[i][0] == '-')
			return -EINVAL;
		else
			break;
	}
	*cmd = i;
	return *pvd && **pvd && i < argc ? 0 : -EINVAL;
}

int ctl_run(struct ctl *c, int argc, char **argv)
{
	struct ctl_run_vars v;
	const char *pvd;
	int cmd, rc;
	bool cgroup;

	if (ctl_run_args(argc, argv, &pvd, &cmd, &cgroup) < 0)
		return ctl_run_usage();
	/* No preload: the kernel steers the cgroup (run_cgroup.c). */
	if (cgroup)
		return ctl_run_cgroup(c, pvd, argv + cmd);
	if ((rc = ctl_run_prepare(c, pvd, &v)) != CTL_OK)
		return rc;
	if (setenv("LD_PRELOAD", v.ld_preload, 1) || setenv("MIF_RUN_PVD", v.handle, 1) ||
	    setenv("MIF_SOCKET", v.sock, 1)) {
		fprintf(stderr, "mifctl: run: cannot set the environment: %s\n", strerror(errno));
		free(v.ld_preload);
		return CTL_FAIL;
	}
	free(v.ld_preload);
	mif_ctl_close(c->conn);
	c->conn = NULL;
	execvp(argv[cmd], argv + cmd);
	rc = errno;                  /* fprintf() may change it */
	fprintf(stderr, "mifctl: run: cannot run %s: %s\n", argv[cmd], strerror(rc));
	return rc == ENOENT ? 127 : 126;
}
