// SPDX-License-Identifier: GPL-2.0-only
/*
 * The `sevdbg demo` subcommand: boot the bundled test guest under the SEV
 * simulator, print the one gdb command to paste, serve until Ctrl-C.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

struct demo_args {
	struct cli_target ct; /* first: see struct cli_cmd */
	struct transport_listen listen;
	char dir[64]; /* our socket dir, "" with --listen */
	char sock[96];
	char spec[256]; /* demo[:EXTRA] */
};

static void demo_usage(FILE *f)
{
	fputs("Usage: sevdbg demo [OPTIONS] [-- EXTRA_QEMU_ARGS]\n"
	      "\n"
	      "Boot the bundled test guest (two vCPUs, private and shared\n"
	      "memory) in QEMU under the SEV simulator, print the gdb command\n"
	      "to paste, and serve it until Ctrl-C; then QEMU is stopped and\n"
	      "its temporary files are removed.\n"
	      "\n"
	      "  -l, --listen unix:PATH|tcp:HOST:PORT   where gdb connects\n"
	      "                       (default: a private temporary socket)\n"
	      "      --accel tcg|kvm  QEMU accelerator (default: kvm only on\n"
	      "                       hardware-backed KVM, else tcg)\n"
	      "      --sim-policy nodbg   a guest whose policy forbids\n"
	      "                       debugging: private reads fail\n"
	      "      --sim-es         an SEV-ES guest: registers come from its\n"
	      "                       encrypted VMSA; continue and Ctrl-C work,\n"
	      "                       single-step and breakpoints are refused\n"
	      "      --sim-latency US microseconds per simulated firmware command\n"
	      "                       (default 10, an assumption; 0 = free)\n"
	      "      --sim-regs none  no vCPU registers (SEV-ES without the\n"
	      "                       VMSA command): gdb, in non-stop mode,\n"
	      "                       reads memory only\n"
	      "  -v, --verbose        debug messages on stderr\n"
	      "  -h, --help           this text\n"
	      "\n"
	      "The guest ELF comes from tests/guest/guest.elf next to the\n"
	      "sevdbg binary, else " SEVDBG_DATADIR
	      "/guest.elf, or $SEVDBG_GUEST.\n",
	      f);
}

static int demo_options(struct demo_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{"listen", required_argument, NULL, 'l'},
		{"accel", required_argument, NULL, CLI_OPT_ACCEL},
		{"sim-policy", required_argument, NULL, CLI_OPT_SIM_POLICY},
		{"sim-latency", required_argument, NULL, CLI_OPT_SIM_LATENCY},
		{"sim-regs", required_argument, NULL, CLI_OPT_SIM_REGS},
		{"sim-es", no_argument, NULL, CLI_OPT_SIM_ES},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	size_t len;
	int c;

	a->ct.topts.force_sim = true;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+l:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			a->listen.spec = optarg;
			break;
		case 'h':
			return 1;
		default:
			if (cli_target_option(&a->ct, c, optarg))
				return -EINVAL;
		}
	}
	strcpy(a->spec, "demo:");
	for (len = 5; optind < argc; optind++) {
		int n = snprintf(a->spec + len, sizeof(a->spec) - len, "%s%s",
				 len > 5 ? " " : "", argv[optind]);

		if (n < 0 || (size_t)n >= sizeof(a->spec) - len) {
			fprintf(stderr,
				"sevdbg demo: extra QEMU arguments too long\n");
			return -EINVAL;
		}
		len += n;
	}
	if (len == 5)
		a->spec[4] = '\0'; /* messages say "demo", not "demo:" */
	return 0;
}

/* No --listen: a socket in a fresh private directory. */
static int demo_socket_dir(struct demo_args *a)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(a->dir, sizeof(a->dir), "%s/sevdbg-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(a->dir)) {
		fprintf(stderr,
			"sevdbg demo: cannot create a directory in %s: %s (set TMPDIR to a writable directory)\n",
			tmp ? tmp : "/tmp", strerror(errno));
		a->dir[0] = '\0';
		return -errno;
	}
	chmod(a->dir, 0700);
	snprintf(a->sock, sizeof(a->sock), "unix:%s/gdb.sock", a->dir);
	a->listen.spec = a->sock;
	return 0;
}

static void demo_banner(void *arg, struct target *t)
{
	const struct demo_args *a = arg;
	const char *spec = a->listen.spec, *where = spec;
	bool nr = a->ct.sim.no_regs;
	char desc[256] = "";

	if (!strncmp(spec, "unix:", 5) || !strncmp(spec, "tcp:", 4))
		where = strchr(spec, ':') + 1;
	target_describe(t, desc, sizeof(desc));
	printf("sevdbg demo: the test guest runs under the SEV simulator: %s.\n",
	       desc);
	if (t->console_log[0])
		printf("Guest serial console: %s\n", t->console_log);
	/* Without a $pc gdb 13 stays connected only in non-stop mode. */
	printf("\nIn another terminal%s:\n\n"
	       "    gdb %s-ex 'target remote %s' %s\n\n"
	       "then e.g.: %s\n"
	       "Ctrl-C here ends the demo.\n",
	       nr ? " (no registers: gdb in non-stop mode reads memory only)"
		  : "",
	       nr ? "-ex 'set non-stop on' " : "", where,
	       t->guest_elf[0] ? t->guest_elf : "tests/guest/guest.elf",
	       nr ? "print private_secret, print shared_counter,\n           x/s &dma_buf, monitor sev status private_secret"
		  : "break work_tick, continue, bt, print private_secret,\n           print shared_counter, monitor sev stats");
	fflush(stdout);
}

/* Options, the socket, the signals: everything before the guest boots. */
static int demo_parse(void *args, int argc, char **argv)
{
	struct demo_args *a = args;
	int ret;

	a->listen.quit_fd = -1;
	ret = demo_options(a, argc, argv);
	if (ret)
		return ret;
	a->ct.spec = a->spec;
	if (!a->listen.spec && demo_socket_dir(a))
		return -EIO;
	a->listen.quit_fd = cli_serve_signals();
	return 0;
}

static int demo_run(void *args, struct session *s)
{
	struct demo_args *a = args;
	struct cmd_env env = {0};
	int ret;

	/* gdb's monitor knows the test guest's symbols too. */
	if (cli_target_symbols(&env, "demo", s->t))
		return -EINVAL;
	ret = cli_serve_session(s, &env, "demo", &a->listen, demo_banner, a);
	sym_free(env.syms);
	return ret;
}

static void demo_release(void *args)
{
	struct demo_args *a = args;

	if (a->listen.quit_fd >= 0)
		close(a->listen.quit_fd);
	if (a->dir[0]) {
		unlink(a->sock + 5);
		rmdir(a->dir);
	}
}

const struct cli_cmd cli_demo_cmd = {
	.name = "demo",
	.synopsis =
		"[--listen ...] [--accel tcg|kvm] [--sim-policy nodbg] [--sim-es]",
	.args_size = sizeof(struct demo_args),
	.usage = demo_usage,
	.parse = demo_parse,
	.run = demo_run,
	.release = demo_release,
};
