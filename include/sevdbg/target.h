/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where the vCPUs and the guest RAM are (DESIGN.md §1): a live QEMU, a dump
 * file, or a test target. The core reaches a target only through these ops.
 */
#ifndef SEVDBG_TARGET_H
#define SEVDBG_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sevdbg/ram.h"
#include "sevdbg/regs.h"

#define TARGET_MAX_VCPUS 64

enum bp_type { /* = the RSP Z/z type numbers */
	       BP_SW = 0,
	       BP_HW = 1,
	       BP_WATCH_WRITE = 2,
	       BP_WATCH_READ = 3,
	       BP_WATCH_ACCESS = 4,
};

enum resume_action {
	RESUME_STOP = 0, /* leave this vCPU stopped */
	RESUME_CONT,
	RESUME_STEP,
	RESUME_RANGE, /* step while pc in [range_start, range_end) */
};

struct resume_req {
	enum resume_action action[TARGET_MAX_VCPUS];
	int signal[TARGET_MAX_VCPUS];
	uint64_t range_start, range_end;
};

enum stop_kind {
	STOP_SIGNAL, /* signo: 2 SIGINT, 5 SIGTRAP, ... */
	STOP_SWBREAK,
	STOP_HWBREAK,
	STOP_WATCH,  /* watch_type (BP_WATCH_*) at watch_addr */
	STOP_EXITED, /* the guest or its QEMU is gone: exit_code */
	STOP_KILLED, /* terminated by signo */
};

struct stop_event {
	enum stop_kind kind;
	int vcpu; /* 0-based index; -1 = whole target */
	int signo;
	int exit_code;
	uint64_t watch_addr;
	enum bp_type watch_type;
	char why[128]; /* human-readable, e.g. "QEMU exited (signal 9)" */
};

struct target;
struct platform;
struct sim_config;

/* target_ops.sync: what changed since the last look. */
#define TARGET_SYNC_RAN	    0x1 /* the guest ran: memory and registers moved */
#define TARGET_SYNC_RESET   0x2 /* registers and paging mode are new */
#define TARGET_SYNC_RUNNING 0x4 /* it runs now, though nobody resumed it */

/*
 * Every entry may be NULL (unsupported: the target_*() wrappers return
 * -ENOSYS). vCPU numbers are 0-based; the RSP server adds 1 for thread ids.
 *
 * Run control is asynchronous: resume() returns at once; the server then
 * polls event_fd() (readable when a stop may have happened) and calls
 * wait_stop(), which returns 0 with *ev filled once every vCPU is stopped,
 * or -EAGAIN while the guest runs. interrupt() asks for a stop (reported as
 * STOP_SIGNAL with signo 2 through wait_stop()).
 */
struct target_ops {
	const char *name;
	int (*nr_vcpus)(struct target *t);
	int (*vcpu_describe)(struct target *t, int vcpu, char *buf, size_t len);
	int (*read_regs)(struct target *t, int vcpu, struct regs *regs);
	int (*write_reg)(struct target *t, int vcpu, unsigned int nr,
			 const uint8_t *val);
	int (*write_regs)(struct target *t, int vcpu, const struct regs *regs);
	int (*resume)(struct target *t, const struct resume_req *req);
	int (*interrupt)(struct target *t);
	int (*event_fd)(struct target *t);
	int (*wait_stop)(struct target *t, struct stop_event *ev);
	int (*insert_bp)(struct target *t, enum bp_type type, uint64_t addr,
			 unsigned int kind);
	int (*remove_bp)(struct target *t, enum bp_type type, uint64_t addr,
			 unsigned int kind);
	/* gdb detached: leave the guest running. */
	int (*detach)(struct target *t);
	/* gdb asked to kill: end the guest (QEMU quits). */
	int (*kill)(struct target *t);
	/*
	 * Take in what happened behind the bridge's back (another client of
	 * the hypervisor resumed, stopped or reset the guest) while no resume
	 * of ours is under way: a mask of TARGET_SYNC_*.
	 */
	int (*sync)(struct target *t);
	/* Extra info for `monitor sev stats` (platform chosen, accel, ...). */
	int (*describe)(struct target *t, char *buf, size_t len);
	void (*destroy)(struct target *t);
};

struct target {
	const struct target_ops *ops;
	void *priv;
	struct ram_map ram;    /* guest-physical RAM map */
	struct platform *plat; /* never NULL once opened */
	bool live;	       /* false for dumps */
	bool read_only;	       /* writes refused (dumps, --read-only) */
	/* --bitmap page-tables: shared pages from the guest's page tables
	 * even where the platform keeps a bitmap (session.c). */
	bool bitmap_page_tables;
	bool running;	    /* kept by the wrappers */
	bool launched;	    /* started by sevdbg: qAttached 0 */
	bool range_step;    /* resume() handles RESUME_RANGE */
	bool leave_stopped; /* destroy() lets go without resuming */
	/* For front ends to show; "" = unknown. */
	char guest_elf[256];   /* an ELF with the guest's symbols (demo) */
	char console_log[128]; /* where the guest's serial output goes */
};

int target_nr_vcpus(struct target *t);
int target_vcpu_describe(struct target *t, int vcpu, char *buf, size_t len);
int target_read_regs(struct target *t, int vcpu, struct regs *regs);
int target_write_reg(struct target *t, int vcpu, unsigned int nr,
		     const uint8_t *val);
int target_write_regs(struct target *t, int vcpu, const struct regs *regs);
int target_resume(struct target *t, const struct resume_req *req);
int target_interrupt(struct target *t);
int target_event_fd(struct target *t);
int target_wait_stop(struct target *t, struct stop_event *ev);
int target_insert_bp(struct target *t, enum bp_type type, uint64_t addr,
		     unsigned int kind);
int target_remove_bp(struct target *t, enum bp_type type, uint64_t addr,
		     unsigned int kind);
int target_detach(struct target *t);
int target_kill(struct target *t);
int target_sync(struct target *t);
int target_describe(struct target *t, char *buf, size_t len);
void target_destroy(struct target *t);

/* Options every target constructor understands. */
struct target_opts {
	bool force_sim;		 /* --sim */
	bool read_only;		 /* --read-only */
	bool bitmap_page_tables; /* --bitmap page-tables */
	bool allow_partial;	 /* --allow-partial: serve RAM that is shared,
				  * fail reads of what is not, naming it */
	const char *accel;	 /* --accel tcg|kvm, NULL = auto */
	struct sim_config *sim;	 /* sim knobs (cbit, policy, key, latency) */
	bool verbose;
};

/*
 * The registry (plugins/targets.c) maps "prefix:" of a TARGET string to a
 * constructor; tests may register their own. err gets a one-line reason.
 */
struct target_type {
	const char *prefix; /* "qemu", "launch", "core", "demo" */
	const char *usage;  /* one line for --help */
	int (*open)(const char *arg, const struct target_opts *o,
		    struct target **out, char *err, size_t errlen);
};

/* NULL-terminated list of the built-in types (plugins/targets.c). */
extern const struct target_type *const builtin_targets[];

int target_open(const char *spec, const struct target_opts *o,
		struct target **out, char *err, size_t errlen);
int target_register(const struct target_type *type);
const struct target_type *const *target_types(size_t *nr);

#endif
