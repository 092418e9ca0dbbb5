// SPDX-License-Identifier: GPL-2.0-only
/*
 * One debugging session: the router over the target's platform, virtual
 * memory through the selected vCPU's page tables (or, without registers, the
 * kernel's own from VMCOREINFO), caches that follow run state.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sevdbg/dumpfmt.h"
#include "sevdbg/platform.h"
#include "gdbstub/mem/router.h"
#include "gdbstub/mem/session.h"
#include "sevdbg/util.h"
#include "sevdbg/vmsa.h"

/*
 * Where Linux puts the direct map without KASLR; the scan covers the whole
 * upper half, so KASLR does not matter.
 */
#define SCAN_VA_START 0xffff800000000000ULL
#define SCAN_VA_END   0xffffffffffffffffULL

/*
 * The bitmap of a platform that has none (kvm without the series): every
 * page encrypted except RAM the kernel maps without the C-bit, from the
 * selected vCPU's page tables at the last stop (the kernel's own when its
 * registers are unavailable). Without paging state (a running guest never
 * stopped, SEV-ES and no VMCOREINFO) every page stays encrypted.
 */
static int session_derive_bitmap(struct router *r, void *arg,
				 struct bitmap *out)
{
	struct session *s = arg;
	struct walk_cpu c;
	int ret;

	/* Paging off (a guest at reset): nothing is mapped shared yet. */
	if (session_walk_cpu(s, -1, &c) || !c.cbit || !(c.cr0 & (1ULL << 31)))
		return 0;
	ret = walk_shared_scan(r, &c, SCAN_VA_START, SCAN_VA_END, out);
	if (ret < 0)
		return ret;
	pr_debug("session: %d pages mapped without the C-bit", ret);
	return 0;
}

/*
 * Whether to follow the platform's bitmap may change while the session
 * lives: a kernel bitmap is trusted only once the guest has reported to it
 * (kvm: nr_ranges), which a guest that was launched under us does at boot.
 */
static int session_platform_info(struct session *s, struct platform_info *pi)
{
	int ret = platform_info(s->t->plat, pi);

	/* --bitmap page-tables: what a host without the series does, on any
	 * host; the kernel's bitmap still answers for `verify`. */
	if (!ret && s->t->bitmap_page_tables && pi->encrypted) {
		pi->bitmap_from_paging = true;
		pi->bitmap_caveat =
			"--bitmap page-tables: shared pages come from the guest's page tables, the platform's bitmap is not followed (`verify` compares the two)";
	}
	return ret;
}

static void session_follow_bitmap(struct session *s)
{
	struct platform_info pi;
	bool was = s->pinfo.bitmap_from_paging;

	if (session_platform_info(s, &pi))
		return;
	s->pinfo = pi;
	if (pi.bitmap_from_paging && !was)
		router_set_derived_bitmap(s->router, session_derive_bitmap, s);
	else if (!pi.bitmap_from_paging && was)
		router_set_derived_bitmap(s->router, NULL, NULL);
	else if (pi.bitmap_from_paging)
		router_rederive(s->router);
}

int session_init(struct session *s, struct target *t)
{
	int ret;

	memset(s, 0, sizeof(*s));
	s->t = t;
	s->last_vcpu = -1;
	if (!t->plat)
		return -EINVAL;
	platform_fault_from_env(t->plat); /* tests only, see security.md */
	ret = router_new(t->plat, &t->ram, &s->router);
	if (ret)
		return ret;
	ret = session_platform_info(s, &s->pinfo);
	if (ret) {
		memset(&s->pinfo, 0, sizeof(s->pinfo));
		s->pinfo.kind = "unknown";
		s->pinfo.encrypted = true;
	}
	s->read_only = t->read_only;
	if (s->pinfo.regs_encrypted) {
		s->vmsa_regs = calloc(TARGET_MAX_VCPUS, sizeof(*s->vmsa_regs));
		if (!s->vmsa_regs) {
			router_free(s->router);
			return -ENOMEM;
		}
	}
	if (s->pinfo.bitmap_from_paging)
		router_set_derived_bitmap(s->router, session_derive_bitmap, s);
	/* A stopped (or dead) guest can be cached; a running one cannot. */
	if (t->running)
		session_note_resume(s);
	else
		session_note_stop(s);
	return 0;
}

void session_release(struct session *s)
{
	router_free(s->router);
	s->router = NULL;
	free(s->kroot.page);
	s->kroot.page = NULL;
	free(s->vmsa_regs);
	s->vmsa_regs = NULL;
}

/* One VMSA decrypted into s->vmsa_regs[vcpu]; a refusal leaves it empty. */
static void session_vmsa_fetch(struct session *s, int vcpu)
{
	uint8_t vmsa[SEV_ES_VMSA_SIZE];
	struct regs *r = &s->vmsa_regs[vcpu];
	int fw = 0, ret;

	ret = platform_read_vmsa(s->t->plat, vcpu, vmsa, sizeof(vmsa), &fw);
	if (ret) {
		memset(r, 0, sizeof(*r));
		snprintf(s->regs_why, sizeof(s->regs_why),
			 "SEV-ES keeps them in the encrypted VMSA, and %s",
			 sev_vmsa_strerror(ret, fw));
		pr_debug("session: vCPU %d's VMSA: %s (%d, firmware %d)", vcpu,
			 s->regs_why, ret, fw);
	} else {
		vmsa_to_regs(vmsa, r);
		s->regs_why[0] = '\0';
	}
	memset(vmsa, 0, sizeof(vmsa));
	s->vmsa_valid |= 1ULL << vcpu;
}

int session_read_regs(struct session *s, int vcpu, struct regs *regs)
{
	if (!s->vmsa_regs)
		return target_read_regs(s->t, vcpu, regs);
	if (vcpu < 0 || vcpu >= TARGET_MAX_VCPUS ||
	    vcpu >= target_nr_vcpus(s->t))
		return -EINVAL;
	if (s->t->running)
		return -EBUSY;
	if (!(s->vmsa_valid & (1ULL << vcpu)))
		session_vmsa_fetch(s, vcpu);
	*regs = s->vmsa_regs[vcpu];
	/* A platform without a VMSA (a dump): the target may know them. */
	if (!regs->valid[REGS_RIP] && !s->t->live)
		return target_read_regs(s->t, vcpu, regs);
	return 0;
}

const char *session_regs_why(const struct session *s)
{
	if (s->regs_why[0])
		return s->regs_why;
	return s->pinfo.regs_encrypted
		       ? "SEV-ES keeps them in the encrypted VMSA"
		       : "the target does not report them";
}

const char *session_step_refusal(const struct session *s)
{
	if (!s->pinfo.regs_encrypted)
		return NULL;
	return "SEV-ES guest: single-step is impossible, the hypervisor cannot set the trap flag in the encrypted VMSA (KVM refuses KVM_SET_GUEST_DEBUG). Use continue and interrupt (Ctrl-C)";
}

const char *session_bp_refusal(const struct session *s)
{
	if (!s->pinfo.regs_encrypted)
		return NULL;
	return "SEV-ES guest: no breakpoints or watchpoints, KVM refuses KVM_SET_GUEST_DEBUG for an encrypted vCPU and an int3 would need its registers rewound. Use continue and interrupt (Ctrl-C)";
}

/* Register errors after which the kernel's own root stands in; not
 * -EBUSY (running), -EINVAL (no such vCPU) or -ESRCH (QEMU gone). */
static bool regs_missing(int err)
{
	return err == -ENODATA || err == -ENOSYS || err == -EACCES ||
	       err == -EPERM || err == -EIO || err == -EPROTO;
}

static int session_vcpu_paging(struct session *s, int vcpu, struct walk_cpu *c)
{
	struct regs regs;
	int ret;

	if (s->run_behind) { /* its registers would mean stopping it */
		if (s->last_vcpu != vcpu)
			return -EBUSY;
		*c = s->last_cpu;
		return 0;
	}
	memset(&regs, 0, sizeof(regs));
	ret = session_read_regs(s, vcpu, &regs);
	if (ret)
		return ret;
	/* SEV-ES: control registers live in the encrypted VMSA. */
	if (!regs.valid[REGS_CR0] || !regs.valid[REGS_CR3] ||
	    !regs.valid[REGS_CR4] || !regs.valid[REGS_EFER])
		return -ENODATA;
	walk_cpu_from_regs(c, &regs, s->pinfo.cbit);
	s->last_cpu = *c;
	s->last_vcpu = vcpu;
	return 0;
}

static void kroot_search(struct session *s)
{
	struct session_kroot *k = &s->kroot;
	char err[160];
	int len;

	k->scanned = 0;
	k->state = KROOT_ABSENT;
	len = vmci_find(s->router, s->pinfo.encrypted, k->page, &k->note_gpa,
			&k->scanned, s->interrupted);
	if (len == -EINTR) {
		k->state = KROOT_UNKNOWN;
		snprintf(k->why, sizeof(k->why),
			 "the search for the guest's VMCOREINFO was interrupted");
		return;
	}
	if (len < 0) {
		snprintf(k->why, sizeof(k->why),
			 "no VMCOREINFO note in the guest's RAM (%llu pages searched): not a Linux guest, or not booted that far",
			 (unsigned long long)k->scanned);
		return;
	}
	k->note_len = VMCOREINFO_DESC_OFF + (size_t)len;
	if (vmci_parse_root((const char *)k->page + VMCOREINFO_DESC_OFF,
			    (size_t)len, &k->root, err, sizeof(err))) {
		snprintf(k->why, sizeof(k->why), "%s", err);
		return;
	}
	k->state = KROOT_FOUND;
	k->why[0] = '\0';
	pr_info("session: no registers, so virtual addresses go through init_top_pgt 0x%llx (%d-level, guest-physical 0x%llx) from the VMCOREINFO of Linux %s",
		(unsigned long long)k->root.init_top_pgt, k->root.la57 ? 5 : 4,
		(unsigned long long)k->root.pgd, k->root.osrelease);
}

/* The kernel's root: searched once, rechecked (one page) after a stop. */
static const struct vmci_root *session_kroot(struct session *s)
{
	struct session_kroot *k = &s->kroot;
	uint8_t *now;

	if (!k->page && !(k->page = malloc(2 * PAGE_SIZE))) {
		snprintf(k->why, sizeof(k->why), "out of memory");
		return NULL;
	}
	now = k->page + PAGE_SIZE;
	if (k->recheck && k->state == KROOT_FOUND &&
	    (router_read(s->router, k->note_gpa, now, k->note_len) !=
		     (ssize_t)k->note_len ||
	     memcmp(now, k->page, k->note_len)))
		k->state = KROOT_UNKNOWN; /* rebooted: KASLR moved it */
	if (k->recheck && k->state == KROOT_ABSENT)
		k->state = KROOT_UNKNOWN;
	k->recheck = false;
	if (k->state == KROOT_UNKNOWN)
		kroot_search(s);
	return k->state == KROOT_FOUND ? &k->root : NULL;
}

int session_walk_root(struct session *s, int vcpu, struct walk_cpu *c,
		      struct session_root *root)
{
	struct session_root none;
	const struct vmci_root *k;
	int ret;

	if (!root)
		root = &none;
	if (vcpu < 0)
		vcpu = s->cur_vcpu;
	memset(root, 0, sizeof(*root));
	root->vcpu = vcpu;
	ret = session_vcpu_paging(s, vcpu, c);
	if (!ret || !regs_missing(ret))
		return ret;
	k = session_kroot(s);
	if (!k) {
		root->regs_err = ret;
		root->no_kernel_root = s->kroot.why;
		return ret;
	}
	vmci_walk_cpu(k, s->pinfo.cbit, c);
	root->kind = SESSION_ROOT_KERNEL;
	root->regs_err = ret;
	root->kernel = k;
	return 0;
}

int session_walk_cpu(struct session *s, int vcpu, struct walk_cpu *c)
{
	return session_walk_root(s, vcpu, c, NULL);
}

const char *session_root_name(const struct session_root *root, char *buf,
			      size_t len)
{
	if (root->kind == SESSION_ROOT_CR3)
		snprintf(buf, len, "CR3 of vCPU %d", root->vcpu);
	else if (root->regs_err == -ENODATA)
		snprintf(buf, len,
			 "init_top_pgt from VMCOREINFO (registers unavailable)");
	else
		snprintf(buf, len,
			 "init_top_pgt from VMCOREINFO (vCPU %d's registers: %s)",
			 root->vcpu, strerror(-root->regs_err));
	return buf;
}

ssize_t session_read_virt(struct session *s, int vcpu, uint64_t va, void *buf,
			  size_t len)
{
	struct walk_cpu c;
	int ret;

	ret = session_walk_cpu(s, vcpu, &c);
	if (ret)
		return ret;
	return walk_read(s->router, &c, va, buf, len);
}

ssize_t session_write_virt(struct session *s, int vcpu, uint64_t va,
			   const void *buf, size_t len)
{
	struct walk_cpu c;
	int ret;

	if (s->read_only || s->t->read_only)
		return -EROFS;
	ret = session_walk_cpu(s, vcpu, &c);
	if (ret)
		return ret;
	return walk_write(s->router, &c, va, buf, len);
}

void session_sync(struct session *s)
{
	int what;

	if (!s || !s->t || !s->router)
		return;
	what = target_sync(s->t);
	if (what < 0 || s->t->running)
		return;
	if (what & TARGET_SYNC_RESET)
		s->last_vcpu = -1; /* registers and paging mode are new */
	if (what & (TARGET_SYNC_RAN | TARGET_SYNC_RESET)) {
		s->vmsa_valid = 0; /* SEV-ES registers moved too */
		router_invalidate(s->router);
		if (s->pinfo.bitmap_from_paging)
			router_rederive(s->router);
	}
	if (!!(what & TARGET_SYNC_RUNNING) != s->run_behind) {
		s->run_behind = what & TARGET_SYNC_RUNNING;
		pr_info("the guest was %s behind the debugger's back%s",
			s->run_behind ? "resumed" : "stopped again",
			s->run_behind ? ": memory is read live, nothing cached"
				      : "");
		/* Nothing is cached while the guest runs. */
		router_set_cache(s->router, !s->run_behind);
	}
}

static bool session_interrupted(const struct session *s)
{
	return s->interrupted && *s->interrupted;
}

/* Until the target reports the stop that interrupt() asked for. */
static int session_wait_stop(struct session *s, uint64_t deadline,
			     struct stop_event *ev, char *err, size_t errlen)
{
	struct pollfd pfd;
	int ret;

	for (;;) {
		ret = target_wait_stop(s->t, ev);
		if (ret != -EAGAIN)
			break;
		if (now_ns() > deadline || session_interrupted(s))
			return -ETIMEDOUT;
		pfd.fd = target_event_fd(s->t);
		pfd.events = POLLIN;
		if (pfd.fd >= 0)
			poll(&pfd, 1, 100);
		else
			usleep(10000);
	}
	if (ret)
		snprintf(err, errlen,
			 "waiting for the guest to stop failed: %s",
			 strerror(-ret));
	return ret;
}

int session_stop_guest(struct session *s, unsigned int timeout_ms,
		       bool *stopped, char *err, size_t errlen)
{
	uint64_t deadline = now_ns() + timeout_ms * 1000000ULL;
	struct stop_event ev;
	int ret;

	*stopped = false;
	if (!s->t->live || !s->t->running)
		return 0;
	ret = target_interrupt(s->t);
	if (ret) {
		snprintf(err, errlen, "cannot stop the guest: %s",
			 strerror(-ret));
		return ret;
	}
	ret = session_wait_stop(s, deadline, &ev, err, errlen);
	if (ret == -ETIMEDOUT)
		snprintf(err, errlen, "the guest did not stop within %u s",
			 timeout_ms / 1000);
	if (ret)
		return ret;
	if (ev.kind == STOP_EXITED || ev.kind == STOP_KILLED) {
		snprintf(err, errlen, "the guest is gone: %s", ev.why);
		return -ESRCH;
	}
	*stopped = true;
	session_note_stop(s);
	return 0;
}

int session_resume_guest(struct session *s)
{
	int i, n = target_nr_vcpus(s->t);
	struct resume_req req;

	memset(&req, 0, sizeof(req));
	for (i = 0; i < n && i < TARGET_MAX_VCPUS; i++)
		req.action[i] = RESUME_CONT;
	session_note_resume(s);
	return target_resume(s->t, &req);
}

void session_note_resume(struct session *s)
{
	s->vmsa_valid = 0;
	router_invalidate(s->router);
	router_set_cache(s->router, false);
}

void session_note_stop(struct session *s)
{
	s->run_behind = false;
	s->vmsa_valid = 0;
	router_invalidate(s->router);
	router_set_cache(s->router, true);
	s->kroot.recheck = true;
	/* A derived bitmap follows the page tables of the new stop. */
	session_follow_bitmap(s);
}
