// SPDX-License-Identifier: GPL-2.0-only
/*
 * The live-QEMU target (DESIGN.md §3): registers, run control and
 * breakpoints through QEMU's gdbstub; RAM mapped from its shared backend.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "plugins/targets/qemu/qemu-int.h"
#include "plugins/targets/qemu/qemu.h"
#include "sevdbg/target.h"
#include "sevdbg/platform.h"

static struct qemu *to_qemu(struct target *t)
{
	return t->priv;
}

/* QEMU 7.2's 'g' lacks cs/ss/ds/es_base: map by register, in order. */
static bool qemu_has_reg(unsigned int nr)
{
	return nr < REGS_CS_BASE || nr > REGS_ES_BASE;
}

/* A vCPU's thread id in the form QEMU's gdbstub is in (rspc_fmt_tid). */
static const char *qemu_tid(struct qemu *q, int vcpu, char *buf, size_t len)
{
	rspc_fmt_tid(&q->rsp, buf, len, q->pids[vcpu], q->tids[vcpu]);
	return buf;
}

static int qemu_select(struct qemu *q, int vcpu)
{
	char cmd[32], tid[24];
	int rc;

	if (vcpu < 0 || vcpu >= q->nr_vcpus)
		return -EINVAL;
	if (q->g_tid == q->tids[vcpu])
		return 0;
	snprintf(cmd, sizeof(cmd), "Hg%s", qemu_tid(q, vcpu, tid, sizeof(tid)));
	rc = rspc_cmd(&q->rsp, cmd);
	if (rc)
		return rc;
	q->g_tid = q->tids[vcpu];
	return 0;
}

static int qemu_reconnect(struct qemu *q);

/*
 * cmd for one vCPU (g, G). A stop QEMU reported meanwhile moved its Hg
 * selection to the vCPU that stopped and may have changed the registers:
 * select again and repeat, rather than answer for another vCPU.
 */
static int qemu_vcpu_cmd(struct qemu *q, int vcpu, const char *cmd)
{
	int rc, tries = 0;

	do {
		q->rsp.stray_stop = false;
		rc = qemu_select(q, vcpu) ?: rspc_cmd(&q->rsp, cmd);
		if (q->rsp.stray_stop) {
			q->g_tid = 0;
			memset(q->regs_valid, 0, sizeof(q->regs_valid));
		}
	} while (!rc && q->rsp.stray_stop && ++tries < 3);
	return rc;
}

/* The guest is about to run (or QEMU's view changed): forget registers. */
void qemu_regs_drop(struct qemu *q)
{
	memset(q->regs_valid, 0, sizeof(q->regs_valid));
}

/*
 * The guest runs, resumed by someone else (QMP cont): QEMU's gdbstub stops
 * a running VM on the first byte it receives and drops that packet, so
 * stop it first, properly, and say so.
 */
static int qemu_pause_behind(struct qemu *q)
{
	int rc = qemu_sync(&q->t); /* is it still running? */

	if (rc < 0 || !q->vm_running)
		return rc < 0 ? rc : 0;
	rc = rspc_interrupt(&q->rsp);
	while (!rc) {
		rc = rspc_recv(&q->rsp, -1);
		if (!rc &&
		    (q->rsp.pkt.buf[0] == 'T' || q->rsp.pkt.buf[0] == 'S'))
			break;
	}
	if (rc)
		return rc;
	pr_info("stopped the guest (resumed behind the debugger's back) to reach its vCPUs");
	q->vm_running = false;
	q->g_tid = 0;
	qemu_regs_drop(q);
	return 0;
}

/* Every synchronous gdbstub use goes through here. */
int qemu_ready(struct qemu *q)
{
	if (q->rsp.stray_stop) {
		/* The VM ran and stopped behind our back (see rspc_cmd). */
		q->rsp.stray_stop = false;
		q->g_tid = 0;
		qemu_regs_drop(q);
		qemu_es_save(q);
	}
	if (q->dead)
		return -ESRCH;
	if (q->running)
		return -EBUSY;
	if (q->detached)
		return qemu_reconnect(q);
	if (q->vm_running)
		return qemu_pause_behind(q);
	return 0;
}

/* The registers QEMU's gdbstub reports, even those SEV-ES withholds. */
int qemu_fetch_regs(struct qemu *q, int vcpu, struct regs *regs)
{
	const char *hex;
	size_t off = 0;
	int rc;

	if (vcpu >= 0 && vcpu < q->nr_vcpus && q->regs_valid[vcpu]) {
		*regs = q->regs[vcpu];
		return 0;
	}
	rc = qemu_vcpu_cmd(q, vcpu, "g");
	if (rc)
		return rc;
	hex = q->rsp.pkt.buf;
	memset(regs, 0, sizeof(*regs));
	for (unsigned int nr = 0; nr < REGS_NR; nr++) {
		size_t sz = regs_size(nr);

		if (!qemu_has_reg(nr))
			continue;
		if (2 * (off + sz) > q->rsp.pkt.len)
			break;
		if (hex_decode(hex + 2 * off, 2 * sz,
			       regs->raw + regs_offset(nr)))
			return -EPROTO;
		regs->valid[nr] = 1;
		off += sz;
	}
	if (!regs->valid[REGS_RIP])
		return -EPROTO;
	q->regs[vcpu] = *regs;
	q->regs_valid[vcpu] = true;
	return 0;
}

static int qemu_read_regs(struct target *t, int vcpu, struct regs *regs)
{
	struct qemu *q = to_qemu(t);
	int rc;

	rc = qemu_ready(q);
	if (rc)
		return rc;
	if (q->regs_encrypted) { /* SEV-ES: unavailable, never invented */
		memset(regs, 0, sizeof(*regs));
		return vcpu >= 0 && vcpu < q->nr_vcpus ? 0 : -EINVAL;
	}
	return qemu_fetch_regs(q, vcpu, regs);
}

static int qemu_write_regs(struct target *t, int vcpu, const struct regs *r);

/* QEMU 7.2 answers 'P' only after gdb read its XML: write all with 'G'. */
static int qemu_write_reg(struct target *t, int vcpu, unsigned int nr,
			  const uint8_t *val)
{
	struct regs r;
	int rc;

	if (nr >= REGS_NR || !qemu_has_reg(nr))
		return -EINVAL;
	rc = qemu_read_regs(t, vcpu, &r);
	if (rc)
		return rc;
	memcpy(r.raw + regs_offset(nr), val, regs_size(nr));
	return qemu_write_regs(t, vcpu, &r);
}

static int qemu_write_regs(struct target *t, int vcpu, const struct regs *r)
{
	struct qemu *q = to_qemu(t);
	struct strbuf sb;
	int rc;

	if (q->regs_encrypted)
		return -EPERM; /* SEV-ES: the VMSA is the guest's */
	rc = qemu_ready(q);
	if (rc)
		return rc;
	if (vcpu < 0 || vcpu >= q->nr_vcpus)
		return -EINVAL;
	q->regs_valid[vcpu] = false;
	sb_init(&sb);
	sb_putc(&sb, 'G');
	for (unsigned int nr = 0; nr < REGS_NR; nr++)
		if (qemu_has_reg(nr))
			sb_hex(&sb, r->raw + regs_offset(nr), regs_size(nr));
	rc = sb.oom ? -ENOMEM : qemu_vcpu_cmd(q, vcpu, sb.buf);
	sb_release(&sb);
	return rc;
}

static int qemu_nr_vcpus(struct target *t)
{
	return to_qemu(t)->nr_vcpus;
}

static int qemu_vcpu_describe(struct target *t, int vcpu, char *buf, size_t len)
{
	struct qemu *q = to_qemu(t);

	if (vcpu < 0 || vcpu >= q->nr_vcpus)
		return -EINVAL;
	snprintf(buf, len, "vCPU %d (QEMU CPU#%d)", vcpu, q->tids[vcpu] - 1);
	return 0;
}

static int qemu_resume(struct target *t, const struct resume_req *req)
{
	struct qemu *q = to_qemu(t);
	struct strbuf sb;
	char tid[24];
	int rc, steps = 0;

	rc = qemu_ready(q) ?: qemu_es_check_resume(q, req);
	if (rc)
		return rc;
	sb_init(&sb);
	sb_puts(&sb, "vCont");
	q->step_tid = 0;
	q->cont_mask = 0;
	for (int i = 0; i < q->nr_vcpus; i++) {
		switch (req->action[i]) {
		case RESUME_STOP:
			break;
		case RESUME_CONT:
			sb_printf(&sb, ";c:%s",
				  qemu_tid(q, i, tid, sizeof(tid)));
			q->cont_mask |= 1ULL << i;
			break;
		case RESUME_RANGE:
			q->step_tid = q->tids[i];
			q->range_start = req->range_start;
			q->range_end = req->range_end;
			/* QEMU has no 'r': we step while in the range */
			__attribute__((fallthrough));
		case RESUME_STEP:
			sb_printf(&sb, ";s:%s",
				  qemu_tid(q, i, tid, sizeof(tid)));
			steps++;
			break;
		}
	}
	if (steps > 1)
		q->step_tid = 0; /* range stepping is for one vCPU */
	rc = sb.oom	   ? -ENOMEM
	     : sb.len == 5 ? -EINVAL
			   : rspc_send(&q->rsp, sb.buf);
	sb_release(&sb);
	if (rc)
		return rc;
	qmp_drop_events(&q->qmp); /* what happened before is moot now */
	q->running = true;
	q->vm_running = false;
	q->interrupted = false;
	q->pending = false;
	q->g_tid = 0;
	qemu_regs_drop(q);
	qemu_es_running(q);
	return 0;
}

static int qemu_interrupt(struct target *t)
{
	struct qemu *q = to_qemu(t);
	int rc;

	if (q->dead)
		return -ESRCH;
	if (q->detached) { /* reconnecting stops the VM */
		rc = qemu_reconnect(q);
		if (rc)
			return rc;
		memset(&q->ev, 0, sizeof(q->ev));
		q->ev.kind = STOP_SIGNAL;
		q->ev.signo = 2;
		q->pending = true;
		return 0;
	}
	if (!q->running)
		return 0;
	q->interrupted = true;
	return rspc_interrupt(&q->rsp);
}

static int qemu_event_fd(struct target *t)
{
	return to_qemu(t)->rsp.fd;
}

/* The vCPU of a thread id in either form; 0 when QEMU named none. */
static int qemu_vcpu_of(struct qemu *q, const char *id)
{
	int pid, tid;

	if (rspc_parse_tid(id, NULL, &pid, &tid))
		return 0;
	for (int i = 0; i < q->nr_vcpus; i++)
		if (q->tids[i] == tid && (*id != 'p' || q->pids[i] == pid))
			return i;
	return 0;
}

static uint64_t qemu_pc(struct qemu *q, int vcpu)
{
	struct regs r;

	if (qemu_read_regs(&q->t, vcpu, &r))
		return ~0ULL;
	return regs_get(&r, REGS_RIP);
}

/* "T05thread:01;watch:ffff...;" → ev. */
static void qemu_parse_stop(struct qemu *q, const char *p,
			    struct stop_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = STOP_SIGNAL;
	ev->signo = hex_digit(p[1]) << 4 | hex_digit(p[2]);
	for (p += 3; *p;) {
		const char *colon = strchr(p, ':'), *semi;
		size_t klen;

		if (!colon)
			break;
		semi = strchr(colon, ';');
		klen = colon - p;
		if (klen == 6 && !strncmp(p, "thread", 6)) {
			ev->vcpu = qemu_vcpu_of(q, colon + 1);
		} else if (klen >= 5 && !strncmp(colon - 5, "watch", 5)) {
			ev->kind = STOP_WATCH;
			ev->watch_addr = strtoull(colon + 1, NULL, 16);
			ev->watch_type = *p == 'r'   ? BP_WATCH_READ
					 : *p == 'a' ? BP_WATCH_ACCESS
						     : BP_WATCH_WRITE;
		}
		if (!semi)
			break;
		p = semi + 1;
	}
}

/* A SIGTRAP at one of our breakpoints is reported as such. */
static void qemu_classify_trap(struct qemu *q, struct stop_event *ev)
{
	const struct qemu_bp *bp;

	if (ev->kind != STOP_SIGNAL || ev->signo != 5 || !q->nr_bps)
		return;
	bp = qemu_bp_at(q, qemu_pc(q, ev->vcpu));
	if (bp)
		ev->kind = bp->type == BP_SW ? STOP_SWBREAK : STOP_HWBREAK;
}

static void qemu_gone(struct qemu *q, struct stop_event *ev)
{
	char why[100] =
		"QEMU closed its gdbstub connection (it exited or was killed)",
	     last[100] = "";

	if (q->launch) { /* give QEMU a moment to finish exiting */
		for (int i = 0; i < 50; i++) {
			if (qemu_launch_reap(q->launch, false, why,
					     sizeof(why)) != -EAGAIN)
				break;
			usleep(20000);
		}
		qemu_launch_last_error(q->launch, last, sizeof(last));
	}
	memset(ev, 0, sizeof(*ev));
	ev->kind = STOP_EXITED;
	ev->vcpu = -1;
	snprintf(ev->why, sizeof(ev->why), "%s%s%s", why, *last ? ": " : "",
		 last);
	q->dead = true;
	q->running = false;
}

/* One more step of vcpu; the vCPUs gdb let run keep running. */
static int qemu_step(struct qemu *q, int vcpu)
{
	struct strbuf sb;
	char tid[24];
	int rc;

	sb_init(&sb);
	sb_printf(&sb, "vCont;s:%s", qemu_tid(q, vcpu, tid, sizeof(tid)));
	for (int i = 0; i < q->nr_vcpus; i++)
		if (q->cont_mask & (1ULL << i))
			sb_printf(&sb, ";c:%s",
				  qemu_tid(q, i, tid, sizeof(tid)));
	qemu_regs_drop(q);
	rc = sb.oom ? -ENOMEM : rspc_send(&q->rsp, sb.buf);
	sb_release(&sb);
	return rc;
}

/*
 * Range stepping: step again while the pc stays in the range. A ^C sent
 * meanwhile mostly reached QEMU between two steps, when its gdbstub drops
 * it: end the stepping here and report the SIGINT gdb is waiting for.
 */
static bool qemu_step_again(struct qemu *q, struct stop_event *ev)
{
	uint64_t pc;

	if (!q->step_tid || ev->kind != STOP_SIGNAL || ev->signo != 5 ||
	    q->tids[ev->vcpu] != q->step_tid)
		return false;
	pc = qemu_pc(q, ev->vcpu);
	if (pc < q->range_start || pc >= q->range_end || qemu_bp_at(q, pc))
		return false;
	if (q->interrupted) {
		ev->signo = 2;
		return false;
	}
	q->g_tid = 0;
	return !qemu_step(q, ev->vcpu);
}

/* Memory hot-plugged while the guest ran joins the RAM map at its stop. */
static void qemu_follow_stop(struct qemu *q)
{
	char err[256] = "";
	int rc;

	rc = qemu_follow_ram(&q->qmp, q->pid, &q->ram, &q->t.ram, err,
			     sizeof(err));
	if (rc < 0)
		pr_warn("cannot follow QEMU's RAM layout (the RAM map stays as it was): %s",
			err[0] ? err : strerror(-rc));
	else if (rc)
		pr_info("guest RAM changed (memory hot-plug): %zu ranges, %llu MiB",
			q->t.ram.nr,
			(unsigned long long)(ram_total(&q->t.ram) >> 20));
}

static int qemu_wait_stop(struct target *t, struct stop_event *ev)
{
	struct qemu *q = to_qemu(t);
	const char *p;
	int rc;

	if (q->pending) {
		*ev = q->ev;
		q->pending = false;
		return 0;
	}
	if (q->dead || !q->running)
		return q->dead ? -ESRCH : -EAGAIN;
	for (;;) {
		rc = rspc_poll(&q->rsp);
		if (rc == -EPIPE) {
			qemu_gone(q, ev);
			return 0;
		}
		if (rc <= 0)
			return rc ?: -EAGAIN;
		p = q->rsp.pkt.buf;
		if (*p == 'W' || *p == 'X') {
			qemu_gone(q, ev);
			ev->kind = *p == 'W' ? STOP_EXITED : STOP_KILLED;
			ev->exit_code = ev->signo =
				(int)strtol(p + 1, NULL, 16);
			return 0;
		}
		if (*p != 'T' && *p != 'S')
			continue; /* 'O' console output and such */
		q->running = false;
		qemu_parse_stop(q, p, ev);
		if (qemu_step_again(q, ev)) {
			q->running = true;
			continue;
		}
		q->step_tid = 0;
		q->g_tid = 0;
		/* The events of our own run: the stop is news enough. */
		qmp_drop_events(&q->qmp);
		qemu_follow_stop(q);
		qemu_classify_trap(q, ev);
		qemu_es_save(q);
		return 0;
	}
}

/*
 * QEMU stops the VM whenever a debugger connects to its gdbstub, and resumes
 * it on 'D'. Keep event_fd() stable across a detach: the socket's number is
 * parked on a pipe that never becomes readable, then reused.
 */
static int qemu_park_fd(struct qemu *q)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC))
		return -errno;
	dup3(p[0], q->rsp.fd, O_CLOEXEC);
	close(p[0]);
	close(p[1]);
	return 0;
}

/*
 * 'D' resumes the VM and drops QEMU's breakpoints; in multiprocess mode
 * QEMU 7.2 answers a bare 'D' with E22 and wants the process: D;pid.
 */
static int qemu_send_detach(struct qemu *q)
{
	char cmd[32] = "D";

	if (q->rsp.multiprocess)
		snprintf(cmd, sizeof(cmd), "D;%x",
			 q->nr_vcpus ? q->pids[0] : 1);
	return rspc_cmd(&q->rsp, cmd);
}

static int qemu_reconnect(struct qemu *q)
{
	struct rspc c;
	char err[256];
	int rc, fd = q->rsp.fd;

	rc = rspc_open(&c, q->gdb_path, q->rsp.timeout_ms, err, sizeof(err));
	if (rc) {
		pr_err("%s", err);
		return rc;
	}
	dup3(c.fd, fd, O_CLOEXEC);
	close(c.fd);
	c.fd = fd;
	q->rsp.fd = -1; /* the number lives on in c */
	rspc_close(&q->rsp);
	q->rsp = c;
	q->detached = false;
	q->running = false;
	q->g_tid = 0;
	qemu_regs_drop(q);
	qemu_es_save(q);
	return 0;
}

static int qemu_detach(struct target *t)
{
	struct qemu *q = to_qemu(t);
	int rc = qemu_ready(q);

	if (rc)
		return rc;
	/* QEMU's D drops every breakpoint and resumes the VM. */
	rc = qemu_send_detach(q);
	q->nr_bps = 0;
	q->detached = true;
	qemu_regs_drop(q);
	q->pending = false;
	sb_reset(&q->rsp.raw);
	return qemu_park_fd(q) ?: rc;
}

static int qemu_kill(struct target *t)
{
	struct qemu *q = to_qemu(t);
	char err[256], why[128];

	if (q->dead)
		return 0;
	if (qmp_call(&q->qmp, "quit", NULL, NULL, err, sizeof(err))) {
		pr_warn("%s; asking QEMU's gdbstub instead", err);
		rspc_send(&q->rsp, "k");
	}
	if (q->launch)
		qemu_launch_reap(q->launch, true, why, sizeof(why));
	q->dead = true;
	q->running = false;
	return 0;
}

static int qemu_describe(struct target *t, char *buf, size_t len)
{
	struct qemu *q = to_qemu(t);

	/* One line: `monitor sev stats` prints it after "target". */
	snprintf(buf, len,
		 "qemu (pid %d, %s, accel %s, %d vCPUs)%s; platform: %s%s",
		 q->pid, q->origin, q->accel, q->nr_vcpus,
		 q->dead ? " -- QEMU is gone" : "",
		 q->sev ? (q->regs_encrypted
				   ? "kvm (SEV-ES guest: registers from its VMSA)"
				   : "kvm (QEMU reports an SEV guest)")
		 : !q->regs_encrypted
			 ? "sim (no SEV guest: simulated encryption)"
		 : q->sim_no_regs
			 ? "sim (no SEV guest: simulated encryption; --sim-regs none: registers unavailable)"
			 : "sim (no SEV guest: simulated SEV-ES, registers from an encrypted VMSA)",
		 !q->sev && q->hc_fd < 0
			 ? ", without a page-encryption record channel"
			 : "");
	return 0;
}

static void qemu_destroy(struct target *t)
{
	struct qemu *q = to_qemu(t);

	/*
	 * QEMU's gdbstub resumes the VM on 'D' but not when the connection
	 * just closes: leave_stopped (dump --keep-stopped) closes without it.
	 */
	if (!q->dead && !q->detached && !q->launch && q->rsp.fd >= 0 &&
	    !t->leave_stopped) {
		if (q->running) /* leave someone else's guest running */
			rspc_interrupt(&q->rsp), rspc_recv(&q->rsp, 1000);
		qemu_send_detach(q);
	}
	rspc_close(&q->rsp);
	if (t->plat)
		t->plat->ops->destroy(t->plat); /* ours: we made it */
	if (q->hc_fd >= 0)
		close(q->hc_fd);
	ram_free(&t->ram);
	qemu_unmap_ram(&q->ram);
	if (q->own_dir[0] && !q->dead && qmp_is_open(&q->qmp)) {
		char *out = NULL, err[128]; /* close the gdbstub we opened */

		qmp_hmp(&q->qmp, "gdbserver none", &out, err, sizeof(err));
		free(out);
	}
	qmp_close(&q->qmp);
	if (q->launch) {
		qemu_launch_stop(q->launch);
		free(q->launch);
	}
	if (q->own_dir[0]) {
		unlink(q->gdb_path);
		rmdir(q->own_dir);
	}
	free(q->bps);
	free(q);
}

const struct target_ops qemu_target_ops = {
	.name = "qemu",
	.nr_vcpus = qemu_nr_vcpus,
	.vcpu_describe = qemu_vcpu_describe,
	.read_regs = qemu_read_regs,
	.write_reg = qemu_write_reg,
	.write_regs = qemu_write_regs,
	.resume = qemu_resume,
	.interrupt = qemu_interrupt,
	.event_fd = qemu_event_fd,
	.wait_stop = qemu_wait_stop,
	.insert_bp = qemu_insert_bp,
	.remove_bp = qemu_remove_bp,
	.detach = qemu_detach,
	.kill = qemu_kill,
	.sync = qemu_sync,
	.describe = qemu_describe,
	.destroy = qemu_destroy,
};
