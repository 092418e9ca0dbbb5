// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kvm platform on real SEV: attach to a running SEV guest's QEMU
 * (SEVDBG_QEMU_PID, RAM as SEVDBG_QEMU_MEMFD) and read it; skips elsewhere.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sevdbg/platform.h"
#include "sevdbg/ram.h"
#include "gdbstub/mem/router.h"

#define SKIP 77

/*
 * Needs: an SEV host, QEMU running an SEV guest with a share=on memfd
 * backend mapped at gpa 0, SEVDBG_QEMU_PID=<pid> and
 * SEVDBG_QEMU_MEMFD=/proc/<pid>/fd/<n> (the backend's fd).
 */
int main(void)
{
	const char *pid_s = getenv("SEVDBG_QEMU_PID");
	const char *memfd = getenv("SEVDBG_QEMU_MEMFD");
	struct ram_map ram = {0};
	struct kvm_attach a;
	struct platform *p;
	struct router *r;
	char err[256];
	unsigned int cbit;
	uint8_t buf[4096];
	struct stat st;
	ssize_t n;
	void *m;
	int fd;

	if (kvm_sev_cpuid(&cbit, err, sizeof(err))) {
		printf("SKIP: kvm platform on a real SEV guest: %s\n", err);
		return SKIP;
	}
	if (!pid_s || !memfd) {
		printf("SKIP: kvm platform on a real SEV guest: set SEVDBG_QEMU_PID and SEVDBG_QEMU_MEMFD to a running SEV guest's QEMU\n");
		return SKIP;
	}
	fd = open(memfd, O_RDWR);
	if (fd < 0 || fstat(fd, &st)) {
		printf("cannot open %s: %s\n", memfd, strerror(errno));
		return 1;
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, 0);
	if (m == MAP_FAILED ||
	    ram_add(&ram, 0, (uint64_t)st.st_size & PAGE_MASK, m, "ram0")) {
		printf("cannot map guest RAM: %s\n", strerror(errno));
		return 1;
	}
	a.qemu_pid = atoi(pid_s);
	a.ram = &ram;
	if (kvm_platform_new(&a, &p, err, sizeof(err))) {
		printf("not ok: attach failed: %s\n", err);
		return 1;
	}
	if (router_new(p, &ram, &r))
		return 1;
	/* Page 0 is private on a Linux SEV guest: must decrypt. */
	n = router_read(r, 0, buf, sizeof(buf));
	if (n != (ssize_t)sizeof(buf)) {
		router_last_error(r, err, sizeof(err));
		printf("not ok: read of gpa 0 failed: %s\n", err);
		return 1;
	}
	printf("ok: attached (C-bit %u) and decrypted gpa 0\n", cbit);
	router_free(r);
	platform_destroy(p);
	return 0;
}
