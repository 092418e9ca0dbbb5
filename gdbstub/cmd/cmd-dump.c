// SPDX-License-Identifier: GPL-2.0-only
/*
 * The `dump` command: option words to struct dump_opts, then the dump
 * writer (gdbstub/dump.c) does the work and reports what it wrote.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "gdbstub/cmd/cmd-int.h"
#include "gdbstub/dump/dump.h"
#include "gdbstub/mem/session.h"

#define X(v) ((unsigned long long)(v))

/*
 * gdb's user may be anyone who can reach the socket: a dump from the
 * monitor goes only into the --dump-dir given to serve, by plain name.
 */
static int dump_monitor_path(struct cmd_ctx *ctx, struct dump_opts *o,
			     char *buf, size_t len)
{
	const char *dir = ctx->s->dump_dir;
	int n;

	if (!dir)
		return cmd_err(ctx, -EPERM,
			       "dumps from gdb are off: start sevdbg serve with --dump-dir DIR to allow them (written there by name), or use sevdbg dump");
	if (strchr(o->path, '/') || o->path[0] == '.' || !o->path[0])
		return cmd_err(ctx, -EINVAL,
			       "`%s`: from gdb, give a plain file name; it is written in %s",
			       o->path, dir);
	n = snprintf(buf, len, "%s/%s", dir, o->path);
	if (n < 0 || (size_t)n >= len)
		return cmd_err(ctx, -ENAMETOOLONG, "dump path too long");
	o->path = buf;
	return 0;
}

static int dump_parse(struct cmd_ctx *ctx, int argc, char **argv,
		      struct dump_opts *o)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *w = argv[i];

		if (!strcmp(w, "--paging")) {
			o->paging = true;
		} else if (!strcmp(w, "--virt")) {
			o->virt = true;
		} else if (!strcmp(w, "--keep-stopped")) {
			o->keep_stopped = true;
		} else if (!strcmp(w, "--format") || !strcmp(w, "--range")) {
			if (++i == argc)
				return cmd_err(ctx, -EINVAL, "%s needs a value",
					       w);
			if (w[2] == 'f' &&
			    dump_parse_format(argv[i], &o->format))
				return cmd_err(ctx, -EINVAL,
					       "unknown format `%s`: elf, kdump or raw",
					       argv[i]);
			if (w[2] == 'r' &&
			    cmd_parse_range(ctx, argv[i], &o->start, &o->end))
				return -EINVAL;
			o->has_range |= w[2] == 'r';
		} else if (w[0] == '-' && w[1]) {
			return cmd_err(ctx, -EINVAL, "unknown option `%s`", w);
		} else if (o->path) {
			return cmd_err(ctx, -EINVAL, "one output PATH only");
		} else {
			o->path = w;
		}
	}
	if (!o->path)
		return cmd_usage(ctx, "dump");
	return 0;
}

CMD_FN(dump)
{
	struct dump_opts o = {.format = DUMP_FMT_ELF};
	struct dump_result res;
	char path[PATH_MAX], err[256];
	int ret;

	ret = dump_parse(ctx, argc, argv, &o);
	if (!ret && ctx->monitor)
		ret = dump_monitor_path(ctx, &o, path, sizeof(path));
	if (ret)
		return ret;
	o.progress = !ctx->monitor && isatty(STDERR_FILENO);
	ret = dump_write(ctx->s, &o, &res, err, sizeof(err));
	if (ret)
		return cmd_err(ctx, ret, "%s", err[0] ? err : strerror(-ret));
	if (ctx->json) {
		dump_result_json(&res, NULL, ctx->out);
		sb_putc(ctx->out, '\n');
		return 0;
	}
	sb_printf(ctx->out,
		  "wrote %s: %llu bytes in %.2f s; %llu pages decrypted, %llu shared, %llu missing\n",
		  o.path, X(res.bytes_written), res.seconds,
		  X(res.pages_encrypted), X(res.pages_shared),
		  X(res.pages_missing));
	if (res.pages_missing)
		sb_puts(ctx->out,
			"  missing pages could not be decrypted (see `stats`); they are marked missing, never written as ciphertext\n");
	return 0;
}
