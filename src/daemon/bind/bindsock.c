/* SPDX-License-Identifier: MIT */
/*
 * The bind socket (bindsock.h): binds an application's socket to a PvD
 * without giving the application any privilege. The application keeps its
 * descriptor; mifd receives a duplicate in SCM_RIGHTS, sets the options
 * that need CAP_NET_ADMIN / CAP_NET_RAW on the shared socket, and drops its
 * copy. Every input is untrusted: sizes, descriptor counts and types are
 * checked, and refusals are logged at debug level through a rate limit.
 *
 * The event loop never close()s what a client gave it: a socket with
 * SO_LINGER and unsent data whose last reference mifd holds blocks close()
 * for the linger time, and a FUSE file can block close() (and fstat())
 * forever. Received descriptors and finished connections (whose queues may
 * hold more of them) go to the closer lane of the client's user
 * (bs_closer.h), so one user's blocked close holds up only that user.
 */
#include "daemon/bind/bindsock.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/paths.h"
#include "common/unixsock.h"
#include "daemon/bind/bs_closer.h"
#include "daemon/core/caps.h"
#include "daemon/routing/route_plan.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71           /* Linux 5.14 */
#endif
#ifndef SIOCGSKNS
#define SIOCGSKNS 0x894C             /* Linux 4.9 */
#endif

#define BS_RETRY_MS 100              /* the listener's pause: closer full, accept failing */

struct bs_conn {
	LIST_ENTRY(bs_conn) e;
	struct bindsock *b;
	struct event *ev;
	int fd;
	struct ucred cred;
	unsigned lane;               /* the closer lane of cred.uid */
	struct timespec deadline;    /* CLOCK_MONOTONIC, fixed at accept() */
};

struct bindsock {
	struct event_base *base;
	const struct bind_table *table;  /* the engine's, kept by the parent */
	struct event *lev, *retry;
	int lfd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	LIST_HEAD(, bs_conn) conns;
	unsigned n_conns;
	bool have_cookie, have_ns;   /* how to tell a socket's network namespace */
	uint64_t cookie;
	dev_t ns_dev;
	ino_t ns_ino;
	struct log_ratelimit rl;
	struct msg_bind_stats st;    /* requests, bound, refused, per PvD */
	struct event *st_timer;      /* armed while a change is not yet told */
	bindsock_stats_fn st_cb;
	void *st_ctx;
};

/* One request, as received. */
struct bs_req {
	char buf[BINDSOCK_MAX_MSG + 1];
	ssize_t len;
	int flags;                   /* msg_flags: MSG_TRUNC, MSG_CTRUNC */
	int fds[BINDSOCK_MAX_FDS];
	size_t n_fds;
};

static void bs_conn_free(struct bs_conn *c)
{
	LIST_REMOVE(c, e);
	c->b->n_conns--;
	event_free(c->ev);
	bs_closer_put(c->lane, c->fd);  /* its queue may still hold descriptors */
	bs_closer_conn(c->lane, false);
	free(c);
}

/* Tell the owner of a change, once a second at most (a program under
 * `mifctl run` binds every socket it opens). */
static void bs_stats_changed(struct bindsock *b)
{
	struct timeval tv = { BINDSOCK_STATS_MS / 1000, (BINDSOCK_STATS_MS % 1000) * 1000 };

	if (b->st_cb && b->st_timer && !evtimer_pending(b->st_timer, NULL))
		evtimer_add(b->st_timer, &tv);
}

static void bs_stats_cb(evutil_socket_t fd, short what, void *arg)
{
	struct bindsock *b = arg;

	if (b->st_cb)
		b->st_cb(b->st_ctx, &b->st);
	(void)fd;
	(void)what;
}

/* One more socket bound to the PvD of handle h. Its entry moves to the
 * front (most recent first); when the list is full the least recent PvD
 * (most often one gone) drops out. */
static void bs_count_bound(struct bindsock *b, uint64_t h)
{
	struct msg_bind_stats *s = &b->st;
	uint64_t n = 0;
	uint32_t i;

	s->bound++;
	for (i = 0; i < s->n && s->pvd[i].handle != h; i++)
		;
	if (i < s->n)
		n = s->pvd[i].bound;
	else if (s->n < MSG_BIND_STATS_PVDS)
		i = s->n++;
	else
		i = s->n - 1;
	memmove(&s->pvd[1], &s->pvd[0], i * sizeof(s->pvd[0]));
	s->pvd[0].handle = h;
	s->pvd[0].bound = n + 1;
	bs_stats_changed(b);
}

void bindsock_set_stats_cb(struct bindsock *b, bindsock_stats_fn cb, void *ctx)
{
	b->st_cb = cb;
	b->st_ctx = ctx;
	if (cb && !b->st_timer)
		b->st_timer = evtimer_new(b->base, bs_stats_cb, b);
	if (b->st_timer)
		bs_stats_cb(-1, 0, b);   /* the engine starts from the truth */
}

/* Refusals are caused by local clients: debug level, rate limited. */
static void bs_refused(struct bindsock *b, const struct ucred *who, int err, const char *msg)
{
	uint64_t supp = 0;

	b->st.refused++;
	bs_stats_changed(b);
	if (!log_ratelimit_ok(&b->rl, &supp))
		return;
	if (who)
		log_debug("bind: refused for uid %u pid %d: %s (%s); %llu suppressed",
			  (unsigned)who->uid, (int)who->pid, msg, strerror(err),
			  (unsigned long long)supp);
	else
		log_debug("bind: refused a connection: %s; %llu suppressed", msg,
			  (unsigned long long)supp);
}

/* Send the one reply message; a client that cannot take it misses it. */
static void bs_send(int fd, json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT);

	json_decref(o);
	if (s)
		(void)!send(fd, s, strlen(s), MSG_DONTWAIT | MSG_NOSIGNAL);
	free(s);
}

static void bs_error(struct bindsock *b, int fd, const struct ucred *who, int err,
		     const char *msg)
{
	bs_refused(b, who, err, msg);
	bs_send(fd, json_pack("{s:b,s:i,s:s}", "ok", 0, "errno", err, "error", msg));
}

/* Policy hook: may this caller bind a socket to this PvD? Today every
 * local user may use every PvD (the socket is theirs, and the mark only
 * selects among networks the host already uses). Returns 0 or -EACCES. */
static int bs_may_use(const struct ucred *who, const struct bind_info *pvd)
{
	(void)who;
	(void)pvd;
	return 0;
}

/* Without SO_NETNS_COOKIE (Linux < 5.14), SIOCGSKNS opens the socket's
 * namespace (mifd has CAP_NET_ADMIN) to compare with mifd's own. */
static bool bs_same_ns_file(const struct bindsock *b, int fd)
{
	struct stat st;
	int ns = ioctl(fd, SIOCGSKNS);
	bool same;

	if (ns < 0)
		return false;
	same = fstat(ns, &st) == 0 && st.st_dev == b->ns_dev && st.st_ino == b->ns_ino;
	close(ns);                   /* an nsfs file of mifd's own making */
	return same;
}

/* Is the socket in mifd's network namespace (an ifindex means nothing in
 * another)? Fails closed: 0, -EXDEV, or -EOPNOTSUPP if it cannot tell. */
static int bs_check_netns(const struct bindsock *b, int fd, const char **msg)
{
	uint64_t theirs = 0;
	socklen_t l = sizeof(theirs);

	if (b->have_cookie) {
		if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &theirs, &l) == 0 &&
		    theirs == b->cookie)
			return 0;
	} else if (!b->have_ns) {
		return *msg = "mifd cannot tell a socket's network namespace", -EOPNOTSUPP;
	} else if (bs_same_ns_file(b, fd)) {
		return 0;
	}
	return *msg = "the socket is in another network namespace", -EXDEV;
}

/* The descriptor is an IPv4 or IPv6 socket in mifd's network namespace.
 * SO_DOMAIN comes first: on anything but a socket it fails (ENOTSOCK)
 * without touching a file system, where fstat() on FUSE could block. */
static int bs_check_fd(struct bindsock *b, int fd, int *family, const char **msg)
{
	int dom = 0;
	socklen_t l = sizeof(dom);

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &l) < 0)
		return *msg = "the descriptor is not a socket", -ENOTSOCK;
	if (dom != AF_INET && dom != AF_INET6)
		return *msg = "not an IPv4 or IPv6 socket", -EAFNOSUPPORT;
	*family = dom;
	return bs_check_netns(b, fd, msg);
}

/* "pvd": a string (id, or handle in decimal) or a non-negative integer. */
static int bs_parse(const struct bs_req *r, char *id, size_t len, const char **msg)
{
	/* NULs allowed in strings, so that one in the id is named below. */
	json_t *o = json_loadb(r->buf, (size_t)r->len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL,
			       NULL);
	json_t *p = json_object_get(o, "pvd");
	int e = 0;

	if (!o)
		e = -EINVAL, *msg = "the request is not valid JSON";
	else if (!json_is_object(o))
		e = -EINVAL, *msg = "the request is not a JSON object";
	else if (json_object_size(o) != 1 || !p)
		e = -EINVAL, *msg = "the request must be {\"pvd\": ID}";
	else if (json_is_string(p) && json_string_length(p) == 0)
		e = -EINVAL, *msg = "pvd: the id is empty";
	else if (json_is_string(p) && json_string_length(p) >= len)
		e = -ENAMETOOLONG, *msg = "pvd: the id is too long (no PvD has such an id)";
	else if (json_is_string(p) && memchr(json_string_value(p), '\0', json_string_length(p)))
		e = -EINVAL, *msg = "pvd: the id contains a NUL character";
	else if (json_is_string(p))
		snprintf(id, len, "%s", json_string_value(p));
	else if (json_is_integer(p) && json_integer_value(p) > 0)
		snprintf(id, len, "%lld", (long long)json_integer_value(p));
	else
		e = -EINVAL, *msg = "pvd: a PvD id (a string) or handle (a positive integer) is required";
	json_decref(o);
	return e;
}

/* The device the socket is bound to: 0 none, -1 one mifd cannot name. */
static int bs_bound_dev(int fd, int *dev)
{
	char name[IFNAMSIZ + 1] = "";
	socklen_t l = sizeof(*dev);

	*dev = 0;
	if (getsockopt(fd, SOL_SOCKET, SO_BINDTOIFINDEX, dev, &l) == 0)
		return 0;
	l = sizeof(name) - 1;        /* SO_BINDTOIFINDEX is readable from Linux 5.0 */
	if (getsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name, &l) < 0)
		return -errno;
	name[l < sizeof(name) ? l : sizeof(name) - 1] = '\0';
	if (name[0] && !(*dev = (int)if_nametoindex(name)))
		*dev = -1;
	return 0;
}

/*
 * mifd holds capabilities its clients may lack: it must not undo what was
 * set with them. Changing a device binding needs CAP_NET_RAW and any
 * SO_MARK CAP_NET_ADMIN, so a device other than the PvD's own, or a mark
 * that is neither 0 nor a PvD's (ROUTE_MARK_FLAG set), was put there by
 * someone who meant it to stay: refuse. Several interfaces (ifindex 0):
 * mifd cannot tell whether the device is one of them, so it refuses.
 */
static int bs_check_prior(int fd, const struct bind_info *in, const char **msg)
{
	uint32_t mark = 0;
	socklen_t l = sizeof(mark);
	int dev = 0;

	if (getsockopt(fd, SOL_SOCKET, SO_MARK, &mark, &l) < 0 || bs_bound_dev(fd, &dev) < 0)
		return *msg = "cannot read the socket's mark and device", -EPERM;
	if (mark && !(mark & ROUTE_MARK_FLAG))
		return *msg = "the socket carries a mark that is not a PvD's; mifd does not "
			      "replace it", -EPERM;
	if (dev && dev != in->ifindex)
		return *msg = "the socket is bound to another interface than the PvD's; mifd "
			      "does not rebind it", -EPERM;
	return 0;
}

/*
 * Set the PvD's mark, and for IPv6 its interface when it has only one.
 * Not for IPv4: when a lookup fails for a socket bound to a device, the
 * kernel assumes the destination is on-link there (ip_route_output_key_
 * hash_rcu, "Apparently, routing tables are wrong"), which would turn the
 * base+250 unreachable rule into ARP on a dead link instead of an error.
 * IPv6 keeps the rule's ENETUNREACH with a bound device, and needs the
 * device: without one, a failed lookup is retried with a source address
 * picked on any interface (ip6_dst_lookup_tail), and base+0 "from <that
 * address>" hands the socket to another PvD. Dual-stack sockets
 * (IPV6_V6ONLY 0) are bound too: their IPv4-mapped traffic then has the
 * on-link fallback above, but only on the PvD's own interface, which is
 * better than the IPv6 leak. A device already bound (the PvD's) is kept.
 */
static int bs_apply(int fd, int family, struct bind_info *in, const char **msg)
{
	int e = bs_check_prior(fd, in, msg);

	if (e < 0)
		return e;
	if (setsockopt(fd, SOL_SOCKET, SO_MARK, &in->mark, sizeof(in->mark)) < 0)
		return *msg = "cannot set the socket's mark", -errno;
	if (family != AF_INET6)
		in->ifindex = 0;
	if (in->ifindex && setsockopt(fd, SOL_SOCKET, SO_BINDTOIFINDEX, &in->ifindex,
				      sizeof(in->ifindex)) < 0)
		return *msg = "cannot bind the socket to the PvD's interface", -errno;
	return 0;
}

static void bs_fail(struct bs_conn *c, int err, const char *msg)
{
	bs_error(c->b, c->fd, &c->cred, err, msg);
}

/* Handle the connection's request and answer it. */
static void bs_handle(struct bs_conn *c, const struct bs_req *r)
{
	struct bindsock *b = c->b;
	struct bind_info in;
	char id[PVD_ID_MAX], err[320];
	const char *msg = NULL;
	int e, family = 0;

	b->st.requests++;
	bs_stats_changed(b);
	if (r->flags & MSG_TRUNC) {
		bs_fail(c, EMSGSIZE, "request too long");
		return;
	}
	if ((r->flags & MSG_CTRUNC) || r->n_fds > 1) {
		bs_fail(c, EINVAL, "send exactly one descriptor");
		return;
	}
	if (r->n_fds == 0) {
		bs_fail(c, EBADF, "no descriptor: send the socket in SCM_RIGHTS");
		return;
	}
	if ((e = bs_parse(r, id, sizeof(id), &msg)) < 0 ||
	    (e = bs_check_fd(b, r->fds[0], &family, &msg)) < 0) {
		bs_fail(c, -e, msg);
		return;
	}
	if ((e = bind_table_lookup(b->table, id, &in, err, sizeof(err))) < 0) {
		bs_fail(c, -e, err);
		return;
	}
	if ((e = bs_may_use(&c->cred, &in)) < 0) {
		bs_fail(c, -e, "this user may not use that PvD");
		return;
	}
	if ((e = bs_apply(r->fds[0], family, &in, &msg)) < 0) {
		bs_fail(c, -e, msg);
		return;
	}
	bs_count_bound(b, in.handle);
	log_debug("bind: uid %u pid %d bound a socket to PvD %s (mark 0x%x, ifindex %d)",
		  (unsigned)c->cred.uid, (int)c->cred.pid, in.id, in.mark, in.ifindex);
	bs_send(c->fd, json_pack("{s:b,s:s,s:I,s:I,s:i}", "ok", 1, "pvd", in.id,
				 "handle", (json_int_t)in.handle, "mark", (json_int_t)in.mark,
				 "ifindex", in.ifindex));
}

/* Receive one message with its descriptors (close-on-exec at once). The
 * buffer takes SCM_MAX_FD of them: recvmsg() drops (closes) any that do
 * not fit, in this thread. */
static ssize_t bs_recv(int fd, struct bs_req *r)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int) * BINDSOCK_MAX_FDS)];
	} cb;
	struct iovec iov = { .iov_base = r->buf, .iov_len = BINDSOCK_MAX_MSG };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cb.b,
			    .msg_controllen = sizeof(cb.b) };
	struct cmsghdr *h;

	r->n_fds = 0;
	r->flags = 0;
	r->len = recvmsg(fd, &m, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	if (r->len < 0)
		return -errno;
	r->flags = m.msg_flags;
	for (h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h)) {
		size_t n;

		if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS ||
		    h->cmsg_len < CMSG_LEN(0))
			continue;
		n = (h->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n && r->n_fds < BINDSOCK_MAX_FDS; i++)
			memcpy(&r->fds[r->n_fds++], CMSG_DATA(h) + i * sizeof(int), sizeof(int));
	}
	return r->len;
}

static long long bs_ms_left(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)(deadline->tv_sec - now.tv_sec) * 1000 +
	       (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

/* Wait for the request until the connection's deadline (not extended). */
static void bs_conn_wait(struct bs_conn *c)
{
	long long left = bs_ms_left(&c->deadline);
	struct timeval tv = { .tv_sec = left / 1000, .tv_usec = left % 1000 * 1000 };

	if (left <= 0 || event_add(c->ev, &tv) < 0)
		bs_conn_free(c);
}

/* The connection's one request: answer it, then close. */
static void bs_conn_cb(evutil_socket_t fd, short what, void *arg)
{
	struct bs_conn *c = arg;
	struct bs_req r;
	ssize_t n;

	if (what & EV_TIMEOUT) {
		bs_conn_free(c);
		return;
	}
	if (!bs_closer_room(c->lane, BINDSOCK_MAX_FDS, c->b->n_conns)) {
		bs_fail(c, EAGAIN, "mifd is busy closing descriptors; try again later");
		bs_conn_free(c);
		return;
	}
	n = bs_recv((int)fd, &r);
	if (n == -EAGAIN || n == -EINTR) {
		bs_conn_wait(c);
		return;
	}
	if (n >= 0 && !(n == 0 && r.n_fds == 0 && !(r.flags & MSG_CTRUNC)))
		bs_handle(c, &r);    /* else: closed, possibly mid-request */
	for (size_t i = 0; i < r.n_fds; i++)
		bs_closer_put(c->lane, r.fds[i]);
	bs_conn_free(c);
}

static unsigned bs_conns_of(const struct bindsock *b, uid_t uid)
{
	const struct bs_conn *c;
	unsigned n = 0;

	LIST_FOREACH(c, &b->conns, e)
		n += c->cred.uid == uid;
	return n;
}

/* Too many connections (from this user): answer EAGAIN, close. */
static bool bs_admit(struct bindsock *b, int fd, const struct ucred *cred)
{
	const char *msg = NULL;

	if (b->n_conns >= BINDSOCK_MAX_CLIENTS)
		msg = "too many connections to mifd's bind socket; try again";
	else if (bs_conns_of(b, cred->uid) >= BINDSOCK_MAX_PER_UID)
		msg = "too many connections from this user to mifd's bind socket";
	if (!msg)
		return true;
	bs_error(b, fd, cred, EAGAIN, msg);
	bs_closer_put(bs_closer_lane(cred->uid), fd);
	return false;
}

static struct bs_conn *bs_conn_new(struct bindsock *b, int fd, const struct ucred *cred)
{
	struct bs_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->b = b;
	c->fd = fd;
	c->cred = *cred;
	clock_gettime(CLOCK_MONOTONIC, &c->deadline);
	c->deadline.tv_sec += BINDSOCK_DEADLINE_S;
	c->ev = event_new(b->base, fd, EV_READ, bs_conn_cb, c);
	if (!c->ev) {
		free(c);
		return NULL;
	}
	c->lane = bs_closer_lane(cred->uid);
	bs_closer_conn(c->lane, true);
	LIST_INSERT_HEAD(&b->conns, c, e);
	b->n_conns++;
	return c;
}

static void bs_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct bindsock *b = arg;

	(void)fd;
	(void)what;
	event_add(b->lev, NULL);
}

/* Stop accepting for a moment (a level-triggered listener would spin). */
static void bs_pause(struct bindsock *b)
{
	struct timeval pause = { .tv_usec = BS_RETRY_MS * 1000 };

	event_del(b->lev);
	evtimer_add(b->retry, &pause);
}

static void bs_accept_cb(evutil_socket_t lfd, short what, void *arg)
{
	struct bindsock *b = arg;
	struct ucred cred = { .uid = (uid_t)-1 };
	socklen_t l = sizeof(cred);
	struct bs_conn *c;
	int fd;

	(void)what;
	/* Even refusing a connection needs a slot in a closer lane (whose,
	 * the connection's credentials tell only after accept()). */
	if (bs_closer_pending() + b->n_conns + 1 > bs_closer_budget()) {
		bs_pause(b);
		return;
	}
	fd = accept4((int)lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0 && errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
		bs_pause(b);         /* EMFILE, ENOBUFS: let them pass */
	if (fd < 0)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &l) < 0)
		cred.uid = (uid_t)-1;
	if (!bs_admit(b, fd, &cred))
		return;
	if (!(c = bs_conn_new(b, fd, &cred))) {
		bs_error(b, fd, &cred, ENOMEM, "mifd is out of memory");
		bs_closer_put(bs_closer_lane(cred.uid), fd);
		return;
	}
	bs_conn_wait(c);
}

/* How to tell a socket's network namespace, on this kernel. */
static void bs_netns_init(struct bindsock *b)
{
	socklen_t l = sizeof(b->cookie);
	struct stat st;

	b->have_cookie = getsockopt(b->lfd, SOL_SOCKET, SO_NETNS_COOKIE, &b->cookie, &l) == 0;
	if (b->have_cookie || stat("/proc/self/ns/net", &st) < 0)
		return;
	b->have_ns = true;
	b->ns_dev = st.st_dev;
	b->ns_ino = st.st_ino;
}

struct bindsock *bindsock_new(struct event_base *base, const char *ctl_path,
			      const struct bind_table *t, int *err)
{
	struct bindsock *b;

	if ((*err = bs_closer_init()) < 0)
		return NULL;
	if (!(b = calloc(1, sizeof(*b))))
		return *err = -ENOMEM, NULL;
	b->base = base;
	b->table = t;
	b->rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(10, 1);
	LIST_INIT(&b->conns);
	*err = paths_bind_socket(ctl_path, b->path, sizeof(b->path));
	b->lfd = *err < 0 ? *err : unixsock_listen(b->path, SOCK_SEQPACKET);
	if (b->lfd < 0) {
		*err = b->lfd;
		free(b);
		return NULL;
	}
	bs_netns_init(b);
	if (!b->have_cookie && !b->have_ns)
		log_warn("bind: cannot tell sockets' network namespaces: every bind is refused");
	b->lev = event_new(base, b->lfd, EV_READ | EV_PERSIST, bs_accept_cb, b);
	b->retry = evtimer_new(base, bs_retry_cb, b);
	if (!b->lev || !b->retry || event_add(b->lev, NULL) < 0) {
		bindsock_free(b);
		return *err = -ENOMEM, NULL;
	}
	return b;
}

/* The closer lanes keep running: what is queued there still closes. */
void bindsock_free(struct bindsock *b)
{
	struct bs_conn *c;

	if (!b)
		return;
	while ((c = LIST_FIRST(&b->conns)))
		bs_conn_free(c);
	if (b->lev)
		event_free(b->lev);
	if (b->retry)
		event_free(b->retry);
	if (b->st_timer)
		event_free(b->st_timer);
	bs_closer_put(0, b->lfd);    /* its backlog may hold descriptors */
	unlink(b->path);
	free(b);
}
