/* SPDX-License-Identifier: MIT */
/*
 * The mobile node's packets between the TUN device and the care-of
 * sockets (mob_batch.c): with the TUN offloads (`offload = yes`) TSO/USO
 * super-packets leave as UDP GSO trains and UDP GRO trains come back as
 * coalesced TCP super-packets; without, packets in sendmmsg/recvmmsg
 * batches. Event callbacks of the network-facing process (mob_net.c).
 */
#ifndef MIF_DAEMON_MOBILITY_MOB_BATCH_H
#define MIF_DAEMON_MOBILITY_MOB_BATCH_H

#include <event2/event.h>

/* Readable: a care-of socket (arg: its home address's struct mob_net),
 * the TUN device (arg: the struct mob_node; each packet goes to the
 * registration of its source, mob_net_reg_of). */
void mob_batch_on_udp(evutil_socket_t fd, short what, void *arg);
void mob_batch_on_tun(evutil_socket_t fd, short what, void *arg);

#endif
