// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-page compression for kdump files: zlib streams (ISA-L, level 0),
 * lzo1x_1, snappy and zstd level 1 (as makedumpfile -l, -p, -z write them).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <isa-l/igzip_lib.h>
#include <lzo/lzo1x.h>
#include <snappy-c.h>
#include <zstd.h>

#include "gdbstub/dump/kdump-codec.h"
#include "sevdbg/dumpfmt.h"
#include "sevdbg/util.h"

bool kdump_codec_available(enum dump_codec c)
{
	return c <= DUMP_CODEC_ZSTD;
}

uint32_t kdump_codec_flag(enum dump_codec c)
{
	static const uint32_t flags[] = {
		[DUMP_CODEC_ZLIB] = KDUMP_DH_COMPRESSED_ZLIB,
		[DUMP_CODEC_LZO] = KDUMP_DH_COMPRESSED_LZO,
		[DUMP_CODEC_SNAPPY] = KDUMP_DH_COMPRESSED_SNAPPY,
		[DUMP_CODEC_ZSTD] = KDUMP_DH_COMPRESSED_ZSTD,
	};

	return flags[c];
}

int kdump_codec_init(struct kdump_codec *k, enum dump_codec c)
{
	memset(k, 0, sizeof(*k));
	k->codec = c;
	switch (c) {
	case DUMP_CODEC_ZLIB:
		/*
		 * A zlib stream as QEMU's compress2(Z_BEST_SPEED) writes one,
		 * and crash reads with uncompress(), from ISA-L's level 0:
		 * compression was 81% of a --filter 31 kdump's CPU with
		 * libdeflate's level 1 (perf), and ISA-L level 0 takes 3.5x
		 * less CPU on the kept pages of the 1 GiB Debian guest, for
		 * 40% more compressed bytes (23.7 MB against 16.9 MB for
		 * 18,583 pages; zlib's own level 1: 16.6 MB, 20x the CPU).
		 * The dump's cost is the time the guest stays stopped, so
		 * CPU goes first. The bytes differ from zlib's; the format
		 * does not.
		 */
		k->state = malloc(sizeof(struct isal_zstream));
		k->bound = PAGE_SIZE;
		return k->state ? 0 : -ENOMEM;
	case DUMP_CODEC_LZO:
		if (lzo_init() != LZO_E_OK)
			return -EIO;
		k->state = malloc(LZO1X_1_MEM_COMPRESS);
		k->bound = PAGE_SIZE + PAGE_SIZE / 16 + 64 + 3;
		return k->state ? 0 : -ENOMEM;
	case DUMP_CODEC_SNAPPY:
		k->bound = snappy_max_compressed_length(PAGE_SIZE);
		return 0;
	case DUMP_CODEC_ZSTD:
		k->state = ZSTD_createCCtx();
		k->bound = ZSTD_compressBound(PAGE_SIZE);
		return k->state ? 0 : -ENOMEM;
	}
	return -EINVAL;
}

void kdump_codec_release(struct kdump_codec *k)
{
	if (!k->state)
		return;
	if (k->codec == DUMP_CODEC_ZSTD)
		ZSTD_freeCCtx(k->state);
	else
		free(k->state);
	k->state = NULL;
}

/* One page as one zlib stream; -ENOSPC when it would not be smaller. */
static int zlib_page(struct isal_zstream *z, const uint8_t *in, uint8_t *out,
		     size_t *olen)
{
	isal_deflate_stateless_init(z);
	z->level = 0; /* needs no level_buf */
	z->gzip_flag = IGZIP_ZLIB;
	z->end_of_stream = 1;
	z->next_in = (uint8_t *)in;
	z->avail_in = PAGE_SIZE;
	z->next_out = out;
	/* Room for less than a page: STATELESS_OVERFLOW when no gain. */
	z->avail_out = PAGE_SIZE - 1;
	if (isal_deflate_stateless(z) != COMP_OK)
		return -ENOSPC;
	*olen = z->total_out;
	return 0;
}

int kdump_codec_page(struct kdump_codec *k, const uint8_t *in, uint8_t *out,
		     size_t *olen)
{
	lzo_uint ll = k->bound;
	size_t n = k->bound;
	int ret = 0;

	switch (k->codec) {
	case DUMP_CODEC_ZLIB:
		ret = zlib_page(k->state, in, out, &n);
		break;
	case DUMP_CODEC_LZO:
		ret = lzo1x_1_compress(in, PAGE_SIZE, out, &ll, k->state) ==
				      LZO_E_OK
			      ? 0
			      : -EIO;
		n = ll;
		break;
	case DUMP_CODEC_SNAPPY:
		ret = snappy_compress((const char *)in, PAGE_SIZE, (char *)out,
				      &n) == SNAPPY_OK
			      ? 0
			      : -EIO;
		break;
	case DUMP_CODEC_ZSTD:
		n = ZSTD_compressCCtx(k->state, out, k->bound, in, PAGE_SIZE,
				      1);
		ret = ZSTD_isError(n) ? -EIO : 0;
		break;
	}
	/* A failure or no gain: the page is stored as is. */
	*olen = ret || n >= PAGE_SIZE ? PAGE_SIZE : n;
	return 0;
}
