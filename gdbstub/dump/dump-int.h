/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to the dump writer (gdbstub/dump/): the context the format
 * writers share and the page loop that reads RAM through the router.
 */
#ifndef SEVDBG_DUMP_INT_H
#define SEVDBG_DUMP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "gdbstub/dump/dump-filter.h"
#include "gdbstub/dump/dump.h"
#include "sevdbg/dumpfmt.h"
#include "sevdbg/ram.h"
#include "sevdbg/regs.h"
#include "sevdbg/target.h"
#include "sevdbg/util.h"

/* ---- the writer (gdbstub/dump*.c) ---- */
struct session;
struct strbuf;

#define DUMP_CHUNK (256 * PAGE_SIZE) /* one router_read, one write */

struct dump_ctx {
	struct session *s;
	const struct dump_opts *o;
	struct dump_result *res;
	char *err; /* dump_write's err, errlen */
	size_t errlen;
	int fd;
	bool seq;      /* fd is a pipe: write(), no offsets */
	uint64_t off;  /* next append offset */
	uint8_t *wbuf; /* append buffer, DUMP_CHUNK */
	size_t wlen;
	int nr_vcpus;
	struct regs *regs; /* nr_vcpus */
	uint64_t npages;   /* RAM end / PAGE_SIZE */
	uint8_t *encbits;  /* 1 = encrypted, npages bits */
	uint8_t *source;   /* SEVDBG_SRC_* per page */
	uint64_t pages_total, pages_done;
	uint64_t progress_ns;
	uint8_t *rbuf;			   /* read buffer, DUMP_CHUNK */
	uint8_t vmci[VMCOREINFO_MAX_DESC]; /* the guest's VMCOREINFO text */
	size_t vmci_len;		   /* 0 = none found (yet) */
	size_t vmci_off;		   /* its descriptor in the note area */
	struct vmci_mm mm;		   /* parsed from vmci (have_mm) */
	bool have_mm;
	uint8_t *drop; /* --filter: pages left out, npages bits */
};

/* Called per RAM page in gpa order; data is NULL for a missing page. */
typedef int (*dump_page_fn)(struct dump_ctx *c, uint64_t gfn,
			    const uint8_t *data, void *arg);
int dump_for_each_page(struct dump_ctx *c, dump_page_fn fn, void *arg);
int dump_append(struct dump_ctx *c, const void *buf, size_t len);
int dump_flush(struct dump_ctx *c);
int dump_pwrite(struct dump_ctx *c, const void *buf, size_t len, uint64_t off);
/* Say why in c->err (the first failure wins) and return err. */
int dump_fail(struct dump_ctx *c, int err, const char *fmt, ...) __printf(3, 4);
/* prstatus and QEMU notes for every vCPU, the guest's VMCOREINFO when
 * found (c->vmci_off), then a SEVDBG note whose descriptor (at *sevdbg_off
 * in sb) dump_sevdbg_fill writes later. Built once before the RAM pass to
 * size the area (plus DUMP_VMCI_RESERVE) and again after it. */
int dump_build_notes(struct dump_ctx *c, struct strbuf *sb, size_t *sevdbg_off);
void dump_sevdbg_fill(struct dump_ctx *c, uint8_t *desc);

#define DUMP_VMCI_RESERVE (12 + 12 + VMCOREINFO_MAX_DESC)

/* gdbstub/dump/dump-mm.c: the guest kernel, read through the router. */
int dump_find_vmcoreinfo(struct dump_ctx *c);
int dump_filter_prepare(struct dump_ctx *c);
int dump_kread(struct dump_ctx *c, uint64_t va, void *buf, size_t len);
int dump_read_utsname(struct dump_ctx *c, uint8_t *uts, size_t len);
struct walk_mapping;
int dump_kernel_image_mappings(struct dump_ctx *c,
			       int (*fn)(const struct walk_mapping *m,
					 void *arg),
			       void *arg);

/* Whether a page is all zero bytes. */
bool dump_page_is_zero(const uint8_t *p);

int dump_elf_write(struct dump_ctx *c);
int dump_kdump_write(struct dump_ctx *c);
int dump_raw_write(struct dump_ctx *c);

#endif
