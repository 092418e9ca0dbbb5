/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The live-QEMU target's state, shared by qemu.c (the target operations)
 * and attach.c (finding QEMU's pieces and choosing the platform).
 */
#ifndef SEVDBG_PLUGINS_QEMU_INT_H
#define SEVDBG_PLUGINS_QEMU_INT_H

#include "plugins/targets/qemu/qemu.h"
#include "sevdbg/target.h"

#define SEV_HW_SLOTS 4

struct qemu_bp {
	enum bp_type type; /* as sent to QEMU */
	uint64_t addr;
	unsigned int kind;
};

struct qemu {
	struct target t;
	struct qmp qmp;
	struct rspc rsp;
	struct qemu_launch *launch;	   /* NULL when attached */
	char origin[192];		   /* how we reached it, for describe */
	char gdb_path[QEMU_PATH_MAX + 16]; /* unix:PATH or tcp:HOST:PORT */
	char own_dir[64]; /* our gdbserver socket dir (attach) */
	int pid;
	struct qemu_ram ram; /* our mappings of its RAM backends */
	int hc_fd;
	bool sev, dead, detached;
	bool regs_encrypted; /* SEV-ES: QEMU cannot see the registers */
	bool sim_no_regs;    /* --sim-regs none: and there is no VMSA */
	int nr_vcpus;
	int tids[TARGET_MAX_VCPUS]; /* QEMU thread id of each vCPU */
	int pids[TARGET_MAX_VCPUS]; /* and its process (multiprocess mode) */
	int g_tid;		    /* thread selected with Hg, 0 = unknown */
	/* Registers of stopped vCPUs: the walker asks on every memory read. */
	bool regs_valid[TARGET_MAX_VCPUS];
	struct regs regs[TARGET_MAX_VCPUS];
	bool running;	  /* resumed by us, not stopped since */
	bool vm_running;  /* resumed by someone else (QMP cont), per QEMU */
	bool interrupted; /* ^C sent since the last resume */
	int step_tid;	  /* range stepping: vCPU and range */
	uint64_t range_start, range_end;
	uint64_t cont_mask; /* vCPUs that continue while one range-steps */
	bool pending;	    /* ev holds a stop not yet reported */
	struct stop_event ev;
	struct qemu_bp *bps;
	size_t nr_bps;
	char accel[8];
};

extern const struct target_ops qemu_target_ops;

/* qemu.c: shared by the files of the target. */
/* Every synchronous use of QEMU's gdbstub starts here: 0 or -errno. */
int qemu_ready(struct qemu *q);
/* The guest is about to run (or QEMU's view changed): forget registers. */
void qemu_regs_drop(struct qemu *q);

/* qemu-bp.c: breakpoints and watchpoints. */
const struct qemu_bp *qemu_bp_at(struct qemu *q, uint64_t pc);
int qemu_insert_bp(struct target *t, enum bp_type type, uint64_t addr,
		   unsigned int kind);
int qemu_remove_bp(struct target *t, enum bp_type type, uint64_t addr,
		   unsigned int kind);

/* events.c: target_ops.sync from QEMU's monitor events. */
int qemu_sync(struct target *t);

/* qemu.c: QEMU's gdbstub registers, cached until the guest runs. */
int qemu_fetch_regs(struct qemu *q, int vcpu, struct regs *regs);

/*
 * sev-es.c, the simulated SEV-ES guest (sim with cfg.es): at every stop the
 * "CPU" saves each vCPU's state into its encrypted VMSA, and the VMSA is
 * the running CPU's while the guest runs. No-ops for other guests.
 */
void qemu_es_save(struct qemu *q);
void qemu_es_running(struct qemu *q);
/* -EPERM (and why, on stderr) for a step SEV-ES cannot do. */
int qemu_es_check_resume(struct qemu *q, const struct resume_req *req);

#endif
