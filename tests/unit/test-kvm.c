// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kvm platform against this machine's real /dev/kvm: finding a VM fd with
 * pidfd_getfd, and the messages when SEV is missing (SEV: test-kvm-sev.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cmocka.h>
#include <linux/kvm.h>

#include "sevdbg/platform.h"
#include "sevdbg/ram.h"

struct fixture {
	int kvm_fd, vm_fd;
	struct ram_map ram;
	uint8_t *mem;
	char why[160]; /* why SEV-only tests skip */
	bool sev;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	unsigned int cbit;

	f->kvm_fd = f->vm_fd = -1;
	f->mem = aligned_alloc(4096, 1 << 20);
	memset(f->mem, 0, 1 << 20);
	ram_add(&f->ram, 0, 1 << 20, f->mem, "test");
	f->sev = kvm_sev_cpuid(&cbit, f->why, sizeof(f->why)) == 0;
	f->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (f->kvm_fd >= 0)
		f->vm_fd = ioctl(f->kvm_fd, KVM_CREATE_VM, 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f->vm_fd >= 0)
		close(f->vm_fd);
	if (f->kvm_fd >= 0)
		close(f->kvm_fd);
	ram_free(&f->ram);
	free(f->mem);
	free(f);
	return 0;
}

/* main() skips the program without /dev/kvm; a VM must then be possible. */
static void need_vm(struct fixture *f)
{
	assert_true(f->kvm_fd >= 0);
	assert_true(f->vm_fd >= 0);
}

static void test_cpuid_message(void **state)
{
	char err[160] = "";
	unsigned int cbit = 0;
	int ret = kvm_sev_cpuid(&cbit, err, sizeof(err));

	if (ret == 0) {
		/* 47 on Naples/Rome, 51 on Milan and later. */
		assert_true(cbit >= 32 && cbit < 64);
		return;
	}
	assert_int_equal(ret, -ENODEV);
	assert_true(
		!strcmp(err,
			"this CPU has no SEV (CPUID 0x8000001F EAX bit 1 clear)") ||
		!strcmp(err,
			"this CPU has no SEV (CPUID leaf 0x8000001F is missing)"));
}

/* pidfd_getfd on ourselves finds the VM fd we created, and only that. */
static void test_find_vm_fd(void **state)
{
	struct fixture *f = *state;
	char err[256] = "", path[64], link[64] = "";
	int fd = -1;

	need_vm(f);
	assert_int_equal(kvm_find_vm_fd(getpid(), &fd, err, sizeof(err)), 0);
	assert_true(fd >= 0 && fd != f->vm_fd);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	assert_true(readlink(path, link, sizeof(link) - 1) > 0);
	assert_string_equal(link, "anon_inode:kvm-vm");
	close(fd);
	close(f->vm_fd);
	f->vm_fd = -1;
	assert_int_equal(kvm_find_vm_fd(getpid(), &fd, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(
		strstr(err,
		       "has no KVM VM fd (is it QEMU running with -accel kvm?)"));
	assert_true(kvm_find_vm_fd(0x3fffffff, &fd, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "pidfd_open(1073741823) failed"));
}

/* A plain VM is no SEV guest: the mirror capability says EINVAL. */
static void test_mirror_refused(void **state)
{
	struct fixture *f = *state;
	struct platform *p = NULL;
	char err[256] = "";
	int ret;

	need_vm(f);
	ret = kvm_platform_attach_vm_fd(f->vm_fd, true, &f->ram, 51, &p, err,
					sizeof(err));
	assert_true(ret < 0);
	assert_null(p);
	printf("# %s\n", err);
	assert_int_equal(ret, -EINVAL);
	assert_string_equal(err,
			    "mirror VM refused: Invalid argument (kernel needs KVM_CAP_VM_COPY_ENC_CONTEXT_FROM, Linux >= 5.15, and an SEV guest)");
	/* The VM fd stays the caller's. */
	assert_true(fcntl(f->vm_fd, F_GETFD) >= 0);
}

/* Used directly, the plain VM refuses KVM_MEMORY_ENCRYPT_OP. */
static void test_dbg_refused(void **state)
{
	struct fixture *f = *state;
	struct platform *p = NULL;
	char err[256] = "";
	int ret;

	need_vm(f);
	ret = kvm_platform_attach_vm_fd(f->vm_fd, false, &f->ram, 51, &p, err,
					sizeof(err));
	printf("# %s\n", err);
	assert_true(ret < 0);
	assert_null(p);
	if (ret == -ENOTTY)
		assert_string_equal(err,
				    "KVM_MEMORY_ENCRYPT_OP refused (ENOTTY): the VM is not an SEV guest, or KVM has no SEV support (load kvm_amd with sev=1)");
	else /* an SEV-capable KVM refuses a non-SEV VM differently */
		assert_non_null(strstr(err, "KVM_MEMORY_ENCRYPT_OP refused")
					? err
					: strstr(err, "DBG_DECRYPT"));
}

/*
 * EBADF is KVM missing QEMU's /dev/sev number in our fd table (Linux 6.1
 * sev.c: __sev_issue_cmd(sev->fd) with the owner's number), not "not an
 * SEV guest", which the probe used to say.
 */
static void test_dbg_strerror(void **state)
{
	char err[256];

	(void)state;
	kvm_dbg_strerror(-EBADF, 0, -1, err, sizeof(err));
	assert_null(strstr(err, "not an SEV guest"));
	assert_non_null(strstr(err, "/dev/sev fd number"));
	kvm_dbg_strerror(-EBADF, 0, 17, err, sizeof(err));
	assert_non_null(strstr(err, "no /dev/sev at fd 17"));
	kvm_dbg_strerror(-EIO, SEV_RET_POLICY_FAILURE, 17, err, sizeof(err));
	assert_non_null(strstr(err, "POLICY_FAILURE"));
	kvm_dbg_strerror(-ENOMEM, 0, 17, err, sizeof(err));
	assert_non_null(strstr(err, "ulimit -l"));
	kvm_dbg_strerror(-ENOTTY, 0, 17, err, sizeof(err));
	assert_non_null(strstr(err, "not an SEV guest"));
}

/* The whole constructor on our own pid: stops at the first missing piece. */
static void test_platform_new_self(void **state)
{
	struct fixture *f = *state;
	struct kvm_attach a = {.qemu_pid = getpid(), .ram = &f->ram};
	struct platform *p = NULL;
	char err[256] = "";
	int ret;

	need_vm(f);
	ret = kvm_platform_new(&a, &p, err, sizeof(err));
	printf("# %s\n", err);
	assert_true(ret < 0);
	assert_null(p);
	if (!f->sev)
		assert_string_equal(err, f->why);
	else /* we hold no /dev/sev: the fd placement stops first */
		assert_non_null(strstr(err, "/dev/sev"));
}

int main(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpuid_message),
		cmocka_unit_test(test_dbg_strerror),
		T(test_find_vm_fd),
		T(test_mirror_refused),
		T(test_dbg_refused),
		T(test_platform_new_self),
	};

	/* cmocka reports skip() as "not ok": skip the program instead. */
	if (fd < 0) {
		printf("SKIP: cannot open /dev/kvm: %s (load kvm and run as root or in group kvm)\n",
		       strerror(errno));
		return 77;
	}
	close(fd);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
