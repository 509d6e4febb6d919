/* SPDX-License-Identifier: MIT */
/*
 * The mobile-node role in the network-facing process (doc/mobility.md):
 * takes the TUN device, the configuration of each home address and the
 * care-of sockets from the parent's channel (mob_msg.h), runs the data plane (mob_dp.c) and answers
 * `mifctl mobility` from its state. Holds no privilege: the sockets are
 * already bound and marked, the TUN device already has its address.
 */
#ifndef MIF_DAEMON_MOBILITY_MOB_NET_H
#define MIF_DAEMON_MOBILITY_MOB_NET_H

#include <event2/event.h>
#include <jansson.h>

struct mob_node;

/* fd: this process's end of the parent's channel (taken). NULL on
 * failure with *ret_err set. Each home address's registration starts
 * when its MOB_WIRE_CONFIG arrives. */
struct mob_node *mob_net_new(struct event_base *base, int fd, int *ret_err);
/* Deregisters every BID of every home address at its home agent (a clean
 * stop), then frees. */
void mob_net_free(struct mob_node *n);
/* The bindings, for the control socket's "mobility" method. */
json_t *mob_net_json(void *m);

#endif
