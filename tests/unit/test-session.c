// SPDX-License-Identifier: GPL-2.0-only
/*
 * Session tests with a fake target over the sim: virtual access through the
 * selected vCPU's CR3, read-only refusal, caches that follow run state.
 * (Without registers, the kernel's root: test-vmci.c.)
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sevdbg/dumpfmt.h"
#include "sevdbg/platform.h"
#include "sevdbg/ram.h"
#include "sevdbg/regs.h"
#include "sevdbg/simhc.h"
#include "gdbstub/mem/router.h"
#include "gdbstub/mem/session.h"

#define RAM_SIZE (4u << 20)
#define CBIT	 (1ULL << 52)
#define VA	 0xffffffff80000000ULL

struct fake {
	struct target t;
	uint8_t *mem;
	bool regs_hidden; /* SEV-ES: control registers unavailable */
	bool paging_off;  /* a guest at reset */
};

/* vCPU n uses the page tables at 0x10000 * (n + 1). */
static int fake_read_regs(struct target *t, int vcpu, struct regs *r)
{
	struct fake *f = t->priv;

	memset(r, 0, sizeof(*r));
	if (vcpu < 0 || vcpu > 1)
		return -EINVAL;
	regs_set(r, REGS_RIP, VA);
	if (f->regs_hidden)
		return 0;
	regs_set(r, REGS_CR0, f->paging_off ? 0x11 : 0x80000011);
	regs_set(r, REGS_CR3, 0x10000ULL * (vcpu + 1));
	regs_set(r, REGS_CR4, 0x20);
	regs_set(r, REGS_EFER, 0xd00);
	return 0;
}

static const struct target_ops fake_ops = {
	.name = "fake",
	.read_regs = fake_read_regs,
};

static void put(struct fake *f, uint64_t gpa, uint64_t v)
{
	memcpy(f->mem + gpa, &v, 8);
}

/* VA → pa with 4-level tables rooted at root, tables right after it. */
static void map(struct fake *f, uint64_t root, uint64_t pa)
{
	put(f, root + 511 * 8, (root + 0x1000) | 3 | CBIT);
	put(f, root + 0x1000 + 510 * 8, (root + 0x2000) | 3 | CBIT);
	put(f, root + 0x2000, (root + 0x3000) | 3 | CBIT);
	put(f, root + 0x3000, pa | 3 | CBIT);
}

/* The guest's VMCOREINFO note at gpa, as Linux lays out its page. */
static void put_note(struct fake *f, uint64_t gpa, const char *text)
{
	put_le32(f->mem + gpa, sizeof(VMCOREINFO_NAME));
	put_le32(f->mem + gpa + 4, (uint32_t)strlen(text));
	memcpy(f->mem + gpa + 12, VMCOREINFO_NAME, sizeof(VMCOREINFO_NAME));
	memcpy(f->mem + gpa + VMCOREINFO_DESC_OFF, text, strlen(text));
}

static int setup(void **state)
{
	static const uint8_t key[16] = "session-test-key";
	struct sim_config cfg = {.key = key, .launched = true, .hc_fd = -1};
	struct fake *f = calloc(1, sizeof(*f));

	f->mem = calloc(1, RAM_SIZE);
	f->t.ops = &fake_ops;
	f->t.priv = f;
	f->t.live = true;
	assert_int_equal(ram_add(&f->t.ram, 0, RAM_SIZE, f->mem, "ram"), 0);
	assert_int_equal(sim_platform_new(&f->t.ram, &cfg, &f->t.plat), 0);
	map(f, 0x10000, 0x100000);
	map(f, 0x20000, 0x200000);
	memcpy(f->mem + 0x100000, "vcpu0 sees this", 16);
	memcpy(f->mem + 0x200000, "vcpu1 sees that", 16);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fake *f = *state;

	platform_destroy(f->t.plat);
	ram_free(&f->t.ram);
	free(f->mem);
	free(f);
	return 0;
}

static void test_read_virt_per_vcpu(void **state)
{
	struct fake *f = *state;
	struct session s;
	struct walk_cpu c;
	char buf[16];

	assert_int_equal(session_init(&s, &f->t), 0);
	assert_string_equal(s.pinfo.kind, "sim");
	assert_int_equal(session_walk_cpu(&s, 1, &c), 0);
	assert_int_equal(c.cr3, 0x20000);
	assert_int_equal(c.cbit, 52);
	assert_int_equal(session_read_virt(&s, 0, VA, buf, 16), 16);
	assert_string_equal(buf, "vcpu0 sees this");
	assert_int_equal(session_read_virt(&s, 1, VA, buf, 16), 16);
	assert_string_equal(buf, "vcpu1 sees that");
	s.cur_vcpu = 1; /* -1 = the selected vCPU */
	assert_int_equal(session_read_virt(&s, -1, VA, buf, 16), 16);
	assert_string_equal(buf, "vcpu1 sees that");
	assert_int_equal(session_read_virt(&s, 0, VA + 0x1000, buf, 1),
			 -EFAULT);
	assert_int_equal(session_read_virt(&s, 5, VA, buf, 1), -EINVAL);
	session_release(&s);
}

static void test_write_virt_and_read_only(void **state)
{
	struct fake *f = *state;
	struct session s;

	assert_int_equal(session_init(&s, &f->t), 0);
	assert_int_equal(session_write_virt(&s, 0, VA + 3, "XY", 2), 2);
	assert_memory_equal(f->mem + 0x100000, "vcpXY", 5);
	s.read_only = true;
	assert_int_equal(session_write_virt(&s, 0, VA, "Z", 1), -EROFS);
	s.read_only = false;
	f->t.read_only = true;
	assert_int_equal(session_write_virt(&s, 0, VA, "Z", 1), -EROFS);
	assert_int_equal(f->mem[0x100000], 'v');
	session_release(&s);
	/* A read-only target makes a read-only session. */
	assert_int_equal(session_init(&s, &f->t), 0);
	assert_true(s.read_only);
	session_release(&s);
}

static void test_registers_unavailable(void **state)
{
	struct fake *f = *state;
	struct session s;
	char buf[4];

	f->regs_hidden = true;
	assert_int_equal(session_init(&s, &f->t), 0);
	assert_int_equal(session_read_virt(&s, 0, VA, buf, 4), -ENODATA);
	session_release(&s);
}

/* Stopped: cached; resumed: every read goes to the platform. */
static void test_cache_follows_run_state(void **state)
{
	struct fake *f = *state;
	struct router_stats st;
	struct session s;
	char buf[16];

	assert_int_equal(session_init(&s, &f->t), 0); /* stopped */
	assert_int_equal(session_read_virt(&s, 0, VA, buf, 16), 16);
	f->mem[0x100000] = 'V'; /* the guest "runs" behind our back */
	assert_int_equal(session_read_virt(&s, 0, VA, buf, 16), 16);
	assert_int_equal(buf[0], 'v'); /* cached while stopped */
	router_get_stats(s.router, &st);
	assert_true(st.cache_hits > 0);
	session_note_resume(&s);
	assert_int_equal(session_read_virt(&s, 0, VA, buf, 16), 16);
	assert_int_equal(buf[0], 'V');
	f->mem[0x100000] = 'w';
	assert_int_equal(session_read_virt(&s, 0, VA, buf, 16), 16);
	assert_int_equal(buf[0], 'w'); /* no cache while running */
	session_note_stop(&s);
	f->mem[0x100000] = 'v';
	assert_int_equal(session_read_virt(&s, 0, VA, buf, 16), 16);
	assert_int_equal(buf[0], 'v');
	session_release(&s);
}

/*
 * A platform with no bitmap of its own (kvm without the series): the sim
 * underneath, whose get_bitmap must never be asked.
 */
struct nobitmap {
	struct platform p;
	struct platform *sim;
	int get_bitmap_calls;
};

static int nb_read_host(struct platform *p, uint64_t gpa, void *buf, size_t len)
{
	return platform_read_host(((struct nobitmap *)p->priv)->sim, gpa, buf,
				  len);
}

static int nb_decrypt(struct platform *p, uint64_t gpa, void *buf, size_t len,
		      int *fw_error)
{
	return platform_dbg_decrypt(((struct nobitmap *)p->priv)->sim, gpa, buf,
				    len, fw_error);
}

static int nb_get_bitmap(struct platform *p, uint64_t start_gfn,
			 uint64_t npages, uint8_t *bits)
{
	((struct nobitmap *)p->priv)->get_bitmap_calls++;
	return -EOPNOTSUPP;
}

static int nb_info(struct platform *p, struct platform_info *info)
{
	int ret = platform_info(((struct nobitmap *)p->priv)->sim, info);

	info->bitmap_from_paging = true;
	return ret;
}

static const struct platform_ops nobitmap_ops = {
	.name = "nobitmap",
	.read_host = nb_read_host,
	.dbg_decrypt = nb_decrypt,
	.get_bitmap = nb_get_bitmap,
	.info = nb_info,
};

/* The guest shares gpa with the hypervisor (the sim's hardware view). */
static void sim_share(struct platform *sim, uint64_t gpa)
{
	uint8_t rec[SIM_HC_RECORD_SIZE] = {0};
	uint32_t magic = SIM_HC_MAGIC, nr = SIM_HC_NR_MAP_GPA_RANGE;
	uint64_t npages = 1;

	memcpy(rec, &magic, 4);
	memcpy(rec + 4, &nr, 4);
	memcpy(rec + 8, &gpa, 8);
	memcpy(rec + 16, &npages, 8);
	assert_int_equal(sim_platform_feed(sim, rec, sizeof(rec)), 0);
}

/*
 * The memory model derives the bitmap from the page tables: 0x101000 is
 * mapped without the C-bit, so it is read directly; the rest decrypted.
 */
static void test_bitmap_derived_from_page_tables(void **state)
{
	struct fake *f = *state;
	struct nobitmap nb = {.p = {.ops = &nobitmap_ops}, .sim = f->t.plat};
	struct platform_stats before;
	struct session s;
	char buf[16];

	nb.p.priv = &nb;
	f->t.plat = &nb.p;
	put(f, 0x10000 + 0x3000 + 8, 0x101000 | 3); /* VA+4K, no C-bit */
	memcpy(f->mem + 0x101000, "shared with host", 16);
	sim_share(nb.sim, 0x101000);
	assert_int_equal(session_init(&s, &f->t), 0);
	before = nb.sim->stats;
	assert_int_equal(router_read(s.router, 0x101000, buf, 16), 16);
	assert_memory_equal(buf, "shared with host", 16);
	assert_int_equal(router_read(s.router, 0x100000, buf, 16), 16);
	assert_memory_equal(buf, "vcpu0 sees this", 16);
	assert_int_equal(nb.sim->stats.host_read_calls - before.host_read_calls,
			 1);
	assert_int_equal(nb.get_bitmap_calls, 0);

	/* The guest maps it private again: the next stop derives anew. */
	put(f, 0x10000 + 0x3000 + 8, 0x101000 | 3 | CBIT);
	session_note_stop(&s);
	before = nb.sim->stats;
	assert_int_equal(router_read(s.router, 0x101000, buf, 16), 16);
	assert_int_equal(nb.sim->stats.host_read_calls, before.host_read_calls);
	session_release(&s);

	/* No paging state (SEV-ES without the VMSA): every page encrypted. */
	put(f, 0x10000 + 0x3000 + 8, 0x101000 | 3);
	f->regs_hidden = true;
	assert_int_equal(session_init(&s, &f->t), 0);
	before = nb.sim->stats;
	assert_int_equal(router_read(s.router, 0x101000, buf, 16), 16);
	assert_int_equal(nb.sim->stats.host_read_calls, before.host_read_calls);
	session_release(&s);

	/* ... unless VMCOREINFO names the kernel's tables: they tell. */
	put_note(f, 0x3000,
		 "OSRELEASE=6.1.0-test\nNUMBER(phys_base)=0\n"
		 "SYMBOL(init_top_pgt)=ffffffff80010000\n");
	assert_int_equal(session_init(&s, &f->t), 0);
	before = nb.sim->stats;
	assert_int_equal(router_read(s.router, 0x101000, buf, 16), 16);
	assert_memory_equal(buf, "shared with host", 16);
	assert_int_equal(nb.sim->stats.host_read_calls - before.host_read_calls,
			 1);
	session_release(&s);
	f->t.plat = nb.sim;
}

/* Whether a router read of gpa logs a line containing what. */
static bool stderr_of_read(struct session *s, uint64_t gpa, const char *what)
{
	char path[] = "/tmp/test-session.XXXXXX", log[512] = "";
	int fd = mkstemp(path), saved = dup(STDERR_FILENO);
	uint8_t buf[16];
	ssize_t n;

	assert_true(fd >= 0 && saved >= 0);
	fflush(stderr);
	dup2(fd, STDERR_FILENO);
	assert_int_equal(router_read(s->router, gpa, buf, 16), 16);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	n = pread(fd, log, sizeof(log) - 1, 0);
	close(fd);
	unlink(path);
	log[n > 0 ? n : 0] = '\0';
	return strstr(log, what) != NULL;
}

/*
 * A kernel bitmap the guest never reports to (--sim-bitmap=untracked): its
 * GET says "all encrypted", DBG_DECRYPT of the really shared page gives
 * garbage, and the session still reads it right, directly, because it
 * follows the page tables until the bitmap has been told something.
 */
static void test_untracked_bitmap_not_trusted(void **state)
{
	static const uint8_t key[16] = "session-test-key";
	struct sim_config cfg = {.key = key,
				 .launched = true,
				 .hc_fd = -1,
				 .bitmap_untracked = true};
	struct fake *f = *state;
	struct platform *tracked = f->t.plat, *p;
	struct platform_stats before;
	uint8_t bits = 0, buf[16];
	struct session s;
	int fw;

	assert_int_equal(sim_platform_new(&f->t.ram, &cfg, &p), 0);
	f->t.plat = p;
	put(f, 0x10000 + 0x3000 + 8, 0x101000 | 3); /* VA+4K, no C-bit */
	memcpy(f->mem + 0x101000, "shared with host", 16);
	sim_share(p, 0x101000);
	assert_int_equal(platform_get_bitmap(p, 0x101, 8, &bits), 0);
	assert_int_equal(bits, 0xff); /* the kernel never heard of it */
	assert_int_equal(platform_dbg_decrypt(p, 0x101000, buf, 16, &fw), 0);
	assert_memory_not_equal(buf, "shared with host", 16);

	assert_int_equal(session_init(&s, &f->t), 0);
	assert_true(s.pinfo.bitmap_from_paging);
	assert_non_null(strstr(s.pinfo.bitmap_caveat, "nr_ranges 0"));
	before = p->stats;
	assert_int_equal(router_read(s.router, 0x101000, buf, 16), 16);
	assert_memory_equal(buf, "shared with host", 16);
	assert_int_equal(p->stats.host_read_calls - before.host_read_calls, 1);
	assert_int_equal(router_read(s.router, 0x100000, buf, 16), 16);
	assert_memory_equal(buf, "vcpu0 sees this", 16);

	/* At reset (paging off) every page is encrypted, and that is no
	 * bitmap error: the router reports none. */
	f->paging_off = true;
	session_note_stop(&s);
	assert_false(stderr_of_read(&s, 0x100000, "no page-encryption bitmap"));
	f->paging_off = false;

	/* Once the bitmap has been told (a SET), the next stop follows it. */
	assert_int_equal(platform_set_bitmap(p, 0x101, 1, (uint8_t[]){0}), 0);
	session_note_stop(&s);
	assert_false(s.pinfo.bitmap_from_paging);
	assert_null(s.pinfo.bitmap_caveat);
	assert_int_equal(router_read(s.router, 0x101000, buf, 16), 16);
	assert_memory_equal(buf, "shared with host", 16);
	session_release(&s);
	platform_destroy(p);
	f->t.plat = tracked;
}

/*
 * --bitmap page-tables on a host whose bitmap the guest reports to (the
 * tracked sim): the session follows the page tables anyway, says so, and
 * keeps doing so after the guest reports again; the bitmap still answers.
 */
static void test_forced_page_tables(void **state)
{
	struct fake *f = *state;
	struct platform *p = f->t.plat;
	struct platform_stats before;
	uint8_t bits = 0, buf[16];
	struct session s;

	put(f, 0x10000 + 0x3000 + 8, 0x101000 | 3); /* VA+4K, no C-bit */
	memcpy(f->mem + 0x101000, "shared with host", 16);
	sim_share(p, 0x101000);
	assert_int_equal(platform_set_bitmap(p, 0x102, 1, (uint8_t[]){0}), 0);
	f->t.bitmap_page_tables = true;
	assert_int_equal(session_init(&s, &f->t), 0);
	assert_true(s.pinfo.bitmap_from_paging);
	assert_non_null(strstr(s.pinfo.bitmap_caveat, "--bitmap page-tables"));
	before = p->stats;
	assert_int_equal(router_read(s.router, 0x101000, buf, 16), 16);
	assert_memory_equal(buf, "shared with host", 16);
	assert_int_equal(p->stats.host_read_calls - before.host_read_calls, 1);
	/* 0x102000 is shared in the kernel's bitmap, but mapped nowhere
	 * without the C-bit: the page tables say encrypted, and win. */
	before = p->stats;
	assert_int_equal(router_read(s.router, 0x102000, buf, 16), 16);
	assert_int_equal(p->stats.decrypt_calls - before.decrypt_calls, 1);
	session_note_stop(&s);
	assert_true(s.pinfo.bitmap_from_paging);
	assert_int_equal(platform_get_bitmap(p, 0x101, 8, &bits), 0);
	session_release(&s);
	f->t.bitmap_page_tables = false;
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_read_virt_per_vcpu),
		T(test_write_virt_and_read_only),
		T(test_registers_unavailable),
		T(test_cache_follows_run_state),
		T(test_bitmap_derived_from_page_tables),
		T(test_untracked_bitmap_not_trusted),
		T(test_forced_page_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
