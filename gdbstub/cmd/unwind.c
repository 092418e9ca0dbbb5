// SPDX-License-Identifier: GPL-2.0-only
/*
 * Backtraces through libdwfl: sevdbg supplies a stopped vCPU's registers
 * and reads its stack through the router; libdw expands inlined calls.
 */
#include <dwarf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>

#include "gdbstub/cmd/sym.h"
#include "gdbstub/cmd/unwind.h"
#include "gdbstub/mem/router.h"
#include "gdbstub/mem/session.h"
#include "gdbstub/mem/walk.h"
#include "sevdbg/regs.h"
#include "sevdbg/target.h"
#include "sevdbg/util.h"

#define X(v) ((unsigned long long)(v))

/* The x86-64 DWARF register numbers 0..16 (16 = the return address). */
static const unsigned char uw_dwarf_regs[17] = {
	REGS_RAX, REGS_RDX, REGS_RCX, REGS_RBX, REGS_RSI, REGS_RDI,
	REGS_RBP, REGS_RSP, REGS_R8,  REGS_R9,	REGS_R10, REGS_R11,
	REGS_R12, REGS_R13, REGS_R14, REGS_R15, REGS_RIP,
};
#define UW_DWARF_RBP 6
#define UW_DWARF_RSP 7

/* One thread: the vCPU being unwound (thread id = vCPU + 1, as in RSP). */
static pid_t uw_next_thread(Dwfl *dwfl, void *arg, void **thread_argp)
{
	struct unwind_src *u = arg;

	if (*thread_argp)
		return 0;
	*thread_argp = u;
	return u->vcpu + 1;
}

static bool uw_get_thread(Dwfl *dwfl, pid_t tid, void *arg, void **thread_argp)
{
	struct unwind_src *u = arg;

	*thread_argp = u;
	return tid == u->vcpu + 1;
}

/* The stack may sit in encrypted pages: read it like any other memory. */
static bool uw_memory_read(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result,
			   void *arg)
{
	struct unwind_src *u = arg;
	uint64_t v;
	ssize_t n = session_read_virt(u->s, u->vcpu, addr, &v, sizeof(v));

	if (n != (ssize_t)sizeof(v)) {
		u->fault_addr = addr;
		u->fault_err = n < 0 ? (int)n : -EFAULT;
		return false;
	}
	*result = v;
	return true;
}

static bool uw_initial_registers(Dwfl_Thread *thread, void *thread_arg)
{
	struct unwind_src *u = thread_arg;
	Dwarf_Word w[ARRAY_SIZE(uw_dwarf_regs)];
	struct regs r;
	size_t i;

	if (session_read_regs(u->s, u->vcpu, &r) || !r.valid[REGS_RIP] ||
	    !r.valid[REGS_RSP])
		return false;
	for (i = 0; i < ARRAY_SIZE(w); i++)
		w[i] = regs_get(&r, uw_dwarf_regs[i]);
	return dwfl_thread_state_registers(thread, 0, ARRAY_SIZE(w), w);
}

static const Dwfl_Thread_Callbacks uw_callbacks = {
	.next_thread = uw_next_thread,
	.get_thread = uw_get_thread,
	.memory_read = uw_memory_read,
	.set_initial_registers = uw_initial_registers,
};

struct uw_walk {
	struct symtab *st;
	struct unwind_result *res;
	uint64_t last_rbp;
};

/* Whether the unwinder went astray: the checks gdb makes, by its words. */
static bool uw_frame_bad(struct uw_walk *w, const struct unwind_frame *f)
{
	struct unwind_result *res = w->res;
	const struct unwind_frame *prev = &res->frames[res->nr - 1];

	if (f->pc == prev->pc && f->sp == prev->sp) {
		snprintf(res->stop, sizeof(res->stop),
			 "previous frame identical to this frame (corrupt stack?)");
		return true;
	}
	if (!dwfl_addrmodule(sym_dwfl(w->st), f->pc - 1)) {
		snprintf(res->stop, sizeof(res->stop),
			 "return address 0x%llx is outside the --symbols image (corrupt stack, or code without CFI or frame pointers)",
			 X(f->pc));
		return true;
	}
	return false;
}

static int uw_frame(Dwfl_Frame *state, void *arg)
{
	struct uw_walk *w = arg;
	struct unwind_result *res = w->res;
	struct unwind_frame f = {0};
	Dwarf_Addr pc;
	Dwarf_Word v;

	/* A read that failed on the way here did not stop unwinding. Asked
	 * for activation, dwfl_frame_pc() unwinds the caller: a read that
	 * fails from here on is the one that ends the backtrace. */
	sym_unwind_src(w->st)->fault_err = 0;
	if (!dwfl_frame_pc(state, &pc, &f.activation)) {
		snprintf(res->stop, sizeof(res->stop), "no pc: %s",
			 dwfl_errmsg(-1));
		return DWARF_CB_ABORT;
	}
	f.pc = pc;
	if (dwfl_frame_reg(state, UW_DWARF_RSP, &v) == 0)
		f.sp = v;
	w->last_rbp = dwfl_frame_reg(state, UW_DWARF_RBP, &v) == 0 ? v : ~0ULL;
	if (res->nr > 0 && f.pc == 0)
		return DWARF_CB_ABORT; /* a zero return address: the bottom */
	if (res->nr > 0 && uw_frame_bad(w, &f))
		return DWARF_CB_ABORT;
	res->frames[res->nr++] = f;
	if (res->nr == UNWIND_MAX_FRAMES) {
		snprintf(res->stop, sizeof(res->stop),
			 "more than %d frames (a loop in the stack?)",
			 UNWIND_MAX_FRAMES);
		return DWARF_CB_ABORT;
	}
	return DWARF_CB_OK;
}

/* Why the stack could not be read at addr: the walker's or the router's
 * words ("not present at level 4 (PML4) ..."). */
static void uw_fault_reason(struct unwind_src *u, char *why, size_t len)
{
	struct walk_result wr;
	struct walk_cpu c;

	memset(&wr, 0, sizeof(wr));
	if (!session_walk_cpu(u->s, u->vcpu, &c)) {
		walk_translate(u->s->router, &c, u->fault_addr, &wr);
		if (wr.status != WALK_OK && wr.status != WALK_PAGING_OFF) {
			walk_strerror(&wr, why, len);
			return;
		}
	}
	if (router_last_error(u->s->router, why, len) && why[0])
		return;
	snprintf(why, len, "%s", strerror(-u->fault_err));
}

/* libdwfl ends with an error even at a clean bottom: tell them apart. */
static void uw_why_stopped(struct uw_walk *w, struct unwind_src *u, int rc)
{
	struct unwind_result *res = w->res;
	int err = dwfl_errno();
	char why[160];

	if (res->stop[0])
		return;
	/* libdwfl takes a return address it could not read as undefined,
	 * the mark of the outermost frame: say it was not. */
	if (u->fault_err) {
		uw_fault_reason(u, why, sizeof(why));
		snprintf(res->stop, sizeof(res->stop),
			 "cannot read the stack at 0x%llx: %s",
			 X(u->fault_addr), why);
		return;
	}
	if (rc != -1)
		return;
	/* No CFI and a frame-pointer chain that ends (rbp 0): the bottom of
	 * the stack, as at an entry point written in assembly. */
	if (w->last_rbp == 0)
		return;
	snprintf(res->stop, sizeof(res->stop), "cannot unwind past 0x%llx: %s",
		 X(res->frames[res->nr - 1].pc),
		 err ? dwfl_errmsg(err) : "no CFI and no frame pointer");
}

int unwind_vcpu(struct symtab *st, struct session *s, int vcpu,
		struct unwind_result *res, char *err, size_t errlen)
{
	Dwfl *d = sym_dwfl(st);
	struct unwind_src *u;
	struct uw_walk w = {.st = st, .res = res};
	int rc;

	memset(res, 0, sizeof(*res));
	if (!d) {
		snprintf(err, errlen,
			 "the --symbols file has no loadable code");
		return -ENOENT;
	}
	u = sym_unwind_src(st);
	u->s = s;
	u->vcpu = vcpu;
	u->fault_err = 0;
	if (!u->attached && !dwfl_attach_state(d, NULL, 1, &uw_callbacks, u)) {
		snprintf(err, errlen, "libdwfl cannot unwind this file: %s",
			 dwfl_errmsg(-1));
		return -EINVAL;
	}
	u->attached = true;
	res->frames = calloc(UNWIND_MAX_FRAMES, sizeof(*res->frames));
	if (!res->frames) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	dwfl_errno(); /* clear a stale error */
	rc = dwfl_getthread_frames(d, vcpu + 1, uw_frame, &w);
	if (res->nr == 0) {
		snprintf(err, errlen,
			 "cannot read the registers of vCPU %d%s%s", vcpu,
			 res->stop[0] ? ": " : "", res->stop);
		free(res->frames);
		res->frames = NULL;
		return -EIO;
	}
	uw_why_stopped(&w, u, rc);
	return 0;
}

/* --- inlined calls --------------------------------------------------------- */

static const char *uw_die_name(Dwarf_Die *die)
{
	Dwarf_Attribute a;
	const char *name = NULL;

	if (dwarf_attr_integrate(die, DW_AT_name, &a))
		name = dwarf_formstring(&a);
	return name ? name : "??";
}

/* The call site an inlined_subroutine DIE records, for the caller. */
static void uw_call_site(Dwarf_Die *cu, Dwarf_Die *die, struct unwind_func *f)
{
	Dwarf_Attribute a;
	Dwarf_Files *files;
	Dwarf_Word file = 0, line = 0;
	size_t nfiles;
	const char *name = NULL, *comp_dir = NULL;

	if (dwarf_formudata(dwarf_attr(die, DW_AT_call_file, &a), &file) ||
	    dwarf_formudata(dwarf_attr(die, DW_AT_call_line, &a), &line) ||
	    dwarf_getsrcfiles(cu, &files, &nfiles) || file >= nfiles ||
	    !(name = dwarf_filesrc(files, file, NULL, NULL))) {
		f->file = NULL;
		f->line = 0;
		return;
	}
	if (dwarf_attr(cu, DW_AT_comp_dir, &a))
		comp_dir = dwarf_formstring(&a);
	f->file = sym_relative_path(name, comp_dir);
	f->line = (int)line;
}

/* No DWARF scope: the ELF symbol and the line table are all there is. */
static int uw_plain(struct symtab *st, uint64_t lookup,
		    int (*fn)(void *arg, const struct unwind_func *f),
		    void *arg)
{
	const struct sym *sym = sym_by_addr(st, lookup);
	struct unwind_func f = {.name = sym ? sym->name : "??"};
	struct sym_line sl;

	if (!sym_line(st, lookup, &sl)) {
		f.file = sl.file;
		f.line = sl.line;
	}
	return fn(arg, &f);
}

static bool uw_is_func(Dwarf_Die *die)
{
	int tag = dwarf_tag(die);

	return tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine ||
	       tag == DW_TAG_entry_point;
}

/* The innermost function-like DIE at pc (an inlined call, or the
 * function itself). */
static bool uw_innermost(Dwarf_Die *cu, uint64_t pc, Dwarf_Die *out)
{
	Dwarf_Die *scopes = NULL;
	int n = dwarf_getscopes(cu, pc, &scopes), i;
	bool found = false;

	for (i = 0; i < n && !found; i++) {
		if (uw_is_func(&scopes[i])) {
			*out = scopes[i];
			found = true;
		}
	}
	free(scopes);
	return found;
}

int unwind_inlines(struct symtab *st, uint64_t pc, bool activation,
		   int (*fn)(void *arg, const struct unwind_func *f), void *arg)
{
	uint64_t lookup = activation ? pc : pc - 1;
	Dwfl_Module *mod = sym_module(st);
	Dwarf_Die *cu, *chain = NULL, die;
	struct unwind_func f = {0};
	struct sym_line sl;
	Dwarf_Addr bias;
	int n = 0, i, ret = 0, done = 0;

	/* dwarf_getscopes follows an inlined call into its abstract origin;
	 * the callers are the concrete DIEs around it (as eu-stack does). */
	cu = mod ? dwfl_module_addrdie(mod, lookup, &bias) : NULL;
	if (cu && uw_innermost(cu, lookup - bias, &die))
		n = dwarf_getscopes_die(&die, &chain);
	if (!sym_line(st, lookup, &sl)) {
		f.file = sl.file;
		f.line = sl.line;
	}
	for (i = 0; i < n && !ret; i++) {
		if (!uw_is_func(&chain[i]))
			continue;
		f.name = uw_die_name(&chain[i]);
		f.inlined = dwarf_tag(&chain[i]) == DW_TAG_inlined_subroutine;
		f.call_site = done > 0;
		ret = fn(arg, &f);
		done++;
		if (!f.inlined)
			break;
		uw_call_site(cu, &chain[i], &f);
	}
	free(chain);
	if (!done)
		ret = uw_plain(st, lookup, fn, arg);
	return ret;
}
