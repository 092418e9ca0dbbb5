// SPDX-License-Identifier: GPL-2.0-only
/*
 * SEV-ES VMSA <-> register file (include/sevdbg/vmsa.h): one table of
 * where each gdb register sits in struct sev_es_save_area, used both ways.
 */
#include <string.h>

#include "sevdbg/vmsa.h"

#define SEG(s, f) (SEV_ES_VMSA_OFF_##s + SEV_ES_VMSA_SEG_##f)

struct vmsa_field {
	unsigned int nr;    /* REGS_* */
	unsigned int off;   /* byte offset in the VMSA */
	unsigned int width; /* bytes in the VMSA: 2 or 8 */
};

static const struct vmsa_field vmsa_fields[] = {
	{REGS_RAX, SEV_ES_VMSA_OFF_RAX, 8},
	{REGS_RBX, SEV_ES_VMSA_OFF_RBX, 8},
	{REGS_RCX, SEV_ES_VMSA_OFF_RCX, 8},
	{REGS_RDX, SEV_ES_VMSA_OFF_RDX, 8},
	{REGS_RSI, SEV_ES_VMSA_OFF_RSI, 8},
	{REGS_RDI, SEV_ES_VMSA_OFF_RDI, 8},
	{REGS_RBP, SEV_ES_VMSA_OFF_RBP, 8},
	{REGS_RSP, SEV_ES_VMSA_OFF_RSP, 8},
	{REGS_R8, SEV_ES_VMSA_OFF_R8, 8},
	{REGS_R9, SEV_ES_VMSA_OFF_R9, 8},
	{REGS_R10, SEV_ES_VMSA_OFF_R10, 8},
	{REGS_R11, SEV_ES_VMSA_OFF_R11, 8},
	{REGS_R12, SEV_ES_VMSA_OFF_R12, 8},
	{REGS_R13, SEV_ES_VMSA_OFF_R13, 8},
	{REGS_R14, SEV_ES_VMSA_OFF_R14, 8},
	{REGS_R15, SEV_ES_VMSA_OFF_R15, 8},
	{REGS_RIP, SEV_ES_VMSA_OFF_RIP, 8},
	{REGS_EFLAGS, SEV_ES_VMSA_OFF_RFLAGS, 8},
	{REGS_CS, SEG(CS, SELECTOR), 2},
	{REGS_SS, SEG(SS, SELECTOR), 2},
	{REGS_DS, SEG(DS, SELECTOR), 2},
	{REGS_ES, SEG(ES, SELECTOR), 2},
	{REGS_FS, SEG(FS, SELECTOR), 2},
	{REGS_GS, SEG(GS, SELECTOR), 2},
	{REGS_CS_BASE, SEG(CS, BASE), 8},
	{REGS_SS_BASE, SEG(SS, BASE), 8},
	{REGS_DS_BASE, SEG(DS, BASE), 8},
	{REGS_ES_BASE, SEG(ES, BASE), 8},
	{REGS_FS_BASE, SEG(FS, BASE), 8},
	{REGS_GS_BASE, SEG(GS, BASE), 8},
	{REGS_K_GS_BASE, SEV_ES_VMSA_OFF_KERNEL_GS_BASE, 8},
	{REGS_CR0, SEV_ES_VMSA_OFF_CR0, 8},
	{REGS_CR2, SEV_ES_VMSA_OFF_CR2, 8},
	{REGS_CR3, SEV_ES_VMSA_OFF_CR3, 8},
	{REGS_CR4, SEV_ES_VMSA_OFF_CR4, 8},
	{REGS_EFER, SEV_ES_VMSA_OFF_EFER, 8},
};

#define NR_FIELDS (sizeof(vmsa_fields) / sizeof(vmsa_fields[0]))

static uint64_t vmsa_get(const uint8_t *vmsa, const struct vmsa_field *f)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < f->width; i++)
		v |= (uint64_t)vmsa[f->off + i] << (8 * i);
	return v;
}

static void vmsa_put(uint8_t *vmsa, const struct vmsa_field *f, uint64_t v)
{
	for (unsigned int i = 0; i < f->width; i++)
		vmsa[f->off + i] = (uint8_t)(v >> (8 * i));
}

void vmsa_to_regs(const uint8_t *vmsa, struct regs *r)
{
	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < NR_FIELDS; i++)
		regs_set(r, vmsa_fields[i].nr, vmsa_get(vmsa, &vmsa_fields[i]));
}

void vmsa_from_regs(const struct regs *r, uint8_t *vmsa)
{
	memset(vmsa, 0, SEV_ES_VMSA_SIZE);
	for (size_t i = 0; i < NR_FIELDS; i++)
		if (r->valid[vmsa_fields[i].nr])
			vmsa_put(vmsa, &vmsa_fields[i],
				 regs_get(r, vmsa_fields[i].nr));
}
