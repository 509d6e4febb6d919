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
/* Rules a mobility flow binding can carry (mobility/engine_mob_flow.c):
 * they name a PvD (a pvd: target they require or prefer) and select by at
 * most one destination prefix, protocol, port range and DSCP, nothing
 * else. cb gets each with the PvD ids its decision orders, best first. */
void engine_policy_flow_rules(struct engine *e,
			      void (*cb)(void *arg, const struct policy_rule *r,
					 const char *const *ids, size_t n),
			      void *arg);
/* CTL_POLICY_EXPLAIN, CTL_POLICY_SHOW, CTL_POLICY_RELOAD. */
void engine_policy_ctl(struct engine *e, uint32_t token, unsigned method, json_t *params);

/* engine_policy_net.c: operator policy from the network. A fingerprint of
 * what the PvDs' validated RFC 8801 information says in "vendor-mif"
 * (engine_policy_net_fp_none() when none says anything), and one operator
 * policy text per such PvD: [{"pvd", "text", "refused", "rules",
 * "refused_total"}]. */
uint64_t engine_policy_net_fp(struct engine *e);
uint64_t engine_policy_net_fp_none(void);
json_t *engine_policy_net_texts(struct engine *e);
/* Those texts into s, after the local files, their rules marked scoped;
 * a text that does not parse is left out, its error added to what was
 * refused of it. */
void engine_policy_net_add(struct policy_set *s, json_t *net);
/* Log what net says that old (the list in force before) did not. */
void engine_policy_net_log(json_t *old, json_t *net);
/* [{"pvd", "what"}]: what networks said and may not. */
json_t *engine_policy_net_refused(json_t *net);

#endif
