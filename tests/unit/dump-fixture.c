// SPDX-License-Identifier: GPL-2.0-only
/*
 * The dump tests' fixture: a fake target with two vCPUs over the sim,
 * shared and private pages, and checks that read a dump back.
 */
#include "tests/unit/dump-fixture.h"

/* A dump written by sevdbg carries its bitmap; others come with a caveat. */
bool has_sevdbg_note(struct target *t)
{
	struct platform_info pi;

	return !platform_info(t->plat, &pi) && !pi.bitmap_caveat;
}

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

void make_shared(struct platform *p, uint64_t gpa, uint64_t npages)
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

int setup(void **state)
{
	return setup_policy(state, 0);
}

int setup_nodbg(void **state)
{
	return setup_policy(state, SEV_POLICY_NODBG);
}

int dir_entries(const char *dir)
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

int teardown(void **state)
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

void slurp(struct fx *f)
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

const uint8_t *plain(struct fx *f, uint64_t gpa)
{
	return gpa >= B_GPA ? f->mem[1] + (gpa - B_GPA) : f->mem[0] + gpa;
}

int do_dump(struct fx *f, enum dump_format fmt, struct dump_result *r)
{
	struct dump_opts o = {.format = fmt, .path = f->path};

	return dump_write(&f->s, &o, r, f->err, sizeof(f->err));
}

/* Open the dump as core:FILE and compare every page and register. */
void check_read_back(struct fx *f, uint64_t missing_gpa)
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
void check_no_ciphertext(struct fx *f, uint64_t gpa, bool want_plain)
{
	uint8_t ct[PAGE_SIZE];

	assert_int_equal(platform_read_host(f->t.plat, gpa, ct, PAGE_SIZE), 0);
	assert_memory_not_equal(ct, plain(f, gpa), PAGE_SIZE);
	assert_null(memmem(f->file, f->file_len, ct, 256));
	if (want_plain)
		assert_non_null(
			memmem(f->file, f->file_len, plain(f, gpa), PAGE_SIZE));
}

void check_counts(const struct dump_result *r, uint64_t missing)
{
	uint64_t shared = 5, total = A_PAGES + B_PAGES;

	assert_int_equal(r->pages_shared, shared);
	assert_int_equal(r->pages_missing, missing);
	assert_int_equal(r->pages_encrypted, total - shared - missing);
	assert_true(r->platform_calls > 0);
	assert_true(r->bytes_written > 0);
}
