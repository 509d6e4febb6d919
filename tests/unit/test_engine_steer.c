/* SPDX-License-Identifier: MIT */
/*
 * Answer-based steering, the engine's decisions (routing/engine_steer.c,
 * doc/steering.md): the engine runs on one end of a SOCK_SEQPACKET pair,
 * this test reads what it sends the parent (MSG_STEER_ADD,
 * MSG_STEER_CGROUPS) on the other, and feeds it the stub's notes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon/engine/engine_priv.h"

struct fake {
	struct event_base *base;
	struct engine *e;
	int kfd;
	uint64_t a, b;               /* two PvDs' handles */
};

static int steer_setup(void **state)
{
	struct fake *f = calloc(1, sizeof(*f));
	struct in6_addr r1, r2;
	int fds[2];

	assert_non_null(f);
	assert_int_equal(ipc_pair(fds), 0);
	f->base = event_base_new();
	f->e = engine_new(f->base, fds[0]);
	assert_non_null(f->e);
	f->kfd = fds[1];
	inet_pton(AF_INET6, "fe80::1", &r1);
	inet_pton(AF_INET6, "fe80::2", &r2);
	f->a = pvd_create_implicit(&f->e->store, 2, &r1, "eth0")->handle;
	f->b = pvd_create_implicit(&f->e->store, 3, &r2, "wlan0")->handle;
	assert_int_equal(engine_steer_set_answers(f->e, true), 0);
	*state = f;
	return 0;
}

static int steer_teardown(void **state)
{
	struct fake *f = *state;

	engine_free(f->e);
	close(f->kfd);
	event_base_free(f->base);
	free(f);
	return 0;
}

/* One note with one address, as the stub sends it. */
static void steer_note(struct fake *f, uint64_t handle, const char *addr, uint32_t ttl)
{
	static struct ipc_msg m;
	struct msg_steer_batch b = { .n = 1, .seq = 7 };

	b.e[0].handle = handle;
	b.e[0].ttl = ttl;
	b.e[0].family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	assert_int_equal(inet_pton(b.e[0].family, addr, b.e[0].addr), 1);
	m.hdr.type = MSG_STEER_NOTE;
	m.hdr.len = sizeof(b);
	m.fd = -1;
	memcpy(m.data, &b, sizeof(b));
	engine_steer_note(f->e, &m);
	event_base_loop(f->base, EVLOOP_NONBLOCK);
}

/* What the engine sent the parent since: the last MSG_STEER_ADD in out,
 * how many there were. */
static int steer_adds(struct fake *f, struct msg_steer_batch *out)
{
	static struct ipc_msg m;
	int n = 0;

	while (ipc_recv(f->kfd, &m) == 1) {
		if (m.hdr.type != MSG_STEER_ADD)
			continue;
		assert_int_equal(m.hdr.len, sizeof(*out));
		memcpy(out, m.data, sizeof(*out));
		n++;
	}
	return n;
}

static json_int_t steer_counter(struct fake *f, const char *key)
{
	json_t *j = engine_steer_json(f->e);
	json_int_t v = json_integer_value(json_object_get(json_object_get(j, "counters"), key));

	json_decref(j);
	return v;
}

/* A new address goes to its PvD's set with the TTL and the grace; the
 * same answer again changes nothing; the batch number is kept. */
static void test_steer_new_and_same(void **state)
{
	struct fake *f = *state;
	struct msg_steer_batch b;
	uint8_t want[16];

	steer_note(f, f->b, "2001:db8:77::10", 60);
	assert_int_equal(steer_adds(f, &b), 1);
	assert_int_equal(b.n, 1);
	assert_int_equal(b.seq, 7);
	assert_true(b.e[0].handle == f->b);
	assert_int_equal(b.e[0].family, AF_INET6);
	assert_int_equal(b.e[0].ttl, 62);
	inet_pton(AF_INET6, "2001:db8:77::10", want);
	assert_memory_equal(b.e[0].addr, want, 16);
	steer_note(f, f->b, "2001:db8:77::10", 60);
	assert_int_equal(steer_adds(f, &b), 0);
	assert_int_equal(steer_counter(f, "unchanged"), 1);
}

/* Returned by a second PvD while the first's is valid: the "two PvDs"
 * set (handle 0), once; again from either: nothing new. */
static void test_steer_two_pvds(void **state)
{
	struct fake *f = *state;
	struct msg_steer_batch b;
	json_t *j;

	steer_note(f, f->b, "192.0.2.7", 300);
	assert_int_equal(steer_adds(f, &b), 1);
	steer_note(f, f->a, "192.0.2.7", 30);
	assert_int_equal(steer_adds(f, &b), 1);
	assert_true(b.e[0].handle == 0);
	assert_int_equal(b.e[0].family, AF_INET);
	assert_true(b.e[0].ttl >= 300);        /* the longer of the two */
	steer_note(f, f->b, "192.0.2.7", 30);
	assert_int_equal(steer_adds(f, &b), 0);
	assert_int_equal(steer_counter(f, "two_pvds"), 1);
	j = engine_steer_json(f->e);
	assert_int_equal(json_integer_value(json_object_get(j, "two_pvds")), 1);
	json_decref(j);
}

/* Steered to a PvD that then left: another PvD's answer steers it anew
 * (no "two PvDs" against a PvD that is gone). */
static void test_steer_pvd_left(void **state)
{
	struct fake *f = *state;
	struct msg_steer_batch b;

	steer_note(f, f->b, "2001:db8:77::30", 300);
	assert_int_equal(steer_adds(f, &b), 1);
	pvd_destroy(&f->e->store, pvd_find_handle(&f->e->store, f->b));
	steer_note(f, f->a, "2001:db8:77::30", 300);
	assert_int_equal(steer_adds(f, &b), 1);
	assert_true(b.e[0].handle == f->a);
	assert_int_equal(steer_counter(f, "two_pvds"), 0);
}

/* An element near its end is refreshed when a new answer comes. */
static void test_steer_refresh(void **state)
{
	struct fake *f = *state;
	struct msg_steer_batch b;

	steer_note(f, f->a, "2001:db8:1::5", 0);       /* valid 2 s */
	assert_int_equal(steer_adds(f, &b), 1);
	steer_note(f, f->a, "2001:db8:1::5", 600);
	assert_int_equal(steer_adds(f, &b), 1);
	assert_int_equal(b.e[0].ttl, 602);
	assert_int_equal(steer_counter(f, "refreshed"), 1);
}

/* A PvD that left, a malformed note, answers off: nothing sent. */
static void test_steer_ignored(void **state)
{
	struct fake *f = *state;
	struct msg_steer_batch b;
	static struct ipc_msg m;

	steer_note(f, 12345, "2001:db8:1::6", 60);
	assert_int_equal(steer_adds(f, &b), 0);
	assert_int_equal(steer_counter(f, "pvd_gone"), 1);
	m.hdr.type = MSG_STEER_NOTE;
	m.hdr.len = 10;
	m.fd = -1;
	engine_steer_note(f->e, &m);
	assert_int_equal(f->e->net.bad, 1);
	engine_steer_set_answers(f->e, false);
	steer_note(f, f->a, "2001:db8:1::7", 60);
	assert_int_equal(steer_adds(f, &b), 0);
}

/* The cgroup list: bad paths refused, a good one sent whole. */
static void test_steer_cgroups(void **state)
{
	struct fake *f = *state;
	struct engine_steer_cg cg[2];
	static struct ipc_msg m;
	struct msg_steer_cgroups c;
	const char *bad[] = { "", "/abs", "a/../b", "..", "a//b", "a/", "./a" };

	memset(cg, 0, sizeof(cg));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(cg[0].path, sizeof(cg[0].path), "%s", bad[i]);
		assert_int_equal(engine_steer_set_cgroups(f->e, cg, 1), -EINVAL);
	}
	snprintf(cg[0].path, sizeof(cg[0].path), "app.slice/mms.scope");
	cg[0].handle = f->a;
	snprintf(cg[1].path, sizeof(cg[1].path), "user.slice");
	cg[1].handle = f->b;
	assert_int_equal(engine_steer_set_cgroups(f->e, cg, 2), 0);
	assert_int_equal(ipc_recv(f->kfd, &m), 1);
	assert_int_equal(m.hdr.type, MSG_STEER_CGROUPS);
	assert_int_equal(m.hdr.len, sizeof(c));
	memcpy(&c, m.data, sizeof(c));
	assert_int_equal(c.n, 2);
	assert_string_equal(c.e[0].path, "app.slice/mms.scope");
	assert_true(c.e[1].handle == f->b);
	assert_int_equal(engine_steer_set_cgroups(f->e, cg, MSG_STEER_CGROUPS_MAX + 1), -EINVAL);
}

/* The last MSG_STEER_CGROUPS the engine sent, or -1 if none. */
static int steer_last_cg(struct fake *f, struct msg_steer_cgroups *c)
{
	static struct ipc_msg m;
	int got = -1;

	while (ipc_recv(f->kfd, &m) == 1)
		if (m.hdr.type == MSG_STEER_CGROUPS) {
			assert_int_equal(m.hdr.len, sizeof(*c));
			memcpy(c, m.data, sizeof(*c));
			got = 0;
		}
	return got;
}

/* A cgroup's PvD leaves (handle 0 sent: no rule) and comes back with a
 * new handle: the entry follows it by id. */
static void test_steer_cgroup_follows_pvd(void **state)
{
	struct fake *f = *state;
	struct engine_steer_cg cg = { .path = "app.slice" };
	struct msg_steer_cgroups c;
	struct in6_addr r1;
	uint64_t again;

	cg.handle = f->a;
	assert_int_equal(engine_steer_set_cgroups(f->e, &cg, 1), 0);
	assert_int_equal(steer_last_cg(f, &c), 0);
	assert_true(c.e[0].handle == f->a);
	engine_steer_pvds_changed(f->e);
	assert_int_equal(steer_last_cg(f, &c), -1);     /* nothing changed: nothing sent */
	pvd_destroy(&f->e->store, pvd_find_handle(&f->e->store, f->a));
	engine_steer_pvds_changed(f->e);
	assert_int_equal(steer_last_cg(f, &c), 0);
	assert_int_equal(c.n, 1);
	assert_true(c.e[0].handle == 0);
	inet_pton(AF_INET6, "fe80::1", &r1);
	again = pvd_create_implicit(&f->e->store, 2, &r1, "eth0")->handle;
	assert_true(again != f->a);
	engine_steer_pvds_changed(f->e);
	assert_int_equal(steer_last_cg(f, &c), 0);
	assert_true(c.e[0].handle == again);
	assert_string_equal(c.e[0].path, "app.slice");
}

/* A policy file as the parent sends it (MSG_POLICY_FILE, one piece), then
 * the end of the load (MSG_POLICY_FILES_END). */
static void steer_policy(struct fake *f, const char *text)
{
	static struct ipc_msg m;
	struct msg_pvd_file pf = { .name = "50-user.conf" };
	struct chan_part part = { 0, 0 };
	struct msg_policy_files_end end = { .prec = { POLICY_SYSTEM, POLICY_OPERATOR, POLICY_USER } };
	size_t len = strlen(text);

	memset(&m, 0, sizeof(m));
	m.hdr.type = MSG_POLICY_FILE;
	memcpy(m.data, &pf, sizeof(pf));
	memcpy(m.data + sizeof(pf), &part, sizeof(part));
	memcpy(m.data + sizeof(pf) + sizeof(part), text, len);
	m.hdr.len = (uint32_t)(sizeof(pf) + sizeof(part) + len);
	engine_policy_msg(f->e, &m);
	memset(&m, 0, sizeof(m));
	m.hdr.type = MSG_POLICY_FILES_END;
	snprintf(end.files.dir, sizeof(end.files.dir), "/test");
	end.files.n = 1;
	memcpy(m.data, &end, sizeof(end));
	m.hdr.len = sizeof(end);
	engine_policy_end(f->e, &m);
}

/* The last MSG_STEER_SELS the engine sent, or -1 if none. */
static int steer_last_sels(struct fake *f, struct msg_steer_sels *s)
{
	static struct ipc_msg m;
	int got = -1;

	while (ipc_recv(f->kfd, &m) == 1)
		if (m.hdr.type == MSG_STEER_SELS) {
			assert_int_equal(m.hdr.len, sizeof(*s));
			memcpy(s, m.data, sizeof(*s));
			got = 0;
		}
	return got;
}

/* The policy's uid, port and DSCP rules go to the parent with the PvD
 * each one's decision puts first, more specific first; rules the kernel
 * cannot see (exe, dst with uid) do not; nothing is sent again unchanged. */
static void test_steer_policy_sels(void **state)
{
	struct fake *f = *state;
	struct pvd *a = pvd_find_handle(&f->e->store, f->a), *b = pvd_find_handle(&f->e->store, f->b);
	struct msg_steer_sels s;
	struct in6_addr r1, r2;
	char text[2048];

	/* Routers, so that the engine's sync keeps the PvDs (an empty one goes). */
	inet_pton(AF_INET6, "fe80::1", &r1);
	inet_pton(AF_INET6, "fe80::2", &r2);
	assert_int_equal(pvd_add_router(a, PVD_SRC_RA, 2, &r1, 1800, PVD_NEVER), 0);
	assert_int_equal(pvd_add_router(b, PVD_SRC_RA, 3, &r2, 1800, PVD_NEVER), 0);
	snprintf(text, sizeof(text),
		 "[policy]\nactor = user\n"
		 "[rule u]\nuid = 4242\nprefer = pvd:%s\n"
		 "[rule web]\nproto = tcp\nport = 8000-8100\nprefer = pvd:%s\n"
		 "[rule voice]\ndscp = 46\nprefer = pvd:%s\n"
		 "[rule app]\nexe = /bin/app\nprefer = pvd:%s\n"
		 "[rule lab]\nuid = 7\ndst = 10.0.0.0/8\nprefer = pvd:%s\n",
		 b->id, b->id, b->id, b->id, b->id);
	steer_policy(f, text);
	engine_policy_route(f->e);
	assert_int_equal(steer_last_sels(f, &s), 0);
	assert_int_equal(s.n, 3);
	/* web (two fields) first, then u and voice in file order */
	assert_int_equal(s.e[0].proto, 6);
	assert_int_equal(s.e[0].port_lo, 8000);
	assert_int_equal(s.e[0].port_hi, 8100);
	assert_int_equal(s.e[0].dscp, -1);
	assert_false(s.e[0].has_uid);
	assert_true(s.e[1].has_uid);
	assert_int_equal(s.e[1].uid, 4242);
	assert_int_equal(s.e[2].dscp, 46);
	for (uint32_t i = 0; i < s.n; i++)
		assert_true(s.e[i].handle == f->b);
	engine_policy_route(f->e);
	assert_int_equal(steer_last_sels(f, &s), -1);   /* unchanged: not sent */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_steer_new_and_same, steer_setup, steer_teardown),
		cmocka_unit_test_setup_teardown(test_steer_two_pvds, steer_setup, steer_teardown),
		cmocka_unit_test_setup_teardown(test_steer_refresh, steer_setup, steer_teardown),
		cmocka_unit_test_setup_teardown(test_steer_pvd_left, steer_setup, steer_teardown),
		cmocka_unit_test_setup_teardown(test_steer_ignored, steer_setup, steer_teardown),
		cmocka_unit_test_setup_teardown(test_steer_cgroups, steer_setup, steer_teardown),
		cmocka_unit_test_setup_teardown(test_steer_cgroup_follows_pvd, steer_setup,
						steer_teardown),
		cmocka_unit_test_setup_teardown(test_steer_policy_sels, steer_setup, steer_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
