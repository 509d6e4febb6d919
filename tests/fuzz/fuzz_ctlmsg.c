/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for ctlmsg_parse_request(): no crash, no leak (every
 * reference handed out is dropped here, and LeakSanitizer checks), and on
 * success the request has the shape the dispatcher relies on. The replies
 * built from what was parsed are checked too. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/ctlmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A reply line: one JSON object, then exactly one newline. */
static void fuzz_ctlmsg_line(char *line)
{
	size_t n;
	json_t *o;

	if (!line)
		return;
	n = strlen(line);
	if (n < 2 || line[n - 1] != '\n' || line[n - 2] == '\n')
		__builtin_trap();
	o = json_loadb(line, n - 1, 0, NULL);
	if (!json_is_object(o))
		__builtin_trap();
	json_decref(o);
	free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_request r;
	json_t *id = (json_t *)1;
	const char *msg = NULL, *s = NULL;
	int e;

	memset(&r, 0, sizeof(r));
	e = ctlmsg_parse_request((const char *)data, size, &r, &id, &msg);
	if (e < 0) {
		if ((e != -EINVAL && e != -EOPNOTSUPP && e != -EMSGSIZE) || !msg)
			__builtin_trap();
		if (r.id || r.params)
			__builtin_trap();
		fuzz_ctlmsg_line(ctlmsg_reply_error(id, e, msg));
		json_decref(id);
		return 0;
	}
	if (e != 0 || !r.id || !json_is_object(r.params) ||
	    (unsigned)r.method >= CTL__METHOD_MAX)
		__builtin_trap();
	/* With an id in the request, both handles hold the same value. */
	if (id && !json_equal(id, r.id))
		__builtin_trap();
	if (!id && !json_is_null(r.id))
		__builtin_trap();
	json_decref(id);
	if (ctlmsg_param_string(&r, "id", false, &s, &msg) == 0 && s && !*s)
		__builtin_trap();
	fuzz_ctlmsg_line(ctlmsg_reply_ok(r.id, json_deep_copy(r.params)));
	fuzz_ctlmsg_line(ctlmsg_event(ctlmsg_method_name(r.method), r.params));
	ctlmsg_request_free(&r);
	return 0;
}
