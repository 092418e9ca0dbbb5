// SPDX-License-Identifier: GPL-2.0-only
/*
 * Randomised differential tests of the router on the sim against a plain
 * copy of guest memory, with the platform call counts the routing rule fixes.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sevdbg/bitmap.h"
#include "sevdbg/platform.h"
#include "sevdbg/ram.h"
#include "gdbstub/mem/router.h"
#include "sevdbg/util.h"

/* A [0,2M), hole, B [3M,3.5M), C [3.5M,4M): B and C adjacent, two maps. */
#define A_SIZE	(2u << 20)
#define B_GPA	(3u << 20)
#define B_SIZE	(512u << 10)
#define C_GPA	(B_GPA + B_SIZE)
#define C_SIZE	(512u << 10)
#define END_GPA (C_GPA + C_SIZE)
#define NPAGES	(END_GPA >> PAGE_SHIFT)

struct fixture {
	struct ram_map ram;
	uint8_t *mem[3];
	uint8_t *ref;	     /* reference plaintext, indexed by gpa */
	bool enc[NPAGES];    /* reference bitmap */
	bool cached[NPAGES]; /* what the router must have cached */
	bool cache_on;
	struct platform *p;
	struct router *r;
	uint64_t rng;
};

static uint64_t rnd(struct fixture *f)
{
	f->rng ^= f->rng << 13;
	f->rng ^= f->rng >> 7;
	f->rng ^= f->rng << 17;
	return f->rng;
}

static bool in_ram(uint64_t gpa)
{
	return gpa < A_SIZE || (gpa >= B_GPA && gpa < END_GPA);
}

static int setup(void **state)
{
	static const uint8_t key[16] = "router-test-key!";
	struct sim_config cfg = {.key = key, .launched = true, .hc_fd = -1};
	struct fixture *f = calloc(1, sizeof(*f));
	uint64_t i;

	assert_non_null(f);
	f->rng = getenv("ROUTER_TEST_SEED")
			 ? strtoull(getenv("ROUTER_TEST_SEED"), NULL, 0) | 1
			 : 0x1234567;
	f->ref = malloc(END_GPA);
	for (i = 0; i < END_GPA; i++)
		f->ref[i] = (uint8_t)rnd(f);
	f->mem[0] = malloc(A_SIZE);
	f->mem[1] = malloc(B_SIZE);
	f->mem[2] = malloc(C_SIZE);
	memcpy(f->mem[0], f->ref, A_SIZE);
	memcpy(f->mem[1], f->ref + B_GPA, B_SIZE);
	memcpy(f->mem[2], f->ref + C_GPA, C_SIZE);
	assert_int_equal(ram_add(&f->ram, 0, A_SIZE, f->mem[0], "A"), 0);
	assert_int_equal(ram_add(&f->ram, B_GPA, B_SIZE, f->mem[1], "B"), 0);
	assert_int_equal(ram_add(&f->ram, C_GPA, C_SIZE, f->mem[2], "C"), 0);
	assert_int_equal(sim_platform_new(&f->ram, &cfg, &f->p), 0);
	assert_int_equal(router_new(f->p, &f->ram, &f->r), 0);
	for (i = 0; i < NPAGES; i++)
		f->enc[i] = true;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	int i;

	router_free(f->r);
	platform_destroy(f->p);
	ram_free(&f->ram);
	for (i = 0; i < 3; i++)
		free(f->mem[i]);
	free(f->ref);
	free(f);
	return 0;
}

/* Random runs of shared pages, pushed with SET (the series' ioctl). */
static void random_bitmap(struct fixture *f, unsigned int shared_pct)
{
	uint8_t bits[NPAGES / 8] = {0};
	uint64_t i = 0, run;
	bool v;

	while (i < NPAGES) {
		v = rnd(f) % 100 >= shared_pct;
		run = 1 + rnd(f) % (rnd(f) % 4 ? 4 : 40);
		for (; run && i < NPAGES; run--, i++) {
			f->enc[i] = v;
			bits[i / 8] |= (uint8_t)(v << (i % 8));
		}
	}
	assert_int_equal(platform_set_bitmap(f->p, 0, NPAGES, bits), 0);
	router_invalidate(f->r);
	memset(f->cached, 0, sizeof(f->cached));
}

struct counts {
	uint64_t dec, enc, hr, hw;
};

static void snap(struct fixture *f, struct counts *c)
{
	c->dec = f->p->stats.decrypt_calls;
	c->enc = f->p->stats.encrypt_calls;
	c->hr = f->p->stats.host_read_calls;
	c->hw = f->p->stats.host_write_calls;
}

/*
 * The rule, page by page: encrypted page → one decrypt (none if cached;
 * writes: one encrypt, plus one decrypt unless 16-byte aligned); a run of
 * shared pages inside one region → one host call. Returns readable bytes.
 */
static size_t expected(struct fixture *f, uint64_t gpa, size_t len, bool write,
		       struct counts *c)
{
	const struct ram_region *reg, *prev = NULL;
	uint64_t cur = gpa, end = gpa + len, pend, g;
	bool shared_run = false;

	memset(c, 0, sizeof(*c));
	while (cur < end && (reg = ram_find(&f->ram, cur))) {
		pend = MIN((cur & PAGE_MASK) + PAGE_SIZE, end);
		g = cur >> PAGE_SHIFT;
		if (f->enc[g]) {
			shared_run = false;
			if (write) {
				c->enc++;
				if ((cur % 16 || pend % 16) &&
				    !(f->cache_on && f->cached[g]))
					c->dec++;
			} else if (!(f->cache_on && f->cached[g])) {
				c->dec++;
				f->cached[g] = f->cache_on;
			}
		} else {
			if (!shared_run || reg != prev)
				*(write ? &c->hw : &c->hr) += 1;
			shared_run = true;
		}
		prev = reg;
		cur = pend;
	}
	return cur - gpa;
}

static uint64_t random_gpa(struct fixture *f)
{
	uint64_t base;

	switch (rnd(f) % 4) {
	case 0: /* near a region edge or the hole */
		base = (uint64_t[]){A_SIZE, B_GPA, C_GPA, END_GPA}[rnd(f) % 4];
		return base - 64 + rnd(f) % 128 - (rnd(f) % 2) * 8192;
	case 1: /* near a page boundary */
		return ((rnd(f) % NPAGES) << PAGE_SHIFT) - 32 + rnd(f) % 64;
	default:
		return rnd(f) % END_GPA;
	}
}

static size_t random_len(struct fixture *f)
{
	switch (rnd(f) % 4) {
	case 0:
		return 1 + rnd(f) % 16;
	case 1:
		return 16 * (1 + rnd(f) % 8);
	case 2:
		return 1 + rnd(f) % 3 * PAGE_SIZE + rnd(f) % 300;
	default:
		return 1 + rnd(f) % 600;
	}
}

/*
 * One random access checked against the reference; returns the number of
 * disagreements (data, length or call counts) so a test can also prove
 * that a misrouted page is noticed.
 */
static int one_op(struct fixture *f, bool write)
{
	uint64_t gpa = random_gpa(f) % (END_GPA + 8192);
	size_t len = random_len(f), want;
	uint8_t buf[4 * PAGE_SIZE];
	struct counts before, after, exp;
	ssize_t got;
	int bad = 0;
	size_t i;

	len = MIN(len, sizeof(buf));
	want = expected(f, gpa, len, write, &exp);
	snap(f, &before);
	if (write) {
		for (i = 0; i < len; i++)
			buf[i] = (uint8_t)rnd(f);
		got = router_write(f->r, gpa, buf, len);
		if (got > 0)
			memcpy(f->ref + gpa, buf, (size_t)got);
	} else {
		memset(buf, 0xee, sizeof(buf));
		got = router_read(f->r, gpa, buf, len);
		if (got > 0 && memcmp(buf, f->ref + gpa, (size_t)got))
			bad++;
	}
	snap(f, &after);
	if (want == 0 ? got != -EFAULT : got != (ssize_t)want)
		bad++;
	if (after.dec - before.dec != exp.dec ||
	    after.enc - before.enc != exp.enc ||
	    after.hr - before.hr != exp.hr || after.hw - before.hw != exp.hw)
		bad++;
	if (bad && getenv("ROUTER_TEST_VERBOSE"))
		fprintf(stderr,
			"%s gpa 0x%" PRIx64
			" len %zu: got %zd want %zu; dec %" PRIu64 "/%" PRIu64
			" enc %" PRIu64 "/%" PRIu64 " hr %" PRIu64 "/%" PRIu64
			" hw %" PRIu64 "/%" PRIu64 "\n",
			write ? "write" : "read", gpa, len, got, want,
			after.dec - before.dec, exp.dec, after.enc - before.enc,
			exp.enc, after.hr - before.hr, exp.hr,
			after.hw - before.hw, exp.hw);
	return bad;
}

/* Guest memory itself must equal the reference after writes. */
static int guest_matches_ref(struct fixture *f)
{
	return !memcmp(f->mem[0], f->ref, A_SIZE) &&
	       !memcmp(f->mem[1], f->ref + B_GPA, B_SIZE) &&
	       !memcmp(f->mem[2], f->ref + C_GPA, C_SIZE);
}

/* A sweep of all RAM through the router in page-sized pieces. */
static int sweep(struct fixture *f)
{
	uint8_t buf[PAGE_SIZE];
	uint64_t gpa;
	int bad = 0;

	for (gpa = 0; gpa < END_GPA; gpa += PAGE_SIZE) {
		if (!in_ram(gpa))
			continue;
		if (router_read(f->r, gpa, buf, PAGE_SIZE) != PAGE_SIZE ||
		    memcmp(buf, f->ref + gpa, PAGE_SIZE))
			bad++;
	}
	return bad;
}

/* ROUTER_TEST_ROUNDS=N runs N times as many rounds (soak testing). */
static int differential(struct fixture *f, int rounds, int ops)
{
	const char *mult = getenv("ROUTER_TEST_ROUNDS");
	int bad = 0, i, k;

	if (mult && atoi(mult) > 1)
		rounds *= atoi(mult);

	for (k = 0; k < rounds; k++) {
		random_bitmap(f, (unsigned int)(rnd(f) % 101));
		for (i = 0; i < ops; i++)
			bad += one_op(f, rnd(f) % 3 == 0);
		bad += sweep(f);
		bad += !guest_matches_ref(f);
	}
	return bad;
}

static void test_differential_uncached(void **state)
{
	struct fixture *f = *state;

	router_set_cache(f->r, false);
	f->cache_on = false;
	assert_int_equal(differential(f, 8, 500), 0);
}

static void test_differential_cached(void **state)
{
	struct fixture *f = *state;

	router_set_cache(f->r, true);
	f->cache_on = true;
	assert_int_equal(differential(f, 8, 500), 0);
}

/* Prove the checks can fail: misroute one page each way. */
static void test_misrouted_page_detected(void **state)
{
	struct fixture *f = *state;
	uint64_t g;

	random_bitmap(f, 50);
	for (g = 0; g < NPAGES && !(f->enc[g] && in_ram(g << PAGE_SHIFT));)
		g++;
	router_debug_flip_page(f->r, g); /* encrypted read directly */
	assert_true(sweep(f) > 0);
	for (g = 0; g < NPAGES && (f->enc[g] || !in_ram(g << PAGE_SHIFT));)
		g++;
	router_debug_flip_page(f->r, g); /* shared page decrypted */
	assert_true(sweep(f) > 0);
	router_debug_flip_page(f->r, ~0ULL);
	assert_int_equal(sweep(f), 0);
	/* And through the random differential, reads and writes. */
	router_debug_flip_page(f->r, 5);
	assert_true(differential(f, 1, 300) > 0);
}

static void test_call_counts(void **state)
{
	struct fixture *f = *state;
	struct router_stats st;
	uint8_t *buf = malloc(A_SIZE);

	/* All encrypted, cache on: one decrypt per page cold, none warm. */
	router_set_cache(f->r, true);
	router_reset_stats(f->r);
	memset(&f->p->stats, 0, sizeof(f->p->stats));
	assert_int_equal(router_read(f->r, 0, buf, 1 << 20), 1 << 20);
	router_get_stats(f->r, &st);
	assert_int_equal(f->p->stats.decrypt_calls, 256);
	assert_int_equal(f->p->stats.host_read_calls, 0);
	assert_memory_equal(buf, f->ref, 1 << 20);
	assert_int_equal(router_read(f->r, 0, buf, 1 << 20), 1 << 20);
	router_get_stats(f->r, &st);
	assert_int_equal(f->p->stats.decrypt_calls, 256);
	assert_int_equal(st.cache_hits, 256);
	/* Invalidation drops the cache and refetches the bitmap. */
	router_invalidate(f->r);
	assert_int_equal(router_read(f->r, 0, buf, 8192), 8192);
	router_get_stats(f->r, &st);
	assert_int_equal(f->p->stats.decrypt_calls, 258);
	/* All shared: one host read for the whole region, no decrypt. */
	assert_int_equal(platform_set_bitmap(f->p, 0, NPAGES,
					     (uint8_t[NPAGES / 8]){0}),
			 0);
	router_invalidate(f->r);
	router_reset_stats(f->r);
	memset(&f->p->stats, 0, sizeof(f->p->stats));
	assert_int_equal(router_read(f->r, 0, buf, A_SIZE), A_SIZE);
	assert_memory_equal(buf, f->ref, A_SIZE);
	/* B and C are adjacent but separate regions: two calls. */
	assert_int_equal(router_read(f->r, C_GPA - 100, buf, 200), 200);
	router_get_stats(f->r, &st);
	assert_int_equal(f->p->stats.host_read_calls, 3);
	assert_int_equal(f->p->stats.decrypt_calls, 0);
	assert_int_equal(f->p->stats.host_read_bytes, A_SIZE + 200);
	free(buf);
}

static void test_holes_and_errors(void **state)
{
	struct fixture *f = *state;
	char e[200];
	uint8_t buf[8192];
	bool enc;

	router_set_cache(f->r, false);
	/* Crossing into the hole: the readable prefix. */
	assert_int_equal(router_read(f->r, A_SIZE - 100, buf, 300), 100);
	assert_int_equal(router_last_error(f->r, e, sizeof(e)), -EFAULT);
	assert_non_null(strstr(e, "gpa 0x200000: ")); /* A_SIZE */
	assert_non_null(strstr(e, "not guest RAM"));
	assert_int_equal(router_read(f->r, A_SIZE, buf, 16), -EFAULT);
	assert_int_equal(router_write(f->r, A_SIZE + 5, buf, 16), -EFAULT);
	assert_int_equal(router_page_encrypted(f->r, A_SIZE, &enc), -EFAULT);
	assert_int_equal(router_page_encrypted(f->r, 0x1000, &enc), 0);
	assert_true(enc);
	/* An injected decrypt failure on the second page: short, no
	 * ciphertext, and the message names the firmware's reason. */
	f->p->fail_decrypt_at = f->p->stats.decrypt_calls + 2;
	memset(buf, 0, sizeof(buf));
	assert_int_equal(router_read(f->r, 0x10000, buf, 8192), 4096);
	assert_memory_equal(buf, f->ref + 0x10000, 4096);
	assert_int_equal(router_last_error(f->r, e, sizeof(e)), -EIO);
	assert_string_equal(e,
			    "gpa 0x11000: DBG_DECRYPT failed: INVALID_ADDRESS (address not 16-byte aligned or not guest memory)");
	f->p->fail_decrypt_at = 0;
}

static void test_nodbg_policy(void **state)
{
	static const uint8_t key[16] = "router-test-key!";
	struct sim_config cfg = {.key = key,
				 .launched = true,
				 .hc_fd = -1,
				 .policy = SEV_POLICY_NODBG};
	struct fixture *f = *state;
	char e[200];
	struct platform *p;
	struct router *r;
	uint8_t buf[8192];
	uint8_t bits[NPAGES / 8];

	assert_int_equal(sim_platform_new(&f->ram, &cfg, &p), 0);
	assert_int_equal(router_new(p, &f->ram, &r), 0);
	memset(bits, 0xff, sizeof(bits));
	bits[0] = 0xfe; /* page 0 shared */
	assert_int_equal(platform_set_bitmap(p, 0, NPAGES, bits), 0);
	assert_int_equal(router_read(r, 0xff0, buf, 64), 16);
	assert_memory_equal(buf, f->ref + 0xff0, 16);
	assert_int_equal(router_last_error(r, e, sizeof(e)), -EIO);
	assert_string_equal(e,
			    "gpa 0x1000: DBG_DECRYPT failed: POLICY_FAILURE (guest policy forbids debugging)");
	assert_int_equal(router_read(r, 0x1000, buf, 1), -EIO);
	assert_int_equal(router_write(r, 0x1000, buf, 16), -EIO);
	router_last_error(r, e, sizeof(e));
	assert_non_null(strstr(e, "DBG_ENCRYPT"));
	router_free(r);
	platform_destroy(p);
}

/* Records drained by sync reach the router after invalidation only. */
static void test_bitmap_refresh(void **state)
{
	struct fixture *f = *state;
	uint8_t rec[32] = "SEVH";
	uint8_t buf[16];
	const struct bitmap *bm;
	struct router_stats st;

	router_set_cache(f->r, true);
	assert_int_equal(router_read(f->r, 0x3000, buf, 16), 16);
	rec[4] = 12;
	rec[9] = 0x30; /* gpa 0x3000, 1 page, decrypted */
	rec[16] = 1;
	sim_platform_feed(f->p, rec, sizeof(rec));
	bm = router_bitmap(f->r);
	assert_true(bitmap_test(bm, 3)); /* still the cached copy */
	router_invalidate(f->r);
	bm = router_bitmap(f->r);
	assert_false(bitmap_test(bm, 3));
	router_reset_stats(f->r);
	memset(&f->p->stats, 0, sizeof(f->p->stats));
	assert_int_equal(router_read(f->r, 0x3000, buf, 16), 16);
	assert_memory_equal(buf, f->ref + 0x3000, 16);
	router_get_stats(f->r, &st);
	assert_int_equal(f->p->stats.host_read_calls, 1);
	assert_int_equal(f->p->stats.decrypt_calls, 0);
	/* While the guest runs (cache off) a record counts at once. */
	router_set_cache(f->r, false);
	rec[9] = 0x50; /* gpa 0x5000 */
	sim_platform_feed(f->p, rec, sizeof(rec));
	router_reset_stats(f->r);
	memset(&f->p->stats, 0, sizeof(f->p->stats));
	assert_int_equal(router_read(f->r, 0x5000, buf, 16), 16);
	assert_memory_equal(buf, f->ref + 0x5000, 16);
	router_get_stats(f->r, &st);
	assert_int_equal(f->p->stats.host_read_calls, 1);
	assert_int_equal(st.bitmap_refreshes, 1);
	assert_false(bitmap_test(router_bitmap(f->r), 5));
}

/* A cached page goes stale behind our back until invalidated. */
static void test_cache_invalidation(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[16];

	router_set_cache(f->r, true);
	assert_int_equal(router_read(f->r, 0x4000, buf, 16), 16);
	f->mem[0][0x4000] ^= 0xff; /* the guest ran and wrote */
	assert_int_equal(router_read(f->r, 0x4000, buf, 16), 16);
	assert_int_equal(buf[0], f->ref[0x4000]);
	router_invalidate(f->r);
	assert_int_equal(router_read(f->r, 0x4000, buf, 16), 16);
	assert_int_equal(buf[0], f->ref[0x4000] ^ 0xff);
	/* With the cache off every read goes to the platform. */
	router_set_cache(f->r, false);
	f->mem[0][0x4000] ^= 0xff;
	assert_int_equal(router_read(f->r, 0x4000, buf, 16), 16);
	assert_int_equal(buf[0], f->ref[0x4000]);
	/* A tiny cache still gives right answers (evictions). */
	assert_int_equal(router_set_cache_pages(f->r, 3), 0);
	router_set_cache(f->r, true);
	f->cache_on = false; /* counts differ with evictions; data not */
	assert_int_equal(sweep(f), 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_differential_uncached),	 T(test_differential_cached),
		T(test_misrouted_page_detected), T(test_call_counts),
		T(test_holes_and_errors),	 T(test_nodbg_policy),
		T(test_bitmap_refresh),		 T(test_cache_invalidation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
