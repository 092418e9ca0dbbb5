// SPDX-License-Identifier: GPL-2.0-only
/*
 * The memory router (DESIGN.md §2): per page, DBG_DECRYPT/ENCRYPT for
 * encrypted pages and direct host access for shared ones, with a page cache.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sevdbg/bitmap.h"
#include "sevdbg/platform.h"
#include "sevdbg/ram.h"
#include "gdbstub/mem/router.h"
#include "sevdbg/util.h"

#define ROUTER_DEFAULT_CACHE_PAGES (64u << 20 >> PAGE_SHIFT) /* 64 MiB */

/* One direct-mapped slot; valid while .gen matches the router's. */
struct cache_slot {
	uint64_t gfn;
	uint64_t gen;
	uint8_t *data; /* PAGE_SIZE bytes, allocated on first use */
};

struct router {
	struct platform *p;
	const struct ram_map *ram;
	uint64_t ram_gen; /* ram->gen the bitmaps are sized for */
	struct platform_info info;
	struct bitmap bm;
	bool bm_valid;
	bool cache_on;
	struct cache_slot *slots;
	size_t nslots;
	uint64_t gen;
	struct router_stats st;
	struct {
		int err;       /* negative errno, 0 = none */
		char msg[200]; /* names the gpa and the cause */
	} err;
	/* A bitmap derived by derive_fn (router_set_derived_bitmap). */
	router_derive_fn derive_fn;
	void *derive_arg;
	struct bitmap derived;
	bool derive_stale, deriving;
	uint64_t flip_gfn; /* test hook: misroute this page; ~0 = off */
	bool warned_no_bitmap;
	uint8_t scratch[PAGE_SIZE];
};

int router_new(struct platform *p, const struct ram_map *ram,
	       struct router **out)
{
	struct router *r;
	int ret;

	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->p = p;
	r->ram = ram;
	r->ram_gen = ram->gen;
	r->gen = 1;
	r->flip_gfn = ~0ULL;
	ret = platform_info(p, &r->info);
	if (ret) {
		memset(&r->info, 0, sizeof(r->info));
		r->info.kind = "unknown";
		r->info.encrypted = true; /* the safe assumption */
	}
	ret = bitmap_init(&r->bm,
			  ALIGN_UP(ram_end(ram), PAGE_SIZE) >> PAGE_SHIFT);
	if (ret)
		goto err_free;
	ret = router_set_cache_pages(r, ROUTER_DEFAULT_CACHE_PAGES);
	if (ret)
		goto err_bitmap;
	*out = r;
	return 0;
err_bitmap:
	bitmap_release(&r->bm);
err_free:
	free(r);
	return ret;
}

static void router_free_slots(struct router *r)
{
	size_t i;

	for (i = 0; i < r->nslots; i++)
		free(r->slots[i].data);
	free(r->slots);
	r->slots = NULL;
	r->nslots = 0;
}

int router_set_cache_pages(struct router *r, size_t npages)
{
	struct cache_slot *slots = NULL;

	if (npages) {
		slots = calloc(npages, sizeof(*slots));
		if (!slots)
			return -ENOMEM;
	}
	router_free_slots(r);
	r->slots = slots;
	r->nslots = npages;
	return 0;
}

size_t router_cache_pages(const struct router *r)
{
	return r->nslots;
}

void router_free(struct router *r)
{
	if (!r)
		return;
	router_free_slots(r);
	bitmap_release(&r->derived);
	bitmap_release(&r->bm);
	free(r);
}

static __printf(4, 5) int router_fail(struct router *r, int err, uint64_t gpa,
				      const char *fmt, ...)
{
	va_list ap;
	int n;

	r->err.err = err;
	n = snprintf(r->err.msg, sizeof(r->err.msg),
		     "gpa 0x%llx: ", (unsigned long long)gpa);
	va_start(ap, fmt);
	vsnprintf(r->err.msg + n, sizeof(r->err.msg) - (size_t)n, fmt, ap);
	va_end(ap);
	return err;
}

static void router_sync(struct router *r)
{
	int ret = platform_sync(r->p);

	if (ret && ret != -ENOSYS)
		pr_warn("router: draining page-encryption records failed: %s",
			strerror(-ret));
}

static void router_no_bitmap(struct router *r, int err, uint64_t gfn,
			     uint64_t n)
{
	if (!r->warned_no_bitmap)
		pr_warn("router: no page-encryption bitmap (%s); treating every page as encrypted",
			strerror(-err));
	r->warned_no_bitmap = true;
	bitmap_assign(&r->bm, gfn, n, true);
}

/*
 * Run the derive callback: while it reads (page tables, always private),
 * every page counts as encrypted; afterwards the pages it read may have
 * been cached through the wrong path, so the cache starts afresh.
 */
static int router_derive(struct router *r)
{
	int ret;

	if (!r->derived.words) {
		ret = bitmap_init(&r->derived, r->bm.npages);
		if (ret)
			return ret;
	}
	bitmap_assign(&r->derived, 0, r->derived.npages, true);
	r->deriving = true;
	ret = r->derive_fn(r, r->derive_arg, &r->derived);
	r->deriving = false;
	r->gen++;
	if (ret < 0)
		return ret;
	r->derive_stale = false;
	return 0;
}

/* [gfn, gfn+n) of the bitmap the router follows: the platform's, or one
 * derived from elsewhere (kept until router_rederive()). */
static int router_get_bits(struct router *r, uint64_t gfn, uint64_t n,
			   uint8_t *bits)
{
	int ret;

	if (!r->derive_fn)
		return platform_get_bitmap(r->p, gfn, n, bits);
	if (r->deriving) {
		memset(bits, 0xff, (size_t)((n + 7) / 8));
		return 0;
	}
	if (r->derive_stale) {
		ret = router_derive(r);
		if (ret)
			return ret;
	}
	return bitmap_get(&r->derived, gfn, n, bits);
}

/*
 * Bits for [gfn, gfn+n) only: while the guest runs every access refetches,
 * so its cost must follow the access, not the guest's size.
 */
static void router_refresh_range(struct router *r, uint64_t gfn, uint64_t n)
{
	uint8_t small[256], *bits = small;
	int ret;

	if (gfn >= r->bm.npages)
		return;
	n = MIN(n, r->bm.npages - gfn);
	r->st.bitmap_refreshes++;
	if (!r->info.encrypted) {
		bitmap_assign(&r->bm, gfn, n, false);
		return;
	}
	router_sync(r);
	if (n > 8 * sizeof(small) && !(bits = malloc((n + 7) / 8))) {
		router_no_bitmap(r, -ENOMEM, gfn, n);
		return;
	}
	ret = router_get_bits(r, gfn, n, bits);
	if (ret)
		router_no_bitmap(r, ret, gfn, n);
	else
		bitmap_set(&r->bm, gfn, n, bits);
	if (bits != small)
		free(bits);
}

/* Drain page-encryption records, then copy the platform's bitmap. */
static void router_refresh(struct router *r)
{
	int ret;

	if (r->bm_valid)
		return;
	r->st.bitmap_refreshes++;
	if (!r->info.encrypted) {
		bitmap_assign(&r->bm, 0, r->bm.npages, false);
		r->bm_valid = true;
		return;
	}
	router_sync(r);
	/* Little-endian words are the byte view GET fills (bit i, byte i/8). */
	ret = router_get_bits(r, 0, r->bm.npages, (uint8_t *)r->bm.words);
	if (ret)
		router_no_bitmap(r, ret, 0, r->bm.npages);
	r->bm_valid = true;
}

/*
 * The RAM map changed (memory hot-plug at a stop): the bitmaps it sized
 * grow with it, and nothing cached survives. On failure the new pages stay
 * outside the bitmap, which reads them as encrypted (the safe way).
 */
static void router_follow_ram(struct router *r)
{
	uint64_t npages;
	int ret;

	if (r->ram_gen == r->ram->gen)
		return;
	npages = ALIGN_UP(ram_end(r->ram), PAGE_SIZE) >> PAGE_SHIFT;
	ret = bitmap_grow(&r->bm, npages);
	if (!ret && r->derived.words)
		ret = bitmap_grow(&r->derived, npages);
	if (ret)
		pr_warn("router: cannot follow the grown RAM map: %s",
			strerror(-ret));
	r->ram_gen = r->ram->gen;
	router_invalidate(r);
	if (r->derive_fn)
		r->derive_stale = true;
}

/* Bring the bitmap up to date for an access to [gpa, gpa+len). */
static void router_refresh_for(struct router *r, uint64_t gpa, size_t len)
{
	uint64_t last = len > UINT64_MAX - gpa ? UINT64_MAX : gpa + len - 1;

	router_follow_ram(r);
	if (r->cache_on)
		router_refresh(r);
	else if (len)
		router_refresh_range(r, gpa >> PAGE_SHIFT,
				     (last >> PAGE_SHIFT) -
					     (gpa >> PAGE_SHIFT) + 1);
}

static bool router_enc(const struct router *r, uint64_t gfn)
{
	return bitmap_test(&r->bm, gfn) ^ (gfn == r->flip_gfn);
}

/* End (gpa) of the run of shared pages from gpa, within limit. */
static uint64_t shared_run_end(const struct router *r, uint64_t gpa,
			       uint64_t limit)
{
	uint64_t gfn = gpa >> PAGE_SHIFT, end;

	end = bitmap_next_change(&r->bm, gfn);
	if (r->flip_gfn > gfn && r->flip_gfn < end)
		end = r->flip_gfn;
	if (gfn == r->flip_gfn)
		end = gfn + 1;
	if (end >= (limit + PAGE_SIZE - 1) >> PAGE_SHIFT)
		return limit;
	return end << PAGE_SHIFT;
}

/* Direct-mapped by gfn: contiguous RAM up to the cache size never collides. */
static struct cache_slot *cache_slot(struct router *r, uint64_t gfn)
{
	return &r->slots[gfn % r->nslots];
}

static int router_decrypt(struct router *r, uint64_t gpa, void *buf, size_t len)
{
	int fw = 0, ret;

	ret = platform_dbg_decrypt(r->p, gpa, buf, len, &fw);
	if (ret) {
		router_fail(r, ret, gpa, "DBG_DECRYPT failed: %s",
			    fw ? sev_fw_strerror(fw) : strerror(-ret));
		return ret;
	}
	return 0;
}

static int router_encrypt(struct router *r, uint64_t gpa, const void *buf,
			  size_t len)
{
	int fw = 0, ret;

	ret = platform_dbg_encrypt(r->p, gpa, buf, len, &fw);
	if (ret) {
		router_fail(r, ret, gpa, "DBG_ENCRYPT failed: %s",
			    fw ? sev_fw_strerror(fw) : strerror(-ret));
		return ret;
	}
	return 0;
}

/* The cached plaintext of a page, decrypting it on a miss (one call). */
static int cache_get(struct router *r, uint64_t gpa, const uint8_t **data)
{
	uint64_t gfn = gpa >> PAGE_SHIFT;
	struct cache_slot *s = cache_slot(r, gfn);
	int ret;

	if (s->gen == r->gen && s->gfn == gfn) {
		r->st.cache_hits++;
		*data = s->data;
		return 0;
	}
	r->st.cache_misses++;
	if (!s->data && !(s->data = malloc(PAGE_SIZE)))
		return router_fail(r, -ENOMEM, gpa, "out of memory");
	s->gen = 0;
	ret = router_decrypt(r, gpa & PAGE_MASK, s->data, PAGE_SIZE);
	if (ret)
		return ret;
	s->gfn = gfn;
	s->gen = r->gen;
	*data = s->data;
	return 0;
}

static struct cache_slot *cache_peek(struct router *r, uint64_t gpa)
{
	struct cache_slot *s;

	if (!r->cache_on || !r->nslots)
		return NULL;
	s = cache_slot(r, gpa >> PAGE_SHIFT);
	return s->gen == r->gen && s->gfn == gpa >> PAGE_SHIFT ? s : NULL;
}

/* Bytes [gpa, gpa+len) of one encrypted page: one platform call at most. */
static int read_encrypted(struct router *r, uint64_t gpa, uint8_t *dst,
			  size_t len)
{
	uint64_t a = ALIGN_DOWN(gpa, SEV_DBG_ALIGN);
	uint64_t e = ALIGN_UP(gpa + len, SEV_DBG_ALIGN);
	const uint8_t *page = NULL;
	int ret;

	if (r->cache_on && r->nslots) {
		ret = cache_get(r, gpa, &page);
		if (!ret)
			memcpy(dst, page + (gpa & ~PAGE_MASK), len);
		return ret;
	}
	if (a == gpa && e == gpa + len)
		return router_decrypt(r, gpa, dst, len);
	ret = router_decrypt(r, a, r->scratch, e - a);
	if (!ret)
		memcpy(dst, r->scratch + (gpa - a), len);
	return ret;
}

/* Read-modify-write of the covering 16-byte units, one page. */
static int write_encrypted(struct router *r, uint64_t gpa, const uint8_t *src,
			   size_t len)
{
	uint64_t a = ALIGN_DOWN(gpa, SEV_DBG_ALIGN);
	uint64_t e = ALIGN_UP(gpa + len, SEV_DBG_ALIGN);
	struct cache_slot *s = cache_peek(r, gpa);
	const uint8_t *buf = src;
	int ret;

	if (a != gpa || e != gpa + len) {
		if (s) {
			r->st.cache_hits++;
			memcpy(r->scratch, s->data + (a & ~PAGE_MASK), e - a);
		} else {
			ret = router_decrypt(r, a, r->scratch, e - a);
			if (ret)
				return ret;
		}
		memcpy(r->scratch + (gpa - a), src, len);
		buf = r->scratch;
	}
	ret = router_encrypt(r, a, buf, e - a);
	if (ret) {
		if (s)
			s->gen = 0; /* the page may be half written */
		return ret;
	}
	if (s)
		memcpy(s->data + (gpa & ~PAGE_MASK), src, len);
	return 0;
}

static int host_access(struct router *r, uint64_t gpa, uint8_t *rbuf,
		       const uint8_t *wbuf, size_t len)
{
	int ret;

	if (rbuf)
		ret = platform_read_host(r->p, gpa, rbuf, len);
	else
		ret = platform_write_host(r->p, gpa, wbuf, len);
	if (ret)
		return router_fail(r, ret, gpa,
				   "host %s of %zu bytes failed: %s",
				   rbuf ? "read" : "write", len,
				   strerror(-ret));
	return 0;
}

/* RAM the target cannot reach (--allow-partial): say whose it is. */
static int router_unreachable(struct router *r, uint64_t gpa,
			      const struct ram_region *reg)
{
	return router_fail(r, -ENODATA, gpa,
			   "in RAM backend '%s' (0x%llx-0x%llx), which QEMU does not share with sevdbg (it needs share=on)",
			   reg->name, (unsigned long long)reg->gpa,
			   (unsigned long long)(reg->gpa + reg->size - 1));
}

static ssize_t router_access(struct router *r, uint64_t gpa, uint8_t *rbuf,
			     const uint8_t *wbuf, size_t len)
{
	const struct ram_region *reg;
	size_t done = 0, n;
	uint64_t cur, span;
	int ret = 0;

	memset(&r->err, 0, sizeof(r->err));
	router_refresh_for(r, gpa, len);
	while (done < len) {
		cur = gpa + done;
		reg = ram_find(r->ram, cur);
		if (!reg) {
			ret = router_fail(r, -EFAULT, cur,
					  "not guest RAM (a hole in the guest-physical map)");
			break;
		}
		if (reg->unreachable) {
			ret = router_unreachable(r, cur, reg);
			break;
		}
		span = reg->gpa + reg->size - cur;
		if (router_enc(r, cur >> PAGE_SHIFT)) {
			n = MIN(len - done, PAGE_SIZE - (cur & ~PAGE_MASK));
			ret = rbuf ? read_encrypted(r, cur, rbuf + done, n)
				   : write_encrypted(r, cur, wbuf + done, n);
		} else {
			n = shared_run_end(r, cur,
					   cur + MIN(len - done, span)) -
			    cur;
			ret = host_access(r, cur, rbuf ? rbuf + done : NULL,
					  wbuf ? wbuf + done : NULL, n);
		}
		if (ret)
			break;
		done += n;
	}
	if (!done && ret)
		return ret;
	return (ssize_t)done;
}

ssize_t router_read(struct router *r, uint64_t gpa, void *buf, size_t len)
{
	return router_access(r, gpa, buf, NULL, len);
}

ssize_t router_write(struct router *r, uint64_t gpa, const void *buf,
		     size_t len)
{
	return router_access(r, gpa, NULL, buf, len);
}

int router_page_encrypted(struct router *r, uint64_t gpa, bool *enc)
{
	router_refresh_for(r, gpa, 1);
	if (!ram_find(r->ram, gpa))
		return -EFAULT;
	*enc = router_enc(r, gpa >> PAGE_SHIFT);
	return 0;
}

int router_last_error(const struct router *r, char *err, size_t errlen)
{
	if (errlen)
		snprintf(err, errlen, "%s", r->err.msg);
	return r->err.err;
}

void router_set_derived_bitmap(struct router *r, router_derive_fn fn, void *arg)
{
	r->derive_fn = fn;
	r->derive_arg = arg;
	r->derive_stale = true;
	r->bm_valid = false;
}

void router_rederive(struct router *r)
{
	r->derive_stale = true;
	r->bm_valid = false;
}

void router_invalidate(struct router *r)
{
	r->gen++;
	r->bm_valid = false;
}

void router_set_cache(struct router *r, bool on)
{
	if (r->cache_on && !on)
		router_invalidate(r);
	r->cache_on = on;
}

void router_get_stats(const struct router *r, struct router_stats *s)
{
	*s = r->st;
}

void router_reset_stats(struct router *r)
{
	memset(&r->st, 0, sizeof(r->st));
}

const struct bitmap *router_bitmap(struct router *r)
{
	router_follow_ram(r);
	if (!r->cache_on)
		r->bm_valid = false; /* the guest runs: always refetch */
	router_refresh(r);
	return &r->bm;
}

void router_debug_flip_page(struct router *r, uint64_t gfn)
{
	r->flip_gfn = gfn;
}

const struct ram_map *router_ram(const struct router *r)
{
	return r->ram;
}
