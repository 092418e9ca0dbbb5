// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for the secrets scan of `sevdbg audit`: which 16-byte blocks
 * look random, key-like runs versus bulk data, --pattern parsing and search.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gdbstub/audit/audit-scan.h"
#include "sevdbg/ram.h"

/* A fixed-seed xorshift64: "random" bytes that are the same every run. */
static uint64_t rnd_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void rnd_fill(uint64_t *s, uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(rnd_next(s) >> 24);
}

static void test_random_blocks_pass(void **state)
{
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	uint8_t b[AUDIT_KEY_BLOCK];
	int i, pass = 0;

	for (i = 0; i < 10000; i++) {
		rnd_fill(&seed, b, sizeof(b));
		pass += audit_block_random(b);
	}
	/* audit-scan.h promises about 97%. */
	assert_in_range(pass, 9500, 10000);
}

static void test_structured_blocks_fail(void **state)
{
	static const char text[] = "SEVDBG-PRIVATE-PATTERN-012345";
	uint64_t ptrs[2] = {0xffff888003a1c2d0ULL, 0xffff888003a1c310ULL};
	uint64_t ctr[2] = {0x123456789ULL, 0x12345678aULL};
	uint8_t b[AUDIT_KEY_BLOCK];
	size_t i;

	memset(b, 0, sizeof(b));
	assert_false(audit_block_random(b));
	for (i = 0; i < sizeof(b); i++) /* the test guest's private_page */
		b[i] = (uint8_t)(i * 7 + 3);
	assert_false(audit_block_random(b));
	for (i = 0; i < sizeof(b); i++) /* ... and its bss_dec_page */
		b[i] = (uint8_t)(0xff - 3 * i);
	assert_false(audit_block_random(b));
	assert_false(audit_block_random((const uint8_t *)text));
	assert_false(audit_block_random((const uint8_t *)ptrs));
	assert_false(audit_block_random((const uint8_t *)ctr));
}

struct runs {
	size_t off[64], len[64], n;
};

static void note_run(void *arg, size_t off, size_t len)
{
	struct runs *r = arg;

	assert_true(r->n < 64);
	r->off[r->n] = off;
	r->len[r->n++] = len;
}

static void test_key_runs(void **state)
{
	uint64_t seed = 42;
	uint8_t page[PAGE_SIZE];
	struct runs r = {.n = 0};
	uint8_t key[80];

	memset(page, 0, sizeof(page));
	/* keys that pass block by block, checked so the test means it */
	do
		rnd_fill(&seed, key, sizeof(key));
	while (!audit_block_random(key) || !audit_block_random(key + 16) ||
	       !audit_block_random(key + 32) || !audit_block_random(key + 48) ||
	       !audit_block_random(key + 64));
	memcpy(page + 256, key, 32);  /* AES-256 key */
	memcpy(page + 1024, key, 64); /* 64 bytes: still key-like */
	memcpy(page + 2048, key, 80); /* 80 bytes: bulk, not a key */
	memcpy(page + 4080, key, 16); /* AES-128 key at the end */
	assert_false(audit_scan_keys(page, note_run, &r));
	assert_int_equal(r.n, 3);
	assert_int_equal(r.off[0], 256);
	assert_int_equal(r.len[0], 32);
	assert_int_equal(r.off[1], 1024);
	assert_int_equal(r.len[1], 64);
	assert_int_equal(r.off[2], 4080);
	assert_int_equal(r.len[2], 16);
}

/* Random-looking blocks between busy ones (machine code) are no key; a
 * lone block needs padding around it, a longer run plain data or text. */
static void test_key_needs_plain_neighbours(void **state)
{
	static const char text[] = "SEVDBG-SHARED-PA";
	uint64_t seed = 99;
	uint8_t page[PAGE_SIZE], busy[AUDIT_KEY_BLOCK];
	struct runs r = {.n = 0};
	size_t i;

	memset(page, 0, sizeof(page));
	do
		rnd_fill(&seed, page + 512, 2 * AUDIT_KEY_BLOCK);
	while (!audit_block_random(page + 512) ||
	       !audit_block_random(page + 528));
	memset(page + 528, 0, AUDIT_KEY_BLOCK); /* a lone block at 512 */
	for (i = 0; i < sizeof(busy); i++)	/* 11 distinct, no text */
		busy[i] = (uint8_t)(0x80 + (i % 11) * 5);
	assert_false(audit_block_random(busy));
	memcpy(page + 496, busy, sizeof(busy));
	assert_false(audit_scan_keys(page, note_run, &r));
	assert_int_equal(r.n, 0);
	memset(page + 496, 0xcc, sizeof(busy)); /* padding before */
	assert_false(audit_scan_keys(page, note_run, &r));
	assert_int_equal(r.n, 1);
	assert_int_equal(r.off[0], 512);
	memcpy(page + 496, text, sizeof(busy)); /* text: not for a lone one */
	assert_false(audit_scan_keys(page, note_run, &r));
	assert_int_equal(r.n, 1);
	seed = 99; /* the 32-byte run again: text is plain enough for it */
	do
		rnd_fill(&seed, page + 512, 2 * AUDIT_KEY_BLOCK);
	while (!audit_block_random(page + 512) ||
	       !audit_block_random(page + 528));
	assert_false(audit_scan_keys(page, note_run, &r));
	assert_int_equal(r.n, 2);
	assert_int_equal(r.off[1], 512);
	assert_int_equal(r.len[1], 32);
}

static void test_bulk_page(void **state)
{
	uint64_t seed = 7;
	uint8_t page[PAGE_SIZE];
	struct runs r = {.n = 0};

	rnd_fill(&seed, page, sizeof(page)); /* compressed or encrypted data */
	assert_true(audit_scan_keys(page, note_run, &r));
	assert_int_equal(r.n, 0);
	memset(page + PAGE_SIZE / 2 + 64, 0, PAGE_SIZE / 2 - 64);
	assert_true(audit_scan_keys(page, note_run, &r)); /* half: bulk */
	memset(page, 0, PAGE_SIZE / 2 + 64);
	assert_false(audit_scan_keys(page, note_run, &r));
	assert_int_equal(r.n, 0);
}

static void test_pattern_parse(void **state)
{
	char err[160];
	uint8_t *b;
	size_t len;

	assert_int_equal(audit_pattern_parse("hunter2", &b, &len, err,
					     sizeof(err)),
			 0);
	assert_int_equal(len, 7);
	assert_memory_equal(b, "hunter2", 7);
	free(b);
	assert_int_equal(audit_pattern_parse("0xdeadBEEF", &b, &len, err,
					     sizeof(err)),
			 0);
	assert_int_equal(len, 4);
	assert_memory_equal(b, "\xde\xad\xbe\xef", 4);
	free(b);
	assert_int_equal(audit_pattern_parse("0xabc", &b, &len, err,
					     sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "even number"));
	assert_int_equal(audit_pattern_parse("0xzz", &b, &len, err,
					     sizeof(err)),
			 -EINVAL);
	assert_int_equal(audit_pattern_parse("", &b, &len, err, sizeof(err)),
			 -EINVAL);
	assert_null(b);
}

struct hits {
	size_t pat[16], off[16], n;
};

static void note_hit(void *arg, size_t pat, size_t off)
{
	struct hits *h = arg;

	assert_true(h->n < 16);
	h->pat[h->n] = pat;
	h->off[h->n++] = off;
}

static void test_pattern_scan(void **state)
{
	static const uint8_t buf[] = "xxaaaayyKEYzzKEY";
	const struct audit_pattern pats[] = {
		{(const uint8_t *)"aaa", 3, "aaa"},
		{(const uint8_t *)"KEY", 3, "KEY"},
		{(const uint8_t *)"absent", 6, "absent"},
	};
	struct hits h = {.n = 0};

	audit_scan_patterns(pats, 3, buf, sizeof(buf) - 1, note_hit, &h);
	assert_int_equal(h.n, 4); /* overlapping hits count */
	assert_int_equal(h.off[0], 2);
	assert_int_equal(h.off[1], 3);
	assert_int_equal(h.pat[2], 1);
	assert_int_equal(h.off[2], 8);
	assert_int_equal(h.off[3], 13);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_blocks_pass),
		cmocka_unit_test(test_structured_blocks_fail),
		cmocka_unit_test(test_key_runs),
		cmocka_unit_test(test_key_needs_plain_neighbours),
		cmocka_unit_test(test_bulk_page),
		cmocka_unit_test(test_pattern_parse),
		cmocka_unit_test(test_pattern_scan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
