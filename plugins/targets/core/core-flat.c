// SPDX-License-Identifier: GPL-2.0-only
/*
 * makedumpfile's flattened format (what QEMU 7.2's kdump-zlib writes): a
 * stream of (offset, size, data) records, indexed and read in place.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugins/targets/core/core-int.h"

#define FLAT_HEADER_SIZE 4096 /* MAX_SIZE_MDF_HEADER */
#define FLAT_SIGNATURE	 "makedumpfile"
#define FLAT_MAX_CHUNKS	 (1u << 24)

static uint64_t get_be64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static int flat_cmp(const void *a, const void *b)
{
	const struct core_flat *x = a, *y = b;

	return x->dst < y->dst ? -1 : x->dst > y->dst;
}

static int flat_bad(char *err, size_t errlen, const char *why)
{
	snprintf(err, errlen, "flattened kdump: %s", why);
	return -EINVAL;
}

static int flat_add(struct core_file *cf, size_t *cap, uint64_t dst,
		    uint64_t len, uint64_t src)
{
	struct core_flat *n;

	if (cf->nr_flat == *cap) {
		if (*cap >= FLAT_MAX_CHUNKS)
			return -E2BIG;
		n = reallocarray(cf->flat, *cap ? *cap * 2 : 256, sizeof(*n));
		if (!n)
			return -ENOMEM;
		cf->flat = n;
		*cap = *cap ? *cap * 2 : 256;
	}
	cf->flat[cf->nr_flat++] = (struct core_flat){dst, len, src};
	return 0;
}

static int flat_index(struct core_file *cf, char *err, size_t errlen)
{
	uint64_t pos = FLAT_HEADER_SIZE, dst, len;
	uint8_t rec[16];
	size_t cap = 0;
	int ret;

	for (;;) {
		if (core_raw_pread(cf, rec, sizeof(rec), pos))
			return flat_bad(err, errlen,
					"the record stream ends without an end marker (truncated?)");
		dst = get_be64(rec);
		len = get_be64(rec + 8);
		if (dst == UINT64_MAX)
			return 0; /* END_FLAG_FLAT_HEADER */
		pos += sizeof(rec);
		if (dst >> 62 || len > cf->file_size - pos)
			return flat_bad(err, errlen,
					"a record lies outside the file (truncated?)");
		ret = len ? flat_add(cf, &cap, dst, len, pos) : 0;
		if (ret == -E2BIG)
			return flat_bad(err, errlen, "too many records");
		if (ret)
			return ret;
		pos += len;
	}
}

int core_flat_parse(struct core_file *cf, char *err, size_t errlen)
{
	uint8_t h[32], magic[8];
	size_t i;
	int ret;

	if (core_raw_pread(cf, h, sizeof(h), 0) ||
	    memcmp(h, FLAT_SIGNATURE, sizeof(FLAT_SIGNATURE)))
		return flat_bad(err, errlen, "bad signature");
	if (get_be64(h + 16) != 1)
		return flat_bad(err, errlen, "unknown type");
	ret = flat_index(cf, err, errlen);
	if (ret)
		return ret;
	if (!cf->nr_flat)
		return flat_bad(err, errlen, "no data records");
	qsort(cf->flat, cf->nr_flat, sizeof(*cf->flat), flat_cmp);
	cf->size = 0;
	for (i = 0; i < cf->nr_flat; i++) {
		if (i &&
		    cf->flat[i].dst < cf->flat[i - 1].dst + cf->flat[i - 1].len)
			return flat_bad(err, errlen, "records overlap");
		cf->size = cf->flat[i].dst + cf->flat[i].len;
	}
	if (core_pread(cf, magic, sizeof(magic), 0) ||
	    memcmp(magic, KDUMP_SIGNATURE, KDUMP_SIG_LEN))
		return flat_bad(err, errlen, "no kdump header inside");
	ret = core_kdump_parse(cf, err, errlen);
	if (!ret)
		snprintf(cf->kind_name, sizeof(cf->kind_name),
			 "kdump-compressed, flattened%s",
			 cf->have_sevdbg ? " (sevdbg)" : "");
	return ret;
}

/* Rebuilt bytes: records where they were written, zeros in the gaps. */
int core_flat_pread(const struct core_file *cf, void *buf, uint64_t len,
		    uint64_t off)
{
	uint8_t *p = buf;
	size_t lo = 0, hi = cf->nr_flat;
	uint64_t n;
	int ret;

	while (lo < hi) { /* first record ending after off */
		size_t mid = lo + (hi - lo) / 2;

		if (cf->flat[mid].dst + cf->flat[mid].len <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; len; lo++) {
		const struct core_flat *c =
			lo < cf->nr_flat ? &cf->flat[lo] : NULL;

		if (!c || c->dst > off) {
			n = c ? MIN(len, c->dst - off) : len;
			memset(p, 0, n);
			lo--;
		} else {
			n = MIN(len, c->dst + c->len - off);
			ret = core_raw_pread(cf, p, n, c->src + (off - c->dst));
			if (ret)
				return ret;
		}
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}
