// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest page-table walker: 32-bit, PAE, 4- and 5-level paging, C-bit
 * stripped at every level; tables are read through the router (private).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sevdbg/bitmap.h"
#include "sevdbg/ram.h"
#include "sevdbg/regs.h"
#include "gdbstub/mem/router.h"
#include "gdbstub/mem/walk.h"
#include "sevdbg/util.h"

#define CR0_PG	 (1ULL << 31)
#define CR4_PSE	 (1ULL << 4)
#define CR4_PAE	 (1ULL << 5)
#define CR4_LA57 (1ULL << 12)
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)
#define EFER_NXE (1ULL << 11)

#define PTE_P	 (1ULL << 0)
#define PTE_RW	 (1ULL << 1)
#define PTE_US	 (1ULL << 2)
#define PTE_PS	 (1ULL << 7)
#define PTE_XD	 (1ULL << 63)
#define PTE_ADDR 0x000ffffffffff000ULL

/* The paging mode the control registers select. */
struct walk_mode {
	int top;	    /* 5, 4, 3 (PAE) or 2 (32-bit) */
	unsigned int esize; /* entry bytes: 8, or 4 for 32-bit */
	uint64_t mask;	    /* address bits of an entry, C-bit removed */
	bool nxe, pse;
	unsigned int cbit;
};

static bool walk_paging_on(const struct walk_cpu *c)
{
	return c->cr0 & CR0_PG;
}

static void walk_mode_of(const struct walk_cpu *c, struct walk_mode *m)
{
	bool lma = (c->efer & EFER_LMA) ||
		   ((c->efer & EFER_LME) && (c->cr4 & CR4_PAE));

	memset(m, 0, sizeof(*m));
	m->cbit = c->cbit;
	m->nxe = c->efer & EFER_NXE;
	m->pse = c->cr4 & CR4_PSE;
	if (lma)
		m->top = c->cr4 & CR4_LA57 ? 5 : 4;
	else
		m->top = c->cr4 & CR4_PAE ? 3 : 2;
	m->esize = m->top == 2 ? 4 : 8;
	m->mask = m->top == 2 ? 0xfffff000ULL : PTE_ADDR;
	if (c->cbit && c->cbit < 64)
		m->mask &= ~(1ULL << c->cbit);
}

static unsigned int level_shift(const struct walk_mode *m, int level)
{
	if (m->top == 2)
		return level == 2 ? 22 : 12;
	return 12 + 9 * (unsigned int)(level - 1);
}

static unsigned int level_entries(const struct walk_mode *m, int level)
{
	if (m->top == 3 && level == 3)
		return 4;
	return m->top == 2 ? 1024 : 512;
}

static uint64_t walk_root(const struct walk_mode *m, uint64_t cr3)
{
	if (m->top == 3)
		return cr3 & 0xffffffe0ULL;
	return cr3 & m->mask;
}

static bool entry_cbit(const struct walk_mode *m, uint64_t e)
{
	return m->cbit && m->cbit < 64 && (e >> m->cbit) & 1;
}

enum entry_kind { E_NOT_PRESENT, E_RESERVED, E_TABLE, E_LEAF };

/* Classify entry e at level; *size gets the page size of a leaf. */
static enum entry_kind entry_kind(const struct walk_mode *m, int level,
				  uint64_t e, uint64_t *size)
{
	unsigned int shift = level_shift(m, level);

	if (!(e & PTE_P))
		return E_NOT_PRESENT;
	*size = 1ULL << shift;
	if (level == 1)
		return E_LEAF;
	if (!(e & PTE_PS) || (m->top == 3 && level == 3))
		return E_TABLE;
	if (level > 3 || (m->top == 2 && !m->pse))
		return m->top == 2 ? E_TABLE : E_RESERVED;
	/* Large page: bits 12 (PAT) .. shift-1 must be zero above bit 12. */
	if (m->top != 2 && (e & ((1ULL << shift) - 1) & ~0x1fffULL))
		return E_RESERVED;
	return E_LEAF;
}

static uint64_t leaf_base(const struct walk_mode *m, uint64_t e, uint64_t size)
{
	if (m->top == 2 && size > PAGE_SIZE) /* PSE-36 */
		return (e & 0xffc00000ULL) | ((e >> 13) & 0xffULL) << 32;
	return e & m->mask & ~(size - 1);
}

void walk_cpu_from_regs(struct walk_cpu *c, const struct regs *r,
			unsigned int cbit)
{
	c->cr0 = regs_get(r, REGS_CR0);
	c->cr3 = regs_get(r, REGS_CR3);
	c->cr4 = regs_get(r, REGS_CR4);
	c->efer = regs_get(r, REGS_EFER);
	c->cbit = cbit;
}

static bool walk_canonical(const struct walk_mode *m, uint64_t va)
{
	unsigned int bits;

	if (m->top < 4)
		return va >> 32 == 0;
	bits = m->top == 5 ? 57 : 48;
	return (uint64_t)((int64_t)(va << (64 - bits)) >> (64 - bits)) == va;
}

static int read_entry(struct router *r, const struct walk_mode *m, uint64_t gpa,
		      uint64_t *e)
{
	ssize_t got;

	*e = 0;
	got = router_read(r, gpa, e, m->esize);
	if (got == (ssize_t)m->esize)
		return 0;
	return got < 0 ? (int)got : -EFAULT;
}

static void walk_accumulate(const struct walk_mode *m, int level, uint64_t e,
			    struct walk_result *res)
{
	if (m->top == 3 && level == 3)
		return; /* PAE PDPTEs have no access rights */
	res->writable &= !!(e & PTE_RW);
	res->user &= !!(e & PTE_US);
	if (m->nxe && m->esize == 8)
		res->nx |= !!(e & PTE_XD);
}

int walk_translate(struct router *r, const struct walk_cpu *c, uint64_t va,
		   struct walk_result *res)
{
	struct walk_mode m;
	uint64_t table, e = 0, size = 0;
	enum entry_kind k;
	unsigned int idx;
	int level, ret;

	memset(res, 0, sizeof(*res));
	res->va = va;
	if (!walk_paging_on(c)) {
		res->status = WALK_PAGING_OFF;
		res->pa = va;
		res->page_size = PAGE_SIZE;
		res->writable = res->user = true;
		return 0;
	}
	walk_mode_of(c, &m);
	if (!walk_canonical(&m, va)) {
		res->status = WALK_NON_CANONICAL;
		return -EFAULT;
	}
	res->writable = res->user = true;
	table = walk_root(&m, c->cr3);
	for (level = m.top; level >= 1; level--) {
		struct walk_level *l = &res->levels[res->nr_levels++];

		idx = (unsigned int)(va >> level_shift(&m, level)) &
		      (level_entries(&m, level) - 1);
		l->level = level;
		l->table_gpa = table;
		l->index = idx;
		ret = read_entry(r, &m, table + (uint64_t)idx * m.esize, &e);
		if (ret) {
			res->status = WALK_READ_ERROR;
			res->fail_level = level;
			res->err = ret;
			return ret;
		}
		l->entry = e;
		l->cbit = entry_cbit(&m, e);
		k = entry_kind(&m, level, e, &size);
		if (k == E_NOT_PRESENT || k == E_RESERVED) {
			res->status = k == E_NOT_PRESENT ? WALK_NOT_PRESENT
							 : WALK_RESERVED;
			res->fail_level = level;
			return -EFAULT;
		}
		walk_accumulate(&m, level, e, res);
		if (k == E_LEAF)
			break;
		table = e & m.mask;
	}
	res->status = WALK_OK;
	res->page_size = size;
	res->pa = leaf_base(&m, e, size) | (va & (size - 1));
	res->cbit = entry_cbit(&m, e);
	return 0;
}

static const char *level_name(int top, int level)
{
	static const char *const names[] = {"?",    "PT",   "PD",
					    "PDPT", "PML4", "PML5"};

	if (top == 2 && level == 2)
		return "PD";
	return level >= 1 && level <= 5 ? names[level] : "?";
}

const char *walk_strerror(const struct walk_result *res, char *buf, size_t len)
{
	int top = res->nr_levels ? res->levels[0].level : 4;
	unsigned long long va = (unsigned long long)res->va;

	switch (res->status) {
	case WALK_OK:
		snprintf(buf, len, "0x%llx maps to 0x%llx", va,
			 (unsigned long long)res->pa);
		break;
	case WALK_PAGING_OFF:
		snprintf(buf, len,
			 "paging is off (CR0.PG=0): 0x%llx is physical", va);
		break;
	case WALK_NON_CANONICAL:
		snprintf(buf, len, "0x%llx is not a canonical address", va);
		break;
	case WALK_NOT_PRESENT:
		snprintf(buf, len, "not present at level %d (%s) for 0x%llx",
			 res->fail_level, level_name(top, res->fail_level), va);
		break;
	case WALK_RESERVED:
		snprintf(buf, len,
			 "reserved bit set at level %d (%s) for 0x%llx",
			 res->fail_level, level_name(top, res->fail_level), va);
		break;
	case WALK_READ_ERROR:
		snprintf(buf, len,
			 "page table at level %d (%s) for 0x%llx is unreadable: %s",
			 res->fail_level, level_name(top, res->fail_level), va,
			 strerror(-res->err));
		break;
	}
	return buf;
}

static ssize_t walk_access(struct router *r, const struct walk_cpu *c,
			   uint64_t va, uint8_t *rbuf, const uint8_t *wbuf,
			   size_t len)
{
	struct walk_result res;
	size_t done = 0, n;
	ssize_t got;
	int ret;

	/* The address space ends at 2^64: never wrap round to page 0. */
	if (va && len > -va)
		len = -va;
	while (done < len) {
		ret = walk_translate(r, c, va + done, &res);
		if (ret) {
			if (!done)
				return ret;
			break;
		}
		n = MIN(len - done,
			res.page_size - ((va + done) & (res.page_size - 1)));
		got = rbuf ? router_read(r, res.pa, rbuf + done, n)
			   : router_write(r, res.pa, wbuf + done, n);
		if (got < 0 && !done)
			return got;
		if (got > 0)
			done += (size_t)got;
		if (got != (ssize_t)n)
			break;
	}
	return (ssize_t)done;
}

ssize_t walk_read(struct router *r, const struct walk_cpu *c, uint64_t va,
		  void *buf, size_t len)
{
	return walk_access(r, c, va, buf, NULL, len);
}

ssize_t walk_write(struct router *r, const struct walk_cpu *c, uint64_t va,
		   const void *buf, size_t len)
{
	return walk_access(r, c, va, NULL, buf, len);
}

struct mappings_ctx {
	struct router *r;
	struct walk_mode m;
	uint64_t first, last; /* inclusive VA bounds */
	int (*fn)(const struct walk_mapping *map, void *arg);
	void *arg;
	uint8_t table[WALK_MAX_LEVELS + 1][PAGE_SIZE];
};

/* Sign-extend a top-level VA in long mode (lower half before upper). */
static uint64_t canon(const struct walk_mode *m, uint64_t va)
{
	unsigned int bits;

	if (m->top < 4)
		return va;
	bits = m->top == 5 ? 57 : 48;
	return (uint64_t)((int64_t)(va << (64 - bits)) >> (64 - bits));
}

static uint64_t entry_at(const struct mappings_ctx *x, int level,
			 unsigned int i)
{
	uint64_t e = 0;

	memcpy(&e, &x->table[level][i * x->m.esize], x->m.esize);
	return e;
}

/* Visit the present entries of one table that overlap [first, last]. */
static int mappings_table(struct mappings_ctx *x, int level, uint64_t table,
			  uint64_t va_base)
{
	unsigned int shift = level_shift(&x->m, level), i;
	unsigned int n = level_entries(&x->m, level);
	uint64_t e, size = 0, va;
	struct walk_mapping map;
	enum entry_kind k;
	ssize_t got;
	int ret;

	got = router_read(x->r, table, x->table[level], n * x->m.esize);
	if (got != (ssize_t)(n * x->m.esize)) {
		pr_debug("walk: page table at 0x%llx (level %d) unreadable",
			 (unsigned long long)table, level);
		return 0; /* skip what cannot be read; keep going */
	}
	for (i = 0; i < n; i++) {
		va = canon(&x->m, va_base + ((uint64_t)i << shift));
		if (va > x->last || va + ((1ULL << shift) - 1) < x->first)
			continue;
		e = entry_at(x, level, i);
		k = entry_kind(&x->m, level, e, &size);
		if (k == E_NOT_PRESENT || k == E_RESERVED)
			continue;
		if (k == E_TABLE) {
			ret = mappings_table(x, level - 1, e & x->m.mask, va);
			if (ret)
				return ret;
			/* The recursion reused deeper buffers only. */
			continue;
		}
		map.va = va;
		map.pa = leaf_base(&x->m, e, size);
		map.size = size;
		map.cbit = entry_cbit(&x->m, e);
		ret = x->fn(&map, x->arg);
		if (ret)
			return ret;
	}
	return 0;
}

int walk_mappings(struct router *r, const struct walk_cpu *c, uint64_t va_start,
		  uint64_t va_end,
		  int (*fn)(const struct walk_mapping *m, void *arg), void *arg)
{
	struct mappings_ctx *x;
	struct walk_mapping map;
	int ret;

	if (va_end <= va_start)
		return 0;
	if (!walk_paging_on(c)) { /* one identity mapping */
		map.va = map.pa = va_start;
		map.size = va_end - va_start;
		map.cbit = false;
		return fn(&map, arg);
	}
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->r = r;
	walk_mode_of(c, &x->m);
	x->first = va_start;
	x->last = va_end - 1;
	x->fn = fn;
	x->arg = arg;
	ret = mappings_table(x, x->m.top, walk_root(&x->m, c->cr3), 0);
	free(x);
	return ret;
}

struct verify_ctx {
	const struct bitmap *bm;
	const struct ram_map *ram;
	int (*fn)(const struct walk_mismatch *mm, void *arg);
	void *arg;
	struct walk_mismatch pend; /* merged run not yet reported */
	bool have_pend;
	int count;
	int stop;
};

static int verify_flush(struct verify_ctx *v)
{
	if (!v->have_pend)
		return 0;
	v->have_pend = false;
	v->count++;
	return v->fn ? v->fn(&v->pend, v->arg) : 0;
}

static int verify_report(struct verify_ctx *v, const struct walk_mismatch *mm)
{
	struct walk_mismatch *p = &v->pend;

	if (v->have_pend && p->va + p->size == mm->va &&
	    p->pa + p->size == mm->pa && p->pte_cbit == mm->pte_cbit &&
	    p->bitmap_encrypted == mm->bitmap_encrypted) {
		p->size += mm->size;
		return 0;
	}
	if (verify_flush(v))
		return 1;
	*p = *mm;
	v->have_pend = true;
	return 0;
}

/* Compare one mapping's C-bit with the bitmap, RAM pages only. */
static int verify_mapping(const struct walk_mapping *map, void *arg)
{
	struct verify_ctx *v = arg;
	uint64_t pa = map->pa, end = map->pa + map->size, span, g, gend, next;
	struct walk_mismatch mm;
	bool enc;

	while (pa < end) {
		span = ram_span(v->ram, pa);
		if (!span) { /* MMIO or a hole: no bitmap bit to compare */
			pa = (pa & PAGE_MASK) + PAGE_SIZE;
			continue;
		}
		gend = MIN(end, pa + span) >> PAGE_SHIFT;
		for (g = pa >> PAGE_SHIFT; g < gend; g = next) {
			enc = bitmap_test(v->bm, g);
			next = MIN(bitmap_next_change(v->bm, g), gend);
			if (enc == map->cbit)
				continue;
			mm.va = map->va + ((g << PAGE_SHIFT) - map->pa);
			mm.pa = g << PAGE_SHIFT;
			mm.size = (next - g) << PAGE_SHIFT;
			mm.pte_cbit = map->cbit;
			mm.bitmap_encrypted = enc;
			if (verify_report(v, &mm))
				return v->stop = 1;
		}
		pa = gend << PAGE_SHIFT;
	}
	return 0;
}

int walk_verify(struct router *r, const struct walk_cpu *c, uint64_t va_start,
		uint64_t va_end,
		int (*fn)(const struct walk_mismatch *mm, void *arg), void *arg)
{
	return walk_verify_bitmap(r, c, NULL, va_start, va_end, fn, arg);
}

int walk_verify_bitmap(struct router *r, const struct walk_cpu *c,
		       const struct bitmap *bm, uint64_t va_start,
		       uint64_t va_end,
		       int (*fn)(const struct walk_mismatch *mm, void *arg),
		       void *arg)
{
	struct verify_ctx v = {.fn = fn, .arg = arg};
	int ret;

	if (!c->cbit || !walk_paging_on(c))
		return -EINVAL;
	/* Before the walk: the router's copy is valid until its next call. */
	v.bm = bm ? bm : router_bitmap(r);
	v.ram = router_ram(r);
	ret = walk_mappings(r, c, va_start, va_end, verify_mapping, &v);
	if (ret < 0)
		return ret;
	if (!v.stop)
		verify_flush(&v);
	return v.count;
}

struct scan_ctx {
	const struct ram_map *ram;
	struct bitmap *out;
	uint64_t cleared;
};

static int scan_mapping(const struct walk_mapping *map, void *arg)
{
	struct scan_ctx *x = arg;
	uint64_t pa = map->pa, end = map->pa + map->size, span, stop;

	if (map->cbit)
		return 0;
	while (pa < end) {
		span = ram_span(x->ram, pa);
		if (!span) {
			pa = (pa & PAGE_MASK) + PAGE_SIZE;
			continue;
		}
		stop = MIN(end, pa + span);
		x->cleared += (stop - pa) >> PAGE_SHIFT;
		bitmap_assign(x->out, pa >> PAGE_SHIFT,
			      (stop - pa) >> PAGE_SHIFT, false);
		pa = stop;
	}
	return 0;
}

int walk_shared_scan(struct router *r, const struct walk_cpu *c,
		     uint64_t va_start, uint64_t va_end, struct bitmap *out)
{
	struct scan_ctx x = {.ram = router_ram(r), .out = out};
	int ret;

	if (!c->cbit || !walk_paging_on(c))
		return -EINVAL;
	bitmap_assign(out, 0, out->npages, true);
	ret = walk_mappings(r, c, va_start, va_end, scan_mapping, &x);
	if (ret < 0)
		return ret;
	return x.cleared > INT32_MAX ? INT32_MAX : (int)x.cleared;
}
