/* SPDX-License-Identifier: MIT */
/*
 * mifctl resolvconf -a's stdin (src/ctl/resolvconf_parse.c), as any
 * program that calls resolvconf(8) may write it: split into lines as the
 * reader does, each line in an exact-size copy. Never a crash; what comes
 * out is JSON strings, non-empty, without blanks or NUL, a nameserver
 * without its "%scope", at most one nameserver per line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/resolvconf_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fr_check(json_t *arr, const char *forbid)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v) {
		const char *s = json_string_value(v);
		size_t n = json_string_length(v);

		if (!s || n == 0 || memchr(s, '\0', n) || strpbrk(s, forbid))
			__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *dns = json_array(), *dom = json_array();
	size_t start = 0, lines = 0;

	for (size_t i = 0; dns && dom && i <= size; i++) {
		if (i < size && data[i] != '\n')
			continue;
		size_t end = i < size ? i + 1 : i;
		char *line = malloc(end - start ? end - start : 1);

		if (!line)
			break;
		memcpy(line, data + start, end - start);
		if (resolvconf_parse_line(line, end - start, dns, dom) != 0)
			__builtin_trap();
		free(line);
		lines++;
		start = end;
	}
	if (dns && dom) {
		fr_check(dns, " \t\r\n%");
		fr_check(dom, " \t\r\n");
		if (json_array_size(dns) > lines)
			__builtin_trap();
	}
	json_decref(dns);
	json_decref(dom);
	return 0;
}
