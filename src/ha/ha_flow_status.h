/* SPDX-License-Identifier: MIT */
/* mif-had's status: a mobile node's flow bindings (ha_flow_status.c). */
#ifndef MIF_HA_HA_FLOW_STATUS_H
#define MIF_HA_HA_FLOW_STATUS_H

#include <jansson.h>

struct ha_mn;

/* {"flows": [...], "flow_counters": {...}} (counters once a flow option
 * was seen). A new reference, or NULL. */
json_t *ha_flow_status(const struct ha_mn *mn);

#endif
