/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to gdbstub/audit/: one audit's context and the steps audit.c
 * runs in order (shared ranges, page tables, symbols, the secrets scan).
 */
#ifndef SEVDBG_AUDIT_INT_H
#define SEVDBG_AUDIT_INT_H

#include <stdarg.h>

#include "gdbstub/audit/audit.h"
#include "gdbstub/mem/walk.h"
#include "sevdbg/bitmap.h"
#include "sevdbg/util.h"

struct audit_ctx {
	struct session *s;
	const struct audit_opts *o;
	struct audit_report *rep;
	struct walk_cpu cpus[AUDIT_MAX_ROOTS]; /* rep->roots[i]'s paging */
	struct bitmap bm; /* the router's, copied once the guest stopped */
	char *err;
	size_t errlen;
};

/* Say why in x->err (the first failure wins) and return err. */
int audit_fail(struct audit_ctx *x, int err, const char *fmt, ...)
	__printf(3, 4);
int audit_add_finding(struct audit_report *rep, const struct audit_finding *f);
/* Whether guest-physical page gfn is RAM the bitmap calls shared. */
bool audit_page_shared(struct audit_ctx *x, uint64_t gfn);

/* Ctrl-C: -EINTR (and why) once the user asked to stop. */
int audit_check_interrupt(struct audit_ctx *x);

/* audit-maps.c */
int audit_roots(struct audit_ctx *x);
/* The root that maps the kernel: its own tables if known, else vCPU 0's. */
int audit_kernel_root(const struct audit_ctx *x);
int audit_mappings(struct audit_ctx *x);
int audit_labels(struct audit_ctx *x);

#endif
