/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Byte offsets in an SEV-ES VM save area (VMSA), the layout of Linux 6.1's
 * struct sev_es_save_area (arch/x86/include/asm/svm.h), for userspace.
 *
 * The kernel keeps that structure private; a VMM that reads a decrypted
 * VMSA (KVM_SEV_DBG_DECRYPT_VMSA, sevdbg_kvm.h) needs the offsets.
 * `kernel/check` compiles this header against the kernel's structure and
 * compares every offset. A segment (struct vmcb_seg, 16 bytes) holds
 * selector (u16, +0), attrib (u16, +2), limit (u32, +4), base (u64, +8).
 * Everything is little endian.
 */
#ifndef _UAPI_LINUX_SEVDBG_VMSA_H
#define _UAPI_LINUX_SEVDBG_VMSA_H

/* The firmware decrypts and the VMSA occupies one whole 4 KiB page. */
#define SEV_ES_VMSA_SIZE 4096
/* sizeof(struct sev_es_save_area) in 6.1 (EXPECTED_SEV_ES_SAVE_AREA_SIZE). */
#define SEV_ES_VMSA_SAVE_AREA_SIZE 1648

/* Within one struct vmcb_seg. */
#define SEV_ES_VMSA_SEG_SELECTOR 0x0
#define SEV_ES_VMSA_SEG_ATTRIB	 0x2
#define SEV_ES_VMSA_SEG_LIMIT	 0x4
#define SEV_ES_VMSA_SEG_BASE	 0x8
#define SEV_ES_VMSA_SEG_SIZE	 0x10

#define SEV_ES_VMSA_OFF_ES   0x000
#define SEV_ES_VMSA_OFF_CS   0x010
#define SEV_ES_VMSA_OFF_SS   0x020
#define SEV_ES_VMSA_OFF_DS   0x030
#define SEV_ES_VMSA_OFF_FS   0x040
#define SEV_ES_VMSA_OFF_GS   0x050
#define SEV_ES_VMSA_OFF_GDTR 0x060
#define SEV_ES_VMSA_OFF_LDTR 0x070
#define SEV_ES_VMSA_OFF_IDTR 0x080
#define SEV_ES_VMSA_OFF_TR   0x090

#define SEV_ES_VMSA_OFF_CPL	       0x0cb
#define SEV_ES_VMSA_OFF_EFER	       0x0d0
#define SEV_ES_VMSA_OFF_CR4	       0x148
#define SEV_ES_VMSA_OFF_CR3	       0x150
#define SEV_ES_VMSA_OFF_CR0	       0x158
#define SEV_ES_VMSA_OFF_DR7	       0x160
#define SEV_ES_VMSA_OFF_DR6	       0x168
#define SEV_ES_VMSA_OFF_RFLAGS	       0x170
#define SEV_ES_VMSA_OFF_RIP	       0x178
#define SEV_ES_VMSA_OFF_RSP	       0x1d8
#define SEV_ES_VMSA_OFF_RAX	       0x1f8
#define SEV_ES_VMSA_OFF_KERNEL_GS_BASE 0x220
#define SEV_ES_VMSA_OFF_CR2	       0x240
#define SEV_ES_VMSA_OFF_RCX	       0x308
#define SEV_ES_VMSA_OFF_RDX	       0x310
#define SEV_ES_VMSA_OFF_RBX	       0x318
#define SEV_ES_VMSA_OFF_RBP	       0x328
#define SEV_ES_VMSA_OFF_RSI	       0x330
#define SEV_ES_VMSA_OFF_RDI	       0x338
#define SEV_ES_VMSA_OFF_R8	       0x340
#define SEV_ES_VMSA_OFF_R9	       0x348
#define SEV_ES_VMSA_OFF_R10	       0x350
#define SEV_ES_VMSA_OFF_R11	       0x358
#define SEV_ES_VMSA_OFF_R12	       0x360
#define SEV_ES_VMSA_OFF_R13	       0x368
#define SEV_ES_VMSA_OFF_R14	       0x370
#define SEV_ES_VMSA_OFF_R15	       0x378
#define SEV_ES_VMSA_OFF_SEV_FEATURES   0x3b0
#define SEV_ES_VMSA_OFF_XCR0	       0x3e8

#endif /* _UAPI_LINUX_SEVDBG_VMSA_H */
