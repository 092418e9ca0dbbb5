/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Filtered dumps (--filter LEVEL, makedumpfile's dump levels): the guest
 * kernel's VMCOREINFO facts the filter needs and the per-page decision.
 */
#ifndef SEVDBG_DUMP_FILTER_H
#define SEVDBG_DUMP_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sevdbg/dumpfmt.h" /* vmci_get() */

/* makedumpfile's dump-level bits (makedumpfile(8), -d). */
#define DL_EXCLUDE_ZERO	     0x01
#define DL_EXCLUDE_CACHE     0x02
#define DL_EXCLUDE_CACHE_PRI 0x04
#define DL_EXCLUDE_USER_DATA 0x08
#define DL_EXCLUDE_FREE	     0x10
#define DL_MAX		     31
/* The levels that need the guest's struct page array. */
#define DL_NEEDS_MEM_MAP (DL_MAX & ~DL_EXCLUDE_ZERO)

/* Why a page was left out; counted per kind in struct dump_result. */
enum filter_kind {
	FILTER_ZERO,
	FILTER_CACHE,
	FILTER_CACHE_PRI,
	FILTER_USER,
	FILTER_FREE,
	FILTER_HWPOISON,
	FILTER_OFFLINE,
	FILTER_NR,
};

#define VMCI_NONE (-1LL)

/*
 * What the filter reads from VMCOREINFO (Linux kernel/crash_core.c,
 * arch/x86/kernel/crash_core_64.c). Values absent from the note are
 * VMCI_NONE; vmci_parse_mm() says which required ones are missing.
 */
struct vmci_mm {
	/* page tables: the kernel's own, for virtual reads */
	int64_t phys_base, init_top_pgt, pgtable_l5, kernel_offset;
	/* SPARSEMEM_EXTREME: mem_section[root][nr] */
	int64_t mem_section, mem_section_roots, size_mem_section;
	int64_t off_section_mem_map, section_size_bits, max_physmem_bits;
	/* struct page */
	int64_t size_page, off_flags, off_mapping, off_mapcount, off_private;
	int64_t off_compound_head, off_compound_dtor, off_compound_order;
	int64_t pg_lru, pg_private, pg_swapcache, pg_swapbacked, pg_slab;
	int64_t pg_hwpoison, pg_head_mask, buddy_mapcount, offline_mapcount;
	int64_t hugetlb_dtor, free_area_len;
	/* utsname for the kdump header */
	int64_t init_uts_ns, off_uts_name;
};

/* Fill mm; 0, or -ENOENT with the first missing required key in *missing. */
int vmci_parse_mm(const char *text, size_t len, struct vmci_mm *mm,
		  const char **missing);

/*
 * The decision, page by page, as makedumpfile's
 * __exclude_unnecessary_pages() takes it for a kernel of this layout:
 * buddy pages (with their order), page cache (private or not), anonymous
 * and hugetlbfs pages, hwpoison and logically offline pages. Compound tail
 * pages follow their head. pages holds the struct pages of pfns
 * [pfn0, pfn0 + n); exists(pfn) says whether a pfn is RAM. Dropped pfns
 * get their bit set in drop (npages bits) and are counted in counts[].
 */
struct page_filter {
	const struct vmci_mm *mm;
	unsigned int level;
	uint8_t *drop;
	uint64_t npages;
	uint64_t counts[FILTER_NR];
	uint64_t skip_to;   /* a multi-page exclusion reaching past a chunk */
	uint64_t bad_order; /* buddy pages with an impossible order (kept) */
	bool (*exists)(void *arg, uint64_t pfn);
	void *arg;
};

void filter_pages(struct page_filter *f, uint64_t pfn0, const uint8_t *pages,
		  uint64_t n);

static inline bool filter_dropped(const uint8_t *drop, uint64_t pfn)
{
	return drop && (drop[pfn / 8] >> (pfn % 8) & 1);
}

#endif
