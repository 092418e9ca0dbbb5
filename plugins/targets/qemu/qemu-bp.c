// SPDX-License-Identifier: GPL-2.0-only
/*
 * Breakpoints and watchpoints in QEMU's gdbstub; on SEV, software ones
 * become hardware ones (no plaintext int3 in encrypted memory), 4 slots.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "plugins/targets/qemu/qemu-int.h"

const struct qemu_bp *qemu_bp_at(struct qemu *q, uint64_t pc)
{
	for (size_t i = 0; i < q->nr_bps; i++)
		if (q->bps[i].addr == pc && q->bps[i].type <= BP_HW)
			return &q->bps[i];
	return NULL;
}

static int qemu_z(struct qemu *q, char op, enum bp_type type, uint64_t addr,
		  unsigned int kind)
{
	char cmd[64];
	int rc;

	snprintf(cmd, sizeof(cmd), "%c%d,%llx,%x", op, type,
		 (unsigned long long)addr, kind);
	rc = rspc_cmd(&q->rsp, cmd);
	if (!rc && !q->rsp.pkt.len)
		rc = -ENOSYS; /* QEMU does not support this kind */
	return rc;
}

static int qemu_hw_slots_used(struct qemu *q)
{
	int n = 0;

	for (size_t i = 0; i < q->nr_bps; i++)
		n += q->bps[i].type != BP_SW;
	return n;
}

int qemu_insert_bp(struct target *t, enum bp_type type, uint64_t addr,
		   unsigned int kind)
{
	struct qemu *q = t->priv;
	struct qemu_bp *n;
	int rc = qemu_ready(q);

	if (rc)
		return rc;
	if (q->regs_encrypted)
		return -EPERM; /* KVM refuses SET_GUEST_DEBUG on SEV-ES */
	/* QEMU would write a plaintext int3 into encrypted memory. */
	if (q->sev && type == BP_SW)
		type = BP_HW;
	if (q->sev && type != BP_SW && qemu_hw_slots_used(q) >= SEV_HW_SLOTS) {
		pr_err("all %d hardware breakpoint/watchpoint slots are in use (an SEV guest cannot take software breakpoints): delete one first",
		       SEV_HW_SLOTS);
		return -ENOSPC;
	}
	n = realloc(q->bps, (q->nr_bps + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	q->bps = n;
	rc = qemu_z(q, 'Z', type, addr, kind);
	if (rc)
		return rc;
	q->bps[q->nr_bps++] = (struct qemu_bp){type, addr, kind};
	return 0;
}

int qemu_remove_bp(struct target *t, enum bp_type type, uint64_t addr,
		   unsigned int kind)
{
	struct qemu *q = t->priv;
	int rc = qemu_ready(q);

	if (rc)
		return rc;
	if (q->sev && type == BP_SW)
		type = BP_HW;
	rc = qemu_z(q, 'z', type, addr, kind);
	if (rc)
		return rc;
	for (size_t i = 0; i < q->nr_bps; i++) {
		if (q->bps[i].type == type && q->bps[i].addr == addr) {
			q->bps[i] = q->bps[--q->nr_bps];
			break;
		}
	}
	return 0;
}
