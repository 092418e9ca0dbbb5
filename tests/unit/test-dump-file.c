// SPDX-License-Identifier: GPL-2.0-only
/*
 * The dump writer and the file system and the guest: no symlinks
 * followed, atomic failures (interrupt, full disk), vCPUs stopped and resumed.
 */
#include "tests/unit/dump-fixture.h"

static void test_refuses_symlink(void **state)
{
	struct fx *f = *state;
	struct dump_result r;
	char target[128];

	snprintf(target, sizeof(target), "%s/elsewhere", f->dir);
	assert_int_equal(symlink(target, f->path), 0);
	assert_int_equal(do_dump(f, DUMP_FMT_ELF, &r), -ELOOP);
	assert_non_null(strstr(f->err, "symbolic link"));
	assert_int_equal(access(target, F_OK), -1);
	assert_int_equal(dir_entries(f->dir), 1);
}

static void test_interrupted(void **state)
{
	struct fx *f = *state;
	struct dump_result r;
	volatile int flag = 1;

	f->s.interrupted = &flag;
	assert_int_equal(do_dump(f, DUMP_FMT_KDUMP, &r), -EINTR);
	f->s.interrupted = NULL;
	assert_non_null(strstr(f->err, "interrupted"));
	assert_int_equal(dir_entries(f->dir), 0);
}

/* A full disk (here: RLIMIT_FSIZE) fails the dump and leaves nothing. */
static void test_disk_full(void **state)
{
	struct fx *f = *state;
	struct rlimit old, small = {64 << 10, 0};
	struct dump_result r;
	int ret;

	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small.rlim_max = old.rlim_max;
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	ret = do_dump(f, DUMP_FMT_ELF, &r);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_int_not_equal(ret, 0);
	assert_non_null(strstr(f->err, "writing the dump failed"));
	assert_int_equal(dir_entries(f->dir), 0);
}

/* A running guest is stopped for the dump and resumed unless asked not to. */
static void test_stops_and_resumes(void **state)
{
	struct fx *f = *state;
	struct dump_opts o = {.format = DUMP_FMT_ELF, .path = f->path};
	struct dump_result r;

	f->t.live = true;
	f->t.running = true;
	assert_int_equal(dump_write(&f->s, &o, &r, f->err, sizeof(f->err)), 0);
	assert_int_equal(f->run.interrupts, 1);
	assert_int_equal(f->run.resumes, 1);
	assert_int_equal(f->run.last[0], RESUME_CONT);
	assert_int_equal(f->run.last[1], RESUME_CONT);
	assert_true(f->t.running);
	o.keep_stopped = true;
	assert_int_equal(dump_write(&f->s, &o, &r, f->err, sizeof(f->err)), 0);
	assert_int_equal(f->run.interrupts, 2);
	assert_int_equal(f->run.resumes, 1);
	assert_false(f->t.running);
	/* Already stopped: nothing to interrupt, nothing to resume. */
	o.keep_stopped = false;
	assert_int_equal(dump_write(&f->s, &o, &r, f->err, sizeof(f->err)), 0);
	assert_int_equal(f->run.interrupts, 2);
	assert_int_equal(f->run.resumes, 1);
}

/*
 * NODBG with 80 isolated shared pages: every private page is missing, so
 * the PT_LOADs outnumber the slots reserved before the data and the
 * program headers go after it. Read back, only the shared pages exist.
 */
static void test_elf_many_splits(void **state)
{
	struct fx *f = *state;
	struct target_opts o = {0};
	struct target *t = NULL;
	struct session s;
	struct dump_result r;
	uint8_t page[PAGE_SIZE];
	char err[256];
	Elf64_Ehdr *eh;
	uint64_t gfn;

	for (gfn = 30; gfn < 190; gfn += 2)
		make_shared(f->t.plat, gfn << PAGE_SHIFT, 1);
	assert_int_equal(do_dump(f, DUMP_FMT_ELF, &r), 0);
	assert_int_equal(r.pages_encrypted, 0);
	assert_int_equal(r.pages_shared, 85);
	assert_int_equal(r.pages_missing, A_PAGES + B_PAGES - 85);
	slurp(f);
	eh = (Elf64_Ehdr *)f->file;
	assert_true(eh->e_phnum > 80);
	assert_true(eh->e_phoff > PAGE_SIZE); /* after the data */
	assert_int_equal(core_target_type.open(f->path, &o, &t, err,
					       sizeof(err)),
			 0);
	assert_int_equal(session_init(&s, t), 0);
	for (gfn = 0; gfn < A_PAGES; gfn++) {
		ssize_t n = router_read(s.router, gfn << PAGE_SHIFT, page,
					PAGE_SIZE);
		bool shared = (gfn >= 30 && gfn < 190 && !(gfn % 2)) ||
			      (gfn >= SHARED_A && gfn < SHARED_A + 4);

		if (shared) {
			assert_int_equal(n, PAGE_SIZE);
			assert_memory_equal(page, plain(f, gfn << PAGE_SHIFT),
					    PAGE_SIZE);
		} else {
			assert_true(n < 0);
		}
	}
	session_release(&s);
	target_destroy(t);
}

/* A note page as Linux's crash_save_vmcoreinfo_init leaves it. */

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_refuses_symlink, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_interrupted, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_disk_full, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_stops_and_resumes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_elf_many_splits,
						setup_nodbg, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
