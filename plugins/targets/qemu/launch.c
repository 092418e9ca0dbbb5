// SPDX-License-Identifier: GPL-2.0-only
/*
 * Starting QEMU for sevdbg (the launch: and demo targets): a private socket
 * dir, a shareable RAM backend, the sim's debugcon file, and the accelerator.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdnoreturn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "plugins/targets/qemu/qemu.h"

const char *qemu_pick_accel(const char *want)
{
	if (want && *want)
		return want;
	if (!access("/sys/module/kvm_intel", F_OK) ||
	    !access("/sys/module/kvm_amd", F_OK))
		return "kvm";
	return "tcg"; /* e.g. kvm_pvm: no hardware virtualisation */
}

int qemu_split_args(const char *s, char ***argvp, int *argcp)
{
	size_t cap = 8, argc = 0, len = strlen(s);
	char **argv = calloc(cap, sizeof(*argv));
	char *buf = malloc(len + 1), *o = buf;
	char quote = 0;
	bool in_word = false;

	if (!argv || !buf)
		goto oom;
	for (const char *p = s;; p++) {
		bool end = !*p || (!quote && (*p == ' ' || *p == '\t'));

		if (end && in_word) {
			*o++ = '\0';
			in_word = false;
			if (argc + 2 > cap) {
				char **n = realloc(argv, 2 * cap * sizeof(*n));

				if (!n)
					goto oom;
				argv = n;
				cap *= 2;
			}
			argc++;
		}
		if (!*p)
			break;
		if (end)
			continue;
		if (!in_word) {
			argv[argc] = o;
			in_word = true;
		}
		if (quote && *p == quote)
			quote = 0;
		else if (!quote && (*p == '\'' || *p == '"'))
			quote = *p;
		else
			*o++ = *p;
	}
	if (quote) {
		free(buf);
		free(argv);
		return -EINVAL;
	}
	argv[argc] = NULL;
	if (!argc)
		free(buf);
	*argvp = argv;
	*argcp = (int)argc;
	return 0;
oom:
	free(buf);
	free(argv);
	return -ENOMEM;
}

/* The size given by -m (plain, or size= inside), default 128M. */
static uint64_t launch_ram_size(char *const *argv)
{
	uint64_t size = 128ULL << 20;

	for (int i = 0; argv[i] && argv[i + 1]; i++) {
		char tmp[64], *p;

		if (strcmp(argv[i], "-m") && strcmp(argv[i], "--m"))
			continue;
		snprintf(tmp, sizeof(tmp), "%s", argv[i + 1]);
		p = strstr(tmp, "size=");
		p = p ? p + 5 : tmp;
		p[strcspn(p, ",")] = '\0';
		if (parse_size(p, &size) || size < (1 << 20))
			size = strtoull(p, NULL, 0) << 20; /* QEMU: MiB */
	}
	return size;
}

/* The user chose an accelerator in QEMU_ARGS: theirs wins over ours. */
static bool launch_user_accel(char *const *argv)
{
	for (int i = 0; argv[i]; i++) {
		if (!strcmp(argv[i], "-accel") || !strcmp(argv[i], "--accel") ||
		    !strcmp(argv[i], "-enable-kvm") ||
		    !strcmp(argv[i], "--enable-kvm"))
			return true;
		if (argv[i + 1] &&
		    (!strcmp(argv[i], "-machine") || !strcmp(argv[i], "-M")) &&
		    strstr(argv[i + 1], "accel="))
			return true;
	}
	return false;
}

/*
 * The user gave the guest its RAM (NUMA nodes with memdev=, or
 * -machine memory-backend=): ours would clash with it, and theirs is the
 * layout to debug (a backend without share=on is then reported by name).
 */
static bool launch_user_ram(char *const *argv)
{
	for (int i = 0; argv[i] && argv[i + 1]; i++) {
		const char *o = argv[i], *v = argv[i + 1];

		if ((!strcmp(o, "-numa") || !strcmp(o, "--numa")) &&
		    strstr(v, "memdev="))
			return true;
		if ((!strcmp(o, "-machine") || !strcmp(o, "--machine") ||
		     !strcmp(o, "-M")) &&
		    strstr(v, "memory-backend="))
			return true;
	}
	return false;
}

static noreturn void launch_exec(struct qemu_launch *l, char *const *uargv,
				 uint64_t ram)
{
	const char *qemu = getenv("SEVDBG_QEMU") ?: QEMU_SYSTEM_X86_64;
	char a_gdb[160], a_qmp[160], a_mem[128], a_hc[160], a_ser[160];
	const char **argv;
	size_t n = 0, i = 0;
	sigset_t set;
	int fd;

	snprintf(a_gdb, sizeof(a_gdb), "unix:%s,server=on,wait=off", l->gdb);
	snprintf(a_qmp, sizeof(a_qmp), "unix:%s,server=on,wait=off", l->qmp);
	snprintf(a_mem, sizeof(a_mem),
		 "memory-backend-memfd,id=ram0,size=%llu,share=on",
		 (unsigned long long)ram);
	snprintf(a_hc, sizeof(a_hc), "file,id=sevdbg-hc,path=%s", l->hc);
	snprintf(a_ser, sizeof(a_ser), "file:%s", l->serial);
	while (uargv[n])
		n++;
	argv = calloc(n + 20, sizeof(*argv));
	if (!argv)
		_exit(127);
	argv[i++] = qemu;
	argv[i++] = "-gdb";
	argv[i++] = a_gdb;
	argv[i++] = "-qmp";
	argv[i++] = a_qmp;
	if (!launch_user_ram(uargv)) {
		argv[i++] = "-object";
		argv[i++] = a_mem;
		argv[i++] = "-machine";
		argv[i++] = "memory-backend=ram0";
	}
	argv[i++] = "-chardev";
	argv[i++] = a_hc;
	argv[i++] = "-device";
	argv[i++] = "isa-debugcon,iobase=0xe9,chardev=sevdbg-hc";
	if (!launch_user_accel(uargv)) {
		argv[i++] = "-accel";
		argv[i++] = l->accel;
	}
	if (l->serial[0]) {
		argv[i++] = "-serial";
		argv[i++] = a_ser;
	}
	memcpy(argv + i, uargv, n * sizeof(*argv));
	fd = open(l->errlog, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0)
		dup2(fd, STDERR_FILENO);
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
	}
	/* sevdbg blocks SIGINT/SIGTERM (signalfd) and ignores SIGPIPE; both
	 * survive exec, and QEMU must be able to die of SIGTERM. */
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
	signal(SIGPIPE, SIG_DFL);
	setpgid(0, 0); /* Ctrl-C in our terminal is for sevdbg, not QEMU */
	prctl(PR_SET_PDEATHSIG, SIGTERM); /* and QEMU never outlives us */
	execvp(qemu, (char *const *)argv);
	fprintf(stderr,
		"cannot run %s: %s (install qemu-system-x86 or set SEVDBG_QEMU)\n",
		qemu, strerror(errno));
	_exit(127);
}

int qemu_launch_reap(struct qemu_launch *l, bool wait, char *why, size_t len)
{
	int st;
	pid_t r;

	if (l->pid <= 0)
		return 0;
	r = waitpid(l->pid, &st, wait ? 0 : WNOHANG);
	if (r == 0)
		return -EAGAIN;
	l->pid = 0;
	if (r < 0)
		snprintf(why, len, "QEMU is gone");
	else if (WIFEXITED(st))
		snprintf(why, len, "QEMU exited with status %d",
			 WEXITSTATUS(st));
	else
		snprintf(why, len, "QEMU was killed by signal %d (%s)",
			 WTERMSIG(st), strsignal(WTERMSIG(st)));
	return 0;
}

void qemu_launch_last_error(struct qemu_launch *l, char *buf, size_t len)
{
	char line[512] = "";
	FILE *f = fopen(l->errlog, "r");

	buf[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (line[0] != '\n')
			snprintf(buf, len, "%s", line);
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
}

static int launch_wait_sockets(struct qemu_launch *l, char *err, size_t errlen)
{
	struct timespec ts = {0, 20 * 1000 * 1000};
	char why[128], last[384];

	for (int i = 0; i < QEMU_TIMEOUT_MS / 20; i++) {
		if (!access(l->qmp, F_OK) && !access(l->gdb, F_OK))
			return 0;
		if (!qemu_launch_reap(l, false, why, sizeof(why))) {
			qemu_launch_last_error(l, last, sizeof(last));
			snprintf(err, errlen, "QEMU failed to start: %s%s%s",
				 why, *last ? ": " : "", last);
			return -ECHILD;
		}
		nanosleep(&ts, NULL);
	}
	snprintf(err, errlen,
		 "QEMU did not create its sockets in %d s (see %s)",
		 QEMU_TIMEOUT_MS / 1000, l->errlog);
	return -ETIMEDOUT;
}

int qemu_launch_start(struct qemu_launch *l, char *const *argv,
		      const char *accel, unsigned int flags, char *err,
		      size_t errlen)
{
	const char *tmp = getenv("TMPDIR") ?: "/tmp";
	int rc;

	memset(l, 0, sizeof(*l));
	if (snprintf(l->dir, sizeof(l->dir), "%s/sevdbg-XXXXXX", tmp) >=
		    (int)sizeof(l->dir) ||
	    !mkdtemp(l->dir)) {
		snprintf(err, errlen,
			 "cannot create a private directory in %s (set TMPDIR to a short writable path)",
			 tmp);
		l->dir[0] = '\0';
		return -EIO;
	}
	chmod(l->dir, 0700);
	snprintf(l->qmp, sizeof(l->qmp), "%s/qmp.sock", l->dir);
	snprintf(l->gdb, sizeof(l->gdb), "%s/qemu-gdb.sock", l->dir);
	snprintf(l->hc, sizeof(l->hc), "%s/hypercalls", l->dir);
	snprintf(l->errlog, sizeof(l->errlog), "%s/qemu.log", l->dir);
	if (flags & QEMU_LAUNCH_SERIAL_LOG)
		snprintf(l->serial, sizeof(l->serial), "%s/serial.log", l->dir);
	snprintf(l->accel, sizeof(l->accel), "%s",
		 launch_user_accel(argv) ? "given" : qemu_pick_accel(accel));
	/* The file must exist before QEMU appends to it, so we can tail it. */
	rc = open(l->hc, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (rc < 0) {
		rc = -errno;
		goto err;
	}
	close(rc);
	l->pid = fork();
	if (l->pid < 0) {
		rc = -errno;
		goto err;
	}
	if (!l->pid)
		launch_exec(l, argv, launch_ram_size(argv));
	rc = launch_wait_sockets(l, err, errlen);
	if (rc)
		goto err;
	pr_info("started QEMU (pid %d, accel %s) in %s", l->pid, l->accel,
		l->dir);
	return 0;
err:
	if (!*err)
		snprintf(err, errlen, "cannot start QEMU: %s", strerror(-rc));
	qemu_launch_stop(l);
	return rc;
}

static void rm_dir(const char *dir)
{
	static const char *const files[] = {
		"qmp.sock", "qemu-gdb.sock", "hypercalls",
		"qemu.log", "gdb.sock",	     "serial.log",
	};
	char path[QEMU_PATH_MAX + 16];

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	if (rmdir(dir))
		pr_warn("could not remove %s: %s", dir, strerror(errno));
}

void qemu_launch_stop(struct qemu_launch *l)
{
	char why[128];

	if (l->pid > 0) {
		kill(l->pid, SIGTERM);
		for (int i = 0; i < 100; i++) {
			struct timespec ts = {0, 20 * 1000 * 1000};

			if (!qemu_launch_reap(l, false, why, sizeof(why)))
				break;
			nanosleep(&ts, NULL);
		}
		if (l->pid > 0) {
			kill(l->pid, SIGKILL);
			qemu_launch_reap(l, true, why, sizeof(why));
		}
	}
	if (l->dir[0])
		rm_dir(l->dir);
	l->dir[0] = '\0';
}

int qemu_launch_wait_serial(struct qemu_launch *l, const char *marker,
			    int timeout_ms)
{
	uint64_t deadline = now_ns() + (uint64_t)timeout_ms * 1000000;
	char why[128], line[512];

	while (now_ns() < deadline) {
		FILE *f = fopen(l->serial, "r");
		bool found = false;

		while (f && !found && fgets(line, sizeof(line), f))
			found = strstr(line, marker) != NULL;
		if (f)
			fclose(f);
		if (found)
			return 0;
		if (qemu_launch_reap(l, false, why, sizeof(why)) != -EAGAIN)
			return -ECHILD;
		usleep(50000);
	}
	return -ETIME;
}

int qemu_demo_guest(char *path, size_t len)
{
	char exe[256];
	ssize_t n;

	if (getenv("SEVDBG_GUEST")) {
		snprintf(path, len, "%s", getenv("SEVDBG_GUEST"));
		return access(path, R_OK) ? -ENOENT : 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		*strrchr(exe, '/') = '\0';
		snprintf(path, len, "%s/tests/guest/guest.elf", exe);
		if (!access(path, R_OK))
			return 0;
	}
	snprintf(path, len, "%s/guest.elf", SEVDBG_DATADIR);
	return access(path, R_OK) ? -ENOENT : 0;
}
