/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The page-encryption bitmap: 1 bit per 4 KiB guest-physical page,
 * 1 = encrypted (the series' convention); every page starts encrypted.
 */
#ifndef SEVDBG_BITMAP_H
#define SEVDBG_BITMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* KVM_HC_MAP_GPA_RANGE (12) attribute encoding. */
#define HC_MAP_GPA_RANGE	      12
#define HC_MAP_GPA_RANGE_PAGE_SZ_4K   0
#define HC_MAP_GPA_RANGE_PAGE_SZ_2M   1
#define HC_MAP_GPA_RANGE_PAGE_SZ_1G   2
#define HC_MAP_GPA_RANGE_PAGE_SZ_MASK 0xfULL
#define HC_MAP_GPA_RANGE_ENCRYPTED    (1ULL << 4)

struct bitmap {
	uint64_t npages;
	uint64_t *words; /* npages bits, rounded up to 64 */
};

int bitmap_init(struct bitmap *b, uint64_t npages);
/* Grow to npages (never shrinks); the new pages start encrypted. */
int bitmap_grow(struct bitmap *b, uint64_t npages);
void bitmap_release(struct bitmap *b);
bool bitmap_test(const struct bitmap *b, uint64_t gfn);
/* Set [gfn, gfn+n) to val (true = encrypted); clipped at npages. */
void bitmap_assign(struct bitmap *b, uint64_t gfn, uint64_t n, bool val);

/*
 * Apply one page-encryption record (gpa, npages, attrs) with the
 * KVM_HC_MAP_GPA_RANGE encoding. Invalid records change nothing and return
 * -EINVAL with the reason in err.
 */
int bitmap_apply_record(struct bitmap *b, uint64_t gpa, uint64_t npages,
			uint64_t attrs, char *err, size_t errlen);

/*
 * GET/SET with the series' semantics (Documentation/virt/kvm/api.rst in
 * kernel/patches): GET reports pages past the end as encrypted and keeps
 * the caller's bits above the range in a partial last byte; SET ignores
 * pages past the end; SET with in == NULL (and start_gfn = npages = 0)
 * marks every page encrypted. -EINVAL when start_gfn + npages wraps.
 */
int bitmap_get(const struct bitmap *b, uint64_t start_gfn, uint64_t npages,
	       uint8_t *out);
int bitmap_set(struct bitmap *b, uint64_t start_gfn, uint64_t npages,
	       const uint8_t *in);

/* First gfn >= from whose bit differs from bitmap_test(from); npages if none.
 */
uint64_t bitmap_next_change(const struct bitmap *b, uint64_t from);
/* Number of encrypted pages in [gfn, gfn+n). */
uint64_t bitmap_count(const struct bitmap *b, uint64_t gfn, uint64_t n);

/* Page counts and the number of runs of equal bits, a word at a time. */
struct bitmap_summary {
	uint64_t encrypted, shared;
	uint64_t runs; /* maximal runs of equal bits; 0 if empty */
};
void bitmap_summarise(const struct bitmap *b, struct bitmap_summary *s);

#endif
