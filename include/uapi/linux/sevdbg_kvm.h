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
 * Page encryption bitmap (patches 0003, 0004): one bit per 4 KiB guest
 * page, bit i of byte i / 8 for gfn start_gfn + i, 1 = encrypted.
 * Numbers 0xf0 and 0xf1: see kernel/README for why not 0xc5 and 0xc6.
 */
#ifndef KVM_GET_PAGE_ENC_BITMAP
struct kvm_page_enc_bitmap {
	__u64 start_gfn;
	__u64 num_pages;
	union {
		void *enc_bitmap;
		__u64 padding;
	};
};

#define KVM_GET_PAGE_ENC_BITMAP _IOW(KVMIO, 0xf0, struct kvm_page_enc_bitmap)
#define KVM_SET_PAGE_ENC_BITMAP _IOW(KVMIO, 0xf1, struct kvm_page_enc_bitmap)
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

/*
 * KVM_SEV_DBG_DECRYPT_VMSA (the series' VMSA patch), a KVM_MEMORY_ENCRYPT_OP
 * command: the first len bytes (1..4096) of a stopped vCPU's decrypted VMSA
 * (offsets in sevdbg_vmsa.h) of a debug-policy SEV-ES guest, to dst_uaddr;
 * a mirror VM may use it. Errors: EBUSY vCPU running, EOPNOTSUPP not
 * SEV-ES, EPERM NODBG policy, ENOENT no such vCPU, EINVAL bad arguments or
 * VMSA not launched yet, EIO firmware (code in kvm_sev_cmd.error). A
 * kernel with the series defines it along with KVM_CAP_SEV_PAGE_ENC_BITMAP.
 */
#if !defined(KVM_CAP_SEV_PAGE_ENC_BITMAP) && !defined(KVM_SEV_DBG_DECRYPT_VMSA)
#define KVM_SEV_DBG_DECRYPT_VMSA 1000

struct kvm_sev_dbg_vmsa {
	__u32 vcpu_id;
	__u32 flags;	 /* must be 0 */
	__u64 dst_uaddr; /* user buffer */
	__u32 len;	 /* bytes wanted, at most 4096 */
	__u32 reserved;	 /* must be 0 */
};
#endif

#endif /* _UAPI_LINUX_SEVDBG_KVM_H */
