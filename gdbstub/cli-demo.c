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
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plugins/qemu/qemu.h"
#include "sevdbg/cli.h"
#include "sevdbg/platform.h"
#include "sevdbg/server.h"
#include "sevdbg/session.h"
#include "sevdbg/target.h"
#include "sevdbg/util.h"

struct demo_args {
	struct server_listen listen;
	char dir[64]; /* our socket dir, "" with --listen */
	char sock[96];
	char spec[256]; /* demo[:EXTRA] */
	struct target_opts topts;
	struct sim_config sim;
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
	      "      --sim-latency US microseconds per simulated firmware "
	      "command\n"
	      "  -v, --verbose        debug messages on stderr\n"
	      "  -h, --help           this text\n"
	      "\n"
	      "The guest ELF comes from tests/guest/guest.elf next to the\n"
	      "sevdbg binary, else " SEVDBG_DATADIR
	      "/guest.elf, or $SEVDBG_GUEST.\n",
	      f);
}

static int demo_bad(const char *opt, const char *val)
{
	fprintf(stderr,
		"sevdbg demo: bad value '%s' for %s (see sevdbg demo "
		"--help)\n",
		val, opt);
	return -EINVAL;
}

/* 0 to go on, 1 for --help, -EINVAL on a bad option. */
static int demo_parse(int argc, char **argv, struct demo_args *a)
{
	static const struct option opts[] = {
		{"listen", required_argument, NULL, 'l'},
		{"accel", required_argument, NULL, 'A'},
		{"sim-policy", required_argument, NULL, 'P'},
		{"sim-latency", required_argument, NULL, 'L'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	size_t len;
	uint64_t v;
	int c;

	a->sim.cbit = 52;
	a->sim.hc_fd = -1;
	a->sim.launched = true;
	a->topts.sim = &a->sim;
	a->topts.force_sim = true;
	a->listen.quit_fd = -1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+l:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			a->listen.spec = optarg;
			break;
		case 'A':
			a->topts.accel = optarg;
			break;
		case 'v':
			a->topts.verbose = true;
			break;
		case 'h':
			return 1;
		case 'P':
			if (strcmp(optarg, "nodbg") && strcmp(optarg, "dbg"))
				return demo_bad("--sim-policy", optarg);
			a->sim.policy =
				strcmp(optarg, "nodbg") ? 0 : SEV_POLICY_NODBG;
			break;
		case 'L':
			if (parse_u64(optarg, 0, &v) || v > 10000000)
				return demo_bad("--sim-latency", optarg);
			a->sim.latency_us = (unsigned int)v;
			break;
		default:
			fprintf(stderr,
				"sevdbg demo: see sevdbg demo --help\n");
			return -EINVAL;
		}
	}
	strcpy(a->spec, "demo:");
	for (len = 5; optind < argc; optind++) {
		int n = snprintf(a->spec + len, sizeof(a->spec) - len, "%s%s",
				 len > 5 ? " " : "", argv[optind]);

		if (n < 0 || (size_t)n >= sizeof(a->spec) - len) {
			fprintf(stderr, "sevdbg demo: extra QEMU arguments "
					"too long\n");
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
			"sevdbg demo: cannot create a directory in "
			"%s: %s (set TMPDIR to a writable directory)\n",
			tmp ? tmp : "/tmp", strerror(errno));
		a->dir[0] = '\0';
		return -errno;
	}
	chmod(a->dir, 0700);
	snprintf(a->sock, sizeof(a->sock), "unix:%s/gdb.sock", a->dir);
	a->listen.spec = a->sock;
	return 0;
}

static void demo_banner(const struct demo_args *a, struct target *t)
{
	struct qemu_launch *l = qemu_target_launch(t);
	const char *spec = a->listen.spec, *where = spec;
	char guest[256] = "tests/guest/guest.elf";

	qemu_demo_guest(guest, sizeof(guest));
	if (!strncmp(spec, "unix:", 5) || !strncmp(spec, "tcp:", 4))
		where = strchr(spec, ':') + 1;
	printf("sevdbg demo: the test guest runs in QEMU (pid %d, accel %s) "
	       "under the SEV simulator.\n",
	       l ? l->pid : -1, l ? l->accel : "?");
	if (l && l->serial[0])
		printf("Guest serial console: %s\n", l->serial);
	printf("\nIn another terminal:\n\n"
	       "    gdb -ex 'target remote %s' %s\n\n"
	       "then e.g.: break work_tick, continue, bt, print private_secret,"
	       "\n           print shared_counter, monitor sev stats\n"
	       "Ctrl-C here ends the demo.\n",
	       where, guest);
	fflush(stdout);
}

static int demo_signals(void)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	return signalfd(-1, &set, SFD_CLOEXEC);
}

static int demo_serve(struct demo_args *a, struct target *t)
{
	struct session s;
	struct server sv;
	char err[256] = "";
	int ret;

	memset(&s, 0, sizeof(s));
	ret = session_init(&s, t);
	if (ret) {
		fprintf(stderr, "sevdbg demo: cannot start a session: %s\n",
			strerror(-ret));
		return ret;
	}
	ret = server_init(&sv, &s);
	if (ret)
		goto out_session;
	demo_banner(a, t);
	ret = server_listen_run(&sv, &a->listen, err, sizeof(err));
	if (ret)
		fprintf(stderr, "sevdbg demo: %s\n",
			err[0] ? err : strerror(-ret));
	server_release(&sv);
out_session:
	session_release(&s);
	return ret;
}

int cli_demo(int argc, char **argv)
{
	struct demo_args a;
	struct target *t = NULL;
	char err[256] = "";
	int ret;

	memset(&a, 0, sizeof(a));
	ret = demo_parse(argc, argv, &a);
	if (ret)
		return ret == 1 ? (demo_usage(stdout), 0) : 2;
	if (a.topts.verbose)
		log_set_level(LOG_DEBUG);
	if (!a.listen.spec && demo_socket_dir(&a))
		return 1;
	a.listen.quit_fd = demo_signals();
	ret = target_open(a.spec, &a.topts, &t, err, sizeof(err));
	if (ret) {
		fprintf(stderr,
			"sevdbg demo: cannot start the demo guest: %s\n",
			err[0] ? err : strerror(-ret));
		goto out;
	}
	ret = demo_serve(&a, t);
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
