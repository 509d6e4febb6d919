/* SPDX-License-Identifier: MIT */
/*
 * The privileged parent's part of the mobile-node role (doc/mobility.md):
 * it reads the key file (root-only), makes the TUN device with the home
 * address and the routes through it, and opens one UDP socket per care-of
 * path the engine names (bound to the care-of address and its interface,
 * SO_MARK of its PvD: both need CAP_NET_ADMIN). It keeps every descriptor
 * and hands copies to the network-facing process, which runs the data
 * plane (mob_net.c), on a channel of their own (mob_msg.h); a restarted
 * network-facing process gets them all again.
 */
#ifndef MIF_DAEMON_MOBILITY_KERN_MOB_H
#define MIF_DAEMON_MOBILITY_KERN_MOB_H

#include <jansson.h>

#include "common/ipc.h"
#include "daemon/mobility/mob_config.h"

struct kern_mob;

/* Key, TUN device, home address, routes; everything acknowledged by the
 * kernel before it returns. 0 or -errno (*ret_m untouched). */
int kern_mob_new(const struct mob_config *c, struct kern_mob **ret_m);
void kern_mob_free(struct kern_mob *m);
/* In a freshly forked child: forget the key (the engine never holds it;
 * the network-facing process gets it on its channel). */
void kern_mob_wipe(struct kern_mob *m);

/* MSG_MOB_PATHS from the engine: open what is new, close what went, and
 * tell the network-facing process. */
void kern_mob_paths(struct kern_mob *m, const struct ipc_msg *msg);

/* A channel for a new network-facing process, loaded with the
 * configuration, the TUN device and every path: the child's end in
 * *ret_fd (the caller closes it after the fork). 0 or -errno. */
int kern_mob_attach(struct kern_mob *m, int *ret_fd);
/* The parent's event loop, where the home link's part reads the
 * network-facing process's uplink choice (kern_mob_home.h). */
struct event_base;
void kern_mob_set_base(struct kern_mob *m, struct event_base *base);

#endif
