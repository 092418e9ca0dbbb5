/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One command table for the shell and for gdb's `monitor`: every command is
 * written once (gdbstub/cmd*.c) and reached as `sev NAME` from gdb.
 */
#ifndef SEVDBG_CMD_H
#define SEVDBG_CMD_H

#include <stdbool.h>
#include <stdint.h>

struct session;
struct strbuf;
struct cmd_env;

enum cmd_flags {
	CMD_LIVE = 1 << 0,   /* needs a live target */
	CMD_WRITES = 1 << 1, /* modifies the guest */
	CMD_SHELL = 1 << 2,  /* shell only (not a monitor command) */
	CMD_JSON = 1 << 3,   /* supports --json */
};

struct cmd_ctx {
	struct session *s;
	struct strbuf *out;  /* normal output */
	bool json;	     /* --json given */
	bool monitor;	     /* called from gdb's monitor */
	struct cmd_env *env; /* shell state (symbols, syntax); may be NULL */
	uint64_t quoted;     /* bit i: argv[i] was written in quotes */
};

struct cmd {
	const char *name;
	const char *args; /* "ADDR [COUNT]" */
	const char *help; /* one line */
	unsigned int flags;
	/* 0 or -errno; on error the message is already in ctx->out. */
	int (*fn)(struct cmd_ctx *ctx, int argc, char **argv);
	const char *detail; /* `help NAME`: more lines, examples */
};

/* The table, NULL-name terminated. */
const struct cmd *cmd_table(void);
const struct cmd *cmd_find(const char *name);
/*
 * Split and run one command line. With monitor set, a leading "sev " is
 * optional and shell-only commands are refused.
 */
int cmd_run(struct session *s, const char *line, struct strbuf *out,
	    bool monitor);

/*
 * Shell-side state the commands keep between lines: the symbol table of
 * --symbols and the disassembly syntax. The shell owns one per session.
 */
enum cmd_syntax { CMD_SYNTAX_ATT, CMD_SYNTAX_INTEL };
struct symtab;
struct cmd_env {
	struct symtab *syms; /* NULL without --symbols */
	enum cmd_syntax syntax;
	bool json; /* shell --json: JSON wherever a command has it */
};

/* cmd_run with a caller-built context (ctx->out, ->s, ->env set). */
int cmd_exec(struct cmd_ctx *ctx, const char *line);

/*
 * "0x1000", "4096", "sym", "sym+0x10", "p:0x1000" / "p0x1000" (physical).
 * *phys tells whether the address was marked physical. 0 or -EINVAL with a
 * message in ctx->out.
 */
int cmd_parse_addr(struct cmd_ctx *ctx, const char *s, uint64_t *addr,
		   bool *phys);

#endif
