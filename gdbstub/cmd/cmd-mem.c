// SPDX-License-Identifier: GPL-2.0-only
/*
 * Shell-only commands that look at memory: x (examine), dis (capstone),
 * write, find (interruptible search of guest-physical RAM).
 */
#include <capstone/capstone.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdbstub/cmd/cmd-int.h"
#include "sevdbg/ram.h"
#include "gdbstub/mem/router.h"
#include "gdbstub/mem/session.h"
#include "gdbstub/cmd/sym.h"

#define X(v)	      ((unsigned long long)(v))
#define X_MAX_BYTES   (1u << 20)
#define DIS_MAX_INSNS 4096
#define FIND_CHUNK    (256u << 10)
#define FIND_MAX_HITS 100

/* --- x --------------------------------------------------------------- */

struct xfmt {
	unsigned int size; /* 1, 2, 4, 8 */
	char fmt;	   /* x d u s */
	uint64_t count;
	bool phys;
};

static int x_parse_fmt(struct cmd_ctx *ctx, const char *f, struct xfmt *xf)
{
	char *end;

	if (*f >= '0' && *f <= '9') {
		xf->count = strtoull(f, &end, 10);
		f = end;
	}
	for (; *f; f++) {
		switch (*f) {
		case 'b':
			xf->size = 1;
			break;
		case 'h':
			xf->size = 2;
			break;
		case 'w':
			xf->size = 4;
			break;
		case 'g':
			xf->size = 8;
			break;
		case 'x':
		case 'd':
		case 'u':
		case 's':
		case 'i':
			xf->fmt = *f;
			break;
		case 'p':
			xf->phys = true;
			break;
		default:
			return cmd_err(ctx, -EINVAL,
				       "unknown format letter `%c`: sizes b h w g, formats x d u s i, p = physical",
				       *f);
		}
	}
	return 0;
}

static void x_unit(struct cmd_ctx *ctx, const uint8_t *p, const struct xfmt *xf)
{
	uint64_t v = 0;
	int64_t sv;
	unsigned int i;

	for (i = 0; i < xf->size; i++)
		v |= (uint64_t)p[i] << (8 * i);
	if (xf->fmt == 'x') {
		sb_printf(ctx->out, " 0x%0*llx", (int)xf->size * 2, X(v));
		return;
	}
	if (xf->fmt == 'u') {
		sb_printf(ctx->out, " %llu", X(v));
		return;
	}
	sv = xf->size == 8 ? (int64_t)v
			   : (int64_t)(v << (64 - 8 * xf->size)) >>
				     (64 - 8 * xf->size);
	sb_printf(ctx->out, " %lld", (long long)sv);
}

static void x_label(struct cmd_ctx *ctx, uint64_t addr)
{
	sb_printf(ctx->out, "0x%016llx", X(addr));
	cmd_put_sym(ctx, addr);
	sb_putc(ctx->out, ':');
}

/* x/s: COUNT NUL-terminated strings; *next: the byte after the last. */
static int x_strings(struct cmd_ctx *ctx, uint64_t addr, const struct xfmt *xf,
		     uint64_t *next)
{
	uint8_t buf[256];
	uint64_t i;

	for (i = 0; i < xf->count; i++) {
		ssize_t n = cmd_read(ctx, addr, xf->phys, buf, sizeof(buf));
		size_t len, j;

		if (n < 0)
			return (int)n;
		len = strnlen((char *)buf, (size_t)n);
		x_label(ctx, addr);
		sb_puts(ctx->out, " \"");
		for (j = 0; j < len; j++) {
			if (buf[j] == '"' || buf[j] == '\\')
				sb_printf(ctx->out, "\\%c", buf[j]);
			else if (buf[j] >= 0x20 && buf[j] < 0x7f)
				sb_putc(ctx->out, (char)buf[j]);
			else
				sb_printf(ctx->out, "\\x%02x", buf[j]);
		}
		sb_puts(ctx->out, len == (size_t)n ? "\"...\n" : "\"\n");
		addr += len + (len < (size_t)n);
	}
	*next = addr;
	return 0;
}

/* COUNT units of xf->size bytes from addr; *next: after the last shown. */
static int x_units(struct cmd_ctx *ctx, uint64_t addr, const struct xfmt *xf,
		   uint64_t *next)
{
	uint64_t bytes = xf->count * xf->size, off;
	unsigned int per_line = xf->size >= 4 ? 16 / xf->size : 8;
	uint8_t *buf;
	ssize_t n;

	if (xf->count > X_MAX_BYTES / xf->size)
		return cmd_err(ctx, -E2BIG, "at most %u bytes at a time",
			       X_MAX_BYTES);
	buf = malloc(bytes);
	if (!buf)
		return cmd_err(ctx, -ENOMEM, "out of memory");
	n = cmd_read(ctx, addr, xf->phys, buf, bytes);
	for (off = 0; n > 0 && off + xf->size <= (uint64_t)n; off += xf->size) {
		if (off / xf->size % per_line == 0) {
			if (off)
				sb_putc(ctx->out, '\n');
			x_label(ctx, addr + off);
		}
		x_unit(ctx, buf + off, xf);
	}
	if (n > 0)
		sb_putc(ctx->out, '\n');
	free(buf);
	*next = addr + (n > 0 ? (uint64_t)n - (uint64_t)n % xf->size : 0);
	if (n >= 0 && (uint64_t)n < bytes)
		return cmd_explain(ctx, addr + (uint64_t)n, xf->phys, -EFAULT);
	return n < 0 ? (int)n : 0;
}

static int x_insns(struct cmd_ctx *ctx, uint64_t addr, const struct xfmt *xf,
		   uint64_t *next);

/*
 * The format: /FMT letters over the last x's (gdb keeps size and format;
 * the count is 1 unless given, except for a bare `x` that goes on).
 */
static int x_format(struct cmd_ctx *ctx, const char *slash, bool go_on,
		    struct xfmt *xf)
{
	const struct cmd_env *env = ctx->env;

	*xf = (struct xfmt){.size = 4, .fmt = 'x', .count = 1};
	if (env && env->x.valid) {
		xf->size = env->x.size;
		xf->fmt = env->x.fmt;
		if (go_on && !slash)
			xf->count = env->x.count;
	}
	return slash ? x_parse_fmt(ctx, slash + 1, xf) : 0;
}

CMD_FN(x)
{
	const char *slash = strchr(argv[0], '/');
	struct cmd_env *env = ctx->env;
	uint64_t addr, next = 0;
	struct xfmt xf;
	bool phys = false;
	int ret;

	if (argc > 3)
		return cmd_usage(ctx, "x");
	ret = x_format(ctx, slash, argc == 1, &xf);
	if (ret)
		return ret;
	if (argc == 1 && !(env && env->x.valid))
		return cmd_err(ctx, -EINVAL,
			       "x needs an ADDR the first time (x/4xg $rsp); after that, `x` goes on");
	if (argc == 1) {
		addr = env->x.next;
		phys = env->x.phys;
	} else if ((ret = cmd_parse_addr(ctx, argv[1], &addr, &phys))) {
		return ret;
	}
	xf.phys |= phys;
	if (argc == 3 &&
	    (ret = cmd_parse_count(ctx, argv[2], X_MAX_BYTES / xf.size,
				   &xf.count)))
		return ret;
	if (!xf.count)
		return cmd_err(ctx, -EINVAL,
			       "the count in /NFU must be 1 or more");
	if (xf.fmt == 's')
		ret = x_strings(ctx, addr, &xf, &next);
	else if (xf.fmt == 'i')
		ret = x_insns(ctx, addr, &xf, &next);
	else
		ret = x_units(ctx, addr, &xf, &next);
	if (!ret && env) {
		env->x.valid = true;
		env->x.phys = xf.phys;
		env->x.next = next;
		env->x.count = xf.count;
		env->x.size = xf.size;
		env->x.fmt = xf.fmt;
	}
	return ret;
}

/* --- dis ------------------------------------------------------------- */

static void dis_target_sym(struct cmd_ctx *ctx, const cs_insn *in)
{
	uint64_t target;

	if (in->mnemonic[0] != 'j' && strncmp(in->mnemonic, "call", 4))
		return;
	if (parse_u64(in->op_str, 16, &target) &&
	    parse_u64(in->op_str, 0, &target))
		return;
	cmd_put_sym(ctx, target);
}

/* "file:line" above the first instruction of each source line. */
static void dis_source(struct cmd_ctx *ctx, uint64_t addr, char *last,
		       size_t len)
{
	char where[256];

	if (!sym_line_str(cmd_syms(ctx), addr, where, sizeof(where)) ||
	    !strcmp(where, last))
		return;
	sb_printf(ctx->out, "%s\n", where);
	snprintf(last, len, "%s", where);
}

static void dis_one(struct cmd_ctx *ctx, const cs_insn *in, bool phys,
		    char *last_src, size_t src_len)
{
	const struct sym *sym =
		phys ? NULL : sym_by_addr(cmd_syms(ctx), in->address);
	size_t i;

	if (sym && sym->addr == in->address)
		sb_printf(ctx->out, "%s:\n", sym->name);
	if (!phys)
		dis_source(ctx, in->address, last_src, src_len);
	sb_printf(ctx->out, "  0x%016llx", X(in->address));
	if (!phys)
		cmd_put_sym(ctx, in->address);
	sb_puts(ctx->out, ":  ");
	for (i = 0; i < 10; i++) {
		if (i < in->size)
			sb_printf(ctx->out, "%02x ", in->bytes[i]);
		else
			sb_puts(ctx->out, "   ");
	}
	sb_printf(ctx->out, "%-7s %s", in->mnemonic, in->op_str);
	dis_target_sym(ctx, in);
	sb_putc(ctx->out, '\n');
}

/* Disassemble up to count instructions of buf (at addr); *next: after
 * the last one shown. */
static int dis_run(struct cmd_ctx *ctx, uint64_t addr, bool phys,
		   const uint8_t *buf, size_t len, uint64_t count,
		   uint64_t *next)
{
	const uint8_t *code = buf;
	uint64_t pc = addr, done = 0;
	char last_src[256] = "";
	cs_insn *in;
	csh h;

	if (cs_open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK)
		return cmd_err(ctx, -ENOMEM, "capstone could not start");
	if (ctx->env && ctx->env->syntax == CMD_SYNTAX_INTEL)
		cs_option(h, CS_OPT_SYNTAX, CS_OPT_SYNTAX_INTEL);
	else
		cs_option(h, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
	in = cs_malloc(h);
	while (in && done < count && len > 0) {
		if (!cs_disasm_iter(h, &code, &len, &pc, in)) {
			sb_printf(ctx->out,
				  "  0x%016llx:  %02x                            (bad)\n",
				  X(pc), *code);
			code++;
			len--;
			pc++;
		} else {
			dis_one(ctx, in, phys, last_src, sizeof(last_src));
		}
		done++;
	}
	if (in)
		cs_free(in, 1);
	cs_close(&h);
	*next = pc;
	return 0;
}

/* x/i: gdb's way to disassemble, COUNT instructions. */
static int x_insns(struct cmd_ctx *ctx, uint64_t addr, const struct xfmt *xf,
		   uint64_t *next)
{
	size_t want;
	uint8_t *buf;
	ssize_t n;
	int ret;

	if (xf->count > DIS_MAX_INSNS)
		return cmd_err(ctx, -E2BIG, "x/i: at most %u instructions",
			       DIS_MAX_INSNS);
	want = (size_t)xf->count * 15; /* longest x86 instruction */
	buf = malloc(want);
	if (!buf)
		return cmd_err(ctx, -ENOMEM, "out of memory");
	n = cmd_read(ctx, addr, xf->phys, buf, want);
	ret = n > 0 ? dis_run(ctx, addr, xf->phys, buf, (size_t)n, xf->count,
			      next)
		    : (int)n;
	free(buf);
	return ret;
}

static int dis_rip(struct cmd_ctx *ctx, uint64_t *rip)
{
	char why[192] = "";
	int ret;

	ret = cmd_reg(ctx, "rip", rip, why, sizeof(why));
	if (ret)
		return cmd_err(ctx, ret, "dis without ADDR starts at $rip: %s",
			       why);
	return 0;
}

/* Where `dis` with no address starts: after the last dis while the vCPU
 * stayed put, else at $rip. */
static int dis_where(struct cmd_ctx *ctx, uint64_t *addr, bool *phys,
		     uint64_t *count, bool count_given)
{
	const struct cmd_env *env = ctx->env;
	uint64_t rip;
	int ret = dis_rip(ctx, &rip);

	if (ret)
		return ret;
	if (env && env->dis.valid && env->dis.vcpu == ctx->s->cur_vcpu &&
	    env->dis.rip == rip) {
		*addr = env->dis.next;
		*phys = env->dis.phys;
		if (!count_given)
			*count = env->dis.count;
		return 0;
	}
	*addr = rip;
	*phys = false;
	return 0;
}

static int dis_args(struct cmd_ctx *ctx, int argc, char **argv, uint64_t *addr,
		    bool *phys, uint64_t *count)
{
	const char *slash = strchr(argv[0], '/');
	bool count_given = slash != NULL;
	int ret;

	if (argc > 3 || (slash && argc == 3))
		return cmd_usage(ctx, "dis");
	if (slash &&
	    (ret = cmd_parse_count(ctx, slash + 1, DIS_MAX_INSNS, count)))
		return ret;
	if (argc == 1)
		return dis_where(ctx, addr, phys, count, count_given);
	ret = cmd_parse_addr(ctx, argv[1], addr, phys);
	if (!ret && argc == 3)
		ret = cmd_parse_count(ctx, argv[2], DIS_MAX_INSNS, count);
	return ret;
}

static void dis_remember(struct cmd_ctx *ctx, uint64_t next, bool phys,
			 uint64_t count)
{
	struct cmd_env *env = ctx->env;
	char why[192];

	if (!env)
		return;
	env->dis.valid = !cmd_reg(ctx, "rip", &env->dis.rip, why, sizeof(why));
	env->dis.vcpu = ctx->s->cur_vcpu;
	env->dis.next = next;
	env->dis.phys = phys;
	env->dis.count = count;
}

CMD_FN(dis)
{
	uint64_t addr, count = 10, next = 0;
	uint8_t *buf;
	size_t want;
	ssize_t n;
	bool phys = false;
	int ret;

	ret = dis_args(ctx, argc, argv, &addr, &phys, &count);
	if (ret)
		return ret;
	want = (size_t)count * 15; /* longest x86 instruction */
	buf = malloc(want);
	if (!buf)
		return cmd_err(ctx, -ENOMEM, "out of memory");
	n = cmd_read(ctx, addr, phys, buf, want);
	if (n > 0)
		ret = dis_run(ctx, addr, phys, buf, (size_t)n, count, &next);
	else
		ret = (int)n;
	free(buf);
	if (!ret)
		dis_remember(ctx, next, phys, count);
	return ret;
}

/* --- write and find: byte patterns ------------------------------------ */

/* A quoted word is text; otherwise hex: "deadbeef", "0xdead", "de ad". */
int cmd_parse_bytes(struct cmd_ctx *ctx, const char *w, bool quoted,
		    struct strbuf *out)
{
	size_t len;
	uint8_t *tmp;

	if (quoted) {
		sb_puts(out, w);
		return 0;
	}
	if (!strncmp(w, "0x", 2) || !strncmp(w, "0X", 2))
		w += 2;
	len = strlen(w);
	tmp = malloc(len / 2 + 1);
	if (!tmp)
		return cmd_err(ctx, -ENOMEM, "out of memory");
	if (len == 0 || hex_decode(w, len, tmp)) {
		free(tmp);
		return cmd_err(ctx, -EINVAL,
			       "`%s` is not hex bytes; put text in quotes (\"text\")",
			       w);
	}
	sb_add(out, tmp, len / 2);
	free(tmp);
	return out->oom ? cmd_err(ctx, -ENOMEM, "out of memory") : 0;
}

CMD_FN(write)
{
	struct strbuf bytes;
	uint64_t addr;
	ssize_t n;
	bool phys;
	int i, ret;

	if (argc < 3)
		return cmd_usage(ctx, "write");
	ret = cmd_parse_addr(ctx, argv[1], &addr, &phys);
	if (ret)
		return ret;
	sb_init(&bytes);
	for (i = 2; !ret && i < argc; i++)
		ret = cmd_parse_bytes(ctx, argv[i], ctx->quoted & (1ULL << i),
				      &bytes);
	if (ret)
		goto out;
	n = cmd_write_mem(ctx, addr, phys, bytes.buf, bytes.len);
	if (n < 0) {
		ret = (int)n;
	} else if ((size_t)n < bytes.len) {
		sb_printf(ctx->out, "wrote %zd of %zu bytes\n", n, bytes.len);
		ret = cmd_explain(ctx, addr + (uint64_t)n, phys, -EFAULT);
	} else {
		sb_printf(ctx->out, "wrote %zu bytes at 0x%llx\n", bytes.len,
			  X(addr));
	}
out:
	sb_release(&bytes);
	return ret;
}
