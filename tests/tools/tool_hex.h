/* SPDX-License-Identifier: MIT */
/* Values on the command line of the test tools: hex strings ("0300",
 * "aa:bb:cc") and decimal numbers. */
#ifndef MIF_TESTS_TOOL_HEX_H
#define MIF_TESTS_TOOL_HEX_H

#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static inline int tool_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Hex digits in pairs; ':', '-', '.' and spaces between pairs are skipped.
 * Returns the byte count, or -1 with *bad pointing at the problem (a bad
 * digit) or -2 if more than cap bytes.
 */
static inline long tool_hex(const char *s, uint8_t *out, size_t cap, const char **bad)
{
	size_t n = 0;
	int hi, lo;

	while (*s) {
		if (strchr(":-. ", *s)) {
			s++;
			continue;
		}
		hi = tool_hexval(s[0]);
		lo = hi < 0 ? -1 : tool_hexval(s[1]);
		if (hi < 0 || lo < 0) {
			*bad = s;
			return -1;
		}
		if (n == cap)
			return -2;
		out[n++] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	return (long)n;
}

/* A decimal number up to max: 0, or -1 if not a number, -2 if over max. */
static inline int tool_ulong(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end != '\0')
		return -1;
	if (v > max)
		return -2;
	*out = (unsigned long)v;
	return 0;
}

#endif
