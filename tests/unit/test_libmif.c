/* SPDX-License-Identifier: MIT */
/*
 * libmif's application API (include/mif/pvd.h) against a fake mifd: a
 * child process serving the control socket from a table of canned
 * replies, and the bind socket beside it. What the library makes of good
 * answers (RFC 6724 order with the PvD's table and sources, Happy
 * Eyeballs over loopback, events) and of bad ones: mifd absent, gone
 * mid-call, truncated or mistyped JSON, huge arrays, missing fields.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <limits.h>
#include <netdb.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <mif/pvd.h>
#include "common/dlsym.h"
#include <net/if.h>

/* A canned reply: to the first request of `method` whose params (compact
 * JSON) contain `match`. %ID% in reply is the request's id. "CLOSE"
 * closes the connection instead, "SILENT" never answers. */
struct rule {
	const char *method, *match, *reply;
};

struct fake {
	char dir[32], ctl[64], bind[64];
	pid_t pid;
};

static const struct rule *fake_rules;
static const char *fake_bind_reply = "{\"ok\":true,\"pvd\":\"x\",\"handle\":7}";

#define OK(result) "{\"id\":%ID%,\"ok\":true,\"result\":" result "}\n"
#define ERR(no, msg) "{\"id\":%ID%,\"ok\":false,\"error\":{\"errno\":" #no ",\"message\":\"" msg "\"}}\n"

static int fake_listen(const char *path, int type)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, type, 0);

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(fd, 8) < 0)
		_exit(10);
	return fd;
}

/* Answer one request line; -1 to close the connection. */
static int fake_answer(int fd, const char *line)
{
	json_t *o = json_loads(line, 0, NULL);
	const char *m = json_string_value(json_object_get(o, "method"));
	char *p = json_dumps(json_object_get(o, "params"), JSON_COMPACT | JSON_ENCODE_ANY);
	long long id = json_integer_value(json_object_get(o, "id"));
	/* Static: a compound literal in the if below would end with it. */
	static const struct rule none = { "", NULL, ERR(22, "no rule") };
	const struct rule *r;
	char *out, *w;
	int ret;

	for (r = fake_rules; r && r->method; r++)
		if (m && !strcmp(r->method, m) && (!r->match || (p && strstr(p, r->match))))
			break;
	free(p);
	json_decref(o);
	if (!r || !r->method)
		r = &none;
	if (!strcmp(r->reply, "CLOSE"))
		return -1;
	if (!strcmp(r->reply, "SILENT"))
		return 0;                            /* a request never answered */
	out = w = malloc(strlen(r->reply) * 6 + 64);     /* "%ID%" -> 20 digits at most */
	for (const char *s = r->reply; *s; s++) {
		if (!strncmp(s, "%ID%", 4)) {
			w += sprintf(w, "%lld", id);
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	ret = 0;
	for (char *q = out; ret == 0 && q < w; ) {
		ssize_t k = write(fd, q, (size_t)(w - q));

		ret = k <= 0 ? -1 : 0;
		q += k > 0 ? k : 0;
	}
	free(out);
	return ret;
}

/* A bind request: close the descriptor it carries, answer. */
static int fake_bind(int fd)
{
	char buf[2048], cb[CMSG_SPACE(sizeof(int) * 4)];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cb,
			    .msg_controllen = sizeof(cb) };
	struct cmsghdr *h;
	ssize_t n = recvmsg(fd, &m, 0);

	if (n <= 0)
		return -1;
	for (h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h)) {
		int x;

		memcpy(&x, CMSG_DATA(h), sizeof(int));
		close(x);
	}
	if (!strcmp(fake_bind_reply, "SILENT"))     /* a mifd that never answers */
		return 0;
	return send(fd, fake_bind_reply, strlen(fake_bind_reply), 0) < 0 ? -1 : 0;
}

/* The child: serve both sockets until killed. */
static void fake_serve(struct fake *f)
{
	struct pollfd p[16];
	static char buf[16][1 << 16];
	size_t len[16] = { 0 }, n = 2;

	p[0] = (struct pollfd){ .fd = fake_listen(f->ctl, SOCK_STREAM), .events = POLLIN };
	p[1] = (struct pollfd){ .fd = fake_listen(f->bind, SOCK_SEQPACKET), .events = POLLIN };
	for (;;) {
		if (poll(p, n, -1) < 0)
			_exit(11);
		for (size_t i = 0; i < n; i++) {
			int r = 0;

			if (!p[i].revents)
				continue;
			if (i < 2) {
				int c = accept(p[i].fd, NULL, NULL);

				if (c >= 0 && n < 16) {
					p[n] = (struct pollfd){ .fd = c, .events = POLLIN };
					len[n] = 0;
					buf[n][0] = i == 0 ? 'c' : 'b';    /* kind, kept in [0] */
					len[n++] = 1;
				}
				continue;
			}
			if (buf[i][0] == 'b') {
				r = fake_bind(p[i].fd);
			} else {
				ssize_t k = read(p[i].fd, buf[i] + len[i], sizeof(buf[i]) - len[i] - 1);
				char *nl;

				r = k <= 0 ? -1 : 0;
				len[i] += k > 0 ? (size_t)k : 0;
				buf[i][len[i]] = '\0';
				while (r == 0 && (nl = strchr(buf[i] + 1, '\n'))) {
					*nl = '\0';
					r = fake_answer(p[i].fd, buf[i] + 1);
					memmove(buf[i] + 1, nl + 1, len[i] - (size_t)(nl - buf[i]));
					len[i] -= (size_t)(nl - buf[i]);
				}
			}
			if (r < 0) {
				close(p[i].fd);
				p[i] = p[n - 1];
				memcpy(buf[i], buf[n - 1], len[n - 1] + 1);
				len[i] = len[n - 1];
				n--;
				i--;
			}
		}
	}
}

static int setup(void **state)
{
	struct fake *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/mif-lib-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->ctl, sizeof(f->ctl), "%s/mifd.sock", f->dir);
	snprintf(f->bind, sizeof(f->bind), "%s/mifd-bind.sock", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fake *f = *state;

	if (f->pid > 0) {
		kill(f->pid, SIGKILL);
		waitpid(f->pid, NULL, 0);
	}
	unlink(f->ctl);
	unlink(f->bind);
	rmdir(f->dir);
	free(f);
	fake_rules = NULL;
	fake_bind_reply = "{\"ok\":true,\"pvd\":\"x\",\"handle\":7}";
	return 0;
}

/* Start the fake with rules and connect to it. */
static struct mif_ctl *start(struct fake *f, const struct rule *rules)
{
	struct mif_ctl *c = NULL;

	fake_rules = rules;
	f->pid = fork();
	assert_true(f->pid >= 0);
	if (f->pid == 0)
		fake_serve(f);
	for (int i = 0; i < 200 && access(f->bind, F_OK) < 0; i++)
		usleep(10000);
	assert_int_equal(mif_ctl_open(f->ctl, &c), 0);
	return c;
}

/* ---- PvD list and get ---- */

#define PVD_A "{\"id\":\"fe80::1%eth0\",\"handle\":7,\"explicit\":false,\"source\":\"ra\"," \
	"\"interfaces\":[\"eth0\"],\"addresses\":[{\"address\":\"2001:db8:1::10\"," \
	"\"prefix_length\":64,\"interface\":\"eth0\",\"state\":\"preferred\"}]," \
	"\"dns\":{\"servers\":[{\"address\":\"2001:db8:1::53\"},{\"address\":\"10.0.0.53\"}]," \
	"\"search\":[]},\"captive_portal\":null}"
#define PVD_B "{\"id\":\"corp.example.com\",\"handle\":9,\"explicit\":true,\"source\":\"ra\"," \
	"\"interfaces\":[\"e0\",\"e1\",\"e2\",\"e3\",\"e4\",\"e5\",\"e6\",\"e7\",\"e8\",\"e9\"]," \
	"\"addresses\":[],\"dns\":{\"servers\":[]},\"captive_portal\":\"https://p.example/\"}"
#define STATUS "{\"pid\":1,\"routing\":{\"enabled\":true,\"default\":{\"ipv4\":" \
	"\"corp.example.com on e0: the only one\",\"ipv6\":\"fe80::1%eth0: wired interface eth0 " \
	"(wired before Wi-Fi, cellular, VPN)\"}}}"

static void test_list(void **state)
{
	static const struct rule rules[] = {
		{ "pvd.list", NULL, OK("{\"pvds\":[" PVD_A "," PVD_B "]}") },
		{ "status", NULL, OK(STATUS) },
		{ NULL, NULL, NULL } };
	struct mif_ctl *c = start(*state, rules);
	struct mif_pvd_info p[4];
	char err[256];
	size_t n = 99;

	assert_int_equal(mif_pvd_list(c, p, 4, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 2);
	assert_int_equal(p[0].handle, 7);
	assert_string_equal(p[0].id, "fe80::1%eth0");
	assert_string_equal(p[0].kind, "implicit");
	assert_int_equal(p[0].n_interfaces, 1);
	assert_string_equal(p[0].interfaces[0], "eth0");
	assert_int_equal(p[0].n_addresses, 1);
	assert_int_equal(p[0].n_dns, 2);
	assert_true(p[0].default_v6 && !p[0].default_v4 && !p[0].captive_portal);
	assert_string_equal(p[1].kind, "explicit");
	assert_int_equal(p[1].n_interfaces, MIF_PVD_MAX_IFACES);     /* 10 given */
	assert_string_equal(p[1].interfaces[7], "e7");
	assert_true(p[1].default_v4 && !p[1].default_v6 && p[1].captive_portal);
	/* Fewer places than PvDs: n still says how many exist. */
	assert_int_equal(mif_pvd_list(c, p, 1, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 2);
	assert_int_equal(mif_pvd_list(c, NULL, 0, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 2);
	assert_int_equal(mif_pvd_list(c, NULL, 1, &n, err, sizeof(err)), -EINVAL);
	assert_int_equal(mif_ctl_call(c, NULL, NULL, NULL, NULL, 100), -EINVAL);
	assert_int_equal(mif_ctl_call(c, "", NULL, NULL, NULL, 100), -EINVAL);
	mif_ctl_close(c);
}

static void test_get(void **state)
{
	static const struct rule rules[] = {
		{ "pvd.get", "\"corp.example.com\"", OK(PVD_B) },
		{ "pvd.get", "\"9\"", OK(PVD_B) },
		{ "pvd.get", NULL, ERR(2, "no such PvD") },
		{ "status", NULL, OK("{\"routing\":{\"enabled\":false,\"default\":null}}") },
		{ NULL, NULL, NULL } };
	struct mif_ctl *c = start(*state, rules);
	struct mif_pvd_info p;
	char err[256];

	assert_int_equal(mif_pvd_get(c, "corp.example.com", &p, err, sizeof(err)), 0);
	assert_int_equal(p.handle, 9);
	assert_false(p.default_v4 || p.default_v6);
	assert_int_equal(mif_pvd_get(c, "9", &p, err, sizeof(err)), 0);
	assert_string_equal(p.id, "corp.example.com");
	assert_int_equal(mif_pvd_get(c, "nope", &p, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "no such PvD");
	assert_int_equal(mif_pvd_get(c, "", &p, err, sizeof(err)), -EINVAL);
	assert_int_equal(mif_pvd_get(c, "\xff", &p, err, sizeof(err)), -EINVAL);
	assert_int_equal(mif_pvd_get(c, NULL, &p, NULL, 0), -EINVAL);
	assert_int_equal(mif_pvd_get(NULL, "x", &p, err, sizeof(err)), -EINVAL);
	mif_ctl_close(c);
}

/* One garbage reply to pvd.list, and what mif_pvd_list() returns. */
static void list_garbage(void **state, const char *reply, int want)
{
	struct rule rules[] = { { "pvd.list", NULL, reply }, { "status", NULL, OK(STATUS) },
				{ NULL, NULL, NULL } };
	struct fake *f = *state;
	struct mif_ctl *c = start(f, rules);
	struct mif_pvd_info p[2];
	char err[256] = "";
	size_t n = 5;

	assert_int_equal(mif_pvd_list(c, p, 2, &n, err, sizeof(err)), want);
	if (want < 0)
		assert_true(err[0] != '\0');
	mif_ctl_close(c);
	kill(f->pid, SIGKILL);
	waitpid(f->pid, NULL, 0);
	f->pid = 0;
	unlink(f->ctl);
	unlink(f->bind);
}

static void test_garbage(void **state)
{
	list_garbage(state, "{\"id\":%ID%,\"ok\":tr\n", -EPROTO);          /* truncated */
	list_garbage(state, "\xff\xfe\n", -EPROTO);
	list_garbage(state, "[1,2]\n", -EPROTO);
	list_garbage(state, OK("\"pvds\""), -EPROTO);                       /* not an object */
	list_garbage(state, OK("{}"), -EPROTO);                             /* no pvds */
	list_garbage(state, OK("{\"pvds\":{}}"), -EPROTO);
	list_garbage(state, OK("{\"pvds\":[1]}"), -EPROTO);
	list_garbage(state, OK("{\"pvds\":[{\"id\":\"x\"}]}"), -EPROTO);   /* no handle */
	list_garbage(state, OK("{\"pvds\":[{\"id\":\"x\",\"handle\":\"7\"}]}"), -EPROTO);
	list_garbage(state, OK("{\"pvds\":[{\"id\":\"x\",\"handle\":-7}]}"), -EPROTO);
	list_garbage(state, OK("{\"pvds\":[{\"handle\":7}]}"), -EPROTO);   /* no id */
	list_garbage(state, OK("{\"pvds\":[{\"id\":7,\"handle\":7}]}"), -EPROTO);
	list_garbage(state, OK("{\"pvds\":[{\"id\":\"x\",\"handle\":7,\"interfaces\":[1]}]}"),
		     -EPROTO);
	list_garbage(state, OK("{\"pvds\":[{\"id\":\"x\",\"handle\":7,\"addresses\":{}}]}"),
		     -EPROTO);
	list_garbage(state, OK("{\"pvds\":[{\"id\":\"x\",\"handle\":7,\"dns\":[]}]}"), -EPROTO);
	list_garbage(state, OK("{\"pvds\":[{\"id\":\"x\",\"handle\":7,\"explicit\":1}]}"),
		     -EPROTO);
	list_garbage(state, OK("{\"pvds\":[{\"id\":\"x\",\"handle\":7,\"captive_portal\":1}]}"),
		     -EPROTO);
	list_garbage(state, ERR(99999, "x"), -EPROTO);
	list_garbage(state, ERR(1, "permission denied"), -EPERM);
	/* Only the required fields: fine. */
	list_garbage(state, OK("{\"pvds\":[{\"id\":\"x\",\"handle\":7}]}"), 0);
}

/* 20,000 PvDs, 3 places: n says all, nothing overflows. */
static void test_huge(void **state)
{
	const char *one = "{\"id\":\"p\",\"handle\":1,\"interfaces\":[\"a\",\"b\",\"c\",\"d\",\"e\","
			  "\"f\",\"g\",\"h\",\"i\",\"j\",\"k\"],\"addresses\":[1,2,3]},";
	size_t cnt = 20000, len = strlen(one) * cnt + 128, n = 0;
	char *reply = malloc(len), *w = reply, err[256];
	struct mif_pvd_info p[3];

	w += sprintf(w, "{\"id\":%%ID%%,\"ok\":true,\"result\":{\"pvds\":[");
	for (size_t i = 0; i < cnt; i++)
		w += sprintf(w, "%s", one);
	sprintf(w - 1, "]}}\n");
	struct rule rules[] = { { "pvd.list", NULL, reply }, { "status", NULL, OK(STATUS) },
				{ NULL, NULL, NULL } };
	struct mif_ctl *c = start(*state, rules);

	assert_int_equal(mif_pvd_list(c, p, 3, &n, err, sizeof(err)), 0);
	assert_int_equal(n, cnt);
	assert_int_equal(p[2].n_interfaces, MIF_PVD_MAX_IFACES);
	assert_int_equal(p[2].n_addresses, 3);
	mif_ctl_close(c);
	free(reply);
}

/* ---- mifd not running, going away, coming back ---- */

static void test_not_running(void **state)
{
	struct fake *f = *state;
	struct mif_ctl *c = NULL;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	assert_int_equal(mif_ctl_open(f->ctl, &c), -ENOENT);
	/* A socket file nobody listens on (mifd killed). */
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", f->ctl);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);
	assert_int_equal(mif_ctl_open(f->ctl, &c), -ECONNREFUSED);
	unlink(f->ctl);
	/* Null arguments are -EINVAL, never a crash (mif.h: none aborts). */
	{
		char *res = NULL, *msg = NULL;

		assert_int_equal(mif_ctl_open(f->ctl, NULL), -EINVAL);
		assert_int_equal(mif_ctl_fd(NULL), -EINVAL);
		assert_int_equal(mif_ctl_call(NULL, "status", NULL, &res, &msg, 100), -EINVAL);
		assert_int_equal(mif_ctl_next_event(NULL, &res, 0), -EINVAL);
		assert_null(res);
	}
}

static void test_restart(void **state)
{
	static const struct rule rules[] = {
		{ "pvd.get", "\"gone\"", "CLOSE" },
		{ "pvd.get", NULL, OK(PVD_A) },
		{ "status", NULL, OK(STATUS) },
		{ "subscribe", NULL, OK("{\"events\":[]}") },
		{ "dns.resolve", NULL, "CLOSE" },
		{ NULL, NULL, NULL } };
	struct fake *f = *state;
	struct mif_ctl *c = start(f, rules), *c2 = NULL;
	struct mif_pvd_info p;
	struct mif_addr a[4];
	struct mif_event ev;
	char err[256];
	size_t n;

	assert_int_equal(mif_pvd_get(c, "x", &p, err, sizeof(err)), 0);
	assert_int_equal(mif_pvd_get(c, "gone", &p, err, sizeof(err)), -ECONNRESET);
	assert_non_null(strstr(err, "restarted"));
	/* The old connection stays dead; a new one works. */
	assert_int_equal(mif_pvd_get(c, "x", &p, err, sizeof(err)), -ECONNRESET);
	assert_int_equal(mif_resolve(c, "x", "a.example", 80, a, 4, &n, err, sizeof(err)),
			 -ECONNRESET);
	assert_int_equal(mif_connect(c, "x", "a.example", 80, 1000, err, sizeof(err)),
			 -ECONNRESET);
	assert_int_equal(mif_event_subscribe(c, err, sizeof(err)), -ECONNRESET);
	assert_int_equal(mif_event_next(c, &ev, 0), -ECONNRESET);
	mif_ctl_close(c);
	assert_int_equal(mif_ctl_open(f->ctl, &c2), 0);
	assert_int_equal(mif_pvd_get(c2, "x", &p, err, sizeof(err)), 0);
	/* mifd dies in the middle of a resolution. */
	assert_int_equal(mif_resolve(c2, NULL, "a.example", 80, a, 4, &n, err, sizeof(err)),
			 -ECONNRESET);
	mif_ctl_close(c2);
	/* And is gone for good. */
	kill(f->pid, SIGKILL);
	waitpid(f->pid, NULL, 0);
	f->pid = 0;
	assert_int_equal(mif_ctl_open(f->ctl, &c2), -ECONNREFUSED);
}

/* ---- resolution: answers sorted with the PvD's table and sources ---- */

#define ADDR(a, st) "{\"address\":\"" a "\",\"prefix_length\":64,\"interface\":\"lo\"," \
	"\"state\":\"" st "\"}"
#define ADDR4(a, len) "{\"address\":\"" a "\",\"prefix_length\":" #len ",\"state\":\"preferred\"}"
/* ::30 would win for 2001:db8:1::31 (rule 8) but is tentative; ::20 is
 * deprecated (rule 3). */
#define PVD_R "{\"id\":\"fe80::1%eth0\",\"handle\":7,\"addresses\":[" \
	ADDR("2001:db8:1::30", "tentative") "," ADDR("2001:db8:1::20", "deprecated") "," \
	ADDR("2001:db8:1::10", "preferred") "," ADDR4("192.168.1.10", 24) "]}"
/* RFC 7078 policy: IPv4 before IPv6. */
#define PVD_P "{\"id\":\"pol\",\"handle\":8,\"addresses\":[" ADDR("2001:db8:1::10", "preferred") \
	"," ADDR4("192.168.1.10", 24) "],\"dhcpv6\":{\"state\":\"done\",\"address_selection_policy\":" \
	"{\"automatic\":false,\"privacy\":true,\"rows\":[{\"prefix\":\"::ffff:0.0.0.0/96\"," \
	"\"precedence\":100,\"label\":4},{\"prefix\":\"::/0\",\"precedence\":40,\"label\":1}]}}}"
#define PVD_6 "{\"id\":\"v6only\",\"handle\":10,\"addresses\":[" ADDR("2001:db8:1::10", \
	"preferred") "],\"dhcpv6\":null}"
#define PVD_4 "{\"id\":\"v4.example\",\"handle\":11,\"addresses\":[" ADDR4("172.16.0.5", 16) "]}"
#define PVD_BADPOL "{\"id\":\"badpol\",\"handle\":12,\"addresses\":[],\"dhcpv6\":" \
	"{\"address_selection_policy\":{\"rows\":[{\"prefix\":\"zzz\",\"precedence\":1,\"label\":1}]}}}"
#define ANS(pvd, rcode, list) OK("{\"name\":\"n\",\"type\":\"A\",\"pvd\":\"" pvd "\",\"rcode\":\"" \
	rcode "\",\"answers\":[" list "]}")
#define RR(t, d) "{\"name\":\"n\",\"type\":\"" t "\",\"ttl\":60,\"data\":\"" d "\"}"

static const struct rule resolve_rules[] = {
	{ "pvd.get", "\"x\"", OK(PVD_R) },
	{ "pvd.get", "\"fe80::1%eth0\"", OK(PVD_R) },
	{ "pvd.get", "\"pol\"", OK(PVD_P) },
	{ "pvd.get", "\"v6only\"", OK(PVD_6) },
	{ "pvd.get", "\"v4.example\"", OK(PVD_4) },
	{ "pvd.get", "\"badpol\"", OK(PVD_BADPOL) },
	{ "pvd.get", NULL, ERR(2, "no such PvD") },
	{ "dns.resolve", "\"n\",\"type\":\"AAAA\",\"pvd\":", ANS("fe80::1%eth0", "NOERROR",
	  RR("CNAME", "m.") "," RR("AAAA", "2002::1") "," RR("AAAA", "2001:db8:1::31")) },
	{ "dns.resolve", "\"n\",\"type\":\"A\",\"pvd\":", ANS("fe80::1%eth0", "NOERROR",
	  RR("A", "10.0.0.1")) },
	{ "dns.resolve", "\"n\",\"type\":\"AAAA\"", ANS("fe80::1%eth0", "NOERROR",
	  RR("AAAA", "2001:db8:1::31")) },
	{ "dns.resolve", "\"n\",\"type\":\"A\"", ANS("v4.example", "NOERROR", RR("A", "10.0.0.1")) },
	{ "dns.resolve", "\"none\"", ANS("fe80::1%eth0", "NXDOMAIN", "") },
	{ "dns.resolve", "\"half\",\"type\":\"AAAA\"", ERR(110, "no server answered") },
	{ "dns.resolve", "\"half\"", ANS("fe80::1%eth0", "NOERROR", RR("A", "10.0.0.1")) },
	{ "dns.resolve", "\"fail\",\"type\":\"AAAA\"", ERR(113, "every server asked failed") },
	{ "dns.resolve", "\"fail\"", ANS("fe80::1%eth0", "SERVFAIL", "") },
	{ "dns.resolve", "\"bad1\"", ANS("x", "NOERROR", "{\"type\":\"A\",\"data\":5}") },
	{ "dns.resolve", "\"bad2\"", OK("{\"pvd\":\"x\",\"rcode\":\"NOERROR\",\"answers\":\"x\"}") },
	{ "dns.resolve", "\"bad3\"", OK("{\"rcode\":\"NOERROR\",\"answers\":[]}") },
	{ "dns.resolve", "\"bad4\"", ANS("x", "NOERROR", RR("AAAA", "999::1::2")) },
	{ "dns.resolve", "\"bad5\"", "{\"id\":%ID%,\"ok\":true,\"result\":{\"pvd\":\"x\"\n" },
	{ NULL, NULL, NULL } };

static const char *ntop(const struct sockaddr_storage *ss, char *b)
{
	if (ss->ss_family == AF_INET6)
		return inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, b, 64);
	if (ss->ss_family == AF_INET)
		return inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, b, 64);
	return strcpy(b, "-");
}

/* Resolve name in pvd; check out[i] is want[2i] from want[2i+1]. */
static void expect_order(struct mif_ctl *c, const char *pvd, const char *name,
			 const char *const *want, size_t nwant)
{
	struct mif_addr a[8];
	char err[256], b1[64], b2[64];
	size_t n = 0;

	assert_int_equal(mif_resolve(c, pvd, name, 443, a, 8, &n, err, sizeof(err)), 0);
	assert_int_equal(n, nwant);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(ntop(&a[i].addr, b1), want[2 * i]);
		assert_string_equal(a[i].src_len ? ntop(&a[i].src, b2) : "-", want[2 * i + 1]);
		assert_int_equal(ntohs(((struct sockaddr_in *)&a[i].addr)->sin_port), 443);
		assert_int_equal(a[i].addr_len, a[i].addr.ss_family == AF_INET6 ?
				 sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
	}
}

static void test_resolve_order(void **state)
{
	static const char *const def[] = { "2001:db8:1::31", "2001:db8:1::10", "10.0.0.1",
		"192.168.1.10", "2002::1", "2001:db8:1::10" };
	static const char *const pol[] = { "10.0.0.1", "192.168.1.10", "2001:db8:1::31",
		"2001:db8:1::10", "2002::1", "2001:db8:1::10" };
	static const char *const v6[] = { "2001:db8:1::31", "2001:db8:1::10", "2002::1",
		"2001:db8:1::10", "10.0.0.1", "-" };
	static const char *const any[] = { "2001:db8:1::31", "2001:db8:1::10", "10.0.0.1",
		"172.16.0.5" };
	struct mif_ctl *c = start(*state, resolve_rules);
	struct mif_addr a[8];
	char err[256];
	size_t n;

	/* The RFC 6724 default table: IPv6 (40), IPv4 (35), 6to4 (30). */
	expect_order(c, "x", "n", def, 3);
	/* The PvD's own RFC 7078 table puts IPv4 first. */
	expect_order(c, "pol", "n", pol, 3);
	/* No IPv4 address in the PvD: the A answer has no source, last. */
	expect_order(c, "v6only", "n", v6, 3);
	/* No PvD given: each answer sorted with the PvD that gave it. */
	expect_order(c, NULL, "n", any, 2);
	assert_int_equal(mif_resolve(c, NULL, "n", 1, a, 8, &n, err, sizeof(err)), 0);
	assert_true(a[0].pvd == 7 && a[1].pvd == 11);
	/* cap smaller than the answer: the best ones. */
	assert_int_equal(mif_resolve(c, "x", "n", 1, a, 1, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 1);
	assert_int_equal(a[0].addr.ss_family, AF_INET6);
	/* One family failing is not the end. */
	expect_order(c, "x", "half", (const char *const[]){ "10.0.0.1", "192.168.1.10" }, 1);
	mif_ctl_close(c);
}

static void test_resolve_errors(void **state)
{
	struct mif_ctl *c = start(*state, resolve_rules);
	struct mif_addr a[8];
	char err[256];
	size_t n = 9;

	assert_int_equal(mif_resolve(c, "x", "none", 80, a, 8, &n, err, sizeof(err)), -ENODATA);
	assert_int_equal(n, 0);
	assert_int_equal(mif_resolve(c, "x", "fail", 80, a, 8, &n, err, sizeof(err)),
			 -EHOSTUNREACH);
	assert_string_equal(err, "every server asked failed");
	assert_int_equal(mif_resolve(c, "nope", "n", 80, a, 8, &n, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "no such PvD");
	for (int i = 1; i <= 5; i++) {
		char name[8];

		snprintf(name, sizeof(name), "bad%d", i);
		assert_int_equal(mif_resolve(c, "x", name, 80, a, 8, &n, err, sizeof(err)),
				 -EPROTO);
	}
	assert_int_equal(mif_resolve(c, NULL, "bad3", 80, a, 8, &n, err, sizeof(err)), -EPROTO);
	assert_int_equal(mif_resolve(c, "badpol", "n", 80, a, 8, &n, err, sizeof(err)), -EPROTO);
	assert_int_equal(mif_resolve(c, "x", "", 80, a, 8, &n, err, sizeof(err)), -EINVAL);
	assert_int_equal(mif_resolve(c, "x", NULL, 80, a, 8, &n, err, sizeof(err)), -EINVAL);
	assert_int_equal(mif_resolve(c, "x", "n", 80, NULL, 8, &n, err, sizeof(err)), -EINVAL);
	assert_int_equal(mif_resolve(c, "x", "n\xff", 80, a, 8, &n, err, sizeof(err)), -EINVAL);
	mif_ctl_close(c);
}

/* ---- connecting: Happy Eyeballs over loopback ---- */

#define PVD_LO "{\"id\":\"lo\",\"handle\":7,\"addresses\":[{\"address\":\"::1\"," \
	"\"prefix_length\":128,\"state\":\"preferred\"},{\"address\":\"127.0.0.1\"," \
	"\"prefix_length\":8,\"state\":\"preferred\"}]}"

static const struct rule connect_rules[] = {
	{ "pvd.get", "\"lo\"", OK(PVD_LO) },
	{ "pvd.get", NULL, ERR(2, "no such PvD") },
	{ "dns.resolve", "\"AAAA\"", ANS("lo", "NOERROR", RR("AAAA", "::1")) },
	{ "dns.resolve", "\"A\"", ANS("lo", "NOERROR", RR("A", "127.0.0.1")) },
	{ NULL, NULL, NULL } };

/* A TCP listener on 127.0.0.1 only (::1 refuses); its port. */
static int listener(uint16_t *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001) };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

static void test_connect(void **state)
{
	struct mif_ctl *c = start(*state, connect_rules);
	struct sockaddr_in peer;
	socklen_t len = sizeof(peer);
	uint16_t port;
	int l = listener(&port), fd, a;
	char err[256];

	/* ::1 first (RFC 6724), refused at once; then 127.0.0.1 wins. */
	fd = mif_connect(c, "lo", "lo.example", port, 3000, err, sizeof(err));
	assert_true(fd >= 0);
	assert_string_equal(err, "");
	assert_int_equal(getpeername(fd, (struct sockaddr *)&peer, &len), 0);
	assert_int_equal(ntohs(peer.sin_port), port);
	assert_int_equal(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);        /* blocking again */
	a = accept(l, NULL, NULL);
	assert_true(a >= 0);
	assert_int_equal(write(a, "hi\n", 3), 3);
	assert_int_equal(read(fd, err, 3), 3);
	close(a);
	close(fd);
	close(l);
	/* Nobody listens any more: every address refused. */
	assert_int_equal(mif_connect(c, "lo", "lo.example", port, 3000, err, sizeof(err)),
			 -ECONNREFUSED);
	assert_non_null(strstr(err, "refused"));
	assert_int_equal(mif_connect(c, "nope", "lo.example", port, 3000, err, sizeof(err)),
			 -ENOENT);
	assert_int_equal(mif_connect(NULL, "lo", "lo.example", port, 3000, err, sizeof(err)),
			 -EINVAL);
	mif_ctl_close(c);
}

/* mifd's bind socket says the PvD has gone: so does mif_connect(). */
static void test_connect_gone(void **state)
{
	struct mif_ctl *c;
	uint16_t port;
	int l = listener(&port);
	char err[256];

	fake_bind_reply = "{\"ok\":false,\"errno\":2,\"error\":\"no PvD \\\"7\\\"\"}";
	c = start(*state, connect_rules);
	assert_int_equal(mif_connect(c, "lo", "lo.example", port, 3000, err, sizeof(err)),
			 -ENOENT);
	close(l);
	mif_ctl_close(c);
}

/* mifd's bind socket never answers: mif_connect() still keeps to its
 * timeout (the bind request is waited for with the attempts, not for
 * mif_bind_pvd()'s 5 s each). */
static void test_connect_slow_bind(void **state)
{
	struct mif_ctl *c;
	struct timespec t0, t1;
	uint16_t port;
	int l = listener(&port);
	char err[256];
	long ms;

	fake_bind_reply = "SILENT";
	c = start(*state, connect_rules);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(mif_connect(c, "lo", "lo.example", port, 600, err, sizeof(err)),
			 -ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	assert_true(ms >= 500 && ms < 2000);
	assert_non_null(strstr(err, "2 address(es) tried"));   /* the next one started */
	close(l);
	mif_ctl_close(c);
}

/* ---- mif_connect_ex(): PvDs raced (RFC 8305 across networks) ---- */

#define PVD_RACE(id, h) "{\"id\":\"" id "\",\"handle\":" #h ",\"addresses\":[{\"address\":" \
	"\"127.0.0.1\",\"prefix_length\":8,\"state\":\"preferred\"}]}"
#define WHICH(list) OK("{\"name\":\"n\",\"pvds\":[" list "],\"why\":\"test\"}")

/* PvD a answers 127.0.0.2, PvD b 127.0.0.3; neither has IPv6. */
static const struct rule race_rules[] = {
	{ "dns.which", "\"noroute.example\"", WHICH("{\"pvd\":\"a\"},{\"pvd\":\"b\"}") },
	{ "dns.which", NULL, WHICH("{\"pvd\":\"a\"},{\"pvd\":\"b\"}") },
	{ "pvd.get", "\"a\"", OK(PVD_RACE("a", 21)) },
	{ "pvd.get", "\"b\"", OK(PVD_RACE("b", 22)) },
	{ "pvd.get", NULL, ERR(2, "no such PvD") },
	{ "route.get", "\"127.0.0.4\"", ERR(101, "no route") },
	{ "route.get", NULL, OK("{}") },
	{ "dns.resolve", "\"noroute.example\",\"type\":\"A\",\"pvd\":\"b\"",
	  ANS("b", "NOERROR", RR("A", "127.0.0.4")) },
	{ "dns.resolve", "\"slow6.example\",\"type\":\"AAAA\"", "SILENT" },
	{ "dns.resolve", "\"AAAA\",\"pvd\":\"a\"", ANS("a", "NOERROR", "") },
	{ "dns.resolve", "\"AAAA\",\"pvd\":\"b\"", ANS("b", "NOERROR", "") },
	{ "dns.resolve", "\"A\",\"pvd\":\"a\"", ANS("a", "NOERROR", RR("A", "127.0.0.2")) },
	{ "dns.resolve", "\"A\",\"pvd\":\"b\"", ANS("b", "NOERROR", RR("A", "127.0.0.3")) },
	{ NULL, NULL, NULL } };

/* A listener on 127.0.0.<last>:*port (0: any port, set). With full, its
 * accept queue is filled so that further SYNs are dropped: a black hole
 * that leaves connect() pending, as a path that loses packets does. */
static int race_listener(int last, uint16_t *port, bool full, int *fill)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(*port),
				   .sin_addr.s_addr = htonl(0x7f000000u | (unsigned)last) };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fd, full ? 0 : 8), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	for (int i = 0; full && i < 2; i++) {
		fill[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		connect(fill[i], (struct sockaddr *)&sin, sizeof(sin));
	}
	usleep(50000);
	return fd;
}

static long race_ms(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* The peer address's last octet of a connected socket. */
static int race_peer(int fd)
{
	struct sockaddr_in peer;
	socklen_t len = sizeof(peer);

	assert_int_equal(getpeername(fd, (struct sockaddr *)&peer, &len), 0);
	return (int)(ntohl(peer.sin_addr.s_addr) & 0xff);
}

/* The first PvD's path loses every SYN: the second PvD's attempt starts
 * one Connection Attempt Delay later and wins. */
static void test_connect_race_blackhole(void **state)
{
	struct mif_ctl *c = start(*state, race_rules);
	struct mif_connect_opts o = { .attempt_delay_ms = 100, .timeout_ms = 5000 };
	uint16_t port = 0;
	int fill[2], hole = race_listener(2, &port, true, fill);
	int good = race_listener(3, &port, false, NULL), fd;
	mif_pvd_handle h = 0;
	struct timespec t0;
	char err[256];
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	fd = mif_connect(c, NULL, "race.example", port, 5000, err, sizeof(err));
	ms = race_ms(&t0);
	assert_true(fd >= 0);
	assert_int_equal(race_peer(fd), 3);
	assert_true(ms >= 240 && ms < 1500);         /* the default delay, 250 ms */
	close(fd);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fd = mif_connect_ex(c, "race.example", port, &o, &h, err, sizeof(err));
	ms = race_ms(&t0);
	assert_true(fd >= 0);
	assert_int_equal(race_peer(fd), 3);
	assert_int_equal(h, 22);
	assert_true(ms >= 90 && ms < 1000);          /* the caller's delay */
	close(fd);
	/* b has no route to its address (127.0.0.4): only a is raced, and never
	 * connects. */
	o.timeout_ms = 700;
	assert_int_equal(mif_connect_ex(c, "noroute.example", port, &o, &h, err, sizeof(err)),
			 -ETIMEDOUT);
	assert_non_null(strstr(err, "1 address(es) tried"));
	close(fill[0]);
	close(fill[1]);
	close(hole);
	close(good);
	mif_ctl_close(c);
}

/* RFC 8305 section 3: A's answer came, AAAA's does not: the IPv4 attempt
 * starts after the 50 ms Resolution Delay, not when AAAA's answer would
 * (never). */
static void test_connect_resolution_delay(void **state)
{
	struct mif_ctl *c = start(*state, race_rules);
	const char *a[] = { "a" };
	struct mif_connect_opts o = { .pvds = a, .n_pvds = 1, .timeout_ms = 3000 };
	uint16_t port = 0;
	int l2 = race_listener(2, &port, false, NULL), fd;
	struct timespec t0;
	char err[256];
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	fd = mif_connect_ex(c, "slow6.example", port, &o, NULL, err, sizeof(err));
	ms = race_ms(&t0);
	assert_true(fd >= 0);
	assert_int_equal(race_peer(fd), 2);
	assert_true(ms >= 45 && ms < 1000);
	close(fd);
	close(l2);
	mif_ctl_close(c);
}

/* Under valgrind (meson test --setup valgrind) everything runs 20 to 50
 * times slower: a bound below a delay of the code under test cannot hold
 * there, and the plain and ASan runs check it. */
static bool slow_run(void)
{
	return getenv("MIF_TEST_VALGRIND") != NULL;
}

/* Both paths work: the first PvD wins, in mifd's order or the caller's. */
static void test_connect_race_order(void **state)
{
	struct mif_ctl *c = start(*state, race_rules);
	const char *ba[] = { "b", "a" }, *gone[] = { "gone", "b" }, *bad[] = { "a", "" };
	struct mif_connect_opts o = { .pvds = ba, .n_pvds = 2, .timeout_ms = 5000 };
	uint16_t port = 0;
	int l2 = race_listener(2, &port, false, NULL), l3 = race_listener(3, &port, false, NULL);
	mif_pvd_handle h = 0;
	struct timespec t0;
	char err[256];
	int fd;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	fd = mif_connect_ex(c, "both.example", port, NULL, &h, err, sizeof(err));
	assert_true(fd >= 0);
	assert_int_equal(h, 21);
	assert_int_equal(race_peer(fd), 2);
	assert_true(race_ms(&t0) < 240 || slow_run());             /* no wait for the second */
	close(fd);
	fd = mif_connect_ex(c, "both.example", port, &o, &h, err, sizeof(err));
	assert_true(fd >= 0);
	assert_int_equal(h, 22);
	assert_int_equal(race_peer(fd), 3);
	close(fd);
	/* A PvD that has gone is over at once: the next one does not wait. */
	o.pvds = gone;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fd = mif_connect_ex(c, "both.example", port, &o, &h, err, sizeof(err));
	assert_true(fd >= 0);
	assert_int_equal(h, 22);
	assert_true(race_ms(&t0) < 240 || slow_run());
	close(fd);
	/* Alone, it is the call's error, as before. */
	o.n_pvds = 1;
	assert_int_equal(mif_connect_ex(c, "both.example", port, &o, &h, err, sizeof(err)),
			 -ENOENT);
	assert_string_equal(err, "no such PvD");
	o.pvds = bad;
	o.n_pvds = 2;
	assert_int_equal(mif_connect_ex(c, "both.example", port, &o, &h, err, sizeof(err)),
			 -EINVAL);
	o.n_pvds = MIF_CONNECT_MAX_PVDS + 1;
	assert_int_equal(mif_connect_ex(c, "both.example", port, &o, &h, err, sizeof(err)),
			 -EINVAL);
	close(l2);
	close(l3);
	mif_ctl_close(c);
}

/* ---- libmif-preload.so (doc/run.md), loaded with dlopen ---- */

#define PVD_LL "{\"id\":\"ll\",\"handle\":7,\"interfaces\":[\"lo\"],\"addresses\":[]}"

static const struct rule preload_rules[] = {
	{ "pvd.get", "\"7\"", OK(PVD_LL) },
	{ "status", NULL, OK("{\"pid\":1}") },
	{ "dns.resolve", "\"n\",\"type\":\"AAAA\"", ANS("ll", "NOERROR", RR("AAAA", "fe80::5")) },
	{ "dns.resolve", "\"n\",\"type\":\"A\"", ANS("ll", "NOERROR", RR("A", "10.0.0.1")) },
	{ NULL, NULL, NULL } };

typedef int (*gai_fn)(const char *, const char *, const struct addrinfo *, struct addrinfo **);
typedef int (*ghbnr_fn)(const char *, struct hostent *, char *, size_t, struct hostent **,
			int *);

/* The preload beside this build's libmif: BUILD/tests/unit/x -> BUILD/lib. */
static void *preload_open(void)
{
	char exe[PATH_MAX], path[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	for (int i = 0; i < 3 && strrchr(exe, '/'); i++)
		*strrchr(exe, '/') = '\0';
	snprintf(path, sizeof(path), "%s/lib/libmif-preload.so", exe);
	return dlopen(path, RTLD_NOW | RTLD_LOCAL);
}

/* getaddrinfo(node, service) with socktype stream: its first port, or
 * -1 - the EAI_ code. */
static int preload_port(gai_fn gai, void (*fai)(struct addrinfo *), const char *service,
			int flags)
{
	struct addrinfo h = { .ai_socktype = SOCK_STREAM, .ai_flags = flags }, *res = NULL;
	int e = gai("n", service, &h, &res), port;

	if (e)
		return -1 + e;
	port = ntohs(((struct sockaddr_in *)res->ai_addr)->sin_port);
	fai(res);
	return port;
}

/* Names: the service "" is port 0, AI_NUMERICSERV wants a number, a
 * link-local answer gets the PvD's one interface. */
static void preload_names(void *h)
{
	gai_fn gai;
	void (*fai)(struct addrinfo *);
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
	int ll = 0;

	MIF_DLSYM(gai, h, "getaddrinfo");
	MIF_DLSYM(fai, h, "freeaddrinfo");
	assert_true(gai && fai);
	assert_int_equal(preload_port(gai, fai, "", 0), 0);
	assert_int_equal(preload_port(gai, fai, "80", AI_NUMERICSERV), 80);
	assert_int_equal(preload_port(gai, fai, "http", AI_NUMERICSERV), -1 + EAI_NONAME);
	assert_int_equal(gai("n", NULL, &hints, &res), 0);
	for (struct addrinfo *a = res; a; a = a->ai_next) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)a->ai_addr;

		if (a->ai_family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&s6->sin6_addr)) {
			assert_int_equal(s6->sin6_scope_id, if_nametoindex("lo"));
			ll = 1;
		}
	}
	assert_true(ll);
	fai(res);
}

/* Localhost names (RFC 6761) are loopback, answered without any
 * resolver (the fake has no rule for them: asking it would fail). */
static void preload_localhost(void *h)
{
	gai_fn gai;
	void (*fai)(struct addrinfo *);
	ghbnr_fn ghbnr;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
	char b[64], buf[512] __attribute__((aligned(8)));
	struct hostent he, *hr = NULL;
	int herr = 0, n4 = 0, n6 = 0;

	MIF_DLSYM(gai, h, "getaddrinfo");
	MIF_DLSYM(fai, h, "freeaddrinfo");
	MIF_DLSYM(ghbnr, h, "gethostbyname_r");
	assert_true(gai && fai && ghbnr);
	assert_int_equal(gai("www.mif-test.localhost.", "80", &hints, &res), 0);
	for (struct addrinfo *a = res; a; a = a->ai_next) {
		assert_string_equal(ntop((struct sockaddr_storage *)a->ai_addr, b),
				    a->ai_family == AF_INET6 ? "::1" : "127.0.0.1");
		n4 += a->ai_family == AF_INET;
		n6 += a->ai_family == AF_INET6;
	}
	assert_true(n4 == 1 && n6 == 1);
	fai(res);
	hints.ai_family = AF_INET6;
	assert_int_equal(gai("localhost", "80", &hints, &res), 0);
	assert_string_equal(ntop((struct sockaddr_storage *)res->ai_addr, b), "::1");
	fai(res);
	/* A buffer that is not pointer-aligned works (no ERANGE forever). */
	assert_int_equal(ghbnr("mif-test.localhost", &he, buf + 1, sizeof(buf) - 1, &hr, &herr),
			 0);
	assert_ptr_equal(hr, &he);
	assert_int_equal((uintptr_t)he.h_addr_list % sizeof(char *), 0);
	assert_string_equal(inet_ntop(AF_INET, he.h_addr_list[0], b, sizeof(b)), "127.0.0.1");
	assert_string_equal(he.h_name, "mif-test.localhost");
}

/* MIF_RUN_PVD and MIF_SOCKET are read when the preload loads: a program
 * that clears its environment afterwards keeps its PvD. The fake's bind
 * socket says the PvD has gone, so a socket still bound to it fails
 * (an unbound one, on the default network, would not). */
static void test_preload(void **state)
{
	struct fake *f = *state;
	int (*sock)(int, int, int);
	int (*conn)(int, const struct sockaddr *, socklen_t);
	struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(9),
				   .sin_addr.s_addr = htonl(0xc0000201) };
	void *h;
	int fd;

	fake_bind_reply = "{\"ok\":false,\"errno\":2,\"error\":\"no PvD \\\"7\\\"\"}";
	mif_ctl_close(start(f, preload_rules));
	setenv("MIF_RUN_PVD", "7", 1);
	setenv("MIF_SOCKET", f->ctl, 1);
	h = preload_open();
	unsetenv("MIF_RUN_PVD");
	unsetenv("MIF_SOCKET");
	if (!h)
		skip();
	MIF_DLSYM(sock, h, "socket");
	MIF_DLSYM(conn, h, "connect");
	assert_true(sock && conn);
	errno = 0;
	assert_int_equal(sock(AF_INET, SOCK_STREAM, 0), -1);
	assert_int_equal(errno, ENETUNREACH);
	/* A socket socket() never saw (mark 0) is bound before it connects. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(conn(fd, (struct sockaddr *)&dst, sizeof(dst)), -1);
	assert_int_equal(errno, ENETUNREACH);
	close(fd);
	preload_names(h);
	preload_localhost(h);
	dlclose(h);
}

/* ---- events ---- */

#define EV(x) "{\"event\":" x "}\n"

static void test_events(void **state)
{
	static const struct rule rules[] = {
		{ "subscribe", "\"pvd-added\",\"pvd-changed\",\"pvd-removed\",\"default-changed\"]",
		  OK("{\"events\":[\"pvd-added\"]}")
		  EV("\"pvd-added\",\"pvd\":" PVD_A)
		  EV("\"policy-changed\",\"pvd\":{\"order\":[{\"handle\":9,\"id\":\"wifi\"},"
		     "{\"handle\":7,\"id\":null}],\"previous\":[{\"handle\":7,\"id\":\"cell\"}],"
		     "\"generation\":2}")
		  EV("\"default-changed\",\"pvd\":{\"family\":\"ipv6\",\"handle\":7,"
		     "\"id\":\"fe80::1%eth0\",\"previous\":3}")
		  EV("\"new-thing\",\"pvd\":{}")
		  EV("\"pvd-removed\",\"pvd\":{\"id\":\"fe80::1%eth0\",\"handle\":7,\"explicit\":false}")
		  EV("\"default-changed\",\"pvd\":{\"family\":\"ipv4\",\"handle\":0,\"id\":null,"
		     "\"previous\":7}")
		  EV("\"pvd-changed\",\"pvd\":7")
		  EV("\"default-changed\",\"pvd\":{\"family\":\"ipx\",\"handle\":0}")
		  EV("\"pvd-changed\",\"pvd\":{\"id\":\"x\"}")
		  "{\"event\":\"pvd-add\n" },
		{ NULL, NULL, NULL } };
	struct mif_ctl *c = start(*state, rules);
	struct mif_event ev;
	char err[256];

	assert_int_equal(mif_event_subscribe(c, err, sizeof(err)), 0);
	assert_int_equal(mif_event_next(c, &ev, 1000), 0);
	assert_int_equal(ev.kind, MIF_EVENT_PVD_ADDED);
	assert_int_equal(ev.pvd.handle, 7);
	assert_int_equal(ev.pvd.n_dns, 2);
	/* policy-changed: the first PvD for any flow, now and before. */
	assert_int_equal(mif_event_next(c, &ev, 1000), 0);
	assert_int_equal(ev.kind, MIF_EVENT_POLICY_CHANGED);
	assert_true(ev.pvd.handle == 9 && ev.previous == 7);
	assert_string_equal(ev.pvd.id, "wifi");
	assert_int_equal(mif_event_next(c, &ev, 1000), 0);
	assert_int_equal(ev.kind, MIF_EVENT_DEFAULT_CHANGED);
	assert_int_equal(ev.family, AF_INET6);
	assert_true(ev.pvd.handle == 7 && ev.previous == 3 && ev.pvd.default_v6);
	assert_string_equal(ev.pvd.id, "fe80::1%eth0");
	/* An event this library does not know is skipped. */
	assert_int_equal(mif_event_next(c, &ev, 1000), 0);
	assert_int_equal(ev.kind, MIF_EVENT_PVD_REMOVED);
	assert_string_equal(ev.pvd.id, "fe80::1%eth0");
	assert_int_equal(mif_event_next(c, &ev, 1000), 0);
	assert_true(ev.kind == MIF_EVENT_DEFAULT_CHANGED && ev.family == AF_INET);
	assert_true(ev.pvd.handle == 0 && ev.pvd.id[0] == '\0' && ev.previous == 7);
	assert_false(ev.pvd.default_v4);
	for (int i = 0; i < 4; i++)        /* mistyped, then truncated */
		assert_int_equal(mif_event_next(c, &ev, 1000), -EPROTO);
	assert_int_equal(mif_event_next(c, &ev, 0), -ETIMEDOUT);
	assert_int_equal(mif_event_next(c, &ev, 50), -ETIMEDOUT);
	assert_int_equal(mif_event_next(NULL, &ev, 0), -EINVAL);
	mif_ctl_close(c);
}

static void test_events_refused(void **state)
{
	static const struct rule rules[] = {
		{ "subscribe", NULL, ERR(22, "events: unknown event name") },
		{ NULL, NULL, NULL } };
	struct mif_ctl *c = start(*state, rules);
	char err[256];

	assert_int_equal(mif_event_subscribe(c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "events: unknown event name");
	mif_ctl_close(c);
}

/* mif_event_subscribe_kinds(): only the kinds asked for, policy-changed
 * among them; an empty mask or an unknown bit is refused before mifd is
 * asked. */
static void test_events_kinds(void **state)
{
	static const struct rule rules[] = {
		{ "subscribe", "{\"events\":[\"default-changed\",\"policy-changed\"]}",
		  OK("{\"events\":[\"default-changed\",\"policy-changed\"]}") },
		{ NULL, NULL, NULL } };
	struct mif_ctl *c = start(*state, rules);
	char err[256];

	assert_int_equal(mif_event_subscribe_kinds(c, 0, err, sizeof(err)), -EINVAL);
	assert_int_equal(mif_event_subscribe_kinds(c, 1u << 9, err, sizeof(err)), -EINVAL);
	assert_int_equal(mif_event_subscribe_kinds(c, 1u << MIF_EVENT_DEFAULT_CHANGED |
						   1u << MIF_EVENT_POLICY_CHANGED, err,
						   sizeof(err)), 0);
	mif_ctl_close(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_huge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_running, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolve_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolve_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connect_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connect_slow_bind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connect_race_blackhole, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connect_race_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connect_resolution_delay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_preload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events_kinds, setup, teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
