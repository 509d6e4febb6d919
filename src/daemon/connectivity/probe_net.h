/* SPDX-License-Identifier: MIT */
/*
 * Connectivity probes, run in the network-facing process (conn.h): each
 * MSG_PROBE_START from the engine becomes DNS lookups through the PvD's
 * servers, then HTTP, HTTPS and RFC 8908 API requests with libcurl's multi
 * interface on the process's event loop, every socket bound to the PvD's
 * interface and source address; one MSG_PROBE_RESULT goes back.
 */
#ifndef MIF_DAEMON_PROBE_NET_H
#define MIF_DAEMON_PROBE_NET_H

#include <event2/event.h>

#include "daemon/connectivity/conn.h"
#include "daemon/control/netview.h"

struct probe_net;
struct stub;

/* Call before the process drops privileges and loads its seccomp filter:
 * it initialises libcurl and reads the CA file into memory (no file is
 * opened afterwards). NULL with *err on failure. stub may be NULL. */
struct probe_net *probe_net_new(struct event_base *base, const struct conn_config *cfg,
				struct netview *nv, struct stub *stub, int *err);
void probe_net_free(struct probe_net *pn);

#endif
