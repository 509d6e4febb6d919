/* SPDX-License-Identifier: MIT */
/*
 * Framing for messages between mifd's parts (the engine, which parses
 * network input and keeps PvD state, and the kernel side, which owns
 * sockets and changes the kernel). Modelled on OpenBSD imsg: a fixed
 * header, then a payload whose exact size the receiver checks per type,
 * treating the peer as hostile. Carried over SOCK_SEQPACKET so one
 * message is one datagram, which lets the two parts become two processes
 * without changing the protocol.
 */
#ifndef MIF_COMMON_IPC_H
#define MIF_COMMON_IPC_H

#include <stddef.h>
#include <stdint.h>

#define IPC_MAX_PAYLOAD 65536

struct ipc_hdr {
	uint32_t type;
	uint32_t len;            /* payload length, header excluded */
};

struct ipc_msg {
	struct ipc_hdr hdr;
	uint8_t data[IPC_MAX_PAYLOAD];
	int fd;                  /* a descriptor that came with it, or -1 */
};

/* Create a connected SOCK_SEQPACKET pair, close-on-exec and non-blocking. */
int ipc_pair(int fds[2]);

/* Send one message. Returns 0 or a negative errno (-EMSGSIZE if too big). */
int ipc_send(int fd, uint32_t type, const void *data, size_t len);
/* The same with one descriptor in SCM_RIGHTS (pass < 0: none). */
int ipc_send_fd(int fd, uint32_t type, const void *data, size_t len, int pass);

/*
 * Receive one message into m. Returns 1 on a message, 0 on EOF, -EAGAIN if
 * none is waiting, -EBADMSG if the datagram is shorter than the header, its
 * header length disagrees with the datagram size, or it was truncated. A
 * descriptor that came with it is in m->fd (close-on-exec; the caller
 * closes it), else m->fd is -1.
 */
int ipc_recv(int fd, struct ipc_msg *m);

/* Exact size check: 0 if m's payload is exactly len bytes, else -EBADMSG. */
int ipc_expect(const struct ipc_msg *m, size_t len);

#endif
