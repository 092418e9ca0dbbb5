/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internals shared by the packet handlers of gdbstub/server*.c: the parsed
 * argument block and the handlers the dispatch table names.
 */
#ifndef SEVDBG_SERVER_INT_H
#define SEVDBG_SERVER_INT_H

#include "gdbstub/rsp/server.h"

#define PKT_MAX_NUMS 4

/* What a packet's schema string extracted (see server.c: pkt_parse). */
struct pkt_args {
	uint64_t num[PKT_MAX_NUMS]; /* 'x' fields, in order */
	int nr_num;
	int64_t tid;	     /* 't': -1 all, 0 any, else id */
	char op;	     /* 'c' */
	char annex[64];	     /* 'a' */
	const uint8_t *rest; /* 'r': unparsed tail (binary) */
	size_t rest_len;
};

typedef int (*pkt_fn)(struct server *sv, const struct pkt_args *a);

/* Queue a reply; handlers may also fill sv->reply and return 0. */
void server_reply_str(struct server *sv, const char *s);
/* "Exx" for a negative errno, "" for -ENOSYS. */
void server_reply_err(struct server *sv, int err);
/* vCPU for a thread id of H/T/vCont; -ESRCH if none. */
int server_tid_vcpu(struct server *sv, int64_t tid);

/* gdbstub/server-query.c */
int pkt_q_supported(struct server *sv, const struct pkt_args *a);
int pkt_q_rcmd(struct server *sv, const struct pkt_args *a);
int pkt_q_search(struct server *sv, const struct pkt_args *a);
int pkt_q_crc(struct server *sv, const struct pkt_args *a);
int pkt_q_xfer_features(struct server *sv, const struct pkt_args *a);
int pkt_q_xfer_memmap(struct server *sv, const struct pkt_args *a);
int pkt_q_xfer_threads(struct server *sv, const struct pkt_args *a);
int pkt_q_thread_first(struct server *sv, const struct pkt_args *a);
int pkt_q_thread_next(struct server *sv, const struct pkt_args *a);
int pkt_q_thread_extra(struct server *sv, const struct pkt_args *a);
int pkt_q_current(struct server *sv, const struct pkt_args *a);
int pkt_q_attached(struct server *sv, const struct pkt_args *a);

/* gdbstub/server-run.c */
int pkt_stop_reason(struct server *sv, const struct pkt_args *a);
int pkt_continue(struct server *sv, const struct pkt_args *a);
int pkt_continue_sig(struct server *sv, const struct pkt_args *a);
int pkt_step(struct server *sv, const struct pkt_args *a);
int pkt_step_sig(struct server *sv, const struct pkt_args *a);
int pkt_vcont_query(struct server *sv, const struct pkt_args *a);
int pkt_vcont(struct server *sv, const struct pkt_args *a);
int pkt_bp_insert(struct server *sv, const struct pkt_args *a);
int pkt_bp_remove(struct server *sv, const struct pkt_args *a);
int pkt_detach(struct server *sv, const struct pkt_args *a);
int pkt_kill(struct server *sv, const struct pkt_args *a);
int pkt_vkill(struct server *sv, const struct pkt_args *a);
void server_stop_reply(struct server *sv, const struct stop_event *ev);

/* gdbstub/server-nonstop.c */
int pkt_q_nonstop(struct server *sv, const struct pkt_args *a);
int pkt_vstopped(struct server *sv, const struct pkt_args *a);
/* "?": non-stop's OK (true), or all-stop's reply to come (a hint logged). */
bool server_nonstop_stop_reason(struct server *sv, const struct stop_event *ev);
/* Non-stop mode: reply why gdb cannot run the vCPUs; true if so. */
bool server_nonstop_refuse(struct server *sv);
/* Non-stop mode's vCont: running = how many vCPUs it would run. */
int server_nonstop_vcont(struct server *sv, int running);

#endif
