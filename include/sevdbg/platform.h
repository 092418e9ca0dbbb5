/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The SEV side of one guest (DESIGN.md §1): what the hypervisor sees, the
 * firmware's debug commands, and the page-encryption bitmap.
 */
#ifndef SEVDBG_PLATFORM_H
#define SEVDBG_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* SEV firmware status codes that the bridge reports by name. */
#define SEV_RET_SUCCESS		       0
#define SEV_RET_INVALID_PLATFORM_STATE 1
#define SEV_RET_INVALID_GUEST_STATE    2
#define SEV_RET_INVALID_LEN	       4
#define SEV_RET_POLICY_FAILURE	       7
#define SEV_RET_INVALID_ADDRESS	       9
#define SEV_RET_INVALID_PARAM	       22

#define SEV_POLICY_NODBG (1u << 0)

/* DBG_DECRYPT/ENCRYPT granularity (PSP rule). */
#define SEV_DBG_ALIGN 16

struct platform_info {
	const char *kind;    /* "sev", "sev-es", "sim", "file", "plain" */
	unsigned int cbit;   /* C-bit position in PTEs; 0 = none */
	uint32_t policy;     /* guest policy (SEV_POLICY_*) */
	bool encrypted;	     /* false: every page is plain (bitmap all 0) */
	bool regs_encrypted; /* SEV-ES: register state is in the VMSA */
	/* No bitmap to follow: the memory model derives one from the
	 * guest's page tables at every stop. Either there is none
	 * (get_bitmap fails) or it is not trusted: the guest never reported
	 * to it (nr_ranges 0), and get_bitmap answers only for `verify`.
	 * May change between stops; the session asks at every stop. */
	bool bitmap_from_paging;
	/* Non-NULL: why the bitmap is not a record of what the guest said
	 * (shown beside it), e.g. a dump that carries no bitmap at all. */
	const char *bitmap_caveat;
	/* Modelled cost of one DBG command (sim), for projections of
	 * firmware time; 0 = unknown or free. */
	unsigned int fw_latency_us;
};

struct platform;

/*
 * Every entry may be NULL: the platform_*() wrappers turn that into -ENOSYS.
 * All return 0 or a negative errno. For dbg_decrypt/dbg_encrypt the PSP
 * rules hold: gpa and len 16-byte aligned, [gpa, gpa+len) inside one 4 KiB
 * page; *fw_error receives the firmware status (-EIO with
 * SEV_RET_POLICY_FAILURE when the policy has NODBG).
 * read_host/write_host may span pages but not holes in the RAM map.
 * get_bitmap fills npages bits from start_gfn (bit i of byte i/8, 1 =
 * encrypted); set_bitmap with bits == NULL resets all pages to encrypted.
 * sync drains page-encryption records that arrived while the guest ran.
 * read_vmsa (SEV-ES) decrypts a stopped vCPU's VM save area into buf
 * (len >= SEV_ES_VMSA_SIZE of <uapi/linux/sevdbg_vmsa.h>): -EBUSY while it
 * runs, -EINVAL when the guest is not SEV-ES, -EIO with
 * SEV_RET_POLICY_FAILURE when the policy has NODBG; sev_vmsa_strerror()
 * turns the result into the sentence a user needs.
 */
struct platform_ops {
	const char *name;
	int (*read_host)(struct platform *p, uint64_t gpa, void *buf,
			 size_t len);
	int (*write_host)(struct platform *p, uint64_t gpa, const void *buf,
			  size_t len);
	int (*dbg_decrypt)(struct platform *p, uint64_t gpa, void *buf,
			   size_t len, int *fw_error);
	int (*dbg_encrypt)(struct platform *p, uint64_t gpa, const void *buf,
			   size_t len, int *fw_error);
	int (*get_bitmap)(struct platform *p, uint64_t start_gfn,
			  uint64_t npages, uint8_t *bits);
	int (*set_bitmap)(struct platform *p, uint64_t start_gfn,
			  uint64_t npages, const uint8_t *bits);
	int (*info)(struct platform *p, struct platform_info *info);
	int (*sync)(struct platform *p);
	int (*read_vmsa)(struct platform *p, int vcpu, void *buf, size_t len,
			 int *fw_error);
	void (*destroy)(struct platform *p);
};

/* Per-path counters the router and `monitor sev stats` read. */
struct platform_stats {
	uint64_t decrypt_calls, decrypt_bytes;
	uint64_t encrypt_calls, encrypt_bytes;
	uint64_t host_read_calls, host_read_bytes;
	uint64_t host_write_calls, host_write_bytes;
	uint64_t bitmap_calls;
	uint64_t vmsa_calls; /* SEV-ES register reads */
	uint64_t errors;
};

struct platform {
	const struct platform_ops *ops;
	void *priv;
	struct platform_stats stats; /* kept by the wrappers */
	/* Fault injection for tests: fail the n-th call of a kind (0 = off). */
	uint64_t fail_decrypt_at, fail_read_host_at;
};

/* Fault injection from SEVDBG_FAULT="decrypt:N,read_host:M" (tests only);
 * -EINVAL (and a warning, nothing armed) when it does not parse. */
int platform_fault_from_env(struct platform *p);

int platform_read_host(struct platform *p, uint64_t gpa, void *buf, size_t len);
int platform_write_host(struct platform *p, uint64_t gpa, const void *buf,
			size_t len);
int platform_dbg_decrypt(struct platform *p, uint64_t gpa, void *buf,
			 size_t len, int *fw_error);
int platform_dbg_encrypt(struct platform *p, uint64_t gpa, const void *buf,
			 size_t len, int *fw_error);
int platform_get_bitmap(struct platform *p, uint64_t start_gfn, uint64_t npages,
			uint8_t *bits);
int platform_set_bitmap(struct platform *p, uint64_t start_gfn, uint64_t npages,
			const uint8_t *bits);
int platform_info(struct platform *p, struct platform_info *info);
int platform_sync(struct platform *p);
int platform_read_vmsa(struct platform *p, int vcpu, void *buf, size_t len,
		       int *fw_error);
void platform_destroy(struct platform *p);
/* "POLICY_FAILURE (guest policy forbids debugging)" etc. */
const char *sev_fw_strerror(int fw_error);
/* Why read_vmsa failed (ret a negative errno), naming the fix. */
const char *sev_vmsa_strerror(int ret, int fw_error);

/* Constructors (plugins/). */
struct ram_map;
/*
 * Microseconds the sim charges per DBG_DECRYPT/DBG_ENCRYPT when the user
 * gives no --sim-latency. We found no published latency of these commands
 * on any EPYC (AMD's SEV API specification gives none; the KVM and QEMU
 * sources and mailing lists we searched give none), so this is an assumed
 * round number, not a measurement, chosen only so that a default run does
 * not hide the firmware's cost. Benchmarks print calls and the projected
 * firmware time (calls x latency) beside it, so any other figure can be
 * applied to their counts; override with --sim-latency.
 */
#define SIM_DEFAULT_LATENCY_US 10

struct sim_config {
	unsigned int cbit;	 /* default 52 */
	uint32_t policy;	 /* SEV_POLICY_* */
	const uint8_t *key;	 /* 16 bytes, NULL = random */
	unsigned int latency_us; /* per firmware command */
	int hc_fd;		 /* page-encryption record channel, -1 none */
	bool launched;		 /* false: every DBG command fails */
	/* --sim-regs=none: an SEV-ES guest on a host without the VMSA
	 * command; its registers are unavailable (info.regs_encrypted). */
	bool no_regs;
	bool es; /* SEV-ES: registers only in the encrypted VMSA (--sim-es) */
	/* The guest's records change its memory but never reach the
	 * kernel's bitmap (a stock guest without
	 * KVM_FEATURE_MIGRATION_CONTROL): GET reports nr_ranges 0. */
	bool bitmap_untracked;
};
int sim_platform_new(const struct ram_map *ram, const struct sim_config *cfg,
		     struct platform **out);
/* Feed raw bytes of the hypercall channel (also used by unit tests). */
int sim_platform_feed(struct platform *p, const void *buf, size_t len);
/*
 * SEV-ES (cfg.es): what the CPU does at a VMEXIT, saving vCPU state into
 * its VMSA, encrypted under the guest key (len <= 4096; the target builds
 * it from the real registers with vmsa_from_regs). vmsa == NULL: the vCPU
 * runs, and read_vmsa answers -EBUSY until the next save.
 */
#define SIM_MAX_VCPUS 64
int sim_platform_save_vmsa(struct platform *p, int vcpu, const void *vmsa,
			   size_t len);
/* The sim's own view: firmware commands it ran and records it parsed. */
struct sim_stats {
	uint64_t decrypt_cmds, encrypt_cmds; /* incl. refused ones */
	uint64_t fw_errors;		     /* commands the PSP refused */
	uint64_t records, bad_records;	     /* page-encryption records */
	uint64_t garbage_bytes;		     /* skipped while resyncing */
	uint64_t firmware_ns; /* modelled PSP busy time (commands x latency) */
	uint64_t nr_ranges;   /* what the series' GET reports (records + SETs
			       * that reached the kernel's bitmap) */
};
/* -EINVAL if p is not a sim platform. */
int sim_platform_stats(struct platform *p, struct sim_stats *st);

struct kvm_attach {
	int qemu_pid;
	const struct ram_map *ram; /* our mapping of guest RAM */
	bool sev_es; /* QEMU's query-sev policy has ES: registers in the VMSA */
};
/* On failure, err (if not NULL) gets a sentence naming the missing piece. */
int kvm_platform_new(const struct kvm_attach *a, struct platform **out,
		     char *err, size_t errlen);
/* The steps of kvm_platform_new, for tests and for callers that already
 * hold a VM fd. cpuid: 0 or -ENODEV with "this CPU has no SEV (...)". */
int kvm_sev_cpuid(unsigned int *cbit, char *err, size_t errlen);
/* A duplicate of process pid's KVM VM fd (pidfd_getfd). */
int kvm_find_vm_fd(int pid, int *fd, char *err, size_t errlen);
/*
 * Attach to a VM fd (duplicated; the caller keeps its own): mirror = true
 * makes our own VM a mirror of it (KVM_CAP_VM_COPY_ENC_CONTEXT_FROM);
 * false uses it directly, which only works in the process that created it.
 * Probes DBG_DECRYPT and the series' bitmap ioctl.
 */
int kvm_platform_attach_vm_fd(int vm_fd, bool mirror, const struct ram_map *ram,
			      unsigned int cbit, struct platform **out,
			      char *err, size_t errlen);
/*
 * Why a DBG command failed (ret: -errno, fw: firmware status), naming the
 * cause: EBADF is KVM finding no /dev/sev at the owner's fd number in our
 * process (sev_number: where sevdbg put it, -1 if it did not), ENOTTY a
 * VM that is not SEV.
 */
void kvm_dbg_strerror(int ret, int fw, int sev_number, char *err,
		      size_t errlen);
#endif
