/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The layout of the SEV-ES VM save area (VMSA) that KVM_SEV_DBG_DECRYPT_VMSA
 * returns: byte offsets of the fields a debugger needs, equal to those of
 * Linux 6.1's struct sev_es_save_area (arch/x86/include/asm/svm.h, the
 * layout the AMD APM vol. 2, table B-4, defines).  `kernel/check` proves
 * each one with offsetof() in the kernel tree.
 */
#ifndef _UAPI_LINUX_SEVDBG_VMSA_H
#define _UAPI_LINUX_SEVDBG_VMSA_H

/* The whole save area; KVM_SEV_DBG_DECRYPT_VMSA copies up to a page. */
#define SEV_ES_VMSA_SIZE 0x670

/*
 * Segment and descriptor-table registers are a struct vmcb_seg of 16 bytes:
 * u16 selector, u16 attrib, u32 limit, u64 base.
 */
#define SEV_ES_VMSA_SEG_SELECTOR 0x0
#define SEV_ES_VMSA_SEG_ATTRIB	 0x2
#define SEV_ES_VMSA_SEG_LIMIT	 0x4
#define SEV_ES_VMSA_SEG_BASE	 0x8

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

/* Selectors and bases spelled out, for the registers gdb shows. */
#define SEV_ES_VMSA_OFF_ES_SELECTOR 0x000
#define SEV_ES_VMSA_OFF_CS_SELECTOR 0x010
#define SEV_ES_VMSA_OFF_SS_SELECTOR 0x020
#define SEV_ES_VMSA_OFF_DS_SELECTOR 0x030
#define SEV_ES_VMSA_OFF_FS_SELECTOR 0x040
#define SEV_ES_VMSA_OFF_GS_SELECTOR 0x050
#define SEV_ES_VMSA_OFF_ES_BASE	    0x008
#define SEV_ES_VMSA_OFF_CS_BASE	    0x018
#define SEV_ES_VMSA_OFF_SS_BASE	    0x028
#define SEV_ES_VMSA_OFF_DS_BASE	    0x038
#define SEV_ES_VMSA_OFF_FS_BASE	    0x048
#define SEV_ES_VMSA_OFF_GS_BASE	    0x058

#define SEV_ES_VMSA_OFF_CPL	       0x0cb /* u8 */
#define SEV_ES_VMSA_OFF_EFER	       0x0d0
#define SEV_ES_VMSA_OFF_XSS	       0x140
#define SEV_ES_VMSA_OFF_CR4	       0x148
#define SEV_ES_VMSA_OFF_CR3	       0x150
#define SEV_ES_VMSA_OFF_CR0	       0x158
#define SEV_ES_VMSA_OFF_DR7	       0x160
#define SEV_ES_VMSA_OFF_DR6	       0x168
#define SEV_ES_VMSA_OFF_RFLAGS	       0x170
#define SEV_ES_VMSA_OFF_RIP	       0x178
#define SEV_ES_VMSA_OFF_RSP	       0x1d8
#define SEV_ES_VMSA_OFF_RAX	       0x1f8
#define SEV_ES_VMSA_OFF_STAR	       0x200
#define SEV_ES_VMSA_OFF_LSTAR	       0x208
#define SEV_ES_VMSA_OFF_CSTAR	       0x210
#define SEV_ES_VMSA_OFF_SFMASK	       0x218
#define SEV_ES_VMSA_OFF_KERNEL_GS_BASE 0x220
#define SEV_ES_VMSA_OFF_SYSENTER_CS    0x228
#define SEV_ES_VMSA_OFF_SYSENTER_ESP   0x230
#define SEV_ES_VMSA_OFF_SYSENTER_EIP   0x238
#define SEV_ES_VMSA_OFF_CR2	       0x240
#define SEV_ES_VMSA_OFF_G_PAT	       0x268
#define SEV_ES_VMSA_OFF_PKRU	       0x2e8 /* u32 */
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
#define SEV_ES_VMSA_OFF_XCR0	       0x3e8

#endif /* _UAPI_LINUX_SEVDBG_VMSA_H */
