// SPDX-License-Identifier: GPL-2.0-only
/*
 * The target types of the live-QEMU plugin: qemu: (attach), launch: (start
 * QEMU with the user's arguments) and demo (the bundled guest, sim).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugins/targets/qemu/qemu.h"
#include "sevdbg/target.h"

#define QEMU_SPEC \
	"qemu:QMP_SOCKET[,gdb=unix:PATH|tcp:HOST:PORT][,hc=FILE][,allow-remote-gdb=on]"

/* QMP_SOCKET[,gdb=ADDRESS][,hc=FILE][,allow-remote-gdb=on] */
static int qemu_open(const char *arg, const struct target_opts *o,
		     struct target **out, char *err, size_t errlen)
{
	struct qemu_attach a = {0};
	char *s = strdup(arg), *tok, *save = NULL;
	int rc = 0;

	if (!s)
		return -ENOMEM;
	for (tok = strtok_r(s, ",", &save); tok && !rc;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!a.qmp && !strchr(tok, '='))
			a.qmp = tok;
		else if (!strncmp(tok, "gdb=", 4))
			a.gdb = tok + 4;
		else if (!strncmp(tok, "hc=", 3))
			a.hc = tok + 3;
		else if (!strcmp(tok, "allow-remote-gdb=on"))
			a.allow_remote_gdb = true;
		else if (!strcmp(tok, "allow-remote-gdb=off"))
			a.allow_remote_gdb = false;
		else
			rc = -EINVAL;
	}
	if (rc || !a.qmp || !*a.qmp) {
		snprintf(err, errlen,
			 "usage: " QEMU_SPEC
			 " (unknown option or no QMP socket in '%s')",
			 arg);
		free(s);
		return -EINVAL;
	}
	rc = qemu_target_attach(&a, o, out, err, errlen);
	free(s);
	return rc;
}

const struct target_type qemu_target_type = {
	.prefix = "qemu",
	.usage = QEMU_SPEC "  attach to a running QEMU",
	.open = qemu_open,
};

static int launch_attach(struct qemu_launch *l, const struct target_opts *o,
			 struct target **out, char *err, size_t errlen)
{
	struct qemu_attach a = {
		.qmp = l->qmp,
		.gdb = l->gdb,
		.hc = l->hc,
		.launch = l,
	};
	int rc = qemu_target_attach(&a, o, out, err, errlen);

	if (rc) {
		qemu_launch_stop(l);
		free(l);
	}
	return rc;
}

/* "launch:QEMU_ARGS..." */
static int launch_open(const char *arg, const struct target_opts *o,
		       struct target **out, char *err, size_t errlen)
{
	struct qemu_launch *l = calloc(1, sizeof(*l));
	char **argv = NULL;
	int argc, rc;

	if (!l)
		return -ENOMEM;
	rc = qemu_split_args(arg, &argv, &argc);
	if (rc) {
		snprintf(err, errlen,
			 "cannot split the QEMU arguments '%s' (unbalanced quotes?)",
			 arg);
		free(l);
		return rc;
	}
	rc = qemu_launch_start(l, argv, o->accel, 0, err, errlen);
	if (argc)
		free(argv[0]);
	free(argv);
	if (rc) {
		free(l);
		return rc;
	}
	return launch_attach(l, o, out, err, errlen);
}

const struct target_type launch_target_type = {
	.prefix = "launch",
	.usage =
		"launch:QEMU_ARGS...  start QEMU with these arguments and attach",
	.open = launch_open,
};

/* "demo[:EXTRA_QEMU_ARGS]": the bundled test guest, under the sim. */
static int demo_open(const char *arg, const struct target_opts *o,
		     struct target **out, char *err, size_t errlen)
{
	struct qemu_launch *l = calloc(1, sizeof(*l));
	char guest[256], *cmd = NULL, **argv = NULL;
	struct target_opts so = *o;
	int argc, rc;

	if (!l)
		return -ENOMEM;
	if (qemu_demo_guest(guest, sizeof(guest))) {
		snprintf(err, errlen,
			 "the demo guest is missing (%s): run 'make' in the source tree or set SEVDBG_GUEST",
			 guest);
		free(l);
		return -ENOENT;
	}
	if (asprintf(&cmd,
		     "-kernel '%s' -smp 2 -m 128M -nodefaults -display none -machine q35 -cpu max %s",
		     guest, arg ? arg : "") < 0)
		cmd = NULL;
	rc = cmd ? qemu_split_args(cmd, &argv, &argc) : -ENOMEM;
	free(cmd);
	if (!rc)
		rc = qemu_launch_start(l, argv, o->accel,
				       QEMU_LAUNCH_SERIAL_LOG, err, errlen);
	if (argv)
		free(argv[0]);
	free(argv);
	if (rc) {
		free(l);
		return rc;
	}
	/* Attach once the guest is in its main loop (attaching stops it). */
	if (qemu_launch_wait_serial(l, "sevdbg-guest: ready", 60000))
		pr_warn("the demo guest did not print 'sevdbg-guest: ready' (see %s)",
			l->serial);
	so.force_sim = true;
	rc = launch_attach(l, &so, out, err, errlen);
	if (!rc)
		snprintf((*out)->guest_elf, sizeof((*out)->guest_elf), "%s",
			 guest);
	return rc;
}

const struct target_type demo_target_type = {
	.prefix = "demo",
	.usage = "demo[:QEMU_ARGS]  the bundled test guest under the sim",
	.open = demo_open,
};
