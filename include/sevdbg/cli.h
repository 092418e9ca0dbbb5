/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The `sevdbg` subcommands: each takes the words after its name and
 * returns the process exit status (gdbstub/main.c dispatches).
 */
#ifndef SEVDBG_CLI_H
#define SEVDBG_CLI_H

/* `sevdbg shell [OPTIONS] TARGET` (gdbstub/cli-shell.c). */
int cli_shell(int argc, char **argv);

#endif
