// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the page-encryption record channel: bytes go through
 * sim_platform_feed and bitmap_apply_record, checked against a plain model.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sevdbg/bitmap.h"
#include "sevdbg/platform.h"
#include "sevdbg/ram.h"
#include "sevdbg/simhc.h"
#include "sevdbg/util.h"

/*
 * Input: u16 le guest size selector, u8 chunk size, u8 query seed, then the
 * channel bytes. The model is deliberately naive: one byte per page and a
 * scan of the whole stream for the magic, so it shares no code or shortcuts
 * with the sim's incremental parser or the word-at-a-time bitmap.
 */
#define HDR	  4
#define WINDOW	  4096	     /* pages checked bit by bit in a big guest */
#define BIG_PAGES (1u << 18) /* 1 GiB guest: a 1 GiB record fits */

struct model {
	uint64_t npages;
	uint8_t *enc; /* 1 = encrypted, one byte per page */
	uint64_t records, bad_records;
};

#define CHECK(cond, ...)                                             \
	do {                                                         \
		if (!(cond)) {                                       \
			fprintf(stderr, "fuzz-bitmap: %s: ", #cond); \
			fprintf(stderr, __VA_ARGS__);                \
			fputc('\n', stderr);                         \
			abort();                                     \
		}                                                    \
	} while (0)

static uint64_t le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* The KVM_HC_MAP_GPA_RANGE rules as DESIGN.md §4 states them; 1 if applied. */
static int model_apply(struct model *m, uint64_t gpa, uint64_t npages,
		       uint64_t attrs)
{
	unsigned __int128 unit, start, end;
	uint64_t code = attrs & 0xf, g;

	if (attrs & ~0x1fULL || code > 2 || !npages)
		return 0;
	unit = (unsigned __int128)4096 << (9 * code);
	if (gpa % unit)
		return 0;
	start = gpa / 4096;
	end = start + (unsigned __int128)npages * (unit / 4096);
	if (end > m->npages)
		return 0;
	for (g = (uint64_t)start; g < (uint64_t)end; g++)
		m->enc[g] = (attrs >> 4) & 1;
	return 1;
}

/* Find each "SEVH"; a whole record with nr 12 is consumed, any other
 * number restarts the scan one byte after its magic. */
static void model_stream(struct model *m, struct bitmap *b, const uint8_t *s,
			 size_t n)
{
	size_t pos = 0;

	while (pos + SIM_HC_RECORD_SIZE <= n) {
		const uint8_t *r = s + pos;
		char why[80] = "";
		int ok, ret;

		if (memcmp(r, "SEVH", 4)) {
			pos++;
			continue;
		}
		if (le(r + 4, 4) != SIM_HC_NR_MAP_GPA_RANGE) {
			m->bad_records++;
			pos++;
			continue;
		}
		ok = model_apply(m, le(r + 8, 8), le(r + 16, 8), le(r + 24, 8));
		ok ? m->records++ : m->bad_records++;
		/* The same record straight into a bitmap of our own. */
		ret = bitmap_apply_record(b, le(r + 8, 8), le(r + 16, 8),
					  le(r + 24, 8), why, sizeof(why));
		CHECK(ret == (ok ? 0 : -EINVAL), "apply returned %d", ret);
		CHECK(ok || why[0], "invalid record without a reason");
		pos += SIM_HC_RECORD_SIZE;
	}
}

static int model_bit(const struct model *m, uint64_t gfn)
{
	return gfn < m->npages ? m->enc[gfn] : 1;
}

static uint64_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* bitmap_get over [start, start+n) equals the model, trailing bits kept. */
static void check_get(const struct model *m, struct platform *p,
		      const struct bitmap *b, uint64_t start, uint64_t n)
{
	size_t bytes = (n + 7) / 8 + 1;
	uint8_t *a = malloc(bytes), *c = malloc(bytes);
	uint64_t i;

	CHECK(a && c, "out of memory");
	memset(a, 0xa5, bytes);
	memset(c, 0x5a, bytes);
	CHECK(platform_get_bitmap(p, start, n, a) == 0, "get failed");
	CHECK(bitmap_get(b, start, n, c) == 0, "bitmap_get failed");
	for (i = 0; i < n; i++) {
		int want = model_bit(m, start + i);

		CHECK(((a[i / 8] >> (i % 8)) & 1) == want,
		      "sim bit %llu of get(%llu, %llu)", (unsigned long long)i,
		      (unsigned long long)start, (unsigned long long)n);
		CHECK(((c[i / 8] >> (i % 8)) & 1) == want,
		      "bitmap bit %llu of get(%llu, %llu)",
		      (unsigned long long)i, (unsigned long long)start,
		      (unsigned long long)n);
	}
	for (i = n; i < ((n + 7) & ~7ULL); i++)
		CHECK(((a[i / 8] >> (i % 8)) & 1) == ((0xa5 >> (i % 8)) & 1),
		      "get wrote past npages (bit %llu)",
		      (unsigned long long)i);
	CHECK(a[bytes - 1] == 0xa5, "get wrote past its buffer");
	free(a);
	free(c);
}

/* Summary over everything; count/next_change/test from random points,
 * over ranges of up to span pages. */
static void check_queries(const struct model *m, const struct bitmap *b,
			  uint64_t seed, uint64_t span)
{
	struct bitmap_summary s;
	uint64_t enc = 0, runs = 0, g, q, from, n, cnt, next;

	for (g = 0; g < m->npages; g++) {
		enc += m->enc[g];
		runs += !g || m->enc[g] != m->enc[g - 1];
	}
	bitmap_summarise(b, &s);
	CHECK(s.encrypted == enc && s.shared == m->npages - enc &&
		      s.runs == runs,
	      "summary %llu/%llu/%llu, model %llu/%llu",
	      (unsigned long long)s.encrypted, (unsigned long long)s.shared,
	      (unsigned long long)s.runs, (unsigned long long)enc,
	      (unsigned long long)runs);
	for (q = 0; q < 4; q++) {
		from = rnd(&seed) % (m->npages + 2);
		n = rnd(&seed) % span;
		for (cnt = 0, g = from; g < m->npages && g - from < n; g++)
			cnt += m->enc[g];
		CHECK(bitmap_count(b, from, n) == cnt, "count(%llu, %llu)",
		      (unsigned long long)from, (unsigned long long)n);
		for (next = from; next < m->npages && next - from < span &&
				  m->enc[next] == model_bit(m, from);
		     next++)
			;
		if (next - from < span || next >= m->npages)
			CHECK(bitmap_next_change(b, from) ==
				      MIN(next, m->npages),
			      "next_change(%llu)", (unsigned long long)from);
		else
			CHECK(bitmap_next_change(b, from) >= next,
			      "next_change(%llu) too early",
			      (unsigned long long)from);
		CHECK(bitmap_test(b, from) == model_bit(m, from), "test");
	}
}

static void feed(struct platform *p, const uint8_t *s, size_t n, size_t chunk)
{
	size_t off, k;

	for (off = 0; off < n; off += k) {
		k = MIN(chunk, n - off);
		CHECK(sim_platform_feed(p, s + off, k) == 0, "feed failed");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct model m = {0};
	struct ram_map ram = {0};
	struct platform *p = NULL;
	struct sim_stats st;
	struct bitmap b;
	uint64_t sel, seed, start, n;

	if (size < HDR)
		return 0;
	log_set_level(LOG_ERR);
	sel = le(data, 2);
	/* Small guests keep the model fast; the top 16 selectors give one
	 * big enough for 1 GiB records. */
	m.npages = sel >= 0xfff0 ? BIG_PAGES + (sel & 0xf) : 1 + sel % 4096;
	m.enc = malloc(m.npages);
	CHECK(m.enc, "out of memory");
	memset(m.enc, 1, m.npages); /* every page starts encrypted */
	CHECK(ram_add(&ram, 0, m.npages * PAGE_SIZE, NULL, "ram") == 0, "ram");
	CHECK(sim_platform_new(&ram, NULL, &p) == 0, "sim_platform_new");
	CHECK(bitmap_init(&b, m.npages) == 0, "bitmap_init");

	feed(p, data + HDR, size - HDR, 1 + data[2] % 41);
	model_stream(&m, &b, data + HDR, size - HDR);

	CHECK(sim_platform_stats(p, &st) == 0, "stats");
	CHECK(st.records == m.records && st.bad_records == m.bad_records,
	      "sim counted %llu good %llu bad, model %llu good %llu bad",
	      (unsigned long long)st.records,
	      (unsigned long long)st.bad_records, (unsigned long long)m.records,
	      (unsigned long long)m.bad_records);
	seed = 0x9e3779b97f4a7c15ULL ^ le(data, 4);
	if (m.npages <= WINDOW) {
		check_get(&m, p, &b, 0, m.npages);
		start = rnd(&seed) % (m.npages + 70);
		n = rnd(&seed) % (m.npages + 70 - start + 1);
		check_get(&m, p, &b, start, n);
		check_queries(&m, &b, seed ^ data[3], m.npages + 2);
	} else {
		/* Bit-by-bit checks of a 1 GiB guest would make each run take
		 * 80 ms under ASan: windows at the start, the end and one
		 * random place, and queries of window size. */
		check_get(&m, p, &b, 0, WINDOW);
		check_get(&m, p, &b, m.npages - WINDOW + 7, WINDOW);
		check_get(&m, p, &b, rnd(&seed) % m.npages, WINDOW);
		check_queries(&m, &b, seed ^ data[3], WINDOW);
	}

	bitmap_release(&b);
	platform_destroy(p);
	ram_free(&ram);
	free(m.enc);
	return 0;
}
