/* SPDX-License-Identifier: MIT */
/*
 * mif-had's start-up (ha_setup.c), the part that runs as root: the TUN
 * device and the routes of the home prefixes, the UDP and control sockets,
 * the store and the home link, then the drop to cfg->user (keeping only
 * CAP_NET_ADMIN with a home link). Apart from mif-had.c's loop so that what
 * holds privileges can be read, and reviewed, on its own.
 */
#ifndef MIF_HA_SETUP_H
#define MIF_HA_SETUP_H

#include "ha/ha.h"

/* Open everything h->cfg asks for into h (tun, udp, ctl, store, home
 * link), then drop privileges. Logs what failed (the caller only exits);
 * 0 or a negative errno. */
int ha_setup(struct ha_ctx *h);

#endif
