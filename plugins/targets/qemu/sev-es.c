// SPDX-License-Identifier: GPL-2.0-only
/*
 * The live-QEMU target with a simulated SEV-ES guest: QEMU's registers go
 * into each vCPU's encrypted VMSA at a stop, never to a caller directly.
 */
#include <errno.h>
#include <string.h>

#include "plugins/targets/qemu/qemu-int.h"
#include "sevdbg/platform.h"
#include "sevdbg/util.h"
#include "sevdbg/vmsa.h"

/* Only the simulator needs us to play the CPU; real SEV-ES has one. */
static bool qemu_es_sim(const struct qemu *q)
{
	return q->regs_encrypted && !q->sev && !q->sim_no_regs && q->t.plat;
}

void qemu_es_save(struct qemu *q)
{
	uint8_t vmsa[SEV_ES_VMSA_SIZE];
	struct regs r;
	int rc;

	if (!qemu_es_sim(q) || q->running || q->dead)
		return;
	for (int i = 0; i < q->nr_vcpus; i++) {
		rc = qemu_fetch_regs(q, i, &r);
		if (!rc) {
			vmsa_from_regs(&r, vmsa);
			rc = sim_platform_save_vmsa(q->t.plat, i, vmsa,
						    sizeof(vmsa));
		}
		if (rc)
			pr_warn("sim: cannot save vCPU %d's VMSA: %s", i,
				strerror(-rc));
	}
	memset(&r, 0, sizeof(r));
	memset(vmsa, 0, sizeof(vmsa));
	/* QEMU's copy is not ours to hand out: forget it. */
	memset(q->regs_valid, 0, sizeof(q->regs_valid));
}

void qemu_es_running(struct qemu *q)
{
	if (!qemu_es_sim(q))
		return;
	for (int i = 0; i < q->nr_vcpus; i++)
		sim_platform_save_vmsa(q->t.plat, i, NULL, 0);
}

int qemu_es_check_resume(struct qemu *q, const struct resume_req *req)
{
	if (!q->regs_encrypted)
		return 0;
	for (int i = 0; i < q->nr_vcpus; i++) {
		if (req->action[i] == RESUME_STEP ||
		    req->action[i] == RESUME_RANGE) {
			pr_err("SEV-ES: vCPU %d cannot single-step (the hypervisor cannot set the trap flag in an encrypted VMSA)",
			       i);
			return -EPERM;
		}
	}
	return 0;
}
