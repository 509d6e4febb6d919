/* SPDX-License-Identifier: MIT */
/*
 * Steering of programs that do not choose a PvD, the engine's part
 * (doc/steering.md): which answer addresses go into which PvD's set
 * (returned by two PvDs: none), and the cgroup steering list. The parent
 * applies both in mifd's nftables table (kern/kern_nft.h).
 */
#ifndef MIF_DAEMON_ENGINE_STEER_H
#define MIF_DAEMON_ENGINE_STEER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/ipc.h"
#include "daemon/core/msg.h"

struct engine;

/* One entry of the cgroup steering list: sockets of processes in the
 * cgroup (a path under /sys/fs/cgroup, at any depth below it) use the PvD. */
struct engine_steer_cg {
	char path[MSG_STEER_PATH_MAX];
	uint64_t handle;
};

/* [steering] answers: whether the engine passes answer addresses on. */
int engine_steer_set_answers(struct engine *e, bool on);
/*
 * The whole cgroup steering list, replacing the last (the entry point for
 * a policy engine; `mifctl steer cgroup` feeds it today). Sent to the
 * parent, which resolves each path; what it said is in engine_steer_json.
 * 0, -EINVAL (a bad path or too many), -ENOMEM.
 */
int engine_steer_set_cgroups(struct engine *e, const struct engine_steer_cg *list, size_t n);
/*
 * The policy's cgroup entries (engine_policy.c, at every routing sync),
 * replacing its last ones; sent only when they changed, after the entries
 * of engine_steer_set_cgroups (`mifctl steer`: the user's word at run
 * time wins for a path both name). A path that cannot name a cgroup is
 * left out and counted. 0 or -ENOMEM.
 */
int engine_steer_set_policy_cgroups(struct engine *e, const struct engine_steer_cg *list,
				    size_t n);
/* The PvDs changed (the bind table was sent again): cgroup entries follow
 * their PvD's id to its current handle (0 while it is away). */
void engine_steer_pvds_changed(struct engine *e);
/* MSG_STEER_NOTE from the network-facing process. */
void engine_steer_note(struct engine *e, const struct ipc_msg *m);
/* MSG_STEER_STATS from the parent. */
void engine_steer_stats(struct engine *e, const struct ipc_msg *m);
/* steer.set and steer.show (a reply through engine_net_result, maybe later). */
void engine_steer_ctl(struct engine *e, uint32_t token, unsigned method, json_t *params);
json_t *engine_steer_json(struct engine *e);
void engine_steer_free(struct engine *e);

#endif
