// SPDX-License-Identifier: GPL-2.0-only
/*
 * Addresses, counts and ranges of the commands as expressions (expr.c)
 * over the session: symbols, the selected vCPU's registers, guest memory.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gdbstub/cmd/cmd-int.h"
#include "gdbstub/cmd/expr.h"
#include "gdbstub/cmd/sym.h"
#include "gdbstub/mem/router.h"
#include "gdbstub/mem/session.h"
#include "gdbstub/mem/walk.h"
#include "sevdbg/regs.h"
#include "sevdbg/target.h"

static int cx_symbol(void *arg, const char *name, uint64_t *val, char *why,
		     size_t whylen)
{
	struct cmd_ctx *ctx = arg;
	const struct sym *sym = sym_by_name(cmd_syms(ctx), name);

	if (sym) {
		*val = sym->addr;
		return 0;
	}
	if (cmd_syms(ctx))
		snprintf(why, whylen, "no symbol `%s` in the --symbols file",
			 name);
	else
		snprintf(why, whylen,
			 "`%s` is not a number, and symbol names need the kernel's symbols: `sevdbg %s --symbols ELF`",
			 name, ctx->monitor ? "serve" : "shell");
	return -ENOENT;
}

static int cx_reg(void *arg, const char *name, uint64_t *val, char *why,
		  size_t whylen)
{
	struct cmd_ctx *ctx = arg;
	int vcpu = ctx->s->cur_vcpu, ret;
	unsigned int i;
	struct regs r;

	for (i = 0; i < REGS_ST0; i++)
		if (!strcmp(regs_desc[i].name, name))
			break;
	if (i == REGS_ST0)
		return -ENOENT;
	ret = session_read_regs(ctx->s, vcpu, &r);
	if (ret == -EBUSY) {
		snprintf(why, whylen,
			 "the guest is running; `stop` it to read vCPU %d's registers",
			 vcpu);
		return ret;
	}
	if (ret || !r.valid[i]) {
		snprintf(why, whylen, "vCPU %d's %s is unavailable: %s", vcpu,
			 name, ret ? strerror(-ret) : session_regs_why(ctx->s));
		return ret ? ret : -ENODATA;
	}
	*val = regs_get(&r, i);
	return 0;
}

int cmd_reg(struct cmd_ctx *ctx, const char *name, uint64_t *val, char *why,
	    size_t whylen)
{
	int ret = cx_reg(ctx, name, val, why, whylen);

	if (ret == -ENOENT && !why[0])
		snprintf(why, whylen, "no register `%s`", name);
	return ret;
}

/* *ADDR: 8 bytes of virtual memory, as in gdb; p: applies to the value
 * of the whole expression (p:*dma_buf_pa: the address the pointer holds). */
static int cx_deref(void *arg, uint64_t addr, uint64_t *val, char *why,
		    size_t whylen)
{
	struct cmd_ctx *ctx = arg;
	struct strbuf reason;
	ssize_t n;

	sb_init(&reason);
	n = cmd_read_quiet(ctx, addr, false, val, sizeof(*val), &reason);
	if (n != (ssize_t)sizeof(*val))
		snprintf(why, whylen, "%s",
			 reason.len ? reason.buf : "not mapped");
	sb_release(&reason);
	return n == (ssize_t)sizeof(*val) ? 0 : n < 0 ? (int)n : -EFAULT;
}

static const struct expr_env *cx_env(struct cmd_ctx *ctx, struct expr_env *env)
{
	env->arg = ctx;
	env->symbol = cx_symbol;
	env->reg = cx_reg;
	env->deref = cx_deref;
	return env;
}

/*
 * Where the text s (a word of the line, or inside one) starts in the line
 * as typed; -1 when it cannot be told (quotes were removed from its word).
 */
static long cx_line_pos(const struct cmd_ctx *ctx, const char *s)
{
	int i;

	for (i = 0; ctx->line && i < ctx->argc; i++) {
		size_t n = strlen(ctx->argv[i]);

		if (s < ctx->argv[i] || s > ctx->argv[i] + n)
			continue;
		if ((ctx->quoted & (1ULL << i)) || ctx->argpos[i] < 0)
			return -1;
		return ctx->argpos[i] + (long)(s - ctx->argv[i]);
	}
	return -1;
}

/* "error: why" and the line with the bad token underlined. */
static int cx_error(struct cmd_ctx *ctx, const char *text, int ret,
		    const struct expr_error *e)
{
	long at = cx_line_pos(ctx, text);
	const char *shown = at >= 0 ? ctx->line : text;
	size_t i, pos = (at >= 0 ? (size_t)at : 0) + e->pos;

	cmd_err(ctx, ret, "%s", e->msg);
	sb_printf(ctx->out, "  %s\n  ", shown);
	for (i = 0; i < pos && shown[i]; i++)
		sb_putc(ctx->out, shown[i] == '\t' ? '\t' : ' ');
	sb_putc(ctx->out, '^');
	for (i = 1; i < e->len; i++)
		sb_putc(ctx->out, '~');
	sb_putc(ctx->out, '\n');
	return ret;
}

/* p:EXPR or pEXPR (a digit after the p) marks a physical address. */
static const char *cx_strip_phys(const char *s, bool *phys)
{
	*phys = false;
	if (!strncmp(s, "p:", 2)) {
		*phys = true;
		return s + 2;
	}
	if (s[0] == 'p' && s[1] >= '0' && s[1] <= '9') {
		*phys = true;
		return s + 1;
	}
	return s;
}

int cmd_parse_addr(struct cmd_ctx *ctx, const char *s, uint64_t *addr,
		   bool *phys)
{
	struct expr_env env;
	struct expr_error e;
	const char *body = cx_strip_phys(s, phys);
	int ret;

	ret = expr_eval(body, cx_env(ctx, &env), addr, &e);
	return ret ? cx_error(ctx, body, ret, &e) : 0;
}

int cmd_parse_count(struct cmd_ctx *ctx, const char *s, uint64_t max,
		    uint64_t *count)
{
	struct expr_env env;
	struct expr_error e;
	int ret = expr_eval(s, cx_env(ctx, &env), count, &e);

	if (ret)
		return cx_error(ctx, s, ret, &e);
	if (*count == 0 || *count > max) {
		e.pos = 0;
		e.len = strlen(s);
		snprintf(e.msg, sizeof(e.msg),
			 "COUNT is %llu; it must be 1..%llu",
			 (unsigned long long)*count, (unsigned long long)max);
		return cx_error(ctx, s, -EINVAL, &e);
	}
	return 0;
}

int cmd_parse_range(struct cmd_ctx *ctx, const char *s, uint64_t *start,
		    uint64_t *end)
{
	struct expr_env env;
	struct expr_error e;
	int ret = expr_eval_range(s, cx_env(ctx, &env), start, end, &e);

	return ret ? cx_error(ctx, s, ret, &e) : 0;
}
