// SPDX-License-Identifier: GPL-2.0-only
/*
 * The `sevdbg shell` subcommand: options, opening the target and the
 * session, then a script, piped commands, or the interactive loop.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gdbstub/cli/cli.h"
#include "sevdbg/platform.h"
#include "gdbstub/mem/session.h"
#include "gdbstub/cmd/shell.h"
#include "gdbstub/cmd/sym.h"
#include "sevdbg/target.h"
#include "sevdbg/util.h"

struct shell_args {
	struct cli_target ct; /* first: see struct cli_cmd */
	const char *script, *symbols;
	bool keep_going, json, echo;
	struct shell sh;
};

static void shell_usage(FILE *f)
{
	fputs("Usage: sevdbg shell [OPTIONS] TARGET\n"
	      "\n"
	      "Look inside an SEV guest (or a dump of one) from a command line.\n"
	      "On a terminal: readline with history (~/.sevdbg_history), Tab\n"
	      "completion, Ctrl-C stops the running command. From a pipe or -x:\n"
	      "no prompts, and the first failing command ends the run.\n"
	      "\n"
	      "  -x, --script FILE   run the commands in FILE, then exit\n"
	      "  -s, --symbols ELF   the guest kernel with its debug info (symbols\n"
	      "                      in expressions, labels, source lines, bt);\n"
	      "                      the demo target brings its own\n"
	      "  -k, --keep-going    scripts: run on after a failing command\n"
	      "                      (the exit status is still 1)\n"
	      "  -j, --json          one JSON value per command: the command's own\n"
	      "                      (bitmap bt find regs stats status translate\n"
	      "                      vcpu dump), else {\"output\": TEXT}; errors as\n"
	      "                      {\"error\": TEXT}\n"
	      "  -e, --echo          scripts: print each command before its output\n",
	      f);
	cli_target_usage(f);
	fputs("\nAddresses and counts are expressions: 0x1000 4096 sym+0x10 $rip $sp\n"
	      "*ADDR (the 8 bytes at ADDR) + - * / ( ); p:ADDR is physical.\n"
	      "On a terminal an empty line repeats the last x, dis or step.\n"
	      "Type `help` in the shell for the commands.\n",
	      f);
}

static int shell_options(struct shell_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{"script", required_argument, NULL, 'x'},
		{"symbols", required_argument, NULL, 's'},
		{"keep-going", no_argument, NULL, 'k'},
		{"json", no_argument, NULL, 'j'},
		{"echo", no_argument, NULL, 'e'},
		{"help", no_argument, NULL, 'h'},
		CLI_TARGET_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+x:s:kjevh", opts, NULL)) != -1) {
		switch (c) {
		case 'x':
			a->script = optarg;
			break;
		case 's':
			a->symbols = optarg;
			break;
		case 'k':
			a->keep_going = true;
			break;
		case 'j':
			a->json = true;
			break;
		case 'e':
			a->echo = true;
			break;
		case 'h':
			return 1;
		default:
			if (cli_target_option(&a->ct, c, optarg))
				return -EINVAL;
		}
	}
	return cli_target_spec(&a->ct, argc, argv);
}

/* Options, then the shell's state, so a bad --symbols fails before the
 * target (perhaps a QEMU to boot) is opened. */
static int shell_parse(void *args, int argc, char **argv)
{
	struct shell_args *a = args;
	int ret;

	ret = shell_options(a, argc, argv);
	if (ret)
		return ret;
	ret = shell_init(&a->sh, NULL);
	if (ret) {
		fprintf(stderr, "sevdbg shell: cannot set up signals: %s\n",
			strerror(-ret));
		return ret;
	}
	a->sh.keep_going = a->keep_going;
	a->sh.echo = a->echo;
	a->sh.env.json = a->json;
	if (a->symbols && cli_load_symbols(&a->sh.env, "shell", a->symbols))
		return -EINVAL;
	return 0;
}

static int shell_go(struct shell *sh, const struct shell_args *a)
{
	FILE *f;
	int ret;

	if (a->script) {
		f = strcmp(a->script, "-") ? fopen(a->script, "r") : stdin;
		if (!f) {
			fprintf(stderr,
				"sevdbg shell: cannot open script %s: %s\n",
				a->script, strerror(errno));
			return -errno;
		}
		ret = shell_script(sh, f, a->script);
		if (f != stdin)
			fclose(f);
		return ret;
	}
	if (!isatty(STDIN_FILENO))
		return shell_script(sh, stdin, "<stdin>");
	return shell_interactive(sh);
}

static int shell_run(void *args, struct session *s)
{
	struct shell_args *a = args;
	int ret;

	a->sh.s = s;
	if (cli_target_symbols(&a->sh.env, "shell", s->t))
		return -EINVAL;
	s->interrupted = a->sh.interrupted;
	ret = shell_go(&a->sh, a);
	s->interrupted = NULL;
	if (!ret && a->sh.failures && a->keep_going)
		ret = -EIO;
	return ret;
}

static void shell_args_release(void *args)
{
	struct shell_args *a = args;

	shell_release(&a->sh);
}

const struct cli_cmd cli_shell_cmd = {
	.name = "shell",
	.synopsis =
		"[-x SCRIPT] [--symbols ELF] [--keep-going] [--json] TARGET",
	.args_size = sizeof(struct shell_args),
	.usage = shell_usage,
	.parse = shell_parse,
	.run = shell_run,
	.release = shell_args_release,
};
