// SPDX-License-Identifier: GPL-2.0-only
/*
 * The `sevdbg serve` subcommand: options, the target and its session, and
 * the RSP server on the chosen listener until the target or a signal ends it.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "sevdbg/cli.h"
#include "sevdbg/platform.h"
#include "sevdbg/server.h"
#include "sevdbg/session.h"
#include "sevdbg/target.h"
#include "sevdbg/util.h"

struct serve_args {
	struct server_listen listen;
	const char *spec;
	char *spec_buf; /* launch: QEMU_ARGS joined */
	struct target_opts topts;
	struct sim_config sim;
	uint8_t key[16];
	bool sim_set;
};

static void serve_usage(FILE *f)
{
	const struct target_type *const *types;
	size_t nr, i;

	fputs("Usage: sevdbg serve [OPTIONS] TARGET\n"
	      "\n"
	      "Serve the gdb remote protocol for TARGET; memory of encrypted\n"
	      "pages is read through the SEV debug commands.\n"
	      "\n"
	      "  -l, --listen unix:PATH   a unix socket, mode 0600 (default:\n"
	      "                           unix:./sevdbg.sock)\n"
	      "      --listen tcp:HOST:PORT   loopback only unless "
	      "--allow-remote\n"
	      "      --listen stdio       for `target remote | sevdbg serve "
	      "--listen stdio ...`\n"
	      "      --allow-remote       accept a non-loopback tcp address "
	      "(the\n"
	      "                           protocol has no authentication)\n"
	      "      --sim                use the SEV simulator even where SEV "
	      "exists\n"
	      "      --read-only          refuse every write to the guest\n"
	      "      --accel tcg|kvm      QEMU accelerator for launched "
	      "guests\n"
	      "      --sim-cbit N         simulated C-bit position (default "
	      "52)\n"
	      "      --sim-policy nodbg   simulate a guest whose policy "
	      "forbids\n"
	      "                           debugging (every decrypt fails)\n"
	      "      --sim-key FILE       16-byte AES key (raw or 32 hex "
	      "digits)\n"
	      "      --sim-latency US     microseconds per simulated firmware "
	      "command\n"
	      "  -v, --verbose            debug messages on stderr\n"
	      "  -h, --help               this text\n"
	      "\nTARGET:\n",
	      f);
	types = target_types(&nr);
	for (i = 0; i < nr; i++)
		fprintf(f, "  %-8s %s\n", types[i]->prefix, types[i]->usage);
	fputs("\nIn gdb: target remote PATH-or-HOST:PORT. Ctrl-C interrupts "
	      "the guest;\ndetach leaves it running; kill ends it.\n",
	      f);
}

static int serve_read_key(const char *path, uint8_t key[16])
{
	char buf[80];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n == 16) {
		memcpy(key, buf, 16);
		return 0;
	}
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	if (n == 32 && !hex_decode(buf, 32, key))
		return 0;
	return -EINVAL;
}

static int serve_sim_option(struct serve_args *a, int c, const char *arg)
{
	uint64_t v;

	a->sim_set = true;
	switch (c) {
	case 'C':
		if (parse_u64(arg, 0, &v) || v < 1 || v > 63)
			return -EINVAL;
		a->sim.cbit = (unsigned int)v;
		return 0;
	case 'P':
		if (strcmp(arg, "nodbg") && strcmp(arg, "dbg"))
			return -EINVAL;
		a->sim.policy = !strcmp(arg, "nodbg") ? SEV_POLICY_NODBG : 0;
		return 0;
	case 'K':
		if (serve_read_key(arg, a->key)) {
			fprintf(stderr,
				"sevdbg serve: --sim-key %s: need a file "
				"of 16 raw bytes or 32 hex digits\n",
				arg);
			return -EINVAL;
		}
		a->sim.key = a->key;
		return 0;
	case 'L':
		if (parse_u64(arg, 0, &v) || v > 10000000)
			return -EINVAL;
		a->sim.latency_us = (unsigned int)v;
		return 0;
	}
	return -EINVAL;
}

static const struct option serve_opts[] = {
	{"listen", required_argument, NULL, 'l'},
	{"allow-remote", no_argument, NULL, 'R'},
	{"sim", no_argument, NULL, 'S'},
	{"read-only", no_argument, NULL, 'r'},
	{"accel", required_argument, NULL, 'A'},
	{"sim-cbit", required_argument, NULL, 'C'},
	{"sim-policy", required_argument, NULL, 'P'},
	{"sim-key", required_argument, NULL, 'K'},
	{"sim-latency", required_argument, NULL, 'L'},
	{"verbose", no_argument, NULL, 'v'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* launch:QEMU_ARGS may span several words: they are joined by spaces. */
static int serve_target_spec(struct serve_args *a, int argc, char **argv)
{
	struct strbuf sb;
	int i;

	if (optind >= argc) {
		fprintf(stderr, "sevdbg serve: no TARGET given (see sevdbg "
				"serve --help)\n");
		return -EINVAL;
	}
	a->spec = argv[optind];
	if (optind + 1 == argc)
		return 0;
	if (strncmp(a->spec, "launch:", 7)) {
		fprintf(stderr,
			"sevdbg serve: one TARGET only, got '%s' after "
			"'%s'\n",
			argv[optind + 1], a->spec);
		return -EINVAL;
	}
	sb_init(&sb);
	for (i = optind; i < argc; i++)
		sb_printf(&sb, "%s%s", i > optind ? " " : "", argv[i]);
	a->spec_buf = sb.buf;
	a->spec = sb.buf;
	return sb.oom ? -ENOMEM : 0;
}

/* 0 to go on, 1 for --help, -EINVAL on a bad option. */
static int serve_parse(int argc, char **argv, struct serve_args *a)
{
	int c;

	a->listen.spec = "unix:sevdbg.sock";
	a->listen.quit_fd = -1;
	a->sim.cbit = 52;
	a->sim.hc_fd = -1;
	a->sim.launched = true;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+l:vh", serve_opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			a->listen.spec = optarg;
			break;
		case 'R':
			a->listen.allow_remote = true;
			break;
		case 'S':
			a->topts.force_sim = true;
			break;
		case 'r':
			a->topts.read_only = true;
			break;
		case 'A':
			a->topts.accel = optarg;
			break;
		case 'v':
			a->topts.verbose = true;
			break;
		case 'h':
			return 1;
		case 'C':
		case 'P':
		case 'K':
		case 'L':
			if (serve_sim_option(a, c, optarg)) {
				fprintf(stderr,
					"sevdbg serve: bad value '%s' "
					"for --%s (see --help)\n",
					optarg,
					c == 'C'   ? "sim-cbit"
					: c == 'P' ? "sim-policy"
					: c == 'K' ? "sim-key"
						   : "sim-latency");
				return -EINVAL;
			}
			break;
		default:
			fprintf(stderr,
				"sevdbg serve: see sevdbg serve --help\n");
			return -EINVAL;
		}
	}
	if (a->sim_set)
		a->topts.sim = &a->sim;
	return serve_target_spec(a, argc, argv);
}

/* SIGINT/SIGTERM/SIGHUP end serving cleanly through a signalfd. */
static int serve_signals(void)
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

static int serve_run(struct serve_args *a, struct target *t)
{
	struct session s;
	struct server sv;
	char err[256] = "";
	int ret;

	memset(&s, 0, sizeof(s));
	ret = session_init(&s, t);
	if (ret) {
		fprintf(stderr,
			"sevdbg serve: cannot start a session on %s: %s\n",
			a->spec, strerror(-ret));
		return ret;
	}
	s.read_only |= a->topts.read_only || t->read_only;
	ret = server_init(&sv, &s);
	if (ret)
		goto out_session;
	ret = server_listen_run(&sv, &a->listen, err, sizeof(err));
	if (ret)
		fprintf(stderr, "sevdbg serve: %s\n",
			err[0] ? err : strerror(-ret));
	server_release(&sv);
out_session:
	session_release(&s);
	return ret;
}

int cli_serve(int argc, char **argv)
{
	struct serve_args a;
	struct target *t = NULL;
	char err[256] = "";
	int ret;

	memset(&a, 0, sizeof(a));
	ret = serve_parse(argc, argv, &a);
	if (ret) {
		if (ret == 1)
			serve_usage(stdout);
		free(a.spec_buf);
		return ret == 1 ? 0 : 2;
	}
	if (a.topts.verbose)
		log_set_level(LOG_DEBUG);
	a.listen.quit_fd = serve_signals();
	ret = target_open(a.spec, &a.topts, &t, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "sevdbg serve: cannot open %s: %s\n", a.spec,
			err[0] ? err : strerror(-ret));
		goto out;
	}
	ret = serve_run(&a, t);
	target_destroy(t);
out:
	if (a.listen.quit_fd >= 0)
		close(a.listen.quit_fd);
	free(a.spec_buf);
	return ret ? 1 : 0;
}
