/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The secrets scan of `sevdbg audit`: user patterns and key-like runs in
 * the bytes of shared pages, without any knowledge of where they came from.
 */
#ifndef SEVDBG_AUDIT_SCAN_H
#define SEVDBG_AUDIT_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Key-like material is judged per 16-byte aligned block (AES-128 keys and
 * larger ones are at least 8-byte aligned in practice). A block looks
 * random when it has at least AUDIT_KEY_DISTINCT distinct byte values
 * (Shannon entropy near the 4-bit ceiling of 16 samples), at least as many
 * distinct differences between neighbouring bytes (which rules out ramps
 * and tables such as i*7+3), and at most AUDIT_KEY_PRINTABLE printable
 * ASCII bytes (text is the --pattern's business). Random bytes pass with
 * about 97% probability; pointers, counters, strings and code do not.
 */
#define AUDIT_KEY_BLOCK	    16
#define AUDIT_KEY_DISTINCT  14
#define AUDIT_KEY_DELTAS    12
#define AUDIT_KEY_PRINTABLE 10
/*
 * A run of 1 to AUDIT_KEY_MAX_BLOCKS random blocks (16 to 64 bytes) is
 * key-like when it stands out from its neighbours: the blocks just before
 * and after it (inside the page) are structured, with at most
 * AUDIT_KEY_PLAIN_DISTINCT distinct bytes (zeros, small numbers, flags) or
 * at least AUDIT_KEY_TEXT printable ones (text); a lone 16-byte block
 * needs padding around it (at most AUDIT_KEY_LONE_DISTINCT distinct bytes:
 * zeros, 0xff, 0xcc). Machine code, whose blocks are random-looking one
 * moment and not the next, rarely qualifies.
 * Longer runs are bulk data, and a page with at least AUDIT_BULK_PERCENT%
 * random blocks is bulk as a whole (compressed or encrypted DMA buffers):
 * neither reports key-like runs.
 */
#define AUDIT_KEY_MAX_BLOCKS	 4
#define AUDIT_KEY_PLAIN_DISTINCT 8
#define AUDIT_KEY_TEXT		 12
#define AUDIT_KEY_LONE_DISTINCT	 2
#define AUDIT_BULK_PERCENT	 50

bool audit_block_random(const uint8_t *block);

/* fn(arg, offset, length) per key-like run in one 4 KiB page. */
typedef void (*audit_key_fn)(void *arg, size_t off, size_t len);
/* Returns true (and reports nothing) when the page is bulk data. */
bool audit_scan_keys(const uint8_t *page, audit_key_fn fn, void *arg);

/* One --pattern: bytes to look for, and how the user wrote it. */
struct audit_pattern {
	const uint8_t *bytes;
	size_t len;
	const char *text;
};
/*
 * "STRING" or "0xHEX" to bytes (malloc'ed into *bytes); 0 or -EINVAL with
 * the reason in err. An empty pattern is refused.
 */
int audit_pattern_parse(const char *s, uint8_t **bytes, size_t *len, char *err,
			size_t errlen);
/* fn(arg, pattern index, offset) for every occurrence in buf[0, len). */
typedef void (*audit_pattern_fn)(void *arg, size_t pat, size_t off);
void audit_scan_patterns(const struct audit_pattern *pats, size_t n,
			 const uint8_t *buf, size_t len, audit_pattern_fn fn,
			 void *arg);

#endif
