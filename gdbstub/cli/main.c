// SPDX-License-Identifier: GPL-2.0-only
/*
 * The `sevdbg` program: global options, then one subcommand from a static
 * table; each subcommand lives in its own gdbstub/cli-*.c.
 */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "gdbstub/cli/cli.h"
#include "sevdbg/target.h"
#include "sevdbg/util.h"

struct subcommand {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
};

/* One line per subcommand. */
/* clang-format off */
static const struct subcommand subcommands[] = {
	{ "serve", cli_serve, "[--listen unix:PATH | tcp:HOST:PORT | stdio] [--allow-remote] [--sim] [--read-only] [--dump-dir DIR] TARGET" },
	{ "dump", cli_dump, "[--format elf|kdump|raw] [--paging] [--range START-END] [--virtual] [--json] [--keep-stopped] -o FILE TARGET" },
	{ "shell", cli_shell, "[-x SCRIPT] [--symbols ELF] [--keep-going] [--json] TARGET" },
	{ "demo", cli_demo, "[--listen ...] [--accel tcg|kvm] [--sim-policy nodbg]" },
};
/* clang-format on */

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
		fprintf(f, "  sevdbg %-5s %s\n", subcommands[i].name,
			subcommands[i].usage);
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
		if (!strcmp(argv[i], subcommands[c].name))
			return subcommands[c].fn(argc - i, argv + i);
	fprintf(stderr, "sevdbg: unknown command '%s' (see sevdbg --help)\n",
		argv[i]);
	return 2;
}
