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
#include "sevdbg/platform.h"
#include "gdbstub/rsp/server.h"
#include "gdbstub/mem/session.h"
#include "sevdbg/target.h"
#include "sevdbg/util.h"

struct demo_args {
	struct server_listen listen;
	char dir[64]; /* our socket dir, "" with --listen */
	char sock[96];
	char spec[256];	      /* demo[:EXTRA] */
	struct cli_target ct; /* the --sim* knobs demo takes */
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
	      "      --sim-latency US microseconds per simulated firmware command\n"
	      "  -v, --verbose        debug messages on stderr\n"
	      "  -h, --help           this text\n"
	      "\n"
	      "The guest ELF comes from tests/guest/guest.elf next to the\n"
	      "sevdbg binary, else " SEVDBG_DATADIR
	      "/guest.elf, or $SEVDBG_GUEST.\n",
	      f);
}

/* 0 to go on, 1 for --help, -EINVAL on a bad option. */
static int demo_parse(int argc, char **argv, struct demo_args *a)
{
	static const struct option opts[] = {
		{"listen", required_argument, NULL, 'l'},
		{"accel", required_argument, NULL, CLI_OPT_ACCEL},
		{"sim-policy", required_argument, NULL, CLI_OPT_SIM_POLICY},
		{"sim-latency", required_argument, NULL, CLI_OPT_SIM_LATENCY},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	size_t len;
	int c;

	a->ct.topts.force_sim = true;
	a->listen.quit_fd = -1;
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
	char desc[256] = "";

	if (!strncmp(spec, "unix:", 5) || !strncmp(spec, "tcp:", 4))
		where = strchr(spec, ':') + 1;
	target_describe(t, desc, sizeof(desc));
	printf("sevdbg demo: the test guest runs under the SEV simulator: %s.\n",
	       desc);
	if (t->console_log[0])
		printf("Guest serial console: %s\n", t->console_log);
	printf("\nIn another terminal:\n\n"
	       "    gdb -ex 'target remote %s' %s\n\n"
	       "then e.g.: break work_tick, continue, bt, print private_secret,\n           print shared_counter, monitor sev stats\n"
	       "Ctrl-C here ends the demo.\n",
	       where, t->guest_elf[0] ? t->guest_elf : "tests/guest/guest.elf");
	fflush(stdout);
}

int cli_demo(int argc, char **argv)
{
	struct demo_args a;
	struct target *t = NULL;
	char err[256] = "";
	int ret;

	memset(&a, 0, sizeof(a));
	cli_target_init(&a.ct, "demo");
	a.ct.spec = "the demo guest";
	ret = demo_parse(argc, argv, &a);
	if (ret)
		return ret == 1 ? (demo_usage(stdout), 0) : 2;
	if (!a.listen.spec && demo_socket_dir(&a))
		return 1;
	a.listen.quit_fd = cli_serve_signals();
	ret = target_open(a.spec, &a.ct.topts, &t, err, sizeof(err));
	if (ret) {
		fprintf(stderr,
			"sevdbg demo: cannot start the demo guest: %s\n",
			err[0] ? err : strerror(-ret));
		goto out;
	}
	ret = cli_serve_target(&a.ct, t, &a.listen, demo_banner, &a);
	target_destroy(t); /* stops QEMU, removes its directory */
out:
	if (a.listen.quit_fd >= 0)
		close(a.listen.quit_fd);
	if (a.dir[0]) {
		unlink(a.sock + 5);
		rmdir(a.dir);
	}
	return ret ? 1 : 0;
}
