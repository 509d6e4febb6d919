/* SPDX-License-Identifier: MIT */
/*
 * mifd's processes (doc/architecture.md, "The processes"), in the manner of
 * OpenBSD's slaacd and unwind: the privileged parent forks the engine and
 * the network-facing process; each child keeps only its own descriptors,
 * becomes an unprivileged user with no capability at all, and installs a
 * seccomp filter that allows only the system calls its role makes.
 */
#ifndef MIF_DAEMON_PROC_H
#define MIF_DAEMON_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum proc_role { PROC_PARENT, PROC_ENGINE, PROC_NET };

const char *proc_role_name(enum proc_role r);

struct proc_user {
	uid_t uid;
	gid_t gid;
	char name[32];
};

/* The user the children run as: "mif" when it exists, else "nobody".
 * 0, or -ENOENT when neither exists. */
int proc_user_lookup(struct proc_user *u);

/* In a new child: move fds[0..n) to 3, 4, ... (in that order; the array
 * is updated) and close every other descriptor above 2. 0 or -errno. */
int proc_keep_fds(int *fds, size_t n);

/* Become u with no capability in any set (bounding included), no
 * supplementary groups, no_new_privs, and not dumpable (no ptrace, no core
 * with secrets). Does nothing but no_new_privs when not root. 0 or -errno. */
int proc_drop(const struct proc_user *u);

/* Allow only role's system calls from now on (the others fail with
 * EPERM). 0 or -errno. */
int proc_seccomp(enum proc_role role);

/* The privileged parent's filter: a deny-list (proc.c says why), applied
 * to it and to every thread and child it starts afterwards. 0 or -errno. */
int proc_seccomp_parent(void);

/* Send / receive one descriptor on a SOCK_SEQPACKET socket (a new
 * network-facing channel for the engine). 0 / the descriptor, or -errno. */
int proc_send_fd(int sock, int fd);
int proc_recv_fd(int sock);

#endif
