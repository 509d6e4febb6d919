/* SPDX-License-Identifier: MIT */
/* mifctl resolvconf: the resolv.conf lines a resolvconf(8) caller writes to
 * its stdin, parsed without I/O (unit tests and a fuzz target). */
#ifndef MIF_CTL_RESOLVCONF_PARSE_H
#define MIF_CTL_RESOLVCONF_PARSE_H

#include <jansson.h>
#include <stddef.h>

/* One line (without or with its "\n"; len bytes, a NUL ends it early):
 * "nameserver A" appends A (its "%scope" cut) to the array dns, "search
 * D..." and "domain D" append each D to the array domains; comments ('#'
 * or ';'), blank lines and other keywords add nothing. A value that is
 * not UTF-8 is skipped (JSON cannot carry it). 0, or -ENOMEM with the
 * arrays holding what was appended before. */
int resolvconf_parse_line(const char *line, size_t len, json_t *dns, json_t *domains);

#endif
