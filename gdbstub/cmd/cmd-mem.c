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
			xf->fmt = *f;
			break;
		case 'p':
			xf->phys = true;
			break;
		default:
			return cmd_err(ctx, -EINVAL,
				       "unknown format letter `%c`: sizes b h w g, formats x d u s, p = physical",
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

/* x/s: COUNT NUL-terminated strings. */
static int x_strings(struct cmd_ctx *ctx, uint64_t addr, const struct xfmt *xf)
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
	return 0;
}

CMD_FN(x)
{
	struct xfmt xf = {.size = 4, .fmt = 'x', .count = 1};
	const char *slash = strchr(argv[0], '/');
	uint64_t addr, bytes, off;
	unsigned int per_line;
	uint8_t *buf;
	ssize_t n;
	bool phys;
	int ret;

	if (argc < 2 || argc > 3)
		return cmd_usage(ctx, "x");
	if (slash && (ret = x_parse_fmt(ctx, slash + 1, &xf)))
		return ret;
	ret = cmd_parse_addr(ctx, argv[1], &addr, &phys);
	if (ret)
		return ret;
	xf.phys |= phys;
	if (argc == 3 && (parse_u64(argv[2], 0, &xf.count) || !xf.count))
		return cmd_err(ctx, -EINVAL, "bad COUNT `%s`", argv[2]);
	if (xf.fmt == 's')
		return x_strings(ctx, addr, &xf);
	if (xf.count > X_MAX_BYTES / xf.size)
		return cmd_err(ctx, -E2BIG, "at most %u bytes at a time",
			       X_MAX_BYTES);
	bytes = xf.count * xf.size;
	buf = malloc(bytes);
	if (!buf)
		return cmd_err(ctx, -ENOMEM, "out of memory");
	n = cmd_read(ctx, addr, xf.phys, buf, bytes);
	per_line = xf.size >= 4 ? 16 / xf.size : 8;
	for (off = 0; n > 0 && off + xf.size <= (uint64_t)n; off += xf.size) {
		if (off / xf.size % per_line == 0) {
			if (off)
				sb_putc(ctx->out, '\n');
			x_label(ctx, addr + off);
		}
		x_unit(ctx, buf + off, &xf);
	}
	if (n > 0)
		sb_putc(ctx->out, '\n');
	free(buf);
	if (n >= 0 && (uint64_t)n < bytes)
		return cmd_explain(ctx, addr + (uint64_t)n, xf.phys, -EFAULT);
	return n < 0 ? (int)n : 0;
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

static void dis_one(struct cmd_ctx *ctx, const cs_insn *in)
{
	const struct sym *sym = NULL;
	size_t i;

	if (ctx->env && ctx->env->syms)
		sym = sym_by_addr(ctx->env->syms, in->address);
	if (sym && sym->addr == in->address)
		sb_printf(ctx->out, "%s:\n", sym->name);
	sb_printf(ctx->out, "  0x%016llx", X(in->address));
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

static int dis_run(struct cmd_ctx *ctx, uint64_t addr, const uint8_t *buf,
		   size_t len, uint64_t count)
{
	const uint8_t *code = buf;
	uint64_t pc = addr, done = 0;
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
			dis_one(ctx, in);
		}
		done++;
	}
	if (in)
		cs_free(in, 1);
	cs_close(&h);
	return 0;
}

CMD_FN(dis)
{
	uint64_t addr, count = 10;
	uint8_t *buf;
	size_t want;
	ssize_t n;
	bool phys;
	int ret;

	if (argc < 2 || argc > 3)
		return cmd_usage(ctx, "dis");
	ret = cmd_parse_addr(ctx, argv[1], &addr, &phys);
	if (ret)
		return ret;
	if (argc == 3 &&
	    (parse_u64(argv[2], 0, &count) || !count || count > DIS_MAX_INSNS))
		return cmd_err(ctx, -EINVAL, "bad COUNT `%s` (1..%u)", argv[2],
			       DIS_MAX_INSNS);
	want = (size_t)count * 15; /* longest x86 instruction */
	buf = malloc(want);
	if (!buf)
		return cmd_err(ctx, -ENOMEM, "out of memory");
	n = cmd_read(ctx, addr, phys, buf, want);
	if (n > 0)
		ret = dis_run(ctx, addr, buf, (size_t)n, count);
	else
		ret = (int)n;
	free(buf);
	return ret;
}

/* --- write and find: byte patterns ------------------------------------ */

/* A quoted word is text; otherwise hex: "deadbeef", "0xdead", "de ad". */
static int parse_bytes(struct cmd_ctx *ctx, const char *w, bool quoted,
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
		ret = parse_bytes(ctx, argv[i], ctx->quoted & (1ULL << i),
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

struct find_state {
	struct cmd_ctx *ctx;
	const uint8_t *pat;
	size_t plen;
	uint8_t *buf;
	uint64_t hits, bad_pages, first_bad;
	char first_why[160];
};

static void find_scan(struct find_state *f, uint64_t base, size_t n)
{
	const uint8_t *p = f->buf, *end = f->buf + n;

	while ((size_t)(end - p) >= f->plen) {
		p = memmem(p, (size_t)(end - p), f->pat, f->plen);
		if (!p)
			return;
		if (++f->hits <= FIND_MAX_HITS)
			sb_printf(f->ctx->out, "0x%012llx\n",
				  X(base + (uint64_t)(p - f->buf)));
		p++;
	}
}

/* Search [start, end) of one RAM region; -EINTR on Ctrl-C. */
static int find_region(struct find_state *f, uint64_t pos, uint64_t end)
{
	struct router *r = f->ctx->s->router;

	while (pos < end) {
		size_t want = (size_t)MIN((uint64_t)FIND_CHUNK, end - pos);
		ssize_t n;

		if (cmd_interrupted(f->ctx))
			return -EINTR;
		n = router_read(r, pos, f->buf, want);
		if (n > 0)
			find_scan(f, pos, (size_t)n);
		if (n == (ssize_t)want) {
			if (pos + want >= end || want < f->plen)
				break;
			pos += want - f->plen + 1;
			continue;
		}
		/* A page could not be read: note why, go on after it. */
		pos += n > 0 ? (uint64_t)n : 0;
		if (!f->bad_pages++) {
			f->first_bad = pos;
			router_last_error(r, f->first_why,
					  sizeof(f->first_why));
		}
		pos = ALIGN_DOWN(pos, PAGE_SIZE) + PAGE_SIZE;
	}
	return 0;
}

static int find_all(struct find_state *f, uint64_t start, uint64_t end)
{
	const struct ram_map *m = &f->ctx->s->t->ram;
	size_t i;
	int ret = 0;

	for (i = 0; !ret && i < m->nr; i++) {
		uint64_t a = MAX(start, m->regions[i].gpa);
		uint64_t b = MIN(end, m->regions[i].gpa + m->regions[i].size);

		if (a < b)
			ret = find_region(f, a, b);
	}
	return ret;
}

CMD_FN(find)
{
	struct find_state f = {.ctx = ctx};
	uint64_t start = 0, end = UINT64_MAX;
	struct strbuf pat;
	int ret;

	if (argc < 2 || argc > 3)
		return cmd_usage(ctx, "find");
	if (argc == 3 && parse_range(argv[2], &start, &end))
		return cmd_err(ctx, -EINVAL,
			       "bad range `%s`: write START-END or START+LEN (guest-physical)",
			       argv[2]);
	sb_init(&pat);
	ret = parse_bytes(ctx, argv[1], ctx->quoted & 2, &pat);
	if (!ret && (pat.len == 0 || pat.len > PAGE_SIZE))
		ret = cmd_err(ctx, -EINVAL, "the pattern must be 1..%llu bytes",
			      X(PAGE_SIZE));
	f.buf = malloc(FIND_CHUNK);
	if (!ret && !f.buf)
		ret = cmd_err(ctx, -ENOMEM, "out of memory");
	if (ret)
		goto out;
	f.pat = (const uint8_t *)pat.buf;
	f.plen = pat.len;
	ret = find_all(&f, start, end);
	if (f.hits > FIND_MAX_HITS)
		sb_printf(ctx->out, "... %llu more matches not shown\n",
			  X(f.hits - FIND_MAX_HITS));
	sb_printf(ctx->out, "%llu match%s", X(f.hits), f.hits == 1 ? "" : "es");
	if (f.bad_pages)
		sb_printf(ctx->out,
			  "; %llu pages unreadable (first 0x%llx: %s)",
			  X(f.bad_pages), X(f.first_bad), f.first_why);
	sb_putc(ctx->out, '\n');
	if (ret == -EINTR)
		ret = cmd_err(ctx, ret, "interrupted (Ctrl-C)");
out:
	free(f.buf);
	sb_release(&pat);
	return ret;
}
