/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The KVM ABI the sevdbg bridge uses: the page encryption bitmap ioctls of
 * the series in kernel/patches, KVM_HC_MAP_GPA_RANGE, and SEV debugging.
 *
 * Every definition equals the kernel's; `kernel/check` compiles both and
 * compares them.  Each group is guarded, so this header may be used alone
 * or after <linux/kvm.h> and <asm/kvm_para.h> (stock or patched) -- but
 * include those first: included after this header, they would define the
 * same structures a second time.
 */
#ifndef _UAPI_LINUX_SEVDBG_KVM_H
#define _UAPI_LINUX_SEVDBG_KVM_H

#include <linux/types.h>
#include <linux/ioctl.h>

#ifndef KVMIO
#define KVMIO 0xAE
#endif

/*
 * Page encryption bitmap (kernel/patches): one bit per 4 KiB guest page,
 * bit i of byte i / 8 for gfn start_gfn + i, 1 = encrypted.  GET reports
 * in nr_ranges how many ranges the bitmap has been told about since the VM
 * became an SEV guest (recorded KVM_HC_MAP_GPA_RANGE calls and SETs): 0
 * means it was never told anything, so its "all encrypted" is not to be
 * trusted.  With num_pages 0, enc_bitmap may be 0 and GET returns
 * nr_ranges only.  KVM_CHECK_EXTENSION(KVM_CAP_SEV_PAGE_ENC_BITMAP) on the
 * VM fd is 1 when the kernel has the series.
 *
 * KVM_SEV_DBG_DECRYPT_VMSA (patch 0012) is a KVM_MEMORY_ENCRYPT_OP command:
 * it copies len bytes (1..4096) of the decrypted VMSA (struct
 * sev_es_save_area, offsets in sevdbg_vmsa.h) of a stopped vCPU of a
 * debug-policy SEV-ES guest to dst_uaddr; a mirror VM may use it.  Errors:
 * EBUSY vCPU running, EOPNOTSUPP not SEV-ES, EPERM NODBG policy, ENOENT no
 * such vCPU, EINVAL bad arguments or VMSA not launched yet, EIO firmware
 * (code in kvm_sev_cmd.error).
 *
 * Numbers far from where upstream grows (kernel/README says why): ioctls
 * 0xf0 and 0xf1, capability 1000, SEV command 1000.  The whole group comes
 * with the series, so a patched <linux/kvm.h> (which has the capability)
 * already defines it; there KVM_SEV_DBG_DECRYPT_VMSA is an enum constant.
 */
#ifndef KVM_CAP_SEV_PAGE_ENC_BITMAP
struct kvm_page_enc_bitmap {
	__u64 start_gfn;
	__u64 num_pages;
	__u64 enc_bitmap;  /* user address of the bits */
	__u32 flags;	   /* must be 0 */
	__u32 pad;	   /* must be 0 */
	__u64 nr_ranges;   /* GET, out: ranges told since the VM was created */
	__u64 reserved[3]; /* must be 0 */
};

#define KVM_GET_PAGE_ENC_BITMAP _IOWR(KVMIO, 0xf0, struct kvm_page_enc_bitmap)
#define KVM_SET_PAGE_ENC_BITMAP _IOW(KVMIO, 0xf1, struct kvm_page_enc_bitmap)

#define KVM_CAP_SEV_PAGE_ENC_BITMAP 1000

#define KVM_SEV_DBG_DECRYPT_VMSA 1000

struct kvm_sev_dbg_vmsa {
	__u32 vcpu_id;
	__u32 flags;	 /* must be 0 */
	__u64 dst_uaddr; /* user buffer */
	__u32 len;	 /* bytes wanted, at most 4096 */
	__u32 reserved;	 /* must be 0 */
};
#endif

/*
 * KVM_HC_MAP_GPA_RANGE (rax = 12, rbx = gpa, rcx = number of 4 KiB pages,
 * rdx = attrs): attrs bits 3:0 page size hint, bit 4 encrypted, bits
 * 63:5 must be 0.
 */
#ifndef KVM_HC_MAP_GPA_RANGE
#define KVM_HC_MAP_GPA_RANGE 12
#endif

#ifndef KVM_MAP_GPA_RANGE_ENCRYPTED
#define KVM_MAP_GPA_RANGE_PAGE_SZ_4K  0
#define KVM_MAP_GPA_RANGE_PAGE_SZ_2M  (1 << 0)
#define KVM_MAP_GPA_RANGE_PAGE_SZ_1G  (1 << 1)
#define KVM_MAP_GPA_RANGE_ENC_STAT(n) (n << 4)
#define KVM_MAP_GPA_RANGE_ENCRYPTED   KVM_MAP_GPA_RANGE_ENC_STAT(1)
#define KVM_MAP_GPA_RANGE_DECRYPTED   KVM_MAP_GPA_RANGE_ENC_STAT(0)
#endif

/* Not in the kernel's headers: the fields of attrs as the series checks them.
 */
#define SEVDBG_MAP_GPA_RANGE_PAGE_SZ_MASK 0xfULL
#define SEVDBG_MAP_GPA_RANGE_RESERVED	  (~0x1fULL)

/*
 * SEV debugging through KVM_MEMORY_ENCRYPT_OP (stock since Linux 4.16;
 * allowed on mirror VMs since 5.15).
 */
#ifndef __LINUX_KVM_H
#define KVM_MEMORY_ENCRYPT_OP _IOWR(KVMIO, 0xba, unsigned long)

#define KVM_CAP_VM_COPY_ENC_CONTEXT_FROM 197

/* Values of kvm_sev_cmd.id (an enum in <linux/kvm.h>). */
#define KVM_SEV_DBG_DECRYPT 17
#define KVM_SEV_DBG_ENCRYPT 18

struct kvm_sev_cmd {
	__u32 id;
	__u64 data;  /* user address of the command's structure */
	__u32 error; /* firmware error code, e.g. 7 POLICY_FAILURE */
	__u32 sev_fd;
};

struct kvm_sev_dbg {
	__u64 src_uaddr;
	__u64 dst_uaddr;
	__u32 len;
};
#endif /* !__LINUX_KVM_H */

#endif /* _UAPI_LINUX_SEVDBG_KVM_H */
