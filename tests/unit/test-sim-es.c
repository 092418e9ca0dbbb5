// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for the sim's SEV-ES mode: a VMSA saved at a stop and read back
 * through read_vmsa, and each refusal of the series' VMSA command.
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

#define RAM_SIZE (1u << 20)

struct fixture {
	struct ram_map ram;
	uint8_t *mem;
	struct platform *p;
};

static const uint8_t key[16] = "0123456789abcdef";

static struct fixture *fixture_new(bool es, uint32_t policy, bool launched)
{
	struct sim_config cfg = {.key = key,
				 .launched = launched,
				 .hc_fd = -1,
				 .policy = policy,
				 .es = es};
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->mem = calloc(1, RAM_SIZE);
	assert_non_null(f->mem);
	assert_int_equal(ram_add(&f->ram, 0, RAM_SIZE, f->mem, "ram"), 0);
	assert_int_equal(sim_platform_new(&f->ram, &cfg, &f->p), 0);
	return f;
}

static void fixture_free(struct fixture *f)
{
	platform_destroy(f->p);
	ram_free(&f->ram);
	free(f->mem);
	free(f);
}

static void sample_regs(struct regs *r, uint64_t seed)
{
	memset(r, 0, sizeof(*r));
	regs_set(r, REGS_RIP, 0xffffffff81000000ULL + seed);
	regs_set(r, REGS_RSP, 0xffffc90000010000ULL + seed);
	regs_set(r, REGS_CR3, 0x1000 * (seed + 1));
	regs_set(r, REGS_CR0, 0x80050033);
	regs_set(r, REGS_CR4, 0x6f0);
	regs_set(r, REGS_EFER, 0xd00);
	regs_set(r, REGS_R15, seed);
}

static void test_save_and_read(void **state)
{
	struct fixture *f = fixture_new(true, 0, true);
	uint8_t vmsa[SEV_ES_VMSA_SIZE], out[SEV_ES_VMSA_SIZE];
	struct platform_info pi;
	struct regs r, back;
	int fw = -1;

	assert_int_equal(platform_info(f->p, &pi), 0);
	assert_true(pi.regs_encrypted);
	assert_string_equal(pi.kind, "sim-es");
	for (int cpu = 0; cpu < 2; cpu++) {
		sample_regs(&r, (uint64_t)cpu);
		vmsa_from_regs(&r, vmsa);
		assert_int_equal(sim_platform_save_vmsa(f->p, cpu, vmsa,
							sizeof(vmsa)),
				 0);
	}
	for (int cpu = 0; cpu < 2; cpu++) {
		assert_int_equal(platform_read_vmsa(f->p, cpu, out, sizeof(out),
						    &fw),
				 0);
		assert_int_equal(fw, 0);
		vmsa_to_regs(out, &back);
		sample_regs(&r, (uint64_t)cpu);
		assert_int_equal(regs_get(&back, REGS_RIP),
				 regs_get(&r, REGS_RIP));
		assert_int_equal(regs_get(&back, REGS_CR3),
				 regs_get(&r, REGS_CR3));
		assert_int_equal(regs_get(&back, REGS_R15), (uint64_t)cpu);
	}
	assert_int_equal(f->p->stats.vmsa_calls, 2);
	assert_int_equal(f->p->stats.errors, 0);
	fixture_free(f);
}

/* Between a resume and the next stop the VMSA is the running CPU's. */
static void test_running_busy(void **state)
{
	struct fixture *f = fixture_new(true, 0, true);
	uint8_t vmsa[SEV_ES_VMSA_SIZE] = {1}, out[SEV_ES_VMSA_SIZE];
	int fw;

	assert_int_equal(platform_read_vmsa(f->p, 0, out, sizeof(out), &fw),
			 -ENOENT); /* never stopped: no such vCPU yet */
	assert_int_equal(sim_platform_save_vmsa(f->p, 0, vmsa, sizeof(vmsa)),
			 0);
	assert_int_equal(sim_platform_save_vmsa(f->p, 0, NULL, 0), 0);
	assert_int_equal(platform_read_vmsa(f->p, 0, out, sizeof(out), &fw),
			 -EBUSY);
	assert_non_null(strstr(sev_vmsa_strerror(-EBUSY, 0), "running"));
	assert_int_equal(sim_platform_save_vmsa(f->p, 0, vmsa, sizeof(vmsa)),
			 0);
	assert_int_equal(platform_read_vmsa(f->p, 0, out, sizeof(out), &fw), 0);
	assert_int_equal(out[0], 1);
	assert_int_equal(platform_read_vmsa(f->p, 0, out, 0, &fw), -EINVAL);
	assert_int_equal(f->p->stats.errors, 3);
	fixture_free(f);
}

static void test_nodbg_refused(void **state)
{
	struct fixture *f = fixture_new(true, SEV_POLICY_NODBG, true);
	uint8_t vmsa[SEV_ES_VMSA_SIZE] = {0}, out[SEV_ES_VMSA_SIZE];
	int fw = -1;

	assert_int_equal(sim_platform_save_vmsa(f->p, 0, vmsa, sizeof(vmsa)),
			 0);
	assert_int_equal(platform_read_vmsa(f->p, 0, out, sizeof(out), &fw),
			 -EPERM);
	assert_non_null(strstr(sev_vmsa_strerror(-EPERM, fw), "NODBG"));
	/* The firmware's own refusal reads the same to a user. */
	assert_non_null(strstr(sev_vmsa_strerror(-EIO, SEV_RET_POLICY_FAILURE),
			       "NODBG"));
	fixture_free(f);
}

static void test_not_launched(void **state)
{
	struct fixture *f = fixture_new(true, 0, false);
	uint8_t vmsa[SEV_ES_VMSA_SIZE] = {0}, out[SEV_ES_VMSA_SIZE];
	int fw = 0;

	assert_int_equal(sim_platform_save_vmsa(f->p, 1, vmsa, sizeof(vmsa)),
			 0);
	assert_int_equal(platform_read_vmsa(f->p, 1, out, sizeof(out), &fw),
			 -EIO);
	assert_int_equal(fw, SEV_RET_INVALID_GUEST_STATE);
	fixture_free(f);
}

/* A plain SEV sim has no VMSA: the registers come from QEMU. */
static void test_not_es(void **state)
{
	struct fixture *f = fixture_new(false, 0, true);
	uint8_t vmsa[SEV_ES_VMSA_SIZE] = {0}, out[SEV_ES_VMSA_SIZE];
	struct platform_info pi;
	int fw;

	assert_int_equal(platform_info(f->p, &pi), 0);
	assert_false(pi.regs_encrypted);
	assert_int_equal(sim_platform_save_vmsa(f->p, 0, vmsa, sizeof(vmsa)),
			 -EINVAL);
	assert_int_equal(platform_read_vmsa(f->p, 0, out, sizeof(out), &fw),
			 -EOPNOTSUPP);
	assert_non_null(strstr(sev_vmsa_strerror(-EOPNOTSUPP, 0), "SEV"));
	fixture_free(f);
}

/* Kernels without the series' patch, and platforms without the op. */
static void test_strerror_missing_patch(void **state)
{
	assert_non_null(strstr(sev_vmsa_strerror(-EINVAL, 0), "kernel/"));
	assert_non_null(strstr(sev_vmsa_strerror(-ENOTTY, 0), "kernel/"));
	assert_non_null(strstr(sev_vmsa_strerror(-ENOSYS, 0), "no VMSA"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_save_and_read),
		cmocka_unit_test(test_running_busy),
		cmocka_unit_test(test_nodbg_refused),
		cmocka_unit_test(test_not_launched),
		cmocka_unit_test(test_not_es),
		cmocka_unit_test(test_strerror_missing_patch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
