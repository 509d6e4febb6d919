/* SPDX-License-Identifier: MIT */
/* libmif: the control-socket client (see include/mif/mif.h). */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "mif/mif.h"
#include "pvd_priv.h"

#define MIF_CTL_MAX_LINE (16u << 20)   /* a reply larger than this is refused */
#define MIF_CTL_CONNECT_MS 5000        /* mif_ctl_open() gives up after this */

struct mif_ctl_event {
	struct mif_ctl_event *next;
	char *json;
};

struct mif_ctl {
	int fd;
	long long next_id;
	char *buf;                   /* bytes received, not yet a full line */
	size_t len, cap;
	struct mif_ctl_event *events, **events_tail;
};


MIF_EXPORT int mif_ctl_open(const char *path, struct mif_ctl **out)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct mif_ctl *c;
	int r;

	if (!out)
		return -EINVAL;
	path = paths_ctl_socket(path, MIF_DEFAULT_SOCKET_PATH);
	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->events_tail = &c->events;
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	r = c->fd < 0 ? -errno : mif_priv_unix_connect(c->fd, &sun, clock_mono_ms() + MIF_CTL_CONNECT_MS);
	if (r < 0) {
		mif_ctl_close(c);
		return r;
	}
	*out = c;
	return 0;
}

MIF_EXPORT void mif_ctl_close(struct mif_ctl *c)
{
	if (!c)
		return;
	while (c->events) {
		struct mif_ctl_event *e = c->events;

		c->events = e->next;
		free(e->json);
		free(e);
	}
	if (c->fd >= 0)
		close(c->fd);
	free(c->buf);
	free(c);
}

MIF_EXPORT int mif_ctl_fd(const struct mif_ctl *c)
{
	return c ? c->fd : -EINVAL;
}

static int mif_ctl_send_all(struct mif_ctl *c, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = send(c->fd, s, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return errno == EPIPE ? -ECONNRESET : -errno;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Take one complete line out of the buffer, or NULL. */
static char *mif_ctl_take_line(struct mif_ctl *c)
{
	char *nl = c->len ? memchr(c->buf, '\n', c->len) : NULL;
	char *line;
	size_t n;

	if (!nl)
		return NULL;
	n = (size_t)(nl - c->buf);
	line = malloc(n + 1);
	if (!line)
		return NULL;
	memcpy(line, c->buf, n);
	line[n] = '\0';
	memmove(c->buf, nl + 1, c->len - n - 1);
	c->len -= n + 1;
	return line;
}

/* Read one line, waiting until deadline_ms (-1: forever). */
static int mif_ctl_read_line(struct mif_ctl *c, long long deadline, char **out)
{
	for (;;) {
		char *line = mif_ctl_take_line(c);

		if (line) {
			*out = line;
			return 0;
		}
		if (c->len >= MIF_CTL_MAX_LINE)
			return -EPROTO;
		int wait = deadline < 0 ? -1 : (int)(deadline - clock_mono_ms());
		struct pollfd p = { .fd = c->fd, .events = POLLIN };

		if (deadline >= 0 && wait < 0)
			wait = 0;
		int r = poll(&p, 1, wait);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -ETIMEDOUT;
		if (c->cap - c->len < 65536) {
			size_t ncap = c->cap ? c->cap * 2 : 131072;
			char *nb = realloc(c->buf, ncap);

			if (!nb)
				return -ENOMEM;
			c->buf = nb;
			c->cap = ncap;
		}
		ssize_t n = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0 ? -ECONNRESET : -errno;
		c->len += (size_t)n;
	}
}

static int mif_ctl_queue_event(struct mif_ctl *c, char *line)
{
	struct mif_ctl_event *e = calloc(1, sizeof(*e));

	if (!e) {
		free(line);
		return -ENOMEM;
	}
	e->json = line;
	*c->events_tail = e;
	c->events_tail = &e->next;
	return 0;
}

/* Interpret a reply object: 0 with result, or the error it carries. */
static int mif_ctl_reply(json_t *o, char **result_json, char **error_msg)
{
	json_t *ok = json_object_get(o, "ok");

	if (json_is_true(ok)) {
		char *s = json_dumps(json_object_get(o, "result"),
				     JSON_COMPACT | JSON_ENCODE_ANY);

		if (!s)
			return -ENOMEM;
		if (result_json)
			*result_json = s;
		else
			free(s);
		return 0;
	}
	json_t *err = json_object_get(o, "error");
	json_int_t en = json_integer_value(json_object_get(err, "errno"));
	const char *msg = json_string_value(json_object_get(err, "message"));

	if (!json_is_false(ok) || en <= 0 || en > 4095)
		return -EPROTO;
	if (error_msg && msg)
		*error_msg = strdup(msg);
	return -(int)en;
}

/* Send one request; its id in *id. */
int mif_priv_send(struct mif_ctl *c, const char *method, const char *params_json, long long *id)
{
	json_t *params, *req;
	char *s;
	int r;

	if (!c || !method || !*method)
		return -EINVAL;
	params = params_json ? json_loads(params_json, 0, NULL) : json_object();
	if (!params || !json_is_object(params)) {
		json_decref(params);
		return -EINVAL;
	}
	*id = ++c->next_id;
	req = json_pack("{s:I,s:s,s:o}", "id", (json_int_t)*id, "method", method, "params", params);
	s = req ? json_dumps(req, JSON_COMPACT) : NULL;
	json_decref(req);
	if (!s)
		return -ENOMEM;
	r = mif_ctl_send_all(c, s, strlen(s));
	if (r == 0)
		r = mif_ctl_send_all(c, "\n", 1);
	free(s);
	return r;
}

/*
 * The reply to request id: read lines until it comes (events are queued,
 * replies to abandoned calls skipped). deadline -1 waits forever;
 * MIF_PRIV_NOWAIT reads what has arrived and returns -EAGAIN when the
 * reply is not complete yet (a partial line stays buffered).
 */
int mif_priv_recv(struct mif_ctl *c, long long id, long long deadline, char **result_json,
		  char **error_msg)
{
	bool nowait = deadline == MIF_PRIV_NOWAIT;
	int r = 0;

	while (r == 0) {
		char *line;
		json_t *o;

		r = mif_ctl_read_line(c, nowait ? 0 : deadline, &line);
		if (r == -ETIMEDOUT && nowait)
			return -EAGAIN;
		if (r < 0)
			break;
		o = json_loads(line, 0, NULL);
		if (!json_is_object(o)) {
			json_decref(o);
			free(line);
			return -EPROTO;
		}
		if (json_object_get(o, "event")) {
			json_decref(o);
			r = mif_ctl_queue_event(c, line);
			continue;
		}
		free(line);
		/* An error with no id is about the connection itself (a request
		 * line too long, a connection over a limit), sent just before
		 * mifd closes it: it is the answer to this call. */
		if (json_integer_value(json_object_get(o, "id")) == id ||
		    (json_is_null(json_object_get(o, "id")) &&
		     json_is_false(json_object_get(o, "ok")))) {
			r = mif_ctl_reply(o, result_json, error_msg);
			json_decref(o);
			return r;
		}
		json_decref(o);      /* a reply to an abandoned call: skip it */
	}
	return r;
}

MIF_EXPORT int mif_ctl_call(struct mif_ctl *c, const char *method, const char *params_json,
			    char **result_json, char **error_msg, int timeout_ms)
{
	long long deadline = timeout_ms < 0 ? -1 : clock_mono_ms() + timeout_ms;
	long long id = 0;
	int r = mif_priv_send(c, method, params_json, &id);

	/* mifd may have said why before it closed (a connection over a
	 * limit): that reason, rather than the bare reset. */
	if (r == -ECONNRESET && id > 0) {
		r = mif_priv_recv(c, id, clock_mono_ms() + 100, result_json, error_msg);
		return r == 0 || r == -ETIMEDOUT ? -ECONNRESET : r;
	}
	return r < 0 ? r : mif_priv_recv(c, id, deadline, result_json, error_msg);
}

MIF_EXPORT int mif_ctl_next_event(struct mif_ctl *c, char **event_json, int timeout_ms)
{
	long long deadline = timeout_ms < 0 ? -1 : clock_mono_ms() + timeout_ms;

	if (!c || !event_json)
		return -EINVAL;
	for (;;) {
		struct mif_ctl_event *e = c->events;
		char *line;
		json_t *o;
		int r;

		if (e) {
			c->events = e->next;
			if (!c->events)
				c->events_tail = &c->events;
			*event_json = e->json;
			free(e);
			return 0;
		}
		r = mif_ctl_read_line(c, deadline, &line);
		if (r < 0)
			return r;
		o = json_loads(line, 0, NULL);
		if (!json_is_object(o) || !json_is_string(json_object_get(o, "event"))) {
			bool reply = json_is_object(o) && json_object_get(o, "ok");

			json_decref(o);
			free(line);
			if (reply)
				continue;   /* a late reply to a timed-out call */
			return -EPROTO;
		}
		json_decref(o);
		*event_json = line;
		return 0;
	}
}
