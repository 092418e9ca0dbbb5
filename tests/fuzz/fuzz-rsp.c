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
#include "tests/target/test-target.h"

/*
 * One target, session and server for the whole run: opening the test
 * target (its RAM, the sim's keys) cost more than most inputs. Each
 * input starts from the same state instead: the target is reset (RAM by
 * remapping its pristine copy), the caches dropped, the server's
 * per-connection state reinitialised.
 *
 * The target is "test:small" (2 x 128 KiB of RAM, the same shared pages
 * and page tables): a qCRC or qSearch over all of RAM, which inputs find
 * at once and then repeat (each repeat reaches higher hit counts), still
 * crosses both regions, the hole and the chunking, but costs 1/16 of what
 * the 4 MiB layout did.
 */
struct fuzz_ctx {
	struct target *t;
	struct session s;
	struct server sv;
};

static int fuzz_open(struct fuzz_ctx *f)
{
	char err[256] = "";

	if (target_open("test:small", NULL, &f->t, err, sizeof(err)))
		return -1;
	memset(&f->s, 0, sizeof(f->s));
	if (session_init(&f->s, f->t) || server_init(&f->sv, &f->s))
		return -1;
	return 0;
}

/* The state fuzz_open() left, without allocating anything. */
static int fuzz_reset(struct fuzz_ctx *f)
{
	struct server *sv = &f->sv;
	struct session *s = &f->s;
	void *mem = sv->mem;
	struct rsp rsp = sv->rsp;
	struct strbuf reply = sv->reply;

	if (test_target_reset(f->t))
		return -1;
	session_note_resume(s); /* drops the page cache and the bitmap */
	s->cur_vcpu = 0;
	/* server_init() without its allocations: keep the buffers. */
	memset(sv, 0, sizeof(*sv));
	sv->s = s;
	sv->listen_fd = -1;
	sv->mem = mem;
	sv->rsp = rsp;
	sv->reply = reply;
	sb_reset(&sv->reply);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_ctx f;
	struct server *sv;

	log_set_level(LOG_ERR);
	/* A killed test guest comes back with the reset, too. */
	if (!f.t && fuzz_open(&f))
		__builtin_trap(); /* the test target must always open */
	if (fuzz_reset(&f))
		__builtin_trap();
	sv = &f.sv;
	server_connect(sv); /* resets the packet state machine */
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
