/* SPDX-License-Identifier: MIT */
/* Values in configuration files (cfgval.h). */
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cfgval.h"

int cfg_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static bool cfg_digit(char c, bool hex)
{
	return (c >= '0' && c <= '9') || (hex && c && strchr("abcdefABCDEF", c));
}

int cfg_uint(const char *name, const char *value, unsigned long lo, unsigned long hi,
	     uint32_t *out, char *err, size_t errlen)
{
	bool hex = value[0] == '0' && (value[1] == 'x' || value[1] == 'X');
	const char *digits = hex ? value + 2 : value;
	unsigned long v;
	char *end;

	/* strtoul() would take a sign, blanks and, in base 0, octal. */
	errno = 0;
	v = strtoul(digits, &end, hex ? 16 : 10);
	if (!cfg_digit(*digits, hex) || *end || errno || v < lo || v > hi || v > UINT32_MAX)
		return cfg_fail(err, errlen, "%s: \"%s\" is not a number from %lu to %lu", name,
				value, lo, hi);
	*out = (uint32_t)v;
	return 0;
}

int cfg_yesno(const char *name, const char *value, bool *out, char *err, size_t errlen)
{
	if (strcmp(value, "yes") && strcmp(value, "no"))
		return cfg_fail(err, errlen, "%s: \"%s\" is not yes or no", name, value);
	*out = strcmp(value, "yes") == 0;
	return 0;
}

int cfg_string(const char *name, const char *value, char *out, size_t cap, char *err,
	       size_t errlen)
{
	size_t n = strlen(value);

	if (n == 0 || n >= cap)
		return cfg_fail(err, errlen, "%s: \"%.40s\" is empty or longer than %zu octets",
				name, value, cap - 1);
	memcpy(out, value, n + 1);
	return 0;
}

bool cfg_ifname_ok(const char *s)
{
	size_t len = s ? strlen(s) : 0;

	if (len == 0 || len >= IFNAMSIZ || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || (unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}
