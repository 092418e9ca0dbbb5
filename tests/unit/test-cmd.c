// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for the command table: every command against an in-process
 * target (sim platform over a RAM buffer, page tables built here).
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
#include <jansson.h>

#include "gdbstub/cmd/cmd.h"
#include "sevdbg/platform.h"
#include "sevdbg/ram.h"
#include "sevdbg/regs.h"
#include "gdbstub/mem/session.h"
#include "sevdbg/simhc.h"
#include "gdbstub/cmd/sym.h"
#include "sevdbg/target.h"
#include "sevdbg/util.h"

#define RAM_SIZE  (4u << 20)
#define CBIT	  (1ULL << 52)
#define PML4	  0x1000
#define PDPT	  0x2000
#define PD	  0x3000
#define PT	  0x4000
#define PD_DMAP	  0x5000
#define PDPT_DMAP 0x6000
#define DMAP	  0xffff888000000000ULL /* direct map: 2M pages over RAM */
#define KVA	  0x400000ULL		/* 4K pages → 0x100000.. */
#define SECRET	  "SECRET-PATTERN-1234"
#define SHARED	  "SHARED-HELLO"

struct fixture {
	struct ram_map ram;
	uint8_t *mem;
	struct platform *p;
	struct target t;
	struct session s;
	struct strbuf out;
	struct cmd_env env;
	volatile int intr;
};

static int fake_nr_vcpus(struct target *t)
{
	return 2;
}

static int fake_read_regs(struct target *t, int vcpu, struct regs *r)
{
	memset(r, 0, sizeof(*r));
	regs_set(r, REGS_CR0, 0x80000011);  /* PG | ET | PE */
	regs_set(r, REGS_CR3, PML4 | CBIT); /* C-bit stripped from CR3 too */
	regs_set(r, REGS_CR4, 0x20);	    /* PAE */
	regs_set(r, REGS_EFER, 0x500);	    /* LME | LMA */
	regs_set(r, REGS_RIP, KVA + 0x10 * (uint64_t)vcpu);
	memset(r->valid, 1, sizeof(r->valid));
	return 0;
}

static int fake_describe(struct target *t, char *buf, size_t len)
{
	snprintf(buf, len, "fake in-process target");
	return 0;
}

static const struct target_ops fake_ops = {
	.name = "fake",
	.nr_vcpus = fake_nr_vcpus,
	.read_regs = fake_read_regs,
	.describe = fake_describe,
};

static void put64(struct fixture *f, uint64_t gpa, uint64_t v)
{
	memcpy(f->mem + gpa, &v, 8);
}

/* 4-level tables: KVA → 0x100000 in 4K pages, DMAP → 0 in 2M pages. */
static void build_tables(struct fixture *f)
{
	int i;

	put64(f, PML4 + 0 * 8, PDPT | CBIT | 3);
	put64(f, PDPT + 0 * 8, PD | CBIT | 3);
	put64(f, PD + 2 * 8, PT | CBIT | 3); /* 0x400000 */
	for (i = 0; i < 16; i++) {
		uint64_t pa = 0x100000 + (uint64_t)i * PAGE_SIZE;

		/* 0x105000 is shared and mapped so; 0x106000 is a mismatch. */
		put64(f, PT + (uint64_t)i * 8, pa | (i == 5 ? 0 : CBIT) | 3);
	}
	put64(f, PML4 + 273 * 8, PDPT_DMAP | CBIT | 3); /* 0xffff8880.. */
	put64(f, PDPT_DMAP + 0 * 8, PD_DMAP | CBIT | 3);
	put64(f, PD_DMAP + 0 * 8, 0x000000 | CBIT | 0x83);
	put64(f, PD_DMAP + 1 * 8, 0x200000 | CBIT | 0x83);
}

/* Two pages shared, through the sim's page-encryption record channel. */
static void share_pages(struct fixture *f)
{
	uint8_t rec[SIM_HC_RECORD_SIZE] = {0};
	uint32_t magic = SIM_HC_MAGIC, nr = SIM_HC_NR_MAP_GPA_RANGE;
	uint64_t gpa = 0x105000, npages = 2, attrs = 0;

	memcpy(rec, &magic, 4);
	memcpy(rec + 4, &nr, 4);
	memcpy(rec + 8, &gpa, 8);
	memcpy(rec + 16, &npages, 8);
	memcpy(rec + 24, &attrs, 8);
	assert_int_equal(sim_platform_feed(f->p, rec, sizeof(rec)), 0);
}

static int setup_cfg(void **state, uint32_t policy, bool untracked)
{
	static const uint8_t key[16] = "sevdbg-test-key!";
	struct sim_config cfg = {.key = key,
				 .launched = true,
				 .hc_fd = -1,
				 .cbit = 52,
				 .policy = policy,
				 .bitmap_untracked = untracked};
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->mem = calloc(1, RAM_SIZE);
	assert_non_null(f->mem);
	assert_int_equal(ram_add(&f->ram, 0, RAM_SIZE, f->mem, "pc.ram"), 0);
	build_tables(f);
	memcpy(f->mem + 0x100000, SECRET, sizeof(SECRET));
	memcpy(f->mem + 0x105000, SHARED, sizeof(SHARED));
	assert_int_equal(sim_platform_new(&f->ram, &cfg, &f->p), 0);
	share_pages(f);
	f->t.ops = &fake_ops;
	f->t.ram = f->ram;
	f->t.plat = f->p;
	assert_int_equal(session_init(&f->s, &f->t), 0);
	f->s.interrupted = &f->intr;
	sb_init(&f->out);
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return setup_cfg(state, 0, false);
}

static int setup_nodbg(void **state)
{
	return setup_cfg(state, SEV_POLICY_NODBG, false);
}

/*
 * The guest's records never reach the kernel's bitmap; its direct map's
 * first 2M in 4K pages (at 0x7000), the two shared pages without C-bit,
 * as Linux maps them after set_memory_decrypted().
 */
static int setup_untracked(void **state)
{
	struct fixture *f;
	uint64_t i;

	setup_cfg(state, 0, true);
	f = *state;
	for (i = 0; i < 512; i++)
		put64(f, 0x7000 + i * 8,
		      i * PAGE_SIZE | (i == 0x105 || i == 0x106 ? 0 : CBIT) |
			      3);
	put64(f, PD_DMAP + 0 * 8, 0x7000 | CBIT | 3);
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	session_release(&f->s);
	platform_destroy(f->p);
	sym_free(f->env.syms);
	free(f->ram.regions);
	free(f->mem);
	sb_release(&f->out);
	free(f);
	return 0;
}

/* Run a shell line; the output is in f->out.buf. */
static int sh(struct fixture *f, const char *line)
{
	struct cmd_ctx ctx = {.s = &f->s, .out = &f->out, .env = &f->env};

	sb_reset(&f->out);
	return cmd_exec(&ctx, line);
}

static int mon(struct fixture *f, const char *line)
{
	sb_reset(&f->out);
	return cmd_run(&f->s, &f->env, line, &f->out, true);
}

#define assert_out_has(f, s)                                              \
	do {                                                              \
		if (!strstr((f)->out.buf ? (f)->out.buf : "", (s)))       \
			fail_msg("output lacks \"%s\":\n%s", (s),         \
				 (f)->out.buf ? (f)->out.buf : "(none)"); \
	} while (0)

static json_t *out_json(struct fixture *f)
{
	json_error_t jerr;
	json_t *j = json_loads(f->out.buf, 0, &jerr);

	if (!j)
		fail_msg("not JSON (%s):\n%s", jerr.text, f->out.buf);
	return j;
}

static void test_help(void **state)
{
	struct fixture *f = *state;
	const struct cmd *c;

	assert_int_equal(sh(f, "help"), 0);
	for (c = cmd_table(); c->name; c++)
		assert_out_has(f, c->name);
	assert_int_equal(mon(f, "sev help"), 0);
	assert_out_has(f, "translate");
	assert_null(strstr(f->out.buf, "\n  x "));
	assert_int_equal(mon(f, "help x"), -ENOENT);
	assert_int_equal(sh(f, "help x"), 0);
	assert_out_has(f, "physical");
	assert_int_equal(sh(f, "frobnicate"), -ENOENT);
	assert_out_has(f, "unknown command `frobnicate`");
}

static void test_monitor_refuses_shell_commands(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(mon(f, "sev x 0x400000"), -EPERM);
	assert_out_has(f, "sevdbg shell");
	/* "sev" is optional. */
	assert_int_equal(mon(f, "status p:0x100000"), 0);
	assert_int_equal(mon(f, "sev status p:0x100000"), 0);
	assert_out_has(f, "encrypted");
}

static void test_status(void **state)
{
	struct fixture *f = *state;
	json_t *j;

	assert_int_equal(sh(f, "status 0x400010"), 0);
	assert_out_has(f, "page      0x100000");
	assert_out_has(f, "bitmap    encrypted");
	assert_out_has(f, "C-bit set, matches the bitmap");
	assert_out_has(f, "read via  DBG_DECRYPT");

	assert_int_equal(sh(f, "status 0x405000"), 0);
	assert_out_has(f, "bitmap    shared");
	assert_out_has(f, "read via  direct");

	assert_int_equal(sh(f, "status 0x406000"), 0);
	assert_out_has(f, "MISMATCH");

	assert_int_equal(sh(f, "status --json 0x405008"), 0);
	j = out_json(f);
	assert_false(json_is_true(json_object_get(j, "encrypted")));
	assert_string_equal(json_string_value(json_object_get(j, "read_via")),
			    "direct");
	assert_int_equal(json_integer_value(json_object_get(j, "gpa")),
			 0x105008);
	assert_true(json_is_false(json_object_get(j, "mapping_cbit")));
	json_decref(j);

	assert_int_equal(sh(f, "status p:0x900000"), -EFAULT);
	assert_out_has(f, "not RAM");
}

static void test_translate(void **state)
{
	struct fixture *f = *state;
	json_t *j, *lv;

	assert_int_equal(sh(f, "translate 0x403123"), 0);
	assert_out_has(f, "PML4");
	assert_out_has(f, "PDPT");
	assert_out_has(f, "PD ");
	assert_out_has(f, "PT ");
	assert_out_has(f, "pa 0x103123 (4K page, C-bit set");

	assert_int_equal(sh(f, "translate 0xffff888000201000"), 0);
	assert_out_has(f, "pa 0x201000 (2M page");

	assert_int_equal(sh(f, "translate --json 0x405000"), 0);
	j = out_json(f);
	lv = json_object_get(j, "levels");
	assert_int_equal(json_array_size(lv), 4);
	assert_int_equal(json_integer_value(
				 json_object_get(json_array_get(lv, 0),
						 "table")),
			 PML4);
	assert_int_equal(json_integer_value(json_object_get(j, "pa")),
			 0x105000);
	assert_true(json_is_false(json_object_get(j, "cbit")));
	json_decref(j);

	/* PD entry 4 (0x800000) is empty. */
	assert_true(sh(f, "translate 0x800000") < 0);
	assert_out_has(f, "error: ");
	assert_out_has(f, "not present");
	assert_out_has(f, "2");
}

static void test_bitmap(void **state)
{
	struct fixture *f = *state;
	json_t *j, *runs;

	assert_int_equal(sh(f, "bitmap"), 0);
	assert_out_has(f, "1024 pages, 1022 encrypted, 2 shared, 3 runs");
	assert_out_has(f, "0x000000105000-0x000000107000        2 shared");
	assert_out_has(f, "\n0x000000100000 EEEEE..EEE");

	assert_int_equal(mon(f, "sev bitmap 0x104000-0x108000"), 0);
	assert_out_has(f, "4 pages, 2 encrypted, 2 shared, 3 runs");
	assert_null(strstr(f->out.buf, "map (")); /* shell only */

	assert_int_equal(sh(f, "bitmap --json"), 0);
	j = out_json(f);
	assert_int_equal(json_integer_value(json_object_get(j, "shared")), 2);
	assert_int_equal(json_integer_value(json_object_get(j, "encrypted")),
			 1022);
	runs = json_object_get(j, "runs");
	assert_int_equal(json_array_size(runs), 3);
	assert_int_equal(json_integer_value(
				 json_object_get(json_array_get(runs, 1),
						 "start")),
			 0x105000);
	json_decref(j);

	assert_int_equal(sh(f, "bitmap 0x2000-0x1000"), -EINVAL);
}

static void test_x(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(sh(f, "x/s 0x400000"), 0);
	assert_out_has(f, "\"" SECRET "\"");
	/* The same bytes through the direct map and physically. */
	assert_int_equal(sh(f, "x/s 0xffff888000100000"), 0);
	assert_out_has(f, SECRET);
	assert_int_equal(sh(f, "x/4xb p:0x100000"), 0);
	assert_out_has(f, "0x0000000000100000: 0x53 0x45 0x43 0x52");
	assert_int_equal(sh(f, "x/pxg 0x100000 2"), 0);
	assert_out_has(f, "0x502d544552434553");
	assert_int_equal(sh(f, "x/s 0x405000"), 0);
	assert_out_has(f, SHARED);
	/* Signed and unsigned decimal. */
	f->mem[0x101000] = 0xff;
	assert_int_equal(sh(f, "x/1db 0x401000"), 0);
	assert_out_has(f, ": -1");
	assert_int_equal(sh(f, "x/1ub 0x401000"), 0);
	assert_out_has(f, ": 255");
	/* Unmapped: the walker's reason. */
	assert_true(sh(f, "x/4xg 0x800000") < 0);
	assert_out_has(f, "not present");
	assert_int_equal(sh(f, "x/4qz 0x400000"), -EINVAL);
}

static void test_write(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(sh(f, "write 0x401000 \"hi there\""), 0);
	assert_memory_equal(f->mem + 0x101000, "hi there", 8);
	assert_int_equal(sh(f, "write p:0x101000 0x4142 43"), 0);
	assert_memory_equal(f->mem + 0x101000, "ABC", 3);
	assert_int_equal(sh(f, "write 0x401000 hello"), -EINVAL);
	assert_out_has(f, "put text in quotes");
	f->s.read_only = true;
	assert_int_equal(sh(f, "write 0x401000 00"), -EROFS);
	assert_out_has(f, "read-only");
	assert_memory_equal(f->mem + 0x101000, "ABC", 3);
}

static void test_find(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(sh(f, "find \"" SECRET "\""), 0);
	assert_out_has(f, "0x000000100000\n1 match\n");
	/* Hex, and in the shared page. */
	assert_int_equal(sh(f, "find 0x5348415245442d48"), 0);
	assert_out_has(f, "0x000000105000\n1 match\n");
	assert_int_equal(sh(f, "find \"" SECRET "\" 0x200000-0x400000"), 0);
	assert_out_has(f, "0 matches");
	/* Ctrl-C (the flag the SIGINT handler sets) stops it. */
	f->intr = 1;
	assert_int_equal(sh(f, "find \"" SECRET "\""), -EINTR);
	assert_out_has(f, "interrupted");
	f->intr = 0;
}

static void test_find_across_chunks(void **state)
{
	struct fixture *f = *state;
	/* Straddles a page boundary inside a search window. */
	uint64_t at = 0x140000 - 3;

	memcpy(f->mem + at, "NEEDLE", 6);
	assert_int_equal(sh(f, "find \"NEEDLE\""), 0);
	assert_out_has(f, "0x00000013fffd\n1 match\n");
}

static void test_dis(void **state)
{
	struct fixture *f = *state;
	static const uint8_t code[] = {0x55, 0x48, 0x89, 0xe5, 0xc3};

	memcpy(f->mem + 0x102000, code, sizeof(code));
	assert_int_equal(sh(f, "dis 0x402000 3"), 0);
	assert_out_has(f, "push");
	assert_out_has(f, "%rsp, %rbp");
	assert_out_has(f, "ret");
	assert_int_equal(sh(f, "set syntax intel"), 0);
	assert_int_equal(sh(f, "dis p:0x102000 2"), 0);
	assert_out_has(f, "rbp, rsp");
	assert_int_equal(sh(f, "set syntax bogus"), -EINVAL);
}

static void test_stats(void **state)
{
	struct fixture *f = *state;
	json_t *j, *dec;

	assert_int_equal(sh(f, "x/s 0x400000"), 0);
	assert_int_equal(mon(f, "sev stats"), 0);
	assert_out_has(f, "platform     sim (C-bit 52");
	assert_out_has(f, "fake in-process target");
	assert_int_equal(sh(f, "stats --json"), 0);
	j = out_json(f);
	dec = json_object_get(json_object_get(j, "paths"), "dbg_decrypt");
	assert_true(json_integer_value(json_object_get(dec, "calls")) > 0);
	assert_string_equal(json_string_value(json_object_get(j, "platform")),
			    "sim");
	json_decref(j);
	assert_int_equal(sh(f, "stats reset"), 0);
	assert_int_equal(sh(f, "stats --json"), 0);
	j = out_json(f);
	dec = json_object_get(json_object_get(j, "paths"), "dbg_decrypt");
	assert_int_equal(json_integer_value(json_object_get(dec, "calls")), 0);
	json_decref(j);
}

static void test_verify(void **state)
{
	struct fixture *f = *state;

	/* 0x106000: PTE C-bit set, shared; and both pages via the direct map.
	 */
	assert_int_equal(mon(f, "sev verify"), -EILSEQ);
	assert_out_has(f, "3 pages in 2 runs");
	assert_out_has(f, "va 0x0000000000406000 pa 0x000000106000");
	assert_out_has(f, "va 0xffff888000105000 pa 0x000000105000");
	assert_int_equal(sh(f, "verify 0x400000-0x406000"), 0);
	assert_out_has(f, "agrees with the bitmap");
}

/*
 * The kernel's bitmap was never told (nr_ranges 0): sevdbg follows the page
 * tables, reads the shared page right, and verify names the kernel's
 * bitmap as the one that disagrees.
 */
static void test_verify_untracked(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(sh(f, "x/s 0x405000"), 0);
	assert_out_has(f, SHARED);
	assert_int_equal(sh(f, "bitmap 0x105000+4K"), 0);
	assert_out_has(f, "nr_ranges 0");
	assert_out_has(f, "1 shared");
	assert_int_equal(mon(f, "sev verify 0x400000-0x410000"), -EILSEQ);
	assert_out_has(f,
		       "0x000000106000      1 pages: PTE C-bit set, bitmap says shared");
	assert_out_has(f,
		       "va 0x0000000000405000 pa 0x000000105000      1 pages: PTE C-bit clear, kernel bitmap says encrypted");
	assert_out_has(f, "the kernel's bitmap disagrees with the page tables");
}

static void test_regs_vcpu(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(sh(f, "regs"), 0);
	assert_out_has(f, "cr3       0x0010000000001000");
	assert_out_has(f, "rip is 0x400000");
	assert_int_equal(sh(f, "vcpu 1"), 0);
	assert_int_equal(sh(f, "regs"), 0);
	assert_out_has(f, "rip is 0x400010");
	assert_int_equal(sh(f, "vcpu 2"), -EINVAL);
	assert_out_has(f, "vCPUs 0..1");
	assert_int_equal(sh(f, "vcpu"), 0);
	assert_out_has(f, "* 1");
}

static void test_not_live(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(sh(f, "cont"), -EOPNOTSUPP);
	assert_out_has(f, "not running");
}

static void test_nodbg(void **state)
{
	struct fixture *f = *state;

	assert_true(sh(f, "x/s p:0x100000") < 0);
	assert_out_has(f, "polic");
	assert_null(strstr(f->out.buf, "SECRET"));
	/* Shared pages stay readable. */
	assert_int_equal(sh(f, "x/s p:0x105000"), 0);
	assert_out_has(f, SHARED);
	assert_int_equal(sh(f, "status p:0x100000"), 0);
	assert_out_has(f, "refused: guest policy NODBG");
}

static int fn_a(int x)
{
	return x + 1;
}

static int fn_b(int x)
{
	return x * 3;
}

/* A sized function with a sizeless label inside, as the kernel's
 * secondary_startup_64 and secondary_startup_64_no_verify. */
__asm__(".text\n.globl sized_fn\n.type sized_fn, @function\nsized_fn:\n"
	"nop\nnop\n.globl inner_label\ninner_label:\nnop\nret\n"
	".size sized_fn, .-sized_fn\n");

/* gdb labels an address inside a sized symbol with it, not with a
 * sizeless label between (minsyms.c); bt names frames that way. */
static void test_symbol_labels(void **state)
{
	struct fixture *f = *state;
	const struct sym *fn, *label;
	char err[256];

	assert_int_equal(sym_load("/proc/self/exe", &f->env.syms, err,
				  sizeof(err)),
			 0);
	fn = sym_by_name(f->env.syms, "sized_fn");
	label = sym_by_name(f->env.syms, "inner_label");
	assert_non_null(fn);
	assert_non_null(label);
	assert_int_equal(fn->size, 4);
	assert_int_equal(label->addr, fn->addr + 2);
	assert_ptr_equal(sym_by_addr(f->env.syms, label->addr + 1), fn);
	assert_ptr_equal(sym_by_addr(f->env.syms, fn->addr), fn);
	/* Past the end of a sized symbol: no label from it. */
	assert_ptr_not_equal(sym_by_addr(f->env.syms, fn->addr + 4), fn);
}

static void test_symbols(void **state)
{
	struct fixture *f = *state;
	const struct sym *a, *b;
	char err[256];
	uint64_t addr;
	bool phys;
	struct cmd_ctx ctx = {.s = &f->s, .out = &f->out, .env = &f->env};

	assert_int_equal(sym_load("/proc/self/exe", &f->env.syms, err,
				  sizeof(err)),
			 0);
	a = sym_by_name(f->env.syms, "fn_a");
	b = sym_by_name(f->env.syms, "fn_b");
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(b->addr - a->addr,
			 (uint64_t)((uintptr_t)fn_b - (uintptr_t)fn_a));
	assert_ptr_equal(sym_by_addr(f->env.syms, a->addr + 1), a);
	assert_int_equal(fn_a(1) + fn_b(1), 5);
	assert_int_equal(cmd_parse_addr(&ctx, "fn_a+0x10", &addr, &phys), 0);
	assert_int_equal(addr, a->addr + 0x10);
	assert_int_equal(cmd_parse_addr(&ctx, "no_such_symbol", &addr, &phys),
			 -ENOENT);
	assert_int_equal(cmd_parse_addr(&ctx, "p:0x1000-0x10", &addr, &phys),
			 0);
	assert_true(phys);
	assert_int_equal(addr, 0xff0);
	assert_int_not_equal(sym_load("/dev/null", &f->env.syms, err,
				      sizeof(err)),
			     0);
}

/*
 * A call from fn_b to fn_a, disassembled where the symbols say: the file
 * moved (sym_set_bias, as for KASLR) so that fn_b lands in the fake
 * guest's kernel mapping. Labels, call targets and source lines follow.
 */
static void test_dis_symbols(void **state)
{
	struct fixture *f = *state;
	const struct sym *a, *b;
	uint8_t call[5] = {0xe8};
	uint64_t va, pa;
	int32_t rel;
	char err[256], want[64];

	assert_int_equal(sym_load("/proc/self/exe", &f->env.syms, err,
				  sizeof(err)),
			 0);
	f->env.relocated = true;
	b = sym_by_name(f->env.syms, "fn_b");
	assert_non_null(b);
	assert_int_equal(sym_set_bias(f->env.syms,
				      KVA + 0x2000 - (b->addr & ~0xfffULL), err,
				      sizeof(err)),
			 0);
	a = sym_by_name(f->env.syms, "fn_a");
	assert_non_null(a);
	va = b->addr;
	assert_int_equal(va & ~0xfffULL, KVA + 0x2000);
	pa = 0x102000 + (va & 0xfff);
	rel = (int32_t)(a->addr - (va + 5));
	memcpy(call + 1, &rel, 4);
	memcpy(f->mem + pa, call, sizeof(call));
	snprintf(want, sizeof(want), "dis 0x%llx 1", (unsigned long long)va);
	assert_int_equal(sh(f, want), 0);
	assert_out_has(f, "fn_b:\n");
	assert_out_has(f, " <fn_a>\n");
	assert_out_has(f, "<fn_b>:");
	assert_out_has(f, "tests/unit/test-cmd.c:"); /* fn_b's source line */
	/* By name, and a physical address has no label. */
	assert_int_equal(sh(f, "dis fn_b 1"), 0);
	assert_out_has(f, "<fn_b>:");
	snprintf(want, sizeof(want), "dis p:0x%llx 1", (unsigned long long)pa);
	assert_int_equal(sh(f, want), 0);
	assert_null(strstr(f->out.buf, "fn_b"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_help, setup, teardown),
		cmocka_unit_test_setup_teardown(test_monitor_refuses_shell_commands,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_translate, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bitmap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_x, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_across_chunks, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dis, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stats, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_untracked,
						setup_untracked, teardown),
		cmocka_unit_test_setup_teardown(test_regs_vcpu, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_not_live, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nodbg, setup_nodbg,
						teardown),
		cmocka_unit_test_setup_teardown(test_symbols, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symbol_labels, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dis_symbols, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
