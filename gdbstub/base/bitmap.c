// SPDX-License-Identifier: GPL-2.0-only
/*
 * The page-encryption bitmap (1 = encrypted) with the series' GET/SET and
 * KVM_HC_MAP_GPA_RANGE semantics; every query scans a 64-bit word at a time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sevdbg/bitmap.h"
#include "sevdbg/ram.h"
#include "sevdbg/util.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the bitmap's byte view (bit i of byte i/8) assumes a little-endian host"
#endif

#define WORD_BITS 64
#define NWORDS(n) (((n) + WORD_BITS - 1) / WORD_BITS)

/* Mask of bits [lo, hi) inside one word, 0 <= lo < hi <= 64. */
static inline uint64_t word_mask(unsigned int lo, unsigned int hi)
{
	uint64_t m = hi == WORD_BITS ? ~0ULL : (1ULL << hi) - 1;

	return m & ~((1ULL << lo) - 1);
}

/* Storage keeps the bits past npages clear so popcounts need no masking. */
static void bitmap_clear_tail(struct bitmap *b)
{
	unsigned int tail = b->npages % WORD_BITS;

	if (tail)
		b->words[b->npages / WORD_BITS] &= word_mask(0, tail);
}

int bitmap_init(struct bitmap *b, uint64_t npages)
{
	size_t nw = NWORDS(npages);

	b->npages = npages;
	b->words = malloc(nw ? nw * sizeof(uint64_t) : sizeof(uint64_t));
	if (!b->words) {
		b->npages = 0;
		return -ENOMEM;
	}
	memset(b->words, 0xff, nw * sizeof(uint64_t));
	bitmap_clear_tail(b);
	return 0;
}

int bitmap_grow(struct bitmap *b, uint64_t npages)
{
	size_t old = NWORDS(b->npages), nw = NWORDS(npages);
	uint64_t from = b->npages, *w;

	if (npages <= b->npages)
		return 0;
	w = realloc(b->words, nw * sizeof(uint64_t));
	if (!w)
		return -ENOMEM;
	memset(w + old, 0, (nw - old) * sizeof(uint64_t));
	b->words = w;
	b->npages = npages;
	bitmap_assign(b, from, npages - from, true);
	return 0;
}

void bitmap_release(struct bitmap *b)
{
	free(b->words);
	b->words = NULL;
	b->npages = 0;
}

bool bitmap_test(const struct bitmap *b, uint64_t gfn)
{
	if (gfn >= b->npages)
		return true; /* outside the map: the series' default */
	return (b->words[gfn / WORD_BITS] >> (gfn % WORD_BITS)) & 1;
}

void bitmap_assign(struct bitmap *b, uint64_t gfn, uint64_t n, bool val)
{
	uint64_t end, w, wend;
	unsigned int lo, hi;

	if (gfn >= b->npages)
		return;
	end = n > b->npages - gfn ? b->npages : gfn + n;
	while (gfn < end) {
		w = gfn / WORD_BITS;
		lo = gfn % WORD_BITS;
		if (lo == 0 && end - gfn >= WORD_BITS) {
			wend = end / WORD_BITS;
			memset(&b->words[w], val ? 0xff : 0,
			       (wend - w) * sizeof(uint64_t));
			gfn = wend * WORD_BITS;
			continue;
		}
		hi = end - w * WORD_BITS >= WORD_BITS
			     ? WORD_BITS
			     : (unsigned int)(end - w * WORD_BITS);
		if (val)
			b->words[w] |= word_mask(lo, hi);
		else
			b->words[w] &= ~word_mask(lo, hi);
		gfn = w * WORD_BITS + hi;
	}
}

int bitmap_apply_record(struct bitmap *b, uint64_t gpa, uint64_t npages,
			uint64_t attrs, char *err, size_t errlen)
{
	uint64_t size_code = attrs & HC_MAP_GPA_RANGE_PAGE_SZ_MASK;
	unsigned int shift;
	uint64_t n4k, gfn;
	const char *reason = NULL;

	if (attrs &
	    ~(HC_MAP_GPA_RANGE_PAGE_SZ_MASK | HC_MAP_GPA_RANGE_ENCRYPTED))
		reason =
			"reserved attribute bits set (only bits 4:0 are defined)";
	else if (size_code > HC_MAP_GPA_RANGE_PAGE_SZ_1G)
		reason =
			"invalid page size in attrs bits 3:0 (0=4K, 1=2M, 2=1G)";
	else if (npages == 0)
		reason = "npages is zero";
	if (reason)
		goto invalid;
	shift = 9 * (unsigned int)size_code; /* 4K pages per unit: 2^shift */
	if (gpa & ~PAGE_MASK)
		reason = "gpa is not 4 KiB aligned";
	else if (gpa & ((PAGE_SIZE << shift) - 1))
		reason = "gpa is not aligned to the page size in attrs";
	else if (npages > (UINT64_MAX >> (PAGE_SHIFT + shift)))
		reason = "gpa range overflows";
	if (reason)
		goto invalid;
	n4k = npages << shift;
	gfn = gpa >> PAGE_SHIFT;
	if (gfn > b->npages || n4k > b->npages - gfn) {
		reason = "gpa range extends beyond guest memory";
		goto invalid;
	}
	bitmap_assign(b, gfn, n4k, attrs & HC_MAP_GPA_RANGE_ENCRYPTED);
	return 0;
invalid:
	if (errlen)
		snprintf(err, errlen, "%s", reason);
	return -EINVAL;
}

/* 64 bits from pos (bit 0 = page pos); pages past npages read as 1. */
static uint64_t bits_at(const struct bitmap *b, uint64_t pos)
{
	uint64_t w, v, valid;
	unsigned int s;

	if (pos >= b->npages)
		return ~0ULL;
	w = pos / WORD_BITS;
	s = pos % WORD_BITS;
	v = b->words[w] >> s;
	if (s && w + 1 < NWORDS(b->npages))
		v |= b->words[w + 1] << (WORD_BITS - s);
	valid = b->npages - pos;
	if (valid < WORD_BITS)
		v |= ~0ULL << valid;
	return v;
}

/* Store the low n (1..64) bits of v at pos; pos + n <= npages. */
static void bits_put(struct bitmap *b, uint64_t pos, uint64_t v, unsigned int n)
{
	uint64_t w = pos / WORD_BITS;
	unsigned int s = pos % WORD_BITS;
	uint64_t m = n == WORD_BITS ? ~0ULL : (1ULL << n) - 1;

	v &= m;
	b->words[w] = (b->words[w] & ~(m << s)) | (v << s);
	if (s && s + n > WORD_BITS) {
		b->words[w + 1] = (b->words[w + 1] & ~(m >> (WORD_BITS - s))) |
				  (v >> (WORD_BITS - s));
	}
}

int bitmap_get(const struct bitmap *b, uint64_t start_gfn, uint64_t npages,
	       uint8_t *out)
{
	uint64_t i, v;
	unsigned int k, nbits;

	if (start_gfn + npages < start_gfn || !out)
		return -EINVAL;
	for (i = 0; i < npages; i += WORD_BITS) {
		v = bits_at(b, start_gfn + i);
		nbits = npages - i >= WORD_BITS ? WORD_BITS
						: (unsigned int)(npages - i);
		for (k = 0; k * 8 < nbits; k++) {
			uint8_t *o = &out[i / 8 + k];
			unsigned int left = nbits - k * 8;
			uint8_t byte = (uint8_t)(v >> (k * 8));

			if (left >= 8) {
				*o = byte;
			} else { /* keep the caller's trailing bits */
				uint8_t m = (uint8_t)((1u << left) - 1);

				*o = (uint8_t)((*o & ~m) | (byte & m));
			}
		}
	}
	return 0;
}

int bitmap_set(struct bitmap *b, uint64_t start_gfn, uint64_t npages,
	       const uint8_t *in)
{
	uint64_t i, v;
	unsigned int k, nbits;

	if (!in) {
		if (start_gfn || npages)
			return -EINVAL;
		bitmap_assign(b, 0, b->npages, true);
		return 0;
	}
	if (start_gfn + npages < start_gfn)
		return -EINVAL;
	/* Bits for pages past the end are ignored, as in the series. */
	if (start_gfn >= b->npages)
		return 0;
	npages = MIN(npages, b->npages - start_gfn);
	for (i = 0; i < npages; i += WORD_BITS) {
		nbits = npages - i >= WORD_BITS ? WORD_BITS
						: (unsigned int)(npages - i);
		v = 0;
		for (k = 0; k * 8 < nbits; k++)
			v |= (uint64_t)in[i / 8 + k] << (k * 8);
		bits_put(b, start_gfn + i, v, nbits);
	}
	return 0;
}

uint64_t bitmap_next_change(const struct bitmap *b, uint64_t from)
{
	uint64_t w, nw = NWORDS(b->npages), flip, x, pos;

	if (from >= b->npages)
		return b->npages;
	flip = bitmap_test(b, from) ? ~0ULL : 0;
	w = from / WORD_BITS;
	x = (b->words[w] ^ flip) & ~((1ULL << (from % WORD_BITS)) - 1);
	while (!x && ++w < nw)
		x = b->words[w] ^ flip;
	if (!x)
		return b->npages;
	pos = w * WORD_BITS + (uint64_t)__builtin_ctzll(x);
	return pos < b->npages ? pos : b->npages;
}

uint64_t bitmap_count(const struct bitmap *b, uint64_t gfn, uint64_t n)
{
	uint64_t end, w, wend, cnt = 0;

	if (gfn >= b->npages)
		return 0;
	end = n > b->npages - gfn ? b->npages : gfn + n;
	if (gfn == end)
		return 0;
	w = gfn / WORD_BITS;
	wend = (end - 1) / WORD_BITS;
	if (w == wend) {
		unsigned int hi = (unsigned int)(end - w * WORD_BITS);

		return (uint64_t)__builtin_popcountll(
			b->words[w] & word_mask(gfn % WORD_BITS, hi));
	}
	cnt = (uint64_t)__builtin_popcountll(b->words[w] &
					     word_mask(gfn % WORD_BITS, 64));
	for (w++; w < wend; w++)
		cnt += (uint64_t)__builtin_popcountll(b->words[w]);
	cnt += (uint64_t)__builtin_popcountll(
		b->words[wend] &
		word_mask(0, (unsigned int)(end - wend * WORD_BITS)));
	return cnt;
}

void bitmap_summarise(const struct bitmap *b, struct bitmap_summary *s)
{
	uint64_t nw = NWORDS(b->npages), w, x, shifted, prev, trans = 0;
	unsigned int tail = b->npages % WORD_BITS;

	memset(s, 0, sizeof(*s));
	if (!b->npages)
		return;
	s->encrypted = bitmap_count(b, 0, b->npages);
	s->shared = b->npages - s->encrypted;
	prev = b->words[0] & 1;
	for (w = 0; w < nw; w++) {
		x = b->words[w];
		shifted = (x << 1) | prev;
		x ^= shifted; /* bit i set: page i differs from page i-1 */
		if (w == nw - 1 && tail)
			x &= word_mask(0, tail);
		trans += (uint64_t)__builtin_popcountll(x);
		prev = b->words[w] >> 63;
	}
	s->runs = trans + 1;
}
