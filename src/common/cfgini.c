/* SPDX-License-Identifier: MIT */
/* INI files through inih, line by line through our reader (cfgini.h). */
#include <errno.h>
#include <ini.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/cfgini.h"

/* The next line of a string source into str (cap characters at most). */
static char *cfgini_read_text(struct cfgini *p, char *str, size_t cap)
{
	const char *nl;
	size_t len;

	if (!*p->text)
		return NULL;
	nl = strchr(p->text, '\n');
	len = nl ? (size_t)(nl - p->text) : strlen(p->text);
	p->line++;
	if (len > cap) {
		p->long_line = p->line;
		return NULL;
	}
	memcpy(str, p->text, len);
	str[len] = '\0';
	p->text += len + (nl != NULL);
	return str;
}

/* The same from a file: getc() rather than fgets(), which would hand a
 * long line over in pieces, and a line of exactly cap characters then
 * its '\n' as an empty line of its own. */
static char *cfgini_read_file(struct cfgini *p, char *str, size_t cap)
{
	size_t len = 0;
	int c;

	bool any = false;

	errno = 0;
	while ((c = getc(p->f)) != EOF) {
		if (!any)
			p->line++;
		any = true;
		if (c == '\n')
			break;
		if (len == cap) {
			p->long_line = p->line;
			return NULL;
		}
		str[len++] = (char)c;
	}
	if (c == EOF && ferror(p->f)) {
		/* A directory opens, and its first read fails with EISDIR. */
		p->read_err = errno ? errno : EIO;
		return NULL;
	}
	if (!any)
		return NULL;
	str[len] = '\0';
	return str;
}

char *cfgini_read(char *str, int num, void *stream)
{
	struct cfgini *p = stream;

	if (num < 2 || p->stop || p->long_line || p->read_err)
		return NULL;
	p->max = (unsigned)num - 1;
	return p->f ? cfgini_read_file(p, str, p->max) : cfgini_read_text(p, str, p->max);
}

void cfgini_long_line_say(const struct cfgini *p, char *err, size_t errlen)
{
	if (errlen)
		snprintf(err, errlen, "line %u is longer than %u characters", p->long_line, p->max);
}

struct cfgini_run {
	struct cfgini *p;
	cfgini_handler *h;
	void *user;
	int err;                /* the handler's first error, at err_line */
	unsigned err_line;
	char *msg;
	size_t msglen;
};

static int cfgini_cb(void *user, const char *section, const char *name, const char *value)
{
	struct cfgini_run *x = user;
	int r;

	if (x->err)
		return 1;
	r = x->h(x->user, section, name, value, x->msg, x->msglen);
	if (r >= 0)
		return 1;
	x->err = r;
	x->err_line = x->p->line;
	x->p->stop = true;      /* the first error is the one told */
	return 0;
}

int cfgini_parse(struct cfgini *p, cfgini_handler *h, void *user, unsigned *ret_line,
		 char *err, size_t errlen)
{
	struct cfgini_run x = { .p = p, .h = h, .user = user, .msg = err, .msglen = errlen };
	unsigned line = 0;
	int r = ini_parse_stream(cfgini_read, p, cfgini_cb, &x);

	if (p->read_err) {
		r = -p->read_err;
		if (errlen)
			snprintf(err, errlen, "%s", strerror(p->read_err));
	} else if (r < 0) {
		r = -ENOMEM;    /* inih's buffer, when it allocates one */
		if (errlen)
			snprintf(err, errlen, "out of memory");
	} else if (r > 0 && (!x.err || (unsigned)r < x.err_line)) {
		/* inih's own error (no ']' or '='), before any of the handler's:
		 * the keys after it may be in the wrong section. */
		line = (unsigned)r;
		r = -EINVAL;
		if (errlen)
			snprintf(err, errlen, "syntax error");
	} else if (x.err) {
		line = x.err_line;
		r = x.err;
	} else if (p->long_line) {
		cfgini_long_line_say(p, err, errlen);
		r = -EINVAL;
	} else {
		r = 0;
	}
	if (ret_line)
		*ret_line = line;
	return r;
}
