// SPDX-License-Identifier: GPL-2.0-only
/*
 * The libvirt: target: a running libvirt domain found as virsh finds it,
 * attached through libvirt's QEMU monitor passthrough, with errors that fix.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plugins/targets/qemu/libvirt.h"
#include "sevdbg/target.h"

/* Capabilities (linux/capability.h) sevdbg uses on another user's QEMU. */
#define CAP_CHOWN_BIT	     0	/* hand the gdbstub socket directory over */
#define CAP_DAC_OVERRIDE_BIT 1	/* RAM files, the socket QEMU made */
#define CAP_SYS_PTRACE_BIT   19 /* /proc/PID/maps and fds, pidfd_getfd */

static void lv_quiet(void *opaque, virErrorPtr e)
{
	(void)opaque, (void)e; /* sevdbg says it, with the fix */
}

/*
 * libvirtd refused a read-write connection: when it grants a read-only
 * one, say that is the problem (monitor commands need read-write).
 */
static int lv_refused(const char *uri, const char *why, char *err,
		      size_t errlen)
{
	virConnectPtr ro = virConnectOpenReadOnly(uri);

	if (ro) {
		virConnectClose(ro);
		snprintf(err, errlen,
			 "libvirt at %s gives this user only a read-only connection (%s); sevdbg sends QEMU monitor commands, which need a read-write one: run sevdbg as root",
			 uri, why);
		return -EACCES;
	}
	snprintf(err, errlen,
		 "libvirt at %s refused the connection: %s (run sevdbg as root)",
		 uri, why);
	return -EACCES;
}

static int lv_connect(struct qemu_libvirt *lv, char *err, size_t errlen)
{
	virErrorPtr e;
	char why[256];

	/* Before the connection: its events flow only through this loop. */
	if (virEventRegisterDefaultImpl() < 0) {
		snprintf(err, errlen, "cannot start libvirt's event loop: %s",
			 libvirt_last_error());
		return -EIO;
	}
	virSetErrorFunc(NULL, lv_quiet);
	lv->conn = virConnectOpen(lv->uri);
	if (lv->conn)
		return 0;
	e = virGetLastError();
	snprintf(why, sizeof(why), "%s", libvirt_last_error());
	if (e && (e->code == VIR_ERR_AUTH_FAILED ||
		  e->code == VIR_ERR_AUTH_UNAVAILABLE ||
		  e->code == VIR_ERR_AUTH_CANCELLED || e->int1 == EACCES ||
		  strstr(why, "ermission denied")))
		return lv_refused(lv->uri, why, err, errlen);
	snprintf(err, errlen,
		 "cannot reach libvirt at %s: %s (is libvirtd running? start it with 'systemctl start libvirtd' or 'libvirtd -d', or name another with uri=URI)",
		 lv->uri, why);
	return -ECONNREFUSED;
}

/* By id, then UUID, then name: the order virsh tries. */
static int lv_lookup(struct qemu_libvirt *lv, const char *spec, char *err,
		     size_t errlen)
{
	char *end;
	long id = strtol(spec, &end, 10);

	if (*spec && !*end && id >= 0 && id <= INT32_MAX)
		lv->dom = virDomainLookupByID(lv->conn, (int)id);
	if (!lv->dom && strlen(spec) >= VIR_UUID_STRING_BUFLEN - 1 - 4)
		lv->dom = virDomainLookupByUUIDString(lv->conn, spec);
	if (!lv->dom)
		lv->dom = virDomainLookupByName(lv->conn, spec);
	if (!lv->dom) {
		snprintf(err, errlen,
			 "libvirt at %s has no domain '%s' (by id, UUID or name; 'virsh -c %s list --all' lists them)",
			 lv->uri, spec, lv->uri);
		return -ENOENT;
	}
	snprintf(lv->name, sizeof(lv->name), "%s",
		 virDomainGetName(lv->dom) ?: spec);
	return 0;
}

static int lv_check_running(struct qemu_libvirt *lv, char *err, size_t errlen)
{
	int active = virDomainIsActive(lv->dom);

	if (active == 1)
		return 0;
	if (active < 0)
		snprintf(err, errlen, "libvirt: %s", libvirt_last_error());
	else
		snprintf(err, errlen,
			 "domain '%s' is not running: start it ('virsh -c %s start %s') and attach again",
			 lv->name, lv->uri, lv->name);
	return active < 0 ? -EIO : -ESRCH;
}

/* libvirt runs the domain with -name guest=NAME,...: is pid that QEMU? */
static bool lv_is_domain_process(const struct qemu_libvirt *lv, int pid)
{
	char path[64], buf[8192], want[160];
	ssize_t n, i;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	snprintf(want, sizeof(want), "guest=%s", lv->name);
	for (i = 0; i < n; i += (ssize_t)strlen(buf + i) + 1)
		if (!strncmp(buf + i, want, strlen(want)) &&
		    (buf[i + strlen(want)] == ',' || !buf[i + strlen(want)]))
			return true;
	return false;
}

/* The effective capability set, from /proc/self/status. */
static uint64_t lv_cap_eff(void)
{
	char line[128];
	uint64_t caps = 0;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %" SCNx64, &caps) == 1)
			break;
	fclose(f);
	return caps;
}

/*
 * libvirt runs QEMU as its own user (libvirt-qemu on Debian): reaching its
 * RAM and gdbstub takes these capabilities, which root has.
 */
static int lv_check_privileges(const struct qemu_libvirt *lv, int pid,
			       char *err, size_t errlen)
{
	static const struct {
		int bit;
		const char *name;
	} need[] = {
		{CAP_SYS_PTRACE_BIT, "CAP_SYS_PTRACE"},
		{CAP_DAC_OVERRIDE_BIT, "CAP_DAC_OVERRIDE"},
		{CAP_CHOWN_BIT, "CAP_CHOWN"},
	};
	char path[64], user[64], missing[96] = "";
	uint64_t caps = lv_cap_eff();
	struct passwd *pw;
	struct stat st;
	size_t i;

	snprintf(path, sizeof(path), "/proc/%d", pid);
	if (stat(path, &st) || st.st_uid == geteuid())
		return 0;
	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!(caps & (1ULL << need[i].bit)))
			snprintf(missing + strlen(missing),
				 sizeof(missing) - strlen(missing), "%s%s",
				 missing[0] ? ", " : "", need[i].name);
	if (!missing[0])
		return 0;
	pw = getpwuid(st.st_uid);
	snprintf(user, sizeof(user), "%s", pw ? pw->pw_name : "?");
	snprintf(err, errlen,
		 "domain '%s' runs as user '%s' (QEMU pid %d): reaching its RAM and its gdbstub needs root, or CAP_SYS_PTRACE, CAP_DAC_OVERRIDE and CAP_CHOWN; sevdbg lacks %s: run it as root (sudo)",
		 lv->name, user, pid, missing);
	return -EPERM;
}

int qemu_libvirt_check(struct qemu_libvirt *lv, int pid, char *err,
		       size_t errlen)
{
	if (!lv_is_domain_process(lv, pid)) {
		snprintf(err, errlen,
			 "QEMU process %d is not domain '%s' (libvirt at %s runs it on another host or in another PID namespace): run sevdbg on the host that runs the domain",
			 pid, lv->name, lv->uri);
		return -ESRCH;
	}
	return lv_check_privileges(lv, pid, err, errlen);
}

void qemu_libvirt_describe(const struct qemu_libvirt *lv, char *buf, size_t len)
{
	snprintf(buf, len, "libvirt domain '%s' at %s", lv->name, lv->uri);
}

static void lv_release(struct qemu_libvirt *lv)
{
	if (lv->dom)
		virDomainFree(lv->dom);
	if (lv->conn)
		virConnectClose(lv->conn);
}

/* "DOMAIN[,uri=URI][,gdb=SOCKET][,hc=FILE]" */
static int libvirt_parse(char *s, struct qemu_attach *a,
			 struct qemu_libvirt *lv, const char **domain)
{
	char *tok, *save = NULL;

	snprintf(lv->uri, sizeof(lv->uri), "%s", LIBVIRT_DEFAULT_URI);
	for (tok = strtok_r(s, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!*domain && !strchr(tok, '='))
			*domain = tok;
		else if (!strncmp(tok, "uri=", 4) && tok[4] &&
			 strlen(tok + 4) < sizeof(lv->uri))
			snprintf(lv->uri, sizeof(lv->uri), "%s", tok + 4);
		else if (!strncmp(tok, "gdb=", 4))
			a->gdb = tok + 4;
		else if (!strncmp(tok, "hc=", 3))
			a->hc = tok + 3;
		else
			return -EINVAL;
	}
	return *domain && **domain ? 0 : -EINVAL;
}

static int libvirt_open(const char *arg, const struct target_opts *o,
			struct target **out, char *err, size_t errlen)
{
	struct qemu_libvirt lv = {0};
	struct qemu_attach a = {.libvirt = &lv};
	const char *domain = NULL;
	char *s = strdup(arg);
	int rc;

	if (!s)
		return -ENOMEM;
	if (libvirt_parse(s, &a, &lv, &domain)) {
		snprintf(err, errlen,
			 "usage: libvirt:DOMAIN[,uri=URI][,gdb=SOCKET][,hc=FILE] (unknown option or no domain in '%s')",
			 arg);
		free(s);
		return -EINVAL;
	}
	rc = lv_connect(&lv, err, errlen) ?: lv_lookup(&lv, domain, err, errlen)
						 ?: lv_check_running(&lv, err,
								     errlen);
	if (!rc)
		rc = qemu_target_attach(&a, o, out, err, errlen);
	lv_release(&lv);
	free(s);
	return rc;
}

const struct target_type libvirt_target_type = {
	.prefix = "libvirt",
	.usage =
		"libvirt:DOMAIN[,uri=URI][,gdb=SOCKET][,hc=FILE]  attach to a running libvirt domain (name, UUID or id; URI " LIBVIRT_DEFAULT_URI
		")",
	.open = libvirt_open,
};
