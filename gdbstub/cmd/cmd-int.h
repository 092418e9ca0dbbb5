/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to gdbstub/cmd/: the command functions the table lists and the
 * helpers they share (memory access with explained errors, JSON output).
 */
#ifndef SEVDBG_CMD_INT_H
#define SEVDBG_CMD_INT_H

#include <jansson.h>
#include <stdint.h>
#include <sys/types.h>

#include "gdbstub/cmd/cmd.h"
#include "sevdbg/util.h"

#define CMD_FN(name) \
	int cmd_do_##name(struct cmd_ctx *ctx, int argc, char **argv)

/* cmd-sev.c: the memory model's commands (also gdb monitor commands). */
CMD_FN(status);
CMD_FN(bitmap);
CMD_FN(translate);
CMD_FN(stats);
CMD_FN(verify);
/* cmd-mem.c, cmd-find.c: guest memory, shell only. */
CMD_FN(x);
CMD_FN(dis);
CMD_FN(write);
CMD_FN(find);
/* cmd-vcpu.c: vCPUs and run control, shell only. */
CMD_FN(regs);
CMD_FN(vcpu);
CMD_FN(cont);
CMD_FN(stop);
CMD_FN(step);
CMD_FN(set);
/* cmd-bt.c: backtraces, shell only. */
CMD_FN(bt);
/* cmd.c: gdb's `info registers` and `info threads`. */
CMD_FN(info);
/* cmd-dump.c */
CMD_FN(dump);
/* cmd.c */
CMD_FN(help);

/* "error: ..." line in ctx->out; returns err for `return cmd_err(...)`. */
int cmd_err(struct cmd_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int cmd_usage(struct cmd_ctx *ctx, const char *name);
bool cmd_interrupted(const struct cmd_ctx *ctx);

/*
 * The selected vCPU's paging state (its CR3, or the kernel's root from
 * VMCOREINFO without registers: which one in *root, may be NULL); explains
 * a failure in ctx->out.
 */
struct walk_cpu;
struct session_root;
int cmd_walk_root(struct cmd_ctx *ctx, struct walk_cpu *c,
		  struct session_root *root);
int cmd_walk_cpu(struct cmd_ctx *ctx, struct walk_cpu *c);

/* Read/write guest memory; on failure the reason is appended to ctx->out
 * ("not present at level 2 (PD)", "policy forbids debugging", ...). */
ssize_t cmd_read(struct cmd_ctx *ctx, uint64_t addr, bool phys, void *buf,
		 size_t len);
ssize_t cmd_write_mem(struct cmd_ctx *ctx, uint64_t addr, bool phys,
		      const void *buf, size_t len);
/* Explain why an access at addr stopped (appends one error line). */
int cmd_explain(struct cmd_ctx *ctx, uint64_t addr, bool phys, int err);

/* cmd_read without touching ctx->out: the reason (one line) goes to why. */
ssize_t cmd_read_quiet(struct cmd_ctx *ctx, uint64_t addr, bool phys, void *buf,
		       size_t len, struct strbuf *why);

/* Write bytes: a quoted word is text, else hex ("de ad", 0xdead). */
int cmd_parse_bytes(struct cmd_ctx *ctx, const char *w, bool quoted,
		    struct strbuf *out);
/* A register of the selected vCPU by its gdb name ("rip"); why on error. */
int cmd_reg(struct cmd_ctx *ctx, const char *name, uint64_t *val, char *why,
	    size_t whylen);

/* Print a JSON value (takes the reference) followed by a newline. */
int cmd_json(struct cmd_ctx *ctx, json_t *v);

/* cmd-sym.c: the --symbols file where the guest has it (KASLR). */
struct symtab *cmd_syms(struct cmd_ctx *ctx);
/* Move the symbols to the guest's KASLR offset once it can be seen. */
void cmd_relocate(struct cmd_ctx *ctx);
/* " <sym+0x10>" for addr, when symbols are known; else nothing. */
void cmd_put_sym(struct cmd_ctx *ctx, uint64_t addr);
/* "sym+0x10" into buf, "" when unknown. */
void cmd_sym_label(struct cmd_ctx *ctx, uint64_t addr, char *buf, size_t len);

#endif
