/* SPDX-License-Identifier: MIT */
/*
 * The control socket's table of route.get and dns.resolve requests cannot
 * lose work (issue 11, item 3): a client talks to a real control socket
 * over a Unix socket; the stub resolver behind dns.resolve is a fake that
 * never answers unless the test says so.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/ipc.h"
#include "common/log.h"
#include "daemon/control/control.h"
#include "daemon/control/netview.h"
#include "daemon/dns/stub.h"

#define N_WAITING CONTROL_MAX_PER_CLIENT   /* one client's share of control.c's table */

/* The fake stub: dns.resolve hands out tokens and never answers itself. */
static uint32_t fake_tokens[N_WAITING * 2];
static size_t fake_n;

int stub_resolve(struct stub *s, json_t *params, uint32_t *token, char *err, size_t errlen)
{
	assert_true(fake_n < sizeof(fake_tokens) / sizeof(fake_tokens[0]));
	*token = 0x80000000u | (uint32_t)(fake_n + 1);
	fake_tokens[fake_n++] = *token;
	return 0;
}

int stub_flush(struct stub *s, json_t *params, json_t **out, char *err, size_t errlen)
{
	return snprintf(err, errlen, "fake"), -EOPNOTSUPP;
}

void stub_pvd_json(struct stub *s, uint64_t handle, json_t *pvd)
{
}

json_t *stub_status_json(struct stub *s)
{
	return json_object();
}

struct world {
	struct event_base *base;
	struct engine *e;            /* NULL: nobody answers on the engine's side */
	struct netview *nv;
	int efd;                     /* the engine's end when there is no engine */
	struct control *c;
	int kfd;                     /* the engine's kernel side: never answers */
	int cl;                      /* the client */
	char dir[64], path[96];
	char in[1 << 16];
	size_t in_len;
};

static uint64_t cs_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static size_t cs_lines(const struct world *w)
{
	size_t n = 0;

	for (size_t i = 0; i < w->in_len; i++)
		n += w->in[i] == '\n';
	return n;
}

/* Run the loop and read the client's socket for ms, or until n lines came. */
static void cs_run(struct world *w, size_t n, unsigned ms)
{
	uint64_t end = cs_ms() + ms;
	ssize_t r;

	do {
		event_base_loop(w->base, EVLOOP_NONBLOCK);
		while ((r = read(w->cl, w->in + w->in_len, sizeof(w->in) - 1 - w->in_len)) > 0)
			w->in_len += (size_t)r;
		if (cs_lines(w) >= n)
			return;
		usleep(1000);
	} while (cs_ms() < end);
}

/* Take the first line read, parsed. */
static json_t *cs_take(struct world *w)
{
	char *nl = memchr(w->in, '\n', w->in_len);
	size_t len;
	json_t *j;

	assert_non_null(nl);
	len = (size_t)(nl - w->in) + 1;
	j = json_loadb(w->in, len, 0, NULL);
	assert_non_null(j);
	memmove(w->in, w->in + len, w->in_len - len);
	w->in_len -= len;
	return j;
}

static void cs_request(struct world *w, int id, const char *method, const char *params)
{
	char line[256];
	int n = snprintf(line, sizeof(line), "{\"id\":%d,\"method\":\"%s\",\"params\":%s}\n", id,
			 method, params);

	assert_int_equal(write(w->cl, line, (size_t)n), n);
}

static int cs_setup_with(void **state, bool engine)
{
	struct world *w = calloc(1, sizeof(*w));
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fds[2], nfds[2], err = 0;

	assert_non_null(w);
	snprintf(w->dir, sizeof(w->dir), "/tmp/mif-control-seams-XXXXXX");
	assert_non_null(mkdtemp(w->dir));
	snprintf(w->path, sizeof(w->path), "%s/ctl.sock", w->dir);
	assert_int_equal(ipc_pair(fds), 0);
	w->kfd = fds[1];
	w->base = event_base_new();
	assert_non_null(w->base);
	w->e = engine_new(w->base, fds[0]);
	assert_non_null(w->e);
	assert_int_equal(ipc_pair(nfds), 0);
	w->nv = netview_new(w->base, nfds[1]);
	assert_non_null(w->nv);
	w->efd = -1;
	if (engine)
		assert_int_equal(engine_net_attach(w->e, nfds[0]), 0);
	else
		w->efd = nfds[0];
	w->c = control_new(w->base, w->path, w->nv, &err);
	assert_non_null(w->c);
	control_set_stub(w->c, (struct stub *)w);   /* any pointer: the stub is fake */
	control_set_deadline(w->c, 200);
	fake_n = 0;
	w->cl = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_true(w->cl >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", w->path);
	assert_int_equal(connect(w->cl, (struct sockaddr *)&sa, sizeof(sa)), 0);
	*state = w;
	return 0;
}

static int cs_setup(void **state)
{
	return cs_setup_with(state, true);
}

/* The engine's end of the channel is open, and nobody reads it. */
static int cs_setup_silent(void **state)
{
	return cs_setup_with(state, false);
}

static int cs_teardown(void **state)
{
	struct world *w = *state;

	close(w->cl);
	control_free(w->c);
	netview_free(w->nv);
	engine_free(w->e);
	if (w->efd >= 0)
		close(w->efd);
	close(w->kfd);
	event_base_free(w->base);
	rmdir(w->dir);
	free(w);
	return 0;
}

static json_int_t cs_replies_counter(struct world *w, int id, const char *name)
{
	json_t *j, *v;
	json_int_t n;

	cs_request(w, id, "status", "{}");
	cs_run(w, 1, 1000);
	j = cs_take(w);
	assert_int_equal(json_integer_value(json_object_get(j, "id")), id);
	v = json_object_get(json_object_get(json_object_get(json_object_get(j, "result"),
				"control"), "replies"), name);
	assert_true(json_is_integer(v));
	n = json_integer_value(v);
	json_decref(j);
	return n;
}

/* Answers that never come: every client hears ETIMEDOUT once, every slot
 * comes back, a late answer is dropped, and the next request is answered. */
static void test_lost_answers_lapse(void **state)
{
	struct world *w = *state;
	bool seen[N_WAITING + 1] = { false };
	uint64_t t0 = cs_ms();
	json_t *j;

	for (int id = 1; id <= N_WAITING + 1; id++)
		cs_request(w, id, "dns.resolve", "{\"name\":\"example.com\"}");
	cs_run(w, 1, 100);
	/* The one that found no slot is answered EBUSY, after the others:
	 * replies come in the order of the requests. */
	assert_int_equal(cs_lines(w), 0);
	assert_int_equal(fake_n, N_WAITING);

	/* Nothing lapses before the deadline (200 ms)... */
	cs_run(w, 2, 150 - (unsigned)(cs_ms() - t0 < 150 ? cs_ms() - t0 : 150));
	assert_int_equal(cs_lines(w), 0);
	/* ...and every one does after it. */
	cs_run(w, N_WAITING + 1, 3000);
	assert_int_equal(cs_lines(w), N_WAITING + 1);
	assert_true(cs_ms() - t0 >= 200);
	for (int i = 0; i < N_WAITING; i++) {
		json_int_t id;

		j = cs_take(w);
		id = json_integer_value(json_object_get(j, "id"));
		assert_int_equal(id, i + 1);        /* in the order asked */
		assert_false(seen[id]);
		seen[id] = true;
		assert_false(json_is_true(json_object_get(j, "ok")));
		assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"),
					"code")), "ETIMEDOUT");
		assert_non_null(strstr(json_string_value(json_object_get(json_object_get(j,
					"error"), "message")), "no answer within 200 ms"));
		json_decref(j);
	}
	j = cs_take(w);
	assert_int_equal(json_integer_value(json_object_get(j, "id")), N_WAITING + 1);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"),
				"code")), "EBUSY");
	json_decref(j);
	assert_int_equal(cs_replies_counter(w, 100, "lapsed"), N_WAITING);

	/* The stub answers the first one now: too late, nobody hears it. */
	control_route_reply(w->c, fake_tokens[0], 0, json_pack("{s:s}", "late", "yes"), NULL);
	cs_run(w, 1, 50);
	assert_int_equal(cs_lines(w), 0);
	assert_int_equal(cs_replies_counter(w, 101, "late"), 1);

	/* A slot is free again, and this answer reaches its client. */
	cs_request(w, 200, "dns.resolve", "{\"name\":\"example.org\"}");
	cs_run(w, 1, 50);
	assert_int_equal(fake_n, N_WAITING + 1);
	control_route_reply(w->c, fake_tokens[N_WAITING], 0, json_pack("{s:s}", "name",
			    "example.org"), NULL);
	cs_run(w, 1, 1000);
	j = cs_take(w);
	assert_int_equal(json_integer_value(json_object_get(j, "id")), 200);
	assert_true(json_is_true(json_object_get(j, "ok")));
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "result"),
				"name")), "example.org");
	json_decref(j);
	assert_int_equal(cs_replies_counter(w, 102, "lapsed"), N_WAITING);
}

/* An answer in time is not also answered by the sweep. */
static void test_answer_in_time_once(void **state)
{
	struct world *w = *state;
	json_t *j;

	cs_request(w, 7, "dns.resolve", "{\"name\":\"example.net\"}");
	cs_run(w, 1, 50);
	assert_int_equal(fake_n, 1);
	control_route_reply(w->c, fake_tokens[0], -ENOENT, NULL, "no PvD can answer");
	cs_run(w, 1, 1000);
	j = cs_take(w);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"),
				"code")), "ENOENT");
	json_decref(j);
	cs_run(w, 1, 400);                          /* past the deadline */
	assert_int_equal(cs_lines(w), 0);
	assert_int_equal(cs_replies_counter(w, 8, "lapsed"), 0);
}

/* One client with its share of lookups waiting cannot keep another from
 * being answered (issue 17: no local user starves the others). */
static void test_one_client_cannot_starve(void **state)
{
	struct world *w = *state;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[4096];
	ssize_t n = 0;
	int other = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	const char *req = "{\"id\":9,\"method\":\"pvd.list\"}\n";

	for (int id = 1; id <= N_WAITING + 5; id++)
		cs_request(w, id, "dns.resolve", "{\"name\":\"example.com\"}");
	cs_run(w, 1, 100);
	assert_int_equal(fake_n, N_WAITING);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", w->path);
	assert_int_equal(connect(other, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(write(other, req, strlen(req)), (ssize_t)strlen(req));
	for (int i = 0; i < 500 && n <= 0; i++) {
		event_base_loop(w->base, EVLOOP_NONBLOCK);
		n = read(other, buf, sizeof(buf) - 1);
		usleep(1000);
	}
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "\"ok\":true"));
	close(other);
}

/* A client of user uid (SO_PEERCRED is taken at connect(): the child
 * connects as uid, the socket stays here). */
static int cs_connect_as(struct world *w, uid_t uid)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0), st = -1;
	pid_t pid;

	assert_true(fd >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", w->path);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(setgid(uid) == 0 && setuid(uid) == 0 &&
		      connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 ? 0 : 1);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	return fd;
}

/* One user with several connections: its lookups stop at the user's share
 * (control.h), with a message that says so; root's are still taken. */
static void test_one_user_cannot_starve(void **state)
{
	struct world *w = *state;
	char line[128], buf[65536];
	int fds[3];
	size_t busy = 0;

	if (geteuid() != 0) {
		skip();
		return;
	}
	assert_int_equal(chmod(w->dir, 0755), 0);
	for (int k = 0; k < 3; k++) {
		fds[k] = cs_connect_as(w, 65534);
		for (int id = 1; id <= 20; id++) {
			int n = snprintf(line, sizeof(line), "{\"id\":%d,\"method\":\"dns.resolve\","
					 "\"params\":{\"name\":\"x%d.example\"}}\n", id, id);

			assert_int_equal(write(fds[k], line, (size_t)n), n);
		}
	}
	for (int i = 0; i < 300; i++) {
		event_base_loop(w->base, EVLOOP_NONBLOCK);
		usleep(1000);
	}
	assert_int_equal(fake_n, CONTROL_MAX_USER_STUB);
	for (int k = 0; k < 3; k++) {
		ssize_t n = read(fds[k], buf, sizeof(buf) - 1);

		buf[n > 0 ? n : 0] = '\0';
		for (char *p = buf; (p = strstr(p, "for this user")); p++)
			busy++;
		close(fds[k]);
	}
	assert_int_equal(busy, 60 - CONTROL_MAX_USER_STUB);
	cs_request(w, 1, "dns.resolve", "{\"name\":\"root.example\"}");
	cs_run(w, 1, 100);
	assert_int_equal(fake_n, CONTROL_MAX_USER_STUB + 1);
}

/* A request the engine answers, whose answer is lost between the two
 * processes: the client hears ETIMEDOUT, the slot comes back. */
static void test_engine_answer_lost(void **state)
{
	struct world *w = *state;
	uint64_t t0 = cs_ms();
	json_t *j;

	cs_request(w, 1, "pvd.list", "{}");
	cs_run(w, 1, 3000);
	assert_true(cs_ms() - t0 >= 200);
	j = cs_take(w);
	assert_int_equal(json_integer_value(json_object_get(j, "id")), 1);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"),
				"code")), "ETIMEDOUT");
	json_decref(j);
	/* The control socket itself still answers what it knows alone. */
	cs_request(w, 2, "subscribe", "{}");
	cs_run(w, 1, 1000);
	j = cs_take(w);
	assert_true(json_is_true(json_object_get(j, "ok")));
	json_decref(j);
}

/* Requests the engine answers go there and back through the channel. */
static void test_engine_answers(void **state)
{
	struct world *w = *state;
	json_t *j;

	cs_request(w, 5, "pvd.list", "{}");
	cs_run(w, 1, 1000);
	j = cs_take(w);
	assert_true(json_is_true(json_object_get(j, "ok")));
	assert_true(json_is_array(json_object_get(json_object_get(j, "result"), "pvds")));
	json_decref(j);
	cs_request(w, 6, "pvd.get", "{\"id\":\"nope.example\"}");
	cs_run(w, 1, 1000);
	j = cs_take(w);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"),
				"code")), "ENOENT");
	json_decref(j);
	cs_request(w, 7, "status", "{}");
	cs_run(w, 1, 1000);
	j = cs_take(w);
	assert_non_null(json_object_get(json_object_get(json_object_get(j, "result"),
							"processes"), "engine"));
	assert_non_null(json_object_get(json_object_get(json_object_get(j, "result"),
							"processes"), "net"));
	assert_non_null(json_object_get(json_object_get(j, "result"), "routing"));
	json_decref(j);
}

/* The error of the next reply, which must be for id. */
static void cs_expect_error(struct world *w, int id, const char *code, const char *text)
{
	json_t *j, *err;

	cs_run(w, 1, 1000);
	j = cs_take(w);
	assert_int_equal(json_integer_value(json_object_get(j, "id")), id);
	err = json_object_get(j, "error");
	assert_string_equal(json_string_value(json_object_get(err, "code")), code);
	assert_non_null(strstr(json_string_value(json_object_get(err, "message")), text));
	json_decref(j);
}

/* Issue 17: a parameter of the wrong type is refused with a clear error,
 * never read as absent (a numeric "pvd" sent dns.resolve through the
 * default network), and so is one the method does not take. Nothing of
 * such a request reaches the stub or the engine. */
static void test_wrong_types_refused(void **state)
{
	struct world *w = *state;

	cs_request(w, 1, "dns.resolve", "{\"name\":\"example.com\",\"pvd\":5}");
	cs_expect_error(w, 1, "EINVAL", "pvd: must be a string");
	cs_request(w, 2, "route.get", "{\"destination\":\"2001:db8::1\",\"pvd\":7}");
	cs_expect_error(w, 2, "EINVAL", "pvd: must be a string");
	cs_request(w, 3, "route.get", "{\"destination\":\"2001:db8::1\",\"from\":1}");
	cs_expect_error(w, 3, "EINVAL", "from: must be a string");
	cs_request(w, 4, "dns.which", "{\"name\":\"example.com\",\"pvd\":3}");
	cs_expect_error(w, 4, "EINVAL", "pvd: must be a string");
	cs_request(w, 5, "dns.resolve", "{\"name\":\"example.com\",\"pvd\":null}");
	cs_expect_error(w, 5, "EINVAL", "pvd: must be a string");
	cs_request(w, 6, "route.get", "{\"destination\":\"2001:db8::1\",\"source\":\"::1\"}");
	cs_expect_error(w, 6, "EINVAL", "route.get takes");
	cs_request(w, 7, "dns.resolve", "{\"name\":[\"example.com\"]}");
	cs_expect_error(w, 7, "EINVAL", "name: must be a string");
	assert_int_equal(fake_n, 0);          /* no query went out */
	/* The right types pass: a type may be a name or a number. */
	cs_request(w, 8, "dns.resolve", "{\"name\":\"example.com\",\"type\":28,\"pvd\":\"x\"}");
	cs_run(w, 0, 50);
	assert_int_equal(fake_n, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lost_answers_lapse, cs_setup, cs_teardown),
		cmocka_unit_test_setup_teardown(test_answer_in_time_once, cs_setup, cs_teardown),
		cmocka_unit_test_setup_teardown(test_engine_answers, cs_setup, cs_teardown),
		cmocka_unit_test_setup_teardown(test_wrong_types_refused, cs_setup, cs_teardown),
		cmocka_unit_test_setup_teardown(test_one_client_cannot_starve, cs_setup, cs_teardown),
		cmocka_unit_test_setup_teardown(test_one_user_cannot_starve, cs_setup, cs_teardown),
		cmocka_unit_test_setup_teardown(test_engine_answer_lost, cs_setup_silent,
						cs_teardown),
	};

	log_set_level(LOG_LVL_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
