/* SPDX-License-Identifier: MIT */
/* Unit tests for proto/ctlmsg.c: control requests parsed, refused with the
 * right errno (and the id kept), and replies that parse back. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/ctlmsg.h"

/* Parse a NUL-terminated line; on success *r holds the request. */
static int test_parse(const char *line, struct ctl_request *r, json_t **id, const char **msg)
{
	memset(r, 0, sizeof(*r));
	*id = (json_t *)1;   /* must be overwritten, with NULL or a reference */
	*msg = NULL;
	return ctlmsg_parse_request(line, strlen(line), r, id, msg);
}

/* Parse a reply line: one object, ending in exactly one newline. */
static json_t *test_reply(char *line)
{
	size_t n;
	json_t *o;
	json_error_t err;

	assert_non_null(line);
	n = strlen(line);
	assert_true(n >= 2);
	assert_int_equal(line[n - 1], '\n');
	assert_int_not_equal(line[n - 2], '\n');
	assert_null(memchr(line, '\n', n - 1));
	o = json_loads(line, 0, &err);
	assert_non_null(o);
	assert_true(json_is_object(o));
	free(line);
	return o;
}

static void test_every_method(void **state)
{
	static const struct {
		const char *name;
		enum ctl_method m;
		bool writes;
	} cases[] = {
		{ "pvd.list", CTL_PVD_LIST, false },
		{ "pvd.get", CTL_PVD_GET, false },
		{ "status", CTL_STATUS, false },
		{ "subscribe", CTL_SUBSCRIBE, false },
		{ "log.set", CTL_LOG_SET, true },
		{ "pvd.add", CTL_PVD_ADD, true },
		{ "pvd.set", CTL_PVD_SET, true },
		{ "pvd.del", CTL_PVD_DEL, true },
		{ "link.set", CTL_LINK_SET, true },
		{ "route.get", CTL_ROUTE_GET, false },
		{ "dns.which", CTL_DNS_WHICH, false },
		{ "dns.list", CTL_DNS_LIST, false },
		{ "policy.explain", CTL_POLICY_EXPLAIN, false },
		{ "policy.show", CTL_POLICY_SHOW, false },
		{ "policy.reload", CTL_POLICY_RELOAD, true },
	};
	char line[128];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ctl_request r;
		json_t *id;
		const char *msg;

		snprintf(line, sizeof(line), "{\"id\": %zu, \"method\": \"%s\", \"params\": {}}",
			 i + 10, cases[i].name);
		assert_int_equal(test_parse(line, &r, &id, &msg), 0);
		assert_int_equal(r.method, cases[i].m);
		assert_string_equal(ctlmsg_method_name(r.method), cases[i].name);
		assert_int_equal(ctlmsg_method_writes(r.method), cases[i].writes);
		assert_true(json_is_integer(r.id));
		assert_int_equal(json_integer_value(r.id), i + 10);
		assert_true(json_is_object(r.params));
		assert_int_equal(json_object_size(r.params), 0);
		/* id_out holds its own reference to the same id. */
		assert_non_null(id);
		assert_true(json_equal(id, r.id));
		json_decref(id);
		ctlmsg_request_free(&r);
		assert_null(r.id);
		assert_null(r.params);
	}
	assert_string_equal(ctlmsg_method_name(CTL__METHOD_MAX), "unknown");
	assert_string_equal(ctlmsg_method_name((enum ctl_method)-1), "unknown");
	assert_false(ctlmsg_method_writes(CTL__METHOD_MAX));
	assert_false(ctlmsg_method_writes((enum ctl_method)-1));
}

static void test_id_kinds(void **state)
{
	struct ctl_request r;
	json_t *id;
	const char *msg;

	(void)state;
	/* String id. */
	assert_int_equal(test_parse("{\"id\":\"abc\",\"method\":\"status\"}", &r, &id, &msg), 0);
	assert_true(json_is_string(r.id));
	assert_string_equal(json_string_value(r.id), "abc");
	assert_string_equal(json_string_value(id), "abc");
	json_decref(id);
	ctlmsg_request_free(&r);

	/* Structured id, kept as is. */
	assert_int_equal(test_parse("{\"id\":[1,{\"x\":true}],\"method\":\"status\"}",
				    &r, &id, &msg), 0);
	assert_true(json_is_array(r.id));
	assert_int_equal(json_array_size(r.id), 2);
	json_decref(id);
	ctlmsg_request_free(&r);

	/* No id: null in the request, NULL through id_out. */
	assert_int_equal(test_parse("{\"method\":\"status\"}", &r, &id, &msg), 0);
	assert_null(id);
	assert_non_null(r.id);
	assert_true(json_is_null(r.id));
	ctlmsg_request_free(&r);

	/* An explicit null id. */
	assert_int_equal(test_parse("{\"id\":null,\"method\":\"status\"}", &r, &id, &msg), 0);
	assert_true(json_is_null(r.id));
	json_decref(id);
	ctlmsg_request_free(&r);
}

static void test_params(void **state)
{
	struct ctl_request r;
	json_t *id;
	const char *msg;

	(void)state;
	/* Absent: an empty object. */
	assert_int_equal(test_parse("{\"id\":1,\"method\":\"pvd.list\"}", &r, &id, &msg), 0);
	assert_true(json_is_object(r.params));
	assert_int_equal(json_object_size(r.params), 0);
	json_decref(id);
	ctlmsg_request_free(&r);

	/* null: allowed, an empty object too. */
	assert_int_equal(test_parse("{\"id\":1,\"method\":\"pvd.list\",\"params\":null}",
				    &r, &id, &msg), 0);
	assert_true(json_is_object(r.params));
	assert_int_equal(json_object_size(r.params), 0);
	json_decref(id);
	ctlmsg_request_free(&r);

	/* Unknown members of the request are ignored. */
	assert_int_equal(test_parse("{\"id\":1,\"method\":\"pvd.list\",\"extra\":[1]}",
				    &r, &id, &msg), 0);
	assert_int_equal(r.method, CTL_PVD_LIST);
	json_decref(id);
	ctlmsg_request_free(&r);
}

/* Parse a line that must fail with err; returns id_out (to be released). */
static json_t *test_refused(const char *line, int err)
{
	struct ctl_request r;
	json_t *id;
	const char *msg;

	assert_int_equal(test_parse(line, &r, &id, &msg), err);
	assert_non_null(msg);
	assert_true(strlen(msg) > 0);
	/* Nothing handed out in the request. */
	assert_null(r.id);
	assert_null(r.params);
	assert_ptr_not_equal(id, (json_t *)1);
	return id;
}

static void test_refusals(void **state)
{
	json_t *id;

	(void)state;
	/* Not JSON, not an object: no id to be had. */
	assert_null(test_refused("", -EINVAL));
	assert_null(test_refused("hello", -EINVAL));
	assert_null(test_refused("{\"id\":1,\"method\":\"status\"", -EINVAL));
	assert_null(test_refused("{\"id\":1,\"method\":\"status\"} x", -EINVAL));
	assert_null(test_refused("[{\"id\":1,\"method\":\"status\"}]", -EINVAL));
	assert_null(test_refused("\"status\"", -EINVAL));
	assert_null(test_refused("42", -EINVAL));
	assert_null(test_refused("null", -EINVAL));
	/* Duplicate keys are refused outright. */
	assert_null(test_refused("{\"id\":1,\"method\":\"status\",\"method\":\"log.set\"}", -EINVAL));
	assert_null(test_refused("{\"id\":1,\"id\":2,\"method\":\"status\"}", -EINVAL));

	/* Shape errors keep the id for the reply. */
	id = test_refused("{\"id\":5}", -EINVAL);
	assert_int_equal(json_integer_value(id), 5);
	json_decref(id);
	id = test_refused("{\"id\":\"x\",\"method\":7}", -EINVAL);
	assert_string_equal(json_string_value(id), "x");
	json_decref(id);
	id = test_refused("{\"id\":6,\"method\":null}", -EINVAL);
	assert_int_equal(json_integer_value(id), 6);
	json_decref(id);
	id = test_refused("{\"id\":7,\"method\":\"status\",\"params\":[]}", -EINVAL);
	assert_int_equal(json_integer_value(id), 7);
	json_decref(id);
	id = test_refused("{\"id\":8,\"method\":\"status\",\"params\":\"a\"}", -EINVAL);
	assert_int_equal(json_integer_value(id), 8);
	json_decref(id);
	id = test_refused("{\"id\":9,\"method\":\"status\",\"params\":1}", -EINVAL);
	assert_int_equal(json_integer_value(id), 9);
	json_decref(id);
	assert_null(test_refused("{\"method\":\"status\",\"params\":true}", -EINVAL));

	/* Unknown method: -EOPNOTSUPP, id still returned. */
	id = test_refused("{\"id\":\"q\",\"method\":\"pvd.delete\"}", -EOPNOTSUPP);
	assert_string_equal(json_string_value(id), "q");
	json_decref(id);
	id = test_refused("{\"id\":11,\"method\":\"PVD.LIST\"}", -EOPNOTSUPP);
	assert_int_equal(json_integer_value(id), 11);
	json_decref(id);
	id = test_refused("{\"id\":12,\"method\":\"\"}", -EOPNOTSUPP);
	assert_int_equal(json_integer_value(id), 12);
	json_decref(id);
	assert_null(test_refused("{\"method\":\"status \"}", -EOPNOTSUPP));
}

static void test_max_line(void **state)
{
	struct ctl_request r;
	json_t *id;
	const char *msg;
	char *line = malloc(CTLMSG_MAX_LINE + 2);
	static const char head[] = "{\"id\":3,\"method\":\"pvd.get\",\"params\":{\"id\":\"";
	static const char tail[] = "\"}}";
	size_t n;

	(void)state;
	assert_non_null(line);
	/* Exactly CTLMSG_MAX_LINE bytes: accepted. */
	n = CTLMSG_MAX_LINE;
	memcpy(line, head, sizeof(head) - 1);
	memset(line + sizeof(head) - 1, 'a', n - (sizeof(head) - 1) - (sizeof(tail) - 1));
	memcpy(line + n - (sizeof(tail) - 1), tail, sizeof(tail) - 1);
	memset(&r, 0, sizeof(r));
	assert_int_equal(ctlmsg_parse_request(line, n, &r, &id, &msg), 0);
	assert_int_equal(r.method, CTL_PVD_GET);
	assert_int_equal(json_string_length(json_object_get(r.params, "id")),
			 n - (sizeof(head) - 1) - (sizeof(tail) - 1));
	json_decref(id);
	ctlmsg_request_free(&r);

	/* One byte more: -EMSGSIZE before any parsing, so no id. */
	n = CTLMSG_MAX_LINE + 1;
	memcpy(line, head, sizeof(head) - 1);
	memset(line + sizeof(head) - 1, 'a', n - (sizeof(head) - 1) - (sizeof(tail) - 1));
	memcpy(line + n - (sizeof(tail) - 1), tail, sizeof(tail) - 1);
	memset(&r, 0, sizeof(r));
	id = (json_t *)1;
	msg = NULL;
	assert_int_equal(ctlmsg_parse_request(line, n, &r, &id, &msg), -EMSGSIZE);
	assert_null(id);
	assert_non_null(msg);
	assert_null(r.id);
	assert_null(r.params);
	free(line);
}

static void test_len_not_nul(void **state)
{
	/* Only len bytes are read: the tail after it does not count. */
	static const char line[] = "{\"id\":1,\"method\":\"status\"}GARBAGE";
	struct ctl_request r;
	json_t *id;
	const char *msg;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(ctlmsg_parse_request(line, strlen(line) - 7, &r, &id, &msg), 0);
	assert_int_equal(r.method, CTL_STATUS);
	json_decref(id);
	ctlmsg_request_free(&r);
	/* An embedded NUL inside len is not the end of the request. */
	memset(&r, 0, sizeof(r));
	assert_int_equal(ctlmsg_parse_request("{\"method\":\"status\"}\0x", 21, &r, &id, &msg),
			 -EINVAL);
}

static void test_param_string(void **state)
{
	struct ctl_request r;
	json_t *id;
	const char *msg, *s;
	char *line;
	size_t n;

	(void)state;
	/* pvd.add: a PvD spec, whose fields the method checks itself. */
	assert_int_equal(test_parse("{\"method\":\"pvd.add\",\"params\":{\"pvd\":\"a.example\","
				    "\"n\":3,\"e\":\"\",\"z\":null}}", &r, &id, &msg), 0);
	/* Present. */
	s = NULL;
	assert_int_equal(ctlmsg_param_string(&r, "pvd", true, &s, &msg), 0);
	assert_string_equal(s, "a.example");
	s = NULL;
	assert_int_equal(ctlmsg_param_string(&r, "pvd", false, &s, &msg), 0);
	assert_string_equal(s, "a.example");
	/* Missing: optional gives NULL, required refused. */
	s = "x";
	assert_int_equal(ctlmsg_param_string(&r, "nope", false, &s, &msg), 0);
	assert_null(s);
	msg = NULL;
	assert_int_equal(ctlmsg_param_string(&r, "nope", true, &s, &msg), -EINVAL);
	assert_non_null(msg);
	/* Wrong type, empty, null: refused even when optional. */
	msg = NULL;
	assert_int_equal(ctlmsg_param_string(&r, "n", false, &s, &msg), -EINVAL);
	assert_non_null(msg);
	assert_int_equal(ctlmsg_param_string(&r, "n", true, &s, &msg), -EINVAL);
	assert_int_equal(ctlmsg_param_string(&r, "e", true, &s, &msg), -EINVAL);
	assert_int_equal(ctlmsg_param_string(&r, "e", false, &s, &msg), -EINVAL);
	assert_int_equal(ctlmsg_param_string(&r, "z", false, &s, &msg), -EINVAL);
	ctlmsg_request_free(&r);

	/* Length: 1024 accepted, 1025 refused. */
	line = malloc(2200);
	assert_non_null(line);
	for (n = 1024; n <= 1025; n++) {
		int len = snprintf(line, 2200, "{\"method\":\"dns.flush\",\"params\":{\"pvd\":\"%0*d\"}}",
				   (int)n, 0);

		assert_true(len > 0 && len < 2200);
		assert_int_equal(test_parse(line, &r, &id, &msg), 0);
		s = NULL;
		assert_int_equal(ctlmsg_param_string(&r, "pvd", true, &s, &msg),
				 n == 1024 ? 0 : -EINVAL);
		if (n == 1024)
			assert_int_equal(strlen(s), 1024);
		ctlmsg_request_free(&r);
	}
	free(line);
}

static void test_reply_ok(void **state)
{
	json_t *id = json_integer(42), *o, *res;

	(void)state;
	o = test_reply(ctlmsg_reply_ok(id, json_pack("{s:i}", "count", 3)));
	assert_int_equal(json_object_size(o), 3);
	assert_int_equal(json_integer_value(json_object_get(o, "id")), 42);
	assert_true(json_is_true(json_object_get(o, "ok")));
	res = json_object_get(o, "result");
	assert_true(json_is_object(res));
	assert_int_equal(json_integer_value(json_object_get(res, "count")), 3);
	json_decref(o);
	/* The id is borrowed, not stolen. */
	assert_int_equal(id->refcount, 1);
	json_decref(id);

	/* NULL id and NULL result: both null. */
	o = test_reply(ctlmsg_reply_ok(NULL, NULL));
	assert_true(json_is_null(json_object_get(o, "id")));
	assert_true(json_is_true(json_object_get(o, "ok")));
	assert_true(json_is_null(json_object_get(o, "result")));
	json_decref(o);

	/* A string with a newline inside stays escaped on one line. */
	id = json_string("a\nb");
	o = test_reply(ctlmsg_reply_ok(id, json_string("x\ny")));
	assert_string_equal(json_string_value(json_object_get(o, "id")), "a\nb");
	assert_string_equal(json_string_value(json_object_get(o, "result")), "x\ny");
	json_decref(o);
	json_decref(id);
}

static void test_reply_error(void **state)
{
	json_t *id = json_string("r1"), *o, *err;

	(void)state;
	o = test_reply(ctlmsg_reply_error(id, EPERM, "permission denied"));
	assert_int_equal(json_object_size(o), 3);
	assert_string_equal(json_string_value(json_object_get(o, "id")), "r1");
	assert_true(json_is_false(json_object_get(o, "ok")));
	assert_null(json_object_get(o, "result"));
	err = json_object_get(o, "error");
	assert_true(json_is_object(err));
	assert_string_equal(json_string_value(json_object_get(err, "code")), "EPERM");
	assert_int_equal(json_integer_value(json_object_get(err, "errno")), EPERM);
	assert_string_equal(json_string_value(json_object_get(err, "message")), "permission denied");
	json_decref(o);
	assert_int_equal(id->refcount, 1);
	json_decref(id);

	/* A negative errno is the same; no message: strerror. */
	o = test_reply(ctlmsg_reply_error(NULL, -ENOENT, NULL));
	assert_true(json_is_null(json_object_get(o, "id")));
	err = json_object_get(o, "error");
	assert_string_equal(json_string_value(json_object_get(err, "code")), "ENOENT");
	assert_int_equal(json_integer_value(json_object_get(err, "errno")), ENOENT);
	assert_string_equal(json_string_value(json_object_get(err, "message")), strerror(ENOENT));
	json_decref(o);

	/* An errno without a name: EIO, code and number agreeing (issue 17). */
	o = test_reply(ctlmsg_reply_error(NULL, -ESPIPE, "odd"));
	err = json_object_get(o, "error");
	assert_string_equal(json_string_value(json_object_get(err, "code")), "EIO");
	assert_int_equal(json_integer_value(json_object_get(err, "errno")), EIO);
	assert_string_equal(json_string_value(json_object_get(err, "message")), "odd");
	json_decref(o);
}

static void test_event(void **state)
{
	json_t *pvd = json_pack("{s:s,s:i}", "id", "pvd.example.com", "handle", 4), *o, *p;

	(void)state;
	o = test_reply(ctlmsg_event("pvd-added", pvd));
	assert_int_equal(json_object_size(o), 2);
	assert_string_equal(json_string_value(json_object_get(o, "event")), "pvd-added");
	p = json_object_get(o, "pvd");
	assert_true(json_equal(p, pvd));
	json_decref(o);
	/* Borrowed. */
	assert_int_equal(pvd->refcount, 1);
	json_decref(pvd);
	/* No PvD: no event, rather than a line without one. */
	assert_null(ctlmsg_event("pvd-added", NULL));
}

static void test_errno_name(void **state)
{
	static const struct {
		int err;
		const char *name;
	} cases[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EINVAL, "EINVAL" },
		{ EOPNOTSUPP, "EOPNOTSUPP" }, { EMSGSIZE, "EMSGSIZE" }, { ENOMEM, "ENOMEM" },
		{ EEXIST, "EEXIST" }, { EBUSY, "EBUSY" }, { ENODEV, "ENODEV" },
		{ EAGAIN, "EAGAIN" }, { ETIMEDOUT, "ETIMEDOUT" }, { ENETUNREACH, "ENETUNREACH" },
		{ EHOSTUNREACH, "EHOSTUNREACH" }, { ENOSPC, "ENOSPC" }, { ENOBUFS, "ENOBUFS" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_string_equal(ctlmsg_errno_name(cases[i].err), cases[i].name);
		assert_string_equal(ctlmsg_errno_name(-cases[i].err), cases[i].name);
	}
	assert_string_equal(ctlmsg_errno_name(0), "EIO");
	assert_string_equal(ctlmsg_errno_name(EIO), "EIO");
	assert_string_equal(ctlmsg_errno_name(ESPIPE), "EIO");
	assert_string_equal(ctlmsg_errno_name(99999), "EIO");
	assert_string_equal(ctlmsg_errno_name(-99999), "EIO");
}

/* Issue 17: every parameter of the wrong type, or unknown to its method,
 * refuses the request with a message that names it; PvD specs are left
 * to pvd_spec. */
static void test_param_types(void **state)
{
	static const struct {
		const char *line, *msg;      /* msg NULL: accepted */
	} cases[] = {
		{ "{\"method\":\"dns.resolve\",\"params\":{\"name\":\"a.b\",\"pvd\":5}}", "pvd: must be a string" },
		{ "{\"method\":\"dns.resolve\",\"params\":{\"name\":\"a.b\",\"type\":28}}", NULL },
		{ "{\"method\":\"dns.resolve\",\"params\":{\"name\":\"a.b\",\"type\":\"AAAA\"}}", NULL },
		{ "{\"method\":\"dns.resolve\",\"params\":{\"name\":\"a.b\",\"type\":1.5}}", "type: must be" },
		{ "{\"method\":\"dns.resolve\",\"params\":{\"name\":\"a.b\",\"ttl\":1}}", "dns.resolve takes" },
		{ "{\"method\":\"route.get\",\"params\":{\"destination\":\"::1\",\"pvd\":\"x\",\"from\":\"::1\"}}", NULL },
		{ "{\"method\":\"route.get\",\"params\":{\"destination\":\"::1\",\"pvd\":1}}", "pvd: must be a string" },
		{ "{\"method\":\"route.get\",\"params\":{\"destination\":\"::1\",\"from\":true}}", "from: must be a string" },
		{ "{\"method\":\"route.get\",\"params\":{\"destination\":{}}}", "destination: must be a string" },
		{ "{\"method\":\"dns.which\",\"params\":{\"name\":\"a.b\",\"pvd\":[\"x\"]}}", "pvd: must be a string" },
		{ "{\"method\":\"dns.flush\",\"params\":{\"pvd\":2}}", "pvd: must be a string" },
		{ "{\"method\":\"pvd.get\",\"params\":{\"id\":12345}}", "id: must be a string" },
		{ "{\"method\":\"pvd.del\",\"params\":{\"id\":null}}", "id: must be a string" },
		{ "{\"method\":\"log.set\",\"params\":{\"level\":3}}", "level: must be a string" },
		{ "{\"method\":\"link.set\",\"params\":{\"interface\":\"eth0\",\"dhcp4\":1}}", "dhcp4: must be true or false" },
		{ "{\"method\":\"link.set\",\"params\":{\"interface\":\"eth0\",\"dhcp4\":false}}", NULL },
		{ "{\"method\":\"subscribe\",\"params\":{\"events\":\"pvd-added\"}}", "events: a list" },
		{ "{\"method\":\"status\",\"params\":{\"verbose\":true}}", "status takes no parameters" },
		{ "{\"method\":\"pvd.list\",\"params\":{\"x\":1}}", "pvd.list takes no parameters" },
		{ "{\"method\":\"dns.list\",\"params\":{\"pvd\":\"x\"}}", "dns.list takes no parameters" },
		{ "{\"method\":\"status\",\"params\":null}", NULL },
		{ "{\"method\":\"pvd.add\",\"params\":{\"id\":\"corp\",\"mtu\":\"big\"}}", NULL },
		{ "{\"method\":\"policy.explain\",\"params\":{\"exe\":\"/bin/x\",\"uid\":0,"
		  "\"cgroup\":\"/a\",\"dst\":\"a.b\",\"proto\":\"tcp\",\"port\":1,\"dscp\":46}}", NULL },
		{ "{\"method\":\"policy.explain\",\"params\":{\"dst\":\"a.b\",\"uid\":\"0\"}}",
		  "uid: must be a number" },
		{ "{\"method\":\"policy.explain\",\"params\":{\"dst\":\"a.b\",\"pvd\":\"x\"}}",
		  "policy.explain takes" },
		{ "{\"method\":\"policy.reload\",\"params\":{\"dir\":\"/tmp\"}}",
		  "policy.reload takes no parameters" },
	};

	(void)state;
	/* Every method refuses a parameter it does not know, with a message
	 * (a method added without its row in the table too), but the two
	 * that take a PvD spec, which pvd_spec checks. */
	for (int m = 0; m < CTL__METHOD_MAX; m++) {
		struct ctl_request r = { 0 };
		const char *msg = NULL;
		json_t *id = NULL;
		char line[128];
		int e;

		snprintf(line, sizeof(line), "{\"method\":\"%s\",\"params\":{\"zz\":1}}",
			 ctlmsg_method_name((enum ctl_method)m));
		e = test_parse(line, &r, &id, &msg);
		if (m == CTL_PVD_ADD || m == CTL_PVD_SET) {
			assert_int_equal(e, 0);
			ctlmsg_request_free(&r);
		} else {
			assert_int_equal(e, -EINVAL);
			assert_non_null(msg);
		}
		json_decref(id);
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ctl_request r = { 0 };
		const char *msg = NULL;
		json_t *id = NULL;
		int e = test_parse(cases[i].line, &r, &id, &msg);

		if (!cases[i].msg) {
			assert_int_equal(e, 0);
			ctlmsg_request_free(&r);
		} else {
			assert_int_equal(e, -EINVAL);
			assert_non_null(msg);
			assert_non_null(strstr(msg, cases[i].msg));
			assert_null(r.params);
		}
		json_decref(id);
	}
}

/* Issue 17: an error's code and errno always agree, for every errno
 * (a timeout was once "EIO" with errno 110); one without a name goes out
 * as EIO 5, its text kept as the message. */
static void test_error_code_matches_errno(void **state)
{
	(void)state;
	for (int e = 1; e < 200; e++) {
		char *line = ctlmsg_reply_error(NULL, -e, NULL);
		json_t *j = line ? json_loads(line, 0, NULL) : NULL;
		json_t *err = json_object_get(j, "error");
		int n = (int)json_integer_value(json_object_get(err, "errno"));

		assert_non_null(j);
		const char *code = json_string_value(json_object_get(err, "code"));

		assert_non_null(code);
		assert_true(strcmp(code, "EIO") != 0 || n == EIO);
		assert_string_equal(code, ctlmsg_errno_name(n));
		assert_true(n == e || (n == EIO && strcmp(ctlmsg_errno_name(e), "EIO") == 0));
		if (n != e)
			assert_string_equal(json_string_value(json_object_get(err, "message")),
					    strerror(e));
		json_decref(j);
		free(line);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_method),
		cmocka_unit_test(test_id_kinds),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_max_line),
		cmocka_unit_test(test_len_not_nul),
		cmocka_unit_test(test_param_string),
		cmocka_unit_test(test_param_types),
		cmocka_unit_test(test_error_code_matches_errno),
		cmocka_unit_test(test_reply_ok),
		cmocka_unit_test(test_reply_error),
		cmocka_unit_test(test_event),
		cmocka_unit_test(test_errno_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
