// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kvm platform (DESIGN.md §3): a mirror of QEMU's SEV VM for DBG_DECRYPT/
 * ENCRYPT on our mapping of guest RAM, and the series' bitmap ioctls.
 */
#include <cpuid.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/kvm.h>
#include "uapi/linux/sevdbg_kvm.h"

#include "sevdbg/platform.h"
#include "sevdbg/ram.h"
#include "sevdbg/util.h"
#include "plugins/platforms/kvm/sevfd.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

struct kvm_plat {
	struct platform p;
	const struct ram_map *ram;
	int kvm_fd;   /* /dev/kvm */
	int vm_fd;    /* our mirror VM, or the VM itself if owned */
	int owner_fd; /* QEMU's VM fd (a duplicate), -1 if none */
	int sev_fd;   /* /dev/sev if it opens, else -1 */
	/* The thread holding /dev/sev at QEMU's number (sevfd.h), NULL
	 * when the VM is our own and any /dev/sev fd will do. */
	struct sevfd *gate;
	int sev_number; /* QEMU's /dev/sev fd number, -1 if unknown */
	struct platform_info info;
	bool series;	 /* KVM_CAP_SEV_PAGE_ENC_BITMAP answers */
	uint8_t *bounce; /* one page, page aligned */
};

static struct kvm_plat *to_kvm(struct platform *p)
{
	return p->priv;
}

static uint8_t *kvm_hva(struct kvm_plat *k, uint64_t gpa, size_t len)
{
	const struct ram_region *r = ram_find(k->ram, gpa);

	if (!r || !r->hva || len > r->gpa + r->size - gpa)
		return NULL;
	return r->hva + (gpa - r->gpa);
}

/* The hypervisor's view is our shared mapping of the RAM backend. */
static int kvm_read_host(struct platform *p, uint64_t gpa, void *buf,
			 size_t len)
{
	uint8_t *hva = kvm_hva(to_kvm(p), gpa, len);

	if (!hva)
		return -EFAULT;
	memcpy(buf, hva, len);
	return 0;
}

static int kvm_write_host(struct platform *p, uint64_t gpa, const void *buf,
			  size_t len)
{
	uint8_t *hva = kvm_hva(to_kvm(p), gpa, len);

	if (!hva)
		return -EFAULT;
	memcpy(hva, buf, len);
	return 0;
}

struct kvm_dbg_req {
	int vm_fd;
	struct kvm_sev_cmd cmd;
};

static int kvm_dbg_ioctl(void *arg)
{
	struct kvm_dbg_req *q = arg;

	return ioctl(q->vm_fd, KVM_MEMORY_ENCRYPT_OP, &q->cmd) < 0 ? -errno : 0;
}

/*
 * One KVM_SEV_DBG_{DE,EN}CRYPT; KVM pins both user pages. On a mirror it
 * runs in the thread whose fd table has /dev/sev at QEMU's number, the
 * only place KVM looks (sev->fd; cmd.sev_fd is ignored for DBG commands).
 */
static int kvm_sev_dbg(struct kvm_plat *k, uint32_t id, uint64_t src,
		       uint64_t dst, size_t len, int *fw_error)
{
	struct kvm_sev_dbg dbg = {.src_uaddr = src,
				  .dst_uaddr = dst,
				  .len = (uint32_t)len};
	struct kvm_dbg_req q =
		{.vm_fd = k->gate ? sevfd_fd(k->gate) : k->vm_fd,
		 .cmd = {.id = id,
			 .data = (uint64_t)(uintptr_t)&dbg,
			 .sev_fd = (uint32_t)(k->gate ? k->sev_number
						      : k->sev_fd)}};
	int ret;

	ret = k->gate ? sevfd_call(k->gate, kvm_dbg_ioctl, &q)
		      : kvm_dbg_ioctl(&q);
	*fw_error = ret ? (int)q.cmd.error : 0;
	return ret;
}

static int kvm_dbg_decrypt(struct platform *p, uint64_t gpa, void *buf,
			   size_t len, int *fw_error)
{
	struct kvm_plat *k = to_kvm(p);
	uint8_t *hva = kvm_hva(k, gpa, len);
	int ret;

	*fw_error = 0;
	if (!hva)
		return -EFAULT;
	if (len > PAGE_SIZE)
		return -EINVAL;
	ret = kvm_sev_dbg(k, KVM_SEV_DBG_DECRYPT, (uintptr_t)hva,
			  (uintptr_t)k->bounce, len, fw_error);
	if (!ret)
		memcpy(buf, k->bounce, len);
	return ret;
}

static int kvm_dbg_encrypt(struct platform *p, uint64_t gpa, const void *buf,
			   size_t len, int *fw_error)
{
	struct kvm_plat *k = to_kvm(p);
	uint8_t *hva = kvm_hva(k, gpa, len);

	*fw_error = 0;
	if (!hva)
		return -EFAULT;
	if (len > PAGE_SIZE)
		return -EINVAL;
	memcpy(k->bounce, buf, len);
	return kvm_sev_dbg(k, KVM_SEV_DBG_ENCRYPT, (uintptr_t)k->bounce,
			   (uintptr_t)hva, len, fw_error);
}

/*
 * A stopped vCPU's decrypted VMSA (the series' KVM_SEV_DBG_DECRYPT_VMSA).
 * QEMU numbers vCPUs as KVM_CREATE_VCPU's ids (its cpu_index, the APIC
 * id of a flat topology), so our 0-based vCPU index is the id.
 */
static int kvm_read_vmsa(struct platform *p, int vcpu, void *buf, size_t len,
			 int *fw_error)
{
	struct kvm_plat *k = to_kvm(p);
	struct kvm_sev_dbg_vmsa v = {.vcpu_id = (uint32_t)vcpu,
				     .dst_uaddr = (uintptr_t)k->bounce,
				     .len = (uint32_t)len};
	struct kvm_sev_cmd cmd = {.id = KVM_SEV_DBG_DECRYPT_VMSA,
				  .data = (uint64_t)(uintptr_t)&v,
				  .sev_fd = (uint32_t)k->sev_fd};

	*fw_error = 0;
	if (vcpu < 0 || !len || len > PAGE_SIZE)
		return -EINVAL;
	if (!k->info.regs_encrypted)
		return -EOPNOTSUPP;
	if (ioctl(k->vm_fd, KVM_MEMORY_ENCRYPT_OP, &cmd) < 0) {
		*fw_error = (int)cmd.error;
		return -errno;
	}
	memcpy(buf, k->bounce, len);
	return 0;
}

/* nr_ranges (GET only) may be NULL. */
static int kvm_bitmap_ioctl(struct kvm_plat *k, unsigned long req,
			    uint64_t start_gfn, uint64_t npages, void *bits,
			    uint64_t *nr_ranges)
{
	struct kvm_page_enc_bitmap b = {.start_gfn = start_gfn,
					.num_pages = npages,
					.enc_bitmap = (uintptr_t)bits};

	if (ioctl(k->vm_fd, req, &b) < 0)
		return -errno;
	if (nr_ranges)
		*nr_ranges = b.nr_ranges;
	return 0;
}

static int kvm_get_bitmap(struct platform *p, uint64_t start_gfn,
			  uint64_t npages, uint8_t *bits)
{
	struct kvm_plat *k = to_kvm(p);

	/* Without the series the memory model derives the bitmap from the
	 * page tables (info.bitmap_from_paging); with it but untrusted, the
	 * kernel's bitmap still answers, for `verify` to compare. */
	if (!k->series)
		return -EOPNOTSUPP;
	return kvm_bitmap_ioctl(k, KVM_GET_PAGE_ENC_BITMAP, start_gfn, npages,
				bits, NULL);
}

static int kvm_set_bitmap(struct platform *p, uint64_t start_gfn,
			  uint64_t npages, const uint8_t *bits)
{
	struct kvm_plat *k = to_kvm(p);

	if (!k->series)
		return -EOPNOTSUPP;
	return kvm_bitmap_ioctl(k, KVM_SET_PAGE_ENC_BITMAP, start_gfn, npages,
				(void *)bits, NULL);
}

/*
 * Trust the kernel's bitmap only with evidence that the guest reports to
 * it (DESIGN.md §3.4): a stock guest without KVM_FEATURE_MIGRATION_CONTROL
 * never does, and the bitmap's "all encrypted" would send shared pages
 * through DBG_DECRYPT. Asked again at every stop: a guest that sevdbg
 * launched starts reporting only once it boots.
 */
static void kvm_trust_bitmap(struct kvm_plat *k)
{
	uint64_t nr = 0;
	int ret;

	if (!k->series)
		return;
	ret = kvm_bitmap_ioctl(k, KVM_GET_PAGE_ENC_BITMAP, 0, 0, NULL, &nr);
	k->info.bitmap_from_paging = ret || !nr;
	if (ret)
		k->info.bitmap_caveat =
			"the kernel's page-encryption bitmap does not answer: shared pages come from the guest's page tables";
	else if (!nr)
		k->info.bitmap_caveat =
			"the guest never reported a page to the kernel's bitmap (nr_ranges 0; it lacks KVM_FEATURE_MIGRATION_CONTROL): shared pages come from the guest's page tables, `verify` compares the two";
	else
		k->info.bitmap_caveat = NULL;
}

static int kvm_info(struct platform *p, struct platform_info *info)
{
	struct kvm_plat *k = to_kvm(p);

	kvm_trust_bitmap(k);
	*info = k->info;
	return 0;
}

static void kvm_destroy(struct platform *p)
{
	struct kvm_plat *k = to_kvm(p);

	sevfd_stop(k->gate);
	if (k->vm_fd >= 0)
		close(k->vm_fd);
	if (k->owner_fd >= 0)
		close(k->owner_fd);
	if (k->kvm_fd >= 0)
		close(k->kvm_fd);
	if (k->sev_fd >= 0)
		close(k->sev_fd);
	free(k->bounce);
	free(k);
}

static const struct platform_ops kvm_ops = {
	.name = "kvm",
	.read_host = kvm_read_host,
	.write_host = kvm_write_host,
	.dbg_decrypt = kvm_dbg_decrypt,
	.dbg_encrypt = kvm_dbg_encrypt,
	.get_bitmap = kvm_get_bitmap,
	.set_bitmap = kvm_set_bitmap,
	.info = kvm_info,
	.read_vmsa = kvm_read_vmsa,
	.destroy = kvm_destroy,
};

int kvm_sev_cpuid(unsigned int *cbit, char *err, size_t errlen)
{
	unsigned int eax, ebx, ecx, edx;

	if (!__get_cpuid(0x80000000, &eax, &ebx, &ecx, &edx) ||
	    eax < 0x8000001f) {
		snprintf(err, errlen,
			 "this CPU has no SEV (CPUID leaf 0x8000001F is missing)");
		return -ENODEV;
	}
	__get_cpuid(0x8000001f, &eax, &ebx, &ecx, &edx);
	if (!(eax & (1u << 1))) {
		snprintf(err, errlen,
			 "this CPU has no SEV (CPUID 0x8000001F EAX bit 1 clear)");
		return -ENODEV;
	}
	*cbit = ebx & 0x3f;
	return 0;
}

/* QEMU's VM fd: the one whose /proc link reads anon_inode:kvm-vm. */
int kvm_find_vm_fd(int pid, int *out, char *err, size_t errlen)
{
	char dir[64], path[PATH_MAX], link[128];
	struct dirent *de;
	int pidfd, fd = -1, ret = -ENOENT;
	ssize_t n;
	DIR *d;

	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0) {
		ret = -errno;
		snprintf(err, errlen,
			 "pidfd_open(%d) failed: %s (is QEMU running with that pid?)",
			 pid, strerror(errno));
		return ret;
	}
	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	d = opendir(dir);
	if (!d) {
		ret = -errno;
		snprintf(err, errlen,
			 "cannot list %s: %s (run as root or as QEMU's user)",
			 dir, strerror(errno));
		goto out;
	}
	while ((de = readdir(d))) {
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n < 0)
			continue;
		link[n] = '\0';
		if (strcmp(link, "anon_inode:kvm-vm"))
			continue;
		fd = (int)syscall(SYS_pidfd_getfd, pidfd, atoi(de->d_name), 0);
		if (fd < 0) {
			ret = -errno;
			snprintf(err, errlen,
				 "pidfd_getfd on QEMU (pid %d) failed: %s (needs root or ptrace rights over QEMU, and Linux >= 5.6)",
				 pid, strerror(errno));
		}
		break;
	}
	closedir(d);
	if (fd >= 0) {
		*out = fd;
		ret = 0;
	} else if (ret == -ENOENT) {
		snprintf(err, errlen,
			 "process %d has no KVM VM fd (is it QEMU running with -accel kvm?)",
			 pid);
	}
out:
	close(pidfd);
	return ret;
}

/* Why the first DBG_DECRYPT failed, each errno of 6.1's sev.c by name. */
void kvm_dbg_strerror(int ret, int fw, int sev_number, char *err, size_t errlen)
{
	if (fw)
		snprintf(err, errlen, "KVM_SEV_DBG_DECRYPT failed: %s",
			 sev_fw_strerror(fw));
	else if (ret == -EBADF && sev_number >= 0)
		snprintf(err, errlen,
			 "KVM_SEV_DBG_DECRYPT: KVM found no /dev/sev at fd %d, QEMU's number, in the thread that asked (EBADF): a bug in sevdbg's fd placement, please report it",
			 sev_number);
	else if (ret == -EBADF)
		snprintf(err, errlen,
			 "KVM_SEV_DBG_DECRYPT: KVM looks up the VM owner's /dev/sev fd number in the calling process and found none there (EBADF): attach by QEMU's pid so sevdbg can hold /dev/sev at that number");
	else if (ret == -ENOTTY)
		snprintf(err, errlen,
			 "KVM_MEMORY_ENCRYPT_OP refused (ENOTTY): the VM is not an SEV guest, or KVM has no SEV support (load kvm_amd with sev=1)");
	else if (ret == -ENOMEM)
		snprintf(err, errlen,
			 "KVM_SEV_DBG_DECRYPT: KVM could not pin the two pages of the command (ENOMEM): raise sevdbg's locked-memory limit (ulimit -l) or run it as root (CAP_IPC_LOCK)");
	else
		snprintf(err, errlen, "KVM_SEV_DBG_DECRYPT failed: %s",
			 strerror(-ret));
}

/* A first DBG_DECRYPT tells whether the firmware will talk to us at all. */
static int kvm_probe_dbg(struct kvm_plat *k, char *err, size_t errlen)
{
	uint8_t buf[SEV_DBG_ALIGN];
	size_t i;
	int fw = 0, ret;

	for (i = 0; i < k->ram->nr && !k->ram->regions[i].hva; i++)
		;
	if (i == k->ram->nr) {
		snprintf(err, errlen,
			 "guest RAM is not mapped into sevdbg (start QEMU with a share=on memory backend)");
		return -EINVAL;
	}
	ret = kvm_dbg_decrypt(&k->p, k->ram->regions[i].gpa, buf, sizeof(buf),
			      &fw);
	if (!ret)
		return 0;
	if (fw == SEV_RET_POLICY_FAILURE) {
		pr_warn("the guest policy forbids debugging (NODBG): only shared pages are readable; relaunch the guest with policy bit 0 clear to debug it");
		k->info.policy |= SEV_POLICY_NODBG;
		return 0;
	}
	kvm_dbg_strerror(ret, fw, k->sev_number, err, errlen);
	return ret;
}

static int kvm_make_mirror(struct kvm_plat *k, char *err, size_t errlen)
{
	struct kvm_enable_cap cap = {.cap = KVM_CAP_VM_COPY_ENC_CONTEXT_FROM};
	int ret;

	k->vm_fd = ioctl(k->kvm_fd, KVM_CREATE_VM, 0);
	if (k->vm_fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "KVM_CREATE_VM failed: %s",
			 strerror(errno));
		return ret;
	}
	cap.args[0] = (uint64_t)k->owner_fd;
	if (ioctl(k->vm_fd, KVM_ENABLE_CAP, &cap) < 0) {
		ret = -errno;
		snprintf(err, errlen,
			 "mirror VM refused: %s (kernel needs KVM_CAP_VM_COPY_ENC_CONTEXT_FROM, Linux >= 5.15, and an SEV guest)",
			 strerror(errno));
		return ret;
	}
	return 0;
}

/* Without the series the bitmap comes from the page tables (§3.4). */
static void kvm_probe_bitmap(struct kvm_plat *k)
{
	k->series = ioctl(k->vm_fd, KVM_CHECK_EXTENSION,
			  KVM_CAP_SEV_PAGE_ENC_BITMAP) > 0;
	if (k->series) {
		kvm_trust_bitmap(k);
		if (k->info.bitmap_from_paging)
			pr_info("kvm: %s", k->info.bitmap_caveat);
		return;
	}
	k->info.bitmap_from_paging = true;
	k->info.bitmap_caveat =
		"this kernel lacks the sevdbg series (no KVM_CAP_SEV_PAGE_ENC_BITMAP): shared pages come from the guest's page tables";
	pr_info("kvm: %s", k->info.bitmap_caveat);
}

/* On a mirror, DBG commands go through a thread holding /dev/sev at QEMU's
 * number; our own VM (mirror = false) uses the fd SEV_INIT was given. */
static int kvm_place_sev(struct kvm_plat *k, char *err, size_t errlen)
{
	if (k->sev_number < 0)
		return 0;
	return sevfd_start("/dev/sev", k->sev_number, k->vm_fd, &k->gate, err,
			   errlen);
}

static int kvm_attach(int vm_fd, bool mirror, int sev_number,
		      const struct ram_map *ram, unsigned int cbit,
		      struct platform **out, char *err, size_t errlen)
{
	struct kvm_plat *k;
	int ret;

	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	k->kvm_fd = k->vm_fd = k->owner_fd = k->sev_fd = -1;
	k->sev_number = mirror ? sev_number : -1;
	k->ram = ram;
	k->p.ops = &kvm_ops;
	k->p.priv = k;
	k->info.kind = "sev";
	k->info.cbit = cbit;
	k->info.encrypted = true;
	ret = -ENOMEM;
	if (posix_memalign((void **)&k->bounce, PAGE_SIZE, PAGE_SIZE))
		goto err;
	k->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (k->kvm_fd < 0) {
		ret = -errno;
		snprintf(err, errlen,
			 "cannot open /dev/kvm: %s (load kvm_amd and run as root or in group kvm)",
			 strerror(errno));
		goto err;
	}
	k->sev_fd = open("/dev/sev", O_RDWR | O_CLOEXEC);
	if (mirror) {
		k->owner_fd = fcntl(vm_fd, F_DUPFD_CLOEXEC, 0);
		ret = k->owner_fd < 0 ? -errno
				      : kvm_make_mirror(k, err, errlen);
	} else {
		k->vm_fd = fcntl(vm_fd, F_DUPFD_CLOEXEC, 0);
		ret = k->vm_fd < 0 ? -errno : 0;
	}
	if (!ret)
		ret = kvm_place_sev(k, err, errlen);
	if (ret)
		goto err;
	ret = kvm_probe_dbg(k, err, errlen);
	if (ret)
		goto err;
	kvm_probe_bitmap(k);
	*out = &k->p;
	return 0;
err:
	kvm_destroy(&k->p);
	return ret;
}

int kvm_platform_attach_vm_fd(int vm_fd, bool mirror, const struct ram_map *ram,
			      unsigned int cbit, struct platform **out,
			      char *err, size_t errlen)
{
	return kvm_attach(vm_fd, mirror, -1, ram, cbit, out, err, errlen);
}

int kvm_platform_new(const struct kvm_attach *a, struct platform **out,
		     char *err, size_t errlen)
{
	char dummy[8], fd_dir[64];
	unsigned int cbit = 0;
	int ret, fd, sev_number;

	if (!err) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	ret = kvm_sev_cpuid(&cbit, err, errlen);
	if (ret)
		return ret;
	ret = kvm_find_vm_fd(a->qemu_pid, &fd, err, errlen);
	if (ret)
		return ret;
	snprintf(fd_dir, sizeof(fd_dir), "/proc/%d/fd", a->qemu_pid);
	ret = sevfd_find(fd_dir, "/dev/sev", &sev_number, err, errlen);
	if (!ret)
		ret = kvm_attach(fd, true, sev_number, a->ram, cbit, out, err,
				 errlen);
	close(fd);
	if (!ret && a->sev_es) {
		to_kvm(*out)->info.kind = "sev-es";
		to_kvm(*out)->info.regs_encrypted = true;
	}
	return ret;
}
