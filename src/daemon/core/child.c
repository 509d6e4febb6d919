/* SPDX-License-Identifier: MIT */
/*
 * The two children of the privileged parent (parent.c): the engine and the
 * network-facing process. Each starts from a fresh event loop with only
 * its own descriptors, then drops to the unprivileged user with no
 * capability and installs its seccomp filter before it reads any input.
 */
#include "daemon/core/child.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <event2/event.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/connectivity/engine_conn.h"
#include "daemon/connectivity/probe_net.h"
#include "daemon/routing/engine_steer.h"
#include "daemon/control/control.h"
#include "daemon/control/netview.h"
#include "daemon/dns/stub.h"
#include "daemon/engine/engine.h"
#include "daemon/mobility/engine_mob.h"
#include "daemon/mobility/mob_net.h"

/* What the parent's libevent installed would write into a descriptor this
 * process no longer has: every signal back to its default. And nothing
 * read from a terminal: standard input is /dev/null. Jansson's hash seed
 * is drawn now, while /dev/urandom can still be opened. */
void child_prepare(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		dup2(fd, 0);
		if (fd != 0)
			close(fd);
	}
	json_object_seed(0);
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGUSR1, SIGUSR2 };

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
}

/* MIFD_SECCOMP=off leaves the filters out, for tools that cannot run
 * under one (valgrind makes its own system calls in the process). */
static int child_lockdown(const struct proc_user *u, enum proc_role role)
{
	const char *sc = getenv("MIFD_SECCOMP");
	int r = proc_drop(u);

	if (r == 0 && sc && strcmp(sc, "off") == 0)
		log_warn("%s process: MIFD_SECCOMP=off: no seccomp filter", proc_role_name(role));
	else if (r == 0)
		r = proc_seccomp(role);
	if (r < 0)
		log_err("%s process: cannot drop privileges: %s", proc_role_name(role),
			strerror(-r));
	return r;
}

struct child_engine {
	struct engine *e;
	struct event_base *base;
	int pass_fd;
};

/* A new network-facing process's channel, from the parent. */
static void child_engine_pass_cb(evutil_socket_t fd, short what, void *arg)
{
	struct child_engine *c = arg;
	int nfd = proc_recv_fd((int)fd);

	(void)what;
	if (nfd == -EAGAIN)
		return;
	if (nfd < 0) {
		/* The parent closed it: it is stopping (it cannot signal us, we
		 * are another user), or it died. Take back what we formed
		 * through it while it still listens, and stop. */
		log_info("engine: the parent is stopping (%s): releasing addresses",
			 nfd == -EPIPE ? "channel closed" : strerror(-nfd));
		engine_release_addresses(c->e);
		event_base_loopexit(c->base, NULL);
		return;
	}
	if (engine_net_attach(c->e, nfd) < 0) {
		log_err("engine: cannot attach the network-facing process");
		close(nfd);
	}
}

static void child_engine_stop_cb(evutil_socket_t sig, short what, void *arg)
{
	struct child_engine *c = arg;

	(void)what;
	log_info("engine: signal %d: releasing addresses and stopping", (int)sig);
	engine_release_addresses(c->e);
	event_base_loopexit(c->base, NULL);
}

int child_engine_main(const struct mifd_config *cfg, const struct proc_user *u, int kfd,
		      int nfd, int pass_fd)
{
	struct child_engine c = { .pass_fd = pass_fd };
	struct event *pass, *sigs[2];
	int r = 1;

	c.base = event_base_new();
	if (!c.base || !(c.e = engine_new(c.base, kfd)))
		return 1;
	engine_set_route_cfg(c.e, &cfg->routing);
	engine_conn_set_config(c.e, &cfg->conn);
	engine_set_dhcp4_release(c.e, cfg->dhcp4_release);
	engine_set_addr_privacy(c.e, (int)cfg->address_privacy);
	engine_mob_set_config(c.e, &cfg->mobility);
	engine_steer_set_answers(c.e, cfg->steer_answers && cfg->routing.enabled);
	for (size_t i = 0; i < cfg->n_dhcp4; i++)
		engine_dhcp4_set(c.e, cfg->dhcp4[i], true);
	for (size_t i = 0; i < cfg->n_pd_down; i++)
		engine_dhcp6_pd_downstream(c.e, cfg->pd_down[i]);
	pass = event_new(c.base, pass_fd, EV_READ | EV_PERSIST, child_engine_pass_cb, &c);
	sigs[0] = evsignal_new(c.base, SIGTERM, child_engine_stop_cb, &c);
	sigs[1] = evsignal_new(c.base, SIGINT, child_engine_stop_cb, &c);
	if (pass && sigs[0] && sigs[1] && event_add(pass, NULL) == 0 &&
	    event_add(sigs[0], NULL) == 0 && event_add(sigs[1], NULL) == 0 &&
	    engine_net_attach(c.e, nfd) == 0 && child_lockdown(u, PROC_ENGINE) == 0) {
		event_base_dispatch(c.base);
		r = 0;
	}
	/* What is still queued for the parent (the address removals) goes
	 * before we do: the loop sends it as the socket drains (2 s at most). */
	for (int i = 0; i < 200 && engine_queued(c.e); i++) {
		event_base_loop(c.base, EVLOOP_NONBLOCK);
		usleep(10000);
	}
	engine_free(c.e);
	for (int i = 0; i < 2; i++)
		if (sigs[i])
			event_free(sigs[i]);
	if (pass)
		event_free(pass);
	event_base_free(c.base);
	return r;
}

static void child_net_close_cb(void *ctx)
{
	log_info("net: the engine closed the channel; stopping");
	event_base_loopexit(ctx, NULL);
}

int child_net_main(const struct mifd_config *cfg, const struct proc_user *u, int efd,
		   int ctl_fd, const int stub_fds[2], int mob_fd)
{
	struct mob_node *mob = NULL;
	struct event_base *base;
	struct netview *nv;
	struct control *ctl;
	struct stub *stub = NULL;
	struct probe_net *probes = NULL;
	int r;

	base = event_base_new();
	if (!base || !(nv = netview_new(base, efd)))
		return 1;
	netview_set_close_cb(nv, child_net_close_cb, base);
	ctl = control_new_fd(base, ctl_fd, cfg->socket, nv, &r);
	if (!ctl) {
		log_err("net: cannot serve the control socket: %s", strerror(-r));
		return 1;
	}
	if (cfg->dns.enabled) {
		stub = stub_new(base, &cfg->dns, nv, stub_fds, &r);
		if (!stub) {
			log_err("net: cannot start the DNS stub: %s", strerror(-r));
			return 1;
		}
		netview_set_sync_cb(nv, stub_sync, stub);
		control_set_stub(ctl, stub);
		stub_set_reply(stub, control_route_reply, ctl);
		if (cfg->steer_answers && cfg->routing.enabled && stub_set_steer(stub, true) < 0)
			log_warn("net: no memory for answer-based steering; it is off");
		/* The stub's own ETIMEDOUT says which servers failed: let it come first. */
		if (cfg->dns.timeout_ms + 5000u > CONTROL_REPLY_DEADLINE_MS)
			control_set_deadline(ctl, cfg->dns.timeout_ms + 5000u);
	}
	if (cfg->conn.enabled && !(probes = probe_net_new(base, &cfg->conn, nv, stub, &r))) {
		log_err("net: cannot start the connectivity probes: %s", strerror(-r));
		return 1;
	}
	if (mob_fd >= 0) {
		if (!(mob = mob_net_new(base, mob_fd, &r))) {
			log_err("net: cannot start the mobile node: %s", strerror(-r));
			return 1;
		}
		control_set_mobility(ctl, mob_net_json, mob);
	}
	r = child_lockdown(u, PROC_NET);
	if (r == 0)
		event_base_dispatch(base);
	mob_net_free(mob);
	probe_net_free(probes);
	stub_free(stub);
	control_free(ctl);
	netview_free(nv);
	event_base_free(base);
	return r == 0 ? 0 : 1;
}
