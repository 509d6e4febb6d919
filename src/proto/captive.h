/* SPDX-License-Identifier: MIT */
/*
 * The Captive Portal API's JSON (RFC 8908 section 5): what a network's
 * portal says about this client. Pure: bytes in, a struct out.
 */
#ifndef MIF_PROTO_CAPTIVE_H
#define MIF_PROTO_CAPTIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CAPTIVE_URL_MAX 512
#define CAPTIVE_MAX_BODY 65536   /* larger is not an API answer */

struct captive_info {
	bool captive;                        /* required */
	char user_portal_url[CAPTIVE_URL_MAX];   /* "" if absent */
	char venue_info_url[CAPTIVE_URL_MAX];
	bool has_seconds, has_bytes;
	uint32_t seconds_remaining;          /* clamped to UINT32_MAX */
	uint64_t bytes_remaining;
	bool can_extend_session;
};

enum captive_error {
	CAPTIVE_OK = 0,
	CAPTIVE_ERR_SIZE,        /* empty, or over CAPTIVE_MAX_BODY */
	CAPTIVE_ERR_JSON,        /* not a JSON object */
	CAPTIVE_ERR_CAPTIVE,     /* "captive" missing or not a boolean */
	CAPTIVE_ERR_URL,         /* a URL that is not https://, or too long */
	CAPTIVE_ERR_NUMBER,      /* a remaining count that is not a number >= 0 */
};

const char *captive_error_name(enum captive_error e);

/*
 * Parse an API answer. 0 with *out filled, or -EBADMSG with *why set
 * (out untouched). Unknown keys are ignored (section 5: the set grows);
 * user-portal-url and venue-info-url must be https URIs (section 5.1).
 */
int captive_parse(const char *body, size_t len, struct captive_info *out,
		  enum captive_error *why);

#endif
