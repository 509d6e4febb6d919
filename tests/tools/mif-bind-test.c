/* SPDX-License-Identifier: MIT */
/*
 * mif-bind-test: bind a socket to a PvD through libmif (mif_bind_pvd) and
 * use it, for the test worlds (tests/world/test-bind.sh). Not installed.
 *
 *   mif-bind-test [--socket PATH] --pvd ID [--udp | --tcp] ADDR PORT
 *                 [--msg TEXT] [--hold FILE] [--v6only] [--bind-dev IFNAME]
 *                 [--mark N] [--show-dev]
 *   mif-bind-test [--socket PATH] --pvd ID --not-a-socket
 *   mif-bind-test [--socket PATH] --garbage random|oversized|two-fds|no-fd|cut
 *   mif-bind-test [--socket PATH] --hog N
 *   mif-bind-test [--socket PATH] --pvd ID --linger SECONDS
 *   mif-bind-test [--socket PATH] --pvd ID --junk N
 *
 * The first form creates a socket of ADDR's family, binds it to the PvD,
 * then (after FILE exists, with --hold: "bound" is printed first, so a
 * test can change the world in between) connects and sends TEXT (UDP) or
 * reads (TCP), and prints the first line of the answer: mif-whoami's
 * "NAME PEER". The second passes a pipe instead of a socket. The third
 * talks to the bind socket directly with a malformed request and prints
 * mifd's answer ("reply: ...", or "closed"). Errors are printed as
 * "error ENAME: text".
 *
 * Before binding, --v6only sets IPV6_V6ONLY (IPv6 sockets are dual-stack
 * by default), --bind-dev binds the socket to a device and --mark sets a
 * mark (both as a privileged owner would); --show-dev prints "dev N" (the
 * socket's device after binding, 0 for none).
 *
 * --hog opens N connections to the bind socket and sends nothing: it
 * prints "hog: N connected, K refused" (those mifd answered at once), then
 * "hog: all closed after T ms" once mifd has closed the others.
 *
 * --linger passes mifd a TCP socket whose close() blocks: connected over
 * loopback to a peer that never reads, its buffers full, SO_LINGER set to
 * SECONDS; the tool closes its own copy before mifd answers, so mifd's
 * copy is the last. It prints mifd's answer, then "holding" while it keeps
 * the peer open for SECONDS; or "raced" when mifd answered before that
 * close (run it again).
 *
 * --junk sends one request with N (1 to 253) copies of /dev/null: mifd
 * refuses it, and must close them all; it prints "reply: ..." (or
 * "closed").
 *
 * Exit status: 0 success (a garbage request that got any answer or a
 * close), 1 failure, 2 bad arguments, 3 raced (--linger).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <mif/mif.h>

#define BT_TIMEOUT_MS 3000
#define BT_HOLD_S 60

struct bt_opts {
	const char *socket, *pvd, *addr, *port, *msg, *hold, *garbage, *bind_dev;
	bool tcp, not_socket, v6only, show_dev;
	long mark, hog, linger, junk;
};

static int bt_fail(int e, const char *what)
{
	const char *n = strerrorname_np(e);

	printf("error %s: %s\n", n ? n : "E?", what ? what : strerror(e));
	return 1;
}

static int bt_usage(void)
{
	fprintf(stderr, "usage: mif-bind-test [--socket PATH] --pvd ID [--udp|--tcp] ADDR PORT "
		"[--msg TEXT] [--hold FILE] [--v6only] [--bind-dev IFNAME] [--mark N] "
		"[--show-dev]\n"
		"       mif-bind-test [--socket PATH] --pvd ID --not-a-socket\n"
		"       mif-bind-test [--socket PATH] --garbage "
		"random|oversized|two-fds|no-fd|cut\n"
		"       mif-bind-test [--socket PATH] --hog N\n"
		"       mif-bind-test [--socket PATH] --pvd ID --linger SECONDS\n"
		"       mif-bind-test [--socket PATH] --pvd ID --junk N\n");
	return 2;
}

/* Wait for readability; 0, -ETIMEDOUT or -errno. */
static int bt_wait(int fd, short ev)
{
	struct pollfd p = { .fd = fd, .events = ev };
	int r = poll(&p, 1, BT_TIMEOUT_MS);

	if (r < 0)
		return -errno;
	return r == 0 ? -ETIMEDOUT : 0;
}

static int bt_hold(const char *file)
{
	printf("bound\n");
	fflush(stdout);
	for (int i = 0; i < BT_HOLD_S * 10; i++) {
		if (access(file, F_OK) == 0)
			return 0;
		usleep(100000);
	}
	return bt_fail(ETIMEDOUT, "the hold file never appeared");
}

/* Connect, send, and print the first line of what comes back. */
static int bt_talk(int fd, const struct sockaddr *to, socklen_t tolen, const struct bt_opts *o)
{
	char buf[2048];
	ssize_t n;
	int e;

	if (connect(fd, to, tolen) < 0 && errno != EINPROGRESS)
		return bt_fail(errno, "connect");
	if (o->tcp && (e = bt_wait(fd, POLLOUT)) < 0)
		return bt_fail(-e, "connect");
	if (o->tcp) {
		socklen_t l = sizeof(e);

		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &l) < 0 || e)
			return bt_fail(e ? e : errno, "connect");
	} else if (send(fd, o->msg, strlen(o->msg), 0) < 0) {
		return bt_fail(errno, "send");
	}
	if ((e = bt_wait(fd, POLLIN)) < 0)
		return bt_fail(-e, "no answer");
	n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	if (n <= 0)
		return bt_fail(n < 0 ? errno : ECONNRESET, "recv");
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	printf("%s\n", buf);
	return 0;
}

/* What a privileged owner, or the application, set before binding. */
static int bt_prepare(int fd, int fam, const struct bt_opts *o)
{
	int one = 1;
	unsigned mark = (unsigned)o->mark;

	if (o->v6only && fam == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)
		return -errno;
	if (o->bind_dev && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, o->bind_dev,
				      (socklen_t)strlen(o->bind_dev)) < 0)
		return -errno;
	if (o->mark && setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) < 0)
		return -errno;
	return 0;
}

static void bt_show_dev(int fd)
{
	int dev = -1;
	socklen_t l = sizeof(dev);

	getsockopt(fd, SOL_SOCKET, SO_BINDTOIFINDEX, &dev, &l);
	printf("dev %d\n", dev);
}

static int bt_run(const struct bt_opts *o)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	char err[512] = "";
	long port = strtol(o->port, NULL, 10);
	int fam, fd, r;

	if (port <= 0 || port > 65535)
		return bt_usage();
	if (inet_pton(AF_INET, o->addr, &s4->sin_addr) == 1) {
		fam = s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
	} else if (inet_pton(AF_INET6, o->addr, &s6->sin6_addr) == 1) {
		fam = s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
	} else {
		return bt_usage();
	}
	fd = socket(fam, (o->tcp ? SOCK_STREAM | SOCK_NONBLOCK : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return bt_fail(errno, "socket");
	if ((r = bt_prepare(fd, fam, o)) == 0)
		r = mif_bind_pvd(o->socket, fd, o->pvd, err, sizeof(err));
	if (r < 0) {
		close(fd);
		return bt_fail(-r, err[0] ? err : NULL);
	}
	if (o->show_dev)
		bt_show_dev(fd);
	r = o->hold ? bt_hold(o->hold) : 0;
	if (r == 0)
		r = bt_talk(fd, (struct sockaddr *)&ss, fam == AF_INET ? sizeof(*s4) : sizeof(*s6), o);
	close(fd);
	return r;
}

static int bt_not_socket(const struct bt_opts *o)
{
	char err[512];
	int p[2], r;

	if (pipe2(p, O_CLOEXEC) < 0)
		return bt_fail(errno, "pipe");
	r = mif_bind_pvd(o->socket, p[0], o->pvd, err, sizeof(err));
	close(p[0]);
	close(p[1]);
	if (r < 0)
		return bt_fail(-r, err);
	printf("bound a pipe?!\n");
	return 1;
}

/* The bind socket's path, as libmif derives it. */
static int bt_connect(const char *ctl)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	size_t n;
	int fd;

	if (!ctl)
		ctl = getenv("MIF_SOCKET");
	if (!ctl)
		ctl = MIF_DEFAULT_SOCKET_PATH;
	n = strlen(ctl);
	if (n < 5 || n + 6 >= sizeof(sun.sun_path) || strcmp(ctl + n - 5, ".sock"))
		return -ENAMETOOLONG;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%.*s-bind.sock", (int)(n - 5), ctl);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		int e = -errno;

		if (fd >= 0)
			close(fd);
		return e;
	}
	return fd;
}

/* Send one malformed request: data, and nfds copies of a UDP socket. */
static int bt_send_raw(int s, void *data, size_t len, int nfds)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int) * 2)];
	} cb;
	struct iovec iov = { .iov_base = data, .iov_len = len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	int fds[2] = { -1, -1 }, r;

	for (int i = 0; i < nfds; i++)
		fds[i] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (nfds) {
		memset(&cb, 0, sizeof(cb));
		m.msg_control = cb.b;
		m.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
		CMSG_FIRSTHDR(&m)->cmsg_level = SOL_SOCKET;
		CMSG_FIRSTHDR(&m)->cmsg_type = SCM_RIGHTS;
		CMSG_FIRSTHDR(&m)->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
		memcpy(CMSG_DATA(CMSG_FIRSTHDR(&m)), fds, sizeof(int) * (size_t)nfds);
	}
	r = sendmsg(s, &m, MSG_NOSIGNAL) < 0 ? -errno : 0;
	for (int i = 0; i < nfds; i++)
		close(fds[i]);
	return r;
}

/* Send data with descriptor fd attached. */
static int bt_send_fd(int s, char *data, size_t len, int fd)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} cb;
	struct iovec iov = { .iov_base = data, .iov_len = len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cb.b,
			    .msg_controllen = sizeof(cb.b) };

	memset(&cb, 0, sizeof(cb));
	CMSG_FIRSTHDR(&m)->cmsg_level = SOL_SOCKET;
	CMSG_FIRSTHDR(&m)->cmsg_type = SCM_RIGHTS;
	CMSG_FIRSTHDR(&m)->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(CMSG_FIRSTHDR(&m)), &fd, sizeof(int));
	return sendmsg(s, &m, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

static int bt_garbage(const struct bt_opts *o)
{
	static char big[8192];
	char json[] = "{\"pvd\":\"1\"}";
	char rnd[200], buf[1024];
	int s = bt_connect(o->socket), r;
	ssize_t n;

	if (s < 0)
		return bt_fail(-s, "connect to the bind socket");
	for (size_t i = 0; i < sizeof(rnd); i++)
		rnd[i] = (char)(random() & 0xff);
	memset(big, '{', sizeof(big));
	if (!strcmp(o->garbage, "random"))
		r = bt_send_raw(s, rnd, sizeof(rnd), 0);
	else if (!strcmp(o->garbage, "oversized"))
		r = bt_send_raw(s, big, sizeof(big), 1);
	else if (!strcmp(o->garbage, "two-fds"))
		r = bt_send_raw(s, json, strlen(json), 2);
	else if (!strcmp(o->garbage, "no-fd"))
		r = bt_send_raw(s, json, strlen(json), 0);
	else if (!strcmp(o->garbage, "cut"))
		r = bt_send_raw(s, json, strlen(json), 1);   /* then leave at once */
	else
		return close(s), bt_usage();
	if (r < 0 || !strcmp(o->garbage, "cut")) {
		close(s);
		return r < 0 ? bt_fail(-r, "sendmsg") : (printf("closed\n"), 0);
	}
	if ((r = bt_wait(s, POLLIN)) < 0)
		return close(s), bt_fail(-r, "no answer");
	n = recv(s, buf, sizeof(buf) - 1, 0);
	close(s);
	if (n <= 0)
		return printf("closed\n"), 0;
	buf[n] = '\0';
	printf("reply: %s\n", buf);
	return 0;
}

static long long bt_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Did mifd answer or close connection s (within ms)? */
static bool bt_answered(int s, int ms)
{
	struct pollfd p = { .fd = s, .events = POLLIN };

	return poll(&p, 1, ms) > 0;
}

/* Open n idle connections; count those answered at once (refused), then
 * wait (20 s at most) until mifd has closed the rest. */
static int bt_hog(const struct bt_opts *o)
{
	int s[64], n = o->hog > 64 ? 64 : (int)o->hog, refused = 0, open = 0;
	long long t0 = bt_now_ms();

	for (int i = 0; i < n; i++)
		if ((s[i] = bt_connect(o->socket)) < 0)
			return bt_fail(-s[i], "connect to the bind socket");
	for (int i = 0; i < n; i++)
		if (bt_answered(s[i], i ? 0 : 300))
			refused++;
	printf("hog: %d connected, %d refused\n", n, refused);
	for (int i = 0; i < n; i++)
		open += !bt_answered(s[i], 0);
	while (open > 0 && bt_now_ms() - t0 < 20000) {
		usleep(50000);
		open = 0;
		for (int i = 0; i < n; i++)
			open += !bt_answered(s[i], 0);
	}
	if (open)
		return bt_fail(ETIMEDOUT, "mifd kept idle connections open");
	printf("hog: all closed after %lld ms\n", bt_now_ms() - t0);
	for (int i = 0; i < n; i++)
		close(s[i]);
	return 0;
}

/* A loopback TCP connection whose close() lingers: *peer never reads and
 * the client's buffers are full. Returns the client or -errno. */
static int bt_lingering(long secs, int *peer)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t l = sizeof(a);
	struct linger lg = { .l_onoff = 1, .l_linger = (int)secs };
	static char junk[65536];
	int small = 4096, ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), c;

	setsockopt(ls, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, l) < 0 || listen(ls, 1) < 0 ||
	    getsockname(ls, (struct sockaddr *)&a, &l) < 0)
		return -errno;
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	setsockopt(c, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	if (c < 0 || connect(c, (struct sockaddr *)&a, l) < 0 ||
	    (*peer = accept4(ls, NULL, NULL, SOCK_CLOEXEC)) < 0)
		return -errno;
	close(ls);
	while (send(c, junk, sizeof(junk), MSG_DONTWAIT) > 0)
		;
	if (setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) < 0)
		return -errno;
	return c;
}

/* One request with n copies of /dev/null (SCM_RIGHTS takes 253 at most). */
static int bt_junk(const struct bt_opts *o)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int) * 253)];
	} cb;
	char json[300], buf[1024];
	struct iovec iov = { .iov_base = json };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cb.b };
	int nul = open("/dev/null", O_RDONLY | O_CLOEXEC), s, r, fds[253];
	ssize_t n;

	if (o->junk < 1 || o->junk > 253)
		return bt_usage();
	if (nul < 0)
		return bt_fail(errno, "/dev/null");
	for (long i = 0; i < o->junk; i++)
		fds[i] = nul;
	if ((s = bt_connect(o->socket)) < 0)
		return bt_fail(-s, "connect to the bind socket");
	iov.iov_len = (size_t)snprintf(json, sizeof(json), "{\"pvd\":\"%s\"}", o->pvd);
	memset(&cb, 0, sizeof(cb));
	m.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)o->junk);
	CMSG_FIRSTHDR(&m)->cmsg_level = SOL_SOCKET;
	CMSG_FIRSTHDR(&m)->cmsg_type = SCM_RIGHTS;
	CMSG_FIRSTHDR(&m)->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)o->junk);
	memcpy(CMSG_DATA(CMSG_FIRSTHDR(&m)), fds, sizeof(int) * (size_t)o->junk);
	if (sendmsg(s, &m, MSG_NOSIGNAL) < 0)
		return bt_fail(errno, "sendmsg");
	if ((r = bt_wait(s, POLLIN)) < 0)
		return bt_fail(-r, "no answer");
	n = recv(s, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	printf(n > 0 ? "reply: %s\n" : "closed\n", buf);
	close(s);
	close(nul);
	return 0;
}

static int bt_linger(const struct bt_opts *o)
{
	char json[300], buf[1024];
	int peer = -1, c = bt_lingering(o->linger, &peer), s, r;
	ssize_t n;

	if (c < 0)
		return bt_fail(-c, "a lingering TCP socket");
	if ((s = bt_connect(o->socket)) < 0)
		return bt_fail(-s, "connect to the bind socket");
	snprintf(json, sizeof(json), "{\"pvd\":\"%s\"}", o->pvd);
	r = bt_send_fd(s, json, strlen(json), c);
	if (r < 0)
		return bt_fail(-r, "sendmsg");
	/* mifd answers before it lets go of its copy, so no answer yet means
	 * ours is not the last and close() returns at once: mifd's copy is
	 * the last. An answer already there means mifd may have closed its
	 * copy first: then close() would linger here, not in mifd, and the
	 * run proves nothing. Say so (exit 3); the caller runs it again. */
	if (poll(&(struct pollfd){ .fd = s, .events = POLLIN }, 1, 0) == 1) {
		struct linger off = { 0 };

		setsockopt(c, SOL_SOCKET, SO_LINGER, &off, sizeof(off));
		close(c);
		printf("raced\n");
		return 3;
	}
	close(c);
	if ((r = bt_wait(s, POLLIN)) < 0)
		return bt_fail(-r, "no answer");
	n = recv(s, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	printf("reply: %s\nholding\n", buf);
	close(s);
	sleep((unsigned)o->linger);
	close(peer);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "socket", required_argument, NULL, 's' }, { "pvd", required_argument, NULL, 'p' },
		{ "udp", no_argument, NULL, 'u' }, { "tcp", no_argument, NULL, 't' },
		{ "msg", required_argument, NULL, 'm' }, { "hold", required_argument, NULL, 'H' },
		{ "not-a-socket", no_argument, NULL, 'N' },
		{ "garbage", required_argument, NULL, 'G' },
		{ "v6only", no_argument, NULL, '6' }, { "bind-dev", required_argument, NULL, 'D' },
		{ "mark", required_argument, NULL, 'M' }, { "show-dev", no_argument, NULL, 'S' },
		{ "hog", required_argument, NULL, 'O' }, { "linger", required_argument, NULL, 'L' },
		{ "junk", required_argument, NULL, 'J' },
		{ NULL, 0, NULL, 0 },
	};
	struct bt_opts o = { .msg = "hello" };
	int c;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 's': o.socket = optarg; break;
		case 'p': o.pvd = optarg; break;
		case 'u': o.tcp = false; break;
		case 't': o.tcp = true; break;
		case 'm': o.msg = optarg; break;
		case 'H': o.hold = optarg; break;
		case 'N': o.not_socket = true; break;
		case 'G': o.garbage = optarg; break;
		case '6': o.v6only = true; break;
		case 'D': o.bind_dev = optarg; break;
		case 'M': o.mark = strtol(optarg, NULL, 0); break;
		case 'S': o.show_dev = true; break;
		case 'O': o.hog = strtol(optarg, NULL, 10); break;
		case 'L': o.linger = strtol(optarg, NULL, 10); break;
		case 'J': o.junk = strtol(optarg, NULL, 10); break;
		default: return bt_usage();
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (o.garbage)
		return bt_garbage(&o);
	if (o.hog > 0)
		return bt_hog(&o);
	if (!o.pvd)
		return bt_usage();
	if (o.linger > 0)
		return bt_linger(&o);
	if (o.junk)
		return bt_junk(&o);
	if (o.not_socket)
		return bt_not_socket(&o);
	if (argc - optind != 2)
		return bt_usage();
	o.addr = argv[optind];
	o.port = argv[optind + 1];
	return bt_run(&o);
}
