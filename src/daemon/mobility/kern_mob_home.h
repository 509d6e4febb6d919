/* SPDX-License-Identifier: MIT */
/*
 * The parent's part of the home link (doc/mobility.md "Home link"; RFC
 * 5648 5.6, RFC 6275 11.5.5): while the engine names a home path
 * (msg_mob_home), the home address is on that interface too and the
 * uplink leaves there natively, unencapsulated: the home prefix on-link
 * and each routes = prefix through the home link's router, with the home
 * address as their source, one metric below the routes through the TUN
 * device (which stay, for the time away). When the home path goes (loss
 * of carrier, address gone, checks failed) those routes and the address
 * go in the same message, so the kernel's routes point into the tunnel
 * again before the network-facing process hears of the withdrawal. Every
 * change is acknowledged by the kernel.
 */
#ifndef MIF_DAEMON_MOBILITY_KERN_MOB_HOME_H
#define MIF_DAEMON_MOBILITY_KERN_MOB_HOME_H

#include <stdbool.h>
#include <stdint.h>

#include "daemon/mobility/mob_config.h"
#include "daemon/mobility/mob_msg.h"

/* Below the TUN device's routes (metric 1024, the kernel's default for
 * IPv6) and its connected home prefix (256). */
#define KERN_MOB_HOME_METRIC 128

struct kern_mob_home;

/* The state for [mobility]'s home address and routes. 0 or -errno. */
int kern_mob_home_new(const struct mob_config *c, struct kern_mob_home **ret_h);
/* Leaves the kernel as it was before the home link (tunnel only). */
void kern_mob_home_free(struct kern_mob_home *h);
/* Whether the message's home part is well formed. */
bool kern_mob_home_valid(const struct msg_mob_home *w);
/* Follow the engine: native on w's interface, or away. */
void kern_mob_home_sync(struct kern_mob_home *h, const struct msg_mob_home *w);

#endif
