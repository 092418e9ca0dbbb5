// SPDX-License-Identifier: GPL-2.0-only
/*
 * The shell's `bt` and `bt all`: frames of stopped vCPUs as gdb prints
 * them (inlined calls included), or as JSON.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdbstub/cmd/cmd-int.h"
#include "gdbstub/cmd/sym.h"
#include "gdbstub/cmd/unwind.h"
#include "gdbstub/mem/session.h"
#include "sevdbg/target.h"

#define X(v) ((unsigned long long)(v))

struct bt_out {
	struct cmd_ctx *ctx;
	struct symtab *st;
	const struct unwind_frame *frame;
	int level;	/* gdb's frame number, inlined frames included */
	bool first;	/* the first (innermost) function of this frame */
	bool show_pc;	/* frame 0 mid-line: "0x... in" like gdb */
	json_t *frames; /* --json */
};

static json_t *bt_json_frame(const struct bt_out *b,
			     const struct unwind_func *f)
{
	json_t *o = json_pack("{s:i, s:I, s:s, s:b}", "level", b->level, "pc",
			      (json_int_t)b->frame->pc, "function", f->name,
			      "inlined", f->inlined);

	if (o && f->file) {
		json_object_set_new(o, "file", json_string(f->file));
		json_object_set_new(o, "line", json_integer(f->line));
	}
	if (o && b->first)
		json_object_set_new(o, "sp",
				    json_integer((json_int_t)b->frame->sp));
	return o;
}

/*
 * gdb's layout: "#1  0x... in name () at file:line". Only the innermost
 * function of a machine frame has an address; the functions it was inlined
 * into show their call site instead.
 */
static int bt_func(void *arg, const struct unwind_func *f)
{
	struct bt_out *b = arg;
	struct strbuf *o = b->ctx->out;

	if (b->frames) {
		json_array_append_new(b->frames, bt_json_frame(b, f));
	} else {
		sb_printf(o, "#%-2d ", b->level);
		if (b->first && b->show_pc)
			sb_printf(o, "0x%016llx in ", X(b->frame->pc));
		sb_printf(o, "%s ()", f->name);
		if (f->file)
			sb_printf(o, " at %s:%d", f->file, f->line);
		sb_putc(o, '\n');
	}
	b->level++;
	b->first = false;
	return 0;
}

/* gdb leaves out frame 0's pc when it sits at the start of a statement. */
static bool bt_show_pc(struct symtab *st, const struct unwind_frame *fr, int nr)
{
	struct sym_line sl;

	if (nr > 0 || !fr->activation)
		return true;
	return sym_line(st, fr->pc, &sl) || sl.addr != fr->pc || !sl.is_stmt;
}

static int bt_one(struct cmd_ctx *ctx, int vcpu, json_t *vcpus)
{
	struct bt_out b = {.ctx = ctx, .st = cmd_syms(ctx)};
	struct unwind_result res;
	char err[256];
	json_t *o = NULL;
	int i, ret;

	ret = unwind_vcpu(b.st, ctx->s, vcpu, &res, err, sizeof(err));
	if (ret)
		return cmd_err(ctx, ret, "bt of vCPU %d: %s", vcpu, err);
	if (vcpus) {
		b.frames = json_array();
		o = json_pack("{s:i, s:o}", "vcpu", vcpu, "frames", b.frames);
		if (!o) {
			free(res.frames);
			return cmd_err(ctx, -ENOMEM, "out of memory");
		}
	}
	for (i = 0; i < res.nr; i++) {
		b.frame = &res.frames[i];
		b.first = true;
		b.show_pc = bt_show_pc(b.st, b.frame, i);
		unwind_inlines(b.st, b.frame->pc, b.frame->activation, bt_func,
			       &b);
	}
	if (o)
		json_object_set_new(o, "stopped",
				    res.stop[0] ? json_string(res.stop)
						: json_null());
	else if (res.stop[0])
		sb_printf(ctx->out, "bt stopped: %s\n", res.stop);
	if (o)
		json_array_append_new(vcpus, o);
	free(res.frames);
	return 0;
}

static int bt_check(struct cmd_ctx *ctx)
{
	struct regs r;

	if (!cmd_syms(ctx))
		return cmd_err(ctx, -ENOENT,
			       "bt needs the guest kernel's debug info: start the shell with --symbols ELF (Debian: the vmlinux of linux-image-*-dbg)");
	if (ctx->s->t->running)
		return cmd_err(ctx, -EBUSY,
			       "the guest is running; `stop` it first");
	if (!session_read_regs(ctx->s, ctx->s->cur_vcpu, &r) &&
	    !r.valid[REGS_RIP])
		return cmd_err(ctx, -EACCES, "registers unavailable: %s",
			       session_regs_why(ctx->s));
	return 0;
}

CMD_FN(bt)
{
	bool all = argc == 2 && !strcmp(argv[1], "all");
	int nr = target_nr_vcpus(ctx->s->t), v, ret;
	json_t *vcpus = NULL;

	if (argc > 2 || (argc == 2 && !all))
		return cmd_usage(ctx, "bt");
	if (nr < 0)
		return cmd_err(ctx, nr, "cannot count the vCPUs: %s",
			       strerror(-nr));
	ret = bt_check(ctx);
	if (ret)
		return ret;
	if (ctx->json && !(vcpus = json_array()))
		return cmd_err(ctx, -ENOMEM, "out of memory");
	if (!all) {
		ret = bt_one(ctx, ctx->s->cur_vcpu, vcpus);
	} else {
		for (v = 0, ret = 0; v < nr && !ret; v++) {
			if (!vcpus)
				sb_printf(ctx->out, "%svCPU %d:\n",
					  v ? "\n" : "", v);
			ret = bt_one(ctx, v, vcpus);
		}
	}
	if (ret || !vcpus) {
		json_decref(vcpus);
		return ret;
	}
	if (all)
		return cmd_json(ctx, json_pack("{s:o}", "vcpus", vcpus));
	ret = cmd_json(ctx, json_incref(json_array_get(vcpus, 0)));
	json_decref(vcpus);
	return ret;
}
