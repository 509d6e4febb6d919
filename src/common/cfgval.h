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
/* Whether s is an interface name the kernel takes (dev_valid_name): 1 to
 * IFNAMSIZ - 1 octets, not "." or "..", no '/', ':', white space or
 * other control characters (which also keeps names safe in paths and
 * log lines). */
bool cfg_ifname_ok(const char *s);
/* A string of 1 to cap - 1 octets, copied into out (cap octets). */
int cfg_string(const char *name, const char *value, char *out, size_t cap, char *err,
	       size_t errlen);

#endif
