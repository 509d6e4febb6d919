/* SPDX-License-Identifier: MIT */
/*
 * The tunnel's kernel fast path, the user-space side (bpf/mhfast.bpf.c
 * is the kernel side, tunfast_abi.h their shared records): load the tc
 * programs, attach them with links that the kernel removes when the
 * process ends (tcx, Linux 6.6: a crashed tunnel end leaves no stale
 * path behind), and keep the two maps. The caller decides which bindings
 * are simple enough for the kernel (one path, IPv6 outside) and keeps
 * every other one on its user-space path. Errors are negative errno;
 * nothing here logs.
 */
#ifndef MIF_NETLINK_TUNFAST_H
#define MIF_NETLINK_TUNFAST_H

#include <stdbool.h>
#include <stdint.h>

#include "netlink/tunfast_abi.h"

enum tunfast_role {
	TUNFAST_HA,     /* out map keyed by the inner destination */
	TUNFAST_MN,     /* by the inner source */
};

struct tunfast;

/* Load the programs, with room for hoas home addresses and paths_per
 * paths each, and attach the encapsulation to the egress of the TUN
 * device tun_ifindex. -EPERM without CAP_BPF and CAP_NET_ADMIN, -EINVAL
 * or -EOPNOTSUPP on a kernel without tcx or the helpers, -E2BIG for more
 * than TUNFAST_MAX_ENTRIES entries. */
#define TUNFAST_MAX_ENTRIES (1u << 22)
int tunfast_open(enum tunfast_role role, int tun_ifindex, size_t hoas, size_t paths_per,
		 struct tunfast **ret);
/* Attach the decapsulation to the ingress of ifindex (a path's
 * interface); again for an index already attached is a no-op. */
int tunfast_uplink(struct tunfast *f, int ifindex);
/* Set or replace the entry of key (16 octets), keeping its counters; o
 * NULL removes it (-ENOENT if there was none). */
int tunfast_out_set(struct tunfast *f, const uint8_t key[16], const struct tunfast_out *o);
int tunfast_in_set(struct tunfast *f, const struct tunfast_in_key *k, const struct tunfast_in *v);
/* Read an entry (its counters); -ENOENT if there is none. */
int tunfast_out_get(const struct tunfast *f, const uint8_t key[16], struct tunfast_out *ret);
int tunfast_in_get(const struct tunfast *f, const struct tunfast_in_key *k, struct tunfast_in *ret);
/* The two maps' descriptors, to hand to another process (mifd's
 * network-facing one) that keeps the entries: f still owns them. */
void tunfast_map_fds(const struct tunfast *f, int *ret_out_fd, int *ret_in_fd);
/* A handle on maps alone (no program, no link), from descriptors another
 * process passed: tunfast_*_set/get work on it, tunfast_uplink does not
 * (-EINVAL); tunfast_close() closes the descriptors. */
int tunfast_from_fds(int out_fd, int in_fd, struct tunfast **ret);
/* Remove every entry of both maps (a new keeper starts from nothing). */
void tunfast_clear(struct tunfast *f);
/* Let a tunnel's UDP socket take IPv6 datagrams with checksum 0, as the
 * other end's fast path sends them (RFC 6935 section 5, RFC 6936:
 * allowed per port for a tunnel). */
int tunfast_sock_zero_csum_ok(int sock);
/* Detach everything and free f (NULL is fine). */
void tunfast_close(struct tunfast *f);

#endif
