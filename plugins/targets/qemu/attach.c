// SPDX-License-Identifier: GPL-2.0-only
/*
 * Attaching to a live QEMU: QMP, its PID and RAM, its gdbstub (found in
 * query-chardev, started over QMP if none), its vCPUs, the platform.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plugins/targets/qemu/libvirt.h"
#include "plugins/targets/qemu/qemu-int.h"
#include "sevdbg/platform.h"

#define SEV_POLICY_ES (1u << 2)

/*
 * QEMU makes the socket in our directory: when it runs as another user
 * (libvirt runs it as libvirt-qemu), the directory must be that user's.
 */
static int qemu_lend_dir(struct qemu *q, char *err, size_t errlen)
{
	char proc[32];
	struct stat st;

	snprintf(proc, sizeof(proc), "/proc/%d", q->pid);
	if (stat(proc, &st) || st.st_uid == geteuid())
		return 0;
	if (!chown(q->own_dir, st.st_uid, st.st_gid))
		return 0;
	snprintf(err, errlen,
		 "cannot hand %s to QEMU's user (uid %u) for its gdbstub socket: %s (run sevdbg as root, or pass gdb=SOCKET of a gdbstub QEMU already has)",
		 q->own_dir, (unsigned int)st.st_uid, strerror(errno));
	return -errno;
}

/* No gdb= given: ask QEMU to open a gdbstub on a socket of ours. */
static int qemu_start_gdbserver(struct qemu *q, char *err, size_t errlen)
{
	const char *tmp = getenv("TMPDIR") ?: "/tmp";
	char line[160], *out = NULL;
	int rc;

	snprintf(q->own_dir, sizeof(q->own_dir), "%s/sevdbg-XXXXXX", tmp);
	if (!mkdtemp(q->own_dir)) {
		q->own_dir[0] = '\0';
		snprintf(err, errlen, "cannot create a directory in %s", tmp);
		return -EIO;
	}
	snprintf(q->gdb_path, sizeof(q->gdb_path), "%s/qemu-gdb.sock",
		 q->own_dir);
	rc = qemu_lend_dir(q, err, errlen);
	if (rc)
		return rc;
	snprintf(line, sizeof(line), "gdbserver unix:%s,server=on,wait=off",
		 q->gdb_path);
	rc = qmp_hmp(&q->qmp, line, &out, err, errlen);
	if (!rc && access(q->gdb_path, F_OK)) {
		snprintf(err, errlen,
			 "QEMU could not start a gdbstub: %s (pass gdb=SOCKET if it already has one)",
			 out ? out : "");
		rc = -EIO;
	}
	if (!rc)
		pr_info("no gdb= given: started QEMU's gdbstub at %s (HMP gdbserver); it closes when sevdbg exits",
			q->gdb_path);
	free(out);
	return rc;
}

/*
 * QEMU's gdbstub as query-chardev shows it: with want, the chardev at that
 * address; without, the one labelled "gdb" (-s, -gdb, HMP gdbserver).
 * 1 = found (*a, *busy: a client is connected, peer: its address if TCP),
 * 0 = none, -errno.
 */
static int qemu_gdbstub_chardev(struct qemu *q, const struct gdb_addr *want,
				struct gdb_addr *a, bool *busy, char *peer,
				size_t peerlen, char *err, size_t errlen)
{
	json_t *ret = NULL, *c;
	size_t i;
	int rc;

	rc = qmp_call(&q->qmp, "query-chardev", NULL, &ret, err, errlen);
	if (rc)
		return rc;
	rc = 0;
	json_array_foreach(ret, i, c)
	{
		const char *label =
			json_string_value(json_object_get(c, "label"));
		const char *fn =
			json_string_value(json_object_get(c, "filename"));
		bool match;

		if (!label || !fn)
			continue;
		match = !gdb_addr_from_chardev(fn, a, busy, peer, peerlen) &&
			(want ? gdb_addr_same(want, a) : !strcmp(label, "gdb"));
		if (match) {
			rc = 1;
			break;
		}
		if (!want && !strcmp(label, "gdb")) {
			snprintf(err, errlen,
				 "QEMU's gdbstub is on '%s', which sevdbg cannot connect to: give QEMU -gdb unix:PATH,server=on,wait=off or -gdb tcp:127.0.0.1:PORT, or pass gdb= to the target",
				 fn);
			rc = -EPROTONOSUPPORT;
			break;
		}
	}
	json_decref(ret);
	return rc;
}

/*
 * Which gdbstub to use (gdb=, else the one QEMU has, else one we start),
 * on loopback, and not held by someone else: QEMU would take our
 * connection and never answer it.
 */
static int qemu_find_gdbstub(struct qemu *q, const struct qemu_attach *at,
			     char *err, size_t errlen)
{
	struct gdb_addr a, found;
	char peer[80] = "", who[256], name[sizeof(q->gdb_path)];
	bool busy = false;
	int rc;

	if (at->gdb && gdb_addr_parse(at->gdb, strlen(at->gdb), &a)) {
		snprintf(err, errlen,
			 "gdb=%s: expected unix:PATH, tcp:HOST:PORT or a socket path",
			 at->gdb);
		return -EINVAL;
	}
	rc = qemu_gdbstub_chardev(q, at->gdb ? &a : NULL, &found, &busy, peer,
				  sizeof(peer), err, errlen);
	if (rc < 0 && !at->gdb)
		return rc;
	if (!at->gdb && !rc)
		return qemu_start_gdbserver(q, err, errlen);
	if (!at->gdb)
		a = found;
	busy = rc > 0 && busy; /* unknown (no such chardev): try it */
	rc = gdb_addr_resolve(&a, at->allow_remote_gdb, err, errlen);
	if (rc)
		return rc;
	gdb_addr_str(&a, name, sizeof(name));
	if (busy) {
		gdb_addr_holder(&a, peer, who, sizeof(who));
		snprintf(err, errlen,
			 "QEMU's gdbstub at %s is in use by another debugger: %s. QEMU serves one at a time: detach or quit that one, then try again",
			 name, who);
		return -EBUSY;
	}
	if (!at->gdb)
		pr_info("using QEMU's gdbstub at %s (from query-chardev)",
			name);
	snprintf(q->gdb_path, sizeof(q->gdb_path), "%s", name);
	return 0;
}

static int qemu_threads(struct qemu *q, char *err, size_t errlen)
{
	const char *cmd = "qfThreadInfo";
	int rc;

	q->nr_vcpus = 0;
	for (;;) {
		const char *p;

		rc = rspc_cmd(&q->rsp, cmd);
		if (rc)
			break;
		p = q->rsp.pkt.buf;
		if (*p != 'm')
			break;
		for (p++; *p && q->nr_vcpus < TARGET_MAX_VCPUS;) {
			int n = q->nr_vcpus;

			if (rspc_parse_tid(p, &p, &q->pids[n], &q->tids[n]))
				break;
			q->nr_vcpus++;
			if (*p != ',')
				break;
			p++;
		}
		cmd = "qsThreadInfo";
	}
	if (!rc && !q->nr_vcpus)
		rc = -EPROTO;
	if (rc)
		snprintf(err, errlen, "QEMU's gdbstub did not list its vCPUs");
	return rc;
}

/*
 * 1 = an SEV guest, 0 = not (QEMU refused: "SEV feature is not available"),
 * -errno when QMP itself failed. A lost connection must not read as "not
 * SEV": the sim would then hand out a real SEV guest's ciphertext as data.
 */
static int qemu_is_sev(struct qemu *q, char *err, size_t errlen)
{
	json_t *ret = NULL;
	int rc, sev;

	rc = qmp_call(&q->qmp, "query-sev", NULL, &ret, err, errlen);
	if (rc == -EREMOTEIO)
		return 0;
	if (rc)
		return rc;
	sev = json_is_true(json_object_get(ret, "enabled"));
	/* SEV-ES (policy bit 2): the register state is in the VMSA. */
	q->regs_encrypted =
		sev && (json_integer_value(json_object_get(ret, "policy")) &
			SEV_POLICY_ES);
	json_decref(ret);
	return sev;
}

static int qemu_platform(struct qemu *q, const char *hc,
			 const struct target_opts *o, char *err, size_t errlen)
{
	struct sim_config cfg = {.cbit = 52};
	struct kvm_attach ka = {.qemu_pid = q->pid, .ram = &q->t.ram};
	int rc;

	rc = o->force_sim ? 0 : qemu_is_sev(q, err, errlen);
	if (rc < 0)
		return rc;
	q->sev = rc;
	if (q->sev) {
		struct platform_info pi = {0};

		ka.sev_es = q->regs_encrypted;
		rc = kvm_platform_new(&ka, &q->t.plat, err, errlen);
		if (!rc && !q->t.plat->ops->info(q->t.plat, &pi))
			q->regs_encrypted |= pi.regs_encrypted;
		pr_info("platform: kvm (QEMU runs an SEV%s guest%s)",
			q->regs_encrypted ? "-ES" : "",
			q->regs_encrypted
				? ": registers from its VMSA, if the host kernel has the series' VMSA patch"
				: "");
		return rc;
	}
	if (o->sim)
		cfg = *o->sim;
	cfg.launched = true; /* a running QEMU guest is launched */
	q->hc_fd = hc ? open(hc, O_RDONLY | O_CLOEXEC) : -1;
	if (hc && q->hc_fd < 0)
		pr_warn("cannot open %s: %s", hc, strerror(errno));
	if (q->hc_fd < 0)
		pr_warn("no page-encryption record channel (give hc=FILE, the file of QEMU's isa-debugcon chardev): every page stays encrypted in the sim");
	cfg.hc_fd = q->hc_fd;
	rc = sim_platform_new(&q->t.ram, &cfg, &q->t.plat);
	if (rc) {
		snprintf(err, errlen, "cannot start the SEV simulator: %s",
			 strerror(-rc));
		return rc;
	}
	/* --sim-es: registers from the sim's VMSA; --sim-regs none: from
	 * nowhere, as on SEV-ES without the VMSA command. */
	q->regs_encrypted = cfg.es || cfg.no_regs;
	q->sim_no_regs = cfg.no_regs;
	pr_info("platform: sim (QEMU runs no SEV%s guest; encryption is simulated%s)",
		q->regs_encrypted ? "-ES" : "",
		cfg.no_regs
			? "; --sim-regs none: registers unavailable, as on SEV-ES without the VMSA command"
			: "");
	qemu_es_save(q); /* QEMU stopped the guest when we connected */
	return 0;
}

/* Attached to a QEMU we did not start: ask it which accelerator runs. */
static void qemu_query_accel(struct qemu *q)
{
	json_t *ret = NULL;
	char err[128];

	if (qmp_call(&q->qmp, "query-kvm", NULL, &ret, err, sizeof(err)))
		return; /* describe says "?" */
	snprintf(q->accel, sizeof(q->accel), "%s",
		 json_is_true(json_object_get(ret, "enabled")) ? "kvm" : "tcg");
	json_decref(ret);
}

int qemu_target_attach(const struct qemu_attach *a, const struct target_opts *o,
		       struct target **out, char *err, size_t errlen)
{
	struct qemu *q = calloc(1, sizeof(*q));
	int rc, n;

	if (!q)
		return -ENOMEM;
	q->t.ops = &qemu_target_ops;
	q->t.priv = q;
	q->t.live = true;
	q->t.read_only = o->read_only;
	q->rsp.fd = -1;
	q->hc_fd = -1;
	q->launch = a->launch;
	snprintf(q->accel, sizeof(q->accel), "%s",
		 a->launch ? a->launch->accel : "?");
	snprintf(q->origin, sizeof(q->origin), "%s",
		 a->launch ? "launched by sevdbg" : "attached");
	if (a->libvirt)
		qemu_libvirt_describe(a->libvirt, q->origin, sizeof(q->origin));
	rc = a->libvirt
		     ? qmp_libvirt_open(&q->qmp, a->libvirt, err, errlen)
		     : qmp_open(&q->qmp, a->qmp, QEMU_TIMEOUT_MS, err, errlen);
	if (rc)
		goto err;
	if (!a->launch)
		qemu_query_accel(q);
	q->ram.allow_partial = o->allow_partial;
	q->ram.libvirt = a->libvirt != NULL;
	rc = qemu_find_pid(&q->qmp, &q->pid, &n, err, errlen);
	if (!rc && a->libvirt)
		rc = qemu_libvirt_check(a->libvirt, q->pid, err, errlen);
	if (!rc)
		rc = qemu_map_ram(&q->qmp, q->pid, &q->ram, &q->t.ram, err,
				  errlen);
	if (rc)
		goto err;
	rc = qemu_find_gdbstub(q, a, err, errlen);
	if (rc)
		goto err;
	rc = rspc_open(&q->rsp, q->gdb_path, QEMU_TIMEOUT_MS, err, errlen) ?:
	     qemu_threads(q, err, errlen) ?:
	     qemu_platform(q, a->hc, o, err, errlen);
	if (rc)
		goto err;
	if (a->launch && a->launch->serial[0])
		snprintf(q->t.console_log, sizeof(q->t.console_log), "%s",
			 a->launch->serial);
	*out = &q->t;
	return 0;
err:
	q->launch = NULL; /* the caller still owns it */
	qemu_target_ops.destroy(&q->t);
	return rc;
}

struct qemu_launch *qemu_target_launch(struct target *t)
{
	return t->ops == &qemu_target_ops ? ((struct qemu *)t->priv)->launch
					  : NULL;
}
