/* SPDX-License-Identifier: MIT */
/*
 * mif-bind-test: bind a socket to a PvD through libmif (mif_bind_pvd) and
 * use it, for the test worlds (tests/world/test-bind.sh). Not installed.
 *
 *   mif-bind-test [--socket PATH] --pvd ID [--udp | --tcp] ADDR PORT
 *                 [--msg TEXT] [--hold FILE]
 *   mif-bind-test [--socket PATH] --pvd ID --not-a-socket
 *   mif-bind-test [--socket PATH] --garbage random|oversized|two-fds|no-fd|cut
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
 * Exit status: 0 success (a garbage request that got any answer or a
 * close), 1 failure, 2 bad arguments.
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
#include <unistd.h>

#include <mif/mif.h>

#define BT_TIMEOUT_MS 3000
#define BT_HOLD_S 60

struct bt_opts {
	const char *socket, *pvd, *addr, *port, *msg, *hold, *garbage;
	bool tcp, not_socket;
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
		"[--msg TEXT] [--hold FILE]\n"
		"       mif-bind-test [--socket PATH] --pvd ID --not-a-socket\n"
		"       mif-bind-test [--socket PATH] --garbage "
		"random|oversized|two-fds|no-fd|cut\n");
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

static int bt_run(const struct bt_opts *o)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	char err[512];
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
	r = mif_bind_pvd(o->socket, fd, o->pvd, err, sizeof(err));
	if (r < 0) {
		close(fd);
		return bt_fail(-r, err);
	}
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

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "socket", required_argument, NULL, 's' }, { "pvd", required_argument, NULL, 'p' },
		{ "udp", no_argument, NULL, 'u' }, { "tcp", no_argument, NULL, 't' },
		{ "msg", required_argument, NULL, 'm' }, { "hold", required_argument, NULL, 'H' },
		{ "not-a-socket", no_argument, NULL, 'N' },
		{ "garbage", required_argument, NULL, 'G' }, { NULL, 0, NULL, 0 },
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
		default: return bt_usage();
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (o.garbage)
		return bt_garbage(&o);
	if (!o.pvd)
		return bt_usage();
	if (o.not_socket)
		return bt_not_socket(&o);
	if (argc - optind != 2)
		return bt_usage();
	o.addr = argv[optind];
	o.port = argv[optind + 1];
	return bt_run(&o);
}
