// SPDX-License-Identifier: GPL-2.0-only
/*
 * QEMU's gdbstub in multiprocess mode (kept by QEMU 7.2 from an earlier gdb):
 * both thread-id forms parsed, and Hg, vCont, D and stop replies in its form.
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
	f->q->rsp.multiprocess = true;
	f->q->nr_vcpus = 2;
	f->q->tids[0] = 1;
	f->q->tids[1] = 2;
	f->q->pids[0] = f->q->pids[1] = 1;
	f->them = sv[1];
	*state = f;
	return 0;
}

static int fake_teardown(void **state)
{
	struct fake *f = *state;

	f->q->dead = true; /* no D to a scripted peer */
	target_destroy(&f->q->t);
	close(f->them);
	free(f);
	return 0;
}

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

/* What sevdbg sent, without the framing: "$payload#xx" → "payload". */
static void heard(struct fake *f, char *buf, size_t len)
{
	ssize_t n = recv(f->them, buf, len - 1, MSG_DONTWAIT);
	char *hash;

	buf[n > 0 ? n : 0] = '\0';
	hash = strrchr(buf, '#');
	if (buf[0] == '$' && hash) {
		*hash = '\0';
		memmove(buf, buf + 1, strlen(buf));
	}
}

static void test_parse_both_forms(void **state)
{
	const char *end;
	int pid, tid;

	(void)state;
	assert_int_equal(rspc_parse_tid("p01.02,p1.3", &end, &pid, &tid), 0);
	assert_int_equal(pid, 1);
	assert_int_equal(tid, 2);
	assert_string_equal(end, ",p1.3");
	assert_int_equal(rspc_parse_tid("0a;", &end, &pid, &tid), 0);
	assert_int_equal(pid, 1);
	assert_int_equal(tid, 10);
	assert_string_equal(end, ";");
	assert_int_equal(rspc_parse_tid("p2.-1", NULL, &pid, &tid), 0);
	assert_int_equal(tid, -1);
	assert_int_equal(rspc_parse_tid("p.1", NULL, &pid, &tid), -EPROTO);
	assert_int_equal(rspc_parse_tid("p1", NULL, &pid, &tid), -EPROTO);
	assert_int_equal(rspc_parse_tid("", NULL, &pid, &tid), -EPROTO);
	assert_int_equal(rspc_parse_tid("l", NULL, &pid, &tid), -EPROTO);
}

/* The stop names vCPU 1 as p01.02; Hg and vCont speak pP.T back. */
static void test_stop_and_resume(void **state)
{
	struct fake *f = *state;
	struct target *t = &f->q->t;
	struct resume_req req = {.action = {RESUME_STEP, RESUME_CONT}};
	char sent[512], desc[64];
	struct stop_event ev;

	assert_int_equal(target_resume(t, &req), 0);
	heard(f, sent, sizeof(sent));
	assert_string_equal(sent, "vCont;s:p1.1;c:p1.2");
	reply(f, "T05thread:p01.02;");
	assert_int_equal(target_wait_stop(t, &ev), 0);
	assert_int_equal(ev.vcpu, 1);
	reply(f, "OK");
	reply(f, "E14"); /* only the Hg matters here */
	assert_int_equal(target_write_reg(t, 1, REGS_RAX, (uint8_t[8]){0}),
			 -EIO);
	heard(f, sent, sizeof(sent));
	assert_non_null(strstr(sent, "Hgp1.2"));
	assert_int_equal(target_vcpu_describe(t, 1, desc, sizeof(desc)), 0);
	assert_string_equal(desc, "vCPU 1 (QEMU CPU#1)");
}

/* QEMU 7.2 answers a bare D with E22 in multiprocess mode. */
static void test_detach_names_the_process(void **state)
{
	struct fake *f = *state;
	char sent[128];

	reply(f, "OK");
	assert_int_equal(target_detach(&f->q->t), 0);
	heard(f, sent, sizeof(sent));
	assert_string_equal(sent, "D;1");
}

/* And the plain form stays plain. */
static void test_plain_form(void **state)
{
	struct fake *f = *state;
	char sent[128];

	f->q->rsp.multiprocess = false;
	reply(f, "OK");
	assert_int_equal(target_detach(&f->q->t), 0);
	heard(f, sent, sizeof(sent));
	assert_string_equal(sent, "D");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fake_setup, fake_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_both_forms),
		T(test_stop_and_resume),
		T(test_detach_names_the_process),
		T(test_plain_form),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
