// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for what a hostile or broken QEMU can send: the bytes
 * are the QMP socket's (or QEMU gdbstub's) side of a connection.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "plugins/targets/qemu/qemu.h"
#include "sevdbg/ram.h"
#include "sevdbg/util.h"

/*
 * The first byte picks the client: even = QMP, odd = the RSP client. The
 * rest is written into the peer end of a socketpair, which is then shut
 * for writing, so every read ends in data or EOF and never waits.
 * Invariants checked after each call: a failure carries a message (the user
 * must learn why), a success returns what the caller was promised, and the
 * client's buffers stay consistent.
 */
#define CHECK(cond, ...)                                          \
	do {                                                      \
		if (!(cond)) {                                    \
			fprintf(stderr, "fuzz-qmp: %s: ", #cond); \
			fprintf(stderr, __VA_ARGS__);             \
			fputc('\n', stderr);                      \
			abort();                                  \
		}                                                 \
	} while (0)

/* Each client call makes the client write a request; drop them. */
static void drain(int fd)
{
	char buf[4096];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

static void check_err(int rc, const char *err, const char *what)
{
	CHECK(memchr(err, 0, 256), "%s: message not terminated", what);
	if (rc < 0 && rc != -ENOMEM)
		CHECK(err[0], "%s failed (%d) without saying why", what, rc);
}

static void check_buf(const struct strbuf *sb)
{
	CHECK(sb->len <= sb->cap || (!sb->buf && !sb->len), "strbuf len");
	CHECK(!sb->buf || sb->buf[sb->len] == 0, "strbuf not terminated");
}

/*
 * qemu_map_ram maps each backend where gpa2hva says QEMU has it, if that
 * is a shared mapping in QEMU's /proc/PID/maps: here QEMU is this process,
 * with such a memfd, so whatever QEMU says about backends, the layout and
 * addresses, every region must stay inside the backend it names.
 */
#define FUZZ_RAM (2u << 20)

static bool fuzz_in_backend(const struct qemu_ram *r,
			    const struct ram_region *g)
{
	size_t i;

	if (g->unreachable)
		return !g->hva;
	for (i = 0; i < r->nr; i++) {
		const struct qemu_backend *b = &r->be[i];

		if (b->map && g->hva >= b->map && g->size <= b->size &&
		    (uint64_t)(g->hva - b->map) <= b->size - g->size)
			return true;
	}
	return false;
}

static int fuzz_map_ram(struct qmp *q, char *err, size_t errlen)
{
	static void *ram;
	struct qemu_ram r = {.allow_partial = true};
	struct ram_map m = {0};
	size_t i;
	int rc, fd;

	if (!ram) {
		fd = memfd_create("memory-backend-memfd", MFD_CLOEXEC);
		CHECK(fd >= 0 && !ftruncate(fd, FUZZ_RAM), "memfd");
		ram = mmap(NULL, FUZZ_RAM, PROT_READ | PROT_WRITE, MAP_SHARED,
			   fd, 0);
		CHECK(ram != MAP_FAILED, "mmap");
	}
	rc = qemu_map_ram(q, getpid(), &r, &m, err, errlen);
	if (rc) {
		CHECK(!m.nr && !r.nr, "failure left a mapping");
		return rc;
	}
	CHECK(m.nr, "success without a region");
	for (i = 0; i < m.nr; i++) {
		const struct ram_region *g = &m.regions[i];

		CHECK(fuzz_in_backend(&r, g),
		      "region %zu (gpa 0x%llx size 0x%llx) outside QEMU's RAM",
		      i, (unsigned long long)g->gpa,
		      (unsigned long long)g->size);
	}
	qemu_unmap_ram(&r);
	ram_free(&m);
	return 0;
}

static void fuzz_qmp(int fd, int peer)
{
	struct qmp q;
	char err[256], *out = NULL;
	json_t *ret = NULL;
	int rc, pid = 0, nr = 0, i;

	qmp_init_fd(&q, fd, 2000);
	/* As qmp_open, then the attach's queries, until the stream ends. */
	for (i = 0; i < 6; i++) {
		err[0] = 0;
		switch (i) {
		case 0:
			rc = qmp_call(&q, "qmp_capabilities", NULL, NULL, err,
				      sizeof(err));
			break;
		case 1:
			rc = qemu_find_pid(&q, &pid, &nr, err, sizeof(err));
			CHECK(rc || pid > 0, "pid %d accepted", pid);
			CHECK(nr >= 0, "negative vCPU count");
			break;
		case 2:
			rc = qmp_hmp(&q, "info mtree -f", &out, err,
				     sizeof(err));
			CHECK(rc || out, "hmp success without text");
			free(out);
			out = NULL;
			break;
		case 3:
			rc = qmp_call(&q, "query-sev", NULL, &ret, err,
				      sizeof(err));
			CHECK(!rc || !ret, "a failed call returned a value");
			json_decref(ret);
			ret = NULL;
			break;
		default:
			rc = fuzz_map_ram(&q, err, sizeof(err));
			break;
		}
		check_err(rc, err, "qmp");
		check_buf(&q.in);
		drain(peer);
		if (rc == -EPIPE)
			break;
	}
	q.fd = -1; /* the caller owns the socket */
	qmp_close(&q);
}

static void fuzz_rspc(int fd, int peer, uint8_t mode)
{
	static const char *const cmds[] = {"?", "g", "qfThreadInfo", "m1000,10",
					   "vCont;c"};
	struct rspc c;
	size_t i;
	int rc;

	if (rspc_init(&c, fd, 0)) /* EOF or data is always there */
		return;
	c.noack = mode & 2;
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		rc = rspc_cmd(&c, cmds[i]);
		check_buf(&c.raw);
		check_buf(&c.pkt);
		CHECK(rc <= 0, "rspc_cmd returned %d", rc);
		CHECK(rc || c.pkt.buf, "a packet without a buffer");
		if (!rc)
			CHECK(strlen(c.pkt.buf) <= c.pkt.len, "packet length");
		drain(peer);
		if (rc == -EPIPE)
			break;
	}
	c.fd = -1;
	rspc_close(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int sv[2];
	size_t off = 1;
	ssize_t n;

	if (size < 1 || size > 65536)
		return 0;
	log_set_level(LOG_ERR);
	CHECK(!socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
	      "socketpair: %s", strerror(errno));
	/* The buffer of a unix stream socket holds far more than 64 KiB. */
	while (off < size) {
		n = send(sv[1], data + off, size - off, MSG_NOSIGNAL);
		CHECK(n > 0, "send: %s", strerror(errno));
		off += (size_t)n;
	}
	shutdown(sv[1], SHUT_WR);
	if (data[0] & 1)
		fuzz_rspc(sv[0], sv[1], data[0]);
	else
		fuzz_qmp(sv[0], sv[1]);
	close(sv[0]);
	close(sv[1]);
	return 0;
}
