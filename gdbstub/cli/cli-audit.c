// SPDX-License-Identifier: GPL-2.0-only
/*
 * The `sevdbg audit` subcommand: options, the guest's symbols where it has
 * them, one audit_run(), the report; exit 0 clean, 1 findings, 2 error.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdbstub/audit/audit.h"
#include "gdbstub/cli/cli.h"
#include "gdbstub/cmd/cmd.h"
#include "gdbstub/cmd/sym.h"
#include "gdbstub/mem/session.h"
#include "sevdbg/util.h"

#define AUDIT_MAX_PATTERNS 32
#define AUDIT_MAX_ALLOW	   32
#define STOP_TIMEOUT_MS	   10000

struct audit_args {
	struct cli_target ct; /* first: see struct cli_cmd */
	struct cmd_env env;   /* --symbols */
	struct audit_pattern pats[AUDIT_MAX_PATTERNS];
	uint8_t *pat_bytes[AUDIT_MAX_PATTERNS];
	size_t nr_pats;
	struct audit_range allow[AUDIT_MAX_ALLOW];
	size_t nr_allow;
	bool json;
};

/*
 * A signal reaches the audit only through storage the handler can name:
 * the audit stops at the next step and the guest is resumed, not left
 * paused by a process that died.
 */
static volatile int audit_interrupted;

static void audit_on_signal(int sig)
{
	audit_interrupted = sig;
}

static void audit_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = audit_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static void audit_usage(FILE *f)
{
	fputs("Usage: sevdbg audit [OPTIONS] TARGET\n"
	      "\n"
	      "What does the host see? Reports every range the page-encryption\n"
	      "bitmap marks shared (with the guest symbols in it), every mapping\n"
	      "in the vCPUs' and the kernel's page tables whose C-bit disagrees\n"
	      "with the bitmap, and secrets in shared pages: the --pattern\n"
	      "strings and key-like runs of 16 to 64 random-looking bytes\n"
	      "(located, never printed). The guest is stopped meanwhile.\n"
	      "Exit status: 0 clean, 1 findings, 2 error.\n"
	      "\n"
	      "  -s, --symbols ELF      the guest kernel's symbols: names for the\n"
	      "                         shared ranges (Linux: __bss_decrypted,\n"
	      "                         swiotlb, kvmclock...) and init_top_pgt\n"
	      "  -p, --pattern STRING|0xHEX\n"
	      "                         a secret to look for in shared pages\n"
	      "                         (repeatable, up to 32)\n"
	      "      --allow-va START-END|START+LEN\n"
	      "                         mappings in this virtual range may\n"
	      "                         disagree with the bitmap: the guest meant\n"
	      "                         it (listed as allowed; repeatable)\n"
	      "      --json             one JSON object on stdout\n",
	      f);
	cli_target_usage(f);
}

static const struct option audit_longopts[] = {
	{"symbols", required_argument, NULL, 's'},
	{"pattern", required_argument, NULL, 'p'},
	{"allow-va", required_argument, NULL, 'a'},
	{"json", no_argument, NULL, 'j'},
	{"help", no_argument, NULL, 'h'},
	CLI_TARGET_OPTIONS,
	{NULL, 0, NULL, 0},
};

static int audit_add_pattern(struct audit_args *a, const char *s)
{
	char err[160];
	size_t len;

	if (a->nr_pats == AUDIT_MAX_PATTERNS) {
		fprintf(stderr, "sevdbg audit: more than %d --pattern\n",
			AUDIT_MAX_PATTERNS);
		return -EINVAL;
	}
	if (audit_pattern_parse(s, &a->pat_bytes[a->nr_pats], &len, err,
				sizeof(err))) {
		fprintf(stderr, "sevdbg audit: %s\n", err);
		return -EINVAL;
	}
	a->pats[a->nr_pats].bytes = a->pat_bytes[a->nr_pats];
	a->pats[a->nr_pats].len = len;
	a->pats[a->nr_pats++].text = s;
	return 0;
}

static int audit_add_allow(struct audit_args *a, const char *s)
{
	struct audit_range *r = &a->allow[a->nr_allow];

	if (a->nr_allow == AUDIT_MAX_ALLOW ||
	    parse_range(s, &r->start, &r->end) || r->start >= r->end) {
		fprintf(stderr,
			"sevdbg audit: bad --allow-va '%s' (START-END or START+LEN, at most %d)\n",
			s, AUDIT_MAX_ALLOW);
		return -EINVAL;
	}
	a->nr_allow++;
	return 0;
}

static int audit_parse(void *args, int argc, char **argv)
{
	struct audit_args *a = args;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+s:p:vh", audit_longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 's':
			if (cli_load_symbols(&a->env, "audit", optarg))
				return -EINVAL;
			break;
		case 'p':
			if (audit_add_pattern(a, optarg))
				return -EINVAL;
			break;
		case 'a':
			if (audit_add_allow(a, optarg))
				return -EINVAL;
			break;
		case 'j':
			a->json = true;
			break;
		case 'h':
			return 1;
		default:
			if (cli_target_option(&a->ct, c, optarg))
				return -EINVAL;
		}
	}
	if (cli_target_spec(&a->ct, argc, argv))
		return -EINVAL;
	audit_signals();
	return 0;
}

/* The symbols that are addresses (not per-CPU offsets), relocated. */
static int audit_syms(struct audit_args *a, struct session *s,
		      struct audit_sym **out, size_t *nr)
{
	size_t i, n = sym_count(a->env.syms);
	const struct sym *sym;

	*out = NULL;
	*nr = 0;
	if (!a->env.syms)
		return 0;
	cmd_env_relocate(s, &a->env);
	*out = calloc(n ? n : 1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		sym = sym_nth(a->env.syms, i);
		if (sym && !sym->offset)
			(*out)[(*nr)++] =
				(struct audit_sym){sym->name, sym->addr,
						   sym->size};
	}
	return 0;
}

static int audit_print(const struct audit_args *a,
		       const struct audit_report *rep,
		       const struct audit_opts *o)
{
	struct strbuf sb;
	int ret = 0;

	sb_init(&sb);
	if (a->json)
		ret = audit_report_json(rep, o, &sb);
	else
		audit_report_text(rep, o, &sb);
	if (!ret && sb.buf)
		printf("%s%s", sb.buf, a->json ? "\n" : "");
	sb_release(&sb);
	if (ret || sb.oom)
		fprintf(stderr, "sevdbg audit: out of memory\n");
	return ret || sb.oom ? -ENOMEM : 0;
}

static int audit_cli_run(void *args, struct session *s)
{
	struct audit_args *a = args;
	struct audit_opts o = {.patterns = a->pats,
			       .nr_patterns = a->nr_pats,
			       .allow_va = a->allow,
			       .nr_allow_va = a->nr_allow};
	struct audit_report rep;
	struct audit_sym *syms = NULL;
	bool stopped = false;
	char err[256] = "";
	int ret;

	s->interrupted = &audit_interrupted;
	/* Stopped before the symbols move to the guest's KASLR offset. */
	ret = session_stop_guest(s, STOP_TIMEOUT_MS, &stopped, err,
				 sizeof(err));
	if (!ret)
		ret = audit_syms(a, s, &syms, &o.nr_syms);
	o.syms = syms;
	if (!ret)
		ret = audit_run(s, &o, &rep, err, sizeof(err));
	if (stopped && session_resume_guest(s))
		fprintf(stderr, "sevdbg audit: resuming the guest failed\n");
	s->interrupted = NULL;
	if (ret) {
		fprintf(stderr, "sevdbg audit: %s\n",
			err[0] ? err : strerror(-ret));
		free(syms);
		return ret;
	}
	ret = audit_print(a, &rep, &o);
	if (!ret)
		ret = audit_nr_findings(&rep) ? 1 : 0;
	audit_report_free(&rep);
	free(syms);
	return ret;
}

static void audit_release(void *args)
{
	struct audit_args *a = args;
	size_t i;

	for (i = 0; i < a->nr_pats; i++)
		free(a->pat_bytes[i]);
	sym_free(a->env.syms);
}

const struct cli_cmd cli_audit_cmd = {
	.name = "audit",
	.synopsis =
		"[--symbols ELF] [--pattern STRING|0xHEX]... [--allow-va RANGE]... [--json] TARGET",
	.args_size = sizeof(struct audit_args),
	.usage = audit_usage,
	.parse = audit_parse,
	.run = audit_cli_run,
	.release = audit_release,
	.error_status = 2,
};
