/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The `sevdbg` subcommands: one table entry each, parsed, opened and run
 * the same way by gdbstub/cli/main.c; the options they share.
 */
#ifndef SEVDBG_CLI_H
#define SEVDBG_CLI_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "sevdbg/platform.h"
#include "sevdbg/target.h"

struct transport_listen;
struct session;

/*
 * One `sevdbg` subcommand (gdbstub/cli/main.c runs them all the same way):
 * its argument struct, which starts with a struct cli_target, is zeroed and
 * cli_target_init()ed; parse() fills it from argv (argv[0] is the name);
 * then the TARGET is opened, a session started on it, and run() called;
 * release() undoes parse(). Exit status: 0 ok, 2 usage error, and for a
 * runtime error (run() or the target failed) error_status, 1 if unset;
 * run() may also return an exit status of its own (audit: 1 = findings).
 */
struct cli_cmd {
	const char *name;
	const char *synopsis; /* one line for `sevdbg --help` */
	size_t args_size;
	void (*usage)(FILE *f); /* `sevdbg NAME --help` */
	/* 0 to go on, 1 after --help, -EINVAL (the reason is printed). */
	int (*parse)(void *args, int argc, char **argv);
	/* s->t is the open target; 0, an exit status > 0, or -errno (the
	 * reason is printed). */
	int (*run)(void *args, struct session *s);
	int error_status;
	void (*release)(void *args); /* may be NULL */
};

extern const struct cli_cmd cli_serve_cmd, cli_dump_cmd, cli_shell_cmd,
	cli_demo_cmd, cli_audit_cmd;

/* SIGINT/SIGTERM/SIGHUP blocked and delivered to the returned signalfd,
 * which ends serving (struct transport_listen.quit_fd). */
int cli_serve_signals(void);

/*
 * Serve s on l until the target or a signal ends it; env (may be NULL)
 * keeps gdb's monitor commands' state (symbols); banner (may be NULL) runs
 * once the server is ready. 0 or -errno (reported).
 */
struct cmd_env;
int cli_serve_session(struct session *s, struct cmd_env *env, const char *cmd,
		      struct transport_listen *l,
		      void (*banner)(void *arg, struct target *t), void *arg);
/* --symbols ELF into env: 0, or -EINVAL after saying why on stderr. */
int cli_load_symbols(struct cmd_env *env, const char *cmd, const char *path);
/* Without --symbols, the symbols of the ELF a target brings (demo). */
int cli_target_symbols(struct cmd_env *env, const char *cmd,
		       const struct target *t);

/*
 * What every subcommand that opens a TARGET shares (gdbstub/cli/cli-target.c):
 * the --sim* knobs, --read-only, --accel, -v, and the TARGET words.
 */
enum cli_target_opt {
	CLI_OPT_SIM = 0x100,
	CLI_OPT_READ_ONLY,
	CLI_OPT_ACCEL,
	CLI_OPT_SIM_CBIT,
	CLI_OPT_SIM_POLICY,
	CLI_OPT_SIM_KEY,
	CLI_OPT_SIM_LATENCY,
	CLI_OPT_SIM_REGS,
	CLI_OPT_SIM_ES,
	CLI_OPT_SIM_BITMAP,
	CLI_OPT_ALLOW_PARTIAL,
	CLI_OPT_BITMAP,
};

/* For a subcommand's `struct option` table. */
#define CLI_TARGET_OPTIONS                                                     \
	{"sim", no_argument, NULL, CLI_OPT_SIM},                               \
		{"read-only", no_argument, NULL, CLI_OPT_READ_ONLY},           \
		{"allow-partial", no_argument, NULL, CLI_OPT_ALLOW_PARTIAL},   \
		{"accel", required_argument, NULL, CLI_OPT_ACCEL},             \
		{"sim-cbit", required_argument, NULL, CLI_OPT_SIM_CBIT},       \
		{"sim-policy", required_argument, NULL, CLI_OPT_SIM_POLICY},   \
		{"sim-key", required_argument, NULL, CLI_OPT_SIM_KEY},         \
		{"sim-latency", required_argument, NULL, CLI_OPT_SIM_LATENCY}, \
		{"sim-regs", required_argument, NULL, CLI_OPT_SIM_REGS},       \
		{"sim-es", no_argument, NULL, CLI_OPT_SIM_ES},                 \
		{"sim-bitmap", required_argument, NULL, CLI_OPT_SIM_BITMAP},   \
		{"bitmap", required_argument, NULL, CLI_OPT_BITMAP},           \
	{                                                                      \
		"verbose", no_argument, NULL, 'v'                              \
	}

struct cli_target {
	const char *cmd;	  /* "serve", for messages */
	const char *spec;	  /* the TARGET string */
	char *spec_buf;		  /* launch: words joined */
	struct target_opts topts; /* .sim always points at .sim */
	struct sim_config sim;
	uint8_t key[16];
	char *dump_dir; /* serve --dump-dir, resolved */
};

void cli_target_init(struct cli_target *ct, const char *cmd);
void cli_target_release(struct cli_target *ct);
/*
 * Handle getopt's c if it is one of CLI_TARGET_OPTIONS: 0 when handled;
 * -EINVAL after printing why a value is bad, or, for anything else getopt
 * returned, pointing at --help.
 */
int cli_target_option(struct cli_target *ct, int c, const char *arg);
/* TARGET from argv[optind..]: one word, or launch:QEMU_ARGS... joined. */
int cli_target_spec(struct cli_target *ct, int argc, char **argv);
/* target_open() of ct->spec; on failure, says why on stderr. */
int cli_target_open(struct cli_target *ct, struct target **t);
/* The shared option lines and the TARGET list, for --help. */
void cli_target_usage(FILE *f);

#endif
