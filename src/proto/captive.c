/* SPDX-License-Identifier: MIT */
#include "proto/captive.h"

#include <errno.h>
#include <jansson.h>
#include <string.h>

const char *captive_error_name(enum captive_error e)
{
	switch (e) {
	case CAPTIVE_OK:
		return "ok";
	case CAPTIVE_ERR_SIZE:
		return "empty or too large";
	case CAPTIVE_ERR_JSON:
		return "not a JSON object";
	case CAPTIVE_ERR_CAPTIVE:
		return "no boolean \"captive\"";
	case CAPTIVE_ERR_URL:
		return "a portal URL that is not https";
	case CAPTIVE_ERR_NUMBER:
		return "a remaining count that is not a number";
	}
	return "unknown";
}

/* An optional URL key: absent is fine; present must be https:// and fit. */
static bool captive_url(json_t *o, const char *key, char *out)
{
	json_t *v = json_object_get(o, key);
	const char *s;

	if (!v)
		return true;
	if (!json_is_string(v))
		return false;
	s = json_string_value(v);
	if (strncmp(s, "https://", 8) != 0 || strlen(s) >= CAPTIVE_URL_MAX ||
	    strpbrk(s, " \t\r\n"))
		return false;
	strcpy(out, s);
	return true;
}

/* An optional count: a non-negative number (integer or real). */
static bool captive_count(json_t *o, const char *key, bool *has, uint64_t *out)
{
	json_t *v = json_object_get(o, key);
	double d;

	if (!v)
		return true;
	if (!json_is_number(v))
		return false;
	d = json_number_value(v);
	if (!(d >= 0))
		return false;
	*has = true;
	*out = d >= 18446744073709551615.0 ? UINT64_MAX : (uint64_t)d;
	return true;
}

int captive_parse(const char *body, size_t len, struct captive_info *out,
		  enum captive_error *why)
{
	struct captive_info c;
	uint64_t secs = 0;
	json_t *o, *v;
	enum captive_error err = CAPTIVE_OK;

	if (len == 0 || len > CAPTIVE_MAX_BODY)
		return *why = CAPTIVE_ERR_SIZE, -EBADMSG;
	o = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
	memset(&c, 0, sizeof(c));
	if (!json_is_object(o))
		err = CAPTIVE_ERR_JSON;
	else if (!json_is_boolean(v = json_object_get(o, "captive")))
		err = CAPTIVE_ERR_CAPTIVE;
	else if (!captive_url(o, "user-portal-url", c.user_portal_url) ||
		 !captive_url(o, "venue-info-url", c.venue_info_url))
		err = CAPTIVE_ERR_URL;
	else if (!captive_count(o, "seconds-remaining", &c.has_seconds, &secs) ||
		 !captive_count(o, "bytes-remaining", &c.has_bytes, &c.bytes_remaining))
		err = CAPTIVE_ERR_NUMBER;
	if (err == CAPTIVE_OK) {
		c.captive = json_is_true(v);
		c.seconds_remaining = secs > UINT32_MAX ? UINT32_MAX : (uint32_t)secs;
		c.can_extend_session = json_is_true(json_object_get(o, "can-extend-session"));
	}
	json_decref(o);
	if (err != CAPTIVE_OK)
		return *why = err, -EBADMSG;
	*out = c;
	return 0;
}
