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
	 "goes through DBG_DECRYPT or directly. Without registers (SEV-ES, a\n"
	 "dump without CPU notes) a Linux guest's virtual addresses go through\n"
	 "the kernel's init_top_pgt from its VMCOREINFO; the root is named.\n"
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
	 "Names the root (CR3 of the vCPU, or init_top_pgt from VMCOREINFO\n"
	 "when its registers are unavailable). Each level: table address,\n"
	 "index, entry, C-bit; then the physical address and page size, or\n"
	 "the level where the walk stopped.\n"
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
	{"regs", "[--json] [VCPU]", "registers of the selected (or given) vCPU",
	 CMD_SHELL | CMD_JSON, cmd_do_regs,
	 "General, segment and control registers. SEV-ES guests keep them\n"
	 "in the encrypted VMSA: they come from the firmware's decryption\n"
	 "(the series' VMSA patch), else they are unavailable and `regs`\n"
	 "says why. Also `info registers`."},
	{"x", "[/NFU] [ADDR [COUNT]]",
	 "examine memory: U size b/h/w/g, F x/d/u/s/i, /p or p:ADDR physical",
	 CMD_SHELL | CMD_REPEAT, cmd_do_x,
	 "Like gdb's x: N units (or COUNT) of size b, h, w (default) or g,\n"
	 "shown as x hex, d signed, u unsigned; x/s prints strings, x/i\n"
	 "instructions (as dis). Without ADDR, goes on after the last x (an\n"
	 "empty line does the same).\n"
	 "  x/4xg $rsp    x/s linux_banner    x/gx *($rsp+8)    x/3i $pc"},
	{"dis", "[/N] [ADDR [COUNT]]",
	 "disassemble N (or COUNT) x86-64 instructions", CMD_SHELL | CMD_REPEAT,
	 cmd_do_dis,
	 "COUNT defaults to 10. Without ADDR: at $rip, or after the last dis\n"
	 "while the vCPU has not moved (an empty line goes on too). With\n"
	 "--symbols, targets are named and source lines shown. `set syntax\n"
	 "intel` or `att` (default).\n"
	 "  dis    dis start_kernel 20    dis/5 $rip-0x10"},
	{"write", "ADDR BYTES...",
	 "write hex bytes (\"de ad\" or 0xdead) or a \"string\" at ADDR",
	 CMD_SHELL | CMD_WRITES, cmd_do_write,
	 "Words in quotes are text (\\n, \\t, \\xNN escapes); others are hex\n"
	 "bytes in memory order. Encrypted pages go through DBG_ENCRYPT.\n"
	 "  write p:0x1000 \"hello\\n\"    write 0xffff888000001000 de ad be ef"},
	{"find", "[--json] PATTERN [--virt] [START-END]",
	 "search RAM (or --virt a virtual range) for a string or 0xHEX bytes",
	 CMD_SHELL | CMD_JSON, cmd_do_find,
	 "Text in quotes, or 0x-prefixed hex bytes in memory order. The range\n"
	 "is guest-physical (default: all RAM), or with --virt virtual\n"
	 "through the selected vCPU's page tables; hits are named\n"
	 "sym+off when symbols are known. Pages that cannot be read are\n"
	 "skipped and counted. Shows the first 100 matches; Ctrl-C stops.\n"
	 "  find \"Linux version\"    find 0x7f454c46 0x0-0x1000000\n"
	 "  find \"secret\" --virt init_task+8K"},
	{"dump", "[OPTIONS] PATH",
	 "dump the guest: --format elf|kdump|raw, --paging, --range R [--virt]",
	 CMD_JSON, cmd_do_dump,
	 "Writes through a temporary file (nothing is left at PATH on\n"
	 "failure). Encrypted pages are written decrypted; pages that cannot\n"
	 "be decrypted are recorded as missing, never as ciphertext.\n"
	 "  dump /tmp/vmcore    dump --format kdump /tmp/vmcore.kd\n"
	 "  dump --format raw --range 0x1000+4K --virt /tmp/page.bin"},
	{"vcpu", "[--json] [N]",
	 "select vCPU N (0-based) for regs, x, dis, bt, translate",
	 CMD_SHELL | CMD_JSON, cmd_do_vcpu,
	 "Without N, lists the vCPUs (also `info threads`)."},
	{"bt", "[--json] [all]",
	 "backtrace of the selected vCPU (all: of every vCPU), needs --symbols",
	 CMD_SHELL | CMD_JSON, cmd_do_bt,
	 "Unwinds with the DWARF CFI of the --symbols file (libdwfl), and\n"
	 "with frame pointers where it has none; inlined calls are frames\n"
	 "as in gdb. Stops, saying why, at a frame it cannot unwind.\n"
	 "  bt    bt all    bt --json"},
	{"info", "registers|threads", "gdb's names for `regs` and `vcpu`",
	 CMD_SHELL | CMD_JSON, cmd_do_info, NULL},
	{"cont", "", "resume every vCPU", CMD_SHELL | CMD_LIVE, cmd_do_cont,
	 "Returns at once; `stop` stops the guest again."},
	{"stop", "", "stop every vCPU and show where they are",
	 CMD_SHELL | CMD_LIVE, cmd_do_stop, NULL},
	{"step", "", "single-step the selected vCPU",
	 CMD_SHELL | CMD_LIVE | CMD_REPEAT, cmd_do_step,
	 "An empty line steps again."},
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

/* An operator standing alone: an expression typed with spaces. */
static bool cmd_split_expr(const struct cmd_ctx *ctx)
{
	int i;

	for (i = 1; i < ctx->argc; i++)
		if (!(ctx->quoted & (1ULL << i)) && ctx->argv[i][0] &&
		    strchr("+-*/", ctx->argv[i][0]) && !ctx->argv[i][1])
			return true;
	return false;
}

int cmd_usage(struct cmd_ctx *ctx, const char *name)
{
	const struct cmd *c = cmd_find(name);

	cmd_err(ctx, -EINVAL, "usage: %s%s %s", ctx->monitor ? "sev " : "",
		name, c ? c->args : "");
	if (ctx->argv && cmd_split_expr(ctx))
		sb_puts(ctx->out,
			"  an expression is one word: sym+8, or with spaces in parentheses (sym + 8)\n");
	return -EINVAL;
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

int cmd_walk_root(struct cmd_ctx *ctx, struct walk_cpu *c,
		  struct session_root *root)
{
	struct session_root none;
	int vcpu = ctx->s->cur_vcpu, ret;

	if (!root)
		root = &none;
	ret = session_walk_root(ctx->s, vcpu, c, root);
	if (!ret)
		return 0;
	if (ret == -EBUSY || ctx->s->t->running)
		return cmd_err(ctx, ret,
			       "the guest is running, so vCPU %d's page tables are unknown: `stop` it first, or give a physical address as p:ADDR",
			       vcpu);
	if (root->no_kernel_root)
		return cmd_err(ctx, ret,
			       "no page tables to walk: vCPU %d's registers are unavailable (%s) and %s; give a physical address as p:ADDR",
			       vcpu, strerror(-ret), root->no_kernel_root);
	return cmd_err(ctx, ret,
		       "cannot read the paging registers of vCPU %d (%s); give a physical address as p:ADDR",
		       vcpu, strerror(-ret));
}

int cmd_walk_cpu(struct cmd_ctx *ctx, struct walk_cpu *c)
{
	return cmd_walk_root(ctx, c, NULL);
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

ssize_t cmd_read_quiet(struct cmd_ctx *ctx, uint64_t addr, bool phys, void *buf,
		       size_t len, struct strbuf *why)
{
	struct strbuf *out = ctx->out;
	const char *p;
	ssize_t n;

	ctx->out = why;
	n = cmd_read(ctx, addr, phys, buf, len);
	if (n >= 0 && (size_t)n < len)
		cmd_explain(ctx, addr + (uint64_t)n, phys, -EFAULT);
	ctx->out = out;
	/* One reason, without the "error: " the messages start with. */
	p = why->len ? strrchr(why->buf, '\n') : NULL;
	if (p && !p[1])
		why->buf[--why->len] = '\0';
	if (why->len > 7 && !strncmp(why->buf, "error: ", 7)) {
		memmove(why->buf, why->buf + 7, why->len - 6);
		why->len -= 7;
	}
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
			"Addresses and counts are expressions: 0x1000 4096 sym+0x10 $rip $sp\n"
			"  *ADDR (8 bytes at ADDR) + - * / ( ); p:ADDR is physical.\n"
			"An empty line repeats the last x, dis or step.\n");
	else
		sb_puts(ctx->out,
			"Addresses are expressions: 0x1000 sym+0x10 $rip *ADDR + - * / ( );\n"
			"p:ADDR is physical. Symbols: `sevdbg serve --symbols ELF`.\n");
	return 0;
}

/*
 * Split a line into words: "double quotes" with \\ \" \n \t \xNN,
 * 'single'. pos[i]: where word i starts in the line (for error carets).
 */
static int cmd_split(char *line, char **argv, long *pos, bool *quoted, int max)
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
		pos[argc] = (long)(r - line); /* r reads the line as typed */
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
			} else if (!q && *r == '(') {
				/* (...) keeps its spaces: *($rsp + 8) */
				int depth = 0;

				do {
					depth += *r == '('   ? 1
						 : *r == ')' ? -1
							     : 0;
					*w++ = *r++;
				} while (*r && depth > 0);
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
static void cmd_filter(struct cmd_ctx *ctx, int *argc, char **argv, long *pos,
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
		pos[j] = pos[i];
		argv[j++] = argv[i];
	}
	*argc = j;
}

/* gdb's `info registers` and `info threads`. */
CMD_FN(info)
{
	static const char *const regs_words[] = {"registers", "reg", "r",
						 "all-registers", NULL};
	size_t i;

	if (argc >= 2 && !strcmp(argv[1], "threads") && argc == 2)
		return cmd_do_vcpu(ctx, 1, argv);
	for (i = 0; argc >= 2 && regs_words[i]; i++)
		if (!strcmp(argv[1], regs_words[i]) && argc <= 3)
			return cmd_do_regs(ctx, argc - 1, argv + 1);
	return cmd_usage(ctx, "info");
}

static const struct cmd *cmd_lookup(struct cmd_ctx *ctx, const char *word,
				    char *name, size_t len)
{
	size_t n = strcspn(word, "/");

	if (n >= len)
		n = len - 1;
	memcpy(name, word, n);
	name[n] = '\0';
	return cmd_find(name);
}

static int cmd_check(struct cmd_ctx *ctx, const struct cmd *c, const char *word,
		     const char *name)
{
	if (ctx->monitor && (c->flags & CMD_SHELL))
		return cmd_err(ctx, -EPERM,
			       "`%s` is a `sevdbg shell` command; from gdb use gdb's own commands (x, disassemble, info registers, bt)",
			       name);
	if (strchr(word, '/') && strcmp(name, "x") && strcmp(name, "status") &&
	    strcmp(name, "dis"))
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
	return 0;
}

static int cmd_dispatch(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct cmd *c;
	char name[32];
	int ret;

	c = cmd_lookup(ctx, argv[0], name, sizeof(name));
	if (!c)
		return cmd_err(ctx, -ENOENT,
			       "unknown command `%s`; `%shelp` lists the commands",
			       name, ctx->monitor ? "monitor " : "");
	ret = cmd_check(ctx, c, argv[0], name);
	if (ret)
		return ret;
	if (c->fn != cmd_do_help)
		cmd_relocate(ctx);
	ret = c->fn(ctx, argc, argv);
	if (ctx->env)
		ctx->env->repeat =
			!ret && (c->flags & CMD_REPEAT) ? c->name : NULL;
	return ret;
}

int cmd_exec(struct cmd_ctx *ctx, const char *line)
{
	char *argv[CMD_MAX_ARGS];
	long pos[CMD_MAX_ARGS];
	bool quoted[CMD_MAX_ARGS];
	char *copy = strdup(line);
	int argc, ret;

	if (!copy)
		return cmd_err(ctx, -ENOMEM, "out of memory");
	argc = cmd_split(copy, argv, pos, quoted, CMD_MAX_ARGS);
	if (argc == -EINVAL)
		ret = cmd_err(ctx, argc, "unterminated quote in `%s`", line);
	else if (argc < 0)
		ret = cmd_err(ctx, argc, "too many words (at most %d)",
			      CMD_MAX_ARGS);
	else
		ret = 0;
	if (ret || argc == 0)
		goto out;
	cmd_filter(ctx, &argc, argv, pos, quoted);
	if (argc == 0)
		argv[argc++] = (char *)"help";
	session_sync(ctx->s); /* the guest may have moved behind our back */
	ctx->line = line;
	ctx->argv = argv;
	ctx->argpos = pos;
	ctx->argc = argc;
	ret = cmd_dispatch(ctx, argc, argv);
	ctx->line = NULL;
	ctx->argv = NULL;
	ctx->argpos = NULL;
	ctx->argc = 0;
out:
	free(copy);
	return ret;
}

int cmd_run(struct session *s, struct cmd_env *env, const char *line,
	    struct strbuf *out, bool monitor)
{
	struct cmd_ctx ctx = {
		.s = s,
		.out = out,
		.monitor = monitor,
		.env = env,
	};

	return cmd_exec(&ctx, line);
}
