// SPDX-License-Identifier: GPL-2.0-only
/*
 * The secrets scan of `sevdbg audit`: --pattern search and the key-like
 * detector over plain bytes (audit-scan.h explains the thresholds).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdbstub/audit/audit-scan.h"
#include "sevdbg/ram.h"
#include "sevdbg/util.h"

#define BLOCKS_PER_PAGE (PAGE_SIZE / AUDIT_KEY_BLOCK)

static unsigned int distinct(const uint8_t *v, size_t n)
{
	uint64_t seen[4] = {0};
	unsigned int count = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t bit = 1ULL << (v[i] & 63);

		if (!(seen[v[i] >> 6] & bit))
			count++;
		seen[v[i] >> 6] |= bit;
	}
	return count;
}

static unsigned int printable(const uint8_t *b)
{
	unsigned int n = 0;
	size_t i;

	for (i = 0; i < AUDIT_KEY_BLOCK; i++)
		n += b[i] >= 0x20 && b[i] < 0x7f;
	return n;
}

bool audit_block_random(const uint8_t *b)
{
	uint8_t delta[AUDIT_KEY_BLOCK - 1];
	size_t i;

	if (distinct(b, AUDIT_KEY_BLOCK) < AUDIT_KEY_DISTINCT ||
	    printable(b) > AUDIT_KEY_PRINTABLE)
		return false;
	for (i = 0; i + 1 < AUDIT_KEY_BLOCK; i++)
		delta[i] = (uint8_t)(b[i + 1] - b[i]);
	return distinct(delta, sizeof(delta)) >= AUDIT_KEY_DELTAS;
}

/* Block i of the page is a plain neighbour (or there is none) of a run of
 * n random blocks. */
static bool plain_neighbour(const uint8_t *page, size_t i, size_t n)
{
	const uint8_t *b = page + i * AUDIT_KEY_BLOCK;
	unsigned int d;

	if (i >= BLOCKS_PER_PAGE)
		return true;
	d = distinct(b, AUDIT_KEY_BLOCK);
	if (n == 1)
		return d <= AUDIT_KEY_LONE_DISTINCT;
	return d <= AUDIT_KEY_PLAIN_DISTINCT || printable(b) >= AUDIT_KEY_TEXT;
}

bool audit_scan_keys(const uint8_t *page, audit_key_fn fn, void *arg)
{
	bool rnd[BLOCKS_PER_PAGE];
	size_t i, start, nr = 0;

	for (i = 0; i < BLOCKS_PER_PAGE; i++) {
		rnd[i] = audit_block_random(page + i * AUDIT_KEY_BLOCK);
		nr += rnd[i];
	}
	if (nr * 100 >= BLOCKS_PER_PAGE * AUDIT_BULK_PERCENT)
		return true;
	for (i = 0; i < BLOCKS_PER_PAGE;) {
		if (!rnd[i]) {
			i++;
			continue;
		}
		for (start = i; i < BLOCKS_PER_PAGE && rnd[i]; i++)
			;
		if (i - start <= AUDIT_KEY_MAX_BLOCKS &&
		    (!start || plain_neighbour(page, start - 1, i - start)) &&
		    plain_neighbour(page, i, i - start))
			fn(arg, start * AUDIT_KEY_BLOCK,
			   (i - start) * AUDIT_KEY_BLOCK);
	}
	return false;
}

int audit_pattern_parse(const char *s, uint8_t **bytes, size_t *len, char *err,
			size_t errlen)
{
	size_t n = strlen(s);
	bool hex = n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');

	*bytes = NULL;
	*len = 0;
	if (!n) {
		snprintf(err, errlen, "an empty --pattern matches everywhere");
		return -EINVAL;
	}
	if (hex && (n % 2)) {
		snprintf(err, errlen,
			 "--pattern %s: 0xHEX needs an even number of hex digits",
			 s);
		return -EINVAL;
	}
	*bytes = malloc(hex ? (n - 2) / 2 : n);
	if (!*bytes) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (!hex) {
		memcpy(*bytes, s, n);
		*len = n;
		return 0;
	}
	if (hex_decode(s + 2, n - 2, *bytes)) {
		snprintf(err, errlen,
			 "--pattern %s: not hex after 0x (write text without the 0x)",
			 s);
		free(*bytes);
		*bytes = NULL;
		return -EINVAL;
	}
	*len = (n - 2) / 2;
	return 0;
}

void audit_scan_patterns(const struct audit_pattern *pats, size_t n,
			 const uint8_t *buf, size_t len, audit_pattern_fn fn,
			 void *arg)
{
	const uint8_t *p, *end = buf + len;
	size_t i;

	for (i = 0; i < n; i++) {
		for (p = buf; p < end; p++) {
			p = memmem(p, (size_t)(end - p), pats[i].bytes,
				   pats[i].len);
			if (!p)
				break;
			fn(arg, i, (size_t)(p - buf));
		}
	}
}
