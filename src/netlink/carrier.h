/* SPDX-License-Identifier: MIT */
/*
 * The carrier of a link as the kernel holds it now. The rtnetlink
 * notification of a carrier loss goes through the kernel's linkwatch,
 * which batches such non-urgent events and may send them up to a second
 * late (net/core/link_watch.c); the carrier bit itself, which
 * /sys/class/net/IF/carrier reads, changes at once. A mobile node reads it
 * every few tens of milliseconds to move off a dead network without that
 * second (issue 15: loss of carrier under 50 ms).
 */
#ifndef MIF_NETLINK_CARRIER_H
#define MIF_NETLINK_CARRIER_H

/* A descriptor to read ifname's carrier with carrier_read() (the file of
 * the caller's network namespace's sysfs), or -errno. */
int carrier_open(const char *ifname);

/* 1: carrier; 0: none, or the link is down (the kernel refuses the read
 * with EINVAL then); -errno on another failure (the link is gone: ENODEV). */
int carrier_read(int fd);

#endif
