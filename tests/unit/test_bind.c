/* SPDX-License-Identifier: MIT */
/* libmif's mif_bind_pvd() against a fake bind socket: the request it sends
 * and what it makes of every kind of answer (or of none). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <mif/mif.h>

struct fake {
	char dir[32], ctl[64], bind[64];
	int lfd;
};

static int setup(void **state)
{
	struct fake *f = calloc(1, sizeof(*f));
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	snprintf(f->dir, sizeof(f->dir), "/tmp/mif-bind-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->ctl, sizeof(f->ctl), "%s/mifd.sock", f->dir);
	snprintf(f->bind, sizeof(f->bind), "%s/mifd-bind.sock", f->dir);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", f->bind);
	f->lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	assert_true(f->lfd >= 0);
	assert_int_equal(bind(f->lfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(f->lfd, 4), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fake *f = *state;

	close(f->lfd);
	unlink(f->bind);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* The child: accept, check the request carries one socket and the JSON,
 * answer `reply` (NULL: close without answering; "": never answer). */
static void serve(struct fake *f, const char *reply)
{
	char buf[256], cb[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) - 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cb,
			    .msg_controllen = sizeof(cb) };
	struct cmsghdr *h;
	struct stat st;
	int c = accept(f->lfd, NULL, NULL), fd = -1;
	ssize_t n = recvmsg(c, &m, 0);

	h = CMSG_FIRSTHDR(&m);
	if (h && h->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(h), sizeof(int));
	if (n <= 0 || fd < 0 || fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode))
		_exit(3);
	buf[n] = '\0';
	if (strcmp(buf, "{\"pvd\":\"corp\"}") != 0)
		_exit(4);
	if (reply && !*reply)
		sleep(MIF_BIND_TIMEOUT_MS / 1000 + 2);
	else if (reply)
		send(c, reply, strlen(reply), 0);
	_exit(0);
}

static int call(struct fake *f, const char *reply, char *err, size_t len)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0), r, st = 0;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		serve(f, reply);
	r = mif_bind_pvd(f->ctl, s, "corp", err, len);
	if (reply && !*reply)
		kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	if (!(reply && !*reply))
		assert_int_equal(WEXITSTATUS(st), 0);
	close(s);
	return r;
}

static void test_ok(void **state)
{
	char err[128] = "x";

	assert_int_equal(call(*state, "{\"ok\":true,\"pvd\":\"corp\",\"mark\":66537}", err,
			      sizeof(err)), 0);
	assert_string_equal(err, "");
}

static void test_errors(void **state)
{
	char err[128];

	assert_int_equal(call(*state, "{\"ok\":false,\"errno\":2,\"error\":\"no PvD \\\"corp\\\"\"}",
			      err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "no PvD \"corp\"");
	assert_int_equal(call(*state, "{\"ok\":false,\"errno\":88,\"error\":\"x\"}", err,
			      sizeof(err)), -ENOTSOCK);
	/* Garbage, an errno out of range, ok without pvd: all EPROTO. */
	assert_int_equal(call(*state, "\xff\x00garbage", err, sizeof(err)), -EPROTO);
	assert_int_equal(call(*state, "{\"ok\":false,\"errno\":99999}", err, sizeof(err)),
			 -EPROTO);
	assert_int_equal(call(*state, "{\"ok\":false,\"errno\":-1}", NULL, 0), -EPROTO);
	assert_int_equal(call(*state, "{\"ok\":true}", err, sizeof(err)), -EPROTO);
	assert_int_equal(call(*state, "[1]", err, 1), -EPROTO);
	assert_string_equal(err, "");       /* a 1-byte buffer holds just the NUL */
	/* mifd closes without a word. */
	assert_int_equal(call(*state, NULL, err, sizeof(err)), -ECONNRESET);
}

static void test_timeout(void **state)
{
	char err[128];

	assert_int_equal(call(*state, "", err, sizeof(err)), -ETIMEDOUT);
	assert_non_null(strstr(err, "did not answer"));
}

static void test_not_running(void **state)
{
	struct fake *f = *state;
	char err[256], path[160];
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	snprintf(path, sizeof(path), "%s/none.sock", f->dir);
	assert_int_equal(mif_bind_pvd(path, s, "corp", err, sizeof(err)), -ECONNREFUSED);
	assert_non_null(strstr(err, "none-bind.sock"));
	assert_int_equal(mif_bind_pvd(f->ctl, s, NULL, err, sizeof(err)), -EINVAL);
	assert_int_equal(mif_bind_pvd(f->ctl, s, "", err, sizeof(err)), -EINVAL);
	assert_int_equal(mif_bind_pvd(f->ctl, -1, "corp", err, sizeof(err)), -EBADF);
	memset(path, 'a', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	assert_int_equal(mif_bind_pvd(path, s, "corp", err, sizeof(err)), -ENAMETOOLONG);
	close(s);
}

/* A listener at path with backlog 0 that never accepts, its backlog
 * filled by one connection (*filler): a stalled mifd. */
static int stalled(const char *path, int type, int *filler)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int l = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	unlink(path);
	assert_true(l >= 0);
	assert_int_equal(bind(l, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(l, 0), 0);
	*filler = socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	assert_int_equal(connect(*filler, (struct sockaddr *)&sun, sizeof(sun)), 0);
	return l;
}

static double elapsed_s(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* mifd's backlog is full: connect() would wait forever; libmif gives up
 * after its timeout, for binding and for the control socket alike. */
static void test_backlog_full(void **state)
{
	struct fake *f = *state;
	struct mif_ctl *c = NULL;
	struct timespec t0;
	char err[256];
	int s = socket(AF_INET, SOCK_DGRAM, 0), fill, fill2, l2;
	double t;

	close(f->lfd);
	f->lfd = stalled(f->bind, SOCK_SEQPACKET, &fill);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(mif_bind_pvd(f->ctl, s, "corp", err, sizeof(err)), -ETIMEDOUT);
	t = elapsed_s(&t0);
	assert_true(t > MIF_BIND_TIMEOUT_MS / 1000.0 - 0.2 && t < MIF_BIND_TIMEOUT_MS / 1000.0 + 1);
	assert_non_null(strstr(err, "did not accept"));
	l2 = stalled(f->ctl, SOCK_STREAM, &fill2);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(mif_ctl_open(f->ctl, &c), -ETIMEDOUT);
	t = elapsed_s(&t0);
	assert_true(t > 4.8 && t < 6);
	assert_null(c);
	close(fill);
	close(fill2);
	close(l2);
	unlink(f->ctl);
	close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_running, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backlog_full, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
