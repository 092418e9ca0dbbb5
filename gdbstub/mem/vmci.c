// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest kernel's VMCOREINFO note, found in its RAM, and the page-table
 * root it names: virtual addresses for a Linux guest without any registers.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sevdbg/bitmap.h"
#include "sevdbg/dumpfmt.h"
#include "sevdbg/ram.h"
#include "sevdbg/util.h"
#include "gdbstub/mem/router.h"
#include "gdbstub/mem/vmci.h"
#include "gdbstub/mem/walk.h"

#define X86_CR0_PE    (1ULL << 0)
#define X86_CR0_ET    (1ULL << 4)
#define X86_CR0_PG    (1ULL << 31)
#define X86_CR4_PAE   (1ULL << 5)
#define X86_CR4_LA57  (1ULL << 12)
#define X86_EFER_LME  (1ULL << 8)
#define X86_EFER_LMA  (1ULL << 10)
#define X86_EFER_NXE  (1ULL << 11)
#define VMCI_HEAD_LEN 16

/* The note's header and "VMCO": its first 16 bytes, one 16-byte unit. */
static bool vmci_head_ok(const uint8_t *h)
{
	return get_le32(h) == sizeof(VMCOREINFO_NAME) && !get_le32(h + 8) &&
	       !memcmp(h + 12, VMCOREINFO_NAME, 4);
}

/* Pages at each end of each RAM region that the first pass probes. */
#define VMCI_EARLY_PAGES (64u << 20 >> PAGE_SHIFT)

/* Probe one page: > 0 the note's length (whole page in page), 0 not it,
 * < 0 stopped. */
static int vmci_probe(struct router *r, const struct bitmap *b, uint64_t a,
		      uint8_t *page, uint64_t *scanned, volatile int *stop)
{
	uint8_t head[VMCI_HEAD_LEN];

	if (stop && *stop)
		return -EINTR;
	(*scanned)++;
	if (b && a >> PAGE_SHIFT < b->npages &&
	    !bitmap_test(b, a >> PAGE_SHIFT))
		return 0; /* the kernel's note is private */
	if (router_read(r, a, head, sizeof(head)) != sizeof(head) ||
	    !vmci_head_ok(head) ||
	    router_read(r, a, page, PAGE_SIZE) != PAGE_SIZE)
		return 0;
	return (int)vmcoreinfo_match(page);
}

/* Region i's first page and its number of pages. */
static uint64_t vmci_region(struct router *r, size_t i, uint64_t *n)
{
	const struct ram_region *rg = &router_ram(r)->regions[i];
	uint64_t base = ALIGN_UP(rg->gpa, PAGE_SIZE);
	uint64_t end = rg->gpa + rg->size;

	*n = end > base ? (end - base) >> PAGE_SHIFT : 0;
	return base;
}

/* Probe region i's pages [from, to), from the bottom. */
static int vmci_scan(struct router *r, const struct bitmap *b, size_t i,
		     uint64_t from, uint64_t to, uint8_t *page, uint64_t *gpa,
		     uint64_t *scanned, volatile int *stop)
{
	uint64_t n, base = vmci_region(r, i, &n), a, g;
	int ret;

	for (g = from; g < MIN(to, n); g++) {
		a = base + (g << PAGE_SHIFT);
		ret = vmci_probe(r, b, a, page, scanned, stop);
		if (ret) {
			*gpa = a;
			return ret;
		}
	}
	return 0;
}

/* Probe region i's two ends, a page from each in turn, inwards: its
 * bottom and top VMCI_EARLY_PAGES, each page once. */
static int vmci_scan_ends(struct router *r, const struct bitmap *b, size_t i,
			  uint8_t *page, uint64_t *gpa, uint64_t *scanned,
			  volatile int *stop)
{
	uint64_t n, base = vmci_region(r, i, &n), k, g[2];
	int j, ret;

	for (k = 0; k < VMCI_EARLY_PAGES && k < n - k; k++) {
		g[0] = k;
		g[1] = n - 1 - k;
		for (j = 0; j < (g[1] > g[0] ? 2 : 1); j++) {
			ret = vmci_probe(r, b, base + (g[j] << PAGE_SHIFT),
					 page, scanned, stop);
			if (ret) {
				*gpa = base + (g[j] << PAGE_SHIFT);
				return ret;
			}
		}
	}
	return 0;
}

/*
 * One DBG_DECRYPT of 16 bytes per page tells a candidate, and only a
 * candidate is read whole. Linux allocates the note early at boot, from
 * one end of a zone: booted by QEMU -kernel, a few MiB into RAM on a 1 GiB
 * q35 guest and a few MiB above 4 GiB on a larger one (a scan from the
 * bottom probed the whole of low memory first: 525,224 pages on a 3 GiB
 * guest, bench/scale); booted by OVMF and GRUB, 26 MiB below the top of
 * RAM under 4 GiB, for 512 MiB, 1 GiB and 2 GiB guests alike (a scan from
 * the bottom probed 97% of a 1 GiB guest). So both ends of each region,
 * 64 MiB each, a page from each in turn, are probed first, the highest
 * region first; then the rest, from the bottom. The alternation costs at
 * most twice the pages of the nearer end.
 */
int vmci_find(struct router *r, bool skip_shared, uint8_t *page, uint64_t *gpa,
	      uint64_t *scanned, volatile int *stop)
{
	const struct ram_map *m = router_ram(r);
	const struct bitmap *b = skip_shared ? router_bitmap(r) : NULL;
	uint64_t n;
	size_t i;
	int ret;

	for (i = m->nr; i-- > 0;) {
		ret = vmci_scan_ends(r, b, i, page, gpa, scanned, stop);
		if (ret)
			return ret;
	}
	for (i = 0; i < m->nr; i++) {
		vmci_region(r, i, &n);
		if (n <= 2 * VMCI_EARLY_PAGES)
			continue; /* both ends covered it */
		ret = vmci_scan(r, b, i, VMCI_EARLY_PAGES, n - VMCI_EARLY_PAGES,
				page, gpa, scanned, stop);
		if (ret)
			return ret;
	}
	return -ENOENT;
}

static int vmci_need(const char *text, size_t len, const char *key, int64_t *v,
		     char *err, size_t errlen)
{
	if (vmci_get(text, len, key, v))
		return 0;
	snprintf(err, errlen,
		 "the guest's VMCOREINFO has no %s (not an x86-64 Linux kernel?)",
		 key);
	return -ENOENT;
}

static void vmci_osrelease(const char *text, size_t len, struct vmci_root *k)
{
	static const char key[] = "OSRELEASE=";
	size_t n = 0, klen = sizeof(key) - 1;

	/* vmcoreinfo_match() made the note start with it. */
	if (len < klen || memcmp(text, key, klen))
		return;
	while (klen + n < len && text[klen + n] != '\n' &&
	       n < sizeof(k->osrelease) - 1)
		n++;
	memcpy(k->osrelease, text + klen, n);
	k->osrelease[n] = '\0';
}

int vmci_parse_root(const char *text, size_t len, struct vmci_root *k,
		    char *err, size_t errlen)
{
	int64_t top, base, v;
	int ret;

	memset(k, 0, sizeof(*k));
	ret = vmci_need(text, len, "SYMBOL(init_top_pgt)", &top, err, errlen)
		      ?: vmci_need(text, len, "NUMBER(phys_base)", &base, err,
				   errlen);
	if (ret)
		return ret;
	k->init_top_pgt = (uint64_t)top;
	k->phys_base = (uint64_t)base;
	/* init_top_pgt lies in the kernel image, which phys_base relocates. */
	if (k->init_top_pgt < VMCI_START_KERNEL_MAP ||
	    k->init_top_pgt & ~PAGE_MASK ||
	    (k->init_top_pgt - VMCI_START_KERNEL_MAP + k->phys_base) >> 52) {
		snprintf(err, errlen,
			 "the guest's VMCOREINFO names an impossible init_top_pgt 0x%llx (phys_base 0x%llx)",
			 (unsigned long long)k->init_top_pgt,
			 (unsigned long long)k->phys_base);
		return -EINVAL;
	}
	k->pgd = k->init_top_pgt - VMCI_START_KERNEL_MAP + k->phys_base;
	if (vmci_get(text, len, "KERNELOFFSET", &v))
		k->kernel_offset = (uint64_t)v;
	k->la57 =
		vmci_get(text, len, "NUMBER(pgtable_l5_enabled)", &v) && v == 1;
	vmci_osrelease(text, len, k);
	return 0;
}

void vmci_walk_cpu(const struct vmci_root *k, unsigned int cbit,
		   struct walk_cpu *c)
{
	memset(c, 0, sizeof(*c));
	c->cr0 = X86_CR0_PG | X86_CR0_ET | X86_CR0_PE;
	c->cr4 = X86_CR4_PAE | (k->la57 ? X86_CR4_LA57 : 0);
	c->efer = X86_EFER_LME | X86_EFER_LMA | X86_EFER_NXE;
	c->cr3 = k->pgd;
	c->cbit = cbit;
}
