// SPDX-License-Identifier: GPL-2.0-only
/*
 * The qemu plugin's QMP and RSP clients against scripted peers on a
 * socketpair: events, ids, errors, a dead or silent QEMU; framing and acks.
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

#include "plugins/targets/qemu/qemu.h"

struct peer {
	int us, them;
};

static int peer_setup(void **state)
{
	static struct peer p;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -1;
	p.us = sv[0];
	p.them = sv[1];
	*state = &p;
	return 0;
}

static int peer_teardown(void **state)
{
	struct peer *p = *state;

	close(p->us);
	if (p->them >= 0)
		close(p->them);
	return 0;
}

static void say(struct peer *p, const char *s)
{
	assert_int_equal(write(p->them, s, strlen(s)), (ssize_t)strlen(s));
}

/* What the client wrote to the peer so far. */
static void heard(struct peer *p, char *buf, size_t len)
{
	ssize_t n = recv(p->them, buf, len - 1, MSG_DONTWAIT);

	buf[n > 0 ? n : 0] = '\0';
}

static void qmp_on(struct qmp *q, struct peer *p, int timeout_ms)
{
	qmp_init_fd(q, p->us, timeout_ms);
}

static void test_qmp_reply_after_events(void **state)
{
	struct peer *p = *state;
	char err[256] = "", sent[512];
	json_t *ret = NULL;
	struct qmp q;

	qmp_on(&q, p, 1000);
	say(p, "{\"event\": \"STOP\"}\r\n{\"return\": {}, \"id\": 7}\r\n"
	       "{\"event\": \"SHUTDOWN\", \"data\": {}}\r\n"
	       "{\"return\": {\"running\": false}, \"id\": 1}\r\n");
	assert_int_equal(qmp_call(&q, "query-status", NULL, &ret, err,
				  sizeof(err)),
			 0);
	assert_true(json_is_false(json_object_get(ret, "running")));
	assert_true(q.shutdown_seen);
	assert_string_equal(q.last_event, "SHUTDOWN");
	heard(p, sent, sizeof(sent));
	assert_non_null(strstr(sent, "\"execute\":\"query-status\""));
	assert_non_null(strstr(sent, "\"id\":1"));
	assert_int_equal(sent[strlen(sent) - 1], '\n');
	json_decref(ret);
	sb_release(&q.in);
}

static void test_qmp_error_names_cause(void **state)
{
	struct peer *p = *state;
	char err[256] = "";
	struct qmp q;

	qmp_on(&q, p, 1000);
	say(p,
	    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"SEV feature is not available\"}, \"id\": 1}\n");
	assert_int_equal(qmp_call(&q, "query-sev", NULL, NULL, err,
				  sizeof(err)),
			 -EREMOTEIO);
	assert_non_null(strstr(err, "query-sev"));
	assert_non_null(strstr(err, "SEV feature is not available"));
	sb_release(&q.in);
}

static void test_qmp_dead_mid_command(void **state)
{
	struct peer *p = *state;
	char err[256] = "";
	uint64_t t0 = now_ns();
	struct qmp q;

	qmp_on(&q, p, 5000);
	say(p, "{\"return\": {}, \"i"); /* half a reply, then gone */
	close(p->them);
	p->them = -1;
	assert_int_equal(qmp_call(&q, "query-cpus-fast", NULL, NULL, err,
				  sizeof(err)),
			 -EPIPE);
	assert_non_null(strstr(err, "QEMU exited"));
	assert_true(now_ns() - t0 < 1000000000ULL);
	sb_release(&q.in);
}

static void test_qmp_silent_times_out(void **state)
{
	struct peer *p = *state;
	char err[256] = "";
	uint64_t t0 = now_ns();
	struct qmp q;

	qmp_on(&q, p, 150);
	assert_int_equal(qmp_call(&q, "query-memdev", NULL, NULL, err,
				  sizeof(err)),
			 -ETIMEDOUT);
	assert_true(now_ns() - t0 >= 140000000ULL);
	assert_non_null(strstr(err, "150 ms"));
	sb_release(&q.in);
}

static void test_qmp_malformed(void **state)
{
	struct peer *p = *state;
	char err[256] = "";
	struct qmp q;

	qmp_on(&q, p, 1000);
	say(p, "{\"return\": oops}\n");
	assert_int_equal(qmp_call(&q, "stop", NULL, NULL, err, sizeof(err)),
			 -EPROTO);
	assert_non_null(strstr(err, "malformed"));
	sb_release(&q.in);
}

static void test_qmp_drain_events(void **state)
{
	struct peer *p = *state;
	char err[256] = "";
	struct qmp q;

	qmp_on(&q, p, 1000);
	qmp_drain(&q); /* nothing there: returns at once */
	say(p, "{\"event\": \"STOP\"}\n{\"event\": \"RESUME\"}\n"
	       "{\"event\": \"SHUTDOWN\"}\n{\"event\": \"ST");
	qmp_drain(&q);
	assert_true(q.shutdown_seen);
	assert_string_equal(q.last_event, "SHUTDOWN");
	say(p, "OP\"}\n{\"return\": {}, \"id\": 1}\n");
	assert_int_equal(qmp_call(&q, "cont", NULL, NULL, err, sizeof(err)), 0);
	assert_string_equal(q.last_event, "STOP");
	/* fuzz-qmp-event: a nameless event is not news; it hides nothing. */
	say(p, "{\"event\": \"SHUTDOWN\"}\n{\"event\": \"\"}\n");
	qmp_drain(&q);
	assert_string_equal(q.last_event, "SHUTDOWN");
	sb_release(&q.in);
}

static void rsp_on(struct rspc *c, struct peer *p, bool noack)
{
	assert_int_equal(rspc_init(c, p->us, 500), 0);
	c->noack = noack;
}

static void rsp_off(struct rspc *c)
{
	c->fd = -1; /* the fixture owns the socket */
	rspc_close(c);
}

static void test_rsp_ack_and_checksum(void **state)
{
	struct peer *p = *state;
	char sent[64];
	struct rspc c;

	rsp_on(&c, p, false);
	say(p, "+$T05thread:01;#07");
	assert_int_equal(rspc_recv(&c, 500), 0);
	assert_string_equal(c.pkt.buf, "T05thread:01;");
	heard(p, sent, sizeof(sent));
	assert_string_equal(sent, "+");
	/*
	 * A wrong checksum is not a reply: we ask again and wait for the
	 * resent packet, which would otherwise answer the next command.
	 */
	say(p, "$OK#00");
	assert_int_equal(rspc_recv(&c, 100), -ETIMEDOUT);
	heard(p, sent, sizeof(sent));
	assert_string_equal(sent, "-");
	say(p, "$OK#9a");
	assert_int_equal(rspc_recv(&c, 500), 0);
	assert_string_equal(c.pkt.buf, "OK");
	heard(p, sent, sizeof(sent));
	assert_string_equal(sent, "+");
	rsp_off(&c);
}

/* Frame payload as QEMU would and queue it for the client. */
static void say_pkt(struct peer *p, const char *payload)
{
	unsigned int sum = 0;
	char buf[512];

	for (const char *q = payload; *q; q++)
		sum += (unsigned char)*q;
	snprintf(buf, sizeof(buf), "$%s#%02x", payload, sum & 0xff);
	say(p, buf);
}

/*
 * QEMU reports every VM stop, also one nobody asked for (the VM was
 * resumed and stopped again over QMP): a stop reply queued before the
 * answer to a command is not that answer, or every later reply is off
 * by one.
 */
static void test_rsp_stray_stop_reply(void **state)
{
	struct peer *p = *state;
	struct rspc c;

	rsp_on(&c, p, true);
	say_pkt(p, "T02thread:01;");
	say_pkt(p, "OK");
	assert_int_equal(rspc_cmd(&c, "Hg1"), 0);
	assert_string_equal(c.pkt.buf, "OK");
	say_pkt(p, "S05");
	say_pkt(p, "00112233");
	assert_int_equal(rspc_cmd(&c, "g"), 0);
	assert_string_equal(c.pkt.buf, "00112233");
	assert_int_equal(rspc_recv(&c, 100), -ETIMEDOUT); /* nothing left */
	rsp_off(&c);
}

static void test_rsp_split_escape_rle(void **state)
{
	struct peer *p = *state;
	struct rspc c;

	rsp_on(&c, p, true);
	say(p, "$ab}");
	assert_int_equal(rspc_poll(&c), 0); /* not complete yet */
	say(p, "]0* x#8f"); /* checksums hold in no-ack mode too */
	assert_int_equal(rspc_poll(&c), 1);
	/* "}]" is an escaped '}', "0* " is '0' repeated 3 more times. */
	assert_string_equal(c.pkt.buf, "ab}0000x");
	rsp_off(&c);
}

static void test_rsp_send_frames(void **state)
{
	struct peer *p = *state;
	char sent[64];
	struct rspc c;

	rsp_on(&c, p, true);
	assert_int_equal(rspc_send(&c, "vCont;s:2"), 0);
	heard(p, sent, sizeof(sent));
	assert_string_equal(sent, "$vCont;s:2#24");
	assert_int_equal(rspc_interrupt(&c), 0);
	heard(p, sent, sizeof(sent));
	assert_string_equal(sent, "\x03");
	rsp_off(&c);
}

static void test_rsp_error_and_eof(void **state)
{
	struct peer *p = *state;
	struct rspc c;

	rsp_on(&c, p, true);
	say(p, "$E14#aa");
	assert_int_equal(rspc_cmd(&c, "Z1,1000,1"), -EIO);
	assert_int_equal(rspc_recv(&c, 100), -ETIMEDOUT);
	close(p->them);
	p->them = -1;
	assert_int_equal(rspc_poll(&c), -EPIPE);
	rsp_off(&c);
}

static void test_split_args(void **state)
{
	char **argv = NULL;
	int argc = 0;

	assert_int_equal(qemu_split_args("-kernel 'a b.elf'  -m \"1G\" -S",
					 &argv, &argc),
			 0);
	assert_int_equal(argc, 5);
	assert_string_equal(argv[1], "a b.elf");
	assert_string_equal(argv[3], "1G");
	assert_null(argv[5]);
	free(argv[0]);
	free(argv);
	assert_int_equal(qemu_split_args("-m 'oops", &argv, &argc), -EINVAL);
	assert_string_equal(qemu_pick_accel("kvm"), "kvm");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, peer_setup, peer_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_qmp_reply_after_events),
		T(test_qmp_error_names_cause),
		T(test_qmp_dead_mid_command),
		T(test_qmp_silent_times_out),
		T(test_qmp_malformed),
		T(test_qmp_drain_events),
		T(test_rsp_ack_and_checksum),
		T(test_rsp_split_escape_rle),
		T(test_rsp_send_frames),
		T(test_rsp_error_and_eof),
		T(test_rsp_stray_stop_reply),
		cmocka_unit_test(test_split_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
