/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest kernel's VMCOREINFO note, found in its RAM through the router,
 * and the kernel's own page-table root it names (DESIGN.md §3, SEV-ES).
 */
#ifndef SEVDBG_VMCI_H
#define SEVDBG_VMCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct router;
struct walk_cpu;

/* x86-64 Linux maps its image at __START_KERNEL_map + phys_base. */
#define VMCI_START_KERNEL_MAP 0xffffffff80000000ULL

/*
 * Find the note: a RAM page that starts with it, searched where Linux puts
 * it first (both ends of each region; vmci.c says why), then the rest.
 * Pages the bitmap marks shared are skipped when skip_shared (the kernel's
 * note is private). page (PAGE_SIZE bytes) gets the page, *gpa its
 * address; *scanned counts the pages probed. Returns the text's length
 * (at page + VMCOREINFO_DESC_OFF), -ENOENT, or -EINTR when *stop is set.
 */
int vmci_find(struct router *r, bool skip_shared, uint8_t *page, uint64_t *gpa,
	      uint64_t *scanned, volatile int *stop);

/* The kernel's top page table, as its VMCOREINFO describes it. */
struct vmci_root {
	uint64_t init_top_pgt;	/* SYMBOL(init_top_pgt): already relocated */
	uint64_t phys_base;	/* NUMBER(phys_base) */
	uint64_t kernel_offset; /* KERNELOFFSET (KASLR); 0 when absent */
	uint64_t pgd;		/* init_top_pgt's guest-physical address */
	bool la57;		/* NUMBER(pgtable_l5_enabled)=1: 5-level */
	char osrelease[65];	/* OSRELEASE=, for people */
};

/*
 * Parse the root from VMCOREINFO text. 0, or -ENOENT/-EINVAL with the
 * reason (the missing or impossible key) in err.
 */
int vmci_parse_root(const char *text, size_t len, struct vmci_root *k,
		    char *err, size_t errlen);

/* The walker's view of the kernel's own tables: long mode, C-bit cbit. */
void vmci_walk_cpu(const struct vmci_root *k, unsigned int cbit,
		   struct walk_cpu *c);

#endif
