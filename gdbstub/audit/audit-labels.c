// SPDX-License-Identifier: GPL-2.0-only
/*
 * Names for the shared ranges of `sevdbg audit`: the --symbols that lie in
 * shared pages (through the guest's page tables) and buffers found via them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdbstub/audit/audit-int.h"
#include "gdbstub/mem/router.h"
#include "gdbstub/mem/session.h"
#include "sevdbg/ram.h"

#define CLUSTER_GAP (1ULL << 30) /* symbols further apart: walk apart */

/* --- symbols to shared pages ------------------------------------------ */

struct piece {
	uint64_t va, pa, len;
};

struct label_ctx {
	struct audit_ctx *x;
	struct piece *pieces;
	size_t nr, cap;
	int err;
};

/* The shared parts of one leaf mapping, as virtual pieces. */
static int label_mapping(const struct walk_mapping *m, void *arg)
{
	struct label_ctx *lc = arg;
	uint64_t g = m->pa >> PAGE_SHIFT, end = (m->pa + m->size) >> PAGE_SHIFT;
	uint64_t s;

	while (g < end) {
		for (; g < end && !audit_page_shared(lc->x, g); g++)
			;
		for (s = g; g < end && audit_page_shared(lc->x, g); g++)
			;
		if (s == g)
			break;
		if (lc->nr == lc->cap) {
			size_t cap = lc->cap ? 2 * lc->cap : 64;
			struct piece *p = realloc(lc->pieces, cap * sizeof(*p));

			if (!p)
				return lc->err = -ENOMEM;
			lc->pieces = p;
			lc->cap = cap;
		}
		lc->pieces[lc->nr++] =
			(struct piece){m->va + ((s << PAGE_SHIFT) - m->pa),
				       s << PAGE_SHIFT, (g - s) << PAGE_SHIFT};
	}
	return 0;
}

static int label_add(struct audit_report *rep, const char *name, uint64_t va,
		     uint64_t pa, uint64_t size)
{
	struct audit_label *l;
	size_t cap;

	if (rep->nr_labels == rep->cap_labels) {
		cap = rep->cap_labels ? 2 * rep->cap_labels : 64;
		l = realloc(rep->labels, cap * sizeof(*l));
		if (!l)
			return -ENOMEM;
		rep->labels = l;
		rep->cap_labels = cap;
	}
	rep->labels[rep->nr_labels++] =
		(struct audit_label){name, va, pa, size};
	return 0;
}

static int cmp_sym(const void *a, const void *b)
{
	const struct audit_sym *p = *(const struct audit_sym *const *)a;
	const struct audit_sym *q = *(const struct audit_sym *const *)b;

	return p->addr < q->addr ? -1 : p->addr > q->addr;
}

static int cmp_piece(const void *a, const void *b)
{
	const struct piece *p = a, *q = b;

	return p->va < q->va ? -1 : p->va > q->va;
}

static uint64_t sym_end(const struct audit_sym *s)
{
	return s->addr + MAX(s->size, 1);
}

/* The shared pieces of the guest's mappings around the symbols: one walk
 * per cluster of addresses (a kernel image, say), not one per symbol. */
static int label_pieces(struct label_ctx *lc, const struct audit_sym **sorted,
			size_t n)
{
	struct audit_ctx *x = lc->x;
	uint64_t lo, hi;
	size_t i = 0;
	int ret;

	while (i < n) {
		lo = sorted[i]->addr;
		hi = sym_end(sorted[i]);
		for (i++; i < n && sorted[i]->addr - hi < CLUSTER_GAP; i++)
			hi = MAX(hi, sym_end(sorted[i]));
		ret = walk_mappings(x->s->router,
				    &x->cpus[audit_kernel_root(x)],
				    lo & PAGE_MASK, ALIGN_UP(hi, PAGE_SIZE),
				    label_mapping, lc);
		if (lc->err)
			return lc->err;
		if (ret < 0)
			return ret;
	}
	qsort(lc->pieces, lc->nr, sizeof(*lc->pieces), cmp_piece);
	return 0;
}

/* The first piece that ends after va. */
static size_t piece_after(const struct label_ctx *lc, uint64_t va)
{
	size_t lo = 0, hi = lc->nr, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (lc->pieces[mid].va + lc->pieces[mid].len <= va)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int label_syms(struct label_ctx *lc, const struct audit_sym **sorted,
		      size_t n)
{
	const struct piece *p;
	uint64_t start;
	size_t i, k;

	for (i = 0; i < n; i++) {
		k = piece_after(lc, sorted[i]->addr);
		if (k == lc->nr)
			continue;
		p = &lc->pieces[k];
		if (p->va >= sym_end(sorted[i]))
			continue;
		start = MAX(sorted[i]->addr, p->va);
		if (label_add(lc->x->rep, sorted[i]->name, sorted[i]->addr,
			      p->pa + (start - p->va), sorted[i]->size))
			return -ENOMEM;
	}
	return 0;
}

static const struct audit_sym *sym_named(const struct audit_opts *o,
					 const char *name)
{
	size_t i;

	for (i = 0; i < o->nr_syms; i++)
		if (!strcmp(o->syms[i].name, name))
			return &o->syms[i];
	return NULL;
}

/*
 * Linux's swiotlb bounce buffer, which an SEV guest makes shared for all
 * DMA: io_tlb_default_mem starts with its physical start and end
 * (struct io_tlb_mem, Linux 5.15 and later).
 */
static int label_swiotlb(struct audit_ctx *x)
{
	const struct audit_sym *sym = sym_named(x->o, "io_tlb_default_mem");
	uint64_t se[2];

	if (!sym || walk_read(x->s->router, &x->cpus[audit_kernel_root(x)],
			      sym->addr, se, sizeof(se)) != (ssize_t)sizeof(se))
		return 0;
	if (se[0] >= se[1] || se[1] > ram_end(&x->s->t->ram) ||
	    !audit_page_shared(x, se[0] >> PAGE_SHIFT))
		return 0;
	return label_add(x->rep, "swiotlb buffer (io_tlb_default_mem)", 0,
			 se[0], se[1] - se[0]);
}

static int cmp_label(const void *a, const void *b)
{
	const struct audit_label *p = a, *q = b;

	if (p->pa != q->pa)
		return p->pa < q->pa ? -1 : 1;
	return p->va < q->va ? -1 : p->va > q->va;
}

/* Each shared range gets the labels whose start lies in it. */
static void label_attach(struct audit_report *rep)
{
	size_t r, l = 0;

	qsort(rep->labels, rep->nr_labels, sizeof(*rep->labels), cmp_label);
	for (r = 0; r < rep->nr_shared; r++) {
		struct audit_shared *sh = &rep->shared[r];

		while (l < rep->nr_labels && rep->labels[l].pa < sh->start)
			l++;
		sh->label0 = l;
		while (l < rep->nr_labels && rep->labels[l].pa < sh->end)
			l++;
		sh->nr_labels = l - sh->label0;
	}
}

int audit_labels(struct audit_ctx *x)
{
	struct label_ctx lc = {.x = x};
	const struct audit_sym **sorted;
	size_t i, n = 0;
	int ret;

	if (!x->o->nr_syms || !x->rep->nr_roots || !x->rep->nr_shared)
		return 0;
	sorted = calloc(x->o->nr_syms, sizeof(*sorted));
	if (!sorted)
		return audit_fail(x, -ENOMEM, "out of memory");
	for (i = 0; i < x->o->nr_syms; i++)
		if (x->o->syms[i].addr >= PAGE_SIZE)
			sorted[n++] = &x->o->syms[i];
	qsort(sorted, n, sizeof(*sorted), cmp_sym);
	ret = label_pieces(&lc, sorted, n);
	if (!ret)
		ret = label_syms(&lc, sorted, n);
	if (!ret)
		ret = label_swiotlb(x);
	free(lc.pieces);
	free(sorted);
	if (ret)
		return audit_fail(x, ret, "naming the shared ranges failed: %s",
				  strerror(-ret));
	label_attach(x->rep);
	return 0;
}
