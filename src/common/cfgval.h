/* SPDX-License-Identifier: MIT */
/*
 * Values in configuration files (mifd.conf, had.conf), each refused with a
 * message that names the key and says what it takes, for the caller to
 * print after "FILE:LINE: ". Each returns 0, or -EINVAL with err filled
 * (truncated to errlen) and *out untouched.
 */
#ifndef MIF_COMMON_CFGVAL_H
#define MIF_COMMON_CFGVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* err = the formatted text; always -EINVAL. */
__attribute__((format(printf, 3, 4)))
int cfg_fail(char *err, size_t errlen, const char *fmt, ...);
/* A whole number from lo to hi: decimal, or hexadecimal after 0x. */
int cfg_uint(const char *name, const char *value, unsigned long lo, unsigned long hi,
	     uint32_t *out, char *err, size_t errlen);
/* yes or no. */
int cfg_yesno(const char *name, const char *value, bool *out, char *err, size_t errlen);
/* A string of 1 to cap - 1 octets, copied into out (cap octets). */
int cfg_string(const char *name, const char *value, char *out, size_t cap, char *err,
	       size_t errlen);

#endif
