/* SPDX-License-Identifier: MIT */
/* Per-PvD routing in the engine (see route_plan.h for the layout). */
#ifndef MIF_DAEMON_ENGINE_ROUTE_H
#define MIF_DAEMON_ENGINE_ROUTE_H

#include <jansson.h>

#include "daemon/routing/route_plan.h"

struct engine;

#define ROUTE_MAX_LOOKUPS 32

struct engine_route {
	struct route_cfg cfg;
	struct route_tables tables;
	struct route_plan installed, desired;
	bool ready;                  /* initial dump seen and the table range checked */
	char error[256];             /* why routing is off, "" if it is on */
	uint64_t messages, changes, kernel_errors;
	uint64_t last_messages;      /* netlink requests sent by the last change */
	struct {
		uint32_t token;      /* 0: free */
		uint64_t pvd;        /* PvD asked for, 0 none */
		char why[512];
		char dst[64];
	} lookups[ROUTE_MAX_LOOKUPS];
	uint32_t next_token;
};

/* Results of route.get go back through this (set by the control socket). */
typedef void (*engine_route_reply_cb)(void *ctx, uint32_t token, int err, json_t *result,
				      const char *msg);

#endif
