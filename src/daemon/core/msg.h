/* SPDX-License-Identifier: MIT */
/*
 * Messages between mifd's engine (parses RAs, keeps PvD state, serves the
 * control socket) and its kernel side (owns the raw ICMPv6 and rtnetlink
 * sockets, changes addresses). They travel over a SOCK_SEQPACKET pair with
 * common/ipc.h framing; every payload has a fixed size that the receiver
 * checks exactly, except MSG_RA whose size is bounded (struct + 1..65535).
 */
#ifndef MIF_DAEMON_MSG_H
#define MIF_DAEMON_MSG_H

#include <netinet/in.h>
#include <stdint.h>

#include "daemon/connectivity/conn.h"
#include "daemon/pvd/pvd.h"
#include "proto/nl.h"
#include "proto/pvdinfo.h"

enum msg_type {
	/* kernel side -> engine */
	MSG_LINK = 1,            /* struct msg_link: new or changed link */
	MSG_LINK_GONE,           /* struct msg_link: link deleted */
	MSG_ADDR,                /* struct nl_addr: new or changed address */
	MSG_ADDR_GONE,           /* struct nl_addr */
	MSG_ROUTE,               /* struct nl_route */
	MSG_ROUTE_GONE,          /* struct nl_route */
	MSG_RA,                  /* struct msg_ra + ICMPv6 bytes */
	MSG_SYNC_DONE,           /* empty: the initial dump is complete */
	MSG_KERNEL_ERROR,        /* struct msg_kernel_error: a request failed */
	MSG_DHCP_RX,             /* struct msg_dhcp + UDP payload from a server */
	MSG_ARP_RESULT,          /* struct msg_arp: outcome of MSG_ARP_PROBE */
	MSG_RULE,                /* struct nl_rule: new rule (dump or event) */
	MSG_RULE_GONE,           /* struct nl_rule */
	MSG_RT_LOOKUP_RESULT,    /* struct msg_rt_lookup_result */
	MSG_RT_ACK,              /* struct msg_rt_ack: outcome of one MSG_RT_{ROUTE,RULE,LABEL}_* */
	MSG_CHAN_STATS,          /* struct chan_stats: the kernel side's channel, for status */
	MSG_LABEL = 40,          /* struct nl_addrlabel: one row of the kernel's label dump */
	/* engine -> kernel side */
	MSG_ADDR_CONFIGURE = 100,/* struct nl_addr: add or refresh lifetimes */
	MSG_ADDR_REMOVE,         /* struct nl_addr */
	MSG_DHCP_OPEN,           /* struct msg_dhcp (no payload): open the socket */
	MSG_DHCP_CLOSE,          /* struct msg_dhcp (no payload) */
	MSG_DHCP_SEND,           /* struct msg_dhcp + UDP payload to send */
	MSG_ARP_PROBE,           /* struct msg_arp: is this IPv4 address in use? */
	MSG_RT_ROUTE_ADD,        /* struct nl_route (create or replace) */
	MSG_RT_ROUTE_DEL,        /* struct nl_route */
	MSG_RT_RULE_ADD,         /* struct nl_rule */
	MSG_RT_RULE_DEL,         /* struct nl_rule */
	MSG_RT_LOOKUP,           /* struct msg_rt_lookup: ask the kernel's FIB */
	MSG_RS_SEND,             /* struct msg_rs: send a Router Solicitation */
	MSG_BIND_BEGIN,          /* struct msg_bind_begin: the bind table follows */
	MSG_BIND_ENTRY,          /* struct bind_info: one PvD of it */
	MSG_BIND_END,            /* empty: the table is whole */
	MSG_RESOLV_SEARCH,       /* struct msg_resolv: the search line changed */
	MSG_LOG_LEVEL,           /* uint32_t enum log_level: set by a client */
	MSG_RA_SEND,             /* struct msg_ra_send: an RA of ours on a downstream link */
	MSG_LEASE_SAVE = 140,    /* struct msg_lease + payload: keep it (len 0: forget) */
	MSG_MOB_PATHS,           /* struct msg_mob_paths (mobility/mob_msg.h): care-of paths */
	MSG_POLICY_RELOAD = 148, /* uint32_t: read the policy files again (policy/) */
	MSG_STEER_ADD = 130,     /* struct msg_steer_batch: answer addresses into PvD sets */
	MSG_STEER_CGROUPS,       /* struct msg_steer_cgroups: the whole cgroup list */
	MSG_STEER_SELS,          /* struct msg_steer_sels: the policy's uid/port/dscp rules */
	MSG_RT_LABEL_ADD = 144,  /* struct nl_addrlabel (create or replace) */
	MSG_RT_LABEL_DEL,        /* struct nl_addrlabel */

	/* privileged parent -> engine */
	MSG_PVD_FILE = 150,      /* struct msg_pvd_file + chan_part + file text */
	MSG_PVD_FILES_END,       /* struct msg_pvd_files_end: that was every file */
	MSG_PROC_INFO,           /* struct msg_proc_info: the parent, for status */
	MSG_LEASE = 170,         /* struct msg_lease + payload: a record read at start */
	MSG_SECRET,              /* struct msg_secret: the RFC 7217 secret */
	MSG_BIND_STATS = 180,    /* struct msg_bind_stats: sockets bound, for status */
	MSG_POLICY_FILE = 165,   /* struct msg_pvd_file + chan_part + a policy file's text */
	MSG_POLICY_FILES_END,    /* struct msg_policy_files_end: that was every policy file */
	MSG_STEER_STATS = 190,   /* struct msg_steer_stats: kern_nft's state and counters */

	/* engine -> network-facing process (control/netview.c) */
	MSG_VIEW_BEGIN = 200,    /* struct msg_view_begin: a new view follows */
	MSG_VIEW_PVD,            /* struct msg_view_pvd */
	MSG_VIEW_ITEM,           /* struct msg_view_item: of the last MSG_VIEW_PVD */
	MSG_VIEW_PLAN,           /* struct dns_plan_pvd */
	MSG_VIEW_END,            /* struct msg_view_end: the view is whole */
	MSG_CTL_RESULT,          /* struct msg_ctl_result + chan_part + text */
	MSG_CTL_EVENT,           /* struct msg_ctl_event + chan_part + PvD JSON */
	MSG_PROBE_START,         /* struct msg_probe_start: check one PvD */
	MSG_PROBE_FLUSH,         /* struct msg_probe_flush: drop a PvD's cached answers */
	MSG_PVDINFO_FETCH,       /* struct msg_probe_start: fetch RFC 8801 information */
	MSG_QUALITY_START,       /* struct msg_quality_start: a round of path samples */
	MSG_STEER_DONE = 230,    /* struct msg_steer_done: a MSG_STEER_NOTE is in the kernel */

	/* network-facing process -> engine */
	MSG_CTL_CALL = 300,      /* struct msg_ctl_call + chan_part + params JSON */
	MSG_PROBE_RESULT,        /* struct msg_probe_result: of one MSG_PROBE_START */
	MSG_PROBE_HINT,          /* struct msg_probe_hint: traffic of a PvD stalls */
	MSG_PVDINFO_RESULT,      /* struct msg_pvdinfo_result: of one MSG_PVDINFO_FETCH */
	MSG_QUALITY_RESULT,      /* struct msg_quality_result: of one MSG_QUALITY_START */
	MSG_QUALITY_PASSIVE,     /* struct msg_quality_passive: a PvD's TCP traffic, 1 s */
	MSG_STEER_NOTE = 330,    /* struct msg_steer_batch: addresses PvDs' servers returned */
};

/* What route would the kernel use (RTM_GETROUTE)? */
struct msg_rt_lookup {
	uint32_t token;          /* echoed in the result */
	uint8_t family;
	uint8_t has_src;
	uint8_t pad[2];
	uint32_t mark;
	uint8_t dst[16], src[16];
};

struct msg_rt_lookup_result {
	uint32_t token;
	int32_t error;           /* negative errno, or 0 with route filled */
	struct nl_route route;
};

/* DHCP traffic of one interface. family AF_INET: client port 68, peer port
 * 67; AF_INET6: client port 546, peer port 547 (RFC 8415 7.2). */
struct msg_dhcp {
	int32_t ifindex;
	uint8_t family;
	uint8_t pad[3];
	struct in6_addr peer;    /* source (RX) or destination (SEND); IPv4 mapped */
	/* followed by the UDP payload (RX, SEND) */
};

#define MSG_DHCP_MAX_PAYLOAD 4096

/* RFC 5227 address conflict detection before using a DHCPv4 lease. */
struct msg_arp {
	int32_t ifindex;
	struct in_addr addr;
	uint8_t conflict;        /* result: someone answered for addr */
	uint8_t hw[6];           /* result: who */
	uint8_t pad;
};

struct msg_link {
	struct nl_link link;
	uint8_t managed;         /* mifd manages this interface */
	uint8_t pad[7];
};

/* RFC 4861 section 6.3.7: a Router Solicitation to all-routers (ff02::2)
 * on one interface, with the link-layer address as its SLLA option when
 * hwlen is not 0. The engine decides when; the kernel side only sends. */
struct msg_rs {
	int32_t ifindex;
	uint8_t hwlen;           /* 0..16 */
	uint8_t hw[16];
	uint8_t pad[3];
};

struct msg_ra {
	int32_t ifindex;
	struct in6_addr src;     /* IPv6 source address of the RA */
	uint8_t hop_limit;       /* IPv6 hop limit as received; -1 if unknown */
	uint8_t pad[3];
	uint64_t rx_ns;          /* CLOCK_MONOTONIC at reception */
	/* followed by the ICMPv6 message */
};

/*
 * The kernel's answer (NLM_F_ACK) to one route or rule request, success
 * included: the engine counts an entry as installed only once the kernel
 * has said so, and puts back what was refused (with back-off).
 */
struct msg_rt_ack {
	uint32_t request;        /* MSG_RT_ROUTE_ADD, _DEL, MSG_RT_RULE_ADD, _DEL */
	int32_t error;           /* 0, or negative errno */
	union {
		struct nl_route route;   /* MSG_RT_ROUTE_* */
		struct nl_rule rule;     /* MSG_RT_RULE_* */
		struct nl_addrlabel label;   /* MSG_RT_LABEL_* */
	} u;                     /* the request, as sent */
};

/* A Router Advertisement the engine built (DHCPv6 prefix delegation
 * downstream): sent to ff02::1 on ifindex with hop limit 255 from the
 * interface's link-local address (RFC 4861 6.2.6). */
struct msg_ra_send {
	int32_t ifindex;
	uint32_t len;            /* octets of data used, 16..sizeof(data) */
	uint8_t data[512];       /* the ICMPv6 message, type 134 */
};

struct msg_kernel_error {
	uint32_t request;        /* MSG_ADDR_CONFIGURE... */
	int32_t error;           /* negative errno */
	struct nl_addr addr;
};

/* The bind table (bind/bind_table.h): what the bind socket, in the
 * privileged parent, needs to bind an application's socket to a PvD. */
struct msg_bind_begin {
	uint32_t routing;        /* 1 if routing is on and ready */
	uint32_t n;              /* entries that follow */
	char error[200];         /* why routing is off, "" if none */
};

struct msg_resolv {
	char search[1024];       /* "search a b\n" or "" */
};

/* What the bind socket (bind/bindsock.c) did since mifd started, and per
 * PvD (by handle) the sockets it bound: the MSG_BIND_STATS_PVDS PvDs most
 * recently bound to, most recent first. */
#define MSG_BIND_STATS_PVDS 64
struct msg_bind_stats {
	uint64_t requests, bound, refused;
	uint32_t n;
	uint32_t pad_;
	struct {
		uint64_t handle, bound;
	} pvd[MSG_BIND_STATS_PVDS];
};

struct msg_proc_info {
	int32_t pid;
	uint32_t uid;
	char caps[256];          /* effective capabilities: "net_admin net_raw" */
};

/* A record of the lease store (dhcp/lease_store.h): the engine decides
 * what its payload says, the parent keeps it on disk. */
#define MSG_LEASE_MAX 2048       /* = LEASE_PAYLOAD_MAX */
struct msg_lease {
	char key[64];            /* NUL-terminated, lease_key_ok() */
	uint32_t len;            /* payload bytes that follow */
};

/* The secret key of RFC 7217 section 5, made once and kept 0600 in the
 * state directory by the parent. */
struct msg_secret {
	uint8_t key[32];
};

struct msg_pvd_file {
	char name[256];          /* the file's name in the PvD directory */
	int32_t error;           /* 0, or why it could not be read: -errno,
				  * -EINVAL for what is not a regular file;
				  * then no text follows */
};

struct msg_pvd_files_end {
	uint32_t n;              /* files sent */
	int32_t error;           /* 0, or -errno when the directory was unreadable */
	char dir[256];
};

/* The policy files were all sent (policy/policy_files.c). */
struct msg_policy_files_end {
	struct msg_pvd_files_end files;
	uint8_t prec[4];         /* enum policy_actor, lowest precedence first; [3] 0 */
	uint32_t seq;            /* of the MSG_POLICY_RELOAD answered, 0 at start or SIGHUP */
};

/*
 * The network-facing process's read-only view of the engine: what the
 * stub resolver decides with (dns_select.h) and sends with (dns_plan.h).
 * Sent in full after every change (MSG_VIEW_BEGIN, then for each PvD in
 * store order MSG_VIEW_PVD and its items, then MSG_VIEW_PLAN for each PvD
 * with servers, then MSG_VIEW_END), and whenever the process starts.
 */
#define MSG_VIEW_MAX_PLANS 256      /* PvDs with DNS servers in one view */

struct msg_view_begin {
	uint64_t gen;
	uint64_t rank[2];        /* the routing default PvDs: IPv6's, IPv4's */
};

struct msg_view_pvd {
	uint64_t handle;
	uint32_t origin;         /* enum pvd_source */
	uint32_t explicit_;      /* 1: named by a PvD option (ids compare as names) */
	char id[PVD_ID_MAX];
};

enum msg_view_kind { MSG_VIEW_PREFIX, MSG_VIEW_ROUTE, MSG_VIEW_DNS, MSG_VIEW_DOMAIN };

struct msg_view_item {
	uint32_t kind;           /* enum msg_view_kind */
	int32_t ifindex;
	struct in6_addr addr;    /* prefix, route prefix or server; MSG_VIEW_DOMAIN
				  * with sel: a server named for it (RFC 6731) */
	uint8_t plen;
	uint8_t sel;             /* MSG_VIEW_DOMAIN: 1 when RFC 6731 named it */
	int8_t pref;             /* with sel: 1 high, 0 medium, -1 low */
	uint8_t pad[5];
	char name[DNAME_MAX_TEXT + 1];   /* MSG_VIEW_DOMAIN */
};

struct msg_view_end {
	uint64_t gen;
	char search[1024];       /* as struct msg_resolv */
};

/* A control-socket request the engine answers (control.c forwards it). */
struct msg_ctl_call {
	uint32_t token;          /* the caller's, echoed in MSG_CTL_RESULT */
	uint32_t method;         /* enum ctl_method */
	uint32_t uid;            /* the client's (SO_PEERCRED), for the log */
	uint32_t pad;
};

struct msg_ctl_result {
	uint32_t token;
	int32_t error;           /* 0: text is the JSON result; <0: text is the message */
};

struct msg_ctl_event {
	uint32_t event;          /* enum engine_event */
	uint32_t pad;
};

/*
 * A connectivity check of one PvD (connectivity/conn.h), run by the
 * network-facing process through the PvD: bound to ifindex and to the
 * PvD's source address of each family, DNS asked of the PvD's servers.
 */
struct msg_probe_start {
	uint32_t token;          /* echoed in MSG_PROBE_RESULT */
	int32_t ifindex;
	uint64_t handle;
	struct in6_addr src6;    /* :: when the PvD has no usable IPv6 address */
	struct in6_addr src4;    /* v4-mapped; :: when none */
	struct in6_addr dns[CONN_MAX_DNS];   /* IPv4 as v4-mapped */
	int32_t dns_ifindex[CONN_MAX_DNS];
	uint32_t n_dns;
	uint32_t timeout_ms;     /* of each lookup and request */
	char api_url[CONN_LOCATION_MAX];     /* RFC 8910 URI, "" for none */
};

struct msg_probe_result {
	uint32_t token;
	uint32_t pad;
	uint64_t handle;
	struct conn_result r;
};

struct msg_probe_flush {
	uint64_t handle;
};

/* RFC 8801 section 4: the additional information of one PvD, fetched
 * and parsed by the network-facing process (the server's JSON is hostile
 * input); the engine checks it against the PvD (section 4.4). */
struct msg_pvdinfo_result {
	uint32_t token;
	int32_t err;             /* 0, or what failed (-EPROTO TLS, -EBADMSG JSON...) */
	uint64_t handle;
	uint32_t detail;         /* HTTP status, or enum pvdinfo_error when err is -EBADMSG */
	uint32_t pad;
	struct pvdinfo info;
};

/* Passive signals from traffic already flowing (issue 13, item 3). */
enum msg_probe_hint_reason { MSG_HINT_TCP_STALL = 1, MSG_HINT_DNS_TIMEOUTS };

struct msg_probe_hint {
	uint64_t handle;
	uint32_t reason;         /* enum msg_probe_hint_reason */
	uint32_t sockets;        /* how many of the PvD's sockets stall */
};

/* Path quality (issue 13 item 4): a round of samples, each a query to the
 * PvD's first DNS server through the PvD (what a check goes through, in
 * `in`; in.token is echoed, in.timeout_ms is each sample's), gap_ms apart. */
#define MSG_QUALITY_MAX_SAMPLES CONN_QUALITY_MAX_SAMPLES
struct msg_quality_start {
	struct msg_probe_start in;
	uint32_t samples;        /* 1 to MSG_QUALITY_MAX_SAMPLES */
	uint32_t gap_ms;
};

struct msg_quality_result {
	uint32_t token;
	int32_t err;             /* the round could not run (no server...), or 0 */
	uint64_t handle;
	uint32_t n;              /* samples taken */
	uint32_t lost_bits;      /* bit i: sample i got no answer in time */
	uint32_t rtt_us[MSG_QUALITY_MAX_SAMPLES];   /* of the answered ones */
};

/* What a PvD's TCP connections saw over about a second (sock_diag). */
struct msg_quality_passive {
	uint64_t handle;
	uint32_t sockets;        /* established connections from its addresses */
	uint32_t rtt_us;         /* their mean smoothed RTT */
	uint32_t segs;           /* segments they sent in that time */
	uint32_t retrans;        /* of which retransmitted */
	uint32_t backoff;        /* connections in retransmission back-off */
	uint32_t pad;
};

/*
 * Steering (doc/steering.md). Addresses that a PvD's DNS server returned
 * (A/AAAA of an answer the stub forwarded from that PvD): the stub sends
 * them to the engine (MSG_STEER_NOTE), which sends those to steer to the
 * parent (MSG_STEER_ADD; handle 0: returned by two PvDs, never steered).
 * n entries are used; the message always has the full size.
 */
#define MSG_STEER_BATCH 64
struct msg_steer_addr {
	uint64_t handle;         /* PvD; 0 in MSG_STEER_ADD: the "two PvDs" set */
	uint32_t ttl;            /* seconds the parent keeps it (the answer's TTL) */
	uint8_t family;          /* AF_INET or AF_INET6 */
	uint8_t pad[3];
	uint8_t addr[16];        /* 4 or 16 octets used */
};

struct msg_steer_batch {
	uint32_t n;              /* entries used, 0..MSG_STEER_BATCH */
	uint32_t seq;            /* the stub's batch number, echoed in MSG_STEER_DONE */
	uint64_t skipped;        /* MSG_STEER_NOTE: addresses the stub could not send, so far */
	struct msg_steer_addr e[MSG_STEER_BATCH];
};

/* The cgroup steering list (engine_steer_set_cgroups): the parent resolves
 * each path under /sys/fs/cgroup to its inode and installs one rule each. */
#define MSG_STEER_CGROUPS_MAX 32
#define MSG_STEER_PATH_MAX 240
struct msg_steer_cgroups {
	uint32_t token;          /* echoed in MSG_STEER_STATS */
	uint32_t n;
	struct {
		uint64_t handle;     /* the PvD */
		char path[MSG_STEER_PATH_MAX];   /* relative to /sys/fs/cgroup, NUL-terminated */
	} e[MSG_STEER_CGROUPS_MAX];
};

/* The policy's rules whose selector is only uid, protocol, destination
 * port and DSCP (policy_rule_kernel: POLICY_K_SEL), each with the PvD its
 * decision puts first; the parent makes one nftables rule (per protocol
 * and family where needed) setting that PvD's mark. In the order given:
 * more specific first. */
#define MSG_STEER_SELS_MAX 64
struct msg_steer_sel {
	uint64_t handle;         /* the PvD */
	uint32_t uid;
	uint8_t has_uid;
	uint8_t proto;           /* 0 any, IPPROTO_TCP, IPPROTO_UDP */
	int16_t dscp;            /* -1 any, 0..63 */
	uint16_t port_lo, port_hi;   /* 0 0: any */
	uint32_t pad;
};
struct msg_steer_sels {
	uint32_t n;
	uint32_t pad;
	struct msg_steer_sel e[MSG_STEER_SELS_MAX];
};

/* The engine to the stub: batch seq's addresses are in their sets (or
 * will not be: nothing to add, or refused); its held answers can go. */
struct msg_steer_done {
	uint32_t seq;
	int32_t error;
};

struct msg_steer_stats {
	uint32_t token;          /* of the MSG_STEER_CGROUPS this answers, or 0 */
	uint32_t ready;          /* the table is installed */
	int32_t error;           /* of the last change, 0 or negative errno */
	uint32_t sets;           /* PvDs with answer sets */
	uint32_t seq;            /* of the MSG_STEER_ADD this follows, or 0 */
	uint32_t snat;           /* PvD sources steered flows are SNATed to, in force */
	uint64_t batches, batch_failed, added, add_failed, no_set, syncs, sync_failed;
	int32_t cg_error[MSG_STEER_CGROUPS_MAX];   /* per entry of the last list */
	uint64_t cg_id[MSG_STEER_CGROUPS_MAX];     /* its inode, 0 if not resolved */
	uint32_t sel_rules;      /* nftables rules of MSG_STEER_SELS in force */
	uint32_t sel_entries;    /* entries of the last MSG_STEER_SELS with a PvD mark */
	char last_error[160];
};

#endif
