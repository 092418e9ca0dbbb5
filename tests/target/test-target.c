// SPDX-License-Identifier: GPL-2.0-only
/*
 * A deterministic target for tests only ("test:"): 2 vCPUs, 4 MiB of RAM in
 * two regions around a hole, behind the sim platform with a few shared pages.
 *
 * Behaviour the golden and gdb tests rely on:
 *  - RAM holds, at each 8-byte aligned gpa, the u64 0x5345564400000000|gpa;
 *    regions "lo" [0, 2M) and "hi" [4M, 6M); [2M, 4M) is a hole.
 *  - Paging is off (cr0 = 0x11), so virtual == physical.
 *  - Shared (unencrypted) pages: [0x10000, 0x20000) and 0x400000; the rest
 *    is encrypted and reachable only through the sim's DBG_DECRYPT.
 *  - vCPU n: rip = 0x100000 + 0x100 n, GPR i = 0x1000000000 (n+1) + i
 *    (rsp, rbp = 0x1ff000 - 0x1000 n), cs..es_base unavailable.
 *  - step: rip += 1 (range step: to the range end); continue: stop at the
 *    nearest breakpoint above rip, else at the lowest watchpoint (a write
 *    watch increments the watched byte), else run until interrupted.
 *  - "test:exit=N": the guest exits with code 3 at the N-th resume.
 *  - "test:big": regions of 64 MiB, "hi" at 128 MiB (benchmarks).
 *  - "test:small": regions of 128 KiB ("hi" still at 4 MiB; "lo" ends
 *    with its shared pages), rip = 0x4000 + 0x100 n and rsp, rbp =
 *    0x8000 - 0x1000 n (the fuzz harness: a qCRC or qSearch over all of
 *    RAM stays cheap).
 *  - "test:static": a target whose paging mode cannot change (live =
 *    false, like a dump), so gdb is given the RAM map as its memory map.
 *  - "test:paging": 4-level paging on (cr0.PG, efer.LMA), 2 MiB pages with
 *    the sim C-bit mapping [0, 6M) at va 0 and at 0xffffffff80000000;
 *    tables at 0x9000 (PML4), 0xa000/0xc000 (PDPT), 0xb000 (PD).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sevdbg/platform.h"
#include "sevdbg/simhc.h"
#include "sevdbg/target.h"
#include "sevdbg/util.h"
#include "test-target.h"

#define TT_VCPUS    2
#define TT_REGION   (2ULL << 20)
#define TT_HI_GPA   (4ULL << 20)
#define TT_BIG	    (64ULL << 20)  /* "big": regions of 64 MiB, hi at 128 MiB */
#define TT_SMALL    (128ULL << 10) /* "small": regions of 128 KiB */
#define TT_RIP	    0x100000ULL
#define TT_STACK    0x1ff000ULL
#define TT_MAX_BPS  64
#define TT_HW_SLOTS 4 /* debug registers: hbreak + watchpoints */
#define TT_PATTERN  0x5345564400000000ULL

struct tt_bp {
	enum bp_type type;
	uint64_t addr;
	unsigned int kind;
};

struct tt {
	struct target t;
	struct regs regs[TT_VCPUS];
	struct regs regs0[TT_VCPUS]; /* as opened (test_target_reset) */
	struct tt_bp bps[TT_MAX_BPS];
	int nr_bps;
	uint8_t *mem; /* both regions, hole not mapped */
	int memfd;    /* the pristine RAM: mem is a private mapping of it */
	int evfd;
	bool running, pending, exited;
	struct stop_event ev;
	unsigned int resumes, exit_after;
	bool paging;
	bool is_static;
	uint64_t region, hi_gpa; /* RAM layout (see "big", "small") */
	uint64_t rip, stack;	 /* vCPU 0's rip and rsp */
};

static struct tt *tt_of(struct target *t)
{
	return t->priv;
}

static void tt_signal(struct tt *tt)
{
	uint64_t one = 1;

	if (write(tt->evfd, &one, sizeof(one)) < 0)
		pr_debug("test target: eventfd write failed");
}

static void tt_post(struct tt *tt, enum stop_kind kind, int vcpu, int signo)
{
	memset(&tt->ev, 0, sizeof(tt->ev));
	tt->ev.kind = kind;
	tt->ev.vcpu = vcpu;
	tt->ev.signo = signo;
	tt->pending = true;
	tt_signal(tt);
}

static int tt_nr_vcpus(struct target *t)
{
	return TT_VCPUS;
}

static int tt_vcpu_describe(struct target *t, int vcpu, char *buf, size_t len)
{
	if (vcpu < 0 || vcpu >= TT_VCPUS)
		return -ESRCH;
	snprintf(buf, len, "test vCPU %d, paging off", vcpu);
	return 0;
}

static int tt_read_regs(struct target *t, int vcpu, struct regs *regs)
{
	struct tt *tt = tt_of(t);

	if (vcpu < 0 || vcpu >= TT_VCPUS)
		return -ESRCH;
	if (tt->running)
		return -EBUSY;
	*regs = tt->regs[vcpu];
	return 0;
}

static int tt_write_reg(struct target *t, int vcpu, unsigned int nr,
			const uint8_t *val)
{
	struct tt *tt = tt_of(t);

	if (vcpu < 0 || vcpu >= TT_VCPUS)
		return -ESRCH;
	if (tt->running)
		return -EBUSY;
	memcpy(tt->regs[vcpu].raw + regs_offset(nr), val, regs_size(nr));
	tt->regs[vcpu].valid[nr] = 1;
	return 0;
}

static int tt_write_regs(struct target *t, int vcpu, const struct regs *r)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < REGS_NR && !ret; i++)
		if (r->valid[i])
			ret = tt_write_reg(t, vcpu, i, r->raw + regs_offset(i));
	return ret;
}

static uint64_t tt_rip(struct tt *tt, int vcpu)
{
	return regs_get(&tt->regs[vcpu], REGS_RIP);
}

/* The nearest execution breakpoint above rip, for every running vCPU. */
static bool tt_next_bp(struct tt *tt, const struct resume_req *req, int *vcpu,
		       const struct tt_bp **hit)
{
	uint64_t best = UINT64_MAX, rip, d;
	int i, v;

	*hit = NULL;
	for (v = 0; v < TT_VCPUS; v++) {
		if (req->action[v] != RESUME_CONT)
			continue;
		rip = tt_rip(tt, v);
		for (i = 0; i < tt->nr_bps; i++) {
			if (tt->bps[i].type > BP_HW || tt->bps[i].addr <= rip)
				continue;
			d = tt->bps[i].addr - rip;
			if (d < best) {
				best = d;
				*hit = &tt->bps[i];
				*vcpu = v;
			}
		}
	}
	return *hit != NULL;
}

static const struct tt_bp *tt_first_watch(struct tt *tt)
{
	const struct tt_bp *w = NULL;
	int i;

	for (i = 0; i < tt->nr_bps; i++)
		if (tt->bps[i].type >= BP_WATCH_WRITE &&
		    (!w || tt->bps[i].addr < w->addr))
			w = &tt->bps[i];
	return w;
}

/* The "guest" touches the watched byte, as the instruction would. */
static void tt_hit_watch(struct tt *tt, int vcpu, const struct tt_bp *w)
{
	const struct ram_region *r = ram_find(&tt->t.ram, w->addr);

	if (w->type != BP_WATCH_READ && r)
		r->hva[w->addr - r->gpa]++;
	regs_set(&tt->regs[vcpu], REGS_RIP, tt_rip(tt, vcpu) + 1);
	tt_post(tt, STOP_WATCH, vcpu, 5);
	tt->ev.watch_addr = w->addr;
	tt->ev.watch_type = w->type;
}

static bool tt_step(struct tt *tt, const struct resume_req *req)
{
	int v, first = -1;
	uint64_t rip;

	for (v = 0; v < TT_VCPUS; v++) {
		rip = tt_rip(tt, v);
		if (req->action[v] == RESUME_STEP)
			rip++;
		else if (req->action[v] == RESUME_RANGE)
			rip = rip >= req->range_start && rip < req->range_end
				      ? req->range_end
				      : rip + 1;
		else
			continue;
		regs_set(&tt->regs[v], REGS_RIP, rip);
		if (first < 0)
			first = v;
	}
	if (first >= 0)
		tt_post(tt, STOP_SIGNAL, first, 5);
	return first >= 0;
}

static int tt_resume(struct target *t, const struct resume_req *req)
{
	struct tt *tt = tt_of(t);
	const struct tt_bp *bp;
	int v, cont = -1;

	if (tt->exited)
		return -ESRCH;
	if (tt->running)
		return -EBUSY;
	tt->running = true;
	if (tt->exit_after && ++tt->resumes >= tt->exit_after) {
		tt_post(tt, STOP_EXITED, -1, 0);
		tt->ev.exit_code = 3;
		snprintf(tt->ev.why, sizeof(tt->ev.why),
			 "test guest exited with code 3 (exit=%u)",
			 tt->exit_after);
		return 0;
	}
	if (tt_step(tt, req))
		return 0;
	for (v = TT_VCPUS - 1; v >= 0; v--)
		if (req->action[v] == RESUME_CONT)
			cont = v;
	if (cont < 0)
		return 0;
	if (tt_next_bp(tt, req, &v, &bp)) {
		regs_set(&tt->regs[v], REGS_RIP, bp->addr);
		tt_post(tt, bp->type == BP_SW ? STOP_SWBREAK : STOP_HWBREAK, v,
			5);
	} else if ((bp = tt_first_watch(tt))) {
		tt_hit_watch(tt, cont, bp);
	}
	return 0; /* nothing to hit: runs until interrupted */
}

static int tt_interrupt(struct target *t)
{
	struct tt *tt = tt_of(t);

	if (tt->running && !tt->pending)
		tt_post(tt, STOP_SIGNAL, 0, 2);
	return 0;
}

static int tt_event_fd(struct target *t)
{
	return tt_of(t)->evfd;
}

static int tt_wait_stop(struct target *t, struct stop_event *ev)
{
	struct tt *tt = tt_of(t);
	uint64_t n;

	if (!tt->pending)
		return -EAGAIN;
	if (read(tt->evfd, &n, sizeof(n)) < 0)
		pr_debug("test target: eventfd already drained");
	*ev = tt->ev;
	tt->pending = false;
	tt->running = false;
	if (ev->kind == STOP_EXITED || ev->kind == STOP_KILLED)
		tt->exited = true;
	return 0;
}

static int tt_find_bp(struct tt *tt, enum bp_type type, uint64_t addr)
{
	int i;

	for (i = 0; i < tt->nr_bps; i++)
		if (tt->bps[i].type == type && tt->bps[i].addr == addr)
			return i;
	return -1;
}

static int tt_insert_bp(struct target *t, enum bp_type type, uint64_t addr,
			unsigned int kind)
{
	struct tt *tt = tt_of(t);
	int i, hw = 0;

	if (tt_find_bp(tt, type, addr) >= 0)
		return 0;
	for (i = 0; i < tt->nr_bps; i++)
		hw += tt->bps[i].type != BP_SW;
	if (tt->nr_bps == TT_MAX_BPS || (type != BP_SW && hw == TT_HW_SLOTS))
		return -ENOSPC;
	tt->bps[tt->nr_bps++] = (struct tt_bp){type, addr, kind};
	return 0;
}

static int tt_remove_bp(struct target *t, enum bp_type type, uint64_t addr,
			unsigned int kind)
{
	struct tt *tt = tt_of(t);
	int i = tt_find_bp(tt, type, addr);

	if (i < 0)
		return -ENOENT;
	tt->bps[i] = tt->bps[--tt->nr_bps];
	return 0;
}

/* Detached, the guest runs on (until the next gdb interrupts it). */
static int tt_detach(struct target *t)
{
	struct tt *tt = tt_of(t);

	tt->nr_bps = 0;
	tt->running = true;
	return 0;
}

static int tt_kill(struct target *t)
{
	struct tt *tt = tt_of(t);

	tt->exited = true;
	tt->running = false;
	tt->pending = false;
	return 0;
}

static int tt_describe(struct target *t, char *buf, size_t len)
{
	snprintf(buf, len,
		 "test target: %d vCPUs, 4 MiB RAM in 2 regions, sim platform",
		 TT_VCPUS);
	return 0;
}

static void tt_destroy(struct target *t)
{
	struct tt *tt = tt_of(t);

	platform_destroy(t->plat);
	ram_free(&t->ram);
	munmap(tt->mem, 2 * tt->region);
	close(tt->memfd);
	close(tt->evfd);
	free(tt);
}

static const struct target_ops tt_ops = {
	.name = "test",
	.nr_vcpus = tt_nr_vcpus,
	.vcpu_describe = tt_vcpu_describe,
	.read_regs = tt_read_regs,
	.write_reg = tt_write_reg,
	.write_regs = tt_write_regs,
	.resume = tt_resume,
	.interrupt = tt_interrupt,
	.event_fd = tt_event_fd,
	.wait_stop = tt_wait_stop,
	.insert_bp = tt_insert_bp,
	.remove_bp = tt_remove_bp,
	.detach = tt_detach,
	.kill = tt_kill,
	.describe = tt_describe,
	.destroy = tt_destroy,
};

static void tt_init_regs(struct tt *tt, struct regs *r, int n)
{
	unsigned int i;
	int b;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < REGS_NR; i++)
		r->valid[i] = 1;
	for (i = REGS_RAX; i <= REGS_R15; i++)
		regs_set(r, i, 0x1000000000ULL * (uint64_t)(n + 1) + i);
	regs_set(r, REGS_RSP, tt->stack - 0x1000ULL * (uint64_t)n);
	regs_set(r, REGS_RBP, tt->stack - 0x1000ULL * (uint64_t)n);
	regs_set(r, REGS_RIP, tt->rip + 0x100ULL * (uint64_t)n);
	regs_set(r, REGS_EFLAGS, 0x202);
	regs_set(r, REGS_CS, 0x10);
	regs_set(r, REGS_SS, 0x18);
	regs_set(r, REGS_DS, 0x18);
	regs_set(r, REGS_ES, 0x18);
	for (i = REGS_CS_BASE; i <= REGS_ES_BASE; i++)
		r->valid[i] = 0; /* like QEMU, which does not report them */
	regs_set(r, REGS_GS_BASE, 0x7000 + 0x100ULL * (uint64_t)n);
	regs_set(r, REGS_CR0, 0x11);
	regs_set(r, REGS_CR3, 0x9000);
	regs_set(r, REGS_CR4, 0x20);
	regs_set(r, REGS_EFER, 0x100);
	regs_set(r, REGS_FCTRL, 0x37f);
	regs_set(r, REGS_FTAG, 0xffff);
	for (i = 0; i < 16; i++)
		for (b = 0; b < 16; b++)
			r->raw[regs_offset(REGS_XMM0 + i) + (size_t)b] =
				(uint8_t)(i * 16 + (unsigned int)b);
	regs_set(r, REGS_MXCSR, 0x1f80);
}

static void tt_put64(struct tt *tt, uint64_t gpa, uint64_t v)
{
	memcpy(tt->mem + gpa, &v, 8); /* tables live in region "lo" */
}

/* Identity and higher-half 2 MiB mappings, private (C-bit set). */
static void tt_build_tables(struct tt *tt, unsigned int cbit)
{
	const uint64_t pw = 0x3, c = 1ULL << cbit;
	uint64_t i;

	memset(tt->mem + 0x9000, 0, 0x4000);
	tt_put64(tt, 0x9000, 0xa000 | pw | c);
	tt_put64(tt, 0x9000 + 511 * 8, 0xc000 | pw | c);
	tt_put64(tt, 0xa000, 0xb000 | pw | c);
	tt_put64(tt, 0xc000 + 510 * 8, 0xb000 | pw | c);
	for (i = 0; i < 3; i++) /* PS: 2 MiB pages */
		tt_put64(tt, 0xb000 + i * 8, (i << 21) | 0x80 | pw | c);
}

/* RAM as a private mapping of tt->memfd, at tt->mem (MAP_FIXED) if set:
 * remapping throws away every write in one call (test_target_reset). */
static int tt_map_private(struct tt *tt)
{
	void *p = mmap(tt->mem, 2 * tt->region, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | (tt->mem ? MAP_FIXED : 0), tt->memfd, 0);

	if (p == MAP_FAILED)
		return -errno;
	tt->mem = p;
	return 0;
}

static int tt_map_ram(struct tt *tt, unsigned int cbit)
{
	uint64_t off, v;
	int ret;

	tt->memfd = memfd_create("sevdbg-test-ram", MFD_CLOEXEC);
	if (tt->memfd < 0 || ftruncate(tt->memfd, (off_t)(2 * tt->region)))
		return -errno;
	tt->mem = mmap(NULL, 2 * tt->region, PROT_READ | PROT_WRITE, MAP_SHARED,
		       tt->memfd, 0);
	if (tt->mem == MAP_FAILED) {
		tt->mem = NULL;
		return -ENOMEM;
	}
	for (off = 0; off < 2 * tt->region; off += 8) {
		v = TT_PATTERN |
		    (off < tt->region ? off : off - tt->region + tt->hi_gpa);
		memcpy(tt->mem + off, &v, 8);
	}
	if (tt->paging)
		tt_build_tables(tt, cbit);
	ret = tt_map_private(tt); /* over the shared one */
	if (ret)
		return ret;
	ret = ram_add(&tt->t.ram, 0, tt->region, tt->mem, "lo");
	if (!ret)
		ret = ram_add(&tt->t.ram, tt->hi_gpa, tt->region,
			      tt->mem + tt->region, "hi");
	return ret;
}

/* The guest "makes pages shared" through the sim's hypercall channel. */
static int tt_share(struct platform *p, uint64_t gpa, uint64_t npages)
{
	uint8_t rec[SIM_HC_RECORD_SIZE] = {0};
	uint32_t magic = SIM_HC_MAGIC, nr = SIM_HC_NR_MAP_GPA_RANGE;

	memcpy(rec, &magic, 4);
	memcpy(rec + 4, &nr, 4);
	memcpy(rec + 8, &gpa, 8);
	memcpy(rec + 16, &npages, 8);
	/* attrs 0: 4 KiB pages, decrypted */
	return sim_platform_feed(p, rec, sizeof(rec));
}

/* Comma-separated options after "test:". */
static int tt_parse(struct tt *tt, const char *arg, char *err, size_t errlen)
{
	char buf[128], *opt, *save = NULL;
	uint64_t v;

	if (strlen(arg) >= sizeof(buf))
		goto bad;
	strcpy(buf, arg);
	for (opt = strtok_r(buf, ",", &save); opt;
	     opt = strtok_r(NULL, ",", &save)) {
		if (!strcmp(opt, "paging")) {
			tt->paging = true;
		} else if (!strcmp(opt, "static")) {
			tt->is_static = true;
		} else if (!strcmp(opt, "big")) {
			tt->region = TT_BIG;
			tt->hi_gpa = 2 * TT_BIG;
		} else if (!strcmp(opt, "small")) {
			tt->region = TT_SMALL;
			tt->rip = 0x4000;
			tt->stack = 0x8000;
		} else if (!strncmp(opt, "exit=", 5) &&
			   !parse_u64(opt + 5, 0, &v) && v && v < 1000) {
			tt->exit_after = (unsigned int)v;
		} else {
			goto bad;
		}
	}
	return 0;
bad:
	snprintf(err, errlen,
		 "bad test target option '%s': use test:, test:exit=N, test:paging, test:static, test:big, test:small, comma-separated",
		 arg);
	return -EINVAL;
}

static void tt_paging_regs(struct regs *r)
{
	regs_set(r, REGS_CR0, 0x80000011);
	regs_set(r, REGS_EFER, 0x500);
}

static void tt_init_vcpus(struct tt *tt)
{
	int n;

	for (n = 0; n < TT_VCPUS; n++) {
		tt_init_regs(tt, &tt->regs0[n], n);
		if (tt->paging)
			tt_paging_regs(&tt->regs0[n]);
	}
	memcpy(tt->regs, tt->regs0, sizeof(tt->regs));
}

static int tt_open(const char *arg, const struct target_opts *o,
		   struct target **out, char *err, size_t errlen)
{
	struct tt *tt = calloc(1, sizeof(*tt));
	int ret;

	if (!tt)
		return -ENOMEM;
	tt->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	tt->memfd = -1;
	tt->region = TT_REGION;
	tt->hi_gpa = TT_HI_GPA;
	tt->rip = TT_RIP;
	tt->stack = TT_STACK;
	ret = tt->evfd < 0 ? -errno : tt_parse(tt, arg, err, errlen);
	if (!ret)
		ret = tt_map_ram(tt, o && o->sim ? o->sim->cbit : 52);
	if (!ret)
		ret = sim_platform_new(&tt->t.ram, o ? o->sim : NULL,
				       &tt->t.plat);
	if (!ret)
		ret = tt_share(tt->t.plat, 0x10000, 16);
	if (!ret)
		ret = tt_share(tt->t.plat, tt->hi_gpa, 1);
	if (ret)
		goto fail;
	tt_init_vcpus(tt);
	tt->t.ops = &tt_ops;
	tt->t.priv = tt;
	tt->t.live = !tt->is_static;
	tt->t.range_step = true;
	tt->t.read_only = o && o->read_only;
	*out = &tt->t;
	return 0;
fail:
	if (!err[0])
		snprintf(err, errlen, "test target: %s", strerror(-ret));
	if (tt->t.plat)
		platform_destroy(tt->t.plat);
	ram_free(&tt->t.ram);
	if (tt->mem)
		munmap(tt->mem, 2 * tt->region);
	if (tt->memfd >= 0)
		close(tt->memfd);
	if (tt->evfd >= 0)
		close(tt->evfd);
	free(tt);
	return ret;
}

int test_target_reset(struct target *t)
{
	struct tt *tt = tt_of(t);
	uint64_t n;

	if (read(tt->evfd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		return -errno;
	tt->nr_bps = 0;
	tt->running = tt->pending = tt->exited = false;
	tt->resumes = 0;
	t->running = false;
	memcpy(tt->regs, tt->regs0, sizeof(tt->regs));
	return tt_map_private(tt);
}

static const struct target_type tt_type = {
	.prefix = "test",
	.usage =
		"test:[exit=N][,paging][,static][,big|small]   deterministic target (tests only)",
	.open = tt_open,
};

/* Linked only into test programs: registering at load time keeps their
 * main() the real sevdbg main(). */
__attribute__((constructor)) static void tt_register(void)
{
	target_register(&tt_type);
}
