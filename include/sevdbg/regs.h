/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86-64 register file as gdb sees it: the order, sizes and names of QEMU
 * 7.2's i386-64bit.xml, so a QEMU 'g' reply passes through unchanged.
 */
#ifndef SEVDBG_REGS_H
#define SEVDBG_REGS_H

#include <stddef.h>
#include <stdint.h>

/* REGS_ prefix: glibc's <sys/ucontext.h> (via <signal.h>) owns REG_RAX... */
enum regs_nr {
	REGS_RAX,
	REGS_RBX,
	REGS_RCX,
	REGS_RDX,
	REGS_RSI,
	REGS_RDI,
	REGS_RBP,
	REGS_RSP,
	REGS_R8,
	REGS_R9,
	REGS_R10,
	REGS_R11,
	REGS_R12,
	REGS_R13,
	REGS_R14,
	REGS_R15,
	REGS_RIP,
	REGS_EFLAGS,
	REGS_CS,
	REGS_SS,
	REGS_DS,
	REGS_ES,
	REGS_FS,
	REGS_GS,
	REGS_CS_BASE,
	REGS_SS_BASE,
	REGS_DS_BASE,
	REGS_ES_BASE,
	REGS_FS_BASE,
	REGS_GS_BASE,
	REGS_K_GS_BASE,
	REGS_CR0,
	REGS_CR2,
	REGS_CR3,
	REGS_CR4,
	REGS_CR8,
	REGS_EFER,
	REGS_ST0,
	REGS_ST7 = REGS_ST0 + 7,
	REGS_FCTRL,
	REGS_FSTAT,
	REGS_FTAG,
	REGS_FISEG,
	REGS_FIOFF,
	REGS_FOSEG,
	REGS_FOOFF,
	REGS_FOP,
	REGS_XMM0,
	REGS_XMM15 = REGS_XMM0 + 15,
	REGS_MXCSR,
	REGS_NR
};

struct reg_desc {
	const char *name;
	unsigned int bits; /* 32, 64, 80 or 128 */
	const char *type;  /* gdb target-description type */
	const char *group; /* NULL: gdb's default */
};

/* The table and the byte offset of each register in a 'g' buffer. */
extern const struct reg_desc regs_desc[REGS_NR];
size_t regs_offset(unsigned int nr);
size_t regs_size(unsigned int nr);
#define REGS_BYTES 640 /* sum of all sizes; checked by a unit test */

/* A full register file in gdb's byte order (little endian, packed). */
struct regs {
	uint8_t raw[REGS_BYTES];
	uint8_t valid[REGS_NR]; /* 0 = unavailable (gdb shows <unavailable>) */
};

uint64_t regs_get(const struct regs *r, unsigned int nr);
void regs_set(struct regs *r, unsigned int nr, uint64_t val);

/* The target description XML for these registers (gdbstub/regs.c). */
const char *regs_target_xml(void);

#endif
