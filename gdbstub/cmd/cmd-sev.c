// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory-model commands, shared by the shell and gdb's `monitor sev`:
 * status, bitmap, translate, stats, verify.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdbstub/cmd/cmd-int.h"
#include "sevdbg/bitmap.h"
#include "gdbstub/dump/dump.h"
#include "sevdbg/platform.h"
#include "sevdbg/ram.h"
#include "gdbstub/mem/router.h"
#include "gdbstub/mem/session.h"
#include "sevdbg/target.h"
#include "gdbstub/mem/walk.h"

#define X(v)		 ((unsigned long long)(v))
#define MAP_MAX_PAGES	 65536 /* the shell's page map beyond this: ask */
#define VERIFY_MAX_LINES 64

static const char *level_name(int level)
{
	static const char *const names[] = {"?",    "PT",   "PD",
					    "PDPT", "PML4", "PML5"};

	return level >= 1 && level <= 5 ? names[level] : names[0];
}

static const char *read_path(struct cmd_ctx *ctx, bool enc,
			     const struct ram_region *reg)
{
	/* --allow-partial: RAM of a backend QEMU did not share with us. */
	if (reg->unreachable)
		return "nothing: its RAM backend is not shared with sevdbg (QEMU needs share=on)";
	if (!enc)
		return "direct";
	if (ctx->s->pinfo.policy & SEV_POLICY_NODBG)
		return "DBG_DECRYPT (refused: guest policy NODBG forbids debugging)";
	return "DBG_DECRYPT";
}

/* --- status ---------------------------------------------------------- */

struct status_info {
	uint64_t addr, gpa;
	bool phys, enc;
	struct walk_result wr;
	struct walk_cpu cpu;
	struct session_root root;
	const struct ram_region *reg;
};

/*
 * Which page tables a virtual address went through: a vCPU's CR3, or,
 * without registers, the kernel's own root from VMCOREINFO.
 */
static json_t *root_json(const struct session_root *root,
			 const struct walk_cpu *c)
{
	const struct vmci_root *k = root->kernel;
	char name[160];

	session_root_name(root, name, sizeof(name));
	if (root->kind == SESSION_ROOT_CR3)
		return json_pack("{s:s, s:i, s:I, s:s}", "source", "cr3",
				 "vcpu", root->vcpu, "table",
				 (json_int_t)c->cr3, "describe", name);
	return json_pack("{s:s, s:I, s:I, s:I, s:I, s:i, s:s, s:s}", "source",
			 "vmcoreinfo", "table", (json_int_t)k->pgd,
			 "init_top_pgt", (json_int_t)k->init_top_pgt,
			 "phys_base", (json_int_t)k->phys_base, "kernel_offset",
			 (json_int_t)k->kernel_offset, "levels",
			 k->la57 ? 5 : 4, "osrelease", k->osrelease, "describe",
			 name);
}

static void status_text(struct cmd_ctx *ctx, const struct status_info *si)
{
	struct strbuf *o = ctx->out;
	char root[160];

	sb_printf(o, "address   0x%llx (%s", X(si->addr),
		  si->phys ? "guest-physical)" : "virtual, ");
	if (!si->phys)
		sb_printf(o, "%s)",
			  session_root_name(&si->root, root, sizeof(root)));
	cmd_put_sym(ctx, si->addr);
	if (!si->phys && si->root.kind == SESSION_ROOT_KERNEL)
		sb_printf(o,
			  "\nroot      init_top_pgt 0x%llx at 0x%llx, %d-level; Linux %s, KERNELOFFSET 0x%llx",
			  X(si->root.kernel->init_top_pgt),
			  X(si->root.kernel->pgd),
			  si->root.kernel->la57 ? 5 : 4,
			  si->root.kernel->osrelease,
			  X(si->root.kernel->kernel_offset));
	sb_printf(o, "\npage      0x%llx in %s\n", X(si->gpa & PAGE_MASK),
		  si->reg->name[0] ? si->reg->name : "RAM");
	sb_printf(o, "bitmap    %s\n", si->enc ? "encrypted" : "shared");
	if (!si->phys && si->wr.status == WALK_OK) {
		bool match = si->wr.cbit == si->enc;

		sb_printf(o, "mapping   %s page, C-bit %s%s\n",
			  si->wr.page_size >= (1ULL << 30)   ? "1G"
			  : si->wr.page_size >= (1ULL << 21) ? "2M"
							     : "4K",
			  si->wr.cbit ? "set" : "clear",
			  match ? ", matches the bitmap"
				: " -- MISMATCH with the bitmap");
	} else if (!si->phys) {
		sb_puts(o, "mapping   paging off (virtual = physical)\n");
	}
	sb_printf(o, "read via  %s\n", read_path(ctx, si->enc, si->reg));
}

static int status_json(struct cmd_ctx *ctx, const struct status_info *si)
{
	json_t *o = json_pack("{s:I, s:b, s:I, s:I, s:s, s:b, s:s}", "address",
			      (json_int_t)si->addr, "physical", si->phys, "gpa",
			      (json_int_t)si->gpa, "page",
			      (json_int_t)(si->gpa & PAGE_MASK), "region",
			      si->reg->name, "encrypted", si->enc, "read_via",
			      si->reg->unreachable ? "none"
			      : si->enc		   ? "DBG_DECRYPT"
						   : "direct");

	if (o && !si->phys) {
		json_object_set_new(o, "vcpu", json_integer(ctx->s->cur_vcpu));
		json_object_set_new(o, "root", root_json(&si->root, &si->cpu));
		if (si->wr.status == WALK_OK) {
			json_object_set_new(o, "page_size",
					    json_integer((json_int_t)si->wr
								 .page_size));
			json_object_set_new(o, "mapping_cbit",
					    json_boolean(si->wr.cbit));
			json_object_set_new(o, "cbit_matches",
					    json_boolean(si->wr.cbit ==
							 si->enc));
		}
	}
	if (o && si->enc)
		json_object_set_new(o, "debug_allowed",
				    json_boolean(!(ctx->s->pinfo.policy &
						   SEV_POLICY_NODBG)));
	return cmd_json(ctx, o);
}

CMD_FN(status)
{
	struct status_info si = {0};
	char why[160];
	int ret;

	if (argc != 2)
		return cmd_usage(ctx, "status");
	ret = cmd_parse_addr(ctx, argv[1], &si.addr, &si.phys);
	if (ret)
		return ret;
	si.phys |= !strcmp(argv[0], "status/p");
	si.gpa = si.addr;
	if (!si.phys) {
		ret = cmd_walk_root(ctx, &si.cpu, &si.root);
		if (ret)
			return ret;
		ret = walk_translate(ctx->s->router, &si.cpu, si.addr, &si.wr);
		if (ret || (si.wr.status != WALK_OK &&
			    si.wr.status != WALK_PAGING_OFF))
			return cmd_err(ctx, ret ? ret : -EFAULT, "%s",
				       walk_strerror(&si.wr, why, sizeof(why)));
		si.gpa = si.wr.pa;
	}
	si.reg = ram_find(&ctx->s->t->ram, si.gpa);
	if (!si.reg)
		return cmd_err(ctx, -EFAULT,
			       "guest-physical 0x%llx is not RAM (a hole or MMIO); `bitmap` shows the RAM ranges",
			       X(si.gpa));
	ret = router_page_encrypted(ctx->s->router, si.gpa, &si.enc);
	if (ret)
		return cmd_err(ctx, ret, "cannot read the bitmap: %s",
			       strerror(-ret));
	if (ctx->json)
		return status_json(ctx, &si);
	status_text(ctx, &si);
	return 0;
}

/* --- bitmap ---------------------------------------------------------- */

/* A foreign dump saved no bitmap: the file platform reports all shared. */

enum page_state { PS_SHARED, PS_ENCRYPTED, PS_HOLE };

static const char *const state_name[] = {"shared", "encrypted", "not-ram"};

/* State of gfn and the first gfn after it with another state. */
static enum page_state page_run(struct cmd_ctx *ctx, const struct bitmap *b,
				uint64_t gfn, uint64_t end, uint64_t *next)
{
	const struct ram_map *m = &ctx->s->t->ram;
	const struct ram_region *reg = ram_find(m, gfn << PAGE_SHIFT);
	uint64_t lim = end;
	size_t i;

	if (!reg) {
		for (i = 0; i < m->nr; i++)
			if (m->regions[i].gpa >> PAGE_SHIFT > gfn) {
				lim = MIN(lim, m->regions[i].gpa >> PAGE_SHIFT);
				break;
			}
		*next = lim;
		return PS_HOLE;
	}
	lim = MIN(lim, (reg->gpa + reg->size) >> PAGE_SHIFT);
	if (gfn >= b->npages) {
		*next = lim;
		return PS_HOLE;
	}
	*next = MIN(lim, bitmap_next_change(b, gfn));
	return bitmap_test(b, gfn) ? PS_ENCRYPTED : PS_SHARED;
}

struct bitmap_sum {
	uint64_t pages[3], runs;
};

static void bitmap_map(struct cmd_ctx *ctx, const struct bitmap *b,
		       uint64_t start, uint64_t end)
{
	static const char sym[] = {'.', 'E', '_'};
	uint64_t gfn, next = start;
	enum page_state st = PS_HOLE;

	sb_puts(ctx->out,
		"map (one character per 4K page: E encrypted, . shared, _ not RAM):");
	for (gfn = start; gfn < end; gfn++) {
		if (gfn == next)
			st = page_run(ctx, b, gfn, end, &next);
		if ((gfn - start) % 64 == 0)
			sb_printf(ctx->out, "\n0x%012llx ",
				  X(gfn << PAGE_SHIFT));
		sb_putc(ctx->out, sym[st]);
	}
	sb_putc(ctx->out, '\n');
}

static int bitmap_walk(struct cmd_ctx *ctx, const struct bitmap *b,
		       uint64_t start, uint64_t end, struct bitmap_sum *sum,
		       json_t *runs)
{
	uint64_t gfn, next;

	for (gfn = start; gfn < end; gfn = next) {
		enum page_state st = page_run(ctx, b, gfn, end, &next);

		sum->pages[st] += next - gfn;
		sum->runs++;
		if (runs &&
		    json_array_append_new(runs,
					  json_pack("{s:I, s:I, s:I, s:s}",
						    "start",
						    (json_int_t)(gfn
								 << PAGE_SHIFT),
						    "end",
						    (json_int_t)(next
								 << PAGE_SHIFT),
						    "pages",
						    (json_int_t)(next - gfn),
						    "state", state_name[st])))
			return -ENOMEM;
		if (!runs && !ctx->json)
			sb_printf(ctx->out, "  0x%012llx-0x%012llx %8llu %s\n",
				  X(gfn << PAGE_SHIFT), X(next << PAGE_SHIFT),
				  X(next - gfn), state_name[st]);
	}
	return 0;
}

static int bitmap_json(struct cmd_ctx *ctx, const struct bitmap *b,
		       uint64_t start, uint64_t end)
{
	struct bitmap_sum sum = {{0}, 0};
	json_t *runs = json_array(), *j;

	if (!runs || bitmap_walk(ctx, b, start, end, &sum, runs)) {
		json_decref(runs);
		return cmd_err(ctx, -ENOMEM, "out of memory building JSON");
	}
	j = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "start",
		      (json_int_t)(start << PAGE_SHIFT), "end",
		      (json_int_t)(end << PAGE_SHIFT), "pages",
		      (json_int_t)(end - start), "encrypted",
		      (json_int_t)sum.pages[PS_ENCRYPTED], "shared",
		      (json_int_t)sum.pages[PS_SHARED], "not_ram",
		      (json_int_t)sum.pages[PS_HOLE], "nr_runs",
		      (json_int_t)sum.runs, "runs", runs);
	if (j && ctx->s->pinfo.bitmap_caveat)
		json_object_set_new(j, "warning",
				    json_string(ctx->s->pinfo.bitmap_caveat));
	return cmd_json(ctx, j);
}

CMD_FN(bitmap)
{
	const struct bitmap *b;
	struct bitmap_sum sum = {{0}, 0};
	uint64_t start = 0, end, len;
	size_t mark;
	int ret;

	if (argc > 2)
		return cmd_usage(ctx, "bitmap");
	end = ram_end(&ctx->s->t->ram);
	if (argc == 2 && (ret = cmd_parse_range(ctx, argv[1], &start, &end)))
		return ret;
	b = router_bitmap(ctx->s->router);
	start >>= PAGE_SHIFT;
	end = ALIGN_UP(end, PAGE_SIZE) >> PAGE_SHIFT;
	if (start >= end)
		return cmd_err(ctx, -EINVAL, "empty range");
	if (ctx->json)
		return bitmap_json(ctx, b, start, end);
	if (ctx->s->pinfo.bitmap_caveat)
		sb_printf(ctx->out, "%s\n", ctx->s->pinfo.bitmap_caveat);
	len = end - start;
	sb_printf(ctx->out, "range 0x%llx-0x%llx:", X(start << PAGE_SHIFT),
		  X(end << PAGE_SHIFT));
	mark = ctx->out->len;
	bitmap_walk(ctx, b, start, end, &sum, NULL);
	/* The summary goes before the run list, which we just printed. */
	{
		struct strbuf head;

		sb_init(&head);
		sb_printf(&head, " %llu pages, %llu encrypted, %llu shared",
			  X(len), X(sum.pages[PS_ENCRYPTED]),
			  X(sum.pages[PS_SHARED]));
		if (sum.pages[PS_HOLE])
			sb_printf(&head, ", %llu not RAM",
				  X(sum.pages[PS_HOLE]));
		sb_printf(&head, ", %llu runs\n", X(sum.runs));
		sb_add(&head, ctx->out->buf + mark, ctx->out->len - mark);
		ctx->out->len = mark;
		sb_add(ctx->out, head.buf, head.len);
		sb_release(&head);
	}
	if (!ctx->monitor && len <= MAP_MAX_PAGES)
		bitmap_map(ctx, b, start, end);
	else if (!ctx->monitor)
		sb_printf(ctx->out,
			  "(page map omitted for %llu pages; give a range of at most %u pages)\n",
			  X(len), MAP_MAX_PAGES);
	return 0;
}

/* --- translate ------------------------------------------------------- */

static const char *paging_mode(const struct walk_cpu *c)
{
	if (!(c->cr0 & (1ULL << 31)))
		return "paging off";
	if (c->efer & (1ULL << 10))
		return c->cr4 & (1ULL << 12) ? "5-level" : "4-level";
	return c->cr4 & (1ULL << 5) ? "PAE" : "32-bit";
}

static int translate_json(struct cmd_ctx *ctx, const struct walk_result *wr,
			  const struct walk_cpu *c,
			  const struct session_root *root, const char *why)
{
	json_t *lv = json_array(), *o;
	int i;

	for (i = 0; lv && i < wr->nr_levels; i++) {
		const struct walk_level *l = &wr->levels[i];

		json_array_append_new(lv,
				      json_pack("{s:i, s:s, s:I, s:i, s:I, s:b}",
						"level", l->level, "name",
						level_name(l->level), "table",
						(json_int_t)l->table_gpa,
						"index", (int)l->index, "entry",
						(json_int_t)l->entry, "cbit",
						l->cbit));
	}
	o = json_pack("{s:I, s:i, s:o, s:o}", "va", (json_int_t)wr->va, "vcpu",
		      ctx->s->cur_vcpu, "root", root_json(root, c), "levels",
		      lv);
	if (o && why) {
		json_object_set_new(o, "error", json_string(why));
		json_object_set_new(o, "fail_level",
				    json_integer(wr->fail_level));
	} else if (o) {
		json_object_set_new(o, "pa", json_integer((json_int_t)wr->pa));
		json_object_set_new(o, "page_size",
				    json_integer((json_int_t)wr->page_size));
		json_object_set_new(o, "cbit", json_boolean(wr->cbit));
		if (wr->status == WALK_PAGING_OFF)
			json_object_set_new(o, "paging_off", json_true());
	}
	return cmd_json(ctx, o);
}

CMD_FN(translate)
{
	struct walk_result wr = {0};
	struct session_root root;
	struct walk_cpu c;
	const char *why = NULL;
	char buf[160], name[160];
	uint64_t va;
	bool phys;
	int ret, i;

	if (argc != 2)
		return cmd_usage(ctx, "translate");
	ret = cmd_parse_addr(ctx, argv[1], &va, &phys);
	if (!ret && phys)
		return cmd_err(ctx, -EINVAL,
			       "translate takes a virtual address");
	if (!ret)
		ret = cmd_walk_root(ctx, &c, &root);
	if (ret)
		return ret;
	ret = walk_translate(ctx->s->router, &c, va, &wr);
	if (ret || (wr.status != WALK_OK && wr.status != WALK_PAGING_OFF))
		why = walk_strerror(&wr, buf, sizeof(buf));
	if (ctx->json) {
		translate_json(ctx, &wr, &c, &root, why);
		return why ? (ret ? ret : -EFAULT) : 0;
	}
	sb_printf(ctx->out, "va 0x%llx", X(va));
	cmd_put_sym(ctx, va);
	sb_printf(ctx->out, " (%s: 0x%llx, %s, C-bit %u)\n",
		  session_root_name(&root, name, sizeof(name)), X(c.cr3),
		  paging_mode(&c), c.cbit);
	for (i = 0; i < wr.nr_levels; i++) {
		const struct walk_level *l = &wr.levels[i];

		sb_printf(ctx->out,
			  "  %-5s table 0x%012llx index %3u entry 0x%016llx C=%d\n",
			  level_name(l->level), X(l->table_gpa), l->index,
			  X(l->entry), l->cbit);
	}
	if (why)
		return cmd_err(ctx, ret ? ret : -EFAULT, "%s", why);
	if (wr.status == WALK_PAGING_OFF) {
		sb_printf(ctx->out,
			  "pa 0x%llx (paging off: virtual = physical)\n",
			  X(va));
		return 0;
	}
	sb_printf(ctx->out, "pa 0x%llx (%s page, C-bit %s%s%s)\n", X(wr.pa),
		  wr.page_size >= (1ULL << 30)	 ? "1G"
		  : wr.page_size >= (1ULL << 21) ? "2M"
						 : "4K",
		  wr.cbit ? "set" : "clear", wr.writable ? ", writable" : "",
		  wr.nx ? ", NX" : "");
	return 0;
}

/* --- stats ----------------------------------------------------------- */

static json_t *stats_path(uint64_t calls, uint64_t bytes)
{
	return json_pack("{s:I, s:I}", "calls", (json_int_t)calls, "bytes",
			 (json_int_t)bytes);
}

static int stats_json(struct cmd_ctx *ctx, const struct router_stats *r,
		      const struct platform_stats *p, const char *desc)
{
	const struct platform_info *pi = &ctx->s->pinfo;
	json_t *paths =
		json_pack("{s:o, s:o, s:o, s:o}", "dbg_decrypt",
			  stats_path(p->decrypt_calls, p->decrypt_bytes),
			  "dbg_encrypt",
			  stats_path(p->encrypt_calls, p->encrypt_bytes),
			  "read_host",
			  stats_path(p->host_read_calls, p->host_read_bytes),
			  "write_host",
			  stats_path(p->host_write_calls, p->host_write_bytes));

	return cmd_json(ctx,
			json_pack("{s:s, s:i, s:I, s:s, s:o, s:{s:I, s:I}, s:I, s:I, s:I}",
				  "platform", pi->kind ? pi->kind : "?", "cbit",
				  (int)pi->cbit, "policy",
				  (json_int_t)pi->policy, "target", desc,
				  "paths", paths, "cache", "hits",
				  (json_int_t)r->cache_hits, "misses",
				  (json_int_t)r->cache_misses,
				  "bitmap_refreshes",
				  (json_int_t)r->bitmap_refreshes,
				  "bitmap_platform_calls",
				  (json_int_t)p->bitmap_calls, "errors",
				  (json_int_t)p->errors));
}

/* Calls and bytes per path as the platform wrappers counted them (every
 * caller, the router and the bitmap derivation included). */
CMD_FN(stats)
{
	const struct platform_stats *p = &ctx->s->t->plat->stats;
	struct router_stats r;
	char desc[256] = "";
	int ret;

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "reset")))
		return cmd_usage(ctx, "stats");
	if (argc == 2) {
		router_reset_stats(ctx->s->router);
		memset(&ctx->s->t->plat->stats, 0, sizeof(*p));
		sb_puts(ctx->out, "counters reset\n");
		return 0;
	}
	router_get_stats(ctx->s->router, &r);
	ret = target_describe(ctx->s->t, desc, sizeof(desc));
	if (ret)
		snprintf(desc, sizeof(desc), "%s", ctx->s->t->ops->name);
	if (ctx->json)
		return stats_json(ctx, &r, p, desc);
	sb_printf(ctx->out, "platform     %s (C-bit %u, policy 0x%x%s)\n",
		  ctx->s->pinfo.kind ? ctx->s->pinfo.kind : "?",
		  ctx->s->pinfo.cbit, ctx->s->pinfo.policy,
		  ctx->s->pinfo.policy & SEV_POLICY_NODBG ? ", NODBG" : "");
	sb_printf(ctx->out, "target       %s\n", desc);
	sb_puts(ctx->out, "path              calls            bytes\n");
	sb_printf(ctx->out, "dbg_decrypt  %10llu %16llu\n", X(p->decrypt_calls),
		  X(p->decrypt_bytes));
	sb_printf(ctx->out, "dbg_encrypt  %10llu %16llu\n", X(p->encrypt_calls),
		  X(p->encrypt_bytes));
	sb_printf(ctx->out, "read_host    %10llu %16llu\n",
		  X(p->host_read_calls), X(p->host_read_bytes));
	sb_printf(ctx->out, "write_host   %10llu %16llu\n",
		  X(p->host_write_calls), X(p->host_write_bytes));
	sb_printf(ctx->out, "cache        %llu hits, %llu misses\n",
		  X(r.cache_hits), X(r.cache_misses));
	sb_printf(ctx->out,
		  "bitmap       %llu refreshes (%llu platform calls)\n",
		  X(r.bitmap_refreshes), X(p->bitmap_calls));
	if (ctx->s->pinfo.regs_encrypted) /* SEV-ES: registers cost too */
		sb_printf(ctx->out, "read_vmsa    %10llu\n", X(p->vmsa_calls));
	sb_printf(ctx->out, "errors       %llu\n", X(p->errors));
	return 0;
}

/* --- verify ---------------------------------------------------------- */

struct verify_state {
	struct cmd_ctx *ctx;
	const char *what; /* "bitmap", "kernel bitmap" */
	uint64_t runs, pages;
	bool stopped;
};

static int verify_one(const struct walk_mismatch *mm, void *arg)
{
	struct verify_state *v = arg;

	if (cmd_interrupted(v->ctx)) {
		v->stopped = true;
		return 1;
	}
	v->pages += mm->size >> PAGE_SHIFT;
	if (++v->runs > VERIFY_MAX_LINES)
		return 0;
	sb_printf(v->ctx->out,
		  "  va 0x%016llx pa 0x%012llx %6llu pages: PTE C-bit %s, %s says %s\n",
		  X(mm->va), X(mm->pa), X(mm->size >> PAGE_SHIFT),
		  mm->pte_cbit ? "set" : "clear", v->what,
		  mm->bitmap_encrypted ? "encrypted" : "shared");
	return 0;
}

/* The page tables against bm (NULL: the bitmap the router follows). */
static int verify_against(struct cmd_ctx *ctx, const struct walk_cpu *c,
			  const struct bitmap *bm, struct verify_state *v,
			  uint64_t start, uint64_t end)
{
	int ret = walk_verify_bitmap(ctx->s->router, c, bm, start, end,
				     verify_one, v);

	if (v->stopped)
		return cmd_err(ctx, -EINTR,
			       "interrupted (Ctrl-C) after %llu mismatching runs",
			       X(v->runs));
	if (ret == -EINVAL)
		return cmd_err(ctx, ret,
			       "vCPU %d has paging off: there are no mappings to verify",
			       ctx->s->cur_vcpu);
	if (ret < 0)
		return cmd_err(ctx, ret, "page-table walk failed: %s",
			       strerror(-ret));
	if (v->runs > VERIFY_MAX_LINES)
		sb_printf(ctx->out, "  ... %llu more mismatching runs\n",
			  X(v->runs - VERIFY_MAX_LINES));
	if (!v->runs)
		sb_printf(ctx->out,
			  "every mapping's C-bit agrees with the %s\n",
			  v->what);
	return 0;
}

/*
 * The kernel's own bitmap when the router does not follow it (the guest
 * never reported to it): -EOPNOTSUPP when the platform keeps none.
 */
static int verify_kernel_bitmap(struct cmd_ctx *ctx, struct bitmap *kb)
{
	uint64_t npages =
		ALIGN_UP(ram_end(&ctx->s->t->ram), PAGE_SIZE) >> PAGE_SHIFT;
	uint8_t *bits;
	int ret;

	if (!ctx->s->pinfo.bitmap_from_paging)
		return -EOPNOTSUPP;
	bits = calloc(1, (size_t)(npages + 7) / 8);
	if (!bits)
		return -ENOMEM;
	ret = platform_get_bitmap(ctx->s->t->plat, 0, npages, bits);
	if (!ret)
		ret = bitmap_init(kb, npages);
	if (!ret)
		ret = bitmap_set(kb, 0, npages, bits);
	free(bits);
	return ret;
}

/* Also the kernel's bitmap, if it exists but is not the one followed. */
static int verify_kernel(struct cmd_ctx *ctx, const struct walk_cpu *c,
			 struct verify_state *v, uint64_t start, uint64_t end)
{
	struct bitmap kb = {0};
	int ret = verify_kernel_bitmap(ctx, &kb);

	if (ret == -EOPNOTSUPP || ret == -ENOSYS)
		return 0;
	if (ret)
		return cmd_err(ctx, ret, "cannot read the kernel's bitmap: %s",
			       strerror(-ret));
	sb_printf(ctx->out,
		  "the kernel's bitmap is not followed (%s); against the page tables:\n",
		  ctx->s->pinfo.bitmap_caveat ? ctx->s->pinfo.bitmap_caveat
					      : "untrusted");
	v->what = "kernel bitmap";
	ret = verify_against(ctx, c, &kb, v, start, end);
	bitmap_release(&kb);
	return ret;
}

CMD_FN(verify)
{
	struct verify_state v = {.ctx = ctx, .what = "bitmap"};
	struct verify_state k = {.ctx = ctx};
	uint64_t start = 0, end = UINT64_MAX;
	struct walk_cpu c;
	int ret;

	if (argc > 2)
		return cmd_usage(ctx, "verify");
	if (argc == 2 && (ret = cmd_parse_range(ctx, argv[1], &start, &end)))
		return ret;
	if (!ctx->s->pinfo.cbit)
		return cmd_err(ctx, -EOPNOTSUPP,
			       "the platform (%s) has no C-bit: nothing to verify",
			       ctx->s->pinfo.kind ? ctx->s->pinfo.kind : "?");
	ret = cmd_walk_cpu(ctx, &c);
	if (!ret)
		ret = verify_against(ctx, &c, NULL, &v, start, end);
	if (!ret)
		ret = verify_kernel(ctx, &c, &k, start, end);
	if (ret)
		return ret;
	if (k.runs)
		return cmd_err(ctx, -EILSEQ,
			       "%llu pages in %llu runs: the kernel's bitmap disagrees with the page tables (the guest does not report its pages to it)%s",
			       X(k.pages), X(k.runs),
			       v.runs ? "; and the followed bitmap too" : "");
	if (v.runs)
		return cmd_err(ctx, -EILSEQ,
			       "%llu pages in %llu runs have a C-bit that disagrees with the bitmap",
			       X(v.pages), X(v.runs));
	return 0;
}
