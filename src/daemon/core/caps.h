/* SPDX-License-Identifier: MIT */
/* Keeping only the capabilities mifd needs once its sockets are open. */
#ifndef MIF_DAEMON_CAPS_H
#define MIF_DAEMON_CAPS_H

#include <jansson.h>

/*
 * The privileged parent, once its sockets are open (port 53 is bound
 * before, and kept for restarts of the network-facing process): drop every
 * capability but CAP_NET_ADMIN (addresses, routes, rules, SO_MARK),
 * CAP_NET_RAW (raw ICMPv6, DHCP, SO_BINDTODEVICE) and CAP_NET_BIND_SERVICE
 * (the DHCP clients' ports 68 and 546, opened per link) from the effective,
 * permitted, inheritable and bounding sets, and set no_new_privs.
 * CAP_SETUID, CAP_SETGID and CAP_SETPCAP stay permitted but not effective:
 * a restarted network-facing process needs them, for the moment between
 * fork() and becoming the unprivileged user with empty sets (proc_drop).
 * Returns 0, or a negative errno; does nothing (returns 0) when not
 * running as root.
 */
int caps_drop(void);

/*
 * For a helper thread that needs no privilege (the bind socket's closer):
 * clear every capability set of the calling thread, bounding set included,
 * and set no_new_privs. Capabilities and no_new_privs are per thread on
 * Linux, so caps_drop() in the main thread does not reach a thread started
 * before it. Returns 0 or a negative errno.
 */
int caps_drop_thread(void);

/* The effective capabilities now, as an array of names. */
json_t *caps_json(void);

#endif
