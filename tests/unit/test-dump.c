// SPDX-License-Identifier: GPL-2.0-only
/*
 * The dump writer on a sim-backed session, read back through the core
 * target: round trips, missing pages, no ciphertext, raw ranges, options.
 */
#include "tests/unit/dump-fixture.h"

static void test_elf_round_trip(void **state)
{
	struct fx *f = *state;
	struct dump_result r;

	assert_int_equal(do_dump(f, DUMP_FMT_ELF, &r), 0);
	check_counts(&r, 0);
	assert_int_equal(dir_entries(f->dir), 1); /* no temp file left */
	slurp(f);
	assert_memory_equal(f->file, "\177ELF", 4);
	check_no_ciphertext(f, PRIVATE_GPA, true);
	check_no_ciphertext(f, B_GPA, true);
	assert_non_null(memmem(f->file, f->file_len,
			       plain(f, SHARED_A * PAGE_SIZE), PAGE_SIZE));
	check_read_back(f, UINT64_MAX);
}

static void test_kdump_round_trip(void **state)
{
	struct fx *f = *state;
	struct dump_result r;

	assert_int_equal(do_dump(f, DUMP_FMT_KDUMP, &r), 0);
	check_counts(&r, 0);
	assert_int_equal(r.pages_zero, 1);
	slurp(f);
	assert_memory_equal(f->file, KDUMP_SIGNATURE, KDUMP_SIG_LEN);
	assert_int_equal(get_le32(f->file + KDH_VERSION), 6);
	/* Random pages do not compress: stored as is, so findable. */
	check_no_ciphertext(f, PRIVATE_GPA, true);
	/* The 'z' page compressed, so its plaintext is not there raw. */
	assert_null(memmem(f->file, f->file_len, plain(f, 7 * PAGE_SIZE),
			   PAGE_SIZE));
	check_read_back(f, UINT64_MAX);
}

/*
 * Pages that are zero but for one byte (first, end of the first 64-byte
 * line, start of the second, middle, last) are data, not zero pages; the
 * walk reads each page once, around the decrypted-page cache.
 */
static void test_kdump_almost_zero(void **state)
{
	static const size_t at[] = {0, 63, 64, 2048, PAGE_SIZE - 1};
	struct fx *f = *state;
	struct router_stats st0, st1;
	uint64_t dec0;
	struct dump_result r;
	size_t i;

	for (i = 0; i <= ARRAY_SIZE(at); i++) {
		uint8_t *p = f->mem[0] + (30 + i) * PAGE_SIZE;

		memset(p, 0, PAGE_SIZE);
		if (i < ARRAY_SIZE(at))
			p[at[i]] = 0x5a; /* the last page stays all zero */
	}
	router_get_stats(f->s.router, &st0);
	dec0 = f->s.t->plat->stats.decrypt_calls;
	assert_int_equal(do_dump(f, DUMP_FMT_KDUMP, &r), 0);
	router_get_stats(f->s.router, &st1);
	assert_int_equal(r.pages_zero, 2);
	assert_int_equal(st1.cache_hits + st1.cache_misses,
			 st0.cache_hits + st0.cache_misses);
	assert_int_equal(f->s.t->plat->stats.decrypt_calls - dec0,
			 r.pages_encrypted);
	check_read_back(f, UINT64_MAX);
}

/* One decrypt fails: that page is missing, counted, never ciphertext. */
static void missing_page(struct fx *f, enum dump_format fmt)
{
	struct dump_result r;
	uint64_t missing = 3 * PAGE_SIZE; /* third private page */
	uint8_t ct[PAGE_SIZE];

	f->t.plat->fail_decrypt_at = f->t.plat->stats.decrypt_calls + 4;
	assert_int_equal(do_dump(f, fmt, &r), 0);
	f->t.plat->fail_decrypt_at = 0;
	check_counts(&r, 1);
	slurp(f);
	assert_int_equal(platform_read_host(f->t.plat, missing, ct, PAGE_SIZE),
			 0);
	assert_null(memmem(f->file, f->file_len, ct, 256));
	assert_null(memmem(f->file, f->file_len, plain(f, missing), PAGE_SIZE));
	check_read_back(f, missing);
}

/*
 * Read the dump back through the core target: every page either equals
 * the guest's plaintext or is unreadable (missing). Returns the number of
 * missing pages; *first gets the first one.
 */
static uint64_t count_missing(struct fx *f, uint64_t *first)
{
	struct target_opts o = {0};
	struct target *t = NULL;
	struct session s;
	uint8_t page[PAGE_SIZE];
	uint64_t missing = 0, gpa;
	char err[256] = "";
	size_t i;

	*first = UINT64_MAX;
	assert_int_equal(core_target_type.open(f->path, &o, &t, err,
					       sizeof(err)),
			 0);
	assert_int_equal(session_init(&s, t), 0);
	for (i = 0; i < t->ram.nr; i++) {
		const struct ram_region *r = &t->ram.regions[i];

		for (gpa = r->gpa; gpa < r->gpa + r->size; gpa += PAGE_SIZE) {
			if (router_read(s.router, gpa, page, PAGE_SIZE) ==
			    PAGE_SIZE) {
				assert_memory_equal(page, plain(f, gpa),
						    PAGE_SIZE);
				continue;
			}
			if (!missing++)
				*first = gpa;
		}
	}
	session_release(&s);
	target_destroy(t);
	return missing;
}

/*
 * Issue 8's fault sweep: make the n-th DBG_DECRYPT fail for every n of a
 * whole dump (then the n-th direct read): each failure costs exactly the
 * page (or shared run) it covered, every other page is the plaintext, and
 * the hypervisor's view (ciphertext) of the lost page is nowhere in the file.
 */
static void fault_sweep(struct fx *f, enum dump_format fmt, bool host)
{
	struct platform *p = f->t.plat;
	struct dump_result r;
	uint64_t n, calls, first, lost, prev = 0;
	uint8_t ct[PAGE_SIZE];

	memset(&p->stats, 0, sizeof(p->stats));
	assert_int_equal(do_dump(f, fmt, &r), 0);
	calls = host ? p->stats.host_read_calls : p->stats.decrypt_calls;
	assert_true(calls >= (host ? 2 : 200));
	for (n = 1; n <= calls; n++) {
		memset(&p->stats, 0, sizeof(p->stats));
		if (host)
			p->fail_read_host_at = n;
		else
			p->fail_decrypt_at = n;
		assert_int_equal(do_dump(f, fmt, &r), 0);
		p->fail_decrypt_at = p->fail_read_host_at = 0;
		lost = count_missing(f, &first);
		assert_int_equal(lost, r.pages_missing);
		/* one private page, or the one shared run (4 or 1 pages) */
		if (host)
			assert_true(lost == 4 || lost == 1);
		else
			assert_int_equal(lost, 1);
		assert_true(first > prev || n == 1); /* each n its own page */
		prev = first;
		slurp(f);
		assert_int_equal(platform_read_host(p, first, ct, PAGE_SIZE),
				 0);
		if (!host)
			assert_null(memmem(f->file, f->file_len, ct, 256));
	}
}

static void test_fault_sweep_elf(void **state)
{
	fault_sweep(*state, DUMP_FMT_ELF, false);
	fault_sweep(*state, DUMP_FMT_ELF, true);
}

static void test_fault_sweep_kdump(void **state)
{
	fault_sweep(*state, DUMP_FMT_KDUMP, false);
	fault_sweep(*state, DUMP_FMT_KDUMP, true);
}

static void test_elf_missing_page(void **state)
{
	missing_page(*state, DUMP_FMT_ELF);
}

static void test_kdump_missing_page(void **state)
{
	missing_page(*state, DUMP_FMT_KDUMP);
}

static void test_raw_range(void **state)
{
	struct fx *f = *state;
	struct dump_opts o = {.format = DUMP_FMT_RAW,
			      .path = f->path,
			      .has_range = true,
			      .start = 8 * PAGE_SIZE + 100,
			      .end = 16 * PAGE_SIZE};
	struct dump_result r;

	assert_int_equal(dump_write(&f->s, &o, &r, f->err, sizeof(f->err)), 0);
	slurp(f);
	assert_int_equal(f->file_len, o.end - o.start);
	assert_memory_equal(f->file, plain(f, o.start), f->file_len);
	/* Pages 8..15, 10..13 shared: the summary counts what it read. */
	assert_int_equal(r.pages_shared, 4);
	assert_int_equal(r.pages_encrypted, 4);
	assert_true(r.platform_calls >= 5);
	/* Into the hole: refused, nothing replaces the previous file. */
	o.end = B_GPA + PAGE_SIZE;
	assert_int_not_equal(dump_write(&f->s, &o, &r, f->err, sizeof(f->err)),
			     0);
	assert_non_null(strstr(f->err, "cannot read physical address"));
	slurp(f);
	assert_int_equal(f->file_len, 16 * PAGE_SIZE - o.start);
	assert_int_equal(dir_entries(f->dir), 1);
}

static void test_bad_options(void **state)
{
	struct fx *f = *state;
	struct dump_opts o = {.format = DUMP_FMT_RAW, .path = f->path};
	struct dump_result r;

	assert_int_equal(dump_write(&f->s, &o, &r, f->err, sizeof(f->err)),
			 -EINVAL);
	assert_non_null(strstr(f->err, "--range"));
	o.format = DUMP_FMT_KDUMP;
	o.paging = true;
	assert_int_equal(dump_write(&f->s, &o, &r, f->err, sizeof(f->err)),
			 -EINVAL);
	assert_int_equal(dir_entries(f->dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_elf_round_trip, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_kdump_round_trip, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_kdump_almost_zero, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fault_sweep_elf, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fault_sweep_kdump, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_elf_missing_page, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_kdump_missing_page, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_raw_range, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_options, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
