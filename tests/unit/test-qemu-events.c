// SPDX-License-Identifier: GPL-2.0-only
/*
 * QMP events as the qemu target takes them: one at a time, in order, the
 * news of an overflow kept, a hang-up reported, events seen mid-call kept.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "plugins/targets/qemu/qemu.h"

static void qmp_pair(struct qmp *q, int *them)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	qmp_init_fd(q, sv[0], 1000);
	*them = sv[1];
}

static void say(int fd, const char *line)
{
	assert_int_equal(write(fd, line, strlen(line)), (ssize_t)strlen(line));
}

static void event(int fd, const char *name)
{
	char buf[128];

	snprintf(buf, sizeof(buf),
		 "{\"event\": \"%s\", \"timestamp\": {\"seconds\": 1}}\r\n",
		 name);
	say(fd, buf);
}

static void test_in_order_then_none(void **state)
{
	struct qmp q;
	char name[32];
	int them;

	(void)state;
	qmp_pair(&q, &them);
	assert_int_equal(qmp_next_event(&q, name, sizeof(name)), 0);
	event(them, "RESUME");
	event(them, "STOP");
	event(them, "RESET");
	assert_int_equal(qmp_next_event(&q, name, sizeof(name)), 1);
	assert_string_equal(name, "RESUME");
	assert_int_equal(qmp_next_event(&q, name, sizeof(name)), 1);
	assert_string_equal(name, "STOP");
	assert_int_equal(qmp_next_event(&q, name, sizeof(name)), 1);
	assert_string_equal(name, "RESET");
	assert_int_equal(qmp_next_event(&q, name, sizeof(name)), 0);
	close(them);
	assert_int_equal(qmp_next_event(&q, name, sizeof(name)), -EPIPE);
	qmp_close(&q);
}

/* An event that arrives while a command waits for its reply is kept. */
static void test_event_during_call(void **state)
{
	struct qmp q;
	char name[32], err[128];
	int them;

	(void)state;
	qmp_pair(&q, &them);
	event(them, "STOP");
	say(them, "{\"return\": {}, \"id\": 1}\r\n");
	assert_int_equal(qmp_call(&q, "stop", NULL, NULL, err, sizeof(err)), 0);
	assert_int_equal(qmp_next_event(&q, name, sizeof(name)), 1);
	assert_string_equal(name, "STOP");
	event(them, "RESUME");
	qmp_drop_events(&q);
	assert_int_equal(qmp_next_event(&q, name, sizeof(name)), 0);
	close(them);
	qmp_close(&q);
}

/* More than the queue holds: the last entry says some were lost. */
static void test_overflow_is_news(void **state)
{
	struct qmp q;
	char name[32];
	int them, n = 0;

	(void)state;
	qmp_pair(&q, &them);
	for (int i = 0; i < QMP_EVENTS_MAX + 5; i++)
		event(them, "RESUME");
	while (qmp_next_event(&q, name, sizeof(name)) == 1)
		n++;
	assert_int_equal(n, QMP_EVENTS_MAX);
	assert_string_equal(name, QMP_EVENT_LOST);
	close(them);
	qmp_close(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order_then_none),
		cmocka_unit_test(test_event_during_call),
		cmocka_unit_test(test_overflow_is_news),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
