/* SPDX-License-Identifier: MIT */
/*
 * mif_cgroup_pvd(): the PvD the calling process's cgroup is steered to
 * (doc/steering.md: `mifctl steer cgroup`, a policy file's cgroup rule,
 * `mifctl run --cgroup`), so that a library such as nss-mif resolves
 * through the PvD the process's packets will take. The cgroup is read
 * from /proc/self/cgroup (the cgroup v2 line, "0::/PATH"); mifd's list
 * from steer.show. The longest steered path that is the process's cgroup
 * or one above it wins, as nftables' "socket cgroupv2" matches at its
 * level and below.
 */
#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "pvd_priv.h"

/* The process's cgroup v2 path without its leading "/", or -ENOENT. */
static int mif_cg_self(char *out, size_t len)
{
	char line[4096];
	FILE *f = fopen("/proc/self/cgroup", "re");
	int r = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "0::/", 4)) {
			line[strcspn(line, "\n")] = '\0';
			if (snprintf(out, len, "%s", line + 4) < (int)len)
				r = 0;
			else
				r = -ENAMETOOLONG;
			break;
		}
	fclose(f);
	return r;
}

/* path is self or a cgroup above it, component by component. */
static bool mif_cg_covers(const char *path, const char *self)
{
	size_t n = strlen(path);

	return n && !strncmp(path, self, n) && (self[n] == '\0' || self[n] == '/');
}

/* The longest entry of list (an array of {"cgroup", "pvd"}) that covers self. */
static void mif_cg_best(json_t *list, const char *self, const char **best, size_t *best_len)
{
	json_t *v;
	size_t i;

	json_array_foreach(list, i, v) {
		const char *p = json_string_value(json_object_get(v, "cgroup"));
		const char *id = json_string_value(json_object_get(v, "pvd"));
		json_t *in = json_object_get(v, "in_force");

		if (!p || !id || (in && !json_is_true(in)) || !mif_cg_covers(p, self) ||
		    strlen(p) <= *best_len)
			continue;
		*best = id;
		*best_len = strlen(p);
	}
}

MIF_EXPORT int mif_cgroup_pvd(struct mif_ctl *c, char *id, size_t len, char *err, size_t errlen)
{
	char self[4096];
	const char *best = NULL;
	size_t best_len = 0;
	json_t *res = NULL;
	int r;

	if (err && errlen)
		err[0] = '\0';
	if (!id || !len)
		return mif_priv_err(err, errlen, -EINVAL, "no buffer for the PvD's id");
	if ((r = mif_cg_self(self, sizeof(self))) < 0)
		return mif_priv_err(err, errlen, r, "no cgroup v2 line in /proc/self/cgroup");
	r = mif_priv_call(c, "steer.show", NULL, &res, MIF_PRIV_CALL_MS, err, errlen);
	if (r < 0)
		return r;
	/* mifctl steer's entries first: they win where both name a path. */
	mif_cg_best(json_object_get(res, "cgroups"), self, &best, &best_len);
	mif_cg_best(json_object_get(res, "policy_cgroups"), self, &best, &best_len);
	r = best ? 0 : -ENOENT;
	if (best && snprintf(id, len, "%s", best) >= (int)len)
		r = -ENAMETOOLONG;
	json_decref(res);
	if (r == -ENOENT)
		return mif_priv_err(err, errlen, r, "cgroup /%s is not steered to a PvD", self);
	return r;
}
