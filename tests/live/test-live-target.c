// SPDX-License-Identifier: GPL-2.0-only
/*
 * The qemu target against the live test guest (TCG): registers, run control,
 * breakpoints, routing through the sim, detach/re-attach, attach, QEMU death.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "plugins/targets/qemu/qemu.h"
#include "sevdbg/platform.h"
#include "gdbstub/mem/router.h"
#include "gdbstub/cmd/sym.h"
#include "sevdbg/target.h"

#define KERNEL_VMA 0xffffffff80000000ULL
#define GUEST	   "tests/guest/guest.elf"

struct live {
	struct target *t;
	struct router *r;
	struct symtab *syms;
	char dir[64], serial[96];
};

static struct live *L(void **state)
{
	return *state;
}

static uint64_t sym(struct live *l, const char *name, uint64_t *size)
{
	const struct sym *s = sym_by_name(l->syms, name);

	assert_non_null(s);
	if (size)
		*size = s->size;
	return s->addr;
}

/* Guest-physical address of an image symbol. */
static uint64_t pa(struct live *l, const char *name)
{
	return sym(l, name, NULL) - KERNEL_VMA;
}

static int wait_stop(struct target *t, struct stop_event *ev, int ms)
{
	for (int i = 0; i < ms / 10; i++) {
		struct pollfd p = {.fd = target_event_fd(t), .events = POLLIN};
		int rc;

		poll(&p, 1, 10);
		rc = target_wait_stop(t, ev);
		if (rc != -EAGAIN)
			return rc;
	}
	return -ETIMEDOUT;
}

static void resume_all(struct live *l)
{
	struct resume_req req = {0};

	for (int i = 0; i < target_nr_vcpus(l->t); i++)
		req.action[i] = RESUME_CONT;
	router_invalidate(l->r);
	assert_int_equal(target_resume(l->t, &req), 0);
}

static uint64_t read_u64(struct live *l, const char *name)
{
	uint64_t v = 0;

	assert_int_equal(router_read(l->r, pa(l, name), &v, 8), 8);
	return v;
}

static uint64_t rip(struct live *l, int vcpu)
{
	struct regs r;

	assert_int_equal(target_read_regs(l->t, vcpu, &r), 0);
	return regs_get(&r, REGS_RIP);
}

/* Like gdb: a vCPU sitting on a breakpoint address steps off it first. */
static void step_off(struct live *l, uint64_t addr)
{
	for (int v = 0; v < target_nr_vcpus(l->t); v++) {
		struct resume_req req = {0};
		struct stop_event ev;

		if (rip(l, v) != addr)
			continue;
		req.action[v] = RESUME_STEP;
		assert_int_equal(target_resume(l->t, &req), 0);
		assert_int_equal(wait_stop(l->t, &ev, 5000), 0);
	}
}

/* Run to a breakpoint at fn: the stop event's vCPU. */
static int run_to(struct live *l, const char *fn, enum bp_type type)
{
	uint64_t addr = sym(l, fn, NULL);
	struct stop_event ev;

	step_off(l, addr);
	assert_int_equal(target_insert_bp(l->t, type, addr, 1), 0);
	resume_all(l);
	assert_int_equal(wait_stop(l->t, &ev, 20000), 0);
	router_invalidate(l->r);
	assert_int_equal(target_remove_bp(l->t, type, addr, 1), 0);
	assert_int_equal(ev.kind, type == BP_SW ? STOP_SWBREAK : STOP_HWBREAK);
	assert_int_equal(rip(l, ev.vcpu), addr);
	return ev.vcpu;
}

static int setup(void **state)
{
	struct target_opts o = {.force_sim = true};
	struct live *l = calloc(1, sizeof(*l));
	char err[256] = "", spec[512];

	if (!l)
		return -1;
	strcpy(l->dir, "/tmp/sevdbg-live-XXXXXX");
	if (!mkdtemp(l->dir))
		return -1;
	snprintf(l->serial, sizeof(l->serial), "%s/serial.log", l->dir);
	snprintf(spec, sizeof(spec),
		 "launch:-kernel %s -smp 2 -m 128M -nodefaults -display none -machine q35 -cpu max -serial file:%s",
		 GUEST, l->serial);
	if (sym_load(GUEST, &l->syms, err, sizeof(err)) ||
	    target_open(spec, &o, &l->t, err, sizeof(err)) ||
	    router_new(l->t->plat, &l->t->ram, &l->r)) {
		fprintf(stderr, "setup: %s\n", err);
		return -1;
	}
	*state = l;
	/* Attaching stopped the guest early in boot: run it to its loop. */
	for (int i = 0; i < 200 && !read_u64(l, "guest_ready"); i++)
		run_to(l, "check_mailbox", BP_SW);
	return read_u64(l, "guest_ready") ? 0 : -1;
}

static int teardown(void **state)
{
	struct live *l = L(state);
	char path[128];

	router_free(l->r);
	if (l->t)
		target_destroy(l->t);
	sym_free(l->syms);
	snprintf(path, sizeof(path), "%s/serial.log", l->dir);
	unlink(path);
	for (int i = 1; i <= 4; i++) { /* left by a failed attach test */
		snprintf(path, sizeof(path), "%s/ext-qmp-%d.sock", l->dir, i);
		unlink(path);
	}
	rmdir(l->dir);
	free(l);
	return 0;
}

static void test_vcpus_regs(void **state)
{
	struct live *l = L(state);
	struct regs r;
	char buf[128];

	assert_int_equal(target_nr_vcpus(l->t), 2);
	for (int v = 0; v < 2; v++) {
		assert_int_equal(target_read_regs(l->t, v, &r), 0);
		assert_true(regs_get(&r, REGS_RIP) >= KERNEL_VMA);
		assert_true(regs_get(&r, REGS_CR0) & (1u << 31));  /* PG */
		assert_true(regs_get(&r, REGS_EFER) & (1u << 10)); /* LMA */
		assert_int_equal(regs_get(&r, REGS_CR3) & 0xfff, 0);
		assert_false(r.valid[REGS_CS_BASE]); /* QEMU 7.2 lacks it */
		assert_int_equal(target_vcpu_describe(l->t, v, buf,
						      sizeof(buf)),
				 0);
	}
	assert_int_equal(target_describe(l->t, buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "platform: sim"));
}

static void test_write_reg(void **state)
{
	struct live *l = L(state);
	struct regs r, r2;
	uint64_t old, val = 0x1122334455667788ULL;

	assert_int_equal(target_read_regs(l->t, 1, &r), 0);
	old = regs_get(&r, REGS_R15);
	assert_int_equal(target_write_reg(l->t, 1, REGS_R15, (uint8_t *)&val),
			 0);
	assert_int_equal(target_read_regs(l->t, 1, &r2), 0);
	assert_int_equal(regs_get(&r2, REGS_R15), val);
	assert_int_equal(target_read_regs(l->t, 0, &r2), 0);
	assert_int_not_equal(regs_get(&r2, REGS_R15), val);
	regs_set(&r, REGS_R15, old);
	assert_int_equal(target_write_regs(l->t, 1, &r), 0);
	assert_int_equal(target_read_regs(l->t, 1, &r2), 0);
	assert_int_equal(regs_get(&r2, REGS_R15), old);
}

/* A private page goes through DBG_DECRYPT; the host sees ciphertext. */
static void test_routing_private(void **state)
{
	static const char want[] = "SEVDBG-PRIVATE-PATTERN-0123456789";
	struct live *l = L(state);
	struct platform_stats a, b;
	char buf[48] = "", host[48] = "";
	uint64_t gpa = pa(l, "private_secret");
	bool enc;

	a = l->t->plat->stats;
	assert_int_equal(router_read(l->r, gpa, buf, 33), 33);
	b = l->t->plat->stats;
	assert_memory_equal(buf, want, 33);
	assert_true(b.decrypt_calls > a.decrypt_calls);
	assert_int_equal(b.host_read_calls, a.host_read_calls);
	assert_int_equal(platform_read_host(l->t->plat, gpa, host, 33), 0);
	assert_memory_not_equal(host, want, 33);
	assert_int_equal(router_page_encrypted(l->r, gpa, &enc), 0);
	assert_true(enc);
}

/* A page the guest made shared: direct reads, no decrypt call. */
static void test_routing_shared(void **state)
{
	static const char want[] = "SEVDBG-SHARED-PATTERN";
	struct live *l = L(state);
	struct platform_stats a, b;
	char buf[32] = "", host[32] = "";
	uint64_t gpa = pa(l, "dma_buf");
	bool enc = true;

	router_reset_stats(l->r);
	a = l->t->plat->stats;
	assert_int_equal(router_read(l->r, gpa, buf, 21), 21);
	b = l->t->plat->stats;
	assert_memory_equal(buf, want, 21);
	assert_int_equal(b.decrypt_calls, a.decrypt_calls);
	assert_true(b.host_read_calls > a.host_read_calls);
	assert_int_equal(platform_read_host(l->t->plat, gpa, host, 21), 0);
	assert_memory_equal(host, want, 21);
	assert_int_equal(router_page_encrypted(l->r, gpa, &enc), 0);
	assert_false(enc);
}

static void test_breakpoints(void **state)
{
	struct live *l = L(state);

	run_to(l, "leaf_function", BP_SW);
	run_to(l, "compute_step", BP_HW);
}

static void test_watchpoint(void **state)
{
	struct live *l = L(state);
	uint64_t addr = sym(l, "watch_me", NULL);
	struct stop_event ev;

	assert_int_equal(target_insert_bp(l->t, BP_WATCH_WRITE, addr, 8), 0);
	resume_all(l);
	assert_int_equal(wait_stop(l->t, &ev, 20000), 0);
	assert_int_equal(target_remove_bp(l->t, BP_WATCH_WRITE, addr, 8), 0);
	assert_int_equal(ev.kind, STOP_WATCH);
	assert_int_equal(ev.watch_addr, addr);
	assert_int_equal(ev.watch_type, BP_WATCH_WRITE);
}

static void test_step_and_range(void **state)
{
	struct live *l = L(state);
	struct resume_req req = {0};
	struct stop_event ev;
	uint64_t size, start = sym(l, "leaf_function", &size), pc;
	int v = run_to(l, "leaf_function", BP_SW);

	req.action[v] = RESUME_STEP;
	assert_int_equal(target_resume(l->t, &req), 0);
	assert_int_equal(wait_stop(l->t, &ev, 5000), 0);
	assert_int_equal(ev.kind, STOP_SIGNAL);
	assert_int_equal(ev.signo, 5);
	assert_int_equal(ev.vcpu, v);
	pc = rip(l, v);
	assert_true(pc > start && pc < start + size);
	/* Range-step out of the function: QEMU has no 'r', sevdbg loops. */
	req.action[v] = RESUME_RANGE;
	req.range_start = start;
	req.range_end = start + size;
	assert_int_equal(target_resume(l->t, &req), 0);
	assert_int_equal(wait_stop(l->t, &ev, 10000), 0);
	pc = rip(l, ev.vcpu);
	assert_true(pc < start || pc >= start + size);
	assert_true(pc >= sym(l, "compute_step", NULL));
}

static void test_interrupt(void **state)
{
	struct live *l = L(state);
	struct stop_event ev;

	resume_all(l);
	usleep(100000);
	assert_int_equal(target_wait_stop(l->t, &ev), -EAGAIN);
	assert_int_equal(target_interrupt(l->t), 0);
	assert_int_equal(wait_stop(l->t, &ev, 5000), 0);
	assert_int_equal(ev.kind, STOP_SIGNAL);
	assert_int_equal(ev.signo, 2);
	router_invalidate(l->r);
}

static bool serial_has(struct live *l, const char *s)
{
	char line[256];
	bool found = false;
	FILE *f = fopen(l->serial, "r");

	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, s) != NULL;
	if (f)
		fclose(f);
	return found;
}

/* A write through DBG_ENCRYPT that the guest itself then observes. */
static void test_mailbox(void **state)
{
	struct live *l = L(state);
	uint64_t val = 0x5eed0000ULL | (uint64_t)(getpid() & 0xffff);
	char line[64];

	assert_int_equal(router_write(l->r, pa(l, "mailbox"), &val, 8), 8);
	for (int i = 0; i < 5 && read_u64(l, "mailbox_seen") != val; i++)
		run_to(l, "work_tick", BP_SW);
	assert_int_equal(read_u64(l, "mailbox_seen"), val);
	snprintf(line, sizeof(line), "mailbox: 0x%llx",
		 (unsigned long long)val);
	for (int i = 0; i < 50 && !serial_has(l, line); i++)
		usleep(20000);
	assert_true(serial_has(l, line));
}

/* After the guest flips flip_region, the bitmap follows its records. */
static void test_flip_follows(void **state)
{
	struct live *l = L(state);
	uint64_t gpa = pa(l, "flip_region"), count;
	int seen[2] = {0, 0};

	for (int i = 0; i < 6 && !(seen[0] && seen[1]); i++) {
		struct stop_event ev;
		bool enc;
		uint8_t b;

		resume_all(l);
		usleep(900000);
		assert_int_equal(target_interrupt(l->t), 0);
		assert_int_equal(wait_stop(l->t, &ev, 5000), 0);
		router_invalidate(l->r);
		if (read_u64(l, "flip_in_progress"))
			continue;
		assert_int_equal(router_page_encrypted(l->r, gpa, &enc), 0);
		assert_int_equal(enc,
				 !(read_u64(l, "flip_state") & 0xffffffff));
		assert_int_equal(router_read(l->r, gpa + 8, &b, 1), 1);
		assert_int_equal(b, enc ? 'P' : 'S');
		seen[enc]++;
	}
	assert_true(seen[0] && seen[1]);
	assert_int_equal(router_read(l->r, gpa, &count, 8), 8);
	assert_true(count >= 2);
}

static void test_detach_reattach(void **state)
{
	struct live *l = L(state);
	uint64_t t0, t1;

	t0 = read_u64(l, "ticks");
	assert_int_equal(target_detach(l->t), 0);
	usleep(300000); /* detached: the guest runs */
	router_invalidate(l->r);
	t1 = read_u64(l, "ticks");
	assert_true(t1 > t0);
	/* The next use re-attaches (and stops the guest). */
	assert_true(rip(l, 0) >= KERNEL_VMA);
	router_invalidate(l->r);
	t0 = read_u64(l, "ticks");
	usleep(200000);
	assert_int_equal(read_u64(l, "ticks"), t0);
	run_to(l, "leaf_function", BP_SW);
}

/* QEMU killed under us: a stop with the reason, never a hang. */
static void test_qemu_killed(void **state)
{
	struct live *l = L(state);
	struct qemu_launch *ql = qemu_target_launch(l->t);
	struct stop_event ev;
	struct regs r;

	assert_non_null(ql);
	resume_all(l);
	assert_int_equal(kill(ql->pid, SIGKILL), 0);
	assert_int_equal(wait_stop(l->t, &ev, 5000), 0);
	assert_int_equal(ev.kind, STOP_EXITED);
	assert_non_null(strstr(ev.why, "signal 9"));
	assert_int_equal(target_read_regs(l->t, 0, &r), -ESRCH);
	assert_int_equal(target_kill(l->t), 0);
}

static bool qmp_listening(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	ok = fd >= 0 && !connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	if (fd >= 0)
		close(fd);
	return ok;
}

/* A QEMU that sevdbg did not start (paused, no guest), QMP only. */
static pid_t spawn_qemu(const char *dir, bool share, char *qmp, size_t len)
{
	char a_qmp[160], a_mem[160];
	pid_t pid;

	static int seq;

	snprintf(qmp, len, "%s/ext-qmp-%d.sock", dir, ++seq);
	snprintf(a_qmp, sizeof(a_qmp), "unix:%s,server=on,wait=off", qmp);
	snprintf(a_mem, sizeof(a_mem),
		 "memory-backend-memfd,id=mem,size=64M,share=%s",
		 share ? "on" : "off");
	pid = fork();
	if (!pid) {
		int fd = open("/dev/null", O_RDWR);

		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive the test */
		execl(QEMU_SYSTEM_X86_64, QEMU_SYSTEM_X86_64, "-S", "-accel",
		      "tcg", "-nodefaults", "-display", "none", "-m", "64M",
		      "-object", a_mem, "-machine", "memory-backend=mem",
		      "-qmp", a_qmp, (char *)NULL);
		_exit(127);
	}
	/* The socket file appears at bind(), before QEMU listens: a
	 * connect in between is refused, so wait for one that is not. */
	for (int i = 0; i < 500 && !qmp_listening(qmp); i++)
		usleep(20000);
	return pid;
}

static void reap(pid_t pid, const char *qmp)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	unlink(qmp);
}

/* qemu:QMP attaches, starts QEMU's gdbstub itself, finds the memfd. */
static void test_attach_external(void **state)
{
	struct live *l = L(state);
	struct target_opts o = {0};
	struct target *t = NULL;
	char qmp[128], spec[160], err[256] = "", buf[256], *out = NULL;
	const struct ram_region *reg;
	struct qmp q;
	struct regs r;
	pid_t pid = spawn_qemu(l->dir, true, qmp, sizeof(qmp));

	snprintf(spec, sizeof(spec), "qemu:%s", qmp);
	assert_int_equal(target_open(spec, &o, &t, err, sizeof(err)), 0);
	assert_int_equal(target_nr_vcpus(t), 1);
	assert_int_equal(target_read_regs(t, 0, &r), 0);
	assert_int_equal(regs_get(&r, REGS_RIP), 0xfff0); /* reset */
	assert_int_equal(ram_end(&t->ram), 64 << 20);
	assert_non_null(t->ram.regions[0].hva);
	/* Our mapping is QEMU's RAM: a write shows through QEMU's QMP. */
	reg = ram_find(&t->ram, 0x1000);
	assert_non_null(reg);
	reg->hva[0x1000 - reg->gpa] = 0x5a;
	assert_int_equal(target_describe(t, buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "attached"));
	assert_non_null(strstr(buf, "without a page-encryption record"));
	target_destroy(t);
	assert_int_equal(qmp_open(&q, qmp, 5000, err, sizeof(err)), 0);
	assert_int_equal(qmp_hmp(&q, "xp /1bx 0x1000", &out, err, sizeof(err)),
			 0);
	assert_non_null(strstr(out, "0x5a"));
	free(out);
	/* The gdbstub sevdbg opened is closed again. */
	assert_int_equal(qmp_hmp(&q, "info chardev", &out, err, sizeof(err)),
			 0);
	assert_null(strstr(out, "\ngdb: filename"));
	free(out);
	qmp_close(&q);
	reap(pid, qmp);
}

/* qemu:QMP,gdb=SOCK,hc=FILE on a guest someone else booted (run-qemu). */
static void test_attach_guest(void **state)
{
	struct live *l = L(state);
	struct target_opts o = {0};
	struct target *t = NULL;
	struct router *r = NULL;
	char cmd[512], spec[320], err[256] = "", buf[40] = "", line[128];
	bool enc = true, ready = false;
	FILE *f;

	snprintf(cmd, sizeof(cmd),
		 "tests/guest/run-qemu --dir %s/ext --mem 64M --daemonize --pidfile %s/ext/qemu.pid >/dev/null 2>&1",
		 l->dir, l->dir);
	assert_int_equal(system(cmd), 0);
	for (int i = 0; i < 100 && !ready; i++) {
		snprintf(cmd, sizeof(cmd), "%s/ext/serial.log", l->dir);
		f = fopen(cmd, "r");
		while (f && !ready && fgets(line, sizeof(line), f))
			ready = strstr(line, "sevdbg-guest: ready") != NULL;
		if (f)
			fclose(f);
		usleep(50000);
	}
	snprintf(spec, sizeof(spec),
		 "qemu:%s/ext/qmp.sock,gdb=%s/ext/gdb.sock,hc=%s/ext/hc.bin",
		 l->dir, l->dir, l->dir);
	assert_int_equal(target_open(spec, &o, &t, err, sizeof(err)), 0);
	assert_int_equal(router_new(t->plat, &t->ram, &r), 0);
	assert_int_equal(target_nr_vcpus(t), 2);
	assert_int_equal(router_read(r, pa(l, "private_secret"), buf, 33), 33);
	assert_memory_equal(buf, "SEVDBG-PRIVATE-PATTERN-0123456789", 33);
	assert_int_equal(router_page_encrypted(r, pa(l, "dma_buf"), &enc), 0);
	assert_false(enc); /* the records in hc.bin were applied */
	assert_int_equal(target_kill(t), 0);
	router_free(r);
	target_destroy(t);
	snprintf(cmd, sizeof(cmd), "rm -rf %s/ext", l->dir);
	assert_int_equal(system(cmd), 0);
}

/* RAM above 4 GiB is the rest of the one backend, after the PCI hole. */
static void test_above_4g(void **state)
{
	struct target_opts o = {0};
	struct target *t = NULL;
	char err[256] = "";
	const struct ram_region *lo, *hi;

	(void)state;
	assert_int_equal(target_open("launch:-S -m 5G -machine q35 -nodefaults -display none",
				     &o, &t, err, sizeof(err)),
			 0);
	lo = ram_find(&t->ram, 0);
	hi = ram_find(&t->ram, 1ULL << 32);
	assert_non_null(lo);
	assert_non_null(hi);
	assert_int_equal(ram_total(&t->ram), (5ULL << 30) - 0x40000);
	assert_int_equal(ram_end(&t->ram), (1ULL << 32) + (3ULL << 30));
	assert_ptr_equal(hi->hva, lo->hva + 0x80000000); /* q35: 2G low */
	assert_string_equal(hi->name, "ram0@4G");
	target_destroy(t);
}

static void test_attach_not_shareable(void **state)
{
	struct live *l = L(state);
	struct target_opts o = {0};
	struct target *t = NULL;
	char qmp[128], spec[160], err[256] = "";
	pid_t pid = spawn_qemu(l->dir, false, qmp, sizeof(qmp));

	snprintf(spec, sizeof(spec), "qemu:%s", qmp);
	assert_int_not_equal(target_open(spec, &o, &t, err, sizeof(err)), 0);
	if (!strstr(err, "not shareable"))
		print_error("refused for another reason: %s\n", err);
	assert_non_null(strstr(err, "not shareable"));
	assert_non_null(strstr(err, "share=on"));
	reap(pid, qmp);
	/* And a QMP socket with nobody behind it is an error, not a hang. */
	err[0] = '\0';
	assert_int_not_equal(target_open(spec, &o, &t, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "cannot connect"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vcpus_regs),
		cmocka_unit_test(test_write_reg),
		cmocka_unit_test(test_routing_private),
		cmocka_unit_test(test_routing_shared),
		cmocka_unit_test(test_breakpoints),
		cmocka_unit_test(test_watchpoint),
		cmocka_unit_test(test_step_and_range),
		cmocka_unit_test(test_interrupt),
		cmocka_unit_test(test_mailbox),
		cmocka_unit_test(test_flip_follows),
		cmocka_unit_test(test_detach_reattach),
		cmocka_unit_test(test_attach_external),
		cmocka_unit_test(test_attach_not_shareable),
		cmocka_unit_test(test_attach_guest),
		cmocka_unit_test(test_above_4g),
		cmocka_unit_test(test_qemu_killed),
	};

	if (access(QEMU_SYSTEM_X86_64, X_OK) || access(GUEST, R_OK)) {
		printf("SKIP: needs %s and %s (make %s)\n", QEMU_SYSTEM_X86_64,
		       GUEST, GUEST);
		return 77;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
