/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The memory router (DESIGN.md §2): the one place that decides, per page,
 * whether guest memory is read through DBG_DECRYPT or directly.
 */
#ifndef SEVDBG_ROUTER_H
#define SEVDBG_ROUTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct bitmap;
struct platform;
struct ram_map;

/* What the router itself does; the platform wrappers count every platform
 * call and byte (struct platform_stats), so nothing is counted twice. */
struct router_stats {
	uint64_t cache_hits, cache_misses;
	uint64_t bitmap_refreshes;
};

struct router;

int router_new(struct platform *p, const struct ram_map *ram,
	       struct router **out);
void router_free(struct router *r);

/*
 * Read/write guest-physical memory. Return the number of bytes transferred
 * from the start (short on a hole or a failed page), or a negative errno if
 * not even the first byte could be transferred. Never returns ciphertext.
 */
ssize_t router_read(struct router *r, uint64_t gpa, void *buf, size_t len);
ssize_t router_write(struct router *r, uint64_t gpa, const void *buf,
		     size_t len);

/* Whether the page holding gpa is encrypted (refreshes the bitmap first). */
int router_page_encrypted(struct router *r, uint64_t gpa, bool *enc);
/*
 * Why the last access stopped short: its negative errno (0 if it did not),
 * and the reason in err, e.g. "gpa 0x1000: DBG_DECRYPT failed:
 * POLICY_FAILURE (guest policy forbids debugging)"; "" if none.
 */
int router_last_error(const struct router *r, char *err, size_t errlen);

/*
 * The guest ran (resume, step) or memory changed behind our back: drop the
 * decrypted-page cache and the bitmap copy; the next access syncs the
 * platform (drains page-encryption records) and refetches the bitmap.
 */
void router_invalidate(struct router *r);
/*
 * Follow a bitmap derived by fn instead of the platform's (DESIGN §3.4: a
 * kernel without the series keeps none, so it comes from the guest's page
 * tables). fn fills out, which arrives all encrypted, and may read guest
 * memory through r meanwhile: every page then counts as encrypted (page
 * tables are private). Returns 0 or -errno (then every page is encrypted).
 * The result is kept, also while the guest runs, until router_rederive().
 * fn NULL follows the platform's bitmap again.
 */
struct bitmap;
typedef int (*router_derive_fn)(struct router *r, void *arg,
				struct bitmap *out);
void router_set_derived_bitmap(struct router *r, router_derive_fn fn,
			       void *arg);
/* The paging state changed (a stop): derive again at the next access. */
void router_rederive(struct router *r);

/* Enable/disable caching (off while any vCPU runs). */
void router_set_cache(struct router *r, bool on);

void router_get_stats(const struct router *r, struct router_stats *s);
void router_reset_stats(struct router *r);

/* The RAM map the router was opened over. */
const struct ram_map *router_ram(const struct router *r);

/* Current bitmap copy (refreshed if stale); valid until the next call. */
const struct bitmap *router_bitmap(struct router *r);

/*
 * Size of the decrypted-page cache in 4 KiB pages (default 64 MiB worth;
 * 0 disables it). Drops what is cached.
 */
int router_set_cache_pages(struct router *r, size_t npages);
size_t router_cache_pages(const struct router *r);

/* Tests only: route page gfn the wrong way (~0ULL = off), to prove that
 * the differential tests catch a misrouted page. */
void router_debug_flip_page(struct router *r, uint64_t gfn);

#endif
