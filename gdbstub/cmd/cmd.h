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
	CMD_REPEAT = 1 << 4, /* an empty line in the shell runs it again */
};

struct cmd_ctx {
	struct session *s;
	struct strbuf *out;  /* normal output */
	bool json;	     /* --json given */
	bool monitor;	     /* called from gdb's monitor */
	struct cmd_env *env; /* shell state (symbols, syntax); may be NULL */
	uint64_t quoted;     /* bit i: argv[i] was written in quotes */
	/*
	 * The line as typed and where each word of argv starts in it, so an
	 * error can underline the bad token (set by cmd_exec).
	 */
	const char *line;
	char **argv;
	const long *argpos; /* -1: not found as typed */
	int argc;
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
 * Split and run one command line; env (may be NULL) keeps state between
 * lines. With monitor set, a leading "sev " is optional and shell-only
 * commands are refused.
 */
int cmd_run(struct session *s, struct cmd_env *env, const char *line,
	    struct strbuf *out, bool monitor);

/*
 * State the commands keep between lines: the symbols of --symbols, the
 * disassembly syntax, where `x` and `dis` go on. The shell owns one, and
 * `serve` one for gdb's monitor.
 */
enum cmd_syntax { CMD_SYNTAX_ATT, CMD_SYNTAX_INTEL };
struct symtab;
struct cmd_env {
	struct symtab *syms; /* NULL without --symbols */
	bool relocated;	     /* syms moved to where the guest has them */
	enum cmd_syntax syntax;
	bool json; /* shell --json: JSON wherever a command has it */
	/* `x` with no address: the next unit after the last x, its format. */
	struct {
		bool valid, phys;
		uint64_t next, count;
		unsigned int size;
		char fmt;
	} x;
	/* `dis` with no address: after the last dis, while the vCPU stays
	 * where it was then; else at $rip. */
	struct {
		bool valid, phys;
		uint64_t next, count, rip;
		int vcpu;
	} dis;
	const char *repeat; /* what an empty line runs again, or NULL */
};

/*
 * Move env's symbols to where the guest has them (a Linux kernel's KASLR
 * offset), as every command does before it runs; for callers outside the
 * table. Needs a stopped guest; warnings go to stderr.
 */
void cmd_env_relocate(struct session *s, struct cmd_env *env);

/* cmd_run with a caller-built context (ctx->out, ->s, ->env set). */
int cmd_exec(struct cmd_ctx *ctx, const char *line);

/*
 * An address expression (see expr.h): 0x1000, sym+0x10, $rsp+8, *($rsp),
 * (a+b)*2; p:EXPR marks it physical (*phys). 0, or -errno with the error
 * and the line, the bad token underlined, in ctx->out.
 */
int cmd_parse_addr(struct cmd_ctx *ctx, const char *s, uint64_t *addr,
		   bool *phys);
/* A COUNT expression in 1..max. */
int cmd_parse_count(struct cmd_ctx *ctx, const char *s, uint64_t max,
		    uint64_t *count);
/* START-END or START+LEN of expressions (arithmetic in parentheses). */
int cmd_parse_range(struct cmd_ctx *ctx, const char *s, uint64_t *start,
		    uint64_t *end);

#endif
