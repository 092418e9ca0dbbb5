// SPDX-License-Identifier: GPL-2.0-only
/*
 * Walker tests on page tables built in test memory behind the sim: C-bit at
 * 47, 51 and 52, large pages, 5-level, PAE/32-bit, mappings and verify.
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

#include "sevdbg/bitmap.h"
#include "sevdbg/platform.h"
#include "sevdbg/ram.h"
#include "sevdbg/regs.h"
#include "gdbstub/mem/router.h"
#include "gdbstub/mem/walk.h"
#include "sevdbg/util.h"

#define RAM_SIZE   (16u << 20)
#define P	   0x1ULL
#define RW	   0x2ULL
#define US	   0x4ULL
#define PS	   0x80ULL
#define XD	   (1ULL << 63)
#define CR0_PG	   (1ULL << 31)
#define CR4_PSE	   (1ULL << 4)
#define CR4_PAE	   (1ULL << 5)
#define CR4_LA57   (1ULL << 12)
#define EFER_LMA   (1ULL << 10)
#define EFER_NXE   (1ULL << 11)
#define DIRECT_MAP 0xffff888000000000ULL

struct fixture {
	struct ram_map ram;
	uint8_t *mem;
	struct platform *p;
	struct router *r;
	unsigned int cbit;
	uint64_t next_table; /* bump allocator for tables */
	struct walk_cpu cpu;
	int levels;
};

static int setup_cbit(void **state, unsigned int cbit)
{
	static const uint8_t key[16] = "walker-test-key!";
	struct sim_config cfg = {.key = key,
				 .launched = true,
				 .hc_fd = -1,
				 .cbit = cbit};
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->mem = calloc(1, RAM_SIZE);
	assert_non_null(f->mem);
	assert_int_equal(ram_add(&f->ram, 0, RAM_SIZE, f->mem, "ram"), 0);
	assert_int_equal(sim_platform_new(&f->ram, &cfg, &f->p), 0);
	assert_int_equal(router_new(f->p, &f->ram, &f->r), 0);
	router_set_cache(f->r, false);
	f->cbit = cbit;
	f->next_table = 0x100000;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	router_free(f->r);
	platform_destroy(f->p);
	ram_free(&f->ram);
	free(f->mem);
	free(f);
	return 0;
}

static uint64_t cmask(const struct fixture *f)
{
	return 1ULL << f->cbit;
}

static uint64_t new_table(struct fixture *f)
{
	uint64_t t = f->next_table;

	f->next_table += PAGE_SIZE;
	assert_true(f->next_table <= 0x400000);
	return t;
}

/* Start 4- or 5-level paging with a fresh root; CR3 carries the C-bit. */
static void paging_init(struct fixture *f, int levels)
{
	uint64_t root = new_table(f);

	f->levels = levels;
	f->cpu.cr0 = CR0_PG | 1;
	f->cpu.cr4 = CR4_PAE | (levels == 5 ? CR4_LA57 : 0);
	f->cpu.efer = EFER_LMA | EFER_NXE | (1ULL << 8);
	f->cpu.cr3 = root | cmask(f);
	f->cpu.cbit = f->cbit;
}

static uint64_t *entry(struct fixture *f, uint64_t table, unsigned int idx)
{
	return (uint64_t *)(f->mem + table + idx * 8);
}

/* Map va → pa with a leaf at `level` (1 = 4K, 2 = 2M, 3 = 1G). */
static void map(struct fixture *f, uint64_t va, uint64_t pa, int level,
		uint64_t flags, bool cbit)
{
	uint64_t table = f->cpu.cr3 & ~cmask(f) & ~0xfffULL, *e;
	int l;

	for (l = f->levels; l > level; l--) {
		e = entry(f, table, (va >> (12 + 9 * (l - 1))) & 511);
		if (!(*e & P))
			*e = new_table(f) | P | RW | US | cmask(f);
		table = *e & 0x000ffffffffff000ULL & ~cmask(f);
	}
	e = entry(f, table, (va >> (12 + 9 * (level - 1))) & 511);
	*e = pa | flags | P | (level > 1 ? PS : 0) | (cbit ? cmask(f) : 0);
}

static void check_translate(struct fixture *f, uint64_t va, uint64_t pa_want,
			    uint64_t size, bool cbit)
{
	struct walk_result res;

	assert_int_equal(walk_translate(f->r, &f->cpu, va, &res), 0);
	assert_int_equal(res.status, WALK_OK);
	assert_int_equal(res.pa, pa_want);
	assert_int_equal(res.page_size, size);
	assert_int_equal(res.cbit, cbit);
}

static void basic_4level(struct fixture *f)
{
	struct walk_result res;
	int i;

	paging_init(f, 4);
	map(f, 0xffffffff81000000ULL, 0x800000, 1, RW, true);
	map(f, 0xffffffff81001000ULL, 0x803000, 1, 0, false);
	map(f, DIRECT_MAP + 0x200000, 0x400000, 2, RW, true);
	map(f, DIRECT_MAP + (1ULL << 30), 0, 3, RW | XD, true);
	check_translate(f, 0xffffffff81000123ULL, 0x800123, PAGE_SIZE, true);
	check_translate(f, 0xffffffff81001ff8ULL, 0x803ff8, PAGE_SIZE, false);
	check_translate(f, DIRECT_MAP + 0x2abcde, 0x4abcde, 2 << 20, true);
	check_translate(f, DIRECT_MAP + (1ULL << 30) + 0x12345678, 0x12345678,
			1 << 30, true);
	assert_int_equal(walk_translate(f->r, &f->cpu, 0xffffffff81000000ULL,
					&res),
			 0);
	assert_int_equal(res.nr_levels, 4);
	assert_true(res.writable);
	assert_false(res.nx);
	for (i = 0; i < 4; i++) {
		assert_int_equal(res.levels[i].level, 4 - i);
		assert_true(res.levels[i].cbit);
		/* table addresses never carry the C-bit */
		assert_true(res.levels[i].table_gpa < RAM_SIZE);
	}
	assert_int_equal(res.levels[0].table_gpa, 0x100000);
	assert_int_equal(walk_translate(f->r, &f->cpu,
					DIRECT_MAP + (1ULL << 30), &res),
			 0);
	assert_true(res.nx);
	assert_int_equal(res.nr_levels, 2);
	assert_int_equal(walk_translate(f->r, &f->cpu, 0xffffffff81001000ULL,
					&res),
			 0);
	assert_false(res.writable);
}

static void test_cbit_47(void **state)
{
	setup_cbit(state, 47);
	basic_4level(*state);
	teardown(state);
}

static void test_cbit_51(void **state)
{
	setup_cbit(state, 51);
	basic_4level(*state);
	teardown(state);
}

static void test_cbit_52(void **state)
{
	setup_cbit(state, 52);
	basic_4level(*state);
	teardown(state);
}

/* Without stripping, a C-bit at 47 would send the walk outside RAM. */
static void test_cbit_must_be_stripped(void **state)
{
	struct fixture *f;
	struct walk_result res;
	char buf[128];

	setup_cbit(state, 47);
	f = *state;
	paging_init(f, 4);
	map(f, 0x400000, 0x800000, 1, RW, true);
	f->cpu.cbit = 0; /* a walker that ignored the C-bit */
	assert_int_equal(walk_translate(f->r, &f->cpu, 0x400000, &res),
			 -EFAULT);
	assert_int_equal(res.status, WALK_READ_ERROR);
	assert_int_equal(res.fail_level, 4);
	assert_non_null(
		strstr(walk_strerror(&res, buf, sizeof(buf)), "unreadable"));
	f->cpu.cbit = 47;
	check_translate(f, 0x400000, 0x800000, PAGE_SIZE, true);
	teardown(state);
}

static void test_five_level(void **state)
{
	struct fixture *f;
	struct walk_result res;
	const uint64_t va = 0xff11223344556000ULL;

	setup_cbit(state, 51);
	f = *state;
	paging_init(f, 5);
	map(f, va, 0x900000, 1, RW, true);
	map(f, 0x00f0000000000000ULL, 0xa00000, 2, RW, false);
	check_translate(f, va + 0x10, 0x900010, PAGE_SIZE, true);
	check_translate(f, 0x00f0000000012345ULL, 0xa12345, 2 << 20, false);
	assert_int_equal(walk_translate(f->r, &f->cpu, va, &res), 0);
	assert_int_equal(res.nr_levels, 5);
	assert_int_equal(res.levels[0].level, 5);
	assert_int_equal(res.levels[0].index, (va >> 48) & 511);
	/* Canonical for 57 bits, not for 48. */
	assert_int_equal(walk_translate(f->r, &f->cpu, 0x0000800000000000ULL,
					&res),
			 -EFAULT);
	assert_int_equal(res.status, WALK_NOT_PRESENT);
	assert_int_equal(walk_translate(f->r, &f->cpu, 0x0100000000000000ULL,
					&res),
			 -EFAULT);
	assert_int_equal(res.status, WALK_NON_CANONICAL);
	teardown(state);
}

static void test_not_present_and_errors(void **state)
{
	struct fixture *f;
	struct walk_result res;
	char buf[128];

	setup_cbit(state, 52);
	f = *state;
	paging_init(f, 4);
	map(f, 0x7fff00001000ULL, 0x800000, 1, RW | US, true);
	/* Empty PML4 slot. */
	assert_int_equal(walk_translate(f->r, &f->cpu, 0x1000, &res), -EFAULT);
	assert_int_equal(res.status, WALK_NOT_PRESENT);
	assert_int_equal(res.fail_level, 4);
	assert_int_equal(res.nr_levels, 1);
	assert_string_equal(walk_strerror(&res, buf, sizeof(buf)),
			    "not present at level 4 (PML4) for 0x1000");
	/* Same page table, neighbouring PTE missing. */
	assert_int_equal(walk_translate(f->r, &f->cpu, 0x7fff00002000ULL, &res),
			 -EFAULT);
	assert_int_equal(res.fail_level, 1);
	assert_string_equal(walk_strerror(&res, buf, sizeof(buf)),
			    "not present at level 1 (PT) for 0x7fff00002000");
	/* Non-canonical. */
	assert_int_equal(walk_translate(f->r, &f->cpu, 0x0000800000000000ULL,
					&res),
			 -EFAULT);
	assert_int_equal(res.status, WALK_NON_CANONICAL);
	assert_int_equal(res.nr_levels, 0);
	assert_non_null(strstr(walk_strerror(&res, buf, sizeof(buf)),
			       "not a canonical"));
	/* PS in a PML4 entry is reserved. */
	*entry(f, 0x100000, 300) = 0x200000 | P | PS;
	assert_int_equal(walk_translate(f->r, &f->cpu, 0xffff960000000000ULL,
					&res),
			 -EFAULT);
	assert_int_equal(res.status, WALK_RESERVED);
	assert_int_equal(res.fail_level, 4);
	/* 2M leaf with bits 20:13 set is reserved. */
	map(f, 0x40000000ULL, 0x600000 | 0x2000, 2, RW, true);
	assert_int_equal(walk_translate(f->r, &f->cpu, 0x40000000ULL, &res),
			 -EFAULT);
	assert_int_equal(res.status, WALK_RESERVED);
	assert_int_equal(res.fail_level, 2);
	/* A table that points outside RAM. */
	*entry(f, 0x100000, 5) = 0x7000000000ULL | P | RW;
	assert_int_equal(walk_translate(f->r, &f->cpu, 5ULL << 39, &res),
			 -EFAULT);
	assert_int_equal(res.status, WALK_READ_ERROR);
	assert_int_equal(res.fail_level, 3);
	/* Paging off: identity. */
	f->cpu.cr0 = 1;
	assert_int_equal(walk_translate(f->r, &f->cpu, 0x123456, &res), 0);
	assert_int_equal(res.status, WALK_PAGING_OFF);
	assert_int_equal(res.pa, 0x123456);
	teardown(state);
}

static void test_read_write_split(void **state)
{
	struct fixture *f;
	uint8_t buf[3 * PAGE_SIZE], want[3 * PAGE_SIZE];
	const uint64_t va = 0xffffffff80000000ULL;
	uint8_t bits = 0;
	size_t i;

	setup_cbit(state, 52);
	f = *state;
	paging_init(f, 4);
	/* Three virtually contiguous pages, physically scattered; the middle
	 * one shared (no C-bit, bitmap clear). */
	map(f, va, 0x805000, 1, RW, true);
	map(f, va + PAGE_SIZE, 0x801000, 1, RW, false);
	map(f, va + 2 * PAGE_SIZE, 0x80a000, 1, RW, true);
	assert_int_equal(platform_set_bitmap(f->p, 0x801, 1, &bits), 0);
	router_invalidate(f->r);
	for (i = 0; i < PAGE_SIZE; i++) {
		f->mem[0x805000 + i] = (uint8_t)i;
		f->mem[0x801000 + i] = (uint8_t)(i * 3);
		f->mem[0x80a000 + i] = (uint8_t)(i * 5);
	}
	memcpy(want, f->mem + 0x805000, PAGE_SIZE);
	memcpy(want + PAGE_SIZE, f->mem + 0x801000, PAGE_SIZE);
	memcpy(want + 2 * PAGE_SIZE, f->mem + 0x80a000, PAGE_SIZE);
	router_reset_stats(f->r);
	memset(&f->p->stats, 0, sizeof(f->p->stats));
	assert_int_equal(walk_read(f->r, &f->cpu, va + 100, buf,
				   3 * PAGE_SIZE - 200),
			 3 * PAGE_SIZE - 200);
	assert_memory_equal(buf, want + 100, 3 * PAGE_SIZE - 200);
	assert_int_equal(f->p->stats.host_read_calls, 1); /* the shared page */
	/* Writes land in the right physical pages. */
	memset(buf, 0x5a, sizeof(buf));
	assert_int_equal(walk_write(f->r, &f->cpu, va + PAGE_SIZE - 3, buf, 6),
			 6);
	assert_memory_equal(f->mem + 0x805ffd, buf, 3);
	assert_memory_equal(f->mem + 0x801000, buf, 3);
	/* Short at the first unmapped page. */
	assert_int_equal(walk_read(f->r, &f->cpu, va + 2 * PAGE_SIZE + 10, buf,
				   2 * PAGE_SIZE),
			 PAGE_SIZE - 10);
	assert_int_equal(walk_read(f->r, &f->cpu, va + 3 * PAGE_SIZE, buf, 1),
			 -EFAULT);
	teardown(state);
}

/*
 * A read that runs off the top of the address space stops there: with the
 * last page and page 0 both mapped, va + done wrapped to 0 and the walker
 * went on reading page 0 into the buffer (shell `x`, qCRC).
 */
static void test_read_stops_at_top(void **state)
{
	struct fixture *f;
	uint8_t buf[2 * PAGE_SIZE];
	const uint64_t top = 0xfffffffffffff000ULL;

	setup_cbit(state, 52);
	f = *state;
	paging_init(f, 4);
	map(f, top, 0x805000, 1, RW, true);
	map(f, 0, 0x806000, 1, RW, true);
	memset(f->mem + 0x805000, 0x11, PAGE_SIZE);
	memset(f->mem + 0x806000, 0x22, PAGE_SIZE);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(walk_read(f->r, &f->cpu, top + 0xff0, buf, 0x20),
			 0x10);
	assert_int_equal(buf[0xf], 0x11);
	assert_int_equal(buf[0x10], 0); /* nothing from page 0 */
	assert_int_equal(walk_read(f->r, &f->cpu, top, buf, sizeof(buf)),
			 PAGE_SIZE);
	assert_int_equal(walk_write(f->r, &f->cpu, ~0ULL, buf, 2), 1);
	assert_int_equal(f->mem[0x806000], 0x22); /* page 0 untouched */
	teardown(state);
}

struct seen {
	struct walk_mapping m[64];
	int n;
	int stop_after;
};

static int collect(const struct walk_mapping *m, void *arg)
{
	struct seen *s = arg;

	assert_true(s->n < 64);
	s->m[s->n++] = *m;
	return s->stop_after && s->n == s->stop_after;
}

static void test_mappings(void **state)
{
	struct fixture *f;
	struct seen s = {.n = 0};
	uint64_t calls_before;
	int i;

	setup_cbit(state, 52);
	f = *state;
	paging_init(f, 4);
	map(f, 0xffffffff81000000ULL, 0x800000, 1, RW, true);
	map(f, 0x400000, 0x900000, 1, RW, false);
	map(f, DIRECT_MAP, 0, 2, RW, true);
	map(f, DIRECT_MAP + (2 << 20), 0x200000, 2, RW, true);
	map(f, DIRECT_MAP + (1ULL << 30), 0, 3, RW, true);
	calls_before = f->p->stats.decrypt_calls;
	assert_int_equal(walk_mappings(f->r, &f->cpu, 0, UINT64_MAX, collect,
				       &s),
			 0);
	assert_int_equal(s.n, 5);
	/* VA order: lower half first. */
	assert_int_equal(s.m[0].va, 0x400000);
	assert_int_equal(s.m[0].pa, 0x900000);
	assert_false(s.m[0].cbit);
	assert_int_equal(s.m[1].va, DIRECT_MAP);
	assert_int_equal(s.m[1].size, 2 << 20);
	assert_int_equal(s.m[2].va, DIRECT_MAP + (2 << 20));
	assert_int_equal(s.m[3].size, 1 << 30);
	assert_int_equal(s.m[4].va, 0xffffffff81000000ULL);
	assert_int_equal(s.m[4].size, PAGE_SIZE);
	assert_true(s.m[4].cbit);
	for (i = 1; i < s.n; i++)
		assert_true(s.m[i].va > s.m[i - 1].va);
	/* One decrypt per table visited: root, 3 PDPTs, 3 PDs, 2 PTs. */
	assert_int_equal(f->p->stats.decrypt_calls - calls_before, 9);
	/* A sub-range, and stopping early. */
	s.n = 0;
	assert_int_equal(walk_mappings(f->r, &f->cpu, DIRECT_MAP + 0x300000,
				       DIRECT_MAP + (1ULL << 30) + 1, collect,
				       &s),
			 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.m[0].va, DIRECT_MAP + (2 << 20));
	s.n = 0;
	s.stop_after = 2;
	assert_int_equal(walk_mappings(f->r, &f->cpu, 0, UINT64_MAX, collect,
				       &s),
			 1);
	assert_int_equal(s.n, 2);
	teardown(state);
}

static int collect_mm(const struct walk_mismatch *mm, void *arg)
{
	struct walk_mismatch *out = arg;
	int i;

	for (i = 0; out[i].size; i++)
		;
	out[i] = *mm;
	return 0;
}

static void test_verify(void **state)
{
	struct fixture *f;
	struct walk_mismatch mm[8];
	uint8_t zero = 0;
	uint64_t pa;

	setup_cbit(state, 52);
	f = *state;
	paging_init(f, 4);
	/* A Linux-like direct map of all 16 MiB: 2M pages with the C-bit,
	 * except [12M, 14M) split into 4K pages. */
	for (pa = 0; pa < RAM_SIZE; pa += 2 << 20)
		if (pa != 12 << 20)
			map(f, DIRECT_MAP + pa, pa, 2, RW, true);
	for (pa = 12 << 20; pa < 14 << 20; pa += PAGE_SIZE)
		map(f, DIRECT_MAP + pa, pa, 1, RW,
		    pa != 0xc05000 && pa != 0xc06000 && pa != 0xc09000);
	/* Shared in the bitmap: 0xc05000 (consistent), 0xc07000 and the
	 * 2M-mapped 0x201000..0x202fff (both mismatched); 0xc06000 and
	 * 0xc09000 have no C-bit but are encrypted (mismatched). */
	assert_int_equal(platform_set_bitmap(f->p, 0xc05, 1, &zero), 0);
	assert_int_equal(platform_set_bitmap(f->p, 0xc07, 1, &zero), 0);
	assert_int_equal(platform_set_bitmap(f->p, 0x201, 2, &zero), 0);
	router_invalidate(f->r);
	memset(mm, 0, sizeof(mm));
	assert_int_equal(walk_verify(f->r, &f->cpu, DIRECT_MAP,
				     DIRECT_MAP + RAM_SIZE, collect_mm, mm),
			 4);
	assert_int_equal(mm[0].pa, 0x201000);
	assert_int_equal(mm[0].va, DIRECT_MAP + 0x201000);
	assert_int_equal(mm[0].size, 2 * PAGE_SIZE);
	assert_true(mm[0].pte_cbit);
	assert_false(mm[0].bitmap_encrypted);
	assert_int_equal(mm[1].pa, 0xc06000);
	assert_false(mm[1].pte_cbit);
	assert_true(mm[1].bitmap_encrypted);
	assert_int_equal(mm[2].pa, 0xc07000);
	assert_int_equal(mm[2].size, PAGE_SIZE);
	assert_true(mm[2].pte_cbit);
	assert_int_equal(mm[3].pa, 0xc09000);
	/* The fallback bitmap from the same page tables: shared exactly where
	 * the direct map has no C-bit (0xc05000, 0xc06000, 0xc09000). */
	{
		struct bitmap scan;
		struct bitmap_summary sum;

		assert_int_equal(bitmap_init(&scan, RAM_SIZE >> PAGE_SHIFT), 0);
		bitmap_assign(&scan, 0, 10, false); /* must be reset */
		assert_int_equal(walk_shared_scan(f->r, &f->cpu, DIRECT_MAP,
						  DIRECT_MAP + RAM_SIZE, &scan),
				 3);
		bitmap_summarise(&scan, &sum);
		assert_int_equal(sum.shared, 3);
		assert_false(bitmap_test(&scan, 0xc05));
		assert_false(bitmap_test(&scan, 0xc06));
		assert_false(bitmap_test(&scan, 0xc09));
		assert_true(bitmap_test(&scan, 0));
		bitmap_release(&scan);
	}
	/* No C-bit: nothing to verify. */
	f->cpu.cbit = 0;
	assert_int_equal(walk_verify(f->r, &f->cpu, DIRECT_MAP,
				     DIRECT_MAP + RAM_SIZE, NULL, NULL),
			 -EINVAL);
	teardown(state);
}

static void test_pae_and_32bit(void **state)
{
	struct fixture *f;
	struct walk_result res;
	uint32_t *pd;

	setup_cbit(state, 52);
	f = *state;
	/* PAE: PDPT at 0x100020 (32-byte aligned), PD at 0x101000. */
	*entry(f, 0x100020, 3) = 0x101000 | P;
	*entry(f, 0x101000, 1) = 0x600000 | P | RW | PS; /* 2M */
	*entry(f, 0x101000, 2) = 0x102000 | P | RW;
	*entry(f, 0x102000, 7) = 0x345000 | P | RW | XD;
	f->cpu.cr0 = CR0_PG | 1;
	f->cpu.cr4 = CR4_PAE;
	f->cpu.efer = EFER_NXE;
	f->cpu.cr3 = 0x100020;
	f->cpu.cbit = 0;
	check_translate(f, 0xc0212345, 0x612345, 2 << 20, false);
	check_translate(f, 0xc0407abc, 0x345abc, PAGE_SIZE, false);
	assert_int_equal(walk_translate(f->r, &f->cpu, 0xc0407000, &res), 0);
	assert_true(res.nx);
	assert_int_equal(res.nr_levels, 3);
	/* 32-bit with PSE: 4-byte entries, 4M pages. */
	pd = (uint32_t *)(f->mem + 0x110000);
	pd[0x300] = 0x00800000 | P | RW | PS;
	pd[1] = 0x111000 | P | RW;
	((uint32_t *)(f->mem + 0x111000))[2] = 0x222000 | P;
	f->cpu.cr4 = CR4_PSE;
	f->cpu.efer = 0;
	f->cpu.cr3 = 0x110000;
	check_translate(f, 0xc0012345, 0x812345, 4 << 20, false);
	check_translate(f, 0x00402010, 0x222010, PAGE_SIZE, false);
	assert_int_equal(walk_translate(f->r, &f->cpu, 0x00403000, &res),
			 -EFAULT);
	assert_int_equal(res.fail_level, 1);
	teardown(state);
}

static void test_cpu_from_regs(void **state)
{
	struct regs r;
	struct walk_cpu c;

	memset(&r, 0, sizeof(r));
	regs_set(&r, REGS_CR0, 0x80050033);
	regs_set(&r, REGS_CR3, 0x10000000000a000ULL);
	regs_set(&r, REGS_CR4, 0x3020);
	regs_set(&r, REGS_EFER, 0xd01);
	walk_cpu_from_regs(&c, &r, 51);
	assert_int_equal(c.cr0, 0x80050033);
	assert_int_equal(c.cr3, 0x10000000000a000ULL);
	assert_int_equal(c.cr4, 0x3020);
	assert_int_equal(c.efer, 0xd01);
	assert_int_equal(c.cbit, 51);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cbit_47),
		cmocka_unit_test(test_cbit_51),
		cmocka_unit_test(test_cbit_52),
		cmocka_unit_test(test_cbit_must_be_stripped),
		cmocka_unit_test(test_five_level),
		cmocka_unit_test(test_not_present_and_errors),
		cmocka_unit_test(test_read_write_split),
		cmocka_unit_test(test_read_stops_at_top),
		cmocka_unit_test(test_mappings),
		cmocka_unit_test(test_verify),
		cmocka_unit_test(test_pae_and_32bit),
		cmocka_unit_test(test_cpu_from_regs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
