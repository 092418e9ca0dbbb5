// SPDX-License-Identifier: GPL-2.0-only
/*
 * The one command table behind `sevdbg shell` and gdb's `monitor sev ...`:
 * line splitting, dispatch, help, address expressions, shared helpers.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdbstub/cmd/cmd-int.h"
#include "gdbstub/mem/router.h"
#include "gdbstub/mem/session.h"
#include "gdbstub/cmd/sym.h"
#include "gdbstub/mem/walk.h"

#define CMD_MAX_ARGS 64

static const struct cmd commands[] = {
	{"status", "[--json] ADDR",
	 "page of ADDR: encrypted or shared, mapping C-bit, how it is read",
	 CMD_JSON, cmd_do_status,
	 "ADDR is virtual (the selected vCPU's page tables) unless written\n"
	 "p:ADDR or with status/p. Says whether the bitmap marks the page\n"
	 "encrypted, whether the mapping's C-bit agrees, and whether a read\n"
	 "goes through DBG_DECRYPT or directly.\n"
	 "  status 0xffffffff81000000    status p:0x1000    status --json jiffies"},
	{"bitmap", "[--json] [START-END]",
	 "page-encryption bitmap: counts, runs (and a page map in the shell)",
	 CMD_JSON, cmd_do_bitmap,
	 "Guest-physical range START-END or START+LEN (default: all RAM).\n"
	 "The shell adds one character per page: E encrypted, . shared,\n"
	 "_ not RAM.\n"
	 "  bitmap 0x100000+2M    bitmap --json"},
	{"translate", "[--json] VA",
	 "walk the page tables of the selected vCPU for VA, level by level",
	 CMD_JSON, cmd_do_translate,
	 "Each level: table address, index, entry, C-bit; then the physical\n"
	 "address and page size, or the level where the walk stopped.\n"
	 "  translate 0xffff888000001000"},
	{"stats", "[--json] [reset]",
	 "platform calls and bytes per path, cache hits, platform and target",
	 CMD_JSON, cmd_do_stats,
	 "Counts what the bridge asked of the platform: DBG_DECRYPT and\n"
	 "DBG_ENCRYPT commands, direct reads and writes, cache hits, bitmap\n"
	 "refreshes. `stats reset` zeroes them (for measuring one command)."},
	{"verify", "[VA-START-VA-END]",
	 "compare each mapping's C-bit with the bitmap; list mismatches", 0,
	 cmd_do_verify,
	 "Walks every present mapping (default: the whole address space) and\n"
	 "reports runs of pages whose C-bit disagrees with the bitmap. Fails\n"
	 "when there is any. Ctrl-C stops it.\n"
	 "  verify 0xffff888000000000+4G"},
	{"help", "[CMD]", "list the commands, or describe one", 0, cmd_do_help,
	 NULL},
	{"regs", "[VCPU]", "registers of the selected (or given) vCPU",
	 CMD_SHELL, cmd_do_regs,
	 "General, segment and control registers. SEV-ES guests keep them\n"
	 "encrypted in the VMSA: then they are unavailable."},
	{"x", "[/NFU] ADDR [COUNT]",
	 "examine memory: U size b/h/w/g, F x/d/u/s, /p or p:ADDR physical",
	 CMD_SHELL, cmd_do_x,
	 "Like gdb's x: N units (or COUNT) of size b, h, w (default) or g,\n"
	 "shown as x hex, d signed, u unsigned; x/s prints strings.\n"
	 "  x/4xg 0xffffffff81000000    x/s linux_banner    x/16xb p:0x1000"},
	{"dis", "ADDR [COUNT]", "disassemble COUNT x86-64 instructions",
	 CMD_SHELL, cmd_do_dis,
	 "COUNT defaults to 10. `set syntax intel` or `att` (default). With\n"
	 "--symbols, call and jump targets are named.\n"
	 "  dis start_kernel 20"},
	{"write", "ADDR BYTES...",
	 "write hex bytes (\"de ad\" or 0xdead) or a \"string\" at ADDR",
	 CMD_SHELL | CMD_WRITES, cmd_do_write,
	 "Words in quotes are text (\\n, \\t, \\xNN escapes); others are hex\n"
	 "bytes in memory order. Encrypted pages go through DBG_ENCRYPT.\n"
	 "  write p:0x1000 \"hello\\n\"    write 0xffff888000001000 de ad be ef"},
	{"find", "PATTERN [START-END]",
	 "search guest-physical RAM for a string or 0xHEX bytes (Ctrl-C stops)",
	 CMD_SHELL, cmd_do_find,
	 "Text in quotes, or 0x-prefixed hex bytes in memory order. Pages\n"
	 "that cannot be decrypted are skipped and counted. Shows the first\n"
	 "100 matches.\n"
	 "  find \"Linux version\"    find 0x7f454c46 0x0-0x1000000"},
	{"dump", "[OPTIONS] PATH",
	 "dump the guest: --format elf|kdump|raw, --paging, --range R [--virt]",
	 CMD_JSON, cmd_do_dump,
	 "Writes through a temporary file (nothing is left at PATH on\n"
	 "failure). Encrypted pages are written decrypted; pages that cannot\n"
	 "be decrypted are recorded as missing, never as ciphertext.\n"
	 "  dump /tmp/vmcore    dump --format kdump /tmp/vmcore.kd\n"
	 "  dump --format raw --range 0x1000+4K --virt /tmp/page.bin"},
	{"vcpu", "[N]", "select vCPU N (0-based) for regs, x, dis, translate",
	 CMD_SHELL, cmd_do_vcpu, "Without N, lists the vCPUs."},
	{"cont", "", "resume every vCPU", CMD_SHELL | CMD_LIVE, cmd_do_cont,
	 "Returns at once; `stop` stops the guest again."},
	{"stop", "", "stop every vCPU and show where they are",
	 CMD_SHELL | CMD_LIVE, cmd_do_stop, NULL},
	{"step", "", "single-step the selected vCPU", CMD_SHELL | CMD_LIVE,
	 cmd_do_step, NULL},
	{"set", "syntax intel|att", "choose the disassembly syntax", CMD_SHELL,
	 cmd_do_set, NULL},
	{NULL, NULL, NULL, 0, NULL, NULL},
};

const struct cmd *cmd_table(void)
{
	return commands;
}

const struct cmd *cmd_find(const char *name)
{
	const struct cmd *c;

	for (c = commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

int cmd_err(struct cmd_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	sb_puts(ctx->out, "error: ");
	va_start(ap, fmt);
	sb_vprintf(ctx->out, fmt, ap);
	va_end(ap);
	sb_putc(ctx->out, '\n');
	return err;
}

int cmd_usage(struct cmd_ctx *ctx, const char *name)
{
	const struct cmd *c = cmd_find(name);

	return cmd_err(ctx, -EINVAL, "usage: %s%s %s",
		       ctx->monitor ? "sev " : "", name, c ? c->args : "");
}

bool cmd_interrupted(const struct cmd_ctx *ctx)
{
	return ctx->s && ctx->s->interrupted && *ctx->s->interrupted;
}

int cmd_json(struct cmd_ctx *ctx, json_t *v)
{
	char *text;

	if (!v)
		return cmd_err(ctx, -ENOMEM, "out of memory building JSON");
	text = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(v);
	if (!text)
		return cmd_err(ctx, -ENOMEM, "out of memory printing JSON");
	sb_puts(ctx->out, text);
	sb_putc(ctx->out, '\n');
	free(text);
	return 0;
}

void cmd_put_sym(struct cmd_ctx *ctx, uint64_t addr)
{
	const struct sym *sym;

	if (!ctx->env || !ctx->env->syms)
		return;
	sym = sym_by_addr(ctx->env->syms, addr);
	if (!sym)
		return;
	if (addr == sym->addr)
		sb_printf(ctx->out, " <%s>", sym->name);
	else
		sb_printf(ctx->out, " <%s+0x%llx>", sym->name,
			  (unsigned long long)(addr - sym->addr));
}

/* One term: a number or (with --symbols) a symbol name. */
static int cmd_parse_term(struct cmd_ctx *ctx, const char *t, uint64_t *v)
{
	const struct sym *sym;

	if (!parse_u64(t, 0, v))
		return 0;
	sym = ctx->env ? sym_by_name(ctx->env->syms, t) : NULL;
	if (sym) {
		*v = sym->addr;
		return 0;
	}
	if (ctx->env && ctx->env->syms)
		return cmd_err(ctx, -EINVAL,
			       "`%s` is neither a number nor a known symbol",
			       t);
	return cmd_err(ctx, -EINVAL,
		       "`%s` is not a number (symbol names need `sevdbg shell --symbols ELF`)",
		       t);
}

int cmd_parse_addr(struct cmd_ctx *ctx, const char *s, uint64_t *addr,
		   bool *phys)
{
	char buf[256], *p, *op;
	uint64_t v, term;
	int ret, sign = 1;

	*phys = false;
	if (!strncmp(s, "p:", 2)) {
		s += 2;
		*phys = true;
	} else if (s[0] == 'p' && s[1] >= '0' && s[1] <= '9') {
		s += 1;
		*phys = true;
	}
	if (!*s || strlen(s) >= sizeof(buf))
		return cmd_err(ctx, -EINVAL, "bad address `%s`", s);
	strcpy(buf, s);
	/* Terms joined by + or - (no spaces): sym+0x10, 0x1000-8. */
	p = buf;
	op = strpbrk(p + 1, "+-");
	if (op)
		*op = '\0';
	ret = cmd_parse_term(ctx, p, &v);
	while (!ret && op) {
		sign = *(s + (op - buf)) == '-' ? -1 : 1;
		p = op + 1;
		op = strpbrk(p, "+-");
		if (op)
			*op = '\0';
		ret = cmd_parse_term(ctx, p, &term);
		v = sign > 0 ? v + term : v - term;
	}
	if (!ret)
		*addr = v;
	return ret;
}

int cmd_walk_cpu(struct cmd_ctx *ctx, struct walk_cpu *c)
{
	int vcpu = ctx->s->cur_vcpu;
	int ret = session_walk_cpu(ctx->s, vcpu, c);

	if (!ret)
		return 0;
	if (ret == -EBUSY || ctx->s->t->running)
		return cmd_err(ctx, ret,
			       "the guest is running, so vCPU %d's page tables are unknown: `stop` it first, or give a physical address as p:ADDR",
			       vcpu);
	return cmd_err(ctx, ret,
		       "cannot read the paging registers of vCPU %d (%s); give a physical address as p:ADDR",
		       vcpu, strerror(-ret));
}

/* Why an access at addr stopped: the walker's or the router's reason. */
int cmd_explain(struct cmd_ctx *ctx, uint64_t addr, bool phys, int err)
{
	struct walk_result wr;
	struct walk_cpu c;
	char why[200];
	int ret;

	if (!phys) {
		ret = cmd_walk_cpu(ctx, &c);
		if (ret)
			return ret;
		ret = walk_translate(ctx->s->router, &c, addr, &wr);
		if (ret ||
		    (wr.status != WALK_OK && wr.status != WALK_PAGING_OFF))
			return cmd_err(ctx, ret ? ret : -EFAULT, "%s",
				       walk_strerror(&wr, why, sizeof(why)));
		addr = wr.pa;
	}
	if (router_last_error(ctx->s->router, why, sizeof(why)) && why[0])
		return cmd_err(ctx, err, "%s", why);
	return cmd_err(ctx, err, "cannot access guest-physical 0x%llx: %s",
		       (unsigned long long)addr, strerror(-err));
}

ssize_t cmd_read(struct cmd_ctx *ctx, uint64_t addr, bool phys, void *buf,
		 size_t len)
{
	ssize_t n;

	if (phys)
		n = router_read(ctx->s->router, addr, buf, len);
	else
		n = session_read_virt(ctx->s, ctx->s->cur_vcpu, addr, buf, len);
	if (n < 0)
		return cmd_explain(ctx, addr, phys, (int)n);
	return n;
}

ssize_t cmd_write_mem(struct cmd_ctx *ctx, uint64_t addr, bool phys,
		      const void *buf, size_t len)
{
	ssize_t n;

	if (phys)
		n = router_write(ctx->s->router, addr, buf, len);
	else
		n = session_write_virt(ctx->s, ctx->s->cur_vcpu, addr, buf,
				       len);
	if (n < 0)
		return cmd_explain(ctx, addr, phys, (int)n);
	return n;
}

static void help_one(struct cmd_ctx *ctx, const struct cmd *c)
{
	sb_printf(ctx->out, "%s%s%s%s\n    %s\n", ctx->monitor ? "sev " : "",
		  c->name, *c->args ? " " : "", c->args, c->help);
	if (c->detail) {
		const char *p = c->detail;

		while (*p) {
			size_t n = strcspn(p, "\n");

			sb_printf(ctx->out, "    %.*s\n", (int)n, p);
			p += n + (p[n] == '\n');
		}
	}
	if (c->flags & CMD_LIVE)
		sb_puts(ctx->out, "    needs a live target (not a dump)\n");
	if (c->flags & CMD_WRITES)
		sb_puts(ctx->out,
			"    writes guest memory (refused on read-only targets)\n");
	if (c->flags & CMD_JSON)
		sb_puts(ctx->out,
			"    --json prints the result as a JSON object\n");
}

CMD_FN(help)
{
	const struct cmd *c;

	if (argc > 2)
		return cmd_usage(ctx, "help");
	if (argc == 2) {
		const char *name = argv[1];

		if (!strcmp(name, "sev") && ctx->monitor)
			name = "help";
		c = cmd_find(name);
		if (!c || (ctx->monitor && (c->flags & CMD_SHELL)))
			return cmd_err(ctx, -ENOENT,
				       "no command `%s`; `help` lists them",
				       name);
		help_one(ctx, c);
		return 0;
	}
	if (ctx->monitor)
		sb_puts(ctx->out,
			"sevdbg monitor commands (the `sev` prefix is optional):\n");
	for (c = commands; c->name; c++) {
		if (ctx->monitor && (c->flags & CMD_SHELL))
			continue;
		sb_printf(ctx->out, "  %-10s %-22s %s\n", c->name, c->args,
			  c->help);
	}
	if (!ctx->monitor)
		sb_puts(ctx->out,
			"  quit                              leave the shell (also Ctrl-D)\n"
			"Addresses: 0x1000, 4096, symbol+0x10 (--symbols); p:ADDR is physical.\n");
	return 0;
}

/* Split a line into words: "double quotes" with \\ \" \n \t \xNN, 'single'. */
static int cmd_split(char *line, char **argv, bool *quoted, int max)
{
	char *r = line, *w = line;
	int argc = 0;

	for (;;) {
		char q = 0;

		while (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r')
			r++;
		if (!*r || *r == '#')
			break;
		if (argc == max)
			return -E2BIG;
		quoted[argc] = *r == '"' || *r == '\'';
		argv[argc++] = w;
		while (*r && (q || (*r != ' ' && *r != '\t' && *r != '\n' &&
				    *r != '\r'))) {
			if (!q && (*r == '"' || *r == '\'')) {
				q = *r++;
			} else if (q && *r == q) {
				q = 0;
				r++;
			} else if (q == '"' && *r == '\\' && r[1]) {
				r++;
				if (*r == 'n') {
					*w++ = '\n';
				} else if (*r == 't') {
					*w++ = '\t';
				} else if (*r == 'x' && hex_digit(r[1]) >= 0 &&
					   hex_digit(r[2]) >= 0) {
					*w++ = (char)(hex_digit(r[1]) << 4 |
						      hex_digit(r[2]));
					r += 2;
				} else {
					*w++ = *r;
				}
				r++;
			} else {
				*w++ = *r++;
			}
		}
		if (q)
			return -EINVAL;
		if (*r)
			r++;
		*w++ = '\0';
	}
	return argc;
}

/* Drop "sev" and --json from the words; note --json and the quoted words. */
static void cmd_filter(struct cmd_ctx *ctx, int *argc, char **argv,
		       const bool *quoted)
{
	int i, j;

	ctx->quoted = 0;
	for (i = j = 0; i < *argc; i++) {
		if (i == 0 && !quoted[i] && !strcmp(argv[i], "sev"))
			continue;
		if (!quoted[i] && !strcmp(argv[i], "--json")) {
			ctx->json = true;
			continue;
		}
		if (quoted[i])
			ctx->quoted |= 1ULL << j;
		argv[j++] = argv[i];
	}
	*argc = j;
}

static int cmd_dispatch(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct cmd *c;
	char name[32];
	size_t n = strcspn(argv[0], "/");

	if (n >= sizeof(name))
		n = sizeof(name) - 1;
	memcpy(name, argv[0], n);
	name[n] = '\0';
	c = cmd_find(name);
	if (!c)
		return cmd_err(ctx, -ENOENT,
			       "unknown command `%s`; `%shelp` lists the commands",
			       name, ctx->monitor ? "monitor " : "");
	if (ctx->monitor && (c->flags & CMD_SHELL))
		return cmd_err(ctx, -EPERM,
			       "`%s` is a `sevdbg shell` command; from gdb use gdb's own commands (x, disassemble, info registers)",
			       name);
	if (argv[0][n] && strcmp(name, "x") && strcmp(name, "status"))
		return cmd_err(ctx, -EINVAL, "`%s` takes no /FORMAT", name);
	if (ctx->env && ctx->env->json && (c->flags & CMD_JSON))
		ctx->json = true;
	if (ctx->json && !(c->flags & CMD_JSON))
		return cmd_err(ctx, -EINVAL, "`%s` has no --json output", name);
	if ((c->flags & CMD_LIVE) && !ctx->s->t->live)
		return cmd_err(ctx, -EOPNOTSUPP,
			       "target is not running: `%s` needs a live guest, this target is a dump",
			       name);
	if ((c->flags & CMD_WRITES) &&
	    (ctx->s->read_only || ctx->s->t->read_only))
		return cmd_err(ctx, -EROFS,
			       "target is read-only (a dump, or started with --read-only): `%s` is refused",
			       name);
	return c->fn(ctx, argc, argv);
}

int cmd_exec(struct cmd_ctx *ctx, const char *line)
{
	char *argv[CMD_MAX_ARGS];
	bool quoted[CMD_MAX_ARGS];
	char *copy = strdup(line);
	int argc, ret;

	if (!copy)
		return cmd_err(ctx, -ENOMEM, "out of memory");
	argc = cmd_split(copy, argv, quoted, CMD_MAX_ARGS);
	if (argc == -EINVAL)
		ret = cmd_err(ctx, argc, "unterminated quote in `%s`", line);
	else if (argc < 0)
		ret = cmd_err(ctx, argc, "too many words (at most %d)",
			      CMD_MAX_ARGS);
	else
		ret = 0;
	if (ret || argc == 0)
		goto out;
	cmd_filter(ctx, &argc, argv, quoted);
	if (argc == 0)
		argv[argc++] = (char *)"help";
	session_sync(ctx->s); /* the guest may have moved behind our back */
	ret = cmd_dispatch(ctx, argc, argv);
out:
	free(copy);
	return ret;
}

int cmd_run(struct session *s, const char *line, struct strbuf *out,
	    bool monitor)
{
	struct cmd_ctx ctx = {
		.s = s,
		.out = out,
		.monitor = monitor,
	};

	return cmd_exec(&ctx, line);
}
