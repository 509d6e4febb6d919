/* SPDX-License-Identifier: MIT */
/* RFC 7078 tables as kernel address labels per interface (engine_addrlabel.c). */
#ifndef MIF_DAEMON_ENGINE_ADDRLABEL_H
#define MIF_DAEMON_ENGINE_ADDRLABEL_H

#include <jansson.h>
#include <stdbool.h>

#include "proto/nl.h"

struct engine;

/* At every routing sync: the labels the interfaces' tables want. */
void engine_addrlabel_sync(struct engine *e);
/* MSG_RT_ACK of a MSG_RT_LABEL_ADD (add) or _DEL. */
void engine_addrlabel_ack(struct engine *e, bool add, const struct nl_addrlabel *l, int error);
struct ipc_msg;
/* MSG_LABEL: a row of the kernel's label dump; rows on managed interfaces
 * this run does not track are taken over (left by a killed mifd). */
void engine_addrlabel_kernel(struct engine *e, const struct ipc_msg *m);
/* {"earlier_found", "earlier_removed"} for the routing status. */
json_t *engine_addrlabel_totals_json(struct engine *e);
/* Clean stop: every label of ours out of the kernel. */
void engine_addrlabel_stop(struct engine *e);
void engine_addrlabel_free(struct engine *e);
/* {"applied", "rows_total", "rows": [{"prefix", "label", "state"}]} of ifindex. */
json_t *engine_addrlabel_json(struct engine *e, int ifindex);

#endif
