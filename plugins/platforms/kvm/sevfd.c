// SPDX-License-Identifier: GPL-2.0-only
/*
 * The /dev/sev fd number (DESIGN.md §3.3): find QEMU's number and keep our
 * /dev/sev at it in one thread's private fd table, which issues DBG commands.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plugins/platforms/kvm/sevfd.h"

struct sevfd {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	const char *dev;
	int number, keep_fd;
	/* Set up result from the thread, then one request slot. */
	bool ready, busy, done, quit;
	int ret;
	char *err;
	size_t errlen;
	int (*fn)(void *arg);
	void *arg;
};

static bool sevfd_is_number(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

int sevfd_find(const char *fd_dir, const char *dev, int *number, char *err,
	       size_t errlen)
{
	char path[PATH_MAX];
	struct stat want, st;
	struct dirent *de;
	DIR *d;
	int ret = -ENOENT;

	if (stat(dev, &want)) {
		ret = -errno;
		snprintf(err, errlen,
			 "cannot stat %s: %s (the host has no SEV firmware device: load ccp and kvm_amd with sev=1)",
			 dev, strerror(errno));
		return ret;
	}
	d = opendir(fd_dir);
	if (!d) {
		ret = -errno;
		snprintf(err, errlen,
			 "cannot list %s to find QEMU's %s: %s (run sevdbg as root or as QEMU's user)",
			 fd_dir, dev, strerror(errno));
		return ret;
	}
	while ((de = readdir(d))) {
		if (!sevfd_is_number(de->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", fd_dir, de->d_name);
		if (stat(path, &st) || st.st_dev != want.st_dev ||
		    st.st_ino != want.st_ino)
			continue;
		*number = atoi(de->d_name);
		ret = 0;
		break;
	}
	closedir(d);
	if (ret)
		snprintf(err, errlen,
			 "QEMU has no %s open (none of %s is it): it is not running an SEV guest (start it with -object sev-guest,...)",
			 dev, fd_dir);
	return ret;
}

/* The number may lie beyond our soft open-files limit: raise it. */
static int sevfd_fit_limit(int number, char *err, size_t errlen)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return 0;
	if ((rlim_t)number < rl.rlim_cur)
		return 0;
	if (rl.rlim_max != RLIM_INFINITY && (rlim_t)number >= rl.rlim_max) {
		snprintf(err, errlen,
			 "QEMU's /dev/sev is fd %d, beyond sevdbg's open-files limit (%llu): raise it (ulimit -Hn %d, or prlimit) and retry",
			 number, (unsigned long long)rl.rlim_max, number + 64);
		return -EMFILE;
	}
	rl.rlim_cur = (rlim_t)number + 1;
	if (setrlimit(RLIMIT_NOFILE, &rl)) {
		snprintf(err, errlen,
			 "cannot raise the open-files limit to %d for QEMU's /dev/sev fd number: %s",
			 number + 1, strerror(errno));
		return -errno;
	}
	return 0;
}

/*
 * The private table copied every fd of sevdbg; copies kept here would keep
 * sockets and pipes open after their owners close them (no EOF for the
 * peer), so the thread keeps only its two.
 */
static void sevfd_close_others(struct sevfd *g)
{
	unsigned int a = (unsigned int)g->number, b = (unsigned int)g->keep_fd;

	if (g->keep_fd < 0 || a == b)
		b = a;
	if (a > b) {
		unsigned int t = a;

		a = b;
		b = t;
	}
	if (a > 0)
		close_range(0, a - 1, 0);
	if (b > a + 1)
		close_range(a + 1, b - 1, 0);
	close_range(b + 1, ~0U, 0);
}

/* In the thread: a private fd table with dev at g->number. */
static int sevfd_setup(struct sevfd *g)
{
	int fd, ret;

	if (unshare(CLONE_FILES)) {
		ret = -errno;
		snprintf(g->err, g->errlen,
			 "unshare(CLONE_FILES) failed: %s (needed to hold /dev/sev at QEMU's fd number)",
			 strerror(errno));
		return ret;
	}
	/* Whatever we had at the number moves out of the way first. */
	if (g->keep_fd == g->number) {
		g->keep_fd = fcntl(g->number, F_DUPFD_CLOEXEC, g->number + 1);
		if (g->keep_fd < 0) {
			ret = -errno;
			snprintf(g->err, g->errlen,
				 "cannot move sevdbg's fd %d off QEMU's /dev/sev number: %s",
				 g->number, strerror(errno));
			return ret;
		}
	}
	fd = open(g->dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(g->err, g->errlen, "cannot open %s: %s%s", g->dev,
			 strerror(errno),
			 errno == EACCES
				 ? " (run sevdbg as root)"
				 : " (load ccp and kvm_amd with sev=1)");
		return ret;
	}
	if (fd != g->number && dup3(fd, g->number, O_CLOEXEC) < 0) {
		ret = -errno;
		snprintf(g->err, g->errlen,
			 "cannot put %s at fd %d (QEMU's number): %s", g->dev,
			 g->number, strerror(errno));
		close(fd);
		return ret;
	}
	if (fd != g->number)
		close(fd);
	sevfd_close_others(g);
	return 0;
}

static void *sevfd_thread(void *arg)
{
	struct sevfd *g = arg;
	int ret = sevfd_setup(g);

	pthread_mutex_lock(&g->mu);
	g->ret = ret;
	g->ready = true;
	pthread_cond_broadcast(&g->cv);
	while (!ret) {
		while (!g->quit && (!g->busy || g->done))
			pthread_cond_wait(&g->cv, &g->mu);
		if (g->quit)
			break;
		pthread_mutex_unlock(&g->mu);
		ret = g->fn(g->arg);
		pthread_mutex_lock(&g->mu);
		g->ret = ret;
		g->done = true;
		ret = 0;
		pthread_cond_broadcast(&g->cv);
	}
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

static int sevfd_spawn(struct sevfd *g)
{
	sigset_t all, old;
	int ret;

	/* Signals stay with the threads that handle them. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = -pthread_create(&g->th, NULL, sevfd_thread, g);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return ret;
}

int sevfd_start(const char *dev, int number, int keep_fd, struct sevfd **out,
		char *err, size_t errlen)
{
	struct sevfd *g;
	int ret;

	if (number < 0)
		return -EINVAL;
	ret = sevfd_fit_limit(number, err, errlen);
	if (ret)
		return ret;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->cv, NULL);
	g->dev = dev;
	g->number = number;
	g->keep_fd = keep_fd;
	g->err = err;
	g->errlen = errlen;
	ret = sevfd_spawn(g);
	if (ret) {
		snprintf(err, errlen, "cannot start the /dev/sev thread: %s",
			 strerror(-ret));
		goto err_free;
	}
	pthread_mutex_lock(&g->mu);
	while (!g->ready)
		pthread_cond_wait(&g->cv, &g->mu);
	ret = g->ret;
	g->err = NULL;
	pthread_mutex_unlock(&g->mu);
	if (ret) {
		pthread_join(g->th, NULL);
		goto err_free;
	}
	*out = g;
	return 0;
err_free:
	pthread_cond_destroy(&g->cv);
	pthread_mutex_destroy(&g->mu);
	free(g);
	return ret;
}

int sevfd_fd(const struct sevfd *g)
{
	return g->keep_fd;
}

int sevfd_call(struct sevfd *g, int (*fn)(void *arg), void *arg)
{
	int ret;

	pthread_mutex_lock(&g->mu);
	while (g->busy)
		pthread_cond_wait(&g->cv, &g->mu);
	g->fn = fn;
	g->arg = arg;
	g->busy = true;
	g->done = false;
	pthread_cond_broadcast(&g->cv);
	while (!g->done)
		pthread_cond_wait(&g->cv, &g->mu);
	ret = g->ret;
	g->busy = false;
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
	return ret;
}

void sevfd_stop(struct sevfd *g)
{
	if (!g)
		return;
	pthread_mutex_lock(&g->mu);
	g->quit = true;
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
	pthread_join(g->th, NULL);
	pthread_cond_destroy(&g->cv);
	pthread_mutex_destroy(&g->mu);
	free(g);
}
