/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kdump page compression: the codecs the diskdump format and crash know
 * (zlib, lzo, snappy, zstd) and a pool of compressor threads.
 */
#ifndef SEVDBG_KDUMP_CODEC_H
#define SEVDBG_KDUMP_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gdbstub/dump/dump.h"

/* One compressor's state (not shared between threads). */
struct kdump_codec {
	enum dump_codec codec;
	void *state;  /* isal_zstream, lzo work memory or ZSTD_CCtx */
	size_t bound; /* largest output for one page */
};

bool kdump_codec_available(enum dump_codec c);
/* DUMP_DH_COMPRESSED_* for the header status and page descriptors. */
uint32_t kdump_codec_flag(enum dump_codec c);
int kdump_codec_init(struct kdump_codec *k, enum dump_codec c);
void kdump_codec_release(struct kdump_codec *k);
/* Compress one page into out (k->bound bytes); *olen the size, or
 * PAGE_SIZE when compression did not make it smaller. Deterministic: the
 * same page gives the same bytes whichever compressor runs it. */
int kdump_codec_page(struct kdump_codec *k, const uint8_t *in, uint8_t *out,
		     size_t *olen);

/*
 * Pages are compressed in batches by nthreads workers while the caller
 * reads the next batch; results come back in the order pages went in, so
 * the file is byte-identical to a single-threaded run. Zero pages (most of
 * an idle guest) are known to the caller as it reads them: they take a
 * slot, but no copy and no worker. A batch ends at KDUMP_BATCH pages with
 * data or KDUMP_SLOTS pages in all.
 */
#define KDUMP_BATCH	256
#define KDUMP_SLOTS	4096
#define KDUMP_SLOT_ZERO 0xffff /* slot[] of a zero page */

enum kdump_page_kind {
	KDUMP_PAGE_RAW,	       /* stored as is */
	KDUMP_PAGE_COMPRESSED, /* out[], clen bytes */
};

struct kdump_batch {
	uint32_t n;		    /* pages (slots) in page order */
	uint32_t nd;		    /* of them with data */
	uint16_t slot[KDUMP_SLOTS]; /* data index, or KDUMP_SLOT_ZERO */
	uint8_t *in;		    /* nd pages */
	uint8_t *out;		    /* nd x bound */
	uint32_t clen[KDUMP_BATCH]; /* per data page */
	uint8_t kind[KDUMP_BATCH];  /* per data page */
};

struct kdump_pool;

/* nthreads 0 or 1: compress in the caller's thread. */
int kdump_pool_new(enum dump_codec c, unsigned int nthreads,
		   struct kdump_pool **out);
void kdump_pool_free(struct kdump_pool *p);
/*
 * Add a page to the batch being filled (data copied unless the page is
 * zero); true when the batch is full and must be submitted.
 */
bool kdump_pool_add(struct kdump_pool *p, const uint8_t *data);
size_t kdump_pool_bound(const struct kdump_pool *p);
/*
 * Hand the filled batch to the workers; once the one handed over before it
 * is compressed, return that one (NULL the first time) for the caller to
 * write while the workers go on. drain: wait for the last one, return it.
 */
struct kdump_batch *kdump_pool_submit(struct kdump_pool *p);
struct kdump_batch *kdump_pool_drain(struct kdump_pool *p);

#endif
