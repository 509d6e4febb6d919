/* SPDX-License-Identifier: MIT */
/*
 * Text from files and from peers into the engine's JSON (engine_priv.h).
 * jansson holds UTF-8 only (RFC 8259 section 8.1) and answers anything
 * else with NULL; a NULL that reaches a list is dropped without a word,
 * so a file with one Latin-1 byte, or an error message that quotes one,
 * would vanish. Everything that may carry such bytes goes through here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/engine/engine_priv.h"

json_t *engine_json_text(const char *s)
{
	json_t *j = json_string(s);
	char *copy;

	if (j || !s)
		return j;
	/* Each byte outside printable ASCII shows as '?': the message
	 * still reaches the user, and says where the odd byte is. */
	copy = strdup(s);
	if (!copy)
		return NULL;
	for (char *c = copy; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
			*c = '?';
	j = json_string(copy);
	free(copy);
	return j;
}

json_t *engine_file_entry(const char *name, const char *text, size_t len, int error)
{
	json_t *t = NULL;
	char why[160];

	if (!error) {
		t = memchr(text, '\0', len) ? NULL : json_stringn(text, len);
		if (!t)
			error = -EILSEQ;
	}
	if (error == -EILSEQ)
		snprintf(why, sizeof(why), "not UTF-8 text (a byte of another encoding, or a NUL)");
	else if (error == -EINVAL)
		snprintf(why, sizeof(why), "not a regular file");
	else if (error)
		snprintf(why, sizeof(why), "cannot read it: %s", strerror(-error));
	if (error)
		t = engine_json_text(why);
	return json_pack("{s:o,s:o}", "name", engine_json_text(name), error ? "error" : "text", t);
}
