// SPDX-License-Identifier: GPL-2.0-only
/*
 * The --symbols file as the commands see it: moved to where the guest
 * loaded it (a Linux kernel's KASLR offset), and "<sym+off>" labels.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gdbstub/cmd/cmd-int.h"
#include "gdbstub/cmd/sym.h"
#include "gdbstub/mem/session.h"
#include "sevdbg/target.h"

#define X(v) ((unsigned long long)(v))
/*
 * x86-64 KASLR moves the kernel up by a multiple of CONFIG_PHYSICAL_ALIGN
 * (2 MiB on Debian, the smallest the kernel allows) within the 1 GiB that
 * KERNEL_IMAGE_SIZE gives the image.
 */
#define KASLR_ALIGN	 (2ULL << 20)
#define KASLR_MAX_OFFSET (1ULL << 30)
#define ANCHOR_MAX	 128
#define ANCHOR_MIN	 16

struct reloc_anchor {
	const struct sym *sym;
	uint64_t link; /* its link address */
	uint8_t want[ANCHOR_MAX];
	size_t len;
};

/* linux_banner ("Linux version ...") is in every kernel, read-only, and
 * unique: where the guest has it tells where it has the kernel. */
static bool reloc_anchor(struct symtab *st, struct reloc_anchor *a)
{
	a->sym = sym_by_name(st, "linux_banner");
	if (!a->sym || a->sym->size < ANCHOR_MIN)
		return false;
	a->link = a->sym->addr - sym_bias(st);
	a->len = MIN(a->sym->size, (uint64_t)ANCHOR_MAX);
	return !sym_file_bytes(st, a->link, a->want, a->len);
}

/* 1 when the guest holds the anchor at link + off, 0 if not, -EBUSY when
 * vCPU vcpu's page tables cannot be read (running, real mode). */
static int reloc_try(struct cmd_ctx *ctx, const struct reloc_anchor *a,
		     int vcpu, uint64_t off)
{
	uint8_t got[ANCHOR_MAX];
	ssize_t n;

	n = session_read_virt(ctx->s, vcpu, a->link + off, got, a->len);
	if (n == -EBUSY)
		return -EBUSY;
	return n == (ssize_t)a->len && !memcmp(got, a->want, a->len);
}

/* The KASLR offset seen through vCPU vcpu: 0 found, -ENOENT not found. */
static int reloc_scan(struct cmd_ctx *ctx, const struct reloc_anchor *a,
		      int vcpu, uint64_t *off)
{
	uint64_t o;
	int ret;

	for (o = 0; o < KASLR_MAX_OFFSET && a->link + o >= a->link;
	     o += KASLR_ALIGN) {
		ret = reloc_try(ctx, a, vcpu, o);
		if (ret < 0)
			return ret;
		if (ret) {
			*off = o;
			return 0;
		}
	}
	return -ENOENT;
}

static int reloc_find(struct cmd_ctx *ctx, const struct reloc_anchor *a,
		      uint64_t *off)
{
	int nr = target_nr_vcpus(ctx->s->t), v, ret = -ENOENT;

	/* The selected vCPU first; one in user mode may lack the kernel's
	 * mappings (PTI), so the others are asked too. */
	for (v = -1; v < nr; v++) {
		int vcpu = v < 0 ? ctx->s->cur_vcpu : v;

		if (v == ctx->s->cur_vcpu)
			continue;
		ret = reloc_scan(ctx, a, vcpu, off);
		if (ret != -ENOENT)
			break;
	}
	return ret;
}

void cmd_relocate(struct cmd_ctx *ctx)
{
	struct cmd_env *env = ctx->env;
	struct reloc_anchor a;
	char err[256];
	uint64_t off;
	int ret;

	if (!env || !env->syms || env->relocated)
		return;
	if (!reloc_anchor(env->syms, &a)) {
		env->relocated = true; /* not a Linux kernel: as linked */
		return;
	}
	ret = reloc_find(ctx, &a, &off);
	if (ret == -EBUSY)
		return; /* running: try again once it stops */
	env->relocated = true;
	if (ret)
		snprintf(err, sizeof(err),
			 "the guest has no linux_banner of the --symbols file at any KASLR offset: symbols are as linked and may not match this guest (wrong vmlinux?)");
	else if (!off || !sym_set_bias(env->syms, off, err, sizeof(err)))
		return;
	/* gdb shows monitor output only; the shell keeps stdout for
	 * results (JSON), so its warnings go to stderr. */
	if (ctx->monitor)
		sb_printf(ctx->out, "warning: %s\n", err);
	else
		pr_warn("%s", err);
}

void cmd_env_relocate(struct session *s, struct cmd_env *env)
{
	struct strbuf out;
	struct cmd_ctx ctx = {.s = s, .out = &out, .env = env};

	sb_init(&out);
	cmd_relocate(&ctx);
	sb_release(&out);
}

struct symtab *cmd_syms(struct cmd_ctx *ctx)
{
	return ctx->env ? ctx->env->syms : NULL;
}

void cmd_put_sym(struct cmd_ctx *ctx, uint64_t addr)
{
	const struct sym *sym = sym_by_addr(cmd_syms(ctx), addr);

	if (!sym)
		return;
	if (addr == sym->addr)
		sb_printf(ctx->out, " <%s>", sym->name);
	else
		sb_printf(ctx->out, " <%s+0x%llx>", sym->name,
			  X(addr - sym->addr));
}

/* "name+0x10" (or "" without symbols) for JSON. */
void cmd_sym_label(struct cmd_ctx *ctx, uint64_t addr, char *buf, size_t len)
{
	const struct sym *sym = sym_by_addr(cmd_syms(ctx), addr);

	buf[0] = '\0';
	if (sym && addr == sym->addr)
		snprintf(buf, len, "%s", sym->name);
	else if (sym)
		snprintf(buf, len, "%s+0x%llx", sym->name, X(addr - sym->addr));
}
