/* SPDX-License-Identifier: MIT */
/*
 * The bind socket (bindsock.h): binds an application's socket to a PvD
 * without giving the application any privilege. The application keeps its
 * descriptor; mifd receives a duplicate in SCM_RIGHTS, sets the options
 * that need CAP_NET_ADMIN / CAP_NET_RAW on the shared socket, and closes
 * its copy. Every input is untrusted: sizes, descriptor counts and types
 * are checked, every received descriptor is closed, and refusals are
 * logged at debug level through a rate limit.
 */
#include "daemon/bindsock.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/log.h"
#include "common/unixsock.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71           /* Linux 5.14 */
#endif

struct bs_conn {
	LIST_ENTRY(bs_conn) e;
	struct bindsock *b;
	struct event *ev;
	int fd;
	struct ucred cred;
};

struct bindsock {
	struct event_base *base;
	struct engine *engine;
	struct event *lev;
	int lfd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	LIST_HEAD(, bs_conn) conns;
	unsigned n_conns;
	struct log_ratelimit rl;
	uint64_t requests, bound, refused;
};

/* One request, as received. */
struct bs_req {
	char buf[BINDSOCK_MAX_MSG + 1];
	ssize_t len;
	int flags;                   /* msg_flags: MSG_TRUNC, MSG_CTRUNC */
	int fds[BINDSOCK_MAX_FDS];
	size_t n_fds;
};

int bindsock_path(const char *ctl_path, char *out, size_t len)
{
	size_t n = strlen(ctl_path);
	int w;

	if (n >= 5 && strcmp(ctl_path + n - 5, ".sock") == 0)
		w = snprintf(out, len, "%.*s-bind.sock", (int)(n - 5), ctl_path);
	else
		w = snprintf(out, len, "%s-bind", ctl_path);
	return w < 0 || (size_t)w >= len ? -ENAMETOOLONG : 0;
}

static void bs_conn_free(struct bs_conn *c)
{
	LIST_REMOVE(c, e);
	c->b->n_conns--;
	event_free(c->ev);
	close(c->fd);
	free(c);
}

/* Refusals are caused by local clients: debug level, rate limited. */
static void bs_refused(struct bindsock *b, const struct ucred *who, int err, const char *msg)
{
	uint64_t supp = 0;

	b->refused++;
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

/* Send one reply message; a client that cannot take it is dropped.
 * Returns false if c was freed. */
static bool bs_send(struct bs_conn *c, json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT);
	ssize_t w = -1;

	json_decref(o);
	if (s)
		w = send(c->fd, s, strlen(s), MSG_DONTWAIT | MSG_NOSIGNAL);
	free(s);
	if (w < 0) {
		bs_conn_free(c);
		return false;
	}
	return true;
}

static bool bs_error(struct bs_conn *c, int err, const char *msg)
{
	bs_refused(c->b, &c->cred, err, msg);
	return bs_send(c, json_pack("{s:b,s:i,s:s}", "ok", 0, "errno", err, "error", msg));
}

/* Policy hook: may this caller bind a socket to this PvD? Today every
 * local user may use every PvD (the socket is theirs, and the mark only
 * selects among networks the host already uses). Returns 0 or -EACCES. */
static int bs_may_use(const struct ucred *who, const struct engine_bind_info *pvd)
{
	(void)who;
	(void)pvd;
	return 0;
}

/* The descriptor is an IPv4 or IPv6 socket in mifd's network namespace
 * (an ifindex means nothing in another one). Returns 0 or a negative errno. */
static int bs_check_fd(struct bindsock *b, int fd, int *family, const char **msg)
{
	struct stat st;
	int dom = 0;
	uint64_t mine = 0, theirs = 0;
	socklen_t l = sizeof(dom);

	if (fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode))
		return *msg = "the descriptor is not a socket", -ENOTSOCK;
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &l) < 0)
		return *msg = "cannot read the socket's family", -ENOTSOCK;
	if (dom != AF_INET && dom != AF_INET6)
		return *msg = "not an IPv4 or IPv6 socket", -EAFNOSUPPORT;
	l = sizeof(mine);
	if (getsockopt(b->lfd, SOL_SOCKET, SO_NETNS_COOKIE, &mine, &l) == 0) {
		l = sizeof(theirs);
		if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &theirs, &l) == 0 && mine != theirs)
			return *msg = "the socket is in another network namespace", -EXDEV;
	}
	*family = dom;
	return 0;
}

/* "pvd": a string (id, or handle in decimal) or a non-negative integer. */
static int bs_parse(const struct bs_req *r, char *id, size_t len, const char **msg)
{
	json_t *o = json_loadb(r->buf, (size_t)r->len, JSON_REJECT_DUPLICATES, NULL);
	json_t *p = json_object_get(o, "pvd");
	int e = 0;

	if (!json_is_object(o))
		e = -EINVAL, *msg = "the request is not a JSON object";
	else if (json_object_size(o) != 1 || !p)
		e = -EINVAL, *msg = "the request must be {\"pvd\": ID}";
	else if (json_is_string(p) && json_string_length(p) > 0 && json_string_length(p) < len &&
		 !memchr(json_string_value(p), '\0', json_string_length(p)))
		snprintf(id, len, "%s", json_string_value(p));
	else if (json_is_integer(p) && json_integer_value(p) > 0)
		snprintf(id, len, "%lld", (long long)json_integer_value(p));
	else
		e = -EINVAL, *msg = "pvd: a PvD id or handle is required";
	json_decref(o);
	return e;
}

/*
 * Set the PvD's mark, and for IPv6 its interface when it has only one.
 * Not for IPv4: when a lookup fails for a socket bound to a device, the
 * kernel assumes the destination is on-link there (ip_route_output_key_
 * hash_rcu, "Apparently, routing tables are wrong"), which would turn the
 * base+250 unreachable rule into ARP on a dead link instead of an error.
 * IPv6 keeps the rule's ENETUNREACH with a bound device.
 */
static int bs_apply(int fd, int family, struct engine_bind_info *in, const char **msg)
{
	if (setsockopt(fd, SOL_SOCKET, SO_MARK, &in->mark, sizeof(in->mark)) < 0)
		return *msg = "cannot set the socket's mark", -errno;
	if (family != AF_INET6)
		in->ifindex = 0;
	if (in->ifindex && setsockopt(fd, SOL_SOCKET, SO_BINDTOIFINDEX, &in->ifindex,
				      sizeof(in->ifindex)) < 0)
		return *msg = "cannot bind the socket to the PvD's interface", -errno;
	return 0;
}

/* Handle one received request; returns false if c was freed. */
static bool bs_handle(struct bs_conn *c, const struct bs_req *r)
{
	struct bindsock *b = c->b;
	struct engine_bind_info in;
	char id[PVD_ID_MAX], err[320];
	const char *msg = NULL;
	int e, family = 0;

	b->requests++;
	if (r->flags & MSG_TRUNC)
		return bs_error(c, EMSGSIZE, "request too long");
	if ((r->flags & MSG_CTRUNC) || r->n_fds > 1)
		return bs_error(c, EINVAL, "send exactly one descriptor");
	if (r->n_fds == 0)
		return bs_error(c, EBADF, "no descriptor: send the socket in SCM_RIGHTS");
	if ((e = bs_parse(r, id, sizeof(id), &msg)) < 0 ||
	    (e = bs_check_fd(b, r->fds[0], &family, &msg)) < 0)
		return bs_error(c, -e, msg);
	if ((e = engine_bind_lookup(b->engine, id, &in, err, sizeof(err))) < 0)
		return bs_error(c, -e, err);
	if ((e = bs_may_use(&c->cred, &in)) < 0)
		return bs_error(c, -e, "this user may not use that PvD");
	if ((e = bs_apply(r->fds[0], family, &in, &msg)) < 0)
		return bs_error(c, -e, msg);
	b->bound++;
	log_debug("bind: uid %u pid %d bound a socket to PvD %s (mark 0x%x, ifindex %d)",
		  (unsigned)c->cred.uid, (int)c->cred.pid, in.id, in.mark, in.ifindex);
	return bs_send(c, json_pack("{s:b,s:s,s:I,s:I,s:i}", "ok", 1, "pvd", in.id,
				    "handle", (json_int_t)in.handle, "mark", (json_int_t)in.mark,
				    "ifindex", in.ifindex));
}

/* Receive one message with its descriptors (close-on-exec at once). */
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

static void bs_conn_cb(evutil_socket_t fd, short what, void *arg)
{
	struct bs_conn *c = arg;
	struct bs_req r;
	ssize_t n;

	if (what & EV_TIMEOUT)
		return bs_conn_free(c);
	n = bs_recv((int)fd, &r);
	if (n == -EAGAIN || n == -EINTR)
		return;
	if (n < 0 || (n == 0 && r.n_fds == 0 && !(r.flags & MSG_CTRUNC))) {
		for (size_t i = 0; i < r.n_fds; i++)
			close(r.fds[i]);
		return bs_conn_free(c);      /* closed, possibly mid-request */
	}
	bs_handle(c, &r);            /* may free c: only r is used after it */
	for (size_t i = 0; i < r.n_fds; i++)
		close(r.fds[i]);
}

static void bs_accept_cb(evutil_socket_t lfd, short what, void *arg)
{
	struct bindsock *b = arg;
	struct timeval idle = { .tv_sec = BINDSOCK_IDLE_S };
	socklen_t l = sizeof(struct ucred);
	struct bs_conn *c;
	int fd = accept4((int)lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	(void)what;
	if (fd < 0)
		return;
	if (b->n_conns >= BINDSOCK_MAX_CLIENTS || !(c = calloc(1, sizeof(*c)))) {
		bs_refused(b, NULL, EBUSY, "too many connections");
		close(fd);
		return;
	}
	c->b = b;
	c->fd = fd;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &c->cred, &l) < 0)
		c->cred.uid = (uid_t)-1;
	c->ev = event_new(b->base, fd, EV_READ | EV_PERSIST, bs_conn_cb, c);
	if (!c->ev || event_add(c->ev, &idle) < 0) {
		if (c->ev)
			event_free(c->ev);
		close(fd);
		free(c);
		return;
	}
	LIST_INSERT_HEAD(&b->conns, c, e);
	b->n_conns++;
}


struct bindsock *bindsock_new(struct event_base *base, const char *ctl_path, struct engine *e,
			      int *err)
{
	struct bindsock *b = calloc(1, sizeof(*b));

	if (!b)
		return *err = -ENOMEM, NULL;
	b->base = base;
	b->engine = e;
	b->rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(10, 1);
	LIST_INIT(&b->conns);
	*err = bindsock_path(ctl_path, b->path, sizeof(b->path));
	b->lfd = *err < 0 ? *err : unixsock_listen(b->path, SOCK_SEQPACKET);
	if (b->lfd < 0) {
		*err = b->lfd;
		free(b);
		return NULL;
	}
	b->lev = event_new(base, b->lfd, EV_READ | EV_PERSIST, bs_accept_cb, b);
	if (!b->lev || event_add(b->lev, NULL) < 0) {
		bindsock_free(b);
		return *err = -ENOMEM, NULL;
	}
	return b;
}

void bindsock_free(struct bindsock *b)
{
	struct bs_conn *c;

	if (!b)
		return;
	while ((c = LIST_FIRST(&b->conns)))
		bs_conn_free(c);
	if (b->lev)
		event_free(b->lev);
	close(b->lfd);
	unlink(b->path);
	free(b);
}
