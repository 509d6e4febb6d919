/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for dname_from_wire(): on success the text is bounded
 * and NUL-terminated, and encoding it again gives back the consumed octets. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto/dname.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[DNAME_MAX_TEXT + 1];
	uint8_t wire[DNAME_MAX_WIRE];
	struct wbuf w;
	struct buf b;
	size_t used;

	buf_init(&b, data, size);
	if (dname_from_wire(&b, text, sizeof(text)) < 0)
		return 0;
	used = size - buf_remaining(&b);
	if (memchr(text, '\0', sizeof(text)) == NULL || used > DNAME_MAX_WIRE)
		__builtin_trap();
	wbuf_init(&w, wire, sizeof(wire));
	if (dname_to_wire(text, &w) < 0 || w.overflow || w.len != used ||
	    memcmp(wire, data, used) != 0 || !dname_equal(text, text))
		__builtin_trap();
	return 0;
}
