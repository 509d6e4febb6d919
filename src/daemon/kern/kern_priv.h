/* SPDX-License-Identifier: MIT */
#ifndef MIF_DAEMON_KERN_PRIV_H
#define MIF_DAEMON_KERN_PRIV_H

#include <libmnl/libmnl.h>

#include "daemon/core/chan.h"
#include "daemon/kern/kern.h"
#include "daemon/core/msg.h"

#define KERN_MAX_DSOCKS 128
#define KERN_MAX_ARPS 16

struct kern_dsock;
struct kern_arp;

enum kern_dump { KERN_DUMP_LINKS, KERN_DUMP_ADDRS, KERN_DUMP_ROUTES, KERN_DUMP_RULES,
		 KERN_DUMP_DONE };

struct kern {
	struct event_base *base;
	struct kern_config cfg;
	struct chan *ch;
	struct mnl_socket *nl_ev;    /* multicast groups: links, addresses, routes */
	struct mnl_socket *nl_req;   /* dumps */
	struct mnl_socket *nl_cmd;   /* changes, each answered with an ACK */
	struct event *nl_ev_ev, *nl_req_ev, *nl_cmd_ev;
	struct {                     /* recent requests, to explain a failure */
		uint32_t seq;
		uint32_t type;
		uint32_t token;      /* MSG_RT_LOOKUP: the engine's token */
		uint8_t family;
		struct nl_addr addr;
	} pending[64];
	int sysctl_done[256];        /* ifindexes whose sysctls are set */
	size_t n_sysctl_done;
	uint32_t seq;
	uint32_t dump_seq;
	enum kern_dump dump;         /* dump in progress */
	int icmp_fd;
	struct event *icmp_ev;
	uint8_t *rxbuf;              /* 64 KiB + headroom */
	struct kern_dsock *dsocks[KERN_MAX_DSOCKS];
	struct kern_arp *arps[KERN_MAX_ARPS];
};

#define KERN_RXBUF (MNL_SOCKET_BUFFER_SIZE > 65536 ? MNL_SOCKET_BUFFER_SIZE : 65536 + 4096)

/* kern_nl.c */
int kern_nl_open(struct kern *k);
void kern_nl_close(struct kern *k);
void kern_nl_on_engine(struct kern *k, const struct ipc_msg *m);
void kern_sysctl_link(struct kern *k, const struct nl_link *l);

/* kern_dhcp.c */
void kern_dhcp_on_engine(struct kern *k, const struct ipc_msg *m);
void kern_dhcp_close_all(struct kern *k);

/* kern_icmp6.c */
int kern_icmp6_open(struct kern *k);
void kern_icmp6_close(struct kern *k);

#endif
