/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small helpers shared by every part: growable strings, hex, logging.
 * Logging is the one piece of process-wide state (its verbosity).
 */
#ifndef SEVDBG_UTIL_H
#define SEVDBG_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a)	 (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)	 ((a) < (b) ? (a) : (b))
#define MAX(a, b)	 ((a) > (b) ? (a) : (b))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define ALIGN_UP(x, a)	 ALIGN_DOWN((x) + (a)-1, (a))
#define __printf(a, b)	 __attribute__((format(printf, a, b)))
#define __unused	 __attribute__((unused))

/* Growable NUL-terminated buffer; len excludes the NUL. */
struct strbuf {
	char *buf;
	size_t len, cap;
	bool oom; /* an allocation failed; contents truncated */
};

void sb_init(struct strbuf *sb);
void sb_release(struct strbuf *sb);
void sb_reset(struct strbuf *sb);
void sb_add(struct strbuf *sb, const void *data, size_t len);
void sb_puts(struct strbuf *sb, const char *s);
void sb_putc(struct strbuf *sb, char c);
void sb_printf(struct strbuf *sb, const char *fmt, ...) __printf(2, 3);
void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap);
/* Append len bytes as lowercase hex. */
void sb_hex(struct strbuf *sb, const void *data, size_t len);

int hex_digit(int c); /* -1 if not hex */
/* Decode 2*len hex chars; -EINVAL on a non-hex char. */
int hex_decode(const char *hex, size_t hexlen, uint8_t *out);
/* strtoull with full-string check: 0 or -EINVAL/-ERANGE. */
int parse_u64(const char *s, int base, uint64_t *out);
/* "0x1000-0x2000" or "0x1000+0x1000" → [start, end). */
int parse_range(const char *s, uint64_t *start, uint64_t *end);
/* "4K", "128M", "2G" or a plain number. */
int parse_size(const char *s, uint64_t *out);

enum log_level { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG };
void log_set_level(enum log_level lvl);
enum log_level log_get_level(void);
void log_msg(enum log_level lvl, const char *fmt, ...) __printf(2, 3);
#define pr_err(...)   log_msg(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define pr_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

/* Monotonic time in nanoseconds. */
uint64_t now_ns(void);

#endif
