// SPDX-License-Identifier: GPL-2.0-only
/*
 * The `sevdbg serve` subcommand: options, the target and its session, and
 * the RSP server on the chosen listener until the target or a signal ends it.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gdbstub/cli/cli.h"
#include "gdbstub/cmd/cmd.h"
#include "gdbstub/cmd/sym.h"
#include "sevdbg/platform.h"
#include "gdbstub/rsp/server.h"
#include "gdbstub/mem/session.h"
#include "sevdbg/target.h"
#include "sevdbg/util.h"

struct serve_args {
	struct cli_target ct; /* first: see struct cli_cmd */
	struct transport_listen listen;
	struct cmd_env env; /* gdb's monitor commands: --symbols */
	bool keep_stopped;
};

static void serve_usage(FILE *f)
{
	fputs("Usage: sevdbg serve [OPTIONS] TARGET\n"
	      "\n"
	      "Serve the gdb remote protocol for TARGET; memory of encrypted\n"
	      "pages is read through the SEV debug commands.\n"
	      "\n"
	      "  -l, --listen unix:PATH   a unix socket, mode 0600 (default:\n"
	      "                           unix:./sevdbg.sock)\n"
	      "      --listen tcp:HOST:PORT   loopback only unless --allow-remote\n"
	      "      --listen stdio       for `target remote | sevdbg serve --listen stdio ...`\n"
	      "      --allow-remote       accept a non-loopback tcp address (the\n"
	      "                           protocol has no authentication)\n"
	      "      --dump-dir DIR       let gdb's `monitor sev dump NAME` write\n"
	      "                           DIR/NAME (off by default: a client must\n"
	      "                           not choose paths on this host)\n"
	      "  -s, --symbols ELF        the guest kernel's symbols for `monitor`\n"
	      "                           (monitor sev status init_task+0x10)\n"
	      "      --keep-stopped       leave the guest stopped when gdb detaches\n"
	      "                           or goes away, and when sevdbg exits\n"
	      "                           (default: it runs again)\n",
	      f);
	cli_target_usage(f);
	fputs("\nIn gdb: target remote PATH-or-HOST:PORT. Ctrl-C interrupts the guest;\ndetach leaves it running; kill ends it.\n",
	      f);
}

static const struct option serve_opts[] = {
	{"listen", required_argument, NULL, 'l'},
	{"allow-remote", no_argument, NULL, 'R'},
	{"dump-dir", required_argument, NULL, 'D'},
	{"symbols", required_argument, NULL, 's'},
	{"keep-stopped", no_argument, NULL, 'k'},
	{"help", no_argument, NULL, 'h'},
	CLI_TARGET_OPTIONS,
	{NULL, 0, NULL, 0},
};

/* gdb's `monitor sev dump NAME` writes only here (see session.h). */
static int serve_dump_dir(struct serve_args *a, const char *dir)
{
	struct stat st;

	free(a->ct.dump_dir);
	a->ct.dump_dir = realpath(dir, NULL);
	if (!a->ct.dump_dir || stat(a->ct.dump_dir, &st) ||
	    !S_ISDIR(st.st_mode)) {
		fprintf(stderr,
			"sevdbg serve: --dump-dir %s: not a directory (create it first)\n",
			dir);
		return -EINVAL;
	}
	return 0;
}

static int serve_parse(void *args, int argc, char **argv)
{
	struct serve_args *a = args;
	int c;

	a->listen.spec = "unix:sevdbg.sock";
	a->listen.quit_fd = -1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+l:s:vh", serve_opts, NULL)) !=
	       -1) {
		switch (c) {
		case 'l':
			a->listen.spec = optarg;
			break;
		case 'R':
			a->listen.allow_remote = true;
			break;
		case 'D':
			if (serve_dump_dir(a, optarg))
				return -EINVAL;
			break;
		case 's':
			/* Before the target: a bad file fails fast. */
			if (cli_load_symbols(&a->env, "serve", optarg))
				return -EINVAL;
			break;
		case 'k':
			a->keep_stopped = true;
			break;
		case 'h':
			return 1;
		default:
			if (cli_target_option(&a->ct, c, optarg))
				return -EINVAL;
		}
	}
	if (cli_target_spec(&a->ct, argc, argv))
		return -EINVAL;
	a->listen.quit_fd = cli_serve_signals();
	return 0;
}

int cli_serve_signals(void)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN); /* a vanished gdb is an EPIPE, not a death */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	return signalfd(-1, &set, SFD_CLOEXEC);
}

int cli_load_symbols(struct cmd_env *env, const char *cmd, const char *path)
{
	char err[256];

	sym_free(env->syms);
	env->syms = NULL;
	env->relocated = false;
	if (!sym_load(path, &env->syms, err, sizeof(err)))
		return 0;
	fprintf(stderr, "sevdbg %s: --symbols: %s\n", cmd, err);
	return -EINVAL;
}

int cli_target_symbols(struct cmd_env *env, const char *cmd,
		       const struct target *t)
{
	if (env->syms || !t->guest_elf[0])
		return 0;
	return cli_load_symbols(env, cmd, t->guest_elf);
}

int cli_serve_session(struct session *s, struct cmd_env *env, const char *cmd,
		      struct transport_listen *l,
		      void (*banner)(void *arg, struct target *t), void *arg)
{
	struct server sv;
	char err[256] = "";
	int ret;

	ret = server_init(&sv, s);
	if (ret) {
		fprintf(stderr, "sevdbg %s: cannot start the gdb server: %s\n",
			cmd, strerror(-ret));
		return ret;
	}
	sv.env = env;
	if (banner)
		banner(arg, s->t);
	ret = transport_listen_run(&sv, l, err, sizeof(err));
	if (ret)
		fprintf(stderr, "sevdbg %s: %s\n", cmd,
			err[0] ? err : strerror(-ret));
	server_release(&sv);
	return ret;
}

static int serve_run(void *args, struct session *s)
{
	struct serve_args *a = args;

	if (cli_target_symbols(&a->env, "serve", s->t))
		return -EINVAL;
	s->t->leave_stopped = a->keep_stopped;
	return cli_serve_session(s, &a->env, "serve", &a->listen, NULL, NULL);
}

static void serve_release(void *args)
{
	struct serve_args *a = args;

	if (a->listen.quit_fd >= 0)
		close(a->listen.quit_fd);
	sym_free(a->env.syms);
}

const struct cli_cmd cli_serve_cmd = {
	.name = "serve",
	.synopsis =
		"[--listen unix:PATH | tcp:HOST:PORT | stdio] [--allow-remote] [--sim] [--read-only] [--allow-partial] [--dump-dir DIR] [--symbols ELF] [--keep-stopped] TARGET",
	.args_size = sizeof(struct serve_args),
	.usage = serve_usage,
	.parse = serve_parse,
	.run = serve_run,
	.release = serve_release,
};
