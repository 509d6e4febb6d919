/* SPDX-License-Identifier: MIT */
/*
 * The privileged parent (doc/architecture.md, "The processes"). It binds
 * what needs privilege (the control socket's path, the stub's port 53),
 * forks the engine and the network-facing process, and then runs the
 * kernel side (netlink, raw ICMPv6, DHCP and ARP sockets), the bind
 * socket, resolv.conf and the reading of static PvD files, keeping only
 * CAP_NET_ADMIN and CAP_NET_RAW. A network-facing process that dies is
 * started again with the same listening sockets and a new channel to the
 * engine, which sends it its whole view: no PvD, route or rule is lost.
 * If the engine dies, mifd stops (its service manager restarts it).
 */
#include "daemon/core/parent.h"

#include <errno.h>
#include <event2/event.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/ipc.h"
#include "common/log.h"
#include "common/unixsock.h"
#include "daemon/bind/bindsock.h"
#include "daemon/bind/bs_closer.h"
#include "daemon/control/control.h"
#include "daemon/core/caps.h"
#include "daemon/core/child.h"
#include "daemon/core/msg.h"
#include "daemon/dns/resolv_conf.h"
#include "daemon/kern/kern.h"
#include "daemon/kern/kern_nft.h"
#include "daemon/dhcp/lease_store.h"
#include "daemon/pvd/static_files.h"
#include "daemon/policy/policy_files.h"
#include "daemon/dhcp/lease_parent.h"
#include "daemon/mobility/kern_mob.h"

#define PARENT_RESPAWN_BURST 5       /* restarts in a row without a pause */
#define PARENT_STOP_GRACE_S 3        /* for the engine to release addresses */

struct parent {
	const struct mifd_config *cfg;
	struct proc_user user;
	struct event_base *base;
	struct kern *kern;
	struct kern_nft *nft;         /* NULL: no nftables, no steering */
	struct bindsock *bind;
	struct bind_table table;
	struct resolv_conf rc;
	int ctl_fd, stub_fds[2];     /* kept to give a restarted net process */
	int pass_fd;                 /* sends the engine a new net channel */
	pid_t engine_pid, net_pid;
	struct event *sigs[4], *respawn, *grace;
	bool stopping, engine_failed;
	unsigned respawns_quick;
	uint64_t last_respawn_ns, net_restarts;
	uint8_t secret[32];          /* RFC 7217 (lease_parent.c) */
	struct kern_mob *mob;        /* the mobile-node role, NULL when off */
};

static void parent_other_msg(void *ctx, const struct ipc_msg *m)
{
	struct parent *p = ctx;

	if (m->hdr.type == MSG_RESOLV_SEARCH) {
		const struct msg_resolv *r = (const void *)m->data;

		if (ipc_expect(m, sizeof(*r)) == 0 && memchr(r->search, '\0', sizeof(r->search)))
			resolv_conf_update(&p->rc, r->search);
		return;
	}
	if (m->hdr.type == MSG_LEASE_SAVE) {
		lease_parent_msg(p->cfg->state_dir, m);
		return;
	}
	if (m->hdr.type == MSG_MOB_PATHS) {
		if (p->mob)
			kern_mob_paths(p->mob, m);
		return;
	}
	if (m->hdr.type == MSG_POLICY_RELOAD) {
		uint32_t seq;

		if (ipc_expect(m, sizeof(seq)) == 0) {
			memcpy(&seq, m->data, sizeof(seq));
			policy_files_send(kern_chan(p->kern), p->cfg->policy_dir,
					  p->cfg->policy_prec, seq);
		}
		return;
	}
	if (m->hdr.type == MSG_STEER_ADD || m->hdr.type == MSG_STEER_CGROUPS ||
	    m->hdr.type == MSG_STEER_SELS) {
		kern_nft_msg(p->nft, &p->table, m, kern_chan(p->kern));
		return;
	}
	if (bind_table_msg(&p->table, m) < 0)
		log_warn("bind: malformed bind table message %u from the engine", m->hdr.type);
	else if (m->hdr.type == MSG_BIND_END)
		kern_nft_sync(p->nft, &p->table, kern_chan(p->kern));   /* the marks changed */
}

/* mifd's nftables table (kern_nft.h): without it mifd runs, unsteered. */
static void parent_nft_start(struct parent *p)
{
	struct msg_steer_stats st = { 0 };
	int r = 0;

	if (!p->cfg->routing.enabled)
		return;
	p->nft = kern_nft_new(p->cfg->steer_answers, &r, st.last_error, sizeof(st.last_error));
	if (p->nft) {
		kern_nft_sync(p->nft, &p->table, kern_chan(p->kern));
		return;
	}
	log_warn("steering is off: %s", st.last_error);
	st.error = r;
	chan_send(kern_chan(p->kern), MSG_STEER_STATS, &st, sizeof(st));
}

/* fork() a child that keeps only fds (moved to 3, 4, ...). */
static pid_t parent_fork(struct parent *p, int *fds, size_t n, bool engine)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid < 0 ? -errno : pid;
	child_prepare();
	/* A network-facing process started again forks from here: it gets
	 * no copy of the kernel's stable_secret (kern_nl.c). */
	if (p->kern)
		kern_wipe_secret(p->kern);
	kern_mob_wipe(p->mob);
	if (proc_keep_fds(fds, n) < 0)
		_exit(1);
	if (engine)
		_exit(child_engine_main(p->cfg, &p->user, fds[0], fds[1], fds[2]));
	_exit(child_net_main(p->cfg, &p->user, fds[0], fds[1], fds + 2,
			     p->mob ? fds[n - 1] : -1));
}

static int parent_spawn_net(struct parent *p, int efd)
{
	int fds[5] = { efd, p->ctl_fd, p->stub_fds[0], p->stub_fds[1], -1 };
	size_t n = p->cfg->dns.enabled ? 4 : 2;
	pid_t pid;
	int r;

	/* The mobile node's data plane gets its TUN device and sockets on a
	 * channel of its own, made anew for each network-facing process. */
	if (p->mob && (r = kern_mob_attach(p->mob, &fds[n++])) < 0)
		return r;
	pid = parent_fork(p, fds, n, false);
	if (p->mob)
		close(fds[n - 1]);
	if (pid < 0)
		return (int)pid;
	p->net_pid = pid;
	log_info("network-facing process %d started (user %s)", (int)pid, p->user.name);
	return 0;
}

/* A new channel: one end to the engine (over pass_fd), one to the child. */
static void parent_respawn_cb(evutil_socket_t fd, short what, void *arg)
{
	struct parent *p = arg;
	struct timeval one = { 1, 0 };
	int ch[2];

	(void)fd;
	(void)what;
	if (p->stopping || p->net_pid)
		return;
	if (ipc_pair(ch) < 0) {
		log_err("cannot restart the network-facing process: no channel; trying again");
		evtimer_add(p->respawn, &one);
		return;
	}
	/* The child first: the engine gets its end only when there is one. */
	if (parent_spawn_net(p, ch[1]) < 0) {
		log_err("cannot restart the network-facing process: fork failed; trying again");
		evtimer_add(p->respawn, &one);
	} else if (proc_send_fd(p->pass_fd, ch[0]) < 0) {
		/* The engine is gone: its exit stops everything. */
		log_err("cannot give the engine the new network-facing channel");
	}
	close(ch[0]);
	close(ch[1]);
	p->net_restarts++;
}

static void parent_child_gone(struct parent *p, pid_t pid, int status)
{
	char how[64];

	if (WIFSIGNALED(status))
		snprintf(how, sizeof(how), "killed by signal %d", WTERMSIG(status));
	else
		snprintf(how, sizeof(how), "exit status %d", WEXITSTATUS(status));
	if (pid == p->engine_pid) {
		p->engine_pid = 0;
		if (!p->stopping) {
			log_err("the engine (%d) stopped: %s; stopping mifd", (int)pid, how);
			p->engine_failed = true;
		}
		/* Not loopexit here: the kernel side reads what the engine sent
		 * last (address removals) up to its channel's end, then stops. */
	} else if (pid == p->net_pid) {
		struct timeval now = { 0, 0 }, later = { 1, 0 };
		uint64_t t = log_now_ns();

		p->net_pid = 0;
		if (p->stopping)
			return;
		log_warn("network-facing process %d stopped (%s); starting it again", (int)pid, how);
		/* A process that dies at once must not make the parent spin. */
		p->respawns_quick = t - p->last_respawn_ns < 10000000000ull ?
				    p->respawns_quick + 1 : 0;
		p->last_respawn_ns = t;
		evtimer_add(p->respawn, p->respawns_quick < PARENT_RESPAWN_BURST ? &now : &later);
	}
}

static void parent_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct parent *p = arg;
	struct timeval grace = { PARENT_STOP_GRACE_S, 0 };
	pid_t pid;
	int st;

	(void)what;
	if (sig == SIGCHLD) {
		while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
			parent_child_gone(p, pid, st);
		return;
	}
	if (sig == SIGHUP) {
		/* Read the policy files again (doc/policy.md); nothing else. */
		log_info("SIGHUP: reading the policy files of %s again", p->cfg->policy_dir);
		policy_files_send(kern_chan(p->kern), p->cfg->policy_dir, p->cfg->policy_prec, 0);
		return;
	}
	if (p->stopping)
		return;
	log_info("signal %d: stopping", (int)sig);
	p->stopping = true;
	/* The children run as another user and we hold no CAP_KILL: closing
	 * the engine's descriptor socket is how we say stop. The engine
	 * releases its addresses through us, then closes its channel (kern
	 * stops the loop), and the network-facing process follows it; the
	 * grace timer is the backstop. */
	if (p->pass_fd >= 0)
		close(p->pass_fd);
	p->pass_fd = -1;
	if (!p->engine_pid)
		event_base_loopexit(p->base, NULL);
	evtimer_add(p->grace, &grace);
}

static void parent_grace_cb(evutil_socket_t fd, short what, void *arg)
{
	struct parent *p = arg;

	(void)fd;
	(void)what;
	log_warn("the engine did not stop within %d s", PARENT_STOP_GRACE_S);
	event_base_loopexit(p->base, NULL);
}

/* The bind socket's counters, for `mifctl status` and metrics. */
static void parent_bind_stats(void *ctx, const struct msg_bind_stats *st)
{
	struct parent *p = ctx;

	chan_send(kern_chan(p->kern), MSG_BIND_STATS, st, sizeof(*st));
}

/* Who the parent is and what it holds, for `mifctl status`. */
static void parent_tell_engine(struct parent *p)
{
	struct msg_proc_info pi = { .pid = (int32_t)getpid(), .uid = (uint32_t)getuid() };
	json_t *caps = caps_json(), *c;
	size_t i, off = 0;

	json_array_foreach(caps, i, c) {
		if (off >= sizeof(pi.caps))
			break;
		off += (size_t)snprintf(pi.caps + off, sizeof(pi.caps) - off, "%s%s", i ? " " : "",
					json_string_value(c));
	}
	json_decref(caps);
	chan_send(kern_chan(p->kern), MSG_PROC_INFO, &pi, sizeof(pi));
}

/* What needs privilege and must outlive a network-facing process. */
static int parent_prepare(struct parent *p)
{
	const struct mifd_config *cfg = p->cfg;
	char l[64];
	int r;

	/* Without its state directory mifd would make a new address secret
	 * at each start (addresses change), keep no lease and no record of
	 * the sysctls to put back after a crash: refuse rather than run so. */
	if ((r = lease_store_dir_ready(cfg->state_dir)) < 0)
		return log_err("state directory %s: %s", cfg->state_dir, strerror(-r)), r;
	p->ctl_fd = control_bind(cfg->socket);
	if (p->ctl_fd < 0)
		return log_err("cannot listen on %s: %s", cfg->socket, p->ctl_fd == -EADDRINUSE ?
			       "another mifd is running there" : unixsock_why(p->ctl_fd)), p->ctl_fd;
	if (cfg->dns.enabled && (r = stub_listen_fds(&cfg->dns, p->stub_fds)) < 0) {
		stub_format_listen(&cfg->dns.listen, l, sizeof(l));
		return log_err("cannot start the DNS stub on %s: %s", l, r == -EADDRINUSE ?
			       "the address is in use (set [dns] listen or --dns-listen)" :
			       strerror(-r)), r;
	}
	if (geteuid() == 0 && proc_user_lookup(&p->user) < 0)
		return log_err("no unprivileged user (\"mif\" or \"nobody\") to run as"), -ENOENT;
	if (geteuid() != 0) {
		p->user.uid = getuid();
		p->user.gid = getgid();
		snprintf(p->user.name, sizeof(p->user.name), "%u", (unsigned)getuid());
	}
	resolv_conf_init(&p->rc, &cfg->dns);
	if (cfg->mobility.enabled && (r = kern_mob_new(&cfg->mobility, &p->mob)) < 0)
		return r;
	return 0;
}

/* Fork the engine and the first network-facing process. */
static int parent_children(struct parent *p, int *kfd)
{
	int kch[2], nch[2], pass[2], fds[3];
	pid_t pid;

	if (ipc_pair(kch) < 0)
		return -errno;
	if (ipc_pair(nch) < 0) {
		close(kch[0]);
		close(kch[1]);
		return -errno;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pass) < 0) {
		for (int i = 0; i < 2; i++) {
			close(kch[i]);
			close(nch[i]);
		}
		return -errno;
	}
	fds[0] = kch[1];
	fds[1] = nch[0];
	fds[2] = pass[1];
	pid = parent_fork(p, fds, 3, true);
	close(kch[1]);
	close(nch[0]);
	close(pass[1]);
	*kfd = kch[0];
	p->pass_fd = pass[0];
	if (pid < 0) {
		close(nch[1]);
		return (int)pid;
	}
	p->engine_pid = pid;
	log_info("engine process %d started (user %s)", (int)pid, p->user.name);
	pid = parent_spawn_net(p, nch[1]);
	close(nch[1]);
	return (int)pid;
}

static int parent_start(struct parent *p)
{
	const struct mifd_config *cfg = p->cfg;
	struct kern_config kc = { .n_ifaces = cfg->n_ifaces, .routing = cfg->routing.enabled,
				  .privacy = (int)cfg->address_privacy };
	static const int sigs[] = { SIGINT, SIGTERM, SIGCHLD, SIGHUP };
	int kfd = -1, r;

	for (size_t i = 0; i < cfg->n_ifaces; i++)
		kc.ifaces[i] = cfg->ifaces[i];
	if ((r = parent_prepare(p)) < 0)
		return r;
	if ((r = parent_children(p, &kfd)) < 0)
		return log_err("cannot start mifd's processes: %s", strerror(-r)), r;
	/* After the fork: the network-facing process never holds the secret
	 * (the engine gets it as MSG_SECRET). */
	lease_parent_secret(cfg->state_dir, p->secret);
	lease_parent_kernel_secret(p->secret, kc.stable_secret);
	kc.state_dir = cfg->state_dir;
	if (!(p->base = event_base_new()))
		return -ENOMEM;
	p->kern = kern_new(p->base, kfd, &kc, &r);
	if (!p->kern)
		return log_err("cannot open the kernel sockets (needs CAP_NET_RAW and "
			       "CAP_NET_ADMIN): %s", strerror(-r)), r;
	kern_set_other_cb(p->kern, parent_other_msg, p);
	kern_mob_set_base(p->mob, p->base);
	parent_nft_start(p);
	static_files_send(kern_chan(p->kern), cfg->pvd_dir);
	policy_files_send(kern_chan(p->kern), cfg->policy_dir, cfg->policy_prec, 0);
	/* Before the kernel's dump reaches the engine: leases are there when
	 * the first DHCP client starts. */
	lease_parent_start(kern_chan(p->kern), cfg->state_dir, p->secret);
	explicit_bzero(p->secret, sizeof(p->secret));
	explicit_bzero(kc.stable_secret, sizeof(kc.stable_secret));
	p->bind = bindsock_new(p->base, cfg->socket, &p->table, &r);
	if (!p->bind)
		return log_err("cannot listen on the bind socket beside %s: %s", cfg->socket,
			       r == -EADDRINUSE ? "another mifd is running there" :
			       unixsock_why(r)), r;
	bindsock_set_stats_cb(p->bind, parent_bind_stats, p);
	if (bs_closer_budget() < BS_CLOSER_LANE_SLOTS + BS_CLOSER_USER_SLOTS_MAX)
		log_warn("bind socket: the descriptor limit leaves room for %u descriptors "
			 "waiting to be closed, not %u: users whose closes block may keep "
			 "others from binding (raise LimitNOFILE to %d)", bs_closer_budget(),
			 BS_CLOSER_LANE_SLOTS + BS_CLOSER_USER_SLOTS_MAX, BS_CLOSER_NOFILE);
	for (size_t i = 0; i < 4; i++) {
		p->sigs[i] = evsignal_new(p->base, sigs[i], parent_signal_cb, p);
		if (!p->sigs[i] || event_add(p->sigs[i], NULL) < 0)
			return -ENOMEM;
	}
	p->respawn = evtimer_new(p->base, parent_respawn_cb, p);
	p->grace = evtimer_new(p->base, parent_grace_cb, p);
	if (!p->respawn || !p->grace)
		return -ENOMEM;
	/* A child that died before SIGCHLD was watched. */
	event_active(p->sigs[2], EV_SIGNAL, 1);
	return 0;
}

/* Wait a second for the children, which stop once their channels close
 * (the engine when pass_fd closes, the network-facing process when the
 * engine's channel does); one that does not is left to exit on its own
 * (it can change nothing: it holds no privilege, and nobody listens). */
static void parent_reap(struct parent *p)
{
	pid_t *pids[2] = { &p->net_pid, &p->engine_pid };

	if (p->pass_fd >= 0)
		close(p->pass_fd);
	p->pass_fd = -1;
	for (int round = 0; round < 100 && (p->net_pid > 0 || p->engine_pid > 0); round++) {
		for (int i = 0; i < 2; i++)
			if (*pids[i] > 0 && waitpid(*pids[i], NULL, WNOHANG) == *pids[i])
				*pids[i] = 0;
		usleep(10000);
	}
	for (int i = 0; i < 2; i++)
		if (*pids[i] > 0)
			log_warn("process %d did not stop within a second", (int)*pids[i]);
}

int parent_run(const struct mifd_config *cfg)
{
	struct parent p = { .cfg = cfg, .ctl_fd = -1, .stub_fds = { -1, -1 }, .pass_fd = -1 };
	int r = parent_start(&p);

	if (r == 0 && (r = caps_drop()) < 0)
		log_err("cannot drop capabilities: %s", strerror(-r));
	if (r == 0 && (!getenv("MIFD_SECCOMP") || strcmp(getenv("MIFD_SECCOMP"), "off")) &&
	    (r = proc_seccomp_parent()) < 0)
		log_err("cannot install the parent's seccomp filter: %s", strerror(-r));
	if (r == 0)
		parent_tell_engine(&p);
	if (r == 0) {
		log_info("mifd %s started; control socket %s; managing %s", MIF_VERSION, cfg->socket,
			 cfg->n_ifaces ? "the listed interfaces" : "every non-loopback interface");
		event_base_dispatch(p.base);
	}
	p.stopping = true;
	parent_reap(&p);
	for (int i = 0; i < 4; i++)
		if (p.sigs[i])
			event_free(p.sigs[i]);
	if (p.respawn)
		event_free(p.respawn);
	if (p.grace)
		event_free(p.grace);
	bindsock_free(p.bind);
	kern_mob_free(p.mob);
	kern_nft_free(p.nft);        /* a clean stop leaves no table behind */
	/* The links' sysctls as mifd found them (a clean stop), then
	 * kern_free() last: the engine's last requests (address removals)
	 * were carried out in the loop above. */
	if (p.kern)
		kern_sysctl_restore(p.kern);
	kern_free(p.kern);
	if (p.base)
		event_base_free(p.base);
	bind_table_free(&p.table);
	if (p.ctl_fd >= 0) {
		close(p.ctl_fd);
		unlink(cfg->socket);
	}
	for (int i = 0; i < 2; i++)
		if (p.stub_fds[i] >= 0)
			close(p.stub_fds[i]);
	return r < 0 || p.engine_failed ? 1 : 0;
}
