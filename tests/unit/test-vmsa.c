// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for the VMSA converter: a VMSA built by hand at the offsets of
 * Linux 6.1's struct sev_es_save_area, read back as gdb's register file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sevdbg/vmsa.h"

static uint8_t vmsa[4096]; /* the page the firmware decrypts */

static void put(unsigned int off, uint64_t v, unsigned int width)
{
	for (unsigned int i = 0; i < width; i++)
		vmsa[off + i] = (uint8_t)(v >> (8 * i));
}

/*
 * Offsets written out from the kernel's structure (not from our macros),
 * so a wrong macro fails here as well as in kernel/check.
 */
static void build_vmsa(void)
{
	memset(vmsa, 0xee, sizeof(vmsa)); /* fields we do not map: noise */
	put(0x010, 0x10, 2);		  /* cs.selector */
	put(0x012, 0xa09b, 2);		  /* cs.attrib: must not leak */
	put(0x018, 0, 8);		  /* cs.base */
	put(0x020, 0x18, 2);		  /* ss.selector */
	put(0x028, 0, 8);
	put(0x000, 0x2b, 2); /* es */
	put(0x008, 0x1000, 8);
	put(0x030, 0x2b, 2); /* ds */
	put(0x038, 0, 8);
	put(0x040, 0x33, 2); /* fs */
	put(0x048, 0x7f0000001000ULL, 8);
	put(0x050, 0x3b, 2); /* gs */
	put(0x058, 0xffff888007a00000ULL, 8);
	put(0x0d0, 0xd01, 8);		      /* efer */
	put(0x148, 0x3506f0, 8);	      /* cr4 */
	put(0x150, 0x1234000, 8);	      /* cr3 */
	put(0x158, 0x80050033, 8);	      /* cr0 */
	put(0x170, 0x246, 8);		      /* rflags */
	put(0x178, 0xffffffff81000123ULL, 8); /* rip */
	put(0x1d8, 0xffffc90000013f00ULL, 8); /* rsp */
	put(0x1f8, 0x1111, 8);		      /* rax */
	put(0x220, 0xffff88807fc00000ULL, 8); /* kernel_gs_base */
	put(0x240, 0xdead000, 8);	      /* cr2 */
	put(0x308, 0x3333, 8);		      /* rcx */
	put(0x310, 0x4444, 8);		      /* rdx */
	put(0x318, 0x2222, 8);		      /* rbx */
	put(0x328, 0xffffc90000013f80ULL, 8); /* rbp */
	put(0x330, 0x5555, 8);		      /* rsi */
	put(0x338, 0x6666, 8);		      /* rdi */
	for (unsigned int i = 0; i < 8; i++)
		put(0x340 + 8 * i, 0x8000 + i, 8); /* r8..r15 */
}

static void test_to_regs(void **state)
{
	struct regs r;

	build_vmsa();
	vmsa_to_regs(vmsa, &r);
	assert_int_equal(regs_get(&r, REGS_RIP), 0xffffffff81000123ULL);
	assert_int_equal(regs_get(&r, REGS_RSP), 0xffffc90000013f00ULL);
	assert_int_equal(regs_get(&r, REGS_RBP), 0xffffc90000013f80ULL);
	assert_int_equal(regs_get(&r, REGS_RAX), 0x1111);
	assert_int_equal(regs_get(&r, REGS_RBX), 0x2222);
	assert_int_equal(regs_get(&r, REGS_RCX), 0x3333);
	assert_int_equal(regs_get(&r, REGS_RDX), 0x4444);
	assert_int_equal(regs_get(&r, REGS_RSI), 0x5555);
	assert_int_equal(regs_get(&r, REGS_RDI), 0x6666);
	for (unsigned int i = 0; i < 8; i++)
		assert_int_equal(regs_get(&r, REGS_R8 + i), 0x8000 + i);
	assert_int_equal(regs_get(&r, REGS_EFLAGS), 0x246);
	assert_int_equal(regs_get(&r, REGS_CS), 0x10); /* not 0xa09b0010 */
	assert_int_equal(regs_get(&r, REGS_SS), 0x18);
	assert_int_equal(regs_get(&r, REGS_ES), 0x2b);
	assert_int_equal(regs_get(&r, REGS_ES_BASE), 0x1000);
	assert_int_equal(regs_get(&r, REGS_FS), 0x33);
	assert_int_equal(regs_get(&r, REGS_FS_BASE), 0x7f0000001000ULL);
	assert_int_equal(regs_get(&r, REGS_GS_BASE), 0xffff888007a00000ULL);
	assert_int_equal(regs_get(&r, REGS_K_GS_BASE), 0xffff88807fc00000ULL);
	assert_int_equal(regs_get(&r, REGS_CR0), 0x80050033);
	assert_int_equal(regs_get(&r, REGS_CR2), 0xdead000);
	assert_int_equal(regs_get(&r, REGS_CR3), 0x1234000);
	assert_int_equal(regs_get(&r, REGS_CR4), 0x3506f0);
	assert_int_equal(regs_get(&r, REGS_EFER), 0xd01);
	assert_true(r.valid[REGS_RIP] && r.valid[REGS_CR3] && r.valid[REGS_GS]);
}

/* What the VMSA does not hold is unavailable, never zero passed as data. */
static void test_unmapped_unavailable(void **state)
{
	struct regs r;

	build_vmsa();
	vmsa_to_regs(vmsa, &r);
	assert_false(r.valid[REGS_CR8]);
	assert_false(r.valid[REGS_ST0]);
	assert_false(r.valid[REGS_XMM0]);
	assert_false(r.valid[REGS_MXCSR]);
}

/* The sim builds a VMSA from QEMU's registers: the round trip is exact. */
static void test_round_trip(void **state)
{
	uint8_t back[SEV_ES_VMSA_SIZE];
	struct regs r, r2;

	build_vmsa();
	vmsa_to_regs(vmsa, &r);
	vmsa_from_regs(&r, back);
	vmsa_to_regs(back, &r2);
	assert_memory_equal(r.raw, r2.raw, sizeof(r.raw));
	assert_memory_equal(r.valid, r2.valid, sizeof(r.valid));
	/* Unmapped VMSA bytes are not invented: they stay zero. */
	assert_int_equal(back[0x012], 0); /* cs.attrib */
	assert_int_equal(back[0x3e8], 0); /* xcr0 */
}

/* An invalid register is not written: the VMSA keeps zero there. */
static void test_from_regs_skips_invalid(void **state)
{
	uint8_t out[SEV_ES_VMSA_SIZE];
	struct regs r;

	memset(&r, 0, sizeof(r));
	regs_set(&r, REGS_RIP, 0x1234);
	memset(r.raw + regs_offset(REGS_RSP), 0xff, 8); /* not valid */
	vmsa_from_regs(&r, out);
	assert_int_equal(out[0x178], 0x34);
	assert_int_equal(out[0x179], 0x12);
	for (unsigned int i = 0; i < 8; i++)
		assert_int_equal(out[0x1d8 + i], 0);
}

static void test_layout_constants(void **state)
{
	/* sizeof(struct sev_es_save_area) in 6.1 */
	assert_int_equal(SEV_ES_VMSA_SIZE, 1648);
	assert_int_equal(SEV_ES_VMSA_OFF_XCR0, 0x3e8);
	assert_int_equal(SEV_ES_VMSA_OFF_DR7, 0x160);
	assert_int_equal(SEV_ES_VMSA_OFF_GDTR + SEV_ES_VMSA_SEG_BASE, 0x68);
	assert_int_equal(SEV_ES_VMSA_OFF_IDTR + SEV_ES_VMSA_SEG_LIMIT, 0x84);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_to_regs),
		cmocka_unit_test(test_unmapped_unavailable),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_from_regs_skips_invalid),
		cmocka_unit_test(test_layout_constants),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
