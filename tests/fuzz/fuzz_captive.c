/* SPDX-License-Identifier: MIT */
/*
 * RFC 8908 API answers, as a hostile portal may send them: never a crash,
 * an error is -EBADMSG with a named reason, and a success has terminated
 * https URLs.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "proto/captive.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct captive_info c;
	enum captive_error why = CAPTIVE_OK;
	int r = captive_parse((const char *)data, size, &c, &why);

	if (r < 0) {
		if (r != -EBADMSG || why == CAPTIVE_OK)
			__builtin_trap();
		return 0;
	}
	if (memchr(c.user_portal_url, '\0', sizeof(c.user_portal_url)) == NULL ||
	    (c.user_portal_url[0] && strncmp(c.user_portal_url, "https://", 8) != 0))
		__builtin_trap();
	return 0;
}
