/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Backtraces of a stopped vCPU: libdwfl's unwinder (DWARF CFI from the
 * --symbols ELF, frame pointers where it has none) over sevdbg's memory.
 */
#ifndef SEVDBG_UNWIND_H
#define SEVDBG_UNWIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct session;
struct symtab;

#define UNWIND_MAX_FRAMES 256

/* One machine frame (inlined calls inside it: unwind_inlines). */
struct unwind_frame {
	uint64_t pc; /* rip for frame 0, else the return address */
	uint64_t sp; /* rsp in this frame */
	/* pc is where execution resumes (frame 0, an interrupt frame), not
	 * a return address: look it up as is, not as pc - 1. */
	bool activation;
};

struct unwind_result {
	struct unwind_frame *frames;
	int nr;
	char stop[192]; /* why unwinding stopped early; "" at the bottom */
};

/*
 * What libdwfl calls back into while it unwinds: the session and vCPU whose
 * registers and memory it reads. One per libdwfl session (struct symtab).
 */
struct unwind_src {
	struct session *s;
	int vcpu;
	bool attached;	     /* dwfl_attach_state done on this session */
	uint64_t fault_addr; /* the last memory read that failed */
	int fault_err;
};

/*
 * Unwind the stopped vCPU. res->frames is malloc'd (free() it). 0 with at
 * least frame 0, else -errno with the reason in err.
 */
int unwind_vcpu(struct symtab *st, struct session *s, int vcpu,
		struct unwind_result *res, char *err, size_t errlen);

/*
 * The functions gdb shows for one machine frame, innermost first: the
 * inlined calls at pc, then the function that holds them. For each:
 * name ("??" if unknown), file and line (the call site for all but the
 * innermost). Calls fn once per function; stops early if fn returns non-0.
 */
struct unwind_func {
	const char *name;
	const char *file; /* NULL if unknown */
	int line;
	bool inlined;	/* this function was inlined into the next one */
	bool call_site; /* file:line is where the inner function was called */
};
int unwind_inlines(struct symtab *st, uint64_t pc, bool activation,
		   int (*fn)(void *arg, const struct unwind_func *f),
		   void *arg);

#endif
