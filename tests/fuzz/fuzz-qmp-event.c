// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for what QEMU sends on QMP unasked: events (STOP,
 * RESUME, RESET, SHUTDOWN, ...) however malformed, interleaved with replies.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "plugins/targets/qemu/qemu.h"
#include "sevdbg/util.h"

#define CHECK(cond, ...)                                                \
	do {                                                            \
		if (!(cond)) {                                          \
			fprintf(stderr, "fuzz-qmp-event: %s: ", #cond); \
			fprintf(stderr, __VA_ARGS__);                   \
			fputc('\n', stderr);                            \
			abort();                                        \
		}                                                       \
	} while (0)

/*
 * The input is a series of records: op (1 byte), length (2 bytes, little
 * endian), then that many bytes QEMU "sent". What the client does next
 * depends on op:
 *   0: the bytes arrive, the client drains events (qmp_drain);
 *   1: they arrive, the client runs a command (qmp_call "cont", whose
 *      reply is id 1, 2, ... in input order) and skips events on the way;
 *   2: the same through human-monitor-command (a string reply);
 *   3: the bytes come through the socket and qmp_drain reads them.
 * One client and one socketpair serve the whole run: bytes for ops 0-2 are
 * put where the client's reads would put them (q.in) and the client's
 * timeout is 0, so no call ever waits. Each input starts from a fresh
 * client state (empty buffer, ids from 1, no event seen).
 */
struct fuzz_qmp {
	struct qmp q;
	int peer; /* QEMU's end: takes requests, sends op-3 bytes */
};

static void fuzz_init(struct fuzz_qmp *f)
{
	int sv[2];

	CHECK(!socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
	      "socketpair: %s", strerror(errno));
	qmp_init_fd(&f->q, sv[0], 0);
	f->peer = sv[1];
}

static void drop(int fd)
{
	char buf[4096];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

static void fuzz_reset(struct fuzz_qmp *f)
{
	drop(f->q.fd); /* op-3 bytes the last input left unread */
	sb_reset(&f->q.in);
	f->q.next_id = 0;
	f->q.timeout_ms = 0;
	f->q.shutdown_seen = false;
	f->q.last_event[0] = '\0';
}

static void check_state(const struct qmp *q, int rc, const char *err)
{
	const struct strbuf *sb = &q->in;

	CHECK(memchr(err, 0, 256), "message not terminated");
	if (rc < 0 && rc != -ENOMEM)
		CHECK(err[0], "failed (%d) without saying why", rc);
	CHECK(sb->len <= sb->cap || (!sb->buf && !sb->len), "strbuf len");
	CHECK(!sb->buf || sb->buf[sb->len] == 0, "strbuf not terminated");
	CHECK(memchr(q->last_event, 0, sizeof(q->last_event)),
	      "last_event not terminated");
	CHECK(!q->shutdown_seen || q->last_event[0],
	      "a SHUTDOWN noted without an event name");
}

static void fuzz_op(struct fuzz_qmp *f, uint8_t op, const uint8_t *d, size_t n)
{
	struct qmp *q = &f->q;
	char err[256] = "", *out = NULL;
	json_t *ret = NULL;
	int rc = 0;

	if ((op & 3) == 3) {
		CHECK(send(f->peer, d, n, MSG_NOSIGNAL) == (ssize_t)n,
		      "send: %s", strerror(errno));
	} else {
		sb_add(&q->in, d, n);
		if (q->in.oom)
			return;
	}
	switch (op & 3) {
	case 1:
		rc = qmp_call(q, "cont", NULL, &ret, err, sizeof(err));
		CHECK(!rc || !ret, "a failed call returned a value");
		json_decref(ret);
		break;
	case 2:
		rc = qmp_hmp(q, "info status", &out, err, sizeof(err));
		CHECK(rc || out, "hmp success without text");
		free(out);
		break;
	default:
		qmp_drain(q);
		/* Every complete line was taken as a message. */
		CHECK(!q->in.len || !memchr(q->in.buf, '\n', q->in.len),
		      "qmp_drain left a complete line");
		break;
	}
	drop(f->peer); /* the request: the socket must never fill up */
	check_state(q, rc, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_qmp f = {.peer = -1};
	size_t off = 0, n;
	uint8_t op;

	if (size > 1 << 20)
		return 0;
	log_set_level(LOG_ERR);
	if (f.peer < 0)
		fuzz_init(&f);
	fuzz_reset(&f);
	while (off < size) {
		op = data[off++];
		n = off + 2 <= size ? (size_t)(data[off] | data[off + 1] << 8)
				    : 0;
		off = off + 2 <= size ? off + 2 : size;
		if (n > size - off)
			n = size - off;
		fuzz_op(&f, op, data + off, n);
		off += n;
	}
	return 0;
}
