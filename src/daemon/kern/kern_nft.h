/* SPDX-License-Identifier: MIT */
/*
 * Steering of programs that do not choose a PvD (doc/steering.md), in the
 * privileged parent: mifd's own nftables table ("inet mif"), through
 * libnftnl batches on a NETLINK_NETFILTER socket (the parent may not exec
 * the nft binary). Every batch asks an ACK of each message and counts as
 * done only once the kernel acknowledged all of them; a batch is atomic,
 * so a refused one changes nothing.
 *
 *   chain route (type route, hook output, priority mangle):
 *     meta mark != 0 return                    a socket bound to a PvD keeps it
 *     ct mark & FLAG != 0 meta mark set ct mark return   a steered flow keeps its PvD
 *     ct state != new return                   an unsteered flow stays unsteered
 *     socket cgroupv2 level L <id> meta mark set M ct mark set M return   (each cgroup)
 *     [meta skuid U] [meta l4proto P] [th dport A-B] [ip/ip6 dscp D] meta mark set M
 *         ct mark set M return             (each policy rule of those selectors)
 *     ip daddr @c4 return, ip6 daddr @c6 return      returned by two PvDs
 *     ip daddr @a4_<h> meta mark set M ct mark set M return   (each PvD, answers on)
 *   chain nat (type nat, hook postrouting, priority srcnat):
 *     ct mark M oif I meta nfproto F snat to A   (each PvD: its own source A on I)
 *     ct mark & FLAG != 0 masquerade           the rest (no own address known)
 *
 * M is the PvD's routing mark (route_mark_of, from the bind table).
 */
#ifndef MIF_DAEMON_KERN_NFT_H
#define MIF_DAEMON_KERN_NFT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/ipc.h"
#include "daemon/bind/bind_table.h"
#include "daemon/core/chan.h"

#define KERN_NFT_TABLE "mif"
#define KERN_NFT_CGROUP_ROOT "/sys/fs/cgroup"

struct kern_nft;

/* Open the socket and install the table, replacing one a killed mifd left
 * (its rules and sets). answers: [steering] answers. Returns NULL with
 * *err (negative errno) and a message in msg. */
struct kern_nft *kern_nft_new(bool answers, int *err, char *msg, size_t msglen);
/* Remove the table (a clean stop) and free. */
void kern_nft_free(struct kern_nft *n);
/* The bind table changed: sets for new PvDs, removed for PvDs gone, the
 * rules with the marks as they are now. Reports to ch (MSG_STEER_STATS). */
void kern_nft_sync(struct kern_nft *n, const struct bind_table *t, struct chan *ch);
/* MSG_STEER_ADD, MSG_STEER_CGROUPS or MSG_STEER_SELS from the engine. */
void kern_nft_msg(struct kern_nft *n, const struct bind_table *t, const struct ipc_msg *m,
		  struct chan *ch);

#endif
