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

#include "gdbstub/cli/cli.h"
#include "gdbstub/dump/dump.h"
#include "sevdbg/platform.h"
#include "gdbstub/mem/session.h"
#include "sevdbg/target.h"
#include "sevdbg/util.h"

struct dump_args {
	struct cli_target ct; /* first: see struct cli_cmd */
	struct dump_opts o;
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
	fputs("Usage: sevdbg dump [OPTIONS] -o FILE TARGET\n"
	      "\n"
	      "Write the guest's memory and vCPU state to FILE. Encrypted pages\n"
	      "are decrypted, shared pages read directly; a page that cannot be\n"
	      "read is recorded as missing, never written as ciphertext.\n"
	      "The vCPUs are stopped for the dump and resumed afterwards.\n"
	      "\n"
	      "  -o, --output FILE        where to write (created 0600 through a\n"
	      "                           temporary file; `-` = stdout, raw only)\n"
	      "  -f, --format elf|kdump|raw\n"
	      "                           elf: QEMU dump-guest-memory compatible\n"
	      "                           (default); kdump: kdump-compressed\n"
	      "                           for crash and makedumpfile; raw: one\n"
	      "                           range\n"
	      "  -d, --filter LEVEL       elf, kdump: leave out what makedumpfile\n"
	      "                           -d LEVEL leaves out, a sum of 1 zero,\n"
	      "                           2 cache, 4 cache private, 8 user and\n"
	      "                           16 free pages (31: all), decided from\n"
	      "                           the guest kernel's struct pages (found\n"
	      "                           through its VMCOREINFO): a dropped page\n"
	      "                           costs no DBG_DECRYPT; zero pages are\n"
	      "                           known only once decrypted (default 0)\n"
	      "      --codec zlib|lzo|snappy|zstd\n"
	      "                           kdump page compression (default zlib)\n"
	      "      --threads N          kdump compressor threads (default: the\n"
	      "                           online CPUs; the file is the same)\n"
	      "      --paging             elf: add PT_LOADs with the virtual\n"
	      "                           addresses of the selected vCPU\n"
	      "      --range START-END    raw: the range (or START+LEN)\n"
	      "      --virtual            raw: the range is virtual (vCPU 0)\n"
	      "      --json               print a JSON summary on stdout\n"
	      "      --keep-stopped       leave the vCPUs stopped afterwards\n",
	      f);
	cli_target_usage(f);
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
	{"filter", required_argument, NULL, 'd'},
	{"codec", required_argument, NULL, 'c'},
	{"threads", required_argument, NULL, 't'},
	{"help", no_argument, NULL, 'h'},
	CLI_TARGET_OPTIONS,
	{NULL, 0, NULL, 0},
};

static int dump_bad(const char *what, const char *val)
{
	fprintf(stderr, "sevdbg dump: bad %s '%s' (see sevdbg dump --help)\n",
		what, val);
	return -EINVAL;
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

static int dump_parse(void *args, int argc, char **argv)
{
	struct dump_args *a = args;
	uint64_t v;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+o:f:d:vh", dump_longopts,
				NULL)) != -1) {
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
				return dump_bad("--range (START-END or START+LEN)",
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
		case 'd':
			if (dump_parse_filter(optarg, &a->o.filter))
				return dump_bad("--filter (a dump level 0..31)",
						optarg);
			break;
		case 'c':
			if (dump_parse_codec(optarg, &a->o.codec))
				return dump_bad("--codec (zlib, lzo, snappy or zstd)",
						optarg);
			break;
		case 't':
			if (parse_u64(optarg, 10, &v) || !v || v > 64)
				return dump_bad("--threads (1 to 64)", optarg);
			a->o.threads = (unsigned int)v;
			break;
		case 'h':
			return 1;
		default:
			if (cli_target_option(&a->ct, c, optarg))
				return -EINVAL;
		}
	}
	if (!a->o.path) {
		fprintf(stderr, "sevdbg dump: no output file: give -o FILE\n");
		return -EINVAL;
	}
	if (cli_target_spec(&a->ct, argc, argv))
		return -EINVAL;
	dump_signals();
	return 0;
}

static void dump_report(const struct dump_args *a,
			const struct dump_result *res, int ret, const char *err)
{
	struct strbuf sb;

	if (ret)
		fprintf(stderr, "sevdbg dump: %s\n", err);
	if (a->json && strcmp(a->o.path, "-")) {
		sb_init(&sb);
		dump_result_json(res, ret ? err : NULL, &sb);
		if (sb.buf)
			printf("%s\n", sb.buf);
		sb_release(&sb);
		return;
	}
	if (ret)
		return;
	fprintf(strcmp(a->o.path, "-") ? stdout : stderr,
		"sevdbg dump: wrote %s: %llu bytes in %.2f s; pages: %llu decrypted, %llu shared, %llu missing\n",
		a->o.path, (unsigned long long)res->bytes_written, res->seconds,
		(unsigned long long)res->pages_encrypted,
		(unsigned long long)res->pages_shared,
		(unsigned long long)res->pages_missing);
	if (a->o.filter)
		fprintf(strcmp(a->o.path, "-") ? stdout : stderr,
			"sevdbg dump: --filter %u left out %llu pages (%llu zero, %llu free, %llu cache, %llu user); %llu DBG_DECRYPT calls\n",
			a->o.filter, (unsigned long long)res->pages_dropped,
			(unsigned long long)res->pages_filtered[0],
			(unsigned long long)res->pages_filtered[4],
			(unsigned long long)(res->pages_filtered[1] +
					     res->pages_filtered[2]),
			(unsigned long long)res->pages_filtered[3],
			(unsigned long long)res->decrypt_calls);
	if (res->pages_missing)
		fprintf(stderr,
			"sevdbg dump: %llu page(s) could not be read; they are marked missing in the dump (never written as ciphertext)\n",
			(unsigned long long)res->pages_missing);
}

static int dump_run(void *args, struct session *s)
{
	struct dump_args *a = args;
	struct dump_result res;
	char err[256];
	int ret;

	s->interrupted = &dump_interrupted;
	a->o.progress = isatty(STDERR_FILENO) && !a->json;
	ret = dump_write(s, &a->o, &res, err, sizeof(err));
	dump_report(a, &res, ret, err);
	s->interrupted = NULL;
	/* --keep-stopped must outlive us: no detach that resumes the guest. */
	s->t->leave_stopped = a->o.keep_stopped;
	return ret;
}

const struct cli_cmd cli_dump_cmd = {
	.name = "dump",
	.synopsis =
		"[--format elf|kdump|raw] [--filter LEVEL] [--codec C] [--threads N] [--paging] [--range START-END] [--virtual] [--json] [--keep-stopped] -o FILE TARGET",
	.args_size = sizeof(struct dump_args),
	.usage = dump_usage,
	.parse = dump_parse,
	.run = dump_run,
};
