// SPDX-License-Identifier: GPL-2.0-only
/*
 * The `sevdbg` program: global options, then one subcommand from a static
 * table, each parsed, opened and run the same way (gdbstub/cli/cli-*.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "gdbstub/cli/cli.h"
#include "gdbstub/mem/session.h"
#include "sevdbg/target.h"
#include "sevdbg/util.h"

static const struct cli_cmd *const subcommands[] = {
	&cli_serve_cmd, &cli_dump_cmd,	&cli_shell_cmd,
	&cli_demo_cmd,	&cli_audit_cmd,
};

/* The target and a session on it, with the reason on stderr on failure. */
static int cli_open(struct cli_target *ct, struct target **t, struct session *s)
{
	int ret = cli_target_open(ct, t);

	if (ret)
		return ret;
	ret = session_init(s, *t);
	if (ret) {
		fprintf(stderr, "sevdbg %s: cannot start a session on %s: %s\n",
			ct->cmd, ct->spec, strerror(-ret));
		target_destroy(*t);
		return ret;
	}
	s->read_only |= ct->topts.read_only || (*t)->read_only;
	s->dump_dir = ct->dump_dir;
	return 0;
}

static int cli_run(const struct cli_cmd *c, int argc, char **argv)
{
	struct session s = {0};
	struct cli_target *ct;
	struct target *t;
	void *args;
	int ret, status;

	args = calloc(1, c->args_size);
	if (!args) {
		fprintf(stderr, "sevdbg %s: out of memory\n", c->name);
		return 1;
	}
	ct = args; /* every argument struct starts with one */
	cli_target_init(ct, c->name);
	ret = c->parse(args, argc, argv);
	if (ret) {
		if (ret == 1)
			c->usage(stdout);
		status = ret == 1 ? 0 : 2;
		goto out;
	}
	status = c->error_status ? c->error_status : 1;
	if (cli_open(ct, &t, &s))
		goto out;
	ret = c->run(args, &s);
	if (ret >= 0)
		status = ret;
	session_release(&s);
	target_destroy(t);
out:
	if (c->release)
		c->release(args);
	cli_target_release(ct);
	free(args);
	return status;
}

static void main_usage(FILE *f)
{
	const struct target_type *const *types;
	size_t nr, i;

	fputs("Usage: sevdbg [-v] [--version] [-h] COMMAND [ARGS]\n"
	      "\n"
	      "gdb remote stub for AMD SEV encrypted guests (and dumps of them).\n"
	      "\n",
	      f);
	for (i = 0; i < ARRAY_SIZE(subcommands); i++)
		fprintf(f, "  sevdbg %-5s %s\n", subcommands[i]->name,
			subcommands[i]->synopsis);
	fputs("\nTARGET:\n", f);
	types = target_types(&nr);
	for (i = 0; i < nr; i++)
		fprintf(f, "  %-8s %s\n", types[i]->prefix, types[i]->usage);
	fputs("\n  -v, --verbose   debug messages on stderr\n"
	      "      --version   print the version\n"
	      "  -h, --help      this text; `sevdbg COMMAND --help` for one command\n",
	      f);
}

int main(int argc, char **argv)
{
	int i = 1;
	size_t c;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			main_usage(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--version")) {
			printf("sevdbg %s\n", SEVDBG_VERSION);
			return 0;
		}
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			log_set_level(LOG_DEBUG);
			continue;
		}
		fprintf(stderr,
			"sevdbg: unknown option %s (see sevdbg --help)\n",
			argv[i]);
		return 2;
	}
	if (i == argc) {
		main_usage(stderr);
		return 2;
	}
	for (c = 0; c < ARRAY_SIZE(subcommands); c++)
		if (!strcmp(argv[i], subcommands[c]->name))
			return cli_run(subcommands[c], argc - i, argv + i);
	fprintf(stderr, "sevdbg: unknown command '%s' (see sevdbg --help)\n",
		argv[i]);
	return 2;
}
