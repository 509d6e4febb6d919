/* SPDX-License-Identifier: MIT */
/* mifctl metrics: the Prometheus text form (metrics.c) and its HTTP
 * listener (metrics_http.c). */
#ifndef MIF_CTL_METRICS_H
#define MIF_CTL_METRICS_H

#include <stdio.h>

#include "ctl/ctl.h"

/* Every metric into f; CTL_OK, or the failure of a call to mifd. */
int metrics_write(struct ctl *c, FILE *f);
/* Serve GET /metrics on addr ("127.0.0.1:9153", "[::1]:9153") until
 * killed; a loopback address only. */
int metrics_http_serve(struct ctl *c, const char *addr);

#endif
