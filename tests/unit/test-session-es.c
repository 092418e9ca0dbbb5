// SPDX-License-Identifier: GPL-2.0-only
/*
 * Session tests on a simulated SEV-ES guest: registers and CR3 from the
 * VMSA, one firmware command per vCPU per stop, refusals that say why.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sevdbg/platform.h"
#include "sevdbg/ram.h"
#include "sevdbg/vmsa.h"
#include "gdbstub/mem/session.h"

#define RAM_SIZE (4u << 20)
#define CBIT	 (1ULL << 52)
#define VA	 0xffffffff80000000ULL

struct fake {
	struct target t;
	uint8_t *mem;
};

/* As QEMU's gdbstub on SEV-ES: vCPUs exist, their registers do not. */
static int fake_read_regs(struct target *t, int vcpu, struct regs *r)
{
	memset(r, 0, sizeof(*r));
	return vcpu >= 0 && vcpu < 2 ? 0 : -EINVAL;
}

static int fake_nr_vcpus(struct target *t)
{
	return 2;
}

static const struct target_ops fake_ops = {
	.name = "fake",
	.nr_vcpus = fake_nr_vcpus,
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

/* What the CPU does at a VMEXIT: vCPU n's state into its VMSA. */
static void save_vmsa(struct fake *f, int vcpu, uint64_t cr3)
{
	uint8_t vmsa[SEV_ES_VMSA_SIZE];
	struct regs r;

	memset(&r, 0, sizeof(r));
	regs_set(&r, REGS_RIP, VA + (uint64_t)vcpu);
	regs_set(&r, REGS_CR0, 0x80000011);
	regs_set(&r, REGS_CR3, cr3);
	regs_set(&r, REGS_CR4, 0x20);
	regs_set(&r, REGS_EFER, 0xd00);
	vmsa_from_regs(&r, vmsa);
	assert_int_equal(sim_platform_save_vmsa(f->t.plat, vcpu, vmsa,
						sizeof(vmsa)),
			 0);
}

static struct fake *fake_new(uint32_t policy)
{
	static const uint8_t key[16] = "session-es-key!!";
	struct sim_config cfg = {.key = key,
				 .launched = true,
				 .hc_fd = -1,
				 .policy = policy,
				 .es = true};
	struct fake *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->mem = calloc(1, RAM_SIZE);
	assert_non_null(f->mem);
	f->t.ops = &fake_ops;
	f->t.priv = f;
	f->t.live = true;
	assert_int_equal(ram_add(&f->t.ram, 0, RAM_SIZE, f->mem, "ram"), 0);
	assert_int_equal(sim_platform_new(&f->t.ram, &cfg, &f->t.plat), 0);
	map(f, 0x10000, 0x100000);
	map(f, 0x20000, 0x200000);
	memcpy(f->mem + 0x100000, "vcpu0 sees this", 16);
	memcpy(f->mem + 0x200000, "vcpu1 sees that", 16);
	save_vmsa(f, 0, 0x10000);
	save_vmsa(f, 1, 0x20000);
	return f;
}

static void fake_free(struct fake *f)
{
	platform_destroy(f->t.plat);
	ram_free(&f->t.ram);
	free(f->mem);
	free(f);
}

/* The walker's CR3 is the VMSA's, and the VMSA is read once per stop. */
static void test_cr3_from_vmsa_cached(void **state)
{
	struct fake *f = fake_new(0);
	struct session s;
	char buf[16];

	assert_int_equal(session_init(&s, &f->t), 0);
	assert_true(s.pinfo.regs_encrypted);
	for (int i = 0; i < 10; i++) {
		assert_int_equal(session_read_virt(&s, 0, VA, buf, 16), 16);
		assert_string_equal(buf, "vcpu0 sees this");
		assert_int_equal(session_read_virt(&s, 1, VA, buf, 16), 16);
		assert_string_equal(buf, "vcpu1 sees that");
	}
	assert_int_equal(f->t.plat->stats.vmsa_calls, 2);

	/* The guest runs: no registers; it stops with new ones. */
	session_note_resume(&s);
	f->t.running = true;
	sim_platform_save_vmsa(f->t.plat, 0, NULL, 0);
	assert_int_equal(session_read_virt(&s, 0, VA, buf, 16), -EBUSY);
	f->t.running = false;
	save_vmsa(f, 0, 0x20000); /* vCPU 0 switched page tables */
	session_note_stop(&s);
	assert_int_equal(session_read_virt(&s, 0, VA, buf, 16), 16);
	assert_string_equal(buf, "vcpu1 sees that");
	assert_int_equal(f->t.plat->stats.vmsa_calls, 3);
	session_release(&s);
	fake_free(f);
}

/* NODBG: unavailable, not an error, and the reason names the policy. */
static void test_nodbg_unavailable(void **state)
{
	struct fake *f = fake_new(SEV_POLICY_NODBG);
	struct session s;
	struct regs r;
	char buf[16];

	assert_int_equal(session_init(&s, &f->t), 0);
	assert_int_equal(session_read_regs(&s, 0, &r), 0);
	assert_false(r.valid[REGS_RIP]);
	assert_false(r.valid[REGS_CR3]);
	assert_non_null(strstr(session_regs_why(&s), "NODBG"));
	assert_int_equal(session_read_virt(&s, 0, VA, buf, 16), -ENODATA);
	assert_int_equal(session_read_regs(&s, 2, &r), -EINVAL);
	session_release(&s);
	fake_free(f);
}

static void test_refusals(void **state)
{
	struct fake *f = fake_new(0);
	struct session s;

	assert_int_equal(session_init(&s, &f->t), 0);
	assert_non_null(strstr(session_step_refusal(&s), "single-step"));
	assert_non_null(strstr(session_bp_refusal(&s), "breakpoints"));
	/* They go into RSP replies: no framing characters. */
	assert_null(strpbrk(session_step_refusal(&s), "$#*}"));
	assert_null(strpbrk(session_bp_refusal(&s), "$#*}"));
	s.pinfo.regs_encrypted = false;
	assert_null(session_step_refusal(&s));
	assert_null(session_bp_refusal(&s));
	session_release(&s);
	fake_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cr3_from_vmsa_cached),
		cmocka_unit_test(test_nodbg_unavailable),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
