/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The gdb remote protocol server: packet dispatch over one session, stop
 * replies and asynchronous run control, and the listeners that feed it.
 */
#ifndef SEVDBG_SERVER_H
#define SEVDBG_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sevdbg/rsp.h"
#include "sevdbg/target.h"
#include "sevdbg/util.h"

struct session;

/*
 * Replies: "" = unsupported (unknown packet, or the target lacks the
 * operation: -ENOSYS), "OK" = done, "Exx" = failed, xx the decimal errno:
 *   E01 EPERM   write to a read-only target or session (--read-only, dumps)
 *   E02 ENOENT  unknown qXfer object or annex
 *   E03 ESRCH   no such thread (H, T, qThreadExtraInfo, vCont)
 *   E05 EIO     the target failed (registers, run control)
 *   E07 E2BIG   packet longer than PacketSize (dropped, framing kept)
 *   E14 EFAULT  no byte of the memory range could be read or written
 *   E16 EBUSY   the guest is running
 *   E22 EINVAL  malformed packet: bad hex, missing argument, bad length
 *   E28 ENOSPC  no breakpoint or watchpoint slot left
 * Other target errors pass through as their errno. A failed qRcmd
 * (monitor) sends its error text as O packets, then "E.text" if gdb's
 * qSupported offered error-message+; to an older gdb it replies OK,
 * because every error reply it knows becomes the bare "Protocol error with
 * Rcmd" (gdb 13's remote.c) and would bury the message. A
 * failed M/X write may have stored a prefix (the protocol has no short
 * write); memory reads return the readable prefix (gdb handles short
 * replies) and never bytes the router refused.
 */
#define SERVER_MEM_MAX (RSP_PACKET_SIZE / 2)

struct cmd_env;

struct server {
	struct session *s;
	struct cmd_env *env;	/* monitor commands' state (symbols); or NULL */
	bool gdb_error_message; /* gdb takes "E.text" for qRcmd */
	struct rsp rsp;
	struct strbuf reply; /* the reply being built */
	uint8_t *mem;	     /* SERVER_MEM_MAX bytes of scratch */
	int nr_vcpus;
	int g_vcpu;	  /* Hg: registers and memory (0-based) */
	int c_vcpu;	  /* Hc: step/continue; -1 = all */
	bool waiting;	  /* resumed: a stop reply is owed */
	bool non_stop;	  /* QNonStop:1, vCPUs without registers */
	bool no_reply;	  /* the handler answers later (or never) */
	bool closing;	  /* D or k: end this connection */
	bool target_gone; /* exited or killed: stop serving */
	bool hung_up;	  /* gdb closed the connection (or crashed) */
	bool have_stop;
	struct stop_event last_stop;
	int listen_fd; /* while serving: turn away a second gdb */
};

int server_init(struct server *sv, struct session *s);
void server_release(struct server *sv);
/* A new gdb: fresh framing, thread selection, and a stopped target. */
int server_connect(struct server *sv);
/* Feed bytes from gdb; replies accumulate in sv->rsp.out. */
void server_input(struct server *sv, const uint8_t *buf, size_t len);
/* While waiting: collect a stop from the target and queue its reply. */
void server_poll_stop(struct server *sv);
/* Stop a running guest before serving (new connection, shutdown). */
int server_stop_target(struct server *sv, int timeout_ms);
/*
 * gdb went away without D or k (closed, crashed): leave the guest as a
 * detach would, running, unless the target is to stay stopped.
 */
void server_gdb_gone(struct server *sv);

/* --- transport.c: where gdb connects ---------------------------------- */

/*
 * Serve one connection until gdb hangs up, detaches or kills, or the target
 * goes away. quit_fd (or -1) ends serving when readable (signals).
 * Returns 0, or -errno on I/O failure.
 */
int transport_serve_fd(struct server *sv, int in_fd, int out_fd, int quit_fd);

/*
 * "unix:PATH", "tcp:HOST:PORT" or "stdio": accept one gdb at a time until
 * the target is gone or quit_fd is readable. err gets the cause and fix.
 */
struct transport_listen {
	const char *spec;
	bool allow_remote;
	int quit_fd; /* readable: stop serving (signals); -1 */
};
int transport_listen_run(struct server *sv, const struct transport_listen *l,
			 char *err, size_t errlen);

/* gdb's CRC-32 (polynomial 0x04c11db7, MSB first, no final xor). */
uint32_t server_crc32(uint32_t crc, const uint8_t *buf, size_t len);

#endif
