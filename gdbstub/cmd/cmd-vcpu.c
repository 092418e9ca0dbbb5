// SPDX-License-Identifier: GPL-2.0-only
/*
 * Shell-only commands about vCPUs: regs, vcpu, cont/stop/step on a live
 * target, and `set` for shell settings.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "gdbstub/cmd/cmd-int.h"
#include "sevdbg/regs.h"
#include "gdbstub/mem/session.h"
#include "sevdbg/target.h"

#define X(v)		((unsigned long long)(v))
#define STOP_TIMEOUT_MS 10000

static int cmd_vcpu_arg(struct cmd_ctx *ctx, const char *arg, int *vcpu)
{
	int nr = target_nr_vcpus(ctx->s->t);
	uint64_t v;

	if (nr < 0)
		return cmd_err(ctx, nr, "cannot count the vCPUs: %s",
			       strerror(-nr));
	if (parse_u64(arg, 0, &v) || v >= (uint64_t)nr)
		return cmd_err(ctx, -EINVAL,
			       "no vCPU `%s`: this guest has vCPUs 0..%d", arg,
			       nr - 1);
	*vcpu = (int)v;
	return 0;
}

static void regs_put(struct cmd_ctx *ctx, const struct regs *r, unsigned int nr,
		     int col)
{
	if (!r->valid[nr])
		sb_printf(ctx->out, "%-9s %-18s", regs_desc[nr].name,
			  "<unavailable>");
	else
		sb_printf(ctx->out, "%-9s 0x%016llx", regs_desc[nr].name,
			  X(regs_get(r, nr)));
	sb_puts(ctx->out, col == 2 ? "\n" : "  ");
}

/* {"vcpu": N, "registers": {"rax": 0, ...}}; null when unavailable. */
static int regs_json(struct cmd_ctx *ctx, int vcpu, const struct regs *r,
		     const unsigned char *layout, size_t n)
{
	json_t *regs = json_object(), *o;
	char label[160];
	size_t i;

	for (i = 0; regs && i < n; i++)
		json_object_set_new(regs, regs_desc[layout[i]].name,
				    r->valid[layout[i]]
					    ? json_integer(
						      (json_int_t)
							      regs_get(r,
								       layout[i]))
					    : json_null());
	o = json_pack("{s:i, s:o}", "vcpu", vcpu, "registers", regs);
	if (o && r->valid[REGS_RIP]) {
		cmd_sym_label(ctx, regs_get(r, REGS_RIP), label, sizeof(label));
		if (label[0])
			json_object_set_new(o, "rip_symbol",
					    json_string(label));
	}
	return cmd_json(ctx, o);
}

CMD_FN(regs)
{
	static const unsigned char layout[] = {
		REGS_RAX,     REGS_RBX,	    REGS_RCX,	    REGS_RDX,
		REGS_RSI,     REGS_RDI,	    REGS_RBP,	    REGS_RSP,
		REGS_R8,      REGS_R9,	    REGS_R10,	    REGS_R11,
		REGS_R12,     REGS_R13,	    REGS_R14,	    REGS_R15,
		REGS_RIP,     REGS_EFLAGS,  REGS_CS,	    REGS_SS,
		REGS_DS,      REGS_ES,	    REGS_FS,	    REGS_GS,
		REGS_FS_BASE, REGS_GS_BASE, REGS_K_GS_BASE, REGS_CR0,
		REGS_CR2,     REGS_CR3,	    REGS_CR4,	    REGS_CR8,
		REGS_EFER,
	};
	int vcpu = ctx->s->cur_vcpu, ret;
	struct regs r;
	size_t i;

	if (argc > 2)
		return cmd_usage(ctx, "regs");
	if (argc == 2 && (ret = cmd_vcpu_arg(ctx, argv[1], &vcpu)))
		return ret;
	ret = session_read_regs(ctx->s, vcpu, &r);
	if (ret)
		return cmd_err(ctx, ret,
			       "cannot read the registers of vCPU %d: %s%s",
			       vcpu, strerror(-ret),
			       ret == -EBUSY
				       ? " (the guest is running; `stop` first)"
				       : "");
	if (!r.valid[REGS_RIP])
		return cmd_err(ctx, -EACCES, "registers unavailable: %s",
			       session_regs_why(ctx->s));
	if (ctx->json)
		return regs_json(ctx, vcpu, &r, layout, ARRAY_SIZE(layout));
	sb_printf(ctx->out, "vCPU %d\n", vcpu);
	for (i = 0; i < ARRAY_SIZE(layout); i++)
		regs_put(ctx, &r, layout[i], (int)(i % 3));
	if (i % 3)
		sb_putc(ctx->out, '\n');
	if (r.valid[REGS_RIP]) {
		sb_printf(ctx->out, "rip is 0x%llx", X(regs_get(&r, REGS_RIP)));
		cmd_put_sym(ctx, regs_get(&r, REGS_RIP));
		sb_putc(ctx->out, '\n');
	}
	return 0;
}

static int vcpu_json(struct cmd_ctx *ctx, int nr)
{
	json_t *list = json_array();
	char desc[128];
	int i;

	for (i = 0; list && i < nr; i++) {
		if (target_vcpu_describe(ctx->s->t, i, desc, sizeof(desc)))
			snprintf(desc, sizeof(desc), "vCPU %d", i);
		json_array_append_new(list,
				      json_pack("{s:i, s:s, s:b}", "vcpu", i,
						"description", desc, "selected",
						i == ctx->s->cur_vcpu));
	}
	return cmd_json(ctx, json_pack("{s:i, s:o}", "selected",
				       ctx->s->cur_vcpu, "vcpus", list));
}

CMD_FN(vcpu)
{
	int nr = target_nr_vcpus(ctx->s->t), i, ret;
	char desc[128];

	if (argc > 2)
		return cmd_usage(ctx, "vcpu");
	if (argc == 2) {
		ret = cmd_vcpu_arg(ctx, argv[1], &ctx->s->cur_vcpu);
		if (!ret && ctx->json)
			return cmd_json(ctx, json_pack("{s:i}", "selected",
						       ctx->s->cur_vcpu));
		if (!ret)
			sb_printf(ctx->out, "selected vCPU %d\n",
				  ctx->s->cur_vcpu);
		return ret;
	}
	if (nr < 0)
		return cmd_err(ctx, nr, "cannot list the vCPUs: %s",
			       strerror(-nr));
	if (ctx->json)
		return vcpu_json(ctx, nr);
	for (i = 0; i < nr; i++) {
		if (target_vcpu_describe(ctx->s->t, i, desc, sizeof(desc)))
			snprintf(desc, sizeof(desc), "vCPU %d", i);
		sb_printf(ctx->out, "%c %d  %s\n",
			  i == ctx->s->cur_vcpu ? '*' : ' ', i, desc);
	}
	return 0;
}

static int resume_all(struct cmd_ctx *ctx, enum resume_action act)
{
	struct resume_req req;
	int nr = target_nr_vcpus(ctx->s->t), i, ret;

	if (nr < 0)
		return cmd_err(ctx, nr, "cannot count the vCPUs: %s",
			       strerror(-nr));
	memset(&req, 0, sizeof(req));
	for (i = 0; i < nr && i < TARGET_MAX_VCPUS; i++)
		req.action[i] = act == RESUME_STEP && i != ctx->s->cur_vcpu
					? RESUME_STOP
					: act;
	session_note_resume(ctx->s);
	ret = target_resume(ctx->s->t, &req);
	if (ret)
		return cmd_err(ctx, ret, "cannot resume the guest: %s",
			       strerror(-ret));
	return 0;
}

static void stop_describe(struct cmd_ctx *ctx, const struct stop_event *ev)
{
	if (ev->why[0]) {
		sb_puts(ctx->out, ev->why);
		return;
	}
	switch (ev->kind) {
	case STOP_SWBREAK:
		sb_puts(ctx->out, "breakpoint");
		break;
	case STOP_HWBREAK:
		sb_puts(ctx->out, "hardware breakpoint");
		break;
	case STOP_WATCH:
		sb_printf(ctx->out, "watchpoint at 0x%llx", X(ev->watch_addr));
		break;
	case STOP_EXITED:
		sb_printf(ctx->out, "the guest exited (code %d)",
			  ev->exit_code);
		break;
	default:
		sb_printf(ctx->out, "%s",
			  ev->signo == 2   ? "interrupted (SIGINT)"
			  : ev->signo == 5 ? "SIGTRAP"
					   : "signal");
		if (ev->signo != 2 && ev->signo != 5)
			sb_printf(ctx->out, " %d", ev->signo);
	}
}

/* Wait for the stop resume/interrupt asked for; print where we are. */
static int wait_stopped(struct cmd_ctx *ctx)
{
	struct stop_event ev;
	int fd = target_event_fd(ctx->s->t), waited = 0, ret;
	struct regs r;

	for (;;) {
		ret = target_wait_stop(ctx->s->t, &ev);
		if (ret != -EAGAIN)
			break;
		if (cmd_interrupted(ctx) || waited >= STOP_TIMEOUT_MS)
			return cmd_err(ctx, -ETIMEDOUT,
				       "the guest did not stop; try `stop` again");
		if (fd >= 0)
			poll(&(struct pollfd){.fd = fd, .events = POLLIN}, 1,
			     100);
		else
			poll(NULL, 0, 100);
		waited += 100;
	}
	if (ret)
		return cmd_err(ctx, ret, "waiting for the guest to stop: %s",
			       strerror(-ret));
	session_note_stop(ctx->s);
	if (ev.vcpu >= 0)
		ctx->s->cur_vcpu = ev.vcpu;
	sb_puts(ctx->out, "stopped: ");
	stop_describe(ctx, &ev);
	if (!session_read_regs(ctx->s, ctx->s->cur_vcpu, &r) &&
	    r.valid[REGS_RIP]) {
		sb_printf(ctx->out, "; vCPU %d at 0x%llx", ctx->s->cur_vcpu,
			  X(regs_get(&r, REGS_RIP)));
		cmd_put_sym(ctx, regs_get(&r, REGS_RIP));
	}
	sb_putc(ctx->out, '\n');
	return ev.kind == STOP_EXITED || ev.kind == STOP_KILLED ? -ESRCH : 0;
}

CMD_FN(cont)
{
	int ret;

	if (argc != 1)
		return cmd_usage(ctx, "cont");
	if (ctx->s->t->running) {
		sb_puts(ctx->out, "the guest is already running\n");
		return 0;
	}
	ret = resume_all(ctx, RESUME_CONT);
	if (!ret)
		sb_puts(ctx->out, "running; `stop` stops it\n");
	return ret;
}

CMD_FN(stop)
{
	int ret;

	if (argc != 1)
		return cmd_usage(ctx, "stop");
	if (!ctx->s->t->running) {
		sb_puts(ctx->out, "the guest is already stopped\n");
		return 0;
	}
	ret = target_interrupt(ctx->s->t);
	if (ret)
		return cmd_err(ctx, ret, "cannot stop the guest: %s",
			       strerror(-ret));
	return wait_stopped(ctx);
}

CMD_FN(step)
{
	int ret;

	if (argc != 1)
		return cmd_usage(ctx, "step");
	if (ctx->s->t->running)
		return cmd_err(ctx, -EBUSY,
			       "the guest is running; `stop` first");
	if (session_step_refusal(ctx->s))
		return cmd_err(ctx, -EPERM, "%s", session_step_refusal(ctx->s));
	ret = resume_all(ctx, RESUME_STEP);
	return ret ? ret : wait_stopped(ctx);
}

CMD_FN(set)
{
	if (argc != 3 || strcmp(argv[1], "syntax"))
		return cmd_usage(ctx, "set");
	if (!ctx->env)
		return cmd_err(ctx, -EOPNOTSUPP, "no shell settings here");
	if (!strcmp(argv[2], "intel"))
		ctx->env->syntax = CMD_SYNTAX_INTEL;
	else if (!strcmp(argv[2], "att"))
		ctx->env->syntax = CMD_SYNTAX_ATT;
	else
		return cmd_err(ctx, -EINVAL, "syntax is `intel` or `att`");
	return 0;
}
