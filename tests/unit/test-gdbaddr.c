// SPDX-License-Identifier: GPL-2.0-only
/*
 * Where QEMU's gdbstub is: addresses as users and query-chardev write them,
 * the loopback rule, and naming the process that holds a socket.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cmocka.h>

#include "plugins/targets/qemu/qemu.h"

static int parse(const char *s, struct gdb_addr *a)
{
	return gdb_addr_parse(s, strlen(s), a);
}

static void test_parse_forms(void **state)
{
	struct gdb_addr a;
	char buf[160];

	(void)state;
	assert_int_equal(parse("/run/g.sock", &a), 0);
	assert_false(a.tcp);
	assert_string_equal(a.path, "/run/g.sock");
	assert_int_equal(parse("unix:/run/g.sock", &a), 0);
	assert_string_equal(a.path, "/run/g.sock");
	assert_int_equal(parse("tcp::1234", &a), 0); /* -s */
	assert_true(a.tcp);
	assert_string_equal(a.host, "");
	assert_int_equal(a.port, 1234);
	assert_int_equal(parse("tcp:[::1]:99", &a), 0);
	assert_string_equal(a.host, "::1");
	gdb_addr_str(&a, buf, sizeof(buf));
	assert_string_equal(buf, "tcp:[::1]:99");
	assert_int_equal(parse("tcp:::1:99", &a), 0); /* QEMU's v6 form */
	assert_string_equal(a.host, "::1");
	assert_int_equal(parse("tcp:host", &a), -EINVAL);
	assert_int_equal(parse("tcp:h:", &a), -EINVAL);
	assert_int_equal(parse("tcp:h:70000", &a), -EINVAL);
	assert_int_equal(parse("tcp:h:12x", &a), -EINVAL);
	assert_int_equal(parse("", &a), -EINVAL);
	assert_int_equal(parse("unix:", &a), -EINVAL);
}

static void test_chardev_filenames(void **state)
{
	struct gdb_addr a;
	char peer[64];
	bool busy;

	(void)state;
	assert_int_equal(gdb_addr_from_chardev("disconnected:tcp:0.0.0.0:38341,server=on",
					       &a, &busy, peer, sizeof(peer)),
			 0);
	assert_false(busy);
	assert_true(a.tcp);
	assert_int_equal(a.port, 38341);
	assert_string_equal(peer, "");
	assert_int_equal(gdb_addr_from_chardev("tcp:127.0.0.1:39903,server=on <-> 127.0.0.1:51898",
					       &a, &busy, peer, sizeof(peer)),
			 0);
	assert_true(busy);
	assert_string_equal(a.host, "127.0.0.1");
	assert_string_equal(peer, "127.0.0.1:51898");
	assert_int_equal(gdb_addr_from_chardev("unix:/t/g.sock,server=on", &a,
					       &busy, NULL, 0),
			 0);
	assert_true(busy);
	assert_string_equal(a.path, "/t/g.sock");
	/* What sevdbg cannot connect to. */
	assert_int_equal(gdb_addr_from_chardev("tcp:1.2.3.4:5", &a, &busy, NULL,
					       0),
			 -EINVAL);
	assert_int_equal(gdb_addr_from_chardev("stdio", &a, &busy, NULL, 0),
			 -EINVAL);
	assert_int_equal(gdb_addr_from_chardev("gdb", &a, &busy, NULL, 0),
			 -EINVAL);
}

static void test_loopback_rule(void **state)
{
	struct gdb_addr a;
	char err[512] = "";

	(void)state;
	parse("tcp::1234", &a);
	assert_int_equal(gdb_addr_resolve(&a, false, err, sizeof(err)), 0);
	assert_string_equal(a.host, "127.0.0.1");
	parse("tcp:0.0.0.0:1234", &a);
	assert_int_equal(gdb_addr_resolve(&a, false, err, sizeof(err)), 0);
	assert_string_equal(a.host, "127.0.0.1");
	parse("tcp:127.0.0.2:1234", &a);
	assert_int_equal(gdb_addr_resolve(&a, false, err, sizeof(err)), 0);
	parse("tcp:192.0.2.7:1234", &a);
	assert_int_equal(gdb_addr_resolve(&a, false, err, sizeof(err)), -EPERM);
	assert_non_null(strstr(err, "allow-remote-gdb=on"));
	assert_int_equal(gdb_addr_resolve(&a, true, err, sizeof(err)), 0);
	assert_string_equal(a.host, "192.0.2.7");
}

/* A child connects to our listener and waits: it is the holder. */
static void holder_case(const struct sockaddr *sa, socklen_t sl,
			const struct gdb_addr *a)
{
	int l = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0), c;
	char who[256], want[64];
	pid_t pid;

	assert_true(l >= 0);
	assert_int_equal(bind(l, sa, sl), 0);
	assert_int_equal(listen(l, 1), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		int fd = socket(sa->sa_family, SOCK_STREAM, 0);

		if (fd < 0 || connect(fd, sa, sl))
			_exit(1);
		pause();
		_exit(0);
	}
	c = accept(l, NULL, NULL);
	assert_true(c >= 0);
	assert_int_equal(gdb_addr_holder(a, NULL, who, sizeof(who)), 1);
	snprintf(want, sizeof(want), "process %d (", (int)pid);
	assert_non_null(strstr(who, want));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(c);
	close(l);
}

static void test_holder_unix(void **state)
{
	struct sockaddr_un un = {.sun_family = AF_UNIX};
	char dir[] = "/tmp/test-gdbaddr-XXXXXX";
	struct gdb_addr a;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(un.sun_path, sizeof(un.sun_path), "%s/g.sock", dir);
	parse(un.sun_path, &a);
	holder_case((struct sockaddr *)&un, sizeof(un), &a);
	unlink(un.sun_path);
	rmdir(dir);
}

static void test_holder_tcp(void **state)
{
	struct sockaddr_in in = {.sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof(in);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct gdb_addr a;
	char spec[64];

	(void)state;
	/* A free port: bind to 0, read it, let it go. */
	assert_int_equal(bind(s, (struct sockaddr *)&in, sl), 0);
	getsockname(s, (struct sockaddr *)&in, &sl);
	close(s);
	snprintf(spec, sizeof(spec), "tcp:127.0.0.1:%d", ntohs(in.sin_port));
	parse(spec, &a);
	holder_case((struct sockaddr *)&in, sizeof(in), &a);
}

static void test_holder_none(void **state)
{
	struct gdb_addr a;
	char who[256];

	(void)state;
	parse("/nonexistent/sevdbg-test.sock", &a);
	assert_int_equal(gdb_addr_holder(&a, NULL, who, sizeof(who)), 0);
	assert_non_null(strstr(who, "cannot name"));
	parse("tcp:127.0.0.1:1", &a);
	assert_int_equal(gdb_addr_holder(&a, "10.0.0.9:4242", who, sizeof(who)),
			 0);
	assert_non_null(strstr(who, "10.0.0.9:4242"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_forms),
		cmocka_unit_test(test_chardev_filenames),
		cmocka_unit_test(test_loopback_rule),
		cmocka_unit_test(test_holder_unix),
		cmocka_unit_test(test_holder_tcp),
		cmocka_unit_test(test_holder_none),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
