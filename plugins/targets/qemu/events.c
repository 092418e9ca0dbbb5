// SPDX-License-Identifier: GPL-2.0-only
/*
 * Following QEMU behind sevdbg's back: monitor events (STOP, RESUME, RESET,
 * SHUTDOWN) taken one at a time from qmp_next_event(), then QEMU's run state.
 */
#include <errno.h>
#include <string.h>

#include "plugins/targets/qemu/qemu-int.h"

/* What one event means for what sevdbg remembers. */
static int qemu_event_mask(const char *name)
{
	if (!strcmp(name, "RESET") || !strcmp(name, QMP_EVENT_LOST))
		return TARGET_SYNC_RAN | TARGET_SYNC_RESET;
	/* STOP, RESUME, SHUTDOWN, SUSPEND, ...: the guest ran in between. */
	return TARGET_SYNC_RAN;
}

/*
 * The events say that something happened, not what the state is now: our
 * own resume's STOP/RESUME may arrive late, so ask QEMU (its reply comes
 * after every event it sent before).
 */
static int qemu_query_running(struct qemu *q, bool *running)
{
	char err[256];
	json_t *ret = NULL;
	int rc;

	rc = qmp_call(&q->qmp, "query-status", NULL, &ret, err, sizeof(err));
	if (rc) {
		pr_warn("%s", err);
		return rc;
	}
	*running = json_is_true(json_object_get(ret, "running"));
	json_decref(ret);
	return 0;
}

/*
 * A simulated SEV-ES guest that ran behind our back: its VMSAs hold the
 * state of our last stop. The running CPU owns them now; at a stop (QMP
 * stop, or after system_reset) they get the state QEMU has now.
 */
static void qemu_es_follow(struct qemu *q)
{
	if (q->vm_running || q->dead)
		qemu_es_running(q);
	else
		qemu_es_save(q);
}

int qemu_sync(struct target *t)
{
	struct qemu *q = t->priv;
	char name[32];
	int rc, mask = 0;
	bool any = false;

	if (q->dead || q->running || q->detached || !qmp_is_open(&q->qmp))
		return 0; /* a run of ours: qemu_wait_stop follows it */
	while ((rc = qmp_next_event(&q->qmp, name, sizeof(name))) > 0) {
		any = true;
		mask |= qemu_event_mask(name);
	}
	if (!rc && any)
		rc = qemu_query_running(q, &q->vm_running);
	if (rc == -EPIPE) {
		pr_err("QEMU closed its monitor connection (it exited?)");
		q->vm_running = false;
		mask |= TARGET_SYNC_RAN;
	}
	if (q->vm_running)
		mask |= TARGET_SYNC_RAN | TARGET_SYNC_RUNNING;
	if (mask) {
		q->g_tid = 0;
		memset(q->regs_valid, 0, sizeof(q->regs_valid));
		qemu_es_follow(q);
	}
	return mask;
}
