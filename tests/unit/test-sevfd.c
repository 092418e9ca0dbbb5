// SPDX-License-Identifier: GPL-2.0-only
/*
 * The /dev/sev fd number juggling without SEV: ordinary files stand in for
 * /dev/sev and for QEMU's /proc/PID/fd, through functions that take paths.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "plugins/platforms/kvm/sevfd.h"

struct fixture {
	char dir[64], fd_dir[96], dev[96], other[96];
};

static void make_file(const char *path)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	close(fd);
}

/* "QEMU" holds dev at fd 37 and other files at 3 and 12. */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char link[160];

	snprintf(f->dir, sizeof(f->dir), "/tmp/test-sevfd.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->fd_dir, sizeof(f->fd_dir), "%s/fd", f->dir);
	snprintf(f->dev, sizeof(f->dev), "%s/sev", f->dir);
	snprintf(f->other, sizeof(f->other), "%s/other", f->dir);
	assert_int_equal(mkdir(f->fd_dir, 0700), 0);
	make_file(f->dev);
	make_file(f->other);
	snprintf(link, sizeof(link), "%s/3", f->fd_dir);
	assert_int_equal(symlink(f->other, link), 0);
	snprintf(link, sizeof(link), "%s/37", f->fd_dir);
	assert_int_equal(symlink(f->dev, link), 0);
	snprintf(link, sizeof(link), "%s/12", f->fd_dir);
	assert_int_equal(symlink("/nonexistent", link), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void test_find(void **state)
{
	struct fixture *f = *state;
	char err[256] = "";
	int n = -1;

	assert_int_equal(sevfd_find(f->fd_dir, f->dev, &n, err, sizeof(err)),
			 0);
	assert_int_equal(n, 37);
}

static void test_find_errors(void **state)
{
	struct fixture *f = *state;
	char err[256] = "", missing[128];
	int n = -1;

	/* QEMU without /dev/sev: not an SEV guest. */
	snprintf(missing, sizeof(missing), "%s/none", f->dir);
	make_file(missing);
	assert_int_equal(sevfd_find(f->fd_dir, missing, &n, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "not running an SEV guest"));
	/* No /dev/sev on the host. */
	unlink(missing);
	assert_int_equal(sevfd_find(f->fd_dir, missing, &n, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "no SEV firmware device"));
	/* QEMU's fd directory cannot be listed. */
	assert_int_equal(sevfd_find(missing, f->dev, &n, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "cannot list"));
}

struct probe {
	int fd;
	struct stat st;
};

static int probe_fstat(void *arg)
{
	struct probe *p = arg;

	return fstat(p->fd, &p->st) ? -errno : 0;
}

static bool same_file(const struct stat *st, const char *path)
{
	struct stat want;

	return !stat(path, &want) && st->st_dev == want.st_dev &&
	       st->st_ino == want.st_ino;
}

/*
 * The thread sees dev at the number while every other thread keeps what
 * sevdbg had there; an fd to keep that sat at the number is moved.
 */
static void test_place_private(void **state)
{
	struct fixture *f = *state;
	struct probe pr = {0};
	struct sevfd *g = NULL;
	char err[256] = "";
	struct stat st;
	int mine, n;

	mine = open(f->other, O_RDONLY | O_CLOEXEC);
	assert_true(mine >= 0);
	n = mine; /* QEMU's number is one sevdbg already uses */
	assert_int_equal(sevfd_start(f->dev, n, mine, &g, err, sizeof(err)), 0);
	pr.fd = n;
	assert_int_equal(sevfd_call(g, probe_fstat, &pr), 0);
	assert_true(same_file(&pr.st, f->dev));
	/* The kept fd moved off the number, still the same file. */
	assert_int_not_equal(sevfd_fd(g), n);
	pr.fd = sevfd_fd(g);
	assert_int_equal(sevfd_call(g, probe_fstat, &pr), 0);
	assert_true(same_file(&pr.st, f->other));
	/* This thread's fd n is untouched. */
	assert_int_equal(fstat(mine, &st), 0);
	assert_true(same_file(&st, f->other));
	/* Other fds are not held by the thread (no lost EOFs). */
	pr.fd = STDERR_FILENO;
	assert_int_equal(sevfd_call(g, probe_fstat, &pr), -EBADF);
	sevfd_stop(g);
	close(mine);
}

/* A free number far up: the thread raises the soft limit to reach it. */
static void test_place_high(void **state)
{
	struct fixture *f = *state;
	struct probe pr = {.fd = 900};
	struct sevfd *g = NULL;
	char err[256] = "";
	struct rlimit rl;

	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max <= 900)
		return; /* the limit test below covers this host */
	assert_int_equal(sevfd_start(f->dev, 900, -1, &g, err, sizeof(err)), 0);
	assert_int_equal(sevfd_call(g, probe_fstat, &pr), 0);
	assert_true(same_file(&pr.st, f->dev));
	sevfd_stop(g);
	assert_int_equal(fcntl(900, F_GETFD), -1); /* not in our table */
}

/* A number beyond the hard limit: an error naming the limit and the fix. */
static void test_place_beyond_limit(void **state)
{
	struct fixture *f = *state;
	struct sevfd *g = NULL;
	char err[256] = "";
	struct rlimit rl;
	int n;

	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	n = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > INT_MAX - 64
		    ? INT_MAX - 1
		    : (int)rl.rlim_max;
	assert_true(sevfd_start(f->dev, n, -1, &g, err, sizeof(err)) < 0);
	assert_null(g);
	printf("# %s\n", err);
	assert_true(strstr(err, "open-files limit") ||
		    strstr(err, "cannot put"));
}

/* The device does not open in the thread: the error says so. */
static void test_place_no_device(void **state)
{
	struct fixture *f = *state;
	struct sevfd *g = NULL;
	char err[256] = "", missing[128];

	snprintf(missing, sizeof(missing), "%s/none", f->dir);
	assert_int_equal(sevfd_start(missing, 40, -1, &g, err, sizeof(err)),
			 -ENOENT);
	assert_null(g);
	assert_non_null(strstr(err, "cannot open"));
	assert_non_null(strstr(err, "kvm_amd with sev=1"));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_find),
		T(test_find_errors),
		T(test_place_private),
		T(test_place_high),
		T(test_place_beyond_limit),
		T(test_place_no_device),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
