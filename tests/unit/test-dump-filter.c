// SPDX-License-Identifier: GPL-2.0-only
/*
 * The --filter decision against hand-built struct page arrays (every flag
 * combination, every dump level), VMCOREINFO parsing, and the compressor
 * pool's output being the same whatever the number of threads.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gdbstub/dump/dump-filter.h"
#include "gdbstub/dump/kdump-codec.h"
#include "sevdbg/ram.h"
#include "sevdbg/util.h"

/* Linux 6.1 x86-64 (Debian's cloud kernel), as its VMCOREINFO says. */
static const char vmci_61[] = "OSRELEASE=6.1.0-57-cloud-amd64\n"
			      "PAGESIZE=4096\n"
			      "SYMBOL(init_uts_ns)=ffffffff93bf9b60\n"
			      "OFFSET(uts_namespace.name)=0\n"
			      "SYMBOL(mem_section)=ff15dae33fda6000\n"
			      "LENGTH(mem_section)=131072\n"
			      "SIZE(mem_section)=16\n"
			      "OFFSET(mem_section.section_mem_map)=0\n"
			      "NUMBER(SECTION_SIZE_BITS)=27\n"
			      "NUMBER(MAX_PHYSMEM_BITS)=52\n"
			      "SIZE(page)=64\n"
			      "OFFSET(page.flags)=0\n"
			      "OFFSET(page._refcount)=52\n"
			      "OFFSET(page.mapping)=24\n"
			      "OFFSET(page.lru)=8\n"
			      "OFFSET(page._mapcount)=48\n"
			      "OFFSET(page.private)=40\n"
			      "OFFSET(page.compound_dtor)=16\n"
			      "OFFSET(page.compound_order)=17\n"
			      "OFFSET(page.compound_head)=8\n"
			      "LENGTH(zone.free_area)=11\n"
			      "NUMBER(PG_lru)=4\n"
			      "NUMBER(PG_private)=13\n"
			      "NUMBER(PG_swapcache)=10\n"
			      "NUMBER(PG_swapbacked)=19\n"
			      "NUMBER(PG_slab)=9\n"
			      "NUMBER(PG_head_mask)=65536\n"
			      "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\n"
			      "NUMBER(HUGETLB_PAGE_DTOR)=2\n"
			      "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-257\n"
			      "NUMBER(phys_base)=6291456\n"
			      "SYMBOL(init_top_pgt)=ffffffff93a10000\n"
			      "NUMBER(pgtable_l5_enabled)=1\n"
			      "KERNELOFFSET=11000000\n";

#define PG_LRU	      4
#define PG_PRIVATE    13
#define PG_SWAPCACHE  10
#define PG_SWAPBACKED 19
#define PG_SLAB	      9
#define PG_HEAD	      16
#define SZ	      64

static struct vmci_mm mm61(void)
{
	struct vmci_mm mm;
	const char *missing = "x";

	assert_int_equal(vmci_parse_mm(vmci_61, sizeof(vmci_61) - 1, &mm,
				       &missing),
			 0);
	assert_null(missing);
	return mm;
}

static void set_page(uint8_t *p, uint64_t flags, uint64_t mapping,
		     int32_t mapcount, uint64_t private)
{
	memset(p, 0, SZ);
	memcpy(p + 0, &flags, 8);
	memcpy(p + 24, &mapping, 8);
	memcpy(p + 48, &mapcount, 4);
	memcpy(p + 40, &private, 8);
}

static void test_vmci_parse(void **state)
{
	struct vmci_mm mm = mm61();
	int64_t v;

	assert_int_equal(mm.mem_section, (int64_t)0xff15dae33fda6000ULL);
	assert_int_equal(mm.buddy_mapcount, -129);
	assert_int_equal(mm.phys_base, 6291456);
	assert_int_equal(mm.kernel_offset, 0x11000000);
	assert_int_equal(mm.pg_hwpoison, VMCI_NONE);
	assert_false(vmci_get(vmci_61, sizeof(vmci_61) - 1, "SIZE(pag", &v));
	assert_false(vmci_get("SIZE(page)=6x4\n", 15, "SIZE(page)", &v));
}

static void test_vmci_missing(void **state)
{
	static const char text[] = "OSRELEASE=6.1\nSIZE(page)=64\n";
	struct vmci_mm mm;
	const char *missing = NULL;

	assert_int_equal(vmci_parse_mm(text, sizeof(text) - 1, &mm, &missing),
			 -ENOENT);
	assert_non_null(missing);
	assert_string_equal(missing, "NUMBER(phys_base)");
}

/*
 * The reference the filter is held to, written from makedumpfile's
 * documented rules rather than from the code under test: free (buddy,
 * not slab) when 16; non-private cache (LRU, or swap cache with
 * swapbacked, not anon) when 2 or 4; private cache when 4; anon (mapping
 * bit 0, not slab) when 8. Returns whether the page is dropped.
 */
static bool reference_drop(unsigned int level, uint64_t flags, bool anon_map,
			   int32_t mapcount)
{
	bool slab = flags >> PG_SLAB & 1;
	bool anon = anon_map && !slab;
	bool cache = (flags >> PG_LRU & 1) || ((flags >> PG_SWAPBACKED & 1) &&
					       (flags >> PG_SWAPCACHE & 1));
	bool priv = flags >> PG_PRIVATE & 1;

	if ((level & 16) && !slab && mapcount == -129)
		return true;
	if ((level & 2) && cache && !priv && !anon)
		return true;
	if ((level & 4) && cache && !anon)
		return true;
	if ((level & 8) && anon)
		return true;
	return !slab && mapcount == -257; /* offline: always */
}

static bool no_holes(void *arg, uint64_t pfn)
{
	return true;
}

/* Every combination of the flags that matter, the anon bit and three
 * mapcounts, at every dump level: one page each, order 0. */
static void test_every_combination(void **state)
{
	static const int bits[] = {PG_LRU, PG_PRIVATE, PG_SWAPCACHE,
				   PG_SWAPBACKED, PG_SLAB};
	static const int32_t mapcounts[] = {-1, -129, -257};
	struct vmci_mm mm = mm61();
	enum { NCOMB = (1 << 5) * 2 * 3 };
	uint8_t *pages = calloc(NCOMB, SZ);
	uint8_t drop[NCOMB / 8 + 1];
	unsigned int level, i, b;

	assert_non_null(pages);
	for (i = 0; i < NCOMB; i++) {
		uint64_t flags = 0;

		for (b = 0; b < 5; b++)
			if (i >> b & 1)
				flags |= 1ULL << bits[b];
		set_page(pages + i * SZ, flags, (i >> 5 & 1) ? 0x1001 : 0x2000,
			 mapcounts[i / 64], 0);
	}
	for (level = 0; level <= DL_MAX; level++) {
		struct page_filter f = {.mm = &mm,
					.level = level,
					.drop = drop,
					.npages = NCOMB,
					.exists = no_holes};

		memset(drop, 0, sizeof(drop));
		filter_pages(&f, 0, pages, NCOMB);
		for (i = 0; i < NCOMB; i++) {
			uint64_t flags;
			int32_t mc;

			memcpy(&flags, pages + i * SZ, 8);
			memcpy(&mc, pages + i * SZ + 48, 4);
			if (filter_dropped(drop, i) !=
			    reference_drop(level, flags, i >> 5 & 1, mc))
				fail_msg("level %u page %u flags 0x%llx mapcount %d",
					 level, i, (unsigned long long)flags,
					 mc);
		}
	}
	free(pages);
}

/* A free block of order 3 drops 8 pages; a compound anon page drops its
 * tails with it; a tail of a kept head is kept; holes are never marked. */
static void test_orders_and_compound(void **state)
{
	struct vmci_mm mm = mm61();
	uint8_t pages[32 * SZ], drop[4] = {0};
	struct page_filter f = {.mm = &mm,
				.level = 31,
				.drop = drop,
				.npages = 32,
				.exists = no_holes};
	uint64_t tail = 0x1001 /* compound_head of page 16, bit 0 */;
	int i;

	for (i = 0; i < 32; i++)
		set_page(pages + i * SZ, 0, 0x2000, -1, 0);
	set_page(pages + 8 * SZ, 0, 0, -129, 3); /* buddy, order 3 */
	/* pages 16..19: compound anon, order 2 (order in page 17) */
	set_page(pages + 16 * SZ, 1ULL << PG_HEAD, 0x1001, -1, 0);
	for (i = 17; i < 20; i++)
		memcpy(pages + i * SZ + 8, &tail, 8);
	pages[17 * SZ + 17] = 2;
	/* pages 24..27: compound slab head (kept) and its tails */
	set_page(pages + 24 * SZ, 1ULL << PG_HEAD | 1ULL << PG_SLAB, 0x1001, -1,
		 0);
	for (i = 25; i < 28; i++)
		memcpy(pages + i * SZ + 8, &tail, 8);
	pages[25 * SZ + 17] = 2;
	filter_pages(&f, 0, pages, 32);
	assert_int_equal(drop[0], 0x00);
	assert_int_equal(drop[1], 0xff);
	assert_int_equal(drop[2], 0x0f);
	assert_int_equal(drop[3], 0x00);
	assert_int_equal(f.counts[FILTER_FREE], 8);
	assert_int_equal(f.counts[FILTER_USER], 4);
}

/* An order past the zone's free areas is not believed: the page stays. */
static void test_bad_order(void **state)
{
	struct vmci_mm mm = mm61();
	uint8_t pages[4 * SZ], drop[1] = {0};
	struct page_filter f = {.mm = &mm,
				.level = 16,
				.drop = drop,
				.npages = 4,
				.exists = no_holes};
	int i;

	for (i = 0; i < 4; i++)
		set_page(pages + i * SZ, 0, 0, -1, 0);
	set_page(pages, 0, 0, -129, 11);
	filter_pages(&f, 0, pages, 4);
	assert_int_equal(drop[0], 0);
	assert_int_equal(f.bad_order, 1);
}

static void fill_pages(uint8_t *p, unsigned int n)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		uint8_t *pg = p + (size_t)i * PAGE_SIZE;

		switch (i % 4) {
		case 0:
			memset(pg, 0, PAGE_SIZE); /* zero */
			break;
		case 1:
			memset(pg, 'a' + i % 26, PAGE_SIZE); /* compressible */
			break;
		default: /* random: stored as is */
			for (j = 0; j < PAGE_SIZE; j++) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				pg[j] = (uint8_t)x;
			}
		}
	}
}

/*
 * Batches compressed by 1 and by 4 threads give the same bytes; zero pages
 * take a slot but no data page; a batch is full at KDUMP_BATCH data pages.
 */
static void test_pool_identical(void **state)
{
	enum dump_codec c;
	unsigned int n = KDUMP_BATCH / 3 * 4 + 8, i, t, d, full, nd = 0;
	uint8_t *pages = malloc((size_t)n * PAGE_SIZE);

	assert_non_null(pages);
	fill_pages(pages, n);
	/* fill_pages: every 4th page is zero; the batch is full with the
	 * page that brings KDUMP_BATCH pages of data. */
	for (full = 0; nd < KDUMP_BATCH; full++)
		nd += full % 4 != 0;
	for (c = DUMP_CODEC_ZLIB; c <= DUMP_CODEC_ZSTD; c++) {
		struct kdump_batch res[2];
		uint8_t *outs[2];
		size_t bound = 0;

		for (t = 0; t < 2; t++) {
			struct kdump_pool *p;
			struct kdump_batch *b;

			assert_int_equal(kdump_pool_new(c, t ? 4 : 1, &p), 0);
			bound = kdump_pool_bound(p);
			for (i = 0; i < n; i++)
				if (kdump_pool_add(p,
						   pages + (size_t)i *
								   PAGE_SIZE))
					break;
			assert_int_equal(i + 1, full);
			assert_null(kdump_pool_submit(p));
			b = kdump_pool_drain(p);
			assert_non_null(b);
			assert_int_equal(b->n, full);
			assert_int_equal(b->nd, KDUMP_BATCH);
			res[t] = *b;
			outs[t] = malloc(b->nd * bound);
			assert_non_null(outs[t]);
			memcpy(outs[t], b->out, b->nd * bound);
			for (d = 0; d < b->nd; d++)
				if (b->kind[d] == KDUMP_PAGE_COMPRESSED)
					assert_true(b->clen[d] < PAGE_SIZE);
			assert_int_equal(b->slot[0], KDUMP_SLOT_ZERO);
			assert_int_equal(b->kind[b->slot[1]],
					 KDUMP_PAGE_COMPRESSED);
			assert_int_equal(b->kind[b->slot[2]], KDUMP_PAGE_RAW);
			kdump_pool_free(p);
		}
		assert_memory_equal(res[0].slot, res[1].slot,
				    sizeof(res[0].slot));
		assert_memory_equal(res[0].kind, res[1].kind, KDUMP_BATCH);
		for (d = 0; d < KDUMP_BATCH; d++) {
			if (res[0].kind[d] != KDUMP_PAGE_COMPRESSED)
				continue;
			assert_int_equal(res[0].clen[d], res[1].clen[d]);
			assert_memory_equal(outs[0] + d * bound,
					    outs[1] + d * bound,
					    res[0].clen[d]);
		}
		free(outs[0]);
		free(outs[1]);
	}
	free(pages);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vmci_parse),
		cmocka_unit_test(test_vmci_missing),
		cmocka_unit_test(test_every_combination),
		cmocka_unit_test(test_orders_and_compound),
		cmocka_unit_test(test_bad_order),
		cmocka_unit_test(test_pool_identical),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
