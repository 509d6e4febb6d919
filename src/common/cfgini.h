/* SPDX-License-Identifier: MIT */
/*
 * INI files (mifd.conf, had.conf, pvd.d, policy.d) through the system's
 * inih, one line at a time through a reader of ours. inih cuts a line
 * longer than its buffer into pieces it then parses as lines of their
 * own, and does not tell its handler the line number; the reader counts
 * the lines and stops at one that does not fit, so every message names
 * the line it is about.
 */
#ifndef MIF_COMMON_CFGINI_H
#define MIF_COMMON_CFGINI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The source of one parse: set f or text, the rest zero. */
struct cfgini {
	FILE *f;
	const char *text;
	unsigned line;          /* the last line handed to inih: its handler's */
	unsigned long_line;     /* the line that did not fit, 0 if none */
	unsigned max;           /* the longest line inih takes (characters) */
	int read_err;           /* errno of a read error, 0 if none */
	bool stop;              /* end the parse before the next line */
};

/* inih's ini_reader, stream a struct cfgini: one line without its '\n',
 * or NULL at the end, after a read error, a line too long, or stop. */
char *cfgini_read(char *str, int num, void *stream);

/* A key's handler: 0, or a negative errno with err filled. */
typedef int cfgini_handler(void *user, const char *section, const char *name,
			   const char *value, char *err, size_t errlen);

/* Parse p's source, calling h for each key until its first error.
 * Returns 0, or the first error in the file with *ret_line its line
 * (0 when err names it or it is about the whole source):
 *   the handler's (its code and message), inih's "syntax error"
 *   (-EINVAL), "line N is longer than M characters" (-EINVAL), a read
 *   error (its errno and strerror; a directory is -EISDIR), -ENOMEM.
 * ret_line may be NULL. */
int cfgini_parse(struct cfgini *p, cfgini_handler *h, void *user, unsigned *ret_line,
		 char *err, size_t errlen);

/* "line N is longer than M characters" for p's long line. */
void cfgini_long_line_say(const struct cfgini *p, char *err, size_t errlen);

#endif
