/* SPDX-License-Identifier: MIT */
#ifndef MIF_DAEMON_KERN_PRIV_H
#define MIF_DAEMON_KERN_PRIV_H

#include <libmnl/libmnl.h>
#include <net/if.h>
#include <stdbool.h>

#include "daemon/core/chan.h"
#include "daemon/kern/kern.h"
#include "daemon/core/msg.h"

#define KERN_MAX_DSOCKS 128
#define KERN_MAX_ARPS 16
/*
 * How long a route lookup (RTM_GETROUTE) waits for the kernel. The kernel
 * answers before sendto() returns, so an answer not read within 2 s was
 * lost (the socket overflowed); the engine then hears -ETIMEDOUT instead
 * of nothing. Shorter than the engine's own ROUTE_LOOKUP_DEADLINE_MS so
 * the engine hears why.
 */
#define KERN_LOOKUP_DEADLINE_MS 2000
/* Route and rule requests in flight: a start-up with 256 PvDs sends about
 * 2,500 in one go, and the kernel ACKs each before sendto() returns; a
 * slot still taken is drained first (kern_nl_rt_slot). */
#define KERN_RT_PENDING 1024
/* Links and knobs per link whose former sysctl values are kept. */
#define KERN_SYSCTL_LINKS 256
#define KERN_SYSCTL_KNOBS 12

struct kern_dsock;
struct kern_arp;

enum kern_dump { KERN_DUMP_LINKS, KERN_DUMP_ADDRS, KERN_DUMP_ROUTES, KERN_DUMP_RULES,
		 KERN_DUMP_LABELS,
		 KERN_DUMP_DONE };

struct kern {
	struct event_base *base;
	struct kern_config cfg;
	struct chan *ch;
	kern_other_fn other;         /* the parent's messages that are not ours */
	void *other_ctx;
	struct mnl_socket *nl_ev;    /* multicast groups: links, addresses, routes */
	struct mnl_socket *nl_req;   /* dumps */
	struct mnl_socket *nl_cmd;   /* changes, each answered with an ACK */
	struct event *nl_ev_ev, *nl_req_ev, *nl_cmd_ev;
	struct {                     /* recent requests, to explain a failure */
		uint32_t seq;
		uint32_t type;
		uint32_t token;      /* MSG_RT_LOOKUP: the engine's token, 0 once answered */
		uint8_t family;
		struct nl_addr addr;
		uint64_t deadline_ns; /* MSG_RT_LOOKUP: answered -ETIMEDOUT then */
	} pending[64];
	struct event *lookup_ev;     /* sweeps lookups past their deadline */
	uint64_t lookups_lapsed, lookups_late;
	/* Route and rule requests awaiting their ACK, by seq % KERN_RT_PENDING:
	 * each one's outcome goes back to the engine (MSG_RT_ACK). */
	struct kern_rt_req {
		uint32_t seq;
		uint32_t type;       /* MSG_RT_ROUTE_ADD...; 0: free */
		union {
			struct nl_route route;
			struct nl_rule rule;
			struct nl_addrlabel label;
		} u;
	} rt_pending[KERN_RT_PENDING];
	int sysctl_done[256];        /* ifindexes whose sysctls are set */
	size_t n_sysctl_done;
	/* What the sysctls of each link were before mifd (kern_sysctl.c). */
	struct kern_sysctl_link {
		char ifname[IFNAMSIZ];
		size_t n;
		bool dirty;          /* changed since last kept in the state directory */
		struct kern_sysctl_val {
			char family[5];      /* ipv4, ipv6 */
			char knob[32];
			char old[48];        /* found, put back at a clean stop */
			char set[48];        /* mifd's */
		} v[KERN_SYSCTL_KNOBS];
	} sysctl_saved[KERN_SYSCTL_LINKS];
	size_t n_sysctl_saved;
	char sysctl_dir[4096];       /* <state_dir>/sysctl, made when first needed */
	uint32_t seq;
	uint32_t dump_seq;
	enum kern_dump dump;         /* dump in progress */
	int icmp_fd;
	struct event *icmp_ev;
	uint8_t *rxbuf;              /* 64 KiB + headroom */
	struct kern_dsock *dsocks[KERN_MAX_DSOCKS];
	struct kern_arp *arps[KERN_MAX_ARPS];
	uint64_t dropped_seen;       /* the channel's drops already resynchronised */
};

#define KERN_RXBUF (MNL_SOCKET_BUFFER_SIZE > 65536 ? MNL_SOCKET_BUFFER_SIZE : 65536 + 4096)

/* kern_nl.c */
int kern_nl_open(struct kern *k);
void kern_nl_close(struct kern *k);
void kern_nl_on_engine(struct kern *k, const struct ipc_msg *m);
void kern_sysctl_link(struct kern *k, const struct nl_link *l);
/* A kept record's text ("FAMILY KNOB OLD SET" lines) into s; returns the
 * values taken (malformed lines are skipped). Pure, for the unit test. */
int kern_sysctl_parse(struct kern_sysctl_link *s, const char *text, size_t len);
/* Whether two texts of a knob are one value (an IPv6 address in two forms
 * is). Pure, for the unit test. */
bool kern_sysctl_same(const char *a, const char *b);
void kern_nl_resync(struct kern *k);
void kern_nl_pause(struct kern *k, bool pause);

/* kern_dhcp.c */
void kern_dhcp_on_engine(struct kern *k, const struct ipc_msg *m);
void kern_dhcp_close_all(struct kern *k);

/* kern_icmp6.c */
int kern_icmp6_open(struct kern *k);
void kern_icmp6_send_rs(struct kern *k, const struct ipc_msg *m);
void kern_icmp6_send_ra(struct kern *k, const struct ipc_msg *m);
void kern_icmp6_close(struct kern *k);
void kern_icmp6_pause(struct kern *k, bool pause);

#endif
