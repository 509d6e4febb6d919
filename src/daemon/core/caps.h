/* SPDX-License-Identifier: MIT */
/* Keeping only the capabilities mifd needs once its sockets are open. */
#ifndef MIF_DAEMON_CAPS_H
#define MIF_DAEMON_CAPS_H

#include <jansson.h>

/*
 * Drop every capability but CAP_NET_ADMIN (addresses, routes, rules),
 * CAP_NET_RAW (raw ICMPv6, later DHCP) and CAP_NET_BIND_SERVICE (the DNS
 * stub on port 53, a later issue), from the effective, permitted,
 * inheritable and bounding sets, and set no_new_privs. Returns 0, or a
 * negative errno; does nothing (returns 0) when not running as root.
 */
int caps_drop(void);

/* The effective capabilities now, as an array of names. */
json_t *caps_json(void);

#endif
