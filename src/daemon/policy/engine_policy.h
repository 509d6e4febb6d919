/* SPDX-License-Identifier: MIT */
/* The engine's policy state (engine_policy.c; doc/policy.md). */
#ifndef MIF_DAEMON_ENGINE_POLICY_H
#define MIF_DAEMON_ENGINE_POLICY_H

#include <jansson.h>
#include <stdint.h>

#include "daemon/policy/policy.h"

struct engine;
struct ipc_msg;

void engine_policy_free(struct engine *e);
/* MSG_POLICY_FILE and MSG_POLICY_FILES_END from the parent. */
void engine_policy_msg(struct engine *e, const struct ipc_msg *m);
void engine_policy_end(struct engine *e, const struct ipc_msg *m);
/* Before each routing plan: the decision for any flow becomes the order
 * of the default choice (route_cfg.policy_rank). */
void engine_policy_route(struct engine *e);
/* CTL_POLICY_EXPLAIN, CTL_POLICY_SHOW, CTL_POLICY_RELOAD. */
void engine_policy_ctl(struct engine *e, uint32_t token, unsigned method, json_t *params);

#endif
