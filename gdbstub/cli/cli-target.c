// SPDX-License-Identifier: GPL-2.0-only
/*
 * What serve, dump and shell share on their command lines: the --sim*
 * knobs, --read-only, --accel, -v, the TARGET words, and their --help.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gdbstub/cli/cli.h"
#include "sevdbg/util.h"

void cli_target_init(struct cli_target *ct, const char *cmd)
{
	memset(ct, 0, sizeof(*ct));
	ct->cmd = cmd;
	ct->sim.cbit = 52;
	ct->sim.hc_fd = -1;
	ct->sim.launched = true;
	ct->sim.latency_us = SIM_DEFAULT_LATENCY_US;
	ct->topts.sim = &ct->sim;
}

void cli_target_release(struct cli_target *ct)
{
	free(ct->spec_buf);
	free(ct->dump_dir);
	ct->spec_buf = NULL;
	ct->dump_dir = NULL;
}

/* 16 raw bytes, or 32 hex digits and an optional newline. */
static int cli_read_key(const char *path, uint8_t key[16])
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

static int cli_bad(const struct cli_target *ct, const char *opt,
		   const char *val, const char *want)
{
	fprintf(stderr, "sevdbg %s: bad value '%s' for --%s: %s\n", ct->cmd,
		val, opt, want);
	return -EINVAL;
}

static int cli_sim_option(struct cli_target *ct, int c, const char *arg)
{
	uint64_t v;

	switch (c) {
	case CLI_OPT_SIM_CBIT:
		if (parse_u64(arg, 0, &v) || v < 1 || v > 63)
			return cli_bad(ct, "sim-cbit", arg,
				       "a bit from 1 to 63");
		ct->sim.cbit = (unsigned int)v;
		return 0;
	case CLI_OPT_SIM_POLICY:
		if (strcmp(arg, "nodbg") && strcmp(arg, "dbg"))
			return cli_bad(ct, "sim-policy", arg, "nodbg or dbg");
		ct->sim.policy = strcmp(arg, "nodbg") ? 0 : SEV_POLICY_NODBG;
		return 0;
	case CLI_OPT_SIM_BITMAP:
		if (strcmp(arg, "tracked") && strcmp(arg, "untracked"))
			return cli_bad(ct, "sim-bitmap", arg,
				       "tracked or untracked");
		ct->sim.bitmap_untracked = !strcmp(arg, "untracked");
		return 0;
	case CLI_OPT_SIM_KEY:
		if (cli_read_key(arg, ct->key))
			return cli_bad(ct, "sim-key", arg,
				       "a file of 16 raw bytes or 32 hex digits");
		ct->sim.key = ct->key;
		return 0;
	case CLI_OPT_SIM_REGS:
		if (strcmp(arg, "none") && strcmp(arg, "qemu"))
			return cli_bad(ct, "sim-regs", arg, "none or qemu");
		ct->sim.no_regs = !strcmp(arg, "none");
		return 0;
	default:
		if (parse_u64(arg, 0, &v) || v > 10000000)
			return cli_bad(ct, "sim-latency", arg,
				       "microseconds, at most 10000000");
		ct->sim.latency_us = (unsigned int)v;
		return 0;
	}
}

int cli_target_option(struct cli_target *ct, int c, const char *arg)
{
	switch (c) {
	case CLI_OPT_SIM:
		ct->topts.force_sim = true;
		return 0;
	case CLI_OPT_READ_ONLY:
		ct->topts.read_only = true;
		return 0;
	case CLI_OPT_SIM_ES:
		ct->sim.es = true;
		return 0;
	case CLI_OPT_ALLOW_PARTIAL:
		ct->topts.allow_partial = true;
		return 0;
	case CLI_OPT_BITMAP:
		if (strcmp(arg, "auto") && strcmp(arg, "page-tables"))
			return cli_bad(ct, "bitmap", arg,
				       "auto or page-tables");
		ct->topts.bitmap_page_tables = !strcmp(arg, "page-tables");
		return 0;
	case CLI_OPT_ACCEL:
		if (strcmp(arg, "tcg") && strcmp(arg, "kvm"))
			return cli_bad(ct, "accel", arg, "tcg or kvm");
		ct->topts.accel = arg;
		return 0;
	case 'v':
		ct->topts.verbose = true;
		log_set_level(LOG_DEBUG);
		return 0;
	case CLI_OPT_SIM_CBIT:
	case CLI_OPT_SIM_POLICY:
	case CLI_OPT_SIM_KEY:
	case CLI_OPT_SIM_LATENCY:
	case CLI_OPT_SIM_REGS:
	case CLI_OPT_SIM_BITMAP:
		return cli_sim_option(ct, c, arg);
	}
	/* getopt has already named the unknown option or missing value. */
	fprintf(stderr, "sevdbg %s: see sevdbg %s --help\n", ct->cmd, ct->cmd);
	return -EINVAL;
}

int cli_target_spec(struct cli_target *ct, int argc, char **argv)
{
	struct strbuf sb;
	int i;

	if (optind >= argc) {
		fprintf(stderr,
			"sevdbg %s: no TARGET given (see sevdbg %s --help)\n",
			ct->cmd, ct->cmd);
		return -EINVAL;
	}
	ct->spec = argv[optind];
	if (optind + 1 == argc)
		return 0;
	if (strncmp(ct->spec, "launch:", 7)) {
		fprintf(stderr,
			"sevdbg %s: one TARGET only, got '%s' after '%s'\n",
			ct->cmd, argv[optind + 1], ct->spec);
		return -EINVAL;
	}
	/* launch:QEMU_ARGS may span several words: join them. */
	sb_init(&sb);
	for (i = optind; i < argc; i++)
		sb_printf(&sb, "%s%s", i > optind ? " " : "", argv[i]);
	if (sb.oom) {
		sb_release(&sb);
		return -ENOMEM;
	}
	ct->spec_buf = sb.buf;
	ct->spec = sb.buf;
	return 0;
}

int cli_target_open(struct cli_target *ct, struct target **t)
{
	char err[512] = "";
	int ret = target_open(ct->spec, &ct->topts, t, err, sizeof(err));

	if (ret)
		fprintf(stderr, "sevdbg %s: cannot open %s: %s\n", ct->cmd,
			ct->spec, err[0] ? err : strerror(-ret));
	return ret;
}

void cli_target_usage(FILE *f)
{
	const struct target_type *const *types;
	size_t nr, i;

	fputs("      --sim                use the SEV simulator even where SEV exists\n"
	      "      --read-only          refuse every write to the guest\n"
	      "      --allow-partial      serve a QEMU whose RAM is partly not\n"
	      "                           shareable: reads of those backends\n"
	      "                           fail, naming them (default: refuse)\n"
	      "      --accel tcg|kvm      QEMU accelerator for launched guests\n"
	      "                           (default: kvm only on hardware-backed KVM)\n"
	      "      --bitmap page-tables find shared pages from the guest's page\n"
	      "                           tables even where the kernel keeps a\n"
	      "                           bitmap (what a host without the series\n"
	      "                           does; default auto: the kernel's bitmap\n"
	      "                           once the guest has reported to it)\n"
	      "      --sim-cbit N         simulated C-bit position (default 52)\n"
	      "      --sim-policy nodbg   simulate a guest whose policy forbids\n"
	      "                           debugging (every DBG_DECRYPT fails)\n"
	      "      --sim-key FILE       16-byte AES key (raw or 32 hex digits)\n"
	      "      --sim-es             simulate an SEV-ES guest: registers only\n"
	      "                           from its encrypted VMSA; no single-step,\n"
	      "                           no breakpoints (as KVM refuses them)\n"
	      "      --sim-bitmap untracked\n"
	      "                           simulate a guest whose page-encryption\n"
	      "                           hypercalls never reach the kernel's bitmap\n"
	      "                           (nr_ranges 0): shared pages are found from\n"
	      "                           the page tables (default: tracked)\n"
	      "      --sim-latency US     microseconds per simulated firmware command;\n"
	      "                           commands run one at a time, as on the\n"
	      "                           PSP (default 10: an assumption, see\n"
	      "                           sevdbg(1); 0 = free)\n"
	      "      --sim-regs none      an SEV-ES host without the VMSA command:\n"
	      "                           no vCPU registers at all; a Linux guest's\n"
	      "                           virtual addresses go through its\n"
	      "                           VMCOREINFO; gdb needs `set non-stop on`\n"
	      "                           (default: qemu, from QEMU)\n"
	      "  -v, --verbose            debug messages on stderr\n"
	      "  -h, --help               this text\n"
	      "\nTARGET:\n",
	      f);
	types = target_types(&nr);
	for (i = 0; types && i < nr; i++)
		fprintf(f, "  %-8s %s\n", types[i]->prefix, types[i]->usage);
}
