/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `sevdbg audit`: what the host sees of a guest. Its shared ranges, the
 * mappings whose C-bit disagrees with the bitmap, and secrets in shared pages.
 */
#ifndef SEVDBG_AUDIT_H
#define SEVDBG_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gdbstub/audit/audit-scan.h"

struct session;
struct strbuf;

/* A guest symbol where the guest has it (KASLR applied by the caller). */
struct audit_sym {
	const char *name;
	uint64_t addr, size;
};

struct audit_range {
	uint64_t start, end; /* [start, end) */
};

struct audit_opts {
	const struct audit_sym *syms; /* any order; may be NULL */
	size_t nr_syms;
	const struct audit_pattern *patterns;
	size_t nr_patterns;
	/* Virtual ranges whose mappings may disagree with the bitmap: the
	 * guest meant it. Listed as allowed, not counted as findings. */
	const struct audit_range *allow_va;
	size_t nr_allow_va;
};

enum audit_kind {
	AUDIT_MAPPING, /* a mapping's C-bit disagrees with the bitmap */
	AUDIT_NO_CBIT, /* no mapping sets the C-bit at all */
	AUDIT_PATTERN, /* a --pattern in a shared page */
	AUDIT_KEY,     /* key-like bytes in a shared page */
};

struct audit_finding {
	enum audit_kind kind;
	uint64_t va;			 /* AUDIT_MAPPING */
	uint64_t pa;			 /* guest-physical start */
	uint64_t size;			 /* bytes */
	bool pte_cbit, bitmap_encrypted; /* AUDIT_MAPPING */
	bool allowed;			 /* inside an --allow-va range */
	int root;	/* AUDIT_MAPPING: first page table (report->roots) */
	int nroots;	/* ... and in how many it is */
	size_t pattern; /* AUDIT_PATTERN: index into opts->patterns */
};

/* What names a shared range: a symbol, or a buffer found through one. */
struct audit_label {
	const char *name;
	uint64_t va, pa, size; /* va 0: not a symbol's own address */
};

struct audit_shared {
	uint64_t start, end;	  /* guest-physical, page aligned */
	size_t label0, nr_labels; /* report->labels[label0 ..] */
};

#define AUDIT_MAX_ROOTS 65 /* every vCPU and the kernel's own */

struct audit_root {
	uint64_t cr3;
	char what[40];		      /* "vCPU 0, 1", "init_top_pgt" */
	uint64_t leaves, cbit_leaves; /* leaf mappings of RAM, with C-bit */
};

struct audit_report {
	const char *platform;
	unsigned int cbit;
	const char *note; /* a caveat about the bitmap, or NULL */
	struct audit_shared *shared;
	size_t nr_shared;
	uint64_t shared_pages;
	struct audit_label *labels; /* by pa */
	size_t nr_labels, cap_labels;
	struct audit_root roots[AUDIT_MAX_ROOTS];
	int nr_roots;
	char no_roots[160]; /* why no page table was walked ("" if some) */
	struct audit_finding *findings;
	size_t nr_findings, cap_findings;
	uint64_t pages_scanned, pages_bulk, pages_unread;
};

/*
 * Stop the guest (live targets), audit it, resume it. 0 (the report is
 * complete; it may hold findings) or -errno with the reason in err.
 */
int audit_run(struct session *s, const struct audit_opts *o,
	      struct audit_report *rep, char *err, size_t errlen);
void audit_report_free(struct audit_report *rep);
/* Findings that count (not allowed). */
size_t audit_nr_findings(const struct audit_report *rep);

/* For people, and one JSON object for scripts (no trailing newline). */
void audit_report_text(const struct audit_report *rep,
		       const struct audit_opts *o, struct strbuf *out);
int audit_report_json(const struct audit_report *rep,
		      const struct audit_opts *o, struct strbuf *out);

#endif
