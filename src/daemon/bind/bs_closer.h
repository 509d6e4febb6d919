/* SPDX-License-Identifier: MIT */
/*
 * Closing what clients of the bind socket gave mifd, off the parent's event
 * loop (bindsock.c): close() can block, for the linger time of a socket
 * with SO_LINGER and unsent data whose last reference mifd holds, or for
 * ever on a FUSE file. One closer thread would let one user who sends such
 * a descriptor hold up every close after it, fill the budget of pending
 * descriptors and so stop everyone's binding. So each user closes in a
 * lane of its own: a thread with its queue and a cap. Lane 0 is root's;
 * the others go to users as they come, a lane with nothing pending being
 * free to take, and are shared (by uid) only when all are taken.
 */
#ifndef MIF_DAEMON_BS_CLOSER_H
#define MIF_DAEMON_BS_CLOSER_H

#include <stdbool.h>
#include <sys/types.h>

#define BS_CLOSER_LANES 8
/* Per lane: one request's descriptors, the connection's own and those of
 * the user's other connections. */
#define BS_CLOSER_LANE_SLOTS (253 + 1 + 8)
/* All lanes but root's together: all but one of them full, so that users
 * whose lanes are stuck (one blocked close each) leave room for another's
 * request, as the descriptor limit allows (bs_closer_budget): raised
 * towards BS_CLOSER_NOFILE at start, and never less than two lanes full
 * (what fits under the usual 1024). */
#define BS_CLOSER_USER_SLOTS_MAX ((BS_CLOSER_LANES - 2) * BS_CLOSER_LANE_SLOTS)
#define BS_CLOSER_USER_SLOTS_MIN (2 * BS_CLOSER_LANE_SLOTS)
/* Descriptors the parent keeps for everything else (netlink, the control
 * and bind sockets, the mobile node's, the children's channels). */
#define BS_CLOSER_SPARE_FDS 512
#define BS_CLOSER_NOFILE 4096

/* Start the lanes' threads (once; they drop their capabilities). 0 or a
 * negative errno. */
int bs_closer_init(void);
/* The lane whose thread closes uid's descriptors. */
unsigned bs_closer_lane(uid_t uid);
/* Room in lane for need more descriptors, other_conns being the open
 * connections (each closed in a lane too) not counted there yet. */
bool bs_closer_room(unsigned lane, unsigned need, unsigned other_conns);
/* A connection whose descriptors close in lane opens (true) or is gone
 * (false): a lane with open connections stays its user's. */
void bs_closer_conn(unsigned lane, bool open);
/* Queue fd (if >= 0) for closing in lane. */
void bs_closer_put(unsigned lane, int fd);
/* Descriptors queued in all lanes, for the accept() check. */
unsigned bs_closer_pending(void);
/* How many may be queued in all lanes together (root's lane and the
 * users' budget), for the same check. */
unsigned bs_closer_budget(void);

#endif
