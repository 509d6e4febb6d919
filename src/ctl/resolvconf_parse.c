/* SPDX-License-Identifier: MIT */
/*
 * The lines resolvconf(8) callers write (resolv.conf(5) syntax: a keyword
 * at the start of the line, its values separated by spaces or tabs).
 * Only what makes a PvD is read: "nameserver" (one address per line),
 * "search" (a list) and "domain" (one name; resolv.conf(5) treats it as a
 * one-entry search list). "options", "sortlist" and the rest are mifd's
 * own business, so they are skipped.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "ctl/resolvconf_parse.h"

static bool rc_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The next token of line[*pos..len) into tok/tlen; false at the end. */
static bool rc_token(const char *line, size_t len, size_t *pos, const char **tok, size_t *tlen)
{
	size_t i = *pos, start;

	while (i < len && rc_blank(line[i]))
		i++;
	if (i >= len)
		return false;
	start = i;
	while (i < len && !rc_blank(line[i]))
		i++;
	*tok = line + start;
	*tlen = i - start;
	*pos = i;
	return true;
}

static bool rc_is(const char *tok, size_t tlen, const char *word)
{
	return tlen == strlen(word) && !memcmp(tok, word, tlen);
}

/* Append a value; one that is not UTF-8 is skipped. */
static int rc_append(json_t *arr, const char *v, size_t n)
{
	json_t *s = json_stringn(v, n);

	if (!s)
		return 0;
	return json_array_append_new(arr, s) ? -ENOMEM : 0;
}

int resolvconf_parse_line(const char *line, size_t len, json_t *dns, json_t *domains)
{
	const char *k, *v, *nul = memchr(line, '\0', len);
	size_t pos = 0, kl, vl;
	int r = 0;

	if (nul)
		len = (size_t)(nul - line);
	if (!rc_token(line, len, &pos, &k, &kl) || *k == '#' || *k == ';')
		return 0;
	if (rc_is(k, kl, "nameserver")) {
		if (!rc_token(line, len, &pos, &v, &vl))
			return 0;
		/* "fe80::1%eth0": the scope is the record's own link. */
		for (size_t i = 0; i < vl; i++)
			if (v[i] == '%')
				vl = i;
		return vl ? rc_append(dns, v, vl) : 0;
	}
	if (!rc_is(k, kl, "search") && !rc_is(k, kl, "domain"))
		return 0;
	while (r == 0 && rc_token(line, len, &pos, &v, &vl))
		r = rc_append(domains, v, vl);
	return r;
}
