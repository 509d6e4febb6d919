/* SPDX-License-Identifier: MIT */
/*
 * The parent's part of mifd's kernel fast path (mn_fast.h, doc/mobility.md
 * "Kernel fast path"): it loads the programs at start, while it still has
 * CAP_BPF (before caps_drop and the seccomp filter), attaches the
 * decapsulation to each IPv6 path's interface as the engine names paths
 * (BPF_LINK_CREATE, the one bpf() command its filter lets through), and
 * hands the maps to each network-facing process, which keeps the entries.
 */
#ifndef MIF_DAEMON_MOBILITY_KERN_MOB_FAST_H
#define MIF_DAEMON_MOBILITY_KERN_MOB_FAST_H

#include "daemon/mobility/mob_config.h"
#include "daemon/mobility/mob_msg.h"
#include "netlink/tunfast.h"

/* Load and attach the encapsulation to the TUN device when c->fast_path;
 * why (64 octets) gets the state. NULL when off or not loaded. */
struct tunfast *kern_mob_fast_open(const struct mob_config *c, int tun_ifindex, char *why);
/* A new path's socket fd on p's interface: checksum 0 taken (IPv6),
 * the decapsulation attached there (not for a nested path on the TUN
 * device). */
void kern_mob_fast_path(struct tunfast *f, int tun_ifindex, const struct msg_mob_path *p, int fd);
/* Onto a new network-facing process's channel, before any home address:
 * the two maps, or why there are none. 0 or -errno. */
int kern_mob_fast_load(const struct tunfast *f, int tun_ifindex, const char *why, int net_fd);

#endif
