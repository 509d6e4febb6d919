/* SPDX-License-Identifier: MIT */
/* mifctl: shared state of the verbs (one file per verb). */
#ifndef MIF_CTL_CTL_H
#define MIF_CTL_CTL_H

#include <jansson.h>
#include <stdbool.h>

#include "mif/mif.h"

struct ctl {
	const char *socket;
	bool json;
	int timeout_ms;
	struct mif_ctl *conn;
};

/* Exit codes. */
enum { CTL_OK = 0, CTL_FAIL = 1, CTL_USAGE = 2 };

/* Connect (once) and call; prints a clear error and returns NULL on failure,
 * setting *rc. The result is parsed JSON to json_decref(). */
json_t *ctl_call(struct ctl *c, const char *method, json_t *params, int *rc);
int ctl_connect(struct ctl *c);
void ctl_print_json(json_t *j);

/* output.c: human formatting helpers. */
const char *ctl_str(json_t *o, const char *key);      /* "" if absent */
void ctl_fmt_expires(json_t *o, const char *key, char *buf, size_t len);
/* Join one string field of every object of an array: "a, b". */
void ctl_join(json_t *arr, const char *key, char *buf, size_t len);
void ctl_print_pvd(json_t *p);
/* One PvD's DNS in dns.list: servers up of all, the best RTT of those up
 * (-1: none measured), queries, cache hits and misses, and what its
 * servers were sent and let time out. -1 when dns.list has no such PvD. */
struct ctl_dns_sum {
	size_t up, servers;
	double best_rtt_ms, queries, hits, misses, sent, timeouts;
};
int ctl_dns_summary(json_t *dns, const char *id, struct ctl_dns_sum *out);

/* The verbs. */
int ctl_pvd(struct ctl *c, int argc, char **argv);
int ctl_pvd_edit(struct ctl *c, int argc, char **argv);
/* pvd.add, or with replace and an existing id pvd.set with every list
 * (those absent from params emptied); steals params (pvd_edit.c). */
json_t *ctl_pvd_put(struct ctl *c, json_t *params, bool replace, int *rc);
int ctl_resolvconf(struct ctl *c, int argc, char **argv);
int ctl_metrics(struct ctl *c, int argc, char **argv);
int ctl_top(struct ctl *c, int argc, char **argv);
int ctl_stats(struct ctl *c, int argc, char **argv);
int ctl_monitor(struct ctl *c, int argc, char **argv);
int ctl_status(struct ctl *c, int argc, char **argv);
int ctl_log_level(struct ctl *c, int argc, char **argv);
int ctl_link(struct ctl *c, int argc, char **argv);
int ctl_route(struct ctl *c, int argc, char **argv);
int ctl_dns(struct ctl *c, int argc, char **argv);
int ctl_resolve(struct ctl *c, int argc, char **argv);
int ctl_run(struct ctl *c, int argc, char **argv);
int ctl_portal(struct ctl *c, int argc, char **argv);
int ctl_mobility(struct ctl *c, int argc, char **argv);
int ctl_policy(struct ctl *c, int argc, char **argv);
int ctl_pvd_use(struct ctl *c, const char *pvd);   /* run.c */
int ctl_steer(struct ctl *c, int argc, char **argv);
/* mifctl run --cgroup (run_cgroup.c): the command's status. */
int ctl_run_cgroup(struct ctl *c, const char *pvd, char **argv);

#endif
