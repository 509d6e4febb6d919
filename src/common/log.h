/* SPDX-License-Identifier: MIT */
#ifndef MIF_COMMON_LOG_H
#define MIF_COMMON_LOG_H

#include <stdbool.h>
#include <stdint.h>

#include "common/clock.h"

enum log_level { LOG_LVL_ERR = 0, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

void log_init(const char *ident, enum log_level level, bool to_stderr);
void log_set_level(enum log_level level);
/* Around closing every descriptor of a new process (a fork that keeps
 * only its own): the syslog connection is closed first and opened again
 * after, so it never writes into a descriptor that took its number. */
void log_reopen_begin(void);
void log_reopen_end(void);
enum log_level log_get_level(void);
/* "error", "warning", "info", "debug" <-> level; returns -EINVAL if unknown. */
int log_level_parse(const char *s);
const char *log_level_name(enum log_level level);

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_err(...) log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

/*
 * Token bucket for log lines caused by peers (malformed packets): at most
 * `burst` lines, refilled at `per_sec` lines per second. Lines refused are
 * counted and reported with the next line that passes.
 */
struct log_ratelimit {
	double tokens;
	double burst;
	double per_sec;
	uint64_t last_ns;
	uint64_t suppressed;
};

#define LOG_RATELIMIT_INIT(b, r) { (b), (b), (r), 0, 0 }

/* Returns true if a line may be logged now; *suppressed gets the count of
 * lines refused since the last one that passed. */
bool log_ratelimit_ok(struct log_ratelimit *rl, uint64_t *suppressed);

/* The monotonic clock in nanoseconds: clock_mono_ns() under the name the
 * daemon's callers still use (new code calls clock_mono_ns()). */
static inline uint64_t log_now_ns(void)
{
	return clock_mono_ns();
}

/* abort() with a message: only for broken internal invariants. */
void log_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
