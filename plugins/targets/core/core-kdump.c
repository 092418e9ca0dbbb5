// SPDX-License-Identifier: GPL-2.0-only
/*
 * kdump-compressed reader for the core target (QEMU's and makedumpfile's
 * diskdump format): bitmaps, page descriptors, zlib pages, bounds-checked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "plugins/targets/core/core-int.h"

#define KD_MAX_MAPNR (1ULL << 40) /* 4 PiB of 4 KiB pages */

static int kbad(char *err, size_t errlen, const char *why)
{
	snprintf(err, errlen, "kdump: %s", why);
	return -EINVAL;
}

static uint64_t bm_word(const uint8_t *bm, uint64_t w)
{
	return get_le64(bm + 8 * w);
}

/* Dumped pages before each 64-page word of the 2nd bitmap. */
static int kd_build_rank(struct core_file *cf)
{
	uint64_t words = (cf->max_mapnr + 63) / 64, w, x, sum = 0;

	cf->rank = calloc(words + 1, sizeof(*cf->rank));
	if (!cf->rank)
		return -ENOMEM;
	for (w = 0; w < words; w++) {
		cf->rank[w] = sum;
		x = bm_word(cf->bm2, w);
		if (w == words - 1 && cf->max_mapnr % 64)
			x &= (1ULL << (cf->max_mapnr % 64)) - 1;
		sum += (uint64_t)__builtin_popcountll(x);
	}
	cf->rank[words] = sum;
	cf->nr_desc = sum;
	return 0;
}

/* RAM = runs of the 1st bitmap, as segments for core_ram_from_segs. */
static int kd_ram_from_bitmap(struct core_file *cf, char *err, size_t errlen)
{
	uint64_t pfn, start, cap = 64;
	bool on;

	cf->segs = calloc(cap, sizeof(*cf->segs));
	if (!cf->segs)
		return -ENOMEM;
	for (pfn = 0; pfn < cf->max_mapnr;) {
		on = cf->bm1[pfn / 8] >> (pfn % 8) & 1;
		if (!on && !(pfn % 64) && !bm_word(cf->bm1, pfn / 64)) {
			pfn += 64;
			continue;
		}
		if (!on) {
			pfn++;
			continue;
		}
		start = pfn;
		while (pfn < cf->max_mapnr &&
		       (cf->bm1[pfn / 8] >> (pfn % 8) & 1))
			pfn++;
		if (cf->nr_segs == cap) {
			struct core_seg *s;

			if (cap >= CORE_MAX_SEGS)
				return kbad(err, errlen,
					    "the 1st bitmap has too many separate RAM ranges");
			s = reallocarray(cf->segs, cap * 2, sizeof(*s));
			if (!s)
				return -ENOMEM;
			cf->segs = s;
			cap *= 2;
		}
		cf->segs[cf->nr_segs].gpa = start << PAGE_SHIFT;
		cf->segs[cf->nr_segs].size = (pfn - start) << PAGE_SHIFT;
		cf->nr_segs++;
	}
	return core_ram_from_segs(cf);
}

static int kd_read_notes(struct core_file *cf, const uint8_t *sub,
			 uint32_t version, char *err, size_t errlen)
{
	uint64_t off, len;

	if (version < 4)
		return 0;
	off = get_le64(sub + KSH_OFFSET_NOTE);
	len = get_le64(sub + KSH_NOTE_SIZE);
	if (!len)
		return 0;
	if (len > CORE_MAX_NOTES)
		return kbad(err, errlen, "the note area is unreasonably large");
	if (off > cf->size || len > cf->size - off || len > cf->file_size)
		return kbad(err, errlen,
			    "the note area lies outside the file (truncated dump?)");
	cf->notes = malloc(len);
	if (!cf->notes)
		return -ENOMEM;
	if (core_pread(cf, cf->notes, len, off))
		return kbad(err, errlen,
			    "the note area lies outside the file (truncated dump?)");
	cf->notes_len = len;
	return core_parse_notes(cf, err, errlen);
}

static int kd_read_bitmaps(struct core_file *cf, uint64_t bm_off,
			   uint64_t len_bitmap, char *err, size_t errlen)
{
	if (bm_off > cf->size || 2 * len_bitmap > cf->size - bm_off)
		return kbad(err, errlen,
			    "the bitmaps lie outside the file (truncated dump?)");
	/* A flattened file's image is sparse (its gaps read as zeros), but
	 * the bitmaps are written data: bound them by the bytes on disk
	 * before allocating them. */
	if (2 * len_bitmap > cf->file_size)
		return kbad(err, errlen,
			    "the bitmaps are larger than the file (corrupt header?)");
	cf->bm1 = malloc(len_bitmap);
	cf->bm2 = malloc(len_bitmap);
	if (!cf->bm1 || !cf->bm2)
		return -ENOMEM;
	if (core_pread(cf, cf->bm1, len_bitmap, bm_off) ||
	    core_pread(cf, cf->bm2, len_bitmap, bm_off + len_bitmap))
		return kbad(err, errlen,
			    "the bitmaps lie outside the file (truncated dump?)");
	return 0;
}

static int kd_check_header(struct core_file *cf, const uint8_t *h,
			   uint32_t *version, char *err, size_t errlen)
{
	*version = get_le32(h + KDH_VERSION);
	if (*version < 1 || *version > 100)
		return kbad(err, errlen, "unknown header version");
	cf->block_size = get_le32(h + KDH_BLOCK_SIZE);
	if (cf->block_size != PAGE_SIZE)
		return kbad(err, errlen,
			    "block size is not 4096; sevdbg reads x86-64 dumps with 4 KiB pages");
	if (get_le32(h + KDH_SUB_HDR_SIZE) == 0)
		return kbad(err, errlen, "no sub-header");
	if (get_le32(h + KDH_BITMAP_BLOCKS) == 0 ||
	    get_le32(h + KDH_BITMAP_BLOCKS) % 2)
		return kbad(err, errlen,
			    "the bitmap size is not two equal bitmaps");
	if (get_le32(h + KDH_NR_CPUS) > 4096)
		return kbad(err, errlen, "implausible number of CPUs");
	return 0;
}

int core_kdump_parse(struct core_file *cf, char *err, size_t errlen)
{
	uint8_t h[KDUMP_HEADER_SIZE], sub[KDUMP_SUB_HEADER_SIZE];
	uint64_t bm_off, len_bitmap;
	uint32_t version;
	int ret;

	cf->kind = CORE_KDUMP;
	if (core_pread(cf, h, sizeof(h), 0))
		return kbad(err, errlen, "truncated header");
	ret = kd_check_header(cf, h, &version, err, errlen);
	if (ret)
		return ret;
	if (core_pread(cf, sub, sizeof(sub), cf->block_size))
		return kbad(err, errlen, "truncated sub-header");
	cf->max_mapnr = get_le32(h + KDH_MAX_MAPNR);
	if (version >= 6)
		cf->max_mapnr = get_le64(sub + KSH_MAX_MAPNR_64);
	bm_off =
		(1 + (uint64_t)get_le32(h + KDH_SUB_HDR_SIZE)) * cf->block_size;
	len_bitmap =
		(uint64_t)get_le32(h + KDH_BITMAP_BLOCKS) / 2 * cf->block_size;
	if (!cf->max_mapnr || cf->max_mapnr > KD_MAX_MAPNR ||
	    cf->max_mapnr > len_bitmap * 8)
		return kbad(err, errlen, "max_mapnr does not fit the bitmaps");
	ret = kd_read_bitmaps(cf, bm_off, len_bitmap, err, errlen);
	if (!ret)
		ret = kd_build_rank(cf);
	if (ret)
		return ret;
	cf->desc_off = bm_off + 2 * len_bitmap;
	if (cf->nr_desc >
	    (cf->size - MIN(cf->size, cf->desc_off)) / KDUMP_PD_SIZE)
		return kbad(err, errlen,
			    "the page descriptors extend past the end of the file (truncated dump?)");
	ret = kd_read_notes(cf, sub, version, err, errlen);
	if (!ret)
		ret = kd_ram_from_bitmap(cf, err, errlen);
	if (ret)
		return ret;
	cf->page = malloc(cf->block_size);
	cf->cpage = malloc(cf->block_size);
	if (!cf->page || !cf->cpage)
		return -ENOMEM;
	snprintf(cf->kind_name, sizeof(cf->kind_name), "kdump-compressed%s",
		 cf->have_sevdbg ? " (sevdbg)" : "");
	return 0;
}

static int kd_load(struct core_file *cf, const uint8_t *pd)
{
	uint64_t off = get_le64(pd);
	uint32_t size = get_le32(pd + 8), flags = get_le32(pd + 12);
	uLongf dlen = cf->block_size;

	if (!size || size > cf->block_size)
		return -EIO;
	if (flags & (KDUMP_DH_COMPRESSED_LZO | KDUMP_DH_COMPRESSED_SNAPPY |
		     KDUMP_DH_COMPRESSED_ZSTD))
		return -ENOTSUP; /* only zlib is linked in */
	if (flags & KDUMP_DH_COMPRESSED_ZLIB) {
		if (core_pread(cf, cf->cpage, size, off))
			return -EIO;
		if (uncompress(cf->page, &dlen, cf->cpage, size) != Z_OK ||
		    dlen != cf->block_size)
			return -EIO;
		return 0;
	}
	if (size != cf->block_size || core_pread(cf, cf->page, size, off))
		return -EIO;
	return 0;
}

int core_kdump_read_page(struct core_file *cf, uint64_t pfn)
{
	uint8_t pd[KDUMP_PD_SIZE];
	uint64_t idx, x;
	int ret;

	if (pfn == cf->cached_pfn)
		return 0;
	if (pfn >= cf->max_mapnr || !(cf->bm1[pfn / 8] >> (pfn % 8) & 1))
		return -EFAULT; /* not RAM */
	if (!(cf->bm2[pfn / 8] >> (pfn % 8) & 1))
		return -ENODATA; /* RAM, but left out of the dump */
	x = bm_word(cf->bm2, pfn / 64) & ((1ULL << (pfn % 64)) - 1);
	idx = cf->rank[pfn / 64] + (uint64_t)__builtin_popcountll(x);
	if (core_pread(cf, pd, sizeof(pd), cf->desc_off + idx * KDUMP_PD_SIZE))
		return -EIO;
	cf->cached_pfn = UINT64_MAX;
	ret = kd_load(cf, pd);
	if (!ret)
		cf->cached_pfn = pfn;
	return ret;
}
