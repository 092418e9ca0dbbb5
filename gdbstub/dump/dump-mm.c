// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest kernel's memory model as the dump writer reads it through the
 * router: its VMCOREINFO note, its page tables, its struct page array.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gdbstub/dump/dump-filter.h"
#include "gdbstub/dump/dump-int.h"
#include "gdbstub/mem/router.h"
#include "gdbstub/mem/session.h"
#include "gdbstub/mem/vmci.h"
#include "gdbstub/mem/walk.h"

#define SECTION_PRESENT	   1ULL
#define SECTION_MAP_MASK   (~0x1fULL) /* SECTION_MAP_LAST_BIT = 1 << 5 */
#define FILTER_CACHE_SLOTS 1024	      /* 4 MiB while the filter reads */

/* The guest's VMCOREINFO note, found in its RAM by the memory model. */
int dump_find_vmcoreinfo(struct dump_ctx *c)
{
	uint64_t gpa;
	int ret;

	ret = vmci_find(c->s->router, c->s->pinfo.encrypted, c->rbuf, &gpa,
			&c->res->vmci_scan_pages, NULL);
	if (ret < 0)
		return ret;
	c->vmci_len = (size_t)ret;
	memcpy(c->vmci, c->rbuf + VMCOREINFO_DESC_OFF, c->vmci_len);
	return 0;
}

/* The kernel's own page tables (init_top_pgt), whatever the vCPUs run. */
static void kernel_walk_cpu(const struct dump_ctx *c, struct walk_cpu *wc)
{
	struct vmci_root k = {
		.pgd = (uint64_t)c->mm.init_top_pgt - VMCI_START_KERNEL_MAP +
		       (uint64_t)c->mm.phys_base,
		.la57 = c->mm.pgtable_l5 > 0,
	};

	vmci_walk_cpu(&k, c->s->pinfo.cbit, wc);
}

/* Kernel virtual memory, a mapping (up to 1 GiB) at a time. */
int dump_kread(struct dump_ctx *c, uint64_t va, void *buf, size_t len)
{
	struct walk_result wr;
	struct walk_cpu wc;
	uint8_t *p = buf;
	uint64_t n;

	kernel_walk_cpu(c, &wc);
	while (len) {
		if (walk_translate(c->s->router, &wc, va, &wr) ||
		    wr.status != WALK_OK)
			return -EFAULT;
		n = MIN(len, wr.page_size - (va & (wr.page_size - 1)));
		if (router_read(c->s->router, wr.pa, p, n) != (ssize_t)n)
			return -EIO;
		va += n;
		p += n;
		len -= n;
	}
	return 0;
}

static bool pfn_exists(void *arg, uint64_t pfn)
{
	return ram_find(arg, pfn << PAGE_SHIFT) != NULL;
}

/* The mem_map of section nr (its struct page of pfn 0), or 0 if none. */
static uint64_t section_mem_map(struct dump_ctx *c, uint64_t nr)
{
	const struct vmci_mm *mm = &c->mm;
	uint64_t per_root = PAGE_SIZE / (uint64_t)mm->size_mem_section;
	uint64_t root, map;

	if (nr / per_root >= (uint64_t)mm->mem_section_roots ||
	    dump_kread(c, (uint64_t)mm->mem_section + nr / per_root * 8, &root,
		       8) ||
	    !root)
		return 0;
	if (dump_kread(c,
		       root + nr % per_root * (uint64_t)mm->size_mem_section +
			       (uint64_t)mm->off_section_mem_map,
		       &map, 8) ||
	    !(map & SECTION_PRESENT))
		return 0;
	return map & SECTION_MAP_MASK;
}

static int filter_sections(struct dump_ctx *c, struct page_filter *f)
{
	const struct vmci_mm *mm = &c->mm;
	uint64_t per_sec = 1ULL << (mm->section_size_bits - PAGE_SHIFT);
	uint64_t nr, pfn, n, map;
	uint8_t *buf;
	int ret = 0;

	buf = malloc(per_sec * (uint64_t)mm->size_page);
	if (!buf)
		return -ENOMEM;
	for (nr = 0; nr * per_sec < c->npages && !ret; nr++) {
		pfn = nr * per_sec;
		n = MIN(per_sec, c->npages - pfn);
		map = section_mem_map(c, nr);
		if (!map) {
			c->res->filter_sections_missing++;
			continue; /* no struct pages: every page kept */
		}
		ret = dump_kread(c, map + pfn * (uint64_t)mm->size_page, buf,
				 n * (uint64_t)mm->size_page);
		if (ret)
			ret = dump_fail(c, ret,
					"--filter: cannot read the guest's struct pages of pfn 0x%llx (section %llu); dump without --filter",
					(unsigned long long)pfn,
					(unsigned long long)nr);
		else
			filter_pages(f, pfn, buf, n);
	}
	free(buf);
	return ret;
}

static int filter_check_mm(struct dump_ctx *c)
{
	const struct vmci_mm *mm = &c->mm;
	const char *missing;

	if (vmci_parse_mm((const char *)c->vmci, c->vmci_len, &c->mm, &missing))
		return dump_fail(c, -ENOENT,
				 "--filter: the guest's VMCOREINFO lacks %s; dump without --filter (or --filter 1)",
				 missing);
	/* SPARSEMEM_EXTREME: LENGTH(mem_section) is NR_SECTION_ROOTS. */
	if (mm->size_mem_section < 8 ||
	    mm->size_mem_section > (int64_t)PAGE_SIZE ||
	    mm->section_size_bits <= (int64_t)PAGE_SHIFT ||
	    mm->section_size_bits > 40 ||
	    mm->max_physmem_bits <= mm->section_size_bits ||
	    mm->max_physmem_bits > 62 ||
	    mm->mem_section_roots !=
		    (1LL << (mm->max_physmem_bits - mm->section_size_bits)) /
			    ((int64_t)PAGE_SIZE / mm->size_mem_section))
		return dump_fail(c, -ENOTSUP,
				 "--filter: the guest kernel's memory model is not SPARSEMEM_EXTREME; dump without --filter (or --filter 1)");
	return 0;
}

/*
 * Decide, before any page is read, which pages a --filter dump leaves
 * out: c->drop gets a bit per dropped page. Costs the VMCOREINFO search,
 * the kernel page-table pages and the struct page pages, nothing else.
 */
int dump_filter_prepare(struct dump_ctx *c)
{
	struct page_filter f = {.mm = &c->mm, .level = c->o->filter};
	struct router *r = c->s->router;
	size_t slots = router_cache_pages(r);
	int ret, k;

	/*
	 * Page-table pages are read again for every mapping: cache them, in
	 * a small cache, since nothing here is read twice otherwise. The
	 * VMCOREINFO search too: each page it probes would stay in the
	 * session's 64 MiB cache, which a search through gigabytes fills
	 * (bench/scale: 68 MiB RssAnon on a 4 GiB guest).
	 */
	router_set_cache_pages(r, FILTER_CACHE_SLOTS);
	router_set_cache(r, true);
	if (!c->vmci_len && dump_find_vmcoreinfo(c)) {
		ret = dump_fail(c, -ENOENT,
				"--filter: the guest's VMCOREINFO note is not in its RAM (a Linux kernel with CONFIG_CRASH_CORE writes it); dump without --filter (or --filter 1)");
		goto out;
	}
	ret = filter_check_mm(c);
	if (ret)
		goto out;
	c->have_mm = true;
	c->drop = calloc(1, (c->npages + 7) / 8 + 8);
	if (!c->drop) {
		ret = -ENOMEM;
		goto out;
	}
	f.drop = c->drop;
	f.npages = c->npages;
	f.exists = pfn_exists;
	f.arg = (void *)&c->s->t->ram;
	ret = filter_sections(c, &f);
	for (k = 0; k < FILTER_NR; k++) {
		c->res->pages_filtered[k] += f.counts[k];
		c->res->pages_dropped += f.counts[k];
	}
out:
	router_set_cache(r, false);
	router_set_cache_pages(r, slots);
	return ret;
}

/* The kernel's page-table facts from VMCOREINFO (parsed once); false
 * when the note is absent or lacks them. */
static bool dump_kernel_mm(struct dump_ctx *c)
{
	const char *missing;

	if (!c->vmci_len)
		return false;
	if (!c->have_mm)
		vmci_parse_mm((const char *)c->vmci, c->vmci_len, &c->mm,
			      &missing);
	return c->mm.phys_base != VMCI_NONE && c->mm.init_top_pgt != VMCI_NONE;
}

/* The kernel's utsname (init_uts_ns.name: 6 x 65 bytes), as makedumpfile
 * copies it into the kdump header; 0 or -errno. */
int dump_read_utsname(struct dump_ctx *c, uint8_t *uts, size_t len)
{
	if (!dump_kernel_mm(c) || c->mm.init_uts_ns == VMCI_NONE)
		return -ENOENT;
	return dump_kread(c,
			  (uint64_t)c->mm.init_uts_ns +
				  (uint64_t)MAX(c->mm.off_uts_name, 0),
			  uts, len);
}

/*
 * The kernel image's mappings (__START_KERNEL_map and up, KERNEL_IMAGE_SIZE)
 * in the kernel's own page tables: what an ELF dump needs as virtual
 * PT_LOADs for drgn, which reads the top page table by its virtual
 * address. Cached while walking: each table page is decrypted once.
 */
int dump_kernel_image_mappings(struct dump_ctx *c,
			       int (*fn)(const struct walk_mapping *m,
					 void *arg),
			       void *arg)
{
	uint64_t size = 1ULL << 30; /* KASLR's KERNEL_IMAGE_SIZE */
	struct router *r = c->s->router;
	size_t slots = router_cache_pages(r);
	struct walk_cpu wc;
	int64_t v;
	int ret;

	if (!dump_kernel_mm(c))
		return -ENOENT;
	if (vmci_get((const char *)c->vmci, c->vmci_len,
		     "NUMBER(KERNEL_IMAGE_SIZE)", &v) &&
	    v > 0 && v <= 1LL << 31)
		size = (uint64_t)v;
	kernel_walk_cpu(c, &wc);
	router_set_cache_pages(r, FILTER_CACHE_SLOTS);
	router_set_cache(r, true);
	ret = walk_mappings(r, &wc, VMCI_START_KERNEL_MAP,
			    VMCI_START_KERNEL_MAP + size, fn, arg);
	router_set_cache(r, false);
	router_set_cache_pages(r, slots);
	return ret < 0 ? ret : 0;
}
