/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86-64 register file as gdb sees it: the order, sizes and names of QEMU
 * 7.2's i386-64bit.xml, so a QEMU 'g' reply passes through unchanged.
 */
#ifndef SEVDBG_REGS_H
#define SEVDBG_REGS_H

#include <stddef.h>
#include <stdint.h>

enum regs_nr {
	REG_RAX, REG_RBX, REG_RCX, REG_RDX, REG_RSI, REG_RDI, REG_RBP, REG_RSP,
	REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
	REG_RIP, REG_EFLAGS,
	REG_CS, REG_SS, REG_DS, REG_ES, REG_FS, REG_GS,
	REG_CS_BASE, REG_SS_BASE, REG_DS_BASE, REG_ES_BASE,
	REG_FS_BASE, REG_GS_BASE, REG_K_GS_BASE,
	REG_CR0, REG_CR2, REG_CR3, REG_CR4, REG_CR8, REG_EFER,
	REG_ST0, REG_ST7 = REG_ST0 + 7,
	REG_FCTRL, REG_FSTAT, REG_FTAG, REG_FISEG, REG_FIOFF, REG_FOSEG,
	REG_FOOFF, REG_FOP,
	REG_XMM0, REG_XMM15 = REG_XMM0 + 15,
	REG_MXCSR,
	REGS_NR
};

struct reg_desc {
	const char *name;
	unsigned int bits;	/* 32, 64, 80 or 128 */
	const char *type;	/* gdb target-description type */
	const char *group;	/* NULL: gdb's default */
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
