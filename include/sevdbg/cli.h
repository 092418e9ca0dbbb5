/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The `sevdbg` subcommands: each takes the words after its name and
 * returns the process exit status (gdbstub/main.c dispatches).
 */
#ifndef SEVDBG_CLI_H
#define SEVDBG_CLI_H

/*
 * argv[0] is the subcommand's name; exit status 0 ok, 1 runtime error,
 * 2 usage error.
 */

/* `sevdbg serve [OPTIONS] TARGET` (gdbstub/cli-serve.c). */
int cli_serve(int argc, char **argv);

/* `sevdbg dump [OPTIONS] -o FILE TARGET` (gdbstub/cli-dump.c). */
int cli_dump(int argc, char **argv);

/* A subcommand whose owner has not landed it yet: says so, exits 2. */
int cli_not_built(int argc, char **argv);

/* `sevdbg demo [--listen ...]` (gdbstub/cli-demo.c). */
int cli_demo(int argc, char **argv);

/* `sevdbg shell [OPTIONS] TARGET` (gdbstub/cli-shell.c). */
int cli_shell(int argc, char **argv);

#endif
