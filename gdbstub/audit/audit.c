// SPDX-License-Identifier: GPL-2.0-only
/*
 * The driver of `sevdbg audit`: stop the guest, take the bitmap's shared
 * ranges, check the page tables, name the ranges, scan them for secrets.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdbstub/audit/audit-int.h"
#include "gdbstub/mem/router.h"
#include "gdbstub/mem/session.h"
#include "sevdbg/bitmap.h"
#include "sevdbg/platform.h"
#include "sevdbg/ram.h"

#define STOP_TIMEOUT_MS 10000
#define SCAN_PAGES	64 /* one router_read */

int audit_fail(struct audit_ctx *x, int err, const char *fmt, ...)
{
	va_list ap;

	if (x->errlen && !x->err[0]) {
		va_start(ap, fmt);
		vsnprintf(x->err, x->errlen, fmt, ap);
		va_end(ap);
	}
	return err;
}

int audit_add_finding(struct audit_report *rep, const struct audit_finding *f)
{
	struct audit_finding *p;
	size_t cap;

	if (rep->nr_findings == rep->cap_findings) {
		cap = rep->cap_findings ? 2 * rep->cap_findings : 32;
		p = realloc(rep->findings, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		rep->findings = p;
		rep->cap_findings = cap;
	}
	rep->findings[rep->nr_findings++] = *f;
	return 0;
}

int audit_check_interrupt(struct audit_ctx *x)
{
	if (!x->s->interrupted || !*x->s->interrupted)
		return 0;
	return audit_fail(x, -EINTR, "interrupted; no report");
}

bool audit_page_shared(struct audit_ctx *x, uint64_t gfn)
{
	return gfn < x->bm.npages && !bitmap_test(&x->bm, gfn) &&
	       ram_find(&x->s->t->ram, gfn << PAGE_SHIFT);
}

size_t audit_nr_findings(const struct audit_report *rep)
{
	size_t i, n = 0;

	for (i = 0; i < rep->nr_findings; i++)
		n += !rep->findings[i].allowed;
	return n;
}

void audit_report_free(struct audit_report *rep)
{
	free(rep->shared);
	free(rep->labels);
	free(rep->findings);
	memset(rep, 0, sizeof(*rep));
}

/* A private copy: walk_verify refreshes the router's. */
static int audit_bitmap(struct audit_ctx *x)
{
	const struct bitmap *b = router_bitmap(x->s->router);

	if (!b || bitmap_init(&x->bm, b->npages))
		return audit_fail(x, -ENOMEM, "cannot read the bitmap");
	memcpy(x->bm.words, b->words, (b->npages + 63) / 64 * 8);
	return 0;
}

static int shared_add(struct audit_report *rep, uint64_t gfn, uint64_t end)
{
	struct audit_shared *p;

	p = realloc(rep->shared, (rep->nr_shared + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	rep->shared = p;
	p[rep->nr_shared++] = (struct audit_shared){.start = gfn << PAGE_SHIFT,
						    .end = end << PAGE_SHIFT};
	rep->shared_pages += end - gfn;
	return 0;
}

/* Runs of RAM pages the bitmap marks shared, region by region. */
static int audit_shared_ranges(struct audit_ctx *x)
{
	const struct ram_map *m = &x->s->t->ram;
	uint64_t gfn, end, next;
	size_t i;

	for (i = 0; i < m->nr; i++) {
		gfn = m->regions[i].gpa >> PAGE_SHIFT;
		end = MIN((m->regions[i].gpa + m->regions[i].size) >>
				  PAGE_SHIFT,
			  x->bm.npages);
		for (; gfn < end; gfn = next) {
			next = MIN(bitmap_next_change(&x->bm, gfn), end);
			if (bitmap_test(&x->bm, gfn))
				continue;
			if (shared_add(x->rep, gfn, next))
				return audit_fail(x, -ENOMEM, "out of memory");
		}
	}
	return 0;
}

struct scan_ctx {
	struct audit_ctx *x;
	uint64_t gpa; /* of buf[0] */
	size_t limit; /* hits starting at or past it: the next chunk's */
	size_t pat0;  /* this chunk's first pattern finding */
	int err;
};

static void scan_pattern_hit(void *arg, size_t pat, size_t off)
{
	struct scan_ctx *sc = arg;
	struct audit_finding f = {.kind = AUDIT_PATTERN,
				  .pa = sc->gpa + off,
				  .size = sc->x->o->patterns[pat].len,
				  .pattern = pat};

	if (off < sc->limit && !sc->err)
		sc->err = audit_add_finding(sc->x->rep, &f);
}

/* Key-like bytes a --pattern already reported are not reported again. */
static void scan_key_hit(void *arg, size_t off, size_t len)
{
	struct scan_ctx *sc = arg;
	struct audit_report *rep = sc->x->rep;
	struct audit_finding f = {.kind = AUDIT_KEY,
				  .pa = sc->gpa + off,
				  .size = len};
	size_t i;

	for (i = sc->pat0; i < rep->nr_findings; i++)
		if (rep->findings[i].pa < f.pa + f.size &&
		    f.pa < rep->findings[i].pa + rep->findings[i].size)
			return;
	if (!sc->err)
		sc->err = audit_add_finding(rep, &f);
}

/* One chunk of a shared range; overlap bytes past it find patterns that
 * cross into the next chunk. */
static int scan_chunk(struct scan_ctx *sc, uint8_t *buf, uint64_t gpa,
		      size_t len, size_t overlap)
{
	struct audit_report *rep = sc->x->rep;
	ssize_t got = router_read(sc->x->s->router, gpa, buf, len + overlap);
	size_t off;

	if (got < (ssize_t)len) { /* what cannot be read is not scanned */
		rep->pages_unread += (len - (size_t)MAX(got, 0)) >> PAGE_SHIFT;
		len = got > 0 ? (size_t)got & PAGE_MASK : 0;
		got = (ssize_t)len;
	}
	sc->gpa = gpa;
	sc->limit = len;
	sc->pat0 = rep->nr_findings;
	audit_scan_patterns(sc->x->o->patterns, sc->x->o->nr_patterns, buf,
			    (size_t)got, scan_pattern_hit, sc);
	for (off = 0; off < len; off += PAGE_SIZE) {
		sc->gpa = gpa + off;
		rep->pages_scanned++;
		rep->pages_bulk += audit_scan_keys(buf + off, scan_key_hit, sc);
		sc->gpa = gpa;
	}
	return sc->err;
}

static int audit_scan(struct audit_ctx *x)
{
	struct scan_ctx sc = {.x = x};
	size_t i, overlap = 0, len;
	uint64_t gpa, end;
	uint8_t *buf;
	int ret = 0;

	for (i = 0; i < x->o->nr_patterns; i++)
		overlap = MAX(overlap, x->o->patterns[i].len - 1);
	buf = malloc(SCAN_PAGES * PAGE_SIZE + overlap);
	if (!buf)
		return audit_fail(x, -ENOMEM, "out of memory");
	for (i = 0; i < x->rep->nr_shared && !ret; i++) {
		ret = audit_check_interrupt(x);
		end = x->rep->shared[i].end;
		for (gpa = x->rep->shared[i].start; gpa < end && !ret;
		     gpa += len) {
			len = MIN(SCAN_PAGES * PAGE_SIZE, end - gpa);
			ret = scan_chunk(&sc, buf, gpa, len,
					 MIN(overlap, end - gpa - len));
		}
	}
	free(buf);
	/* an interrupt has said why already; the first reason wins */
	return ret ? audit_fail(x, ret, "out of memory") : 0;
}

/* What the audit can trust: a bitmap that records what the guest said. */
static int audit_check_platform(struct audit_ctx *x)
{
	const struct platform_info *pi = &x->s->pinfo;

	if (pi->bitmap_caveat)
		return audit_fail(x, -EOPNOTSUPP, "cannot audit: %s",
				  pi->bitmap_caveat);
	if (!pi->encrypted)
		return audit_fail(x, -EOPNOTSUPP,
				  "the platform (%s) encrypts nothing: every page is visible to the host, there is nothing to audit",
				  pi->kind ? pi->kind : "?");
	x->rep->platform = pi->kind ? pi->kind : "?";
	x->rep->cbit = pi->cbit;
	if (pi->bitmap_from_paging)
		x->rep->note =
			"the host keeps no bitmap (a kernel without the series): it is derived from the kernel's direct map, so only other mappings can disagree with it";
	return 0;
}

int audit_run(struct session *s, const struct audit_opts *o,
	      struct audit_report *rep, char *err, size_t errlen)
{
	struct audit_ctx x = {.s = s,
			      .o = o,
			      .rep = rep,
			      .err = err,
			      .errlen = errlen};
	bool stopped = false;
	int ret;

	memset(rep, 0, sizeof(*rep));
	if (errlen)
		err[0] = '\0';
	ret = audit_check_platform(&x);
	if (!ret)
		ret = session_stop_guest(s, STOP_TIMEOUT_MS, &stopped, err,
					 errlen);
	if (!ret)
		ret = audit_bitmap(&x);
	if (!ret)
		ret = audit_shared_ranges(&x);
	if (!ret)
		ret = audit_roots(&x);
	if (!ret)
		ret = audit_mappings(&x);
	if (!ret)
		ret = audit_labels(&x);
	if (!ret)
		ret = audit_scan(&x);
	if (stopped && session_resume_guest(s))
		pr_warn("audit: resuming the guest failed");
	bitmap_release(&x.bm);
	return ret;
}
