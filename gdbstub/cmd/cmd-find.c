// SPDX-License-Identifier: GPL-2.0-only
/*
 * The shell's `find`: an interruptible search of guest-physical RAM, or of
 * a virtual range through the selected vCPU's mappings, for bytes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdbstub/cmd/cmd-int.h"
#include "gdbstub/mem/router.h"
#include "gdbstub/mem/session.h"
#include "gdbstub/mem/walk.h"
#include "sevdbg/ram.h"
#include "sevdbg/target.h"

#define X(v)	      ((unsigned long long)(v))
#define FIND_CHUNK    (256u << 10)
#define FIND_MAX_HITS 100

struct find_state {
	struct cmd_ctx *ctx;
	bool virt;
	const uint8_t *pat;
	size_t plen;
	uint8_t *buf;
	uint64_t hits, bad_pages, first_bad;
	char first_why[192];
	json_t *matches; /* --json: the hits shown */
	struct walk_cpu cpu;
	uint64_t lo, hi;	     /* --virt: the range asked for */
	uint64_t run_start, run_end; /* --virt: mapped VA not yet searched */
	int err;
};

static void find_hit(struct find_state *f, uint64_t addr)
{
	char label[160];

	if (++f->hits > FIND_MAX_HITS)
		return;
	label[0] = '\0';
	if (f->virt)
		cmd_sym_label(f->ctx, addr, label, sizeof(label));
	if (f->matches) {
		json_t *m = json_pack("{s:I}", "address", (json_int_t)addr);

		if (m && label[0])
			json_object_set_new(m, "symbol", json_string(label));
		json_array_append_new(f->matches, m);
		return;
	}
	sb_printf(f->ctx->out, f->virt ? "0x%016llx" : "0x%012llx", X(addr));
	if (label[0])
		sb_printf(f->ctx->out, " <%s>", label);
	sb_putc(f->ctx->out, '\n');
}

static void find_scan(struct find_state *f, uint64_t base, size_t n)
{
	const uint8_t *p = f->buf, *end = f->buf + n;

	while ((size_t)(end - p) >= f->plen) {
		p = memmem(p, (size_t)(end - p), f->pat, f->plen);
		if (!p)
			return;
		find_hit(f, base + (uint64_t)(p - f->buf));
		p++;
	}
}

static ssize_t find_read(struct find_state *f, uint64_t pos, size_t want)
{
	if (f->virt)
		return walk_read(f->ctx->s->router, &f->cpu, pos, f->buf, want);
	return router_read(f->ctx->s->router, pos, f->buf, want);
}

/* A page could not be read: note why, go on after it. */
static uint64_t find_skip(struct find_state *f, uint64_t pos)
{
	if (!f->bad_pages++) {
		f->first_bad = pos;
		router_last_error(f->ctx->s->router, f->first_why,
				  sizeof(f->first_why));
	}
	return ALIGN_DOWN(pos, PAGE_SIZE) + PAGE_SIZE;
}

/* Search [pos, end), contiguous in the address space searched. */
static int find_region(struct find_state *f, uint64_t pos, uint64_t end)
{
	while (pos < end) {
		size_t want = (size_t)MIN((uint64_t)FIND_CHUNK, end - pos);
		ssize_t n;

		if (cmd_interrupted(f->ctx))
			return -EINTR;
		n = find_read(f, pos, want);
		if (n > 0)
			find_scan(f, pos, (size_t)n);
		if (n == (ssize_t)want) {
			if (pos + want >= end || want < f->plen)
				break;
			pos += want - f->plen + 1;
			continue;
		}
		pos = find_skip(f, pos + (n > 0 ? (uint64_t)n : 0));
	}
	return 0;
}

static int find_phys(struct find_state *f, uint64_t start, uint64_t end)
{
	const struct ram_map *m = &f->ctx->s->t->ram;
	size_t i;
	int ret = 0;

	for (i = 0; !ret && i < m->nr; i++) {
		uint64_t a = MAX(start, m->regions[i].gpa);
		uint64_t b = MIN(end, m->regions[i].gpa + m->regions[i].size);

		if (a < b)
			ret = find_region(f, a, b);
	}
	return ret;
}

/* Adjacent mappings make one run, so a match may span their border. */
static int find_mapping(const struct walk_mapping *m, void *arg)
{
	struct find_state *f = arg;
	uint64_t a = MAX(m->va, f->lo), b = MIN(m->va + m->size, f->hi);

	if (a >= b)
		return 0;
	if (a == f->run_end && f->run_end > f->run_start) {
		f->run_end = b;
		return 0;
	}
	if (f->run_end > f->run_start)
		f->err = find_region(f, f->run_start, f->run_end);
	f->run_start = a;
	f->run_end = b;
	return f->err;
}

static int find_virt(struct find_state *f, uint64_t start, uint64_t end)
{
	int ret = cmd_walk_cpu(f->ctx, &f->cpu);

	if (ret)
		return ret;
	f->lo = start;
	f->hi = end;
	ret = walk_mappings(f->ctx->s->router, &f->cpu, start, end,
			    find_mapping, f);
	if (ret < 0 && ret != f->err)
		return cmd_err(f->ctx, ret, "cannot walk the page tables: %s",
			       strerror(-ret));
	if (!ret && f->run_end > f->run_start)
		ret = find_region(f, f->run_start, f->run_end);
	return ret;
}

/* --virt anywhere; the first other word is the PATTERN, then a range. */
static int find_args(struct cmd_ctx *ctx, int argc, char **argv,
		     struct find_state *f, int *pat, uint64_t *start,
		     uint64_t *end)
{
	bool have_range = false;
	int i, ret;

	*pat = 0;
	for (i = 1; i < argc; i++) {
		if (!(ctx->quoted & (1ULL << i)) &&
		    !strcmp(argv[i], "--virt")) {
			f->virt = true;
		} else if (!*pat) {
			*pat = i;
		} else if (have_range) {
			return cmd_usage(ctx, "find");
		} else {
			ret = cmd_parse_range(ctx, argv[i], start, end);
			if (ret)
				return ret;
			have_range = true;
		}
	}
	if (!*pat)
		return cmd_usage(ctx, "find");
	if (f->virt && !have_range)
		return cmd_err(ctx, -EINVAL,
			       "find --virt needs START-END: the virtual address space is too big to search whole (find PATTERN --virt init_task+64K)");
	return 0;
}

static int find_report(struct find_state *f, const struct strbuf *pat)
{
	struct cmd_ctx *ctx = f->ctx;
	struct strbuf hex;
	json_t *o;

	if (!f->matches) {
		if (f->hits > FIND_MAX_HITS)
			sb_printf(ctx->out, "... %llu more matches not shown\n",
				  X(f->hits - FIND_MAX_HITS));
		sb_printf(ctx->out, "%llu match%s", X(f->hits),
			  f->hits == 1 ? "" : "es");
		if (f->bad_pages)
			sb_printf(ctx->out,
				  "; %llu pages unreadable (first 0x%llx: %s)",
				  X(f->bad_pages), X(f->first_bad),
				  f->first_why);
		sb_putc(ctx->out, '\n');
		return 0;
	}
	/* The pattern as hex: it need not be text (or UTF-8). */
	sb_init(&hex);
	sb_hex(&hex, pat->buf, pat->len);
	o = json_pack("{s:s, s:b, s:I, s:O, s:I}", "pattern_hex",
		      hex.buf ? hex.buf : "", "virtual", f->virt, "total",
		      (json_int_t)f->hits, "matches", f->matches,
		      "unreadable_pages", (json_int_t)f->bad_pages);
	sb_release(&hex);
	if (o && f->bad_pages)
		json_object_set_new(o, "first_unreadable",
				    json_pack("{s:I, s:s}", "address",
					      (json_int_t)f->first_bad,
					      "reason", f->first_why));
	return cmd_json(ctx, o);
}

CMD_FN(find)
{
	struct find_state f = {.ctx = ctx};
	uint64_t start = 0, end = UINT64_MAX;
	struct strbuf pat;
	int ret, p;

	ret = find_args(ctx, argc, argv, &f, &p, &start, &end);
	if (ret)
		return ret;
	sb_init(&pat);
	ret = cmd_parse_bytes(ctx, argv[p], ctx->quoted & (1ULL << p), &pat);
	if (!ret && (pat.len == 0 || pat.len > PAGE_SIZE))
		ret = cmd_err(ctx, -EINVAL, "the pattern must be 1..%llu bytes",
			      X(PAGE_SIZE));
	f.buf = malloc(FIND_CHUNK);
	f.matches = ctx->json ? json_array() : NULL;
	if (!ret && (!f.buf || (ctx->json && !f.matches)))
		ret = cmd_err(ctx, -ENOMEM, "out of memory");
	if (ret)
		goto out;
	f.pat = (const uint8_t *)pat.buf;
	f.plen = pat.len;
	ret = f.virt ? find_virt(&f, start, end) : find_phys(&f, start, end);
	if (ret == -EINTR)
		ret = cmd_err(ctx, ret, "interrupted (Ctrl-C)");
	else if (!ret)
		ret = find_report(&f, &pat);
out:
	json_decref(f.matches);
	free(f.buf);
	sb_release(&pat);
	return ret;
}
