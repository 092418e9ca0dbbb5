// SPDX-License-Identifier: GPL-2.0-only
/*
 * The qemu target's protocol side against a scripted QEMU gdbstub: stop
 * replies to stop events, SEV's software-to-hardware breakpoints and slots.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "plugins/targets/qemu/qemu-int.h"

struct fake {
	struct qemu *q;
	int them;
};

static int fake_setup(void **state)
{
	struct fake *f = calloc(1, sizeof(*f));
	int sv[2];

	if (!f || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -1;
	f->q = calloc(1, sizeof(*f->q));
	if (!f->q)
		return -1;
	f->q->t.ops = &qemu_target_ops;
	f->q->t.priv = f->q;
	f->q->qmp.fd = -1;
	f->q->hc_fd = -1;
	if (rspc_init(&f->q->rsp, sv[0], 500))
		return -1;
	f->q->rsp.noack = true;
	f->q->nr_vcpus = 2;
	f->q->tids[0] = 1;
	f->q->tids[1] = 2;
	f->them = sv[1];
	*state = f;
	return 0;
}

static int fake_teardown(void **state)
{
	struct fake *f = *state;

	f->q->dead = true; /* no D to a scripted peer */
	target_destroy(&f->q->t);
	if (f->them >= 0)
		close(f->them);
	free(f);
	return 0;
}

/* Queue one packet from "QEMU". */
static void reply(struct fake *f, const char *payload)
{
	unsigned int sum = 0;
	char buf[1024];

	for (const char *p = payload; *p; p++)
		sum += (unsigned char)*p;
	snprintf(buf, sizeof(buf), "$%s#%02x", payload, sum & 0xff);
	assert_int_equal(write(f->them, buf, strlen(buf)),
			 (ssize_t)strlen(buf));
}

static void heard(struct fake *f, char *buf, size_t len)
{
	ssize_t n = recv(f->them, buf, len - 1, MSG_DONTWAIT);

	buf[n > 0 ? n : 0] = '\0';
}

static void stop_after(struct fake *f, const char *stop, struct stop_event *ev)
{
	struct target *t = &f->q->t;
	struct resume_req req = {.action = {RESUME_CONT, RESUME_CONT}};
	char sent[128];

	assert_int_equal(target_resume(t, &req), 0);
	heard(f, sent, sizeof(sent));
	assert_string_equal(sent, "$vCont;c:1;c:2#1d");
	assert_int_equal(target_wait_stop(t, ev), -EAGAIN);
	reply(f, stop);
	assert_int_equal(target_wait_stop(t, ev), 0);
}

static void test_stop_replies(void **state)
{
	struct fake *f = *state;
	struct stop_event ev;

	stop_after(f, "T05thread:02;watch:ffffffff80173000;", &ev);
	assert_int_equal(ev.kind, STOP_WATCH);
	assert_int_equal(ev.vcpu, 1);
	assert_int_equal(ev.watch_addr, 0xffffffff80173000ULL);
	assert_int_equal(ev.watch_type, BP_WATCH_WRITE);
	stop_after(f, "T05thread:01;awatch:1000;", &ev);
	assert_int_equal(ev.kind, STOP_WATCH);
	assert_int_equal(ev.watch_type, BP_WATCH_ACCESS);
	assert_int_equal(ev.vcpu, 0);
	stop_after(f, "T02thread:02;", &ev);
	assert_int_equal(ev.kind, STOP_SIGNAL);
	assert_int_equal(ev.signo, 2);
	assert_int_equal(ev.vcpu, 1);
	stop_after(f, "X09", &ev);
	assert_int_equal(ev.kind, STOP_KILLED);
	assert_int_equal(ev.signo, 9);
	assert_true(f->q->dead);
	assert_int_equal(target_resume(&f->q->t, &(struct resume_req){0}),
			 -ESRCH);
}

static void test_qemu_gone(void **state)
{
	struct fake *f = *state;
	struct resume_req req = {.action = {RESUME_STEP}};
	struct stop_event ev;

	assert_int_equal(target_resume(&f->q->t, &req), 0);
	close(f->them);
	f->them = -1;
	assert_int_equal(target_wait_stop(&f->q->t, &ev), 0);
	assert_int_equal(ev.kind, STOP_EXITED);
	assert_non_null(strstr(ev.why, "QEMU closed its gdbstub"));
}

static void test_sev_hw_breakpoints(void **state)
{
	struct fake *f = *state;
	struct target *t = &f->q->t;
	char sent[256];

	f->q->sev = true;
	for (int i = 0; i < 3; i++)
		reply(f, "OK");
	assert_int_equal(target_insert_bp(t, BP_SW, 0x1000, 1), 0);
	assert_int_equal(target_insert_bp(t, BP_SW, 0x2000, 1), 0);
	assert_int_equal(target_insert_bp(t, BP_WATCH_WRITE, 0x3000, 8), 0);
	heard(f, sent, sizeof(sent));
	/* Software breakpoints would plant plaintext int3s: Z0 becomes Z1. */
	assert_non_null(strstr(sent, "$Z1,1000,1#"));
	assert_non_null(strstr(sent, "$Z1,2000,1#"));
	assert_non_null(strstr(sent, "$Z2,3000,8#"));
	assert_null(strstr(sent, "$Z0"));
	reply(f, "OK");
	assert_int_equal(target_insert_bp(t, BP_HW, 0x4000, 1), 0);
	heard(f, sent, sizeof(sent));
	/* All four debug registers taken: refused without asking QEMU. */
	assert_int_equal(target_insert_bp(t, BP_SW, 0x5000, 1), -ENOSPC);
	heard(f, sent, sizeof(sent));
	assert_string_equal(sent, "");
	reply(f, "OK");
	assert_int_equal(target_remove_bp(t, BP_SW, 0x1000, 1), 0);
	heard(f, sent, sizeof(sent));
	assert_non_null(strstr(sent, "$z1,1000,1#"));
	reply(f, "OK");
	assert_int_equal(target_insert_bp(t, BP_SW, 0x5000, 1), 0);
}

static void test_plain_breakpoints_and_refusal(void **state)
{
	struct fake *f = *state;
	struct target *t = &f->q->t;
	char sent[256];

	reply(f, "OK");
	assert_int_equal(target_insert_bp(t, BP_SW, 0x1000, 1), 0);
	heard(f, sent, sizeof(sent));
	assert_non_null(strstr(sent, "$Z0,1000,1#"));
	reply(f, "");
	assert_int_equal(target_insert_bp(t, BP_WATCH_READ, 0x2000, 4),
			 -ENOSYS);
	reply(f, "E22");
	assert_int_equal(target_insert_bp(t, BP_HW, 0x3000, 1), -EIO);
}

static void test_sev_es_registers_unavailable(void **state)
{
	struct fake *f = *state;
	uint64_t v = 1;
	struct regs r;
	char sent[64];

	f->q->regs_encrypted = true;
	memset(&r, 0xff, sizeof(r));
	assert_int_equal(target_read_regs(&f->q->t, 1, &r), 0);
	for (unsigned int i = 0; i < REGS_NR; i++)
		assert_int_equal(r.valid[i], 0);
	assert_int_equal(regs_get(&r, REGS_RIP), 0);
	assert_int_equal(target_write_reg(&f->q->t, 0, REGS_RAX, (uint8_t *)&v),
			 -EPERM);
	heard(f, sent, sizeof(sent));
	assert_string_equal(sent, ""); /* QEMU was not asked */
}

/*
 * gdb's ^C during a range step (`next` over `for (;;);`) reaches QEMU
 * between two of our single steps, when QEMU is stopped and drops it: the
 * stepping must end on its own and report SIGINT, or gdb's ^C is lost and
 * the step never ends.
 */
static void test_interrupt_during_range_step(void **state)
{
	struct fake *f = *state;
	struct target *t = &f->q->t;
	struct resume_req req = {.action = {RESUME_RANGE, RESUME_STOP},
				 .range_start = 0x1000,
				 .range_end = 0x2000};
	char g[16 * 16 + 16 + 1], sent[256];
	struct stop_event ev;

	memset(g, '0', sizeof(g) - 1);
	memcpy(g + 16 * 16, "0018000000000000", 16); /* rip 0x1800 */
	g[sizeof(g) - 1] = '\0';
	assert_int_equal(target_resume(t, &req), 0);
	heard(f, sent, sizeof(sent));
	assert_string_equal(sent, "$vCont;s:1#23");
	assert_int_equal(target_interrupt(t), 0);
	/* The step ended (T05) inside the range; QEMU ignored the ^C. */
	reply(f, "T05thread:01;");
	reply(f, "OK");
	reply(f, g);
	assert_int_equal(target_wait_stop(t, &ev), 0);
	assert_int_equal(ev.kind, STOP_SIGNAL);
	assert_int_equal(ev.signo, 2);
	assert_int_equal(ev.vcpu, 0);
	heard(f, sent, sizeof(sent));
	assert_null(strstr(sent, "vCont")); /* no further step */
}

/* A 'g' reply: zero GPRs, then rip. */
static void g_reply(char *g, size_t len, const char *rip_le)
{
	assert_true(len > 16 * 16 + 16);
	memset(g, '0', 16 * 16);
	memcpy(g + 16 * 16, rip_le, 16);
	g[16 * 16 + 16] = '\0';
}

/*
 * A stop nobody asked for (the VM resumed and stopped over QMP) also
 * moves QEMU's Hg selection to the vCPU that stopped: the 'g' after it
 * must select its vCPU again, not return another vCPU's registers.
 */
static void test_stray_stop_reselects_vcpu(void **state)
{
	struct fake *f = *state;
	struct target *t = &f->q->t;
	char g0[300], g1[300], sent[4096];
	struct regs r;

	g_reply(g0, sizeof(g0), "0000100000000000"); /* vCPU 0: 0x100000 */
	g_reply(g1, sizeof(g1), "0001100000000000"); /* vCPU 1: 0x100100 */
	reply(f, "OK");
	reply(f, g1);
	assert_int_equal(target_read_regs(t, 1, &r), 0);
	assert_int_equal(regs_get(&r, REGS_RIP), 0x100100);
	reply(f, "OK"); /* G */
	assert_int_equal(target_write_regs(t, 1, &r), 0);
	heard(f, sent, sizeof(sent));
	/* QEMU stopped the VM on its own, then answered our 'g'. */
	reply(f, "T02thread:01;");
	reply(f, g0);
	reply(f, "OK");
	reply(f, g1);
	assert_int_equal(target_read_regs(t, 1, &r), 0);
	assert_int_equal(regs_get(&r, REGS_RIP), 0x100100);
	heard(f, sent, sizeof(sent));
	assert_non_null(strstr(sent, "$Hg2#"));
}

/*
 * gdb's `next` with scheduler-locking off sends vCont;r...:1;c: the other
 * vCPUs run while vCPU 0 range-steps. Every step we repeat must keep them
 * running, or a loop waiting on another vCPU (a spinlock) never leaves
 * the range.
 */
static void test_range_step_keeps_others_running(void **state)
{
	struct fake *f = *state;
	struct target *t = &f->q->t;
	struct resume_req req = {.action = {RESUME_RANGE, RESUME_CONT},
				 .range_start = 0x1000,
				 .range_end = 0x2000};
	char g[300], sent[256];
	struct stop_event ev;

	g_reply(g, sizeof(g), "0018000000000000"); /* rip 0x1800 */
	assert_int_equal(target_resume(t, &req), 0);
	heard(f, sent, sizeof(sent));
	assert_string_equal(sent, "$vCont;s:1;c:2#2d");
	reply(f, "T05thread:01;");
	reply(f, "OK");
	reply(f, g);
	assert_int_equal(target_wait_stop(t, &ev), -EAGAIN);
	heard(f, sent, sizeof(sent));
	assert_non_null(strstr(sent, "$vCont;s:1;c:2#2d"));
}

/* A stop skipped in front of another command (Z) also drops what sevdbg
 * remembered of the registers: the VM ran in between. */
static void test_stray_stop_drops_registers(void **state)
{
	struct fake *f = *state;
	struct target *t = &f->q->t;
	char g0[300], g0b[300];
	struct regs r;

	g_reply(g0, sizeof(g0), "0000100000000000");
	g_reply(g0b, sizeof(g0b), "0010100000000000");
	reply(f, "OK");
	reply(f, g0);
	assert_int_equal(target_read_regs(t, 0, &r), 0);
	assert_int_equal(regs_get(&r, REGS_RIP), 0x100000);
	reply(f, "T02thread:01;");
	reply(f, "OK");
	assert_int_equal(target_insert_bp(t, BP_HW, 0x3000, 1), 0);
	reply(f, "OK");
	reply(f, g0b);
	assert_int_equal(target_read_regs(t, 0, &r), 0);
	assert_int_equal(regs_get(&r, REGS_RIP), 0x101000);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fake_setup, fake_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_stop_replies),
		T(test_qemu_gone),
		T(test_sev_hw_breakpoints),
		T(test_plain_breakpoints_and_refusal),
		T(test_sev_es_registers_unavailable),
		T(test_interrupt_during_range_step),
		T(test_stray_stop_reselects_vcpu),
		T(test_range_step_keeps_others_running),
		T(test_stray_stop_drops_registers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
