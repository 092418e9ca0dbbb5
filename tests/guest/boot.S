/* boot.S - PVH and multiboot2 entries (32-bit, paging off) into the
 * higher-half image, the AP real-mode trampoline, and the interrupt stubs. */

#define KERNEL_VMA 0xffffffff80000000
#define PA(x) ((x) - KERNEL_VMA)
#define TRAMP_BASE 0x8000
#define T(x) (TRAMP_BASE + (x) - tramp_start)

#define MSR_EFER 0xc0000080
#define MSR_SEV_STATUS 0xc0010131
#define EFER_LME (1 << 8)
#define CR0_PE_WP_PG 0x80010001
#define CR4_PAE (1 << 5)

#define MB2_HEADER_MAGIC 0xe85250d6
#define MB2_BOOTLOADER_MAGIC 0x36d76289
#define MB2_HEADER_LEN (mb2_header_end - mb2_header)
#define BOOT_PVH 1 /* as in guest.h; ebx: struct hvm_start_info */
#define BOOT_MB2 2 /* ebx: the multiboot2 information structure */

/* Multiboot2 header (in the first 32 KiB of the file, guest.ld puts it
 * first): GRUB, also GRUB started by OVMF as an SEV guest's firmware does,
 * loads the ELF's segments at their physical addresses and enters mb2_start
 * in 32-bit protected mode, paging off, after ExitBootServices. */
	.section .multiboot2, "a"
	.balign 8
	.globl mb2_header
mb2_header:
	.long MB2_HEADER_MAGIC
	.long 0 /* architecture: i386 protected mode */
	.long MB2_HEADER_LEN
	.long -(MB2_HEADER_MAGIC + MB2_HEADER_LEN)
	.balign 8 /* entry address tag: e_entry is a 64-bit virtual address */
	.short 3, 0
	.long 12
	.long PA(mb2_start)
	.balign 8 /* end tag */
	.short 0, 0
	.long 8
mb2_header_end:

/* XEN_ELFNOTE_PHYS32_ENTRY: QEMU -kernel enters here via its PVH option ROM. */
	.section .note.Xen, "a", @note
	.balign 4
	.long 4
	.long 8
	.long 18
	.asciz "Xen"
	.balign 4
	.quad PA(pvh_start)
	.balign 4

	.section .text.boot, "ax"
	.code32
	.globl pvh_start
pvh_start:
	cli
	cld
	movl $BOOT_PVH, PA(boot_protocol)
	jmp boot_common

	.globl mb2_start
mb2_start:
	cli
	cld
	cmpl $MB2_BOOTLOADER_MAGIC, %eax
	jne 9f
	movl $BOOT_MB2, PA(boot_protocol)
boot_common:
	movl %ebx, PA(boot_start_info_pa)

	/* .bss and the shared sections after it: never trust the loader. */
	movl $PA(__bss_start), %edi
	movl $PA(_end), %ecx
	subl %edi, %ecx
	shrl $2, %ecx
	xorl %eax, %eax
	rep stosl
	movl $PA(boot_stack_top), %esp

	/* Real SEV: C-bit from CPUID 0x8000001F EBX[5:0] when SEV_STATUS bit 0
	 * says this guest is encrypted. The MSR is read only when CPUID
	 * advertises SEV, since it faults elsewhere. Otherwise sev_cbit stays 52. */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x8000001f, %eax
	jb 1f
	movl $0x8000001f, %eax
	cpuid
	btl $1, %eax
	jnc 1f
	movl %ebx, %esi
	andl $0x3f, %esi
	movl $MSR_SEV_STATUS, %ecx
	rdmsr
	btl $0, %eax
	jnc 1f
	movl %esi, PA(sev_cbit)
	movl $1, PA(sev_active)
1:
	/* ebp = C-bit in the high dword of an entry (the bit is always >= 32). */
	movl PA(sev_cbit), %ecx
	subl $32, %ecx
	movl $1, %ebp
	shll %cl, %ebp

	/* Early tables: identity and -2 GiB both map the first 1 GiB (2M). */
	movl $(PA(boot_pdpt_lo) + 3), PA(boot_pml4)
	movl %ebp, PA(boot_pml4) + 4
	movl $(PA(boot_pdpt_hi) + 3), PA(boot_pml4) + 511 * 8
	movl %ebp, PA(boot_pml4) + 511 * 8 + 4
	movl $(PA(boot_pd) + 3), PA(boot_pdpt_lo)
	movl %ebp, PA(boot_pdpt_lo) + 4
	movl $(PA(boot_pd) + 3), PA(boot_pdpt_hi) + 510 * 8
	movl %ebp, PA(boot_pdpt_hi) + 510 * 8 + 4
	xorl %ecx, %ecx
2:	movl %ecx, %eax
	shll $21, %eax
	orl $0x83, %eax
	movl %eax, PA(boot_pd)(, %ecx, 8)
	movl %ebp, PA(boot_pd) + 4(, %ecx, 8)
	incl %ecx
	cmpl $512, %ecx
	jb 2b

	lgdt PA(boot_gdtr32)
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $PA(boot_pml4), %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl %cr0, %eax
	orl $CR0_PE_WP_PG, %eax
	movl %eax, %cr0
	ljmp $0x08, $PA(start64_low)
9:	hlt /* not started by a multiboot2 loader: nothing to read RAM from */
	jmp 9b

	.code64
start64_low:
	movabsq $start64, %rax
	jmp *%rax

	.text
	.cfi_sections .debug_frame
/* CFI marks the outermost frames so gdb's bt ends cleanly. */
start64:
	.cfi_startproc
	.cfi_undefined rip
	lgdt boot_gdtr64(%rip)
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	leaq boot_stack_top(%rip), %rsp
	xorl %ebp, %ebp /* outermost frame for gdb's bt */
	movq boot_start_info_pa(%rip), %rdi
	movl boot_protocol(%rip), %esi
	call kmain
3:	cli
	hlt
	jmp 3b
	.cfi_endproc

/* The AP arrives from the trampoline on boot_pml4 and its own stack. */
	.globl ap_entry64
ap_entry64:
	.cfi_startproc
	.cfi_undefined rip
	lgdt boot_gdtr64(%rip)
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movq kernel_cr3(%rip), %rax
	movq %rax, %cr3
	xorl %ebp, %ebp
	call ap_main
4:	cli
	hlt
	jmp 4b
	.cfi_endproc

/* Copied to TRAMP_BASE (below 1 MiB) and started by SIPI: 16 -> 32 -> 64. */
	.globl tramp_start, tramp_end, tramp_cr3, tramp_stack, tramp_entry
	.balign 16
	.code16
tramp_start:
	cli
	cld
	xorw %ax, %ax
	movw %ax, %ds
	lgdtl T(tramp_gdtr)
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl $0x18, $T(tramp32)
	.code32
tramp32:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl T(tramp_cr3), %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl %cr0, %eax
	orl $CR0_PE_WP_PG, %eax
	movl %eax, %cr0
	ljmp $0x08, $T(tramp64)
	.code64
tramp64:
	movq T(tramp_stack), %rsp
	movq T(tramp_entry), %rax
	jmp *%rax
	.balign 8
tramp_gdt:
	.quad 0
	.quad 0x00af9a000000ffff /* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff /* 0x10: data */
	.quad 0x00cf9a000000ffff /* 0x18: 32-bit code */
tramp_gdt_end:
tramp_gdtr:
	.word tramp_gdt_end - tramp_gdt - 1
	.long T(tramp_gdt)
	.balign 8
tramp_cr3:	.quad 0
tramp_stack:	.quad 0
tramp_entry:	.quad 0
tramp_end:

/* Interrupts: push a uniform frame (struct int_frame in smp.c). */
.macro ISR_NOERR n
isr_\n:
	pushq $0
	pushq $\n
	jmp isr_common
.endm
.macro ISR_ERR n
isr_\n:
	pushq $\n
	jmp isr_common
.endm

	.balign 16
ISR_NOERR 0
ISR_NOERR 1
ISR_NOERR 2
ISR_NOERR 3
ISR_NOERR 4
ISR_NOERR 5
ISR_NOERR 6
ISR_NOERR 7
ISR_ERR 8
ISR_NOERR 9
ISR_ERR 10
ISR_ERR 11
ISR_ERR 12
ISR_ERR 13
ISR_ERR 14
ISR_NOERR 15
ISR_NOERR 16
ISR_ERR 17
ISR_NOERR 18
ISR_NOERR 19
ISR_NOERR 20
ISR_ERR 21
ISR_NOERR 64
ISR_NOERR 255

isr_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, %rdi
	call isr_dispatch
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp
	iretq

	.section .rodata
	.balign 8
	.globl isr_vectors, isr_stubs, isr_count
isr_vectors:
	.byte 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17
	.byte 18, 19, 20, 21, 64, 255
	.balign 8
isr_stubs:
	.quad isr_0, isr_1, isr_2, isr_3, isr_4, isr_5, isr_6, isr_7, isr_8
	.quad isr_9, isr_10, isr_11, isr_12, isr_13, isr_14, isr_15, isr_16
	.quad isr_17, isr_18, isr_19, isr_20, isr_21, isr_64, isr_255
isr_count:
	.long 24

	.section .data
	.balign 16
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff /* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff /* 0x10: data */
	.quad 0x00cf9a000000ffff /* 0x18: 32-bit code */
boot_gdt_end:
boot_gdtr32:
	.word boot_gdt_end - boot_gdt - 1
	.long PA(boot_gdt)
	.balign 8
boot_gdtr64:
	.word boot_gdt_end - boot_gdt - 1
	.quad boot_gdt
	.balign 8
	.globl boot_start_info_pa, boot_protocol
boot_start_info_pa:
	.quad 0
boot_protocol:
	.long 0

	.section .bss
	.balign 4096
	.globl boot_pml4
boot_pml4:	.skip 4096
boot_pdpt_lo:	.skip 4096
boot_pdpt_hi:	.skip 4096
boot_pd:	.skip 4096
	.balign 16
boot_stack:	.skip 16384
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
