/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One debugging session: the target, the router in front of its platform,
 * and the state every front end (RSP server, shell, dump writer) shares.
 */
#ifndef SEVDBG_SESSION_H
#define SEVDBG_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "sevdbg/platform.h"
#include "sevdbg/regs.h"
#include "sevdbg/target.h"
#include "gdbstub/mem/vmci.h"
#include "gdbstub/mem/walk.h"

struct router;

/*
 * The kernel's own page-table root from VMCOREINFO, for when no CR3 can be
 * read (SEV-ES without the VMSA command, a dump without CPU notes). Looked
 * up once; kept while the note stays as it was found (checked after every
 * stop: a rebooted guest may have moved it); a failed search is retried
 * after the next stop, when the guest may have booted further.
 */
enum kroot_state { KROOT_UNKNOWN, KROOT_FOUND, KROOT_ABSENT };
struct session_kroot {
	enum kroot_state state;
	bool recheck;	   /* stopped since: is the note still the same? */
	uint64_t note_gpa; /* where the note was found */
	size_t note_len;   /* its header and text, as found in page */
	uint64_t scanned;  /* pages probed by the last search */
	struct vmci_root root;
	uint8_t *page; /* the note's page as found (PAGE_SIZE) */
	char why[200]; /* KROOT_ABSENT: why there is no root */
};

/* Which root a virtual address was translated from (session_walk_root). */
enum session_root_kind { SESSION_ROOT_CR3, SESSION_ROOT_KERNEL };
struct session_root {
	enum session_root_kind kind;
	int vcpu;     /* whose CR3; or whose registers could not be read */
	int regs_err; /* SESSION_ROOT_KERNEL: why not its CR3 (-errno) */
	const struct vmci_root *kernel; /* SESSION_ROOT_KERNEL */
	/* On failure after the registers: why no kernel root stood in. */
	const char *no_kernel_root;
};

struct session {
	struct target *t;
	struct router *router;
	struct platform_info pinfo;
	int cur_vcpu; /* 0-based; selected by Hg / `vcpu N` */
	bool read_only;
	/*
	 * Where gdb's `monitor sev dump NAME` may write (serve --dump-dir);
	 * NULL: dumps from gdb are refused. A remote client must not pick
	 * paths on the host. The shell, run by the user, is not limited.
	 */
	const char *dump_dir;
	volatile int *interrupted; /* set by SIGINT handlers; may be NULL */
	bool run_behind;	   /* the guest runs, resumed by someone else */
	/*
	 * The paging state of the last stop: while the guest runs behind our
	 * back, virtual reads walk its (live) page tables from this CR3 rather
	 * than stop it for its registers. A reset forgets it.
	 */
	struct walk_cpu last_cpu;
	int last_vcpu; /* -1: none */
	struct session_kroot kroot;
	/*
	 * SEV-ES (pinfo.regs_encrypted): registers decrypted from each
	 * vCPU's VMSA, kept until the guest runs (one firmware command per
	 * vCPU per stop, not one per memory access the walker makes), and
	 * why the last VMSA could not be read ("" = it could).
	 */
	struct regs *vmsa_regs; /* TARGET_MAX_VCPUS entries */
	uint64_t vmsa_valid;	/* bit per vCPU */
	char regs_why[256];
};

/* Open the router over t's platform; 0 or -errno. */
int session_init(struct session *s, struct target *t);
void session_release(struct session *s);

/*
 * The selected (or given, vcpu >= 0) vCPU's paging state for the walker:
 * its CR3, or, when its registers cannot be read, the kernel's own root
 * from VMCOREINFO (which root: *root, may be NULL). 0 or -errno: -EBUSY
 * while the guest runs, -EINVAL for no such vCPU, otherwise the register
 * error when there is no kernel root either (root->no_kernel_root says why).
 */
int session_walk_root(struct session *s, int vcpu, struct walk_cpu *c,
		      struct session_root *root);
/*
 * A vCPU's registers: from the target, or on SEV-ES from the decrypted
 * VMSA. A VMSA that cannot be read leaves every register unavailable
 * (returns 0, s->regs_why says why); never -errno for that, so gdb sees
 * <unavailable> registers and memory stays readable.
 */
int session_read_regs(struct session *s, int vcpu, struct regs *regs);
/* Why registers are unavailable, for messages: regs_why or a default. */
const char *session_regs_why(const struct session *s);
/*
 * What SEV-ES forbids: NULL when allowed, else a sentence (no $ # * }:
 * it goes into RSP replies) that names the cause and what to do instead.
 */
const char *session_step_refusal(const struct session *s);
const char *session_bp_refusal(const struct session *s);

/* session_walk_root() without asking which root. */
int session_walk_cpu(struct session *s, int vcpu, struct walk_cpu *c);
/* "CR3 of vCPU 1", "init_top_pgt from VMCOREINFO (registers unavailable)" */
const char *session_root_name(const struct session_root *root, char *buf,
			      size_t len);
/* Virtual memory of a vCPU: short count or -errno (see router_read). */
ssize_t session_read_virt(struct session *s, int vcpu, uint64_t va, void *buf,
			  size_t len);
ssize_t session_write_virt(struct session *s, int vcpu, uint64_t va,
			   const void *buf, size_t len);
/*
 * Stop every vCPU of a live, running target: interrupt, then wait up to
 * timeout_ms (or until *s->interrupted). *stopped says whether we stopped
 * it, so a caller resumes only what it stopped. 0 or -errno, the reason in
 * err: -ETIMEDOUT, -ESRCH (the guest is gone), or the target's error.
 */
int session_stop_guest(struct session *s, unsigned int timeout_ms,
		       bool *stopped, char *err, size_t errlen);
/* Let every vCPU run again; 0 or -errno. */
int session_resume_guest(struct session *s);
/* Called after every resume/step/stop so caches follow the guest. */
void session_note_resume(struct session *s);
void session_note_stop(struct session *s);
/*
 * Before each front-end request: follow what the target saw happen behind
 * our back, so no cache outlives a resume or reset by someone else.
 */
void session_sync(struct session *s);

#endif
