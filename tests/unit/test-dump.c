// SPDX-License-Identifier: GPL-2.0-only
/*
 * The dump writer on a sim-backed session, read back through the core
 * target: round trips, missing pages, no ciphertext, atomic failures.
 */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "gdbstub/dump/dump-int.h"
#include "gdbstub/dump/dump.h"
#include "sevdbg/platform.h"
#include "gdbstub/mem/router.h"
#include "gdbstub/mem/session.h"
#include "sevdbg/simhc.h"
#include "plugins/targets/core/core-int.h"

/* A dump written by sevdbg carries its bitmap; others come with a caveat. */
static bool has_sevdbg_note(struct target *t)
{
	struct platform_info pi;

	return !platform_info(t->plat, &pi) && !pi.bitmap_caveat;
}

/* A GNU extension, hidden by the #undef above but always in glibc. */
void *memmem(const void *hay, size_t hlen, const void *needle, size_t nlen);

/* RAM: A = [0, 48 pages), hole, B = [1 MiB, 1 MiB + 16 pages). */
#define A_PAGES	    200
#define B_GPA	    0x100000ULL
#define B_PAGES	    16
#define NR_VCPUS    2
#define ZERO_PAGE_A 5  /* all zero: kdump shares a descriptor */
#define SHARED_A    10 /* pages 10..13 of A shared */
#define SHARED_B    (B_GPA + 2 * PAGE_SIZE)
#define PRIVATE_GPA (20 * PAGE_SIZE)

/* Run control of the fake: counts what the dump writer asked for. */
struct fake_run {
	int interrupts, waits, resumes;
	enum resume_action last[NR_VCPUS];
};

struct fx {
	struct target t;
	struct fake_run run;
	struct session s;
	uint8_t *mem[2];
	char dir[64], path[96];
	char err[256]; /* of the last dump_write */
	uint8_t *file;
	size_t file_len;
};

static int fake_nr_vcpus(struct target *t)
{
	return NR_VCPUS;
}

static int fake_read_regs(struct target *t, int vcpu, struct regs *r)
{
	unsigned int i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < REGS_NR; i++) {
		if (regs_size(i) > 8)
			continue;
		regs_set(r, i, 0x1000 * (uint64_t)vcpu + i + 1);
		r->valid[i] = 1;
	}
	regs_set(r, REGS_CR0, 0x80050033);
	regs_set(r, REGS_CR3, 0x3000); /* not a real page table */
	regs_set(r, REGS_CR4, 0x20);
	regs_set(r, REGS_EFER, 0xd00);
	return 0;
}

static struct fake_run *fake_run_of(struct target *t)
{
	return t->priv;
}

static int fake_interrupt(struct target *t)
{
	fake_run_of(t)->interrupts++;
	return 0;
}

static int fake_wait_stop(struct target *t, struct stop_event *ev)
{
	struct fake_run *r = fake_run_of(t);

	if (!r->interrupts || r->waits++ == 0)
		return -EAGAIN; /* still running once, like a real guest */
	memset(ev, 0, sizeof(*ev));
	ev->kind = STOP_SIGNAL;
	ev->signo = 2;
	return 0;
}

static int fake_resume(struct target *t, const struct resume_req *req)
{
	struct fake_run *r = fake_run_of(t);

	r->resumes++;
	memcpy(r->last, req->action, sizeof(r->last));
	return 0;
}

static int fake_event_fd(struct target *t)
{
	return -1;
}

static const struct target_ops fake_ops = {
	.name = "fake",
	.nr_vcpus = fake_nr_vcpus,
	.read_regs = fake_read_regs,
	.interrupt = fake_interrupt,
	.wait_stop = fake_wait_stop,
	.resume = fake_resume,
	.event_fd = fake_event_fd,
};

static uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void make_shared(struct platform *p, uint64_t gpa, uint64_t npages)
{
	uint8_t rec[SIM_HC_RECORD_SIZE];

	put_le32(rec, SIM_HC_MAGIC);
	put_le32(rec + 4, SIM_HC_NR_MAP_GPA_RANGE);
	put_le64(rec + 8, gpa);
	put_le64(rec + 16, npages);
	put_le64(rec + 24, 0); /* 4K, decrypted */
	assert_int_equal(sim_platform_feed(p, rec, sizeof(rec)), 0);
}

static int setup_policy(void **state, uint32_t policy)
{
	static const uint8_t key[16] = "dump-test-key-16";
	struct sim_config cfg = {.cbit = 52,
				 .key = key,
				 .hc_fd = -1,
				 .launched = true,
				 .policy = policy};
	struct fx *f = calloc(1, sizeof(*f));
	uint64_t seed = 0x9e3779b97f4a7c15ULL, *w;
	size_t i;

	assert_non_null(f);
	f->mem[0] = aligned_alloc(PAGE_SIZE, A_PAGES * PAGE_SIZE);
	f->mem[1] = aligned_alloc(PAGE_SIZE, B_PAGES * PAGE_SIZE);
	assert_non_null(f->mem[0]);
	assert_non_null(f->mem[1]);
	w = (uint64_t *)f->mem[0];
	for (i = 0; i < A_PAGES * PAGE_SIZE / 8; i++)
		w[i] = xorshift(&seed);
	w = (uint64_t *)f->mem[1];
	for (i = 0; i < B_PAGES * PAGE_SIZE / 8; i++)
		w[i] = xorshift(&seed);
	memset(f->mem[0] + ZERO_PAGE_A * PAGE_SIZE, 0, PAGE_SIZE);
	memset(f->mem[0] + 7 * PAGE_SIZE, 'z', PAGE_SIZE); /* compressible */
	assert_int_equal(ram_add(&f->t.ram, 0, A_PAGES * PAGE_SIZE, f->mem[0],
				 "A"),
			 0);
	assert_int_equal(ram_add(&f->t.ram, B_GPA, B_PAGES * PAGE_SIZE,
				 f->mem[1], "B"),
			 0);
	assert_int_equal(sim_platform_new(&f->t.ram, &cfg, &f->t.plat), 0);
	make_shared(f->t.plat, SHARED_A * PAGE_SIZE, 4);
	make_shared(f->t.plat, SHARED_B, 1);
	f->t.ops = &fake_ops;
	f->t.priv = &f->run;
	assert_int_equal(session_init(&f->s, &f->t), 0);
	strcpy(f->dir, "/tmp/sevdbg-test-dump-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/vmcore", f->dir);
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return setup_policy(state, 0);
}

static int setup_nodbg(void **state)
{
	return setup_policy(state, SEV_POLICY_NODBG);
}

static int dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	DIR *d = opendir(f->dir);
	struct dirent *e;
	char p[400];

	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", f->dir, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(f->dir);
	session_release(&f->s);
	platform_destroy(f->t.plat);
	ram_free(&f->t.ram);
	free(f->mem[0]);
	free(f->mem[1]);
	free(f->file);
	free(f);
	return 0;
}

static void slurp(struct fx *f)
{
	struct stat st;
	int fd = open(f->path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	free(f->file);
	f->file_len = (size_t)st.st_size;
	f->file = malloc(f->file_len);
	assert_non_null(f->file);
	assert_int_equal(read(fd, f->file, f->file_len), (ssize_t)f->file_len);
	close(fd);
}

static const uint8_t *plain(struct fx *f, uint64_t gpa)
{
	return gpa >= B_GPA ? f->mem[1] + (gpa - B_GPA) : f->mem[0] + gpa;
}

static int do_dump(struct fx *f, enum dump_format fmt, struct dump_result *r)
{
	struct dump_opts o = {.format = fmt, .path = f->path};

	return dump_write(&f->s, &o, r, f->err, sizeof(f->err));
}

/* Open the dump as core:FILE and compare every page and register. */
static void check_read_back(struct fx *f, uint64_t missing_gpa)
{
	struct target_opts o = {0};
	struct target *t = NULL;
	struct session s;
	struct regs want, got;
	struct platform_info info;
	uint8_t page[PAGE_SIZE], bits[(B_GPA >> PAGE_SHIFT) / 8 + 8];
	uint8_t sim_bits[sizeof(bits)];
	char err[256] = "";
	size_t i;
	int v;

	assert_int_equal(core_target_type.open(f->path, &o, &t, err,
					       sizeof(err)),
			 0);
	assert_true(has_sevdbg_note(t));
	assert_int_equal(session_init(&s, t), 0);
	assert_true(s.read_only);
	for (i = 0; i < t->ram.nr; i++) {
		const struct ram_region *r = &t->ram.regions[i];
		uint64_t gpa;

		for (gpa = r->gpa; gpa < r->gpa + r->size; gpa += PAGE_SIZE) {
			ssize_t n = router_read(s.router, gpa, page, PAGE_SIZE);

			if (gpa == missing_gpa) {
				assert_true(n < (ssize_t)PAGE_SIZE);
				continue;
			}
			assert_int_equal(n, PAGE_SIZE);
			assert_memory_equal(page, plain(f, gpa), PAGE_SIZE);
		}
	}
	assert_int_equal(t->ram.nr, 2);
	assert_int_equal(target_nr_vcpus(t), NR_VCPUS);
	for (v = 0; v < NR_VCPUS; v++) {
		fake_read_regs(NULL, v, &want);
		assert_int_equal(target_read_regs(t, v, &got), 0);
		assert_memory_equal(want.raw, got.raw, REGS_BYTES);
		assert_memory_equal(want.valid, got.valid, REGS_NR);
	}
	assert_int_equal(platform_info(t->plat, &info), 0);
	assert_true(info.encrypted);
	assert_int_equal(info.cbit, 52);
	assert_int_equal(platform_get_bitmap(t->plat, 0, sizeof(bits) * 8,
					     bits),
			 0);
	assert_int_equal(platform_get_bitmap(f->t.plat, 0, sizeof(bits) * 8,
					     sim_bits),
			 0);
	/* Beyond RAM the sim may say anything; compare RAM pages only. */
	for (i = 0; i < A_PAGES; i++)
		assert_int_equal(bits[i / 8] >> (i % 8) & 1,
				 sim_bits[i / 8] >> (i % 8) & 1);
	for (i = B_GPA >> PAGE_SHIFT; i < (B_GPA >> PAGE_SHIFT) + B_PAGES; i++)
		assert_int_equal(bits[i / 8] >> (i % 8) & 1,
				 sim_bits[i / 8] >> (i % 8) & 1);
	assert_int_equal(router_write(s.router, 0, page, 16) > 0, 0);
	session_release(&s);
	target_destroy(t);
}

/* The hypervisor's view of a private page must not be in the file. */
static void check_no_ciphertext(struct fx *f, uint64_t gpa, bool want_plain)
{
	uint8_t ct[PAGE_SIZE];

	assert_int_equal(platform_read_host(f->t.plat, gpa, ct, PAGE_SIZE), 0);
	assert_memory_not_equal(ct, plain(f, gpa), PAGE_SIZE);
	assert_null(memmem(f->file, f->file_len, ct, 256));
	if (want_plain)
		assert_non_null(
			memmem(f->file, f->file_len, plain(f, gpa), PAGE_SIZE));
}

static void check_counts(const struct dump_result *r, uint64_t missing)
{
	uint64_t shared = 5, total = A_PAGES + B_PAGES;

	assert_int_equal(r->pages_shared, shared);
	assert_int_equal(r->pages_missing, missing);
	assert_int_equal(r->pages_encrypted, total - shared - missing);
	assert_true(r->platform_calls > 0);
	assert_true(r->bytes_written > 0);
}

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
#define VMCI_TEXT "OSRELEASE=6.1.0-test\nPAGESIZE=4096\nKERNELOFFSET=1e00000\n"
#define VMCI_GFN  30 /* private: only a decrypted read finds it */

static void put_vmci(struct fx *f, uint64_t gfn, uint32_t descsz,
		     const char *name, const char *text)
{
	uint8_t *p = f->mem[0] + gfn * PAGE_SIZE;

	memset(p, 0, PAGE_SIZE);
	put_le32(p, 11);
	put_le32(p + 4, descsz);
	memcpy(p + 12, name, 11);
	memcpy(p + VMCOREINFO_DESC_OFF, text, strlen(text));
}

/* The descriptor of the first note called name in [p, p+len), its index
 * among the notes in *idx. */
static const uint8_t *find_note(const uint8_t *p, uint64_t len,
				const char *name, uint32_t *descsz, int *idx)
{
	uint64_t pos = 0;

	for (*idx = 0; pos + 12 <= len; (*idx)++) {
		uint32_t nsz = get_le32(p + pos), dsz = get_le32(p + pos + 4);
		const uint8_t *desc = p + pos + 12 + NOTE_ALIGN4(nsz);

		if (nsz == strlen(name) + 1 &&
		    !memcmp(p + pos + 12, name, nsz)) {
			*descsz = dsz;
			return desc;
		}
		pos += 12 + NOTE_ALIGN4(nsz) + NOTE_ALIGN4(dsz);
	}
	return NULL;
}

static const uint8_t *elf_vmci(struct fx *f, uint32_t *len, int *idx)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)f->file;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(f->file + eh->e_phoff);

	assert_int_equal(ph[0].p_type, PT_NOTE);
	/* crash reads the notes only from before the first PT_LOAD. */
	assert_true(ph[0].p_offset + ph[0].p_filesz <= ph[1].p_offset);
	assert_true(ph[0].p_offset >= eh->e_phoff + eh->e_phnum * sizeof(*ph));
	return find_note(f->file + ph[0].p_offset, ph[0].p_filesz,
			 VMCOREINFO_NAME, len, idx);
}

static void check_core_describes(struct fx *f, bool want)
{
	struct target_opts o = {0};
	struct target *t = NULL;
	char err[256] = "", desc[512];

	assert_int_equal(core_target_type.open(f->path, &o, &t, err,
					       sizeof(err)),
			 0);
	assert_int_equal(target_describe(t, desc, sizeof(desc)), 0);
	assert_int_equal(!!strstr(desc, "; vmcoreinfo: OSRELEASE=6.1.0-test"),
			 want);
	target_destroy(t);
}

/* Near misses before the real note: none of them may be taken. */
static void put_near_misses(struct fx *f)
{
	static const char near[] = "OSRELEASE=near-miss\n";

	put_vmci(f, 24, sizeof(near) - 1, "VMCOREINFX", near);
	put_vmci(f, 25, sizeof(near) - 1, "VMCOREINFO", "OSRELEASF=1\n");
	put_vmci(f, 26, VMCOREINFO_MAX_DESC + 1, "VMCOREINFO", near);
	put_vmci(f, 27, sizeof(near) + 1, "VMCOREINFO", near); /* NULs */
	put_vmci(f, 28, sizeof(near) - 1, "VMCOREINFO", near);
	put_le32(f->mem[0] + 28 * PAGE_SIZE + 8, 1); /* type 1 */
	put_vmci(f, 29, 0, "VMCOREINFO", "");
}

static void test_elf_vmcoreinfo(void **state)
{
	struct fx *f = *state;
	struct dump_result r;
	const uint8_t *d;
	size_t plain_len;
	uint32_t len;
	int idx;

	put_near_misses(f);
	assert_int_equal(do_dump(f, DUMP_FMT_ELF, &r), 0);
	slurp(f);
	plain_len = f->file_len;
	put_vmci(f, VMCI_GFN, sizeof(VMCI_TEXT) - 1, "VMCOREINFO", VMCI_TEXT);
	put_vmci(f, VMCI_GFN + 1, 13, "VMCOREINFO", "OSRELEASE=2\n");
	assert_int_equal(do_dump(f, DUMP_FMT_ELF, &r), 0);
	slurp(f);
	/* The note moved into unused header room: no page added. */
	assert_int_equal(f->file_len, plain_len);
	d = elf_vmci(f, &len, &idx);
	assert_non_null(d);
	assert_int_equal(len, sizeof(VMCI_TEXT) - 1);
	assert_memory_equal(d, VMCI_TEXT, len);
	assert_int_equal(idx, 2 * NR_VCPUS); /* after the CPU notes */
	check_read_back(f, UINT64_MAX);
	check_core_describes(f, true);
}

static void test_kdump_vmcoreinfo(void **state)
{
	struct fx *f = *state;
	struct dump_result r;
	const uint8_t *sub, *d;
	uint32_t len;
	int idx;

	put_near_misses(f);
	put_vmci(f, VMCI_GFN, sizeof(VMCI_TEXT) - 1, "VMCOREINFO", VMCI_TEXT);
	assert_int_equal(do_dump(f, DUMP_FMT_KDUMP, &r), 0);
	slurp(f);
	sub = f->file + PAGE_SIZE;
	assert_int_equal(get_le64(sub + KSH_SIZE_VMCOREINFO),
			 sizeof(VMCI_TEXT) - 1);
	assert_memory_equal(f->file + get_le64(sub + KSH_OFFSET_VMCOREINFO),
			    VMCI_TEXT, sizeof(VMCI_TEXT) - 1);
	d = find_note(f->file + get_le64(sub + KSH_OFFSET_NOTE),
		      get_le64(sub + KSH_NOTE_SIZE), VMCOREINFO_NAME, &len,
		      &idx);
	assert_ptr_equal(d, f->file + get_le64(sub + KSH_OFFSET_VMCOREINFO));
	assert_int_equal(idx, 2 * NR_VCPUS);
	check_read_back(f, UINT64_MAX);
	check_core_describes(f, true);
}

/* Without the page: no note, no sub-header pointer, nothing described. */
static void test_no_vmcoreinfo(void **state)
{
	struct fx *f = *state;
	struct dump_result r;
	uint32_t len;
	int idx;

	put_near_misses(f);
	assert_int_equal(do_dump(f, DUMP_FMT_ELF, &r), 0);
	slurp(f);
	assert_null(elf_vmci(f, &len, &idx));
	check_core_describes(f, false);
	assert_int_equal(do_dump(f, DUMP_FMT_KDUMP, &r), 0);
	slurp(f);
	assert_int_equal(get_le64(f->file + PAGE_SIZE + KSH_OFFSET_VMCOREINFO),
			 0);
	assert_int_equal(get_le64(f->file + PAGE_SIZE + KSH_SIZE_VMCOREINFO),
			 0);
	check_core_describes(f, false);
}

/* A dump of the core target carries the note again (found in its RAM). */
static void test_core_redump_vmcoreinfo(void **state)
{
	struct fx *f = *state;
	struct target_opts o = {0};
	struct dump_opts dopts = {.format = DUMP_FMT_KDUMP};
	struct target *t = NULL;
	struct dump_result r;
	struct session s;
	char err[256] = "", path2[sizeof(f->path)];

	put_vmci(f, VMCI_GFN, sizeof(VMCI_TEXT) - 1, "VMCOREINFO", VMCI_TEXT);
	assert_int_equal(do_dump(f, DUMP_FMT_ELF, &r), 0);
	assert_int_equal(core_target_type.open(f->path, &o, &t, err,
					       sizeof(err)),
			 0);
	assert_int_equal(session_init(&s, t), 0);
	assert_true(strlen(f->dir) + 7 < sizeof(path2));
	snprintf(path2, sizeof(path2), "%s/again", f->dir);
	dopts.path = path2;
	assert_int_equal(dump_write(&s, &dopts, &r, f->err, sizeof(f->err)), 0);
	session_release(&s);
	target_destroy(t);
	memcpy(f->path, path2, sizeof(path2));
	check_core_describes(f, true);
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
		cmocka_unit_test_setup_teardown(test_elf_missing_page, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_kdump_missing_page, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fault_sweep_elf, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fault_sweep_kdump, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_raw_range, setup,
						teardown),
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
		cmocka_unit_test_setup_teardown(test_bad_options, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_elf_vmcoreinfo, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_kdump_vmcoreinfo, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_vmcoreinfo, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_core_redump_vmcoreinfo,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
