// SPDX-License-Identifier: GPL-2.0-only
/*
 * Virtual addresses without registers: a hand-built guest RAM holding a
 * VMCOREINFO note and the kernel's page tables, behind the sim.
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

#include "sevdbg/dumpfmt.h"
#include "sevdbg/platform.h"
#include "sevdbg/ram.h"
#include "sevdbg/util.h"
#include "sevdbg/regs.h"
#include "sevdbg/simhc.h"
#include "gdbstub/mem/router.h"
#include "gdbstub/mem/session.h"
#include "gdbstub/mem/vmci.h"

#define RAM_SIZE  (8u << 20)
#define CBIT	  (1ULL << 51)
#define PTE	  (3ULL | CBIT) /* present, writable, private */
#define PHYS_BASE 0x200000ULL
/* A relocated kernel: its symbols and phys_base moved as KASLR moves them. */
#define TOP_VA	  0xffffffff80010000ULL /* init_top_pgt */
#define TOP_PA	  (TOP_VA - VMCI_START_KERNEL_MAP + PHYS_BASE)
#define DATA_VA	  0xffffffff81234000ULL
#define DATA_PA	  0x300000ULL
#define NOTE_GPA  0x5000ULL
#define VCPU_CR3  0x600000ULL /* what vCPU 0 runs when its registers show */
#define VCPU_DATA 0x700000ULL

struct fake {
	struct target t;
	uint8_t *mem;
	bool regs_hidden; /* SEV-ES without the VMSA command */
	int regs_err;	  /* read_regs fails with this */
};

static int fake_read_regs(struct target *t, int vcpu, struct regs *r)
{
	struct fake *f = t->priv;

	memset(r, 0, sizeof(*r));
	if (vcpu < 0 || vcpu > 1)
		return -EINVAL;
	if (f->regs_err)
		return f->regs_err;
	regs_set(r, REGS_RIP, DATA_VA);
	if (f->regs_hidden)
		return 0;
	regs_set(r, REGS_CR0, 0x80000011);
	regs_set(r, REGS_CR3, VCPU_CR3);
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

static unsigned int idx(uint64_t va, int level)
{
	return (va >> (12 + 9 * (level - 1))) & 511;
}

/* va → pa (4 KiB) under root, levels deep, tables from *next on. */
static void map(struct fake *f, uint64_t root, int levels, uint64_t va,
		uint64_t pa, uint64_t *next)
{
	uint64_t t = root, e;
	int l;

	for (l = levels; l > 1; l--) {
		memcpy(&e, f->mem + t + idx(va, l) * 8, 8);
		if (!e) {
			e = *next | PTE;
			*next += 0x1000;
			put(f, t + idx(va, l) * 8, e);
		}
		t = e & ~CBIT & 0xffffffffff000ULL;
	}
	put(f, t + idx(va, 1) * 8, pa | PTE);
}

/* The note as Linux's crash_save_vmcoreinfo_init() leaves its page. */
static void put_note(struct fake *f, uint64_t gpa, const char *text)
{
	uint8_t *p = f->mem + gpa;

	memset(p, 0, PAGE_SIZE);
	put_le32(p, sizeof(VMCOREINFO_NAME));
	put_le32(p + 4, (uint32_t)strlen(text));
	memcpy(p + 12, VMCOREINFO_NAME, sizeof(VMCOREINFO_NAME));
	memcpy(p + VMCOREINFO_DESC_OFF, text, strlen(text));
}

static const char note_4level[] = "OSRELEASE=6.1.0-test\n"
				  "PAGESIZE=4096\n"
				  "NUMBER(phys_base)=2097152\n"
				  "SYMBOL(init_top_pgt)=ffffffff80010000\n"
				  "NUMBER(pgtable_l5_enabled)=0\n"
				  "KERNELOFFSET=1200000\n";

/* The guest shares gpa with the hypervisor (the sim's record channel). */
static void sim_share(struct platform *sim, uint64_t gpa)
{
	uint8_t rec[SIM_HC_RECORD_SIZE] = {0};

	put_le32(rec, SIM_HC_MAGIC);
	put_le32(rec + 4, SIM_HC_NR_MAP_GPA_RANGE);
	put_le64(rec + 8, gpa);
	put_le64(rec + 16, 1);
	assert_int_equal(sim_platform_feed(sim, rec, sizeof(rec)), 0);
}

static int setup(void **state)
{
	static const uint8_t key[16] = "vmcoreinfo-key!!";
	struct sim_config cfg = {.key = key,
				 .launched = true,
				 .hc_fd = -1,
				 .cbit = 51};
	struct fake *f = calloc(1, sizeof(*f));
	uint64_t next = 0x400000;

	assert_non_null(f);
	f->mem = calloc(1, RAM_SIZE);
	assert_non_null(f->mem);
	f->t.ops = &fake_ops;
	f->t.priv = f;
	f->t.live = true;
	assert_int_equal(ram_add(&f->t.ram, 0, RAM_SIZE, f->mem, "ram"), 0);
	assert_int_equal(sim_platform_new(&f->t.ram, &cfg, &f->t.plat), 0);
	map(f, TOP_PA, 4, DATA_VA, DATA_PA, &next);
	map(f, VCPU_CR3, 4, DATA_VA, VCPU_DATA, &next);
	memcpy(f->mem + DATA_PA, "the kernel's own", 16);
	memcpy(f->mem + VCPU_DATA, "vCPU 0's tables", 16);
	put_note(f, NOTE_GPA, note_4level);
	/* A page the guest told the bitmap about: the sim's bitmap is then
	 * followed, not one derived from the page tables at every stop. */
	sim_share(f->t.plat, 0x6ff000);
	f->regs_hidden = true;
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

static void test_parse_root(void **state)
{
	static const char debian[] = "OSRELEASE=6.1.0-57-cloud-amd64\n"
				     "NUMBER(phys_base)=6291456\n"
				     "SYMBOL(init_top_pgt)=ffffffff93a10000\n"
				     "NUMBER(pgtable_l5_enabled)=1\n"
				     "KERNELOFFSET=11000000\n";
	struct vmci_root k;
	char err[160] = "";

	(void)state;
	assert_int_equal(vmci_parse_root(debian, sizeof(debian) - 1, &k, err,
					 sizeof(err)),
			 0);
	assert_int_equal(k.pgd, 0xffffffff93a10000ULL - 0xffffffff80000000ULL +
					0x600000);
	assert_true(k.la57);
	assert_int_equal(k.kernel_offset, 0x11000000);
	assert_string_equal(k.osrelease, "6.1.0-57-cloud-amd64");
	assert_int_equal(vmci_parse_root(debian, 40, &k, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "no SYMBOL(init_top_pgt)"));
	/* Not in the kernel image, or not a page table's address. */
	assert_int_equal(vmci_parse_root("SYMBOL(init_top_pgt)=ffff888000001000\n"
					 "NUMBER(phys_base)=0\n",
					 58, &k, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "impossible init_top_pgt"));
	assert_int_equal(vmci_parse_root("SYMBOL(init_top_pgt)=ffffffff80010008\n"
					 "NUMBER(phys_base)=0\n",
					 58, &k, err, sizeof(err)),
			 -EINVAL);
}

/* No registers: the kernel's root, and every front end can tell. */
static void test_kernel_root_without_registers(void **state)
{
	struct fake *f = *state;
	struct session_root root;
	struct session s;
	struct walk_cpu c;
	char buf[100];

	assert_int_equal(session_init(&s, &f->t), 0);
	assert_int_equal(session_read_virt(&s, 0, DATA_VA, buf, 16), 16);
	assert_memory_equal(buf, "the kernel's own", 16);
	assert_int_equal(session_walk_root(&s, 1, &c, &root), 0);
	assert_int_equal(root.kind, SESSION_ROOT_KERNEL);
	assert_int_equal(c.cr3, TOP_PA);
	assert_int_equal(c.cbit, 51);
	assert_false(c.cr4 & (1ULL << 12));
	assert_int_equal(root.kernel->kernel_offset, 0x1200000);
	assert_int_equal(root.kernel->init_top_pgt, TOP_VA);
	assert_string_equal(session_root_name(&root, buf, sizeof(buf)),
			    "init_top_pgt from VMCOREINFO (registers unavailable)");
	assert_int_equal(s.kroot.note_gpa, NOTE_GPA);
	session_release(&s);

	/* Registers back: the vCPU's own CR3 wins. */
	f->regs_hidden = false;
	assert_int_equal(session_init(&s, &f->t), 0);
	assert_int_equal(session_read_virt(&s, 0, DATA_VA, buf, 16), 16);
	assert_memory_equal(buf, "vCPU 0's tables", 16);
	assert_int_equal(session_walk_root(&s, 1, &c, &root), 0);
	assert_int_equal(root.kind, SESSION_ROOT_CR3);
	assert_string_equal(session_root_name(&root, buf, sizeof(buf)),
			    "CR3 of vCPU 1");
	assert_int_equal(s.kroot.state, KROOT_UNKNOWN); /* never searched */
	session_release(&s);

	/* A vCPU that cannot be read; but no fallback for a bad vCPU. */
	f->regs_err = -EIO;
	assert_int_equal(session_init(&s, &f->t), 0);
	assert_int_equal(session_walk_root(&s, 0, &c, &root), 0);
	assert_string_equal(session_root_name(&root, buf, sizeof(buf)),
			    "init_top_pgt from VMCOREINFO (vCPU 0's registers: Input/output error)");
	f->regs_err = -EBUSY;
	assert_int_equal(session_walk_root(&s, 0, &c, &root), -EBUSY);
	assert_null(root.no_kernel_root);
	f->regs_err = 0;
	assert_int_equal(session_walk_root(&s, 7, &c, &root), -EINVAL);
	session_release(&s);
}

/* The search runs once; a stop costs one read of the note's page. */
static void test_searched_once_rechecked_after_stop(void **state)
{
	struct fake *f = *state;
	struct platform_stats before;
	struct walk_cpu c;
	struct session s;
	uint64_t next = 0x500000;
	char buf[16];

	assert_int_equal(session_init(&s, &f->t), 0);
	assert_int_equal(session_walk_cpu(&s, 0, &c), 0);
	/* both ends of RAM in turn: pages 0, top, 1, top - 1, ... */
	assert_int_equal(s.kroot.scanned, 2 * (NOTE_GPA / PAGE_SIZE) + 1);
	router_set_cache(s.router, false); /* count every platform call */
	before = f->t.plat->stats;
	assert_int_equal(session_walk_cpu(&s, 0, &c), 0);
	assert_int_equal(f->t.plat->stats.decrypt_calls, before.decrypt_calls);
	session_note_stop(&s);
	router_set_cache(s.router, false);
	before = f->t.plat->stats;
	assert_int_equal(session_walk_cpu(&s, 0, &c), 0);
	assert_int_equal(f->t.plat->stats.decrypt_calls,
			 before.decrypt_calls + 1);

	/* The guest rebooted: KASLR put everything elsewhere. */
	map(f, 0x480000, 4, DATA_VA, 0x380000, &next);
	memcpy(f->mem + 0x380000, "after the reboot", 16);
	put_note(f, NOTE_GPA,
		 "OSRELEASE=6.1.0-test\nNUMBER(phys_base)=2097152\n"
		 "SYMBOL(init_top_pgt)=ffffffff80280000\n");
	assert_int_equal(session_read_virt(&s, 0, DATA_VA, buf, 16), 16);
	assert_memory_equal(buf, "the kernel's own", 16); /* not stopped */
	session_note_stop(&s);
	assert_int_equal(session_read_virt(&s, 0, DATA_VA, buf, 16), 16);
	assert_memory_equal(buf, "after the reboot", 16);
	session_release(&s);
}

/* No note: the register error, and why; found once the guest wrote it. */
static void test_no_note_until_the_guest_writes_it(void **state)
{
	struct fake *f = *state;
	struct session_root root;
	struct walk_cpu c;
	struct session s;
	char buf[16];

	memset(f->mem + NOTE_GPA, 0, PAGE_SIZE);
	assert_int_equal(session_init(&s, &f->t), 0);
	assert_int_equal(session_read_virt(&s, 0, DATA_VA, buf, 16), -ENODATA);
	assert_int_equal(session_walk_root(&s, 0, &c, &root), -ENODATA);
	assert_non_null(
		strstr(root.no_kernel_root,
		       "no VMCOREINFO note in the guest's RAM (2048 pages searched)"));
	/* Not searched again before the guest ran. */
	assert_int_equal(session_walk_cpu(&s, 0, &c), -ENODATA);
	assert_int_equal(s.kroot.state, KROOT_ABSENT);
	put_note(f, 0x7ff000, note_4level); /* at the top of RAM */
	session_note_stop(&s);
	assert_int_equal(session_read_virt(&s, 0, DATA_VA, buf, 16), 16);
	assert_memory_equal(buf, "the kernel's own", 16);
	assert_int_equal(session_walk_root(&s, 0, &c, &root), 0);
	assert_null(root.no_kernel_root);
	session_release(&s);

	/* A note without the root: the reason names the key. */
	put_note(f, 0x7ff000, "OSRELEASE=6.1.0-test\nNUMBER(phys_base)=0\n");
	assert_int_equal(session_init(&s, &f->t), 0);
	assert_int_equal(session_walk_root(&s, 0, &c, &root), -ENODATA);
	assert_non_null(strstr(root.no_kernel_root, "SYMBOL(init_top_pgt)"));
	session_release(&s);
}

/* A note in a shared page is the host's to write: never the root. */
static void test_note_in_shared_page_ignored(void **state)
{
	struct fake *f = *state;
	struct session s;
	struct walk_cpu c;

	put_note(f, 0x1000,
		 "OSRELEASE=planted\nNUMBER(phys_base)=0\n"
		 "SYMBOL(init_top_pgt)=ffffffff80100000\n");
	sim_share(f->t.plat, 0x1000);
	assert_int_equal(session_init(&s, &f->t), 0);
	assert_int_equal(session_walk_cpu(&s, 0, &c), 0);
	assert_int_equal(c.cr3, TOP_PA);
	assert_string_equal(s.kroot.root.osrelease, "6.1.0-test");
	session_release(&s);
}

/* 5-level paging (NUMBER(pgtable_l5_enabled)=1): LA57 for the walker. */
static void test_five_levels(void **state)
{
	struct fake *f = *state;
	struct session s;
	struct walk_cpu c;
	uint64_t next = 0x500000, va = 0xff11000000042000ULL;
	char buf[16];

	memset(f->mem + TOP_PA, 0, PAGE_SIZE);
	map(f, TOP_PA, 5, va, 0x381000, &next);
	memcpy(f->mem + 0x381000, "five levels deep", 16);
	put_note(f, NOTE_GPA,
		 "OSRELEASE=6.1.0-l5\nNUMBER(phys_base)=2097152\n"
		 "SYMBOL(init_top_pgt)=ffffffff80010000\n"
		 "NUMBER(pgtable_l5_enabled)=1\n");
	assert_int_equal(session_init(&s, &f->t), 0);
	assert_int_equal(session_walk_cpu(&s, 0, &c), 0);
	assert_true(c.cr4 & (1ULL << 12));
	assert_int_equal(session_read_virt(&s, 0, va, buf, 16), 16);
	assert_memory_equal(buf, "five levels deep", 16);
	session_release(&s);
}

/*
 * Where the scan looks first: both ends of a region in turn, then its
 * middle. On the Debian guest the note lay either a few MiB into RAM or
 * ~21 MiB below its top, where a scan from the bottom probed 256,831 of
 * 262,144 pages. Here 160 MiB of RAM (40,960 pages; 16,384 at each end).
 */
static void test_scan_order(void **state)
{
	static const uint8_t key[16] = "vmcoreinfo-key!!";
	struct sim_config cfg = {.key = key,
				 .launched = true,
				 .hc_fd = -1,
				 .cbit = 51};
	const uint64_t size = 160u << 20, n = size >> PAGE_SHIFT;
	const uint64_t ends = 64u << 20 >> PAGE_SHIFT;
	const struct {
		uint64_t page, probes;
	} cases[] = {
		{100, 2 * 100 + 1},	    /* near the bottom */
		{n - 1 - 100, 2 * 100 + 2}, /* near the top */
		{ends + 5, 2 * ends + 6},   /* the middle: after both ends */
		{n - ends - 1, n},	    /* the middle's top: the last */
	};
	struct fake f = {0};
	uint8_t page[PAGE_SIZE];
	struct router *r;
	uint64_t gpa, scanned;
	size_t i;

	(void)state;
	f.mem = calloc(1, size);
	assert_non_null(f.mem);
	assert_int_equal(ram_add(&f.t.ram, 0, size, f.mem, "ram"), 0);
	assert_int_equal(sim_platform_new(&f.t.ram, &cfg, &f.t.plat), 0);
	assert_int_equal(router_new(f.t.plat, &f.t.ram, &r), 0);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		put_note(&f, cases[i].page << PAGE_SHIFT, note_4level);
		router_invalidate(r);
		scanned = 0;
		assert_true(vmci_find(r, true, page, &gpa, &scanned, NULL) > 0);
		assert_int_equal(gpa, cases[i].page << PAGE_SHIFT);
		assert_int_equal(scanned, cases[i].probes);
		memset(f.mem + (cases[i].page << PAGE_SHIFT), 0, PAGE_SIZE);
	}
	router_free(r);
	platform_destroy(f.t.plat);
	ram_free(&f.t.ram);
	free(f.mem);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_parse_root),
		T(test_kernel_root_without_registers),
		T(test_searched_once_rechecked_after_stop),
		T(test_no_note_until_the_guest_writes_it),
		T(test_note_in_shared_page_ignored),
		T(test_five_levels),
		cmocka_unit_test(test_scan_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
