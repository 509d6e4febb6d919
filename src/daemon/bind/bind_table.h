/* SPDX-License-Identifier: MIT */
/*
 * The bind table: for each PvD, what binds a socket to it (its routing
 * mark and, if it has one, its only interface). The engine computes it
 * (bind/engine_bind.c) and sends it after each change that alters it
 * (MSG_BIND_BEGIN, MSG_BIND_ENTRY..., MSG_BIND_END); the bind socket, in
 * the privileged parent, keeps the last whole copy and answers from it
 * without asking the engine. Pure: no I/O.
 */
#ifndef MIF_DAEMON_BIND_TABLE_H
#define MIF_DAEMON_BIND_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/ipc.h"
#include "daemon/pvd/pvd.h"

#define BIND_TABLE_MAX 4096          /* PvDs in one table */

/* One PvD of the bind table (bind/bind_table.h): what binds a socket to
 * it. table 0: it has no routing table. */
struct bind_info {
	uint64_t handle;
	char id[PVD_ID_MAX];
	uint32_t table;
	uint32_t mark;               /* SO_MARK: route_mark_of(table) */
	int32_t ifindex;             /* its only interface, 0 if several */
	uint32_t explicit_;          /* 1: its id is a name (compared as one) */
	/* Its own source addresses on src_ifindex (the connectivity checks'
	 * choice, engine_conn_inputs: preferred before deprecated, never
	 * tentative), :: when none: what a flow steered to it by nftables is
	 * SNATed to (kern_nft.c). IPv4 v4-mapped. */
	int32_t src_ifindex;
	struct in6_addr src4, src6;
};

struct bind_table {
	bool routing;                /* routing on and ready */
	char error[200];             /* why it is off */
	struct bind_info *v;
	size_t n;
	/* the table being received */
	struct bind_info *next;
	size_t n_next, want;
	bool next_routing, building;
	char next_error[200];
	uint64_t tables, malformed;
};

void bind_table_init(struct bind_table *t);
void bind_table_free(struct bind_table *t);
/* Take one MSG_BIND_* message. 0, or -EBADMSG (the table being received
 * is dropped; the last whole one stays). */
int bind_table_msg(struct bind_table *t, const struct ipc_msg *m);
/* What binds a socket to PvD id (its id or its handle in decimal).
 * Returns 0; -EINVAL (no id), -ENOENT (no such PvD), -EOPNOTSUPP (routing
 * off) or -ENETUNREACH (the PvD has no table), with err set. */
int bind_table_lookup(const struct bind_table *t, const char *id,
		      struct bind_info *out, char *err, size_t errlen);

#endif
