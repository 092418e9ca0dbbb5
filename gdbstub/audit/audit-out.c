// SPDX-License-Identifier: GPL-2.0-only
/*
 * The report of `sevdbg audit`, as text for people and as one JSON object
 * for scripts. Secrets are located (address, length), never printed.
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "gdbstub/audit/audit.h"
#include "sevdbg/ram.h"
#include "sevdbg/util.h"

#define X(v)		((unsigned long long)(v))
#define TEXT_MAX_LABELS 8    /* names per shared range in the text */
#define TEXT_MAX_LINES	64   /* findings of one kind in the text */
#define JSON_MAX_LABELS 1024 /* names per shared range in JSON */

static const char *const kind_name[] = {
	[AUDIT_MAPPING] = "mapping",
	[AUDIT_NO_CBIT] = "no-cbit",
	[AUDIT_PATTERN] = "pattern",
	[AUDIT_KEY] = "key-like",
};

/* "<name+0x10>" of the label that holds pa, if any. */
static const struct audit_label *label_at(const struct audit_report *rep,
					  uint64_t pa)
{
	const struct audit_label *best = NULL;
	size_t i;

	for (i = 0; i < rep->nr_labels; i++) {
		const struct audit_label *l = &rep->labels[i];

		if (pa >= l->pa && pa < l->pa + MAX(l->size, 1))
			best = l; /* the innermost: labels are by pa */
	}
	return best;
}

static void text_where(struct strbuf *out, const struct audit_report *rep,
		       uint64_t pa)
{
	const struct audit_label *l = label_at(rep, pa);

	if (l && pa == l->pa)
		sb_printf(out, " <%s>", l->name);
	else if (l)
		sb_printf(out, " <%s+0x%llx>", l->name, X(pa - l->pa));
}

static void text_shared(const struct audit_report *rep, struct strbuf *out)
{
	size_t i, k;

	sb_printf(out, "shared ranges (bitmap): %zu, %llu pages\n",
		  rep->nr_shared, X(rep->shared_pages));
	for (i = 0; i < rep->nr_shared; i++) {
		const struct audit_shared *sh = &rep->shared[i];

		sb_printf(out, "  0x%012llx-0x%012llx %8llu pages",
			  X(sh->start), X(sh->end),
			  X((sh->end - sh->start) >> PAGE_SHIFT));
		for (k = 0; k < sh->nr_labels && k < TEXT_MAX_LABELS; k++)
			sb_printf(out, "%s%s", k ? ", " : "  ",
				  rep->labels[sh->label0 + k].name);
		if (sh->nr_labels > TEXT_MAX_LABELS)
			sb_printf(out, ", ... (%zu names)", sh->nr_labels);
		sb_putc(out, '\n');
	}
}

static void text_roots(const struct audit_report *rep, struct strbuf *out)
{
	int i;

	if (!rep->nr_roots) {
		sb_printf(out, "page tables: none walked: %s\n", rep->no_roots);
		return;
	}
	sb_printf(out, "page tables: %d (deduplicated by CR3)\n",
		  rep->nr_roots);
	for (i = 0; i < rep->nr_roots; i++)
		sb_printf(out,
			  "  CR3 0x%llx (%s): %llu leaf mappings of RAM, %llu with the C-bit\n",
			  X(rep->roots[i].cr3), rep->roots[i].what,
			  X(rep->roots[i].leaves),
			  X(rep->roots[i].cbit_leaves));
}

static void text_finding(const struct audit_report *rep,
			 const struct audit_opts *o,
			 const struct audit_finding *f, struct strbuf *out)
{
	sb_puts(out, f->allowed ? "  allowed " : "  FINDING ");
	switch (f->kind) {
	case AUDIT_MAPPING:
		sb_printf(out,
			  "va 0x%016llx pa 0x%012llx %llu pages: PTE C-bit %s, bitmap says %s (CR3 0x%llx%s)",
			  X(f->va), X(f->pa), X(f->size >> PAGE_SHIFT),
			  f->pte_cbit ? "set" : "clear",
			  f->bitmap_encrypted ? "encrypted" : "shared",
			  X(rep->roots[f->root].cr3),
			  f->nroots > 1 ? " and others" : "");
		break;
	case AUDIT_NO_CBIT:
		sb_printf(out,
			  "no mapping of RAM sets the C-bit (bit %u): the guest does not run as an SEV guest, or the C-bit position is wrong; every private page is mapped as shared",
			  rep->cbit);
		break;
	case AUDIT_PATTERN:
		sb_printf(out, "pattern %zu (%zu bytes) at pa 0x%llx",
			  f->pattern + 1, o->patterns[f->pattern].len,
			  X(f->pa));
		text_where(out, rep, f->pa);
		break;
	case AUDIT_KEY:
		sb_printf(out, "key-like %llu bytes at pa 0x%llx", X(f->size),
			  X(f->pa));
		text_where(out, rep, f->pa);
		break;
	}
	sb_putc(out, '\n');
}

static void text_findings(const struct audit_report *rep,
			  const struct audit_opts *o, bool mappings,
			  struct strbuf *out)
{
	size_t i, n = 0;

	for (i = 0; i < rep->nr_findings; i++) {
		const struct audit_finding *f = &rep->findings[i];

		if ((f->kind == AUDIT_MAPPING || f->kind == AUDIT_NO_CBIT) !=
		    mappings)
			continue;
		if (n++ < TEXT_MAX_LINES)
			text_finding(rep, o, f, out);
	}
	if (!n)
		sb_puts(out, "  none\n");
	if (n > TEXT_MAX_LINES)
		sb_printf(out, "  ... %zu more (--json lists them all)\n",
			  n - TEXT_MAX_LINES);
}

void audit_report_text(const struct audit_report *rep,
		       const struct audit_opts *o, struct strbuf *out)
{
	size_t n = audit_nr_findings(rep);

	sb_printf(out, "platform: %s, C-bit %u\n", rep->platform, rep->cbit);
	if (rep->note)
		sb_printf(out, "note: %s\n", rep->note);
	text_shared(rep, out);
	text_roots(rep, out);
	sb_puts(out, "mappings whose C-bit disagrees with the bitmap:\n");
	text_findings(rep, o, true, out);
	sb_printf(out,
		  "secrets in shared pages: %llu pages scanned, %llu bulk (high-entropy throughout: not searched for keys), %llu unreadable; %zu pattern(s)\n",
		  X(rep->pages_scanned), X(rep->pages_bulk),
		  X(rep->pages_unread), o->nr_patterns);
	text_findings(rep, o, false, out);
	sb_printf(out, "result: %zu finding%s%s\n", n, n == 1 ? "" : "s",
		  n ? "" : " (clean)");
}

/* Addresses as "0x..." strings: JSON numbers are signed 64-bit in jansson
 * and doubles in most readers, and kernel addresses fit neither. */
static json_t *json_addr(uint64_t a)
{
	return json_sprintf("0x%llx", X(a));
}

static json_t *json_labels(const struct audit_report *rep,
			   const struct audit_shared *sh)
{
	json_t *a = json_array();
	size_t k;

	for (k = 0; a && k < sh->nr_labels && k < JSON_MAX_LABELS; k++) {
		const struct audit_label *l = &rep->labels[sh->label0 + k];
		json_t *o = json_pack("{s:s, s:o, s:I}", "name", l->name, "pa",
				      json_addr(l->pa), "size",
				      (json_int_t)l->size);

		if (o && l->va)
			json_object_set_new(o, "address", json_addr(l->va));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *json_shared(const struct audit_report *rep)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < rep->nr_shared; i++) {
		const struct audit_shared *sh = &rep->shared[i];

		json_array_append_new(a,
				      json_pack("{s:o, s:o, s:I, s:o}", "start",
						json_addr(sh->start), "end",
						json_addr(sh->end), "pages",
						(json_int_t)((sh->end -
							      sh->start) >>
							     PAGE_SHIFT),
						"symbols",
						json_labels(rep, sh)));
	}
	return a;
}

static json_t *json_roots(const struct audit_report *rep)
{
	json_t *a = json_array();
	int i;

	for (i = 0; a && i < rep->nr_roots; i++)
		json_array_append_new(a,
				      json_pack("{s:o, s:s, s:I, s:I}", "cr3",
						json_addr(rep->roots[i].cr3),
						"used_by", rep->roots[i].what,
						"leaves",
						(json_int_t)rep->roots[i].leaves,
						"cbit_leaves",
						(json_int_t)rep->roots[i]
							.cbit_leaves));
	return a;
}

static json_t *json_finding(const struct audit_report *rep,
			    const struct audit_finding *f)
{
	const struct audit_label *l = label_at(rep, f->pa);
	json_t *o =
		json_pack("{s:s, s:b, s:I}", "kind", kind_name[f->kind],
			  "allowed", f->allowed, "size", (json_int_t)f->size);

	if (!o)
		return NULL;
	if (f->kind != AUDIT_NO_CBIT)
		json_object_set_new(o, "pa", json_addr(f->pa));
	if (f->kind == AUDIT_MAPPING) {
		json_object_set_new(o, "va", json_addr(f->va));
		json_object_set_new(o, "pte_cbit", json_boolean(f->pte_cbit));
		json_object_set_new(o, "bitmap_encrypted",
				    json_boolean(f->bitmap_encrypted));
		json_object_set_new(o, "cr3",
				    json_addr(rep->roots[f->root].cr3));
		json_object_set_new(o, "page_tables", json_integer(f->nroots));
	}
	if (f->kind == AUDIT_PATTERN)
		json_object_set_new(o, "pattern",
				    json_integer((json_int_t)f->pattern + 1));
	if ((f->kind == AUDIT_PATTERN || f->kind == AUDIT_KEY) && l) {
		json_object_set_new(o, "symbol", json_string(l->name));
		json_object_set_new(o, "offset",
				    json_integer((json_int_t)(f->pa - l->pa)));
	}
	return o;
}

int audit_report_json(const struct audit_report *rep,
		      const struct audit_opts *o, struct strbuf *out)
{
	json_t *fa = json_array(), *j;
	char *text;
	size_t i;

	for (i = 0; fa && i < rep->nr_findings; i++)
		json_array_append_new(fa, json_finding(rep, &rep->findings[i]));
	j = json_pack("{s:s, s:i, s:I, s:o, s:I, s:o, s:{s:I, s:I, s:I, s:I}, s:o, s:I}",
		      "platform", rep->platform, "cbit", (int)rep->cbit,
		      "shared_pages", (json_int_t)rep->shared_pages, "shared",
		      json_shared(rep), "nr_page_tables",
		      (json_int_t)rep->nr_roots, "page_tables", json_roots(rep),
		      "scan", "pages", (json_int_t)rep->pages_scanned,
		      "bulk_pages", (json_int_t)rep->pages_bulk,
		      "unreadable_pages", (json_int_t)rep->pages_unread,
		      "patterns", (json_int_t)o->nr_patterns, "findings", fa,
		      "nr_findings", (json_int_t)audit_nr_findings(rep));
	if (j && rep->note)
		json_object_set_new(j, "note", json_string(rep->note));
	if (j && !rep->nr_roots)
		json_object_set_new(j, "page_tables_skipped",
				    json_string(rep->no_roots));
	text = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (!text)
		return -ENOMEM;
	sb_puts(out, text);
	free(text);
	return 0;
}
