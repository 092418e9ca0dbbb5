/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One command table for the shell and for gdb's `monitor`: every command is
 * written once (gdbstub/cmd*.c) and reached as `sev NAME` from gdb.
 */
#ifndef SEVDBG_CMD_H
#define SEVDBG_CMD_H

#include <stdbool.h>

struct session;
struct strbuf;

enum cmd_flags {
	CMD_LIVE = 1 << 0,	/* needs a live target */
	CMD_WRITES = 1 << 1,	/* modifies the guest */
	CMD_SHELL = 1 << 2,	/* shell only (not a monitor command) */
	CMD_JSON = 1 << 3,	/* supports --json */
};

struct cmd_ctx {
	struct session *s;
	struct strbuf *out;	/* normal output */
	bool json;		/* --json given */
	bool monitor;		/* called from gdb's monitor */
};

struct cmd {
	const char *name;
	const char *args;	/* "ADDR [COUNT]" */
	const char *help;	/* one line */
	unsigned int flags;
	/* 0 or -errno; on error the message is already in ctx->out. */
	int (*fn)(struct cmd_ctx *ctx, int argc, char **argv);
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

#endif
