// SPDX-License-Identifier: GPL-2.0-only
/*
 * gdb's non-stop mode for vCPUs whose registers are unavailable (SEV-ES
 * without the VMSA command, a dump without CPU notes): memory without frames.
 */
#include <errno.h>
#include <string.h>

#include "gdbstub/mem/session.h"
#include "gdbstub/rsp/server-int.h"

/*
 * Why non-stop: gdb 13 reads the PC of every thread it is told has stopped
 * (all-stop's start_remote: handle_signal_stop, regcache_read_pc), and
 * without one it fails "PC register is not available" and drops the
 * connection. In non-stop mode a thread that the stub lists but never
 * reports stopped ("?" answers OK) stays "running" to gdb: it reads no
 * registers and builds no frame, yet reads memory and evaluates globals.
 *
 * sevdbg holds the guest stopped while gdb is attached, as in all-stop;
 * only gdb's view of the vCPUs differs, and their thread text says so.
 * gdb asks to stop a thread it finds "running" when it connects
 * (notice_new_inferior) and on `interrupt`: vCont;t is accepted, since the
 * vCPU is stopped already, but no stop is ever reported, since gdb would
 * need its PC; an error instead would make gdb drop the connection.
 *
 * Only for vCPUs without a PC: sevdbg drives QEMU's all-stop gdbstub, so it
 * cannot stop and resume vCPUs one at a time as non-stop means.
 */

/* Whether no vCPU has a PC: gdb could show none of them stopped. */
static bool server_no_pc(struct server *sv)
{
	struct regs r;
	int i;

	for (i = 0; i < sv->nr_vcpus; i++) {
		memset(&r, 0, sizeof(r));
		if (!session_read_regs(sv->s, i, &r) && r.valid[REGS_RIP])
			return false;
	}
	return true;
}

static const char nonstop_hint[] =
	"no vCPU has registers (SEV-ES without the VMSA command, a dump without CPU notes): gdb in all-stop mode fails with \"PC register is not available\"; give gdb `set non-stop on` before `target remote` to read memory without them";

int pkt_q_nonstop(struct server *sv, const struct pkt_args *a)
{
	if (a->num[0] > 1)
		return -EINVAL;
	if (a->num[0] && !server_no_pc(sv)) {
		server_reply_str(sv,
				 "E.sevdbg serves non-stop mode only to vCPUs without registers; this guest has them: use all-stop (set non-stop off)");
		return 0;
	}
	sv->non_stop = a->num[0];
	server_reply_str(sv, "OK");
	return 0;
}

/* No stop is ever queued, so there is never another to collect. */
int pkt_vstopped(struct server *sv, const struct pkt_args *a)
{
	server_reply_str(sv, "OK");
	return 0;
}

bool server_nonstop_stop_reason(struct server *sv, const struct stop_event *ev)
{
	if (sv->non_stop) { /* no vCPU is ever reported stopped */
		server_reply_str(sv, "OK");
		return true;
	}
	/*
	 * All-stop gdb will fail on the missing PC and hang up. The hint
	 * cannot travel in the reply: gdb 13 takes an "E" answer to "?" for
	 * a stop without a thread and spins.
	 */
	if (ev->kind != STOP_EXITED && ev->kind != STOP_KILLED &&
	    server_no_pc(sv))
		pr_warn("%s", nonstop_hint);
	return false;
}

static const char nonstop_why[] =
	"the vCPUs' registers are unavailable, so gdb cannot see them stop: they stay stopped while gdb is attached (a live guest runs again when gdb detaches)";

/* Refuse run control in non-stop mode, in gdb's "E.text" form. */
bool server_nonstop_refuse(struct server *sv)
{
	if (!sv->non_stop)
		return false;
	pr_err("%s", nonstop_why);
	sb_reset(&sv->reply);
	sb_printf(&sv->reply, "E.%s", nonstop_why);
	return true;
}

int server_nonstop_vcont(struct server *sv, int running)
{
	if (running) {
		server_nonstop_refuse(sv);
		return 0;
	}
	server_reply_str(sv, "OK"); /* stopped already; never reported */
	return 0;
}
