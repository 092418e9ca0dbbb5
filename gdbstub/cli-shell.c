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

#include "sevdbg/cli.h"
#include "sevdbg/platform.h"
#include "sevdbg/session.h"
#include "sevdbg/shell.h"
#include "sevdbg/sym.h"
#include "sevdbg/target.h"
#include "sevdbg/util.h"

struct shell_args {
	const char *script, *symbols, *spec;
	bool keep_going, json, echo;
	struct target_opts topts;
	struct sim_config sim;
};

static void shell_usage(FILE *f)
{
	const struct target_type *const *types;
	size_t nr, i;

	fputs("Usage: sevdbg shell [OPTIONS] TARGET\n"
	      "\n"
	      "Look inside an SEV guest (or a dump of one) from a command "
	      "line.\n"
	      "On a terminal: readline with history (~/.sevdbg_history), Tab\n"
	      "completion, Ctrl-C stops the running command. From a pipe or "
	      "-x:\n"
	      "no prompts, and the first failing command ends the run.\n"
	      "\n"
	      "  -x, --script FILE   run the commands in FILE, then exit\n"
	      "  -s, --symbols ELF   symbols of the guest kernel (addresses "
	      "like\n"
	      "                      start_kernel+0x10, labels in x and dis)\n"
	      "  -k, --keep-going    scripts: run on after a failing command\n"
	      "                      (the exit status is still 1)\n"
	      "  -j, --json          JSON output for bitmap, status, stats, "
	      "translate\n"
	      "  -e, --echo          scripts: print each command before its "
	      "output\n"
	      "      --sim           use the SEV simulator even where SEV "
	      "exists\n"
	      "      --read-only     refuse every write to the guest\n"
	      "      --accel tcg|kvm QEMU accelerator for launched guests\n"
	      "      --sim-cbit N    simulated C-bit position (default 52)\n"
	      "      --sim-policy nodbg|dbg  simulated guest policy\n"
	      "      --sim-latency US  microseconds per simulated firmware "
	      "command\n"
	      "  -v, --verbose       more messages on stderr\n"
	      "  -h, --help          this text\n"
	      "\nTargets:\n",
	      f);
	types = target_types(&nr);
	for (i = 0; types && i < nr; i++)
		fprintf(f, "  %-10s %s\n", types[i]->prefix, types[i]->usage);
	fputs("\nType `help` in the shell for the commands.\n", f);
}

static int shell_sim_option(struct shell_args *a, const char *name,
			    const char *arg)
{
	uint64_t v;

	a->topts.sim = &a->sim;
	if (!strcmp(name, "sim-policy") &&
	    (!strcmp(arg, "nodbg") || !strcmp(arg, "dbg"))) {
		a->sim.policy = !strcmp(arg, "nodbg") ? SEV_POLICY_NODBG : 0;
		return 0;
	}
	if (parse_u64(arg, 0, &v))
		v = UINT64_MAX;
	if (!strcmp(name, "sim-cbit") && v >= 1 && v <= 63) {
		a->sim.cbit = (unsigned int)v;
		return 0;
	}
	if (!strcmp(name, "sim-latency") && v <= 10000000) {
		a->sim.latency_us = (unsigned int)v;
		return 0;
	}
	fprintf(stderr, "sevdbg shell: bad value `%s` for --%s (see --help)\n",
		arg, name);
	return -EINVAL;
}

/* 0 to go on, 1 for --help, -EINVAL on a bad option. */
static int shell_parse(int argc, char **argv, struct shell_args *a)
{
	enum { OPT_SIM = 256, OPT_RO, OPT_ACCEL, OPT_SIMOPT };
	static const struct option opts[] = {
		{"script", required_argument, NULL, 'x'},
		{"symbols", required_argument, NULL, 's'},
		{"keep-going", no_argument, NULL, 'k'},
		{"json", no_argument, NULL, 'j'},
		{"echo", no_argument, NULL, 'e'},
		{"sim", no_argument, NULL, OPT_SIM},
		{"read-only", no_argument, NULL, OPT_RO},
		{"accel", required_argument, NULL, OPT_ACCEL},
		{"sim-cbit", required_argument, NULL, OPT_SIMOPT},
		{"sim-policy", required_argument, NULL, OPT_SIMOPT},
		{"sim-latency", required_argument, NULL, OPT_SIMOPT},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c, idx;

	a->sim.cbit = 52;
	a->sim.hc_fd = -1;
	a->sim.launched = true;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+x:s:kjevh", opts, &idx)) != -1) {
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
		case OPT_SIM:
			a->topts.force_sim = true;
			break;
		case OPT_RO:
			a->topts.read_only = true;
			break;
		case OPT_ACCEL:
			a->topts.accel = optarg;
			break;
		case 'v':
			a->topts.verbose = true;
			break;
		case 'h':
			return 1;
		case OPT_SIMOPT:
			if (shell_sim_option(a, opts[idx].name, optarg))
				return -EINVAL;
			break;
		default:
			return -EINVAL;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "sevdbg shell: %s; see `sevdbg shell --help`\n",
			optind >= argc ? "give a TARGET (e.g. core:vmcore.elf)"
				       : "one TARGET only");
		return -EINVAL;
	}
	a->spec = argv[optind];
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

static int shell_open(struct shell_args *a, struct target **t,
		      struct session *s)
{
	char err[256] = "";
	int ret;

	ret = target_open(a->spec, &a->topts, t, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "sevdbg shell: cannot open %s: %s\n", a->spec,
			err[0] ? err : strerror(-ret));
		return ret;
	}
	ret = session_init(s, *t);
	if (ret) {
		fprintf(stderr,
			"sevdbg shell: cannot start a session on %s: %s\n",
			a->spec, strerror(-ret));
		target_destroy(*t);
		*t = NULL;
	}
	s->read_only |= a->topts.read_only;
	return ret;
}

int cli_shell(int argc, char **argv)
{
	struct shell_args a = {0};
	struct session s = {0};
	struct target *t = NULL;
	struct shell sh;
	char err[256];
	int ret;

	ret = shell_parse(argc, argv, &a);
	if (ret) {
		if (ret == 1)
			shell_usage(stdout);
		return ret == 1 ? 0 : 2;
	}
	if (a.topts.verbose)
		log_set_level(LOG_DEBUG);
	ret = shell_init(&sh, &s);
	if (ret)
		return 1;
	sh.keep_going = a.keep_going;
	sh.echo = a.echo;
	sh.env.json = a.json;
	if (a.symbols && sym_load(a.symbols, &sh.env.syms, err, sizeof(err))) {
		fprintf(stderr, "sevdbg shell: --symbols: %s\n", err);
		ret = -EINVAL;
		goto out;
	}
	ret = shell_open(&a, &t, &s);
	if (ret)
		goto out;
	s.interrupted = sh.interrupted;
	ret = shell_go(&sh, &a);
	s.interrupted = NULL;
	session_release(&s);
	target_destroy(t);
out:
	if (!ret && sh.failures && a.keep_going)
		ret = -EIO;
	shell_release(&sh);
	return ret ? 1 : 0;
}
