// SPDX-License-Identifier: GPL-2.0-only
/*
 * The --filter decision: VMCOREINFO text to the facts it needs, and which
 * pages makedumpfile would leave out, from the guest's struct page array.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "gdbstub/dump/dump-filter.h"
#include "sevdbg/util.h"

struct vmci_key {
	const char *key;
	size_t off;
	bool required;
};

#define K(name, field, req)                                \
	{                                                  \
		name, offsetof(struct vmci_mm, field), req \
	}
static const struct vmci_key vmci_keys[] = {
	K("NUMBER(phys_base)", phys_base, true),
	K("SYMBOL(init_top_pgt)", init_top_pgt, true),
	K("NUMBER(pgtable_l5_enabled)", pgtable_l5, false),
	K("KERNELOFFSET", kernel_offset, false),
	K("SYMBOL(mem_section)", mem_section, true),
	K("LENGTH(mem_section)", mem_section_roots, true),
	K("SIZE(mem_section)", size_mem_section, true),
	K("OFFSET(mem_section.section_mem_map)", off_section_mem_map, true),
	K("NUMBER(SECTION_SIZE_BITS)", section_size_bits, true),
	K("NUMBER(MAX_PHYSMEM_BITS)", max_physmem_bits, true),
	K("SIZE(page)", size_page, true),
	K("OFFSET(page.flags)", off_flags, true),
	K("OFFSET(page.mapping)", off_mapping, true),
	K("OFFSET(page._mapcount)", off_mapcount, true),
	K("OFFSET(page.private)", off_private, true),
	K("OFFSET(page.compound_head)", off_compound_head, false),
	K("OFFSET(page.compound_dtor)", off_compound_dtor, false),
	K("OFFSET(page.compound_order)", off_compound_order, false),
	K("NUMBER(PG_lru)", pg_lru, true),
	K("NUMBER(PG_private)", pg_private, true),
	K("NUMBER(PG_swapcache)", pg_swapcache, true),
	K("NUMBER(PG_swapbacked)", pg_swapbacked, false),
	K("NUMBER(PG_slab)", pg_slab, true),
	K("NUMBER(PG_hwpoison)", pg_hwpoison, false),
	K("NUMBER(PG_head_mask)", pg_head_mask, false),
	K("NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", buddy_mapcount, true),
	K("NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)", offline_mapcount, false),
	K("NUMBER(HUGETLB_PAGE_DTOR)", hugetlb_dtor, false),
	K("LENGTH(zone.free_area)", free_area_len, false),
	K("SYMBOL(init_uts_ns)", init_uts_ns, false),
	K("OFFSET(uts_namespace.name)", off_uts_name, false),
};
#undef K

int vmci_parse_mm(const char *text, size_t len, struct vmci_mm *mm,
		  const char **missing)
{
	size_t i;

	*missing = NULL;
	for (i = 0; i < ARRAY_SIZE(vmci_keys); i++) {
		int64_t *v = (int64_t *)((char *)mm + vmci_keys[i].off);

		if (vmci_get(text, len, vmci_keys[i].key, v))
			continue;
		*v = VMCI_NONE;
		if (vmci_keys[i].required && !*missing)
			*missing = vmci_keys[i].key;
	}
	if (*missing)
		return -ENOENT;
	/* A struct page we cannot hold, or fields outside it: no guessing. */
	if (mm->size_page < 8 || mm->size_page > 512 || mm->off_flags < 0 ||
	    mm->off_flags + 8 > mm->size_page ||
	    mm->off_mapping + 8 > mm->size_page ||
	    mm->off_mapcount + 4 > mm->size_page ||
	    mm->off_private + 8 > mm->size_page) {
		*missing = "SIZE(page) consistent with its OFFSET()s";
		return -EINVAL;
	}
	return 0;
}

/* One struct page's fields, little endian as x86-64 stores them. */
struct page_view {
	uint64_t flags, mapping, private, chead;
	int32_t mapcount;
	unsigned int order; /* compound order, 0 for a single page */
	int64_t dtor;
};

static uint64_t field64(const uint8_t *p, int64_t off)
{
	uint64_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static bool bit(uint64_t flags, int64_t nr)
{
	return nr >= 0 && nr < 64 && (flags >> nr & 1);
}

static void page_read(const struct vmci_mm *mm, const uint8_t *p, bool has_next,
		      uint64_t pfn, struct page_view *v)
{
	uint32_t mc;

	memset(v, 0, sizeof(*v));
	v->flags = field64(p, mm->off_flags);
	v->mapping = field64(p, mm->off_mapping);
	v->private = field64(p, mm->off_private);
	memcpy(&mc, p + mm->off_mapcount, sizeof(mc));
	v->mapcount = (int32_t)mc;
	if (mm->off_compound_head >= 0 &&
	    mm->off_compound_head + 8 <= mm->size_page)
		v->chead = field64(p, mm->off_compound_head);
	v->dtor = VMCI_NONE;
	/* The head's order and destructor live in the first tail page. */
	if (!has_next || mm->pg_head_mask <= 0 ||
	    !(v->flags & (uint64_t)mm->pg_head_mask))
		return;
	p += mm->size_page;
	if (mm->off_compound_order >= 0 &&
	    mm->off_compound_order < mm->size_page)
		v->order = p[mm->off_compound_order];
	if (mm->off_compound_dtor >= 0 && mm->off_compound_dtor < mm->size_page)
		v->dtor = p[mm->off_compound_dtor];
	if (v->order >= 64 || (pfn & ((1ULL << v->order) - 1)))
		v->order = 0; /* not a plausible compound page */
}

static bool is_slab(const struct vmci_mm *mm, const struct page_view *v)
{
	return bit(v->flags, mm->pg_slab);
}

static bool is_anon(const struct vmci_mm *mm, const struct page_view *v)
{
	return (v->mapping & 1) && !is_slab(mm, v); /* PAGE_MAPPING_ANON */
}

static bool is_cache(const struct vmci_mm *mm, const struct page_view *v)
{
	if (bit(v->flags, mm->pg_lru))
		return true;
	/* PG_swapcache means swap cache only with PG_swapbacked (>= 4.10). */
	return (mm->pg_swapbacked < 0 || bit(v->flags, mm->pg_swapbacked)) &&
	       bit(v->flags, mm->pg_swapcache);
}

/* FILTER_NR = keep; else the kind, and *nr the pages it covers. */
static enum filter_kind page_kind(const struct page_filter *f,
				  const struct page_view *v, uint64_t *nr)
{
	const struct vmci_mm *mm = f->mm;

	*nr = 1ULL << v->order;
	if ((f->level & DL_EXCLUDE_FREE) && !is_slab(mm, v) &&
	    v->mapcount == (int32_t)mm->buddy_mapcount) {
		if (v->private >= 64 ||
		    (mm->free_area_len > 0 &&
		     v->private >= (uint64_t)mm->free_area_len))
			return FILTER_NR + 1; /* impossible order: keep */
		*nr = 1ULL << v->private;
		return FILTER_FREE;
	}
	if ((f->level & DL_EXCLUDE_CACHE) && is_cache(mm, v) &&
	    !bit(v->flags, mm->pg_private) && !is_anon(mm, v))
		return FILTER_CACHE;
	if ((f->level & DL_EXCLUDE_CACHE_PRI) && is_cache(mm, v) &&
	    !is_anon(mm, v))
		return bit(v->flags, mm->pg_private) ? FILTER_CACHE_PRI
						     : FILTER_CACHE;
	if ((f->level & DL_EXCLUDE_USER_DATA) &&
	    (is_anon(mm, v) ||
	     (mm->hugetlb_dtor >= 0 && v->dtor == mm->hugetlb_dtor)))
		return FILTER_USER;
	if (bit(v->flags, mm->pg_hwpoison))
		return FILTER_HWPOISON;
	if (mm->offline_mapcount != VMCI_NONE && !is_slab(mm, v) &&
	    v->mapcount == (int32_t)mm->offline_mapcount)
		return FILTER_OFFLINE;
	return FILTER_NR;
}

static void drop_range(struct page_filter *f, enum filter_kind k, uint64_t pfn,
		       uint64_t nr)
{
	uint64_t end = MIN(pfn + nr, f->npages);

	for (; pfn < end; pfn++) {
		if (filter_dropped(f->drop, pfn) ||
		    (f->exists && !f->exists(f->arg, pfn)))
			continue;
		f->drop[pfn / 8] |= (uint8_t)(1u << (pfn % 8));
		f->counts[k]++;
	}
}

void filter_pages(struct page_filter *f, uint64_t pfn0, const uint8_t *pages,
		  uint64_t n)
{
	struct page_view v;
	enum filter_kind k;
	uint64_t i, nr;

	for (i = 0; i < n; i++) {
		uint64_t pfn = pfn0 + i;

		if (pfn < f->skip_to || pfn >= f->npages ||
		    (f->exists && !f->exists(f->arg, pfn)))
			continue;
		page_read(f->mm, pages + i * (uint64_t)f->mm->size_page,
			  i + 1 < n, pfn, &v);
		if (v.chead & 1)
			continue; /* a tail: its head decided for it */
		k = page_kind(f, &v, &nr);
		if (k == FILTER_NR + 1)
			f->bad_order++;
		if (k >= FILTER_NR)
			continue;
		drop_range(f, k, pfn, nr);
		f->skip_to = pfn + nr;
	}
}
