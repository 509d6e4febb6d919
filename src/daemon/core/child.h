/* SPDX-License-Identifier: MIT */
/* The engine and the network-facing process, after fork (parent.c). */
#ifndef MIF_DAEMON_CHILD_H
#define MIF_DAEMON_CHILD_H

#include "daemon/core/config.h"
#include "daemon/core/proc.h"

/* First thing in a new child, before proc_keep_fds(): signals back to
 * their defaults, standard input from /dev/null, jansson seeded. */
void child_prepare(void);

/* The engine: kfd its channel to the parent's kernel side, nfd to the
 * network-facing process, pass_fd where the parent sends the channel of
 * a restarted network-facing process. Returns the exit status. */
int child_engine_main(const struct mifd_config *cfg, const struct proc_user *u, int kfd,
		      int nfd, int pass_fd);

/* The network-facing process: efd its channel to the engine, ctl_fd the
 * control socket, stub_fds the stub's UDP and TCP sockets (bound by the
 * parent), mob_fd the mobile-node role's channel from the parent (-1 when
 * the role is off). Returns the exit status. */
int child_net_main(const struct mifd_config *cfg, const struct proc_user *u, int efd,
		   int ctl_fd, const int stub_fds[2], int mob_fd);

#endif
