// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helpers shared by every part of sevdbg: hex and number parsing, logging
 * to stderr, the monotonic clock (struct strbuf is in strbuf.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sevdbg/util.h"

int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int hex_decode(const char *hex, size_t hexlen, uint8_t *out)
{
	size_t i;

	if (hexlen % 2)
		return -EINVAL;
	for (i = 0; i < hexlen; i += 2) {
		int hi = hex_digit((unsigned char)hex[i]);
		int lo = hex_digit((unsigned char)hex[i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int parse_u64(const char *s, int base, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

int parse_size(const char *s, uint64_t *out)
{
	static const char units[] = "KMGT";
	char buf[64];
	size_t n = s ? strlen(s) : 0;
	const char *u;
	uint64_t v;
	int shift = 0, ret;

	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n + 1);
	u = strchr(units, buf[n - 1] & ~0x20);
	if (buf[n - 1] != '\0' && u && *u) {
		shift = 10 * (int)(u - units + 1);
		buf[n - 1] = '\0';
	}
	ret = parse_u64(buf, 0, &v);
	if (ret)
		return ret;
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = v << shift;
	return 0;
}

int parse_range(const char *s, uint64_t *start, uint64_t *end)
{
	char buf[128];
	char *sep;
	uint64_t a, b;
	bool plus;

	if (!s || strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	sep = strpbrk(buf + 1, "-+");
	if (!sep)
		return -EINVAL;
	plus = *sep == '+';
	*sep = '\0';
	if (parse_size(buf, &a) || parse_size(sep + 1, &b))
		return -EINVAL;
	if (plus) {
		if (b > UINT64_MAX - a)
			return -ERANGE;
		b += a;
	}
	if (b <= a)
		return -EINVAL;
	*start = a;
	*end = b;
	return 0;
}

static enum log_level log_level = LOG_INFO;

void log_set_level(enum log_level lvl)
{
	log_level = lvl;
}

enum log_level log_get_level(void)
{
	return log_level;
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	static const char *const prefix[] = {
		[LOG_ERR] = "error: ",
		[LOG_WARN] = "warning: ",
		[LOG_INFO] = "",
		[LOG_DEBUG] = "debug: ",
	};
	va_list ap;

	if (lvl > log_level)
		return;
	fprintf(stderr, "sevdbg: %s", prefix[lvl]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}
