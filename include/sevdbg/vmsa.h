/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An SEV-ES vCPU's register file from its decrypted VM save area (VMSA),
 * and the reverse for the simulator, which must build a VMSA to encrypt.
 */
#ifndef SEVDBG_VMSA_H
#define SEVDBG_VMSA_H

#include <stdint.h>

#include "sevdbg/regs.h"
#include "uapi/linux/sevdbg_vmsa.h"

/*
 * Fill r from a decrypted VMSA (SEV_ES_VMSA_SIZE bytes, the save area;
 * the firmware decrypts a whole page, the rest of it unused): every register
 * the VMSA holds is valid, the rest (CR8: it lives in the VMCB's V_TPR,
 * x87/SSE state) unavailable.
 */
void vmsa_to_regs(const uint8_t *vmsa, struct regs *r);
/* The reverse: the valid registers of r into a zeroed VMSA. */
void vmsa_from_regs(const struct regs *r, uint8_t *vmsa);

#endif
