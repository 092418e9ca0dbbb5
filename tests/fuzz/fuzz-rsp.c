// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the RSP server: arbitrary bytes go through the
 * packet state machine and the dispatcher against the test target.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "gdbstub/rsp/server.h"
#include "gdbstub/mem/session.h"
#include "sevdbg/target.h"
#include "sevdbg/util.h"

struct fuzz_ctx {
	struct target *t;
	struct session s;
	struct server sv;
	unsigned int uses;
};

/* A fresh target every so often keeps inputs close to reproducible. */
#define FUZZ_REOPEN_EVERY 64

static void fuzz_close(struct fuzz_ctx *f)
{
	if (!f->t)
		return;
	server_release(&f->sv);
	session_release(&f->s);
	target_destroy(f->t);
	f->t = NULL;
}

static int fuzz_open(struct fuzz_ctx *f)
{
	char err[256] = "";

	if (target_open("test:", NULL, &f->t, err, sizeof(err)))
		return -1;
	memset(&f->s, 0, sizeof(f->s));
	if (session_init(&f->s, f->t) || server_init(&f->sv, &f->s))
		return -1;
	f->uses = 0;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_ctx f;
	struct server *sv;

	log_set_level(LOG_ERR);
	if (f.t && (f.sv.target_gone || ++f.uses >= FUZZ_REOPEN_EVERY))
		fuzz_close(&f);
	if (!f.t && fuzz_open(&f))
		__builtin_trap(); /* the test target must always open */
	sv = &f.sv;
	server_connect(sv);
	server_input(sv, data, size);
	server_poll_stop(sv);
	if (sv->waiting) {
		/* A guest left running is stopped as the \x03 byte would
		 * (the input may end inside a packet, where 3 is data). */
		target_interrupt(sv->s->t);
		server_poll_stop(sv);
	}
	if (sv->waiting)
		__builtin_trap(); /* an interrupt must always stop it */
	rsp_consume_out(&sv->rsp, sv->rsp.out.len);
	return 0;
}
