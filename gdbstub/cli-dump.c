// SPDX-License-Identifier: GPL-2.0-only
/*
 * The `sevdbg dump` subcommand: options, the target and its session, one
 * dump_write(), and a summary (text or --json); Ctrl-C abandons the dump.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sevdbg/cli.h"
#include "sevdbg/dump.h"
#include "sevdbg/platform.h"
#include "sevdbg/session.h"
#include "sevdbg/target.h"
#include "sevdbg/util.h"

struct dump_args {
	struct dump_opts o;
	struct target_opts topts;
	struct sim_config sim;
	uint8_t key[16];
	bool sim_set;
	const char *spec;
	char *spec_buf; /* launch: QEMU_ARGS joined */
	bool json;
};

/*
 * An asynchronous signal can only reach the dump loop through storage the
 * handler can name: this flag is the one piece of mutable file state here.
 */
static volatile int dump_interrupted;

static void dump_on_signal(int sig)
{
	dump_interrupted = sig;
}

static void dump_usage(FILE *f)
{
	const struct target_type *const *types;
	size_t nr, i;

	fputs("Usage: sevdbg dump [OPTIONS] -o FILE TARGET\n"
	      "\n"
	      "Write the guest's memory and vCPU state to FILE. Encrypted "
	      "pages\n"
	      "are decrypted, shared pages read directly; a page that cannot "
	      "be\n"
	      "read is recorded as missing, never written as ciphertext.\n"
	      "The vCPUs are stopped for the dump and resumed afterwards.\n"
	      "\n"
	      "  -o, --output FILE        where to write (created 0600 through "
	      "a\n"
	      "                           temporary file; `-` = stdout, raw "
	      "only)\n"
	      "  -f, --format elf|kdump|raw\n"
	      "                           elf: QEMU dump-guest-memory "
	      "compatible\n"
	      "                           (default); kdump: kdump-compressed\n"
	      "                           (zlib) for crash; raw: one range\n"
	      "      --paging             elf: add PT_LOADs with the virtual\n"
	      "                           addresses of the selected vCPU\n"
	      "      --range START-END    raw: the range (or START+LEN)\n"
	      "      --virtual            raw: the range is virtual (vCPU 0)\n"
	      "      --json               print a JSON summary on stdout\n"
	      "      --keep-stopped       leave the vCPUs stopped afterwards\n"
	      "      --sim                use the SEV simulator\n"
	      "      --accel tcg|kvm      QEMU accelerator for launched "
	      "guests\n"
	      "      --sim-cbit N         simulated C-bit position (default "
	      "52)\n"
	      "      --sim-policy nodbg   simulate a guest whose policy "
	      "forbids\n"
	      "                           debugging (encrypted pages go "
	      "missing)\n"
	      "      --sim-key FILE       16-byte AES key (raw or 32 hex "
	      "digits)\n"
	      "      --sim-latency US     microseconds per simulated firmware\n"
	      "                           command\n"
	      "  -v, --verbose            debug messages on stderr\n"
	      "  -h, --help               this text\n"
	      "\nTARGET:\n",
	      f);
	types = target_types(&nr);
	for (i = 0; i < nr; i++)
		fprintf(f, "  %-8s %s\n", types[i]->prefix, types[i]->usage);
}

static const struct option dump_longopts[] = {
	{"output", required_argument, NULL, 'o'},
	{"format", required_argument, NULL, 'f'},
	{"paging", no_argument, NULL, 'p'},
	{"range", required_argument, NULL, 'r'},
	{"virtual", no_argument, NULL, 'V'},
	{"virt", no_argument, NULL, 'V'},
	{"json", no_argument, NULL, 'j'},
	{"keep-stopped", no_argument, NULL, 'k'},
	{"sim", no_argument, NULL, 'S'},
	{"accel", required_argument, NULL, 'A'},
	{"sim-cbit", required_argument, NULL, 'C'},
	{"sim-policy", required_argument, NULL, 'P'},
	{"sim-key", required_argument, NULL, 'K'},
	{"sim-latency", required_argument, NULL, 'L'},
	{"verbose", no_argument, NULL, 'v'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static int dump_bad(const char *what, const char *val)
{
	fprintf(stderr, "sevdbg dump: bad %s '%s' (see sevdbg dump --help)\n",
		what, val);
	return -EINVAL;
}

static int dump_read_key(const char *path, uint8_t key[16])
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
	return n == 32 && !hex_decode(buf, 32, key) ? 0 : -EINVAL;
}

/* The --sim-* knobs, as `sevdbg serve` takes them. */
static int dump_sim_option(struct dump_args *a, int c, const char *arg)
{
	uint64_t v;

	a->sim_set = true;
	switch (c) {
	case 'C':
		if (parse_u64(arg, 0, &v) || v < 1 || v > 63)
			return dump_bad("--sim-cbit (1..63)", arg);
		a->sim.cbit = (unsigned int)v;
		return 0;
	case 'P':
		if (strcmp(arg, "nodbg") && strcmp(arg, "dbg"))
			return dump_bad("--sim-policy (nodbg or dbg)", arg);
		a->sim.policy = !strcmp(arg, "nodbg") ? SEV_POLICY_NODBG : 0;
		return 0;
	case 'K':
		if (dump_read_key(arg, a->key))
			return dump_bad("--sim-key (a file of 16 raw bytes "
					"or 32 hex digits)",
					arg);
		a->sim.key = a->key;
		return 0;
	default:
		if (parse_u64(arg, 0, &v) || v > 10000000)
			return dump_bad("--sim-latency (microseconds)", arg);
		a->sim.latency_us = (unsigned int)v;
		return 0;
	}
}

/* One TARGET; launch:QEMU_ARGS may span words, joined by spaces. */
static int dump_target_spec(struct dump_args *a, int argc, char **argv)
{
	struct strbuf sb;
	int i;

	if (optind >= argc ||
	    (optind + 1 < argc && strncmp(argv[optind], "launch:", 7))) {
		fprintf(stderr, "sevdbg dump: give exactly one TARGET (see "
				"sevdbg dump --help)\n");
		return -EINVAL;
	}
	a->spec = argv[optind];
	if (optind + 1 == argc)
		return 0;
	sb_init(&sb);
	for (i = optind; i < argc; i++)
		sb_printf(&sb, "%s%s", i > optind ? " " : "", argv[i]);
	a->spec_buf = sb.buf;
	a->spec = sb.buf;
	return sb.oom ? -ENOMEM : 0;
}

/* 0 to go on, 1 for --help, -EINVAL on a usage error. */
static int dump_parse(int argc, char **argv, struct dump_args *a)
{
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+o:f:vh", dump_longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'o':
			a->o.path = optarg;
			break;
		case 'f':
			if (dump_parse_format(optarg, &a->o.format))
				return dump_bad("--format (elf, kdump or raw)",
						optarg);
			break;
		case 'p':
			a->o.paging = true;
			break;
		case 'r':
			if (parse_range(optarg, &a->o.start, &a->o.end))
				return dump_bad("--range (START-END or "
						"START+LEN)",
						optarg);
			a->o.has_range = true;
			break;
		case 'V':
			a->o.virt = true;
			break;
		case 'j':
			a->json = true;
			break;
		case 'k':
			a->o.keep_stopped = true;
			break;
		case 'S':
			a->topts.force_sim = true;
			break;
		case 'A':
			a->topts.accel = optarg;
			break;
		case 'v':
			a->topts.verbose = true;
			break;
		case 'C':
		case 'P':
		case 'K':
		case 'L':
			if (dump_sim_option(a, c, optarg))
				return -EINVAL;
			break;
		case 'h':
			return 1;
		default:
			fprintf(stderr,
				"sevdbg dump: see sevdbg dump --help\n");
			return -EINVAL;
		}
	}
	if (!a->o.path) {
		fprintf(stderr, "sevdbg dump: no output file: give -o FILE\n");
		return -EINVAL;
	}
	if (a->sim_set)
		a->topts.sim = &a->sim;
	return dump_target_spec(a, argc, argv);
}

static void dump_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = dump_on_signal; /* no SA_RESTART: writes see EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* A file size limit is a failed write (EFBIG), cleaned up, not a
	 * death that leaves the temporary file behind. */
	signal(SIGXFSZ, SIG_IGN);
}

static void dump_report(const struct dump_args *a,
			const struct dump_result *res, int ret)
{
	struct strbuf sb;

	if (ret)
		fprintf(stderr, "sevdbg dump: %s\n", res->msg);
	if (a->json && strcmp(a->o.path, "-")) {
		sb_init(&sb);
		dump_result_json(res, &sb);
		if (sb.buf)
			printf("%s\n", sb.buf);
		sb_release(&sb);
		return;
	}
	if (ret)
		return;
	fprintf(strcmp(a->o.path, "-") ? stdout : stderr,
		"sevdbg dump: wrote %s: %llu bytes in %.2f s; pages: %llu "
		"decrypted, %llu shared, %llu missing\n",
		a->o.path, (unsigned long long)res->bytes_written, res->seconds,
		(unsigned long long)res->pages_encrypted,
		(unsigned long long)res->pages_shared,
		(unsigned long long)res->pages_missing);
	if (res->pages_missing)
		fprintf(stderr,
			"sevdbg dump: %llu page(s) could not be read; "
			"they are marked missing in the dump (never written "
			"as ciphertext)\n",
			(unsigned long long)res->pages_missing);
}

static int dump_run(struct dump_args *a, struct target *t)
{
	struct dump_result res;
	struct session s;
	int ret;

	memset(&s, 0, sizeof(s));
	ret = session_init(&s, t);
	if (ret) {
		fprintf(stderr,
			"sevdbg dump: cannot start a session on %s: "
			"%s\n",
			a->spec, strerror(-ret));
		return ret;
	}
	s.interrupted = &dump_interrupted;
	a->o.progress = isatty(STDERR_FILENO) && !a->json;
	ret = dump_write(&s, &a->o, &res);
	dump_report(a, &res, ret);
	session_release(&s);
	return ret;
}

int cli_dump(int argc, char **argv)
{
	struct dump_args a;
	struct target *t = NULL;
	char err[256] = "";
	int ret;

	memset(&a, 0, sizeof(a));
	a.sim.cbit = 52;
	a.sim.hc_fd = -1;
	a.sim.launched = true;
	ret = dump_parse(argc, argv, &a);
	if (ret) {
		if (ret == 1)
			dump_usage(stdout);
		free(a.spec_buf);
		return ret == 1 ? 0 : 2;
	}
	if (a.topts.verbose)
		log_set_level(LOG_DEBUG);
	dump_signals();
	ret = target_open(a.spec, &a.topts, &t, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "sevdbg dump: cannot open %s: %s\n", a.spec,
			err[0] ? err : strerror(-ret));
		goto out;
	}
	ret = dump_run(&a, t);
	target_destroy(t);
out:
	free(a.spec_buf);
	return ret ? 1 : 0;
}
