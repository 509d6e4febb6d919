/* SPDX-License-Identifier: MIT */
/* INI files through inih and our line reader (src/common/cfgini.c): each
 * error names the line it is about, and a line too long for inih is
 * refused rather than parsed in pieces. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cfgini.h"
#include "common/cfgval.h"

/* The keys seen, "section/name=value;" each, and the lines they were on. */
struct seen {
	char keys[1024];
	char lines[256];
	struct cfgini *p;
};

/* Refuses a key named "bad" (-EINVAL) and one named "perm" (-EPERM). */
static int handler(void *user, const char *section, const char *name, const char *value,
		   char *err, size_t errlen)
{
	struct seen *s = user;
	size_t n = strlen(s->keys), l = strlen(s->lines);

	snprintf(s->keys + n, sizeof(s->keys) - n, "%s/%s=%s;", section, name, value);
	snprintf(s->lines + l, sizeof(s->lines) - l, "%u;", s->p->line);
	if (strcmp(name, "bad") == 0)
		return cfg_fail(err, errlen, "bad: \"%s\" is refused", value);
	if (strcmp(name, "perm") == 0) {
		snprintf(err, errlen, "perm: no");
		return -EPERM;
	}
	return 0;
}

static char err[256];
static unsigned line;
static struct seen seen;

static int parse_text(const char *text)
{
	struct cfgini p = { .text = text };

	memset(&seen, 0, sizeof(seen));
	seen.p = &p;
	err[0] = '\0';
	line = 12345;
	return cfgini_parse(&p, handler, &seen, &line, err, sizeof(err));
}

/* The same text from a file. */
static int parse_file(const char *text)
{
	char path[] = "/tmp/mif-test-cfgini-XXXXXX";
	int fd = mkstemp(path), r;
	struct cfgini p = { 0 };

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	p.f = fopen(path, "re");
	assert_non_null(p.f);
	memset(&seen, 0, sizeof(seen));
	seen.p = &p;
	err[0] = '\0';
	line = 12345;
	r = cfgini_parse(&p, handler, &seen, &line, err, sizeof(err));
	fclose(p.f);
	unlink(path);
	return r;
}

static int (*const parsers[])(const char *) = { parse_text, parse_file };

/* A text of n characters of c after prefix, then suffix. */
static char *long_text(const char *prefix, char c, size_t n, const char *suffix)
{
	size_t lp = strlen(prefix), ls = strlen(suffix);
	char *t = malloc(lp + n + ls + 1);

	assert_non_null(t);
	memcpy(t, prefix, lp);
	memset(t + lp, c, n);
	memcpy(t + lp + n, suffix, ls + 1);
	return t;
}

static void test_good(void **state)
{
	(void)state;
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(parsers[i]("# c\n[a]\nx = 1\n\n[b c]\ny=two words ; note\nz = 3"), 0);
		assert_string_equal(seen.keys, "a/x=1;b c/y=two words;b c/z=3;");
		assert_string_equal(seen.lines, "3;6;7;");
		assert_int_equal(line, 0);
		/* CRLF, and nothing at all. */
		assert_int_equal(parsers[i]("[a]\r\nx = 1\r\n"), 0);
		assert_string_equal(seen.keys, "a/x=1;");
		assert_int_equal(parsers[i](""), 0);
		assert_string_equal(seen.keys, "");
	}
}

static void test_handler_error_line(void **state)
{
	(void)state;
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(parsers[i]("[a]\nx = 1\n\nbad = 2\nbad = 3\n"), -EINVAL);
		assert_int_equal(line, 4);
		assert_string_equal(err, "bad: \"2\" is refused");
		/* The first error stops the parse. */
		assert_string_equal(seen.keys, "a/x=1;a/bad=2;");
		/* The handler's own code. */
		assert_int_equal(parsers[i]("[a]\nperm = 1\n"), -EPERM);
		assert_int_equal(line, 2);
		assert_string_equal(err, "perm: no");
	}
}

static void test_syntax_error_line(void **state)
{
	(void)state;
	for (size_t i = 0; i < 2; i++) {
		/* The syntax error comes first: it is told, with its line, not
		 * the handler's message of a later line. */
		assert_int_equal(parsers[i]("[mifd]\nthis line has no equals sign\nbad = x\n"),
				 -EINVAL);
		assert_int_equal(line, 2);
		assert_string_equal(err, "syntax error");
		/* A section header without ']'. */
		assert_int_equal(parsers[i]("[mifd\nx = 1\n"), -EINVAL);
		assert_int_equal(line, 1);
		assert_string_equal(err, "syntax error");
		/* A handler's error before a syntax error is the one told. */
		assert_int_equal(parsers[i]("[a]\nbad = 1\nno equals\n"), -EINVAL);
		assert_int_equal(line, 2);
		assert_string_equal(err, "bad: \"1\" is refused");
	}
}

static void test_long_line(void **state)
{
	(void)state;
	for (size_t i = 0; i < 2; i++) {
		/* 199 characters fit; the next line is counted as one. */
		char *t = long_text("[a]\nx = ", 'p', 199 - 4, "\nbad = 1\n");

		assert_int_equal(parsers[i](t), -EINVAL);
		assert_int_equal(line, 3);
		assert_int_equal(strlen(seen.keys), strlen("a/x=;a/bad=1;") + 199 - 4);
		free(t);
		/* Also as the last line, without its newline. */
		t = long_text("[a]\nx = ", 'p', 199 - 4, "");
		assert_int_equal(parsers[i](t), 0);
		free(t);
		/* 200 characters do not: the line is named, no key is made of its tail. */
		t = long_text("[a]\nx = 1\nu = http://example.com/", 'p', 200, "?a=b\nx = 2\n");
		assert_int_equal(parsers[i](t), -EINVAL);
		assert_string_equal(err, "line 3 is longer than 199 characters");
		assert_int_equal(line, 0);
		assert_string_equal(seen.keys, "a/x=1;");
		free(t);
		t = long_text("[a]\n", ';', 300, "");
		assert_int_equal(parsers[i](t), -EINVAL);
		assert_string_equal(err, "line 2 is longer than 199 characters");
		free(t);
		/* An earlier error is told first. */
		t = long_text("[a]\nbad = 1\n", 'x', 300, "\n");
		assert_int_equal(parsers[i](t), -EINVAL);
		assert_int_equal(line, 2);
		assert_string_equal(err, "bad: \"1\" is refused");
		free(t);
	}
}

/* A directory opens, but is not a file: refused with EISDIR. */
static void test_directory(void **state)
{
	struct cfgini p = { .f = fopen("/tmp", "re") };

	(void)state;
	assert_non_null(p.f);
	memset(&seen, 0, sizeof(seen));
	seen.p = &p;
	line = 12345;
	assert_int_equal(cfgini_parse(&p, handler, &seen, &line, err, sizeof(err)), -EISDIR);
	assert_string_equal(err, strerror(EISDIR));
	assert_int_equal(line, 0);
	fclose(p.f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_handler_error_line),
		cmocka_unit_test(test_syntax_error_line),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_directory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
