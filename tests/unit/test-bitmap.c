// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for the page-encryption bitmap: records with the
 * KVM_HC_MAP_GPA_RANGE encoding, GET/SET semantics, word-at-a-time queries.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sevdbg/bitmap.h"
#include "sevdbg/ram.h"

#define ENC   HC_MAP_GPA_RANGE_ENCRYPTED
#define SZ_2M HC_MAP_GPA_RANGE_PAGE_SZ_2M
#define SZ_1G HC_MAP_GPA_RANGE_PAGE_SZ_1G

static void test_starts_encrypted(void **state)
{
	struct bitmap b;
	struct bitmap_summary s;

	assert_int_equal(bitmap_init(&b, 1000), 0);
	assert_true(bitmap_test(&b, 0));
	assert_true(bitmap_test(&b, 999));
	assert_int_equal(bitmap_count(&b, 0, 1000), 1000);
	assert_int_equal(bitmap_next_change(&b, 0), 1000);
	bitmap_summarise(&b, &s);
	assert_int_equal(s.encrypted, 1000);
	assert_int_equal(s.shared, 0);
	assert_int_equal(s.runs, 1);
	bitmap_release(&b);
}

/* Naive per-bit reference for the word-at-a-time code. */
static uint64_t ref_next_change(const uint8_t *ref, uint64_t n, uint64_t from)
{
	uint64_t i;

	for (i = from + 1; i < n; i++)
		if (ref[i] != ref[from])
			return i;
	return n;
}

static void check_against_ref(const struct bitmap *b, const uint8_t *ref,
			      uint64_t n)
{
	uint64_t i, cnt = 0, runs = 0, a, len;
	struct bitmap_summary s;

	for (i = 0; i < n; i++) {
		assert_int_equal(bitmap_test(b, i), ref[i]);
		cnt += ref[i];
		runs += i == 0 || ref[i] != ref[i - 1];
	}
	bitmap_summarise(b, &s);
	assert_int_equal(s.encrypted, cnt);
	assert_int_equal(s.shared, n - cnt);
	assert_int_equal(s.runs, runs);
	for (i = 0; i < 200; i++) {
		uint64_t from = (uint64_t)rand() % n, c = 0, k;

		assert_int_equal(bitmap_next_change(b, from),
				 ref_next_change(ref, n, from));
		a = (uint64_t)rand() % n;
		len = (uint64_t)rand() % (n - a + 1);
		for (k = a; k < a + len; k++)
			c += ref[k];
		assert_int_equal(bitmap_count(b, a, len), c);
	}
}

static void test_assign_random(void **state)
{
	const uint64_t n = 1000 + 37; /* not a multiple of 64 */
	uint8_t ref[1037];
	struct bitmap b;
	int iter;

	srand(1);
	assert_int_equal(bitmap_init(&b, n), 0);
	memset(ref, 1, sizeof(ref));
	for (iter = 0; iter < 300; iter++) {
		uint64_t g = (uint64_t)rand() % n, k;
		uint64_t len = (uint64_t)rand() % (iter % 3 ? 20 : 300);
		bool v = rand() & 1;

		bitmap_assign(&b, g, len, v);
		for (k = g; k < g + len && k < n; k++)
			ref[k] = v;
		if (iter % 30 == 0)
			check_against_ref(&b, ref, n);
	}
	check_against_ref(&b, ref, n);
	bitmap_release(&b);
}

static void test_record_valid(void **state)
{
	struct bitmap b;
	char why[80];

	assert_int_equal(bitmap_init(&b, 3 << 18), 0); /* 3 GiB */
	/* 4K: two pages at 0x5000 decrypted. */
	assert_int_equal(bitmap_apply_record(&b, 0x5000, 2, 0, why,
					     sizeof(why)),
			 0);
	assert_true(bitmap_test(&b, 4));
	assert_false(bitmap_test(&b, 5));
	assert_false(bitmap_test(&b, 6));
	assert_true(bitmap_test(&b, 7));
	/* 2M: npages counts 2 MiB pages. */
	assert_int_equal(bitmap_apply_record(&b, 0x400000, 3, SZ_2M, why,
					     sizeof(why)),
			 0);
	assert_int_equal(bitmap_count(&b, 0x400, 3 * 512), 0);
	assert_true(bitmap_test(&b, 0x3ff));
	assert_true(bitmap_test(&b, 0x400 + 3 * 512));
	/* Re-encrypt one 4K page inside it. */
	assert_int_equal(bitmap_apply_record(&b, 0x401000, 1, ENC, why,
					     sizeof(why)),
			 0);
	assert_true(bitmap_test(&b, 0x401));
	/* 1G: the second GiB. */
	assert_int_equal(bitmap_apply_record(&b, 1ULL << 30, 1, SZ_1G, why,
					     sizeof(why)),
			 0);
	assert_int_equal(bitmap_count(&b, 1 << 18, 1 << 18), 0);
	assert_int_equal(bitmap_count(&b, 2 << 18, 1 << 18), 1 << 18);
	/* Exactly up to the end is fine. */
	assert_int_equal(bitmap_apply_record(&b, (3ULL << 30) - 0x1000, 1, 0,
					     why, sizeof(why)),
			 0);
	assert_false(bitmap_test(&b, (3 << 18) - 1));
	bitmap_release(&b);
}

static void expect_invalid(struct bitmap *b, uint64_t gpa, uint64_t npages,
			   uint64_t attrs, const char *needle)
{
	uint64_t before = bitmap_count(b, 0, b->npages);
	char why[80] = "";

	assert_int_equal(bitmap_apply_record(b, gpa, npages, attrs, why,
					     sizeof(why)),
			 -EINVAL);
	assert_true(why[0]);
	if (!strstr(why, needle))
		fail_msg("reason \"%s\" lacks \"%s\"", why, needle);
	assert_int_equal(bitmap_count(b, 0, b->npages), before);
}

static void test_record_invalid(void **state)
{
	struct bitmap b;

	assert_int_equal(bitmap_init(&b, 1 << 18), 0); /* 1 GiB */
	expect_invalid(&b, 0x1000, 1, 1ULL << 5, "reserved");
	expect_invalid(&b, 0x1000, 1, 1ULL << 63, "reserved");
	expect_invalid(&b, 0x1000, 1, 3, "page size");
	expect_invalid(&b, 0x1000, 1, 0xf, "page size");
	expect_invalid(&b, 0x1000, 0, 0, "zero");
	expect_invalid(&b, 0x1800, 1, 0, "4 KiB aligned");
	expect_invalid(&b, 0x1000, 1, SZ_2M, "aligned to the page size");
	expect_invalid(&b, 0x200000ULL * 3 + 0x1000, 1, SZ_2M, "aligned");
	expect_invalid(&b, 0x200000, 1, SZ_1G, "aligned to the page size");
	expect_invalid(&b, 0x1000, UINT64_MAX >> 11, 0, "overflow");
	expect_invalid(&b, 0, 1ULL << 44, SZ_1G, "overflow");
	expect_invalid(&b, 0x1000, 1 << 18, 0, "beyond");
	expect_invalid(&b, 1ULL << 30, 1, 0, "beyond");
	expect_invalid(&b, 0xfffffffffffff000ULL, 2, 0, "beyond");
	expect_invalid(&b, 0, 2, SZ_1G, "beyond");
	assert_int_equal(bitmap_count(&b, 0, b.npages), 1 << 18);
	bitmap_release(&b);
}

static void test_get_partial_byte(void **state)
{
	struct bitmap b;
	uint8_t out[4];

	assert_int_equal(bitmap_init(&b, 100), 0);
	bitmap_assign(&b, 1, 2, false); /* pages 1,2 shared */
	memset(out, 0xa0, sizeof(out));
	assert_int_equal(bitmap_get(&b, 0, 5, out), 0);
	/* Low 5 bits: 1,0,0,1,1 = 0b11001; bits 7:5 stay 0b101. */
	assert_int_equal(out[0], 0xa0 | 0x19);
	assert_int_equal(out[1], 0xa0);
	/* Unaligned start: from page 2, 10 pages. */
	memset(out, 0x00, sizeof(out));
	assert_int_equal(bitmap_get(&b, 2, 10, out), 0);
	assert_int_equal(out[0], 0xfe);
	assert_int_equal(out[1], 0x03);
	assert_int_equal(out[2], 0x00);
	/* Pages past the end read as encrypted (the series' default). */
	memset(out, 0, sizeof(out));
	assert_int_equal(bitmap_get(&b, 96, 12, out), 0);
	assert_int_equal(out[0], 0xff);
	assert_int_equal(out[1], 0x0f);
	bitmap_release(&b);
}

static void test_get_set_roundtrip(void **state)
{
	const uint64_t n = 777;
	struct bitmap a, b;
	uint8_t buf[128], back[128];
	uint64_t i, start, len;

	srand(7);
	assert_int_equal(bitmap_init(&a, n), 0);
	assert_int_equal(bitmap_init(&b, n), 0);
	for (i = 0; i < 100; i++)
		bitmap_assign(&a, (uint64_t)rand() % n, (uint64_t)rand() % 40,
			      rand() & 1);
	for (i = 0; i < 200; i++) {
		start = (uint64_t)rand() % n;
		len = 1 + (uint64_t)rand() % (n - start);
		assert_int_equal(bitmap_get(&a, start, len, buf), 0);
		assert_int_equal(bitmap_set(&b, start, len, buf), 0);
		memset(back, 0x5a, sizeof(back));
		assert_int_equal(bitmap_get(&b, start, len, back), 0);
		assert_memory_equal(buf, back, len / 8);
		if (len % 8)
			assert_int_equal((buf[len / 8] ^ back[len / 8]) &
						 ((1u << (len % 8)) - 1),
					 0);
	}
	assert_int_equal(bitmap_set(&b, 0, n, NULL), -EINVAL);
	assert_int_equal(bitmap_set(&b, 0, 0, NULL), 0);
	assert_int_equal(bitmap_get(&a, 0, n, buf), 0);
	assert_int_equal(bitmap_set(&b, 0, n, buf), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(bitmap_test(&a, i), bitmap_test(&b, i));
	/* SET only touches the requested pages. */
	memset(buf, 0, sizeof(buf));
	bitmap_assign(&b, 0, n, true);
	assert_int_equal(bitmap_set(&b, 10, 3, buf), 0);
	assert_int_equal(bitmap_count(&b, 0, n), n - 3);
	assert_false(bitmap_test(&b, 12));
	assert_true(bitmap_test(&b, 13));
	/* Past the end: ignored; wrapping: refused; NULL: reset. */
	assert_int_equal(bitmap_set(&b, n - 2, 3, buf), 0);
	assert_false(bitmap_test(&b, n - 1));
	assert_int_equal(bitmap_set(&b, n + 5, 3, buf), 0);
	assert_int_equal(bitmap_set(&b, UINT64_MAX, 2, buf), -EINVAL);
	assert_int_equal(bitmap_get(&b, UINT64_MAX, 2, buf), -EINVAL);
	assert_int_equal(bitmap_set(&b, 0, 0, NULL), 0);
	assert_int_equal(bitmap_count(&b, 0, n), n);
	bitmap_release(&a);
	bitmap_release(&b);
}

/*
 * A 1 TiB guest: 256 Mi pages, 32 MiB of bitmap. The summary must be right;
 * its speed is measured by bench/router, not here.
 */
static void test_one_tib(void **state)
{
	const uint64_t n = 1ULL << 28;
	struct bitmap b;
	struct bitmap_summary s;
	uint64_t i, gfn, runs = 0, shared = 0;
	char why[80];

	assert_int_equal(bitmap_init(&b, n), 0);
	/* 1000 disjoint shared ranges of 1..64 pages, spread out. */
	for (i = 0; i < 1000; i++) {
		uint64_t at = i * 268435ULL + 3;
		uint64_t len = 1 + i % 64;

		assert_int_equal(bitmap_apply_record(&b, at << PAGE_SHIFT, len,
						     0, why, sizeof(why)),
				 0);
		shared += len;
	}
	/* A 1 GiB decrypted range at the very end. */
	assert_int_equal(bitmap_apply_record(&b, (n - (1 << 18)) << PAGE_SHIFT,
					     1, SZ_1G, why, sizeof(why)),
			 0);
	shared += 1 << 18;
	bitmap_summarise(&b, &s);
	assert_int_equal(s.shared, shared);
	assert_int_equal(s.encrypted, n - shared);
	assert_int_equal(s.runs, 2 * 1000 + 2);
	for (gfn = 0; gfn < n; gfn = bitmap_next_change(&b, gfn))
		runs++;
	assert_int_equal(runs, s.runs);
	assert_false(bitmap_test(&b, n - 1));
	bitmap_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_starts_encrypted),
		cmocka_unit_test(test_assign_random),
		cmocka_unit_test(test_record_valid),
		cmocka_unit_test(test_record_invalid),
		cmocka_unit_test(test_get_partial_byte),
		cmocka_unit_test(test_get_set_roundtrip),
		cmocka_unit_test(test_one_tib),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
