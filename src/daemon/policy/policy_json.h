/* SPDX-License-Identifier: MIT */
/* The policy's JSON forms (policy_json.c). */
#ifndef MIF_DAEMON_POLICY_JSON_H
#define MIF_DAEMON_POLICY_JSON_H

#include <jansson.h>

#include "daemon/policy/policy.h"

/* {"flow", "permitted": [PvD + rank], "excluded": [PvD + by], "matched":
 * [{rule, actor, file, line, says, role}], "winner", "why", "conflicts"}. */
json_t *policy_explain_json(const struct policy_set *s, const struct policy_flow *f,
			    const struct policy_pvd *pvds, size_t n, const struct policy_result *r);
/* {"files": [{file, actor, rules}], "rules", "networks", "precedence" (lowest first),
 * "builtin_default"}. */
json_t *policy_set_json(const struct policy_set *s);

#endif
