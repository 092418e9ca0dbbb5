/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest page-table walker: translates guest virtual addresses with the
 * vCPU's CR0/CR3/CR4/EFER, reading page tables through the router and
 * stripping the C-bit at every level (DESIGN.md §2).
 */
#ifndef SEVDBG_WALK_H
#define SEVDBG_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct router;
struct regs;

struct walk_cpu {
	uint64_t cr0, cr3, cr4, efer;
	unsigned int cbit; /* 0 = no C-bit */
};

#define WALK_MAX_LEVELS 5

struct walk_level {
	int level;	    /* 5..1 (PML5 .. PT) */
	uint64_t table_gpa; /* table base (C-bit stripped) */
	unsigned int index;
	uint64_t entry; /* raw entry as read */
	bool cbit;	/* C-bit set in this entry */
};

enum walk_status {
	WALK_OK,
	WALK_PAGING_OFF, /* va == pa */
	WALK_NON_CANONICAL,
	WALK_NOT_PRESENT, /* at .fail_level */
	WALK_RESERVED,	  /* reserved bit set at .fail_level */
	WALK_READ_ERROR,  /* page table unreadable: .err */
};

struct walk_result {
	enum walk_status status;
	uint64_t va, pa;    /* pa: C-bit stripped */
	uint64_t page_size; /* 4K, 2M, 1G */
	bool cbit;	    /* C-bit of the final entry */
	bool writable, user, nx;
	int nr_levels; /* entries in .levels[] that were read */
	struct walk_level levels[WALK_MAX_LEVELS];
	int fail_level;
	int err; /* negative errno for WALK_READ_ERROR */
};

void walk_cpu_from_regs(struct walk_cpu *c, const struct regs *r,
			unsigned int cbit);
int walk_translate(struct router *r, const struct walk_cpu *c, uint64_t va,
		   struct walk_result *res);
/* "not present at level 2 (PD) for 0x..." etc. */
const char *walk_strerror(const struct walk_result *res, char *buf, size_t len);

/* Virtual reads/writes split at page boundaries; short on failure. */
ssize_t walk_read(struct router *r, const struct walk_cpu *c, uint64_t va,
		  void *buf, size_t len);
ssize_t walk_write(struct router *r, const struct walk_cpu *c, uint64_t va,
		   const void *buf, size_t len);

/*
 * Visit every present leaf mapping (in VA order). Used by `sev verify` and
 * dump --paging. Return non-zero from fn to stop.
 */
struct walk_mapping {
	uint64_t va, pa, size;
	bool cbit;
};
int walk_mappings(struct router *r, const struct walk_cpu *c, uint64_t va_start,
		  uint64_t va_end,
		  int (*fn)(const struct walk_mapping *m, void *arg),
		  void *arg);

/*
 * `sev verify`: compare the C-bit of every mapping of [va_start, va_end)
 * (e.g. the Linux direct map at 0xffff888000000000) with the bitmap, RAM
 * pages only. Adjacent mismatches are merged into one run per call of fn
 * (may be NULL; non-zero stops). Returns the number of runs reported, or
 * -EINVAL without a C-bit or with paging off.
 */
struct walk_mismatch {
	uint64_t va, pa, size;
	bool pte_cbit;	       /* what the page tables say */
	bool bitmap_encrypted; /* what the bitmap says */
};
int walk_verify(struct router *r, const struct walk_cpu *c, uint64_t va_start,
		uint64_t va_end,
		int (*fn)(const struct walk_mismatch *mm, void *arg),
		void *arg);
struct bitmap;
/* The same against bm instead of the bitmap the router follows (the
 * kernel's, when the router derives its own from the page tables). */
int walk_verify_bitmap(struct router *r, const struct walk_cpu *c,
		       const struct bitmap *bm, uint64_t va_start,
		       uint64_t va_end,
		       int (*fn)(const struct walk_mismatch *mm, void *arg),
		       void *arg);

/*
 * A bitmap from the page tables, for hosts without the series (DESIGN §3.4):
 * every page encrypted except RAM that [va_start, va_end) maps without the
 * C-bit (the kernel direct map carries each page's C-bit). Returns the
 * number of pages marked shared (capped at INT32_MAX) or -errno.
 */
int walk_shared_scan(struct router *r, const struct walk_cpu *c,
		     uint64_t va_start, uint64_t va_end, struct bitmap *out);

#endif
