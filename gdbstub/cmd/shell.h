/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The interactive and scripted front end over the command table
 * (`sevdbg shell`): readline, history, completion, Ctrl-C, scripts.
 */
#ifndef SEVDBG_SHELL_H
#define SEVDBG_SHELL_H

#include <stdbool.h>
#include <stdio.h>

#include "gdbstub/cmd/cmd.h"

struct session;

struct shell {
	struct session *s;
	struct cmd_env env;
	bool keep_going; /* scripts: run on after a failing command */
	bool echo;	 /* scripts: print each command before it runs */
	bool repeat;	 /* an empty line runs env.repeat (a terminal) */
	int failures;	 /* commands that failed */
	/* Set by Ctrl-C; the caller points session->interrupted here. */
	volatile int *interrupted;
	char history[4096]; /* history file, "" = none */
};

/* Set up sh over s: SIGINT handler, history path from $HOME. The caller
 * sets s->interrupted = sh->interrupted. */
int shell_init(struct shell *sh, struct session *s);
void shell_release(struct shell *sh);
/*
 * Run one line; prints its output (with env.json: one JSON value per
 * command). 0, 1 to quit, or -errno.
 */
int shell_line(struct shell *sh, const char *line);
/* Commands from f without prompts; stops at the first failure unless
 * keep_going. 0 when every command succeeded, else -errno of the last. */
int shell_script(struct shell *sh, FILE *f, const char *name);
/* The readline loop on a terminal until quit or Ctrl-D. */
int shell_interactive(struct shell *sh);

#endif
