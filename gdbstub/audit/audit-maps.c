// SPDX-License-Identifier: GPL-2.0-only
/*
 * The page-table half of `sevdbg audit`: every vCPU's and the kernel's own
 * page tables (once per root), C-bit mismatches, and symbols to pages.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdbstub/audit/audit-int.h"
#include "gdbstub/mem/router.h"
#include "gdbstub/mem/session.h"
#include "sevdbg/bitmap.h"
#include "sevdbg/ram.h"
#include "sevdbg/target.h"

/* Page tables at the same address are the same tables (PCID aside). */
static uint64_t root_key(const struct walk_cpu *c)
{
	uint64_t cr3 = c->cr3 & ~0xfffULL;

	if (c->cbit && c->cbit < 64)
		cr3 &= ~(1ULL << c->cbit);
	return cr3;
}

static void roots_add(struct audit_ctx *x, const struct walk_cpu *c,
		      const char *what, const char *more)
{
	struct audit_report *rep = x->rep;
	struct audit_root *r;
	int i;

	for (i = 0; i < rep->nr_roots; i++) {
		r = &rep->roots[i];
		if (root_key(&x->cpus[i]) != root_key(c))
			continue;
		if (strlen(r->what) + strlen(more) + 3 < sizeof(r->what))
			strcat(strcat(r->what, ", "), more);
		return;
	}
	if (rep->nr_roots == AUDIT_MAX_ROOTS)
		return;
	r = &rep->roots[rep->nr_roots];
	x->cpus[rep->nr_roots++] = *c;
	r->cr3 = root_key(c);
	snprintf(r->what, sizeof(r->what), "%s", what);
}

/* Linux's init_top_pgt, found through the first root: the kernel's own
 * tables, which an idle vCPU runs on and a user-mode one may not. */
static void roots_kernel(struct audit_ctx *x)
{
	const struct audit_sym *sym = NULL;
	struct walk_result wr;
	struct walk_cpu c;
	size_t i;

	for (i = 0; i < x->o->nr_syms && !sym; i++)
		if (!strcmp(x->o->syms[i].name, "init_top_pgt"))
			sym = &x->o->syms[i];
	if (!sym || !x->rep->nr_roots)
		return;
	c = x->cpus[0];
	if (walk_translate(x->s->router, &c, sym->addr, &wr) ||
	    wr.status != WALK_OK)
		return;
	c.cr3 = wr.pa;
	roots_add(x, &c, "init_top_pgt", "init_top_pgt");
}

int audit_kernel_root(const struct audit_ctx *x)
{
	int i;

	for (i = 0; i < x->rep->nr_roots; i++)
		if (strstr(x->rep->roots[i].what, "init_top_pgt"))
			return i;
	return 0;
}

int audit_roots(struct audit_ctx *x)
{
	int n = target_nr_vcpus(x->s->t), v, ret, last = 0;
	char what[24], more[12];
	struct walk_cpu c;

	for (v = 0; v < n; v++) {
		ret = session_walk_cpu(x->s, v, &c);
		if (ret) {
			last = ret;
			continue;
		}
		if (!(c.cr0 >> 31 & 1) || !c.cbit)
			continue; /* paging off: nothing mapped to check */
		snprintf(what, sizeof(what), "vCPU %d", v);
		snprintf(more, sizeof(more), "%d", v);
		roots_add(x, &c, what, more);
	}
	roots_kernel(x);
	if (!x->rep->nr_roots)
		snprintf(x->rep->no_roots, sizeof(x->rep->no_roots), "%s",
			 n <= 0 ? "the target has no vCPU state"
			 : last ? "no vCPU's registers can be read (SEV-ES, or a dump without CPU notes)"
				: "every vCPU has paging off or there is no C-bit");
	return 0;
}

struct count_ctx {
	const struct ram_map *ram;
	struct audit_root *root;
};

static int count_leaf(const struct walk_mapping *m, void *arg)
{
	struct count_ctx *cc = arg;

	if (!ram_find(cc->ram, m->pa))
		return 0; /* MMIO is never encrypted */
	cc->root->leaves++;
	cc->root->cbit_leaves += m->cbit;
	return 0;
}

struct verify_ctx {
	struct audit_ctx *x;
	int root;
	size_t old; /* findings before this root, sorted */
	int err;
};

static int cmp_mapping(const void *a, const void *b)
{
	const struct audit_finding *p = a, *q = b;

	if (p->va != q->va)
		return p->va < q->va ? -1 : 1;
	if (p->pa != q->pa)
		return p->pa < q->pa ? -1 : 1;
	if (p->size != q->size)
		return p->size < q->size ? -1 : 1;
	return (int)p->pte_cbit - (int)q->pte_cbit;
}

static bool allowed(const struct audit_opts *o, uint64_t va, uint64_t size)
{
	size_t i;

	for (i = 0; i < o->nr_allow_va; i++)
		if (va >= o->allow_va[i].start &&
		    va + size <= o->allow_va[i].end)
			return true;
	return false;
}

/* One mismatching run: new, or one more root that has it. */
static int verify_one(const struct walk_mismatch *mm, void *arg)
{
	struct verify_ctx *v = arg;
	struct audit_report *rep = v->x->rep;
	struct audit_finding f = {.kind = AUDIT_MAPPING,
				  .va = mm->va,
				  .pa = mm->pa,
				  .size = mm->size,
				  .pte_cbit = mm->pte_cbit,
				  .bitmap_encrypted = mm->bitmap_encrypted,
				  .root = v->root,
				  .nroots = 1};
	struct audit_finding *old;

	old = v->old ? bsearch(&f, rep->findings, v->old, sizeof(f),
			       cmp_mapping)
		     : NULL;
	if (old) {
		old->nroots++;
		return 0;
	}
	f.allowed = allowed(v->x->o, f.va, f.size);
	v->err = audit_add_finding(rep, &f);
	return v->err ? 1 : 0;
}

static int verify_roots(struct audit_ctx *x)
{
	struct audit_report *rep = x->rep;
	struct verify_ctx v = {.x = x};
	int ret;

	for (v.root = 0; v.root < rep->nr_roots; v.root++) {
		ret = audit_check_interrupt(x);
		if (ret)
			return ret;
		v.old = rep->nr_findings;
		if (v.old)
			qsort(rep->findings, v.old, sizeof(*rep->findings),
			      cmp_mapping);
		ret = walk_verify(x->s->router, &x->cpus[v.root], 0, UINT64_MAX,
				  verify_one, &v);
		if (v.err)
			return audit_fail(x, v.err, "out of memory");
		if (ret < 0)
			return audit_fail(x, ret,
					  "walking the page tables at CR3 0x%llx failed: %s",
					  (unsigned long long)rep->roots[v.root]
						  .cr3,
					  strerror(-ret));
	}
	return 0;
}

int audit_mappings(struct audit_ctx *x)
{
	struct audit_report *rep = x->rep;
	struct count_ctx cc = {.ram = &x->s->t->ram};
	uint64_t leaves = 0, cbit = 0;
	int i, ret;

	for (i = 0; i < rep->nr_roots; i++) {
		ret = audit_check_interrupt(x);
		if (ret)
			return ret;
		cc.root = &rep->roots[i];
		ret = walk_mappings(x->s->router, &x->cpus[i], 0, UINT64_MAX,
				    count_leaf, &cc);
		if (ret < 0)
			return audit_fail(x, ret,
					  "walking the page tables at CR3 0x%llx failed: %s",
					  (unsigned long long)cc.root->cr3,
					  strerror(-ret));
		leaves += cc.root->leaves;
		cbit += cc.root->cbit_leaves;
	}
	/* A guest that sets no C-bit anywhere disagrees everywhere; one
	 * finding says so better than a run per mapping. */
	if (leaves && !cbit) {
		struct audit_finding f = {.kind = AUDIT_NO_CBIT};

		return audit_add_finding(rep, &f)
			       ? audit_fail(x, -ENOMEM, "out of memory")
			       : 0;
	}
	return verify_roots(x);
}
