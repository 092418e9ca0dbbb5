// SPDX-License-Identifier: GPL-2.0-only
/*
 * The router and the sim over a RAM map that is not simply there: a backend
 * QEMU does not share (--allow-partial), and RAM hot-plugged at a stop.
 */
#include <errno.h>
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

/* A [0,1M) mapped; B [1M,2M) unreachable; D [4G,4G+1M) plugged later. */
#define A_SIZE (1u << 20)
#define B_GPA  (1u << 20)
#define B_SIZE (1u << 20)
#define D_GPA  (1ULL << 32)
#define D_SIZE (1u << 20)

struct fixture {
	struct ram_map ram;
	uint8_t *a, *d;
	struct platform *p;
	struct router *r;
};

static int setup(void **state)
{
	static const uint8_t key[16] = "ram-follow-key!!";
	struct sim_config cfg = {.key = key, .launched = true, .hc_fd = -1};
	struct fixture *f = calloc(1, sizeof(*f));
	size_t i;

	assert_non_null(f);
	f->a = malloc(A_SIZE);
	f->d = malloc(D_SIZE);
	assert_non_null(f->a);
	assert_non_null(f->d);
	for (i = 0; i < A_SIZE; i++)
		f->a[i] = (uint8_t)(i * 7 + 1);
	for (i = 0; i < D_SIZE; i++)
		f->d[i] = (uint8_t)(i * 13 + 5);
	assert_int_equal(ram_add(&f->ram, 0, A_SIZE, f->a, "m0"), 0);
	assert_int_equal(ram_add_unreachable(&f->ram, B_GPA, B_SIZE, "m1"), 0);
	assert_int_equal(sim_platform_new(&f->ram, &cfg, &f->p), 0);
	assert_int_equal(router_new(f->p, &f->ram, &f->r), 0);
	router_set_cache(f->r, true);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	router_free(f->r);
	platform_destroy(f->p);
	ram_free(&f->ram);
	free(f->a);
	free(f->d);
	free(f);
	return 0;
}

static uint64_t platform_calls(const struct platform *p)
{
	return p->stats.decrypt_calls + p->stats.encrypt_calls +
	       p->stats.host_read_calls + p->stats.host_write_calls;
}

/* Never zeros, never ciphertext: an error that names the backend. */
static void test_unreachable_backend(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[8192];
	uint64_t calls;
	char e[200];
	bool enc;

	memset(buf, 0xaa, sizeof(buf));
	calls = platform_calls(f->p);
	assert_int_equal(router_read(f->r, B_GPA + 0x2000, buf, 16), -ENODATA);
	assert_int_equal(platform_calls(f->p), calls);
	assert_int_equal(buf[0], 0xaa);
	assert_int_equal(router_last_error(f->r, e, sizeof(e)), -ENODATA);
	assert_string_equal(e,
			    "gpa 0x102000: in RAM backend 'm1' (0x100000-0x1fffff), which QEMU does not share with sevdbg (it needs share=on)");
	/* From m0 into m1: m0's bytes, then the stop. */
	assert_int_equal(router_read(f->r, B_GPA - 4096, buf, 8192), 4096);
	assert_memory_equal(buf, f->a + A_SIZE - 4096, 4096);
	assert_int_equal(router_last_error(f->r, e, sizeof(e)), -ENODATA);
	assert_int_equal(router_write(f->r, B_GPA, buf, 16), -ENODATA);
	/* It is RAM, so not a hole: the bitmap and its status still answer. */
	assert_int_equal(router_page_encrypted(f->r, B_GPA, &enc), 0);
	assert_int_equal(router_read(f->r, 2u << 20, buf, 16), -EFAULT);
}

/* A page-encryption record for gpa (one page) as the guest sends it. */
static void record(struct platform *p, uint64_t gpa, bool encrypted)
{
	uint8_t rec[32] = "SEVH";

	rec[4] = HC_MAP_GPA_RANGE;
	memcpy(&rec[8], &gpa, 8);
	rec[16] = 1;
	rec[24] = encrypted ? HC_MAP_GPA_RANGE_ENCRYPTED : 0;
	assert_int_equal(sim_platform_feed(p, rec, sizeof(rec)), 0);
}

/*
 * DIMM D plugged while the guest ran: at the stop the target adds it to the
 * map, and the router's and the sim's bitmaps must grow with it, or the
 * guest's record that a page of D is shared is lost and the page is
 * "decrypted" into garbage.
 */
static void test_hotplug_grows_bitmaps(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[64];
	uint64_t gen = f->ram.gen;
	struct ram_map nm = {0};

	assert_int_equal(router_read(f->r, D_GPA, buf, 16), -EFAULT);
	assert_int_equal(ram_add(&nm, 0, A_SIZE, f->a, "m0"), 0);
	assert_int_equal(ram_add_unreachable(&nm, B_GPA, B_SIZE, "m1"), 0);
	assert_int_equal(ram_add(&nm, D_GPA, D_SIZE, f->d, "dimm"), 0);
	ram_replace(&f->ram, &nm);
	assert_true(f->ram.gen > gen);
	assert_int_equal(nm.nr, 0);
	router_invalidate(f->r); /* the stop */
	/* New RAM starts encrypted, as every page does. */
	assert_int_equal(router_read(f->r, D_GPA, buf, 16), 16);
	assert_memory_equal(buf, f->d, 16);
	assert_true(bitmap_test(router_bitmap(f->r), D_GPA >> PAGE_SHIFT));
	/* The guest shares a page of D: read directly, and right. */
	record(f->p, D_GPA + 0x3000, false);
	router_invalidate(f->r);
	memset(&f->p->stats, 0, sizeof(f->p->stats));
	assert_int_equal(router_read(f->r, D_GPA + 0x3000, buf, 64), 64);
	assert_memory_equal(buf, f->d + 0x3000, 64);
	assert_int_equal(f->p->stats.host_read_calls, 1);
	assert_int_equal(f->p->stats.decrypt_calls, 0);
	assert_false(bitmap_test(router_bitmap(f->r),
				 (D_GPA + 0x3000) >> PAGE_SHIFT));
}

static void test_bitmap_grow(void **state)
{
	struct bitmap b;
	uint8_t bits[2] = {0};

	(void)state;
	assert_int_equal(bitmap_init(&b, 10), 0);
	assert_int_equal(bitmap_set(&b, 0, 10, bits), 0);
	assert_int_equal(bitmap_grow(&b, 200), 0);
	assert_int_equal(b.npages, 200);
	assert_int_equal(bitmap_count(&b, 0, 10), 0);	  /* kept */
	assert_int_equal(bitmap_count(&b, 10, 190), 190); /* encrypted */
	assert_int_equal(bitmap_grow(&b, 5), 0);	  /* never shrinks */
	assert_int_equal(b.npages, 200);
	bitmap_release(&b);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_unreachable_backend),
		T(test_hotplug_grows_bitmaps),
		cmocka_unit_test(test_bitmap_grow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
