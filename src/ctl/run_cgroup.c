/* SPDX-License-Identifier: MIT */
/*
 * mifctl run --pvd ID --cgroup [--] COMMAND [ARGS...]: run a program in a
 * cgroup of its own that mifd steers to the PvD (doc/steering.md, "By
 * cgroup"), so that every socket it opens goes through the PvD without a
 * preload: statically linked and setuid programs too. The cgroup is made
 * below mifctl's own (cgroup v2), given to mifd with steer.set, and
 * removed with its entry when the command ends. Making a cgroup needs root
 * (or a delegated subtree), and steer.set needs root.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctl/ctl.h"

#define RUN_CG_PATH 512

/* The cgroup v2 hierarchy: /sys/fs/cgroup, or hybrid's .../unified. */
static const char *rcg_root(void)
{
	static const char *const roots[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };
	struct statfs sf;

	for (size_t i = 0; i < 2; i++)
		if (statfs(roots[i], &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC)
			return roots[i];
	return NULL;
}

/* mifctl's own cgroup v2 path ("0::/a/b" in /proc/self/cgroup), without
 * its leading '/'. */
static int rcg_own(char *out, size_t len)
{
	char line[RUN_CG_PATH];
	FILE *f = fopen("/proc/self/cgroup", "re");
	int r = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "0::/", 4) == 0) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(out, len, "%s", line + 4);
			r = 0;
			break;
		}
	fclose(f);
	return r;
}

static int rcg_steer(struct ctl *c, const char *op, const char *rel, const char *pvd)
{
	json_t *p = json_pack("{s:s,s:s}", "op", op, "cgroup", rel), *r;
	int rc;

	if (pvd)
		json_object_set_new(p, "pvd", json_string(pvd));
	r = ctl_call(c, "steer.set", p, &rc);
	json_decref(r);
	return r ? 0 : -1;
}

/* Join the cgroup (write our pid to its cgroup.procs), then exec. */
static void rcg_child(const char *dir, char **argv)
{
	char procs[RUN_CG_PATH * 2 + 16];
	int fd;

	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	fd = open(procs, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "0", 1) != 1) {
		fprintf(stderr, "mifctl: run: cannot join %s: %s\n", dir, strerror(errno));
		_exit(126);
	}
	close(fd);
	execvp(argv[0], argv);
	fprintf(stderr, "mifctl: run: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

int ctl_run_cgroup(struct ctl *c, const char *pvd, char **argv)
{
	const char *root = rcg_root();
	char own[RUN_CG_PATH], rel[RUN_CG_PATH + 32], dir[RUN_CG_PATH * 2];
	int st = 0, rc;
	pid_t pid;

	if (!root || rcg_own(own, sizeof(own)) < 0) {
		fprintf(stderr, "mifctl: run: --cgroup needs the cgroup v2 hierarchy\n");
		return CTL_FAIL;
	}
	snprintf(rel, sizeof(rel), "%s%smifctl-run-%ld", own, *own ? "/" : "", (long)getpid());
	snprintf(dir, sizeof(dir), "%s/%s", root, rel);
	if (mkdir(dir, 0755) < 0) {
		fprintf(stderr, "mifctl: run: cannot make the cgroup %s: %s%s\n", dir,
			strerror(errno), errno == EACCES || errno == EPERM ?
			" (--cgroup needs root or a delegated cgroup)" : "");
		return CTL_FAIL;
	}
	if (rcg_steer(c, "add", rel, pvd) < 0) {
		rmdir(dir);
		return CTL_FAIL;
	}
	/* Ctrl-C goes to the command; we stay to undo what we made. */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		rcg_child(dir, argv);
	while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	rc = pid < 0 ? 126 : WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if (pid < 0)
		fprintf(stderr, "mifctl: run: fork: %s\n", strerror(errno));
	if (rcg_steer(c, "del", rel, NULL) < 0 || rmdir(dir) < 0)
		fprintf(stderr, "mifctl: run: %s was not removed (%s)\n", dir, strerror(errno));
	return rc;
}
