/* SPDX-License-Identifier: MIT */
/*
 * The parent's part of the home link (doc/mobility.md "Home link"; RFC
 * 5648 5.6, RFC 6275 11.5.5). Two inputs:
 *
 *  - the engine's path set names a home path (msg_mob_home): the home
 *    address goes on that interface too (/128, no DAD), so that the
 *    agent's heartbeats and packets to the home address on the home link
 *    are answered (Neighbor Solicitations) and the home path's socket is
 *    bound to an address of its interface;
 *  - the network-facing process says its uplink is that home BID
 *    (MOB_WIRE_UPLINK: its heartbeats answered, i.e. re-validated): the
 *    uplink leaves there natively, unencapsulated: the home prefix
 *    on-link and each routes = prefix through the home link's router with
 *    the home address as source, one metric below the routes through the
 *    TUN device (which stay, for the time away).
 *
 * The routes go when either input goes (a withdrawn path: before the
 * network-facing process hears of it), the address when the path goes.
 * Every change is acknowledged by the kernel.
 */
#ifndef MIF_DAEMON_MOBILITY_KERN_MOB_HOME_H
#define MIF_DAEMON_MOBILITY_KERN_MOB_HOME_H

#include <event2/event.h>
#include <stdbool.h>
#include <stdint.h>

#include "daemon/mobility/mob_config.h"
#include "daemon/mobility/mob_msg.h"

/* Below the TUN device's routes (metric 1024, the kernel's default for
 * IPv6) and its connected home prefix (256). */
#define KERN_MOB_HOME_METRIC 128
/* The rule for the home address's source (kern_mob_home.c): before
 * mifd's own rules at their default priority base, 10000. */
#define KERN_MOB_HOME_RULE_PRIO 9900

struct kern_mob_home;

/* The state for [mobility]'s home address (home address 0: the only one
 * with a home link) and routes. 0 or -errno. */
int kern_mob_home_new(const struct mob_config *c, struct kern_mob_home **ret_h);
/* Leaves the kernel as it was before the home link (tunnel only). */
void kern_mob_home_free(struct kern_mob_home *h);
/* The engine's word (checked by mob_msg_paths_ok): a home path on w's
 * interface, or none. */
void kern_mob_home_sync(struct kern_mob_home *h, const struct msg_mob_home *w);
/* Read MOB_WIRE_UPLINK from the network-facing process's channel fd (-1:
 * stop, before the caller closes it; a new process starts with the
 * uplink in the tunnel until it says otherwise). */
void kern_mob_home_watch(struct kern_mob_home *h, struct event_base *base, int fd);
/* For `mifctl`-less checks and the log: whether the uplink is native. */
bool kern_mob_home_native(const struct kern_mob_home *h);

#endif
