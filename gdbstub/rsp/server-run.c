// SPDX-License-Identifier: GPL-2.0-only
/*
 * Run control for the RSP server: resume packets (c, s, vCont), break- and
 * watchpoints, stop replies, detach and kill, over the async target API.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdbstub/mem/session.h"
#include "gdbstub/rsp/server-int.h"

static int server_stop_vcpu(struct server *sv, const struct stop_event *ev)
{
	if (ev->vcpu >= 0 && ev->vcpu < sv->nr_vcpus)
		return ev->vcpu;
	return sv->g_vcpu;
}

void server_stop_reply(struct server *sv, const struct stop_event *ev)
{
	static const char *const watch[] = {
		[BP_WATCH_WRITE] = "watch",
		[BP_WATCH_READ] = "rwatch",
		[BP_WATCH_ACCESS] = "awatch",
	};
	int tid = server_stop_vcpu(sv, ev) + 1;
	struct strbuf *r = &sv->reply;

	switch (ev->kind) {
	case STOP_EXITED:
		sb_printf(r, "W%02x", ev->exit_code & 0xff);
		return;
	case STOP_KILLED:
		sb_printf(r, "X%02x", ev->signo & 0xff);
		return;
	case STOP_SIGNAL:
		sb_printf(r, "T%02xthread:%x;", ev->signo & 0xff, tid);
		return;
	case STOP_SWBREAK:
	case STOP_HWBREAK:
		sb_printf(r, "T05thread:%x;%s:;", tid,
			  ev->kind == STOP_SWBREAK ? "swbreak" : "hwbreak");
		return;
	case STOP_WATCH:
		sb_printf(r, "T05thread:%x;%s:%llx;", tid,
			  ev->watch_type >= BP_WATCH_WRITE &&
					  ev->watch_type <= BP_WATCH_ACCESS
				  ? watch[ev->watch_type]
				  : "awatch",
			  (unsigned long long)ev->watch_addr);
		return;
	}
}

int pkt_stop_reason(struct server *sv, const struct pkt_args *a)
{
	struct stop_event ev = {.kind = STOP_SIGNAL, .vcpu = -1, .signo = 5};

	if (sv->have_stop)
		ev = sv->last_stop;
	if (server_nonstop_stop_reason(sv, &ev))
		return 0;
	server_stop_reply(sv, &ev);
	return 0;
}

/* A stop arrived: it selects its vCPU, as gdb assumes. */
static void server_stopped(struct server *sv, const struct stop_event *ev)
{
	int vcpu = server_stop_vcpu(sv, ev);

	sv->waiting = false;
	sv->last_stop = *ev;
	sv->have_stop = true;
	sv->g_vcpu = vcpu;
	sv->s->cur_vcpu = vcpu;
	session_note_stop(sv->s);
	if (ev->kind == STOP_EXITED || ev->kind == STOP_KILLED) {
		fprintf(stderr, "sevdbg: the target is gone: %s\n",
			ev->why[0] ? ev->why : "no reason given");
		sv->target_gone = true;
	}
}

void server_poll_stop(struct server *sv)
{
	struct stop_event ev;
	int ret;

	if (!sv->waiting)
		return;
	memset(&ev, 0, sizeof(ev));
	ret = target_wait_stop(sv->s->t, &ev);
	if (ret == -EAGAIN)
		return;
	sb_reset(&sv->reply);
	if (ret) {
		/* gdb treats an E reply to a resume as a stop (signal 0). */
		pr_err("waiting for the target to stop failed: %s",
		       strerror(-ret));
		sv->waiting = false;
		server_reply_err(sv, -EIO);
	} else {
		server_stopped(sv, &ev);
		server_stop_reply(sv, &ev);
	}
	rsp_put_packet(&sv->rsp, sv->reply.buf, sv->reply.len);
}

int server_stop_target(struct server *sv, int timeout_ms)
{
	struct stop_event ev;
	struct pollfd pfd;
	uint64_t end = now_ns() + (uint64_t)timeout_ms * 1000000ULL;
	int ret;

	ret = target_interrupt(sv->s->t);
	if (ret && ret != -ENOSYS)
		return ret;
	for (;;) {
		memset(&ev, 0, sizeof(ev));
		ret = target_wait_stop(sv->s->t, &ev);
		if (ret != -EAGAIN)
			break;
		if (now_ns() >= end)
			return -ETIMEDOUT;
		pfd.fd = target_event_fd(sv->s->t);
		pfd.events = POLLIN;
		poll(&pfd, pfd.fd >= 0 ? 1 : 0, 50);
	}
	if (!ret)
		server_stopped(sv, &ev);
	return ret;
}

/* SEV-ES: gdb is told why in the reply ("warning: Remote failure reply"). */
static bool server_refuse_step(struct server *sv, const struct resume_req *req)
{
	const char *why = session_step_refusal(sv->s);

	for (int i = 0; why && i < sv->nr_vcpus; i++) {
		if (req->action[i] == RESUME_STEP ||
		    req->action[i] == RESUME_RANGE) {
			pr_err("%s", why);
			sb_printf(&sv->reply, "E.%s", why);
			return true;
		}
	}
	return false;
}

static int server_resume(struct server *sv, const struct resume_req *req)
{
	int ret;

	if (sv->waiting)
		return -EBUSY;
	if (server_refuse_step(sv, req))
		return 0;
	session_note_resume(sv->s);
	ret = target_resume(sv->s->t, req);
	if (ret) {
		session_note_stop(sv->s);
		return ret == -ENOSYS ? -EIO : ret;
	}
	sv->waiting = true;
	sv->no_reply = true;
	return 0;
}

/* c/C/s/S: an address argument means "resume there" (set rip first). */
static int server_set_pc(struct server *sv, int vcpu, const struct pkt_args *a,
			 int idx)
{
	uint8_t pc[8];
	int i;

	if (a->nr_num <= idx)
		return 0;
	for (i = 0; i < 8; i++)
		pc[i] = (uint8_t)(a->num[idx] >> (8 * i));
	return target_write_reg(sv->s->t, vcpu, REGS_RIP, pc);
}

/* All-stop: continue runs every vCPU, step moves only the Hc one. */
static int server_simple_resume(struct server *sv, const struct pkt_args *a,
				enum resume_action act, int sig, int pc_idx)
{
	struct resume_req req;
	int vcpu = sv->c_vcpu >= 0 ? sv->c_vcpu : sv->g_vcpu;
	int i, ret;

	if (server_nonstop_refuse(sv))
		return 0;
	memset(&req, 0, sizeof(req));
	ret = server_set_pc(sv, vcpu, a, pc_idx);
	if (ret)
		return ret;
	for (i = 0; i < sv->nr_vcpus; i++)
		req.action[i] = act == RESUME_CONT ? RESUME_CONT : RESUME_STOP;
	req.action[vcpu] = act;
	req.signal[vcpu] = sig;
	return server_resume(sv, &req);
}

int pkt_continue(struct server *sv, const struct pkt_args *a)
{
	return server_simple_resume(sv, a, RESUME_CONT, 0, 0);
}

int pkt_continue_sig(struct server *sv, const struct pkt_args *a)
{
	return server_simple_resume(sv, a, RESUME_CONT, (int)a->num[0], 1);
}

int pkt_step(struct server *sv, const struct pkt_args *a)
{
	return server_simple_resume(sv, a, RESUME_STEP, 0, 0);
}

int pkt_step_sig(struct server *sv, const struct pkt_args *a)
{
	return server_simple_resume(sv, a, RESUME_STEP, (int)a->num[0], 1);
}

int pkt_vcont_query(struct server *sv, const struct pkt_args *a)
{
	server_reply_str(sv, sv->s->t->range_step ? "vCont;c;C;s;S;t;r"
						  : "vCont;c;C;s;S;t");
	return 0;
}

/* One "ACTION[:tid]" of vCont; the leftmost match wins per thread. */
static int vcont_action(struct server *sv, const char *p, const char *end,
			struct resume_req *req, bool *set)
{
	enum resume_action act;
	uint64_t sig = 0, lo = 0, hi = 0;
	char *q;
	int64_t tid = -1;
	int i;

	switch (*p) {
	case 'c':
		act = RESUME_CONT;
		p++;
		break;
	case 's':
		act = RESUME_STEP;
		p++;
		break;
	case 't':
		act = RESUME_STOP;
		p++;
		break;
	case 'C':
	case 'S':
		act = *p == 'C' ? RESUME_CONT : RESUME_STEP;
		sig = strtoull(p + 1, &q, 16);
		if (q == p + 1 || sig > 255)
			return -EINVAL;
		p = q;
		break;
	case 'r':
		if (!sv->s->t->range_step)
			return -ENOSYS;
		act = RESUME_RANGE;
		lo = strtoull(p + 1, &q, 16);
		if (q == p + 1 || *q != ',')
			return -EINVAL;
		hi = strtoull(q + 1, &q, 16);
		p = q;
		break;
	default:
		return -EINVAL;
	}
	if (p < end && *p == ':') {
		if (!strncmp(p + 1, "-1", 2)) {
			p += 3;
		} else {
			tid = (int64_t)strtoull(p + 1, &q, 16);
			/* 0 is "any thread": the one gdb selected. */
			if (q != p + 1 && tid == 0)
				tid = (sv->c_vcpu >= 0 ? sv->c_vcpu
						       : sv->g_vcpu) +
				      1;
			if (q == p + 1 || server_tid_vcpu(sv, tid) < 0)
				return q == p + 1 ? -EINVAL : -ESRCH;
			p = q;
		}
	}
	if (p != end)
		return -EINVAL;
	for (i = 0; i < sv->nr_vcpus; i++) {
		if (set[i] || (tid > 0 && tid != i + 1))
			continue;
		set[i] = true;
		req->action[i] = act;
		req->signal[i] = (int)sig;
		if (act == RESUME_RANGE) {
			req->range_start = lo;
			req->range_end = hi;
		}
	}
	return 0;
}

int pkt_vcont(struct server *sv, const struct pkt_args *a)
{
	bool set[TARGET_MAX_VCPUS] = {false};
	struct stop_event ev = {.kind = STOP_SIGNAL, .vcpu = -1};
	char buf[2048], *p, *semi;
	struct resume_req req;
	int i, ret, running = 0;

	if (!a->rest_len || a->rest_len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, a->rest, a->rest_len);
	buf[a->rest_len] = '\0';
	memset(&req, 0, sizeof(req));
	for (p = buf; p; p = semi ? semi + 1 : NULL) {
		semi = strchr(p, ';');
		ret = vcont_action(sv, p, semi ? semi : p + strlen(p), &req,
				   set);
		if (ret)
			return ret;
	}
	for (i = sv->nr_vcpus - 1; i >= 0; i--) {
		running += req.action[i] != RESUME_STOP;
		if (set[i])
			ev.vcpu = i;
	}
	if (sv->non_stop)
		return server_nonstop_vcont(sv, running);
	if (!running) {
		/* Only 't' actions: nothing runs, report the stop now. */
		server_stop_reply(sv, &ev);
		return 0;
	}
	return server_resume(sv, &req);
}

static int server_bp(struct server *sv, const struct pkt_args *a, bool insert)
{
	uint64_t type = a->num[0], addr = a->num[1], kind = a->num[2];
	int ret;

	if (type > BP_WATCH_ACCESS)
		return -ENOSYS;
	/* A range that wraps past 2^64 watches nothing anyone meant. */
	if (kind == 0 || kind > UINT32_MAX || addr + (kind - 1) < addr)
		return -EINVAL;
	/* A software breakpoint is an int3 written into guest memory. */
	if (insert && type == BP_SW && sv->s->read_only)
		return -EPERM;
	/* Nothing could report the stop a breakpoint would cause. */
	if (insert && server_nonstop_refuse(sv))
		return 0;
	if (insert && session_bp_refusal(sv->s)) {
		pr_err("%s", session_bp_refusal(sv->s));
		sb_printf(&sv->reply, "E.%s", session_bp_refusal(sv->s));
		return 0;
	}
	if (insert)
		ret = target_insert_bp(sv->s->t, (enum bp_type)type, a->num[1],
				       (unsigned int)a->num[2]);
	else
		ret = target_remove_bp(sv->s->t, (enum bp_type)type, a->num[1],
				       (unsigned int)a->num[2]);
	if (!ret)
		server_reply_str(sv, "OK");
	return ret;
}

int pkt_bp_insert(struct server *sv, const struct pkt_args *a)
{
	return server_bp(sv, a, true);
}

int pkt_bp_remove(struct server *sv, const struct pkt_args *a)
{
	return server_bp(sv, a, false);
}

/* Let go of the guest as gdb's detach means: running (--keep-stopped: not). */
static int server_let_go(struct server *sv)
{
	int ret;

	if (sv->s->t->leave_stopped) {
		pr_info("gdb left; the guest stays stopped (--keep-stopped)");
		return 0;
	}
	ret = target_detach(sv->s->t);
	if (ret && ret != -ENOSYS)
		return ret;
	session_note_resume(sv->s);
	return 0;
}

void server_gdb_gone(struct server *sv)
{
	int ret;

	if (sv->waiting || sv->s->t->running)
		return; /* it runs already; the next gdb stops it */
	ret = server_let_go(sv);
	if (ret)
		pr_err("gdb left without detaching, and resuming the guest failed: %s",
		       strerror(-ret));
	else if (!sv->s->t->leave_stopped)
		pr_info("gdb left without detaching: the guest runs again (serve --keep-stopped leaves it stopped)");
}

int pkt_detach(struct server *sv, const struct pkt_args *a)
{
	int ret = server_let_go(sv);

	if (ret)
		return ret;
	server_reply_str(sv, "OK");
	sv->waiting = false; /* no stop reply is owed to a gdb that left */
	sv->closing = true;
	return 0;
}

static int server_kill(struct server *sv)
{
	int ret;

	if (sv->s->read_only) {
		/* --read-only: the guest is not ours to end; just let go. */
		fprintf(stderr,
			"sevdbg: --read-only: gdb's kill detaches and leaves the guest running\n");
		ret = target_detach(sv->s->t);
		if (ret && ret != -ENOSYS)
			pr_err("detaching failed: %s", strerror(-ret));
		session_note_resume(sv->s);
		sv->waiting = false;
		sv->closing = true;
		return 0;
	}
	ret = target_kill(sv->s->t);

	if (ret && ret != -ENOSYS)
		pr_err("killing the target failed: %s", strerror(-ret));
	fprintf(stderr, "sevdbg: gdb killed the target; stopping\n");
	sv->waiting = false;
	sv->closing = true;
	sv->target_gone = true;
	return 0;
}

/* k has no reply; the connection ends. */
int pkt_kill(struct server *sv, const struct pkt_args *a)
{
	sv->no_reply = true;
	return server_kill(sv);
}

int pkt_vkill(struct server *sv, const struct pkt_args *a)
{
	if (sv->s->read_only)
		return -EPERM;
	server_reply_str(sv, "OK");
	return server_kill(sv);
}
